package mgsim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/transport"
)

// Errors of the MG.
var (
	ErrNotRegistered = errors.New("mgsim: not registered with an MGC")
	ErrNoMGC         = errors.New("mgsim: no MGC answered the ServiceChange")
	ErrNotStarted    = errors.New("mgsim: MG not started")
)

// Option configures an MG.
type Option func(*MG)

// WithLogger sets the logger (default: none); the MG names it "mgsim".
func WithLogger(l *zap.Logger) Option { return func(m *MG) { m.log = l } }

// MG is a simulated media gateway on the stack: a megaco user in the MG
// role whose requests the Gateway model answers. It registers with its
// MGCs (ServiceChange Restart 901, failing over along Config.MGCs and
// following ServiceChangeMgcId), and on demand simulates a link outage
// (traffic dropped, then ServiceChange Disconnected with all state kept),
// a warm restart (Restart 902 keeping the answered contexts), Graceful
// and Forced ServiceChanges, events (Notify) and the H.248.14 inactivity
// timer.
//
// Wiring: make the MG the Handler of the transport it listens on, then
// Start it with the user's MID once the address is known, then Run it:
//
//	m := mgsim.NewMG(cfg, nil)
//	tr, _ := udp.Listen(stdnet, "0.0.0.0:2944", m)
//	_ = m.Start(st, mid, userCfg, mgsim.Link{Transport: tr, Dial: func(a string) (transport.SendHandle, error) { return tr.Resolve(a) }})
//	go m.Run(ctx)
type MG struct {
	cfg Config
	g   *Gateway
	h   *Handler
	log *zap.Logger
	f   *filter

	st   *megaco.Stack
	user *megaco.User
	dial func(string) (transport.SendHandle, error)

	regMu sync.Mutex // one registration procedure at a time

	mu         sync.Mutex
	conns      map[string]*megaco.Conn // by MGC address
	conn       *megaco.Conn            // the MGC the MG is registered with
	cur        int                     // its index in cfg.MGCs, -1 when reached by redirection
	curAddr    string
	registered chan struct{} // closed while registered
	timers     []*time.Timer
	outage     bool

	kick     chan struct{}
	lost     chan *megaco.Conn
	handoff  chan string
	started  atomic.Bool
	calls    atomic.Uint64 // requests the MG sent
	stale    atomic.Bool   // a stream was lost: the user must be replaced
	stopOnce sync.Once

	stats struct {
		registrations, failedRegistrations, notifies, failedNotifies, inactivity atomic.Uint64
	}
}

// NewMG returns an MG over g (nil: a new Gateway of cfg) with cfg's knobs
// and MGCs.
func NewMG(cfg Config, g *Gateway, opts ...Option) *MG {
	c := cfg.withDefaults()
	if g == nil {
		g = New(cfg)
	}
	m := &MG{cfg: c, g: g, log: zap.NewNop(), conns: map[string]*megaco.Conn{}, cur: -1,
		registered: make(chan struct{}), kick: make(chan struct{}, 1), lost: make(chan *megaco.Conn, 1),
		handoff: make(chan string, 1)}
	for _, o := range opts {
		o(m)
	}
	m.log = m.log.Named("mgsim")
	m.f = &filter{loss: c.Loss, rand: rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15))}
	m.h = &Handler{Gateway: g, Delay: c.Delay, Pending: c.Pending, ErrorRate: c.ErrorRate, ErrorCode: c.ErrorCode,
		Rand: rand.New(rand.NewPCG(c.Seed^0x5bd1e995, c.Seed)), OnServiceChange: m.onServiceChange, OnDisconnect: m.onDisconnect}
	g.setOnRoot(m.poke)
	return m
}

// Gateway returns the MG's model.
func (m *MG) Gateway() *Gateway { return m.g }

// Handler returns the MG's request handler (its knobs: Delay, Pending,
// Ack, ErrorRate, ErrorCode).
func (m *MG) Handler() *Handler { return m.h }

// User returns the megaco user (nil before Start).
func (m *MG) User() *megaco.User {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.user
}

// HandlePacket passes what the transport received through the outage and
// loss filter to the user.
func (m *MG) HandlePacket(p transport.Packet) { m.f.deliver(p) }

// HandleClosed passes the end of a stream to the user.
func (m *MG) HandleClosed(from transport.SendHandle, err error) { m.f.closed(from, err) }

// Start starts the MG's megaco user with mid on st (its Handler is the
// MG's) and sets how it reaches its MGCs.
func (m *MG) Start(st *megaco.Stack, mid h248.MID, ucfg megaco.UserConfig, link Link) error {
	if link.Transport == nil || link.Dial == nil {
		return errors.New("mgsim: a link needs a transport and a dial function")
	}
	if err := m.cfg.Validate(); err != nil {
		return err
	}
	ucfg.Handler = m.h
	if ucfg.ProtocolVersion == 0 || ucfg.ProtocolVersion < m.cfg.Version {
		ucfg.ProtocolVersion = m.cfg.Version
	}
	u, err := st.StartUser(mid, ucfg)
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.st, m.user, m.dial = st, u, link.Dial
	m.mu.Unlock()
	m.f.Transport = link.Transport
	m.f.lastRecv.Store(time.Now().UnixNano())
	m.f.setHandler(u)
	m.started.Store(true)
	return nil
}

// MID returns the MG's MID.
func (m *MG) MID() h248.MID {
	if u := m.User(); u != nil {
		return u.MID()
	}
	return h248.MID{}
}

// Run registers with the MGCs (again and again until one answers) and then
// serves until ctx ends: it watches for the inactivity timer, a lost MGC
// (failover) and a HandOff. When ctx ends it stops the user and timers.
func (m *MG) Run(ctx context.Context) error {
	if !m.started.Load() {
		return ErrNotStarted
	}
	defer m.stop()
	if err := m.registerLoop(ctx, m.plan(-1, h248.MethodRestart, "901")); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	ito := time.NewTimer(time.Hour)
	ito.Stop()
	for {
		select { // a lost MGC first
		case c := <-m.lost:
			m.failover(ctx, c)
		default:
		}
		m.armInactivity(ito)
		select {
		case <-ctx.Done():
			ito.Stop()
			return nil
		case <-m.kick:
		case <-ito.C:
			m.inactivity(ctx)
		case c := <-m.lost:
			m.failover(ctx, c)
		case addr := <-m.handoff:
			m.doHandoff(ctx, addr)
		}
	}
}

func (m *MG) stop() {
	m.stopOnce.Do(func() {
		m.mu.Lock()
		for _, t := range m.timers {
			t.Stop()
		}
		m.timers = nil
		m.mu.Unlock()
		if u := m.User(); u != nil {
			_ = m.st.StopUser(u.MID())
		}
	})
}

// poke wakes Run to look at the inactivity timer again.
func (m *MG) poke() {
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// Registered reports whether the MG is registered, and with which MGC.
func (m *MG) Registered() (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.curAddr, m.conn != nil
}

// WaitRegistered waits until the MG is registered.
func (m *MG) WaitRegistered(ctx context.Context) error {
	m.mu.Lock()
	ch := m.registered
	m.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (m *MG) current() (*megaco.Conn, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.conn == nil {
		return nil, ErrNotRegistered
	}
	return m.conn, nil
}

func (m *MG) setCurrent(c *megaco.Conn, idx int, addr string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.conn, m.cur, m.curAddr = c, idx, addr
	if c != nil {
		select {
		case <-m.registered:
		default:
			close(m.registered)
		}
	} else {
		select {
		case <-m.registered:
			m.registered = make(chan struct{})
		default:
		}
	}
}

// attempt is one MGC to try, with the ServiceChange to send.
type attempt struct {
	idx    int
	method h248.ServiceChangeMethod
	reason string
}

// plan lists the MGCs to try. After losing MGC lost (RFC 3525 §11.5) the
// MG starts at the primary, or at the first secondary if the primary was
// lost, and ends with the lost one; it announces Failover (909) to the
// others and Disconnected to the one it lost. Otherwise (lost < 0) it
// tries every MGC in order with method and reason.
func (m *MG) plan(lost int, method h248.ServiceChangeMethod, reason string) []attempt {
	n := len(m.cfg.MGCs)
	var out []attempt
	if lost < 0 {
		for i := 0; i < n; i++ {
			out = append(out, attempt{i, method, reason})
		}
		return out
	}
	start := 0
	if lost == 0 {
		start = 1
	}
	for k := 0; k < n; k++ {
		i := (start + k) % n
		if i == lost {
			continue
		}
		out = append(out, attempt{i, h248.MethodFailover, "909"})
	}
	return append(out, attempt{lost, h248.MethodDisconnected, m.cfg.OutageReason})
}

// registerLoop runs the plan until an MGC accepts, pausing RetryDelay
// between rounds; only ctx or a configuration that cannot work (no MGC,
// an encoding the stack lacks) ends it early.
func (m *MG) registerLoop(ctx context.Context, plan []attempt) error {
	for {
		err := m.register(ctx, plan)
		if err == nil {
			return nil
		}
		if len(plan) == 0 || errors.Is(err, megaco.ErrNoEncoding) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(m.cfg.RetryDelay):
		}
	}
}

// register tries the plan once, in order.
func (m *MG) register(ctx context.Context, plan []attempt) error {
	if len(plan) == 0 {
		return fmt.Errorf("%w: no MGC configured", ErrNoMGC)
	}
	m.regMu.Lock()
	defer m.regMu.Unlock()
	m.setCurrent(nil, -1, "")
	if m.stale.Swap(false) {
		if err := m.restartUser(); err != nil {
			return err
		}
	}
	var errs []error
	for _, a := range plan {
		addr := m.cfg.MGCs[a.idx]
		err := m.tryMGC(ctx, a.idx, addr, a.method, a.reason, 0)
		if err == nil {
			return nil
		}
		m.stats.failedRegistrations.Add(1)
		m.log.Info("ServiceChange failed", zap.String("mgc", addr), zap.Stringer("method", a.method), zap.Error(err))
		errs = append(errs, fmt.Errorf("%s: %w", addr, err))
		if ctx.Err() != nil {
			break
		}
	}
	return fmt.Errorf("%w: %w", ErrNoMGC, errors.Join(errs...))
}

// tryMGC sends the ServiceChange to one MGC and follows a redirection
// (ServiceChangeMgcId in the reply).
func (m *MG) tryMGC(ctx context.Context, idx int, addr string, method h248.ServiceChangeMethod, reason string, redirects int) error {
	c, err := m.connect(addr)
	if err != nil {
		return err
	}
	p := h248.ServiceChangeParm{Method: method, Reason: h248.Quoted(Reason(reason))}
	res, err := m.serviceChange(ctx, c, nil, p)
	if err != nil {
		return err
	}
	if res.MgcID != nil {
		if redirects >= m.cfg.MaxRedirects {
			return fmt.Errorf("more than %d redirections", m.cfg.MaxRedirects)
		}
		to, err := midAddr(*res.MgcID, addr)
		if err != nil {
			return fmt.Errorf("ServiceChangeMgcId %v: %w", res.MgcID, err)
		}
		m.log.Info("redirected", zap.String("from", addr), zap.String("to", to))
		return m.tryMGC(ctx, -1, to, method, reason, redirects+1)
	}
	if res.Version.Set && int(res.Version.Value) >= 1 && int(res.Version.Value) <= 3 {
		v := int(res.Version.Value)
		_ = c.UpdateConnInfo(func(cfg *engine.Config) { cfg.ProtocolVersion = v })
	}
	m.stats.registrations.Add(1)
	m.setCurrent(c, idx, addr)
	m.f.lastRecv.Store(time.Now().UnixNano())
	m.log.Info("registered", zap.String("mgc", addr), zap.Stringer("method", method), zap.String("reason", reason))
	m.poke()
	return nil
}

// serviceChange sends a ServiceChange on ids (none: ROOT) and returns the
// reply's result, or the error in the reply.
func (m *MG) serviceChange(ctx context.Context, c *megaco.Conn, ids []h248.TerminationID, p h248.ServiceChangeParm) (h248.ServiceChangeResParm, error) {
	m.calls.Add(1)
	reps, err := c.Call(ctx, serviceChangeOn(ids, p, m.cfg.Version))
	if err != nil {
		return h248.ServiceChangeResParm{}, err
	}
	for _, r := range reps {
		if r.Error != nil {
			return h248.ServiceChangeResParm{}, &engine.ReplyError{Descriptor: *r.Error}
		}
		for _, cr := range r.Commands {
			if sc, ok := cr.(*h248.ServiceChangeReply); ok {
				if sc.Error != nil {
					return h248.ServiceChangeResParm{}, &engine.ReplyError{Descriptor: *sc.Error}
				}
				return sc.Result, nil
			}
		}
	}
	return h248.ServiceChangeResParm{}, errors.New("no ServiceChange reply")
}

// connect returns the connection to an MGC address, dialing it when there
// is none.
func (m *MG) connect(addr string) (*megaco.Conn, error) {
	m.mu.Lock()
	c, ok := m.conns[addr]
	m.mu.Unlock()
	if ok {
		return c, nil
	}
	to, err := m.dial(addr)
	if err != nil {
		return nil, err
	}
	c, err = m.user.Connect(h248.MID{}, m.f, to)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.conns[addr] = c
	m.mu.Unlock()
	return c, nil
}

// restartUser replaces the megaco user after a stream was lost: megaco
// can neither close the old connection nor move it to a new stream, and a
// second connection next to it would leak. The new user's transaction ids
// go on after those used so far: an id used again within the MGC's reply
// timer would get the old reply.
func (m *MG) restartUser() error {
	mid := m.user.MID()
	ucfg := m.user.Info().Config
	m.f.setHandler(nil)
	_ = m.st.StopUser(mid)
	if n := m.calls.Load(); n > 0 {
		ucfg.MinTransID = uint32(n%0xFFFFFFF0) + 1
	}
	u, err := m.st.StartUser(mid, ucfg)
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.user = u
	m.conns = map[string]*megaco.Conn{}
	m.mu.Unlock()
	m.f.setHandler(u)
	return nil
}

// midAddr turns a ServiceChangeMgcId into "host:port"; a MID without a
// port takes the port of from.
func midAddr(mid h248.MID, from string) (string, error) {
	port := ""
	if _, p, err := net.SplitHostPort(from); err == nil {
		port = p
	}
	if mid.Port.Set {
		port = strconv.Itoa(int(mid.Port.Value))
	}
	if port == "" {
		port = strconv.Itoa(transport.DefaultTextPort)
	}
	switch mid.Kind {
	case h248.MIDIP4, h248.MIDIP6:
		return net.JoinHostPort(mid.Addr.String(), port), nil
	case h248.MIDDomain:
		return net.JoinHostPort(mid.Name, port), nil
	}
	return "", fmt.Errorf("no address in a %v MID", mid.Kind)
}

// onDisconnect hears that a connection went away (a TCP stream closed):
// it is forgotten, and losing the MGC's starts the failover.
func (m *MG) onDisconnect(c *megaco.Conn, reason error) {
	m.mu.Lock()
	for a, cc := range m.conns {
		if cc == c {
			delete(m.conns, a)
		}
	}
	isCurrent := c == m.conn
	m.mu.Unlock()
	m.stale.Store(true)
	if isCurrent {
		m.log.Info("MGC connection lost", zap.Error(reason))
		m.reportLost(c)
	}
}

// reportLost asks Run to fail over from c.
func (m *MG) reportLost(c *megaco.Conn) {
	select {
	case m.lost <- c:
	default:
	}
}

// failover re-registers after losing the MGC of c (RFC 3525 §11.5).
func (m *MG) failover(ctx context.Context, c *megaco.Conn) {
	m.mu.Lock()
	if c != m.conn || m.outage {
		m.mu.Unlock()
		return
	}
	lost := m.cur
	m.mu.Unlock()
	plan := m.plan(lost, 0, "")
	if lost < 0 {
		plan = m.plan(-1, h248.MethodFailover, "909")
	}
	_ = m.registerLoop(ctx, plan)
}

// onServiceChange acts on an MGC's ServiceChange: a HandOff on ROOT with
// ServiceChangeMgcId moves the MG to that MGC.
func (m *MG) onServiceChange(_ *megaco.Conn, sc *h248.ServiceChangeRequest) {
	if sc.Parms.Method != h248.MethodHandOff || sc.Parms.MgcID == nil || len(sc.TerminationIDs) == 0 || !sc.TerminationIDs[0].IsRoot() {
		return
	}
	addr, _ := m.Registered()
	to, err := midAddr(*sc.Parms.MgcID, addr)
	if err != nil {
		m.log.Warn("HandOff without a usable MgcId", zap.Error(err))
		return
	}
	select {
	case m.handoff <- to:
	default:
	}
}

// doHandoff registers with the MGC named by a HandOff (method HandOff,
// reason 903); failing that, it fails over as from a lost MGC.
func (m *MG) doHandoff(ctx context.Context, to string) {
	m.regMu.Lock()
	m.mu.Lock()
	lost := m.cur
	m.mu.Unlock()
	err := m.tryMGC(ctx, -1, to, h248.MethodHandOff, "903", 0)
	m.regMu.Unlock()
	if err == nil {
		return
	}
	m.log.Info("HandOff failed", zap.String("mgc", to), zap.Error(err))
	if lost < 0 {
		_ = m.registerLoop(ctx, m.plan(-1, h248.MethodFailover, "909"))
		return
	}
	_ = m.registerLoop(ctx, m.plan(lost, 0, ""))
}

// armInactivity sets the timer of it/ito: when nothing has come from the
// MGC for the maximum inactivity time the MGC asked for (H.248.14), the MG
// notifies it/ito. Nothing is armed while unregistered or in an outage.
func (m *MG) armInactivity(t *time.Timer) {
	t.Stop()
	select {
	case <-t.C:
	default:
	}
	mit, _, ok := m.g.Inactivity()
	if !ok || m.f.down.Load() {
		return
	}
	if _, reg := m.Registered(); !reg {
		return
	}
	t.Reset(max(time.Until(m.f.since().Add(mit)), 0))
}

// inactivity sends Notify it/ito if the MGC stayed silent long enough; a
// Notify that gets no reply means the MGC failed.
func (m *MG) inactivity(ctx context.Context) {
	mit, _, ok := m.g.Inactivity()
	if !ok || m.f.down.Load() || time.Since(m.f.since()) < mit {
		return
	}
	actions, err := m.g.InactivityNotify()
	if err != nil {
		return
	}
	m.stats.inactivity.Add(1)
	m.f.lastRecv.Store(time.Now().UnixNano())
	if _, err := m.call(ctx, actions); err != nil {
		m.log.Info("it/ito Notify failed", zap.Error(err))
	}
}

// call sends an MG-originated request to the MGC; a timeout (outside a
// simulated outage) means the MGC failed.
func (m *MG) call(ctx context.Context, actions []h248.ActionRequest) ([]h248.ActionReply, error) {
	c, err := m.current()
	if err != nil {
		return nil, err
	}
	m.calls.Add(1)
	reps, err := c.Call(ctx, actions)
	if errors.Is(err, engine.ErrTimeout) && !m.f.down.Load() {
		m.reportLost(c)
	}
	if err != nil {
		return nil, err
	}
	for _, r := range reps {
		if r.Error != nil {
			return reps, &engine.ReplyError{Descriptor: *r.Error}
		}
		for _, cr := range r.Commands {
			if nr, ok := cr.(*h248.NotifyReply); ok && nr.Error != nil {
				return reps, &engine.ReplyError{Descriptor: *nr.Error}
			}
		}
	}
	return reps, nil
}

// Notify reports events detected on termination id to the MGC (see
// Gateway.Observe) and waits for the reply.
func (m *MG) Notify(ctx context.Context, id h248.TerminationID, events ...h248.ObservedEvent) error {
	actions, err := m.g.Observe(id, events...)
	if err != nil {
		return err
	}
	m.stats.notifies.Add(1)
	if _, err := m.call(ctx, actions); err != nil {
		m.stats.failedNotifies.Add(1)
		return err
	}
	return nil
}

// OffHook raises al/of on a termination.
func (m *MG) OffHook(ctx context.Context, id h248.TerminationID) error {
	return m.Notify(ctx, id, h248.ObservedEvent{Name: "al/of"})
}

// OnHook raises al/on on a termination.
func (m *MG) OnHook(ctx context.Context, id h248.TerminationID) error {
	return m.Notify(ctx, id, h248.ObservedEvent{Name: "al/on"})
}

// Flash raises al/fl (hook flash) on a termination.
func (m *MG) Flash(ctx context.Context, id h248.TerminationID) error {
	return m.Notify(ctx, id, h248.ObservedEvent{Name: "al/fl"})
}

// Digits reports digits dialled on a termination: dd/ce with the digit
// string when the MGC asked for it (digit map completion), else one DTMF
// event per digit.
func (m *MG) Digits(ctx context.Context, id h248.TerminationID, digits string) error {
	return m.Notify(ctx, id, m.g.DigitEvents(id, digits)...)
}

// Outage simulates a link outage of length d: every message either way is
// dropped, then the MG tells its MGC with ServiceChange Disconnected
// (Config.OutageReason) that it is back with all its state (RFC 3525
// §7.2.8, §11.5). If that MGC does not answer, the MG fails over.
func (m *MG) Outage(ctx context.Context, d time.Duration) error {
	c, err := m.current()
	if err != nil {
		return err
	}
	m.setOutage(true)
	m.f.down.Store(true)
	m.poke()
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
	m.f.down.Store(false)
	m.f.lastRecv.Store(time.Now().UnixNano())
	m.setOutage(false)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	m.regMu.Lock()
	_, err = m.serviceChange(ctx, c, nil, h248.ServiceChangeParm{Method: h248.MethodDisconnected, Reason: h248.Quoted(Reason(m.cfg.OutageReason))})
	m.regMu.Unlock()
	m.poke()
	if err != nil {
		m.reportLost(c)
		return fmt.Errorf("ServiceChange Disconnected: %w", err)
	}
	return nil
}

func (m *MG) setOutage(on bool) {
	m.mu.Lock()
	m.outage = on
	m.mu.Unlock()
}

// WarmRestart simulates a warm restart: the MG is silent for down, keeps
// its answered contexts and drops the others (Gateway.WarmRestart), then
// registers with ServiceChange Restart 902 (warm boot), from the top of
// its MGC list. An MGC must audit: Restart does not mean empty.
func (m *MG) WarmRestart(ctx context.Context, down time.Duration) error {
	return m.restart(ctx, down, "902", func() { m.g.WarmRestart() })
}

// ColdRestart simulates a cold restart: silent for down, every context
// and all state gone, then ServiceChange Restart 901.
func (m *MG) ColdRestart(ctx context.Context, down time.Duration) error {
	return m.restart(ctx, down, "901", func() { m.g.ColdRestart() })
}

func (m *MG) restart(ctx context.Context, down time.Duration, reason string, reset func()) error {
	m.setOutage(true)
	m.f.down.Store(true)
	m.setCurrent(nil, -1, "")
	select {
	case <-ctx.Done():
	case <-time.After(down):
	}
	reset()
	m.f.down.Store(false)
	m.setOutage(false)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return m.registerLoop(ctx, m.plan(-1, h248.MethodRestart, reason))
}

// ServiceChange announces a ServiceChange of the MG's own on ids (none:
// ROOT) to its MGC, after applying it to the model (Gateway.ServiceChange):
// Forced takes them out of service at once; Graceful after delay (0: when
// each leaves its context), announced with ServiceChangeDelay; Restart
// puts them back. reason is a code such as "905" (the standard text is
// added).
func (m *MG) ServiceChange(ctx context.Context, method h248.ServiceChangeMethod, reason string, delay time.Duration, ids ...h248.TerminationID) error {
	c, err := m.current()
	if err != nil {
		return err
	}
	if _, err := m.g.ServiceChange(method, ids...); err != nil {
		return err
	}
	p := h248.ServiceChangeParm{Method: method, Reason: h248.Quoted(Reason(reason))}
	if delay > 0 {
		p.Delay = h248.Some(uint32((delay + time.Second - 1) / time.Second))
	}
	if method == h248.MethodGraceful && delay > 0 {
		t := time.AfterFunc(delay, func() { m.g.GracefulDone(ids...) })
		m.mu.Lock()
		m.timers = append(m.timers, t)
		m.mu.Unlock()
	}
	_, err = m.serviceChange(ctx, c, ids, p)
	return err
}

// Stats are an MG's counters.
type Stats struct {
	MID                 h248.MID
	MGC                 string // the MGC registered with ("" when none)
	Registrations       uint64
	FailedRegistrations uint64
	Requests            uint64 // requests from MGCs answered
	InjectedErrors      uint64
	Notifies            uint64
	FailedNotifies      uint64
	Inactivity          uint64 // it/ito Notifies
	Sent, Received      uint64 // messages through the filter
	Dropped             uint64 // messages lost to Loss or an outage
	Contexts            int
}

// Stats returns the MG's counters.
func (m *MG) Stats() Stats {
	addr, _ := m.Registered()
	return Stats{MID: m.MID(), MGC: addr,
		Registrations: m.stats.registrations.Load(), FailedRegistrations: m.stats.failedRegistrations.Load(),
		Requests: m.h.Requests(), InjectedErrors: m.h.Injected(),
		Notifies: m.stats.notifies.Load(), FailedNotifies: m.stats.failedNotifies.Load(), Inactivity: m.stats.inactivity.Load(),
		Sent: m.f.sent.Load(), Received: m.f.received.Load(), Dropped: m.f.dropped.Load(), Contexts: m.g.Contexts()}
}
