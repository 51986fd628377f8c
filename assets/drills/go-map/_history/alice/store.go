package main

// Store holds the short links.
// Links are loaded once at start and only read afterwards.
type Store struct {
	links map[string]string
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
