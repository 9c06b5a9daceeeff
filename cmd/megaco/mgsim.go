package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	pion "github.com/pion/transport/v3"
	"github.com/pion/transport/v3/stdnet"
	"github.com/spf13/cobra"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/pkg/mgsim"
	"github.com/megaco/megaco/transport"
	"github.com/megaco/megaco/transport/tcp"
	"github.com/megaco/megaco/transport/udp"
)

// mgSimConfig holds the flags of mg-sim.
type mgSimConfig struct {
	load  loadConfig // the flags shared with bench load
	count int
	sim   mgsim.Config
	// Demonstrations.
	eventsEvery  time.Duration
	digits       string
	outageAt     time.Duration
	outageFor    time.Duration
	warmAt       time.Duration
	statsEvery   time.Duration
	errorCode    int
	registerWait time.Duration
}

func newMGSimCmd() *cobra.Command { return newMGSimCmdWith(&mgSimConfig{}) }

// newMGSimCmdWith returns the command with its flags bound to c.
func newMGSimCmdWith(cp *mgSimConfig) *cobra.Command {
	c := cp
	cmd := &cobra.Command{
		Use:   "mg-sim --mgc ADDR[,ADDR...] [--listen ADDR] [--transport udp|tcp] [--encoding pretty|compact|binary] [--count N]",
		Short: "A TMedia-style media gateway simulator to test an MGC against",
		Long: `mg-sim runs --count simulated media gateways, each with its own MID and
port (--listen's port plus its index; port 0 picks free ones). Each
registers with the first MGC of --mgc that answers (ServiceChange Restart
901), fails over along the list and follows ServiceChangeMgcId, and answers
Add, Modify, Move, Subtract, AuditValue (Context=* and wildcards such as
tdm/1/*, rtp/1*), AuditCapabilities and ServiceChange from the model:
--trunks x --timeslots terminations tdm/<trunk>/<ts>, an RTP pool rtp/<n>
(rtp/$) and a conference pool mix/<n> (mix/$), or any name with
--accept-any. It notifies it/ito when the MGC asks for the inactivity
timer on ROOT.

The knobs --delay, --pending, --error-rate/--error-code and --loss make it
misbehave; --events-every raises digits, off-hook and on-hook on the
terminations whose events the MGC requested; --outage-at/--outage-for and --warm-restart-at
stage a link outage (ServiceChange Disconnected, state kept) and a warm
restart (Restart 902, answered calls kept). It runs until Ctrl-C and then
prints each MG's counters.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
			defer stop()
			n, err := stdnet.NewNet()
			if err != nil {
				return err
			}
			return runMGSim(ctx, cmd.OutOrStdout(), n, *c, nil)
		},
	}
	f := cmd.Flags()
	lc := &c.load
	f.StringVar(&lc.mgc, "mgc", "127.0.0.1:2944", "the MGC's address; a comma-separated list to fail over along")
	f.StringVar(&lc.listen, "listen", "127.0.0.1:29450", "local address of the first MG; the others take the next ports (port 0: any free port)")
	f.StringVar(&lc.transport, "transport", "udp", "udp or tcp")
	f.StringVar(&lc.encoding, "encoding", "pretty", "pretty, compact or binary")
	f.IntVar(&lc.version, "version", 1, "protocol version 1, 2 or 3")
	f.IntVar(&c.count, "count", 1, "how many MGs to run")
	f.BoolVar(&lc.pending, "pending", false, "answer every request with TransactionPending first")
	f.DurationVar(&lc.delay, "delay", 0, "wait this long before each answer")
	f.StringVar(&lc.ack, "ack", "none", "none, imm (ImmAckRequired) or sloppy: the acks the answers ask for")
	f.BoolVar(&lc.autoAck, "auto-ack", false, "acknowledge every reply received (auto_ack)")
	f.BoolVar(&lc.transAck, "trans-ack", false, "gather acks in the transaction sender (trans_ack)")
	f.BoolVar(&lc.transReq, "trans-req", false, "gather requests in the transaction sender (trans_req)")
	f.DurationVar(&lc.transTimer, "trans-timer", 0, "the transaction sender's timer (trans_timer); 0 turns it off")
	s := &c.sim
	f.IntVar(&s.Trunks, "trunks", mgsim.DefaultTrunks, "TDM trunks (tdm/<trunk>/<ts>); 0 for none")
	f.IntVar(&s.Timeslots, "timeslots", mgsim.DefaultTimeslots, "timeslots per trunk")
	f.IntVar(&s.RTPPool, "rtp-pool", mgsim.DefaultRTPPool, "RTP terminations rtp/<n> that rtp/$ allocates; 0 for none")
	f.IntVar(&s.MixerPool, "mixer-pool", mgsim.DefaultMixerPool, "conference ports mix/<n> that mix/$ allocates; 0 for none")
	f.BoolVar(&s.AcceptAny, "accept-any", false, "accept any termination name (and <prefix>/$), for MGCs that name terminations their own way")
	f.StringVar(&s.LocalIP, "local-ip", "", "address in the Local SDP (default: the --listen address, or 127.0.0.1)")
	f.StringSliceVar(&s.RootPackages, "root-packages", nil, "packages an audit of ROOT lists (default: all it realizes; Erlang's binary codec knows no it)")
	f.IntVar(&s.MaxAuditReplies, "max-audit", mgsim.DefaultMaxAuditReplies, "terminations one audit may return before error 533")
	f.Float64Var(&s.ErrorRate, "error-rate", 0, "share of requests answered with --error-code instead of executed")
	f.IntVar(&c.errorCode, "error-code", int(mgsim.DefaultErrorCode), "the injected error code")
	f.Float64Var(&s.Loss, "loss", 0, "share of messages dropped, each way")
	f.Uint64Var(&s.Seed, "seed", 1, "seed of --error-rate and --loss (MG i uses seed+i)")
	f.DurationVar(&s.RetryDelay, "retry-delay", mgsim.DefaultRetryDelay, "pause after every MGC failed before trying them again")
	f.DurationVar(&c.eventsEvery, "events-every", 0, "raise digits (dd/ce), off-hook (al/of) or on-hook (al/on, answered legs) on a termination whose events the MGC requested, this often per MG")
	f.StringVar(&c.digits, "digits", "5551234", "the digits --events-every dials")
	f.DurationVar(&c.outageAt, "outage-at", 0, "stage a link outage this long after registering (with --outage-for)")
	f.DurationVar(&c.outageFor, "outage-for", 5*time.Second, "length of the --outage-at outage")
	f.DurationVar(&c.warmAt, "warm-restart-at", 0, "stage a warm restart this long after registering")
	f.DurationVar(&c.statsEvery, "stats-every", 0, "print the counters this often (0: only at exit)")
	return cmd
}

// simNode is one running MG.
type simNode struct {
	mg   *mgsim.MG
	tr   transport.Transport
	addr string
}

// runMGSim runs the MGs until ctx ends. ready, when set, gets the MGs once
// they are started (for tests).
func runMGSim(ctx context.Context, out io.Writer, n pion.Net, c mgSimConfig, ready func([]*mgsim.MG)) error {
	lc := c.load
	if lc.transport != "udp" && lc.transport != "tcp" {
		return fmt.Errorf("--transport %q: want udp or tcp", lc.transport)
	}
	enc, err := codec.ParseEncoding(lc.encoding)
	if err != nil {
		return err
	}
	if lc.version < 1 || lc.version > 3 || c.count < 1 {
		return errors.New("--version must be 1-3 and --count at least 1")
	}
	ack, err := ackMode(lc.ack)
	if err != nil {
		return err
	}
	var mgcs []string
	for _, a := range strings.Split(lc.mgc, ",") {
		if a = strings.TrimSpace(a); a != "" {
			mgcs = append(mgcs, a)
		}
	}
	if len(mgcs) == 0 {
		return errors.New("--mgc is required")
	}
	host, portStr, err := net.SplitHostPort(lc.listen)
	if err != nil {
		return fmt.Errorf("--listen %q: %w", lc.listen, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port+c.count > 65536 {
		return fmt.Errorf("--listen %q: bad port for %d MGs", lc.listen, c.count)
	}
	sim := c.sim
	sim.MGCs, sim.Version, sim.Pending, sim.Delay = mgcs, lc.version, lc.pending, lc.delay
	sim.ErrorCode = h248.ErrorCode(c.errorCode)
	for _, p := range []*int{&sim.Trunks, &sim.Timeslots, &sim.RTPPool, &sim.MixerPool} {
		if *p == 0 {
			*p = -1 // the flag's 0 is "none"
		}
	}
	if sim.LocalIP == "" {
		sim.LocalIP = "127.0.0.1"
		if ip := net.ParseIP(host); ip != nil && !ip.IsUnspecified() {
			sim.LocalIP = host
		}
	}
	if err := sim.Validate(); err != nil {
		return err
	}

	st := megaco.NewStack()
	defer st.Close()
	var nodes []*simNode
	defer func() {
		for _, nd := range nodes {
			nd.tr.Close()
		}
	}()
	for i := 0; i < c.count; i++ {
		p := 0
		if port != 0 {
			p = port + i
		}
		cfg := sim
		cfg.Seed = sim.Seed + uint64(i)
		nd, err := startSimNode(st, n, net.JoinHostPort(host, strconv.Itoa(p)), lc, enc, ack, cfg)
		if err != nil {
			return fmt.Errorf("MG %d: %w", i+1, err)
		}
		nodes = append(nodes, nd)
		fmt.Fprintf(out, "mg-sim: mg %v on %s/%s encoding=%v registering with %s\n", nd.mg.MID(), nd.addr, lc.transport, enc, strings.Join(mgcs, ","))
	}
	fmt.Fprintf(out, "mg-sim: %d MGs running; Ctrl-C to stop\n", len(nodes))
	mgs := make([]*mgsim.MG, len(nodes))
	for i, nd := range nodes {
		mgs[i] = nd.mg
	}
	if ready != nil {
		ready(mgs)
	}

	var wg sync.WaitGroup
	errs := make([]error, len(nodes))
	for i, nd := range nodes {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs[i] = nd.mg.Run(ctx)
		}()
		go func() {
			defer wg.Done()
			demo(ctx, out, nd.mg, c)
		}()
	}
	if c.statsEvery > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(c.statsEvery)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					printStats(out, mgs)
				}
			}
		}()
	}
	stopProgress := startProgress(out, isTerminal(out), 500*time.Millisecond, func() string {
		t := totals(mgs)
		return fmt.Sprintf("mg-sim: %d MGs, %d registered, %d requests, %d contexts", len(mgs), t.Registrations, t.Requests, t.Contexts)
	})
	wg.Wait()
	stopProgress()
	printStats(out, mgs)
	return errors.Join(errs...)
}

// totals sums the counters of the MGs; Registrations counts the MGs
// registered now.
func totals(mgs []*mgsim.MG) mgsim.Stats {
	var total mgsim.Stats
	for _, m := range mgs {
		s := m.Stats()
		total.Requests += s.Requests
		total.Contexts += s.Contexts
		if s.MGC != "" {
			total.Registrations++
		}
	}
	return total
}

func startSimNode(st *megaco.Stack, n pion.Net, addr string, lc loadConfig, enc codec.Encoding, ack engine.AckMode, cfg mgsim.Config) (*simNode, error) {
	m := mgsim.NewMG(cfg, nil)
	m.Handler().Ack = ack
	nd := &simNode{mg: m}
	var link mgsim.Link
	switch lc.transport {
	case "tcp":
		tr, err := tcp.Listen(n, addr, m)
		if err != nil {
			return nil, err
		}
		nd.tr = tr
		link = mgsim.Link{Transport: tr, Dial: func(a string) (transport.SendHandle, error) { return tr.Dial(a) }}
	default:
		tr, err := udp.Listen(n, addr, m)
		if err != nil {
			return nil, err
		}
		nd.tr = tr
		link = mgsim.Link{Transport: tr, Dial: func(a string) (transport.SendHandle, error) { return tr.Resolve(a) }}
	}
	nd.addr = nd.tr.LocalAddr()
	mid, err := midOf(nd.addr)
	if err != nil {
		nd.tr.Close()
		return nil, err
	}
	if err := m.Start(st, mid, loadUserConfig(lc, enc, nil), link); err != nil {
		nd.tr.Close()
		return nil, err
	}
	return nd, nil
}

// demo stages what the flags ask for once the MG is registered: events
// on a timer, an outage, a warm restart.
func demo(ctx context.Context, out io.Writer, m *mgsim.MG, c mgSimConfig) {
	if c.eventsEvery <= 0 && c.outageAt <= 0 && c.warmAt <= 0 {
		return
	}
	if err := m.WaitRegistered(ctx); err != nil {
		return
	}
	var events, outage, warm <-chan time.Time
	if c.eventsEvery > 0 {
		t := time.NewTicker(c.eventsEvery)
		defer t.Stop()
		events = t.C
	}
	if c.outageAt > 0 {
		t := time.NewTimer(c.outageAt)
		defer t.Stop()
		outage = t.C
	}
	if c.warmAt > 0 {
		t := time.NewTimer(c.warmAt)
		defer t.Stop()
		warm = t.C
	}
	next := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-events:
			next = raiseEvent(ctx, out, m, c.digits, next)
		case <-outage:
			fmt.Fprintf(out, "mg-sim: %v: link outage for %v\n", m.MID(), c.outageFor)
			if err := m.Outage(ctx, c.outageFor); err != nil && ctx.Err() == nil {
				fmt.Fprintf(out, "mg-sim: %v: after the outage: %v\n", m.MID(), err)
			}
		case <-warm:
			fmt.Fprintf(out, "mg-sim: %v: warm restart\n", m.MID())
			if err := m.WarmRestart(ctx, time.Second); err != nil && ctx.Err() == nil {
				fmt.Fprintf(out, "mg-sim: %v: warm restart: %v\n", m.MID(), err)
			}
		}
	}
}

// raiseEvent raises one event on the next termination (round robin from
// index next) whose Events descriptor asks for it: digits where dd/ce
// is requested, else off-hook where al/of is, else on-hook on an answered
// leg where al/on is.
func raiseEvent(ctx context.Context, out io.Writer, m *mgsim.MG, digits string, next int) int {
	ts := m.Gateway().Terminations()
	for k := range ts {
		i := (next + k) % len(ts)
		ti := ts[i]
		var err error
		var what string
		switch {
		case m.Gateway().Requested(ti.ID, "dd/ce"):
			what, err = "digits "+digits, m.Digits(ctx, ti.ID, digits)
		case m.Gateway().Requested(ti.ID, "al/of"):
			what, err = "off-hook", m.OffHook(ctx, ti.ID)
		case ti.Context != h248.ContextNull && ti.Mode == h248.SendRecv && m.Gateway().Requested(ti.ID, "al/on"):
			what, err = "on-hook", m.OnHook(ctx, ti.ID)
		default:
			continue
		}
		if err != nil {
			fmt.Fprintf(out, "mg-sim: %v: %s on %s: %v\n", m.MID(), what, ti.ID, err)
		} else {
			fmt.Fprintf(out, "mg-sim: %v: %s on %s\n", m.MID(), what, ti.ID)
		}
		return i + 1
	}
	return next
}

func printStats(out io.Writer, mgs []*mgsim.MG) {
	for _, m := range mgs {
		s := m.Stats()
		mgc := s.MGC
		if mgc == "" {
			mgc = "-"
		}
		fmt.Fprintf(out, "mg-sim: %v mgc=%s registrations=%d requests=%d contexts=%d notifies=%d/%d failed ito=%d injected=%d dropped=%d\n",
			s.MID, mgc, s.Registrations, s.Requests, s.Contexts, s.Notifies, s.FailedNotifies, s.Inactivity, s.InjectedErrors, s.Dropped)
	}
	if len(mgs) > 1 {
		total := totals(mgs)
		fmt.Fprintf(out, "mg-sim: %d MGs, %d registered, %d requests, %d contexts\n", len(mgs), total.Registrations, total.Requests, total.Contexts)
	}
}
