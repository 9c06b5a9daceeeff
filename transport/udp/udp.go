package udp

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/megaco/megaco/transport"
	pion "github.com/pion/transport/v3"
	"go.uber.org/zap"
)

// MaxDatagram is the size of the read buffers: the largest datagram the
// transport receives whole. Longer ones (possible only on virtual
// networks) are dropped.
const MaxDatagram = 65535

// Config holds the socket settings. The zero value keeps the system's
// defaults.
type Config struct {
	// SocketReadBuffer is the socket's receive buffer (SO_RCVBUF) in
	// bytes; 0 keeps the system default. Raise it for many gateways on
	// one socket, so that bursts are not dropped by the kernel.
	SocketReadBuffer int
	// SocketWriteBuffer is the socket's send buffer (SO_SNDBUF) in bytes;
	// 0 keeps the system default.
	SocketWriteBuffer int
}

// Option sets what Listen takes besides the address.
type Option func(*options)

type options struct {
	log *zap.Logger
	cfg Config
}

// WithLogger sets the logger; the transport names it "transport.udp". The
// default is zap.NewNop().
func WithLogger(l *zap.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.log = l
		}
	}
}

// WithConfig sets the socket settings.
func WithConfig(c Config) Option {
	return func(o *options) { o.cfg = c }
}

// bufPool holds the read buffers of the reader goroutines.
var bufPool = sync.Pool{New: func() any {
	b := make([]byte, MaxDatagram)
	return &b
}}

// The fast paths of *net.UDPConn (stdnet) and *memnet.UDPConn, which
// avoid allocating a *net.UDPAddr per datagram.
type (
	addrPortReader interface {
		ReadFromUDPAddrPort(b []byte) (int, netip.AddrPort, error)
	}
	addrPortWriter interface {
		WriteToUDPAddrPort(b []byte, addr netip.AddrPort) (int, error)
	}
)

// Transport is a UDP socket: one reader goroutine delivers each datagram
// to the Handler, and Send writes datagrams to any peer. It implements
// transport.Transport; its SendHandles are Addr values.
type Transport struct {
	n     pion.Net
	conn  pion.UDPConn
	h     transport.Handler
	log   *zap.Logger
	local string

	fastRead  addrPortReader // nil when the conn has no such method
	fastWrite addrPortWriter

	closing   atomic.Bool
	stop      chan struct{} // closed by Close
	done      chan struct{} // closed when the reader has returned
	closeOnce sync.Once
	closeErr  error
}

var _ transport.Transport = (*Transport)(nil)

// Listen opens a UDP socket on addr ("host:port"; an empty host listens
// on every address, port 0 picks a free port) of the network n (pion
// stdnet in production, vnet or memnet in tests) and starts its reader,
// which calls h.HandlePacket for each datagram, one at a time.
func Listen(n pion.Net, addr string, h transport.Handler, opts ...Option) (*Transport, error) {
	if n == nil || h == nil {
		return nil, errors.New("udp: Listen needs a network and a handler")
	}
	o := options{log: zap.NewNop()}
	for _, opt := range opts {
		opt(&o)
	}
	laddr, err := listenAddr(n, addr)
	if err != nil {
		return nil, fmt.Errorf("udp: listen %s: %w", addr, err)
	}
	conn, err := n.ListenUDP("udp", laddr)
	if err != nil {
		return nil, fmt.Errorf("udp: listen %s: %w", addr, err)
	}
	t := &Transport{
		n:     n,
		conn:  conn,
		h:     h,
		log:   o.log.Named("transport.udp"),
		local: conn.LocalAddr().String(),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	t.fastRead, _ = conn.(addrPortReader)
	t.fastWrite, _ = conn.(addrPortWriter)
	if o.cfg.SocketReadBuffer > 0 {
		if err := conn.SetReadBuffer(o.cfg.SocketReadBuffer); err != nil {
			t.log.Warn("socket receive buffer not set", zap.Int("bytes", o.cfg.SocketReadBuffer), zap.Error(err))
		}
	}
	if o.cfg.SocketWriteBuffer > 0 {
		if err := conn.SetWriteBuffer(o.cfg.SocketWriteBuffer); err != nil {
			t.log.Warn("socket send buffer not set", zap.Int("bytes", o.cfg.SocketWriteBuffer), zap.Error(err))
		}
	}
	t.log.Debug("listening", zap.String("local", t.local))
	go t.read()
	return t, nil
}

// listenAddr parses addr, asking n only for host names.
func listenAddr(n pion.Net, addr string) (*net.UDPAddr, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if host == "" {
		p, err := strconv.ParseUint(port, 10, 16)
		if err != nil {
			return nil, fmt.Errorf("bad port %q", port)
		}
		return &net.UDPAddr{Port: int(p)}, nil
	}
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		return net.UDPAddrFromAddrPort(AddrFrom(ap).ap), nil
	}
	return n.ResolveUDPAddr("udp", addr)
}

// Resolve returns the Addr of a configured peer, "host:port", resolving a
// host name through the transport's network.
func (t *Transport) Resolve(hostport string) (Addr, error) {
	if a, err := ParseAddr(hostport); err == nil {
		return a, nil
	}
	ua, err := t.n.ResolveUDPAddr("udp", hostport)
	if err != nil {
		return Addr{}, fmt.Errorf("udp: resolve %s: %w", hostport, err)
	}
	return AddrFrom(ua.AddrPort()), nil
}

// LocalAddr returns the socket's address, "host:port".
func (t *Transport) LocalAddr() string { return t.local }

// Send writes b as one datagram to the peer to, an Addr (such as the From
// of a received packet, to answer it). It does not keep b.
func (t *Transport) Send(to transport.SendHandle, b []byte) error {
	a, ok := to.(Addr)
	if !ok {
		return fmt.Errorf("udp: send: handle %v (%T) is not a udp.Addr", to, to)
	}
	if !a.IsValid() {
		return errors.New("udp: send: no address")
	}
	if t.closing.Load() {
		return fmt.Errorf("udp: send to %s: %w", a, net.ErrClosed)
	}
	var err error
	if t.fastWrite != nil {
		_, err = t.fastWrite.WriteToUDPAddrPort(b, a.ap)
	} else {
		_, err = t.conn.WriteTo(b, net.UDPAddrFromAddrPort(a.ap))
	}
	if err != nil {
		return fmt.Errorf("udp: send to %s: %w", a, err)
	}
	return nil
}

// Close closes the socket and waits for the reader to return, which
// includes a HandlePacket call in progress. Close is idempotent.
func (t *Transport) Close() error {
	t.closeOnce.Do(func() {
		t.closing.Store(true)
		close(t.stop)
		t.closeErr = t.conn.Close()
		<-t.done
		t.log.Debug("closed", zap.String("local", t.local))
	})
	return t.closeErr
}

func (t *Transport) readFrom(buf []byte) (int, Addr, error) {
	if t.fastRead != nil {
		n, ap, err := t.fastRead.ReadFromUDPAddrPort(buf)
		return n, AddrFrom(ap), err
	}
	n, na, err := t.conn.ReadFrom(buf)
	a, ok := addrOf(na)
	if err != nil {
		return n, a, err
	}
	if !ok {
		return n, Addr{}, fmt.Errorf("source address %v (%T) is not a UDP address", na, na)
	}
	return n, a, nil
}

// read is the reader goroutine, owned by Close.
func (t *Transport) read() {
	defer close(t.done)
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp

	// The last source boxed as a SendHandle: a run of datagrams from one
	// peer costs no allocation.
	var last Addr
	var lastHandle transport.SendHandle
	failures := 0
	for {
		n, from, err := t.readFrom(buf)
		if err != nil {
			if t.closing.Load() {
				return
			}
			if errors.Is(err, io.ErrShortBuffer) {
				t.log.Debug("datagram too long, dropped", zap.Stringer("peer", from), zap.Int("max", len(buf)))
				continue
			}
			if errors.Is(err, net.ErrClosed) {
				t.log.Error("socket closed under the transport", zap.String("local", t.local), zap.Error(err))
				return
			}
			failures++
			t.log.Warn("read failed", zap.String("local", t.local), zap.Error(err))
			if !t.pause(failures) {
				return
			}
			continue
		}
		failures = 0
		if lastHandle == nil || from != last {
			last, lastHandle = from, from
		}
		t.h.HandlePacket(transport.Packet{Data: buf[:n:n], From: lastHandle, Local: t})
	}
}

// pause waits after a read error, longer after each in a row (none after
// the first, then 5 ms doubling up to 1 s), so that a failing socket
// does not spin. It returns false when Close was called meanwhile.
func (t *Transport) pause(failures int) bool {
	if failures < 2 {
		return true
	}
	d := min(5*time.Millisecond<<min(failures-2, 8), time.Second)
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-t.stop:
		return false
	}
}
