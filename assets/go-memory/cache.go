package main

// cache keeps every response it is given, forever: the unbounded cache behind most "memory grows until the
// container is killed" incidents. Nothing evicts, so the live heap only grows, and each GC cycle's goal (live
// heap × (1 + GOGC/100)) grows with it until the allocation fails or the kernel kills the process.
type cache struct {
	entries map[int][]byte
}

func newCache() *cache { return &cache{entries: make(map[int][]byte)} }

// store keeps a copy of the response for key.
func (c *cache) store(key int, response []byte) {
	c.entries[key] = append([]byte(nil), response...)
}

// size is the number of bytes kept.
func (c *cache) size() int {
	n := 0
	for _, v := range c.entries {
		n += len(v)
	}
	return n
}
