package ber

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/megaco/megaco/pkg/h248"
)

func TestPkgdNames(t *testing.T) {
	r := BaseRegistry()
	tests := []struct {
		kind      itemKind
		text      string
		pkg, item uint16
		back      string // what decoding writes; "" means text
	}{
		{kindEvent, "al/of", 0x0009, 0x0005, ""},
		{kindEvent, "AL/ON", 0x0009, 0x0004, "al/on"},
		{kindEvent, "al/*", 0x0009, 0xFFFF, ""},
		{kindEvent, "*/*", 0xFFFF, 0xFFFF, ""},
		{kindEvent, "dd/std", 0x0006, 0x0001, ""}, // inherited from tonedet
		{kindEvent, "dd/d0", 0x0006, 0x0010, ""},
		{kindEvent, "dd/ce", 0x0006, 0x0004, ""},
		{kindEvent, "cd/bt", 0x0008, 0x0032, ""},
		{kindSignal, "cg/rt", 0x0007, 0x0031, ""},
		{kindSignal, "cg/pt", 0x0007, 0x0001, ""}, // inherited from tonegen
		{kindSignal, "dg/ds", 0x0005, 0x0020, ""},
		{kindProperty, "tdmc/gain", 0x000d, 0x000a, ""},
		{kindProperty, "tdmc/jit", 0x000d, 0x0007, ""}, // inherited from nt
		{kindProperty, "root/maxNumberOfContexts", 0x0002, 0x0001, ""},
		{kindStatistic, "rtp/ps", 0x000c, 0x0004, ""},
		{kindStatistic, "rtp/dur", 0x000c, 0x0001, ""},
		{kindProperty, "v", 0x0000, 0xB001, ""}, // native SDP tag (Annex C.11)
		{kindProperty, "m", 0x0000, 0xB00F, ""},
		{kindProperty, "x00fe/x0001", 0x00FE, 0x0001, ""}, // fallback form
		{kindProperty, "al/x00fe", 0x0009, 0x00FE, ""},
		{kindProperty, "x00fe/*", 0x00FE, 0xFFFF, ""},
	}
	for _, tt := range tests {
		p, i, _, err := r.encodePkgdName(tt.kind, tt.text)
		if err != nil || p != tt.pkg || i != tt.item {
			t.Errorf("%s %q = %04x %04x, %v", tt.kind, tt.text, p, i, err)
			continue
		}
		want := tt.back
		if want == "" {
			want = tt.text
		}
		if got, _ := r.decodePkgdName(tt.kind, p, i); got != want {
			t.Errorf("%s %04x %04x decodes to %q, want %q", tt.kind, p, i, got, want)
		}
	}
	for _, tt := range []struct {
		kind itemKind
		text string
	}{
		{kindEvent, "foo/bar"}, {kindEvent, "al/ri"}, {kindSignal, "al/of"}, {kindProperty, "*/of"}, {kindProperty, "y"},
	} {
		if _, _, _, err := r.encodePkgdName(tt.kind, tt.text); err == nil {
			t.Errorf("%s %q has an id", tt.kind, tt.text)
		}
	}
	if _, _, _, err := r.encodePkgdName(kindEvent, "foo/bar"); !errors.Is(err, errUnknownName) || !strings.Contains(err.Error(), `"foo"`) {
		t.Errorf("unknown package: %v", err)
	}
}

func TestParamNames(t *testing.T) {
	r := BaseRegistry()
	_, _, of, _ := r.encodePkgdName(kindEvent, "al/of")
	id, p, err := encodeParamName(of, "Strict")
	if err != nil || id != 1 || p.Type != TypeEnum {
		t.Fatalf("strict: %d %v %v", id, p, err)
	}
	if name, _ := decodeParamName(of, 2); name != "init" {
		t.Errorf("init: %q", name)
	}
	if name, _ := decodeParamName(of, 9); name != "x0009" {
		t.Errorf("unknown parameter: %q", name)
	}
	if id, _, err := encodeParamName(of, "x0009"); err != nil || id != 9 {
		t.Errorf("fallback: %d %v", id, err)
	}
	if _, _, err := encodeParamName(of, "foo"); !errors.Is(err, errUnknownName) {
		t.Errorf("unknown: %v", err)
	}
	if _, _, err := encodeParamName(nil, "foo"); !errors.Is(err, errUnknownName) {
		t.Errorf("unknown item: %v", err)
	}
	_, _, std, _ := r.encodePkgdName(kindEvent, "dd/std")
	if _, p, err := encodeParamName(std, "tl"); err != nil || p.Type != TypeEnum {
		t.Errorf("inherited parameter: %v %v", p, err)
	}
}

func TestNewRegistryErrors(t *testing.T) {
	tests := []struct {
		name string
		pkgs []Package
		want string
	}{
		{"duplicate name", []Package{{Name: "a", ID: 1}, {Name: "A", ID: 2}}, "twice"},
		{"duplicate id", []Package{{Name: "a", ID: 1}, {Name: "b", ID: 1}}, "share id"},
		{"bad name", []Package{{Name: "1a", ID: 1}}, "not a NAME"},
		{"wildcard id", []Package{{Name: "a", ID: 0xFFFF}}, "wildcard"},
		{"unknown base", []Package{{Name: "a", ID: 1, Extends: "b"}}, "not listed"},
		{"cycle", []Package{{Name: "a", ID: 1, Extends: "b"}, {Name: "b", ID: 2, Extends: "a"}}, "extends itself"},
		{"bad item", []Package{{Name: "a", ID: 1, Events: []Item{{Param: Param{Name: "x-y", ID: 1}}}}}, "not a NAME"},
		{"duplicate parameter", []Package{{Name: "a", ID: 1, Events: []Item{{Param: Param{Name: "e", ID: 1},
			Params: []Param{{Name: "p", ID: 1}, {Name: "q", ID: 1}}}}}}, "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewRegistry(tt.pkgs...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := NewRegistry(BasePackages()...); err != nil {
		t.Fatalf("base packages: %v", err)
	}
}

// param returns the registry's type of a parameter or property.
func param(t *testing.T, k itemKind, item, name string) *Param {
	_, _, it, err := BaseRegistry().encodePkgdName(k, item)
	if err != nil {
		t.Fatal(err)
	}
	if name == "" {
		return &it.Param
	}
	_, p, err := encodeParamName(it, name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPackageValues checks the spec's form of package values (RFC 3525
// A.2: BER by type, inside the OCTET STRING), how they decode, and that
// Erlang's raw form (the text in the OCTET STRING) decodes to the same
// text.
func TestPackageValues(t *testing.T) {
	gain := param(t, kindProperty, "tdmc/gain", "")
	ec := param(t, kindProperty, "tdmc/ec", "")
	strict := param(t, kindEvent, "al/of", "strict")
	initP := param(t, kindEvent, "al/of", "init")
	cs := param(t, kindEvent, "nt/netfail", "cs")
	sigID := param(t, kindEvent, "g/sc", "SigID")
	fail := param(t, kindEvent, "g/cause", "Failurecause")
	tests := []struct {
		name  string
		typ   *Param
		in    h248.Value
		inner []byte // the contents of the OCTET STRING
		out   h248.Value
	}{
		{"integer", gain, h248.Unquoted("40"), []byte{0x02, 0x01, 0x28}, h248.Unquoted("40")},
		{"negative integer", gain, h248.Unquoted("-5"), []byte{0x02, 0x01, 0xFB}, h248.Unquoted("-5")},
		{"big integer", gain, h248.Unquoted("4294967295"), []byte{0x02, 0x05, 0x00, 0xFF, 0xFF, 0xFF, 0xFF}, h248.Unquoted("4294967295")},
		{"integer with leading zero", gain, h248.Unquoted("040"), []byte{0x16, 0x03, '0', '4', '0'}, h248.Quoted("040")},
		{"quoted integer", gain, h248.Quoted("40"), []byte{0x16, 0x02, '4', '0'}, h248.Quoted("40")},
		{"hex integer", gain, h248.Unquoted("0x50"), []byte{0x16, 0x04, '0', 'x', '5', '0'}, h248.Quoted("0x50")},
		{"boolean on", ec, h248.Unquoted("on"), []byte{0x01, 0x01, 0xFF}, h248.Unquoted("on")},
		{"boolean OFF", ec, h248.Unquoted("OFF"), []byte{0x01, 0x01, 0x00}, h248.Unquoted("off")},
		{"boolean true/false", initP, h248.Unquoted("False"), []byte{0x01, 0x01, 0x00}, h248.Unquoted("false")},
		{"boolean spelled otherwise", initP, h248.Unquoted("off"), []byte{0x16, 0x03, 'o', 'f', 'f'}, h248.Quoted("off")},
		{"enumeration", strict, h248.Unquoted("state"), []byte{0x0A, 0x01, 0x01}, h248.Unquoted("state")},
		{"enumeration case", strict, h248.Unquoted("FAILWRONG"), []byte{0x0A, 0x01, 0x02}, h248.Unquoted("failWrong")},
		{"unknown enumeration name", strict, h248.Unquoted("sometimes"), []byte{0x16, 0x09, 's', 'o', 'm', 'e', 't', 'i', 'm', 'e', 's'}, h248.Quoted("sometimes")},
		{"string", cs, h248.Quoted("link down"), append([]byte{0x16, 0x09}, "link down"...), h248.Quoted("link down")},
		{"unquoted string", cs, h248.Unquoted("down"), append([]byte{0x16, 0x04}, "down"...), h248.Quoted("down")},
		{"UTF-8 string", cs, h248.Quoted("panne réseau"), append([]byte{0x0C, 0x0D}, "panne réseau"...), h248.Quoted("panne réseau")},
		{"octets", fail, h248.Unquoted("A1B2"), append([]byte{0x04, 0x04}, "A1B2"...), h248.Unquoted("A1B2")},
		{"unknown parameter", nil, h248.Unquoted("7"), []byte{0x04, 0x01, '7'}, h248.Unquoted("7")},
		{"signal name", sigID, h248.Unquoted("cg/rt"), []byte{0x04, 0x04, 0x00, 0x07, 0x00, 0x31}, h248.Unquoted("cg/rt")},
		{"unknown signal name", sigID, h248.Unquoted("xx/yy"), append([]byte{0x16, 0x05}, "xx/yy"...), h248.Quoted("xx/yy")},
		{"empty", cs, h248.Unquoted(""), []byte{0x16, 0x00}, h248.Quoted("")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := encoder{reg: BaseRegistry()}
			e.packageValue(tt.in, tt.typ)
			want := append([]byte{0x04, byte(len(tt.inner))}, tt.inner...)
			if !bytes.Equal(e.b, want) {
				t.Fatalf("spec form % x, want % x", e.b, want)
			}
			if got := decodeValue(t, e.b, tt.typ); got != tt.out {
				t.Fatalf("decodes to %+v, want %+v", got, tt.out)
			}
			// Erlang's raw form decodes to the text.
			e = encoder{reg: BaseRegistry(), raw: true}
			e.packageValue(tt.in, tt.typ)
			if !bytes.Equal(e.b, append([]byte{0x04, byte(len(tt.in.Text))}, tt.in.Text...)) {
				t.Fatalf("raw form % x", e.b)
			}
			if got := decodeValue(t, e.b, tt.typ); got.Text != tt.in.Text {
				t.Fatalf("raw form decodes to %+v", got)
			}
		})
	}
}

func decodeValue(t *testing.T, b []byte, typ *Param) (v h248.Value) {
	d := decoder{b: b, maxDepth: 8, maxElems: 100, reg: BaseRegistry(), sc: &scratch{}}
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("decode % x: %v", b, r)
		}
	}()
	var h header
	d.elem(0, len(b), &h)
	p := new(h248.Value)
	d.value(&h, typ, p)
	d.sc.fill()
	return *p
}

// TestValueForms checks the mapping of the text value forms to extraInfo.
func TestValueForms(t *testing.T) {
	v := func(s ...string) []h248.Value {
		var vs []h248.Value
		for _, x := range s {
			vs = append(vs, h248.Unquoted(x))
		}
		return vs
	}
	tests := []struct {
		name  string
		in    h248.ParmValue
		extra []byte // extraInfo, nil when absent
		n     int    // values written
	}{
		{"single", h248.ParmValue{Form: h248.FormSingle, Values: v("1")}, nil, 1},
		{"choose", h248.ParmValue{Form: h248.FormSingle, Values: v("$")}, nil, 0},
		{"alternatives", h248.ParmValue{Form: h248.FormAlternatives, Values: v("1", "2")}, []byte{0xA2, 3, 0x82, 1, 0x00}, 2},
		{"one alternative", h248.ParmValue{Form: h248.FormAlternatives, Values: v("1")}, []byte{0xA2, 3, 0x82, 1, 0x00}, 1},
		{"sublist", h248.ParmValue{Form: h248.FormSublist, Values: v("1", "2")}, []byte{0xA2, 3, 0x82, 1, 0xFF}, 2},
		{"range", h248.ParmValue{Form: h248.FormRange, Values: v("1", "9")}, []byte{0xA2, 3, 0x81, 1, 0xFF}, 2},
		{"greater", h248.ParmValue{Form: h248.FormGreater, Values: v("1")}, []byte{0xA2, 3, 0x80, 1, 0}, 1},
		{"smaller", h248.ParmValue{Form: h248.FormSmaller, Values: v("1")}, []byte{0xA2, 3, 0x80, 1, 1}, 1},
		{"unequal", h248.ParmValue{Form: h248.FormUnequal, Values: v("1")}, []byte{0xA2, 3, 0x80, 1, 2}, 1},
	}
	gain := param(t, kindProperty, "tdmc/gain", "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := encoder{reg: BaseRegistry()}
			s := e.open(idSequence)
			e.pkgdName(ctxPrim(0), kindProperty, "tdmc/gain")
			e.parmValue(&tt.in, gain, "x")
			e.close(s)
			d := decoder{b: e.b, maxDepth: 8, maxElems: 100, reg: BaseRegistry(), sc: &scratch{}}
			var h header
			d.elem(0, len(e.b), &h)
			var c header
			d.peek(h.body, h.end, &c) // name [0]
			d.peek(c.next, h.end, &c) // value [1]
			if n := d.children(&c); n != tt.n {
				t.Fatalf("%d values written, want %d", n, tt.n)
			}
			if extra := e.b[c.next:]; !bytes.Equal(extra, tt.extra) && !(len(extra) == 0 && tt.extra == nil) {
				t.Fatalf("extraInfo % x, want % x", extra, tt.extra)
			}
			var got h248.ParmValue
			var pp parmParts
			d.parmParts(&h, "test", &pp)
			d.parmValue(&pp, gain, &got)
			d.sc.fill()
			if diff := h248.Diff(tt.in, got); diff != "" {
				t.Fatalf("decodes to %+v: %s", got, diff)
			}
		})
	}
}

func TestDialplanNames(t *testing.T) {
	for _, tt := range []struct {
		text string
		v    uint16
		back string
	}{
		{"dialplan0", 0x0000, ""}, {"dialplan3", 0x0003, ""}, {"Dialplan3", 0x0003, "dialplan3"},
		{"dialplan12", 0x0102, ""}, {"dialplan99", 0x0909, ""}, {"dialplanx1234", 0x1234, ""},
	} {
		v, ok := encodeDialplan(tt.text)
		if !ok || v != tt.v {
			t.Errorf("%q = %04x %v", tt.text, v, ok)
		}
		want := tt.back
		if want == "" {
			want = tt.text
		}
		if got := decodeDialplan(v); got != want {
			t.Errorf("%04x decodes to %q, want %q", v, got, want)
		}
	}
	for _, s := range []string{"dialplan", "dialplan01", "dialplan100", "plan1", "dialplanx12"} {
		if _, ok := encodeDialplan(s); ok {
			t.Errorf("%q has a binary form", s)
		}
	}
}
