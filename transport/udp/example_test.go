package udp_test

import (
	"fmt"

	"github.com/megaco/megaco/transport"
	"github.com/megaco/megaco/transport/memnet"
	"github.com/megaco/megaco/transport/udp"
)

// printer prints what it receives and tells when.
type printer chan struct{}

func (p printer) HandlePacket(pk transport.Packet) {
	fmt.Printf("%s from %s\n", pk.Data, pk.From)
	p <- struct{}{}
}
func (printer) HandleClosed(transport.SendHandle, error) {}

// replier answers each request to the address it came from.
type replier struct{ t *udp.Transport }

func (r *replier) HandlePacket(p transport.Packet) {
	r.t.Send(p.From, []byte("MEGACO/1 [10.0.0.1]:2944 Reply=1{}"))
}
func (*replier) HandleClosed(transport.SendHandle, error) {}

func Example() {
	// An in-memory network; in production, stdnet.NewNet().
	nw := memnet.NewNetwork(memnet.Config{})
	mgcHost, _ := nw.Host("10.0.0.1")
	mgHost, _ := nw.Host("10.0.0.2")

	r := &replier{}
	mgc, err := udp.Listen(mgcHost, "10.0.0.1:0", r)
	if err != nil {
		panic(err)
	}
	defer mgc.Close()
	r.t = mgc

	got := make(printer)
	mg, err := udp.Listen(mgHost, "10.0.0.2:0", got)
	if err != nil {
		panic(err)
	}
	defer mg.Close()

	to, _ := mg.Resolve(mgc.LocalAddr())
	mg.Send(to, []byte("MEGACO/1 [10.0.0.2]:2944 Transaction=1{}"))
	<-got
	// Output: MEGACO/1 [10.0.0.1]:2944 Reply=1{} from 10.0.0.1:49152
}
