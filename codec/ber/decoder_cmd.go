package ber

import (
	"bytes"
	"slices"

	"github.com/megaco/megaco/pkg/h248"
)

// commandKinds are the command kinds by Command and CommandReply
// alternative.
var commandKinds = [...]h248.CommandKind{h248.CmdAdd, h248.CmdMove, h248.CmdModify, h248.CmdSubtract,
	h248.CmdAuditCapabilities, h248.CmdAuditValue, h248.CmdNotify, h248.CmdServiceChange}

func (d *decoder) commandRequest(h *header, cr *h248.CommandRequest) {
	if !h.is(classUniversal, tagSequence) {
		d.failAt(h.start, "a CommandRequest (SEQUENCE) expected")
	}
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			cv := d.choice(c)
			cr.Command = d.command(&cv)
		case c.ctx(1):
			d.null(c)
			cr.Optional = true
		case c.ctx(2):
			d.null(c)
			cr.WildcardReturn = true
		case c.class == classContext:
		default:
			d.unexpected(c, "CommandRequest")
		}
	}
	d.close()
	if cr.Command == nil {
		d.missing(h, "command", "CommandRequest")
	}
}

func (d *decoder) command(h *header) h248.Command {
	if h.class != classContext || h.tag >= uint32(len(commandKinds)) {
		d.failCode(h.start, h248.CodeUnsupportedOrUnknownCommand, "unknown command [%d]", h.tag)
	}
	kind := commandKinds[h.tag]
	switch kind {
	case h248.CmdAdd, h248.CmdMove, h248.CmdModify:
		c := d.amms.new(d.hint)
		c.Verb = kind
		ids := false
		s := d.open(h)
		for x := (&header{}); d.next(&s, x); {
			switch {
			case x.ctx(0):
				c.TerminationIDs, ids = d.termIDList(x), true
			case x.ctx(1):
				c.Descriptors = d.descs.make(d.hint, d.children(x))
				ds := d.open(x)
				for i, y := 0, (&header{}); d.next(&ds, y); i++ {
					c.Descriptors[i] = d.ammDescriptor(y)
				}
				d.close()
			case x.class == classContext:
			default:
				d.unexpected(x, "AmmRequest")
			}
		}
		d.close()
		if !ids {
			d.missing(h, "termination ids", "AmmRequest")
		}
		return c
	case h248.CmdSubtract:
		c := &h248.SubtractRequest{}
		ids := false
		s := d.open(h)
		for x := (&header{}); d.next(&s, x); {
			switch {
			case x.ctx(0):
				c.TerminationIDs, ids = d.termIDList(x), true
			case x.ctx(1):
				c.Audit = d.auditDescriptor(x)
			case x.class == classContext:
			default:
				d.unexpected(x, "SubtractRequest")
			}
		}
		d.close()
		if !ids {
			d.missing(h, "termination ids", "SubtractRequest")
		}
		return c
	case h248.CmdAuditCapabilities, h248.CmdAuditValue:
		c := d.audReqs.new(d.hint)
		c.Cap = kind == h248.CmdAuditCapabilities
		var seen uint8
		var list []h248.TerminationID
		s := d.open(h)
		for x := (&header{}); d.next(&s, x); {
			switch {
			case x.ctx(0):
				c.TerminationIDs = d.tids.make(d.hint, 1)
				d.termID(x, &c.TerminationIDs[0])
			case x.ctx(1):
				c.Audit = *d.auditDescriptor(x)
			case x.ctx(2) && d.ver >= 3:
				list = d.termIDList(x)
			case x.class == classContext && x.tag > 1:
				continue
			default:
				d.unexpected(x, "AuditRequest")
			}
			seen |= 1 << x.tag
		}
		d.close()
		if seen&3 != 3 {
			d.missing(h, "termination id or audit descriptor", "AuditRequest")
		}
		if len(list) > 0 {
			c.TerminationIDs = list
		}
		return c
	case h248.CmdNotify:
		c := d.notReqs.new(d.hint)
		var seen uint8
		s := d.open(h)
		for x := (&header{}); d.next(&s, x); {
			switch {
			case x.ctx(0):
				c.TerminationIDs = d.termIDList(x)
			case x.ctx(1):
				d.observedEvents(x, &c.ObservedEvents)
			case x.ctx(2):
				c.Error = d.errorDescriptor(x)
			case x.class == classContext && x.tag > 2:
				continue
			default:
				d.unexpected(x, "NotifyRequest")
			}
			seen |= 1 << x.tag
		}
		d.close()
		if seen&3 != 3 {
			d.missing(h, "termination ids or observed events", "NotifyRequest")
		}
		return c
	default: // ServiceChange
		c := d.scReqs.new(d.hint)
		var seen uint8
		s := d.open(h)
		for x := (&header{}); d.next(&s, x); {
			switch {
			case x.ctx(0):
				c.TerminationIDs = d.termIDList(x)
			case x.ctx(1):
				d.serviceChangeParm(x, &c.Parms)
			case x.class == classContext && x.tag > 1:
				continue
			default:
				d.unexpected(x, "ServiceChangeRequest")
			}
			seen |= 1 << x.tag
		}
		d.close()
		if seen&3 != 3 {
			d.missing(h, "termination ids or parameters", "ServiceChangeRequest")
		}
		return c
	}
}

func (d *decoder) commandReply(h *header) h248.CommandReply {
	if h.class != classContext || h.tag >= uint32(len(commandKinds)) {
		d.failCode(h.start, h248.CodeUnsupportedOrUnknownCommand, "unknown command reply [%d]", h.tag)
	}
	kind := commandKinds[h.tag]
	switch kind {
	case h248.CmdAdd, h248.CmdMove, h248.CmdModify, h248.CmdSubtract:
		c := d.ammsReps.new(d.hint)
		c.Verb = kind
		ids := false
		s := d.open(h)
		for x := (&header{}); d.next(&s, x); {
			switch {
			case x.ctx(0):
				c.TerminationIDs, ids = d.termIDList(x), true
			case x.ctx(1):
				c.Audit = d.terminationAudit(x)
			case x.class == classContext:
			default:
				d.unexpected(x, "AmmsReply")
			}
		}
		d.close()
		if !ids {
			d.missing(h, "termination ids", "AmmsReply")
		}
		return c
	case h248.CmdAuditCapabilities, h248.CmdAuditValue:
		c := d.audReps.new(d.hint)
		c.Cap = kind == h248.CmdAuditCapabilities
		rv := d.choice(h)
		r := &rv
		switch {
		case r.ctx(0):
			c.Result, c.TerminationIDs = h248.AuditContextResult, d.termIDList(r)
		case r.ctx(1):
			c.Result, c.Error = h248.AuditError, d.errorDescriptor(r)
		case r.ctx(2) || r.ctx(3) && d.ver >= 3:
			var seen uint8
			s := d.open(r)
			for x := (&header{}); d.next(&s, x); {
				switch {
				case x.ctx(0) && r.tag == 2:
					c.TerminationIDs = d.tids.make(d.hint, 1)
					d.termID(x, &c.TerminationIDs[0])
				case x.ctx(0):
					c.TerminationIDs = d.termIDList(x)
				case x.ctx(1):
					c.Audit = d.terminationAudit(x)
				case x.class == classContext && r.tag == 3:
					continue
				default:
					d.unexpected(x, "AuditResult")
				}
				seen |= 1 << x.tag
			}
			d.close()
			if seen&3 != 3 {
				d.missing(r, "termination id or audit result", "AuditResult")
			}
		default:
			d.failAt(r.start, "unknown AuditReply alternative [%d]", r.tag)
		}
		return c
	case h248.CmdNotify:
		c := d.notReps.new(d.hint)
		ids := false
		s := d.open(h)
		for x := (&header{}); d.next(&s, x); {
			switch {
			case x.ctx(0):
				c.TerminationIDs, ids = d.termIDList(x), true
			case x.ctx(1):
				c.Error = d.errorDescriptor(x)
			case x.class == classContext:
			default:
				d.unexpected(x, "NotifyReply")
			}
		}
		d.close()
		if !ids {
			d.missing(h, "termination ids", "NotifyReply")
		}
		return c
	default: // ServiceChange
		c := d.scReps.new(d.hint)
		var seen uint8
		s := d.open(h)
		for x := (&header{}); d.next(&s, x); {
			switch {
			case x.ctx(0):
				c.TerminationIDs = d.termIDList(x)
			case x.ctx(1):
				rv := d.choice(x)
				r := &rv
				switch {
				case r.ctx(0):
					c.Error = d.errorDescriptor(r)
				case r.ctx(1):
					d.serviceChangeResParm(r, &c.Result)
				default:
					d.unexpected(r, "ServiceChangeResult")
				}
			case x.class == classContext && x.tag > 1:
				continue
			default:
				d.unexpected(x, "ServiceChangeReply")
			}
			seen |= 1 << x.tag
		}
		d.close()
		if seen&3 != 3 {
			d.missing(h, "termination ids or result", "ServiceChangeReply")
		}
		return c
	}
}

// terminationAudit reads a TerminationAudit; emptyDescriptors become one
// AuditDescriptor, placed last.
func (d *decoder) terminationAudit(h *header) []h248.Descriptor {
	// Room for each element; emptyDescriptors share one AuditDescriptor.
	ds := d.descs.make(d.hint, d.children(h))[:0]
	var empty *h248.AuditDescriptor
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		if c.class != classContext {
			d.unexpected(c, "TerminationAudit")
		}
		switch c.tag {
		case 0:
			ds = append(ds, d.errorDescriptor(c))
		case 1:
			ds = append(ds, d.media(c))
		case 2:
			ds = append(ds, d.modem(c))
		case 3:
			ds = append(ds, d.mux(c))
		case 4:
			ds = append(ds, d.events(c))
		case 5:
			ds = append(ds, d.eventBuffer(c))
		case 6:
			ds = append(ds, d.signals(c))
		case 7:
			ds = append(ds, d.digitMap(c))
		case 8:
			oe := &h248.ObservedEventsDescriptor{}
			d.observedEvents(c, oe)
			ds = append(ds, oe)
		case 9:
			ds = append(ds, d.statistics(c))
		case 10:
			ds = append(ds, d.packages(c))
		case 11:
			ad := d.auditDescriptor(c)
			if empty == nil {
				empty = ad
				break
			}
			for _, t := range ad.Tokens {
				if !slices.Contains(empty.Tokens, t) {
					empty.Tokens = append(empty.Tokens, t)
				}
			}
			empty.Props = append(empty.Props, ad.Props...)
		default:
			d.failAt(c.start, "unknown AuditReturnParameter [%d]", c.tag)
		}
	}
	d.close()
	if empty != nil {
		ds = append(ds, empty)
	}
	return ds
}

func (d *decoder) ammDescriptor(h *header) h248.Descriptor {
	if h.class == classContext {
		switch h.tag {
		case 0:
			return d.media(h)
		case 1:
			return d.modem(h)
		case 2:
			return d.mux(h)
		case 3:
			return d.events(h)
		case 4:
			return d.eventBuffer(h)
		case 5:
			return d.signals(h)
		case 6:
			return d.digitMap(h)
		case 7:
			return d.auditDescriptor(h)
		case 8:
			if d.ver >= 3 {
				return d.statistics(h)
			}
		}
	}
	d.failCode(h.start, h248.CodeUnsupportedOrUnknownDescriptor, "unknown AmmDescriptor [%d] in a version %d message", h.tag, d.ver)
	return nil
}

func (d *decoder) serviceChangeParm(h *header, p *h248.ServiceChangeParm) {
	var seen uint16
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		if c.class != classContext {
			d.unexpected(c, "ServiceChangeParm")
		}
		switch c.tag {
		case 0:
			p.Method = h248.ServiceChangeMethod(d.enum(c, uint64(h248.MethodHandOff), "ServiceChange method"))
		case 1:
			p.Address = d.mids.new(d.hint)
			d.midIn(c, 1, "ServiceChangeAddress", p.Address)
		case 2:
			p.Version = h248.Some(uint8(d.upTo(c, 99, "ServiceChange version")))
		case 3:
			p.Profile = d.profile(c)
		case 4:
			d.reason(c, &p.Reason)
		case 5:
			p.Delay = h248.Some(d.u32(c))
		case 6:
			p.MgcID = d.mids.new(d.hint)
			d.midIn(c, 0, "MgcIdToTry", p.MgcID)
		case 7:
			p.TimeStamp = d.timeNotation(c)
		case 8:
			if x, ok := d.nonStandard(c); ok {
				p.Extensions = append(p.Extensions, x)
			}
		case 9:
			if d.ver >= 2 {
				p.Info = d.auditDescriptor(c)
			}
		case 10:
			if d.ver >= 3 {
				d.null(c)
				p.Incomplete = true
			}
		}
		if c.tag < 16 {
			seen |= 1 << c.tag
		}
	}
	d.close()
	if seen&0x11 != 0x11 {
		d.missing(h, "method or reason", "ServiceChangeParm")
	}
}

// nonStandard reads nonStandardData; an experimental identifier ("X-abc")
// becomes a ServiceChange extension, the other identifiers are skipped.
func (d *decoder) nonStandard(h *header) (h248.PropertyParm, bool) {
	var name, data string
	experimental := false
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			idv := d.choice(c)
			id := &idv
			if id.ctx(2) {
				name = string(d.content(id))
				experimental = len(name) == 8
			}
		case c.ctx(1):
			data = string(d.content(c))
		default:
			d.unexpected(c, "NonStandardData")
		}
	}
	d.close()
	if !experimental {
		return h248.PropertyParm{}, false
	}
	return h248.PropertyParm{Name: name, Value: h248.Single(h248.Value{Text: data})}, true
}

func (d *decoder) profile(h *header) *h248.Profile {
	var name []byte
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		if !c.ctx(0) {
			d.unexpected(c, "ServiceChangeProfile")
		}
		name = d.content(c)
	}
	d.close()
	i := bytes.LastIndexByte(name, '/')
	if i <= 0 || len(name) > 67 {
		d.failAt(h.start, "profile %q is not name/version", name)
	}
	v := 0
	for _, c := range name[i+1:] {
		if c < '0' || c > '9' || v > 25 {
			d.failAt(h.start, "profile %q has no version of 0 to 255", name)
		}
		v = v*10 + int(c-'0')
	}
	if i+1 == len(name) || v > 255 {
		d.failAt(h.start, "profile %q has no version of 0 to 255", name)
	}
	p := d.profiles.new(d.hint)
	p.Version = uint8(v)
	d.setStr(&p.Name, name[:i])
	return p
}

func (d *decoder) serviceChangeResParm(h *header, p *h248.ServiceChangeResParm) {
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			p.MgcID = d.mids.new(d.hint)
			d.midIn(c, 0, "MgcIdToTry", p.MgcID)
		case c.ctx(1):
			p.Address = d.mids.new(d.hint)
			d.midIn(c, 1, "ServiceChangeAddress", p.Address)
		case c.ctx(2):
			p.Version = h248.Some(uint8(d.upTo(c, 99, "ServiceChange version")))
		case c.ctx(3):
			p.Profile = d.profile(c)
		case c.ctx(4):
			p.TimeStamp = d.timeNotation(c)
		case c.class == classContext:
		default:
			d.unexpected(c, "ServiceChangeResParm")
		}
	}
	d.close()
}
