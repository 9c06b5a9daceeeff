package ber

import (
	"strings"

	"github.com/megaco/megaco/pkg/h248"
)

func (d *decoder) indAuditParameter(h *header) h248.IndAuditParameter {
	if h.class != classContext {
		d.unexpected(h, "IndAuditParameter")
	}
	switch h.tag {
	case 0:
		return d.indAudMedia(h)
	case 1:
		p := &h248.IndAudEventsDescriptor{}
		named := false
		s := d.open(h)
		for c := (&header{}); d.next(&s, c); {
			switch {
			case c.ctx(0):
				p.RequestID = h248.Some(d.u32(c))
			case c.ctx(1):
				p.Name, _ = d.pkgdName(c, kindEvent)
				named = true
			case c.ctx(2):
				p.Stream = h248.Some(d.u16(c))
			case c.class == classContext:
			default:
				d.unexpected(c, "IndAudEventsDescriptor")
			}
		}
		d.close()
		if !named {
			d.missing(h, "name", "IndAudEventsDescriptor")
		}
		return p
	case 2:
		p := &h248.IndAudEventBufferDescriptor{}
		named := false
		s := d.open(h)
		for c := (&header{}); d.next(&s, c); {
			switch {
			case c.ctx(0):
				p.Name, _ = d.pkgdName(c, kindEvent)
				named = true
			case c.ctx(1):
				p.Stream = h248.Some(d.u16(c))
			case c.class == classContext:
			default:
				d.unexpected(c, "IndAudEventBufferDescriptor")
			}
		}
		d.close()
		if !named {
			d.missing(h, "name", "IndAudEventBufferDescriptor")
		}
		return p
	case 3:
		p := &h248.IndAudSignalsDescriptor{}
		cv := d.choice(h)
		c := &cv
		switch {
		case c.ctx(0):
			p.Signal = d.indAudSignal(c)
		case c.ctx(1):
			l := &h248.IndAudSeqSigList{}
			id := false
			s := d.open(c)
			for x := (&header{}); d.next(&s, x); {
				switch {
				case x.ctx(0):
					l.ID, id = d.u16(x), true
				case x.ctx(1):
					l.Signal = d.indAudSignal(x)
				default:
					d.unexpected(x, "IndAudSeqSigList")
				}
			}
			d.close()
			if !id {
				d.missing(c, "id", "IndAudSeqSigList")
			}
			p.List = l
		default:
			d.failAt(c.start, "unknown IndAudSignalsDescriptor alternative [%d]", c.tag)
		}
		return p
	case 4:
		p := &h248.IndAudDigitMapDescriptor{}
		s := d.open(h)
		for c := (&header{}); d.next(&s, c); {
			if !c.ctx(0) {
				d.unexpected(c, "IndAudDigitMapDescriptor")
			}
			p.Name = d.digitMapName(c)
		}
		d.close()
		return p
	case 5:
		return &h248.IndAudStatisticsDescriptor{Name: d.indAudStatistic(h)}
	case 6:
		p := &h248.IndAudPackagesDescriptor{}
		var seen uint8
		s := d.open(h)
		for c := (&header{}); d.next(&s, c); {
			switch {
			case c.ctx(0):
				p.Name = d.packageName(c)
			case c.ctx(1):
				p.Version = uint16(d.upTo(c, 99, "package version"))
			case c.class == classContext:
				continue
			default:
				d.unexpected(c, "IndAudPackagesDescriptor")
			}
			seen |= 1 << c.tag
		}
		d.close()
		if seen&3 != 3 {
			d.missing(h, "name or version", "IndAudPackagesDescriptor")
		}
		return p
	}
	d.failAt(h.start, "unknown IndAuditParameter [%d]", h.tag)
	return nil
}

func (d *decoder) indAudStatistic(h *header) string {
	var name string
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		if !c.ctx(0) {
			d.unexpected(c, "IndAudStatisticsDescriptor")
		}
		name, _ = d.pkgdName(c, kindStatistic)
	}
	d.close()
	if name == "" {
		d.missing(h, "name", "IndAudStatisticsDescriptor")
	}
	return name
}

func (d *decoder) indAudSignal(h *header) *h248.IndAudSignal {
	sg := &h248.IndAudSignal{}
	named := false
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			sg.Name, _ = d.pkgdName(c, kindSignal)
			named = true
		case c.ctx(1):
			sg.Stream = h248.Some(d.u16(c))
		case c.ctx(2) && d.ver >= 3:
			sg.RequestID = h248.Some(d.u32(c))
		case c.class == classContext:
		default:
			d.unexpected(c, "IndAudSignal")
		}
	}
	d.close()
	if !named {
		d.missing(h, "name", "IndAudSignal")
	}
	return sg
}

func (d *decoder) indAudMedia(h *header) *h248.IndAudMediaDescriptor {
	m := &h248.IndAudMediaDescriptor{}
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			ts := &h248.IndAudTerminationStateDescriptor{}
			xs := d.open(c)
			for x := (&header{}); d.next(&xs, x); {
				switch {
				case x.ctx(0):
					ps := d.open(x)
					for p := (&header{}); d.next(&ps, p); {
						ts.Props = append(ts.Props, d.indAudProp(p))
					}
					d.close()
				case x.ctx(1):
					d.null(x)
					ts.EventBufferControl = true
				case x.ctx(2):
					d.null(x)
					ts.ServiceState = true
				case x.ctx(3) && d.ver >= 3:
					ts.ServiceStateSelect = h248.Some(h248.ServiceState(d.enum(x, uint64(h248.ServiceInService), "service state")))
				case x.class == classContext:
				default:
					d.unexpected(x, "IndAudTerminationStateDescriptor")
				}
			}
			d.close()
			m.TermState = ts
		case c.ctx(1):
			stv := d.choice(c)
			st := &stv
			switch {
			case st.ctx(0):
				m.Stream = &h248.IndAudStreamParms{}
				d.indAudStreamParms(st, m.Stream)
			case st.ctx(1):
				ms := d.open(st)
				for x := (&header{}); d.next(&ms, x); {
					m.Streams = append(m.Streams, h248.IndAudStreamDescriptor{})
					sd := &m.Streams[len(m.Streams)-1]
					var seen uint8
					xs := d.open(x)
					for y := (&header{}); d.next(&xs, y); {
						switch {
						case y.ctx(0):
							sd.ID = d.u16(y)
						case y.ctx(1):
							d.indAudStreamParms(y, &sd.Parms)
						default:
							d.unexpected(y, "IndAudStreamDescriptor")
						}
						seen |= 1 << y.tag
					}
					d.close()
					if seen != 3 {
						d.missing(x, "stream id or parameters", "IndAudStreamDescriptor")
					}
				}
				d.close()
			default:
				d.unexpected(st, "the streams of an IndAudMediaDescriptor")
			}
		case c.class == classContext:
		default:
			d.unexpected(c, "IndAudMediaDescriptor")
		}
	}
	d.close()
	return m
}

func (d *decoder) indAudStreamParms(h *header, sp *h248.IndAudStreamParms) {
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			lc := &h248.IndAudLocalControlDescriptor{}
			xs := d.open(c)
			for x := (&header{}); d.next(&xs, x); {
				switch {
				case x.ctx(0):
					d.null(x)
					lc.Mode = true
				case x.ctx(1):
					d.null(x)
					lc.ReserveValue = true
				case x.ctx(2):
					d.null(x)
					lc.ReserveGroup = true
				case x.ctx(3):
					ps := d.open(x)
					for p := (&header{}); d.next(&ps, p); {
						lc.Props = append(lc.Props, d.indAudProp(p))
					}
					d.close()
				case x.ctx(4) && d.ver >= 3:
					lc.ModeSelect = h248.Some(h248.StreamMode(d.enum(x, uint64(h248.Loopback), "stream mode")))
				case x.class == classContext:
				default:
					d.unexpected(x, "IndAudLocalControlDescriptor")
				}
			}
			d.close()
			sp.LocalControl = lc
		case c.ctx(1):
			sp.Local = d.indAudLocalRemote(c)
		case c.ctx(2):
			sp.Remote = d.indAudLocalRemote(c)
		case c.ctx(3) && d.ver >= 3:
			sp.Statistics = &h248.IndAudStatisticsDescriptor{Name: d.indAudStatistic(c)}
		case c.class == classContext:
		default:
			d.unexpected(c, "IndAudStreamParms")
		}
	}
	d.close()
}

// indAudLocalRemote reads an audited Local or Remote into SDP lines: an
// SDP tag alone is "x=", with a value "x=value". The property group id is
// not kept.
func (d *decoder) indAudLocalRemote(h *header) *h248.LocalRemoteDescriptor {
	lr := d.lrs.new(d.hint)
	start := len(d.sc.text)
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0): // propGroupID
		case c.ctx(1):
			ps := d.open(c)
			for p := (&header{}); d.next(&ps, p); {
				ip := d.indAudProp(p)
				typ, ok := sdpLine(ip.Name)
				if !ok {
					d.failCode(p.start, h248.CodeUnsupportedOrUnknownProperty, "%s is not an SDP property (no text form)", ip.Name)
				}
				if len(d.sc.text) > start {
					d.sc.text = append(d.sc.text, '\n')
				}
				d.sc.text = append(d.sc.text, typ, '=')
				if ip.Value != nil {
					v := ip.Value.Value
					if v.Form != h248.FormSingle || len(v.Values) != 1 || strings.ContainsAny(v.Values[0].Text, "\r\n") {
						d.failAt(p.start, "an SDP property whose value is not one line")
					}
					d.sc.text = append(d.sc.text, v.Values[0].Text...)
				}
			}
			d.close()
		case c.class == classContext:
		default:
			d.unexpected(c, "IndAudLocalRemoteDescriptor")
		}
	}
	d.close()
	d.sc.setString(&lr.SDP, start)
	return lr
}

// sdpLine returns the SDP line type of a native SDP property name.
func sdpLine(name string) (byte, bool) {
	if len(name) == 1 && strings.IndexByte(sdpLineTypes, name[0]) >= 0 {
		return name[0], true
	}
	return 0, false
}

func (d *decoder) indAudProp(h *header) h248.IndAudPropertyParm {
	var p h248.IndAudPropertyParm
	named := false
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			p.Name, _ = d.pkgdName(c, kindProperty)
			named = true
		case c.ctx(1) && d.ver >= 3:
			pp := d.propertyParm(c)
			p.Value = &pp
		case c.class == classContext:
		default:
			d.unexpected(c, "IndAudPropertyParm")
		}
	}
	d.close()
	if !named {
		d.missing(h, "name", "IndAudPropertyParm")
	}
	return p
}
