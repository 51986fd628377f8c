package main

// hits counts requests per path.
//
// BUG: m is shared by goroutines and nothing guards it. Compare this file
// with ../fixes/*/hits.go: main.go and hits_test.go are the same everywhere.
type hits struct {
	m map[string]int
}

func newHits() *hits { return &hits{m: make(map[string]int)} }

func (h *hits) record(path string) {
	h.m[path]++ // write (runtime.mapassign_faststr)
}

func (h *hits) lookup(path string) int {
	return h.m[path] // read (runtime.mapaccess1_faststr)
}

// snapshot copies the counts. Ranging over m while record runs is the third
// crash: "concurrent map iteration and map write".
func (h *hits) snapshot() map[string]int {
	out := make(map[string]int, len(h.m))
	for k, v := range h.m {
		out[k] = v
	}
	return out
}
