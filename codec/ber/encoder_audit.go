package ber

import (
	"strings"

	"github.com/megaco/megaco/pkg/h248"
)

// indAuditParameter writes one IndAuditParameter alternative (v2).
func (e *encoder) indAuditParameter(p h248.IndAuditParameter) {
	switch p := p.(type) {
	case *h248.IndAudMediaDescriptor:
		e.indAudMedia(ctxCons(0), p)
	case *h248.IndAudEventsDescriptor:
		s := e.open(ctxCons(1))
		if p.RequestID.Set {
			e.uint(ctxPrim(0), uint64(p.RequestID.Value))
		}
		e.pkgdName(ctxPrim(1), kindEvent, p.Name)
		if p.Stream.Set {
			e.u16(ctxPrim(2), p.Stream.Value)
		}
		e.close(s)
	case *h248.IndAudEventBufferDescriptor:
		if p.ParamName != "" {
			e.noForm("an audited buffered event with a parameter name (%s %s; text only)", p.Name, p.ParamName)
		}
		s := e.open(ctxCons(2))
		e.pkgdName(ctxPrim(0), kindEvent, p.Name)
		if p.Stream.Set {
			e.u16(ctxPrim(1), p.Stream.Value)
		}
		e.close(s)
	case *h248.IndAudSignalsDescriptor:
		s := e.open(ctxCons(3))
		switch {
		case p.Signal != nil && p.List != nil:
			e.failf("an audited Signals descriptor has a signal and a signal list")
		case p.Signal != nil:
			e.indAudSignal(ctxCons(0), p.Signal)
		case p.List != nil:
			ls := e.open(ctxCons(1))
			e.u16(ctxPrim(0), p.List.ID)
			if p.List.Signal != nil {
				e.indAudSignal(ctxCons(1), p.List.Signal)
			}
			e.close(ls)
		default:
			e.noForm("an empty audited Signals descriptor (IndAudSignalsDescriptor is a CHOICE)")
		}
		e.close(s)
	case *h248.IndAudDigitMapDescriptor:
		s := e.open(ctxCons(4))
		if p.Name != "" {
			e.digitMapName(ctxPrim(0), p.Name)
		}
		e.close(s)
	case *h248.IndAudStatisticsDescriptor:
		s := e.open(ctxCons(5))
		e.pkgdName(ctxPrim(0), kindStatistic, p.Name)
		e.close(s)
	case *h248.IndAudPackagesDescriptor:
		s := e.open(ctxCons(6))
		e.packageName(ctxPrim(0), p.Name)
		e.upTo(ctxPrim(1), "package version", uint64(p.Version), 99)
		e.close(s)
	default:
		e.failf("unknown audit item %T", p)
	}
}

func (e *encoder) indAudSignal(id byte, sg *h248.IndAudSignal) {
	s := e.open(id)
	e.pkgdName(ctxPrim(0), kindSignal, sg.Name)
	if sg.Stream.Set {
		e.u16(ctxPrim(1), sg.Stream.Value)
	}
	if sg.RequestID.Set {
		e.need(3, "auditing a signal by RequestID")
		e.uint(ctxPrim(2), uint64(sg.RequestID.Value))
	}
	e.close(s)
}

func (e *encoder) indAudMedia(id byte, m *h248.IndAudMediaDescriptor) {
	if m.Stream != nil && len(m.Streams) > 0 {
		e.failf("an audited Media descriptor holds stream items and Stream descriptors")
	}
	s := e.open(id)
	if ts := m.TermState; ts != nil {
		ss := e.open(ctxCons(0))
		ps := e.open(ctxCons(0))
		for i := range ts.Props {
			e.indAudProp(idSequence, &ts.Props[i])
		}
		e.close(ps)
		if ts.EventBufferControl {
			e.null(ctxPrim(1))
		}
		if ts.ServiceState {
			e.null(ctxPrim(2))
		}
		if ts.ServiceStateSelect.Set {
			e.need(3, "selecting by service state")
			if ts.ServiceStateSelectForm != h248.FormSingle {
				e.noForm("selecting by ServiceStates %v (only = has a binary form)", ts.ServiceStateSelectForm)
			}
			if ts.ServiceStateSelect.Value > h248.ServiceInService {
				e.failf("unknown service state %d", ts.ServiceStateSelect.Value)
			}
			e.uint(ctxPrim(3), uint64(ts.ServiceStateSelect.Value))
		}
		e.close(ss)
	}
	switch {
	case m.Stream != nil:
		st := e.open(ctxCons(1))
		e.indAudStreamParms(ctxCons(0), m.Stream)
		e.close(st)
	case len(m.Streams) > 0:
		st := e.open(ctxCons(1))
		ms := e.open(ctxCons(1))
		for i := range m.Streams {
			sd := e.open(idSequence)
			e.u16(ctxPrim(0), m.Streams[i].ID)
			e.indAudStreamParms(ctxCons(1), &m.Streams[i].Parms)
			e.close(sd)
		}
		e.close(ms)
		e.close(st)
	}
	e.close(s)
}

func (e *encoder) indAudStreamParms(id byte, sp *h248.IndAudStreamParms) {
	s := e.open(id)
	if lc := sp.LocalControl; lc != nil {
		ls := e.open(ctxCons(0))
		if lc.Mode {
			e.null(ctxPrim(0))
		}
		if lc.ReserveValue {
			e.null(ctxPrim(1))
		}
		if lc.ReserveGroup {
			e.null(ctxPrim(2))
		}
		if len(lc.Props) > 0 {
			ps := e.open(ctxCons(3))
			for i := range lc.Props {
				e.indAudProp(idSequence, &lc.Props[i])
			}
			e.close(ps)
		}
		if lc.ModeSelect.Set {
			e.need(3, "selecting by stream mode")
			if lc.ModeSelectForm != h248.FormSingle {
				e.noForm("selecting by Mode %v (only = has a binary form)", lc.ModeSelectForm)
			}
			if lc.ModeSelect.Value > h248.Loopback {
				e.failf("unknown stream mode %d", lc.ModeSelect.Value)
			}
			e.uint(ctxPrim(4), uint64(lc.ModeSelect.Value))
		}
		e.close(ls)
	}
	if sp.Local != nil {
		e.indAudLocalRemote(ctxCons(1), sp.Local)
	}
	if sp.Remote != nil {
		e.indAudLocalRemote(ctxCons(2), sp.Remote)
	}
	if sp.Statistics != nil {
		e.need(3, "auditing a statistic of a stream")
		ss := e.open(ctxCons(3))
		e.pkgdName(ctxPrim(0), kindStatistic, sp.Statistics.Name)
		e.close(ss)
	}
	e.close(s)
}

// indAudLocalRemote writes the SDP of an audited Local or Remote as one
// IndAudPropertyGroup: each line "x=value" is an IndAudPropertyParm of
// the SDP tag, with the value (v3) unless it is empty.
func (e *encoder) indAudLocalRemote(id byte, lr *h248.LocalRemoteDescriptor) {
	s := e.open(id)
	gs := e.open(ctxCons(1))
	for rest := lr.SDP; rest != ""; {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		line = strings.TrimSuffix(line, "\r")
		typ := e.sdpLineType(line)
		ps := e.open(idSequence)
		e.b = append(e.b, ctxPrim(0), 4, 0, 0, 0xB0, byte(typ+1))
		if value := line[2:]; value != "" {
			e.need(3, "auditing SDP by value")
			pp := e.open(ctxCons(1))
			e.b = append(e.b, ctxPrim(0), 4, 0, 0, 0xB0, byte(typ+1))
			vs := e.open(ctxCons(1))
			e.packageValue(h248.Value{Text: value}, &sdpParam)
			e.close(vs)
			e.close(pp)
		}
		e.close(ps)
	}
	e.close(gs)
	e.close(s)
}

// indAudProp writes an IndAudPropertyParm.
func (e *encoder) indAudProp(id byte, p *h248.IndAudPropertyParm) {
	s := e.open(id)
	e.pkgdName(ctxPrim(0), kindProperty, p.Name)
	if p.Value != nil {
		e.need(3, "selecting by a property value")
		e.propertyParm(ctxCons(1), p.Value)
	}
	e.close(s)
}
