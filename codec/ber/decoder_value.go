package ber

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/megaco/megaco/pkg/h248"
)

// propertyParms reads a SEQUENCE OF PropertyParm.
func (d *decoder) propertyParms(h *header) []h248.PropertyParm {
	ps := d.props.make(d.hint, d.children(h))
	s := d.open(h)
	for i, c := 0, (&header{}); d.next(&s, c); i++ {
		ps[i] = d.propertyParm(c)
	}
	d.close()
	return ps
}

func (d *decoder) propertyParm(h *header) h248.PropertyParm {
	var p h248.PropertyParm
	var pp parmParts
	d.parmParts(h, "PropertyParm", &pp)
	var it *itemEntry
	p.Name, it = d.pkgdName(&pp.name, kindProperty)
	d.parmValue(&pp, itemParam(it), &p.Value)
	return p
}

// parameters reads a SEQUENCE OF EventParameter or SigParameter of item
// it.
func (d *decoder) parameters(h *header, it *itemEntry) []h248.PropertyParm {
	ps := d.props.make(d.hint, d.children(h))
	s := d.open(h)
	var pp parmParts
	for i, c := 0, (&header{}); d.next(&s, c); i++ {
		d.parmParts(c, "parameter", &pp)
		id := d.content(&pp.name)
		if len(id) != 2 {
			d.failAt(pp.name.start, "a parameter name has 2 octets, not %d", len(id))
		}
		var typ *Param
		ps[i].Name, typ = decodeParamName(it, uint16(id[0])<<8|uint16(id[1]))
		d.parmValue(&pp, typ, &ps[i].Value)
	}
	d.close()
	return ps
}

// parmParts are the components shared by PropertyParm, EventParameter
// and SigParameter: the name [0], the values [1] and the form extraInfo
// [2] gives.
type parmParts struct {
	name, values header
	form         h248.ValueForm
	formSet      bool
}

// parmParts reads the components of a PropertyParm, EventParameter or
// SigParameter; the values are read by parmValue once the name gives
// their type.
func (d *decoder) parmParts(h *header, what string, pp *parmParts) {
	*pp = parmParts{}
	var seen uint8
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			pp.name = *c
		case c.ctx(1):
			pp.values = *c
		case c.ctx(2):
			xv := d.choice(c)
			x := &xv
			switch {
			case x.ctx(0):
				pp.form = h248.FormGreater + h248.ValueForm(d.enum(x, 2, "relation"))
			case x.ctx(1):
				if d.boolv(x) {
					pp.form = h248.FormRange
				}
			case x.ctx(2):
				pp.form = h248.FormAlternatives
				if d.boolv(x) {
					pp.form = h248.FormSublist
				}
			default:
				d.failAt(x.start, "unknown extraInfo [%d]", x.tag)
			}
			pp.formSet = true
		case c.class == classContext:
			continue
		default:
			d.unexpected(c, what)
		}
		seen |= 1 << c.tag
	}
	d.close()
	if seen&3 != 3 {
		d.missing(h, "name or value", what)
	}
}

// parmValue reads the values of pp, of type typ, into v.
func (d *decoder) parmValue(pp *parmParts, typ *Param, v *h248.ParmValue) {
	v.Values = d.values(&pp.values, typ)
	switch {
	case pp.formSet:
		v.Form = pp.form
	case len(v.Values) == 0:
		// The empty sequence is CHOOSE.
		v.Values = d.vals.one(d.hint, h248.Value{Text: "$"})
	case len(v.Values) > 1:
		v.Form = h248.FormAlternatives
	}
	switch v.Form {
	case h248.FormRange:
		if len(v.Values) != 2 {
			d.failAt(pp.values.start, "a range has %d values, not 2", len(v.Values))
		}
	case h248.FormGreater, h248.FormSmaller, h248.FormUnequal, h248.FormSingle:
		if len(v.Values) != 1 {
			d.failAt(pp.values.start, "a %v value has %d values, not 1", v.Form, len(v.Values))
		}
	}
}

// values reads a Value (SEQUENCE OF OCTET STRING) of type typ.
func (d *decoder) values(h *header, typ *Param) []h248.Value {
	vs := d.vals.make(d.hint, d.children(h))
	s := d.open(h)
	for i, c := 0, (&header{}); d.next(&s, c); i++ {
		d.value(c, typ, &vs[i])
	}
	d.close()
	return vs
}

// value reads one OCTET STRING of a Value into *dst, which must stay where
// it is (its text may be filled in when the message is complete).
func (d *decoder) value(h *header, typ *Param, dst *h248.Value) {
	b, s, quoted := d.valueText(h, typ)
	dst.Quoted = quoted
	if b == nil {
		dst.Text = s
		return
	}
	d.setStr(&dst.Text, b)
}

// valueText reads one OCTET STRING of a Value: the spec's form (RFC 3525
// A.2: a BER element of the value's type inside) or Erlang/OTP's raw text.
// Contents that are exactly one primitive universal element of a value
// type are the former; anything else (printable text starts at 0x20, above
// every such tag) is the latter. The text is b, or s when b is nil; b is
// valid until the next call.
func (d *decoder) valueText(h *header, typ *Param) (b []byte, s string, quoted bool) {
	if !h.is(classUniversal, tagOctetString) {
		d.failAt(h.start, "a value is an OCTET STRING")
	}
	c := d.content(h)
	if len(c) >= 2 && c[0] < 0x20 {
		if in, err := readHeader(c, 0); err == nil && in.next == len(c) && in.class == classUniversal && !in.cons {
			if b, s, quoted, ok := d.typedValue(c[in.body:in.end], in.tag, typ); ok {
				return b, s, quoted
			}
		}
	}
	if len(c) == 0 {
		return nil, "", false
	}
	return c, "", false
}

// typedValue reads the contents c of a universal element with the given
// tag as a value of type typ.
func (d *decoder) typedValue(c []byte, tag uint32, typ *Param) (b []byte, s string, quoted, ok bool) {
	switch tag {
	case tagInteger:
		n, err := readInt(c, 0, len(c))
		if err != nil {
			u, err := readUint(c, 0, len(c), 64)
			if err != nil {
				return nil, "", false, false
			}
			return strconv.AppendUint(d.num[:0], u, 10), "", false, true
		}
		if n >= 0 && n < 100 {
			return nil, strconv.Itoa(int(n)), false, true // no allocation
		}
		return strconv.AppendInt(d.num[:0], n, 10), "", false, true
	case tagEnumerated:
		u, err := readUint(c, 0, len(c), 32)
		if err != nil {
			return nil, "", false, false
		}
		if typ != nil && typ.Type == TypeEnum {
			for _, ev := range typ.Enum {
				if uint64(ev.Value) == u {
					return nil, ev.Name, false, true
				}
			}
		}
		return strconv.AppendUint(d.num[:0], u, 10), "", false, true
	case tagBoolean:
		v, err := readBool(c, 0, len(c))
		if err != nil {
			return nil, "", false, false
		}
		tr, fa := boolNames(typ)
		if v {
			return nil, tr, false, true
		}
		return nil, fa, false, true
	case tagIA5String, tagUTF8String, tagPrintable, tagVisible:
		if len(c) == 0 {
			return nil, "", true, true
		}
		return c, "", true, true
	case tagOctetString:
		if typ != nil && typ.Type == TypeSignalName && len(c) == 4 {
			name, _ := d.reg.decodePkgdName(kindSignal, uint16(c[0])<<8|uint16(c[1]), uint16(c[2])<<8|uint16(c[3]))
			return nil, name, false, true
		}
		if len(c) == 0 {
			return nil, "", false, true
		}
		return c, "", false, true
	}
	return nil, "", false, false
}

// reason reads a ServiceChangeReason, a Value of one string, into *dst.
func (d *decoder) reason(h *header, dst *h248.Value) {
	if n := d.children(h); n != 1 {
		d.failAt(h.start, "a ServiceChangeReason has %d values, not 1", n)
	}
	s := d.open(h)
	var c header
	d.next(&s, &c)
	d.value(&c, &sdpParam, dst)
	d.close()
}

// localRemote reads a Local or Remote descriptor: property groups of SDP
// tags (Annex C.11) become SDP lines joined by "\n".
func (d *decoder) localRemote(h *header) *h248.LocalRemoteDescriptor {
	lr := d.lrs.new(d.hint)
	start := len(d.sc.text)
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			gs := d.open(c)
			for g := (&header{}); d.next(&gs, g); {
				ps := d.open(g)
				var pp parmParts
				for p := (&header{}); d.next(&ps, p); {
					// An SDP property: the tag 0000B0xx and one value.
					d.parmParts(p, "PropertyParm", &pp)
					name := d.content(&pp.name)
					if len(name) != 4 || name[0] != 0 || name[1] != 0 || name[2] != 0xB0 || name[3] == 0 || int(name[3]) > len(sdpLineTypes) {
						n, _ := d.pkgdName(&pp.name, kindProperty)
						d.failCode(p.start, h248.CodeUnsupportedOrUnknownProperty, "%s in a Local or Remote descriptor is not an SDP property (no text form)", n)
					}
					vb, vs := []byte(nil), "$" // CHOOSE
					switch n := d.children(&pp.values); {
					case pp.formSet || n > 1:
						d.failAt(p.start, "an SDP property with a value that is not a single value")
					case n == 1:
						var vh header
						d.elem(pp.values.body, pp.values.end, &vh)
						vb, vs, _ = d.valueText(&vh, &sdpParam)
					}
					if bytes.ContainsAny(vb, "\r\n") || strings.ContainsAny(vs, "\r\n") {
						d.failAt(p.start, "an SDP value holds a line break")
					}
					if len(d.sc.text) > start {
						d.sc.text = append(d.sc.text, '\n')
					}
					d.sc.text = append(d.sc.text, sdpLineTypes[name[3]-1], '=')
					d.sc.text = append(d.sc.text, vb...)
					d.sc.text = append(d.sc.text, vs...)
				}
				d.close()
			}
			d.close()
		case c.class == classContext:
		default:
			d.unexpected(c, "LocalRemoteDescriptor")
		}
	}
	d.close()
	d.sc.setString(&lr.SDP, start)
	return lr
}
