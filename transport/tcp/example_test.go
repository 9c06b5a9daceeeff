package tcp_test

import (
	"fmt"
	"sync/atomic"

	"github.com/megaco/megaco/transport"
	"github.com/megaco/megaco/transport/memnet"
	"github.com/megaco/megaco/transport/tcp"
)

// replier answers each message on the stream it came from.
type replier struct{ t atomic.Pointer[tcp.Transport] }

func (r *replier) HandlePacket(p transport.Packet) {
	fmt.Printf("MGC got %q from %s\n", p.Data, p.From)
	r.t.Load().Send(p.From, []byte("MEGACO/1 [10.0.0.1]:2944 Reply=1{}"))
}
func (*replier) HandleClosed(from transport.SendHandle, err error) {}

// printer prints what it gets.
type printer chan struct{}

func (p printer) HandlePacket(pk transport.Packet) {
	fmt.Printf("MG got %q from %s\n", pk.Data, pk.From)
	p <- struct{}{}
}
func (p printer) HandleClosed(from transport.SendHandle, err error) {
	fmt.Printf("stream to %s closed: %v\n", from, err)
	p <- struct{}{}
}

func Example() {
	// An in-memory network; in production, stdnet.NewNet().
	nw := memnet.NewNetwork(memnet.Config{})
	mgcHost, _ := nw.Host("10.0.0.1")
	mgHost, _ := nw.Host("10.0.0.2")

	r := &replier{}
	mgc, err := tcp.Listen(mgcHost, "10.0.0.1:0", r)
	if err != nil {
		panic(err)
	}
	defer mgc.Close()
	r.t.Store(mgc)

	got := make(printer, 1) // Close waits for HandleClosed, which sends here
	mg, conn, err := tcp.Dial(mgHost, mgc.LocalAddr(), got)
	if err != nil {
		panic(err)
	}
	mg.Send(conn, []byte("MEGACO/1 [10.0.0.2]:2944 Transaction=1{}"))
	<-got
	mg.Close()
	<-got
	// Output:
	// MGC got "MEGACO/1 [10.0.0.2]:2944 Transaction=1{}" from 10.0.0.2:49152
	// MG got "MEGACO/1 [10.0.0.1]:2944 Reply=1{}" from 10.0.0.1:49152
	// stream to 10.0.0.1:49152 closed: <nil>
}
