// Command ledger serves account transfers: POST /transfer?from=A&to=B&n=N moves money, GET /report says how many
// accounts there are and how many operations ran.
//
// This is the service of the `runbook drill go-deadlock` training scenario: under load it stops answering (every
// request waits, nothing crashes), and its tests hang until `go test -timeout` panics.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"strconv"
)

func main() {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	l := NewLedger()
	http.HandleFunc("/transfer", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil {
			http.Error(w, "n: "+err.Error(), http.StatusBadRequest)
			return
		}
		l.Transfer(r.URL.Query().Get("from"), r.URL.Query().Get("to"), n)
	})
	http.HandleFunc("/report", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, l.Report())
	})
	log.Printf("ledger listening on %s", addr)
	log.Fatal(http.ListenAndServe(addr, nil))
}
