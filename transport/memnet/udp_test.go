package memnet_test

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/megaco/megaco/transport/memnet"
)

func listenUDP(t *testing.T, n *memnet.Net, addr string) *memnet.UDPConn {
	t.Helper()
	pc, err := n.ListenPacket("udp", addr)
	if err != nil {
		t.Fatalf("ListenPacket(%s): %v", addr, err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc.(*memnet.UDPConn)
}

func TestDatagramRoundTrip(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{})
		a, b := host(t, nw, "10.0.0.1"), host(t, nw, "10.0.0.2")
		srv := listenUDP(t, a, ":0") // wildcard
		cli := listenUDP(t, b, "10.0.0.2:0")
		srvAddr := netip.AddrPortFrom(a.IP(), uint16(srv.LocalAddr().(*net.UDPAddr).Port))

		if _, err := cli.WriteTo([]byte("ping"), net.UDPAddrFromAddrPort(srvAddr)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 100)
		n, from, err := srv.ReadFrom(buf)
		if err != nil || string(buf[:n]) != "ping" {
			t.Fatalf("ReadFrom = %q, %v", buf[:n], err)
		}
		if from.String() != cli.LocalAddr().String() {
			t.Errorf("source %s, want %s", from, cli.LocalAddr())
		}
		// Reply to the source address.
		if _, err := srv.WriteTo([]byte("pong"), from); err != nil {
			t.Fatal(err)
		}
		n, from2, err := cli.ReadFromUDPAddrPort(buf)
		if err != nil || string(buf[:n]) != "pong" {
			t.Fatalf("ReadFromUDPAddrPort = %q, %v", buf[:n], err)
		}
		if from2 != srvAddr {
			t.Errorf("reply from %s, want %s (the wildcard socket answers from the host address)", from2, srvAddr)
		}
	})
}

func TestDatagramBoundariesAndTruncation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{})
		a := host(t, nw, "10.0.0.1")
		srv := listenUDP(t, a, "10.0.0.1:0")
		cli := listenUDP(t, a, "10.0.0.1:0")
		to := srv.LocalAddr()
		for _, m := range []string{"one", "two", "three"} {
			if _, err := cli.WriteTo([]byte(m), to); err != nil {
				t.Fatal(err)
			}
		}
		buf := make([]byte, 100)
		for _, want := range []string{"one", "two"} {
			n, err := srv.Read(buf)
			if err != nil || string(buf[:n]) != want {
				t.Fatalf("Read = %q, %v; want %q", buf[:n], err, want)
			}
		}
		// A short buffer gets the head of the datagram; the rest is lost.
		n, err := srv.Read(buf[:2])
		if err != nil || string(buf[:n]) != "th" {
			t.Fatalf("short Read = %q, %v", buf[:n], err)
		}
		big := bytes.Repeat([]byte{'x'}, memnet.MaxDatagram+1)
		if _, err := cli.WriteTo(big, to); !errors.Is(err, syscall.EMSGSIZE) {
			t.Fatalf("oversized datagram: %v; want EMSGSIZE", err)
		}
		if _, err := cli.WriteTo(big[:memnet.MaxDatagram], to); err != nil {
			t.Fatalf("largest datagram: %v", err)
		}
		buf = make([]byte, memnet.MaxDatagram)
		if n, err := srv.Read(buf); n != memnet.MaxDatagram || err != nil {
			t.Fatalf("Read largest = %d, %v", n, err)
		}
	})
}

func TestDatagramQueueFullDrops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{DatagramQueue: 4})
		a := host(t, nw, "10.0.0.1")
		srv := listenUDP(t, a, "10.0.0.1:0")
		cli := listenUDP(t, a, "10.0.0.1:0")
		for i := range 10 {
			if _, err := cli.WriteTo([]byte{byte(i)}, srv.LocalAddr()); err != nil {
				t.Fatalf("send %d: %v", i, err)
			}
		}
		// Nothing blocked; the first four are queued, the rest dropped.
		srv.SetReadDeadline(time.Now().Add(time.Second))
		var got []byte
		buf := make([]byte, 10)
		for {
			n, err := srv.Read(buf)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, buf[:n]...)
		}
		if !bytes.Equal(got, []byte{0, 1, 2, 3}) {
			t.Fatalf("received %v, want [0 1 2 3]", got)
		}
	})
}

func TestDatagramToNowhere(t *testing.T) {
	nw := memnet.NewNetwork(memnet.Config{})
	a := host(t, nw, "10.0.0.1")
	cli := listenUDP(t, a, ":0")
	for _, to := range []string{"10.0.0.1:9", "10.9.9.9:9", "127.0.0.1:9"} {
		if _, err := cli.WriteTo([]byte("x"), net.UDPAddrFromAddrPort(netip.MustParseAddrPort(to))); err != nil {
			t.Errorf("send to %s: %v; want silent drop", to, err)
		}
	}
	if _, err := cli.WriteTo([]byte("x"), &net.TCPAddr{}); err == nil {
		t.Error("WriteTo a TCP address succeeded")
	}
}

func TestDatagramLoopbackStaysHome(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{})
		a, b := host(t, nw, "10.0.0.1"), host(t, nw, "10.0.0.2")
		onA := listenUDP(t, a, ":0")
		port := onA.LocalAddr().(*net.UDPAddr).Port
		onB := listenUDP(t, b, fmt.Sprintf(":%d", port)) // same port, other host
		cli := listenUDP(t, a, ":0")
		cli.WriteTo([]byte("local"), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
		synctest.Wait()
		onB.SetReadDeadline(time.Now())
		if _, err := onB.Read(make([]byte, 10)); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("loopback datagram reached another host: %v", err)
		}
		buf := make([]byte, 10)
		n, from, err := onA.ReadFrom(buf)
		if err != nil || string(buf[:n]) != "local" {
			t.Fatalf("ReadFrom = %q, %v", buf[:n], err)
		}
		if ip := from.(*net.UDPAddr).IP.String(); ip != "127.0.0.1" {
			t.Errorf("loopback source %s, want 127.0.0.1", ip)
		}
	})
}

func TestConnectedDatagram(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{})
		a, b := host(t, nw, "10.0.0.1"), host(t, nw, "10.0.0.2")
		srv := listenUDP(t, a, "10.0.0.1:0")
		c, err := b.Dial("udp", srv.LocalAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Write([]byte("hello")); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 10)
		n, from, err := srv.ReadFrom(buf)
		if err != nil || string(buf[:n]) != "hello" || from.String() != c.LocalAddr().String() {
			t.Fatalf("ReadFrom = %q, %v, %v; want hello from %s", buf[:n], from, err, c.LocalAddr())
		}
		// A stranger's datagram does not reach the connected socket.
		stranger := listenUDP(t, a, "10.0.0.1:0")
		stranger.WriteTo([]byte("spam"), c.LocalAddr())
		srv.WriteTo([]byte("reply"), from)
		n, err = c.Read(buf)
		if err != nil || string(buf[:n]) != "reply" {
			t.Fatalf("Read = %q, %v; want reply", buf[:n], err)
		}
		if c.RemoteAddr().String() != srv.LocalAddr().String() {
			t.Errorf("RemoteAddr = %s", c.RemoteAddr())
		}
	})
}

func TestDatagramReadDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{})
		a := host(t, nw, "10.0.0.1")
		c := listenUDP(t, a, ":0")
		buf := make([]byte, 10)

		start := time.Now()
		c.SetReadDeadline(start.Add(3 * time.Second))
		_, err := c.Read(buf)
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("Read = %v; want os.ErrDeadlineExceeded", err)
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("%v is not a net.Error with Timeout()", err)
		}
		if d := time.Since(start); d != 3*time.Second {
			t.Errorf("timed out after %v, want 3s", d)
		}

		// A deadline moved while a read waits applies to that read.
		c.SetReadDeadline(time.Time{})
		done := make(chan time.Duration)
		go func() {
			start := time.Now()
			c.Read(buf)
			done <- time.Since(start)
		}()
		time.Sleep(time.Second)
		c.SetReadDeadline(time.Now().Add(time.Second))
		if d := <-done; d != 2*time.Second {
			t.Errorf("moved deadline: read returned after %v, want 2s", d)
		}

		// A datagram before the deadline is read; a past deadline fails at once.
		c.SetReadDeadline(time.Now().Add(time.Minute))
		a2 := listenUDP(t, a, ":0")
		go func() {
			time.Sleep(time.Second)
			a2.WriteTo([]byte("late"), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: c.LocalAddr().(*net.UDPAddr).Port})
		}()
		if n, err := c.Read(buf); err != nil || string(buf[:n]) != "late" {
			t.Fatalf("Read = %q, %v", buf[:n], err)
		}
		c.SetReadDeadline(time.Now().Add(-time.Second))
		if _, err := c.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("past deadline: %v", err)
		}
	})
}

func TestDatagramCloseUnblocksRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{})
		c := listenUDP(t, host(t, nw, "10.0.0.1"), ":0")
		errc := make(chan error)
		go func() {
			_, err := c.Read(make([]byte, 10))
			errc <- err
		}()
		synctest.Wait() // the reader is durably blocked
		c.Close()
		if err := <-errc; !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Read after Close = %v; want net.ErrClosed", err)
		}
		if _, err := c.WriteTo([]byte("x"), c.LocalAddr()); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("WriteTo after Close = %v; want net.ErrClosed", err)
		}
	})
}

func TestDatagramFilter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.NewNetwork(memnet.Config{})
		a, b := host(t, nw, "10.0.0.1"), host(t, nw, "10.0.0.2")
		srv := listenUDP(t, a, "10.0.0.1:0")
		cli := listenUDP(t, b, "10.0.0.2:0")
		var seen []memnet.Datagram
		nw.SetFilter(func(d memnet.Datagram) (bool, time.Duration) {
			seen = append(seen, memnet.Datagram{From: d.From, To: d.To})
			switch string(d.Data) {
			case "drop":
				return false, 0
			case "slow":
				return true, 500 * time.Millisecond
			}
			return true, 0
		})
		start := time.Now()
		for _, m := range []string{"slow", "drop", "fast"} {
			cli.WriteTo([]byte(m), srv.LocalAddr())
		}
		buf := make([]byte, 10)
		for _, want := range []struct {
			data string
			at   time.Duration
		}{{"fast", 0}, {"slow", 500 * time.Millisecond}} {
			n, err := srv.Read(buf)
			if err != nil || string(buf[:n]) != want.data {
				t.Fatalf("Read = %q, %v; want %q", buf[:n], err, want.data)
			}
			if d := time.Since(start); d != want.at {
				t.Errorf("%s arrived after %v, want %v", want.data, d, want.at)
			}
		}
		if len(seen) != 3 || seen[0].From.String() != cli.LocalAddr().String() || seen[0].To.String() != srv.LocalAddr().String() {
			t.Errorf("filter saw %v", seen)
		}
		srv.SetReadDeadline(time.Now().Add(time.Hour))
		if _, err := srv.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("dropped datagram arrived: %q, %v", buf, err)
		}
		// A delayed datagram for a socket closed meanwhile vanishes.
		cli.WriteTo([]byte("slow"), srv.LocalAddr())
		srv.Close()
		time.Sleep(time.Second)
	})
}
