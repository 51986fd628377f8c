// A correct reproduction of "concurrent map read and map write": wg.Add(2), and both goroutines loop so that a
// read lands inside a write's hashWriting window.
package main

import (
	"fmt"
	"sync"
)

func main() {
	m := make(map[int]int)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 100000; i++ {
			m[i] = i
		}
	}()
	sum := 0
	go func() {
		defer wg.Done()
		for i := 0; i < 100000; i++ {
			sum += m[i]
		}
	}()
	wg.Wait()
	fmt.Println(len(m), sum)
}
