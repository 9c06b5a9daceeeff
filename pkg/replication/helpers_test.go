package replication

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"

	"github.com/megaco/megaco/pkg/replication/natstest"
)

// wait bounds every wait for an event in these tests; reaching it fails.
const wait = 15 * time.Second

// TestMain checks, after all tests, that no goroutine of this package or
// of NATS outlives the nodes and servers the tests closed.
func TestMain(m *testing.M) { natstest.Main(m, "megaco/pkg/replication.") }

// testServer starts a standalone JetStream server on a loopback port
// chosen at run time, the "external NATS" of the tests.
func testServer(t testing.TB) *server.Server { return natstest.Server(t) }

// config is a node of group "g" on the server at url, with a short lease.
func config(url, instance string) Config {
	return Config{URL: url, Group: "g", Instance: instance, LeaseTTL: 500 * time.Millisecond}
}

// startNode starts a node that the test closes when it ends.
func startNode(t testing.TB, cfg Config) *Node {
	t.Helper()
	n, err := Start(context.Background(), cfg, zaptest.NewLogger(t, zaptest.Level(zapcore.WarnLevel)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Errorf("close %s: %v", cfg.Instance, err)
		}
	})
	return n
}

func campaign(t testing.TB, n *Node) *Term {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	term, err := n.Campaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return term
}

func write(t testing.TB, n *Node, c Change) uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	seq, err := n.Write(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func state(t testing.TB, n *Node) *Snapshot {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	s, err := n.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func put(kv ...string) Change {
	c := Change{Puts: map[string][]byte{}}
	for i := 0; i+1 < len(kv); i += 2 {
		c.Puts[kv[i]] = []byte(kv[i+1])
	}
	return c
}

// strs turns items into comparable strings.
func strs(items map[string][]byte) map[string]string {
	m := make(map[string]string, len(items))
	for k, v := range items {
		m[k] = string(v)
	}
	return m
}

// recorder is a Listener that rebuilds the state from what it is given
// and notes any update that does not follow the previous one.
type recorder struct {
	mu        sync.Mutex
	state     *Snapshot
	snapshots []uint64 // the Seq of each snapshot received
	updates   []*Update
	problems  []string
	changed   chan struct{}
	gate      chan struct{} // if set, OnUpdate waits for it to close
}

func (r *recorder) OnSnapshot(s *Snapshot) {
	r.mu.Lock()
	r.state = s
	r.snapshots = append(r.snapshots, s.Seq)
	r.mu.Unlock()
	r.notify()
}

func (r *recorder) OnUpdate(u *Update) {
	if r.gate != nil {
		<-r.gate
	}
	r.mu.Lock()
	switch {
	case r.state == nil:
		r.problems = append(r.problems, fmt.Sprintf("update %d before a snapshot", u.Seq))
	case u.Seq != r.state.Seq+1:
		r.problems = append(r.problems, fmt.Sprintf("update %d after %d", u.Seq, r.state.Seq))
	default:
		_ = r.state.Apply(u)
	}
	r.updates = append(r.updates, u)
	r.mu.Unlock()
	r.notify()
}

func (r *recorder) notify() {
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{}, 1)} }

// follow starts n.Follow with a new recorder, stopped when the test ends.
func follow(t testing.TB, n *Node) *recorder { return followWith(t, n, newRecorder()) }

func followWith(t testing.TB, n *Node, r *recorder) *recorder {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Follow(ctx, r) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Follow returned %v", err)
		}
	})
	return r
}

// waitSeq waits until the recorder's state includes update seq and
// returns a copy of it.
func (r *recorder) waitSeq(t testing.TB, seq uint64) *Snapshot {
	t.Helper()
	timeout := time.After(wait)
	for {
		r.mu.Lock()
		if r.state != nil && r.state.Seq >= seq {
			s := &Snapshot{Seq: r.state.Seq, Epoch: r.state.Epoch, Items: maps.Clone(r.state.Items)}
			r.mu.Unlock()
			return s
		}
		r.mu.Unlock()
		select {
		case <-r.changed:
		case <-timeout:
			t.Fatalf("listener did not reach update %d", seq)
		}
	}
}

func (r *recorder) check(t testing.TB) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.problems {
		t.Error(p)
	}
}
