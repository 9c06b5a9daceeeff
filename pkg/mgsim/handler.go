package mgsim

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
)

// Handler answers an MGC's requests from a Gateway: the MG role of the
// load benchmark and of the simulator. Set its fields before the first
// request.
type Handler struct {
	megaco.BaseHandler
	Gateway *Gateway
	// Delay before each answer; Pending sends TransactionPending first;
	// Ack is the ack the answers ask for.
	Delay   time.Duration
	Pending bool
	Ack     engine.AckMode
	// ErrorRate is the share of requests answered with ErrorCode (a
	// transaction error) instead of being executed; Rand draws the
	// chances (nil: seeded with 0).
	ErrorRate float64
	ErrorCode h248.ErrorCode
	Rand      *rand.Rand
	// OnServiceChange, when set, sees each ServiceChange an MGC sends,
	// e.g. a HandOff, before it is answered; it must not block.
	OnServiceChange func(c *megaco.Conn, sc *h248.ServiceChangeRequest)
	// OnDisconnect, when set, hears that a connection went away (a TCP
	// stream closed).
	OnDisconnect func(c *megaco.Conn, reason error)

	requests atomic.Uint64
	injected atomic.Uint64
	last     atomic.Int64 // unix nanoseconds of the last request
	randMu   sync.Mutex
}

// NewHandler returns a handler over g.
func NewHandler(g *Gateway) *Handler { return &Handler{Gateway: g} }

// Requests returns how many requests the handler answered.
func (h *Handler) Requests() uint64 { return h.requests.Load() }

// Injected returns how many requests got an injected error.
func (h *Handler) Injected() uint64 { return h.injected.Load() }

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
	return h.answer(c, req)
}

// HandleTransLongRequest answers after the Pending.
func (h *Handler) HandleTransLongRequest(c *megaco.Conn, version int, req *megaco.Request, _ any) megaco.Answer {
	return h.answer(c, req)
}

// HandleDisconnect passes the news to OnDisconnect.
func (h *Handler) HandleDisconnect(c *megaco.Conn, version int, reason error) {
	if h.OnDisconnect != nil {
		h.OnDisconnect(c, reason)
	}
}

func (h *Handler) chance(p float64) bool {
	if p <= 0 {
		return false
	}
	h.randMu.Lock()
	defer h.randMu.Unlock()
	if h.Rand == nil {
		h.Rand = rand.New(rand.NewPCG(0, 0))
	}
	return h.Rand.Float64() < p
}

func (h *Handler) answer(c *megaco.Conn, req *megaco.Request) megaco.Answer {
	if h.Delay > 0 {
		time.Sleep(h.Delay)
	}
	var a megaco.Answer
	if h.chance(h.ErrorRate) {
		h.injected.Add(1)
		code := h.ErrorCode
		if code == 0 {
			code = DefaultErrorCode
		}
		text, _ := code.Name()
		a = megaco.ReplyError(h248.ErrorDescriptor{Code: code, Text: "injected: " + text})
	} else {
		a = megaco.Reply(h.Gateway.Execute(req.Actions)...)
	}
	switch h.Ack {
	case engine.ImmAck:
		a = a.WithAck(nil)
	case engine.SloppyAck:
		a = a.WithSloppyAck(nil)
	}
	if h.OnServiceChange != nil {
		for _, act := range req.Actions {
			for _, cr := range act.Commands {
				if sc, ok := cr.Command.(*h248.ServiceChangeRequest); ok {
					h.OnServiceChange(c, sc)
				}
			}
		}
	}
	return a
}

// ServiceChange returns the actions of an MG's registration: ServiceChange
// on ROOT with the method and reason given (e.g. MethodRestart, "901").
func ServiceChange(method h248.ServiceChangeMethod, reason string, version int) []h248.ActionRequest {
	return serviceChangeOn(nil, h248.ServiceChangeParm{Method: method, Reason: h248.Quoted(reason)}, version)
}

func serviceChangeOn(ids []h248.TerminationID, p h248.ServiceChangeParm, version int) []h248.ActionRequest {
	if len(ids) == 0 {
		ids = []h248.TerminationID{h248.Root}
	}
	if version > 1 && ids[0].IsRoot() {
		p.Version = h248.Some(uint8(version))
	}
	return []h248.ActionRequest{{ContextID: h248.ContextNull, Commands: []h248.CommandRequest{{
		Command: &h248.ServiceChangeRequest{TerminationIDs: ids, Parms: p}}}}}
}
