// Command shortlink serves short links: GET /r/CODE redirects to the stored
// URL, GET /stats?code=CODE says how often a link was followed.
//
// This is the service of the `runbook drill go-map` training scenario: under
// load it dies with "fatal error: concurrent map writes", and its tests fail
// under the race detector.
package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	store := NewStore()
	log.Printf("shortlink listening on %s", addr)
	log.Fatal(http.ListenAndServe(addr, logRequests(store.Routes())))
}

// logRequests logs each request before serving it.
func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.Printf("%s %s", r.Method, r.URL.Path)
		next.ServeHTTP(w, r)
	})
}
