package main

import "sync"

// fanIn runs one worker per job and collects their results. The bug: the collector closes results when it has
// read what it expected, while a late worker (a retry) still sends. The rule that fixes it: the channel is closed
// by its only sender, or, with many senders, by one goroutine after wg.Wait() for all of them.
func fanIn(jobs []string) []string {
	results := make(chan string)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func(j string) {
			defer wg.Done()
			results <- "done " + j
		}(j)
	}
	var out []string
	for range jobs {
		out = append(out, <-results)
	}
	close(results) // every expected result is in; a retry below still sends
	retry(results, jobs[0])
	wg.Wait()
	return out
}

// retry sends one more result for a job that a caller asked to redo.
func retry(results chan<- string, job string) {
	results <- "retried " + job
}

// server has two shutdown paths that both close quit: Stop (an admin call) and the signal handler.
type server struct {
	quit chan struct{}
}

func (s *server) Stop() { close(s.quit) }

func (s *server) onSignal() { close(s.quit) }

// batch counts its workers; Done is deferred and also called on the error path.
func batch(items []string) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		func(it string) {
			defer wg.Done()
			if it == "" {
				wg.Done() // the error path "finishes" early: the deferred Done runs too
				return
			}
		}(it)
	}
	wg.Wait()
}

// cache unlocks on a path that never locked.
type cache struct {
	mu   sync.Mutex
	rw   sync.RWMutex
	data map[string]string
}

func (c *cache) Put(k, v string) {
	if k == "" {
		c.mu.Unlock() // an early return copied from below, without the Lock
		return
	}
	c.mu.Lock()
	c.data[k] = v
	c.mu.Unlock()
}

func (c *cache) Get(k string) string {
	c.rw.RLock()
	v := c.data[k]
	c.rw.RUnlock()
	if v == "" {
		c.rw.RUnlock() // a second unlock left from a refactor
	}
	return v
}
