// The handbook's "5-line reproduction", exactly as printed (gofmt'ed), with its wg.Add(1) bug: two goroutines per
// loop call Done but only one Add. It does not reproduce the map crash; see GO-FACTS.md error 1.
package main

import "sync"

func main() {
	m := make(map[int]int)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); m[1] = 1 }() // 写操作
		go func() { defer wg.Done(); _ = m[1] }() // 读操作
	}
	wg.Wait()
}
