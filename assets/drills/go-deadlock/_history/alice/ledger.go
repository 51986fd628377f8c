package main

import (
	"sync"
	"time"
)

// Ledger keeps account balances.
type Ledger struct {
	mu       sync.RWMutex // guards balances
	balances map[string]int
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{balances: map[string]int{}}
}

// Transfer moves n from one account to another.
func (l *Ledger) Transfer(from, to string, n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.balances[from] -= n
	l.balances[to] += n
	time.Sleep(time.Millisecond) // writes the audit record
}

// Balance is the balance of one account.
func (l *Ledger) Balance(account string) int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.balances[account]
}
