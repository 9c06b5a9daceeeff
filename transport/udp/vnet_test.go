package udp_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/megaco/megaco/transport"
	"github.com/pion/logging"
	"github.com/pion/transport/v3/vnet"
)

// logWriter sends pion's log lines to the test log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// vnetPair builds, inside the calling bubble, a router for 10.0.0.0/24
// with hosts 10.0.0.1 and 10.0.0.2, started, and stopped when the test
// ends. minDelay is the router's one-way delay; jitter stays 0 so that
// times are exact.
func vnetPair(t *testing.T, minDelay time.Duration) (*vnet.Router, *vnet.Net, *vnet.Net) {
	t.Helper()
	lf := logging.NewDefaultLoggerFactory()
	lf.DefaultLogLevel = logging.LogLevelWarn
	lf.Writer = logWriter{t}
	r, err := vnet.NewRouter(&vnet.RouterConfig{
		CIDR:          "10.0.0.0/24",
		MinDelay:      minDelay,
		MaxJitter:     0,
		LoggerFactory: lf,
	})
	if err != nil {
		t.Fatal(err)
	}
	var nets []*vnet.Net
	for _, ip := range []string{"10.0.0.1", "10.0.0.2"} {
		n, err := vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{ip}})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.AddNet(n); err != nil {
			t.Fatal(err)
		}
		nets = append(nets, n)
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Stop() })
	return r, nets[0], nets[1]
}

// TestVnetEcho answers a request over pion's vnet: the reply goes to the
// request's source address, and the handles of both sides are the
// addresses the other side listens on.
func TestVnetEcho(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, a, b := vnetPair(t, 0)
		srv := startEcho(t, a, "10.0.0.1:0")
		rec := newRecorder()
		cli := mustListen(t, b, "10.0.0.2:0", rec)
		to, err := cli.Resolve(srv.LocalAddr())
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			msg := fmt.Sprintf("request %d", i)
			if err := cli.Send(to, []byte(msg)); err != nil {
				t.Fatal(err)
			}
			p := <-rec.packets
			if p.data != msg || p.from != transport.SendHandle(to) {
				t.Fatalf("got %q from %v, want %q from %v", p.data, p.from, msg, to)
			}
		}
	})
}

// TestVnetDelayAndLoss: with a 25 ms one-way delay the reply arrives after
// exactly 50 ms of the bubble's clock, and a datagram dropped by a
// content filter never arrives.
func TestVnetDelayAndLoss(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, a, b := vnetPair(t, 25*time.Millisecond)
		r.AddChunkFilter(func(c vnet.Chunk) bool {
			return !bytes.Contains(c.UserData(), []byte("lost"))
		})
		srv := startEcho(t, a, "10.0.0.1:0")
		rec := newRecorder()
		cli := mustListen(t, b, "10.0.0.2:0", rec)
		to := mustAddr(t, srv.LocalAddr())

		start := time.Now()
		for _, m := range []string{"first", "lost", "second"} {
			if err := cli.Send(to, []byte(m)); err != nil {
				t.Fatal(err)
			}
		}
		for _, want := range []string{"first", "second"} {
			p := <-rec.packets
			if p.data != want {
				t.Fatalf("got %q, want %q", p.data, want)
			}
			if d := time.Since(start); d != 50*time.Millisecond {
				t.Errorf("%s: round trip %v, want 50ms", want, d)
			}
		}
		time.Sleep(time.Second)
		synctest.Wait()
		select {
		case p := <-rec.packets:
			t.Fatalf("filtered datagram arrived: %q", p.data)
		default:
		}
	})
}

// TestVnetUnreachable: datagrams to an address nobody has vanish; Send
// does not fail, as with UDP.
func TestVnetUnreachable(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, a, _ := vnetPair(t, 0)
		rec := newRecorder()
		tr := mustListen(t, a, "10.0.0.1:0", rec)
		for _, to := range []string{"10.0.0.2:9", "10.0.0.9:9"} {
			if err := tr.Send(mustAddr(t, to), []byte("x")); err != nil {
				t.Errorf("Send to %s: %v", to, err)
			}
		}
		synctest.Wait()
		if len(rec.packets) != 0 {
			t.Fatal("something came back")
		}
	})
}
