// The reproduction fixed with a sync.RWMutex: writers Lock, readers RLock.
package main

import (
	"fmt"
	"sync"
)

func main() {
	m := make(map[int]int)
	var mu sync.RWMutex
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 100000; i++ {
			mu.Lock()
			m[i] = i
			mu.Unlock()
		}
	}()
	sum := 0
	go func() {
		defer wg.Done()
		for i := 0; i < 100000; i++ {
			mu.RLock()
			sum += m[i]
			mu.RUnlock()
		}
	}()
	wg.Wait()
	fmt.Println(len(m), sum)
}
