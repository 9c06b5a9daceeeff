package udp_test

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"

	"github.com/megaco/megaco/transport"
	"github.com/megaco/megaco/transport/memnet"
	"github.com/megaco/megaco/transport/udp"
	pion "github.com/pion/transport/v3"
	"github.com/pion/transport/v3/stdnet"
)

// packet is a received datagram, copied out of the reader's buffer.
type packet struct {
	data string
	from transport.SendHandle
}

// recorder is a Handler that queues what it receives.
type recorder struct {
	packets  chan packet
	active   atomic.Int32 // HandlePacket calls in progress
	overlap  atomic.Bool  // two calls ran at once
	onPacket func(p transport.Packet)
}

func newRecorder() *recorder { return &recorder{packets: make(chan packet, 10000)} }

func (r *recorder) HandlePacket(p transport.Packet) {
	if r.active.Add(1) > 1 {
		r.overlap.Store(true)
	}
	defer r.active.Add(-1)
	if r.onPacket != nil {
		r.onPacket(p)
	}
	r.packets <- packet{string(p.Data), p.From}
}

func (r *recorder) HandleClosed(transport.SendHandle, error) {}

// echo sends each packet back to its source.
// The transport is set after Listen returns; over a real network the
// datagram's trip through the kernel is no happens-before edge for the
// race detector, hence the atomic.
type echo struct{ t atomic.Pointer[udp.Transport] }

func (e *echo) HandlePacket(p transport.Packet) {
	e.t.Load().Send(p.From, p.Data)
}
func (e *echo) HandleClosed(transport.SendHandle, error) {}

type udpNet = pion.Net

func mustListen(t *testing.T, n udpNet, addr string, h transport.Handler, opts ...udp.Option) *udp.Transport {
	t.Helper()
	tr, err := udp.Listen(n, addr, h, opts...)
	if err != nil {
		t.Fatalf("Listen(%s): %v", addr, err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}

func mustAddr(t *testing.T, s string) udp.Addr {
	t.Helper()
	a, err := udp.ParseAddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// startEcho listens with an echo handler.
func startEcho(t *testing.T, n udpNet, addr string) *udp.Transport {
	t.Helper()
	e := &echo{}
	tr := mustListen(t, n, addr, e)
	e.t.Store(tr)
	return tr
}

func TestMemnetEcho(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{})
		a, _ := nw.Host("10.0.0.1")
		b, _ := nw.Host("10.0.0.2")
		srv := startEcho(t, a, "10.0.0.1:0")
		rec := newRecorder()
		cli := mustListen(t, b, "10.0.0.2:0", rec)

		to := mustAddr(t, srv.LocalAddr())
		if err := cli.Send(to, []byte("hello")); err != nil {
			t.Fatal(err)
		}
		p := <-rec.packets
		if p.data != "hello" || p.from != transport.SendHandle(to) {
			t.Fatalf("got %q from %v, want hello from %v", p.data, p.from, to)
		}
		if p.from.String() != srv.LocalAddr() {
			t.Errorf("From.String() = %s, want %s", p.from, srv.LocalAddr())
		}
	})
}

// TestMemnetOrder sends a burst: every datagram arrives, in order, and
// HandlePacket runs one call at a time.
func TestMemnetOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{})
		a, _ := nw.Host("10.0.0.1")
		b, _ := nw.Host("10.0.0.2")
		rec := newRecorder()
		srv := mustListen(t, a, ":0", rec)
		cli := mustListen(t, b, ":0", newRecorder())
		to, err := cli.Resolve(fmt.Sprintf("10.0.0.1:%d", mustAddr(t, srv.LocalAddr()).AddrPort().Port()))
		if err != nil {
			t.Fatal(err)
		}
		const count = 1000
		for i := range count {
			if err := cli.Send(to, fmt.Appendf(nil, "%d", i)); err != nil {
				t.Fatal(err)
			}
		}
		// The client listens on the wildcard address and sends from its
		// host address.
		want := udp.AddrFrom(netip.AddrPortFrom(b.IP(), mustAddr(t, cli.LocalAddr()).AddrPort().Port()))
		for i := range count {
			p := <-rec.packets
			if p.data != fmt.Sprint(i) || p.from != transport.SendHandle(want) {
				t.Fatalf("datagram %d: %q from %v, want from %v", i, p.data, p.from, want)
			}
		}
		if rec.overlap.Load() {
			t.Error("HandlePacket calls overlapped")
		}
	})
}

func TestCloseWaitsForHandler(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{})
		a, _ := nw.Host("10.0.0.1")
		release := make(chan struct{})
		rec := newRecorder()
		rec.onPacket = func(transport.Packet) { <-release }
		srv := mustListen(t, a, "10.0.0.1:0", rec)
		cli := mustListen(t, a, "10.0.0.1:0", newRecorder())
		cli.Send(mustAddr(t, srv.LocalAddr()), []byte("x"))
		synctest.Wait() // the handler is blocked

		closed := make(chan error)
		go func() { closed <- srv.Close() }()
		synctest.Wait()
		select {
		case <-closed:
			t.Fatal("Close returned while HandlePacket was running")
		default:
		}
		close(release)
		if err := <-closed; err != nil {
			t.Fatalf("Close = %v", err)
		}
		if err := srv.Close(); err != nil {
			t.Fatalf("second Close = %v", err)
		}
		if err := srv.Send(mustAddr(t, cli.LocalAddr()), []byte("x")); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Send after Close = %v; want net.ErrClosed", err)
		}
	})
}

type otherHandle struct{}

func (otherHandle) String() string { return "other" }

func TestSendErrors(t *testing.T) {
	nw := memnet.NewNetwork(memnet.Config{})
	a, _ := nw.Host("10.0.0.1")
	tr := mustListen(t, a, ":0", newRecorder())
	for _, tc := range []struct {
		name string
		to   transport.SendHandle
	}{
		{"foreign handle", otherHandle{}},
		{"pointer", &udp.Addr{}},
		{"zero Addr", udp.Addr{}},
		{"nil", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tr.Send(tc.to, []byte("x")); err == nil {
				t.Fatal("Send succeeded")
			}
		})
	}
	big := make([]byte, memnet.MaxDatagram+1)
	if err := tr.Send(mustAddr(t, "10.0.0.1:9"), big); !errors.Is(err, syscall.EMSGSIZE) {
		t.Fatalf("oversized Send = %v; want EMSGSIZE", err)
	}
}

func TestListenErrors(t *testing.T) {
	nw := memnet.NewNetwork(memnet.Config{})
	a, _ := nw.Host("10.0.0.1")
	tr := mustListen(t, a, "10.0.0.1:0", newRecorder())
	for _, tc := range []struct {
		name string
		n    udpNet
		addr string
		h    transport.Handler
		want error
	}{
		{"port in use", a, tr.LocalAddr(), newRecorder(), syscall.EADDRINUSE},
		{"foreign address", a, "10.0.0.2:0", newRecorder(), syscall.EADDRNOTAVAIL},
		{"no port", a, "10.0.0.1", newRecorder(), nil},
		{"bad port", a, ":x", newRecorder(), nil},
		{"host name", a, "mgc.invalid:0", newRecorder(), nil},
		{"no handler", a, ":0", nil, nil},
		{"no network", nil, ":0", newRecorder(), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := udp.Listen(tc.n, tc.addr, tc.h)
			if err == nil {
				tr.Close()
				t.Fatal("Listen succeeded")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Listen = %v; want %v", err, tc.want)
			}
		})
	}
}

func TestAddr(t *testing.T) {
	mapped := udp.AddrFrom(netip.MustParseAddrPort("[::ffff:192.0.2.1]:7001"))
	plain := mustAddr(t, "192.0.2.1:7001")
	if mapped != plain {
		t.Errorf("IPv4-mapped %v != %v", mapped, plain)
	}
	if plain.String() != "192.0.2.1:7001" {
		t.Errorf("String() = %s", plain)
	}
	v6 := mustAddr(t, "[2001:db8::1]:7002")
	if v6.String() != "[2001:db8::1]:7002" || v6.AddrPort().Port() != 7002 {
		t.Errorf("IPv6: %s", v6)
	}
	m := map[transport.SendHandle]int{plain: 1}
	if m[udp.AddrFrom(netip.MustParseAddrPort("192.0.2.1:7001"))] != 1 {
		t.Error("equal addresses are different map keys")
	}
	for _, bad := range []string{"192.0.2.1", "mgc:7001", ""} {
		if _, err := udp.ParseAddr(bad); err == nil {
			t.Errorf("ParseAddr(%q) succeeded", bad)
		}
	}
	if (udp.Addr{}).IsValid() {
		t.Error("zero Addr is valid")
	}
	nw := memnet.NewNetwork(memnet.Config{})
	a, _ := nw.Host("10.0.0.1")
	tr := mustListen(t, a, ":0", newRecorder())
	if got, err := tr.Resolve("localhost:7001"); err != nil || got != mustAddr(t, "127.0.0.1:7001") {
		t.Errorf("Resolve(localhost:7001) = %v, %v", got, err)
	}
	if _, err := tr.Resolve("mgc.invalid:7001"); err == nil {
		t.Error("Resolve of an unknown name succeeded")
	}
}

// TestStdnetLoopback runs over the real network on 127.0.0.1, ports
// picked by the system, and checks that Close leaves no goroutine.
func TestStdnetLoopback(t *testing.T) {
	defer checkLeaks(t)()
	n, err := stdnet.NewNet()
	if err != nil {
		t.Fatal(err)
	}
	e := &echo{}
	srv, err := udp.Listen(n, "127.0.0.1:0", e, udp.WithConfig(udp.Config{SocketReadBuffer: 1 << 20, SocketWriteBuffer: 1 << 20}))
	if err != nil {
		t.Fatal(err)
	}
	e.t.Store(srv)
	rec := newRecorder()
	cli, err := udp.Listen(n, "127.0.0.1:0", rec)
	if err != nil {
		t.Fatal(err)
	}
	to, err := cli.Resolve(srv.LocalAddr())
	if err != nil {
		t.Fatal(err)
	}
	// IPv4's largest payload: 65535 - 20 (IP) - 8 (UDP).
	for _, size := range []int{0, 1, 1400, 65507} {
		msg := bytes.Repeat([]byte{'m'}, size)
		if err := cli.Send(to, msg); err != nil {
			t.Fatalf("Send %d bytes: %v", size, err)
		}
		p := <-rec.packets
		if p.data != string(msg) {
			t.Fatalf("reply to %d bytes: %d bytes", size, len(p.data))
		}
		if p.from != transport.SendHandle(to) {
			t.Fatalf("reply from %v, want %v", p.from, to)
		}
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := cli.Close(); err != nil {
		t.Fatal(err)
	}
}
