package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/pkg/admin"
	"github.com/megaco/megaco/pkg/h248"
)

// relay sits on the wire between an MG and the MGC (UDP): it records
// every message the MGC sends the MG, and can drop what the MG sends
// back, so that the MGC resends.
type relay struct {
	down, up *net.UDPConn // the MG's side, the MGC's side
	mgc      *net.UDPAddr
	mg       atomic.Pointer[net.UDPAddr]
	drop     atomic.Bool
	sent     chan wired // MGC → MG
	wg       sync.WaitGroup
}

// wired is a message seen on the wire.
type wired struct {
	at  time.Time
	msg *h248.Message
	raw string
}

func newRelay(t *testing.T, mgc string) *relay {
	t.Helper()
	listen := func() *net.UDPConn {
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	to, err := net.ResolveUDPAddr("udp", mgc)
	if err != nil {
		t.Fatal(err)
	}
	r := &relay{down: listen(), up: listen(), mgc: to, sent: make(chan wired, 1024)}
	r.wg.Add(2)
	go r.fromMG()
	go r.fromMGC()
	t.Cleanup(func() {
		r.down.Close()
		r.up.Close()
		r.wg.Wait()
	})
	return r
}

func (r *relay) addr() string { return r.down.LocalAddr().String() }

func (r *relay) fromMG() {
	defer r.wg.Done()
	buf := make([]byte, 65536)
	for {
		n, from, err := r.down.ReadFromUDP(buf)
		if err != nil {
			return
		}
		r.mg.Store(from)
		if !r.drop.Load() {
			_, _ = r.up.WriteToUDP(buf[:n], r.mgc)
		}
	}
}

func (r *relay) fromMGC() {
	defer r.wg.Done()
	buf := make([]byte, 65536)
	dec := text.New(codec.Pretty)
	for {
		n, _, err := r.up.ReadFromUDP(buf)
		if err != nil {
			close(r.sent)
			return
		}
		if mg := r.mg.Load(); mg != nil {
			_, _ = r.down.WriteToUDP(buf[:n], mg)
		}
		if m, err := dec.Decode(buf[:n]); err == nil {
			select {
			case r.sent <- wired{at: time.Now(), msg: m, raw: string(buf[:n])}:
			default:
			}
		}
	}
}

// resends waits for a request the MGC sends at least n times and returns
// when each copy went out.
func (r *relay) resends(t *testing.T, n int, within time.Duration) (uint32, []time.Time) {
	t.Helper()
	seen := map[uint32][]time.Time{}
	deadline := time.After(within)
	for {
		select {
		case w := <-r.sent:
			for _, tr := range w.msg.Transactions {
				if req, ok := tr.(*h248.TransactionRequest); ok {
					seen[req.ID] = append(seen[req.ID], w.at)
					if len(seen[req.ID]) == n {
						return req.ID, seen[req.ID]
					}
				}
			}
		case <-deadline:
			t.Fatalf("no request sent %d times within %v: %v", n, within, seen)
		}
	}
}

// drain forgets what the MGC sent so far.
func (r *relay) drain() {
	for {
		select {
		case <-r.sent:
		default:
			return
		}
	}
}

var (
	reUserLine  = regexp.MustCompile(`^megaco serve: user (\S+) on udp (\S+)$`)
	reReadyLine = regexp.MustCompile(`^megaco serve: ready, admin API on http://(\S+)$`)
	reMGLine    = regexp.MustCompile(`^mg-sim: mg (\S+) on `)
)

// TestEndToEnd runs megaco serve and megaco mg-sim as processes on ports
// chosen at run time, registers the MG through a relay that watches the
// wire, and drives every client subcommand against the daemon; the
// resend interval the MG sees follows conn update-info request_timer.
func TestEndToEnd(t *testing.T) {
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "megaco.yaml")
	cfg := `data_dir: ` + filepath.Join(dir, "data") + `
admin:
  listen: 127.0.0.1:0
log:
  format: json
  level: info
mgc:
  audit_period: 1s
shutdown_timeout: 5s
users:
  - port: 0
    request_timer: wait_for=5s,factor=1,incr=0,max_retries=1
`
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := startProc(t, nil, "serve", "--config", cfgFile)
	user := srv.expect(reUserLine, 60*time.Second)
	userMID, mgcAddr := user[1], user[2]
	adminAddr := srv.expect(reReadyLine, 10*time.Second)[1]
	waitReady(t, "http://"+adminAddr+"/readyz", 10*time.Second)
	// The client commands run in this process (under -race when the test
	// does), against the daemon process.
	t.Setenv("MEGACO_ADMIN", adminAddr)
	run := func(want int, args ...string) string {
		t.Helper()
		code, out, errOut := runCmd(t, "", args...)
		if code != want {
			t.Fatalf("megaco %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out, errOut)
		}
		return out + errOut
	}
	runJSON := func(v any, args ...string) {
		t.Helper()
		out := run(0, append(args, "-o", "json")...)
		if err := json.Unmarshal([]byte(out), v); err != nil {
			t.Fatalf("megaco %s -o json: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	// Register an MG through the relay.
	wire := newRelay(t, mgcAddr)
	sim := startProc(t, nil, "mg-sim", "--mgc", wire.addr(), "--listen", "127.0.0.1:0")
	mgMID := sim.expect(reMGLine, 30*time.Second)[1]
	waitFor(t, 20*time.Second, "the MG ready", func() bool {
		var mgs []admin.MGStatus
		runJSON(&mgs, "mg", "list")
		return len(mgs) == 1 && mgs[0].MID == mgMID && mgs[0].State == "ready"
	})
	srv.waitLog(5*time.Second, `"msg":"connect"`, mgMID)

	var sys admin.SystemStatus
	runJSON(&sys, "system", "info")
	if len(sys.Users) != 1 || sys.Users[0] != userMID || sys.Connections != 1 || sys.MGs != 1 {
		t.Errorf("system info: %+v", sys)
	}
	if out := run(0, "mg", "list"); !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(mgMID) + `\s+ready\s+0\s+0\s+1\s`).MatchString(out) {
		t.Errorf("mg list:\n%s", out)
	}
	if out := run(0, "user", "info"); !strings.Contains(out, userMID+"  udp") {
		t.Errorf("user info:\n%s", out)
	}
	var us admin.UserStatus
	runJSON(&us, "user", "info", userMID)
	if us.Config["request_timer"] != "wait_for=5s,factor=1,incr=0s,max_retries=1" || us.Connections != 1 {
		t.Errorf("user info %s: %+v", userMID, us)
	}
	if out := run(0, "conn", "info"); !strings.Contains(out, mgMID) || !strings.Contains(out, "connected") {
		t.Errorf("conn info:\n%s", out)
	}

	// Before: the MG answers and nothing is resent. After update-info the
	// MGC resends every 300 ms what the MG does not answer.
	run(0, "conn", "trace", mgMID, "on")
	out := run(0, "conn", "update-info", mgMID, "request_timer=wait_for=300ms,factor=1,incr=0,max_retries=3")
	if !regexp.MustCompile(`request_timer\s+wait_for=300ms,factor=1,incr=0s,max_retries=3`).MatchString(out) {
		t.Errorf("conn update-info:\n%s", out)
	}
	wire.drain()
	wire.drop.Store(true)
	id, times := wire.resends(t, 4, 10*time.Second)
	wire.drop.Store(false)
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < 200*time.Millisecond || gap > 1500*time.Millisecond {
			t.Errorf("resend %d of transaction %d came %v after the previous one, want about 300ms", i, id, gap)
		}
	}
	srv.waitLog(5*time.Second, `"msg":"trace"`, `"dir":"out"`, "Transaction = "+strconv.FormatUint(uint64(id), 10))
	metrics := httpGet(t, "http://"+adminAddr+"/metrics")
	for _, want := range []string{"megaco_resends_total ", `megaco_transactions_sent_total{kind="request"}`, `megaco_mgc_resyncs_total{outcome="completed"} 1`, "megaco_connections 1"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics has no %s", want)
		}
	}
	if strings.Contains(metrics, "megaco_resends_total 0\n") {
		t.Error("/metrics counts no resends")
	}

	// Mistakes say what failed, by message and exit code.
	if out := run(2, "conn", "update-info", mgMID, "request_timr=1s"); !strings.Contains(out, "request_timr: unknown key (did you mean request_timer?)") {
		t.Errorf("bad key:\n%s", out)
	}
	if out := run(2, "conn", "update-info", mgMID, "reply_timer=0"); !strings.Contains(out, "reply_timer: impossible value: must be positive") {
		t.Errorf("bad value:\n%s", out)
	}
	run(5, "conn", "info", "[127.0.0.9]:1")
	run(2, "conn", "trace", mgMID, "maybe")

	// The MGC view and the rest of the Erlang operations.
	var legs []admin.LegStatus
	runJSON(&legs, "leg", "list")
	var mixers []admin.MixerStatus
	runJSON(&mixers, "mixer", "list", "--mg", mgMID)
	if len(legs) != 0 || len(mixers) != 0 {
		t.Errorf("legs %v, mixers %v on a fresh MG", legs, mixers)
	}
	// A call placed through the admin API is on the MG; release ends it.
	var call admin.CallStatus
	runJSON(&call, "call", "place", "--mg", mgMID, "--a", "tdm/1/$", "--b", "rtp/$")
	if len(call.Legs) != 2 || call.Legs[0].State != "active" || call.Legs[1].State != "active" || call.Legs[0].Context != call.Legs[1].Context {
		t.Errorf("call place: %+v", call)
	}
	if out := run(0, "call", "list"); !strings.Contains(out, call.Call) || !strings.Contains(out, "tdm/1/1") {
		t.Errorf("call list:\n%s", out)
	}
	run(0, "call", "release", call.Call)
	runJSON(&legs, "leg", "list")
	if len(legs) != 0 {
		t.Errorf("legs after release: %+v", legs)
	}
	run(5, "call", "release", call.Call)
	runJSON(&us, "user", "update-info", userMID, "reply_timer=40s", "trans_req=true")
	if us.Config["reply_timer"] != "40s" || us.Config["trans_req"] != "true" {
		t.Errorf("user update-info: %+v", us.Config)
	}
	var started admin.UserStatus
	runJSON(&started, "user", "start", "transport=tcp", "port=0")
	if started.Transport != "tcp" || started.MID == "" {
		t.Errorf("user start: %+v", started)
	}
	run(0, "user", "stop", started.MID)
	run(5, "user", "info", started.MID)
	var peer admin.ConnStatus
	runJSON(&peer, "conn", "connect", "--user", userMID, "[127.0.0.1]:9", "127.0.0.1:9")
	if peer.User != userMID || peer.Remote != "[127.0.0.1]:9" || peer.Peer != "127.0.0.1:9" {
		t.Errorf("conn connect: %+v", peer)
	}
	var dis admin.ConnStatus
	runJSON(&dis, "conn", "disconnect", mgMID)
	if !dis.Disconnected {
		t.Errorf("conn disconnect: %+v", dis)
	}
	srv.waitLog(5*time.Second, `"msg":"disconnect"`, mgMID)
	var ver versionReport
	runJSON(&ver, "version")
	if ver.Daemon == nil || ver.Daemon.Version != ver.Client.Version {
		t.Errorf("version: %+v", ver)
	}

	// SIGHUP applies a new log level and user settings live.
	cfg = strings.Replace(cfg, "level: info", "level: debug", 1) + "    reply_timer: 50s\n"
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	srv.waitLog(5*time.Second, `"msg":"reloaded"`, `"level":"debug"`, `users[0].reply_timer`)
	runJSON(&us, "user", "info", userMID)
	if us.Config["reply_timer"] != "50s" {
		t.Errorf("after SIGHUP: reply_timer %s", us.Config["reply_timer"])
	}

	// SIGTERM stops it gracefully, and then the clients say so.
	start := time.Now()
	if err := srv.stop(syscall.SIGTERM, 10*time.Second); err != nil {
		t.Errorf("serve after SIGTERM: %v", err)
	}
	if d := time.Since(start); d > 7*time.Second {
		t.Errorf("serve took %v to stop", d)
	}
	srv.waitLog(time.Second, `"msg":"stopped"`)
	code, _, errOut := cli(t, nil, "mg", "list")
	if code != exitNoDaemon || !strings.Contains(errOut, "no megaco daemon is running at "+adminAddr) {
		t.Errorf("no daemon: exit %d\n%s", code, errOut)
	}
	if err := sim.stop(os.Interrupt, 10*time.Second); err != nil {
		t.Errorf("mg-sim: %v", err)
	}
}

func waitFor(t *testing.T, within time.Duration, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %v %v", url, resp.Status, err)
	}
	return string(b)
}
