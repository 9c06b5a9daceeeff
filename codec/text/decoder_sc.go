package text

import (
	"github.com/megaco/megaco/grammar"
	"github.com/megaco/megaco/pkg/h248"
)

var methodTokens = []grammar.Keyword{grammar.FailoverToken, grammar.ForcedToken, grammar.GracefulToken,
	grammar.RestartToken, grammar.DisconnectedToken, grammar.HandOffToken}

// serviceChangeDescriptor reads Services { serviceChangeParm *(, ...) }.
func (d *decoder) serviceChangeDescriptor() h248.ServiceChangeParm {
	start := d.tok
	d.expectKw(grammar.ServicesToken)
	d.expect(grammar.LBrace)
	var p h248.ServiceChangeParm
	var seen kwSet
	var method, reason bool
	for {
		t := d.tok
		k := d.kw()
		if _, audit := auditItemToken(k); !audit && k != grammar.NoKeyword {
			if seen.has(k) {
				d.failAt(t, k.Long()+" given twice")
			}
			seen.add(k)
		}
		switch {
		case k == grammar.MethodToken:
			d.next()
			d.expect(grammar.Equal)
			if d.is(grammar.Safe) && grammar.ValidExtension(d.text()) {
				p.Method, p.MethodExtension = h248.MethodExtension, d.text()
				d.next()
			} else {
				p.Method = h248.ServiceChangeMethod(d.keywordOf("a ServiceChange method", methodTokens...))
			}
			method = true
		case k == grammar.ReasonToken:
			d.next()
			d.expect(grammar.Equal)
			p.Reason = d.value()
			reason = true
		case k == grammar.DelayToken:
			d.next()
			d.expect(grammar.Equal)
			p.Delay = h248.Some(d.uint32("Delay"))
		case k == grammar.ProfileToken:
			p.Profile = d.profile()
		case k == grammar.VersionToken:
			p.Version = h248.Some(d.scVersion())
		case k == grammar.ServiceChangeAddressToken:
			p.Address = d.serviceChangeAddress()
		case k == grammar.MgcIdToken:
			d.next()
			d.expect(grammar.Equal)
			mid := d.mid()
			p.MgcID = &mid
		case k == grammar.ServiceChangeIncompleteToken:
			d.need(3, t, "ServiceChangeInc")
			d.next()
			p.Incomplete = true
		case d.is(grammar.Safe) && grammar.IsTimeStamp(d.text()):
			if p.TimeStamp != nil {
				d.failAt(t, "TimeStamp given twice")
			}
			p.TimeStamp = d.timeStamp()
		case d.is(grammar.Safe) && grammar.ValidExtension(d.text()):
			name := d.safe("extension")
			p.Extensions = append(p.Extensions, h248.PropertyParm{Name: name, Value: d.parmValue()})
		default:
			if _, ok := auditItemToken(k); !ok {
				d.fail("a ServiceChange parameter (Method, Reason, Delay, ...)", "unknown ServiceChange parameter")
			}
			d.need(2, t, "an audit item in ServiceChange")
			if p.Info == nil {
				p.Info = &h248.AuditDescriptor{}
			}
			d.auditItem(p.Info)
		}
		if !d.accept(grammar.Comma) {
			break
		}
	}
	if !method || !reason {
		d.failAt(start, "a ServiceChange needs Method and Reason")
	}
	d.expect(grammar.RBrace)
	return p
}

func (d *decoder) profile() *h248.Profile {
	d.next()
	d.expect(grammar.Equal)
	t := d.tok
	p, err := grammar.ParseProfile(d.safe("profile"))
	if err != nil {
		d.failIn(t, err)
	}
	return &p
}

func (d *decoder) scVersion() uint8 {
	d.next()
	d.expect(grammar.Equal)
	t := d.tok
	v, ok := grammar.ParseUint(d.safe("Version"), 2, 99)
	if !ok {
		d.failAt(t, "Version must be 1 or 2 digits")
	}
	return uint8(v)
}

// serviceChangeAddress reads ServiceChangeAddress = (mId / portNumber).
func (d *decoder) serviceChangeAddress() *h248.MID {
	d.next()
	d.expect(grammar.Equal)
	if d.is(grammar.Safe) {
		if _, ok := grammar.ParseUint(d.text(), 10, 1<<40); ok {
			return &h248.MID{Kind: h248.MIDPort, Port: h248.Some(d.uint16("port number"))}
		}
	}
	mid := d.mid()
	return &mid
}

// serviceChangeReplyDescriptor reads Services { servChgReplyParm *(, ...) }.
func (d *decoder) serviceChangeReplyDescriptor() h248.ServiceChangeResParm {
	d.expectKw(grammar.ServicesToken)
	d.expect(grammar.LBrace)
	var p h248.ServiceChangeResParm
	var seen kwSet
	for {
		t := d.tok
		k := d.kw()
		if k != grammar.NoKeyword {
			if seen.has(k) {
				d.failAt(t, k.Long()+" given twice")
			}
			seen.add(k)
		}
		switch {
		case k == grammar.ServiceChangeAddressToken:
			p.Address = d.serviceChangeAddress()
		case k == grammar.MgcIdToken:
			d.next()
			d.expect(grammar.Equal)
			mid := d.mid()
			p.MgcID = &mid
		case k == grammar.ProfileToken:
			p.Profile = d.profile()
		case k == grammar.VersionToken:
			p.Version = h248.Some(d.scVersion())
		case d.is(grammar.Safe) && grammar.IsTimeStamp(d.text()):
			if p.TimeStamp != nil {
				d.failAt(t, "TimeStamp given twice")
			}
			p.TimeStamp = d.timeStamp()
		default:
			d.fail("ServiceChangeAddress, MgcIdToTry, Profile, Version or a TimeStamp", "unknown ServiceChange reply parameter")
		}
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return p
}
