package ber

import (
	"strconv"
	"strings"

	"github.com/megaco/megaco/pkg/h248"
)

func (e *encoder) media(id byte, m *h248.MediaDescriptor) {
	if m.Stream != nil && len(m.Streams) > 0 {
		e.failf("a Media descriptor holds stream parameters and Stream descriptors")
	}
	s := e.open(id)
	if m.TermState != nil {
		e.termState(ctxCons(0), m.TermState)
	}
	switch {
	case m.Stream != nil:
		st := e.open(ctxCons(1))
		e.streamParms(ctxCons(0), m.Stream)
		e.close(st)
	case len(m.Streams) > 0:
		st := e.open(ctxCons(1))
		ms := e.open(ctxCons(1))
		for i := range m.Streams {
			sd := e.open(idSequence)
			e.u16(ctxPrim(0), m.Streams[i].ID)
			e.streamParms(ctxCons(1), &m.Streams[i].Parms)
			e.close(sd)
		}
		e.close(ms)
		e.close(st)
	}
	e.close(s)
}

func (e *encoder) streamParms(id byte, sp *h248.StreamParms) {
	s := e.open(id)
	if lc := sp.LocalControl; lc != nil {
		ls := e.open(ctxCons(0))
		if lc.Mode.Set {
			if lc.Mode.Value > h248.Loopback {
				e.failf("unknown stream mode %d", lc.Mode.Value)
			}
			e.uint(ctxPrim(0), uint64(lc.Mode.Value))
		}
		if lc.ReserveValue.Set {
			e.bool(ctxPrim(1), lc.ReserveValue.Value)
		}
		if lc.ReserveGroup.Set {
			e.bool(ctxPrim(2), lc.ReserveGroup.Value)
		}
		e.propertyParms(ctxCons(3), lc.Props)
		e.close(ls)
	}
	if sp.Local != nil {
		e.localRemote(ctxCons(1), sp.Local)
	}
	if sp.Remote != nil {
		e.localRemote(ctxCons(2), sp.Remote)
	}
	if sp.Statistics != nil {
		e.need(3, "Statistics in a stream")
		e.statistics(ctxCons(3), sp.Statistics)
	}
	e.close(s)
}

func (e *encoder) termState(id byte, ts *h248.TerminationStateDescriptor) {
	s := e.open(id)
	e.propertyParms(ctxCons(0), ts.Props)
	if ts.EventBufferControl.Set {
		if ts.EventBufferControl.Value > h248.BufferLockStep {
			e.failf("unknown event buffer control %d", ts.EventBufferControl.Value)
		}
		e.uint(ctxPrim(1), uint64(ts.EventBufferControl.Value))
	}
	if ts.ServiceState.Set {
		if ts.ServiceState.Value > h248.ServiceInService {
			e.failf("unknown service state %d", ts.ServiceState.Value)
		}
		e.uint(ctxPrim(2), uint64(ts.ServiceState.Value))
	}
	e.close(s)
}

// propertyParms writes a SEQUENCE OF PropertyParm.
func (e *encoder) propertyParms(id byte, ps []h248.PropertyParm) {
	s := e.open(id)
	for i := range ps {
		e.propertyParm(idSequence, &ps[i])
	}
	e.close(s)
}

// modemTypes are the ModemType values, by their text names (the long
// token first, as decoders write it).
var modemTypes = [...][]string{{"V18"}, {"V22"}, {"V22b"}, {"V32"}, {"V32b"}, {"V34"}, {"V90"}, {"V91"}, {"SynchISDN", "SN"}}

// typeValue returns the index of the entry of names that holds name, or -1.
func typeValue(names [][]string, name string) int {
	for i, ns := range names {
		for _, n := range ns {
			if strings.EqualFold(n, name) {
				return i
			}
		}
	}
	return -1
}

func (e *encoder) modem(id byte, m *h248.ModemDescriptor) {
	s := e.open(id)
	ts := e.open(ctxCons(0))
	for _, t := range m.Types {
		v := typeValue(modemTypes[:], t)
		if v < 0 {
			e.noForm("modem type %q", t)
		}
		e.uint(idEnumerated, uint64(v))
	}
	e.close(ts)
	e.propertyParms(ctxCons(1), m.Props)
	e.close(s)
}

// muxTypes are the MuxType values, by their text names (the long token
// first).
var muxTypes = [...][]string{{"H221"}, {"H223"}, {"H226"}, {"V76"}, {"Nx64Kservice", "N64", "Nx64K"}}

func (e *encoder) mux(id byte, m *h248.MuxDescriptor) {
	v := typeValue(muxTypes[:], m.Type)
	switch {
	case v < 0:
		e.noForm("mux type %q", m.Type)
	case v == 4:
		e.need(2, "mux type Nx64K")
	}
	s := e.open(id)
	e.uint(ctxPrim(0), uint64(v))
	e.termIDList(ctxCons(1), m.TerminationIDs)
	e.close(s)
}

// events writes an EventsDescriptor, or with second set a
// SecondEventsDescriptor (whose events cannot embed events).
func (e *encoder) events(id byte, ed *h248.EventsDescriptor) {
	e.eventsDescriptor(id, ed, false)
}

func (e *encoder) eventsDescriptor(id byte, ed *h248.EventsDescriptor, second bool) {
	s := e.open(id)
	if ed.RequestID.Set {
		e.uint(ctxPrim(0), uint64(ed.RequestID.Value))
	}
	ls := e.open(ctxCons(1))
	for i := range ed.Events {
		e.requestedEvent(&ed.Events[i], second)
	}
	e.close(ls)
	e.close(s)
}

func (e *encoder) requestedEvent(ev *h248.RequestedEvent, second bool) {
	s := e.open(idSequence)
	it := e.pkgdName(ctxPrim(0), kindEvent, ev.Name)
	if ev.Stream.Set {
		e.u16(ctxPrim(1), ev.Stream.Value)
	}
	if a := &ev.Action; !a.IsZero() {
		as := e.open(ctxCons(2))
		if a.KeepActive {
			e.bool(ctxPrim(0), true)
		}
		if dm := a.DigitMap; dm != nil {
			ds := e.open(ctxCons(1))
			switch {
			case dm.Value != nil && dm.Name != "":
				e.failf("an event's digit map has a name and a value")
			case dm.Value != nil:
				e.digitMapValue(ctxCons(1), dm.Value)
			default:
				e.digitMapName(ctxPrim(0), dm.Name)
			}
			e.close(ds)
		}
		n := 2 // the next tag: SecondRequestedActions has no secondEvent
		if second {
			if a.SecondEvent != nil {
				e.failf("an embedded event %s embeds events", ev.Name)
			}
		} else {
			if a.SecondEvent != nil {
				e.eventsDescriptor(ctxCons(2), a.SecondEvent, true)
			}
			n = 3
		}
		if a.Signals != nil {
			e.signals(ctxCons(n), a.Signals)
		}
		if nb := a.NotifyBehaviour; nb != nil {
			e.need(3, "NotifyBehaviour")
			ns := e.open(ctxCons(n + 1))
			switch nb.Kind {
			case h248.NotifyImmediate:
				e.null(ctxPrim(0))
			case h248.NeverNotify:
				e.null(ctxPrim(2))
			case h248.NotifyRegulated:
				rs := e.open(ctxCons(1))
				if nb.SecondEvent != nil {
					e.eventsDescriptor(ctxCons(0), nb.SecondEvent, true)
				}
				if nb.Signals != nil {
					e.signals(ctxCons(1), nb.Signals)
				}
				e.close(rs)
			default:
				e.failf("unknown notify behaviour %d", nb.Kind)
			}
			e.close(ns)
		}
		if a.ResetEventsDescriptor {
			e.need(3, "ResetEventsDescriptor")
			e.null(ctxPrim(n + 2))
		}
		e.close(as)
	}
	e.eventParams(ctxCons(3), it, ev.Params)
	e.close(s)
}

// eventParams writes a SEQUENCE OF EventParameter of event it.
func (e *encoder) eventParams(id byte, it *itemEntry, ps []h248.EventParameter) {
	s := e.open(id)
	for i := range ps {
		e.parameter(it, &ps[i])
	}
	e.close(s)
}

func (e *encoder) eventBuffer(id byte, eb *h248.EventBufferDescriptor) {
	s := e.open(id)
	for i := range eb.Events {
		es := &eb.Events[i]
		ss := e.open(idSequence)
		it := e.pkgdName(ctxPrim(0), kindEvent, es.Name)
		if es.Stream.Set {
			e.u16(ctxPrim(1), es.Stream.Value)
		}
		e.eventParams(ctxCons(2), it, es.Params)
		e.close(ss)
	}
	e.close(s)
}

func (e *encoder) signals(id byte, sd *h248.SignalsDescriptor) {
	s := e.open(id)
	for i := range sd.Signals {
		r := &sd.Signals[i]
		if r.List == nil {
			e.signal(ctxCons(0), &r.Signal)
			continue
		}
		ls := e.open(ctxCons(1))
		e.u16(ctxPrim(0), r.List.ID)
		ss := e.open(ctxCons(1))
		for j := range r.List.Signals {
			e.signal(idSequence, &r.List.Signals[j])
		}
		e.close(ss)
		e.close(ls)
	}
	e.close(s)
}

// signalDirections are the SignalDirection values by h248.SignalDirection.
var signalDirections = [...]uint64{h248.DirectionInternal: 0, h248.DirectionExternal: 1, h248.DirectionBoth: 3}

func (e *encoder) signal(id byte, sg *h248.Signal) {
	s := e.open(id)
	it := e.pkgdName(ctxPrim(0), kindSignal, sg.Name)
	if sg.Stream.Set {
		e.u16(ctxPrim(1), sg.Stream.Value)
	}
	if sg.Type.Set {
		if sg.Type.Value > h248.SignalTimeOut {
			e.failf("unknown signal type %d", sg.Type.Value)
		}
		e.uint(ctxPrim(2), uint64(sg.Type.Value))
	}
	if sg.Duration.Set {
		e.u16(ctxPrim(3), sg.Duration.Value)
	}
	if len(sg.NotifyCompletion) > 0 {
		var bits uint16
		for _, r := range sg.NotifyCompletion {
			switch {
			case r > h248.OnIteration:
				e.failf("unknown notify completion reason %d", r)
			case r == h248.OnIteration:
				e.need(3, "notify completion on iteration")
			}
			bits |= 1 << r
		}
		e.bitString(ctxPrim(4), bits)
	}
	if sg.KeepActive {
		e.bool(ctxPrim(5), true)
	}
	ps := e.open(ctxCons(6))
	for i := range sg.Params {
		e.parameter(it, &sg.Params[i])
	}
	e.close(ps)
	if sg.Direction.Set {
		e.need(3, "a signal direction")
		if sg.Direction.Value > h248.DirectionBoth {
			e.failf("unknown signal direction %d", sg.Direction.Value)
		}
		e.uint(ctxPrim(7), signalDirections[sg.Direction.Value])
	}
	if sg.RequestID.Set {
		e.need(3, "a signal RequestID")
		e.uint(ctxPrim(8), uint64(sg.RequestID.Value))
	}
	if sg.IntersigDelay.Set {
		e.need(3, "IntersigDelay")
		e.u16(ctxPrim(9), sg.IntersigDelay.Value)
	}
	e.close(s)
}

// bitString writes a BIT STRING of named bits (bit 0 first), without
// trailing zero bits.
func (e *encoder) bitString(id byte, bits uint16) {
	n := 0 // bits used
	for i := 0; i < 16; i++ {
		if bits&(1<<i) != 0 {
			n = i + 1
		}
	}
	octets := (n + 7) / 8
	e.b = append(e.b, id, byte(1+octets), byte(octets*8-n))
	for o := 0; o < octets; o++ {
		var v byte
		for j := 0; j < 8; j++ {
			if bits&(1<<(o*8+j)) != 0 {
				v |= 0x80 >> j
			}
		}
		e.b = append(e.b, v)
	}
}

func (e *encoder) digitMap(id byte, dm *h248.DigitMapDescriptor) {
	s := e.open(id)
	if dm.Name != "" {
		e.digitMapName(ctxPrim(0), dm.Name)
	}
	if dm.Value != nil {
		e.digitMapValue(ctxCons(1), dm.Value)
	}
	e.close(s)
}

func (e *encoder) digitMapValue(id byte, v *h248.DigitMapValue) {
	s := e.open(id)
	for i, t := range [...]h248.Opt[uint8]{v.StartTimer, v.ShortTimer, v.LongTimer} {
		if t.Set {
			e.upTo(ctxPrim(i), "digit map timer", uint64(t.Value), 99)
		}
	}
	e.ia5(ctxPrim(3), "digit map body", v.Body)
	if v.DurationTimer.Set {
		e.need(2, "the digit map duration timer")
		e.upTo(ctxPrim(4), "digit map timer", uint64(v.DurationTimer.Value), 99)
	}
	e.close(s)
}

// digitMapName writes a DigitMapName, two octets: "dialplanN" (N 0 to 99)
// is the octets N/10 and N%10, as Erlang/OTP megaco writes them, and
// "dialplanxHHHH" is the octets 0xHHHH.
func (e *encoder) digitMapName(id byte, name string) {
	v, ok := encodeDialplan(name)
	if !ok {
		e.noForm("digit map name %q: only dialplan0 to dialplan99 and dialplanxHHHH have a binary form", name)
	}
	e.b = append(e.b, id, 2, byte(v>>8), byte(v))
}

const dialplan = "dialplan"

func encodeDialplan(name string) (uint16, bool) {
	if len(name) <= len(dialplan) || !strings.EqualFold(name[:len(dialplan)], dialplan) {
		return 0, false
	}
	rest := name[len(dialplan):]
	if v, ok := hexName(rest); ok {
		return v, true
	}
	switch {
	case len(rest) == 1 && isDigits(rest):
		return uint16(rest[0] - '0'), true
	case len(rest) == 2 && isDigits(rest) && rest[0] != '0':
		return uint16(rest[0]-'0')<<8 | uint16(rest[1]-'0'), true
	}
	return 0, false
}

// dialplans are the names of the digit maps 0 to 99: dialplans[10*hi+lo].
var dialplans = func() (names [100]string) {
	for i := range names {
		names[i] = dialplan + strconv.Itoa(i)
	}
	return names
}()

func decodeDialplan(v uint16) string {
	hi, lo := v>>8, v&0xFF
	if hi <= 9 && lo <= 9 {
		return dialplans[10*hi+lo]
	}
	var buf [16]byte
	b := append(buf[:0], dialplan...)
	switch {
	case hi == 0 && lo <= 9:
		b = append(b, byte('0'+lo))
	case hi >= 1 && hi <= 9 && lo <= 9:
		b = append(b, byte('0'+hi), byte('0'+lo))
	default:
		b = appendHexName(b, v)
	}
	return string(b)
}

func (e *encoder) auditDescriptor(id byte, ad *h248.AuditDescriptor) {
	s := e.open(id)
	if len(ad.Tokens) > 0 {
		var bits uint16
		for _, t := range ad.Tokens {
			if t > h248.AuditEventBuffer {
				e.failf("unknown audit token %d", t)
			}
			bits |= 1 << t
		}
		e.bitString(ctxPrim(0), bits)
	}
	if len(ad.Props) > 0 {
		e.need(2, "auditing individual items")
		ps := e.open(ctxCons(1))
		for _, p := range ad.Props {
			e.indAuditParameter(p)
		}
		e.close(ps)
	}
	e.close(s)
}

func (e *encoder) statistics(id byte, sd *h248.StatisticsDescriptor) {
	s := e.open(id)
	for i := range sd.Params {
		p := &sd.Params[i]
		ps := e.open(idSequence)
		it := e.pkgdName(ctxPrim(0), kindStatistic, p.Name)
		if p.Values != nil {
			vs := e.open(ctxCons(1))
			for _, v := range p.Values {
				e.packageValue(v, itemParam(it))
			}
			e.close(vs)
		}
		e.close(ps)
	}
	e.close(s)
}

func (e *encoder) observedEvents(id byte, oe *h248.ObservedEventsDescriptor) {
	s := e.open(id)
	e.uint(ctxPrim(0), uint64(oe.RequestID))
	ls := e.open(ctxCons(1))
	for i := range oe.Events {
		ev := &oe.Events[i]
		es := e.open(idSequence)
		it := e.pkgdName(ctxPrim(0), kindEvent, ev.Name)
		if ev.Stream.Set {
			e.u16(ctxPrim(1), ev.Stream.Value)
		}
		e.eventParams(ctxCons(2), it, ev.Params)
		if ev.Time != nil {
			e.timeNotation(ctxCons(3), ev.Time)
		}
		e.close(es)
	}
	e.close(ls)
	e.close(s)
}

func (e *encoder) packages(id byte, pd *h248.PackagesDescriptor) {
	s := e.open(id)
	for _, p := range pd.Items {
		ps := e.open(idSequence)
		e.packageName(ctxPrim(0), p.Name)
		e.upTo(ctxPrim(1), "package version", uint64(p.Version), 99)
		e.close(ps)
	}
	e.close(s)
}

// packageName writes a package's Name (two octets).
func (e *encoder) packageName(id byte, name string) {
	v, err := e.reg.encodePackageName(name)
	if err != nil {
		e.noFormErr(err)
	}
	e.b = append(e.b, id, 2, byte(v>>8), byte(v))
}

// pkgdName writes a PkgdName of kind k and returns the registry's entry
// for it (nil for an item it does not know).
func (e *encoder) pkgdName(id byte, k itemKind, name string) *itemEntry {
	p, i, it, err := e.reg.encodePkgdName(k, name)
	if err != nil {
		e.noFormErr(err)
	}
	e.b = append(e.b, id, 4, byte(p>>8), byte(p), byte(i>>8), byte(i))
	return it
}

// itemParam returns the value type of a property or statistic.
func itemParam(it *itemEntry) *Param {
	if it == nil {
		return nil
	}
	return &it.Param
}
