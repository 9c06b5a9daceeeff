package h248

import (
	"net/netip"
	"testing"
)

func TestParseMID(t *testing.T) {
	for _, m := range []MID{
		{Kind: MIDIP4, Addr: netip.MustParseAddr("10.0.0.1"), Port: Some[uint16](2944)},
		{Kind: MIDIP4, Addr: netip.MustParseAddr("10.0.0.1")},
		{Kind: MIDIP6, Addr: netip.MustParseAddr("2001:db8::1"), Port: Some[uint16](2945)},
		{Kind: MIDDomain, Name: "mg.example.net", Port: Some[uint16](2944)},
		{Kind: MIDDomain, Name: "mg.example.net"},
		{Kind: MIDDevice, Name: "mg1"},
		{Kind: MIDMTP, Name: "0A1B"},
		{Kind: MIDPort, Port: Some[uint16](2944)},
	} {
		got, err := ParseMID(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMID(%q) = %+v, %v; want %+v", m.String(), got, err, m)
		}
	}
	for _, s := range []string{"", "-", "[10.0.0.1", "[10.0.0.1]x", "[10.0.0.1]:99999", "[nope]:1", "<>", "<a>:x", "a b", "70000"} {
		if m, err := ParseMID(s); err == nil {
			t.Errorf("ParseMID(%q) = %+v, want an error", s, m)
		}
	}
}
