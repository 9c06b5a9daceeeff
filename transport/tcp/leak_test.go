package tcp_test

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

// checkLeaks records the goroutines that run now and returns a function
// that fails t if goroutines of this module that were not there are still
// there. Close waits for its goroutines, so by then they have at most
// their last instructions to run: the check yields (never sleeps) a
// bounded number of times to let them finish. Call it outside synctest
// bubbles, in tests that do not run in parallel.
func checkLeaks(t *testing.T) func() {
	t.Helper()
	before := map[string]bool{}
	for _, g := range goroutines() {
		before[goroutineID(g)] = true
	}
	return func() {
		t.Helper()
		var leaked []string
		for range 1000 {
			leaked = leaked[:0]
			for _, g := range goroutines() {
				if !before[goroutineID(g)] && strings.Contains(g, "github.com/megaco/megaco/transport") {
					leaked = append(leaked, g)
				}
			}
			if len(leaked) == 0 {
				return
			}
			runtime.Gosched()
		}
		t.Errorf("%d goroutines leaked:\n\n%s", len(leaked), strings.Join(leaked, "\n\n"))
	}
}

func goroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var gs []string
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		gs = append(gs, string(g))
	}
	return gs
}

// goroutineID returns "goroutine N" of a stack.
func goroutineID(g string) string {
	if i := strings.Index(g, " ["); i > 0 {
		return g[:i]
	}
	return g
}
