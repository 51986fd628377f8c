package main

import (
	"fmt"
	"net/http"
	"strings"
)

// Routes wires the handlers. net/http serves each request on its own
// goroutine, so handlers run concurrently.
func (s *Store) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/r/", s.handleRedirect)
	mux.HandleFunc("/healthz", handleHealth)
	return mux
}

func (s *Store) handleRedirect(w http.ResponseWriter, r *http.Request) {
	code := strings.TrimPrefix(r.URL.Path, "/r/")
	target, ok := s.links[code]
	if !ok {
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, target, http.StatusFound)
}

func handleHealth(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, "ok")
}
