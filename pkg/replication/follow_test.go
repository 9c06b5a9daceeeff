package replication

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"sync/atomic"
	"testing"
)

// TestLateJoinerConcurrentWrites joins listeners while the active instance
// writes, with compactions going on: each must get a state and then every
// update after it, in order, with no gap and no repeat, and end with the
// writer's state.
func TestLateJoinerConcurrentWrites(t *testing.T) {
	ns := testServer(t)
	cfg := config(ns.ClientURL(), "a")
	cfg.SnapshotEvery = 40
	a := startNode(t, cfg)
	campaign(t, a)

	var written atomic.Int64
	wrote := make(chan struct{}, 1)
	stop := make(chan struct{})
	type result struct {
		model map[string]string
		last  *Pending
	}
	done := make(chan result)
	go func() {
		model := map[string]string{}
		var last *Pending
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- result{model, last}
				return
			default:
			}
			c := put(fmt.Sprintf("k%d", i%37), strconv.Itoa(i))
			if i%5 == 0 {
				c.Deletes = []string{fmt.Sprintf("k%d", (i+11)%37)}
				delete(model, c.Deletes[0])
			}
			model[fmt.Sprintf("k%d", i%37)] = strconv.Itoa(i)
			last = a.WriteAsync(c)
			if i%4 == 3 { // pace the writer: a few writes per update
				if _, err := last.Wait(context.Background()); err != nil {
					t.Error(err)
				}
			}
			written.Add(1)
			select {
			case wrote <- struct{}{}:
			default:
			}
		}
	}()

	// Join at three points of the writing, each on its own connection.
	var recs []*recorder
	for i := range 3 {
		for written.Load() < int64(300*(i+1)) {
			<-wrote
		}
		r := follow(t, startNode(t, config(ns.ClientURL(), fmt.Sprintf("joiner%d", i))))
		r.waitSeq(t, 0)
		recs = append(recs, r)
	}
	// Keep writing well after the last join.
	for target := written.Load() + 500; written.Load() < target; {
		<-wrote
	}
	close(stop)
	res := <-done
	final, err := res.last.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	for i, r := range recs {
		got := r.waitSeq(t, final)
		r.check(t)
		if !maps.Equal(strs(got.Items), res.model) {
			t.Errorf("joiner %d: state differs from the writer's", i)
		}
		r.mu.Lock()
		if len(r.snapshots) != 1 || len(r.updates) == 0 {
			t.Errorf("joiner %d: %d snapshots, %d updates; want 1 and some", i, len(r.snapshots), len(r.updates))
		}
		r.mu.Unlock()
	}
	if s := state(t, a); !maps.Equal(strs(s.Items), res.model) || s.Seq != final {
		t.Errorf("State at %d differs from the writer's state at %d", s.Seq, final)
	}
	// The joins above went through snapshots and a trimmed stream.
	info, err := a.stream.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if seqs, err := a.snapshotSeqs(context.Background()); err != nil || len(seqs) == 0 || info.State.FirstSeq == 1 {
		t.Errorf("no compaction: snapshots %v (%v), stream from %d", seqs, err, info.State.FirstSeq)
	}
}

// TestFollowerBehindCompactionResyncs blocks a listener while the stream
// is compacted past it: it must get a fresh snapshot, then go on.
func TestFollowerBehindCompactionResyncs(t *testing.T) {
	ns := testServer(t)
	a := startNode(t, config(ns.ClientURL(), "a"))
	campaign(t, a)
	b := startNode(t, config(ns.ClientURL(), "b"))
	gate := make(chan struct{})
	r := newRecorder()
	r.gate = gate
	followWith(t, b, r)
	write(t, a, put("first", "1"))

	// More updates than the listener's consumer buffers (500), with two
	// compactions, so that what it needs next is gone.
	var last uint64
	for i := range 1200 {
		last = write(t, a, put(fmt.Sprintf("k%d", i%50), strconv.Itoa(i)))
		if i == 599 || i == 1199 {
			if err := a.Compact(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(gate)
	got := r.waitSeq(t, last)
	r.check(t)
	r.mu.Lock()
	snapshots := len(r.snapshots)
	r.mu.Unlock()
	if snapshots != 2 {
		t.Errorf("got %d snapshots, want 2 (the first and one after falling behind)", snapshots)
	}
	if want := state(t, a); !maps.Equal(strs(got.Items), strs(want.Items)) {
		t.Error("state after the resync differs from the writer's")
	}
}

// TestApplyIsIdempotent applies updates to a snapshot again and out of
// order.
func TestApplyIsIdempotent(t *testing.T) {
	s := &Snapshot{Seq: 4, Items: map[string][]byte{"a": []byte("1"), "b": []byte("2")}}
	u5 := &Update{Seq: 5, Epoch: 2, Change: Change{Puts: map[string][]byte{"c": []byte("3")}, Deletes: []string{"a"}}}
	want := map[string]string{"b": "2", "c": "3"}
	for range 2 {
		if err := s.Apply(u5); err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(strs(s.Items), want) || s.Seq != 5 || s.Epoch != 2 {
			t.Fatalf("after update 5: %v at %d", strs(s.Items), s.Seq)
		}
	}
	old := &Update{Seq: 3, Change: Change{Deletes: []string{"b"}}}
	if err := s.Apply(old); err != nil || !maps.Equal(strs(s.Items), want) {
		t.Errorf("an update the snapshot includes changed it: %v, %v", err, strs(s.Items))
	}
	if err := s.Apply(&Update{Seq: 7}); !errors.Is(err, ErrGap) {
		t.Errorf("update 7 after 5: %v, want ErrGap", err)
	}
}
