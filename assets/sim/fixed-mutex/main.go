// The reproduction fixed with a sync.Mutex around every map access.
package main

import (
	"fmt"
	"sync"
)

func main() {
	m := make(map[int]int)
	var mu sync.Mutex
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
			mu.Lock()
			sum += m[i]
			mu.Unlock()
		}
	}()
	wg.Wait()
	fmt.Println(len(m), sum)
}
