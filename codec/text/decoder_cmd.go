package text

import (
	"github.com/megaco/megaco/grammar"
	"github.com/megaco/megaco/pkg/h248"
)

// commandPrefix splits the "O-" and "W-" prefixes off a command token.
func commandPrefix(b []byte) (optional, wildcard bool, rest []byte) {
	if len(b) > 2 && (b[0] == 'O' || b[0] == 'o') && b[1] == '-' {
		optional, b = true, b[2:]
	}
	if len(b) > 2 && (b[0] == 'W' || b[0] == 'w') && b[1] == '-' {
		wildcard, b = true, b[2:]
	}
	return optional, wildcard, b
}

func (d *decoder) commandRequest() h248.CommandRequest {
	if d.tok.Kind != grammar.Safe {
		d.fail("a command", "unexpected token")
	}
	opt, wild, name := commandPrefix(d.bytes())
	cr := h248.CommandRequest{Optional: opt, WildcardReturn: wild}
	k := grammar.LookupKeyword(name)
	switch k {
	case grammar.AddToken, grammar.MoveToken, grammar.ModifyToken:
		d.next()
		d.expect(grammar.Equal)
		c := &h248.AmmRequest{Verb: ammVerb(k), TerminationIDs: d.termIDList()}
		if d.accept(grammar.LBrace) {
			c.Descriptors = d.ammParameters()
			d.expect(grammar.RBrace)
		}
		cr.Command = c
	case grammar.SubtractToken:
		d.next()
		d.expect(grammar.Equal)
		c := &h248.SubtractRequest{TerminationIDs: d.termIDList()}
		if d.accept(grammar.LBrace) {
			c.Audit = d.auditDescriptor()
			d.expect(grammar.RBrace)
		}
		cr.Command = c
	case grammar.AuditValueToken, grammar.AuditCapToken:
		d.next()
		d.expect(grammar.Equal)
		c := &h248.AuditRequest{Cap: k == grammar.AuditCapToken, TerminationIDs: d.termIDList()}
		if d.accept(grammar.LBrace) {
			c.Audit = *d.auditDescriptor()
			d.expect(grammar.RBrace)
		}
		cr.Command = c
	case grammar.NotifyToken:
		d.next()
		d.expect(grammar.Equal)
		c := &h248.NotifyRequest{TerminationIDs: d.termIDList()}
		d.expect(grammar.LBrace)
		c.ObservedEvents = *d.observedEventsDescriptor()
		if d.accept(grammar.Comma) {
			c.Error = d.errorDescriptor()
		}
		d.expect(grammar.RBrace)
		cr.Command = c
	case grammar.ServiceChangeToken:
		d.next()
		d.expect(grammar.Equal)
		c := &h248.ServiceChangeRequest{TerminationIDs: d.termIDList()}
		d.expect(grammar.LBrace)
		c.Parms = d.serviceChangeDescriptor()
		d.expect(grammar.RBrace)
		cr.Command = c
	default:
		d.fail("a command (Add, Move, Modify, Subtract, AuditValue, AuditCapability, Notify, ServiceChange)", "unknown command")
	}
	return cr
}

func ammVerb(k grammar.Keyword) h248.CommandKind {
	switch k {
	case grammar.AddToken:
		return h248.CmdAdd
	case grammar.MoveToken:
		return h248.CmdMove
	case grammar.ModifyToken:
		return h248.CmdModify
	}
	return h248.CmdSubtract
}

// ammParameters reads the descriptors of Add, Move and Modify.
func (d *decoder) ammParameters() []h248.Descriptor {
	var ds []h248.Descriptor
	var seen kwSet
	for {
		t := d.tok
		k := d.kw()
		if seen.has(k) {
			d.failAt(t, k.Long()+" descriptor given twice")
		}
		seen.add(k)
		switch k {
		case grammar.MediaToken:
			ds = append(ds, d.mediaDescriptor())
		case grammar.ModemToken:
			ds = append(ds, d.modemDescriptor())
		case grammar.MuxToken:
			ds = append(ds, d.muxDescriptor())
		case grammar.EventsToken:
			ds = append(ds, d.eventsDescriptor(true))
		case grammar.SignalsToken:
			ds = append(ds, d.signalsDescriptor())
		case grammar.DigitMapToken:
			ds = append(ds, d.digitMapDescriptor())
		case grammar.EventBufferToken:
			ds = append(ds, d.eventBufferDescriptor())
		case grammar.AuditToken:
			ds = append(ds, d.auditDescriptor())
		case grammar.StatsToken:
			d.need(3, t, "a Statistics descriptor in Add, Move or Modify")
			ds = append(ds, d.statisticsDescriptor())
		default:
			d.fail("a descriptor (Media, Modem, Mux, Events, Signals, DigitMap, EventBuffer, Audit)", "unknown descriptor")
		}
		if !d.accept(grammar.Comma) {
			return ds
		}
	}
}

func (d *decoder) commandReply() h248.CommandReply {
	k := d.kw()
	switch k {
	case grammar.AddToken, grammar.MoveToken, grammar.ModifyToken, grammar.SubtractToken:
		d.next()
		d.expect(grammar.Equal)
		c := &h248.AmmsReply{Verb: ammVerb(k), TerminationIDs: d.termIDList()}
		if d.accept(grammar.LBrace) {
			c.Audit = d.terminationAudit()
			d.expect(grammar.RBrace)
		}
		return c
	case grammar.AuditValueToken, grammar.AuditCapToken:
		d.next()
		d.expect(grammar.Equal)
		c := &h248.AuditReply{Cap: k == grammar.AuditCapToken}
		if d.isKw(grammar.CtxToken) && d.peek() == grammar.LBrace {
			// contextTerminationAudit: Context { ids } or Context { Error }
			d.next()
			d.next()
			if d.isKw(grammar.ErrorToken) {
				c.Result = h248.AuditError
				c.Error = d.errorDescriptor()
			} else {
				c.Result = h248.AuditContextResult
				c.TerminationIDs = []h248.TerminationID{d.terminationID()}
				for d.accept(grammar.Comma) {
					c.TerminationIDs = append(c.TerminationIDs, d.terminationID())
				}
			}
			d.expect(grammar.RBrace)
			return c
		}
		c.TerminationIDs = d.termIDList()
		if d.accept(grammar.LBrace) {
			c.Audit = d.terminationAudit()
			d.expect(grammar.RBrace)
		}
		return c
	case grammar.NotifyToken:
		d.next()
		d.expect(grammar.Equal)
		c := &h248.NotifyReply{TerminationIDs: d.termIDList()}
		if d.accept(grammar.LBrace) {
			c.Error = d.errorDescriptor()
			d.expect(grammar.RBrace)
		}
		return c
	case grammar.ServiceChangeToken:
		d.next()
		d.expect(grammar.Equal)
		c := &h248.ServiceChangeReply{TerminationIDs: d.termIDList()}
		if d.accept(grammar.LBrace) {
			if d.isKw(grammar.ErrorToken) {
				c.Error = d.errorDescriptor()
			} else {
				c.Result = d.serviceChangeReplyDescriptor()
			}
			d.expect(grammar.RBrace)
		}
		return c
	}
	d.fail("a command reply", "unknown command reply")
	return nil
}

// terminationAudit reads auditReturnParameter *(COMMA
// auditReturnParameter). Descriptors named without contents are gathered
// into one AuditDescriptor, placed last.
func (d *decoder) terminationAudit() []h248.Descriptor {
	var ds []h248.Descriptor
	var empty *h248.AuditDescriptor
	for {
		t := d.tok
		k := d.kw()
		body := d.peekOpensBody(k)
		switch {
		case k == grammar.ErrorToken:
			ds = append(ds, d.errorDescriptor())
		case k == grammar.MediaToken && body:
			ds = append(ds, d.mediaDescriptor())
		case k == grammar.ModemToken && body:
			ds = append(ds, d.modemDescriptor())
		case k == grammar.MuxToken && body:
			ds = append(ds, d.muxDescriptor())
		case k == grammar.EventsToken:
			ds = append(ds, d.eventsDescriptor(true))
		case k == grammar.SignalsToken:
			ds = append(ds, d.signalsDescriptor())
		case k == grammar.DigitMapToken && body:
			ds = append(ds, d.digitMapDescriptor())
		case k == grammar.ObservedEventsToken && body:
			ds = append(ds, d.observedEventsDescriptor())
		case k == grammar.EventBufferToken:
			ds = append(ds, d.eventBufferDescriptor())
		case k == grammar.StatsToken && body:
			ds = append(ds, d.statisticsDescriptor())
		case k == grammar.PackagesToken && body:
			ds = append(ds, d.packagesDescriptor())
		default:
			tok, ok := auditReturnToken(k)
			if !ok {
				d.failAt(t, "unknown descriptor in a command reply")
			}
			if empty == nil {
				empty = &h248.AuditDescriptor{}
			}
			empty.Tokens = append(empty.Tokens, tok)
			d.next()
		}
		if !d.accept(grammar.Comma) {
			break
		}
	}
	if empty != nil {
		ds = append(ds, empty)
	}
	return ds
}

// peekOpensBody reports whether the token after the current one ("{",
// "=" or "[") gives the descriptor k contents.
func (d *decoder) peekOpensBody(k grammar.Keyword) bool {
	if k == grammar.NoKeyword {
		return false
	}
	switch d.peek() {
	case grammar.LBrace, grammar.Equal, grammar.LBracket:
		return true
	}
	return false
}

// auditReturnToken maps the descriptor tokens that may stand alone in a
// terminationAudit.
func auditReturnToken(k grammar.Keyword) (h248.AuditToken, bool) {
	switch k {
	case grammar.MuxToken:
		return h248.AuditMux, true
	case grammar.ModemToken:
		return h248.AuditModem, true
	case grammar.MediaToken:
		return h248.AuditMedia, true
	case grammar.DigitMapToken:
		return h248.AuditDigitMap, true
	case grammar.StatsToken:
		return h248.AuditStatistics, true
	case grammar.ObservedEventsToken:
		return h248.AuditObservedEvents, true
	case grammar.PackagesToken:
		return h248.AuditPackages, true
	}
	return 0, false
}

// kwSet is a set of keywords.
type kwSet [2]uint64

func (s *kwSet) add(k grammar.Keyword)      { s[k/64] |= 1 << (k % 64) }
func (s *kwSet) has(k grammar.Keyword) bool { return s[k/64]&(1<<(k%64)) != 0 }
