// Ranging over a map while another goroutine writes to it: "concurrent map iteration and map write".
package main

import (
	"fmt"
	"sync"
)

func main() {
	m := make(map[int]int)
	for i := 0; i < 8; i++ {
		m[i] = i
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 100000; i++ {
			m[i%16] = i
		}
	}()
	total := 0
	go func() {
		defer wg.Done()
		for n := 0; n < 10000; n++ {
			for _, v := range m {
				total += v
			}
		}
	}()
	wg.Wait()
	fmt.Println(len(m), total)
}
