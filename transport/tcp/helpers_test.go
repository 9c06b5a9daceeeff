package tcp_test

import (
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/megaco/megaco/transport"
	"github.com/megaco/megaco/transport/memnet"
	"github.com/megaco/megaco/transport/tcp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// packet is a received frame, copied out of the reader's buffer.
type packet struct {
	data string
	from transport.SendHandle
}

// closed is a HandleClosed call.
type closed struct {
	from transport.SendHandle
	err  error
	at   time.Time
}

// recorder is a Handler that queues what it gets. With echo set it sends
// each packet back on its stream.
type recorder struct {
	packets chan packet
	closed  chan closed
	echo    bool

	mu sync.Mutex
	t  *tcp.Transport
}

func newRecorder() *recorder {
	return &recorder{packets: make(chan packet, 10000), closed: make(chan closed, 100)}
}

func (r *recorder) set(t *tcp.Transport) {
	r.mu.Lock()
	r.t = t
	r.mu.Unlock()
}

func (r *recorder) HandlePacket(p transport.Packet) {
	r.packets <- packet{string(p.Data), p.From}
	if r.echo {
		r.mu.Lock()
		t := r.t
		r.mu.Unlock()
		t.Send(p.From, p.Data)
	}
}

func (r *recorder) HandleClosed(from transport.SendHandle, err error) {
	r.closed <- closed{from, err, time.Now()}
}

// drain returns the packets received so far.
func (r *recorder) drain() []packet {
	var ps []packet
	for {
		select {
		case p := <-r.packets:
			ps = append(ps, p)
		default:
			return ps
		}
	}
}

func frame(payload string) []byte {
	b, err := tcp.AppendFrame(nil, []byte(payload))
	if err != nil {
		panic(err)
	}
	return b
}

func frames(payloads ...string) []byte {
	var b []byte
	for _, p := range payloads {
		b = append(b, frame(p)...)
	}
	return b
}

// observed returns a logger that keeps its entries.
func observed() (*zap.Logger, *observer.ObservedLogs) {
	core, logs := observer.New(zapcore.DebugLevel)
	return zap.New(core), logs
}

// world is an in-memory network with an MGC host and gateway hosts; build
// it inside the bubble that uses it.
type world struct {
	nw  *memnet.Network
	mgc *memnet.Net
	mgs []*memnet.Net
}

func newWorld(t *testing.T, cfg memnet.Config, gateways int) *world {
	t.Helper()
	w := &world{nw: memnet.NewNetwork(cfg)}
	var err error
	if w.mgc, err = w.nw.Host("10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	for i := range gateways {
		mg, err := w.nw.Host(net.IPv4(10, 0, 1, byte(i+1)).String())
		if err != nil {
			t.Fatal(err)
		}
		w.mgs = append(w.mgs, mg)
	}
	return w
}

// listen starts a TCP transport on the MGC host, closed at cleanup.
func (w *world) listen(t *testing.T, h transport.Handler, opts ...tcp.Option) *tcp.Transport {
	t.Helper()
	tr, err := tcp.Listen(w.mgc, "10.0.0.1:0", h, opts...)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { tr.Close() })
	if r, ok := h.(*recorder); ok {
		r.set(tr)
	}
	return tr
}

// raw opens a bare stream from gateway i to addr, to write anything.
func (w *world) raw(t *testing.T, i int, addr string) net.Conn {
	t.Helper()
	c, err := w.mgs[i].Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func write(t *testing.T, c net.Conn, b []byte) {
	t.Helper()
	if _, err := c.Write(b); err != nil {
		t.Fatalf("write: %v", err)
	}
}

var errRefused = syscall.ECONNREFUSED

func zapString(key, value string) zap.Field { return zap.String(key, value) }
