package engine

import (
	"fmt"
	"runtime"
	"testing"
)

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkMemory reports the memory of an idle connection (its loop and
// callback goroutines included) and of an outstanding request.
func BenchmarkMemory(b *testing.B) {
	b.Run("idle-connection", func(b *testing.B) {
		const n = 1000
		var ms runtime.MemStats
		before := heapInUse()
		runtime.ReadMemStats(&ms)
		stackBefore := ms.StackInuse
		conns := make([]*Conn, n)
		for i := range conns {
			c, err := New(DefaultConfig(), Params{Local: localMID, Codec: compact, Send: func([]byte) error { return nil }, Upcalls: ignore})
			if err != nil {
				b.Fatal(err)
			}
			conns[i] = c
		}
		after := heapInUse()
		runtime.ReadMemStats(&ms)
		perConn := float64(after-before+ms.StackInuse-stackBefore) / n
		for _, c := range conns {
			c.Close()
		}
		b.ReportMetric(perConn, "bytes/conn")
		for range b.N {
		}
	})
	b.Run("outstanding-request", func(b *testing.B) {
		const n = 10000
		c, err := New(DefaultConfig(), Params{Local: localMID, Codec: compact, Send: func([]byte) error { return nil }, Upcalls: ignore})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		actions := notify("a")
		before := heapInUse()
		for i := 0; i < n; i++ {
			if _, err := c.Cast(actions, nil); err != nil {
				b.Fatal(err)
			}
		}
		after := heapInUse()
		if info, _ := c.Info(); info.Outstanding != n {
			b.Fatal(fmt.Sprint("outstanding ", info.Outstanding))
		}
		b.ReportMetric(float64(after-before)/n, "bytes/request")
		for range b.N {
		}
	})
}
