// Command gonil is the go-nil runbook's practice program: two ways a Go service dies of a value that was never
// initialised.
//
//	./gonil map      a literal skipped the constructor: panic: assignment to entry in nil map
//	./gonil pointer  Configure was never called: invalid memory address or nil pointer dereference (SIGSEGV)
//	./gonil fixed    the same two paths, through the constructor and with the limits configured
package main

import (
	"fmt"
	"os"
)

func main() {
	mode := "map"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "map":
		inv := &Inventory{} // the path that skipped NewInventory: counts stays nil
		fmt.Println("level of apple:", inv.Level("apple")) // reading a nil map is fine
		restock(inv, "apple", 3)                           // writing one panics
	case "pointer":
		inv := NewInventory() // Configure never called: limits stays nil
		fmt.Println("order allowed:", placeOrder(inv, "apple", 2))
	case "fixed":
		inv := NewInventory()
		inv.Configure(&Limits{MaxPerOrder: 5})
		restock(inv, "apple", 3)
		fmt.Println("level of apple:", inv.Level("apple"), "order allowed:", placeOrder(inv, "apple", 2))
	default:
		fmt.Fprintln(os.Stderr, "usage: gonil map|pointer|fixed")
		os.Exit(2)
	}
}

// restock is the caller between main and the write: the path on which the map stayed nil.
func restock(inv *Inventory, sku string, n int) {
	inv.Add(sku, n)
}

// placeOrder checks the limit before taking the items.
func placeOrder(inv *Inventory, sku string, n int) bool {
	if !inv.Allowed(n) {
		return false
	}
	return inv.Level(sku) >= n
}
