package main

import (
	"fmt"
	"sync"
	"time"
)

// Ledger keeps balances and per-operation counters, each under its own lock.
//
// The bug is a lock-order inversion: Transfer takes mu then statsMu (through record), Report takes statsMu then
// mu. When a transfer holds mu while a report holds statsMu, each waits for the other's lock forever, and every
// later Transfer queues on mu behind them. The rule that fixes it: one order for the two locks everywhere (mu
// before statsMu), or never hold one while taking the other.
type Ledger struct {
	mu       sync.Mutex // guards balances
	statsMu  sync.Mutex // guards stats
	balances map[string]int
	stats    map[string]int
	work     time.Duration // how long each operation takes inside its first lock
	fixed    bool          // Report takes mu before statsMu, as Transfer does
}

// NewLedger returns an empty ledger whose operations take work inside their first lock.
func NewLedger(work time.Duration) *Ledger {
	return &Ledger{balances: map[string]int{}, stats: map[string]int{}, work: work}
}

// Transfer moves n from one account to another and counts it.
func (l *Ledger) Transfer(from, to string, n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.balances[from] -= n
	l.balances[to] += n
	time.Sleep(l.work) // writes the audit record
	l.record("transfer")
}

// record counts one operation of kind.
func (l *Ledger) record(kind string) {
	l.statsMu.Lock()
	l.stats[kind]++
	l.statsMu.Unlock()
}

// Report formats the counters and the number of accounts.
func (l *Ledger) Report() string {
	if l.fixed {
		return l.reportInOrder()
	}
	l.statsMu.Lock()
	defer l.statsMu.Unlock()
	time.Sleep(l.work) // formats the header
	l.mu.Lock()
	accounts := len(l.balances)
	l.mu.Unlock()
	return fmt.Sprintf("%d accounts, %v", accounts, l.stats)
}

// reportInOrder is the fix: the same locks in Transfer's order, mu before statsMu.
func (l *Ledger) reportInOrder() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	time.Sleep(l.work)
	l.statsMu.Lock()
	defer l.statsMu.Unlock()
	return fmt.Sprintf("%d accounts, %v", len(l.balances), l.stats)
}
