package main

import (
	"sync"
	"testing"
)

// TestConcurrentRecordLookupSnapshot drives record, lookup and snapshot from
// several goroutines at once, as a server does. This is the test that was
// missing: with `go test -race` it fails on every run while the map is
// unguarded (assets/repro) and passes once it is guarded (assets/fixes/*).
// Copy its shape for the map you fix, and keep it in CI with -race.
func TestConcurrentRecordLookupSnapshot(t *testing.T) {
	h := newHits()
	const workers, ops = 8, 500
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
			for i := 0; i < ops/50; i++ {
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

// The benchmarks compare the fixes (run them in each assets/fixes dir):
// go test -run '^$' -bench . -cpu 1,4,8
func BenchmarkReadMostly(b *testing.B)  { benchMix(b, 1, 32) }
func BenchmarkWriteMostly(b *testing.B) { benchMix(b, 4, 1) }

// benchMix runs `writes` records then `reads` lookups per round, in parallel.
func benchMix(b *testing.B, writes, reads int) {
	h := newHits()
	for _, p := range paths {
		h.record(p)
	}
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			p := paths[i%len(paths)]
			if i%(writes+reads) < writes {
				h.record(p)
			} else {
				_ = h.lookup(p)
			}
			i++
		}
	})
}
