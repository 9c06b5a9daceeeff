package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	pion "github.com/pion/transport/v3"
	"github.com/pion/transport/v3/stdnet"
	"github.com/spf13/cobra"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/pkg/mgsim"
	"github.com/megaco/megaco/transport/tcp"
	"github.com/megaco/megaco/transport/udp"
)

// loadConfig holds the flags of bench load.
type loadConfig struct {
	role, transport, encoding string
	version                   int
	listen, mgc               string
	pairs, parallel           int
	idle                      time.Duration
	wait                      time.Duration
	// Behaviour knobs, as the Erlang simulators have them.
	pending            bool
	delay              time.Duration
	ack                string
	autoAck            bool
	transAck, transReq bool
	transTimer         time.Duration
}

func newBenchLoadCmd() *cobra.Command {
	var lc loadConfig
	cmd := &cobra.Command{
		Use:   "load --role both|mgc|mg [--transport udp|tcp] [--encoding pretty|compact|binary] [--version 1|2|3] [--listen ADDR] [--mgc ADDR] [--pairs K] [--parallel N]",
		Short: "Engine throughput: Add/Subtract pairs between an MGC and an MG, like mgc_sim and mg_sim",
		Long: `load measures transactions per second through the whole stack.

The MGC role waits for an MG's ServiceChange, then runs --pairs Add/Subtract
pairs over --parallel callers (an Add transaction with two Adds into $, then
a Subtract transaction with two Subtracts and Audit{Statistics}), prints
p50/p90/p99 latency and, as its last line,
N transactions in S seconds
where N counts the successful loop transactions. The MG role registers with
the MGC at --mgc and answers like mg_sim.escript until --idle passes without
a request. The both role runs the two in one process over loopback UDP.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLoad(cmd.Context(), cmd.OutOrStdout(), lc)
		},
	}
	f := cmd.Flags()
	f.StringVar(&lc.role, "role", "both", "both, mgc or mg")
	f.StringVar(&lc.transport, "transport", "udp", "udp or tcp")
	f.StringVar(&lc.encoding, "encoding", "pretty", "pretty, compact or binary")
	f.IntVar(&lc.version, "version", 1, "protocol version 1, 2 or 3")
	f.StringVar(&lc.listen, "listen", "", "local address (default: 127.0.0.1:2944 for mgc, 127.0.0.1:29450 for mg, any free port for both)")
	f.StringVar(&lc.mgc, "mgc", "127.0.0.1:2944", "the MGC's address (mg role)")
	f.IntVar(&lc.pairs, "pairs", 1000, "Add/Subtract pairs in the measured loop")
	f.IntVar(&lc.parallel, "parallel", 1, "concurrent callers")
	f.DurationVar(&lc.idle, "idle", 3*time.Second, "mg role: exit after this long without requests")
	f.DurationVar(&lc.wait, "wait", 30*time.Second, "mgc role: how long to wait for an MG's ServiceChange")
	f.BoolVar(&lc.pending, "pending", false, "mg role: answer every request with TransactionPending first")
	f.DurationVar(&lc.delay, "delay", 0, "mg role: wait this long before each answer")
	f.StringVar(&lc.ack, "ack", "none", "none, imm (ImmAckRequired) or sloppy: the acks the answering side asks for")
	f.BoolVar(&lc.autoAck, "auto-ack", false, "acknowledge every reply received (auto_ack)")
	f.BoolVar(&lc.transAck, "trans-ack", false, "gather acks in the transaction sender (trans_ack)")
	f.BoolVar(&lc.transReq, "trans-req", false, "gather requests in the transaction sender (trans_req)")
	f.DurationVar(&lc.transTimer, "trans-timer", 0, "the transaction sender's timer (trans_timer); 0 turns it off")
	return cmd
}

func runLoad(ctx context.Context, out io.Writer, lc loadConfig) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if lc.transport != "udp" && lc.transport != "tcp" {
		return fmt.Errorf("--transport %q: want udp or tcp", lc.transport)
	}
	enc, err := codec.ParseEncoding(lc.encoding)
	if err != nil {
		return err
	}
	if lc.version < 1 || lc.version > 3 || lc.pairs < 0 || lc.parallel < 1 {
		return errors.New("--version must be 1-3, --pairs at least 0 and --parallel at least 1")
	}
	if _, err := ackMode(lc.ack); err != nil {
		return err
	}
	n, err := stdnet.NewNet()
	if err != nil {
		return err
	}
	switch lc.role {
	case "mgc":
		if lc.listen == "" {
			lc.listen = "127.0.0.1:2944"
		}
		return runMGCLoad(ctx, out, n, lc, enc, nil)
	case "mg":
		if lc.listen == "" {
			lc.listen = "127.0.0.1:29450"
		}
		return runMGLoad(ctx, out, n, lc, enc)
	case "both":
		if lc.listen == "" {
			lc.listen = "127.0.0.1:0"
		}
		started := make(chan string, 1)
		errc := make(chan error, 1)
		go func() {
			addr := <-started
			mlc := lc
			mlc.listen, mlc.mgc = "127.0.0.1:0", addr
			errc <- runMGLoad(ctx, io.Discard, n, mlc, enc)
		}()
		err := runMGCLoad(ctx, out, n, lc, enc, started)
		if mgErr := <-errc; err == nil && mgErr != nil {
			err = fmt.Errorf("mg: %w", mgErr)
		}
		return err
	}
	return fmt.Errorf("--role %q: want both, mgc or mg", lc.role)
}

// loadUserConfig is the configuration of both roles: Erlang's defaults
// with the timers of the Erlang simulators (request_timer 1 s ×2, 3
// resends; reply_timer 20 s, beyond the resend window; long_request_timer
// 15 s) and the knobs given.
func loadUserConfig(lc loadConfig, enc codec.Encoding, h megaco.Handler) megaco.UserConfig {
	cfg := engine.DefaultConfig()
	cfg.ProtocolVersion = lc.version
	cfg.RequestTimer = engine.Timer{WaitFor: time.Second, Factor: 2, MaxRetries: 3}
	cfg.ReplyTimer = 20 * time.Second
	cfg.LongRequestTimer = engine.Fixed(15 * time.Second)
	cfg.AutoAck = lc.autoAck
	cfg.TransAck, cfg.TransReq, cfg.TransTimer = lc.transAck, lc.transReq, lc.transTimer
	return megaco.UserConfig{Config: cfg, Encoding: enc, Handler: h}
}

// ackMode maps --ack.
func ackMode(s string) (engine.AckMode, error) {
	switch s {
	case "none":
		return engine.NoAck, nil
	case "imm":
		return engine.ImmAck, nil
	case "sloppy":
		return engine.SloppyAck, nil
	}
	return 0, fmt.Errorf("--ack %q: want none, imm or sloppy", s)
}

// mgcLoadHandler answers the MG's ServiceChange and Notify requests and
// reports the first ServiceChange.
type mgcLoadHandler struct {
	megaco.BaseHandler
	once sync.Once
	sc   chan *megaco.Conn
	ack  engine.AckMode
}

func (h *mgcLoadHandler) HandleTransRequest(c *megaco.Conn, _ int, req *megaco.Request) megaco.Answer {
	replies := make([]h248.ActionReply, len(req.Actions))
	for i, a := range req.Actions {
		replies[i].ContextID = a.ContextID
		for _, cr := range a.Commands {
			switch cmd := cr.Command.(type) {
			case *h248.ServiceChangeRequest:
				replies[i].Commands = append(replies[i].Commands, &h248.ServiceChangeReply{TerminationIDs: cmd.TerminationIDs})
				h.once.Do(func() { h.sc <- c })
			case *h248.NotifyRequest:
				replies[i].Commands = append(replies[i].Commands, &h248.NotifyReply{TerminationIDs: cmd.TerminationIDs})
			default:
				return megaco.ReplyError(h248.ErrorDescriptor{Code: h248.CodeNotImplemented, Text: "not implemented"})
			}
		}
	}
	return withAck(megaco.Reply(replies...), h.ack)
}

// withAck asks for the ack mode given.
func withAck(a megaco.Answer, m engine.AckMode) megaco.Answer {
	switch m {
	case engine.ImmAck:
		return a.WithAck(nil)
	case engine.SloppyAck:
		return a.WithSloppyAck(nil)
	}
	return a
}

func runMGCLoad(ctx context.Context, out io.Writer, n pion.Net, lc loadConfig, enc codec.Encoding, started chan<- string) error {
	st := megaco.NewStack()
	defer st.Close()
	ack, _ := ackMode(lc.ack)
	h := &mgcLoadHandler{sc: make(chan *megaco.Conn, 1), ack: ack}
	tr, u, err := listenUser(st, n, lc.transport, lc.listen, loadUserConfig(lc, enc, h))
	if err != nil {
		return err
	}
	defer tr.Close()
	if started != nil {
		started <- tr.LocalAddr()
	}
	fmt.Fprintf(out, "bench load: mgc %v listening on %s/%s encoding=%v version=%d\n", u.MID(), tr.LocalAddr(), lc.transport, enc, lc.version)
	var conn *megaco.Conn
	select {
	case conn = <-h.sc:
	case <-time.After(lc.wait):
		fmt.Fprintln(out, "0 transactions in 0.000 seconds")
		return fmt.Errorf("no ServiceChange within %v", lc.wait)
	case <-ctx.Done():
		return ctx.Err()
	}
	fmt.Fprintf(out, "bench load: ServiceChange from %v\n", conn.RemoteMID())
	var completed atomic.Int64
	start := time.Now()
	stop := startProgress(out, isTerminal(out), 250*time.Millisecond, func() string {
		n := completed.Load()
		return fmt.Sprintf("bench load: %d/%d transactions, %.0f/s", n, 2*lc.pairs, float64(n)/time.Since(start).Seconds())
	})
	res := loadLoop(ctx, conn, lc.pairs, lc.parallel, &completed)
	stop()
	lat := res.latencies
	slices.Sort(lat)
	fmt.Fprintf(out, "bench load: pairs=%d parallel=%d ok=%d failed=%d tps=%.1f latency p50=%v p90=%v p99=%v\n",
		lc.pairs, lc.parallel, res.ok, res.failed, float64(res.ok)/res.elapsed.Seconds(),
		percentile(lat, 50), percentile(lat, 90), percentile(lat, 99))
	if res.firstErr != nil {
		fmt.Fprintf(out, "bench load: first error: %v\n", res.firstErr)
	}
	fmt.Fprintf(out, "%d transactions in %.3f seconds\n", res.ok, res.elapsed.Seconds())
	if res.failed > 0 {
		return exitError{1}
	}
	return nil
}

type loadResult struct {
	ok, failed int
	elapsed    time.Duration
	latencies  []time.Duration
	firstErr   error
}

// loadLoop runs pairs Add/Subtract pairs over parallel callers, counting
// the successful transactions in completed as they happen.
func loadLoop(ctx context.Context, c *megaco.Conn, pairs, parallel int, completed *atomic.Int64) loadResult {
	var mu sync.Mutex
	var res loadResult
	var wg sync.WaitGroup
	start := time.Now()
	for w := 1; w <= parallel; w++ {
		share := pairs/parallel + btoi(w <= pairs%parallel)
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			ok, failed := 0, 0
			var first error
			for i := 0; i < share && ctx.Err() == nil; i++ {
				t0 := time.Now()
				replies, err := c.Call(ctx, addAction(w, c.Encoding() == codec.Binary))
				l1 := time.Since(t0)
				var cid h248.ContextID
				var tids []h248.TerminationID
				if err == nil {
					cid, tids, err = addResult(replies)
				}
				if err != nil {
					failed++
					first = cmp(first, fmt.Errorf("add: %w", err))
					continue
				}
				lat = append(lat, l1)
				ok++
				completed.Add(1)
				t1 := time.Now()
				replies, err = c.Call(ctx, subtractAction(cid, tids))
				if err == nil && replies[0].Error != nil {
					err = &engine.ReplyError{Descriptor: *replies[0].Error}
				}
				if err != nil {
					failed++
					first = cmp(first, fmt.Errorf("subtract: %w", err))
					continue
				}
				lat = append(lat, time.Since(t1))
				ok++
				completed.Add(1)
			}
			mu.Lock()
			res.ok += ok
			res.failed += failed
			res.latencies = append(res.latencies, lat...)
			res.firstErr = cmp(res.firstErr, first)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

// isTerminal reports whether w is a terminal, where progress may show.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// startProgress rewrites one line of w with line() every interval, when
// tty is set, until stop, which erases it: the output of a pipe or a file
// stays as it is without it.
func startProgress(w io.Writer, tty bool, every time.Duration, line func() string) (stop func()) {
	if !tty {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-t.C:
				fmt.Fprint(w, "\r\033[K"+line())
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func cmp(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// addAction adds tdm/1/w and rtp/$ into a new context, as mgc_sim does;
// in binary with its naming, Erlang's default mapping of three 8-bit
// levels: 00000001/00000001/w and 00000010/$.
func addAction(w int, binary bool) []h248.ActionRequest {
	tdm, rtp := h248.TerminationID(fmt.Sprintf("tdm/1/%d", w)), h248.TerminationID("rtp/$")
	if binary {
		tdm, rtp = h248.TerminationID(fmt.Sprintf("00000001/00000001/%08b", w&0xFF)), "00000010/$"
	}
	return []h248.ActionRequest{{ContextID: h248.ContextChoose, Commands: []h248.CommandRequest{
		{Command: &h248.AmmRequest{Verb: h248.CmdAdd, TerminationIDs: []h248.TerminationID{tdm}, Descriptors: []h248.Descriptor{
			&h248.MediaDescriptor{Stream: &h248.StreamParms{LocalControl: &h248.LocalControlDescriptor{Mode: h248.Some(h248.SendRecv)}}},
			&h248.EventsDescriptor{RequestID: h248.Some[h248.RequestID](1), Events: []h248.RequestedEvent{{Name: "al/on"}}},
		}}},
		{Command: &h248.AmmRequest{Verb: h248.CmdAdd, TerminationIDs: []h248.TerminationID{rtp}, Descriptors: []h248.Descriptor{
			&h248.MediaDescriptor{Streams: []h248.StreamDescriptor{{ID: 1, Parms: h248.StreamParms{
				LocalControl: &h248.LocalControlDescriptor{Mode: h248.Some(h248.RecvOnly),
					Props: []h248.PropertyParm{{Name: "nt/jit", Value: h248.Single(h248.Unquoted("40"))}}},
				Local: &h248.LocalRemoteDescriptor{SDP: "v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0"},
			}}}},
		}}},
	}}}
}

// addResult reads the context and the two terminations of an Add reply.
func addResult(replies []h248.ActionReply) (h248.ContextID, []h248.TerminationID, error) {
	if len(replies) != 1 {
		return 0, nil, fmt.Errorf("%d action replies", len(replies))
	}
	a := replies[0]
	if a.Error != nil {
		return 0, nil, &engine.ReplyError{Descriptor: *a.Error}
	}
	var tids []h248.TerminationID
	for _, c := range a.Commands {
		tids = append(tids, c.Terminations()...)
	}
	if len(tids) != 2 {
		return 0, nil, fmt.Errorf("unexpected Add reply with %d terminations", len(tids))
	}
	return a.ContextID, tids, nil
}

// subtractAction subtracts the terminations with Audit{Statistics}.
func subtractAction(ctx h248.ContextID, tids []h248.TerminationID) []h248.ActionRequest {
	a := h248.ActionRequest{ContextID: ctx}
	for _, t := range tids {
		a.Commands = append(a.Commands, h248.CommandRequest{Command: &h248.SubtractRequest{
			TerminationIDs: []h248.TerminationID{t}, Audit: &h248.AuditDescriptor{Tokens: []h248.AuditToken{h248.AuditStatistics}}}})
	}
	return []h248.ActionRequest{a}
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(len(sorted)-1, i-1))].Round(time.Microsecond)
}

// runMGLoad registers with the MGC and answers until idle.
func runMGLoad(ctx context.Context, out io.Writer, n pion.Net, lc loadConfig, enc codec.Encoding) error {
	st := megaco.NewStack()
	defer st.Close()
	g := mgsim.NewGateway("127.0.0.1")
	h := mgsim.NewHandler(g)
	h.Pending, h.Delay = lc.pending, lc.delay
	h.Ack, _ = ackMode(lc.ack)
	var conn *megaco.Conn
	var u *megaco.User
	var local string
	if lc.transport == "tcp" {
		// The MG dials the MGC; its MID is the --listen address.
		mid, err := midOf(lc.listen)
		if err != nil {
			return err
		}
		fwd := &forward{}
		tr, c, err := tcp.Dial(n, lc.mgc, fwd)
		if err != nil {
			return err
		}
		defer tr.Close()
		if mid.Port.Value == 0 {
			if mid, err = midOf(c.LocalAddr().String()); err != nil {
				return err
			}
		}
		if u, err = st.StartUser(mid, loadUserConfig(lc, enc, h)); err != nil {
			return err
		}
		fwd.set(u)
		if conn, err = u.Connect(h248.MID{}, tr, c); err != nil {
			return err
		}
		local = c.LocalAddr().String()
	} else {
		tr, uu, err := listenUser(st, n, "udp", lc.listen, loadUserConfig(lc, enc, h))
		if err != nil {
			return err
		}
		defer tr.Close()
		u = uu
		to, err := tr.(*udp.Transport).Resolve(lc.mgc)
		if err != nil {
			return err
		}
		if conn, err = u.Connect(h248.MID{}, tr, to); err != nil {
			return err
		}
		local = tr.LocalAddr()
	}
	fmt.Fprintf(out, "bench load: mg %v on %s/%s registering with %s\n", u.MID(), local, lc.transport, lc.mgc)
	if _, err := conn.Call(ctx, mgsim.ServiceChange(h248.MethodRestart, "901", lc.version)); err != nil {
		return fmt.Errorf("ServiceChange: %w", err)
	}
	start := time.Now()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		last := h.LastRequest()
		if last.IsZero() {
			last = start
		}
		if time.Since(last) >= lc.idle {
			fmt.Fprintf(out, "bench load: mg answered %d requests, idle for %v\n", h.Requests(), lc.idle)
			return nil
		}
	}
}
