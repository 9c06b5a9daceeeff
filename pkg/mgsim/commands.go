package mgsim

import (
	"strings"

	"github.com/megaco/megaco/pkg/h248"
)

// command runs one command in c (nil: the null context).
func (g *Gateway) command(c *mgContext, cr h248.CommandRequest, all bool) ([]h248.CommandReply, *cmdError) {
	ids := cr.Command.Terminations()
	if len(ids) == 0 {
		return nil, fail(h248.CodeSyntaxErrorInCommand, "no TerminationID")
	}
	switch cmd := cr.Command.(type) {
	case *h248.AmmRequest:
		return g.amm(c, cmd, cr.WildcardReturn, all)
	case *h248.SubtractRequest:
		return g.subtract(c, cmd, cr.WildcardReturn, all)
	case *h248.AuditRequest:
		return g.auditCommand(c, cmd, cr.WildcardReturn, all)
	case *h248.NotifyRequest:
		// An MGC has nothing to notify an MG of; it is answered anyway.
		return []h248.CommandReply{&h248.NotifyReply{TerminationIDs: ids}}, nil
	case *h248.ServiceChangeRequest:
		return g.serviceChangeFromMGC(c, cmd)
	}
	return nil, fail(h248.CodeUnsupportedOrUnknownCommand, "Unsupported or Unknown Command %v", cr.Command.Kind())
}

// amm runs Add, Move and Modify.
func (g *Gateway) amm(c *mgContext, cmd *h248.AmmRequest, wild, all bool) ([]h248.CommandReply, *cmdError) {
	if err := checkDescriptors(cmd.Descriptors); err != nil {
		return nil, err
	}
	var out []h248.CommandReply
	for _, id := range cmd.TerminationIDs {
		var reps []h248.CommandReply
		var err *cmdError
		switch {
		case id.IsRoot():
			reps, err = g.modifyRoot(c, cmd)
		case cmd.Verb == h248.CmdAdd:
			reps, err = g.add(c, id, cmd.Descriptors)
		case cmd.Verb == h248.CmdMove:
			reps, err = g.move(c, id, cmd.Descriptors)
		default:
			reps, err = g.modify(c, id, cmd.Descriptors, all)
		}
		if err != nil {
			return out, err
		}
		out = append(out, reps...)
	}
	if wild && len(out) > 1 {
		return []h248.CommandReply{&h248.AmmsReply{Verb: cmd.Verb, TerminationIDs: cmd.TerminationIDs}}, nil
	}
	return out, nil
}

// checkDescriptors refuses descriptors that cannot be in Add, Move or
// Modify, and any given twice.
func checkDescriptors(ds []h248.Descriptor) *cmdError {
	seen := map[string]bool{}
	for _, d := range ds {
		var name string
		switch d.(type) {
		case *h248.MediaDescriptor:
			name = "Media"
		case *h248.ModemDescriptor:
			name = "Modem"
		case *h248.MuxDescriptor:
			name = "Mux"
		case *h248.EventsDescriptor:
			name = "Events"
		case *h248.EventBufferDescriptor:
			name = "EventBuffer"
		case *h248.SignalsDescriptor:
			name = "Signals"
		case *h248.DigitMapDescriptor:
			name = "DigitMap"
		case *h248.AuditDescriptor:
			name = "Audit"
		case *h248.StatisticsDescriptor:
			name = "Statistics"
		default:
			return fail(h248.CodeDescriptorNotLegalInThisCommand, "Descriptor not legal in this command: %T", d)
		}
		if seen[name] {
			return fail(h248.CodeDescriptorAppearsTwiceInThisCommand, "%s Descriptor appears twice in a command", name)
		}
		seen[name] = true
	}
	return nil
}

// inService refuses terminations that may not be put in a context.
func (g *Gateway) inService(t *termination) *cmdError {
	switch {
	case g.root.graceful || t.graceful:
		return fail(h248.CodeTerminationIsServiceChanging, "Termination is ServiceChanging: %s", t.id)
	case g.root.service != h248.ServiceInService || t.service == h248.ServiceOutOfService:
		return fail(h248.CodeServiceUnavailable, "Service Unavailable: %s is out of service", t.id)
	}
	return nil
}

func (g *Gateway) add(c *mgContext, id h248.TerminationID, ds []h248.Descriptor) ([]h248.CommandReply, *cmdError) {
	if c == nil {
		return nil, fail(h248.CodeSyntaxErrorInAction, "Syntax Error in Action: Add to the null context")
	}
	if len(c.terms) >= g.cfg.MaxTermsPerContext {
		return nil, fail(h248.CodeMaxNumberOfTerminationsInContextExceeded, "Max number of Terminations in a Context exceeded (%d)", g.cfg.MaxTermsPerContext)
	}
	t, err := g.forAdd(id)
	if err != nil {
		return nil, err
	}
	if err := g.inService(t); err != nil {
		g.forget(t)
		return nil, err
	}
	if err := g.checkApply(t, ds); err != nil {
		g.forget(t)
		return nil, err
	}
	g.link(c, t)
	made, audit := g.apply(t, ds)
	rep := &h248.AmmsReply{Verb: h248.CmdAdd, TerminationIDs: []h248.TerminationID{t.id}}
	if id.IsChoose() && t.kind.media() && t.local == nil {
		// A chosen media termination always tells where it listens.
		t.local, made = g.localSDP(t, ""), true
	}
	if made {
		rep.Audit = append(rep.Audit, t.localMedia())
	}
	rep.Audit = append(rep.Audit, g.describe(t, audit, false)...)
	return []h248.CommandReply{rep}, nil
}

func (g *Gateway) move(c *mgContext, id h248.TerminationID, ds []h248.Descriptor) ([]h248.CommandReply, *cmdError) {
	if c == nil {
		return nil, fail(h248.CodeSyntaxErrorInAction, "Syntax Error in Action: Move to the null context")
	}
	if id.IsWildcard() {
		return nil, fail(h248.CodeSyntaxErrorInCommand, "Move of a wildcard %s", id)
	}
	t := g.find(id)
	if t == nil {
		return nil, fail(h248.CodeUnknownTerminationID, "Unknown TerminationID %s", id)
	}
	if t.ctx == h248.ContextNull {
		g.forget(t)
		return nil, fail(h248.CodeTerminationsIDNotInSpecifiedContext, "TerminationID %s is in no context to move from", id)
	}
	if t.ctx != c.id && len(c.terms) >= g.cfg.MaxTermsPerContext {
		return nil, fail(h248.CodeMaxNumberOfTerminationsInContextExceeded, "Max number of Terminations in a Context exceeded (%d)", g.cfg.MaxTermsPerContext)
	}
	if err := g.checkApply(t, ds); err != nil {
		return nil, err
	}
	if t.ctx != c.id {
		old := g.ctxs[t.ctx]
		g.unlink(t)
		g.reap(old)
		answered := t.answered
		g.link(c, t)
		if !answered.IsZero() {
			t.answered = answered
		}
	}
	made, audit := g.apply(t, ds)
	rep := &h248.AmmsReply{Verb: h248.CmdMove, TerminationIDs: []h248.TerminationID{t.id}}
	if made {
		rep.Audit = append(rep.Audit, t.localMedia())
	}
	rep.Audit = append(rep.Audit, g.describe(t, audit, false)...)
	return []h248.CommandReply{rep}, nil
}

func (g *Gateway) modify(c *mgContext, id h248.TerminationID, ds []h248.Descriptor, all bool) ([]h248.CommandReply, *cmdError) {
	ts, err := g.matching(c, id, all)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if err := g.checkApply(t, ds); err != nil {
			return nil, err
		}
	}
	var out []h248.CommandReply
	for _, t := range ts {
		if c == nil {
			g.store(t)
		}
		made, audit := g.apply(t, ds)
		rep := &h248.AmmsReply{Verb: h248.CmdModify, TerminationIDs: []h248.TerminationID{t.id}}
		if made {
			rep.Audit = append(rep.Audit, t.localMedia())
		}
		rep.Audit = append(rep.Audit, g.describe(t, audit, false)...)
		out = append(out, rep)
		if c == nil {
			g.forget(t)
		}
	}
	return out, nil
}

// subtract takes terminations out of c. Without an Audit descriptor the
// reply carries their statistics (RFC 3525 §7.2.3); with one, what it
// names.
func (g *Gateway) subtract(c *mgContext, cmd *h248.SubtractRequest, wild, all bool) ([]h248.CommandReply, *cmdError) {
	if c == nil {
		return nil, fail(h248.CodeSyntaxErrorInAction, "Syntax Error in Action: Subtract from the null context")
	}
	var ts []*termination
	for _, id := range cmd.TerminationIDs {
		if id.IsRoot() {
			return nil, fail(h248.CodeCommandNotAllowedOnThisTermination, "Subtract of ROOT")
		}
		m, err := g.matching(c, id, all)
		if err != nil {
			return nil, err
		}
		ts = append(ts, m...)
	}
	audit := cmd.Audit
	if audit == nil {
		audit = &h248.AuditDescriptor{Tokens: []h248.AuditToken{h248.AuditStatistics}}
	}
	var out []h248.CommandReply
	for _, t := range ts {
		rep := &h248.AmmsReply{Verb: h248.CmdSubtract, TerminationIDs: []h248.TerminationID{t.id}}
		rep.Audit = g.describe(t, audit, false)
		g.release(t)
		out = append(out, rep)
	}
	if wild && len(out) > 1 {
		return []h248.CommandReply{&h248.AmmsReply{Verb: h248.CmdSubtract, TerminationIDs: cmd.TerminationIDs}}, nil
	}
	return out, nil
}

// modifyRoot sets ROOT's events (it/ito) and properties.
func (g *Gateway) modifyRoot(c *mgContext, cmd *h248.AmmRequest) ([]h248.CommandReply, *cmdError) {
	if cmd.Verb != h248.CmdModify {
		return nil, fail(h248.CodeCommandNotAllowedOnThisTermination, "%v of ROOT", cmd.Verb)
	}
	if c != nil {
		return nil, fail(h248.CodeTerminationsIDNotInSpecifiedContext, "ROOT is only in the null context")
	}
	var audit *h248.AuditDescriptor
	for _, d := range cmd.Descriptors {
		switch d := d.(type) {
		case *h248.EventsDescriptor:
			for _, e := range d.Events {
				pkg, _, _ := strings.Cut(strings.ToLower(e.Name), "/")
				if pkg != "it" && pkg != "g" && pkg != "root" {
					return nil, fail(h248.CodeMGUnequippedToDetectRequestedEvent, "ROOT cannot detect %s", e.Name)
				}
			}
		case *h248.SignalsDescriptor:
			if len(d.Signals) > 0 {
				return nil, fail(h248.CodeMGUnequippedToGenerateRequestedSignals, "ROOT has no signals")
			}
		}
	}
	for _, d := range cmd.Descriptors {
		switch d := d.(type) {
		case *h248.EventsDescriptor:
			if d.RequestID.Set {
				g.root.events = d
			} else {
				g.root.events = nil
			}
		case *h248.MediaDescriptor:
			if d.TermState != nil {
				g.root.props = mergeProps(g.root.props, d.TermState.Props)
			}
		case *h248.AuditDescriptor:
			audit = d
		}
	}
	rep := &h248.AmmsReply{Verb: h248.CmdModify, TerminationIDs: []h248.TerminationID{h248.Root}}
	if audit != nil {
		rep.Audit = g.describeRoot(audit, false)
	}
	return []h248.CommandReply{rep}, nil
}

// checkApply checks that t can take the descriptors: the events and
// signals of packages it realizes (when names are not accepted blindly).
func (g *Gateway) checkApply(t *termination, ds []h248.Descriptor) *cmdError {
	if g.cfg.AcceptAny {
		return nil
	}
	for _, d := range ds {
		switch d := d.(type) {
		case *h248.EventsDescriptor:
			for _, e := range d.Events {
				if !realizes(t.kind, e.Name) {
					return fail(h248.CodeMGUnequippedToDetectRequestedEvent, "Media Gateway unequipped to detect requested Event %s on %s", e.Name, t.id)
				}
			}
		case *h248.SignalsDescriptor:
			for _, s := range d.Signals {
				sigs := []h248.Signal{s.Signal}
				if s.List != nil {
					sigs = s.List.Signals
				}
				for _, sg := range sigs {
					if !realizes(t.kind, sg.Name) {
						return fail(h248.CodeMGUnequippedToGenerateRequestedSignals, "Media Gateway unequipped to generate requested Signals %s on %s", sg.Name, t.id)
					}
				}
			}
		}
	}
	return nil
}

// apply sets the descriptors on t. made reports a Local SDP the MG filled
// in ("$" in the Local the MGC sent); audit is the Audit descriptor given.
func (g *Gateway) apply(t *termination, ds []h248.Descriptor) (made bool, audit *h248.AuditDescriptor) {
	for _, d := range ds {
		switch d := d.(type) {
		case *h248.MediaDescriptor:
			made = g.applyMedia(t, d) || made
		case *h248.EventsDescriptor:
			if d.RequestID.Set {
				t.events = d
			} else {
				t.events = nil
			}
		case *h248.SignalsDescriptor:
			if len(d.Signals) > 0 {
				t.signals = d
			} else {
				t.signals = nil
			}
		case *h248.DigitMapDescriptor:
			t.digitMap = d
		case *h248.EventBufferDescriptor:
			t.eventBuffer = d
		case *h248.AuditDescriptor:
			audit = d
		}
	}
	return made, audit
}

func (g *Gateway) applyMedia(t *termination, m *h248.MediaDescriptor) bool {
	if ts := m.TermState; ts != nil {
		if ts.ServiceState.Set {
			t.service = ts.ServiceState.Value
		}
		if ts.EventBufferControl.Set {
			t.bufferCtl = ts.EventBufferControl
		}
		t.tsProps = mergeProps(t.tsProps, ts.Props)
	}
	var sp *h248.StreamParms
	switch {
	case m.Stream != nil:
		sp, t.multi, t.streamID = m.Stream, false, 0
	case len(m.Streams) > 0:
		// One stream is modelled: the first one given.
		sp, t.multi, t.streamID = &m.Streams[0].Parms, true, m.Streams[0].ID
	default:
		return false
	}
	if lc := sp.LocalControl; lc != nil {
		if lc.Mode.Set {
			g.setMode(t, lc.Mode.Value)
		}
		if lc.ReserveValue.Set {
			t.reserveValue = lc.ReserveValue
		}
		if lc.ReserveGroup.Set {
			t.reserveGroup = lc.ReserveGroup
		}
		t.lcProps = mergeProps(t.lcProps, lc.Props)
	}
	made := false
	if sp.Local != nil {
		if strings.Contains(sp.Local.SDP, "$") && t.kind.media() {
			t.local = g.localSDP(t, sp.Local.SDP)
			made = true
		} else {
			t.local = sp.Local
		}
	}
	if sp.Remote != nil {
		t.remote = sp.Remote
	}
	return made
}

// setMode changes the stream mode and keeps when the leg was answered.
func (g *Gateway) setMode(t *termination, m h248.StreamMode) {
	was := t.isAnswered()
	t.mode = m
	switch {
	case t.isAnswered() && !was && t.ctx != h248.ContextNull:
		t.answered = g.now()
	case !t.isAnswered():
		t.answered = timeZero
	}
}

// mergeProps sets the properties of add over those of base, by name.
func mergeProps(base, add []h248.PropertyParm) []h248.PropertyParm {
	for _, p := range add {
		replaced := false
		for i := range base {
			if strings.EqualFold(base[i].Name, p.Name) {
				base[i], replaced = p, true
				break
			}
		}
		if !replaced {
			base = append(base, p)
		}
	}
	return base
}

// localMedia is the Media descriptor an Add reply returns: the Local SDP
// in the stream form the MGC used.
func (t *termination) localMedia() *h248.MediaDescriptor {
	sp := h248.StreamParms{Local: t.local}
	if !t.multi {
		return &h248.MediaDescriptor{Stream: &sp}
	}
	return &h248.MediaDescriptor{Streams: []h248.StreamDescriptor{{ID: t.streamID, Parms: sp}}}
}

// serviceChangeFromMGC answers an MGC's ServiceChange: on terminations,
// Forced and Graceful take them out of service and Restart puts them back;
// on ROOT it is only answered (a HandOff is acted on by the MG).
func (g *Gateway) serviceChangeFromMGC(c *mgContext, cmd *h248.ServiceChangeRequest) ([]h248.CommandReply, *cmdError) {
	for _, id := range cmd.TerminationIDs {
		if id.IsRoot() {
			continue
		}
		ts, err := g.matching(c, id, false)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			g.store(t)
			switch cmd.Parms.Method {
			case h248.MethodForced, h248.MethodGraceful:
				t.service = h248.ServiceOutOfService
			case h248.MethodRestart:
				t.service, t.graceful = h248.ServiceInService, false
			}
			g.forget(t)
		}
	}
	return []h248.CommandReply{&h248.ServiceChangeReply{TerminationIDs: cmd.TerminationIDs}}, nil
}
