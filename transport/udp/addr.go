package udp

import (
	"fmt"
	"net"
	"net/netip"
)

// Addr is the SendHandle of a UDP peer: its address and port. It is a
// comparable value, so the Addr of a received packet equals the Addr made
// for the same peer with ParseAddr or Resolve, and can key maps. IPv4
// addresses are kept in their 4-byte form, also when they arrived as
// IPv4-mapped IPv6 addresses on a dual-stack socket.
type Addr struct {
	ap netip.AddrPort
}

// AddrFrom returns the Addr of ap.
func AddrFrom(ap netip.AddrPort) Addr {
	return Addr{netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())}
}

// ParseAddr parses a literal "ip:port", such as "192.0.2.1:2944" or
// "[2001:db8::1]:2944". Use Transport.Resolve for host names.
func ParseAddr(s string) (Addr, error) {
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		return Addr{}, fmt.Errorf("udp: %w", err)
	}
	return AddrFrom(ap), nil
}

// AddrPort returns the address and port.
func (a Addr) AddrPort() netip.AddrPort { return a.ap }

// IsValid reports whether a holds an address.
func (a Addr) IsValid() bool { return a.ap.IsValid() }

// String returns "ip:port" ("[ip]:port" for IPv6).
func (a Addr) String() string { return a.ap.String() }

// addrOf converts what a pion UDPConn returns.
func addrOf(na net.Addr) (Addr, bool) {
	switch a := na.(type) {
	case *net.UDPAddr:
		return AddrFrom(a.AddrPort()), true
	case interface{ AddrPort() netip.AddrPort }:
		return AddrFrom(a.AddrPort()), true
	}
	if na == nil {
		return Addr{}, false
	}
	ap, err := netip.ParseAddrPort(na.String())
	if err != nil {
		return Addr{}, false
	}
	return AddrFrom(ap), true
}
