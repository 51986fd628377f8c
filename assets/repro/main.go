// Command repro crashes the Go runtime with
//
//	fatal error: concurrent map read and map write
//
// on purpose. A request counter keeps a plain map that one goroutine writes
// (record) while another reads it (lookup), with no lock. Both run in tight
// loops so their map operations overlap in time, which is the only moment the
// runtime's check can see the race: a read that finds the map's "writing" flag
// set calls fatal(). That is a fatal error, not a panic: recover() cannot stop
// it, deferred functions do not run, the process exits with status 2.
//
// Flags:
//
//	-for 10s   give up after this long (then exit 0: the race is still there,
//	           the runtime simply did not catch an overlap)
//	-calm      take turns with pauses so the two goroutines never touch the
//	           map at the same moment: the runtime never crashes, but a -race
//	           build still reports the race (exit 66), because the accesses are
//	           not ordered by any synchronisation
package main

import (
	"flag"
	"fmt"
	"sync"
	"time"
)

var paths = []string{"/", "/login", "/cart", "/checkout", "/search", "/item", "/health", "/metrics"}

// hits counts requests per path. BUG: nothing guards m.
type hits struct {
	m map[string]int
}

func newHits() *hits { return &hits{m: make(map[string]int)} }

func (h *hits) record(path string) {
	h.m[path]++ // write: runtime.mapassign_faststr
}

func (h *hits) lookup(path string) int {
	return h.m[path] // read: runtime.mapaccess1_faststr
}

// snapshot copies the counts; ranging over m while record runs would be
// "concurrent map iteration and map write".
func (h *hits) snapshot() map[string]int {
	out := make(map[string]int, len(h.m))
	for k, v := range h.m {
		out[k] = v
	}
	return out
}

func main() {
	limit := flag.Duration("for", 10*time.Second, "give up after this long")
	calm := flag.Bool("calm", false, "never overlap: no crash, but -race still reports")
	flag.Parse()

	h := newHits()
	start := time.Now()
	var wg sync.WaitGroup
	wg.Add(2) // two goroutines, two Done calls
	if *calm {
		go func() { defer wg.Done(); h.record("/cart") }()
		go func() {
			defer wg.Done()
			time.Sleep(100 * time.Millisecond) // long after the write: no overlap, still no ordering
			_ = h.lookup("/cart")
		}()
	} else {
		go func() { // writer
			defer wg.Done()
			for i := 0; i&1023 != 0 || time.Since(start) < *limit; i++ {
				h.record(paths[i%len(paths)])
			}
		}()
		go func() { // reader
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
	fmt.Printf("no crash after %v (%d writes): the race is still in the code; the runtime only catches operations that overlap in time\n",
		time.Since(start).Round(time.Millisecond), total)
}
