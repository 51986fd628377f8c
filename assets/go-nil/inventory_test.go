package main

import "testing"

// TestConstructedInventory is the shape of test that proves a nil fix: build the value the way production does,
// then exercise the write and the pointer read.
func TestConstructedInventory(t *testing.T) {
	inv := NewInventory()
	inv.Configure(&Limits{MaxPerOrder: 5})
	restock(inv, "apple", 3)
	if got := inv.Level("apple"); got != 3 {
		t.Fatalf("level = %d, want 3", got)
	}
	if !placeOrder(inv, "apple", 2) {
		t.Fatal("an order of 2 within a limit of 5 was refused")
	}
}
