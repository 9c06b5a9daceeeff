package tcp_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/megaco/megaco/transport"
	"github.com/megaco/megaco/transport/memnet"
	"github.com/megaco/megaco/transport/tcp"
)

// TestSplitAtEveryByte writes two frames in two pieces, cut at every byte
// position in turn: after the first piece exactly the frames it completes
// have arrived, after the second all of them.
func TestSplitAtEveryByte(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, memnet.Config{}, 1)
		rec := newRecorder()
		srv := w.listen(t, rec)
		c := w.raw(t, 0, srv.LocalAddr())
		first, second := "MEGACO/1 [10.0.1.1]:2944 Transaction=1{}", "MEGACO/1 [10.0.1.1]:2944 Transaction=2{}"
		stream := frames(first, second)
		for cut := 1; cut < len(stream); cut++ {
			write(t, c, stream[:cut])
			synctest.Wait()
			got := rec.drain()
			want := 0
			if cut >= len(frame(first)) {
				want = 1
			}
			if len(got) != want {
				t.Fatalf("cut at %d: %d frames after the first piece, want %d", cut, len(got), want)
			}
			write(t, c, stream[cut:])
			synctest.Wait()
			got = append(got, rec.drain()...)
			if len(got) != 2 || got[0].data != first || got[1].data != second {
				t.Fatalf("cut at %d: got %v", cut, got)
			}
		}
	})
}

// TestByteAtATime writes a frame one byte per write.
func TestByteAtATime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, memnet.Config{}, 1)
		rec := newRecorder()
		srv := w.listen(t, rec)
		c := w.raw(t, 0, srv.LocalAddr())
		msg := strings.Repeat("a Megaco message ", 300) // over 4 KiB: the buffer grows
		for i, b := range frame(msg) {
			if len(rec.packets) != 0 {
				t.Fatalf("a frame arrived after %d bytes", i)
			}
			write(t, c, []byte{b})
			synctest.Wait()
		}
		if p := <-rec.packets; p.data != msg {
			t.Fatalf("got %d bytes", len(p.data))
		}
	})
}

// TestManyPDUsInOneWrite writes a thousand frames with one write: they
// arrive one by one, in order, from the same handle.
func TestManyPDUsInOneWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, memnet.Config{}, 1)
		rec := newRecorder()
		srv := w.listen(t, rec)
		c := w.raw(t, 0, srv.LocalAddr())
		var want []string
		for i := range 1000 {
			want = append(want, fmt.Sprintf("message %d %s", i, strings.Repeat("x", i%50)))
		}
		write(t, c, frames(want...))
		var from transport.SendHandle
		for i, msg := range want {
			p := <-rec.packets
			if p.data != msg {
				t.Fatalf("frame %d: %q, want %q", i, p.data, msg)
			}
			if i == 0 {
				from = p.from
			} else if p.from != from {
				t.Fatalf("frame %d from %v, frame 0 from %v", i, p.from, from)
			}
		}
		if from.String() != c.LocalAddr().String() {
			t.Errorf("From = %s, want the peer %s", from, c.LocalAddr())
		}
	})
}

// TestRejections sends a bad frame after a good one on one stream: the
// good one is delivered, the stream is closed with the reason, one log
// line names the peer and the reason, and another stream on the same
// listener keeps working.
func TestRejections(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cfg    tcp.Config
		bad    []byte
		err    error
		reason string
	}{
		{"bad version", tcp.Config{}, []byte{2, 0, 0, 8, 'a', 'b', 'c', 'd'}, tcp.ErrBadVersion, "bad version"},
		{"not TPKT", tcp.Config{}, []byte("MEGACO/1 [10.0.1.1]:2944\n"), tcp.ErrBadVersion, "bad version"},
		{"length 0", tcp.Config{}, []byte{3, 0, 0, 0}, tcp.ErrFrameTooShort, "length under 4"},
		{"length 3", tcp.Config{}, []byte{3, 0, 0, 3}, tcp.ErrFrameTooShort, "length under 4"},
		{"length bomb", tcp.Config{MaxPDUSize: 1024}, []byte{3, 0, 0xff, 0xff}, tcp.ErrFrameTooLong, "length over maximum"},
		{"one over the maximum", tcp.Config{MaxPDUSize: 1024}, []byte{3, 0, 4, 1}, tcp.ErrFrameTooLong, "length over maximum"},
		{"strict reserved", tcp.Config{StrictReserved: true}, []byte{3, 1, 0, 5, 'x'}, tcp.ErrBadReserved, "bad reserved byte"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				w := newWorld(t, memnet.Config{}, 2)
				log, logs := observed()
				rec := newRecorder()
				srv := w.listen(t, rec, tcp.WithLogger(log), tcp.WithConfig(tc.cfg))
				bad := w.raw(t, 0, srv.LocalAddr())
				good := w.raw(t, 1, srv.LocalAddr())

				write(t, bad, append(frame("before"), tc.bad...))
				if p := <-rec.packets; p.data != "before" {
					t.Fatalf("got %q", p.data)
				}
				cl := <-rec.closed
				if !errors.Is(cl.err, tc.err) {
					t.Fatalf("HandleClosed(%v, %v); want %v", cl.from, cl.err, tc.err)
				}
				if cl.from.String() != bad.LocalAddr().String() {
					t.Errorf("HandleClosed for %s, want %s", cl.from, bad.LocalAddr())
				}
				if _, err := bad.Read(make([]byte, 1)); err != io.EOF {
					t.Errorf("the bad peer reads %v, want io.EOF", err)
				}
				if err := srv.Send(cl.from, []byte("late")); !errors.Is(err, net.ErrClosed) {
					t.Errorf("Send on the closed stream = %v; want net.ErrClosed", err)
				}

				lines := logs.FilterMessage("stream rejected").All()
				if len(lines) != 1 {
					t.Fatalf("%d log lines, want 1: %v", len(lines), logs.All())
				}
				fields := lines[0].ContextMap()
				if fields["peer"] != bad.LocalAddr().String() || fields["reason"] != tc.reason {
					t.Errorf("log fields %v; want peer %s, reason %q", fields, bad.LocalAddr(), tc.reason)
				}
				if lines[0].LoggerName != "transport.tcp" {
					t.Errorf("logger %q", lines[0].LoggerName)
				}

				write(t, good, frame("still here"))
				if p := <-rec.packets; p.data != "still here" {
					t.Fatalf("other stream: got %q", p.data)
				}
				if len(srv.Conns()) != 1 {
					t.Errorf("%d streams open, want 1", len(srv.Conns()))
				}
			})
		})
	}
}

// TestReservedAccepted: by default a reserved byte other than 0 is
// accepted, and logged once per stream.
func TestReservedAccepted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, memnet.Config{}, 1)
		log, logs := observed()
		rec := newRecorder()
		srv := w.listen(t, rec, tcp.WithLogger(log))
		c := w.raw(t, 0, srv.LocalAddr())
		write(t, c, []byte{3, 1, 0, 6, 'o', 'n', 3, 2, 0, 7, 't', 'w', 'o'})
		for _, want := range []string{"on", "two"} {
			if p := <-rec.packets; p.data != want {
				t.Fatalf("got %q, want %q", p.data, want)
			}
		}
		if n := logs.FilterMessageSnippet("reserved").Len(); n != 1 {
			t.Errorf("%d log lines about the reserved byte, want 1", n)
		}
		synctest.Wait()
		if len(rec.closed) != 0 {
			t.Error("stream closed")
		}
	})
}

// TestEmptyFrameIgnored: a frame with no payload (length 4) is a
// keep-alive, not a message.
func TestEmptyFrameIgnored(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, memnet.Config{}, 1)
		rec := newRecorder()
		srv := w.listen(t, rec)
		c := w.raw(t, 0, srv.LocalAddr())
		write(t, c, frames("", "m", ""))
		if p := <-rec.packets; p.data != "m" {
			t.Fatalf("got %q", p.data)
		}
		synctest.Wait()
		if len(rec.packets) != 0 || len(rec.closed) != 0 {
			t.Fatal("empty frames delivered or stream closed")
		}
	})
}

// TestDialEcho: a gateway dials, the MGC answers on the handle of the
// request, and both sides see the other's address in the handles.
func TestDialEcho(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, memnet.Config{}, 1)
		srvRec := newRecorder()
		srvRec.echo = true
		srv := w.listen(t, srvRec)

		rec := newRecorder()
		mg, conn, err := tcp.Dial(w.mgs[0], srv.LocalAddr(), rec)
		if err != nil {
			t.Fatal(err)
		}
		defer mg.Close()
		if conn.String() != srv.LocalAddr() {
			t.Errorf("Conn.String() = %s, want %s", conn, srv.LocalAddr())
		}
		if mg.LocalAddr() != conn.LocalAddr().String() || !strings.HasPrefix(mg.LocalAddr(), "10.0.1.1:") {
			t.Errorf("LocalAddr() = %s", mg.LocalAddr())
		}
		for i := range 3 {
			msg := fmt.Sprintf("request %d", i)
			if err := mg.Send(conn, []byte(msg)); err != nil {
				t.Fatal(err)
			}
			p := <-srvRec.packets
			if p.data != msg || p.from.String() != mg.LocalAddr() {
				t.Fatalf("MGC got %q from %v", p.data, p.from)
			}
			r := <-rec.packets
			if r.data != msg || r.from != transport.SendHandle(conn) {
				t.Fatalf("MG got %q from %v, want from %v", r.data, r.from, conn)
			}
		}
	})
}

// TestHandleClosed: who closed a stream decides the error each side gets.
func TestHandleClosed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, memnet.Config{}, 1)
		srvRec := newRecorder()
		srv := w.listen(t, srvRec)
		rec := newRecorder()
		mg, conn, err := tcp.Dial(w.mgs[0], srv.LocalAddr(), rec)
		if err != nil {
			t.Fatal(err)
		}
		defer mg.Close()

		// Closed locally: nil here, io.EOF at the peer.
		conn.Close()
		if cl := <-rec.closed; cl.err != nil || cl.from != transport.SendHandle(conn) {
			t.Fatalf("local side: HandleClosed(%v, %v)", cl.from, cl.err)
		}
		if cl := <-srvRec.closed; cl.err != io.EOF {
			t.Fatalf("peer side: HandleClosed(%v, %v); want io.EOF", cl.from, cl.err)
		}
		if err := mg.Send(conn, []byte("x")); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Send after Close = %v", err)
		}

		// The peer leaves within a frame.
		c := w.raw(t, 0, srv.LocalAddr())
		write(t, c, frame("whole")[:3])
		synctest.Wait()
		c.Close()
		if cl := <-srvRec.closed; !errors.Is(cl.err, io.ErrUnexpectedEOF) {
			t.Fatalf("HandleClosed(%v, %v); want io.ErrUnexpectedEOF", cl.from, cl.err)
		}

		// Reconnect on the same transport.
		conn2, err := mg.Dial(srv.LocalAddr())
		if err != nil {
			t.Fatal(err)
		}
		if err := mg.Send(conn2, []byte("again")); err != nil {
			t.Fatal(err)
		}
		if p := <-srvRec.packets; p.data != "again" {
			t.Fatalf("got %q", p.data)
		}
		// Transport.Close reports every stream with nil.
		mg.Close()
		if cl := <-rec.closed; cl.err != nil || cl.from != transport.SendHandle(conn2) {
			t.Fatalf("after Close: HandleClosed(%v, %v)", cl.from, cl.err)
		}
		if _, err := mg.Dial(srv.LocalAddr()); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Dial after Close = %v", err)
		}
	})
}

type otherHandle struct{}

func (otherHandle) String() string { return "other" }

func TestSendErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, memnet.Config{}, 1)
		srv := w.listen(t, newRecorder(), tcp.WithConfig(tcp.Config{MaxPDUSize: 100}))
		other := w.listen(t, newRecorder())
		_, conn, err := tcp.Dial(w.mgs[0], srv.LocalAddr(), newRecorder(), tcp.WithConfig(tcp.Config{MaxPDUSize: 100}))
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			to   transport.SendHandle
		}{{"foreign handle", otherHandle{}}, {"nil", nil}, {"nil conn", (*tcp.Conn)(nil)}, {"other transport's conn", conn}} {
			if err := other.Send(tc.to, []byte("x")); err == nil {
				t.Errorf("%s: Send succeeded", tc.name)
			}
		}
		if err := conn.Send(make([]byte, 97)); !errors.Is(err, tcp.ErrFrameTooLong) {
			t.Errorf("Send of 101 bytes framed, maximum 100: %v", err)
		}
		if err := conn.Send(make([]byte, 96)); err != nil {
			t.Errorf("Send of 100 bytes framed: %v", err)
		}
		conn.Close()
	})
}

func TestConfigAndListenErrors(t *testing.T) {
	nw := memnet.NewNetwork(memnet.Config{})
	n, _ := nw.Host("10.0.0.1")
	h := newRecorder()
	for _, tc := range []struct {
		name string
		addr string
		cfg  tcp.Config
	}{
		{"max 3", "10.0.0.1:0", tcp.Config{MaxPDUSize: 3}},
		{"max 65536", "10.0.0.1:0", tcp.Config{MaxPDUSize: 65536}},
		{"no port", "10.0.0.1", tcp.Config{}},
		{"bad port", ":x", tcp.Config{}},
		{"foreign address", "10.0.0.2:0", tcp.Config{}},
		{"host name", "mgc.invalid:0", tcp.Config{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tr, err := tcp.Listen(n, tc.addr, h, tcp.WithConfig(tc.cfg)); err == nil {
				tr.Close()
				t.Fatal("Listen succeeded")
			}
		})
	}
	if _, err := tcp.Listen(nil, ":0", h); err == nil {
		t.Error("Listen without a network succeeded")
	}
	if _, err := tcp.Listen(n, ":0", nil); err == nil {
		t.Error("Listen without a handler succeeded")
	}
	if _, _, err := tcp.Dial(n, "10.0.0.1:9", h); !errors.Is(err, errRefused) {
		t.Errorf("Dial to a closed port = %v", err)
	}
	if _, _, err := tcp.Dial(n, "10.0.0.1:9", h, tcp.WithConfig(tcp.Config{MaxPDUSize: 1})); err == nil {
		t.Error("Dial with MaxPDUSize 1 succeeded")
	}
}

// TestSlowloris: one peer sends a header and stalls, another trickles a
// byte a second; both are cut off when FrameTimeout runs out, to the
// second, while a well-behaved peer on the same listener is served all
// along.
func TestSlowloris(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, memnet.Config{}, 3)
		log, logs := observed()
		srvRec := newRecorder()
		srvRec.echo = true
		srv := w.listen(t, srvRec, tcp.WithLogger(log), tcp.WithConfig(tcp.Config{FrameTimeout: 10 * time.Second}))
		start := time.Now()

		stall := w.raw(t, 0, srv.LocalAddr())
		write(t, stall, []byte{3, 0, 0, 100})

		trickle := w.raw(t, 1, srv.LocalAddr())
		go func() {
			for _, b := range frame(strings.Repeat("t", 96)) {
				if _, err := trickle.Write([]byte{b}); err != nil {
					return
				}
				time.Sleep(time.Second)
			}
		}()

		rec := newRecorder()
		mg, conn, err := tcp.Dial(w.mgs[2], srv.LocalAddr(), rec)
		if err != nil {
			t.Fatal(err)
		}
		defer mg.Close()
		for i := range 30 {
			msg := fmt.Sprintf("notify %d", i)
			if err := conn.Send([]byte(msg)); err != nil {
				t.Fatalf("at %v: %v", time.Since(start), err)
			}
			if p := <-rec.packets; p.data != msg {
				t.Fatalf("got %q", p.data)
			}
			time.Sleep(time.Second)
		}

		var cut []closed
		for range 2 {
			cut = append(cut, <-srvRec.closed)
		}
		for _, cl := range cut {
			if !errors.Is(cl.err, tcp.ErrFrameTimeout) {
				t.Errorf("%v closed with %v, want ErrFrameTimeout", cl.from, cl.err)
			}
			if d := cl.at.Sub(start); d != 10*time.Second {
				t.Errorf("%v cut off after %v, want 10s", cl.from, d)
			}
		}
		if n := logs.FilterMessage("stream rejected").FilterField(zapString("reason", "frame timeout")).Len(); n != 2 {
			t.Errorf("%d log lines about frame timeouts, want 2", n)
		}
		if len(srvRec.closed) != 0 {
			t.Error("the good stream was closed")
		}
		// The idle good stream is not cut off: there is no idle timeout.
		time.Sleep(time.Hour)
		if err := conn.Send([]byte("after an hour")); err != nil {
			t.Fatal(err)
		}
		if p := <-rec.packets; p.data != "after an hour" {
			t.Fatalf("got %q", p.data)
		}
	})
}

// TestFrameTimeoutPerFrame: the frame timeout runs from each frame's
// first byte, also for a frame that begins in the read that completed
// the one before.
func TestFrameTimeoutPerFrame(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, memnet.Config{}, 1)
		rec := newRecorder()
		srv := w.listen(t, rec, tcp.WithConfig(tcp.Config{FrameTimeout: 10 * time.Second}))
		c := w.raw(t, 0, srv.LocalAddr())
		start := time.Now()
		two := frames("one", "two")
		write(t, c, two[:5]) // frame one begins at 0 s
		time.Sleep(8 * time.Second)
		write(t, c, two[5:10]) // one completes, two begins at 8 s
		time.Sleep(9 * time.Second)
		write(t, c, two[10:]) // two completes at 17 s: in time
		for _, want := range []string{"one", "two"} {
			if p := <-rec.packets; p.data != want {
				t.Fatalf("got %q", p.data)
			}
		}
		write(t, c, two[:1]) // begins at 17 s, never ends
		cl := <-rec.closed
		if !errors.Is(cl.err, tcp.ErrFrameTimeout) || cl.at.Sub(start) != 27*time.Second {
			t.Fatalf("closed with %v after %v; want ErrFrameTimeout after 27s", cl.err, cl.at.Sub(start))
		}
	})
}

// TestIdleTimeout: with IdleTimeout set, a stream on which no frame
// begins for that long is closed; each frame restarts the count.
func TestIdleTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, memnet.Config{}, 1)
		rec := newRecorder()
		srv := w.listen(t, rec, tcp.WithConfig(tcp.Config{IdleTimeout: 30 * time.Second}))
		c := w.raw(t, 0, srv.LocalAddr())
		start := time.Now()
		time.Sleep(20 * time.Second)
		write(t, c, frame("at 20s"))
		time.Sleep(25 * time.Second)
		write(t, c, frame("at 45s"))
		cl := <-rec.closed
		if !errors.Is(cl.err, tcp.ErrIdleTimeout) || cl.at.Sub(start) != 75*time.Second {
			t.Fatalf("closed with %v after %v; want ErrIdleTimeout after 75s", cl.err, cl.at.Sub(start))
		}
		if n := len(rec.drain()); n != 2 {
			t.Fatalf("%d frames", n)
		}
	})
}

// TestWriteTimeout: a peer that reads nothing fills the window; Send gives
// up after WriteTimeout and closes the stream, whose frame may be cut.
func TestWriteTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, memnet.Config{StreamWindow: 1000}, 1)
		rec := newRecorder()
		srv := w.listen(t, rec, tcp.WithConfig(tcp.Config{WriteTimeout: 5 * time.Second}))
		c := w.raw(t, 0, srv.LocalAddr())
		write(t, c, frame("hello"))
		p := <-rec.packets
		start := time.Now()
		err := srv.Send(p.from, make([]byte, 2000))
		if !errors.Is(err, os.ErrDeadlineExceeded) || time.Since(start) != 5*time.Second {
			t.Fatalf("Send = %v after %v; want a timeout after 5s", err, time.Since(start))
		}
		cl := <-rec.closed
		if !errors.Is(cl.err, os.ErrDeadlineExceeded) {
			t.Fatalf("HandleClosed(%v, %v)", cl.from, cl.err)
		}
	})
}

// TestConcurrentSends: frames sent at once on one stream arrive whole,
// even when each write has to wait for the window.
func TestConcurrentSends(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, memnet.Config{StreamWindow: 1000}, 1)
		srv := w.listen(t, newRecorder())
		rec := newRecorder()
		mg, conn, err := tcp.Dial(w.mgs[0], srv.LocalAddr(), rec)
		if err != nil {
			t.Fatal(err)
		}
		defer mg.Close()
		srvConn := <-waitConn(t, srv)
		const senders = 10
		errs := make(chan error, senders)
		for i := range senders {
			go func() {
				errs <- srv.Send(srvConn, bytes.Repeat([]byte{'a' + byte(i)}, 3000))
			}()
		}
		for range senders {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		seen := map[byte]bool{}
		for range senders {
			p := <-rec.packets
			if len(p.data) != 3000 || strings.Count(p.data, p.data[:1]) != 3000 {
				t.Fatalf("mixed frame: %q...", p.data[:50])
			}
			seen[p.data[0]] = true
		}
		if len(seen) != senders {
			t.Fatalf("%d distinct frames", len(seen))
		}
		_ = conn
	})
}

// waitConn returns the first stream srv accepted, once it has one.
func waitConn(t *testing.T, srv *tcp.Transport) <-chan *tcp.Conn {
	t.Helper()
	synctest.Wait()
	cs := srv.Conns()
	if len(cs) != 1 {
		t.Fatalf("%d streams", len(cs))
	}
	ch := make(chan *tcp.Conn, 1)
	ch <- cs[0]
	return ch
}

// TestCloseInterruptsEverything: Close returns while readers wait for
// frames that never end, a Send waits for a window that never opens and
// another Send waits for that one; every stream is reported closed with
// nil, and synctest.Test fails if any goroutine is left.
func TestCloseInterruptsEverything(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, memnet.Config{StreamWindow: 100}, 3)
		rec := newRecorder()
		srv := w.listen(t, rec, tcp.WithConfig(tcp.Config{FrameTimeout: -1, WriteTimeout: -1}))
		half := w.raw(t, 0, srv.LocalAddr())
		write(t, half, []byte{3, 0, 1, 0, 'x'})
		w.raw(t, 1, srv.LocalAddr()) // silent
		deaf := w.raw(t, 2, srv.LocalAddr())
		write(t, deaf, frame("hi"))
		p := <-rec.packets
		sendErrs := make(chan error, 2)
		for range 2 {
			go func() { sendErrs <- srv.Send(p.from, make([]byte, 1000)) }()
		}
		synctest.Wait()
		if len(sendErrs) != 0 {
			t.Fatal("a Send returned before Close")
		}

		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := <-sendErrs; !errors.Is(err, net.ErrClosed) {
				t.Errorf("blocked Send after Close = %v; want net.ErrClosed", err)
			}
		}
		if len(rec.closed) != 3 {
			t.Fatalf("%d HandleClosed calls, want 3", len(rec.closed))
		}
		for range 3 {
			if cl := <-rec.closed; cl.err != nil {
				t.Errorf("HandleClosed(%v, %v); want nil", cl.from, cl.err)
			}
		}
		for _, c := range []net.Conn{half, deaf} {
			if _, err := io.ReadAll(c); err != nil {
				t.Errorf("peer read: %v", err)
			}
		}
		if _, err := w.mgs[0].Dial("tcp", srv.LocalAddr()); err == nil {
			t.Error("the listener still accepts")
		}
		if err := srv.Close(); err != nil {
			t.Errorf("second Close = %v", err)
		}
	})
}
