package main

import (
	"sync"
	"sync/atomic"
)

// Store holds the short links and how often each one was followed.
// Links are loaded once at start and only read afterwards; hits changes on
// every redirect, from many goroutines: a sync.Map of atomic counters, since
// the set of keys is small and stable (sync.Map's good case).
type Store struct {
	links map[string]string
	hits  sync.Map // code -> *atomic.Int64
}

// NewStore returns a store with the built-in links.
func NewStore() *Store {
	return &Store{
		links: map[string]string{
			"go":   "https://go.dev",
			"docs": "https://pkg.go.dev",
			"blog": "https://go.dev/blog",
		},
	}
}

// hit counts one redirect of code.
func (s *Store) hit(code string) {
	counter, _ := s.hits.LoadOrStore(code, new(atomic.Int64))
	counter.(*atomic.Int64).Add(1)
}

// hitCount says how often code was followed.
func (s *Store) hitCount(code string) int {
	counter, ok := s.hits.Load(code)
	if !ok {
		return 0
	}
	return int(counter.(*atomic.Int64).Load())
}
