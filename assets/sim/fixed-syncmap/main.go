// The reproduction fixed with sync.Map (keys written once, read many times: the case sync.Map is tuned for).
package main

import (
	"fmt"
	"sync"
)

func main() {
	var m sync.Map
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 100000; i++ {
			m.Store(i, i)
		}
	}()
	sum := 0
	go func() {
		defer wg.Done()
		for i := 0; i < 100000; i++ {
			if v, ok := m.Load(i); ok {
				sum += v.(int)
			}
		}
	}()
	wg.Wait()
	fmt.Println(sum)
}
