package memnet_test

import (
	"errors"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"testing"

	"github.com/megaco/megaco/transport/memnet"
)

func host(t *testing.T, nw *memnet.Network, ip string) *memnet.Net {
	t.Helper()
	n, err := nw.Host(ip)
	if err != nil {
		t.Fatalf("Host(%s): %v", ip, err)
	}
	return n
}

func TestHostAddresses(t *testing.T) {
	nw := memnet.NewNetwork(memnet.Config{})
	for _, tc := range []struct {
		name, ip string
		ok       bool
	}{
		{"ipv4", "10.0.0.1", true},
		{"ipv6", "2001:db8::1", true},
		{"mapped ipv4 is unmapped", "::ffff:10.0.0.2", true},
		{"duplicate", "10.0.0.1", false},
		{"duplicate through mapping", "::ffff:10.0.0.1", false},
		{"loopback", "127.0.0.1", false},
		{"unspecified", "0.0.0.0", false},
		{"multicast", "224.0.0.1", false},
		{"garbage", "ten", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := nw.Host(tc.ip)
			if (err == nil) != tc.ok {
				t.Fatalf("Host(%q) = %v, %v; want ok %v", tc.ip, n, err, tc.ok)
			}
			if tc.ok && n.IP() != netip.MustParseAddr(tc.ip).Unmap() {
				t.Errorf("IP() = %s", n.IP())
			}
		})
	}
}

func TestResolve(t *testing.T) {
	nw := memnet.NewNetwork(memnet.Config{})
	n := host(t, nw, "10.0.0.1")
	for _, tc := range []struct {
		network, address, want string
		ok                     bool
	}{
		{"udp", "10.0.0.9:7001", "10.0.0.9:7001", true},
		{"udp4", "localhost:1", "127.0.0.1:1", true},
		{"udp", ":7", ":7", true},
		{"udp6", "[2001:db8::2]:7002", "[2001:db8::2]:7002", true},
		{"tcp", "10.0.0.9:7001", "10.0.0.9:7001", true},
		{"udp", "mgc.example:7001", "", false},
		{"udp", "10.0.0.9:x", "", false},
		{"udp", "10.0.0.9:70000", "", false},
		{"udp", "10.0.0.9", "", false},
		{"ip", "10.0.0.9:1", "", false},
	} {
		t.Run(tc.network+" "+tc.address, func(t *testing.T) {
			var got string
			var err error
			if strings.HasPrefix(tc.network, "tcp") {
				var a *net.TCPAddr
				if a, err = n.ResolveTCPAddr(tc.network, tc.address); err == nil {
					got = a.String()
				}
			} else {
				var a *net.UDPAddr
				if a, err = n.ResolveUDPAddr(tc.network, tc.address); err == nil {
					got = a.String()
				}
			}
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("resolve = %q, %v; want %q (ok %v)", got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestInterfaces(t *testing.T) {
	nw := memnet.NewNetwork(memnet.Config{})
	n := host(t, nw, "10.0.0.1")
	ifs, err := n.Interfaces()
	if err != nil || len(ifs) != 2 {
		t.Fatalf("Interfaces() = %v, %v", ifs, err)
	}
	eth, err := n.InterfaceByName("eth0")
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := eth.Addrs()
	if err != nil || len(addrs) != 1 || addrs[0].(*net.IPNet).IP.String() != "10.0.0.1" {
		t.Fatalf("eth0 addresses = %v, %v", addrs, err)
	}
	if lo, err := n.InterfaceByIndex(1); err != nil || lo.Name != "lo" {
		t.Fatalf("InterfaceByIndex(1) = %v, %v", lo, err)
	}
	if _, err := n.InterfaceByName("wlan0"); err == nil {
		t.Fatal("InterfaceByName(wlan0) succeeded")
	}
	if _, err := n.Dial("unix", "/tmp/x"); err == nil {
		t.Fatal(`Dial("unix") succeeded`)
	}
	if _, err := n.ListenPacket("ip4:1", "10.0.0.1"); err == nil {
		t.Fatal(`ListenPacket("ip4:1") succeeded`)
	}
}

func TestBindConflicts(t *testing.T) {
	nw := memnet.NewNetwork(memnet.Config{})
	n := host(t, nw, "10.0.0.1")
	listen := func(addr string) (net.PacketConn, error) { return n.ListenPacket("udp", addr) }

	a, err := listen("10.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	port := a.LocalAddr().(*net.UDPAddr).Port
	if port < 49152 {
		t.Errorf("ephemeral port %d under 49152", port)
	}
	b, err := listen("10.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.LocalAddr().(*net.UDPAddr).Port == port {
		t.Errorf("two sockets on port %d", port)
	}

	p := netip.MustParseAddrPort(a.LocalAddr().String()).Port()
	for _, addr := range []string{
		netip.AddrPortFrom(netip.MustParseAddr("10.0.0.1"), p).String(),
		netip.AddrPortFrom(netip.IPv4Unspecified(), p).String(),
	} {
		if c, err := listen(addr); !errors.Is(err, syscall.EADDRINUSE) {
			t.Errorf("listen %s = %v, %v; want EADDRINUSE", addr, c, err)
		}
	}
	// A specific address next to another specific address is fine.
	lo, err := listen(netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), p).String())
	if err != nil {
		t.Fatalf("loopback on the same port: %v", err)
	}
	if _, err := listen("10.0.0.2:0"); !errors.Is(err, syscall.EADDRNOTAVAIL) {
		t.Errorf("listen on a foreign address: %v; want EADDRNOTAVAIL", err)
	}
	// Closing releases the port.
	lo.Close()
	a.Close()
	again, err := listen(netip.AddrPortFrom(netip.IPv4Unspecified(), p).String())
	if err != nil {
		t.Fatalf("port not released: %v", err)
	}
	again.Close()
	if err := a.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("second Close = %v; want net.ErrClosed", err)
	}
}
