package h248

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ParseMID reads a MID in the form MID.String writes: "[10.0.0.1]:2944",
// "[2001:db8::1]", "<mg.example.net>:2944", "MTP{0A1B}", a bare port, or a
// device name. It is the inverse of String, for MIDs kept as text (a call
// store, a config file); it checks the shape, not every rule of the
// grammar.
func ParseMID(s string) (MID, error) {
	bad := func() (MID, error) { return MID{}, fmt.Errorf("h248: %q is not a MID", s) }
	hostPort := func(rest string) (Opt[uint16], bool) {
		if rest == "" {
			return Opt[uint16]{}, true
		}
		p, ok := strings.CutPrefix(rest, ":")
		if !ok {
			return Opt[uint16]{}, false
		}
		n, err := strconv.ParseUint(p, 10, 16)
		return Some(uint16(n)), err == nil
	}
	switch {
	case s == "" || s == "-":
		return bad()
	case s[0] == '[':
		host, rest, ok := strings.Cut(s[1:], "]")
		addr, err := netip.ParseAddr(host)
		port, pok := hostPort(rest)
		if !ok || err != nil || !pok || addr.Zone() != "" {
			return bad()
		}
		kind := MIDIP4
		if addr.Is6() {
			kind = MIDIP6
		}
		return MID{Kind: kind, Addr: addr, Port: port}, nil
	case s[0] == '<':
		name, rest, ok := strings.Cut(s[1:], ">")
		port, pok := hostPort(rest)
		if !ok || name == "" || !pok {
			return bad()
		}
		return MID{Kind: MIDDomain, Name: name, Port: port}, nil
	case strings.HasPrefix(s, "MTP{") && strings.HasSuffix(s, "}"):
		return MID{Kind: MIDMTP, Name: s[4 : len(s)-1]}, nil
	case s[0] >= '0' && s[0] <= '9':
		n, err := strconv.ParseUint(s, 10, 16)
		if err != nil {
			return bad()
		}
		return MID{Kind: MIDPort, Port: Some(uint16(n))}, nil
	case strings.ContainsAny(s, "[]<>{}: \t\r\n"):
		return bad()
	}
	return MID{Kind: MIDDevice, Name: s}, nil
}
