package callstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"

	"github.com/megaco/megaco/pkg/replication"
	"github.com/megaco/megaco/pkg/replication/natstest"
)

// wait bounds every wait for an event in these tests; reaching it fails.
const wait = 15 * time.Second

// TestMain checks, after all tests, that no goroutine of this package or
// of NATS outlives the stores, nodes and servers the tests closed.
func TestMain(m *testing.M) {
	natstest.Main(m, "megaco/pkg/callstore.", "megaco/pkg/replication.")
}

func timeout(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	t.Cleanup(cancel)
	return ctx
}

// testServer starts a JetStream server on a loopback port chosen at run
// time: the NATS cluster that instances share.
func testServer(t testing.TB) *server.Server { return natstest.Server(t) }

// instance is a process of group "g": its replication node and call
// store, with a sink that reports what it adds.
type instance struct {
	name  string
	dir   string
	node  *replication.Node
	store *Store
	sink  *notifySink
}

// startInstance starts an instance on the NATS at url, or with an
// embedded server in dir/nats if url is empty. The test closes it when it
// ends, unless it was closed already.
func startInstance(t testing.TB, url, name, dir string, lease time.Duration) *instance {
	t.Helper()
	log := zaptest.NewLogger(t, zaptest.Level(zapcore.WarnLevel))
	cfg := replication.Config{URL: url, Group: "g", Instance: name, LeaseTTL: lease}
	if url == "" {
		cfg.DataDir = filepath.Join(dir, "nats")
	}
	node, err := replication.Start(timeout(t), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	in := &instance{name: name, dir: dir, node: node}
	in.sink = newNotifySink(t, DBPath(dir))
	in.store, err = Open(timeout(t), node, Config{Group: "g", Instance: name, DataDir: dir}, WithLogger(log), WithSink(in.sink))
	if err != nil {
		node.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { in.close(t) })
	return in
}

// close closes the store, then the node, which releases its lease.
func (in *instance) close(t testing.TB) {
	t.Helper()
	if err := in.store.Close(); err != nil {
		t.Errorf("close store %s: %v", in.name, err)
	}
	if err := in.node.Close(); err != nil {
		t.Errorf("close node %s: %v", in.name, err)
	}
}

// activate makes the instance active and returns its term and calls.
func (in *instance) activate(t testing.TB) (*replication.Term, []Call) {
	t.Helper()
	term, err := in.node.Campaign(timeout(t))
	if err != nil {
		t.Fatal(err)
	}
	calls, err := in.store.Activate(timeout(t), term)
	if err != nil {
		t.Fatal(err)
	}
	return term, calls
}

func (in *instance) record(evs ...Event) {
	for _, ev := range evs {
		in.store.Record(ev)
	}
}

// flush flushes the store and returns the sequence of the last update.
func (in *instance) flush(t testing.TB) uint64 {
	t.Helper()
	seq, err := in.store.flush(timeout(t))
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func (in *instance) calls(t testing.TB) []Call {
	t.Helper()
	calls, err := in.store.Calls(timeout(t))
	if err != nil {
		t.Fatal(err)
	}
	return calls
}

// waitState waits until the state the store follows satisfies cond.
func (in *instance) waitState(t testing.TB, what string, cond func(*replication.Snapshot) bool) {
	t.Helper()
	if err := in.store.follow.wait(timeout(t), cond, func(*replication.Snapshot) {}); err != nil {
		t.Fatalf("%s: %s: %v", in.name, what, err)
	}
}

// waitSeq waits until the store has followed the update seq.
func (in *instance) waitSeq(t testing.TB, seq uint64) {
	t.Helper()
	in.waitState(t, fmt.Sprintf("update %d", seq), func(s *replication.Snapshot) bool { return s.Seq >= seq })
}

// notifySink is the SQLite database, reporting every call it was asked
// to add; failNext makes the next Add fail after it stored its CDRs, as a
// process that died before it could acknowledge them would.
type notifySink struct {
	*DB
	mu       sync.Mutex
	adds     map[string]int // call → how often Add was given it
	total    int            // CDRs Add was given
	errs     []error        // what the database's Add returned
	changed  chan struct{}
	failNext bool
}

func newNotifySink(t testing.TB, path string) *notifySink {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := OpenDB(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &notifySink{DB: db, adds: map[string]int{}, changed: make(chan struct{})}
}

func (n *notifySink) Add(ctx context.Context, cdrs []CDR) error {
	err := n.DB.Add(ctx, cdrs)
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, c := range cdrs {
		n.adds[c.Call]++
	}
	n.total += len(cdrs)
	if err != nil {
		n.errs = append(n.errs, err)
	}
	close(n.changed)
	n.changed = make(chan struct{})
	if err == nil && n.failNext {
		n.failNext = false
		return errors.New("injected: died before the ack")
	}
	return err
}

func (n *notifySink) setFailNext() {
	n.mu.Lock()
	n.failNext = true
	n.mu.Unlock()
}

// waitAdds waits until Add was given call at least times times.
func (n *notifySink) waitAdds(t testing.TB, call string, times int) {
	t.Helper()
	n.waitFor(t, "CDR "+call, times, func() int { return n.adds[call] })
}

// waitTotal waits until Add was given at least want CDRs.
func (n *notifySink) waitTotal(t testing.TB, want int) {
	t.Helper()
	n.waitFor(t, "all CDRs", want, func() int { return n.total })
}

// waitFor waits until count, called under n.mu, reaches want.
func (n *notifySink) waitFor(t testing.TB, what string, want int, count func() int) {
	t.Helper()
	ctx := timeout(t)
	for {
		n.mu.Lock()
		got, changed := count(), n.changed
		n.mu.Unlock()
		if got >= want {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatalf("%s: added %d, want %d", what, got, want)
		}
	}
}

// checkErrs fails the test if the database refused an Add.
func (n *notifySink) checkErrs(t testing.TB) {
	t.Helper()
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, err := range n.errs {
		t.Errorf("sink: %v", err)
	}
}

func (n *notifySink) addCount(call string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.adds[call]
}
