package main

import "sync"

// hits counts requests per path.
//
// FIX (sync.Mutex): every access to m, read or write, holds mu. The default
// choice: right for frequent writes, for read-modify-write (m[k]++) and for
// iteration, and cheap when uncontended. Keep the critical sections short and
// never hand out m itself: return copies.
type hits struct {
	mu sync.Mutex
	m  map[string]int // guarded by mu
}

func newHits() *hits { return &hits{m: make(map[string]int)} }

func (h *hits) record(path string) {
	h.mu.Lock()
	h.m[path]++
	h.mu.Unlock()
}

func (h *hits) lookup(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.m[path]
}

// snapshot copies under the lock, so callers can range over the copy freely.
func (h *hits) snapshot() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]int, len(h.m))
	for k, v := range h.m {
		out[k] = v
	}
	return out
}
