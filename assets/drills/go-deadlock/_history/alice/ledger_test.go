package main

import "testing"

func TestTransfer(t *testing.T) {
	l := NewLedger()
	l.Transfer("alice", "bob", 10)
	if got := l.Balance("bob"); got != 10 {
		t.Fatalf("bob has %d, want 10", got)
	}
}
