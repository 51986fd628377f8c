// HTTP handlers sharing a map without a lock: the production shape of the bug. Requests are served concurrently
// through httptest recorders (no network), as net/http would serve them on separate goroutines.
package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
)

type counter struct {
	hits map[string]int
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.hits[r.URL.Path]++
	fmt.Fprintln(w, c.hits[r.URL.Path])
}

func main() {
	c := &counter{hits: make(map[string]int)}
	paths := []string{"/a", "/b", "/c", "/d"}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for n := 0; n < 200; n++ {
				req := httptest.NewRequest("GET", paths[(i+n)%4], nil)
				c.ServeHTTP(httptest.NewRecorder(), req)
			}
		}(i)
	}
	wg.Wait()
	fmt.Println(len(c.hits))
}
