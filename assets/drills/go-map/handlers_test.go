package main

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

func TestRedirect(t *testing.T) {
	rec := httptest.NewRecorder()
	NewStore().Routes().ServeHTTP(rec, httptest.NewRequest("GET", "/r/go", nil))
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "https://go.dev" {
		t.Fatalf("GET /r/go: %d %q", rec.Code, rec.Header().Get("Location"))
	}
}

// TestConcurrentRedirects follows a link from many goroutines at once, as the
// server does under load, while the stats page is read.
func TestConcurrentRedirects(t *testing.T) {
	h := NewStore().Routes()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/r/go", nil))
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/stats?code=go", nil))
			}
		}()
	}
	wg.Wait()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/stats?code=go", nil))
	if got, want := rec.Body.String(), "go 1600\n"; got != want {
		t.Fatalf("stats: got %q, want %q", got, want)
	}
}
