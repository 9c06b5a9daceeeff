package udp_test

import (
	"fmt"
	"testing"

	"github.com/megaco/megaco/transport"
	"github.com/megaco/megaco/transport/memnet"
	"github.com/megaco/megaco/transport/udp"
	"github.com/pion/transport/v3/stdnet"
)

// signal is a Handler that reports each packet on a channel.
type signal chan struct{}

func (s signal) HandlePacket(transport.Packet)            { s <- struct{}{} }
func (s signal) HandleClosed(transport.SendHandle, error) {}

// benchPingPong measures one request and its echo per operation.
func benchPingPong(b *testing.B, n udpNet, srvAddr, cliAddr string) {
	for _, size := range []int{100, 1400, 8000} {
		b.Run(fmt.Sprintf("%dB", size), func(b *testing.B) {
			e := &echo{}
			srv, err := udp.Listen(n, srvAddr, e)
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			e.t.Store(srv)
			got := make(signal, 1)
			cli, err := udp.Listen(n, cliAddr, got)
			if err != nil {
				b.Fatal(err)
			}
			defer cli.Close()
			addr, err := udp.ParseAddr(srv.LocalAddr())
			if err != nil {
				b.Fatal(err)
			}
			// Boxed once, as the engine keeps a received From.
			var to transport.SendHandle = addr
			msg := make([]byte, size)
			b.SetBytes(int64(2 * size))
			b.ReportAllocs()
			for b.Loop() {
				if err := cli.Send(to, msg); err != nil {
					b.Fatal(err)
				}
				<-got
			}
		})
	}
}

// BenchmarkLoopback: round trips over 127.0.0.1 (stdnet).
func BenchmarkLoopback(b *testing.B) {
	n, err := stdnet.NewNet()
	if err != nil {
		b.Fatal(err)
	}
	benchPingPong(b, n, "127.0.0.1:0", "127.0.0.1:0")
}

// BenchmarkMemnet: round trips over memnet, for comparison.
func BenchmarkMemnet(b *testing.B) {
	nw := memnet.NewNetwork(memnet.Config{})
	n, err := nw.Host("10.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	benchPingPong(b, n, "10.0.0.1:0", "10.0.0.1:0")
}
