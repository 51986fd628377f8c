package main

// Inventory counts items per SKU and enforces a per-order limit.
//
// NewInventory makes the map; a zero Inventory{} (a literal, `new(Inventory)`, a struct embedding one) leaves
// counts nil. A nil map reads as empty, so nothing fails until the first write, which panics with
// "assignment to entry in nil map". limits is set by Configure: until someone calls it, the pointer is nil and
// the first field read through it is a SIGSEGV at a small address (the field's offset from 0x0).
type Inventory struct {
	counts map[string]int
	limits *Limits
}

// Limits is the configuration Configure installs.
type Limits struct {
	MaxPerOrder int
}

// NewInventory is the constructor every caller should use.
func NewInventory() *Inventory {
	return &Inventory{counts: make(map[string]int)}
}

// Configure installs the limits; until it runs, Allowed has nothing to read.
func (inv *Inventory) Configure(l *Limits) { inv.limits = l }

// Add records n more items of sku.
func (inv *Inventory) Add(sku string, n int) {
	inv.counts[sku] += n
}

// Level is how many items of sku are in stock (0 for an unknown sku, and for a nil map).
func (inv *Inventory) Level(sku string) int {
	return inv.counts[sku]
}

// Allowed reports whether an order of n items is within the configured limit.
func (inv *Inventory) Allowed(n int) bool {
	return n <= inv.limits.MaxPerOrder
}
