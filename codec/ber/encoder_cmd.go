package ber

import (
	"strconv"

	"github.com/megaco/megaco/pkg/h248"
)

// Alternatives of Command and CommandReply, by command kind.
var commandAlt = [...]int{h248.CmdAdd: 0, h248.CmdMove: 1, h248.CmdModify: 2, h248.CmdSubtract: 3,
	h248.CmdAuditCapabilities: 4, h248.CmdAuditValue: 5, h248.CmdNotify: 6, h248.CmdServiceChange: 7}

func (e *encoder) commandRequest(cr *h248.CommandRequest) {
	s := e.open(idSequence)
	cmd := e.open(ctxCons(0))
	switch c := cr.Command.(type) {
	case *h248.AmmRequest:
		if c.Verb != h248.CmdAdd && c.Verb != h248.CmdMove && c.Verb != h248.CmdModify {
			e.failf("an Add, Move or Modify request has verb %v", c.Verb)
		}
		as := e.open(ctxCons(commandAlt[c.Verb]))
		e.termIDList(ctxCons(0), c.TerminationIDs)
		ds := e.open(ctxCons(1))
		for _, d := range c.Descriptors {
			e.ammDescriptor(d)
		}
		e.close(ds)
		e.close(as)
	case *h248.SubtractRequest:
		as := e.open(ctxCons(3))
		e.termIDList(ctxCons(0), c.TerminationIDs)
		if c.Audit != nil {
			e.auditDescriptor(ctxCons(1), c.Audit)
		}
		e.close(as)
	case *h248.AuditRequest:
		as := e.open(ctxCons(commandAlt[c.Kind()]))
		switch len(c.TerminationIDs) {
		case 0:
			e.failf("an audit request needs a termination id")
		case 1:
			e.termID(ctxCons(0), c.TerminationIDs[0])
			e.auditDescriptor(ctxCons(1), &c.Audit)
		default:
			e.need(3, "an audit of a termination id list")
			e.termID(ctxCons(0), c.TerminationIDs[0])
			e.auditDescriptor(ctxCons(1), &c.Audit)
			e.termIDList(ctxCons(2), c.TerminationIDs)
		}
		e.close(as)
	case *h248.NotifyRequest:
		as := e.open(ctxCons(6))
		e.termIDList(ctxCons(0), c.TerminationIDs)
		e.observedEvents(ctxCons(1), &c.ObservedEvents)
		if c.Error != nil {
			e.errorDescriptor(ctxCons(2), c.Error)
		}
		e.close(as)
	case *h248.ServiceChangeRequest:
		as := e.open(ctxCons(7))
		e.termIDList(ctxCons(0), c.TerminationIDs)
		e.serviceChangeParm(ctxCons(1), &c.Parms)
		e.close(as)
	default:
		e.failf("unknown command %T", cr.Command)
	}
	e.close(cmd)
	if cr.Optional {
		e.null(ctxPrim(1))
	}
	if cr.WildcardReturn {
		e.null(ctxPrim(2))
	}
	e.close(s)
}

func (e *encoder) commandReply(cr h248.CommandReply) {
	switch c := cr.(type) {
	case *h248.AmmsReply:
		switch c.Verb {
		case h248.CmdAdd, h248.CmdMove, h248.CmdModify, h248.CmdSubtract:
		default:
			e.failf("an Add, Move, Modify or Subtract reply has verb %v", c.Verb)
		}
		s := e.open(ctxCons(commandAlt[c.Verb]))
		e.termIDList(ctxCons(0), c.TerminationIDs)
		if c.Audit != nil {
			e.terminationAudit(ctxCons(1), c.Audit)
		}
		e.close(s)
	case *h248.AuditReply:
		s := e.open(ctxCons(commandAlt[c.Kind()]))
		switch c.Result {
		case h248.AuditContextResult:
			e.termIDList(ctxCons(0), c.TerminationIDs)
		case h248.AuditError:
			if c.Error == nil {
				e.failf("an audit error reply needs an error")
			}
			e.errorDescriptor(ctxCons(1), c.Error)
		case h248.AuditResult:
			if len(c.TerminationIDs) == 1 {
				r := e.open(ctxCons(2))
				e.termID(ctxCons(0), c.TerminationIDs[0])
				e.terminationAudit(ctxCons(1), c.Audit)
				e.close(r)
				break
			}
			e.need(3, "an audit result for a termination id list")
			r := e.open(ctxCons(3))
			e.termIDList(ctxCons(0), c.TerminationIDs)
			e.terminationAudit(ctxCons(1), c.Audit)
			e.close(r)
		default:
			e.failf("unknown audit reply kind %d", c.Result)
		}
		e.close(s)
	case *h248.NotifyReply:
		s := e.open(ctxCons(6))
		e.termIDList(ctxCons(0), c.TerminationIDs)
		if c.Error != nil {
			e.errorDescriptor(ctxCons(1), c.Error)
		}
		e.close(s)
	case *h248.ServiceChangeReply:
		s := e.open(ctxCons(7))
		e.termIDList(ctxCons(0), c.TerminationIDs)
		r := e.open(ctxCons(1))
		if c.Error != nil {
			if !c.Result.IsZero() {
				e.failf("a ServiceChange reply has an error and result parameters")
			}
			e.errorDescriptor(ctxCons(0), c.Error)
		} else {
			e.serviceChangeResParm(ctxCons(1), &c.Result)
		}
		e.close(r)
		e.close(s)
	default:
		e.failf("unknown command reply %T", cr)
	}
}

// terminationAudit writes the descriptors of a reply as a TerminationAudit;
// an AuditDescriptor becomes emptyDescriptors.
func (e *encoder) terminationAudit(id byte, ds []h248.Descriptor) {
	s := e.open(id)
	for _, d := range ds {
		switch d := d.(type) {
		case *h248.ErrorDescriptor:
			e.errorDescriptor(ctxCons(0), d)
		case *h248.MediaDescriptor:
			e.media(ctxCons(1), d)
		case *h248.ModemDescriptor:
			e.modem(ctxCons(2), d)
		case *h248.MuxDescriptor:
			e.mux(ctxCons(3), d)
		case *h248.EventsDescriptor:
			e.events(ctxCons(4), d)
		case *h248.EventBufferDescriptor:
			e.eventBuffer(ctxCons(5), d)
		case *h248.SignalsDescriptor:
			e.signals(ctxCons(6), d)
		case *h248.DigitMapDescriptor:
			e.digitMap(ctxCons(7), d)
		case *h248.ObservedEventsDescriptor:
			e.observedEvents(ctxCons(8), d)
		case *h248.StatisticsDescriptor:
			e.statistics(ctxCons(9), d)
		case *h248.PackagesDescriptor:
			e.packages(ctxCons(10), d)
		case *h248.AuditDescriptor:
			e.auditDescriptor(ctxCons(11), d)
		default:
			e.failf("descriptor %T cannot be returned by a command", d)
		}
	}
	e.close(s)
}

// ammDescriptor writes one AmmDescriptor alternative.
func (e *encoder) ammDescriptor(d h248.Descriptor) {
	switch d := d.(type) {
	case *h248.MediaDescriptor:
		e.media(ctxCons(0), d)
	case *h248.ModemDescriptor:
		e.modem(ctxCons(1), d)
	case *h248.MuxDescriptor:
		e.mux(ctxCons(2), d)
	case *h248.EventsDescriptor:
		e.events(ctxCons(3), d)
	case *h248.EventBufferDescriptor:
		e.eventBuffer(ctxCons(4), d)
	case *h248.SignalsDescriptor:
		e.signals(ctxCons(5), d)
	case *h248.DigitMapDescriptor:
		e.digitMap(ctxCons(6), d)
	case *h248.AuditDescriptor:
		e.auditDescriptor(ctxCons(7), d)
	case *h248.StatisticsDescriptor:
		e.need(3, "a Statistics descriptor in a command")
		e.statistics(ctxCons(8), d)
	default:
		e.failf("descriptor %T is not allowed in Add, Move or Modify", d)
	}
}

func (e *encoder) serviceChangeParm(id byte, p *h248.ServiceChangeParm) {
	s := e.open(id)
	if p.Method > h248.MethodHandOff {
		if p.Method == h248.MethodExtension {
			e.noForm("ServiceChange method %q (an extension)", p.MethodExtension)
		}
		e.failf("unknown ServiceChange method %d", p.Method)
	}
	e.uint(ctxPrim(0), uint64(p.Method))
	if p.Address != nil {
		a := e.open(ctxCons(1))
		e.mid(p.Address, 1, "ServiceChangeAddress")
		e.close(a)
	}
	if p.Version.Set {
		e.upTo(ctxPrim(2), "ServiceChange version", uint64(p.Version.Value), 99)
	}
	if p.Profile != nil {
		e.profile(ctxCons(3), p.Profile)
	}
	e.reason(ctxCons(4), p.Reason)
	if p.Delay.Set {
		e.uint(ctxPrim(5), uint64(p.Delay.Value))
	}
	if p.MgcID != nil {
		a := e.open(ctxCons(6))
		e.mid(p.MgcID, 0, "MgcIdToTry")
		e.close(a)
	}
	if p.TimeStamp != nil {
		e.timeNotation(ctxCons(7), p.TimeStamp)
	}
	switch len(p.Extensions) {
	case 0:
	case 1:
		// An extension named by 8 characters ("X-Vendor") is the
		// experimental identifier of the nonStandardData.
		x := &p.Extensions[0]
		if len(x.Name) != 8 || x.Value.Form != h248.FormSingle || len(x.Value.Values) != 1 {
			e.noForm("ServiceChange extension %q: only one extension with a name of 8 characters and one value fits nonStandardData", x.Name)
		}
		ns := e.open(ctxCons(8))
		ident := e.open(ctxCons(0))
		e.ia5(ctxPrim(2), "extension name", x.Name)
		e.close(ident)
		e.octets(ctxPrim(1), x.Value.Values[0].Text)
		e.close(ns)
	default:
		e.noForm("%d ServiceChange extensions: nonStandardData holds one", len(p.Extensions))
	}
	if p.Info != nil {
		e.need(2, "ServiceChange audit items")
		e.auditDescriptor(ctxCons(9), p.Info)
	}
	if p.Incomplete {
		e.need(3, "ServiceChangeInc")
		e.null(ctxPrim(10))
	}
	e.close(s)
}

func (e *encoder) profile(id byte, p *h248.Profile) {
	var buf [80]byte
	b := append(buf[:0], p.Name...)
	b = append(b, '/')
	b = strconv.AppendUint(b, uint64(p.Version), 10)
	if len(b) > 67 || p.Name == "" {
		e.noForm("profile %q/%d is not 1 to 67 characters", p.Name, p.Version)
	}
	s := e.open(id)
	e.b = appendPrimitive(e.b, ctxPrim(0), b)
	e.close(s)
}

func (e *encoder) serviceChangeResParm(id byte, p *h248.ServiceChangeResParm) {
	s := e.open(id)
	if p.MgcID != nil {
		a := e.open(ctxCons(0))
		e.mid(p.MgcID, 0, "MgcIdToTry")
		e.close(a)
	}
	if p.Address != nil {
		a := e.open(ctxCons(1))
		e.mid(p.Address, 1, "ServiceChangeAddress")
		e.close(a)
	}
	if p.Version.Set {
		e.upTo(ctxPrim(2), "ServiceChange version", uint64(p.Version.Value), 99)
	}
	if p.Profile != nil {
		e.profile(ctxCons(3), p.Profile)
	}
	if p.TimeStamp != nil {
		e.timeNotation(ctxCons(4), p.TimeStamp)
	}
	e.close(s)
}
