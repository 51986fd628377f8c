package main

import "sync"

// Store holds the short links and how often each one was followed.
// Links are loaded once at start and only read afterwards; hits changes on
// every redirect, from many goroutines, so mu guards it.
type Store struct {
	links map[string]string

	mu   sync.Mutex // guards hits
	hits map[string]int
}

// NewStore returns a store with the built-in links.
func NewStore() *Store {
	return &Store{
		links: map[string]string{
			"go":   "https://go.dev",
			"docs": "https://pkg.go.dev",
			"blog": "https://go.dev/blog",
		},
		hits: make(map[string]int),
	}
}

// hit counts one redirect of code.
func (s *Store) hit(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits[code]++
}

// hitCount says how often code was followed.
func (s *Store) hitCount(code string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[code]
}
