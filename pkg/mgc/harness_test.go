package mgc_test

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/pkg/mgc"
	"github.com/megaco/megaco/pkg/mgsim"
	"github.com/megaco/megaco/transport"
	"github.com/megaco/megaco/transport/memnet"
	"github.com/megaco/megaco/transport/udp"
)

const mgcAddr = "10.0.0.1:2944"

// userConfig is both sides' engine setup: a 1 s ×2 request timer with 3
// resends (15 s to give up).
func userConfig(h megaco.Handler) megaco.UserConfig {
	cfg := engine.DefaultConfig()
	cfg.RequestTimer = engine.Timer{WaitFor: time.Second, Factor: 2, MaxRetries: 3}
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

func testLogger(t *testing.T) *zap.Logger {
	if os.Getenv("MGC_LOG") == "" {
		return zap.NewNop()
	}
	return zaptest.NewLogger(t)
}

// world is an MGC and its MGs on an in-memory network, run inside a
// synctest bubble.
type world struct {
	t    *testing.T
	nw   *memnet.Network
	st   *megaco.Stack
	cfg  mgc.Config
	app  *recorder
	c    *mgc.Controller
	tr   transport.Transport
	host *memnet.Net
	// mgUser adjusts the user config of the MGs started next.
	mgUser func(*megaco.UserConfig)
	// incarnation counts the controllers started (scenario 3).
	incarnation int
	mgs         map[h248.MID]*mgsim.MG
}

func newWorld(t *testing.T, cfg mgc.Config) *world {
	w := &world{t: t, nw: memnet.NewNetwork(memnet.Config{}), st: megaco.NewStack(megaco.WithLogger(testLogger(t))),
		cfg: cfg, mgs: map[h248.MID]*mgsim.MG{}}
	t.Cleanup(w.st.Close)
	w.startMGC()
	return w
}

// startMGC starts a controller with no memory at mgcAddr.
func (w *world) startMGC() {
	t := w.t
	w.app = newRecorder()
	w.c = mgc.New(w.cfg, w.app, testLogger(t))
	w.app.c = w.c
	c := w.c
	t.Cleanup(c.Close)
	// A restarted MGC must not reuse transaction ids its MGs still hold
	// replies for (reply_timer): each incarnation starts elsewhere.
	w.incarnation++
	ucfg := userConfig(w.c)
	ucfg.MinTransID = uint32(w.incarnation) << 24
	ucfg.ProtocolVersion = 3
	u, err := w.st.StartUser(midOf(t, mgcAddr), ucfg)
	if err != nil {
		t.Fatal(err)
	}
	if w.host == nil {
		if w.host, err = w.nw.Host("10.0.0.1"); err != nil {
			t.Fatal(err)
		}
	}
	if w.tr, err = udp.Listen(w.host, mgcAddr, u); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.tr.Close() })
}

// restartMGC stops the controller and its user and starts a new one with
// no memory on the same address (scenario 3).
func (w *world) restartMGC() {
	w.tr.Close()
	w.c.Close()
	if err := w.st.StopUser(midOf(w.t, mgcAddr)); err != nil {
		w.t.Fatal(err)
	}
	w.startMGC()
}

// startMG starts a simulated MG at ip and waits for the controller to
// have it ready.
func (w *world) startMG(ip string, cfg mgsim.Config) *mgsim.MG {
	t := w.t
	host, err := w.nw.Host(ip)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MGCs = []string{mgcAddr}
	m := mgsim.NewMG(cfg, nil, mgsim.WithLogger(testLogger(t)))
	addr := ip + ":2944"
	tr, err := udp.Listen(host, addr, m)
	if err != nil {
		t.Fatal(err)
	}
	link := mgsim.Link{Transport: tr, Dial: func(a string) (transport.SendHandle, error) { return tr.Resolve(a) }}
	ucfg := userConfig(nil)
	if w.mgUser != nil {
		w.mgUser(&ucfg)
	}
	if err := m.Start(w.st, midOf(t, addr), ucfg, link); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := m.Run(ctx); err != nil {
			t.Errorf("MG %s: %v", addr, err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		tr.Close()
	})
	w.mgs[m.MID()] = m
	w.app.waitFor(t, "ready "+m.MID().String())
	return m
}

// held is what an MG holds: termination → context.
func held(m *mgsim.MG) map[h248.TerminationID]h248.ContextID {
	out := map[h248.TerminationID]h248.ContextID{}
	for _, c := range m.Gateway().ContextList() {
		for _, t := range c.Terminations {
			out[t] = c.ID
		}
	}
	return out
}

// sameAsMG checks that the controller's model of an MG is what the MG
// holds, from the simulator's own state and through the controller's
// audit.
func (w *world) sameAsMG(m *mgsim.MG) {
	w.t.Helper()
	mid := m.MID()
	if d := mgc.Diff(w.c.Legs(mid), w.c.Mixers(mid), held(m)); len(d) > 0 {
		w.t.Errorf("model and MG %v differ: %v", mid, d)
	}
	d, err := w.c.Verify(context.Background(), mid)
	if err != nil {
		w.t.Fatalf("Verify: %v", err)
	}
	if len(d) > 0 {
		w.t.Errorf("Verify %v: %v", mid, d)
	}
}

// recorder is an application that writes each callback as a line and
// applies the refusals it is told to.
type recorder struct {
	mgc.BaseApplication
	c *mgc.Controller

	mu     sync.Mutex
	lines  []string
	seen   map[string]bool
	notify chan struct{}
	// refuse decides, per callback line, whether to refuse.
	refuse func(line string) bool
}

func newRecorder() *recorder {
	return &recorder{notify: make(chan struct{}, 1), seen: map[string]bool{}}
}

func (r *recorder) add(format string, args ...any) string {
	line := fmt.Sprintf(format, args...)
	r.mu.Lock()
	r.lines = append(r.lines, line)
	r.seen[line] = true
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
	return line
}

func (r *recorder) refused(line string) bool {
	r.mu.Lock()
	f := r.refuse
	r.mu.Unlock()
	return f != nil && f(line)
}

func leg(l mgc.LegInfo) string     { return string(l.ID.Termination) }
func mixer(x mgc.MixerInfo) string { return "mixer " + string(x.Port) }

func (r *recorder) OnCmcLibNotReady(mid h248.MID) { r.add("notready %v", mid) }
func (r *recorder) OnCmcLibReady(mid h248.MID)    { r.add("ready %v", mid) }
func (r *recorder) OnSyncLost(l mgc.LegInfo)      { r.add("synclost %s", leg(l)) }
func (r *recorder) OnMixerSyncLost(x mgc.MixerInfo) {
	r.add("mixersynclost %s", mixer(x))
}
func (r *recorder) OnCallLegTerminated(l mgc.LegInfo, cause error) {
	r.add("terminated %s %s", leg(l), causeName(cause))
}
func (r *recorder) OnMixerTerminated(x mgc.MixerInfo, cause error) {
	r.add("mixerterminated %s %s", mixer(x), causeName(cause))
}
func (r *recorder) OnSyncDone(l mgc.LegInfo)        { r.add("syncdone %s", leg(l)) }
func (r *recorder) OnMixerSyncDone(x mgc.MixerInfo) { r.add("mixersyncdone %s", mixer(x)) }
func (r *recorder) OnCallLegSync(l mgc.LegInfo) {
	if r.refused(r.add("legsync %s", leg(l))) {
		r.c.RefuseLeg(l.ID)
	}
}
func (r *recorder) OnMixerSync(x mgc.MixerInfo) {
	if r.refused(r.add("mixersync %s", mixer(x))) {
		r.c.RefuseMixer(x.ID)
	}
}
func (r *recorder) OnLinkSync(a, b mgc.LegInfo) {
	if r.refused(r.add("linksync %s", pair(leg(a), leg(b)))) {
		r.c.RefuseLink(a.ID, b.ID)
	}
}
func (r *recorder) OnMixerLinkSync(l mgc.LegInfo, x mgc.MixerInfo) {
	if r.refused(r.add("mixerlinksync %s %s", leg(l), mixer(x))) {
		r.c.RefuseMixerLink(l.ID, x.ID)
	}
}
func (r *recorder) OnOffHook(l mgc.LegInfo)          { r.add("offhook %s", leg(l)) }
func (r *recorder) OnOnHook(l mgc.LegInfo)           { r.add("onhook %s", leg(l)) }
func (r *recorder) OnDigits(l mgc.LegInfo, d string) { r.add("digits %s %s", leg(l), d) }
func (r *recorder) OnSignalCompleted(l mgc.LegInfo, s string) {
	r.add("signalcompleted %s %s", leg(l), s)
}

// pair names two legs in a stable order.
func pair(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "+" + b
}

func causeName(err error) string {
	for _, c := range []struct {
		err  error
		name string
	}{{mgc.ErrDropped, "dropped"}, {mgc.ErrVanished, "vanished"}, {mgc.ErrDead, "dead"}, {mgc.ErrForced, "forced"}} {
		if err == c.err {
			return c.name
		}
	}
	return err.Error()
}

// waitFor waits (fake time) until a line has been recorded.
func (r *recorder) waitFor(t *testing.T, line string) {
	t.Helper()
	deadline := time.After(5 * time.Minute)
	for {
		r.mu.Lock()
		found := r.seen[line]
		r.mu.Unlock()
		if found {
			return
		}
		select {
		case <-r.notify:
		case <-deadline:
			t.Fatalf("no %q within 5 minutes; got:\n%s", line, strings.Join(r.take(), "\n"))
		}
	}
}

// take returns the lines recorded so far and forgets them.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.lines
	r.lines, r.seen = nil, map[string]bool{}
	return out
}

// expectPhases checks recorded lines against phases: each phase is a set
// of lines in any order, the phases in order.
func expectPhases(t *testing.T, got []string, phases ...[]string) {
	t.Helper()
	var want []string
	for _, p := range phases {
		want = append(want, p...)
	}
	fail := func() {
		t.Fatalf("callbacks:\n got  %s\n want %s", strings.Join(got, " | "), strings.Join(want, " | "))
	}
	if len(got) != len(want) {
		fail()
	}
	i := 0
	for _, p := range phases {
		g := append([]string(nil), got[i:i+len(p)]...)
		w := append([]string(nil), p...)
		sort.Strings(g)
		sort.Strings(w)
		if !slices.Equal(g, w) {
			fail()
		}
		i += len(p)
	}
}

func prefixed(prefix string, names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + " " + n
	}
	return out
}
