package main

import (
	"sync"
	"testing"
)

// TestRecordWhileLooking drives record, lookup and snapshot from several
// goroutines, as a server does. It is the test that was missing: without -race
// it usually passes (or crashes the test binary with a fatal error); with
// `go test -race` it fails on every run with "WARNING: DATA RACE".
// Copy its shape for the map you are fixing.
func TestRecordWhileLooking(t *testing.T) {
	h := newHits()
	const workers, ops = 4, 200
	var wg sync.WaitGroup
	wg.Add(3 * workers)
	for w := 0; w < workers; w++ {
		go func() {
			defer wg.Done()
			for i := 0; i < ops; i++ {
				h.record(paths[i%len(paths)])
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < ops; i++ {
				_ = h.lookup(paths[i%len(paths)])
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < ops/20; i++ {
				_ = h.snapshot()
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range h.snapshot() {
		total += n
	}
	if total != workers*ops {
		t.Fatalf("counted %d hits, want %d", total, workers*ops)
	}
}
