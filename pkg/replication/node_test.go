package replication

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// TestExternalURL connects two nodes to a NATS server started apart from
// them: one writes, the other follows, and closing them leaves the server
// running.
func TestExternalURL(t *testing.T) {
	ns := testServer(t)
	a := startNode(t, config(ns.ClientURL(), "a"))
	b := startNode(t, config(ns.ClientURL(), "b"))
	if a.URL() != ns.ClientURL() {
		t.Errorf("URL %q, want %q", a.URL(), ns.ClientURL())
	}
	r := follow(t, b)
	term := campaign(t, a)
	seq := write(t, a, Change{Puts: map[string][]byte{"call/1": []byte(`{"state":"active"}`), "call/2": nil}})
	if seq != term.Seq()+1 {
		t.Errorf("first write at %d, barrier at %d", seq, term.Seq())
	}
	seq = write(t, a, Change{Deletes: []string{"call/2"}})
	got := r.waitSeq(t, seq)
	r.check(t)
	if want := map[string]string{"call/1": `{"state":"active"}`}; !maps.Equal(strs(got.Items), want) {
		t.Errorf("listener state %v, want %v", strs(got.Items), want)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if !ns.Running() {
		t.Error("closing a node stopped the external server")
	}
}

// TestEmbeddedServer starts a node with its own server on a loopback port
// chosen at run time, silent unless asked, and a standby that connects to
// it by URL.
func TestEmbeddedServer(t *testing.T) {
	for _, serverLog := range []bool{false, true} {
		t.Run(fmt.Sprintf("server_log=%v", serverLog), func(t *testing.T) {
			core, logs := observer.New(zap.InfoLevel)
			a, err := Start(context.Background(), Config{
				DataDir: t.TempDir(), Group: "g", Instance: "a", ServerLog: serverLog,
			}, zap.New(core))
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(a.URL())
			if err != nil || u.Hostname() != "127.0.0.1" || u.Port() == "0" || u.Port() == "4222" {
				t.Errorf("embedded server at %q, want 127.0.0.1 and a port chosen at run time", a.URL())
			}
			b := startNode(t, config(a.URL(), "b"))
			campaign(t, a)
			write(t, a, put("k", "v"))
			if got := state(t, b); string(got.Items["k"]) != "v" {
				t.Errorf("standby state %v", strs(got.Items))
			}
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			if n := logs.FilterLoggerName("replication.nats-server").Len(); (n > 0) != serverLog {
				t.Errorf("%d server log lines with server_log=%v", n, serverLog)
			}
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
			if a.ns.Running() {
				t.Error("Close left the embedded server running")
			}
		})
	}
}

// TestRestartKeepsState writes, compacts and writes again, then restarts
// on the same data directory: the state is all there.
func TestRestartKeepsState(t *testing.T) {
	cfg := Config{DataDir: t.TempDir(), Group: "g", Instance: "a", LeaseTTL: time.Hour}
	a, err := Start(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	campaign(t, a)
	want := map[string]string{}
	for i := range 100 {
		k := fmt.Sprintf("k%d", i%30)
		write(t, a, put(k, strconv.Itoa(i)))
		want[k] = strconv.Itoa(i)
		if i == 60 {
			if err := a.Compact(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	before := state(t, a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	a = startNode(t, cfg)
	after := state(t, a)
	if !maps.Equal(strs(after.Items), want) || after.Seq != before.Seq {
		t.Errorf("after restart: %d items at %d, want %d at %d", len(after.Items), after.Seq, len(want), before.Seq)
	}
	// Close released the lease: no waiting for its hour.
	term := campaign(t, a)
	if term.Seq() != before.Seq+1 {
		t.Errorf("barrier at %d after %d", term.Seq(), before.Seq)
	}
}

// TestWriteErrors: writes from a standby, too large, after Close.
func TestWriteErrors(t *testing.T) {
	ns := testServer(t)
	a := startNode(t, config(ns.ClientURL(), "a"))
	ctx := context.Background()
	if _, err := a.Write(ctx, put("k", "v")); !errors.Is(err, ErrNotActive) {
		t.Errorf("standby write: %v, want ErrNotActive", err)
	}
	campaign(t, a)
	big := Change{Puts: map[string][]byte{"k": make([]byte, a.nc.MaxPayload())}}
	if _, err := a.Write(ctx, big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("large write: %v, want ErrTooLarge", err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Write(ctx, put("k", "v")); !errors.Is(err, ErrClosed) {
		t.Errorf("write after Close: %v, want ErrClosed", err)
	}
	if _, err := a.State(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("State after Close: %v, want ErrClosed", err)
	}
}

// TestConcurrentWritesCoalesce writes from several goroutines at once:
// every write is stored, in fewer messages than writes, and the writes of
// each goroutine in order.
func TestConcurrentWritesCoalesce(t *testing.T) {
	ns := testServer(t)
	a := startNode(t, config(ns.ClientURL(), "a"))
	term := campaign(t, a)
	const writers, each = 8, 250
	var wg sync.WaitGroup
	seqs := make([][]uint64, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ps := make([]*Pending, each)
			for i := range each {
				ps[i] = a.WriteAsync(put(fmt.Sprintf("w%d", w), strconv.Itoa(i)))
			}
			for _, p := range ps {
				seq, err := p.Wait(context.Background())
				if err != nil {
					t.Error(err)
				}
				seqs[w] = append(seqs[w], seq)
			}
		}()
	}
	wg.Wait()
	last := term.Seq()
	for w, s := range seqs {
		for i := 1; i < len(s); i++ {
			if s[i] < s[i-1] {
				t.Fatalf("writer %d: write %d stored before write %d", w, i, i-1)
			}
		}
		last = max(last, s[len(s)-1])
	}
	if msgs := last - term.Seq(); msgs >= writers*each {
		t.Errorf("%d writes took %d messages", writers*each, msgs)
	}
	got := state(t, a)
	for w := range writers {
		if v := string(got.Items[fmt.Sprintf("w%d", w)]); v != strconv.Itoa(each-1) {
			t.Errorf("writer %d: last value %q, want %d", w, v, each-1)
		}
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // in the error; "" for none
	}{
		{"embedded", Config{DataDir: "d", Group: "g-1_x", Instance: "a"}, ""},
		{"external", Config{URL: "nats://127.0.0.1:4222", Group: "11010", Instance: "a"}, ""},
		{"no group", Config{DataDir: "d", Instance: "a"}, "group"},
		{"dotted group", Config{DataDir: "d", Group: "a.b", Instance: "a"}, "group"},
		{"no instance", Config{DataDir: "d", Group: "g"}, "instance"},
		{"no data dir", Config{Group: "g", Instance: "a"}, "data_dir"},
		{"bad listen", Config{DataDir: "d", Group: "g", Instance: "a", Listen: "localhost"}, "listen"},
		{"short lease", Config{DataDir: "d", Group: "g", Instance: "a", LeaseTTL: time.Millisecond}, "lease_ttl"},
		{"replicas", Config{DataDir: "d", Group: "g", Instance: "a", Replicas: 7}, "replicas"},
		{"snapshots", Config{DataDir: "d", Group: "g", Instance: "a", SnapshotEvery: -1}, "snapshot_every"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := tt.cfg.withDefaults()
			switch {
			case tt.want == "" && err != nil:
				t.Fatal(err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want one about %s", err, tt.want)
			case tt.want == "" && (cfg.LeaseTTL != defaultLeaseTTL || cfg.Replicas != 1 || cfg.SnapshotEvery != defaultSnapshotEvery):
				t.Errorf("defaults not filled in: %+v", cfg)
			}
		})
	}
}
