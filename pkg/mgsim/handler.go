package mgsim

import (
	"sync/atomic"
	"time"

	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
)

// Handler answers an MGC's requests from a Gateway: the MG role of the
// load benchmark and of the simulator.
type Handler struct {
	megaco.BaseHandler
	Gateway *Gateway
	// Delay before each answer; Pending sends TransactionPending first;
	// Ack is the ack the answers ask for.
	Delay   time.Duration
	Pending bool
	Ack     engine.AckMode

	requests atomic.Uint64
	last     atomic.Int64 // unix nanoseconds of the last request
}

// NewHandler returns a handler over g.
func NewHandler(g *Gateway) *Handler { return &Handler{Gateway: g} }

// Requests returns how many requests the handler answered.
func (h *Handler) Requests() uint64 { return h.requests.Load() }

// LastRequest is when the last request arrived (zero before any).
func (h *Handler) LastRequest() time.Time {
	n := h.last.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// HandleTransRequest executes the request on the gateway.
func (h *Handler) HandleTransRequest(c *megaco.Conn, version int, req *megaco.Request) megaco.Answer {
	h.requests.Add(1)
	h.last.Store(time.Now().UnixNano())
	if h.Pending {
		return megaco.Long(nil)
	}
	return h.answer(req)
}

// HandleTransLongRequest answers after the Pending.
func (h *Handler) HandleTransLongRequest(c *megaco.Conn, version int, req *megaco.Request, _ any) megaco.Answer {
	return h.answer(req)
}

func (h *Handler) answer(req *megaco.Request) megaco.Answer {
	if h.Delay > 0 {
		time.Sleep(h.Delay)
	}
	a := megaco.Reply(h.Gateway.Execute(req.Actions)...)
	switch h.Ack {
	case engine.ImmAck:
		a = a.WithAck(nil)
	case engine.SloppyAck:
		a = a.WithSloppyAck(nil)
	}
	return a
}

// ServiceChange returns the actions of an MG's registration: ServiceChange
// on ROOT with the method and reason given (e.g. MethodRestart, "901").
func ServiceChange(method h248.ServiceChangeMethod, reason string, version int) []h248.ActionRequest {
	p := h248.ServiceChangeParm{Method: method, Reason: h248.Quoted(reason)}
	if version > 1 {
		p.Version = h248.Some(uint8(version))
	}
	return []h248.ActionRequest{{ContextID: h248.ContextNull, Commands: []h248.CommandRequest{{
		Command: &h248.ServiceChangeRequest{TerminationIDs: []h248.TerminationID{h248.Root}, Parms: p}}}}}
}
