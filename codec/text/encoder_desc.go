package text

import (
	"github.com/megaco/megaco/grammar"
	"github.com/megaco/megaco/pkg/h248"
)

func (e *encoder) media(m *h248.MediaDescriptor) {
	if m.Stream != nil && len(m.Streams) > 0 {
		e.failf("a Media descriptor holds stream parameters and Stream descriptors")
	}
	e.kw(grammar.MediaToken)
	e.open()
	n := 0
	if m.TermState != nil {
		e.item(n)
		n++
		e.termState(m.TermState)
	}
	if m.Stream != nil {
		n = e.streamParms(m.Stream, n)
	}
	for i := range m.Streams {
		e.item(n)
		n++
		s := &m.Streams[i]
		e.stream(s.ID)
		e.open()
		if e.streamParms(&s.Parms, 0) == 0 {
			e.failf("Stream %d is empty", s.ID)
		}
		e.close()
	}
	if n == 0 {
		e.failf("a Media descriptor is empty")
	}
	e.close()
}

// streamParms writes a stream's descriptors as list items from position n
// on and returns the next position.
func (e *encoder) streamParms(sp *h248.StreamParms, n int) int {
	if lc := sp.LocalControl; lc != nil {
		e.item(n)
		n++
		e.localControl(lc)
	}
	if sp.Local != nil {
		e.item(n)
		n++
		e.localRemote(grammar.LocalToken, sp.Local)
	}
	if sp.Remote != nil {
		e.item(n)
		n++
		e.localRemote(grammar.RemoteToken, sp.Remote)
	}
	if sp.Statistics != nil {
		e.item(n)
		n++
		e.statistics(sp.Statistics)
	}
	return n
}

var streamModeKeywords = [...]grammar.Keyword{grammar.SendonlyToken, grammar.RecvonlyToken,
	grammar.SendrecvToken, grammar.InactiveToken, grammar.LoopbackToken}

func (e *encoder) streamMode(m h248.StreamMode) {
	if int(m) >= len(streamModeKeywords) {
		e.failf("unknown stream mode %d", m)
	}
	e.kw(streamModeKeywords[m])
}

func (e *encoder) localControl(lc *h248.LocalControlDescriptor) {
	e.kw(grammar.LocalControlToken)
	e.open()
	n := 0
	next := func(k grammar.Keyword) {
		e.item(n)
		n++
		e.kw(k)
		e.eq()
	}
	if lc.Mode.Set {
		next(grammar.ModeToken)
		e.streamMode(lc.Mode.Value)
	}
	if lc.ReserveValue.Set {
		next(grammar.ReservedValueToken)
		e.onOff(lc.ReserveValue.Value)
	}
	if lc.ReserveGroup.Set {
		next(grammar.ReservedGroupToken)
		e.onOff(lc.ReserveGroup.Value)
	}
	for _, p := range lc.Props {
		e.item(n)
		n++
		e.propertyParm(p)
	}
	if n == 0 {
		e.failf("a LocalControl descriptor is empty")
	}
	e.close()
}

// localRemote writes Local or Remote with its SDP on lines of their own,
// unindented as SDP wants, and "}" escaped.
func (e *encoder) localRemote(k grammar.Keyword, lr *h248.LocalRemoteDescriptor) {
	e.kw(k)
	if !e.compact {
		e.b = append(e.b, ' ')
	}
	e.b = append(e.b, '{')
	if lr.SDP != "" {
		e.b = append(e.b, '\n')
		for i := 0; i < len(lr.SDP); i++ {
			switch c := lr.SDP[i]; c {
			case '}':
				e.b = append(e.b, '\\', '}')
			case 0:
				e.failf("SDP holds a NUL octet")
			default:
				e.b = append(e.b, c)
			}
		}
		e.b = append(e.b, '\n')
		if !e.compact {
			for i := 0; i < e.depth; i++ {
				e.b = append(e.b, '\t')
			}
		}
	}
	e.b = append(e.b, '}')
}

var serviceStateKeywords = [...]grammar.Keyword{grammar.TestToken, grammar.OutOfSvcToken, grammar.InSvcToken}

func (e *encoder) serviceState(s h248.ServiceState) {
	if int(s) >= len(serviceStateKeywords) {
		e.failf("unknown service state %d", s)
	}
	e.kw(serviceStateKeywords[s])
}

func (e *encoder) termState(ts *h248.TerminationStateDescriptor) {
	e.kw(grammar.TerminationStateToken)
	e.open()
	n := 0
	for _, p := range ts.Props {
		e.item(n)
		n++
		e.propertyParm(p)
	}
	if ts.ServiceState.Set {
		e.item(n)
		n++
		e.kw(grammar.ServiceStatesToken)
		e.eq()
		e.serviceState(ts.ServiceState.Value)
	}
	if ts.EventBufferControl.Set {
		e.item(n)
		n++
		e.kw(grammar.BufferToken)
		e.eq()
		switch ts.EventBufferControl.Value {
		case h248.BufferOff:
			e.str("OFF")
		case h248.BufferLockStep:
			e.kw(grammar.LockStepToken)
		default:
			e.failf("unknown event buffer control %d", ts.EventBufferControl.Value)
		}
	}
	if n == 0 {
		e.failf("a TerminationState descriptor is empty")
	}
	e.close()
}

// typeName writes a modem or mux type: a token by its canonical long name,
// or an extension.
func (e *encoder) typeName(s string, tokens []grammar.Keyword) {
	for _, k := range tokens {
		if k.Is([]byte(s)) {
			e.kw(k)
			return
		}
	}
	if !grammar.ValidExtension(s) {
		e.failf("unknown type %q", s)
	}
	e.str(s)
}

func (e *encoder) modem(m *h248.ModemDescriptor) {
	e.kw(grammar.ModemToken)
	switch len(m.Types) {
	case 0:
		e.failf("a Modem descriptor needs a type")
	case 1:
		e.eq()
		e.typeName(m.Types[0], modemTypeTokens)
	default:
		e.inlineList('[', ']', len(m.Types), func(i int) { e.typeName(m.Types[i], modemTypeTokens) })
	}
	if len(m.Props) > 0 {
		e.items(len(m.Props), func(i int) { e.propertyParm(m.Props[i]) })
	}
}

func (e *encoder) mux(m *h248.MuxDescriptor) {
	e.kw(grammar.MuxToken)
	e.eq()
	e.typeName(m.Type, muxTypeTokens)
	if len(m.TerminationIDs) == 0 {
		e.failf("a Mux descriptor needs terminations")
	}
	e.items(len(m.TerminationIDs), func(i int) { e.termID(m.TerminationIDs[i]) })
}

func (e *encoder) events(ed *h248.EventsDescriptor) {
	e.kw(grammar.EventsToken)
	if !ed.RequestID.Set {
		if len(ed.Events) > 0 {
			e.failf("an Events descriptor with events needs a RequestID")
		}
		return
	}
	e.eq()
	e.requestID(ed.RequestID.Value)
	if len(ed.Events) == 0 {
		e.failf("an Events descriptor with a RequestID needs events")
	}
	e.items(len(ed.Events), func(i int) { e.requestedEvent(&ed.Events[i]) })
}

func (e *encoder) requestedEvent(ev *h248.RequestedEvent) {
	e.name("event name", ev.Name)
	a := &ev.Action
	if !ev.Stream.Set && a.IsZero() && len(ev.Params) == 0 {
		return
	}
	e.open()
	n := 0
	if ev.Stream.Set {
		e.item(n)
		n++
		e.stream(ev.Stream.Value)
	}
	if a.KeepActive {
		e.item(n)
		n++
		e.kw(grammar.KeepActiveToken)
	}
	if a.Signals != nil || a.SecondEvent != nil {
		e.item(n)
		n++
		e.embed(a.Signals, a.SecondEvent)
	}
	if a.DigitMap != nil {
		e.item(n)
		n++
		e.eventDM(a.DigitMap)
	}
	if a.NotifyBehaviour != nil {
		e.item(n)
		n++
		e.notifyBehaviour(a.NotifyBehaviour)
	}
	if a.ResetEventsDescriptor {
		e.item(n)
		n++
		e.kw(grammar.ResetEventsDescriptorToken)
	}
	for _, p := range ev.Params {
		e.item(n)
		n++
		e.propertyParm(p)
	}
	e.close()
}

func (e *encoder) embed(sig *h248.SignalsDescriptor, ev *h248.EventsDescriptor) {
	e.kw(grammar.EmbedToken)
	e.open()
	n := 0
	if sig != nil {
		e.item(n)
		n++
		e.signals(sig)
	}
	if ev != nil {
		e.item(n)
		e.events(ev)
	}
	e.close()
}

func (e *encoder) notifyBehaviour(nb *h248.NotifyBehaviour) {
	switch nb.Kind {
	case h248.NotifyImmediate:
		e.kw(grammar.NotifyImmediateToken)
	case h248.NeverNotify:
		e.kw(grammar.NeverNotifyToken)
	case h248.NotifyRegulated:
		e.kw(grammar.NotifyRegulatedToken)
		if nb.Signals != nil || nb.SecondEvent != nil {
			e.items(1, func(int) { e.embed(nb.Signals, nb.SecondEvent) })
		}
	default:
		e.failf("unknown notify behaviour %d", nb.Kind)
	}
}

func (e *encoder) eventDM(dm *h248.EventDM) {
	e.kw(grammar.DigitMapToken)
	e.eq()
	switch {
	case dm.Value != nil && dm.Name != "":
		e.failf("an event's digit map has a name and a value")
	case dm.Value != nil:
		e.digitMapValue(dm.Value)
	default:
		e.name("digit map name", dm.Name)
	}
}

func (e *encoder) digitMap(dm *h248.DigitMapDescriptor) {
	e.kw(grammar.DigitMapToken)
	e.eq()
	if dm.Name != "" {
		e.name("digit map name", dm.Name)
		if dm.Value != nil && !e.compact {
			e.b = append(e.b, ' ')
		}
	} else if dm.Value == nil {
		e.failf("a DigitMap descriptor needs a name or a value")
	}
	if dm.Value != nil {
		e.digitMapValue(dm.Value)
	}
}

// digitMapValue writes "{" timers body "}".
func (e *encoder) digitMapValue(v *h248.DigitMapValue) {
	e.b = append(e.b, '{')
	for _, t := range [...]struct {
		letter byte
		v      h248.Opt[uint8]
	}{{'T', v.StartTimer}, {'S', v.ShortTimer}, {'L', v.LongTimer}, {'Z', v.DurationTimer}} {
		if t.v.Set {
			if t.v.Value > 99 {
				e.failf("digit map timer %c is %d, at most 99", t.letter, t.v.Value)
			}
			e.b = append(e.b, t.letter, ':')
			e.uint(uint64(t.v.Value))
			e.comma()
		}
	}
	for i := 0; i < len(v.Body); i++ {
		if c := v.Body[i]; c == '}' || c == 0 {
			e.failf("digit map body %q cannot be written", v.Body)
		}
	}
	if v.Body == "" {
		e.failf("a digit map value needs a body")
	}
	e.str(v.Body)
	e.b = append(e.b, '}')
}

func (e *encoder) signals(sd *h248.SignalsDescriptor) {
	e.kw(grammar.SignalsToken)
	if len(sd.Signals) == 0 {
		return // the bare form; "Signals { }" is not read by every peer
	}
	e.items(len(sd.Signals), func(i int) {
		r := &sd.Signals[i]
		if r.List == nil {
			e.signal(&r.Signal)
			return
		}
		e.kw(grammar.SignalListToken)
		e.eq()
		e.uint(uint64(r.List.ID))
		if len(r.List.Signals) == 0 {
			e.failf("signal list %d is empty", r.List.ID)
		}
		e.items(len(r.List.Signals), func(j int) { e.signal(&r.List.Signals[j]) })
	})
}

var signalTypeKeywords = [...]grammar.Keyword{grammar.BriefToken, grammar.OnOffToken, grammar.TimeOutToken}

var notifyCompletionKeywords = [...]grammar.Keyword{grammar.TimeOutToken, grammar.InterruptByEventToken,
	grammar.InterruptByNewSignalsDescrToken, grammar.OtherReasonToken, grammar.IterationToken}

var directionKeywords = [...]grammar.Keyword{grammar.InternalToken, grammar.ExternalToken, grammar.BothToken}

func (e *encoder) signal(s *h248.Signal) {
	e.name("signal name", s.Name)
	if !s.Stream.Set && !s.Type.Set && !s.Duration.Set && len(s.NotifyCompletion) == 0 && !s.KeepActive &&
		!s.Direction.Set && !s.RequestID.Set && !s.IntersigDelay.Set && len(s.Params) == 0 {
		return
	}
	e.open()
	n := 0
	next := func(k grammar.Keyword, value bool) {
		e.item(n)
		n++
		e.kw(k)
		if value {
			e.eq()
		}
	}
	if s.Stream.Set {
		next(grammar.StreamToken, true)
		e.uint(uint64(s.Stream.Value))
	}
	if s.Type.Set {
		next(grammar.SignalTypeToken, true)
		if int(s.Type.Value) >= len(signalTypeKeywords) {
			e.failf("unknown signal type %d", s.Type.Value)
		}
		e.kw(signalTypeKeywords[s.Type.Value])
	}
	if s.Duration.Set {
		next(grammar.DurationToken, true)
		e.uint(uint64(s.Duration.Value))
	}
	if len(s.NotifyCompletion) > 0 {
		next(grammar.NotifyCompletionToken, true)
		e.inlineList('{', '}', len(s.NotifyCompletion), func(i int) {
			r := s.NotifyCompletion[i]
			if int(r) >= len(notifyCompletionKeywords) {
				e.failf("unknown notify completion reason %d", r)
			}
			e.kw(notifyCompletionKeywords[r])
		})
	}
	if s.KeepActive {
		next(grammar.KeepActiveToken, false)
	}
	if s.Direction.Set {
		next(grammar.DirectionToken, true)
		if int(s.Direction.Value) >= len(directionKeywords) {
			e.failf("unknown signal direction %d", s.Direction.Value)
		}
		e.kw(directionKeywords[s.Direction.Value])
	}
	if s.RequestID.Set {
		next(grammar.RequestIDToken, true)
		e.requestID(s.RequestID.Value)
	}
	if s.IntersigDelay.Set {
		next(grammar.IntsigDelayToken, true)
		e.uint(uint64(s.IntersigDelay.Value))
	}
	for _, p := range s.Params {
		e.item(n)
		n++
		e.propertyParm(p)
	}
	e.close()
}

func (e *encoder) eventBuffer(eb *h248.EventBufferDescriptor) {
	e.kw(grammar.EventBufferToken)
	if len(eb.Events) == 0 {
		return
	}
	e.items(len(eb.Events), func(i int) {
		es := &eb.Events[i]
		e.name("event name", es.Name)
		e.eventParams(es.Stream, es.Params)
	})
}

// eventParams writes { Stream = id, name=value, ... } when there is any.
func (e *encoder) eventParams(stream h248.Opt[uint16], ps []h248.EventParameter) {
	n := len(ps)
	if stream.Set {
		n++
	}
	if n == 0 {
		return
	}
	e.items(n, func(i int) {
		if stream.Set {
			if i == 0 {
				e.stream(stream.Value)
				return
			}
			i--
		}
		e.propertyParm(ps[i])
	})
}

func (e *encoder) observedEvents(oe *h248.ObservedEventsDescriptor) {
	e.kw(grammar.ObservedEventsToken)
	e.eq()
	e.requestID(oe.RequestID)
	if len(oe.Events) == 0 {
		e.failf("an ObservedEvents descriptor needs events")
	}
	e.items(len(oe.Events), func(i int) {
		ev := &oe.Events[i]
		if ev.Time != nil {
			e.timeStamp(ev.Time)
			e.b = append(e.b, ':')
		}
		e.name("event name", ev.Name)
		e.eventParams(ev.Stream, ev.Params)
	})
}

func (e *encoder) statistics(sd *h248.StatisticsDescriptor) {
	e.kw(grammar.StatsToken)
	if len(sd.Params) == 0 {
		e.failf("a Statistics descriptor is empty")
	}
	e.items(len(sd.Params), func(i int) {
		p := &sd.Params[i]
		e.name("statistic name", p.Name)
		switch len(p.Values) {
		case 0:
		case 1:
			e.b = append(e.b, '=')
			e.value(p.Values[0])
		default:
			e.b = append(e.b, '=')
			e.inlineList('[', ']', len(p.Values), func(j int) { e.value(p.Values[j]) })
		}
	})
}

var auditTokenKeywords = [...]grammar.Keyword{h248.AuditMux: grammar.MuxToken, h248.AuditModem: grammar.ModemToken,
	h248.AuditMedia: grammar.MediaToken, h248.AuditEvents: grammar.EventsToken, h248.AuditSignals: grammar.SignalsToken,
	h248.AuditDigitMap: grammar.DigitMapToken, h248.AuditStatistics: grammar.StatsToken,
	h248.AuditObservedEvents: grammar.ObservedEventsToken, h248.AuditPackages: grammar.PackagesToken,
	h248.AuditEventBuffer: grammar.EventBufferToken}

func (e *encoder) auditToken(t h248.AuditToken) {
	if int(t) >= len(auditTokenKeywords) {
		e.failf("unknown audit token %d", t)
	}
	e.kw(auditTokenKeywords[t])
}

func (e *encoder) auditDescriptor(ad *h248.AuditDescriptor) {
	e.kw(grammar.AuditToken)
	n := len(ad.Tokens) + len(ad.Props)
	if n == 0 {
		e.emptyBraces()
		return
	}
	e.items(n, func(i int) {
		if i < len(ad.Tokens) {
			e.auditToken(ad.Tokens[i])
			return
		}
		e.indAuditParameter(ad.Props[i-len(ad.Tokens)])
	})
}

func (e *encoder) indAuditParameter(p h248.IndAuditParameter) {
	switch p := p.(type) {
	case *h248.IndAudMediaDescriptor:
		e.indAudMedia(p)
	case *h248.IndAudEventsDescriptor:
		e.kw(grammar.EventsToken)
		if p.RequestID.Set {
			e.eq()
			e.requestID(p.RequestID.Value)
		}
		e.items(1, func(int) { e.name("event name", p.Name) })
	case *h248.IndAudEventBufferDescriptor:
		e.kw(grammar.EventBufferToken)
		e.items(1, func(int) {
			e.name("event name", p.Name)
			switch {
			case p.Stream.Set && p.ParamName != "":
				e.failf("an audited buffered event has a stream and a parameter")
			case p.Stream.Set:
				e.items(1, func(int) { e.stream(p.Stream.Value) })
			case p.ParamName != "":
				e.items(1, func(int) { e.name("event parameter name", p.ParamName) })
			}
		})
	case *h248.IndAudSignalsDescriptor:
		e.kw(grammar.SignalsToken)
		switch {
		case p.Signal != nil && p.List != nil:
			e.failf("an audited Signals descriptor has a signal and a signal list")
		case p.Signal != nil:
			e.items(1, func(int) { e.indAudSignal(p.Signal) })
		case p.List != nil:
			e.items(1, func(int) {
				e.kw(grammar.SignalListToken)
				e.eq()
				e.uint(uint64(p.List.ID))
				if p.List.Signal != nil {
					e.items(1, func(int) { e.indAudSignal(p.List.Signal) })
				}
			})
		default:
			e.emptyBraces()
		}
	case *h248.IndAudDigitMapDescriptor:
		e.kw(grammar.DigitMapToken)
		e.eq()
		e.name("digit map name", p.Name)
	case *h248.IndAudStatisticsDescriptor:
		e.kw(grammar.StatsToken)
		e.items(1, func(int) { e.name("statistic name", p.Name) })
	case *h248.IndAudPackagesDescriptor:
		e.kw(grammar.PackagesToken)
		e.items(1, func(int) { e.packagesItem(p.Name, p.Version) })
	default:
		e.failf("unknown audit item %T", p)
	}
}

func (e *encoder) indAudSignal(s *h248.IndAudSignal) {
	e.name("signal name", s.Name)
	n := 0
	if s.Stream.Set {
		n++
	}
	if s.RequestID.Set {
		n++
	}
	if n == 0 {
		return
	}
	e.open()
	i := 0
	if s.Stream.Set {
		e.item(i)
		i++
		e.stream(s.Stream.Value)
	}
	if s.RequestID.Set {
		e.item(i)
		e.kw(grammar.RequestIDToken)
		e.eq()
		e.requestID(s.RequestID.Value)
	}
	e.close()
}

func (e *encoder) indAudMedia(m *h248.IndAudMediaDescriptor) {
	if m.Stream != nil && len(m.Streams) > 0 {
		e.failf("an audited Media descriptor holds stream items and Stream descriptors")
	}
	e.kw(grammar.MediaToken)
	e.open()
	n := 0
	if ts := m.TermState; ts != nil {
		e.item(n)
		n++
		e.kw(grammar.TerminationStateToken)
		e.open()
		i := 0
		for _, p := range ts.Props {
			e.item(i)
			i++
			e.indAudProp(p)
		}
		if ts.ServiceState || ts.ServiceStateSelect.Set {
			e.item(i)
			i++
			e.kw(grammar.ServiceStatesToken)
			if ts.ServiceStateSelect.Set {
				e.selectRelation(ts.ServiceStateSelectForm)
				e.serviceState(ts.ServiceStateSelect.Value)
			}
		}
		if ts.EventBufferControl {
			e.item(i)
			i++
			e.kw(grammar.BufferToken)
		}
		if i == 0 {
			e.failf("an audited TerminationState is empty")
		}
		e.close()
	}
	if m.Stream != nil {
		n = e.indAudStreamParms(m.Stream, n)
	}
	for i := range m.Streams {
		e.item(n)
		n++
		s := &m.Streams[i]
		e.stream(s.ID)
		e.open()
		if e.indAudStreamParms(&s.Parms, 0) == 0 {
			e.failf("audited Stream %d is empty", s.ID)
		}
		e.close()
	}
	if n == 0 {
		e.failf("an audited Media descriptor is empty")
	}
	e.close()
}

// selectRelation writes "=" or the inequality of a v3 audit selection.
func (e *encoder) selectRelation(f h248.ValueForm) {
	var op byte
	switch f {
	case h248.FormSingle:
		e.eq()
		return
	case h248.FormGreater:
		op = '>'
	case h248.FormSmaller:
		op = '<'
	case h248.FormUnequal:
		op = '#'
	default:
		e.failf("a selection cannot use value form %v", f)
	}
	if !e.compact {
		e.b = append(e.b, ' ', op, ' ')
	} else {
		e.b = append(e.b, op)
	}
}

func (e *encoder) indAudProp(p h248.IndAudPropertyParm) {
	if p.Value != nil {
		e.propertyParm(*p.Value)
		return
	}
	e.name("property name", p.Name)
}

func (e *encoder) indAudStreamParms(sp *h248.IndAudStreamParms, n int) int {
	if lc := sp.LocalControl; lc != nil {
		e.item(n)
		n++
		e.kw(grammar.LocalControlToken)
		e.open()
		i := 0
		next := func(k grammar.Keyword) {
			e.item(i)
			i++
			e.kw(k)
		}
		if lc.Mode || lc.ModeSelect.Set {
			next(grammar.ModeToken)
			if lc.ModeSelect.Set {
				e.selectRelation(lc.ModeSelectForm)
				e.streamMode(lc.ModeSelect.Value)
			}
		}
		if lc.ReserveValue {
			next(grammar.ReservedValueToken)
		}
		if lc.ReserveGroup {
			next(grammar.ReservedGroupToken)
		}
		for _, p := range lc.Props {
			e.item(i)
			i++
			e.indAudProp(p)
		}
		if i == 0 {
			e.failf("an audited LocalControl is empty")
		}
		e.close()
	}
	if sp.Local != nil {
		e.item(n)
		n++
		e.localRemote(grammar.LocalToken, sp.Local)
	}
	if sp.Remote != nil {
		e.item(n)
		n++
		e.localRemote(grammar.RemoteToken, sp.Remote)
	}
	if sp.Statistics != nil {
		e.item(n)
		n++
		e.kw(grammar.StatsToken)
		e.items(1, func(int) { e.name("statistic name", sp.Statistics.Name) })
	}
	return n
}
