package text

import (
	"github.com/megaco/megaco/grammar"
	"github.com/megaco/megaco/pkg/h248"
)

// auditDescriptor reads Audit { [auditItem *(, auditItem)] }.
func (d *decoder) auditDescriptor() *h248.AuditDescriptor {
	d.expectKw(grammar.AuditToken)
	d.expect(grammar.LBrace)
	ad := &h248.AuditDescriptor{}
	if d.accept(grammar.RBrace) {
		return ad
	}
	for {
		d.auditItem(ad)
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return ad
}

// auditItem reads an audit token or (v2) an individual audit descriptor.
func (d *decoder) auditItem(ad *h248.AuditDescriptor) {
	t := d.tok
	k := d.kw()
	if tok, ok := auditItemToken(k); ok && !d.peekOpensBody(k) {
		d.next()
		ad.Tokens = append(ad.Tokens, tok)
		return
	}
	if _, ok := auditItemToken(k); !ok {
		d.fail("an audit item (Media, Events, Signals, ...)", "unknown audit item")
	}
	d.need(2, t, "an individual audit descriptor")
	ad.Props = append(ad.Props, d.indAuditParameter(k))
}

func auditItemToken(k grammar.Keyword) (h248.AuditToken, bool) {
	switch k {
	case grammar.EventsToken:
		return h248.AuditEvents, true
	case grammar.SignalsToken:
		return h248.AuditSignals, true
	case grammar.EventBufferToken:
		return h248.AuditEventBuffer, true
	}
	return auditReturnToken(k)
}

func (d *decoder) indAuditParameter(k grammar.Keyword) h248.IndAuditParameter {
	t := d.tok
	d.next()
	switch k {
	case grammar.MediaToken:
		return d.indAudMedia()
	case grammar.EventsToken:
		e := &h248.IndAudEventsDescriptor{}
		if d.accept(grammar.Equal) {
			e.RequestID = h248.Some(d.requestID())
		}
		d.expect(grammar.LBrace)
		e.Name = d.pkgdName()
		d.expect(grammar.RBrace)
		return e
	case grammar.SignalsToken:
		return d.indAudSignals()
	case grammar.DigitMapToken:
		d.expect(grammar.Equal)
		return &h248.IndAudDigitMapDescriptor{Name: d.name("digit map name")}
	case grammar.EventBufferToken:
		d.expect(grammar.LBrace)
		e := &h248.IndAudEventBufferDescriptor{Name: d.pkgdName()}
		if d.accept(grammar.LBrace) {
			if d.isKw(grammar.StreamToken) {
				e.Stream = h248.Some(d.eventStream())
			} else {
				e.ParamName = d.name("event parameter name")
			}
			d.expect(grammar.RBrace)
		}
		d.expect(grammar.RBrace)
		return e
	case grammar.StatsToken:
		d.expect(grammar.LBrace)
		s := &h248.IndAudStatisticsDescriptor{Name: d.pkgdName()}
		d.expect(grammar.RBrace)
		return s
	case grammar.PackagesToken:
		d.expect(grammar.LBrace)
		p := d.packagesItem()
		d.expect(grammar.RBrace)
		return &h248.IndAudPackagesDescriptor{Name: p.Name, Version: p.Version}
	}
	d.failAt(t, "this descriptor cannot be audited individually")
	return nil
}

func (d *decoder) indAudMedia() *h248.IndAudMediaDescriptor {
	d.expect(grammar.LBrace)
	m := &h248.IndAudMediaDescriptor{}
	for {
		t := d.tok
		switch d.kw() {
		case grammar.TerminationStateToken:
			if m.TermState != nil {
				d.failAt(t, "TerminationState given twice")
			}
			m.TermState = d.indAudTermState()
		case grammar.StreamToken:
			if m.Stream != nil {
				d.failAt(t, "Stream descriptors and stream parameters in one Media descriptor")
			}
			d.next()
			d.expect(grammar.Equal)
			sd := h248.IndAudStreamDescriptor{ID: d.uint16("StreamID")}
			d.expect(grammar.LBrace)
			for {
				d.indAudStreamParm(&sd.Parms)
				if !d.accept(grammar.Comma) {
					break
				}
			}
			d.expect(grammar.RBrace)
			m.Streams = append(m.Streams, sd)
		default:
			if m.Streams != nil {
				d.failAt(t, "Stream descriptors and stream parameters in one Media descriptor")
			}
			if m.Stream == nil {
				m.Stream = &h248.IndAudStreamParms{}
			}
			d.indAudStreamParm(m.Stream)
		}
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return m
}

func (d *decoder) indAudStreamParm(sp *h248.IndAudStreamParms) {
	t := d.tok
	switch d.kw() {
	case grammar.LocalControlToken:
		if sp.LocalControl != nil {
			d.failAt(t, "LocalControl given twice")
		}
		sp.LocalControl = d.indAudLocalControl()
	case grammar.LocalToken:
		if sp.Local != nil {
			d.failAt(t, "Local given twice")
		}
		sp.Local = d.localRemote()
	case grammar.RemoteToken:
		if sp.Remote != nil {
			d.failAt(t, "Remote given twice")
		}
		sp.Remote = d.localRemote()
	case grammar.StatsToken:
		d.need(3, t, "Statistics in a stream")
		if sp.Statistics != nil {
			d.failAt(t, "Statistics given twice")
		}
		d.next()
		d.expect(grammar.LBrace)
		sp.Statistics = &h248.IndAudStatisticsDescriptor{Name: d.pkgdName()}
		d.expect(grammar.RBrace)
	default:
		d.fail("LocalControl, Local, Remote or Stream", "unknown media parameter")
	}
}

// selectRelation consumes EQUAL or INEQUAL ("=", ">", "<", "#") and says
// which.
func (d *decoder) selectRelation() (h248.ValueForm, bool) {
	var f h248.ValueForm
	switch d.tok.Kind {
	case grammar.Equal:
		f = h248.FormSingle
	case grammar.Greater:
		f = h248.FormGreater
	case grammar.Less:
		f = h248.FormSmaller
	case grammar.Hash:
		f = h248.FormUnequal
	default:
		return 0, false
	}
	d.next()
	return f, true
}

// indAudProp reads pkgdName or (v3, a selection) propertyParm.
func (d *decoder) indAudProp() h248.IndAudPropertyParm {
	t := d.tok
	name := d.pkgdName()
	switch d.tok.Kind {
	case grammar.Equal, grammar.Less, grammar.Greater, grammar.Hash:
		d.need(3, t, "selecting by a property value")
		p := h248.PropertyParm{Name: name, Value: d.parmValue()}
		return h248.IndAudPropertyParm{Name: name, Value: &p}
	}
	return h248.IndAudPropertyParm{Name: name}
}

func (d *decoder) indAudLocalControl() *h248.IndAudLocalControlDescriptor {
	d.next()
	d.expect(grammar.LBrace)
	lc := &h248.IndAudLocalControlDescriptor{}
	for {
		t := d.tok
		switch {
		case d.isPkgdName():
			lc.Props = append(lc.Props, d.indAudProp())
		case d.isKw(grammar.ModeToken):
			d.next()
			if form, ok := d.selectRelation(); ok {
				d.need(3, t, "selecting by Mode")
				lc.ModeSelect, lc.ModeSelectForm = h248.Some(d.streamMode()), form
			} else {
				lc.Mode = true
			}
		case d.isKw(grammar.ReservedValueToken):
			d.next()
			lc.ReserveValue = true
		case d.isKw(grammar.ReservedGroupToken):
			d.next()
			lc.ReserveGroup = true
		default:
			d.fail("Mode, ReservedValue, ReservedGroup or a property", "unknown LocalControl audit item")
		}
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return lc
}

func (d *decoder) indAudTermState() *h248.IndAudTerminationStateDescriptor {
	d.next()
	d.expect(grammar.LBrace)
	ts := &h248.IndAudTerminationStateDescriptor{}
	for {
		t := d.tok
		switch {
		case d.isPkgdName():
			ts.Props = append(ts.Props, d.indAudProp())
		case d.isKw(grammar.ServiceStatesToken):
			d.next()
			if form, ok := d.selectRelation(); ok {
				d.need(3, t, "selecting by ServiceStates")
				ts.ServiceStateSelect, ts.ServiceStateSelectForm = h248.Some(d.serviceState()), form
			} else {
				ts.ServiceState = true
			}
		case d.isKw(grammar.BufferToken):
			d.next()
			ts.EventBufferControl = true
		default:
			d.fail("ServiceStates, Buffer or a property", "unknown TerminationState audit item")
		}
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return ts
}

// indAudSignals reads { [signalList / signalRequest] } after Signals.
func (d *decoder) indAudSignals() *h248.IndAudSignalsDescriptor {
	d.expect(grammar.LBrace)
	s := &h248.IndAudSignalsDescriptor{}
	switch {
	case d.is(grammar.RBrace):
	case d.isKw(grammar.SignalListToken):
		d.next()
		d.expect(grammar.Equal)
		s.List = &h248.IndAudSeqSigList{ID: d.uint16("signal list id")}
		if d.accept(grammar.LBrace) {
			s.List.Signal = d.indAudSignal()
			d.expect(grammar.RBrace)
		}
	default:
		s.Signal = d.indAudSignal()
	}
	d.expect(grammar.RBrace)
	return s
}

func (d *decoder) indAudSignal() *h248.IndAudSignal {
	s := &h248.IndAudSignal{Name: d.pkgdName()}
	if !d.accept(grammar.LBrace) {
		return s
	}
	for {
		t := d.tok
		switch {
		case d.isKw(grammar.StreamToken):
			s.Stream = h248.Some(d.eventStream())
		case d.isKw(grammar.RequestIDToken):
			d.need(3, t, "SPARequestID")
			d.next()
			d.expect(grammar.Equal)
			s.RequestID = h248.Some(d.requestID())
		default:
			d.fail("Stream or SPARequestID", "unknown signal audit item")
		}
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return s
}
