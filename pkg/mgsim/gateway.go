package mgsim

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/megaco/megaco/pkg/h248"
)

// Gateway is the model of a media gateway: provisioned TDM terminations,
// RTP and mixer pools, contexts, and the state of each termination that an
// MGC can audit back. Execute answers an MGC's actions; the methods that
// change state on the MG's own initiative (Observe, WarmRestart,
// TakeOutOfService, ...) return what the MG must tell the MGC. Safe for
// concurrent use.
type Gateway struct {
	cfg Config
	now func() time.Time

	mu       sync.Mutex
	terms    map[string]*termination // by key(id): every termination in a context and every idle one with state
	ctxs     map[h248.ContextID]*mgContext
	nextCtx  h248.ContextID
	next     map[string]int // the next number to try per pool prefix ("rtp", "mix", accept-any prefixes)
	root     rootState
	onRoot   func() // called, outside the lock, when ROOT's events change
	requests uint64
}

// mgContext is a context: its terminations in the order they were added and
// its properties.
type mgContext struct {
	id        h248.ContextID
	terms     []*termination
	priority  h248.Opt[uint16]
	emergency h248.Opt[bool]
	ieps      h248.Opt[bool]
	topology  []h248.TopologyRequest
	created   time.Time
}

// rootState is the state of ROOT.
type rootState struct {
	events   *h248.EventsDescriptor
	props    []h248.PropertyParm
	service  h248.ServiceState
	graceful bool
}

// New returns a gateway with cfg's terminations, all idle.
func New(cfg Config) *Gateway {
	return &Gateway{cfg: cfg.withDefaults(), now: time.Now, terms: map[string]*termination{},
		ctxs: map[h248.ContextID]*mgContext{}, next: map[string]int{}, root: rootState{service: h248.ServiceInService}}
}

// NewGateway returns a gateway that accepts any termination name (the
// load benchmark's MG), with localIP in its SDP. Like Erlang's mg_sim,
// which it stands in for, its ROOT lists the base packages only: Erlang's
// binary codec cannot read H.248.14's it.
func NewGateway(localIP string) *Gateway {
	return New(Config{AcceptAny: true, LocalIP: localIP, RTPPool: 65535, MaxContexts: 1 << 30,
		RootPackages: []string{"g", "root", "nt", "rtp", "tdmc", "al", "cg", "dd"}})
}

// Config returns the gateway's configuration, defaults filled in.
func (g *Gateway) Config() Config { return g.cfg }

// Contexts returns how many contexts exist.
func (g *Gateway) Contexts() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.ctxs)
}

// cmdError ends a command with an error descriptor.
type cmdError struct{ ed h248.ErrorDescriptor }

func fail(code h248.ErrorCode, format string, args ...any) *cmdError {
	return &cmdError{h248.ErrorDescriptor{Code: code, Text: fmt.Sprintf(format, args...)}}
}

// Execute runs the actions of a transaction request and returns their
// replies: one per action, except that an action on Context=* (ALL)
// answers with one reply per context it touched. Commands run in order; a
// failing command ends the transaction (RFC 3525 §8): its action's reply
// holds the replies before it and the error, and later actions do not
// run. A failing optional ("O-") command leaves its error in its action's
// reply and the rest goes on.
func (g *Gateway) Execute(actions []h248.ActionRequest) []h248.ActionReply {
	g.mu.Lock()
	g.requests++
	rootBefore := g.root.events
	replies := make([]h248.ActionReply, 0, len(actions))
	for i := range actions {
		reps, stop := g.action(&actions[i])
		replies = append(replies, reps...)
		if stop {
			break
		}
	}
	changed := g.root.events != rootBefore
	hook := g.onRoot
	g.mu.Unlock()
	if changed && hook != nil {
		hook()
	}
	return replies
}

// action runs one action; stop reports a failed mandatory command.
func (g *Gateway) action(a *h248.ActionRequest) ([]h248.ActionReply, bool) {
	switch a.ContextID {
	case h248.ContextAll:
		return g.actionAll(a)
	case h248.ContextNull:
		rep, stop := g.run(nil, a, false)
		return []h248.ActionReply{rep}, stop
	case h248.ContextChoose:
		id, err := g.newContextID()
		if err != nil {
			return []h248.ActionReply{{ContextID: a.ContextID, Error: &err.ed}}, true
		}
		c := &mgContext{id: id, created: g.now()}
		g.ctxs[id] = c
		rep, stop := g.run(c, a, false)
		if len(c.terms) == 0 {
			// No context came of it: the reply names none, and its id
			// is free again.
			rep.ContextID = h248.ContextChoose
			if g.nextCtx == id {
				g.nextCtx--
			}
		}
		g.reap(c)
		return []h248.ActionReply{rep}, stop
	}
	c, ok := g.ctxs[a.ContextID]
	if !ok {
		return []h248.ActionReply{{ContextID: a.ContextID, Error: &h248.ErrorDescriptor{Code: h248.CodeUnknownContextID,
			Text: "The transaction refers to an unknown ContextId"}}}, true
	}
	rep, stop := g.run(c, a, false)
	g.reap(c)
	return []h248.ActionReply{rep}, stop
}

// newContextID picks the next free context id.
func (g *Gateway) newContextID() (h248.ContextID, *cmdError) {
	if len(g.ctxs) >= g.cfg.MaxContexts {
		return 0, fail(h248.CodeNoContextIDAvailable, "No ContextIDs available (%d in use)", len(g.ctxs))
	}
	for {
		g.nextCtx++
		if g.nextCtx == h248.ContextNull || g.nextCtx >= h248.ContextChoose {
			g.nextCtx = 1
		}
		if _, busy := g.ctxs[g.nextCtx]; !busy {
			return g.nextCtx, nil
		}
	}
}

// reap removes a context left without terminations: it ceases to exist.
func (g *Gateway) reap(c *mgContext) {
	if c != nil && len(c.terms) == 0 {
		delete(g.ctxs, c.id)
	}
}

// run runs an action's context properties and commands in c (nil: the
// null context). all marks a part of a Context=* action: a wildcard that
// matches nothing in c is then no error.
func (g *Gateway) run(c *mgContext, a *h248.ActionRequest, all bool) (h248.ActionReply, bool) {
	rep := h248.ActionReply{ContextID: h248.ContextNull}
	if c != nil {
		rep.ContextID = c.id
	}
	if a.Context != nil && !a.Context.IsZero() {
		if c == nil {
			rep.Error = &h248.ErrorDescriptor{Code: h248.CodeSyntaxErrorInAction, Text: "context properties for the null context"}
			return rep, true
		}
		c.setProps(a.Context)
	}
	if a.ContextAudit != nil && c != nil {
		rep.Context = c.audit(a.ContextAudit)
	}
	for _, cr := range a.Commands {
		r, err := g.command(c, cr, all)
		if err != nil {
			if rep.Error == nil {
				rep.Error = &err.ed
			}
			if cr.Optional {
				continue
			}
			return rep, true
		}
		rep.Commands = append(rep.Commands, r...)
	}
	return rep, false
}

func (c *mgContext) setProps(p *h248.ContextRequest) {
	if p.Priority.Set {
		c.priority = p.Priority
	}
	if p.Emergency.Set {
		c.emergency = p.Emergency
	}
	if p.IEPS.Set {
		c.ieps = p.IEPS
	}
	for _, t := range p.Topology {
		c.topology = slices.DeleteFunc(c.topology, func(x h248.TopologyRequest) bool {
			return key(x.From) == key(t.From) && key(x.To) == key(t.To)
		})
		if t.Direction != h248.Bothway {
			c.topology = append(c.topology, t) // bothway is the default
		}
	}
}

func (c *mgContext) audit(a *h248.ContextAttrAuditRequest) *h248.ContextRequest {
	r := &h248.ContextRequest{}
	if a.Priority {
		r.Priority = h248.Some(c.priority.Or(0))
	}
	if a.Emergency {
		r.Emergency = h248.Some(c.emergency.Or(false))
	}
	if a.IEPS {
		r.IEPS = h248.Some(c.ieps.Or(false))
	}
	if a.Topology {
		r.Topology = slices.Clone(c.topology)
	}
	if r.IsZero() {
		return nil
	}
	return r
}

// actionAll runs an action on Context=*: each command on every context,
// one action reply per context it touched, in context id order.
func (g *Gateway) actionAll(a *h248.ActionRequest) ([]h248.ActionReply, bool) {
	errReply := func(err *cmdError) ([]h248.ActionReply, bool) {
		return []h248.ActionReply{{ContextID: h248.ContextAll, Error: &err.ed}}, true
	}
	if a.Context != nil && !a.Context.IsZero() {
		return errReply(fail(h248.CodeSyntaxErrorInAction, "context properties for Context=*"))
	}
	ids := g.contextIDs()
	for _, cr := range a.Commands {
		switch cmd := cr.Command.(type) {
		case *h248.AmmRequest:
			if cmd.Verb != h248.CmdModify {
				return errReply(fail(h248.CodeSyntaxErrorInAction, "%v with Context=*", cmd.Verb))
			}
		case *h248.AuditRequest:
			n, limit := 0, g.auditLimit(&cmd.Audit)
			for _, t := range cmd.TerminationIDs {
				for _, id := range ids {
					if t.IsRoot() {
						n += len(g.ctxs[id].terms) // the list of each context
						limit = g.cfg.MaxAuditReplies * idsOnly
						continue
					}
					n += len(g.inContext(g.ctxs[id], t))
				}
			}
			if n > limit {
				return errReply(tooMany(n, limit))
			}
		case *h248.NotifyRequest, *h248.ServiceChangeRequest:
			return errReply(fail(h248.CodeSyntaxErrorInAction, "%v with Context=*", cmd.Kind()))
		}
	}
	var out []h248.ActionReply
	for _, id := range ids {
		c := g.ctxs[id]
		rep, stop := g.run(c, a, true)
		if len(rep.Commands) > 0 || rep.Error != nil || rep.Context != nil {
			out = append(out, rep)
		}
		g.reap(c)
		if stop {
			return out, true
		}
	}
	if len(out) == 0 {
		return errReply(fail(h248.CodeNoTerminationIDMatchedAWildcard, "No TerminationID matched a wildcard (no context matched)"))
	}
	return out, false
}

func tooMany(n, limit int) *cmdError {
	return fail(h248.CodeResponseExceedsMaximumTransportPDUSize,
		"%d terminations match, at most %d per audit: audit a narrower wildcard (tdm/*, rtp/*, mix/*, tdm/<trunk>/*, rtp/<digit>*)", n, limit)
}

func (g *Gateway) contextIDs() []h248.ContextID {
	ids := make([]h248.ContextID, 0, len(g.ctxs))
	for id := range g.ctxs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// find returns the termination with a concrete id, materializing an idle
// provisioned one; nil when there is none.
func (g *Gateway) find(id h248.TerminationID) *termination {
	if t, ok := g.terms[key(id)]; ok {
		return t
	}
	kind, num, _ := parseName(id)
	if kind == KindTDM && g.provisioned(num) {
		t := newTermination(tdmID(num>>16, num&0xFFFF), KindTDM, num)
		g.terms[key(t.id)] = t
		return t
	}
	return nil
}

func (g *Gateway) provisioned(tdmNum int) bool {
	tr, ts := tdmNum>>16, tdmNum&0xFFFF
	return tr >= 1 && tr <= g.cfg.Trunks && ts >= 1 && ts <= g.cfg.Timeslots
}

// forget drops an idle termination that holds nothing but defaults, so
// that idle provisioned terminations cost no memory.
func (g *Gateway) forget(t *termination) {
	if t.ctx != h248.ContextNull {
		return
	}
	if (t.kind == KindRTP || t.kind == KindMixer) && !t.dynamic || (t.events == nil && t.signals == nil &&
		t.digitMap == nil && t.eventBuffer == nil && t.service == h248.ServiceInService && !t.graceful &&
		t.tsProps == nil && t.observed == nil) {
		delete(g.terms, key(t.id))
	}
}

// ephemeral: the termination exists only while in a context (pool and
// accept-any terminations).
func (t *termination) ephemeral() bool { return t.dynamic || t.kind == KindRTP || t.kind == KindMixer }

// inContext returns the terminations of c matching pattern.
func (g *Gateway) inContext(c *mgContext, pattern h248.TerminationID) []*termination {
	var out []*termination
	for _, t := range c.terms {
		if match(pattern, t.id) {
			out = append(out, t)
		}
	}
	return out
}

// idle returns the terminations in the null context matching pattern:
// provisioned TDM terminations in trunk and timeslot order, then the
// others with state. Idle provisioned terminations without state come
// back fresh, not stored.
func (g *Gateway) idle(pattern h248.TerminationID) []*termination {
	var out []*termination
	if first, _, _ := strings.Cut(key(pattern), "/"); levelMatch(first, "tdm") {
		for tr := 1; tr <= g.cfg.Trunks; tr++ {
			for ts := 1; ts <= g.cfg.Timeslots; ts++ {
				id := tdmID(tr, ts)
				if !match(pattern, id) {
					continue
				}
				if t, ok := g.terms[key(id)]; ok {
					if t.ctx == h248.ContextNull {
						out = append(out, t)
					}
					continue
				}
				out = append(out, newTermination(id, KindTDM, tr<<16|ts))
			}
		}
	}
	var rest []*termination
	for _, t := range g.terms {
		if t.ctx == h248.ContextNull && !(t.kind == KindTDM && !t.dynamic) && match(pattern, t.id) {
			rest = append(rest, t)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return key(rest[i].id) < key(rest[j].id) })
	return append(out, rest...)
}

// matching returns the terminations a command on id in c addresses: a
// concrete id must be in c (430 when it does not exist, 435 when it is
// elsewhere); a wildcard must match at least one termination (431).
func (g *Gateway) matching(c *mgContext, id h248.TerminationID, all bool) ([]*termination, *cmdError) {
	if id.IsChoose() {
		return nil, fail(h248.CodeIncorrectIdentifier, "CHOOSE ($) is not allowed here: %s", id)
	}
	if !id.IsWildcard() {
		t := g.find(id)
		if t == nil && g.cfg.AcceptAny && c == nil {
			t = g.create(id)
		}
		if t == nil {
			return nil, fail(h248.CodeUnknownTerminationID, "Unknown TerminationID %s", id)
		}
		want := h248.ContextNull
		if c != nil {
			want = c.id
		}
		if t.ctx != want {
			g.forget(t)
			if all {
				return nil, nil
			}
			return nil, fail(h248.CodeTerminationsIDNotInSpecifiedContext, "TerminationID %s is not in context %v", id, want)
		}
		return []*termination{t}, nil
	}
	var ts []*termination
	if c == nil {
		ts = g.idle(id)
	} else {
		ts = g.inContext(c, id)
	}
	if len(ts) == 0 && !all {
		return nil, fail(h248.CodeNoTerminationIDMatchedAWildcard, "No TerminationID matched a wildcard: %s", id)
	}
	return ts, nil
}

// create makes an accept-any termination (not yet stored in a context).
func (g *Gateway) create(id h248.TerminationID) *termination {
	kind, num, _ := parseName(id)
	t := newTermination(id, kind, num)
	t.dynamic = true
	g.terms[key(id)] = t
	return t
}

// store keeps a fresh idle termination that got state.
func (g *Gateway) store(t *termination) {
	if _, ok := g.terms[key(t.id)]; !ok {
		g.terms[key(t.id)] = t
	}
}

// choose allocates the termination a CHOOSE id asks for: rtp/$ and mix/$
// from their pools (the next free number after the last one given, so
// that ids are not reused at once), tdm/<trunk>/$ (or tdm/$/$) the first
// idle timeslot, and with AcceptAny "<prefix>/$" a new number under any
// prefix.
func (g *Gateway) choose(id h248.TerminationID) (*termination, *cmdError) {
	levels := strings.Split(key(id), "/")
	switch {
	case len(levels) == 2 && levels[0] == "rtp" && levels[1] == "$":
		return g.fromPool("rtp", KindRTP, g.cfg.RTPPool)
	case len(levels) == 2 && levels[0] == "mix" && levels[1] == "$":
		return g.fromPool("mix", KindMixer, g.cfg.MixerPool)
	case len(levels) == 3 && levels[0] == "tdm" && levels[2] == "$" && g.cfg.Trunks > 0:
		pattern := h248.TerminationID(strings.ReplaceAll(string(id), "$", "*"))
		for _, t := range g.idle(pattern) {
			if t.kind == KindTDM && !t.dynamic && t.service == h248.ServiceInService && !t.graceful {
				g.store(t)
				return t, nil
			}
		}
		return nil, fail(h248.CodeOutOfTerminationIDsOrNoTerminationIDAvailable, "No idle timeslot matches %s", id)
	}
	if !g.cfg.AcceptAny {
		return nil, fail(h248.CodeUnknownTerminationID, "Unknown TerminationID %s (pools: rtp/$, mix/$, tdm/<trunk>/$)", id)
	}
	return g.chooseAny(levels)
}

func (g *Gateway) fromPool(prefix string, kind Kind, size int) (*termination, *cmdError) {
	start := g.next[prefix]
	for i := 0; i < size; i++ {
		n := (start+i)%size + 1
		id := poolID(prefix, n)
		if _, busy := g.terms[key(id)]; !busy {
			g.next[prefix] = n % size
			t := newTermination(id, kind, n)
			g.terms[key(id)] = t
			return t, nil
		}
	}
	return nil, fail(h248.CodeOutOfTerminationIDsOrNoTerminationIDAvailable, "Out of TerminationIDs: the %s pool of %d is in use", prefix, size)
}

// chooseAny fills the "$" of an accept-any name with a counter. Names
// whose levels are all 8-bit strings (Erlang/OTP megaco's default binary
// naming, three levels of 8 bits) get the counter as 8-bit levels up to
// the third: "00000010/$" is 00000010/<high>/<low>.
func (g *Gateway) chooseAny(levels []string) (*termination, *cmdError) {
	i := slices.Index(levels, "$")
	prefix := strings.Join(levels[:i], "/")
	bits := i > 0
	for _, l := range levels[:i] {
		if len(l) != 8 || strings.Trim(l, "01") != "" {
			bits = false
		}
	}
	width := 1
	if bits && i < 3 {
		width = 3 - i
	}
	limit := 1 << 30
	if bits {
		limit = 1<<(8*width) - 1
	}
	for tries := 0; tries < 1<<16; tries++ {
		n := g.next["any:"+prefix]%limit + 1
		g.next["any:"+prefix] = n
		var lv []string
		if bits {
			for b := width - 1; b >= 0; b-- {
				lv = append(lv, fmt.Sprintf("%08b", (n>>(8*b))&0xFF))
			}
		} else {
			lv = []string{strconv.Itoa(n)}
		}
		name := append(slices.Clone(levels[:i]), lv...)
		name = append(name, levels[i+1:]...)
		id := h248.TerminationID(strings.ReplaceAll(strings.Join(name, "/"), "$", "1"))
		if _, busy := g.terms[key(id)]; !busy {
			return g.create(id), nil
		}
	}
	return nil, fail(h248.CodeOutOfTerminationIDsOrNoTerminationIDAvailable, "Out of TerminationIDs under %s", prefix)
}

// forAdd resolves the termination an Add names: CHOOSE allocates; a
// concrete id must exist idle (433 when it is in a context), or be a free
// pool number, or anything with AcceptAny.
func (g *Gateway) forAdd(id h248.TerminationID) (*termination, *cmdError) {
	if id.IsRoot() {
		return nil, fail(h248.CodeCommandNotAllowedOnThisTermination, "Add of ROOT")
	}
	if id.IsChoose() {
		return g.choose(id)
	}
	if id.IsWildcard() {
		return nil, fail(h248.CodeSyntaxErrorInCommand, "Add of a wildcard %s", id)
	}
	if t := g.find(id); t != nil {
		if t.ctx != h248.ContextNull {
			return nil, fail(h248.CodeTerminationIDAlreadyInContext, "TerminationID is already in a Context %d", t.ctx)
		}
		return t, nil
	}
	kind, num, _ := parseName(id)
	switch {
	case kind == KindRTP && num <= g.cfg.RTPPool, kind == KindMixer && num <= g.cfg.MixerPool:
		t := newTermination(h248.TerminationID(key(id)), kind, num)
		g.terms[key(id)] = t
		return t, nil
	case g.cfg.AcceptAny:
		return g.create(id), nil
	}
	return nil, fail(h248.CodeUnknownTerminationID, "Unknown TerminationID %s", id)
}

// link puts t into c.
func (g *Gateway) link(c *mgContext, t *termination) {
	t.ctx = c.id
	t.added = g.now()
	if t.isAnswered() {
		t.answered = t.added
	}
	c.terms = append(c.terms, t)
}

// unlink takes t out of its context (which is reaped by the caller).
func (g *Gateway) unlink(t *termination) {
	if c, ok := g.ctxs[t.ctx]; ok {
		c.terms = slices.DeleteFunc(c.terms, func(x *termination) bool { return x == t })
	}
	t.ctx = h248.ContextNull
}

// release returns a subtracted termination to the null context: an
// ephemeral one ceases to exist, a provisioned one gets its defaults back
// (and goes out of service if a Graceful ServiceChange waits for it).
func (g *Gateway) release(t *termination) {
	g.unlink(t)
	if t.ephemeral() {
		delete(g.terms, key(t.id))
		return
	}
	t.reset()
	if t.graceful {
		t.graceful, t.service = false, h248.ServiceOutOfService
	}
	g.forget(t)
}
