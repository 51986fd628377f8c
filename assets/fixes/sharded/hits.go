package main

import "sync"

// hits counts requests per path.
//
// FIX (sharding): N independent maps, each with its own lock; a key always
// lives in the shard its hash picks. Goroutines touching different shards no
// longer wait for each other. Worth its complexity only when a profile shows
// contention on one lock (sync.(*Mutex).Lock in the mutex or block profile)
// on a many-core host. Operations across keys (snapshot, len) lock shard by
// shard and are not atomic as a whole.
const shardCount = 16 // a power of two, a few times the core count

type shard struct {
	mu sync.Mutex
	m  map[string]int // guarded by mu
}

type hits struct {
	shards [shardCount]shard
}

func newHits() *hits {
	h := &hits{}
	for i := range h.shards {
		h.shards[i].m = make(map[string]int)
	}
	return h
}

// shardFor hashes the key with FNV-1a (inline, no allocation).
func (h *hits) shardFor(key string) *shard {
	x := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		x ^= uint32(key[i])
		x *= 16777619
	}
	return &h.shards[x%shardCount]
}

func (h *hits) record(path string) {
	s := h.shardFor(path)
	s.mu.Lock()
	s.m[path]++
	s.mu.Unlock()
}

func (h *hits) lookup(path string) int {
	s := h.shardFor(path)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[path]
}

// snapshot copies each shard under its own lock.
func (h *hits) snapshot() map[string]int {
	out := make(map[string]int)
	for i := range h.shards {
		s := &h.shards[i]
		s.mu.Lock()
		for k, v := range s.m {
			out[k] = v
		}
		s.mu.Unlock()
	}
	return out
}
