package memnet

import (
	"net"
	"net/netip"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/pion/transport/v3"
)

type datagram struct {
	from netip.AddrPort
	data []byte
}

// UDPConn is a datagram socket on a Net. It implements pion's
// transport.UDPConn and net.PacketConn. Sends never block: a datagram
// finds its socket's queue full, or no socket at its address, and is
// dropped, as UDP drops it.
type UDPConn struct {
	n      *Net
	bound  netip.Addr // zero: wildcard
	port   uint16
	remote netip.AddrPort // connected peer; invalid if not connected

	queue     chan datagram // never closed
	done      chan struct{} // closed by Close
	closeOnce sync.Once
	rd        deadline
}

var (
	_ transport.UDPConn = (*UDPConn)(nil)
	_ net.PacketConn    = (*UDPConn)(nil)
)

// ListenPacket opens a datagram socket on address ("udp", "udp4" or
// "udp6"); port 0 picks a free port.
func (n *Net) ListenPacket(network, address string) (net.PacketConn, error) {
	laddr, err := n.ResolveUDPAddr(network, address)
	if err != nil {
		return nil, err
	}
	return n.ListenUDP(network, laddr)
}

// ListenUDP opens a datagram socket on laddr (nil: the wildcard address
// and a free port).
func (n *Net) ListenUDP(network string, laddr *net.UDPAddr) (transport.UDPConn, error) {
	return n.openUDP("listen", network, laddr, netip.AddrPort{})
}

// DialUDP opens a datagram socket connected to raddr: Write sends to it
// and reads return only its datagrams.
func (n *Net) DialUDP(network string, laddr, raddr *net.UDPAddr) (transport.UDPConn, error) {
	if raddr == nil {
		return nil, opError("dial", network, nil, nil, errMissingAddress)
	}
	ip, err := ipOf(raddr.IP)
	if err != nil {
		return nil, opError("dial", network, nil, raddr, err)
	}
	remote := netip.AddrPortFrom(deliveryAddr(ip), uint16(raddr.Port))
	if laddr == nil {
		src := n.sourceIP(netip.Addr{}, ip)
		laddr = &net.UDPAddr{IP: src.AsSlice()}
	}
	return n.openUDP("dial", network, laddr, remote)
}

var errMissingAddress = &net.AddrError{Err: "missing address"}

func (n *Net) openUDP(op, network string, laddr *net.UDPAddr, remote netip.AddrPort) (*UDPConn, error) {
	if err := checkNetwork(network, "udp"); err != nil {
		return nil, opError(op, network, nil, nil, err)
	}
	var ip netip.Addr
	var port int
	if laddr != nil {
		var err error
		if ip, err = bindAddr(laddr.IP); err != nil {
			return nil, opError(op, network, nil, laddr, err)
		}
		port = laddr.Port
	}
	if port < 0 || port > 65535 {
		return nil, opError(op, network, nil, laddr, &net.AddrError{Err: "invalid port"})
	}
	nw := n.nw
	nw.mu.Lock()
	defer nw.mu.Unlock()
	p, err := n.bind(protoUDP, ip, uint16(port))
	if err != nil {
		return nil, opError(op, network, nil, laddr, os.NewSyscallError("bind", err))
	}
	c := &UDPConn{
		n:      n,
		bound:  ip,
		port:   p,
		remote: remote,
		queue:  make(chan datagram, nw.cfg.DatagramQueue),
		done:   make(chan struct{}),
		rd:     makeDeadline(),
	}
	n.udpSocks[netip.AddrPortFrom(ip, p)] = c
	return c, nil
}

// Close closes the socket; a blocked read returns net.ErrClosed.
func (c *UDPConn) Close() error {
	first := false
	c.closeOnce.Do(func() {
		first = true
		nw := c.n.nw
		nw.mu.Lock()
		delete(c.n.udpSocks, netip.AddrPortFrom(c.bound, c.port))
		c.n.unbind(protoUDP, c.bound, c.port)
		nw.mu.Unlock()
		close(c.done)
	})
	if !first {
		return c.opErr("close", nil, net.ErrClosed)
	}
	return nil
}

func (c *UDPConn) localUDPAddr() *net.UDPAddr {
	return &net.UDPAddr{IP: c.n.shownIP(c.bound), Port: int(c.port)}
}

// LocalAddr returns the bound address (*net.UDPAddr).
func (c *UDPConn) LocalAddr() net.Addr { return c.localUDPAddr() }

// RemoteAddr returns the connected peer (*net.UDPAddr), or nil.
func (c *UDPConn) RemoteAddr() net.Addr {
	if !c.remote.IsValid() {
		return nil
	}
	return net.UDPAddrFromAddrPort(c.remote)
}

func (c *UDPConn) opErr(op string, addr net.Addr, err error) error {
	return opError(op, "udp", c.localUDPAddr(), addr, err)
}

// SetDeadline sets the read deadline; writes never block.
func (c *UDPConn) SetDeadline(t time.Time) error { return c.SetReadDeadline(t) }

// SetReadDeadline sets the deadline of pending and future reads.
func (c *UDPConn) SetReadDeadline(t time.Time) error {
	if isClosed(c.done) {
		return c.opErr("set", nil, net.ErrClosed)
	}
	c.rd.set(t)
	return nil
}

// SetWriteDeadline does nothing: writes never block.
func (c *UDPConn) SetWriteDeadline(time.Time) error { return nil }

// SetReadBuffer does nothing; the queue length is Config.DatagramQueue.
func (c *UDPConn) SetReadBuffer(int) error { return nil }

// SetWriteBuffer does nothing.
func (c *UDPConn) SetWriteBuffer(int) error { return nil }

// ReadFromUDPAddrPort reads one datagram into b, which gets its first
// len(b) bytes when it is longer (the rest is lost, as on Linux), and
// returns its source. It blocks until a datagram arrives, the read
// deadline passes (os.ErrDeadlineExceeded) or the socket is closed
// (net.ErrClosed).
func (c *UDPConn) ReadFromUDPAddrPort(b []byte) (int, netip.AddrPort, error) {
	for {
		if isClosed(c.done) {
			return 0, netip.AddrPort{}, c.opErr("read", nil, net.ErrClosed)
		}
		dl := c.rd.wait()
		if isClosed(dl) {
			return 0, netip.AddrPort{}, c.opErr("read", nil, os.ErrDeadlineExceeded)
		}
		select {
		case d := <-c.queue:
			if c.remote.IsValid() && d.from != c.remote {
				continue
			}
			return copy(b, d.data), d.from, nil
		case <-c.done:
		case <-dl:
		}
	}
}

// ReadFrom reads one datagram; see ReadFromUDPAddrPort.
func (c *UDPConn) ReadFrom(b []byte) (int, net.Addr, error) {
	n, from, err := c.ReadFromUDPAddrPort(b)
	if err != nil {
		return n, nil, err
	}
	return n, net.UDPAddrFromAddrPort(from), nil
}

// ReadFromUDP reads one datagram; see ReadFromUDPAddrPort.
func (c *UDPConn) ReadFromUDP(b []byte) (int, *net.UDPAddr, error) {
	n, from, err := c.ReadFromUDPAddrPort(b)
	if err != nil {
		return n, nil, err
	}
	return n, net.UDPAddrFromAddrPort(from), nil
}

// ReadMsgUDP reads one datagram; there is never out-of-band data.
func (c *UDPConn) ReadMsgUDP(b, _ []byte) (n, oobn, flags int, addr *net.UDPAddr, err error) {
	n, addr, err = c.ReadFromUDP(b)
	return n, 0, 0, addr, err
}

// Read reads one datagram, dropping its source.
func (c *UDPConn) Read(b []byte) (int, error) {
	n, _, err := c.ReadFromUDPAddrPort(b)
	return n, err
}

// WriteToUDPAddrPort sends b as one datagram to addr. It never blocks;
// datagrams larger than MaxDatagram fail with EMSGSIZE.
func (c *UDPConn) WriteToUDPAddrPort(b []byte, addr netip.AddrPort) (int, error) {
	if isClosed(c.done) {
		return 0, c.opErr("write", net.UDPAddrFromAddrPort(addr), net.ErrClosed)
	}
	if len(b) > MaxDatagram {
		return 0, c.opErr("write", net.UDPAddrFromAddrPort(addr), os.NewSyscallError("sendto", syscall.EMSGSIZE))
	}
	if !addr.IsValid() || addr.Port() == 0 {
		return 0, c.opErr("write", net.UDPAddrFromAddrPort(addr), errMissingAddress)
	}
	dst := deliveryAddr(addr.Addr().Unmap())
	to := netip.AddrPortFrom(dst, addr.Port())
	from := netip.AddrPortFrom(c.n.sourceIP(c.bound, dst), c.port)

	nw := c.n.nw
	nw.mu.Lock()
	filter := nw.filter
	nw.mu.Unlock()
	var delay time.Duration
	if filter != nil {
		var deliver bool
		deliver, delay = filter(Datagram{From: from, To: to, Data: b})
		if !deliver {
			return len(b), nil
		}
	}
	d := datagram{from: from, data: append([]byte(nil), b...)}
	if delay > 0 {
		time.AfterFunc(delay, func() { c.n.deliver(to, d) })
	} else {
		c.n.deliver(to, d)
	}
	return len(b), nil
}

// deliver queues d at the socket bound to to, as seen from host n, or
// drops it.
func (n *Net) deliver(to netip.AddrPort, d datagram) {
	nw := n.nw
	nw.mu.Lock()
	var sock *UDPConn
	if h := n.route(to.Addr()); h != nil {
		sock = h.udpSocks[to]
		if sock == nil {
			sock = h.udpSocks[netip.AddrPortFrom(netip.Addr{}, to.Port())]
		}
	}
	nw.mu.Unlock()
	if sock == nil || isClosed(sock.done) {
		return
	}
	select {
	case sock.queue <- d:
	default: // queue full: dropped
	}
}

// WriteTo sends b as one datagram to addr (a *net.UDPAddr).
func (c *UDPConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	ua, ok := addr.(*net.UDPAddr)
	if !ok {
		return 0, c.opErr("write", addr, syscall.EINVAL)
	}
	return c.WriteToUDP(b, ua)
}

// WriteToUDP sends b as one datagram to addr.
func (c *UDPConn) WriteToUDP(b []byte, addr *net.UDPAddr) (int, error) {
	if addr == nil {
		return 0, c.opErr("write", nil, errMissingAddress)
	}
	ip, err := ipOf(addr.IP)
	if err != nil {
		return 0, c.opErr("write", addr, err)
	}
	return c.WriteToUDPAddrPort(b, netip.AddrPortFrom(ip, uint16(addr.Port)))
}

// WriteMsgUDP sends b to addr, or to the connected peer if addr is nil;
// oob is ignored.
func (c *UDPConn) WriteMsgUDP(b, oob []byte, addr *net.UDPAddr) (n, oobn int, err error) {
	if addr == nil {
		n, err = c.Write(b)
	} else {
		n, err = c.WriteToUDP(b, addr)
	}
	return n, 0, err
}

// Write sends b to the connected peer.
func (c *UDPConn) Write(b []byte) (int, error) {
	if !c.remote.IsValid() {
		return 0, c.opErr("write", nil, errMissingAddress)
	}
	return c.WriteToUDPAddrPort(b, c.remote)
}
