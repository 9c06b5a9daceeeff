package tcp

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/megaco/megaco/transport"
	pion "github.com/pion/transport/v3"
	"go.uber.org/zap"
)

// Defaults of Config.
const (
	DefaultMaxPDUSize   = MaxFrameLen
	DefaultFrameTimeout = 60 * time.Second
	DefaultWriteTimeout = 30 * time.Second
	DefaultDialTimeout  = 10 * time.Second
)

// readBufSize is the initial read buffer of a stream; it grows for
// larger frames (see framer).
const readBufSize = 4096

// Timeout errors: why a stream was closed, wrapped in the error
// HandleClosed gets.
var (
	// ErrFrameTimeout: a frame was begun and not completed within
	// Config.FrameTimeout — a peer that sends a header and stalls, or
	// trickles bytes (slowloris).
	ErrFrameTimeout = errors.New("tcp: frame not completed in time")
	// ErrIdleTimeout: no frame began within Config.IdleTimeout.
	ErrIdleTimeout = errors.New("tcp: stream idle too long")
)

// Config holds the limits of a TCP transport. The zero value gives the
// defaults; a negative duration disables that timeout.
type Config struct {
	// MaxPDUSize is the largest TPKT frame, header included, accepted
	// from a peer and sent to one. A peer announcing a longer frame is
	// disconnected; Send refuses a longer message. 0 means 65535, the
	// largest the header can express; it must be at least 4.
	MaxPDUSize int
	// FrameTimeout is how long a frame may take from its first byte to
	// its last. A peer that sends a header and then nothing, or one byte
	// at a time, is disconnected when it runs out, without holding up
	// other streams or Close. 0 means 60 s.
	FrameTimeout time.Duration
	// IdleTimeout disconnects a stream on which no frame begins for that
	// long. 0 means none, the default: Megaco peers may legitimately be
	// silent for long, and liveness is the engine's business
	// (ServiceChange, audits, inactivity timers).
	IdleTimeout time.Duration
	// WriteTimeout bounds each Send. A peer that does not read for that
	// long is disconnected, since a frame may have been half written.
	// 0 means 30 s.
	WriteTimeout time.Duration
	// DialTimeout bounds Dial. 0 means 10 s.
	DialTimeout time.Duration
	// StrictReserved disconnects a peer whose frame has a reserved byte
	// other than 0. By default such frames are accepted (be lenient in
	// what you accept) and the first one of each stream is logged.
	StrictReserved bool
}

// resolve fills in the defaults and checks the limits.
func (c Config) resolve() (Config, error) {
	switch {
	case c.MaxPDUSize == 0:
		c.MaxPDUSize = DefaultMaxPDUSize
	case c.MaxPDUSize < HeaderLen || c.MaxPDUSize > MaxFrameLen:
		return c, fmt.Errorf("tcp: MaxPDUSize %d is not within [%d, %d]", c.MaxPDUSize, HeaderLen, MaxFrameLen)
	}
	def := func(d *time.Duration, v time.Duration) {
		switch {
		case *d == 0:
			*d = v
		case *d < 0:
			*d = 0
		}
	}
	def(&c.FrameTimeout, DefaultFrameTimeout)
	def(&c.IdleTimeout, 0)
	def(&c.WriteTimeout, DefaultWriteTimeout)
	def(&c.DialTimeout, DefaultDialTimeout)
	return c, nil
}

// Option sets what Listen and Dial take besides the address.
type Option func(*options)

type options struct {
	log *zap.Logger
	cfg Config
}

// WithLogger sets the logger; the transport names it "transport.tcp". The
// default is zap.NewNop().
func WithLogger(l *zap.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.log = l
		}
	}
}

// WithConfig sets the limits.
func WithConfig(c Config) Option {
	return func(o *options) { o.cfg = c }
}

// framePool holds the buffers Send frames messages in.
var framePool = sync.Pool{New: func() any {
	b := make([]byte, 0, 2048)
	return &b
}}

// Transport is a set of TPKT-framed streams: those a listener accepts and
// those Dial opens, each read by its own goroutine. It implements
// transport.Transport; its SendHandles are *Conn.
type Transport struct {
	n     pion.Net
	h     transport.Handler
	log   *zap.Logger
	cfg   Config
	ln    pion.TCPListener // nil when made by Dial
	local string

	mu     sync.Mutex
	conns  map[*Conn]struct{}
	closed bool
	stop   chan struct{} // closed by Close
	wg     sync.WaitGroup
}

var _ transport.Transport = (*Transport)(nil)

func newTransport(n pion.Net, h transport.Handler, opts []Option) (*Transport, error) {
	if n == nil || h == nil {
		return nil, errors.New("tcp: a network and a handler are needed")
	}
	o := options{log: zap.NewNop()}
	for _, opt := range opts {
		opt(&o)
	}
	cfg, err := o.cfg.resolve()
	if err != nil {
		return nil, err
	}
	return &Transport{
		n:     n,
		h:     h,
		log:   o.log.Named("transport.tcp"),
		cfg:   cfg,
		conns: map[*Conn]struct{}{},
		stop:  make(chan struct{}),
	}, nil
}

// Listen listens for streams on addr ("host:port"; an empty host listens
// on every address, port 0 picks a free port) of the network n (pion
// stdnet in production, memnet in tests). One goroutine accepts, one per
// stream reads; each complete frame goes to h.HandlePacket, one call at a
// time per stream, and the end of each stream to h.HandleClosed.
func Listen(n pion.Net, addr string, h transport.Handler, opts ...Option) (*Transport, error) {
	t, err := newTransport(n, h, opts)
	if err != nil {
		return nil, err
	}
	laddr, err := listenAddr(n, addr)
	if err != nil {
		return nil, fmt.Errorf("tcp: listen %s: %w", addr, err)
	}
	ln, err := n.ListenTCP("tcp", laddr)
	if err != nil {
		return nil, fmt.Errorf("tcp: listen %s: %w", addr, err)
	}
	t.ln = ln
	t.local = ln.Addr().String()
	t.log.Debug("listening", zap.String("local", t.local))
	t.wg.Add(1)
	go t.accept()
	return t, nil
}

// Dial opens a stream to addr and returns a transport that holds it, and
// the stream's handle. The stream is read like an accepted one. More
// streams can be opened with Transport.Dial, for example to reconnect.
func Dial(n pion.Net, addr string, h transport.Handler, opts ...Option) (*Transport, *Conn, error) {
	t, err := newTransport(n, h, opts)
	if err != nil {
		return nil, nil, err
	}
	c, err := t.Dial(addr)
	if err != nil {
		return nil, nil, err
	}
	t.mu.Lock()
	t.local = c.nc.LocalAddr().String()
	t.mu.Unlock()
	return t, c, nil
}

// Dial opens another stream to addr, within Config.DialTimeout.
func (t *Transport) Dial(addr string) (*Conn, error) {
	if t.isClosed() {
		return nil, fmt.Errorf("tcp: dial %s: %w", addr, net.ErrClosed)
	}
	d := t.n.CreateDialer(&net.Dialer{Timeout: t.cfg.DialTimeout})
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("tcp: dial %s: %w", addr, err)
	}
	c, err := t.start(nc)
	if err != nil {
		return nil, fmt.Errorf("tcp: dial %s: %w", addr, err)
	}
	t.log.Debug("connected", zap.String("peer", c.peer), zap.String("local", nc.LocalAddr().String()))
	return c, nil
}

// listenAddr parses addr, asking n only for host names.
func listenAddr(n pion.Net, addr string) (*net.TCPAddr, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if host == "" {
		p, err := strconv.ParseUint(port, 10, 16)
		if err != nil {
			return nil, fmt.Errorf("bad port %q", port)
		}
		return &net.TCPAddr{Port: int(p)}, nil
	}
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		return net.TCPAddrFromAddrPort(netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())), nil
	}
	return n.ResolveTCPAddr("tcp", addr)
}

// LocalAddr returns the listening address, "host:port"; for a transport
// made by Dial, the local address of its first stream.
func (t *Transport) LocalAddr() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.local
}

// Conns returns the open streams.
func (t *Transport) Conns() []*Conn {
	t.mu.Lock()
	defer t.mu.Unlock()
	cs := make([]*Conn, 0, len(t.conns))
	for c := range t.conns {
		cs = append(cs, c)
	}
	return cs
}

// Send writes b as one TPKT frame on the stream to, a *Conn of this
// transport. See Conn.Send.
func (t *Transport) Send(to transport.SendHandle, b []byte) error {
	c, ok := to.(*Conn)
	if !ok || c == nil || c.t != t {
		return fmt.Errorf("tcp: send: handle %v (%T) is not a stream of this transport", to, to)
	}
	return c.Send(b)
}

// Close stops listening, closes every stream (each gets HandleClosed
// with a nil error) and waits for the accept and reader goroutines to
// return, which includes handler calls in progress: do not call it from
// a handler. Blocked reads and Sends are interrupted. Close is
// idempotent.
func (t *Transport) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		t.wg.Wait()
		return nil
	}
	t.closed = true
	close(t.stop)
	conns := make([]*Conn, 0, len(t.conns))
	for c := range t.conns {
		conns = append(conns, c)
	}
	t.mu.Unlock()

	var err error
	if t.ln != nil {
		if err = t.ln.Close(); err != nil {
			err = fmt.Errorf("tcp: close %s: %w", t.local, err)
		}
	}
	for _, c := range conns {
		c.shut(errClosedLocally)
	}
	t.wg.Wait()
	t.log.Debug("closed", zap.String("local", t.local))
	return err
}

func (t *Transport) isClosed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.closed
}

// start registers a new stream and starts its reader.
func (t *Transport) start(nc net.Conn) (*Conn, error) {
	c := newConn(t, nc)
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		nc.Close()
		return nil, net.ErrClosed
	}
	t.conns[c] = struct{}{}
	t.wg.Add(1)
	t.mu.Unlock()
	go c.read()
	return c, nil
}

func (t *Transport) remove(c *Conn) {
	t.mu.Lock()
	delete(t.conns, c)
	t.mu.Unlock()
}

// accept is the accept goroutine, owned by Close.
func (t *Transport) accept() {
	defer t.wg.Done()
	failures := 0
	for {
		nc, err := t.ln.Accept()
		if err != nil {
			if t.isClosed() {
				return
			}
			if errors.Is(err, net.ErrClosed) {
				t.log.Error("listener closed under the transport", zap.String("local", t.local), zap.Error(err))
				return
			}
			// Out of file descriptors and the like: wait, try again.
			failures++
			t.log.Warn("accept failed", zap.String("local", t.local), zap.Error(err))
			if !t.pause(failures) {
				return
			}
			continue
		}
		failures = 0
		c, err := t.start(nc)
		if err != nil {
			return
		}
		t.log.Debug("accepted", zap.String("peer", c.peer), zap.String("local", t.local))
	}
}

// pause waits after the failures-th accept error in a row: 5 ms doubling
// up to 1 s. It returns false when Close was called meanwhile.
func (t *Transport) pause(failures int) bool {
	d := min(5*time.Millisecond<<min(failures-1, 8), time.Second)
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-t.stop:
		return false
	}
}
