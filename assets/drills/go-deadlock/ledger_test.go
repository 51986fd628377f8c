package main

import (
	"sync"
	"testing"
)

func TestTransfer(t *testing.T) {
	l := NewLedger()
	l.Transfer("alice", "bob", 10)
	if got := l.Balance("bob"); got != 10 {
		t.Fatalf("bob has %d, want 10", got)
	}
}

// TestReportDuringTransfers reports while transfers run, as the dashboard does under load.
func TestReportDuringTransfers(t *testing.T) {
	l := NewLedger()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				l.Transfer("alice", "bob", 1)
			}
		}()
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				_ = l.Report()
			}
		}()
	}
	wg.Wait()
	if got := l.Balance("bob"); got != 400 {
		t.Fatalf("bob has %d, want 400", got)
	}
}
