package text

import (
	"github.com/megaco/megaco/grammar"
	"github.com/megaco/megaco/pkg/h248"
)

var commandTokens = [...]grammar.Keyword{h248.CmdAdd: grammar.AddToken, h248.CmdMove: grammar.MoveToken,
	h248.CmdModify: grammar.ModifyToken, h248.CmdSubtract: grammar.SubtractToken,
	h248.CmdAuditValue: grammar.AuditValueToken, h248.CmdAuditCapabilities: grammar.AuditCapToken,
	h248.CmdNotify: grammar.NotifyToken, h248.CmdServiceChange: grammar.ServiceChangeToken}

func (e *encoder) verb(k h248.CommandKind, allowed ...h248.CommandKind) {
	for _, a := range allowed {
		if k == a {
			e.kw(commandTokens[k])
			e.eq()
			return
		}
	}
	e.failf("command kind %v is not allowed here", k)
}

func (e *encoder) commandRequest(cr *h248.CommandRequest) {
	if cr.Optional {
		e.str("O-")
	}
	if cr.WildcardReturn {
		e.str("W-")
	}
	switch c := cr.Command.(type) {
	case *h248.AmmRequest:
		e.verb(c.Verb, h248.CmdAdd, h248.CmdMove, h248.CmdModify)
		e.termIDList(c.TerminationIDs)
		if len(c.Descriptors) > 0 {
			e.items(len(c.Descriptors), func(i int) { e.descriptor(c.Descriptors[i]) })
		}
	case *h248.SubtractRequest:
		e.verb(h248.CmdSubtract, h248.CmdSubtract)
		e.termIDList(c.TerminationIDs)
		if c.Audit != nil {
			e.items(1, func(int) { e.auditDescriptor(c.Audit) })
		}
	case *h248.AuditRequest:
		e.verb(c.Kind(), h248.CmdAuditValue, h248.CmdAuditCapabilities)
		e.termIDList(c.TerminationIDs)
		e.items(1, func(int) { e.auditDescriptor(&c.Audit) })
	case *h248.NotifyRequest:
		e.verb(h248.CmdNotify, h248.CmdNotify)
		e.termIDList(c.TerminationIDs)
		n := 1
		if c.Error != nil {
			n = 2
		}
		e.items(n, func(i int) {
			if i == 0 {
				e.observedEvents(&c.ObservedEvents)
			} else {
				e.errorDescriptor(c.Error)
			}
		})
	case *h248.ServiceChangeRequest:
		e.verb(h248.CmdServiceChange, h248.CmdServiceChange)
		e.termIDList(c.TerminationIDs)
		e.items(1, func(int) { e.serviceChangeParm(&c.Parms) })
	default:
		e.failf("unknown command %T", cr.Command)
	}
}

func (e *encoder) commandReply(cr h248.CommandReply) {
	switch c := cr.(type) {
	case *h248.AmmsReply:
		e.verb(c.Verb, h248.CmdAdd, h248.CmdMove, h248.CmdModify, h248.CmdSubtract)
		e.termIDList(c.TerminationIDs)
		e.terminationAudit(c.Audit)
	case *h248.AuditReply:
		e.verb(c.Kind(), h248.CmdAuditValue, h248.CmdAuditCapabilities)
		switch c.Result {
		case h248.AuditContextResult:
			e.kw(grammar.CtxToken)
			e.items(len(c.TerminationIDs), func(i int) { e.termID(c.TerminationIDs[i]) })
		case h248.AuditError:
			if c.Error == nil {
				e.failf("an audit error reply needs an error")
			}
			e.kw(grammar.CtxToken)
			e.items(1, func(int) { e.errorDescriptor(c.Error) })
		default:
			e.termIDList(c.TerminationIDs)
			e.terminationAudit(c.Audit)
		}
	case *h248.NotifyReply:
		e.verb(h248.CmdNotify, h248.CmdNotify)
		e.termIDList(c.TerminationIDs)
		if c.Error != nil {
			e.items(1, func(int) { e.errorDescriptor(c.Error) })
		}
	case *h248.ServiceChangeReply:
		e.verb(h248.CmdServiceChange, h248.CmdServiceChange)
		e.termIDList(c.TerminationIDs)
		switch {
		case c.Error != nil:
			e.items(1, func(int) { e.errorDescriptor(c.Error) })
		case !c.Result.IsZero():
			e.items(1, func(int) { e.serviceChangeResParm(&c.Result) })
		}
	default:
		e.failf("unknown command reply %T", cr)
	}
}

// terminationAudit writes the descriptors of a reply, if any; an
// AuditDescriptor stands for descriptors named without contents.
func (e *encoder) terminationAudit(ds []h248.Descriptor) {
	if len(ds) == 0 {
		return
	}
	e.open()
	n := 0
	for _, d := range ds {
		if ad, ok := d.(*h248.AuditDescriptor); ok {
			if len(ad.Props) > 0 {
				e.failf("a reply cannot return individual audit items")
			}
			for _, t := range ad.Tokens {
				e.item(n)
				n++
				e.auditToken(t)
			}
			continue
		}
		e.item(n)
		n++
		e.descriptor(d)
	}
	if n == 0 {
		e.failf("a reply's descriptor list is empty")
	}
	e.close()
}

func (e *encoder) descriptor(d h248.Descriptor) {
	switch d := d.(type) {
	case *h248.MediaDescriptor:
		e.media(d)
	case *h248.ModemDescriptor:
		e.modem(d)
	case *h248.MuxDescriptor:
		e.mux(d)
	case *h248.EventsDescriptor:
		e.events(d)
	case *h248.EventBufferDescriptor:
		e.eventBuffer(d)
	case *h248.SignalsDescriptor:
		e.signals(d)
	case *h248.DigitMapDescriptor:
		e.digitMap(d)
	case *h248.AuditDescriptor:
		e.auditDescriptor(d)
	case *h248.StatisticsDescriptor:
		e.statistics(d)
	case *h248.ObservedEventsDescriptor:
		e.observedEvents(d)
	case *h248.PackagesDescriptor:
		e.kw(grammar.PackagesToken)
		e.items(len(d.Items), func(i int) { e.packagesItem(d.Items[i].Name, d.Items[i].Version) })
	case *h248.ErrorDescriptor:
		e.errorDescriptor(d)
	default:
		e.failf("unknown descriptor %T", d)
	}
}

func (e *encoder) packagesItem(name string, version uint16) {
	e.name("package name", name)
	e.b = append(e.b, '-')
	e.uint(uint64(version))
}

var methodKeywords = [...]grammar.Keyword{grammar.FailoverToken, grammar.ForcedToken, grammar.GracefulToken,
	grammar.RestartToken, grammar.DisconnectedToken, grammar.HandOffToken}

func (e *encoder) serviceChangeParm(p *h248.ServiceChangeParm) {
	e.kw(grammar.ServicesToken)
	e.open()
	n := 0
	next := func(k grammar.Keyword) {
		e.item(n)
		n++
		if k != grammar.NoKeyword {
			e.kw(k)
			e.eq()
		}
	}
	next(grammar.MethodToken)
	switch {
	case p.Method == h248.MethodExtension:
		if !grammar.ValidExtension(p.MethodExtension) {
			e.failf("invalid ServiceChange method extension %q", p.MethodExtension)
		}
		e.str(p.MethodExtension)
	case int(p.Method) < len(methodKeywords):
		e.kw(methodKeywords[p.Method])
	default:
		e.failf("unknown ServiceChange method %d", p.Method)
	}
	next(grammar.ReasonToken)
	// The ABNF wants the quoted form for reasons.
	e.quoted(p.Reason.Text)
	if p.Delay.Set {
		next(grammar.DelayToken)
		e.uint(uint64(p.Delay.Value))
	}
	if p.Address != nil {
		next(grammar.ServiceChangeAddressToken)
		e.mid(*p.Address)
	}
	if p.MgcID != nil {
		next(grammar.MgcIdToken)
		e.mid(*p.MgcID)
	}
	if p.Profile != nil {
		next(grammar.ProfileToken)
		e.profile(p.Profile)
	}
	if p.Version.Set {
		next(grammar.VersionToken)
		e.uint(uint64(p.Version.Value))
	}
	if p.TimeStamp != nil {
		next(grammar.NoKeyword)
		e.timeStamp(p.TimeStamp)
	}
	for _, x := range p.Extensions {
		next(grammar.NoKeyword)
		if !grammar.ValidExtension(x.Name) {
			e.failf("invalid ServiceChange extension %q", x.Name)
		}
		e.propertyParm(x)
	}
	if p.Incomplete {
		next(grammar.NoKeyword)
		e.kw(grammar.ServiceChangeIncompleteToken)
	}
	if p.Info != nil {
		for _, t := range p.Info.Tokens {
			next(grammar.NoKeyword)
			e.auditToken(t)
		}
		for _, ip := range p.Info.Props {
			next(grammar.NoKeyword)
			e.indAuditParameter(ip)
		}
	}
	e.close()
}

func (e *encoder) profile(p *h248.Profile) {
	e.name("profile name", p.Name)
	e.b = append(e.b, '/')
	e.uint(uint64(p.Version))
}

func (e *encoder) serviceChangeResParm(p *h248.ServiceChangeResParm) {
	e.kw(grammar.ServicesToken)
	e.open()
	n := 0
	next := func(k grammar.Keyword) {
		e.item(n)
		n++
		if k != grammar.NoKeyword {
			e.kw(k)
			e.eq()
		}
	}
	if p.Address != nil {
		next(grammar.ServiceChangeAddressToken)
		e.mid(*p.Address)
	}
	if p.MgcID != nil {
		next(grammar.MgcIdToken)
		e.mid(*p.MgcID)
	}
	if p.Profile != nil {
		next(grammar.ProfileToken)
		e.profile(p.Profile)
	}
	if p.Version.Set {
		next(grammar.VersionToken)
		e.uint(uint64(p.Version.Value))
	}
	if p.TimeStamp != nil {
		next(grammar.NoKeyword)
		e.timeStamp(p.TimeStamp)
	}
	e.close()
}
