package ber

import (
	"strings"

	"github.com/megaco/megaco/pkg/h248"
)

// sdpParam is the type of the SDP properties of Annex C.11: strings.
var sdpParam = Param{Type: TypeString}

// propertyParm writes a PropertyParm: the PkgdName, the values by the
// property's registered type, and the value form as extraInfo.
func (e *encoder) propertyParm(id byte, p *h248.PropertyParm) {
	s := e.open(id)
	it := e.pkgdName(ctxPrim(0), kindProperty, p.Name)
	e.parmValue(&p.Value, itemParam(it), p.Name)
	e.close(s)
}

// parameter writes an EventParameter or SigParameter of item it: the
// parameter's two-octet Name, its values and their form.
func (e *encoder) parameter(it *itemEntry, p *h248.PropertyParm) {
	id, typ, err := encodeParamName(it, p.Name)
	if err != nil {
		e.noFormErr(err)
	}
	s := e.open(idSequence)
	e.b = append(e.b, ctxPrim(0), 2, byte(id>>8), byte(id))
	e.parmValue(&p.Value, typ, p.Name)
	e.close(s)
}

// parmValue writes the value [1] and extraInfo [2] components shared by
// PropertyParm, EventParameter and SigParameter. Single is one value
// without extraInfo, CHOOSE ($) none; alternatives ({a,b}) are sublist
// FALSE, a sublist ([a,b]) sublist TRUE, a range ([a:b]) range TRUE, and
// >, < and # the relations.
func (e *encoder) parmValue(v *h248.ParmValue, typ *Param, name string) {
	want := -1 // the number of values the form needs; -1 any
	switch v.Form {
	case h248.FormSingle, h248.FormGreater, h248.FormSmaller, h248.FormUnequal:
		want = 1
	case h248.FormRange:
		want = 2
	case h248.FormSublist, h248.FormAlternatives:
	default:
		e.failf("%s: unknown value form %d", name, v.Form)
	}
	if want >= 0 && len(v.Values) != want {
		e.failf("%s: a %v value has %d values, not %d", name, v.Form, len(v.Values), want)
	}
	vs := e.open(ctxCons(1))
	if v.Form == h248.FormSingle && !e.raw && isChoose(v.Values[0]) {
		// CHOOSE: the empty sequence (A.2, comment on PropertyParm).
	} else {
		for _, x := range v.Values {
			e.packageValue(x, typ)
		}
	}
	e.close(vs)
	switch v.Form {
	case h248.FormSingle:
		return
	case h248.FormGreater, h248.FormSmaller, h248.FormUnequal:
		e.b = append(e.b, ctxCons(2), 3, ctxPrim(0), 1, byte(v.Form-h248.FormGreater))
	case h248.FormRange:
		e.b = append(e.b, ctxCons(2), 3, ctxPrim(1), 1, 0xFF)
	case h248.FormSublist:
		e.b = append(e.b, ctxCons(2), 3, ctxPrim(2), 1, 0xFF)
	case h248.FormAlternatives:
		e.b = append(e.b, ctxCons(2), 3, ctxPrim(2), 1, 0)
	}
}

func isChoose(v h248.Value) bool { return v.Text == "$" && !v.Quoted }

// packageValue writes one OCTET STRING of a Value: by default the value
// encoded by its type inside it (RFC 3525 A.2), in raw mode the text
// itself (Erlang/OTP megaco).
func (e *encoder) packageValue(v h248.Value, typ *Param) {
	if e.raw {
		e.octets(idOctetString, v.Text)
		return
	}
	s := e.open(idOctetString)
	e.typedValue(v, typ)
	e.close(s)
}

// typedValue writes v BER-encoded by its registered type. A value that
// does not read as its type (a quoted value, a number with leading zeros,
// a name the enumeration lacks) is written as a string, which decodes to
// the same text.
func (e *encoder) typedValue(v h248.Value, typ *Param) {
	t := TypeOctets
	if typ != nil {
		t = typ.Type
	}
	if v.Quoted && t != TypeOctets {
		t = TypeString
	}
	switch t {
	case TypeInteger:
		if n, ok := parseInt(v.Text); ok {
			e.b = appendInt(e.b, idInteger, n)
			return
		}
	case TypeBoolean:
		tr, fa := boolNames(typ)
		switch {
		case strings.EqualFold(v.Text, tr):
			e.bool(idBoolean, true)
			return
		case strings.EqualFold(v.Text, fa):
			e.bool(idBoolean, false)
			return
		}
	case TypeEnum:
		for _, ev := range typ.Enum {
			if strings.EqualFold(ev.Name, v.Text) {
				e.uint(idEnumerated, uint64(ev.Value))
				return
			}
		}
	case TypeOctets:
		e.octets(idOctetString, v.Text)
		return
	case TypeSignalName:
		if p, i, _, err := e.reg.encodePkgdName(kindSignal, v.Text); err == nil {
			e.b = append(e.b, idOctetString, 4, byte(p>>8), byte(p), byte(i>>8), byte(i))
			return
		}
	}
	e.stringValue(v.Text)
}

// stringValue writes s as an IA5String, or a UTF8String when it is not
// ASCII (A.2 Note 4).
func (e *encoder) stringValue(s string) {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			e.octets(idUTF8String, s)
			return
		}
	}
	e.octets(idIA5String, s)
}

func boolNames(p *Param) (string, string) {
	if p == nil || p.True == "" {
		return "on", "off"
	}
	return p.True, p.False
}

// parseInt reads s as an integer in its canonical decimal form (no
// leading zeros or plus sign), so that decoding gives s back.
func parseInt(s string) (int64, bool) {
	neg := false
	d := s
	if len(d) > 0 && d[0] == '-' {
		neg, d = true, d[1:]
	}
	if d == "" || len(d) > 18 || (d[0] == '0' && (len(d) > 1 || neg)) {
		return 0, false
	}
	var n int64
	for i := 0; i < len(d); i++ {
		c := d[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// reason writes a ServiceChangeReason: a Value of one string, "double
// wrapped" in the spec's form.
func (e *encoder) reason(id byte, v h248.Value) {
	s := e.open(id)
	if e.raw {
		e.octets(idOctetString, v.Text)
	} else {
		os := e.open(idOctetString)
		e.ia5(idIA5String, "ServiceChangeReason", v.Text)
		e.close(os)
	}
	e.close(s)
}

// localRemote writes a Local or Remote descriptor: its SDP as property
// groups of the SDP tags of Annex C.11, one PropertyParm per line and a
// new group at each "v=" line. Line ends are not carried.
func (e *encoder) localRemote(id byte, lr *h248.LocalRemoteDescriptor) {
	s := e.open(id)
	gs := e.open(ctxCons(0))
	g := -1
	for rest := lr.SDP; rest != ""; {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		line = strings.TrimSuffix(line, "\r")
		typ := e.sdpLineType(line)
		if typ == 0 && g >= 0 {
			e.close(g)
			g = -1
		}
		if g < 0 {
			g = e.open(idSequence)
		}
		ps := e.open(idSequence)
		e.b = append(e.b, ctxPrim(0), 4, 0, 0, 0xB0, byte(typ+1))
		vs := e.open(ctxCons(1))
		e.packageValue(h248.Value{Text: line[2:]}, &sdpParam)
		e.close(vs)
		e.close(ps)
	}
	if g >= 0 {
		e.close(g)
	}
	e.close(gs)
	e.close(s)
}

// sdpLineType returns the index of an SDP line's type in sdpLineTypes (its
// tag is 0xB001 plus the index).
func (e *encoder) sdpLineType(line string) int {
	if len(line) < 2 || line[1] != '=' {
		e.noForm("SDP line %q is not type=value", line)
	}
	i := strings.IndexByte(sdpLineTypes, line[0])
	if i < 0 {
		e.noForm("SDP line type %q has no tag in Annex C.11", line[:1])
	}
	return i
}
