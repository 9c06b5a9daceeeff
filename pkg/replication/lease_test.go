package replication

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// campaignAsync campaigns in the background; the channel gets the result.
func campaignAsync(t *testing.T, n *Node) <-chan *Term {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan *Term, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		term, err := n.Campaign(ctx)
		if err != nil && ctx.Err() == nil {
			t.Errorf("campaign: %v", err)
		}
		ch <- term
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return ch
}

// renewals waits until the lease of the group has been written count
// times.
func renewals(t *testing.T, n *Node, count int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	w, err := n.leases.Watch(ctx, n.cfg.Group, jetstream.UpdatesOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.Stop() }()
	for range count {
		select {
		case <-w.Updates():
		case <-ctx.Done():
			t.Fatal("lease not renewed")
		}
	}
}

// TestLapsedLeaseTakeover: a standby waits while the active instance
// renews its lease, and takes over once the renewals stop, with every
// update of the earlier term in its state.
func TestLapsedLeaseTakeover(t *testing.T) {
	ns := testServer(t)
	a := startNode(t, config(ns.ClientURL(), "a"))
	b := startNode(t, config(ns.ClientURL(), "b"))
	ta := campaign(t, a)
	last := write(t, a, put("a", "1"))
	tb := campaignAsync(t, b)
	renewals(t, a, 6) // two TTLs
	if b.IsActive() {
		t.Fatal("standby took over while the active instance renewed its lease")
	}
	ta.pauseRenewals()
	termB := <-tb
	if termB == nil {
		t.Fatal("standby did not take over")
	}
	if termB.Epoch() <= ta.Epoch() || termB.Seq() != last+1 {
		t.Errorf("term epoch %d barrier %d after epoch %d last write %d", termB.Epoch(), termB.Seq(), ta.Epoch(), last)
	}
	if got := state(t, b); string(got.Items["a"]) != "1" || got.Seq != termB.Seq() {
		t.Errorf("new active's state at %d: %v", got.Seq, strs(got.Items))
	}
}

// TestStaleActiveIsFenced pauses the active instance past its lease: a
// standby takes over and writes, and the stale instance, which still
// believes it is active, cannot store anything after that.
func TestStaleActiveIsFenced(t *testing.T) {
	ns := testServer(t)
	a := startNode(t, config(ns.ClientURL(), "a"))
	b := startNode(t, config(ns.ClientURL(), "b"))
	c := startNode(t, config(ns.ClientURL(), "c"))
	listener := follow(t, c)

	ta := campaign(t, a)
	write(t, a, put("a", "1"))
	ta.pauseRenewals()
	termB := campaign(t, b)
	write(t, b, put("b", "1"))
	if !a.IsActive() {
		t.Fatal("the paused instance noticed; the test wants it stale")
	}

	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if _, err := a.Write(ctx, put("stale", "1")); !errors.Is(err, ErrFenced) {
		t.Fatalf("stale write: %v, want ErrFenced", err)
	}
	select {
	case <-ta.Done():
	case <-ctx.Done():
		t.Fatal("fenced term did not end")
	}
	if !errors.Is(ta.Err(), ErrFenced) || a.IsActive() {
		t.Errorf("fenced term: err %v, active %v", ta.Err(), a.IsActive())
	}
	if _, err := a.Write(ctx, put("stale", "2")); !errors.Is(err, ErrNotActive) {
		t.Errorf("write after fencing: %v, want ErrNotActive", err)
	}

	last := write(t, b, put("b", "2"))
	got := listener.waitSeq(t, last)
	listener.check(t)
	if _, ok := got.Items["stale"]; ok {
		t.Error("the listener applied the stale write")
	}
	if _, ok := state(t, b).Items["stale"]; ok {
		t.Error("the state has the stale write")
	}
	listener.mu.Lock()
	defer listener.mu.Unlock()
	for _, u := range listener.updates {
		if u.Seq >= termB.Seq() && u.Epoch != termB.Epoch() {
			t.Errorf("update %d from epoch %d in term %d", u.Seq, u.Epoch, termB.Epoch())
		}
	}
}

// TestStaleActiveFencedAfterCompaction: the stale instance is fenced
// even when its successor's updates after its last one were compacted
// away.
func TestStaleActiveFencedAfterCompaction(t *testing.T) {
	ns := testServer(t)
	a := startNode(t, config(ns.ClientURL(), "a"))
	b := startNode(t, config(ns.ClientURL(), "b"))
	ta := campaign(t, a)
	last := write(t, a, put("a", "1"))
	ta.pauseRenewals()
	campaign(t, b)
	for range 2 {
		write(t, b, put("b", "1"))
		if err := b.Compact(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.stream.GetMsg(context.Background(), last+1); !errors.Is(err, jetstream.ErrMsgNotFound) {
		t.Fatalf("update %d still stored (%v); the test wants it compacted", last+1, err)
	}
	if _, err := a.Write(context.Background(), put("stale", "1")); !errors.Is(err, ErrFenced) {
		t.Fatalf("stale write: %v, want ErrFenced", err)
	}
}

// TestResignHandsOverAtOnce: a standby takes over a resigned lease
// without waiting for its TTL (here far longer than the test's wait).
func TestResignHandsOverAtOnce(t *testing.T) {
	ns := testServer(t)
	cfg := config(ns.ClientURL(), "a")
	cfg.LeaseTTL = time.Hour
	a := startNode(t, cfg)
	cfg.Instance = "b"
	b := startNode(t, cfg)

	ta := campaign(t, a)
	if again := campaign(t, a); again != ta {
		t.Error("Campaign while active returned a new term")
	}
	tb := campaignAsync(t, b)
	if err := a.Resign(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(ta.Err(), ErrResigned) || a.IsActive() {
		t.Errorf("resigned term: err %v, active %v", ta.Err(), a.IsActive())
	}
	select {
	case term := <-tb:
		if term == nil || !b.IsActive() {
			t.Fatal("standby did not take over")
		}
	case <-time.After(wait):
		t.Fatal("standby did not take over a resigned lease")
	}
	// Close releases the lease too.
	tc := campaignAsync(t, a)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-tc:
	case <-time.After(wait):
		t.Fatal("no takeover after the active instance closed")
	}
}

// TestTakenLeaseEndsTerm: when another party takes the lease key, the
// holder sees it at its next renewal and stops being active.
func TestTakenLeaseEndsTerm(t *testing.T) {
	ns := testServer(t)
	a := startNode(t, config(ns.ClientURL(), "a"))
	ta := campaign(t, a)
	if _, err := a.leases.Put(context.Background(), "g", []byte(`{"instance":"intruder","ttl_ms":60000}`)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ta.Done():
	case <-time.After(wait):
		t.Fatal("term did not end")
	}
	if !errors.Is(ta.Err(), ErrLeaseLost) || a.IsActive() {
		t.Errorf("term: err %v, active %v", ta.Err(), a.IsActive())
	}
	if _, err := a.Write(context.Background(), put("k", "v")); !errors.Is(err, ErrNotActive) {
		t.Errorf("write: %v, want ErrNotActive", err)
	}
}
