package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/megaco/megaco/pkg/admin"
	"github.com/megaco/megaco/pkg/callstore"
	"github.com/megaco/megaco/pkg/replication/natstest"
)

var reInstanceLine = regexp.MustCompile(`^megaco serve: instance (\S+) of group (\S+), admin API on http://(\S+)$`)

// natsURL starts a NATS server with JetStream for the test: the cluster
// an active/standby pair shares (one node here; three in production for
// JetStream quorum).
func natsURL(t *testing.T) string { return natstest.Server(t).ClientURL() }

// freeUDPPort picks the MGs' service port of the pair at run time.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// haInstance starts one `megaco serve` of the pair and returns it with
// its admin client, once it printed its instance line.
func haInstance(t *testing.T, name, nats string, port int) (*proc, *admin.Client, string) {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`data_dir: %s
admin:
  listen: 127.0.0.1:0
log:
  format: json
mgc:
  inactivity: 1s
replication:
  url: %s
  group: ha
  instance: %s
  lease_ttl: 2s
users:
  - port: %d
    request_timer: wait_for=500ms,factor=2,incr=0,max_retries=3
`, filepath.Join(dir, "data"), nats, name, port)
	file := filepath.Join(dir, "megaco.yaml")
	if err := os.WriteFile(file, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startProc(t, nil, "serve", "--config", file)
	m := p.expect(reInstanceLine, 60*time.Second)
	return p, admin.NewClient(m[3], ""), filepath.Join(dir, "data")
}

// parallel runs f(i) for i < n over 8 workers and fails on the first
// error.
func parallel(t *testing.T, n int, f func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	next := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestActiveStandbyFailover: two serve processes share one NATS; the
// active one serves an MG with 1,000 established calls and is killed
// (kill -9). The standby takes the lease and the service address, audits
// the MG, and keeps every call; releasing them writes each CDR once.
func TestActiveStandbyFailover(t *testing.T) {
	const calls = 1000
	nats := natsURL(t)
	port := freeUDPPort(t)
	a, aAPI, _ := haInstance(t, "a", nats, port)
	a.expect(reReadyLine, 60*time.Second)
	b, bAPI, bData := haInstance(t, "b", nats, port)
	ctx := context.Background()
	if rs, err := bAPI.Replication(ctx); err != nil || rs.Role != "standby" {
		t.Fatalf("b: %+v %v, want standby", rs, err)
	}

	sim := startProc(t, nil, "mg-sim", "--mgc", "127.0.0.1:"+strconv.Itoa(port), "--listen", "127.0.0.1:0",
		"--trunks", "0", "--rtp-pool", strconv.Itoa(2*calls+64), "--version", "1")
	mg := sim.expect(reMGLine, 30*time.Second)[1]
	waitFor(t, 30*time.Second, "the MG ready on a", func() bool {
		ms, err := aAPI.MGs(ctx)
		return err == nil && len(ms) == 1 && ms[0].State == "ready"
	})
	placed := make([]string, calls)
	parallel(t, calls, func(i int) error {
		cs, err := aAPI.PlaceCall(ctx, admin.PlaceCallRequest{MG: mg, A: "rtp/$", B: "rtp/$"})
		placed[i] = cs.Call
		return err
	})
	waitFor(t, 30*time.Second, "b to follow every call", func() bool {
		rs, err := bAPI.Replication(ctx)
		return err == nil && rs.Calls == calls
	})

	killed := time.Now()
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	b.expect(reReadyLine, 30*time.Second)
	takeover := time.Since(killed)
	waitFor(t, 60*time.Second, "b to resync the MG", func() bool {
		ms, err := bAPI.MGs(ctx)
		return err == nil && len(ms) == 1 && ms[0].State == "ready" && ms[0].Resyncs > 0
	})
	resynced := time.Since(killed)
	t.Logf("takeover: the standby served %v after kill -9 (lease TTL 2s), the MG resynced after %v", takeover, resynced)

	got, err := bAPI.Calls(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	live := map[string]bool{}
	for _, c := range got {
		active := 0
		for _, l := range c.Legs {
			if l.State == "active" {
				active++
			}
		}
		if active == 2 {
			live[c.Call] = true
		}
	}
	for _, id := range placed {
		if !live[id] {
			sample, _ := json.Marshal(got[:min(2, len(got))])
			t.Fatalf("call %s lost at the takeover (%d of %d established calls kept): %d calls, %s", id, len(live), calls, len(got), sample)
		}
	}

	parallel(t, calls, func(i int) error {
		_, err := bAPI.ReleaseCall(ctx, placed[i])
		return err
	})
	waitFor(t, 60*time.Second, "every CDR stored", func() bool {
		rs, err := bAPI.Replication(ctx)
		return err == nil && rs.Calls == 0 && rs.CDRsStored >= calls
	})
	db, err := callstore.OpenDB(callstore.DBPath(bData))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cdrs, err := db.List(ctx, callstore.Filter{Limit: 10 * calls})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, c := range cdrs {
		seen[c.Call]++
	}
	for _, id := range placed {
		if seen[id] != 1 {
			t.Errorf("call %s has %d CDRs, want 1", id, seen[id])
		}
	}
	if len(cdrs) != calls {
		b, _ := json.Marshal(cdrs[:min(3, len(cdrs))])
		t.Errorf("%d CDRs for %d calls: %s", len(cdrs), calls, b)
	}
}

// TestPlannedSwitchover: SIGTERM on the active hands the lease over at
// once instead of letting it lapse.
func TestPlannedSwitchover(t *testing.T) {
	nats := natsURL(t)
	port := freeUDPPort(t)
	a, _, _ := haInstance(t, "a", nats, port)
	a.expect(reReadyLine, 60*time.Second)
	b, bAPI, _ := haInstance(t, "b", nats, port)
	stopped := time.Now()
	if err := a.stop(syscall.SIGTERM, 20*time.Second); err != nil {
		t.Fatalf("a exited with %v", err)
	}
	b.expect(reReadyLine, 30*time.Second)
	if d := time.Since(stopped); d > 5*time.Second {
		t.Errorf("b took over %v after a stopped, want a hand-over well before the lease lapses", d)
	}
	if rs, err := bAPI.Replication(context.Background()); err != nil || rs.Role != "active" {
		t.Errorf("b: %+v %v", rs, err)
	}
}
