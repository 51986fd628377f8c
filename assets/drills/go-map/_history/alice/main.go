// Command shortlink serves short links: GET /r/CODE redirects to the stored
// URL.
package main

import (
	"log"
	"net/http"
)

func main() {
	store := NewStore()
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", store.Routes()))
}
