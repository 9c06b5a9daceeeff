package megaco_test

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/ber"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/transport"
)

// hub is an in-memory datagram network: endpoints by address.
type hub struct {
	mu  sync.Mutex
	eps map[string]*endpoint
	wg  sync.WaitGroup
	// drop decides to lose a datagram.
	drop func(from, to string, b []byte) bool
}

type addr string

func (a addr) String() string { return string(a) }

type endpoint struct {
	h    *hub
	addr addr
	hd   transport.Handler
}

func (h *hub) listen(a string, hd transport.Handler) *endpoint {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.eps == nil {
		h.eps = map[string]*endpoint{}
	}
	ep := &endpoint{h: h, addr: addr(a), hd: hd}
	h.eps[a] = ep
	return ep
}

func (e *endpoint) Send(to transport.SendHandle, b []byte) error {
	e.h.mu.Lock()
	dst, ok := e.h.eps[to.String()]
	drop := e.h.drop != nil && e.h.drop(string(e.addr), to.String(), b)
	e.h.mu.Unlock()
	if !ok {
		return errors.New("no route")
	}
	if drop {
		return nil
	}
	data := slices.Clone(b)
	e.h.wg.Add(1)
	go func() {
		defer e.h.wg.Done()
		time.Sleep(time.Millisecond)
		dst.hd.HandlePacket(transport.Packet{Data: data, From: e.addr, Local: dst})
	}()
	return nil
}

func (e *endpoint) LocalAddr() string { return string(e.addr) }
func (e *endpoint) Close() error      { return nil }

func mid(s string) h248.MID {
	ap := netip.MustParseAddrPort(s)
	return h248.MID{Kind: h248.MIDIP4, Addr: ap.Addr(), Port: h248.Some(ap.Port())}
}

var (
	mgcMID = mid("10.0.0.1:2944")
	mgMID  = mid("10.0.0.2:2944")
)

// mgcHandler answers ServiceChange and Notify, recording what it saw.
type mgcHandler struct {
	megaco.BaseHandler
	mu       sync.Mutex
	events   []string
	answer   func(req *megaco.Request) megaco.Answer
	longDone chan struct{}
}

func (h *mgcHandler) record(s string) {
	h.mu.Lock()
	h.events = append(h.events, s)
	h.mu.Unlock()
}

func (h *mgcHandler) HandleConnect(c *megaco.Conn, v int) error {
	h.record("connect " + c.RemoteMID().String())
	return nil
}

func (h *mgcHandler) HandleDisconnect(c *megaco.Conn, v int, reason error) {
	h.record("disconnect " + reason.Error())
}

func (h *mgcHandler) HandleSyntaxError(p megaco.Peer, v int, ed h248.ErrorDescriptor) bool {
	h.record("syntax error " + ed.Code.String())
	return true
}

func (h *mgcHandler) HandleTransRequest(c *megaco.Conn, v int, req *megaco.Request) megaco.Answer {
	if h.answer != nil {
		return h.answer(req)
	}
	return megaco.Reply(replyTo(req.TransactionRequest)...)
}

func (h *mgcHandler) HandleTransLongRequest(c *megaco.Conn, v int, req *megaco.Request, data any) megaco.Answer {
	h.record("long " + data.(string))
	a := megaco.Reply(replyTo(req.TransactionRequest)...)
	if data == "add" {
		// Erlang refuses a sloppy ack here; we take it.
		return a.WithSloppyAck("sloppy")
	}
	return a
}

func (h *mgcHandler) HandleTransAck(c *megaco.Conn, v int, id uint32, err error, data any) {
	h.record("ack " + data.(string))
}

// replyTo answers every command of a request with an empty reply.
func replyTo(tr *h248.TransactionRequest) []h248.ActionReply {
	out := make([]h248.ActionReply, len(tr.Actions))
	for i, a := range tr.Actions {
		out[i].ContextID = a.ContextID
		for _, c := range a.Commands {
			switch cmd := c.Command.(type) {
			case *h248.ServiceChangeRequest:
				out[i].Commands = append(out[i].Commands, &h248.ServiceChangeReply{TerminationIDs: cmd.TerminationIDs,
					Result: h248.ServiceChangeResParm{MgcID: nil}})
			default:
				out[i].Commands = append(out[i].Commands, &h248.NotifyReply{TerminationIDs: cmd.Terminations()})
			}
		}
	}
	return out
}

func serviceChange(version int) []h248.ActionRequest {
	p := h248.ServiceChangeParm{Method: h248.MethodRestart, Reason: h248.Quoted("901 Cold Boot")}
	if version > 0 {
		p.Version = h248.Some(uint8(version))
	}
	return []h248.ActionRequest{{ContextID: h248.ContextNull, Commands: []h248.CommandRequest{{
		Command: &h248.ServiceChangeRequest{TerminationIDs: []h248.TerminationID{h248.Root}, Parms: p}}}}}
}

func notify() []h248.ActionRequest {
	return []h248.ActionRequest{{ContextID: h248.ContextNull, Commands: []h248.CommandRequest{{Command: &h248.NotifyRequest{
		TerminationIDs: []h248.TerminationID{"aaln/1"},
		ObservedEvents: h248.ObservedEventsDescriptor{RequestID: 1, Events: []h248.ObservedEvent{{Name: "al/of"}}}}}}}}
}

type setup struct {
	h        *hub
	st       *megaco.Stack
	mgc, mg  *megaco.User
	mgcH     *mgcHandler
	mgcEP    *endpoint
	mgEP     *endpoint
	mgToMGC  *megaco.Conn
	mgcUserV int
}

func newSetup(t *testing.T, mgcVersion int, edit func(*megaco.UserConfig)) *setup {
	s := &setup{h: &hub{}, st: megaco.NewStack(), mgcH: &mgcHandler{}}
	mgcCfg := megaco.UserConfig{Config: engine.DefaultConfig(), Encoding: codec.Compact, Handler: s.mgcH}
	mgcCfg.ProtocolVersion = mgcVersion
	if edit != nil {
		edit(&mgcCfg)
	}
	var err error
	if s.mgc, err = s.st.StartUser(mgcMID, mgcCfg); err != nil {
		t.Fatal(err)
	}
	if s.mg, err = s.st.StartUser(mgMID, megaco.UserConfig{Config: engine.DefaultConfig(), Encoding: codec.Compact}); err != nil {
		t.Fatal(err)
	}
	s.mgcEP = s.h.listen("10.0.0.1:2944", s.mgc)
	s.mgEP = s.h.listen("10.0.0.2:2944", s.mg)
	if s.mgToMGC, err = s.mg.Connect(h248.MID{}, s.mgEP, addr("10.0.0.1:2944")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.st.Close()
		s.h.wg.Wait()
	})
	return s
}

func TestConnectAndCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSetup(t, 1, nil)
		if _, err := s.mgToMGC.Call(context.Background(), serviceChange(0)); err != nil {
			t.Fatal(err)
		}
		if got := s.mgToMGC.RemoteMID(); got != mgcMID {
			t.Errorf("the MG did not learn the MGC's MID: %v", got)
		}
		conns := s.mgc.Conns()
		if len(conns) != 1 || conns[0].RemoteMID() != mgMID {
			t.Fatalf("MGC connections %v", conns)
		}
		// The MG's BaseHandler answers 501.
		_, err := conns[0].Call(context.Background(), notify())
		var re *engine.ReplyError
		if !errors.As(err, &re) || re.Descriptor.Code != h248.CodeNotImplemented {
			t.Fatalf("MGC → MG call: %v, want 501", err)
		}
		if got := s.mgcH.events; len(got) != 1 || got[0] != "connect [10.0.0.2]:2944" {
			t.Errorf("events %q", got)
		}
	})
}

func TestVersionNegotiation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSetup(t, 2, nil)
		// The MG speaks v1 and offers v3: the MGC answers 2.
		replies, err := s.mgToMGC.Call(context.Background(), serviceChange(3))
		if err != nil {
			t.Fatal(err)
		}
		rep := replies[0].Commands[0].(*h248.ServiceChangeReply)
		if v, ok := rep.Result.Version.Get(); !ok || v != 2 {
			t.Fatalf("negotiated version %v", rep.Result.Version)
		}
		info, _ := s.mgc.Conns()[0].Info()
		if info.Config.ProtocolVersion != 2 {
			t.Errorf("the MGC connection speaks %d", info.Config.ProtocolVersion)
		}
	})
}

func TestVersionNotSupported(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSetup(t, 1, nil)
		if _, err := s.mgToMGC.Call(context.Background(), serviceChange(0)); err != nil {
			t.Fatal(err)
		}
		// Now the MG speaks v2 to an MGC connection at v1 (strict): 406.
		if err := s.mgToMGC.UpdateConnInfo(func(c *engine.Config) { c.ProtocolVersion = 2 }); err != nil {
			t.Fatal(err)
		}
		_, err := s.mgToMGC.Call(context.Background(), notify())
		var re *engine.ReplyError
		if !errors.As(err, &re) || re.Descriptor.Code != h248.CodeVersionNotSupported {
			t.Fatalf("got %v, want a 406 reply", err)
		}
		if si := s.st.SystemInfo(); si.VersionErrs != 1 {
			t.Errorf("version errors %d", si.VersionErrs)
		}
	})
}

// TestSyntaxErrorAnswered: a message whose broken transaction cannot be
// told apart from the rest gets error 400 for the whole message.
func TestSyntaxErrorAnswered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSetup(t, 1, nil)
		got := rawExchange(t, s, "MEGACO/1 [10.0.0.9]:2944\nTransaction = 1 { Context = - { \"quote\" }")
		if len(got) != 1 {
			t.Fatalf("%d replies", len(got))
		}
		m, err := text.New(codec.Compact).Decode(got[0])
		if err != nil || m.Error == nil || m.Error.Code != 400 || !strings.HasPrefix(m.Error.Text, "2:33: ") {
			t.Fatalf("reply %q (%v)", got[0], err)
		}
		if si := s.st.SystemInfo(); si.DecodeErrors != 1 {
			t.Errorf("decode errors %d", si.DecodeErrors)
		}
		if ev := s.mgcH.events; len(ev) != 1 || ev[0] != "syntax error Syntax error in message" {
			t.Errorf("events %q", ev)
		}
	})
}

// TestBadTransactionAnsweredAlone: a malformed transaction gets error 403
// in its own reply; the good one beside it is executed and answered.
func TestBadTransactionAnsweredAlone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSetup(t, 1, nil)
		got := rawExchange(t, s, "MEGACO/1 [10.0.0.9]:2944\nT=1{C=-{\"quote\"}}\nT=2{C=-{N=ROOT{OE=7{al/of}}}}")
		replies := map[uint32]*h248.TransactionReply{}
		for _, b := range got {
			m, err := text.New(codec.Compact).Decode(b)
			if err != nil {
				t.Fatalf("reply %q: %v", b, err)
			}
			for _, tr := range m.Transactions {
				if r, ok := tr.(*h248.TransactionReply); ok {
					replies[r.ID] = r
				}
			}
		}
		if r := replies[1]; r == nil || r.Error == nil || r.Error.Code != h248.CodeSyntaxErrorInTransaction || !strings.HasPrefix(r.Error.Text, "2:9: ") {
			t.Errorf("transaction 1: %+v, want error 403 at 2:9", r)
		}
		if r := replies[2]; r == nil || r.Error != nil || len(r.Actions) != 1 {
			t.Errorf("transaction 2: %+v, want its Notify answered", r)
		}
		if ev := s.mgcH.events; !slices.Contains(ev, "syntax error Syntax error in transaction request") {
			t.Errorf("events %q", ev)
		}
	})
}

// rawExchange sends msg to the MGC from a bare endpoint and returns what
// came back within a (fake) second.
func rawExchange(t *testing.T, s *setup, msg string) [][]byte {
	t.Helper()
	var got [][]byte
	var mu sync.Mutex
	raw := s.h.listen("10.0.0.9:2944", handlerFunc(func(p transport.Packet) {
		mu.Lock()
		got = append(got, slices.Clone(p.Data))
		mu.Unlock()
	}))
	if err := raw.Send(addr("10.0.0.1:2944"), []byte(msg)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	mu.Lock()
	defer mu.Unlock()
	return got
}

type handlerFunc func(p transport.Packet)

func (f handlerFunc) HandlePacket(p transport.Packet)          { f(p) }
func (f handlerFunc) HandleClosed(transport.SendHandle, error) {}

func TestAllowList(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSetup(t, 1, func(c *megaco.UserConfig) {
			c.AllowAddrs = []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}
			c.RequestTimer = engine.Fixed(time.Second)
		})
		_ = s.mgToMGC.UpdateConnInfo(func(c *engine.Config) { c.RequestTimer = engine.Fixed(time.Second) })
		if _, err := s.mgToMGC.Call(context.Background(), serviceChange(0)); !errors.Is(err, engine.ErrTimeout) {
			t.Fatalf("got %v, want a timeout: the MGC refuses the MG", err)
		}
		if si := s.st.SystemInfo(); si.Refused != 1 || len(s.mgc.Conns()) != 0 {
			t.Errorf("refused %d, connections %d", si.Refused, len(s.mgc.Conns()))
		}
	})
}

func TestLongRequestAndAck(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var s *setup
		s = newSetup(t, 1, nil)
		s.mgcH.answer = func(req *megaco.Request) megaco.Answer {
			if _, ok := req.Actions[0].Commands[0].Command.(*h248.NotifyRequest); ok {
				return megaco.Long("notify")
			}
			if _, ok := req.Actions[0].Commands[0].Command.(*h248.AmmRequest); ok {
				return megaco.Long("add")
			}
			return megaco.Reply(replyTo(req.TransactionRequest)...).WithAck("sc")
		}
		if _, err := s.mgToMGC.Call(context.Background(), serviceChange(0)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.mgToMGC.Call(context.Background(), notify()); err != nil {
			t.Fatal(err)
		}
		// The MG acks replies itself (auto_ack) through its transaction
		// sender: the sloppy ack comes when the sender flushes.
		if err := s.mgToMGC.UpdateConnInfo(func(c *engine.Config) {
			c.AutoAck, c.TransAck, c.TransTimer = true, true, 100*time.Millisecond
		}); err != nil {
			t.Fatal(err)
		}
		add := []h248.ActionRequest{{ContextID: 1, Commands: []h248.CommandRequest{{Command: &h248.AmmRequest{
			Verb: h248.CmdAdd, TerminationIDs: []h248.TerminationID{"tdm/1/1"}}}}}}
		if _, err := s.mgToMGC.Call(context.Background(), add); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		want := []string{"ack sc", "ack sloppy", "connect [10.0.0.2]:2944", "long add", "long notify"}
		s.mgcH.mu.Lock()
		defer s.mgcH.mu.Unlock()
		slices.Sort(s.mgcH.events)
		if strings.Join(s.mgcH.events, "|") != strings.Join(want, "|") {
			t.Errorf("events %q, want %q", s.mgcH.events, want)
		}
	})
}

func TestDisconnectAndReconnect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSetup(t, 1, nil)
		if _, err := s.mgToMGC.Call(context.Background(), serviceChange(0)); err != nil {
			t.Fatal(err)
		}
		c := s.mgc.Conns()[0]
		if err := s.st.Disconnect(c, errors.New("operator")); err != nil {
			t.Fatal(err)
		}
		if info, _ := c.Info(); !info.Disconnected {
			t.Error("not marked disconnected")
		}
		if _, err := s.mgToMGC.Call(context.Background(), notify()); err != nil {
			t.Fatal(err)
		}
		if len(s.mgc.Conns()) != 1 || s.mgc.Conns()[0] != c {
			t.Errorf("the connection was not taken up again")
		}
		want := "connect [10.0.0.2]:2944|disconnect operator|connect [10.0.0.2]:2944"
		if got := strings.Join(s.mgcH.events, "|"); got != want {
			t.Errorf("events %q, want %q", got, want)
		}
	})
}

// TestUserTransAckReachesConnections: a user-level trans_ack applies to
// its connections (Erlang 4.4.2 copies trans_req there instead).
func TestUserTransAckReachesConnections(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSetup(t, 1, func(c *megaco.UserConfig) { c.TransAck, c.TransReq = true, false })
		if _, err := s.mgToMGC.Call(context.Background(), serviceChange(0)); err != nil {
			t.Fatal(err)
		}
		info, err := s.mgc.Conns()[0].Info()
		if err != nil || !info.Config.TransAck || info.Config.TransReq {
			t.Errorf("connection trans_ack=%v trans_req=%v (%v)", info.Config.TransAck, info.Config.TransReq, err)
		}
	})
}

func TestTraceAndObserver(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		core, logs := observer.New(zap.InfoLevel)
		obs := &countObserver{}
		s := &setup{h: &hub{}, st: megaco.NewStack(megaco.WithLogger(zap.New(core)), megaco.WithObserver(obs)), mgcH: &mgcHandler{}}
		var err error
		if s.mgc, err = s.st.StartUser(mgcMID, megaco.UserConfig{Config: engine.DefaultConfig(), Encoding: codec.Compact, Handler: s.mgcH}); err != nil {
			t.Fatal(err)
		}
		if s.mg, err = s.st.StartUser(mgMID, megaco.UserConfig{Config: engine.DefaultConfig(), Encoding: codec.Compact}); err != nil {
			t.Fatal(err)
		}
		s.h.listen("10.0.0.1:2944", s.mgc)
		s.mgEP = s.h.listen("10.0.0.2:2944", s.mg)
		defer func() { s.st.Close(); s.h.wg.Wait() }()
		c, _ := s.mg.Connect(h248.MID{}, s.mgEP, addr("10.0.0.1:2944"))
		c.SetTrace(true)
		if _, err := c.Call(context.Background(), serviceChange(0)); err != nil {
			t.Fatal(err)
		}
		var dirs []string
		for _, e := range logs.FilterMessage("trace").All() {
			dirs = append(dirs, e.ContextMap()["dir"].(string))
		}
		if strings.Join(dirs, ",") != "out,in" {
			t.Errorf("traced %v", dirs)
		}
		if info, _ := c.Info(); !info.Tracing {
			t.Error("Info does not show the trace")
		}
		obs.mu.Lock()
		defer obs.mu.Unlock()
		// Both users count: the MG sends a request and receives a reply,
		// the MGC the other way round.
		if obs.n[engine.EventSent] != 2 || obs.n[engine.EventReceived] != 2 || obs.n[engine.EventCompleted] != 1 {
			t.Errorf("observed %v", obs.n)
		}
	})
}

type countObserver struct {
	mu sync.Mutex
	n  map[engine.EventKind]int
}

func (o *countObserver) Observe(e engine.Event) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.n == nil {
		o.n = map[engine.EventKind]int{}
	}
	o.n[e.Kind]++
}

// TestBinaryByPort: users that listen on 2945 speak BER unless told
// otherwise, with the configured termination id mapping.
func TestBinaryByPort(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &hub{}
		st := megaco.NewStack()
		mgcH := &mgcHandler{}
		ids, err := ber.ParseTermIDMapping("decimal,aaln=3")
		if err != nil {
			t.Fatal(err)
		}
		cfg := func(hd megaco.Handler) megaco.UserConfig {
			return megaco.UserConfig{Config: engine.DefaultConfig(), Handler: hd, TermIDs: ids}
		}
		mgc, err := st.StartUser(mid("10.0.0.1:2945"), cfg(mgcH))
		if err != nil {
			t.Fatal(err)
		}
		mg, err := st.StartUser(mid("10.0.0.2:2945"), cfg(nil))
		if err != nil {
			t.Fatal(err)
		}
		var wire [][]byte
		var mu sync.Mutex
		h.listen("10.0.0.1:2945", handlerFunc(func(p transport.Packet) {
			mu.Lock()
			wire = append(wire, slices.Clone(p.Data))
			mu.Unlock()
			mgc.HandlePacket(p)
		}))
		mgEP := h.listen("10.0.0.2:2945", mg)
		t.Cleanup(func() {
			st.Close()
			h.wg.Wait()
		})
		c, err := mg.Connect(h248.MID{}, mgEP, addr("10.0.0.1:2945"))
		if err != nil {
			t.Fatal(err)
		}
		if c.Encoding() != codec.Binary {
			t.Fatalf("encoding %v on 2945", c.Encoding())
		}
		if _, err := c.Call(context.Background(), serviceChange(0)); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Call(context.Background(), notify()); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, b := range wire {
			m, err := ber.New(ber.WithTermIDs(ids)).Decode(b)
			if err != nil {
				t.Fatalf("not BER on the wire: %v", err)
			}
			if n, ok := m.Transactions[0].(*h248.TransactionRequest); ok && len(n.Actions[0].Commands) > 0 {
				if nr, ok := n.Actions[0].Commands[0].Command.(*h248.NotifyRequest); ok && nr.TerminationIDs[0] != "aaln/1" {
					t.Errorf("termination %q, want aaln/1 through the mapping", nr.TerminationIDs[0])
				}
			}
		}
		if len(wire) < 2 {
			t.Errorf("%d messages reached the MGC", len(wire))
		}
	})
}

// TestUnencodableReply: a reply with no form in the connection's
// encoding reaches the peer as error 500 saying why, not as silence. The
// MGC sends binary and the MG text: each reads the other's encoding (they
// once answered each other's messages with syntax errors forever).
func TestUnencodableReply(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSetup(t, 1, func(c *megaco.UserConfig) { c.Encoding = codec.Binary })
		s.mgcH.answer = func(req *megaco.Request) megaco.Answer {
			return megaco.Reply(h248.ActionReply{ContextID: h248.ContextNull, Commands: []h248.CommandReply{
				&h248.NotifyReply{TerminationIDs: []h248.TerminationID{"no/binary/form/here"}}}})
		}
		_, err := s.mgToMGC.Call(context.Background(), notify())
		var re *engine.ReplyError
		if !errors.As(err, &re) || re.Descriptor.Code != h248.CodeInternalGatewayError || !strings.Contains(re.Descriptor.Text, "cannot be encoded") {
			t.Fatalf("call: %v, want error 500 about the encoding", err)
		}
	})
}
