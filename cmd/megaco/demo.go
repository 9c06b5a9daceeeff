package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	pion "github.com/pion/transport/v3"
	"github.com/pion/transport/v3/stdnet"
	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/pkg/mgc"
	"github.com/megaco/megaco/pkg/mgsim"
)

// demoConfig holds the flags of demo.
type demoConfig struct {
	duration  time.Duration
	dataDir   string
	deadTimer time.Duration
	mgs       int
	listen    string
	seed      uint64
}

func newDemoCmd() *cobra.Command {
	var c demoConfig
	cmd := &cobra.Command{
		Use:   "demo [--duration D] [--data-dir DIR]",
		Short: "The MGC layer, a call-placing application and simulated gateways in one process",
		Long: `demo runs the MGC (the stack, the MGC layer and an application placing
calls) and --mgs simulated gateways in one process over loopback UDP. It
places two-party calls (a TDM line and an RTP leg on one MG, or RTP legs on
two MGs linked by SDP) and conferences on a mixer, answers and releases
them, and in a cycle of seven dead timers it warm restarts the second MG
(resync scenario 1: back within the dead timer) and cuts the third MG's
link for longer than the dead timer (scenario 2: its legs end, and what
survived is offered again when it is back). Each callback of the MGC
layer is printed as it fires, with a progress line every two seconds;
after each resync the controller's model is compared with what the MG
holds. The MGC's log goes to megaco.log in the data directory (a fresh
one unless --data-dir is given).

It runs until Ctrl-C or for --duration, and its last line is
  demo: calls=N active=A resynced=R terminated=T mismatches=M
counting call legs: placed, active at the end, kept through a resync,
ended by the MGC layer (dropped, vanished, dead, forced), and differing
between the model and the MG after a resync (0 when resync works).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
			defer stop()
			if c.duration > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, c.duration)
				defer cancel()
			}
			n, err := stdnet.NewNet()
			if err != nil {
				return err
			}
			return runDemo(ctx, cmd.OutOrStdout(), n, c)
		},
	}
	f := cmd.Flags()
	f.DurationVar(&c.duration, "duration", 0, "stop after this long (0: run until Ctrl-C)")
	f.StringVar(&c.dataDir, "data-dir", "", "data directory (default: a fresh temporary one, removed at exit)")
	f.DurationVar(&c.deadTimer, "dead-timer", 3*time.Second, "the MGC layer's dead timer; the demo's timeline scales with it")
	f.IntVar(&c.mgs, "mgs", 3, "simulated gateways (at least 3)")
	f.StringVar(&c.listen, "listen", "127.0.0.1:0", "the MGC's UDP address")
	f.Uint64Var(&c.seed, "seed", 1, "seed of the call pattern")
	return cmd
}

// demoStats are the counts of the last line, in call legs.
type demoStats struct {
	calls, resynced, terminated, mismatches int
}

// demoApp is the application: it prints each callback and counts legs.
type demoApp struct {
	mgc.BaseApplication
	p     *printer
	name  func(h248.MID) string
	ready chan h248.MID

	mu    sync.Mutex
	stats demoStats
}

// printer serialises lines from the callbacks and the director.
type printer struct {
	mu  sync.Mutex
	out io.Writer
}

func (p *printer) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.out, format+"\n", args...)
}

func (a *demoApp) leg(l mgc.LegInfo) string {
	return fmt.Sprintf("%s/%s ctx=%v %v", a.name(l.ID.MG), l.ID.Termination, l.Context, l.State)
}

func (a *demoApp) mixer(x mgc.MixerInfo) string {
	return fmt.Sprintf("%s ctx=%v legs=%d", a.name(x.ID.MG), x.ID.Context, len(x.Legs))
}

func (a *demoApp) count(f func(*demoStats)) {
	a.mu.Lock()
	f(&a.stats)
	a.mu.Unlock()
}

func (a *demoApp) OnCmcLibNotReady(mg h248.MID) { a.p.printf("mgc: OnCmcLibNotReady %s", a.name(mg)) }
func (a *demoApp) OnCmcLibReady(mg h248.MID) {
	a.p.printf("mgc: OnCmcLibReady %s", a.name(mg))
	a.ready <- mg
}
func (a *demoApp) OnSyncLost(l mgc.LegInfo) { a.p.printf("mgc: OnSyncLost %s", a.leg(l)) }
func (a *demoApp) OnMixerSyncLost(x mgc.MixerInfo) {
	a.p.printf("mgc: OnMixerSyncLost %s", a.mixer(x))
}
func (a *demoApp) OnCallLegTerminated(l mgc.LegInfo, cause error) {
	a.count(func(s *demoStats) { s.terminated++ })
	a.p.printf("mgc: OnCallLegTerminated %s: %v", a.leg(l), cause)
}
func (a *demoApp) OnMixerTerminated(x mgc.MixerInfo, cause error) {
	a.p.printf("mgc: OnMixerTerminated %s: %v", a.mixer(x), cause)
}
func (a *demoApp) OnSyncDone(l mgc.LegInfo) {
	a.count(func(s *demoStats) { s.resynced++ })
	a.p.printf("mgc: OnSyncDone %s", a.leg(l))
}
func (a *demoApp) OnMixerSyncDone(x mgc.MixerInfo) {
	a.p.printf("mgc: OnMixerSyncDone %s", a.mixer(x))
}
func (a *demoApp) OnCallLegSync(l mgc.LegInfo) { a.p.printf("mgc: OnCallLegSync %s", a.leg(l)) }
func (a *demoApp) OnMixerSync(x mgc.MixerInfo) { a.p.printf("mgc: OnMixerSync %s", a.mixer(x)) }
func (a *demoApp) OnLinkSync(x, y mgc.LegInfo) {
	a.p.printf("mgc: OnLinkSync %s <-> %s", a.leg(x), a.leg(y))
}
func (a *demoApp) OnMixerLinkSync(l mgc.LegInfo, x mgc.MixerInfo) {
	a.p.printf("mgc: OnMixerLinkSync %s on mixer %s", a.leg(l), a.mixer(x))
}

// demoCall is a call the director placed: two legs, or a mixer with legs.
type demoCall struct {
	legs      []mgc.LegID
	mixer     *mgc.MixerID
	answerAt  time.Time // zero: answered, or never to be
	releaseAt time.Time
}

// director places and releases calls and stages the restarts; it alone
// drives call control, so after a resync the model and the MG can be
// compared with nothing in flight.
type director struct {
	c     *mgc.Controller
	app   *demoApp
	p     *printer
	mgs   []*mgsim.MG
	rand  *rand.Rand
	calls []*demoCall
	next  int // round robin over the MGs and the kinds of call
}

func runDemo(ctx context.Context, out io.Writer, n pion.Net, dc demoConfig) error {
	if dc.mgs < 3 {
		return errors.New("--mgs: the demo needs at least 3 gateways")
	}
	if dc.deadTimer <= 0 {
		return errors.New("--dead-timer must be positive")
	}
	dir := dc.dataDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "megaco-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	logPath := filepath.Join(dir, "megaco.log")
	zcfg := zap.NewProductionConfig()
	zcfg.OutputPaths, zcfg.ErrorOutputPaths = []string{logPath}, []string{logPath}
	log, err := zcfg.Build()
	if err != nil {
		return err
	}
	defer log.Sync() //nolint:errcheck // nothing to do about a failed flush at exit

	p := &printer{out: out}
	names := map[h248.MID]string{}
	var namesMu sync.RWMutex
	app := &demoApp{p: p, ready: make(chan h248.MID, 64), name: func(mid h248.MID) string {
		namesMu.RLock()
		defer namesMu.RUnlock()
		if s, ok := names[mid]; ok {
			return s
		}
		return mid.String()
	}}
	inactivity := dc.deadTimer / 6
	c := mgc.New(mgc.Config{DeadTimer: dc.deadTimer, Inactivity: inactivity}, app, log)
	defer c.Close()

	st := megaco.NewStack(megaco.WithLogger(log))
	defer st.Close()
	lc := loadConfig{transport: "udp", version: 2}
	mgcUser := demoUserConfig(lc, c)
	mgcUser.FirstTransID = megaco.RandomTransID(mgcUser.Config)
	tr, u, err := listenUser(st, n, "udp", dc.listen, mgcUser)
	if err != nil {
		return err
	}
	defer tr.Close()
	mid := u.MID()
	p.printf("demo: MGC %v on %s/udp, dead timer %v, data directory %s", mid, tr.LocalAddr(), dc.deadTimer, dir)

	d := &director{c: c, app: app, p: p, rand: rand.New(rand.NewPCG(dc.seed, dc.seed+1))}
	var wg sync.WaitGroup
	runCtx, stopMGs := context.WithCancel(context.Background())
	defer func() {
		stopMGs()
		wg.Wait()
	}()
	// The gateways listen on the MGC's host, on ports of their own.
	host, _, err := net.SplitHostPort(tr.LocalAddr())
	if err != nil {
		return err
	}
	for i := range dc.mgs {
		sim := mgsim.Config{MGCs: []string{tr.LocalAddr()}, Trunks: 2, Timeslots: 31, RTPPool: 256, MixerPool: 8, Version: lc.version, Seed: dc.seed + uint64(i)}
		nd, err := startSimNode(st, n, net.JoinHostPort(host, "0"), lc, codec.Pretty, engine.NoAck, sim)
		if err != nil {
			return fmt.Errorf("MG %d: %w", i+1, err)
		}
		defer nd.tr.Close()
		namesMu.Lock()
		names[nd.mg.MID()] = fmt.Sprintf("mg%d", i+1)
		namesMu.Unlock()
		d.mgs = append(d.mgs, nd.mg)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = nd.mg.Run(runCtx)
		}()
	}
	d.run(ctx, dc.deadTimer, inactivity, &wg, runCtx)

	active := 0
	for _, l := range c.Legs(h248.MID{}) {
		if l.State == mgc.LegActive {
			active++
		}
	}
	app.mu.Lock()
	s := app.stats
	app.mu.Unlock()
	fmt.Fprintf(out, "demo: calls=%d active=%d resynced=%d terminated=%d mismatches=%d\n", s.calls, active, s.resynced, s.terminated, s.mismatches)
	return nil
}

// demoUserConfig is the users' engine setup: short request timers so a
// lost MG is noticed within the demo's timeline.
func demoUserConfig(lc loadConfig, h megaco.Handler) megaco.UserConfig {
	u := loadUserConfig(lc, codec.Pretty, h)
	u.RequestTimer = engine.Timer{WaitFor: 250 * time.Millisecond, Factor: 2, MaxRetries: 3}
	return u
}

// run is the director's loop: a call step every 250 ms, a progress line
// every 2 s, and the restarts in a cycle of seven dead timers.
func (d *director) run(ctx context.Context, dead, inactivity time.Duration, wg *sync.WaitGroup, mgCtx context.Context) {
	start := time.Now()
	step := time.NewTicker(250 * time.Millisecond)
	defer step.Stop()
	progress := time.NewTicker(2 * time.Second)
	defer progress.Stop()
	cycle := 7 * dead
	warmAt, outageAt := dead*3/2, 3*dead
	outageFor := dead + 3*inactivity + dead/2
	var staged [2]time.Duration // offsets in the cycle already staged
	for {
		select {
		case <-ctx.Done():
			return
		case mg := <-d.app.ready:
			d.check(mg)
		case <-progress.C:
			d.progress(time.Since(start))
		case now := <-step.C:
			elapsed := now.Sub(start)
			n := elapsed / cycle
			if off := elapsed % cycle; off >= warmAt && staged[0] <= n*cycle {
				staged[0] = n*cycle + cycle
				d.stage(wg, mgCtx, fmt.Sprintf("warm restart of mg2 (scenario 1: back within the %v dead timer)", dead),
					func() error { return d.mgs[1].WarmRestart(mgCtx, dead/6) })
			}
			if off := elapsed % cycle; off >= outageAt && staged[1] <= n*cycle {
				staged[1] = n*cycle + cycle
				d.stage(wg, mgCtx, fmt.Sprintf("link of mg3 down for %v (scenario 2: past the %v dead timer)", outageFor, dead),
					func() error { return d.mgs[2].Outage(mgCtx, outageFor) })
			}
			d.step(ctx, now)
		}
	}
}

// stage runs a restart or an outage of an MG in the background.
func (d *director) stage(wg *sync.WaitGroup, ctx context.Context, what string, f func() error) {
	d.p.printf("demo: %s", what)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := f(); err != nil && ctx.Err() == nil {
			d.p.printf("demo: %s: %v", what, err)
		}
	}()
}

// check compares the model of an MG that just became ready with what the
// MG holds.
func (d *director) check(mid h248.MID) {
	for _, m := range d.mgs {
		if m.MID() != mid {
			continue
		}
		held := map[h248.TerminationID]h248.ContextID{}
		for _, ctx := range m.Gateway().ContextList() {
			for _, t := range ctx.Terminations {
				held[t] = ctx.ID
			}
		}
		diff := mgc.Diff(d.c.Legs(mid), d.c.Mixers(mid), held)
		d.app.count(func(s *demoStats) { s.mismatches += len(diff) })
		if len(diff) == 0 {
			d.p.printf("demo: %s in sync: the model equals the MG (%d terminations in contexts)", d.app.name(mid), len(held))
		}
		for _, x := range diff {
			d.p.printf("demo: %s MISMATCH %v", d.app.name(mid), x)
		}
	}
}

func (d *director) progress(elapsed time.Duration) {
	d.app.mu.Lock()
	s := d.app.stats
	d.app.mu.Unlock()
	legs := d.c.Legs(h248.MID{})
	active := 0
	for _, l := range legs {
		if l.State == mgc.LegActive {
			active++
		}
	}
	d.p.printf("progress: t=%v calls=%d legs=%d active=%d resynced=%d terminated=%d mismatches=%d",
		elapsed.Round(time.Second), s.calls, len(legs), active, s.resynced, s.terminated, s.mismatches)
}

// step answers and releases calls that are due and places a new one when
// fewer than eight are up.
func (d *director) step(ctx context.Context, now time.Time) {
	kept := d.calls[:0]
	for _, call := range d.calls {
		switch {
		case !now.Before(call.releaseAt):
			d.release(ctx, call)
			continue
		case !call.answerAt.IsZero() && !now.Before(call.answerAt):
			call.answerAt = time.Time{}
			for _, l := range call.legs {
				d.op(ctx, "answer", func(ctx context.Context) error { return d.c.Answer(ctx, l) })
			}
		}
		kept = append(kept, call)
	}
	d.calls = kept
	if len(d.calls) < 8 {
		if call := d.place(ctx, now); call != nil {
			d.calls = append(d.calls, call)
		}
	}
}

// op runs one call-control operation with a short deadline; failures
// (an MG restarting, a leg gone at a resync) are part of the show.
func (d *director) op(ctx context.Context, what string, f func(context.Context) error) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := f(ctx); err != nil {
		if ctx.Err() == nil || errors.Is(err, context.DeadlineExceeded) {
			d.p.printf("demo: %s: %v", what, err)
		}
		return false
	}
	return true
}

// place sets up the next call in turn: a line and an RTP leg on one MG,
// RTP legs on two MGs, or every fourth a conference of three lines.
func (d *director) place(ctx context.Context, now time.Time) *demoCall {
	ready := d.readyMGs()
	if len(ready) == 0 {
		return nil
	}
	d.next++
	mg := ready[d.next%len(ready)]
	call := &demoCall{releaseAt: now.Add(time.Duration(3+d.rand.IntN(6)) * time.Second)}
	create := func(mid h248.MID, t h248.TerminationID) bool {
		var l mgc.LegInfo
		ok := d.op(ctx, "create leg", func(ctx context.Context) (err error) {
			l, err = d.c.CreateLeg(ctx, mid, t)
			return err
		})
		if ok {
			call.legs = append(call.legs, l.ID)
			d.app.count(func(s *demoStats) { s.calls++ })
		}
		return ok
	}
	abandon := func() *demoCall {
		d.release(ctx, call)
		return nil
	}
	switch {
	case d.next%4 == 0:
		var x mgc.MixerInfo
		if !d.op(ctx, "create mixer", func(ctx context.Context) (err error) {
			x, err = d.c.CreateMixer(ctx, mg)
			return err
		}) {
			return nil
		}
		call.mixer = &x.ID
		for range 3 {
			if !create(mg, "tdm/2/$") {
				return abandon()
			}
			l := call.legs[len(call.legs)-1]
			if !d.op(ctx, "join mixer", func(ctx context.Context) error { return d.c.JoinMixer(ctx, l, x.ID) }) ||
				!d.op(ctx, "answer", func(ctx context.Context) error { return d.c.Answer(ctx, l) }) {
				return abandon()
			}
		}
		d.p.printf("demo: conference on %s ctx=%v with 3 lines", d.app.name(mg), x.ID.Context)
		return call
	case d.next%4 == 2 && len(ready) > 1:
		other := ready[(d.next+1)%len(ready)]
		if !create(mg, "rtp/$") || !create(other, "rtp/$") ||
			!d.op(ctx, "link", func(ctx context.Context) error { return d.c.Link(ctx, call.legs[0], call.legs[1]) }) {
			return abandon()
		}
		d.p.printf("demo: RTP call %s/%s <-> %s/%s", d.app.name(mg), call.legs[0].Termination, d.app.name(other), call.legs[1].Termination)
	default:
		if !create(mg, "tdm/1/$") || !create(mg, "rtp/$") ||
			!d.op(ctx, "alert", func(ctx context.Context) error { return d.c.Alert(ctx, call.legs[0]) }) ||
			!d.op(ctx, "link", func(ctx context.Context) error { return d.c.Link(ctx, call.legs[0], call.legs[1]) }) {
			return abandon()
		}
		d.p.printf("demo: call %s %s <-> %s ringing", d.app.name(mg), call.legs[0].Termination, call.legs[1].Termination)
	}
	// One call in five rings until it is released: an unanswered leg
	// that a resync drops.
	if d.rand.IntN(5) != 0 {
		call.answerAt = now.Add(time.Duration(500+d.rand.IntN(1000)) * time.Millisecond)
	}
	return call
}

func (d *director) release(ctx context.Context, call *demoCall) {
	if call.mixer != nil {
		x := *call.mixer
		d.op(ctx, "destroy mixer", func(ctx context.Context) error { return d.c.DestroyMixer(ctx, x) })
		return
	}
	for _, l := range call.legs {
		if _, err := d.c.Leg(l); err != nil {
			continue // ended by the MGC layer
		}
		d.op(ctx, "release", func(ctx context.Context) error { return d.c.Release(ctx, l) })
	}
}

func (d *director) readyMGs() []h248.MID {
	var out []h248.MID
	for _, info := range d.c.MGs() {
		if info.State == mgc.MGReady && !info.Graceful {
			out = append(out, info.MID)
		}
	}
	// MGs() comes from a map: a stable order keeps the round robin fair.
	slices.SortFunc(out, func(a, b h248.MID) int { return strings.Compare(a.String(), b.String()) })
	return out
}
