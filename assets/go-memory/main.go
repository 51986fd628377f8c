// Command gomemory is the go-memory runbook's practice program: a cache that never evicts.
//
//	./gomemory grow       keeps 1 MiB responses forever; under a memory limit it dies
//	                      (with `ulimit -v`: fatal error: runtime: out of memory; in a container: SIGKILL, exit 137)
//	./gomemory pressure   holds a live heap of 56 MiB and keeps allocating for 1 s: run it with
//	                      GODEBUG=gctrace=1 GOMEMLIMIT=64MiB to see the GC run back to back near the limit
//	./gomemory bounded    the same traffic with the cache bounded to 32 entries: the heap stays flat
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	mode := "grow"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	response := make([]byte, 1<<20)
	switch mode {
	case "grow":
		c := newCache()
		for i := 0; ; i++ {
			c.store(i, response)
			if i%64 == 0 {
				fmt.Printf("app: cached %d MiB\n", c.size()>>20)
			}
		}
	case "pressure":
		c := newCache()
		for i := 0; i < 56; i++ {
			c.store(i, response) // the live heap: 56 MiB kept
		}
		deadline := time.Now().Add(time.Second)
		var sink []byte
		for n := 0; time.Now().Before(deadline); n++ {
			sink = make([]byte, 256<<10) // short-lived garbage, as request handling makes
			sink[0] = byte(n)
		}
		fmt.Printf("app: done, %d MiB cached, last %d\n", c.size()>>20, sink[0])
	case "bounded":
		c := newCache()
		for i := 0; i < 20000; i++ {
			c.store(i%32, response)
		}
		fmt.Printf("app: done, %d MiB cached\n", c.size()>>20)
	default:
		fmt.Fprintln(os.Stderr, "usage: gomemory grow|pressure|bounded")
		os.Exit(2)
	}
}
