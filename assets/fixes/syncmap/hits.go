package main

import (
	"sync"
	"sync/atomic"
)

// hits counts requests per path.
//
// FIX (sync.Map): sync.Map is tuned for two cases: a key written once and
// then read many times (a cache that only grows), and goroutines working on
// disjoint sets of keys. Here each path's entry is stored once and then only
// loaded; the count itself is an atomic.Int64, so record never rewrites the
// map. For other workloads a Mutex-guarded map is usually faster, and
// sync.Map loses static types (values are `any`).
type hits struct {
	m sync.Map // string -> *atomic.Int64
}

func newHits() *hits { return &hits{} }

func (h *hits) record(path string) {
	c, ok := h.m.Load(path)
	if !ok {
		// Two goroutines may both miss; LoadOrStore keeps exactly one counter.
		c, _ = h.m.LoadOrStore(path, new(atomic.Int64))
	}
	c.(*atomic.Int64).Add(1)
}

func (h *hits) lookup(path string) int {
	c, ok := h.m.Load(path)
	if !ok {
		return 0
	}
	return int(c.(*atomic.Int64).Load())
}

// snapshot ranges over the map. Range is safe during writes but is not a
// point-in-time copy: counts may move while it runs.
func (h *hits) snapshot() map[string]int {
	out := make(map[string]int)
	h.m.Range(func(k, c any) bool {
		out[k.(string)] = int(c.(*atomic.Int64).Load())
		return true
	})
	return out
}
