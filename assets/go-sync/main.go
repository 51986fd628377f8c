// Command gosync is the go-sync-misuse runbook's practice program: each mode breaks one ownership rule of Go's
// channels and sync primitives, the way services do, and dies with the runtime's message.
//
//	./gosync send_closed        panic: send on closed channel
//	./gosync close_closed       panic: close of closed channel
//	./gosync negative_wg        panic: sync: negative WaitGroup counter
//	./gosync unlock_unlocked    fatal error: sync: unlock of unlocked mutex
//	./gosync runlock_unlocked   fatal error: sync: RUnlock of unlocked RWMutex
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gosync send_closed|close_closed|negative_wg|unlock_unlocked|runlock_unlocked")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "send_closed":
		fmt.Println(fanIn([]string{"a", "b"}))
	case "close_closed":
		s := &server{quit: make(chan struct{})}
		s.Stop()
		s.onSignal()
	case "negative_wg":
		batch([]string{"a", ""})
	case "unlock_unlocked":
		c := &cache{data: map[string]string{}}
		c.Put("a", "1")
		c.Put("", "2")
	case "runlock_unlocked":
		c := &cache{data: map[string]string{}}
		fmt.Println(c.Get("missing"))
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
		os.Exit(2)
	}
}
