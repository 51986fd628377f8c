// Command ledger serves account transfers: POST /transfer?from=A&to=B&n=N moves money.
package main

import (
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
	log.Printf("ledger listening on %s", addr)
	log.Fatal(http.ListenAndServe(addr, nil))
}
