package text

import (
	"strings"

	"github.com/megaco/megaco/grammar"
	"github.com/megaco/megaco/pkg/h248"
)

func (d *decoder) mediaDescriptor() *h248.MediaDescriptor {
	d.next()
	d.expect(grammar.LBrace)
	m := &h248.MediaDescriptor{}
	for {
		t := d.tok
		switch d.kw() {
		case grammar.TerminationStateToken:
			if m.TermState != nil {
				d.failAt(t, "TerminationState given twice")
			}
			m.TermState = d.terminationStateDescriptor()
		case grammar.StreamToken:
			if m.Stream != nil {
				d.failAt(t, "Stream descriptors and stream parameters in one Media descriptor")
			}
			d.next()
			d.expect(grammar.Equal)
			sd := h248.StreamDescriptor{ID: d.uint16("StreamID")}
			d.expect(grammar.LBrace)
			for {
				d.streamParm(&sd.Parms)
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
				m.Stream = &h248.StreamParms{}
			}
			d.streamParm(m.Stream)
		}
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return m
}

// streamParm reads LocalControl, Local, Remote or (v3) Statistics into sp.
func (d *decoder) streamParm(sp *h248.StreamParms) {
	t := d.tok
	switch d.kw() {
	case grammar.LocalControlToken:
		if sp.LocalControl != nil {
			d.failAt(t, "LocalControl given twice")
		}
		sp.LocalControl = d.localControlDescriptor()
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
		sp.Statistics = d.statisticsDescriptor()
	default:
		d.fail("LocalControl, Local, Remote or Stream", "unknown media parameter")
	}
}

// localRemote reads Local { octetString } or Remote { octetString }.
func (d *decoder) localRemote() *h248.LocalRemoteDescriptor {
	d.next()
	d.expect(grammar.LBrace)
	t := d.expect(grammar.OctetString)
	d.expect(grammar.RBrace)
	return &h248.LocalRemoteDescriptor{SDP: normalizeSDP(d.src[t.Pos:t.End])}
}

func (d *decoder) localControlDescriptor() *h248.LocalControlDescriptor {
	d.next()
	d.expect(grammar.LBrace)
	lc := &h248.LocalControlDescriptor{}
	for {
		t := d.tok
		switch {
		case d.isPkgdName():
			lc.Props = push(lc.Props, d.propertyParm(), &d.props)
		case d.isKw(grammar.ModeToken):
			if lc.Mode.Set {
				d.failAt(t, "Mode given twice")
			}
			d.next()
			d.expect(grammar.Equal)
			lc.Mode = h248.Some(d.streamMode())
		case d.isKw(grammar.ReservedValueToken):
			if lc.ReserveValue.Set {
				d.failAt(t, "ReservedValue given twice")
			}
			d.next()
			d.expect(grammar.Equal)
			lc.ReserveValue = h248.Some(d.onOff())
		case d.isKw(grammar.ReservedGroupToken):
			if lc.ReserveGroup.Set {
				d.failAt(t, "ReservedGroup given twice")
			}
			d.next()
			d.expect(grammar.Equal)
			lc.ReserveGroup = h248.Some(d.onOff())
		default:
			d.fail("Mode, ReservedValue, ReservedGroup or a property", "unknown LocalControl parameter")
		}
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return lc
}

var streamModeTokens = []grammar.Keyword{grammar.SendonlyToken, grammar.RecvonlyToken,
	grammar.SendrecvToken, grammar.InactiveToken, grammar.LoopbackToken}

func (d *decoder) streamMode() h248.StreamMode {
	return h248.StreamMode(d.keywordOf("SendOnly, ReceiveOnly, SendReceive, Inactive or Loopback", streamModeTokens...))
}

var serviceStateTokens = []grammar.Keyword{grammar.TestToken, grammar.OutOfSvcToken, grammar.InSvcToken}

func (d *decoder) serviceState() h248.ServiceState {
	return h248.ServiceState(d.keywordOf("Test, OutOfService or InService", serviceStateTokens...))
}

func (d *decoder) terminationStateDescriptor() *h248.TerminationStateDescriptor {
	d.next()
	d.expect(grammar.LBrace)
	ts := &h248.TerminationStateDescriptor{}
	for {
		t := d.tok
		switch {
		case d.isPkgdName():
			ts.Props = push(ts.Props, d.propertyParm(), &d.props)
		case d.isKw(grammar.ServiceStatesToken):
			if ts.ServiceState.Set {
				d.failAt(t, "ServiceStates given twice")
			}
			d.next()
			d.expect(grammar.Equal)
			ts.ServiceState = h248.Some(d.serviceState())
		case d.isKw(grammar.BufferToken):
			if ts.EventBufferControl.Set {
				d.failAt(t, "Buffer given twice")
			}
			d.next()
			d.expect(grammar.Equal)
			ts.EventBufferControl = h248.Some(d.eventBufferControl())
		default:
			d.fail("ServiceStates, Buffer or a property", "unknown TerminationState parameter")
		}
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return ts
}

func (d *decoder) eventBufferControl() h248.EventBufferControl {
	if d.is(grammar.Safe) && strings.EqualFold(d.text(), "off") {
		d.next()
		return h248.BufferOff
	}
	d.keywordOf(`"OFF" or LockStep`, grammar.LockStepToken)
	return h248.BufferLockStep
}

var modemTypeTokens = []grammar.Keyword{grammar.V18Token, grammar.V22Token, grammar.V22bisToken,
	grammar.V32Token, grammar.V32bisToken, grammar.V34Token, grammar.V90Token, grammar.V91Token, grammar.SynchISDNToken}

func (d *decoder) modemType() string {
	if d.is(grammar.Safe) && grammar.ValidExtension(d.text()) {
		return d.safe("modem type")
	}
	return modemTypeTokens[d.keywordOf("a modem type", modemTypeTokens...)].Long()
}

func (d *decoder) modemDescriptor() *h248.ModemDescriptor {
	d.next()
	md := &h248.ModemDescriptor{}
	if d.accept(grammar.LBracket) {
		md.Types = append(md.Types, d.modemType())
		for d.accept(grammar.Comma) {
			md.Types = append(md.Types, d.modemType())
		}
		d.expect(grammar.RBracket)
	} else {
		d.expect(grammar.Equal)
		md.Types = []string{d.modemType()}
	}
	if d.accept(grammar.LBrace) {
		md.Props = push(md.Props, d.propertyParm(), &d.props)
		for d.accept(grammar.Comma) {
			md.Props = push(md.Props, d.propertyParm(), &d.props)
		}
		d.expect(grammar.RBrace)
	}
	return md
}

var muxTypeTokens = []grammar.Keyword{grammar.H221Token, grammar.H223Token, grammar.H226Token,
	grammar.V76Token, grammar.Nx64kToken}

func (d *decoder) muxDescriptor() *h248.MuxDescriptor {
	d.next()
	d.expect(grammar.Equal)
	mx := &h248.MuxDescriptor{}
	t := d.tok
	if d.is(grammar.Safe) && grammar.ValidExtension(d.text()) {
		mx.Type = d.safe("mux type")
	} else {
		k := muxTypeTokens[d.keywordOf("a mux type", muxTypeTokens...)]
		if k == grammar.Nx64kToken {
			d.need(2, t, "Nx64Kservice")
		}
		mx.Type = k.Long()
	}
	mx.TerminationIDs = d.terminationIDBraces()
	return mx
}

// eventsDescriptor reads Events [= RequestID { requestedEvent ... }].
// first is false for the events of an Embed, which cannot embed events.
func (d *decoder) eventsDescriptor(first bool) *h248.EventsDescriptor {
	d.next()
	ed := &h248.EventsDescriptor{}
	if !d.accept(grammar.Equal) {
		return ed
	}
	ed.RequestID = h248.Some(d.requestID())
	d.expect(grammar.LBrace)
	for {
		ed.Events = append(ed.Events, d.requestedEvent(first))
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return ed
}

func (d *decoder) requestedEvent(first bool) h248.RequestedEvent {
	ev := h248.RequestedEvent{Name: d.pkgdName()}
	if !d.accept(grammar.LBrace) {
		return ev
	}
	a := &ev.Action
	for {
		t := d.tok
		switch d.kw() {
		case grammar.KeepActiveToken:
			d.next()
			a.KeepActive = true
		case grammar.EmbedToken:
			if a.Signals != nil || a.SecondEvent != nil {
				d.failAt(t, "Embed given twice")
			}
			d.embed(first, &a.Signals, &a.SecondEvent)
		case grammar.DigitMapToken:
			if a.DigitMap != nil {
				d.failAt(t, "DigitMap given twice")
			}
			a.DigitMap = d.eventDM()
		case grammar.StreamToken:
			if ev.Stream.Set {
				d.failAt(t, "Stream given twice")
			}
			ev.Stream = h248.Some(d.eventStream())
		case grammar.NeverNotifyToken, grammar.NotifyImmediateToken, grammar.NotifyRegulatedToken:
			d.need(3, t, "a notify behaviour")
			if a.NotifyBehaviour != nil {
				d.failAt(t, "notify behaviour given twice")
			}
			a.NotifyBehaviour = d.notifyBehaviour()
		case grammar.ResetEventsDescriptorToken:
			d.need(3, t, "ResetEventsDescriptor")
			d.next()
			a.ResetEventsDescriptor = true
		default:
			ev.Params = push(ev.Params, d.otherParm("event parameter name"), &d.props)
		}
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return ev
}

// embed reads Embed { Signals [, Events] } or Embed { Events }; the events
// only when first.
func (d *decoder) embed(first bool, sig **h248.SignalsDescriptor, ev **h248.EventsDescriptor) {
	d.next()
	d.expect(grammar.LBrace)
	if d.isKw(grammar.SignalsToken) {
		*sig = d.signalsDescriptor()
		if !first || !d.accept(grammar.Comma) {
			d.expect(grammar.RBrace)
			return
		}
	} else if !first {
		d.fail("Signals", "unexpected token in an embedded descriptor")
	}
	if !d.isKw(grammar.EventsToken) {
		d.fail("Events", "unexpected token in an embedded descriptor")
	}
	*ev = d.eventsDescriptor(false)
	d.expect(grammar.RBrace)
}

func (d *decoder) notifyBehaviour() *h248.NotifyBehaviour {
	k := d.kw()
	d.next()
	switch k {
	case grammar.NeverNotifyToken:
		return &h248.NotifyBehaviour{Kind: h248.NeverNotify}
	case grammar.NotifyImmediateToken:
		return &h248.NotifyBehaviour{Kind: h248.NotifyImmediate}
	}
	nb := &h248.NotifyBehaviour{Kind: h248.NotifyRegulated}
	if d.accept(grammar.LBrace) {
		if !d.isKw(grammar.EmbedToken) {
			d.fail("Embed", "unexpected token in RegulatedNotify")
		}
		d.embed(true, &nb.Signals, &nb.SecondEvent)
		d.expect(grammar.RBrace)
	}
	return nb
}

// eventDM reads DigitMap = name or DigitMap = { value } (or, as Erlang
// writes it, DigitMap { value }).
func (d *decoder) eventDM() *h248.EventDM {
	d.next()
	if d.accept(grammar.LBrace) {
		return &h248.EventDM{Value: d.digitMapBody()}
	}
	d.expect(grammar.Equal)
	if d.accept(grammar.LBrace) {
		return &h248.EventDM{Value: d.digitMapBody()}
	}
	return &h248.EventDM{Name: d.name("digit map name")}
}

// digitMapBody reads the DigitMapBody token and the closing brace.
func (d *decoder) digitMapBody() *h248.DigitMapValue {
	t := d.expect(grammar.DigitMapBody)
	v, err := grammar.ParseDigitMapValue(d.s[t.Pos:t.End], d.ver)
	if err != nil {
		de := err.(*grammar.DigitMapError)
		panic(bailout{d.errAt(t.Pos+de.Offset, "", de.Msg)})
	}
	d.expect(grammar.RBrace)
	return &v
}

// digitMapDescriptor reads DigitMap = name, DigitMap = [name] { value }
// or, as Erlang writes it, DigitMap { value }.
func (d *decoder) digitMapDescriptor() *h248.DigitMapDescriptor {
	d.next()
	dm := &h248.DigitMapDescriptor{}
	if d.accept(grammar.LBrace) {
		dm.Value = d.digitMapBody()
		return dm
	}
	d.expect(grammar.Equal)
	if !d.is(grammar.LBrace) {
		dm.Name = d.name("digit map name")
	}
	if d.accept(grammar.LBrace) {
		dm.Value = d.digitMapBody()
	}
	return dm
}

// signalsDescriptor reads Signals [{ [signalParm *(, signalParm)] }].
func (d *decoder) signalsDescriptor() *h248.SignalsDescriptor {
	d.next()
	sd := &h248.SignalsDescriptor{}
	if !d.accept(grammar.LBrace) {
		return sd
	}
	if d.accept(grammar.RBrace) {
		return sd
	}
	for {
		if d.isKw(grammar.SignalListToken) {
			d.next()
			d.expect(grammar.Equal)
			l := &h248.SeqSigList{ID: d.uint16("signal list id")}
			d.expect(grammar.LBrace)
			for {
				l.Signals = append(l.Signals, d.signalRequest())
				if !d.accept(grammar.Comma) {
					break
				}
			}
			d.expect(grammar.RBrace)
			sd.Signals = append(sd.Signals, h248.SignalRequest{List: l})
		} else {
			sd.Signals = append(sd.Signals, h248.SignalRequest{Signal: d.signalRequest()})
		}
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return sd
}

var signalTypeTokens = []grammar.Keyword{grammar.BriefToken, grammar.OnOffToken, grammar.TimeOutToken}

var notifyCompletionTokens = []grammar.Keyword{grammar.TimeOutToken, grammar.InterruptByEventToken,
	grammar.InterruptByNewSignalsDescrToken, grammar.OtherReasonToken, grammar.IterationToken}

var directionTokens = []grammar.Keyword{grammar.InternalToken, grammar.ExternalToken, grammar.BothToken}

func (d *decoder) signalRequest() h248.Signal {
	s := h248.Signal{Name: d.pkgdName()}
	if !d.accept(grammar.LBrace) {
		return s
	}
	for {
		t := d.tok
		k := d.kw()
		switch k {
		case grammar.StreamToken:
			s.Stream = h248.Some(d.eventStream())
		case grammar.SignalTypeToken:
			d.next()
			d.expect(grammar.Equal)
			s.Type = h248.Some(h248.SignalType(d.keywordOf("OnOff, TimeOut or Brief", signalTypeTokens...)))
		case grammar.DurationToken:
			d.next()
			d.expect(grammar.Equal)
			s.Duration = h248.Some(d.uint16("Duration"))
		case grammar.NotifyCompletionToken:
			d.next()
			d.expect(grammar.Equal)
			d.expect(grammar.LBrace)
			for {
				rt := d.tok
				r := h248.NotifyCompletionReason(d.keywordOf("TimeOut, IntByEvent, IntBySigDescr, OtherReason or Iteration", notifyCompletionTokens...))
				if r == h248.OnIteration {
					d.need(3, rt, "Iteration")
				}
				s.NotifyCompletion = append(s.NotifyCompletion, r)
				if !d.accept(grammar.Comma) {
					break
				}
			}
			d.expect(grammar.RBrace)
		case grammar.KeepActiveToken:
			d.next()
			s.KeepActive = true
		case grammar.DirectionToken:
			d.need(3, t, "SPADirection")
			d.next()
			d.expect(grammar.Equal)
			s.Direction = h248.Some(h248.SignalDirection(d.keywordOf("Internal, External or Both", directionTokens...)))
		case grammar.RequestIDToken:
			d.need(3, t, "SPARequestID")
			d.next()
			d.expect(grammar.Equal)
			s.RequestID = h248.Some(d.requestID())
		case grammar.IntsigDelayToken:
			d.need(3, t, "Intersignal")
			d.next()
			d.expect(grammar.Equal)
			s.IntersigDelay = h248.Some(d.uint16("Intersignal"))
		default:
			s.Params = push(s.Params, d.otherParm("signal parameter name"), &d.props)
		}
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return s
}

// eventBufferDescriptor reads EventBuffer [{ eventSpec *(, eventSpec) }].
func (d *decoder) eventBufferDescriptor() *h248.EventBufferDescriptor {
	d.next()
	eb := &h248.EventBufferDescriptor{}
	if !d.accept(grammar.LBrace) {
		return eb
	}
	for {
		es := h248.EventSpec{Name: d.pkgdName()}
		if d.accept(grammar.LBrace) {
			es.Stream, es.Params = d.eventParams()
			d.expect(grammar.RBrace)
		}
		eb.Events = append(eb.Events, es)
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return eb
}

// eventParams reads (Stream = id / eventOther) *(, ...).
func (d *decoder) eventParams() (h248.Opt[uint16], []h248.EventParameter) {
	var stream h248.Opt[uint16]
	var ps []h248.EventParameter
	for {
		t := d.tok
		if d.isKw(grammar.StreamToken) {
			if stream.Set {
				d.failAt(t, "Stream given twice")
			}
			stream = h248.Some(d.eventStream())
		} else {
			ps = push(ps, d.otherParm("event parameter name"), &d.props)
		}
		if !d.accept(grammar.Comma) {
			return stream, ps
		}
	}
}

func (d *decoder) observedEventsDescriptor() *h248.ObservedEventsDescriptor {
	d.expectKw(grammar.ObservedEventsToken)
	d.expect(grammar.Equal)
	oe := &h248.ObservedEventsDescriptor{RequestID: d.requestID()}
	d.expect(grammar.LBrace)
	for {
		var ev h248.ObservedEvent
		if d.is(grammar.Safe) && grammar.IsTimeStamp(d.text()) {
			ev.Time = d.timeStamp()
			d.expect(grammar.Colon)
		}
		ev.Name = d.pkgdName()
		if d.accept(grammar.LBrace) {
			ev.Stream, ev.Params = d.eventParams()
			d.expect(grammar.RBrace)
		}
		oe.Events = append(oe.Events, ev)
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return oe
}

func (d *decoder) statisticsDescriptor() *h248.StatisticsDescriptor {
	d.next()
	d.expect(grammar.LBrace)
	sd := &h248.StatisticsDescriptor{}
	for {
		p := h248.StatisticsParameter{Name: d.pkgdName()}
		t := d.tok
		if d.accept(grammar.Equal) {
			if d.accept(grammar.LBracket) {
				d.need(3, t, "a list of statistic values")
				p.Values = d.valueList()
				d.expect(grammar.RBracket)
			} else {
				p.Values = d.values.one(d.value())
			}
		} else if d.accept(grammar.LBracket) {
			d.need(3, t, "a list of statistic values")
			p.Values = d.valueList()
			d.expect(grammar.RBracket)
		}
		sd.Params = append(sd.Params, p)
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return sd
}

func (d *decoder) packagesItem() h248.PackagesItem {
	t := d.tok
	p, err := grammar.ParsePackagesItem(d.safe("package name and version"))
	if err != nil {
		d.failIn(t, err)
	}
	return p
}

func (d *decoder) packagesDescriptor() *h248.PackagesDescriptor {
	d.next()
	d.expect(grammar.LBrace)
	pd := &h248.PackagesDescriptor{Items: []h248.PackagesItem{d.packagesItem()}}
	for d.accept(grammar.Comma) {
		pd.Items = append(pd.Items, d.packagesItem())
	}
	d.expect(grammar.RBrace)
	return pd
}

// normalizeSDP turns the raw octets of a Local or Remote descriptor into
// the model's SDP: "\}" unescaped, every line end (CR, LF, CRLF) made LF,
// each line's indentation and the white space around the whole removed.
func normalizeSDP(raw []byte) string {
	var b strings.Builder
	b.Grow(len(raw))
	lineStart := true
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			c = '\n'
		case lineStart && (c == ' ' || c == '\t'):
			continue
		case c == '\\' && i+1 < len(raw) && raw[i+1] == '}':
			continue
		}
		lineStart = c == '\n'
		b.WriteByte(c)
	}
	return strings.Trim(b.String(), " \t\n")
}
