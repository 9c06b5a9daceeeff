// Package megacotest has helpers for tests of code built on the stack: a
// virtual network (pion vnet) with seeded loss, to build inside a
// testing/synctest bubble, and a Handler that records its callbacks.
//
//	synctest.Test(t, func(t *testing.T) {
//		vn := megacotest.NewVNet(t, megacotest.VNetConfig{Loss: 0.2, Seed: 1}, "10.0.0.1", "10.0.0.2")
//		tr, _ := udp.Listen(vn.Net("10.0.0.1"), "10.0.0.1:2944", user)
//		...
//	})
package megacotest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/logging"
	"github.com/pion/transport/v3/vnet"

	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
)

// VNetConfig shapes a virtual network.
type VNetConfig struct {
	// Loss is the share of datagrams dropped, each way, chosen by a
	// generator seeded with Seed.
	Loss float64
	Seed uint64
	// Delay is the one-way delay (jitter is always 0, so times are exact).
	Delay time.Duration
}

// VNet is a started pion virtual network of hosts on 10.0.0.0/24.
type VNet struct {
	Router *vnet.Router
	nets   map[string]*vnet.Net

	mu              sync.Mutex
	dropped, passed int
}

// NewVNet builds and starts a virtual network with a host per IP; call it
// inside the synctest bubble that uses it. The router stops when the test
// ends.
func NewVNet(t testing.TB, cfg VNetConfig, ips ...string) *VNet {
	t.Helper()
	lf := logging.NewDefaultLoggerFactory()
	lf.DefaultLogLevel = logging.LogLevelWarn
	lf.Writer = logWriter{t}
	r, err := vnet.NewRouter(&vnet.RouterConfig{CIDR: "10.0.0.0/24", MinDelay: cfg.Delay, LoggerFactory: lf})
	if err != nil {
		t.Fatal(err)
	}
	v := &VNet{Router: r, nets: map[string]*vnet.Net{}}
	if cfg.Loss > 0 {
		rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
		r.AddChunkFilter(func(vnet.Chunk) bool {
			v.mu.Lock()
			defer v.mu.Unlock()
			if rng.Float64() < cfg.Loss {
				v.dropped++
				return false
			}
			v.passed++
			return true
		})
	}
	for _, ip := range ips {
		n, err := vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{ip}})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.AddNet(n); err != nil {
			t.Fatal(err)
		}
		v.nets[ip] = n
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Stop() })
	return v
}

// Net returns the host with the given IP.
func (v *VNet) Net(ip string) *vnet.Net { return v.nets[ip] }

// Counts returns how many datagrams the loss filter dropped and passed.
func (v *VNet) Counts() (dropped, passed int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.dropped, v.passed
}

type logWriter struct{ t testing.TB }

func (w logWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// Recorder is a Handler that records every callback as a line of text and
// answers requests with Answer (default: an empty reply to each command).
type Recorder struct {
	megaco.BaseHandler
	// Answer, when set, answers requests.
	Answer func(c *megaco.Conn, req *megaco.Request) megaco.Answer

	mu     sync.Mutex
	events []string
	runs   map[uint32]int
}

// Events returns the callbacks so far.
func (r *Recorder) Events() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

// Runs returns how many times each transaction id's request was handled.
func (r *Recorder) Runs() map[uint32]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := make(map[uint32]int, len(r.runs))
	for k, v := range r.runs {
		m[k] = v
	}
	return m
}

func (r *Recorder) record(format string, args ...any) {
	r.mu.Lock()
	r.events = append(r.events, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

func (r *Recorder) HandleConnect(c *megaco.Conn, v int) error {
	r.record("connect %v v%d", c.RemoteMID(), v)
	return nil
}

func (r *Recorder) HandleDisconnect(c *megaco.Conn, v int, reason error) {
	r.record("disconnect %v: %v", c.RemoteMID(), reason)
}

func (r *Recorder) HandleSyntaxError(p megaco.Peer, v int, ed h248.ErrorDescriptor) bool {
	r.record("syntax error from %v: %d", p.Handle, ed.Code)
	return true
}

func (r *Recorder) HandleMessageError(c *megaco.Conn, v int, ed h248.ErrorDescriptor) {
	r.record("message error %d", ed.Code)
}

func (r *Recorder) HandleTransRequest(c *megaco.Conn, v int, req *megaco.Request) megaco.Answer {
	r.mu.Lock()
	if r.runs == nil {
		r.runs = map[uint32]int{}
	}
	r.runs[req.ID]++
	r.mu.Unlock()
	if r.Answer != nil {
		return r.Answer(c, req)
	}
	return megaco.Reply(EmptyReplies(req.TransactionRequest)...)
}

func (r *Recorder) HandleTransReply(c *megaco.Conn, v int, res engine.Result, data any) {
	if res.Err != nil {
		r.record("reply %d: %v", res.ID, res.Err)
		return
	}
	r.record("reply %d", res.ID)
}

func (r *Recorder) HandleTransAck(c *megaco.Conn, v int, id uint32, err error, data any) {
	r.record("ack %d: %v", id, err)
}

func (r *Recorder) HandleUnexpectedTrans(c *megaco.Conn, v int, t h248.Transaction) {
	r.record("unexpected %T", t)
}

func (r *Recorder) HandleTransRequestAbort(c *megaco.Conn, v int, id uint32) {
	r.record("abort %d", id)
}

// EmptyReplies answers each command of a request with its reply type and
// no descriptors.
func EmptyReplies(tr *h248.TransactionRequest) []h248.ActionReply {
	out := make([]h248.ActionReply, len(tr.Actions))
	for i, a := range tr.Actions {
		out[i].ContextID = a.ContextID
		for _, c := range a.Commands {
			ids := c.Command.Terminations()
			switch cmd := c.Command.(type) {
			case *h248.AmmRequest:
				out[i].Commands = append(out[i].Commands, &h248.AmmsReply{Verb: cmd.Verb, TerminationIDs: ids})
			case *h248.SubtractRequest:
				out[i].Commands = append(out[i].Commands, &h248.AmmsReply{Verb: h248.CmdSubtract, TerminationIDs: ids})
			case *h248.AuditRequest:
				out[i].Commands = append(out[i].Commands, &h248.AuditReply{Cap: cmd.Cap, TerminationIDs: ids})
			case *h248.NotifyRequest:
				out[i].Commands = append(out[i].Commands, &h248.NotifyReply{TerminationIDs: ids})
			case *h248.ServiceChangeRequest:
				out[i].Commands = append(out[i].Commands, &h248.ServiceChangeReply{TerminationIDs: ids})
			}
		}
	}
	return out
}
