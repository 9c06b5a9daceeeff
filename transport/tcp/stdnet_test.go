package tcp_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/megaco/megaco/transport"
	"github.com/megaco/megaco/transport/tcp"
	"github.com/pion/transport/v3/stdnet"
)

// These tests run over the real network on 127.0.0.1 with ports picked by
// the system, and check after Close that no goroutine is left. They wait
// on channels only, never on the clock.

func stdNet(t testing.TB) *stdnet.Net {
	t.Helper()
	n, err := stdnet.NewNet()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStdnetEndToEnd(t *testing.T) {
	defer checkLeaks(t)()
	n := stdNet(t)
	srvRec := newRecorder()
	srvRec.echo = true
	srv, err := tcp.Listen(n, "127.0.0.1:0", srvRec)
	if err != nil {
		t.Fatal(err)
	}
	srvRec.set(srv)
	rec := newRecorder()
	mg, conn, err := tcp.Dial(n, srv.LocalAddr(), rec)
	if err != nil {
		t.Fatal(err)
	}
	largest := strings.Repeat("L", tcp.MaxFrameLen-tcp.HeaderLen)
	for _, msg := range []string{"small", strings.Repeat("m", 5000), largest} {
		if err := mg.Send(conn, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		if p := <-srvRec.packets; p.data != msg || p.from.String() != mg.LocalAddr() {
			t.Fatalf("MGC got %d bytes from %v", len(p.data), p.from)
		}
		if p := <-rec.packets; p.data != msg || p.from != transport.SendHandle(conn) {
			t.Fatalf("MG got %d bytes from %v", len(p.data), p.from)
		}
	}

	// A raw peer writes frames split into small pieces and many at once.
	raw, err := net.Dial("tcp", srv.LocalAddr())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range 200 {
		want = append(want, strings.Repeat(string(rune('a'+i%26)), i*7))
	}
	stream := frames(want...)
	for off := 0; off < len(stream); off += 333 {
		if _, err := raw.Write(stream[off:min(len(stream), off+333)]); err != nil {
			t.Fatal(err)
		}
	}
	for i, msg := range want {
		if i == 0 {
			continue // empty: a keep-alive
		}
		if p := <-srvRec.packets; p.data != msg {
			t.Fatalf("frame %d: %d bytes, want %d", i, len(p.data), len(msg))
		}
	}
	got, err := io.ReadAll(io.LimitReader(raw, int64(len(stream)-tcp.HeaderLen)))
	if err != nil || !bytes.Equal(got, stream[tcp.HeaderLen:]) {
		t.Fatalf("echo: %d bytes, %v", len(got), err)
	}
	raw.Close()
	if cl := <-srvRec.closed; cl.err != io.EOF {
		t.Fatalf("HandleClosed(%v, %v); want io.EOF", cl.from, cl.err)
	}

	if err := mg.Close(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestStdnetSplitAtEveryByte writes two frames in two writes, cut at
// every byte position, on a real stream (with TCP_NODELAY, as Go sets it):
// however the kernel delivers the pieces, the frames come out whole and
// in order.
func TestStdnetSplitAtEveryByte(t *testing.T) {
	defer checkLeaks(t)()
	rec := newRecorder()
	srv, err := tcp.Listen(stdNet(t), "127.0.0.1:0", rec)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := net.Dial("tcp", srv.LocalAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	first, second := "Transaction=1{}", "Transaction=2{Context=-{}}"
	stream := frames(first, second)
	for cut := 1; cut < len(stream); cut++ {
		c.Write(stream[:cut])
		c.Write(stream[cut:])
		if p := <-rec.packets; p.data != first {
			t.Fatalf("cut at %d: got %q", cut, p.data)
		}
		if p := <-rec.packets; p.data != second {
			t.Fatalf("cut at %d: got %q", cut, p.data)
		}
	}
}

// TestStdnetRejectionIsolated: a length bomb closes its own stream only.
func TestStdnetRejectionIsolated(t *testing.T) {
	defer checkLeaks(t)()
	n := stdNet(t)
	rec := newRecorder()
	srv, err := tcp.Listen(n, "127.0.0.1:0", rec, tcp.WithConfig(tcp.Config{MaxPDUSize: 1024}))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	good, err := net.Dial("tcp", srv.LocalAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()
	bomb, err := net.Dial("tcp", srv.LocalAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer bomb.Close()
	bomb.Write([]byte{3, 0, 0xff, 0xff, 1, 2, 3})
	cl := <-rec.closed
	if !errors.Is(cl.err, tcp.ErrFrameTooLong) || cl.from.String() != bomb.LocalAddr().String() {
		t.Fatalf("HandleClosed(%v, %v); want %s, ErrFrameTooLong", cl.from, cl.err, bomb.LocalAddr())
	}
	if _, err := bomb.Read(make([]byte, 1)); err == nil {
		t.Error("the bomb's stream is still open")
	}
	good.Write(frame("fine"))
	if p := <-rec.packets; p.data != "fine" {
		t.Fatalf("got %q", p.data)
	}
}

// TestStdnetCloseWithBlockedReaders: Close returns while readers are
// blocked — one peer in the middle of a frame, one silent, one dialed by
// the transport itself — reports each stream closed with nil, and leaves
// no goroutine behind.
func TestStdnetCloseWithBlockedReaders(t *testing.T) {
	check := checkLeaks(t)
	n := stdNet(t)
	rec := newRecorder()
	srv, err := tcp.Listen(n, "127.0.0.1:0", rec)
	if err != nil {
		t.Fatal(err)
	}
	other, err := tcp.Listen(n, "127.0.0.1:0", newRecorder())
	if err != nil {
		t.Fatal(err)
	}
	half, err := net.Dial("tcp", srv.LocalAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer half.Close()
	silent, err := net.Dial("tcp", srv.LocalAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	half.Write(append(frame("whole"), 3, 0, 1, 0, 'x'))
	if p := <-rec.packets; p.data != "whole" {
		t.Fatalf("got %q", p.data)
	}
	out, err := srv.Dial(other.LocalAddr())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if len(rec.closed) != 3 {
		t.Fatalf("%d HandleClosed calls, want 3", len(rec.closed))
	}
	for range 3 {
		if cl := <-rec.closed; cl.err != nil {
			t.Errorf("HandleClosed(%v, %v); want nil", cl.from, cl.err)
		}
	}
	if err := out.Send([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Send after Close = %v", err)
	}
	other.Close()
	check()
}

// signal is a Handler that reports each packet on a channel.
type signal chan struct{}

func (s signal) HandlePacket(transport.Packet)            { s <- struct{}{} }
func (s signal) HandleClosed(transport.SendHandle, error) {}

// echoer is a Handler that sends each packet back on its stream.
type echoer struct{ t atomic.Pointer[tcp.Transport] }

func (e *echoer) HandlePacket(p transport.Packet)          { e.t.Load().Send(p.From, p.Data) }
func (e *echoer) HandleClosed(transport.SendHandle, error) {}

// BenchmarkLoopback: TPKT round trips over 127.0.0.1 (stdnet).
func BenchmarkLoopback(b *testing.B) {
	for _, size := range []int{100, 1400, 8000} {
		b.Run(fmt.Sprintf("%dB", size), func(b *testing.B) {
			n := stdNet(b)
			e := &echoer{}
			srv, err := tcp.Listen(n, "127.0.0.1:0", e)
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			e.t.Store(srv)
			got := make(signal, 1)
			mg, conn, err := tcp.Dial(n, srv.LocalAddr(), got)
			if err != nil {
				b.Fatal(err)
			}
			defer mg.Close()
			var to transport.SendHandle = conn // boxed once, as the engine keeps it
			msg := make([]byte, size)
			b.SetBytes(int64(2 * size))
			b.ReportAllocs()
			for b.Loop() {
				if err := mg.Send(to, msg); err != nil {
					b.Fatal(err)
				}
				<-got
			}
		})
	}
}
