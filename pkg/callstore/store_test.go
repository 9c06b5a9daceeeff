package callstore

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/megaco/megaco/pkg/replication"
)

// noItems: neither active calls nor outbox CDRs are left in the state.
func noItems(s *replication.Snapshot) bool { return len(s.Items) == 0 }

// TestLifecycle records a call's lifecycle on an active store: the call is
// replicated while it lasts, then its CDR reaches the database, once, and
// the state is empty again.
func TestLifecycle(t *testing.T) {
	a := startInstance(t, "", "a", t.TempDir(), 0)
	a.activate(t)
	evs := basicCall("c1", 0)
	a.record(evs[:4]...)
	seq := a.flush(t)
	a.waitSeq(t, seq)
	if calls := a.calls(t); len(calls) != 1 || calls[0].ID != "c1" || calls[0].Legs[1].State != "active" {
		t.Fatalf("active calls %+v", calls)
	}
	a.record(evs[4:]...)
	a.sink.waitAdds(t, "c1", 1)
	got, err := a.store.Get(timeout(t), "c1")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Answer.Equal(at(5)) || got.Duration != 61*time.Second || len(got.Legs) != 2 || got.Cause != CauseNormal {
		t.Errorf("CDR %+v", got)
	}
	// The outbox item goes once the stream has the CDR.
	a.waitState(t, "empty state", noItems)
	if calls := a.calls(t); len(calls) != 0 {
		t.Errorf("active calls after the end: %+v", calls)
	}
	if st := a.store.Stats(); st.Recorded != uint64(len(evs)) || st.CDRs != 1 || st.Published != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestActiveStandby: a standby holds the calls the active instance
// records, takes over with them when the active one stops, and an
// instance restarted on its data directory follows again and gets the
// CDRs written while it was down.
func TestActiveStandby(t *testing.T) {
	ns := testServer(t)
	dirA := t.TempDir()
	a := startInstance(t, ns.ClientURL(), "a", dirA, 0)
	b := startInstance(t, ns.ClientURL(), "b", t.TempDir(), 0)
	a.activate(t)
	c1, c2 := basicCall("c1", 0), basicCall("c2", 10)
	a.record(c1[:5]...)
	a.record(c2[:1]...)
	seq := a.flush(t)
	want := a.calls(t)
	if len(want) != 2 {
		t.Fatalf("active calls %+v", want)
	}
	b.waitSeq(t, seq)
	if got := b.calls(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("standby calls\n got %+v\nwant %+v", got, want)
	}

	// Only the active instance writes.
	b.record(c2[1])
	if err := b.store.Flush(timeout(t)); !errors.Is(err, replication.ErrNotActive) {
		t.Errorf("Flush on a standby: %v", err)
	}
	if st := b.store.Stats(); st.Rejected != 1 || st.Recorded != 0 {
		t.Errorf("standby stats %+v", st)
	}

	a.close(t) // releases the lease
	_, calls := b.activate(t)
	if !reflect.DeepEqual(calls, want) {
		t.Fatalf("calls after the takeover\n got %+v\nwant %+v", calls, want)
	}
	b.record(c1[5:]...)
	b.sink.waitAdds(t, "c1", 1)

	// a comes back as a standby on the same data directory.
	a2 := startInstance(t, ns.ClientURL(), "a", dirA, 0)
	seq = b.flush(t)
	a2.waitSeq(t, seq)
	if got := a2.calls(t); len(got) != 1 || got[0].ID != "c2" {
		t.Errorf("restarted standby's calls %+v", got)
	}
	a2.sink.waitAdds(t, "c1", 1)
}

// TestRestartRestores: a single instance with its embedded server
// restarts on its data directory and restores its calls.
func TestRestartRestores(t *testing.T) {
	dir := t.TempDir()
	a := startInstance(t, "", "a", dir, 0)
	a.activate(t)
	c1 := basicCall("c1", 0)
	a.record(c1[:4]...)
	a.record(basicCall("c2", 10)[:2]...)
	a.flush(t)
	want := a.calls(t)
	a.close(t)

	a = startInstance(t, "", "a", dir, 0)
	if got := a.calls(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("standby after the restart\n got %+v\nwant %+v", got, want)
	}
	_, calls := a.activate(t)
	if !reflect.DeepEqual(calls, want) {
		t.Fatalf("restored\n got %+v\nwant %+v", calls, want)
	}
	// The aggregation goes on from the restored record.
	a.record(c1[4:]...)
	a.sink.waitAdds(t, "c1", 1)
	got, err := a.store.Get(timeout(t), "c1")
	if err != nil || !got.Setup.Equal(at(0)) || !got.Answer.Equal(at(5)) {
		t.Errorf("CDR after the restore %+v, %v", got, err)
	}
}

// TestFencedActive: an active instance that lost its lease without
// noticing (a pause; here its lease key is deleted behind its back) cannot
// write once its successor has begun: its events are not stored and it
// becomes a standby.
func TestFencedActive(t *testing.T) {
	ns := testServer(t)
	a := startInstance(t, ns.ClientURL(), "a", t.TempDir(), 30*time.Second)
	b := startInstance(t, ns.ClientURL(), "b", t.TempDir(), 30*time.Second)
	termA, _ := a.activate(t)
	c1 := basicCall("c1", 0)
	a.record(c1[:3]...)
	a.flush(t)

	campaigned := make(chan *replication.Term, 1)
	go func() {
		term, err := b.node.Campaign(timeout(t))
		if err != nil {
			t.Error(err)
		}
		campaigned <- term
	}()
	nc, err := nats.Connect(ns.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	leases, err := js.KeyValue(timeout(t), "megaco_leases")
	if err != nil {
		t.Fatal(err)
	}
	if err := leases.Delete(timeout(t), "g"); err != nil {
		t.Fatal(err)
	}
	termB := <-campaigned
	if termB == nil {
		t.FailNow()
	}
	callsB, err := b.store.Activate(timeout(t), termB)
	if err != nil {
		t.Fatal(err)
	}

	a.record(c1[3]) // answered: the stale instance's write
	err = a.store.Flush(timeout(t))
	if !errors.Is(err, replication.ErrNotActive) {
		t.Fatalf("Flush of the stale active: %v", err)
	}
	t.Logf("stale active: %v (term: %v)", err, termA.Err())
	a.record(c1[4])
	if err := a.store.Flush(timeout(t)); !errors.Is(err, replication.ErrNotActive) {
		t.Errorf("second Flush of the stale active: %v", err)
	}
	if st := a.store.Stats(); st.Rejected != 1 {
		t.Errorf("stale active's stats %+v: the event after the fencing is rejected", st)
	}
	st, err := b.node.State(timeout(t))
	if err != nil {
		t.Fatal(err)
	}
	r, err := decodeRecord(st.Items["call/c1"])
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Legs) != 2 || !r.Legs[1].Answer.IsZero() || !reflect.DeepEqual(callsB, []Call{r.call()}) {
		t.Errorf("the stale write reached the state: %+v", r)
	}
}

// TestCDRExactlyOnce: a CDR published twice is stored once in the stream;
// one that reaches the consumer twice (published again past the dedup
// window, or redelivered because the ack was lost) is stored once in the
// database; a restarted consumer resumes where it left off.
func TestCDRExactlyOnce(t *testing.T) {
	dir := t.TempDir()
	a := startInstance(t, "", "a", dir, 0)
	a.activate(t)
	a.record(basicCall("x1", 0)...)
	a.sink.waitAdds(t, "x1", 1)

	nc, err := nats.Connect(a.node.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	x1, err := a.store.Get(timeout(t), "x1")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(x1)
	publish := func(msgID string) *jetstream.PubAck {
		t.Helper()
		ack, err := js.PublishMsg(timeout(t), &nats.Msg{Subject: "megaco.cdr.g", Data: data}, jetstream.WithMsgID(msgID))
		if err != nil {
			t.Fatal(err)
		}
		return ack
	}
	if ack := publish("x1"); !ack.Duplicate {
		t.Errorf("a second publish of x1 was stored: %+v", ack)
	}
	publish("x1-past-the-window")
	a.sink.waitAdds(t, "x1", 2)

	// The sink stores x2 but its ack is lost: x2 comes again.
	a.sink.setFailNext()
	a.record(basicCall("x2", 100)...)
	a.sink.waitAdds(t, "x2", 2)
	if n := countCDRs(t, a.sink.DB); n != 2 {
		t.Errorf("%d CDRs in the database, want 2", n)
	}
	a.sink.checkErrs(t)

	// Restart: the durable consumer delivers only what is new.
	a.close(t)
	a = startInstance(t, "", "a", dir, 0)
	a.activate(t)
	a.record(basicCall("x3", 200)...)
	a.sink.waitAdds(t, "x3", 1)
	if n := countCDRs(t, a.sink.DB); n != 3 {
		t.Errorf("%d CDRs in the database, want 3", n)
	}
	if got := a.sink.addCount("x1") + a.sink.addCount("x2"); got != 0 {
		t.Errorf("the restarted consumer got x1 and x2 again (%d times)", got)
	}
	a.sink.checkErrs(t)
}

// TestTakeoverRepublishes: an active instance died after its CDR reached
// the stream but before it deleted the outbox item; its successor
// publishes it again, the stream drops the duplicate, and the outbox is
// emptied.
func TestTakeoverRepublishes(t *testing.T) {
	ns := testServer(t)
	b := startInstance(t, ns.ClientURL(), "b", t.TempDir(), 0)
	// The predecessor, a bare node: the outbox item and the publish.
	prev, err := replication.Start(timeout(t), replication.Config{URL: ns.ClientURL(), Group: "g", Instance: "prev"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer prev.Close()
	if _, err := prev.Campaign(timeout(t)); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(testCDR("x4", 0, CauseNormal, "mg1"))
	if _, err := prev.Write(timeout(t), replication.Change{Puts: map[string][]byte{"cdr/x4": data}}); err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(ns.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	if _, err := js.PublishMsg(timeout(t), &nats.Msg{Subject: "megaco.cdr.g", Data: data}, jetstream.WithMsgID("x4")); err != nil {
		t.Fatal(err)
	}
	b.sink.waitAdds(t, "x4", 1)
	if err := prev.Resign(timeout(t)); err != nil {
		t.Fatal(err)
	}

	b.activate(t)
	b.waitState(t, "outbox emptied", noItems)
	if st := b.store.Stats(); st.Published != 1 || st.Duplicates != 1 {
		t.Errorf("stats %+v: want x4 published again, as a duplicate", st)
	}
	if n := b.sink.addCount("x4"); n != 1 {
		t.Errorf("x4 reached the sink %d times", n)
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // in the error; "" for none
	}{
		{"defaults", Config{Group: "g", Instance: "a", DataDir: "d"}, ""},
		{"names", Config{Group: "g.1", Instance: "", DataDir: "d"}, `group "g.1"`},
		{"no data dir", Config{Group: "g", Instance: "a"}, "data_dir"},
		{"retention", Config{Group: "g", Instance: "a", DataDir: "d", DedupWindow: time.Hour, Retention: time.Minute}, "retention"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.cfg.withDefaults(false)
			switch {
			case tt.want == "" && err != nil:
				t.Fatal(err)
			case tt.want == "" && (c.QueueSize != defaultQueueSize || c.DedupWindow != defaultDedupWindow || c.Retention != defaultRetention):
				t.Errorf("defaults %+v", c)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one about %s", err, tt.want)
			}
		})
	}
	if _, err := Open(context.Background(), nil, Config{}); err == nil {
		t.Error("Open with an empty config")
	}
}
