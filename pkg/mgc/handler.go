package mgc

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
)

// HandleConnect records the connection of an MG.
func (c *Controller) HandleConnect(conn *megaco.Conn, _ int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	mid := conn.RemoteMID()
	if m, ok := c.mgs[mid]; ok {
		m.conn = conn
		return nil
	}
	c.mgs[mid] = newMGEntry(mid, conn)
	return nil
}

func newMGEntry(mid h248.MID, conn *megaco.Conn) *mgEntry {
	// A new MG counts as lost until it registers and is audited.
	return &mgEntry{mid: mid, conn: conn, state: MGLost, legs: map[LegID]*Leg{}, mixers: map[h248.ContextID]*Mixer{},
		releasing: map[LegID]bool{}, heard: time.Now()}
}

// HandleDisconnect makes the MG lost: its transport went away.
func (c *Controller) HandleDisconnect(conn *megaco.Conn, _ int, reason error) {
	c.lost(conn.RemoteMID(), reason)
}

// HandleTransRequest answers the MG's ServiceChange and Notify requests.
func (c *Controller) HandleTransRequest(conn *megaco.Conn, _ int, req *megaco.Request) megaco.Answer {
	mid := conn.RemoteMID()
	c.heard(mid)
	replies := make([]h248.ActionReply, len(req.Actions))
	var back []h248.ServiceChangeMethod
	for i, a := range req.Actions {
		replies[i].ContextID = a.ContextID
		for _, cr := range a.Commands {
			switch cmd := cr.Command.(type) {
			case *h248.ServiceChangeRequest:
				if m, ok := c.serviceChange(mid, cmd); ok {
					back = append(back, m)
				}
				replies[i].Commands = append(replies[i].Commands, &h248.ServiceChangeReply{TerminationIDs: cmd.TerminationIDs})
			case *h248.NotifyRequest:
				c.notify(mid, a.ContextID, cmd)
				replies[i].Commands = append(replies[i].Commands, &h248.NotifyReply{TerminationIDs: cmd.TerminationIDs})
			default:
				return megaco.ReplyError(h248.ErrorDescriptor{Code: h248.CodeNotImplemented, Text: "the MGC takes ServiceChange and Notify"})
			}
		}
	}
	if len(back) == 0 && c.unregistered(mid) {
		// An MG the controller has no memory of (it restarted): audit
		// it as if it had just registered (scenario 3).
		back = append(back, h248.MethodRestart)
	}
	if len(back) == 0 {
		return megaco.Reply(replies...)
	}
	// Answer the registration before auditing: an MG may refuse requests
	// that come before its ServiceChange reply (error 505).
	_ = req.Reply(megaco.Reply(replies...))
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.back(mid, conn, back[0])
	}()
	return megaco.Later()
}

// unregistered reports whether an MG was never registered here, and
// notes that it is being audited now.
func (c *Controller) unregistered(mid h248.MID) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.mgs[mid]
	if !ok || m.registered {
		return false
	}
	m.registered = true
	return true
}

// serviceChange applies a ServiceChange from an MG and reports whether
// the MG is (back) in service and must be audited.
func (c *Controller) serviceChange(mid h248.MID, sc *h248.ServiceChangeRequest) (h248.ServiceChangeMethod, bool) {
	root := len(sc.TerminationIDs) == 1 && sc.TerminationIDs[0].IsRoot()
	p := sc.Parms
	c.log.Info("ServiceChange", zap.Stringer("mg", mid), zap.Stringer("method", p.Method), zap.String("reason", p.Reason.Text), zap.Bool("root", root))
	switch p.Method {
	case h248.MethodRestart, h248.MethodDisconnected, h248.MethodFailover, h248.MethodHandOff:
		return p.Method, root
	case h248.MethodForced:
		if root {
			c.forced(mid)
		} else {
			c.forcedTerminations(mid, sc.TerminationIDs)
		}
	case h248.MethodGraceful:
		if root {
			c.mu.Lock()
			if m, ok := c.mgs[mid]; ok {
				m.graceful = true
			}
			c.mu.Unlock()
		}
	}
	return 0, false
}

// notify turns observed events into the application's callbacks.
func (c *Controller) notify(mid h248.MID, cid h248.ContextID, n *h248.NotifyRequest) {
	for _, t := range n.TerminationIDs {
		leg, err := c.Leg(LegID{MG: mid, Termination: t})
		if err != nil {
			continue // ROOT (it/ito) or a termination without a leg
		}
		for _, ev := range n.ObservedEvents.Events {
			switch lowerName(ev.Name) {
			case "al/of":
				c.callback(func(a Application) { a.OnOffHook(leg) })
			case "al/on":
				c.callback(func(a Application) { a.OnOnHook(leg) })
			case "dd/ce":
				digits := param(ev.Params, "ds")
				c.callback(func(a Application) { a.OnDigits(leg, digits) })
			case "g/sc":
				sig := param(ev.Params, "SigID")
				c.callback(func(a Application) { a.OnSignalCompleted(leg, sig) })
			}
		}
	}
}

func lowerName(s string) string {
	b := []byte(s)
	for i, ch := range b {
		if 'A' <= ch && ch <= 'Z' {
			b[i] = ch + 'a' - 'A'
		}
	}
	return string(b)
}

func param(ps []h248.PropertyParm, name string) string {
	for _, p := range ps {
		if lowerName(p.Name) == lowerName(name) && len(p.Value.Values) > 0 {
			return p.Value.Values[0].Text
		}
	}
	return ""
}

func (c *Controller) heard(mid h248.MID) {
	c.mu.Lock()
	if m, ok := c.mgs[mid]; ok {
		m.heard = time.Now()
	}
	c.mu.Unlock()
}

// isTransportFailure reports whether a call failed for want of an answer.
func isTransportFailure(err error) bool {
	return errors.Is(err, engine.ErrTimeout) || errors.Is(err, engine.ErrClosed) || errors.Is(err, context.DeadlineExceeded)
}
