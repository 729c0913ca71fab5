package casework_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"lots/internal/casework"
)

// TestSortKeyConcurrent computes collation keys from many goroutines at once, as concurrent
// requests do: every key must equal the one computed alone. A collator shared between
// goroutines gave wrong keys (and `go test -race` reports the data race).
func TestSortKeyConcurrent(t *testing.T) {
	names := make([][2]string, 2000)
	for i := range names {
		names[i] = [2]string{fmt.Sprintf("Åberg-Östlund%d", i%37), fmt.Sprintf("Zäta Ängel %d", i)}
	}
	want := make([][]byte, len(names))
	for i, n := range names {
		want[i] = casework.SortKey(n[0], n[1])
	}
	var wg sync.WaitGroup
	wrong := make(chan int, len(names)*8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, n := range names {
				if !bytes.Equal(casework.SortKey(n[0], n[1]), want[i]) {
					wrong <- i
				}
			}
		}()
	}
	wg.Wait()
	close(wrong)
	if n := len(wrong); n > 0 {
		t.Fatalf("%d of %d keys computed concurrently differ from the same key computed alone", n, len(names)*8)
	}
}
