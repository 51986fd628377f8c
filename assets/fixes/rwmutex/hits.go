package main

import "sync"

// hits counts requests per path.
//
// FIX (sync.RWMutex): readers share RLock, writers take Lock. It pays off
// only when reads clearly outnumber writes; under frequent writes it gains
// nothing over a plain Mutex (writers serialise anyway). Never write (not
// even m[k]++) while holding only RLock: -race would report it again.
type hits struct {
	mu sync.RWMutex
	m  map[string]int // guarded by mu
}

func newHits() *hits { return &hits{m: make(map[string]int)} }

func (h *hits) record(path string) {
	h.mu.Lock()
	h.m[path]++
	h.mu.Unlock()
}

func (h *hits) lookup(path string) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.m[path]
}

// snapshot copies under the read lock (a consistent copy: no write can run
// while it is held).
func (h *hits) snapshot() map[string]int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make(map[string]int, len(h.m))
	for k, v := range h.m {
		out[k] = v
	}
	return out
}
