package main

import (
	"testing"
	"time"
)

// TestTransferDuringReport runs a transfer and a report at once, the way production does. With the lock-order
// inversion it never returns: `go test -timeout` turns the hang into "panic: test timed out after …" with every
// goroutine's stack.
func TestTransferDuringReport(t *testing.T) {
	l := NewLedger(20 * time.Millisecond)
	done := make(chan struct{})
	go func() {
		l.Transfer("alice", "bob", 1)
		close(done)
	}()
	time.Sleep(5 * time.Millisecond)
	l.Report()
	<-done
}
