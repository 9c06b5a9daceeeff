package memnet

import (
	"io"
	"net"
	"net/netip"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/pion/transport/v3"
)

// pipe is one direction of a stream: the bytes written and not yet read,
// kept as the segments Write made. A read returns bytes of one segment
// only, so a test decides how a reader sees the stream: split by writing
// in pieces, merged by writing many messages at once.
type pipe struct {
	mu     sync.Mutex
	segs   [][]byte
	size   int // bytes in segs
	window int
	eof    bool // the writer sends no more (Close or CloseWrite)
	reset  bool // the reader is gone (Close or CloseRead): writes fail

	readable chan struct{} // 1-buffered: data or eof may be there
	writable chan struct{} // 1-buffered: room or reset may be there
}

func newPipe(window int) *pipe {
	return &pipe{
		window:   window,
		readable: make(chan struct{}, 1),
		writable: make(chan struct{}, 1),
	}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// read copies the head segment into b. ok is false when there is nothing
// to read yet; eof is true at the end of the stream.
func (p *pipe) read(b []byte) (n int, eof, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.segs) > 0 {
		n = copy(b, p.segs[0])
		if n == len(p.segs[0]) {
			p.segs[0] = nil
			p.segs = p.segs[1:]
		} else {
			p.segs[0] = p.segs[0][n:]
		}
		p.size -= n
		signal(p.writable)
		if len(p.segs) > 0 || p.eof {
			signal(p.readable)
		}
		return n, false, true
	}
	if p.eof || p.reset {
		return 0, true, true
	}
	return 0, false, false
}

// write appends as much of b as the window takes as one segment.
func (p *pipe) write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.eof {
		return 0, syscall.EPIPE
	}
	if p.reset {
		return 0, syscall.ECONNRESET
	}
	n := min(len(b), p.window-p.size)
	if n <= 0 {
		return 0, nil
	}
	p.segs = append(p.segs, append([]byte(nil), b[:n]...))
	p.size += n
	signal(p.readable)
	if p.size < p.window {
		signal(p.writable)
	}
	return n, nil
}

func (p *pipe) closeWrite() {
	p.mu.Lock()
	p.eof = true
	p.mu.Unlock()
	signal(p.readable)
	signal(p.writable)
}

func (p *pipe) closeRead() {
	p.mu.Lock()
	p.reset = true
	p.segs, p.size = nil, 0
	p.mu.Unlock()
	signal(p.readable)
	signal(p.writable)
}

// TCPConn is one end of a stream on a Network. It implements pion's
// transport.TCPConn (a net.Conn). Each direction holds up to
// Config.StreamWindow bytes; Write blocks while the window is full. A
// Read returns bytes of a single Write (or part of one). Reads and
// writes take deadlines on the time package's clock, so they follow a
// testing/synctest bubble's fake clock, and a blocked Read or Write is
// durably blocked.
type TCPConn struct {
	n             *Net
	local, remote netip.AddrPort
	bound         bool // local port is a binding of n to release on Close

	in, out *pipe

	rsem, wsem chan struct{} // 1-buffered: one Read, one Write at a time
	done       chan struct{} // closed by Close
	closeOnce  sync.Once
	rd, wd     deadline
}

var _ transport.TCPConn = (*TCPConn)(nil)

// TCPListener accepts streams on a Net. It implements pion's
// transport.TCPListener.
type TCPListener struct {
	n     *Net
	bound netip.Addr // zero: wildcard
	port  uint16

	queue     chan *TCPConn // dialed, not yet accepted
	done      chan struct{}
	closed    bool // guarded by nw.mu
	closeOnce sync.Once
	dl        deadline
}

var _ transport.TCPListener = (*TCPListener)(nil)

// ListenTCP listens for streams on laddr (nil: the wildcard address and a
// free port).
func (n *Net) ListenTCP(network string, laddr *net.TCPAddr) (transport.TCPListener, error) {
	if err := checkNetwork(network, "tcp"); err != nil {
		return nil, opError("listen", network, nil, nil, err)
	}
	var ip netip.Addr
	var port int
	if laddr != nil {
		var err error
		if ip, err = bindAddr(laddr.IP); err != nil {
			return nil, opError("listen", network, nil, laddr, err)
		}
		port = laddr.Port
	}
	if port < 0 || port > 65535 {
		return nil, opError("listen", network, nil, laddr, &net.AddrError{Err: "invalid port"})
	}
	nw := n.nw
	nw.mu.Lock()
	defer nw.mu.Unlock()
	p, err := n.bind(protoTCP, ip, uint16(port))
	if err != nil {
		return nil, opError("listen", network, nil, laddr, os.NewSyscallError("bind", err))
	}
	l := &TCPListener{
		n:     n,
		bound: ip,
		port:  p,
		queue: make(chan *TCPConn, nw.cfg.Backlog),
		done:  make(chan struct{}),
		dl:    makeDeadline(),
	}
	n.listeners[netip.AddrPortFrom(ip, p)] = l
	return l, nil
}

// DialTCP connects to a listener at raddr. It never blocks: with no
// listener there, or its backlog full, it fails with ECONNREFUSED. laddr
// may choose the local address and port.
func (n *Net) DialTCP(network string, laddr, raddr *net.TCPAddr) (transport.TCPConn, error) {
	if err := checkNetwork(network, "tcp"); err != nil {
		return nil, opError("dial", network, nil, nil, err)
	}
	if raddr == nil {
		return nil, opError("dial", network, nil, nil, errMissingAddress)
	}
	rip, err := ipOf(raddr.IP)
	if err != nil {
		return nil, opError("dial", network, nil, raddr, err)
	}
	dst := netip.AddrPortFrom(deliveryAddr(rip), uint16(raddr.Port))

	var lip netip.Addr
	var lport int
	if laddr != nil {
		if lip, err = bindAddr(laddr.IP); err != nil {
			return nil, opError("dial", network, nil, raddr, err)
		}
		lport = laddr.Port
	}
	if !lip.IsValid() {
		lip = n.sourceIP(netip.Addr{}, dst.Addr())
	}

	nw := n.nw
	nw.mu.Lock()
	defer nw.mu.Unlock()
	var l *TCPListener
	if h := n.route(dst.Addr()); h != nil {
		l = h.listeners[dst]
		if l == nil {
			l = h.listeners[netip.AddrPortFrom(netip.Addr{}, dst.Port())]
		}
	}
	if l == nil || l.closed || len(l.queue) == cap(l.queue) {
		return nil, opError("dial", network, nil, raddr, os.NewSyscallError("connect", syscall.ECONNREFUSED))
	}
	p, err := n.bind(protoTCP, lip, uint16(lport))
	if err != nil {
		return nil, opError("dial", network, nil, raddr, os.NewSyscallError("bind", err))
	}
	local := netip.AddrPortFrom(lip, p)
	up, down := newPipe(nw.cfg.StreamWindow), newPipe(nw.cfg.StreamWindow)
	client := newTCPConn(n, local, dst, down, up)
	client.bound = true
	server := newTCPConn(l.n, dst, local, up, down)
	l.queue <- server // room checked above, under nw.mu
	return client, nil
}

func newTCPConn(n *Net, local, remote netip.AddrPort, in, out *pipe) *TCPConn {
	return &TCPConn{
		n: n, local: local, remote: remote, in: in, out: out,
		rsem: make(chan struct{}, 1),
		wsem: make(chan struct{}, 1),
		done: make(chan struct{}),
		rd:   makeDeadline(),
		wd:   makeDeadline(),
	}
}

// Accept waits for the next stream.
func (l *TCPListener) Accept() (net.Conn, error) { return l.AcceptTCP() }

// AcceptTCP waits for the next stream, until the listener's deadline
// (os.ErrDeadlineExceeded) or Close (net.ErrClosed).
func (l *TCPListener) AcceptTCP() (transport.TCPConn, error) {
	for {
		if isClosed(l.done) {
			return nil, l.opErr(net.ErrClosed)
		}
		dl := l.dl.wait()
		if isClosed(dl) {
			return nil, l.opErr(os.ErrDeadlineExceeded)
		}
		select {
		case c := <-l.queue:
			return c, nil
		case <-l.done:
		case <-dl:
		}
	}
}

func (l *TCPListener) opErr(err error) error {
	return opError("accept", "tcp", nil, l.Addr(), err)
}

// Close stops listening; streams dialed and not yet accepted are closed.
func (l *TCPListener) Close() error {
	first := false
	l.closeOnce.Do(func() {
		first = true
		nw := l.n.nw
		nw.mu.Lock()
		l.closed = true
		delete(l.n.listeners, netip.AddrPortFrom(l.bound, l.port))
		l.n.unbind(protoTCP, l.bound, l.port)
		nw.mu.Unlock()
		close(l.done)
		for {
			select {
			case c := <-l.queue:
				c.Close()
			default:
				return
			}
		}
	})
	if !first {
		return opError("close", "tcp", nil, l.Addr(), net.ErrClosed)
	}
	return nil
}

// Addr returns the listening address (*net.TCPAddr).
func (l *TCPListener) Addr() net.Addr {
	return &net.TCPAddr{IP: l.n.shownIP(l.bound), Port: int(l.port)}
}

// SetDeadline sets the deadline of pending and future Accepts.
func (l *TCPListener) SetDeadline(t time.Time) error {
	l.dl.set(t)
	return nil
}

func (c *TCPConn) opErr(op string, err error) error {
	return opError(op, "tcp", c.LocalAddr(), c.RemoteAddr(), err)
}

// acquire takes sem, or fails when the connection closes or the deadline
// passes first.
func (c *TCPConn) acquire(op string, sem chan struct{}, d *deadline) error {
	for {
		if isClosed(c.done) {
			return c.opErr(op, net.ErrClosed)
		}
		dl := d.wait()
		if isClosed(dl) {
			return c.opErr(op, os.ErrDeadlineExceeded)
		}
		select {
		case sem <- struct{}{}:
			return nil
		case <-c.done:
		case <-dl:
		}
	}
}

// Read reads the bytes of one Write of the peer, or part of them. At the
// end of the stream it returns io.EOF.
func (c *TCPConn) Read(b []byte) (int, error) {
	if err := c.acquire("read", c.rsem, &c.rd); err != nil {
		return 0, err
	}
	defer func() { <-c.rsem }()
	for {
		if isClosed(c.done) {
			return 0, c.opErr("read", net.ErrClosed)
		}
		dl := c.rd.wait()
		if isClosed(dl) {
			return 0, c.opErr("read", os.ErrDeadlineExceeded)
		}
		if len(b) == 0 {
			return 0, nil
		}
		n, eof, ok := c.in.read(b)
		if ok {
			if eof {
				return 0, io.EOF
			}
			return n, nil
		}
		select {
		case <-c.in.readable:
		case <-c.done:
		case <-dl:
		}
	}
}

// Write writes b, blocking while the window is full. After the peer
// closed it fails with ECONNRESET.
func (c *TCPConn) Write(b []byte) (int, error) {
	if err := c.acquire("write", c.wsem, &c.wd); err != nil {
		return 0, err
	}
	defer func() { <-c.wsem }()
	total := 0
	for {
		if isClosed(c.done) {
			return total, c.opErr("write", net.ErrClosed)
		}
		dl := c.wd.wait()
		if isClosed(dl) {
			return total, c.opErr("write", os.ErrDeadlineExceeded)
		}
		if total == len(b) {
			return total, nil
		}
		n, err := c.out.write(b[total:])
		total += n
		if err != nil {
			return total, c.opErr("write", os.NewSyscallError("write", err))
		}
		if total == len(b) {
			return total, nil
		}
		if n == 0 {
			select {
			case <-c.out.writable:
			case <-c.done:
			case <-dl:
			}
		}
	}
}

// ReadFrom copies r into the stream until io.EOF.
func (c *TCPConn) ReadFrom(r io.Reader) (int64, error) {
	buf := make([]byte, 32<<10)
	var total int64
	for {
		n, err := r.Read(buf)
		if n > 0 {
			m, werr := c.Write(buf[:n])
			total += int64(m)
			if werr != nil {
				return total, werr
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// Close closes the stream: the peer reads what was written, then io.EOF;
// its writes fail with ECONNRESET. Blocked reads and writes return
// net.ErrClosed.
func (c *TCPConn) Close() error {
	first := false
	c.closeOnce.Do(func() {
		first = true
		close(c.done)
		c.out.closeWrite()
		c.in.closeRead()
		if c.bound {
			nw := c.n.nw
			nw.mu.Lock()
			c.n.unbind(protoTCP, c.local.Addr(), c.local.Port())
			nw.mu.Unlock()
		}
	})
	if !first {
		return c.opErr("close", net.ErrClosed)
	}
	return nil
}

// CloseWrite ends the stream towards the peer, which reads io.EOF after
// what was written.
func (c *TCPConn) CloseWrite() error {
	if isClosed(c.done) {
		return c.opErr("close", net.ErrClosed)
	}
	c.out.closeWrite()
	return nil
}

// CloseRead stops reading: local reads return io.EOF and the peer's
// writes fail.
func (c *TCPConn) CloseRead() error {
	if isClosed(c.done) {
		return c.opErr("close", net.ErrClosed)
	}
	c.in.closeRead()
	return nil
}

// LocalAddr returns the local address (*net.TCPAddr).
func (c *TCPConn) LocalAddr() net.Addr { return net.TCPAddrFromAddrPort(c.local) }

// RemoteAddr returns the peer's address (*net.TCPAddr).
func (c *TCPConn) RemoteAddr() net.Addr { return net.TCPAddrFromAddrPort(c.remote) }

// SetDeadline sets the read and write deadlines.
func (c *TCPConn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

// SetReadDeadline sets the deadline of pending and future reads.
func (c *TCPConn) SetReadDeadline(t time.Time) error {
	if isClosed(c.done) {
		return c.opErr("set", net.ErrClosed)
	}
	c.rd.set(t)
	return nil
}

// SetWriteDeadline sets the deadline of pending and future writes.
func (c *TCPConn) SetWriteDeadline(t time.Time) error {
	if isClosed(c.done) {
		return c.opErr("set", net.ErrClosed)
	}
	c.wd.set(t)
	return nil
}

// SetLinger does nothing.
func (c *TCPConn) SetLinger(int) error { return nil }

// SetKeepAlive does nothing.
func (c *TCPConn) SetKeepAlive(bool) error { return nil }

// SetKeepAlivePeriod does nothing.
func (c *TCPConn) SetKeepAlivePeriod(time.Duration) error { return nil }

// SetNoDelay does nothing: writes are never delayed.
func (c *TCPConn) SetNoDelay(bool) error { return nil }

// SetReadBuffer does nothing; the window is Config.StreamWindow.
func (c *TCPConn) SetReadBuffer(int) error { return nil }

// SetWriteBuffer does nothing; the window is Config.StreamWindow.
func (c *TCPConn) SetWriteBuffer(int) error { return nil }
