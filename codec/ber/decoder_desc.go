package ber

import (
	"math/bits"

	"github.com/megaco/megaco/pkg/h248"
)

func (d *decoder) media(h *header) *h248.MediaDescriptor {
	m := d.medias.new(d.hint)
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			m.TermState = d.termState(c)
		case c.ctx(1):
			stv := d.choice(c)
			st := &stv
			switch {
			case st.ctx(0):
				m.Stream = d.strParms.new(d.hint)
				d.streamParms(st, m.Stream)
			case st.ctx(1):
				ms := d.open(st)
				for x := (&header{}); d.next(&ms, x); {
					m.Streams = append(m.Streams, h248.StreamDescriptor{})
					sd := &m.Streams[len(m.Streams)-1]
					var seen uint8
					xs := d.open(x)
					for y := (&header{}); d.next(&xs, y); {
						switch {
						case y.ctx(0):
							sd.ID = d.u16(y)
						case y.ctx(1):
							d.streamParms(y, &sd.Parms)
						default:
							d.unexpected(y, "StreamDescriptor")
						}
						seen |= 1 << y.tag
					}
					d.close()
					if seen != 3 {
						d.missing(x, "stream id or parameters", "StreamDescriptor")
					}
				}
				d.close()
			default:
				d.unexpected(st, "the streams of a MediaDescriptor")
			}
		case c.class == classContext:
		default:
			d.unexpected(c, "MediaDescriptor")
		}
	}
	d.close()
	return m
}

func (d *decoder) streamParms(h *header, sp *h248.StreamParms) {
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			lc := d.localCtl.new(d.hint)
			ls := d.open(c)
			for x := (&header{}); d.next(&ls, x); {
				switch {
				case x.ctx(0):
					lc.Mode = h248.Some(h248.StreamMode(d.enum(x, uint64(h248.Loopback), "stream mode")))
				case x.ctx(1):
					lc.ReserveValue = h248.Some(d.boolv(x))
				case x.ctx(2):
					lc.ReserveGroup = h248.Some(d.boolv(x))
				case x.ctx(3):
					lc.Props = d.propertyParms(x)
				case x.class == classContext:
				default:
					d.unexpected(x, "LocalControlDescriptor")
				}
			}
			d.close()
			sp.LocalControl = lc
		case c.ctx(1):
			sp.Local = d.localRemote(c)
		case c.ctx(2):
			sp.Remote = d.localRemote(c)
		case c.ctx(3) && d.ver >= 3:
			sp.Statistics = d.statistics(c)
		case c.class == classContext:
		default:
			d.unexpected(c, "StreamParms")
		}
	}
	d.close()
}

func (d *decoder) termState(h *header) *h248.TerminationStateDescriptor {
	ts := d.termSts.new(d.hint)
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			ts.Props = d.propertyParms(c)
		case c.ctx(1):
			ts.EventBufferControl = h248.Some(h248.EventBufferControl(d.enum(c, uint64(h248.BufferLockStep), "event buffer control")))
		case c.ctx(2):
			ts.ServiceState = h248.Some(h248.ServiceState(d.enum(c, uint64(h248.ServiceInService), "service state")))
		case c.class == classContext:
		default:
			d.unexpected(c, "TerminationStateDescriptor")
		}
	}
	d.close()
	return ts
}

func (d *decoder) modem(h *header) *h248.ModemDescriptor {
	m := &h248.ModemDescriptor{}
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			ts := d.open(c)
			for x := (&header{}); d.next(&ts, x); {
				m.Types = append(m.Types, modemTypes[d.enum(x, uint64(len(modemTypes)-1), "modem type")][0])
			}
			d.close()
		case c.ctx(1):
			m.Props = d.propertyParms(c)
		case c.ctx(2): // nonStandardData
		default:
			d.unexpected(c, "ModemDescriptor")
		}
	}
	d.close()
	return m
}

func (d *decoder) mux(h *header) *h248.MuxDescriptor {
	m := &h248.MuxDescriptor{}
	max := uint64(3)
	if d.ver >= 2 {
		max = 4
	}
	typ := false
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			m.Type, typ = muxTypes[d.enum(c, max, "mux type")][0], true
		case c.ctx(1):
			m.TerminationIDs = d.termIDList(c)
		case c.class == classContext:
		default:
			d.unexpected(c, "MuxDescriptor")
		}
	}
	d.close()
	if !typ {
		d.missing(h, "type", "MuxDescriptor")
	}
	return m
}

func (d *decoder) events(h *header) *h248.EventsDescriptor {
	ed := d.evDescs.new(d.hint)
	d.eventsDescriptor(h, ed, false)
	return ed
}

// eventsDescriptor reads an EventsDescriptor, or with second set a
// SecondEventsDescriptor.
func (d *decoder) eventsDescriptor(h *header, ed *h248.EventsDescriptor, second bool) {
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			ed.RequestID = h248.Some(d.u32(c))
		case c.ctx(1):
			ed.Events = d.reqEvs.make(d.hint, d.children(c))
			ls := d.open(c)
			for i, x := 0, (&header{}); d.next(&ls, x); i++ {
				d.requestedEvent(x, &ed.Events[i], second)
			}
			d.close()
		case c.class == classContext:
		default:
			d.unexpected(c, "EventsDescriptor")
		}
	}
	d.close()
}

func (d *decoder) requestedEvent(h *header, ev *h248.RequestedEvent, second bool) {
	var it *itemEntry
	named := false
	var params header
	hasParams := false
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			ev.Name, it = d.pkgdName(c, kindEvent)
			named = true
		case c.ctx(1):
			ev.Stream = h248.Some(d.u16(c))
		case c.ctx(2):
			d.requestedActions(c, &ev.Action, second)
		case c.ctx(3):
			params, hasParams = *c, true
		case c.class == classContext:
		default:
			d.unexpected(c, "RequestedEvent")
		}
	}
	d.close()
	if !named {
		d.missing(h, "name", "RequestedEvent")
	}
	if hasParams {
		ev.Params = d.parameters(&params, it)
	}
}

func (d *decoder) requestedActions(h *header, a *h248.RequestedActions, second bool) {
	// Tags after eventDM move down by one in SecondRequestedActions.
	shift := uint32(0)
	if second {
		shift = 1
	}
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		if c.class != classContext {
			d.unexpected(c, "RequestedActions")
		}
		t := c.tag
		if t >= 2 {
			t += shift
		}
		switch {
		case t == 0:
			a.KeepActive = d.boolv(c)
		case t == 1:
			dmv := d.choice(c)
			dm := &dmv
			switch {
			case dm.ctx(0):
				a.DigitMap = d.eventDMs.new(d.hint)
				a.DigitMap.Name = d.digitMapName(dm)
			case dm.ctx(1):
				a.DigitMap = d.eventDMs.new(d.hint)
				a.DigitMap.Value = d.digitMapValue(dm)
			default:
				d.unexpected(dm, "EventDM")
			}
		case t == 2:
			a.SecondEvent = d.evDescs.new(d.hint)
			d.eventsDescriptor(c, a.SecondEvent, true)
		case t == 3:
			a.Signals = d.signals(c)
		case d.ver < 3:
		case t == 4:
			a.NotifyBehaviour = d.notifyBehaviour(c)
		case t == 5:
			d.null(c)
			a.ResetEventsDescriptor = true
		}
	}
	d.close()
}

func (d *decoder) notifyBehaviour(h *header) *h248.NotifyBehaviour {
	cv := d.choice(h)
	c := &cv
	switch {
	case c.ctx(0):
		d.null(c)
		return &h248.NotifyBehaviour{Kind: h248.NotifyImmediate}
	case c.ctx(2):
		d.null(c)
		return &h248.NotifyBehaviour{Kind: h248.NeverNotify}
	case c.ctx(1):
		nb := &h248.NotifyBehaviour{Kind: h248.NotifyRegulated}
		s := d.open(c)
		for x := (&header{}); d.next(&s, x); {
			switch {
			case x.ctx(0):
				nb.SecondEvent = d.evDescs.new(d.hint)
				d.eventsDescriptor(x, nb.SecondEvent, true)
			case x.ctx(1):
				nb.Signals = d.signals(x)
			case x.class == classContext:
			default:
				d.unexpected(x, "RegulatedEmbeddedDescriptor")
			}
		}
		d.close()
		return nb
	}
	d.failAt(c.start, "unknown NotifyBehaviour [%d]", c.tag)
	return nil
}

func (d *decoder) eventBuffer(h *header) *h248.EventBufferDescriptor {
	eb := &h248.EventBufferDescriptor{}
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		eb.Events = append(eb.Events, h248.EventSpec{})
		es := &eb.Events[len(eb.Events)-1]
		var it *itemEntry
		named := false
		var params header
		hasParams := false
		xs := d.open(c)
		for x := (&header{}); d.next(&xs, x); {
			switch {
			case x.ctx(0):
				es.Name, it = d.pkgdName(x, kindEvent)
				named = true
			case x.ctx(1):
				es.Stream = h248.Some(d.u16(x))
			case x.ctx(2):
				params, hasParams = *x, true
			case x.class == classContext:
			default:
				d.unexpected(x, "EventSpec")
			}
		}
		d.close()
		if !named {
			d.missing(c, "name", "EventSpec")
		}
		if hasParams {
			es.Params = d.parameters(&params, it)
		}
	}
	d.close()
	return eb
}

func (d *decoder) signals(h *header) *h248.SignalsDescriptor {
	sd := d.sigDescs.new(d.hint)
	sd.Signals = d.sigReqs.make(d.hint, d.children(h))[:0]
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			sd.Signals = sd.Signals[:len(sd.Signals)+1]
			d.signal(c, &sd.Signals[len(sd.Signals)-1].Signal)
		case c.ctx(1):
			l := &h248.SeqSigList{}
			id := false
			ls := d.open(c)
			for x := (&header{}); d.next(&ls, x); {
				switch {
				case x.ctx(0):
					l.ID, id = d.u16(x), true
				case x.ctx(1):
					xs := d.open(x)
					for y := (&header{}); d.next(&xs, y); {
						l.Signals = append(l.Signals, h248.Signal{})
						d.signal(y, &l.Signals[len(l.Signals)-1])
					}
					d.close()
				default:
					d.unexpected(x, "SeqSigList")
				}
			}
			d.close()
			if !id {
				d.missing(c, "id", "SeqSigList")
			}
			sd.Signals = append(sd.Signals, h248.SignalRequest{List: l})
		default:
			d.failAt(c.start, "unknown SignalRequest alternative [%d]", c.tag)
		}
	}
	d.close()
	return sd
}

// signalDirection maps SignalDirection values to the model.
var signalDirection = map[uint64]h248.SignalDirection{0: h248.DirectionInternal, 1: h248.DirectionExternal, 3: h248.DirectionBoth}

func (d *decoder) signal(h *header, sg *h248.Signal) {
	var it *itemEntry
	named := false
	var params header
	hasParams := false
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		if c.class != classContext {
			d.unexpected(c, "Signal")
		}
		switch c.tag {
		case 0:
			sg.Name, it = d.pkgdName(c, kindSignal)
			named = true
		case 1:
			sg.Stream = h248.Some(d.u16(c))
		case 2:
			sg.Type = h248.Some(h248.SignalType(d.enum(c, uint64(h248.SignalTimeOut), "signal type")))
		case 3:
			sg.Duration = h248.Some(d.u16(c))
		case 4:
			bits := d.bitString(c)
			for r := h248.OnTimeOut; r <= h248.OnIteration; r++ {
				if bits&(1<<r) != 0 && (r < h248.OnIteration || d.ver >= 3) {
					sg.NotifyCompletion = append(sg.NotifyCompletion, r)
				}
			}
		case 5:
			sg.KeepActive = d.boolv(c)
		case 6:
			params, hasParams = *c, true
		case 7, 8, 9:
			if d.ver < 3 {
				continue
			}
			switch c.tag {
			case 7:
				v, ok := signalDirection[d.uintv(c, 32)]
				if !ok {
					d.failAt(c.body, "unknown signal direction")
				}
				sg.Direction = h248.Some(v)
			case 8:
				sg.RequestID = h248.Some(d.u32(c))
			case 9:
				sg.IntersigDelay = h248.Some(d.u16(c))
			}
		}
	}
	d.close()
	if !named {
		d.missing(h, "name", "Signal")
	}
	if hasParams {
		sg.Params = d.parameters(&params, it)
	}
}

// bitString reads a BIT STRING of up to 16 named bits; bit 0 is the most
// significant bit of the first octet. Later bits are ignored.
func (d *decoder) bitString(h *header) uint16 {
	c := d.content(h)
	if len(c) == 0 || c[0] > 7 || len(c) == 1 && c[0] != 0 {
		d.failAt(h.start, "a malformed BIT STRING")
	}
	var bits uint16
	for i := 1; i < len(c) && i <= 2; i++ {
		for j := 0; j < 8; j++ {
			if c[i]&(0x80>>j) != 0 {
				bits |= 1 << ((i-1)*8 + j)
			}
		}
	}
	return bits
}

func (d *decoder) digitMap(h *header) *h248.DigitMapDescriptor {
	dm := &h248.DigitMapDescriptor{}
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			dm.Name = d.digitMapName(c)
		case c.ctx(1):
			dm.Value = d.digitMapValue(c)
		default:
			d.unexpected(c, "DigitMapDescriptor")
		}
	}
	d.close()
	return dm
}

func (d *decoder) digitMapName(h *header) string {
	c := d.content(h)
	if len(c) != 2 {
		d.failAt(h.start, "a digit map name has 2 octets, not %d", len(c))
	}
	return decodeDialplan(uint16(c[0])<<8 | uint16(c[1]))
}

func (d *decoder) digitMapValue(h *header) *h248.DigitMapValue {
	v := &h248.DigitMapValue{}
	body := false
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			v.StartTimer = h248.Some(uint8(d.upTo(c, 99, "start timer")))
		case c.ctx(1):
			v.ShortTimer = h248.Some(uint8(d.upTo(c, 99, "short timer")))
		case c.ctx(2):
			v.LongTimer = h248.Some(uint8(d.upTo(c, 99, "long timer")))
		case c.ctx(3):
			d.str(c, &v.Body)
			body = true
		case c.ctx(4) && d.ver >= 2:
			v.DurationTimer = h248.Some(uint8(d.upTo(c, 99, "duration timer")))
		case c.class == classContext && c.tag > 3:
		default:
			d.unexpected(c, "DigitMapValue")
		}
	}
	d.close()
	if !body {
		d.missing(h, "body", "DigitMapValue")
	}
	return v
}

func (d *decoder) auditDescriptor(h *header) *h248.AuditDescriptor {
	ad := d.audDescs.new(d.hint)
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			set := d.bitString(c) & (1<<(h248.AuditEventBuffer+1) - 1)
			ad.Tokens = d.tokens.make(d.hint, bits.OnesCount16(set))[:0]
			for t := h248.AuditMux; t <= h248.AuditEventBuffer; t++ {
				if set&(1<<t) != 0 {
					ad.Tokens = append(ad.Tokens, t)
				}
			}
		case c.ctx(1) && d.ver >= 2:
			ps := d.open(c)
			for p := (&header{}); d.next(&ps, p); {
				ad.Props = append(ad.Props, d.indAuditParameter(p))
			}
			d.close()
		case c.class == classContext:
		default:
			d.unexpected(c, "AuditDescriptor")
		}
	}
	d.close()
	return ad
}

func (d *decoder) statistics(h *header) *h248.StatisticsDescriptor {
	sd := d.statDesc.new(d.hint)
	sd.Params = d.statPs.make(d.hint, d.children(h))[:0]
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		sd.Params = sd.Params[:len(sd.Params)+1]
		p := &sd.Params[len(sd.Params)-1]
		var it *itemEntry
		named := false
		xs := d.open(c)
		for x := (&header{}); d.next(&xs, x); {
			switch {
			case x.ctx(0):
				p.Name, it = d.pkgdName(x, kindStatistic)
				named = true
			case x.ctx(1):
				if !named {
					d.failAt(x.start, "a statistic's value before its name")
				}
				p.Values = d.values(x, itemParam(it))
				if p.Values == nil {
					p.Values = []h248.Value{}
				}
			default:
				d.unexpected(x, "StatisticsParameter")
			}
		}
		d.close()
		if !named {
			d.missing(c, "name", "StatisticsParameter")
		}
	}
	d.close()
	return sd
}

func (d *decoder) observedEvents(h *header, oe *h248.ObservedEventsDescriptor) {
	id := false
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			oe.RequestID, id = d.u32(c), true
		case c.ctx(1):
			oe.Events = d.obsEvs.make(d.hint, d.children(c))
			ls := d.open(c)
			for i, x := 0, (&header{}); d.next(&ls, x); i++ {
				d.observedEvent(x, &oe.Events[i])
			}
			d.close()
		default:
			d.unexpected(c, "ObservedEventsDescriptor")
		}
	}
	d.close()
	if !id {
		d.missing(h, "request id", "ObservedEventsDescriptor")
	}
}

func (d *decoder) observedEvent(h *header, ev *h248.ObservedEvent) {
	var it *itemEntry
	named := false
	var params header
	hasParams := false
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			ev.Name, it = d.pkgdName(c, kindEvent)
			named = true
		case c.ctx(1):
			ev.Stream = h248.Some(d.u16(c))
		case c.ctx(2):
			params, hasParams = *c, true
		case c.ctx(3):
			ev.Time = d.timeNotation(c)
		case c.class == classContext:
		default:
			d.unexpected(c, "ObservedEvent")
		}
	}
	d.close()
	if !named {
		d.missing(h, "name", "ObservedEvent")
	}
	if hasParams {
		ev.Params = d.parameters(&params, it)
	}
}

func (d *decoder) packages(h *header) *h248.PackagesDescriptor {
	pd := &h248.PackagesDescriptor{}
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		var it h248.PackagesItem
		var seen uint8
		xs := d.open(c)
		for x := (&header{}); d.next(&xs, x); {
			switch {
			case x.ctx(0):
				it.Name = d.packageName(x)
			case x.ctx(1):
				it.Version = uint16(d.upTo(x, 99, "package version"))
			case x.class == classContext:
				continue
			default:
				d.unexpected(x, "PackagesItem")
			}
			seen |= 1 << x.tag
		}
		d.close()
		if seen&3 != 3 {
			d.missing(c, "name or version", "PackagesItem")
		}
		pd.Items = append(pd.Items, it)
	}
	d.close()
	return pd
}

func (d *decoder) packageName(h *header) string {
	c := d.content(h)
	if len(c) != 2 {
		d.failAt(h.start, "a package name has 2 octets, not %d", len(c))
	}
	return d.reg.decodePackageName(uint16(c[0])<<8 | uint16(c[1]))
}

// pkgdName reads a PkgdName of kind k.
func (d *decoder) pkgdName(h *header, k itemKind) (string, *itemEntry) {
	c := d.content(h)
	if len(c) != 4 {
		d.failAt(h.start, "a PkgdName has 4 octets, not %d", len(c))
	}
	return d.reg.decodePkgdName(k, uint16(c[0])<<8|uint16(c[1]), uint16(c[2])<<8|uint16(c[3]))
}
