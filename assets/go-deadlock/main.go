// Command godeadlock is the go-deadlock runbook's practice program: a ledger whose two locks are taken in
// opposite orders (ledger.go), as a batch job and as a live service.
//
//	./godeadlock asleep        a batch: the transfer and the report block each other, main waits for both:
//	                           fatal error: all goroutines are asleep - deadlock!
//	./godeadlock stuck DIR     a service: a heartbeat keeps running (so the runtime sees no deadlock) while
//	                           requests pile up on the ledger; writes DIR/dump-1.txt after 5 s and
//	                           DIR/dump-2.txt after 100 s, as /debug/pprof/goroutine?debug=2 serves them
//	./godeadlock sigquit       the same service, killed with SIGQUIT after 3 s (what `kill -QUIT PID` prints)
//	./godeadlock fixed         the batch with Report taking the locks in Transfer's order
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: godeadlock asleep|stuck DIR|sigquit|fixed")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "asleep":
		batch(NewLedger(50 * time.Millisecond))
	case "fixed":
		batch(&Ledger{balances: map[string]int{}, stats: map[string]int{}, work: 50 * time.Millisecond, fixed: true})
	case "stuck":
		if len(os.Args) < 3 {
			fmt.Fprintln(os.Stderr, "usage: godeadlock stuck DIR")
			os.Exit(2)
		}
		serve(os.Args[2])
	case "sigquit":
		go serveRequests(NewLedger(50 * time.Millisecond))
		time.Sleep(3 * time.Second)
		_ = syscall.Kill(os.Getpid(), syscall.SIGQUIT)
		time.Sleep(time.Minute)
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
		os.Exit(2)
	}
}

// batch runs one transfer and one report at once and waits for both.
func batch(l *Ledger) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		l.Transfer("alice", "bob", 10)
	}()
	time.Sleep(10 * time.Millisecond) // the report starts while the transfer holds mu
	go func() {
		defer wg.Done()
		fmt.Println(l.Report())
	}()
	wg.Wait()
	fmt.Println("batch done")
}

// serveRequests starts the report that inverts the locks, then one transfer request every 200 ms, forever.
func serveRequests(l *Ledger) {
	go l.Transfer("alice", "bob", 1)
	time.Sleep(10 * time.Millisecond)
	go l.Report()
	for i := 0; ; i++ {
		time.Sleep(200 * time.Millisecond)
		go handleTransfer(l, i)
	}
}

// handleTransfer is one request.
func handleTransfer(l *Ledger, i int) {
	l.Transfer(fmt.Sprintf("acct-%d", i), "bank", 1)
}

// serve is the stuck live service: heartbeats, requests, and two goroutine dumps taken 95 s apart.
func serve(dir string) {
	l := NewLedger(50 * time.Millisecond)
	go serveRequests(l)
	go func() {
		for range time.Tick(10 * time.Second) {
			runtime.GC() // a live service collects regularly; the dump's "N minutes" counts from a GC
			fmt.Println("heartbeat: ok")
		}
	}()
	time.Sleep(5 * time.Second)
	dump(filepath.Join(dir, "dump-1.txt"))
	time.Sleep(95 * time.Second)
	dump(filepath.Join(dir, "dump-2.txt"))
}

// dump writes what /debug/pprof/goroutine?debug=2 serves.
func dump(path string) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	_ = pprof.Lookup("goroutine").WriteTo(f, 2)
	fmt.Println("wrote", path)
}
