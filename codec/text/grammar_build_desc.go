package text

import (
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/megaco/megaco/grammar"
	"github.com/megaco/megaco/pkg/h248"
)

// The descriptors of the grammar path (see gbuilder).

func (b *gbuilder) mediaDescriptor(x *grammar.MediaDescriptor) *h248.MediaDescriptor {
	m := &h248.MediaDescriptor{}
	for _, p := range x.Parms {
		switch b.kwAt(p.Pos) {
		case grammar.TerminationStateToken:
			if m.TermState != nil {
				b.failAt(p.Pos, "TerminationState given twice")
			}
			m.TermState = b.terminationStateDescriptor(p.TermState)
		case grammar.StreamToken:
			if m.Stream != nil {
				b.failAt(p.Pos, "Stream descriptors and stream parameters in one Media descriptor")
			}
			s := p.Stream
			if s == nil || s.ID == nil {
				b.stop()
			}
			sd := h248.StreamDescriptor{ID: s.ID.Value}
			for _, sp := range s.Parms {
				b.streamParm(&sd.Parms, sp)
			}
			if len(s.Parms) == 0 {
				b.stop()
			}
			m.Streams = append(m.Streams, sd)
		default:
			if m.Streams != nil {
				b.failAt(p.Pos, "Stream descriptors and stream parameters in one Media descriptor")
			}
			if m.Stream == nil {
				m.Stream = &h248.StreamParms{}
			}
			b.streamParm(m.Stream, p.Parm)
		}
	}
	if len(x.Parms) == 0 {
		b.stop()
	}
	return m
}

func (b *gbuilder) streamParm(sp *h248.StreamParms, x *grammar.StreamParm) {
	if x == nil {
		b.stop()
	}
	switch b.kwAt(x.Pos) {
	case grammar.LocalControlToken:
		if sp.LocalControl != nil {
			b.failAt(x.Pos, "LocalControl given twice")
		}
		sp.LocalControl = b.localControlDescriptor(x.LocalControl)
	case grammar.LocalToken:
		if sp.Local != nil {
			b.failAt(x.Pos, "Local given twice")
		}
		if x.Local == nil {
			b.stop()
		}
		sp.Local = &h248.LocalRemoteDescriptor{SDP: normalizeSDP([]byte(x.Local.OctetString))}
	case grammar.RemoteToken:
		if sp.Remote != nil {
			b.failAt(x.Pos, "Remote given twice")
		}
		if x.Remote == nil {
			b.stop()
		}
		sp.Remote = &h248.LocalRemoteDescriptor{SDP: normalizeSDP([]byte(x.Remote.OctetString))}
	case grammar.StatsToken:
		b.need(3, x.Pos, "Statistics in a stream")
		if sp.Statistics != nil {
			b.failAt(x.Pos, "Statistics given twice")
		}
		sp.Statistics = b.statisticsDescriptor(x.Statistics)
	default:
		b.stop()
	}
}

func (b *gbuilder) localControlDescriptor(x *grammar.LocalControlDescriptor) *h248.LocalControlDescriptor {
	if x == nil {
		b.stop()
	}
	lc := &h248.LocalControlDescriptor{}
	for _, p := range x.Parms {
		if p.Property != nil {
			lc.Props = append(lc.Props, b.propertyParm(p.Property))
			continue
		}
		switch b.kwAt(p.Pos) {
		case grammar.ModeToken:
			if lc.Mode.Set {
				b.failAt(p.Pos, "Mode given twice")
			}
			if p.Mode == "" {
				b.stop()
			}
			lc.Mode = h248.Some(h248.StreamMode(keywordIndex(p.Mode, streamModeTokens)))
		case grammar.ReservedValueToken:
			if lc.ReserveValue.Set {
				b.failAt(p.Pos, "ReservedValue given twice")
			}
			if p.ReservedValue == "" {
				b.stop()
			}
			lc.ReserveValue = h248.Some(onOff(p.ReservedValue))
		case grammar.ReservedGroupToken:
			if lc.ReserveGroup.Set {
				b.failAt(p.Pos, "ReservedGroup given twice")
			}
			if p.ReservedGroup == "" {
				b.stop()
			}
			lc.ReserveGroup = h248.Some(onOff(p.ReservedGroup))
		default:
			b.stop()
		}
	}
	if len(x.Parms) == 0 {
		b.stop()
	}
	return lc
}

func (b *gbuilder) terminationStateDescriptor(x *grammar.TerminationStateDescriptor) *h248.TerminationStateDescriptor {
	if x == nil {
		b.stop()
	}
	ts := &h248.TerminationStateDescriptor{}
	for _, p := range x.Parms {
		if p.Property != nil {
			ts.Props = append(ts.Props, b.propertyParm(p.Property))
			continue
		}
		switch b.kwAt(p.Pos) {
		case grammar.ServiceStatesToken:
			if ts.ServiceState.Set {
				b.failAt(p.Pos, "ServiceStates given twice")
			}
			if p.ServiceState == "" {
				b.stop()
			}
			ts.ServiceState = h248.Some(h248.ServiceState(keywordIndex(p.ServiceState, serviceStateTokens)))
		case grammar.BufferToken:
			if ts.EventBufferControl.Set {
				b.failAt(p.Pos, "Buffer given twice")
			}
			switch {
			case p.Buffer == "":
				b.stop()
			case grammar.LockStepToken.Is([]byte(p.Buffer)):
				ts.EventBufferControl = h248.Some(h248.BufferLockStep)
			default:
				ts.EventBufferControl = h248.Some(h248.BufferOff)
			}
		default:
			b.stop()
		}
	}
	if len(x.Parms) == 0 {
		b.stop()
	}
	return ts
}

func (b *gbuilder) modemDescriptor(x *grammar.ModemDescriptor) *h248.ModemDescriptor {
	md := &h248.ModemDescriptor{}
	for _, t := range x.Types {
		if t.Extension != nil {
			md.Types = append(md.Types, t.Extension.Name)
			continue
		}
		md.Types = append(md.Types, modemTypeTokens[keywordIndex(t.Token, modemTypeTokens)].Long())
	}
	if len(md.Types) == 0 {
		b.stop()
	}
	for _, p := range x.Props {
		md.Props = append(md.Props, b.propertyParm(p))
	}
	return md
}

func (b *gbuilder) muxDescriptor(x *grammar.MuxDescriptor) *h248.MuxDescriptor {
	mx := &h248.MuxDescriptor{}
	t := x.Type
	switch {
	case t == nil:
		b.stop()
	case t.Extension != nil:
		mx.Type = t.Extension.Name
	default:
		k := muxTypeTokens[keywordIndex(t.Token, muxTypeTokens)]
		if k == grammar.Nx64kToken {
			b.need(2, t.Pos, "Nx64Kservice")
		}
		mx.Type = k.Long()
	}
	if x.TermIDs == nil {
		b.stop()
	}
	mx.TerminationIDs = b.terminationIDs(x.TermIDs.IDs)
	return mx
}

// --- events ---

func (b *gbuilder) requestID(x *grammar.RequestID) h248.RequestID {
	if x == nil {
		b.stop()
	}
	return x.Value
}

func (b *gbuilder) eventsDescriptor(x *grammar.EventsDescriptor) *h248.EventsDescriptor {
	ed := &h248.EventsDescriptor{}
	if x.RequestID == nil {
		return ed
	}
	ed.RequestID = h248.Some(x.RequestID.Value)
	for _, ev := range x.Events {
		ed.Events = append(ed.Events, b.requestedEvent(ev))
	}
	if len(ed.Events) == 0 {
		b.stop()
	}
	return ed
}

// eventParam is one parameter of a requested event, first or second.
type eventParam struct {
	pos             lexer.Position
	embed           *grammar.Embed
	embedSig        *grammar.EmbedSig
	digitMap        *grammar.EventDM
	stream          *grammar.EventStream
	notifyBehaviour *grammar.NotifyBehaviour
	other           *grammar.EventOther
}

func (b *gbuilder) requestedEvent(x *grammar.RequestedEvent) h248.RequestedEvent {
	var ps []eventParam
	for _, p := range x.Params {
		ps = append(ps, eventParam{pos: p.Pos, embed: p.Embed, digitMap: p.DigitMap, stream: p.Stream,
			notifyBehaviour: p.NotifyBehaviour, other: p.Other})
	}
	return b.event(x.Name, ps, x.Params != nil)
}

func (b *gbuilder) secondRequestedEvent(x *grammar.SecondRequestedEvent) h248.RequestedEvent {
	var ps []eventParam
	for _, p := range x.Params {
		ps = append(ps, eventParam{pos: p.Pos, embedSig: p.Embed, digitMap: p.DigitMap, stream: p.Stream,
			notifyBehaviour: p.NotifyBehaviour, other: p.Other})
	}
	return b.event(x.Name, ps, x.Params != nil)
}

func (b *gbuilder) event(name *grammar.PkgdName, ps []eventParam, braces bool) h248.RequestedEvent {
	ev := h248.RequestedEvent{Name: b.pkgdName(name)}
	a := &ev.Action
	for _, p := range ps {
		switch k := b.kwAt(p.pos); k {
		case grammar.KeepActiveToken:
			a.KeepActive = true
		case grammar.EmbedToken:
			if a.Signals != nil || a.SecondEvent != nil {
				b.failAt(p.pos, "Embed given twice")
			}
			switch {
			case p.embed != nil:
				b.embed(p.embed, &a.Signals, &a.SecondEvent)
			case p.embedSig != nil && p.embedSig.Signals != nil:
				a.Signals = b.signalsDescriptor(p.embedSig.Signals)
			default:
				b.stop()
			}
		case grammar.DigitMapToken:
			if a.DigitMap != nil {
				b.failAt(p.pos, "DigitMap given twice")
			}
			a.DigitMap = b.eventDM(p.digitMap)
		case grammar.StreamToken:
			if ev.Stream.Set {
				b.failAt(p.pos, "Stream given twice")
			}
			ev.Stream = h248.Some(b.eventStream(p.stream))
		case grammar.NeverNotifyToken, grammar.NotifyImmediateToken, grammar.NotifyRegulatedToken:
			b.need(3, p.pos, "a notify behaviour")
			if a.NotifyBehaviour != nil {
				b.failAt(p.pos, "notify behaviour given twice")
			}
			a.NotifyBehaviour = b.notifyBehaviour(k, p.notifyBehaviour)
		case grammar.ResetEventsDescriptorToken:
			b.need(3, p.pos, "ResetEventsDescriptor")
			a.ResetEventsDescriptor = true
		default:
			if p.other == nil {
				b.stop()
			}
			ev.Params = append(ev.Params, b.otherParm(p.other.Name, p.other.Value))
		}
	}
	if braces && len(ps) == 0 {
		b.stop()
	}
	return ev
}

// embed reads Embed { Signals [, Events] } or Embed { Events }.
func (b *gbuilder) embed(x *grammar.Embed, sig **h248.SignalsDescriptor, ev **h248.EventsDescriptor) {
	if x.Signals != nil {
		*sig = b.signalsDescriptor(x.Signals)
	}
	if x.Events != nil {
		*ev = b.embedFirst(x.Events)
	}
	if x.Signals == nil && x.Events == nil {
		b.stop()
	}
}

func (b *gbuilder) embedFirst(x *grammar.EmbedFirst) *h248.EventsDescriptor {
	ed := &h248.EventsDescriptor{}
	if x.RequestID == nil {
		return ed
	}
	ed.RequestID = h248.Some(x.RequestID.Value)
	for _, ev := range x.Events {
		ed.Events = append(ed.Events, b.secondRequestedEvent(ev))
	}
	if len(ed.Events) == 0 {
		b.stop()
	}
	return ed
}

func (b *gbuilder) notifyBehaviour(k grammar.Keyword, x *grammar.NotifyBehaviour) *h248.NotifyBehaviour {
	switch k {
	case grammar.NeverNotifyToken:
		return &h248.NotifyBehaviour{Kind: h248.NeverNotify}
	case grammar.NotifyImmediateToken:
		return &h248.NotifyBehaviour{Kind: h248.NotifyImmediate}
	}
	if x == nil || x.Regulated == nil {
		b.stop()
	}
	nb := &h248.NotifyBehaviour{Kind: h248.NotifyRegulated}
	if x.Regulated.Embed != nil {
		b.embed(x.Regulated.Embed, &nb.Signals, &nb.SecondEvent)
	}
	return nb
}

func (b *gbuilder) eventDM(x *grammar.EventDM) *h248.EventDM {
	switch {
	case x == nil:
	case x.ErlValue != nil:
		return &h248.EventDM{Value: b.digitMapValue(x.ErlValue)}
	case x.Value != nil:
		return &h248.EventDM{Value: b.digitMapValue(x.Value)}
	case x.Name != nil:
		return &h248.EventDM{Name: x.Name.Name}
	}
	b.stop()
	return nil
}

// digitMapValue parses the body of a digit map value with the message's
// version.
func (b *gbuilder) digitMapValue(x *grammar.DigitMapValue) *h248.DigitMapValue {
	v, err := grammar.ParseDigitMapValue(x.Body, b.ver)
	if err != nil {
		de, _ := err.(*grammar.DigitMapError)
		off := x.Pos.Offset
		if de != nil {
			off += de.Offset
		}
		e := b.errAt(off, err.Error())
		// as in the fast decoder, the token is named only where the
		// error is at the closing brace
		if off != x.Pos.Offset+len(x.Body) {
			e.Token = ""
		}
		panic(gbail{e, x.Pos.Offset})
	}
	return &v
}

func (b *gbuilder) digitMapDescriptor(x *grammar.DigitMapDescriptor) *h248.DigitMapDescriptor {
	dm := &h248.DigitMapDescriptor{}
	switch {
	case x.ErlValue != nil:
		dm.Value = b.digitMapValue(x.ErlValue)
	case x.Value != nil:
		dm.Value = b.digitMapValue(x.Value)
	case x.Name != nil:
		dm.Name = x.Name.Name
		if x.NamedValue != nil {
			dm.Value = b.digitMapValue(x.NamedValue)
		}
	default:
		b.stop()
	}
	return dm
}

// --- signals ---

func (b *gbuilder) signalsDescriptor(x *grammar.SignalsDescriptor) *h248.SignalsDescriptor {
	sd := &h248.SignalsDescriptor{}
	for _, p := range x.Parms {
		switch {
		case p.List != nil:
			l := p.List
			if l.ID == nil {
				b.stop()
			}
			sl := &h248.SeqSigList{ID: l.ID.Value}
			for _, s := range l.Signals {
				sl.Signals = append(sl.Signals, b.signalRequest(s))
			}
			if len(sl.Signals) == 0 {
				b.stop()
			}
			sd.Signals = append(sd.Signals, h248.SignalRequest{List: sl})
		case p.Signal != nil:
			sd.Signals = append(sd.Signals, h248.SignalRequest{Signal: b.signalRequest(p.Signal)})
		default:
			b.stop()
		}
	}
	return sd
}

var (
	notificationReasonTokens = notifyCompletionTokens
	signalDirectionTokens    = directionTokens
)

func (b *gbuilder) signalRequest(x *grammar.SignalRequest) h248.Signal {
	s := h248.Signal{Name: b.pkgdName(x.Name)}
	for _, p := range x.Parms {
		switch b.kwAt(p.Pos) {
		case grammar.StreamToken:
			s.Stream = h248.Some(b.eventStream(p.Stream))
		case grammar.SignalTypeToken:
			if p.SignalType == "" {
				b.stop()
			}
			s.Type = h248.Some(h248.SignalType(keywordIndex(p.SignalType, signalTypeTokens)))
		case grammar.DurationToken:
			if p.Duration == nil {
				b.stop()
			}
			s.Duration = h248.Some(p.Duration.Value)
		case grammar.NotifyCompletionToken:
			for _, r := range p.NotifyCompletion {
				reason := h248.NotifyCompletionReason(keywordIndex(r.Token, notificationReasonTokens))
				if reason == h248.OnIteration {
					b.need(3, r.Pos, "Iteration")
				}
				s.NotifyCompletion = append(s.NotifyCompletion, reason)
			}
			if len(p.NotifyCompletion) == 0 {
				b.stop()
			}
		case grammar.KeepActiveToken:
			s.KeepActive = true
		case grammar.DirectionToken:
			b.need(3, p.Pos, "SPADirection")
			if p.Direction == "" {
				b.stop()
			}
			s.Direction = h248.Some(h248.SignalDirection(keywordIndex(p.Direction, signalDirectionTokens)))
		case grammar.RequestIDToken:
			b.need(3, p.Pos, "SPARequestID")
			s.RequestID = h248.Some(b.requestID(p.RequestID))
		case grammar.IntsigDelayToken:
			b.need(3, p.Pos, "Intersignal")
			if p.IntsigDelay == nil {
				b.stop()
			}
			s.IntersigDelay = h248.Some(p.IntsigDelay.Value)
		default:
			if p.Other == nil {
				b.stop()
			}
			s.Params = append(s.Params, b.otherParm(p.Other.Name, p.Other.Value))
		}
	}
	if x.Parms != nil && len(x.Parms) == 0 {
		b.stop()
	}
	return s
}

// --- event buffer, observed events, statistics, packages ---

// eventParams reads (Stream = id / eventOther) *(, ...).
func (b *gbuilder) eventParams(pos []lexer.Position, streams []*grammar.EventStream, others []*grammar.EventOther) (h248.Opt[uint16], []h248.EventParameter) {
	var stream h248.Opt[uint16]
	var ps []h248.EventParameter
	for i := range pos {
		if b.kwAt(pos[i]) == grammar.StreamToken {
			if stream.Set {
				b.failAt(pos[i], "Stream given twice")
			}
			stream = h248.Some(b.eventStream(streams[i]))
			continue
		}
		if others[i] == nil {
			b.stop()
		}
		ps = append(ps, b.otherParm(others[i].Name, others[i].Value))
	}
	return stream, ps
}

func (b *gbuilder) eventBufferDescriptor(x *grammar.EventBufferDescriptor) *h248.EventBufferDescriptor {
	eb := &h248.EventBufferDescriptor{}
	for _, e := range x.Events {
		es := h248.EventSpec{Name: b.pkgdName(e.Name)}
		if e.Params != nil {
			var pos []lexer.Position
			var streams []*grammar.EventStream
			var others []*grammar.EventOther
			for _, p := range e.Params {
				pos, streams, others = append(pos, p.Pos), append(streams, p.Stream), append(others, p.Other)
			}
			if len(pos) == 0 {
				b.stop()
			}
			es.Stream, es.Params = b.eventParams(pos, streams, others)
		}
		eb.Events = append(eb.Events, es)
	}
	return eb
}

func (b *gbuilder) observedEventsDescriptor(x *grammar.ObservedEventsDescriptor) *h248.ObservedEventsDescriptor {
	if x == nil {
		b.stop()
	}
	oe := &h248.ObservedEventsDescriptor{RequestID: b.requestID(x.RequestID)}
	for _, e := range x.Events {
		var ev h248.ObservedEvent
		if e.Time != nil {
			t := e.Time.Time
			ev.Time = &t
		}
		ev.Name = b.pkgdName(e.Name)
		if e.Params != nil {
			var pos []lexer.Position
			var streams []*grammar.EventStream
			var others []*grammar.EventOther
			for _, p := range e.Params {
				pos, streams, others = append(pos, p.Pos), append(streams, p.Stream), append(others, p.Other)
			}
			if len(pos) == 0 {
				b.stop()
			}
			ev.Stream, ev.Params = b.eventParams(pos, streams, others)
		}
		oe.Events = append(oe.Events, ev)
	}
	if len(oe.Events) == 0 {
		b.stop()
	}
	return oe
}

func (b *gbuilder) statisticsDescriptor(x *grammar.StatisticsDescriptor) *h248.StatisticsDescriptor {
	if x == nil {
		b.stop()
	}
	sd := &h248.StatisticsDescriptor{}
	for _, p := range x.Params {
		sp := h248.StatisticsParameter{Name: b.pkgdName(p.Name)}
		if v := p.Value; v != nil {
			switch {
			case v.List != nil:
				b.need(3, v.Pos, "a list of statistic values")
				sp.Values = b.values(v.List)
			case v.BareList != nil:
				b.need(3, v.Pos, "a list of statistic values")
				sp.Values = b.values(v.BareList)
			case v.Single != nil:
				sp.Values = []h248.Value{b.value(v.Single)}
			default:
				// a list whose "[" was read before the parse error
				if b.src[v.Pos.Offset] == '[' || b.kindAfter(v.Pos.Offset+1) == grammar.LBracket {
					b.need(3, v.Pos, "a list of statistic values")
				}
				b.stop()
			}
		}
		sd.Params = append(sd.Params, sp)
	}
	if len(sd.Params) == 0 {
		b.stop()
	}
	return sd
}

func (b *gbuilder) packagesDescriptor(x *grammar.PackagesDescriptor) *h248.PackagesDescriptor {
	pd := &h248.PackagesDescriptor{}
	for _, it := range x.Items {
		pd.Items = append(pd.Items, it.Item)
	}
	if len(pd.Items) == 0 {
		b.stop()
	}
	return pd
}

// --- audit ---

func (b *gbuilder) auditDescriptor(x *grammar.AuditDescriptor) *h248.AuditDescriptor {
	ad := &h248.AuditDescriptor{}
	for _, it := range x.Items {
		b.auditItem(ad, it)
	}
	return ad
}

func (b *gbuilder) auditItem(ad *h248.AuditDescriptor, x *grammar.AuditItem) {
	if x.Token != "" {
		tok, ok := auditItemToken(grammar.LookupKeyword([]byte(x.Token)))
		if !ok {
			b.stop()
		}
		ad.Tokens = append(ad.Tokens, tok)
		return
	}
	b.need(2, x.Pos, "an individual audit descriptor")
	if x.IndAud == nil {
		b.stop()
	}
	ad.Props = append(ad.Props, b.indAuditParameter(x.IndAud))
}

func (b *gbuilder) indAuditParameter(x *grammar.IndAuditParameter) h248.IndAuditParameter {
	switch {
	case x.Media != nil:
		return b.indAudMedia(x.Media)
	case x.Events != nil:
		e := &h248.IndAudEventsDescriptor{}
		if x.Events.RequestID != nil {
			e.RequestID = h248.Some(x.Events.RequestID.Value)
		}
		e.Name = b.pkgdName(x.Events.Name)
		return e
	case x.Signals != nil:
		s := &h248.IndAudSignalsDescriptor{}
		switch {
		case x.Signals.List != nil:
			l := x.Signals.List
			if l.ID == nil {
				b.stop()
			}
			s.List = &h248.IndAudSeqSigList{ID: l.ID.Value}
			if l.Signal != nil {
				s.List.Signal = b.indAudSignal(l.Signal)
			}
		case x.Signals.Signal != nil:
			s.Signal = b.indAudSignal(x.Signals.Signal)
		}
		return s
	case x.DigitMap != nil:
		if x.DigitMap.Name == nil {
			b.stop()
		}
		return &h248.IndAudDigitMapDescriptor{Name: x.DigitMap.Name.Name}
	case x.EventBuffer != nil:
		e := &h248.IndAudEventBufferDescriptor{Name: b.pkgdName(x.EventBuffer.Name)}
		switch {
		case x.EventBuffer.Stream != nil:
			e.Stream = h248.Some(b.eventStream(x.EventBuffer.Stream))
		case x.EventBuffer.ParamName != nil:
			e.ParamName = x.EventBuffer.ParamName.Name
		}
		return e
	case x.Statistics != nil:
		return &h248.IndAudStatisticsDescriptor{Name: b.pkgdName(x.Statistics.Name)}
	case x.Packages != nil:
		if x.Packages.Item == nil {
			b.stop()
		}
		return &h248.IndAudPackagesDescriptor{Name: x.Packages.Item.Item.Name, Version: x.Packages.Item.Item.Version}
	}
	b.stop()
	return nil
}

func (b *gbuilder) indAudMedia(x *grammar.IndAudMediaDescriptor) *h248.IndAudMediaDescriptor {
	m := &h248.IndAudMediaDescriptor{}
	for _, p := range x.Parms {
		switch b.kwAt(p.Pos) {
		case grammar.TerminationStateToken:
			if m.TermState != nil {
				b.failAt(p.Pos, "TerminationState given twice")
			}
			m.TermState = b.indAudTermState(p.TermState)
		case grammar.StreamToken:
			if m.Stream != nil {
				b.failAt(p.Pos, "Stream descriptors and stream parameters in one Media descriptor")
			}
			s := p.Stream
			if s == nil || s.ID == nil {
				b.stop()
			}
			sd := h248.IndAudStreamDescriptor{ID: s.ID.Value}
			for _, sp := range s.Parms {
				b.indAudStreamParm(&sd.Parms, sp)
			}
			if len(s.Parms) == 0 {
				b.stop()
			}
			m.Streams = append(m.Streams, sd)
		default:
			if m.Streams != nil {
				b.failAt(p.Pos, "Stream descriptors and stream parameters in one Media descriptor")
			}
			if m.Stream == nil {
				m.Stream = &h248.IndAudStreamParms{}
			}
			b.indAudStreamParm(m.Stream, p.Parm)
		}
	}
	if len(x.Parms) == 0 {
		b.stop()
	}
	return m
}

func (b *gbuilder) indAudStreamParm(sp *h248.IndAudStreamParms, x *grammar.IndAudStreamParm) {
	if x == nil {
		b.stop()
	}
	switch b.kwAt(x.Pos) {
	case grammar.LocalControlToken:
		if sp.LocalControl != nil {
			b.failAt(x.Pos, "LocalControl given twice")
		}
		sp.LocalControl = b.indAudLocalControl(x.LocalControl)
	case grammar.LocalToken:
		if sp.Local != nil {
			b.failAt(x.Pos, "Local given twice")
		}
		if x.Local == nil {
			b.stop()
		}
		sp.Local = &h248.LocalRemoteDescriptor{SDP: normalizeSDP([]byte(x.Local.OctetString))}
	case grammar.RemoteToken:
		if sp.Remote != nil {
			b.failAt(x.Pos, "Remote given twice")
		}
		if x.Remote == nil {
			b.stop()
		}
		sp.Remote = &h248.LocalRemoteDescriptor{SDP: normalizeSDP([]byte(x.Remote.OctetString))}
	case grammar.StatsToken:
		b.need(3, x.Pos, "Statistics in a stream")
		if sp.Statistics != nil {
			b.failAt(x.Pos, "Statistics given twice")
		}
		if x.Statistics == nil {
			b.stop()
		}
		sp.Statistics = &h248.IndAudStatisticsDescriptor{Name: b.pkgdName(x.Statistics.Name)}
	default:
		b.stop()
	}
}

// relationForm maps "=", ">", "<" and "#" to a ValueForm.
func relationForm(s string) h248.ValueForm {
	switch s {
	case ">":
		return h248.FormGreater
	case "<":
		return h248.FormSmaller
	case "#":
		return h248.FormUnequal
	}
	return h248.FormSingle
}

func (b *gbuilder) indAudProp(x *grammar.IndAudPropertyParm) h248.IndAudPropertyParm {
	name := b.pkgdName(x.Name)
	if x.Value == nil {
		return h248.IndAudPropertyParm{Name: name}
	}
	b.need(3, x.Pos, "selecting by a property value")
	p := h248.PropertyParm{Name: name, Value: b.parmValue(x.Value)}
	return h248.IndAudPropertyParm{Name: name, Value: &p}
}

func (b *gbuilder) indAudLocalControl(x *grammar.IndAudLocalControlDescriptor) *h248.IndAudLocalControlDescriptor {
	if x == nil {
		b.stop()
	}
	lc := &h248.IndAudLocalControlDescriptor{}
	for _, p := range x.Parms {
		switch {
		case p.Property != nil:
			lc.Props = append(lc.Props, b.indAudProp(p.Property))
		case p.Mode != nil:
			if p.Mode.Relation == "" {
				lc.Mode = true
				continue
			}
			b.need(3, p.Mode.Pos, "selecting by Mode")
			if p.Mode.Mode == "" {
				b.stop()
			}
			lc.ModeSelect = h248.Some(h248.StreamMode(keywordIndex(p.Mode.Mode, streamModeTokens)))
			lc.ModeSelectForm = relationForm(p.Mode.Relation)
		case p.ReservedValue:
			lc.ReserveValue = true
		case p.ReservedGroup:
			lc.ReserveGroup = true
		default:
			b.stop()
		}
	}
	if len(x.Parms) == 0 {
		b.stop()
	}
	return lc
}

func (b *gbuilder) indAudTermState(x *grammar.IndAudTerminationStateDescriptor) *h248.IndAudTerminationStateDescriptor {
	if x == nil {
		b.stop()
	}
	ts := &h248.IndAudTerminationStateDescriptor{}
	for _, p := range x.Parms {
		switch {
		case p.Property != nil:
			ts.Props = append(ts.Props, b.indAudProp(p.Property))
		case p.ServiceState != nil:
			if p.ServiceState.Relation == "" {
				ts.ServiceState = true
				continue
			}
			b.need(3, p.ServiceState.Pos, "selecting by ServiceStates")
			if p.ServiceState.Value == "" {
				b.stop()
			}
			ts.ServiceStateSelect = h248.Some(h248.ServiceState(keywordIndex(p.ServiceState.Value, serviceStateTokens)))
			ts.ServiceStateSelectForm = relationForm(p.ServiceState.Relation)
		case p.Buffer:
			ts.EventBufferControl = true
		default:
			b.stop()
		}
	}
	if len(x.Parms) == 0 {
		b.stop()
	}
	return ts
}

func (b *gbuilder) indAudSignal(x *grammar.IndAudSignal) *h248.IndAudSignal {
	s := &h248.IndAudSignal{Name: b.pkgdName(x.Name)}
	for _, p := range x.Parms {
		switch b.kwAt(p.Pos) {
		case grammar.StreamToken:
			s.Stream = h248.Some(b.eventStream(p.Stream))
		case grammar.RequestIDToken:
			b.need(3, p.Pos, "SPARequestID")
			s.RequestID = h248.Some(b.requestID(p.RequestID))
		default:
			b.stop()
		}
	}
	if x.Parms != nil && len(x.Parms) == 0 {
		b.stop()
	}
	return s
}

// --- ServiceChange ---

func (b *gbuilder) serviceChangeDescriptor(x *grammar.ServiceChangeDescriptor) h248.ServiceChangeParm {
	if x == nil {
		b.stop()
	}
	var p h248.ServiceChangeParm
	var seen kwSet
	var method, reason bool
	for _, sp := range x.Parms {
		k := b.kwAt(sp.Pos)
		if _, audit := auditItemToken(k); !audit && k != grammar.NoKeyword {
			if seen.has(k) {
				b.failAt(sp.Pos, k.Long()+" given twice")
			}
			seen.add(k)
		}
		switch {
		case sp.Method != nil:
			m := sp.Method
			switch {
			case m.Extension != nil:
				p.Method, p.MethodExtension = h248.MethodExtension, m.Extension.Name
			case m.Token != "":
				p.Method = h248.ServiceChangeMethod(keywordIndex(m.Token, methodTokens))
			default:
				b.stop()
			}
			method = true
		case sp.Reason != nil:
			p.Reason = b.value(sp.Reason)
			reason = true
		case sp.Delay != nil:
			p.Delay = h248.Some(sp.Delay.Value)
		case sp.Profile != nil:
			pr := sp.Profile.Profile
			p.Profile = &pr
		case sp.Version != nil:
			p.Version = h248.Some(sp.Version.Value)
		case sp.Address != nil:
			p.Address = b.serviceChangeAddress(sp.Address)
		case sp.MgcID != nil:
			mid := b.mid(sp.MgcID)
			p.MgcID = &mid
		case sp.Incomplete:
			b.need(3, sp.Pos, "ServiceChangeInc")
			p.Incomplete = true
		case sp.TimeStamp != nil:
			if p.TimeStamp != nil {
				b.failAt(sp.Pos, "TimeStamp given twice")
			}
			ts := sp.TimeStamp.Time
			p.TimeStamp = &ts
		case sp.Extension != nil:
			if sp.Extension.Name == nil {
				b.stop()
			}
			p.Extensions = append(p.Extensions, h248.PropertyParm{Name: sp.Extension.Name.Name, Value: b.parmValue(sp.Extension.Value)})
		case sp.AuditItem != nil:
			b.need(2, sp.Pos, "an audit item in ServiceChange")
			if p.Info == nil {
				p.Info = &h248.AuditDescriptor{}
			}
			b.auditItem(p.Info, sp.AuditItem)
		default:
			b.stop()
		}
	}
	// The fast decoder checks Method and Reason when the list of
	// parameters has ended: at the token after the last one.
	if !method || !reason {
		if n := len(x.Parms); n > 0 && set(x.Parms[n-1].EndPos) {
			if end := x.Parms[n-1].EndPos.Offset; end >= len(b.src) || b.src[end] != ',' {
				b.failAtDetected(x.Pos, end, "a ServiceChange needs Method and Reason")
			}
		}
		b.stop()
	}
	return p
}

func (b *gbuilder) serviceChangeAddress(x *grammar.ServiceChangeAddress) *h248.MID {
	switch {
	case x.Port != nil:
		return &h248.MID{Kind: h248.MIDPort, Port: h248.Some(x.Port.Value)}
	case x.MId != nil:
		mid := b.mid(x.MId)
		return &mid
	}
	b.stop()
	return nil
}

func (b *gbuilder) serviceChangeReplyDescriptor(x *grammar.ServiceChangeReplyDescriptor) h248.ServiceChangeResParm {
	var p h248.ServiceChangeResParm
	var seen kwSet
	for _, sp := range x.Parms {
		if k := b.kwAt(sp.Pos); k != grammar.NoKeyword {
			if seen.has(k) {
				b.failAt(sp.Pos, k.Long()+" given twice")
			}
			seen.add(k)
		}
		switch {
		case sp.Address != nil:
			p.Address = b.serviceChangeAddress(sp.Address)
		case sp.MgcID != nil:
			mid := b.mid(sp.MgcID)
			p.MgcID = &mid
		case sp.Profile != nil:
			pr := sp.Profile.Profile
			p.Profile = &pr
		case sp.Version != nil:
			p.Version = h248.Some(sp.Version.Value)
		case sp.TimeStamp != nil:
			if p.TimeStamp != nil {
				b.failAt(sp.Pos, "TimeStamp given twice")
			}
			ts := sp.TimeStamp.Time
			p.TimeStamp = &ts
		default:
			b.stop()
		}
	}
	if len(x.Parms) == 0 {
		b.stop()
	}
	return p
}
