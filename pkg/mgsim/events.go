package mgsim

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/megaco/megaco/pkg/h248"
)

// Errors of the gateway's own initiatives.
var (
	// ErrNotRequested: the MGC has not asked for the event on the
	// termination (no Events descriptor holds it), so there is nothing
	// to notify.
	ErrNotRequested = errors.New("mgsim: event not requested by the MGC")
	// ErrUnknownTermination: no such termination.
	ErrUnknownTermination = errors.New("mgsim: unknown termination")
)

// DefaultInactivity is the maximum inactivity time of an it/ito event
// requested without mit.
const DefaultInactivity = 30 * time.Second

// Observe reports events detected on termination id and returns the
// Notify the MG sends: the observed events the termination's Events
// descriptor requests, under its request id, in the termination's
// context. The first requested event that occurs applies its actions: an
// embedded Events descriptor replaces the current one, embedded Signals
// replace the current signals, and without KeepActive the current signals
// stop. Events not requested are left out; none requested is
// ErrNotRequested.
func (g *Gateway) Observe(id h248.TerminationID, events ...h248.ObservedEvent) ([]h248.ActionRequest, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	t := g.find(id)
	if t == nil {
		return nil, fmt.Errorf("%w: %s", ErrUnknownTermination, id)
	}
	defer g.forget(t)
	if t.events == nil {
		return nil, fmt.Errorf("%w: %s has no Events descriptor", ErrNotRequested, id)
	}
	rid := t.events.RequestID.Value
	var seen []h248.ObservedEvent
	var first *h248.RequestedEvent
	for _, ev := range events {
		re := requested(t.events, ev.Name)
		if re == nil {
			continue
		}
		if first == nil {
			first = re
		}
		seen = append(seen, ev)
	}
	if first == nil {
		names := make([]string, len(events))
		for i, e := range events {
			names[i] = e.Name
		}
		return nil, fmt.Errorf("%w: %s on %s (requested: %s)", ErrNotRequested, strings.Join(names, ","), id, eventNames(t.events))
	}
	if !first.Action.KeepActive {
		t.signals = nil
	}
	if se := first.Action.SecondEvent; se != nil {
		if se.RequestID.Set {
			t.events = se
		} else {
			t.events = nil
		}
	}
	if sg := first.Action.Signals; sg != nil && len(sg.Signals) > 0 {
		t.signals = sg
	}
	oe := h248.ObservedEventsDescriptor{RequestID: rid, Events: seen}
	t.observed = &oe
	return notify(t.ctx, t.id, oe), nil
}

func notify(ctx h248.ContextID, id h248.TerminationID, oe h248.ObservedEventsDescriptor) []h248.ActionRequest {
	return []h248.ActionRequest{{ContextID: ctx, Commands: []h248.CommandRequest{{Command: &h248.NotifyRequest{
		TerminationIDs: []h248.TerminationID{id}, ObservedEvents: oe}}}}}
}

// requested returns the requested event named name ("al/of"; "al/*" in
// the descriptor requests every event of al).
func requested(ed *h248.EventsDescriptor, name string) *h248.RequestedEvent {
	pkg, _, _ := strings.Cut(name, "/")
	for i := range ed.Events {
		re := &ed.Events[i]
		if strings.EqualFold(re.Name, name) || strings.EqualFold(re.Name, pkg+"/*") || re.Name == "*/*" {
			return re
		}
	}
	return nil
}

func eventNames(ed *h248.EventsDescriptor) string {
	var ns []string
	for _, e := range ed.Events {
		ns = append(ns, e.Name)
	}
	return strings.Join(ns, ",")
}

// Requested reports whether the MGC asked for event name on termination
// id.
func (g *Gateway) Requested(id h248.TerminationID, name string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	t, ok := g.terms[key(id)]
	return ok && t.events != nil && requested(t.events, name) != nil
}

// DigitEvents are the events that report digits dialled on a
// termination: one dd/ce (digit map completion, ds and Meth=FM) when it is
// requested, else one dd/d0...dd/d9, dd/ds (*), dd/do (#), dd/da-dd/dd per
// digit.
func (g *Gateway) DigitEvents(id h248.TerminationID, digits string) []h248.ObservedEvent {
	if g.Requested(id, "dd/ce") {
		return []h248.ObservedEvent{{Name: "dd/ce", Params: []h248.EventParameter{
			{Name: "ds", Value: h248.Single(h248.Quoted(digits))},
			{Name: "Meth", Value: h248.Single(h248.Unquoted("FM"))}}}}
	}
	var evs []h248.ObservedEvent
	for _, d := range strings.ToLower(digits) {
		var n string
		switch {
		case d >= '0' && d <= '9', d >= 'a' && d <= 'd':
			n = "dd/d" + string(d)
		case d == '*':
			n = "dd/ds"
		case d == '#':
			n = "dd/do"
		default:
			continue
		}
		evs = append(evs, h248.ObservedEvent{Name: n})
	}
	return evs
}

// Inactivity returns the maximum inactivity time and request id of the
// it/ito event on ROOT, and false when the MGC has not asked for it.
func (g *Gateway) Inactivity() (time.Duration, h248.RequestID, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ed := g.root.events
	if ed == nil {
		return 0, 0, false
	}
	re := requested(ed, "it/ito")
	if re == nil {
		return 0, 0, false
	}
	d := DefaultInactivity
	for _, p := range re.Params {
		if strings.EqualFold(p.Name, "mit") && len(p.Value.Values) > 0 {
			if n, err := strconv.ParseUint(p.Value.Values[0].Text, 10, 32); err == nil && n > 0 {
				d = time.Duration(n) * g.cfg.InactivityUnit
			}
		}
	}
	return d, ed.RequestID.Value, true
}

// InactivityNotify returns the Notify of an inactivity timeout: it/ito
// observed on ROOT, or ErrNotRequested.
func (g *Gateway) InactivityNotify() ([]h248.ActionRequest, error) {
	_, rid, ok := g.Inactivity()
	if !ok {
		return nil, fmt.Errorf("%w: it/ito on ROOT", ErrNotRequested)
	}
	return notify(h248.ContextNull, h248.Root, h248.ObservedEventsDescriptor{RequestID: rid,
		Events: []h248.ObservedEvent{{Name: "it/ito"}}}), nil
}

// setOnRoot sets the function called when ROOT's events change.
func (g *Gateway) setOnRoot(f func()) {
	g.mu.Lock()
	g.onRoot = f
	g.mu.Unlock()
}

// TerminationInfo is what the model holds of a termination.
type TerminationInfo struct {
	ID        h248.TerminationID
	Kind      Kind
	Context   h248.ContextID // ContextNull when idle
	Mode      h248.StreamMode
	Service   h248.ServiceState
	Graceful  bool
	RequestID h248.Opt[h248.RequestID] // of the Events descriptor in force
	Events    []string                 // the requested events
	Signals   []string                 // the signals in force
	Local     string                   // Local SDP
	Remote    string                   // Remote SDP
}

// ContextInfo is a context: its terminations in the order they were
// added, whether it is a mixer (a mix/ termination, or three or more
// terminations) and whether it is answered (every termination
// SendReceive; a mixer: at least one).
type ContextInfo struct {
	ID           h248.ContextID
	Terminations []h248.TerminationID
	Mixer        bool
	Answered     bool
}

func (c *mgContext) mixer() bool {
	if len(c.terms) >= 3 {
		return true
	}
	return slices.ContainsFunc(c.terms, func(t *termination) bool { return t.kind == KindMixer })
}

func (c *mgContext) answered() bool {
	if len(c.terms) == 0 {
		return false
	}
	if c.mixer() {
		return slices.ContainsFunc(c.terms, (*termination).isAnswered)
	}
	return !slices.ContainsFunc(c.terms, func(t *termination) bool { return !t.isAnswered() })
}

func (c *mgContext) info() ContextInfo {
	ci := ContextInfo{ID: c.id, Mixer: c.mixer(), Answered: c.answered()}
	for _, t := range c.terms {
		ci.Terminations = append(ci.Terminations, t.id)
	}
	return ci
}

func (t *termination) info() TerminationInfo {
	ti := TerminationInfo{ID: t.id, Kind: t.kind, Context: t.ctx, Mode: t.mode, Service: t.service, Graceful: t.graceful}
	if t.events != nil {
		ti.RequestID = t.events.RequestID
		for _, e := range t.events.Events {
			ti.Events = append(ti.Events, e.Name)
		}
	}
	if t.signals != nil {
		for _, s := range t.signals.Signals {
			if s.List != nil {
				for _, x := range s.List.Signals {
					ti.Signals = append(ti.Signals, x.Name)
				}
				continue
			}
			ti.Signals = append(ti.Signals, s.Signal.Name)
		}
	}
	if t.local != nil {
		ti.Local = t.local.SDP
	}
	if t.remote != nil {
		ti.Remote = t.remote.SDP
	}
	return ti
}

// ContextList returns the contexts in id order.
func (g *Gateway) ContextList() []ContextInfo {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []ContextInfo
	for _, id := range g.contextIDs() {
		out = append(out, g.ctxs[id].info())
	}
	return out
}

// Context returns one context.
func (g *Gateway) Context(id h248.ContextID) (ContextInfo, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.ctxs[id]
	if !ok {
		return ContextInfo{}, false
	}
	return c.info(), true
}

// Termination returns what the model holds of a termination (an idle
// provisioned one has its defaults).
func (g *Gateway) Termination(id h248.TerminationID) (TerminationInfo, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	t := g.find(id)
	if t == nil {
		return TerminationInfo{}, false
	}
	defer g.forget(t)
	return t.info(), true
}

// Terminations returns the terminations that are in a context or hold
// state (events, signals, a service state) while idle, by id.
func (g *Gateway) Terminations() []TerminationInfo {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]TerminationInfo, 0, len(g.terms))
	for _, t := range g.terms {
		out = append(out, t.info())
	}
	slices.SortFunc(out, func(a, b TerminationInfo) int { return strings.Compare(key(a.ID), key(b.ID)) })
	return out
}

// Requests returns how many transaction requests Execute ran.
func (g *Gateway) Requests() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.requests
}

// WarmRestart is what survives a warm restart (seed 000: the engine
// rebuilds only active calls): answered contexts stay with all their
// state; unanswered ones are dropped; idle terminations lose their events
// and signals; ROOT loses its events (it/ito). It returns the contexts
// kept and dropped.
func (g *Gateway) WarmRestart() (kept, dropped []h248.ContextID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, id := range g.contextIDs() {
		c := g.ctxs[id]
		if c.answered() {
			kept = append(kept, id)
			continue
		}
		dropped = append(dropped, id)
		g.dropContext(c)
	}
	g.resetIdle()
	g.root.events = nil
	return kept, dropped
}

// ColdRestart drops every context and all state: the gateway as new.
func (g *Gateway) ColdRestart() (dropped []h248.ContextID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, id := range g.contextIDs() {
		dropped = append(dropped, id)
		g.dropContext(g.ctxs[id])
	}
	g.resetIdle()
	for _, t := range g.terms {
		t.service, t.graceful = h248.ServiceInService, false
		g.forget(t)
	}
	g.root = rootState{service: h248.ServiceInService}
	return dropped
}

func (g *Gateway) dropContext(c *mgContext) {
	for _, t := range slices.Clone(c.terms) {
		g.release(t)
	}
	delete(g.ctxs, c.id)
}

func (g *Gateway) resetIdle() {
	for _, t := range g.terms {
		if t.ctx == h248.ContextNull {
			t.reset()
			g.forget(t)
		}
	}
}

// ServiceChange applies a ServiceChange the MG announces on ids (none or
// ROOT: the whole gateway; wildcards allowed). Forced takes terminations
// out of service at once and out of their contexts (ROOT: every context
// is dropped); Graceful marks them: an idle one goes out of service now, one
// in a context when it is subtracted or when GracefulDone is called (ROOT:
// no new Adds, 521); Restart puts them back in service. It returns the
// contexts dropped.
func (g *Gateway) ServiceChange(method h248.ServiceChangeMethod, ids ...h248.TerminationID) ([]h248.ContextID, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(ids) == 0 || (len(ids) == 1 && ids[0].IsRoot()) {
		var dropped []h248.ContextID
		switch method {
		case h248.MethodForced:
			for _, id := range g.contextIDs() {
				dropped = append(dropped, id)
				g.dropContext(g.ctxs[id])
			}
			g.root.service, g.root.graceful = h248.ServiceOutOfService, false
		case h248.MethodGraceful:
			g.root.graceful = true
		case h248.MethodRestart:
			g.root.service, g.root.graceful = h248.ServiceInService, false
		}
		return dropped, nil
	}
	ts, err := g.everywhere(ids)
	if err != nil {
		return nil, err
	}
	var dropped []h248.ContextID
	for _, t := range ts {
		g.store(t)
		switch method {
		case h248.MethodForced:
			t.service, t.graceful = h248.ServiceOutOfService, false
			if t.ctx != h248.ContextNull {
				c := g.ctxs[t.ctx]
				g.release(t)
				if len(c.terms) == 0 {
					dropped = append(dropped, c.id)
					g.reap(c)
				}
			}
		case h248.MethodGraceful:
			if t.ctx == h248.ContextNull {
				t.service = h248.ServiceOutOfService
			} else {
				t.graceful = true
			}
		case h248.MethodRestart:
			t.service, t.graceful = h248.ServiceInService, false
		}
		g.forget(t)
	}
	return dropped, nil
}

// GracefulDone ends the delay of a Graceful ServiceChange on ids (none or
// ROOT: the gateway): the terminations still marked go out of service,
// staying in their contexts for the MGC to subtract.
func (g *Gateway) GracefulDone(ids ...h248.TerminationID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(ids) == 0 || (len(ids) == 1 && ids[0].IsRoot()) {
		if g.root.graceful {
			g.root.graceful, g.root.service = false, h248.ServiceOutOfService
		}
		return
	}
	ts, _ := g.everywhere(ids)
	for _, t := range ts {
		if t.graceful {
			t.graceful, t.service = false, h248.ServiceOutOfService
		}
		g.forget(t)
	}
}

// everywhere returns the terminations matching ids in every context and
// idle.
func (g *Gateway) everywhere(ids []h248.TerminationID) ([]*termination, error) {
	var out []*termination
	for _, id := range ids {
		if !id.IsWildcard() {
			t := g.find(id)
			if t == nil {
				return nil, fmt.Errorf("%w: %s", ErrUnknownTermination, id)
			}
			out = append(out, t)
			continue
		}
		n := len(out)
		out = append(out, g.idle(id)...)
		for _, cid := range g.contextIDs() {
			out = append(out, g.inContext(g.ctxs[cid], id)...)
		}
		if len(out) == n {
			return nil, fmt.Errorf("%w: nothing matches %s", ErrUnknownTermination, id)
		}
	}
	return out, nil
}
