package main

import (
	"fmt"
	"net/netip"
	"sync"

	pion "github.com/pion/transport/v3"
	"go.uber.org/zap"

	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/transport"
	"github.com/megaco/megaco/transport/tcp"
	"github.com/megaco/megaco/transport/udp"
)

// The wiring of users to transports that bench load, mg-sim, demo and
// serve share.

// midOf makes the MID of a user listening on a UDP address.
func midOf(addr string) (h248.MID, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return h248.MID{}, err
	}
	kind := h248.MIDIP4
	if ap.Addr().Is6() {
		kind = h248.MIDIP6
	}
	return h248.MID{Kind: kind, Addr: ap.Addr().Unmap(), Port: h248.Some(ap.Port())}, nil
}

// listenUser starts a user listening on addr (UDP or TCP) whose MID is
// that address.
func listenUser(st *megaco.Stack, n pion.Net, network, addr string, cfg megaco.UserConfig) (transport.Transport, *megaco.User, error) {
	return listenUserAs(st, n, network, addr, h248.MID{}, cfg, nil)
}

// listenUserAs starts a user with MID mid (zero: the bound address)
// listening on addr over network, the transport logging to log (nil: no
// log).
func listenUserAs(st *megaco.Stack, n pion.Net, network, addr string, mid h248.MID, cfg megaco.UserConfig, log *zap.Logger) (transport.Transport, *megaco.User, error) {
	// The MID may need the port, known once the socket is open: listen
	// with a forwarding handler, then start the user.
	fwd := &forward{}
	var tr transport.Transport
	var err error
	switch network {
	case "tcp":
		tr, err = tcp.Listen(n, addr, fwd, tcp.WithLogger(log))
	case "udp":
		tr, err = udp.Listen(n, addr, fwd, udp.WithLogger(log))
	default:
		err = fmt.Errorf("transport %q: want udp or tcp", network)
	}
	if err != nil {
		return nil, nil, err
	}
	if mid == (h248.MID{}) {
		if mid, err = midOf(tr.LocalAddr()); err != nil {
			tr.Close()
			return nil, nil, err
		}
	}
	u, err := st.StartUser(mid, cfg)
	if err != nil {
		tr.Close()
		return nil, nil, err
	}
	fwd.set(u)
	return tr, u, nil
}

// dialOn returns the handle of the peer at addr on tr: its resolved
// address over UDP, a new stream over TCP.
func dialOn(tr transport.Transport, addr string) (transport.SendHandle, error) {
	switch t := tr.(type) {
	case *udp.Transport:
		return t.Resolve(addr)
	case *tcp.Transport:
		return t.Dial(addr)
	}
	return nil, fmt.Errorf("cannot dial on a %T", tr)
}

// forward passes packets to a handler set after the transport opened.
type forward struct {
	mu sync.RWMutex
	h  transport.Handler
}

func (f *forward) set(h transport.Handler) {
	f.mu.Lock()
	f.h = h
	f.mu.Unlock()
}

func (f *forward) HandlePacket(p transport.Packet) {
	f.mu.RLock()
	h := f.h
	f.mu.RUnlock()
	if h != nil {
		h.HandlePacket(p)
	}
}

func (f *forward) HandleClosed(from transport.SendHandle, err error) {
	f.mu.RLock()
	h := f.h
	f.mu.RUnlock()
	if h != nil {
		h.HandleClosed(from, err)
	}
}
