// Command hitsdemo runs one writer and one reader of a request counter (hits,
// in hits.go) in tight loops, the way a server's handlers and a metrics
// exporter share one map.
//
// In assets/repro the counter is a plain map with no lock, and the program
// dies within milliseconds with
//
//	fatal error: concurrent map read and map write
//
// (exit status 2). The runtime notices only a read that starts while a write
// is in progress, so the loops keep both busy until that overlap happens.
// A fatal error is not a panic: recover() cannot stop it and deferred
// functions do not run. In assets/fixes/* the same main.go runs with a
// guarded counter and exits 0 after -for.
//
// Flags:
//
//	-for 10s  give up after this long: exit 0 with a note, because no crash
//	          does not mean no race
//	-calm     one write, then one read 100 ms later: the accesses never
//	          overlap, so the runtime never crashes, yet a -race build
//	          reports the race (exit 66) since nothing orders the two
package main

import (
	"flag"
	"fmt"
	"runtime"
	"sync"
	"time"
)

var paths = []string{"/", "/login", "/cart", "/checkout", "/search", "/item", "/health", "/metrics"}

func main() {
	limit := flag.Duration("for", 10*time.Second, "give up after this long")
	calm := flag.Bool("calm", false, "never overlap: no crash, but -race still reports")
	flag.Parse()

	// On one P (GOMAXPROCS=1, e.g. a one-CPU container) the two loops take
	// turns: Go 1.19 then never crashed in 20 runs of 10 s, Go 1.27 still did.
	// Two Ps let the OS run both loops at the same moment, even on one CPU.
	if runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
	}

	h := newHits()
	start := time.Now()
	var wg sync.WaitGroup
	wg.Add(2) // two goroutines, so two Done calls
	if *calm {
		go func() { defer wg.Done(); h.record("/cart") }()
		go func() {
			defer wg.Done()
			time.Sleep(100 * time.Millisecond) // far apart in time, still unordered
			_ = h.lookup("/cart")
		}()
	} else {
		go func() { // writer, like a request handler
			defer wg.Done()
			for i := 0; i&1023 != 0 || time.Since(start) < *limit; i++ {
				h.record(paths[i%len(paths)])
			}
		}()
		go func() { // reader, like a metrics exporter
			defer wg.Done()
			for i := 0; i&1023 != 0 || time.Since(start) < *limit; i++ {
				_ = h.lookup(paths[i%len(paths)])
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range h.snapshot() {
		total += n
	}
	fmt.Printf("ran %v, %d writes, no crash\n", time.Since(start).Round(time.Millisecond), total)
}
