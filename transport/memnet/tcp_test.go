package memnet_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/megaco/megaco/transport/memnet"
	pion "github.com/pion/transport/v3"
)

// pair returns both ends of a stream from host b to a listener on host a.
func pair(t *testing.T, nw *memnet.Network) (client, server pion.TCPConn) {
	t.Helper()
	a, b := host(t, nw, "10.0.0.1"), host(t, nw, "10.0.0.2")
	ln, err := a.ListenTCP("tcp", &net.TCPAddr{IP: net.ParseIP("10.0.0.1")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	c, err := b.DialTCP("tcp", nil, ln.Addr().(*net.TCPAddr))
	if err != nil {
		t.Fatal(err)
	}
	s, err := ln.AcceptTCP()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return c, s
}

func readString(t *testing.T, c net.Conn, size int) string {
	t.Helper()
	buf := make([]byte, size)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return string(buf[:n])
}

func TestStreamEcho(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{})
		c, s := pair(t, nw)
		if c.RemoteAddr().String() != s.LocalAddr().String() || s.RemoteAddr().String() != c.LocalAddr().String() {
			t.Fatalf("addresses: client %s→%s, server %s→%s", c.LocalAddr(), c.RemoteAddr(), s.LocalAddr(), s.RemoteAddr())
		}
		if !strings.HasPrefix(c.LocalAddr().String(), "10.0.0.2:") || s.LocalAddr().String() != c.RemoteAddr().String() {
			t.Errorf("client address %s", c.LocalAddr())
		}
		c.Write([]byte("hello"))
		if got := readString(t, s, 100); got != "hello" {
			t.Fatalf("server read %q", got)
		}
		s.Write([]byte("world"))
		if got := readString(t, c, 100); got != "world" {
			t.Fatalf("client read %q", got)
		}
	})
}

func TestStreamReadsFollowWrites(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{})
		c, s := pair(t, nw)
		for _, w := range []string{"ab", "cde", "f"} {
			c.Write([]byte(w))
		}
		for _, want := range []string{"ab", "cd", "e", "f"} {
			size := 100
			if want == "cd" {
				size = 2
			}
			if got := readString(t, s, size); got != want {
				t.Fatalf("Read = %q, want %q", got, want)
			}
		}
	})
}

func TestStreamClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{})
		c, s := pair(t, nw)
		c.Write([]byte("last words"))
		c.Close()
		if got := readString(t, s, 100); got != "last words" {
			t.Fatalf("Read = %q", got)
		}
		if n, err := s.Read(make([]byte, 10)); n != 0 || err != io.EOF {
			t.Fatalf("Read after peer Close = %d, %v; want io.EOF", n, err)
		}
		if _, err := s.Write([]byte("anyone?")); !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("Write after peer Close = %v; want ECONNRESET", err)
		}
		if _, err := c.Read(make([]byte, 10)); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Read after Close = %v; want net.ErrClosed", err)
		}
		if err := c.Close(); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("second Close = %v; want net.ErrClosed", err)
		}
	})
}

func TestStreamHalfClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{})
		c, s := pair(t, nw)
		c.Write([]byte("request"))
		c.CloseWrite()
		if _, err := c.Write([]byte("more")); !errors.Is(err, syscall.EPIPE) {
			t.Fatalf("Write after CloseWrite = %v; want EPIPE", err)
		}
		got, err := io.ReadAll(s)
		if err != nil || string(got) != "request" {
			t.Fatalf("ReadAll = %q, %v", got, err)
		}
		s.Write([]byte("reply"))
		if got := readString(t, c, 100); got != "reply" {
			t.Fatalf("reply %q", got)
		}
		s.CloseRead()
		if _, err := c.Write([]byte("x")); err == nil {
			// EPIPE: this end closed its write side before.
			t.Fatal("Write succeeded")
		}
		if n, err := s.Read(make([]byte, 1)); n != 0 || err != io.EOF {
			t.Fatalf("Read after CloseRead = %d, %v", n, err)
		}
	})
}

func TestStreamDialRefused(t *testing.T) {
	nw := memnet.NewNetwork(memnet.Config{Backlog: 1})
	a, b := host(t, nw, "10.0.0.1"), host(t, nw, "10.0.0.2")
	if _, err := b.Dial("tcp", "10.0.0.1:7001"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("Dial without listener = %v; want ECONNREFUSED", err)
	}
	if _, err := b.Dial("tcp", "10.9.9.9:7001"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("Dial to no host = %v; want ECONNREFUSED", err)
	}
	ln, err := a.ListenTCP("tcp", nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := "10.0.0.1:" + strings.Split(ln.Addr().String(), ":")[1]
	c1, err := b.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	// The backlog (1) is full until the listener accepts.
	if _, err := b.Dial("tcp", addr); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("Dial beyond the backlog = %v; want ECONNREFUSED", err)
	}
	// Closing the listener closes what it had not accepted.
	ln.Close()
	if _, err := c1.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("Read on a stream never accepted = %v; want io.EOF", err)
	}
	c1.Close()
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Accept after Close = %v", err)
	}
	// The ports are free again.
	ln2, err := a.ListenTCP("tcp", ln.Addr().(*net.TCPAddr))
	if err != nil {
		t.Fatalf("listen again: %v", err)
	}
	ln2.Close()
}

func TestStreamWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{StreamWindow: 16})
		c, s := pair(t, nw)
		data := bytes.Repeat([]byte("0123456789abcdef"), 3)
		done := make(chan int)
		go func() {
			n, _ := c.Write(data)
			done <- n
		}()
		synctest.Wait()
		select {
		case n := <-done:
			t.Fatalf("Write of 48 bytes into a 16-byte window returned %d before any read", n)
		default:
		}
		got, err := io.ReadAll(io.LimitReader(s, int64(len(data))))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("read %q, %v", got, err)
		}
		if n := <-done; n != len(data) {
			t.Fatalf("Write = %d", n)
		}
	})
}

func TestStreamDeadlines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{StreamWindow: 4})
		c, s := pair(t, nw)
		start := time.Now()

		s.SetReadDeadline(start.Add(2 * time.Second))
		_, err := s.Read(make([]byte, 10))
		if !errors.Is(err, os.ErrDeadlineExceeded) || time.Since(start) != 2*time.Second {
			t.Fatalf("Read = %v after %v; want a timeout after 2s", err, time.Since(start))
		}
		s.SetReadDeadline(time.Time{})

		c.SetWriteDeadline(time.Now().Add(time.Second))
		n, err := c.Write([]byte("123456"))
		if n != 4 || !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("Write into a full window = %d, %v; want 4 and a timeout", n, err)
		}
		if d := time.Since(start); d != 3*time.Second {
			t.Errorf("write timed out at %v, want 3s", d)
		}
		c.SetWriteDeadline(time.Time{})
		if got := readString(t, s, 10); got != "1234" {
			t.Fatalf("Read = %q", got)
		}

		ln, err := host(t, nw, "10.0.0.3").ListenTCP("tcp", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		ln.SetDeadline(time.Now().Add(time.Minute))
		if _, err := ln.Accept(); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("Accept = %v; want a timeout", err)
		}
		if d := time.Since(start); d != 3*time.Second+time.Minute {
			t.Errorf("accept timed out at %v", d)
		}
	})
}

func TestStreamCloseUnblocks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{StreamWindow: 1})
		c, s := pair(t, nw)
		errs := make(chan error, 3)
		go func() { _, err := s.Read(make([]byte, 1)); errs <- err }()
		go func() { _, err := s.Read(make([]byte, 1)); errs <- err }() // waits for the first
		go func() { _, err := s.Write([]byte("xyz")); errs <- err }()  // window full after x
		synctest.Wait()
		s.Close()
		for range 3 {
			if err := <-errs; !errors.Is(err, net.ErrClosed) {
				t.Errorf("blocked call after Close = %v; want net.ErrClosed", err)
			}
		}
		if got := readString(t, c, 10); got != "x" {
			t.Errorf("client read %q", got)
		}
	})
}

func TestStreamConcurrentWrites(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{StreamWindow: 7})
		c, s := pair(t, nw)
		// Writes do not interleave: each is whole before the next starts.
		for _, b := range []byte("abc") {
			go c.Write(bytes.Repeat([]byte{b}, 20))
		}
		got, err := io.ReadAll(io.LimitReader(s, 60))
		if err != nil || len(got) != 60 {
			t.Fatalf("read %q, %v", got, err)
		}
		for i := 0; i < 60; i += 20 {
			if bytes.Count(got[i:i+20], got[i:i+1]) != 20 {
				t.Fatalf("interleaved writes: %q", got)
			}
		}
	})
}

func TestStreamReadFrom(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{})
		c, s := pair(t, nw)
		go func() {
			c.ReadFrom(strings.NewReader("copied"))
			c.CloseWrite()
		}()
		got, err := io.ReadAll(s)
		if err != nil || string(got) != "copied" {
			t.Fatalf("ReadAll = %q, %v", got, err)
		}
	})
}
