// The reproduction fixed with a sharded map: four maps, each guarded by its own mutex, chosen by key.
package main

import (
	"fmt"
	"sync"
)

type shard struct {
	mu sync.Mutex
	m  map[int]int
}

func main() {
	var shards [4]shard
	for s := range shards {
		shards[s].m = make(map[int]int)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 100000; i++ {
			s := &shards[i%4]
			s.mu.Lock()
			s.m[i] = i
			s.mu.Unlock()
		}
	}()
	sum := 0
	go func() {
		defer wg.Done()
		for i := 0; i < 100000; i++ {
			s := &shards[i%4]
			s.mu.Lock()
			sum += s.m[i]
			s.mu.Unlock()
		}
	}()
	wg.Wait()
	fmt.Println(sum)
}
