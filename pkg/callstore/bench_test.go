package callstore

import (
	"strconv"
	"testing"
	"time"
)

// BenchmarkRecord records whole calls (basicCall's eight events: two legs
// created, ringing, answered, linked, held, released) on an active store
// with an embedded server's file store, as fast as Record takes them,
// until Flush has every change replicated and each finished call's CDR in
// the outbox. Sequential calls run one after the other, so most of their
// changes coalesce; interleaved ones are 100,000 calls at once, each
// event of a different call than the ones before it in the queue, so that
// every event costs a write of its call's record. It reports events/s, to compare with the
// engine's load rate (`megaco bench load`: ~17-22k transactions/s, at
// most one event each), the events per replication update, and CDRs/s
// from the first event until every CDR is in the SQLite database.
func BenchmarkRecord(b *testing.B) {
	b.Run("calls=sequential", func(b *testing.B) { benchmarkRecord(b, 1) })
	b.Run("calls=interleaved", func(b *testing.B) { benchmarkRecord(b, 100000) })
}

func benchmarkRecord(b *testing.B, concurrent int) {
	in := startInstance(b, "", "bench", b.TempDir(), 0)
	term, _ := in.activate(b)
	now := time.Now()
	evs := make([]Event, 0, b.N+8*concurrent)
	for first := 0; len(evs) < b.N; first += concurrent {
		group := make([][]Event, concurrent)
		for i := range group {
			group[i] = basicCall("c"+strconv.Itoa(first+i), 0)
		}
		for k := range group[0] {
			for i := range group {
				ev := group[i][k]
				ev.Time = now
				evs = append(evs, ev)
			}
		}
	}
	evs = evs[:b.N]
	calls := 0
	for _, ev := range evs {
		if ev.Kind == LegReleased && ev.Leg.MG == "mg2" {
			calls++
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for _, ev := range evs {
		in.store.Record(ev)
	}
	seq := in.flush(b)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.N)/float64(max(seq-term.Seq(), 1)), "events/update")
	if calls > 0 {
		in.sink.waitTotal(b, calls)
		b.ReportMetric(float64(calls)/time.Since(start).Seconds(), "CDRs/s")
	}
}
