package mgsim

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/megaco/megaco/transport"
)

// Link is how an MG reaches its MGCs: the transport it sends on (whose
// Handler is the MG) and how to get the SendHandle of an MGC address
// "host:port" (a UDP address; a new TCP stream).
type Link struct {
	Transport transport.Transport
	Dial      func(mgc string) (transport.SendHandle, error)
}

// filter sits between the MG's transport and its megaco user: it drops
// messages each way while an outage lasts or by chance (Config.Loss), and
// notes when the last message arrived (for it/ito). The user sees the
// filter as its transport, so replies go through it too.
type filter struct {
	transport.Transport
	loss float64

	down     atomic.Bool
	lastRecv atomic.Int64 // unix nanoseconds
	dropped  atomic.Uint64
	sent     atomic.Uint64
	received atomic.Uint64

	mu   sync.Mutex
	rand *rand.Rand
	h    transport.Handler // the user, once started
}

func (f *filter) lose() bool {
	if f.down.Load() {
		return true
	}
	if f.loss <= 0 {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rand.Float64() < f.loss
}

// Send drops or sends.
func (f *filter) Send(to transport.SendHandle, b []byte) error {
	if f.lose() {
		f.dropped.Add(1)
		return nil
	}
	f.sent.Add(1)
	return f.Transport.Send(to, b)
}

func (f *filter) setHandler(h transport.Handler) {
	f.mu.Lock()
	f.h = h
	f.mu.Unlock()
}

func (f *filter) handler() transport.Handler {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.h
}

// deliver drops or hands a received packet to the user, as received by
// the filter.
func (f *filter) deliver(p transport.Packet) {
	h := f.handler()
	if h == nil {
		return
	}
	if f.lose() {
		f.dropped.Add(1)
		return
	}
	f.received.Add(1)
	f.lastRecv.Store(time.Now().UnixNano())
	p.Local = f
	h.HandlePacket(p)
}

func (f *filter) closed(from transport.SendHandle, err error) {
	if h := f.handler(); h != nil {
		h.HandleClosed(from, err)
	}
}

func (f *filter) since() time.Time { return time.Unix(0, f.lastRecv.Load()) }
