package mgc

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/megaco/megaco/pkg/callstore"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
)

// syncSession collects the application's decisions during the sync
// callbacks of one resync.
type syncSession struct {
	refusedLegs   map[LegID]bool
	refusedMixers map[MixerID]bool
	refusedLinks  map[[2]LegID]bool
	boundLegs     map[LegID]any
	boundMixers   map[MixerID]any
}

func newSyncSession() *syncSession {
	return &syncSession{refusedLegs: map[LegID]bool{}, refusedMixers: map[MixerID]bool{},
		refusedLinks: map[[2]LegID]bool{}, boundLegs: map[LegID]any{}, boundMixers: map[MixerID]any{}}
}

// RefuseLeg, during OnCallLegSync, removes an offered leg from its MG.
func (c *Controller) RefuseLeg(id LegID) {
	c.decide(func(s *syncSession) { s.refusedLegs[id.key()] = true })
}

// RefuseMixer, during OnMixerSync, removes an offered mixer, the legs in
// it included, from its MG.
func (c *Controller) RefuseMixer(id MixerID) {
	c.decide(func(s *syncSession) { s.refusedMixers[id] = true })
}

// RefuseLink, during OnLinkSync, separates two linked legs: on one MG, b
// leaves the shared context for a new one; across MGs they are no longer
// peers.
func (c *Controller) RefuseLink(a, b LegID) {
	c.decide(func(s *syncSession) { s.refusedLinks[[2]LegID{a.key(), b.key()}] = true })
}

// RefuseMixerLink, during OnMixerLinkSync, takes a leg off a mixer: the
// leg is removed from its MG.
func (c *Controller) RefuseMixerLink(id LegID, _ MixerID) { c.RefuseLeg(id) }

// BindCallLeg attaches the application's data to a leg (during
// OnCallLegSync, or any time).
func (c *Controller) BindCallLeg(id LegID, data any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sync != nil {
		c.sync.boundLegs[id.key()] = data
	}
	if l, err := c.legLocked(id); err == nil {
		l.Data = data
	}
}

// BindMixer attaches the application's data to a mixer.
func (c *Controller) BindMixer(id MixerID, data any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sync != nil {
		c.sync.boundMixers[id] = data
	}
	if m, ok := c.mgs[id.MG]; ok {
		if x := m.mixers[id.Context]; x != nil {
			x.Data = data
		}
	}
}

func (c *Controller) decide(f func(*syncSession)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sync != nil {
		f(c.sync)
	}
}

// back resynchronises an MG that (re)registered. Known and only lost (the
// dead timer still running): scenario 1. Dead, or unknown (the controller
// has no memory of it): what the MG holds is offered, scenarios 2 and 3.
func (c *Controller) back(mid h248.MID, conn *megaco.Conn, method h248.ServiceChangeMethod) {
	c.mu.Lock()
	m, ok := c.mgs[mid]
	if !ok {
		m = newMGEntry(mid, conn)
		c.mgs[mid] = m
	}
	c.mu.Unlock()
	m.resyncing.Lock()
	defer m.resyncing.Unlock()

	c.mu.Lock()
	m.conn, m.registered = conn, true
	wasReady := m.state == MGReady
	c.mu.Unlock()
	if wasReady {
		// The MG restarted before the controller noticed: it was lost.
		c.lost(mid, fmt.Errorf("mgc: MG re-registered (%v)", method))
	}
	c.mu.Lock()
	if m.deadTimer != nil {
		m.deadTimer.Stop()
	}
	m.state, m.graceful = MGResyncing, false
	m.resyncs++
	c.mu.Unlock()

	ctx := context.Background()
	found, err := c.auditContexts(ctx, mid)
	if err != nil {
		c.log.Warn("resync audit failed", zap.Stringer("mg", mid), zap.Error(err))
		c.lost(mid, err)
		return
	}
	c.log.Info("resync", zap.Stringer("mg", mid), zap.Int("contexts", len(found)))
	c.resync(ctx, m, found)
	c.requestInactivity(ctx, mid)
	c.mu.Lock()
	m.state = MGReady
	m.heard = time.Now()
	c.mu.Unlock()
	c.callback(func(a Application) { a.OnCmcLibReady(mid) })
}

// Resync audits the MG at the other end of conn now and brings the model
// in line with it, as when the MG registers: what a controller that took
// over does for each MG it restored, rather than wait to hear from it.
// It returns when the resync is done.
func (c *Controller) Resync(conn *megaco.Conn) {
	c.mu.Lock()
	if m, ok := c.mgs[conn.RemoteMID()]; ok {
		m.conn = conn
	}
	c.mu.Unlock()
	c.back(conn.RemoteMID(), conn, h248.MethodRestart)
}

// foundTerm is a termination an audit found in a context.
type foundTerm struct {
	id            h248.TerminationID
	mode          h248.Opt[h248.StreamMode]
	local, remote string
}

func (t foundTerm) answered() bool { return t.mode.Set && t.mode.Value == h248.SendRecv }

// foundContext is a context an audit found on an MG.
type foundContext struct {
	id    h248.ContextID
	terms []foundTerm
}

// placed is a termination to remove from an MG.
type placed struct {
	context h248.ContextID
	term    h248.TerminationID
}

// resync diffs what the MG holds against the model (scenario 1): known
// active legs and mixers still there stay (OnSyncDone, OnMixerSyncDone)
// with their links rebuilt from the contexts; incomplete or releasing
// legs end and are removed from the MG; vanished ones end. What is left
// on the MG is offered.
func (c *Controller) resync(ctx context.Context, m *mgEntry, found []foundContext) {
	mid := m.mid
	byTerm := map[LegID]h248.ContextID{}
	for _, fc := range found {
		for _, t := range fc.terms {
			byTerm[LegID{MG: mid, Termination: t.id}.key()] = fc.id
		}
	}
	c.mu.Lock()
	var dropped, vanished, done []LegInfo
	var endedMixers, doneMixers []MixerInfo
	var remove []placed
	skip := map[LegID]bool{}
	for k := range m.releasing {
		if cid, ok := byTerm[k]; ok && m.legs[k] == nil {
			remove = append(remove, placed{cid, k.Termination})
			skip[k] = true
		}
	}
	for k, l := range m.legs {
		cid, there := byTerm[k]
		switch {
		case l.State != LegActive || m.releasing[k]:
			dropped = append(dropped, l.info())
			if there {
				remove = append(remove, placed{cid, l.ID.Termination})
				skip[k] = true
			}
		case !there:
			vanished = append(vanished, l.info())
		default:
			l.Context = cid
			continue
		}
		c.removeLegLocked(m, l.ID)
	}
	m.releasing = map[LegID]bool{}
	for cid, x := range m.mixers {
		if fc := foundByID(found, cid); fc == nil || !hasTerm(fc, x.Port) {
			for _, l := range x.Legs {
				l.Mixer = nil
			}
			endedMixers = append(endedMixers, x.info())
			delete(m.mixers, cid)
		}
	}
	c.relinkLocked(m, found)
	for _, l := range m.legs {
		done = append(done, l.info())
	}
	for _, x := range m.mixers {
		doneMixers = append(doneMixers, x.info())
	}
	c.mu.Unlock()

	c.removeAll(ctx, mid, remove)
	c.terminated(dropped, nil, ErrDropped)
	c.terminated(vanished, endedMixers, ErrVanished)
	c.record(events(callstore.LegKept, done, "", nil, nil)...)
	c.callback(func(a Application) {
		for _, l := range done {
			a.OnSyncDone(l)
		}
		for _, x := range doneMixers {
			a.OnMixerSyncDone(x)
		}
	})
	c.offer(ctx, m, found, skip)
}

func foundByID(found []foundContext, cid h248.ContextID) *foundContext {
	for i := range found {
		if found[i].id == cid {
			return &found[i]
		}
	}
	return nil
}

func hasTerm(fc *foundContext, t h248.TerminationID) bool {
	if t == "" {
		return true
	}
	for _, ft := range fc.terms {
		if sameTerm(ft.id, t) {
			return true
		}
	}
	return false
}

// relinkLocked rebuilds the links of an MG's known legs from the contexts
// found: two legs alone in a context are linked, legs in a mixer's context
// join it. Links across MGs stay while both legs stay.
func (c *Controller) relinkLocked(m *mgEntry, found []foundContext) {
	for _, fc := range found {
		var legs []*Leg
		for _, t := range fc.terms {
			if l := m.legs[LegID{MG: m.mid, Termination: t.id}.key()]; l != nil {
				legs = append(legs, l)
			}
		}
		if x := m.mixers[fc.id]; x != nil {
			x.Legs = nil
			for _, l := range legs {
				l.Mixer = x
				x.Legs = append(x.Legs, l)
			}
			continue
		}
		if len(legs) == 2 {
			legs[0].Peer, legs[1].Peer = legs[1], legs[0]
		}
	}
}

// offering is what one resync offers the application.
type offering struct {
	legs       []*Leg
	mixers     []*Mixer
	links      [][2]*Leg
	mixerLinks []*Leg // each with its Mixer set
}

// offer hands what an MG holds and the controller does not know to the
// application (scenarios 2 and 3): unanswered legs are dropped from the
// MG as the seed's engine drops them; answered ones, mixers and links go
// through the sync callbacks, and what the application refuses is removed
// from the MG.
func (c *Controller) offer(ctx context.Context, m *mgEntry, found []foundContext, skip map[LegID]bool) {
	mid := m.mid
	var of offering
	var remove []placed
	c.mu.Lock()
	for _, fc := range found {
		x := m.mixers[fc.id]
		var present []h248.TerminationID // what stays in the context
		var ctxLegs, newLegs []*Leg
		var port h248.TerminationID
		for _, t := range fc.terms {
			k := LegID{MG: mid, Termination: t.id}.key()
			switch {
			case skip[k]:
				continue
			case x != nil && sameTerm(t.id, x.Port):
			case m.legs[k] != nil:
				ctxLegs = append(ctxLegs, m.legs[k])
			case c.isMixerPort(t.id):
				port = t.id
			case !t.answered():
				remove = append(remove, placed{fc.id, t.id})
				continue
			default:
				l := &Leg{ID: LegID{MG: mid, Termination: t.id}, Context: fc.id, State: LegActive, LocalSDP: t.local, RemoteSDP: t.remote}
				m.legs[k] = l
				ctxLegs = append(ctxLegs, l)
				newLegs = append(newLegs, l)
				of.legs = append(of.legs, l)
			}
			present = append(present, t.id)
		}
		if len(newLegs) == 0 && port == "" {
			continue
		}
		// New legs join the call of a known leg or mixer there, or make
		// one of their own.
		call := newCallID()
		if x != nil {
			call = x.Call
		} else if len(ctxLegs) > len(newLegs) {
			call = ctxLegs[0].Call
		}
		for _, l := range newLegs {
			l.Call = call
		}
		if x == nil && c.cfg.IsMixer(present) {
			x = &Mixer{ID: MixerID{MG: mid, Context: fc.id}, Port: port, Call: call}
			m.mixers[fc.id] = x
			of.mixers = append(of.mixers, x)
			newLegs = ctxLegs // every leg of a new mixer is a new mixer link
		}
		switch {
		case x != nil:
			for _, l := range newLegs {
				l.Mixer = x
				x.Legs = append(x.Legs, l)
				of.mixerLinks = append(of.mixerLinks, l)
			}
		case len(ctxLegs) == 2:
			ctxLegs[0].Peer, ctxLegs[1].Peer = ctxLegs[1], ctxLegs[0]
			of.links = append(of.links, [2]*Leg{ctxLegs[0], ctxLegs[1]})
		}
	}
	of.links = append(of.links, c.linkAcrossLocked(m, of.legs)...)
	legs, mixers, links, mixerLinks := of.infos()
	c.mu.Unlock()

	c.removeAll(ctx, mid, remove)
	if len(legs)+len(mixers) == 0 {
		return
	}
	sess := newSyncSession()
	c.callback(func(a Application) {
		c.setSync(sess)
		defer c.setSync(nil)
		for _, l := range legs {
			a.OnCallLegSync(l)
		}
		for _, x := range mixers {
			a.OnMixerSync(x)
		}
		for _, ln := range links {
			a.OnLinkSync(ln[0], ln[1])
		}
		for _, ml := range mixerLinks {
			a.OnMixerLinkSync(ml.leg, ml.mixer)
		}
	})
	c.apply(ctx, m, sess, of)
}

// mixerLink is a leg on a mixer, as offered.
type mixerLink struct {
	leg   LegInfo
	mixer MixerInfo
}

// infos copies an offering for the callbacks.
func (of *offering) infos() (legs []LegInfo, mixers []MixerInfo, links [][2]LegInfo, mixerLinks []mixerLink) {
	for _, l := range of.legs {
		legs = append(legs, l.info())
	}
	for _, x := range of.mixers {
		mixers = append(mixers, x.info())
	}
	for _, ln := range of.links {
		links = append(links, [2]LegInfo{ln[0].info(), ln[1].info()})
	}
	for _, l := range of.mixerLinks {
		mixerLinks = append(mixerLinks, mixerLink{l.info(), l.Mixer.info()})
	}
	return
}

func (c *Controller) setSync(s *syncSession) {
	c.mu.Lock()
	c.sync = s
	c.mu.Unlock()
}

// linkAcrossLocked links offered RTP legs with legs on other MGs whose
// Local SDP is their Remote, and back: identity across MGs.
func (c *Controller) linkAcrossLocked(m *mgEntry, offered []*Leg) [][2]*Leg {
	var links [][2]*Leg
	for _, l := range offered {
		if l.Peer != nil || l.RemoteSDP == "" {
			continue
		}
	search:
		for _, other := range c.mgs {
			if other == m {
				continue
			}
			for _, o := range other.legs {
				if o.Peer == nil && sameSDP(o.LocalSDP, l.RemoteSDP) && sameSDP(o.RemoteSDP, l.LocalSDP) {
					l.Peer, o.Peer = o, l
					l.Call = o.Call
					links = append(links, [2]*Leg{l, o})
					break search
				}
			}
		}
	}
	return links
}

// sameSDP compares session descriptions line by line, ignoring blank
// lines and surrounding space.
func sameSDP(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	la, lb := sdpLines(a), sdpLines(b)
	if len(la) != len(lb) {
		return false
	}
	for i := range la {
		if la[i] != lb[i] {
			return false
		}
	}
	return true
}

func sdpLines(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// sameTerm compares termination ids, which are case-insensitive.
func sameTerm(a, b h248.TerminationID) bool { return strings.EqualFold(string(a), string(b)) }

// apply carries out the application's decisions on an offering.
func (c *Controller) apply(ctx context.Context, m *mgEntry, sess *syncSession, of offering) {
	mid := m.mid
	var remove []placed
	var removeContexts []h248.ContextID
	var separate []h248.TerminationID
	c.mu.Lock()
	for _, x := range of.mixers {
		if !sess.refusedMixers[x.ID] {
			continue
		}
		for _, l := range x.Legs {
			c.removeLegLocked(m, l.ID)
		}
		delete(m.mixers, x.ID.Context)
		removeContexts = append(removeContexts, x.ID.Context)
	}
	for _, l := range of.legs {
		if sess.refusedLegs[l.ID.key()] && m.legs[l.ID.key()] == l {
			remove = append(remove, placed{l.Context, l.ID.Termination})
			c.removeLegLocked(m, l.ID)
		}
	}
	for _, ln := range of.links {
		a, b := ln[0], ln[1]
		if !sess.refusedLinks[[2]LegID{a.ID.key(), b.ID.key()}] || a.Peer != b {
			continue
		}
		a.Peer, b.Peer = nil, nil
		if a.ID.MG == b.ID.MG {
			separate = append(separate, b.ID.Termination)
		}
	}
	for _, l := range of.legs {
		if data, ok := sess.boundLegs[l.ID.key()]; ok {
			l.Data = data
		}
	}
	for _, x := range of.mixers {
		if data, ok := sess.boundMixers[x.ID]; ok {
			x.Data = data
		}
	}
	var synced []LegInfo
	var syncedMixers []MixerInfo
	for _, l := range of.legs {
		if m.legs[l.ID.key()] == l {
			synced = append(synced, l.info())
		}
	}
	for _, x := range of.mixers {
		if m.mixers[x.ID.Context] == x {
			syncedMixers = append(syncedMixers, x.info())
		}
	}
	c.mu.Unlock()

	c.removeAll(ctx, mid, remove)
	for _, cid := range removeContexts {
		c.remove(ctx, mid, placed{cid, "*"})
	}
	for _, t := range separate {
		c.moveToNewContext(ctx, mid, t)
	}
	c.record(events(callstore.LegOffered, synced, callstore.MixerCreated, syncedMixers, nil)...)
	// The seed confirms the legs it keeps once the decisions are applied.
	c.callback(func(a Application) {
		for _, l := range synced {
			a.OnSyncDone(l)
		}
		for _, x := range syncedMixers {
			a.OnMixerSyncDone(x)
		}
	})
}

func (c *Controller) removeAll(ctx context.Context, mid h248.MID, ps []placed) {
	for _, p := range ps {
		c.remove(ctx, mid, p)
	}
}

// remove subtracts a termination (or "*", a whole context) at a resync;
// failures are logged, the next resync sees what is left.
func (c *Controller) remove(ctx context.Context, mid h248.MID, p placed) {
	replies, err := c.call(ctx, mid, []h248.ActionRequest{{ContextID: p.context,
		Commands: []h248.CommandRequest{{Command: &h248.SubtractRequest{TerminationIDs: []h248.TerminationID{p.term}}}}}})
	if err == nil {
		err = replyError(replies)
	}
	if err != nil {
		c.log.Info("subtract at resync", zap.Stringer("mg", mid), zap.Stringer("context", p.context), zap.String("termination", string(p.term)), zap.Error(err))
	}
}

// moveToNewContext separates a leg from its link; the model follows the
// new context.
func (c *Controller) moveToNewContext(ctx context.Context, mid h248.MID, t h248.TerminationID) {
	replies, err := c.call(ctx, mid, []h248.ActionRequest{{ContextID: h248.ContextChoose,
		Commands: []h248.CommandRequest{single(h248.CmdMove, t)}}})
	if err == nil {
		err = replyError(replies)
	}
	if err != nil {
		c.log.Info("move at resync", zap.Stringer("mg", mid), zap.String("termination", string(t)), zap.Error(err))
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, err := c.legLocked(LegID{MG: mid, Termination: t}); err == nil {
		l.Context = replies[0].ContextID
	}
}
