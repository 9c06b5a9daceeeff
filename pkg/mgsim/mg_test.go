package mgsim

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/transport"
	"github.com/megaco/megaco/transport/memnet"
	"github.com/megaco/megaco/transport/tcp"
	"github.com/megaco/megaco/transport/udp"
)

// testUserConfig is the engine setup of both sides: Erlang's defaults
// with a 1 s ×2 request timer and 3 resends (15 s to give up).
func testUserConfig(h megaco.Handler) megaco.UserConfig {
	cfg := engine.DefaultConfig()
	cfg.RequestTimer = engine.Timer{WaitFor: time.Second, Factor: 2, MaxRetries: 3}
	cfg.ReplyTimer = 20 * time.Second
	cfg.LongRequestTimer = engine.Fixed(15 * time.Second)
	return megaco.UserConfig{Config: cfg, Encoding: codec.Compact, Handler: h}
}

func midOf(t testing.TB, addr string) h248.MID {
	t.Helper()
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return h248.MID{Kind: h248.MIDIP4, Addr: ap.Addr(), Port: h248.Some(ap.Port())}
}

// testMGC is an MGC user that records, as one line each, the commands an
// MG sends it, and answers them (ServiceChange with Reply, when set).
type testMGC struct {
	megaco.BaseHandler
	addr  string
	user  *megaco.User
	lines chan string

	mu    sync.Mutex
	conn  *megaco.Conn
	reply func(sc *h248.ServiceChangeRequest) *h248.ServiceChangeReply
	mute  bool // answer nothing
}

func newMGC(t *testing.T, st *megaco.Stack, n *memnet.Net, proto string) *testMGC {
	t.Helper()
	m := &testMGC{addr: n.IP().String() + ":2944", lines: make(chan string, 100)}
	u, err := st.StartUser(midOf(t, m.addr), testUserConfig(m))
	if err != nil {
		t.Fatal(err)
	}
	m.user = u
	var tr transport.Transport
	if proto == "tcp" {
		tr, err = tcp.Listen(n, m.addr, u)
	} else {
		tr, err = udp.Listen(n, m.addr, u)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return m
}

func (m *testMGC) HandleConnect(c *megaco.Conn, _ int) error {
	m.mu.Lock()
	m.conn = c
	m.mu.Unlock()
	return nil
}

func (m *testMGC) setReply(f func(sc *h248.ServiceChangeRequest) *h248.ServiceChangeReply) {
	m.mu.Lock()
	m.reply = f
	m.mu.Unlock()
}

func (m *testMGC) setMute(b bool) {
	m.mu.Lock()
	m.mute = b
	m.mu.Unlock()
}

func (m *testMGC) HandleTransRequest(c *megaco.Conn, _ int, req *megaco.Request) megaco.Answer {
	m.mu.Lock()
	mute, reply := m.mute, m.reply
	m.conn = c
	m.mu.Unlock()
	if mute {
		return megaco.Ignore()
	}
	out := make([]h248.ActionReply, len(req.Actions))
	for i, a := range req.Actions {
		out[i].ContextID = a.ContextID
		for _, cr := range a.Commands {
			switch cmd := cr.Command.(type) {
			case *h248.ServiceChangeRequest:
				p := cmd.Parms
				line := fmt.Sprintf("SC %s %v %s", cmd.TerminationIDs[0], p.Method, p.Reason.Text)
				if p.Delay.Set {
					line += fmt.Sprintf(" delay=%d", p.Delay.Value)
				}
				m.lines <- line
				r := &h248.ServiceChangeReply{TerminationIDs: cmd.TerminationIDs}
				if reply != nil {
					r = reply(cmd)
				}
				out[i].Commands = append(out[i].Commands, r)
			case *h248.NotifyRequest:
				var evs []string
				for _, e := range cmd.ObservedEvents.Events {
					s := e.Name
					for _, p := range e.Params {
						s += fmt.Sprintf(" %s=%s", p.Name, p.Value.Values[0].Text)
					}
					evs = append(evs, s)
				}
				m.lines <- fmt.Sprintf("N C=%v %s %d %s", a.ContextID, cmd.TerminationIDs[0], cmd.ObservedEvents.RequestID, strings.Join(evs, ","))
				out[i].Commands = append(out[i].Commands, &h248.NotifyReply{TerminationIDs: cmd.TerminationIDs})
			}
		}
	}
	return megaco.Reply(out...)
}

// next returns the next line the MGC recorded, waiting up to a (fake)
// minute.
func (m *testMGC) next(t *testing.T) string {
	t.Helper()
	select {
	case l := <-m.lines:
		return l
	case <-time.After(time.Minute):
		t.Fatalf("MGC %s: nothing within a minute", m.addr)
		return ""
	}
}

func (m *testMGC) expect(t *testing.T, want string) {
	t.Helper()
	if got := m.next(t); got != want {
		t.Fatalf("MGC %s got %q, want %q", m.addr, got, want)
	}
}

// quiet checks that nothing arrives for d.
func (m *testMGC) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case l := <-m.lines:
		t.Fatalf("MGC %s got %q, want nothing", m.addr, l)
	case <-time.After(d):
	}
}

// call sends compact text actions to the MG and returns the reply's
// actions in compact text.
func (m *testMGC) call(t *testing.T, req string) (string, error) {
	t.Helper()
	m.mu.Lock()
	c := m.conn
	m.mu.Unlock()
	if c == nil {
		t.Fatal("the MGC has no connection")
	}
	msg, err := compact.Decode([]byte("!/1 [10.0.0.1]:2944\nT=1{" + req + "}"))
	if err != nil {
		t.Fatalf("%s: %v", req, err)
	}
	reps, err := c.Call(context.Background(), msg.Transactions[0].(*h248.TransactionRequest).Actions)
	if err != nil {
		return "", err
	}
	return replyText(t, reps), nil
}

func (m *testMGC) mustCall(t *testing.T, req, want string) {
	t.Helper()
	got, err := m.call(t, req)
	if err != nil {
		t.Fatalf("%s: %v", req, err)
	}
	if want != "" && got != want {
		t.Fatalf("%s\n got  %s\n want %s", req, got, want)
	}
}

func replyText(t *testing.T, reps []h248.ActionReply) string {
	t.Helper()
	b, err := compact.Append(nil, &h248.Message{Version: 1, MID: midOf(t, "10.0.0.2:2944"), Transactions: []h248.Transaction{
		&h248.TransactionReply{ID: 1, Actions: reps}}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(b[strings.IndexByte(string(b), '\n')+1:])
	return strings.TrimSuffix(strings.TrimPrefix(s, "P=1{"), "}")
}

// testNet is a memnet network with an MGC at 10.0.0.1 and an MG host at
// 10.0.0.2, and a stack for both.
type testNet struct {
	nw    *memnet.Network
	st    *megaco.Stack
	hosts map[string]*memnet.Net
}

func newTestNet(t *testing.T) *testNet {
	tn := &testNet{nw: memnet.NewNetwork(memnet.Config{}), st: megaco.NewStack(), hosts: map[string]*memnet.Net{}}
	for _, ip := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"} {
		h, err := tn.nw.Host(ip)
		if err != nil {
			t.Fatal(err)
		}
		tn.hosts[ip] = h
	}
	t.Cleanup(tn.st.Close)
	return tn
}

// startMG starts an MG on host ip over proto and runs it until the test
// ends.
func (tn *testNet) startMG(t *testing.T, ip, proto string, cfg Config) *MG {
	t.Helper()
	n := tn.hosts[ip]
	m := NewMG(cfg, nil, WithLogger(testLogger(t)))
	addr := ip + ":2944"
	var link Link
	if proto == "tcp" {
		tr, err := tcp.Listen(n, addr, m)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tr.Close() })
		link = Link{Transport: tr, Dial: func(a string) (transport.SendHandle, error) { return tr.Dial(a) }}
	} else {
		tr, err := udp.Listen(n, addr, m)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tr.Close() })
		link = Link{Transport: tr, Dial: func(a string) (transport.SendHandle, error) { return tr.Resolve(a) }}
	}
	if err := m.Start(tn.st, midOf(t, addr), testUserConfig(nil), link); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := m.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return m
}

// testLogger logs to the test when -v and MGSIM_LOG are set.
func testLogger(t *testing.T) *zap.Logger {
	if os.Getenv("MGSIM_LOG") == "" {
		return zap.NewNop()
	}
	return zaptest.NewLogger(t)
}

func registered(t *testing.T, m *MG) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := m.WaitRegistered(ctx); err != nil {
		t.Fatalf("not registered: %v", err)
	}
}

func TestRegisterAndAnswer(t *testing.T) {
	for _, proto := range []string{"udp", "tcp"} {
		t.Run(proto, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tn := newTestNet(t)
				mgc := newMGC(t, tn.st, tn.hosts["10.0.0.1"], proto)
				m := tn.startMG(t, "10.0.0.2", proto, Config{MGCs: []string{mgc.addr}, Trunks: 1, Timeslots: 4})
				mgc.expect(t, "SC ROOT restart 901 Cold Boot")
				registered(t, m)
				if addr, ok := m.Registered(); !ok || addr != mgc.addr {
					t.Fatalf("registered with %q %v", addr, ok)
				}
				mgc.mustCall(t, "C=${A=tdm/1/1{M{O{MO=SR}}},A=rtp/$}", "")
				mgc.mustCall(t, "C=*{AV=ROOT}", "C=1{AV=C{tdm/1/1,rtp/1}}")
				mgc.mustCall(t, "C=1{MF=tdm/1/9}", `C=1{ER=430{"Unknown TerminationID tdm/1/9"}}`)
				if s := m.Stats(); s.Registrations != 1 || s.Requests != 3 || s.Contexts != 1 {
					t.Errorf("stats %+v", s)
				}
			})
		})
	}
}

func TestFailoverAtRegistration(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tn := newTestNet(t)
		// 10.0.0.3 has no MGC: its ServiceChange times out (15 s).
		mgc := newMGC(t, tn.st, tn.hosts["10.0.0.1"], "udp")
		m := tn.startMG(t, "10.0.0.2", "udp", Config{MGCs: []string{"10.0.0.3:2944", mgc.addr}})
		start := time.Now()
		mgc.expect(t, "SC ROOT restart 901 Cold Boot")
		if d := time.Since(start); d != 15*time.Second {
			t.Errorf("registered with the second MGC after %v, want 15s", d)
		}
		registered(t, m)
		if s := m.Stats(); s.FailedRegistrations != 1 || s.MGC != mgc.addr {
			t.Errorf("stats %+v", s)
		}
	})
}

func TestRetryWhenNoMGCAnswers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tn := newTestNet(t)
		mgc := newMGC(t, tn.st, tn.hosts["10.0.0.1"], "udp")
		mgc.setReply(func(sc *h248.ServiceChangeRequest) *h248.ServiceChangeReply {
			return &h248.ServiceChangeReply{TerminationIDs: sc.TerminationIDs, Error: &h248.ErrorDescriptor{Code: h248.CodeServiceUnavailable}}
		})
		m := tn.startMG(t, "10.0.0.2", "udp", Config{MGCs: []string{mgc.addr}, RetryDelay: 10 * time.Second})
		mgc.expect(t, "SC ROOT restart 901 Cold Boot")
		start := time.Now()
		mgc.setReply(nil)
		mgc.expect(t, "SC ROOT restart 901 Cold Boot")
		if d := time.Since(start); d != 10*time.Second {
			t.Errorf("retried after %v, want the 10s RetryDelay", d)
		}
		registered(t, m)
	})
}

func TestRedirectByMgcId(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tn := newTestNet(t)
		first := newMGC(t, tn.st, tn.hosts["10.0.0.1"], "udp")
		second := newMGC(t, tn.st, tn.hosts["10.0.0.3"], "udp")
		to := midOf(t, second.addr)
		first.setReply(func(sc *h248.ServiceChangeRequest) *h248.ServiceChangeReply {
			return &h248.ServiceChangeReply{TerminationIDs: sc.TerminationIDs, Result: h248.ServiceChangeResParm{MgcID: &to}}
		})
		m := tn.startMG(t, "10.0.0.2", "udp", Config{MGCs: []string{first.addr}})
		first.expect(t, "SC ROOT restart 901 Cold Boot")
		second.expect(t, "SC ROOT restart 901 Cold Boot")
		registered(t, m)
		if addr, _ := m.Registered(); addr != second.addr {
			t.Errorf("registered with %s", addr)
		}
	})
}

func TestHandOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tn := newTestNet(t)
		first := newMGC(t, tn.st, tn.hosts["10.0.0.1"], "udp")
		second := newMGC(t, tn.st, tn.hosts["10.0.0.3"], "udp")
		m := tn.startMG(t, "10.0.0.2", "udp", Config{MGCs: []string{first.addr}})
		first.expect(t, "SC ROOT restart 901 Cold Boot")
		registered(t, m)
		first.mustCall(t, "C=-{SC=ROOT{SV{MT=HO,RE=\"903\",MG=[10.0.0.3]:2944}}}", "C=-{SC=ROOT}")
		second.expect(t, "SC ROOT handOff 903 MGC Directed Change")
		synctest.Wait()
		if addr, _ := m.Registered(); addr != second.addr {
			t.Errorf("registered with %s", addr)
		}
	})
}

func TestOutageKeepsState(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tn := newTestNet(t)
		mgc := newMGC(t, tn.st, tn.hosts["10.0.0.1"], "udp")
		m := tn.startMG(t, "10.0.0.2", "udp", Config{MGCs: []string{mgc.addr}})
		mgc.expect(t, "SC ROOT restart 901 Cold Boot")
		registered(t, m)
		mgc.mustCall(t, "C=${A=tdm/1/1{M{O{MO=SR}}},A=rtp/${M{O{MO=SR}}}}", "")
		mgc.mustCall(t, "C=${A=tdm/1/2,A=rtp/$}", "")

		done := make(chan error, 1)
		go func() { done <- m.Outage(context.Background(), 30*time.Second) }()
		synctest.Wait()
		// The MGC's requests go unanswered during the outage.
		if _, err := mgc.call(t, "C=-{AV=ROOT}"); !errors.Is(err, engine.ErrTimeout) {
			t.Fatalf("during the outage: %v", err)
		}
		mgc.expect(t, "SC ROOT disconnected 908 MG Impending Failure")
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		mgc.mustCall(t, "C=*{AV=ROOT}", "C=1{AV=C{tdm/1/1,rtp/1}},C=2{AV=C{tdm/1/2,rtp/2}}")
		if s := m.Stats(); s.Dropped == 0 {
			t.Errorf("nothing dropped: %+v", s)
		}
	})
}

func TestWarmRestartKeepsAnswered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tn := newTestNet(t)
		mgc := newMGC(t, tn.st, tn.hosts["10.0.0.1"], "udp")
		m := tn.startMG(t, "10.0.0.2", "udp", Config{MGCs: []string{mgc.addr}})
		mgc.expect(t, "SC ROOT restart 901 Cold Boot")
		registered(t, m)
		// 1 answered; 2 ringing; 3 a mixer with one answered port.
		mgc.mustCall(t, "C=${A=tdm/1/1{M{O{MO=SR}}},A=rtp/${M{O{MO=SR}}}}", "")
		mgc.mustCall(t, "C=${A=tdm/1/2{M{O{MO=SR}}},A=rtp/${M{O{MO=RC}}}}", "")
		mgc.mustCall(t, "C=${A=mix/${M{O{MO=SR}}},A=rtp/$}", "")
		mgc.mustCall(t, "C=-{MF=tdm/1/5{E=7{al/of}}}", "C=-{MF=tdm/1/5}")
		if err := m.WarmRestart(context.Background(), 5*time.Second); err != nil {
			t.Fatal(err)
		}
		mgc.expect(t, "SC ROOT restart 902 Warm Boot")
		mgc.mustCall(t, "C=*{AV=ROOT}", "C=1{AV=C{tdm/1/1,rtp/1}},C=3{AV=C{mix/1,rtp/3}}")
		mgc.mustCall(t, "C=-{AV=tdm/1/5{AT{E}}}", "C=-{AV=tdm/1/5}")
	})
}

func TestServiceChangeForcedAndGraceful(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tn := newTestNet(t)
		mgc := newMGC(t, tn.st, tn.hosts["10.0.0.1"], "udp")
		m := tn.startMG(t, "10.0.0.2", "udp", Config{MGCs: []string{mgc.addr}})
		mgc.expect(t, "SC ROOT restart 901 Cold Boot")
		registered(t, m)
		ctx := context.Background()
		mgc.mustCall(t, "C=${A=tdm/1/1,A=rtp/$}", "")

		if err := m.ServiceChange(ctx, h248.MethodForced, "905", 0, "tdm/1/1"); err != nil {
			t.Fatal(err)
		}
		mgc.expect(t, "SC tdm/1/1 forced 905 Termination taken out of service")
		mgc.mustCall(t, "C=-{AV=tdm/1/1{AT{M}}}", "C=-{AV=tdm/1/1{M{TS{SI=OS},ST=1{O{MO=IN}}}}}")
		mgc.mustCall(t, "C=${A=tdm/1/1}", `C=${ER=503{"Service Unavailable: tdm/1/1 is out of service"}}`)
		if err := m.ServiceChange(ctx, h248.MethodRestart, "900", 0, "tdm/1/1"); err != nil {
			t.Fatal(err)
		}
		mgc.expect(t, "SC tdm/1/1 restart 900 Service Restored")

		mgc.mustCall(t, "C=${A=tdm/1/2,A=rtp/$}", "")
		if err := m.ServiceChange(ctx, h248.MethodGraceful, "905", 10*time.Second); err != nil {
			t.Fatal(err)
		}
		mgc.expect(t, "SC ROOT graceful 905 Termination taken out of service delay=10")
		mgc.mustCall(t, "C=${A=tdm/1/3}", `C=${ER=521{"Termination is ServiceChanging: tdm/1/3"}}`)
		time.Sleep(10 * time.Second)
		synctest.Wait()
		mgc.mustCall(t, "C=${A=tdm/1/3}", `C=${ER=503{"Service Unavailable: tdm/1/3 is out of service"}}`)
		mgc.mustCall(t, "C=-{AV=ROOT{AT{M}}}", "C=-{AV=ROOT{M{TS{root/maxNumberOfContexts=65535,root/maxTerminationsPerContext=64,SI=OS}}}}")
		// The call in progress stays for the MGC to clear.
		mgc.mustCall(t, "C=*{AV=ROOT}", "C=1{AV=C{rtp/1}},C=2{AV=C{tdm/1/2,rtp/2}}")
		if err := m.ServiceChange(ctx, h248.MethodForced, "908", 0); err != nil {
			t.Fatal(err)
		}
		mgc.expect(t, "SC ROOT forced 908 MG Impending Failure")
		mgc.mustCall(t, "C=*{AV=ROOT}", `C=*{ER=431{"No TerminationID matched a wildcard (no context matched)"}}`)
		if err := m.ServiceChange(ctx, h248.MethodRestart, "900", 0); err != nil {
			t.Fatal(err)
		}
		mgc.expect(t, "SC ROOT restart 900 Service Restored")
		mgc.mustCall(t, "C=${A=tdm/1/3}", "C=3{A=tdm/1/3}")
	})
}

func TestInactivityTimer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tn := newTestNet(t)
		mgc := newMGC(t, tn.st, tn.hosts["10.0.0.1"], "udp")
		m := tn.startMG(t, "10.0.0.2", "udp", Config{MGCs: []string{mgc.addr}})
		mgc.expect(t, "SC ROOT restart 901 Cold Boot")
		registered(t, m)
		// Without it/ito, nothing comes however long the MGC is silent.
		mgc.quiet(t, 10*time.Minute)
		mgc.mustCall(t, "C=-{MF=ROOT{E=77{it/ito{mit=2000}}}}", "C=-{MF=ROOT}")
		start := time.Now()
		mgc.expect(t, "N C=- ROOT 77 it/ito")
		if d := time.Since(start); d != 2*time.Second {
			t.Errorf("it/ito after %v, want 2s", d)
		}
		// Traffic from the MGC resets the timer.
		time.Sleep(1500 * time.Millisecond)
		mgc.mustCall(t, "C=-{AV=ROOT}", "C=-{AV=ROOT}")
		start = time.Now()
		mgc.expect(t, "N C=- ROOT 77 it/ito")
		if d := time.Since(start); d != 2*time.Second {
			t.Errorf("it/ito %v after the last request, want 2s", d)
		}
		mgc.mustCall(t, "C=-{MF=ROOT{E}}", "C=-{MF=ROOT}")
		mgc.quiet(t, 10*time.Minute)
		if s := m.Stats(); s.Inactivity != 2 {
			t.Errorf("stats %+v", s)
		}
	})
}

func TestInactivityFailover(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tn := newTestNet(t)
		first := newMGC(t, tn.st, tn.hosts["10.0.0.1"], "udp")
		second := newMGC(t, tn.st, tn.hosts["10.0.0.3"], "udp")
		m := tn.startMG(t, "10.0.0.2", "udp", Config{MGCs: []string{first.addr, second.addr}})
		first.expect(t, "SC ROOT restart 901 Cold Boot")
		registered(t, m)
		first.mustCall(t, "C=-{MF=ROOT{E=1{it/ito{mit=1000}}}}", "")
		first.setMute(true)
		// The it/ito Notify goes unanswered: the MG fails over to the
		// secondary with Failover 909.
		second.expect(t, "SC ROOT failover 909 MGC Impending Failure")
		registered(t, m)
		if addr, _ := m.Registered(); addr != second.addr {
			t.Errorf("registered with %s", addr)
		}
	})
}

func TestNotifyOnDemand(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tn := newTestNet(t)
		mgc := newMGC(t, tn.st, tn.hosts["10.0.0.1"], "udp")
		m := tn.startMG(t, "10.0.0.2", "udp", Config{MGCs: []string{mgc.addr}})
		mgc.expect(t, "SC ROOT restart 901 Cold Boot")
		registered(t, m)
		ctx := context.Background()
		if err := m.OffHook(ctx, "tdm/1/1"); !errors.Is(err, ErrNotRequested) {
			t.Fatalf("off-hook without Events: %v", err)
		}
		mgc.mustCall(t, "C=-{MF=tdm/1/1{E=10{al/of{Embed{SG{cg/dt},E=11{dd/ce{DM=dmap1},al/on}}}},SG{al/ri}}}", "C=-{MF=tdm/1/1}")
		if err := m.OffHook(ctx, "tdm/1/1"); err != nil {
			t.Fatal(err)
		}
		mgc.expect(t, "N C=- tdm/1/1 10 al/of")
		mgc.mustCall(t, "C=-{AV=tdm/1/1{AT{E,SG}}}", "C=-{AV=tdm/1/1{E=11{dd/ce{DM=dmap1},al/on},SG{cg/dt}}}")
		if err := m.Digits(ctx, "tdm/1/1", "5551234"); err != nil {
			t.Fatal(err)
		}
		mgc.expect(t, "N C=- tdm/1/1 11 dd/ce ds=5551234 Meth=FM")
		mgc.mustCall(t, "C=${A=tdm/1/1{E=12{al/on,dd/d1,dd/d2}},A=rtp/$}", "")
		if err := m.Digits(ctx, "tdm/1/1", "21"); err != nil {
			t.Fatal(err)
		}
		mgc.expect(t, "N C=1 tdm/1/1 12 dd/d2,dd/d1")
		if err := m.OnHook(ctx, "tdm/1/1"); err != nil {
			t.Fatal(err)
		}
		mgc.expect(t, "N C=1 tdm/1/1 12 al/on")
		if err := m.Flash(ctx, "tdm/1/1"); !errors.Is(err, ErrNotRequested) {
			t.Fatalf("flash: %v", err)
		}
		if s := m.Stats(); s.Notifies != 4 || s.FailedNotifies != 0 {
			t.Errorf("stats %+v", s)
		}
	})
}

func TestKnobs(t *testing.T) {
	t.Run("delay", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			tn := newTestNet(t)
			mgc := newMGC(t, tn.st, tn.hosts["10.0.0.1"], "udp")
			m := tn.startMG(t, "10.0.0.2", "udp", Config{MGCs: []string{mgc.addr}, Delay: 300 * time.Millisecond})
			mgc.expect(t, "SC ROOT restart 901 Cold Boot")
			registered(t, m)
			start := time.Now()
			mgc.mustCall(t, "C=-{AV=ROOT}", "C=-{AV=ROOT}")
			if d := time.Since(start); d != 300*time.Millisecond {
				t.Errorf("answered after %v, want 300ms", d)
			}
		})
	})
	t.Run("pending", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			tn := newTestNet(t)
			var mu sync.Mutex
			pendings := 0
			tn.nw.SetFilter(func(d memnet.Datagram) (bool, time.Duration) {
				if strings.Contains(string(d.Data), "PN=") {
					mu.Lock()
					pendings++
					mu.Unlock()
				}
				return true, 0
			})
			mgc := newMGC(t, tn.st, tn.hosts["10.0.0.1"], "udp")
			m := tn.startMG(t, "10.0.0.2", "udp", Config{MGCs: []string{mgc.addr}, Pending: true})
			mgc.expect(t, "SC ROOT restart 901 Cold Boot")
			registered(t, m)
			mgc.mustCall(t, "C=-{AV=ROOT}", "C=-{AV=ROOT}")
			mu.Lock()
			defer mu.Unlock()
			if pendings != 1 {
				t.Errorf("%d TransactionPendings, want 1", pendings)
			}
		})
	})
	t.Run("errors", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			tn := newTestNet(t)
			mgc := newMGC(t, tn.st, tn.hosts["10.0.0.1"], "udp")
			m := tn.startMG(t, "10.0.0.2", "udp", Config{MGCs: []string{mgc.addr}, ErrorRate: 1, ErrorCode: h248.CodeInsufficientResources})
			mgc.expect(t, "SC ROOT restart 901 Cold Boot")
			registered(t, m)
			_, err := mgc.call(t, "C=${A=tdm/1/1}")
			var re *engine.ReplyError
			if !errors.As(err, &re) || re.Descriptor.Code != h248.CodeInsufficientResources {
				t.Fatalf("got %v, want 510", err)
			}
			if s := m.Stats(); s.InjectedErrors != 1 || s.Contexts != 0 {
				t.Errorf("stats %+v", s)
			}
		})
	})
	t.Run("loss", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			tn := newTestNet(t)
			mgc := newMGC(t, tn.st, tn.hosts["10.0.0.1"], "udp")
			m := tn.startMG(t, "10.0.0.2", "udp", Config{MGCs: []string{mgc.addr}, Loss: 0.3, Seed: 7})
			registered(t, m)
			ok := 0
			for i := 0; i < 20; i++ {
				got, err := mgc.call(t, "C=${A=tdm/1/$,A=rtp/$}")
				if err != nil {
					continue // lost for good: 4 sends, 4 replies
				}
				if strings.Contains(got, "ER=") {
					t.Fatalf("Add: %s", got)
				}
				ok++
				cid := strings.TrimPrefix(got[:strings.IndexByte(got, '{')], "C=")
				_, _ = mgc.call(t, "C="+cid+"{S=*}")
			}
			// Each call is lost for good only when all 4 tries are (about
			// 7%): resends and the reply cache carry the rest.
			if ok < 10 {
				t.Errorf("%d of 20 Adds done", ok)
			}
			s := m.Stats()
			if s.Dropped == 0 || s.Received == 0 {
				t.Errorf("stats %+v", s)
			}
			// The MG registered despite the loss.
			if s.Registrations != 1 {
				t.Errorf("stats %+v", s)
			}
		})
	})
}

func TestTCPStreamLoss(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tn := newTestNet(t)
		mgc := newMGC(t, tn.st, tn.hosts["10.0.0.1"], "tcp")
		m := tn.startMG(t, "10.0.0.2", "tcp", Config{MGCs: []string{mgc.addr}})
		mgc.expect(t, "SC ROOT restart 901 Cold Boot")
		registered(t, m)
		mgc.mustCall(t, "C=${A=tdm/1/1,A=rtp/$}", "")
		// The MGC closes the stream: the MG dials again and says
		// Disconnected; its state is kept.
		for _, c := range m.f.Transport.(*tcp.Transport).Conns() {
			c.Close()
		}
		mgc.expect(t, "SC ROOT disconnected 908 MG Impending Failure")
		synctest.Wait()
		mgc.mustCall(t, "C=*{AV=ROOT}", "C=1{AV=C{tdm/1/1,rtp/1}}")
	})
}
