package replication

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkWrite stores changes of 1 and 16 items of 256 bytes through an
// embedded server's file store: one write at a time (sync, a round trip
// each) and with up to 1024 writes in flight (async), which coalesce.
func BenchmarkWrite(b *testing.B) {
	for _, items := range []int{1, 16} {
		for _, async := range []bool{false, true} {
			name := fmt.Sprintf("items=%d/sync", items)
			if async {
				name = fmt.Sprintf("items=%d/async", items)
			}
			b.Run(name, func(b *testing.B) { benchmarkWrite(b, items, async) })
		}
	}
}

func benchmarkWrite(b *testing.B, items int, async bool) {
	n := startNode(b, Config{DataDir: b.TempDir(), Group: "bench", Instance: "a"})
	first := campaign(b, n).Seq()
	value := []byte(strings.Repeat("v", 256))
	changes := make([]Change, 64)
	for i := range changes {
		changes[i].Puts = make(map[string][]byte, items)
		for j := range items {
			changes[i].Puts[fmt.Sprintf("call/%04d/leg/%02d", i, j)] = value
		}
	}
	ctx := context.Background()
	const window = 1024
	inflight := make([]*Pending, window)
	b.SetBytes(int64(items * (len(value) + len("call/0000/leg/00"))))
	b.ReportAllocs()
	b.ResetTimer()
	var last uint64
	for i := range b.N {
		c := changes[i%len(changes)]
		if !async {
			seq, err := n.Write(ctx, c)
			if err != nil {
				b.Fatal(err)
			}
			last = seq
			continue
		}
		if p := inflight[i%window]; p != nil {
			if _, err := p.Wait(ctx); err != nil {
				b.Fatal(err)
			}
		}
		inflight[i%window] = n.WriteAsync(c)
	}
	if async {
		seq, err := inflight[(b.N-1)%window].Wait(ctx)
		if err != nil {
			b.Fatal(err)
		}
		last = seq
	}
	b.StopTimer()
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/sec, "writes/s")
	b.ReportMetric(float64(b.N*items)/sec, "items/s")
	b.ReportMetric(float64(b.N)/float64(last-first), "writes/msg")
}
