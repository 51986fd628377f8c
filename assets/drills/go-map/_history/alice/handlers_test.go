package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRedirect(t *testing.T) {
	rec := httptest.NewRecorder()
	NewStore().Routes().ServeHTTP(rec, httptest.NewRequest("GET", "/r/go", nil))
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "https://go.dev" {
		t.Fatalf("GET /r/go: %d %q", rec.Code, rec.Header().Get("Location"))
	}
}
