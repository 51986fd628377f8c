package main

import (
	"fmt"
	"sync"
	"time"
)

// Ledger keeps account balances and counts the operations.
//
// Lock order: mu before statsMu, everywhere.
type Ledger struct {
	mu       sync.RWMutex // guards balances; taken before statsMu
	balances map[string]int
	statsMu  sync.Mutex // guards stats
	stats    map[string]int
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{balances: map[string]int{}, stats: map[string]int{}}
}

// Transfer moves n from one account to another, and counts it.
func (l *Ledger) Transfer(from, to string, n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.balances[from] -= n
	l.balances[to] += n
	time.Sleep(time.Millisecond) // writes the audit record
	l.record("transfer")
}

// record counts one operation of kind.
func (l *Ledger) record(kind string) {
	l.statsMu.Lock()
	l.stats[kind]++
	l.statsMu.Unlock()
}

// Balance is the balance of one account.
func (l *Ledger) Balance(account string) int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.balances[account]
}

// Report says how many accounts there are and how many operations of each kind ran.
func (l *Ledger) Report() string {
	l.mu.RLock() // mu before statsMu, as Transfer takes them
	defer l.mu.RUnlock()
	l.statsMu.Lock()
	defer l.statsMu.Unlock()
	return fmt.Sprintf("%d accounts, operations: %v", len(l.balances), l.stats)
}
