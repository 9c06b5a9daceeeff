// Package mgsim is a TMedia-style media gateway simulator: a gateway model
// of contexts and terminations that answers Add, Modify, Move, Subtract,
// AuditValue, AuditCapabilities, Notify and ServiceChange with the error
// codes H.248.1 names, and the MG side of the stack that drives it. The
// load benchmark's MG role and the MG simulator use the same model.
package mgsim

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"

	"github.com/megaco/megaco/pkg/h248"
)

// Gateway is the model of a media gateway: contexts and the terminations
// in them. Terminations are created on demand (any name), and "rtp/$"
// chooses a new RTP termination. Safe for concurrent use.
type Gateway struct {
	// LocalIP is the address in the SDP of RTP terminations.
	LocalIP string

	mu      sync.Mutex
	nextCtx h248.ContextID
	nextRTP int
	ctxs    map[h248.ContextID][]h248.TerminationID
	terms   map[string]h248.ContextID // lower-case termination id -> context
}

// NewGateway returns an empty gateway.
func NewGateway(localIP string) *Gateway {
	return &Gateway{LocalIP: localIP, ctxs: map[h248.ContextID][]h248.TerminationID{}, terms: map[string]h248.ContextID{}}
}

// Contexts returns how many contexts exist.
func (g *Gateway) Contexts() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.ctxs)
}

// cmdError ends a command with an error descriptor.
type cmdError struct{ ed h248.ErrorDescriptor }

func fail(code h248.ErrorCode, format string, args ...any) *cmdError {
	return &cmdError{h248.ErrorDescriptor{Code: code, Text: fmt.Sprintf(format, args...)}}
}

// Execute runs the actions of a transaction request and returns their
// replies. A failing command ends its action: the reply holds the replies
// of the commands before it and the error.
func (g *Gateway) Execute(actions []h248.ActionRequest) []h248.ActionReply {
	g.mu.Lock()
	defer g.mu.Unlock()
	replies := make([]h248.ActionReply, len(actions))
	for i := range actions {
		replies[i] = g.action(&actions[i])
	}
	return replies
}

func (g *Gateway) action(a *h248.ActionRequest) h248.ActionReply {
	ctx := a.ContextID
	if ctx == h248.ContextChoose {
		g.nextCtx++
		if g.nextCtx == h248.ContextChoose {
			g.nextCtx = 1
		}
		ctx = g.nextCtx
		g.ctxs[ctx] = nil
	}
	rep := h248.ActionReply{ContextID: ctx}
	if _, ok := g.ctxs[ctx]; !ok && ctx != h248.ContextNull && ctx != h248.ContextAll {
		rep.Error = &h248.ErrorDescriptor{Code: h248.CodeUnknownContextID, Text: "The transaction refers to an unknown ContextId"}
		return rep
	}
	for _, cr := range a.Commands {
		r, err := g.command(ctx, cr.Command)
		if err != nil {
			rep.Error = &err.ed
			break
		}
		rep.Commands = append(rep.Commands, r...)
	}
	// A context left without terminations ceases to exist.
	if ts, ok := g.ctxs[ctx]; ok && len(ts) == 0 {
		delete(g.ctxs, ctx)
	}
	return rep
}

func key(t h248.TerminationID) string { return strings.ToLower(string(t)) }

func (g *Gateway) command(ctx h248.ContextID, c h248.Command) ([]h248.CommandReply, *cmdError) {
	switch c := c.(type) {
	case *h248.AmmRequest:
		return g.amm(ctx, c)
	case *h248.SubtractRequest:
		return g.subtract(ctx, c)
	case *h248.AuditRequest:
		if len(c.TerminationIDs) != 1 {
			return nil, fail(h248.CodeNotImplemented, "audit of a termination list")
		}
		t := c.TerminationIDs[0]
		return []h248.CommandReply{&h248.AuditReply{Cap: c.Cap, TerminationIDs: c.TerminationIDs,
			Audit: g.audit(ctx, t, &c.Audit)}}, nil
	case *h248.NotifyRequest:
		return []h248.CommandReply{&h248.NotifyReply{TerminationIDs: c.TerminationIDs}}, nil
	case *h248.ServiceChangeRequest:
		return []h248.CommandReply{&h248.ServiceChangeReply{TerminationIDs: c.TerminationIDs}}, nil
	}
	return nil, fail(h248.CodeNotImplemented, "Not Implemented")
}

func (g *Gateway) amm(ctx h248.ContextID, c *h248.AmmRequest) ([]h248.CommandReply, *cmdError) {
	if len(c.TerminationIDs) != 1 {
		return nil, fail(h248.CodeNotImplemented, "a termination list")
	}
	t := c.TerminationIDs[0]
	switch c.Verb {
	case h248.CmdAdd:
		chosen := t.IsChoose()
		if chosen {
			g.nextRTP++
			t = h248.TerminationID(strings.Replace(string(t), "$", strconv.Itoa(g.nextRTP), 1))
		}
		if other, busy := g.terms[key(t)]; busy {
			return nil, fail(h248.CodeTerminationIDAlreadyInContext, "TerminationID is already in a Context %d", other)
		}
		if ctx == h248.ContextNull || ctx == h248.ContextAll {
			return nil, fail(h248.CodeSyntaxErrorInAction, "Syntax Error in Action: Add to the null context")
		}
		g.terms[key(t)] = ctx
		g.ctxs[ctx] = append(g.ctxs[ctx], t)
		rep := &h248.AmmsReply{Verb: h248.CmdAdd, TerminationIDs: []h248.TerminationID{t}}
		if chosen || wantsLocal(c.Descriptors) {
			rep.Audit = []h248.Descriptor{g.localMedia(t)}
		}
		return []h248.CommandReply{rep}, nil
	case h248.CmdModify:
		if err := g.inContext(t, ctx); err != nil {
			return nil, err
		}
		return []h248.CommandReply{&h248.AmmsReply{Verb: h248.CmdModify, TerminationIDs: c.TerminationIDs}}, nil
	case h248.CmdMove:
		old, ok := g.terms[key(t)]
		if !ok {
			return nil, fail(h248.CodeUnknownTerminationID, "Unknown TerminationID")
		}
		g.remove(old, t)
		g.terms[key(t)] = ctx
		g.ctxs[ctx] = append(g.ctxs[ctx], t)
		return []h248.CommandReply{&h248.AmmsReply{Verb: h248.CmdMove, TerminationIDs: c.TerminationIDs}}, nil
	}
	return nil, fail(h248.CodeNotImplemented, "Not Implemented")
}

func (g *Gateway) subtract(ctx h248.ContextID, c *h248.SubtractRequest) ([]h248.CommandReply, *cmdError) {
	if len(c.TerminationIDs) != 1 {
		return nil, fail(h248.CodeNotImplemented, "a termination list")
	}
	t := c.TerminationIDs[0]
	var ts []h248.TerminationID
	if t == "*" {
		ts = append(ts, g.ctxs[ctx]...)
		if len(ts) == 0 {
			return nil, fail(h248.CodeNoTerminationIDMatchedAWildcard, "No TerminationID matched a wildcard")
		}
	} else {
		if err := g.inContext(t, ctx); err != nil {
			return nil, err
		}
		ts = []h248.TerminationID{t}
	}
	stats := c.Audit != nil && hasToken(c.Audit.Tokens, h248.AuditStatistics)
	out := make([]h248.CommandReply, len(ts))
	for i, t := range ts {
		g.remove(ctx, t)
		rep := &h248.AmmsReply{Verb: h248.CmdSubtract, TerminationIDs: []h248.TerminationID{t}}
		if stats {
			rep.Audit = []h248.Descriptor{statistics(t)}
		}
		out[i] = rep
	}
	return out, nil
}

// inContext checks that t is in ctx (an idle termination is in the null
// context).
func (g *Gateway) inContext(t h248.TerminationID, ctx h248.ContextID) *cmdError {
	c, ok := g.terms[key(t)]
	if (ok && c == ctx) || (!ok && ctx == h248.ContextNull) {
		return nil
	}
	return fail(h248.CodeUnknownTerminationID, "Unknown TerminationID %s", t)
}

func (g *Gateway) remove(ctx h248.ContextID, t h248.TerminationID) {
	delete(g.terms, key(t))
	ts := g.ctxs[ctx]
	for i, x := range ts {
		if key(x) == key(t) {
			g.ctxs[ctx] = append(ts[:i:i], ts[i+1:]...)
			break
		}
	}
}

func hasToken(ts []h248.AuditToken, t h248.AuditToken) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// wantsLocal reports whether a descriptor asks the MG to fill in Local SDP
// ("$" in it).
func wantsLocal(ds []h248.Descriptor) bool {
	for _, d := range ds {
		m, ok := d.(*h248.MediaDescriptor)
		if !ok {
			continue
		}
		if m.Stream != nil && m.Stream.Local != nil && strings.Contains(m.Stream.Local.SDP, "$") {
			return true
		}
		for _, s := range m.Streams {
			if s.Parms.Local != nil && strings.Contains(s.Parms.Local.SDP, "$") {
				return true
			}
		}
	}
	return false
}

// port derives a stable even RTP port from a termination id.
func port(t h248.TerminationID) int {
	h := fnv.New32a()
	h.Write([]byte(key(t)))
	return 40000 + 2*int(h.Sum32()%10000)
}

func (g *Gateway) localMedia(t h248.TerminationID) *h248.MediaDescriptor {
	p := port(t)
	sdp := fmt.Sprintf("v=0\no=- %d 1 IN IP4 %s\ns=-\nc=IN IP4 %s\nt=0 0\nm=audio %d RTP/AVP 0\na=ptime:20", p, g.LocalIP, g.LocalIP, p)
	return &h248.MediaDescriptor{Streams: []h248.StreamDescriptor{{ID: 1, Parms: h248.StreamParms{
		Local: &h248.LocalRemoteDescriptor{SDP: sdp}}}}}
}

func statistics(t h248.TerminationID) *h248.StatisticsDescriptor {
	h := fnv.New32a()
	h.Write([]byte(key(t)))
	n := int(h.Sum32() % 1000)
	v := func(i int) []h248.Value { return []h248.Value{h248.Unquoted(strconv.Itoa(i))} }
	sd := &h248.StatisticsDescriptor{Params: []h248.StatisticsParameter{
		{Name: "nt/os", Values: v(16000 + n)}, {Name: "nt/or", Values: v(15900 + n)}, {Name: "nt/dur", Values: v(2)}}}
	if strings.HasPrefix(key(t), "rtp/") {
		sd.Params = append(sd.Params, h248.StatisticsParameter{Name: "rtp/ps", Values: v(100 + n)},
			h248.StatisticsParameter{Name: "rtp/pr", Values: v(99 + n)},
			h248.StatisticsParameter{Name: "rtp/pl", Values: v(0)}, h248.StatisticsParameter{Name: "rtp/jit", Values: v(2)})
	}
	return sd
}

// audit answers an AuditValue or AuditCapabilities: packages, media and
// statistics.
func (g *Gateway) audit(ctx h248.ContextID, t h248.TerminationID, ad *h248.AuditDescriptor) []h248.Descriptor {
	var out []h248.Descriptor
	root := t.IsRoot()
	for _, tok := range ad.Tokens {
		switch {
		case tok == h248.AuditPackages && root:
			pd := &h248.PackagesDescriptor{}
			for _, p := range []string{"g", "root", "nt", "rtp", "tdmc", "al", "cg", "dd"} {
				pd.Items = append(pd.Items, h248.PackagesItem{Name: p, Version: 1})
			}
			out = append(out, pd)
		case tok == h248.AuditPackages:
			out = append(out, &h248.PackagesDescriptor{Items: []h248.PackagesItem{{Name: "nt", Version: 1}}})
		case tok == h248.AuditMedia && !root:
			mode := h248.Inactive
			if _, ok := g.terms[key(t)]; ok {
				mode = h248.SendRecv
			}
			out = append(out, &h248.MediaDescriptor{
				TermState: &h248.TerminationStateDescriptor{ServiceState: h248.Some(h248.ServiceInService)},
				Streams: []h248.StreamDescriptor{{ID: 1, Parms: h248.StreamParms{
					LocalControl: &h248.LocalControlDescriptor{Mode: h248.Some(mode)}}}}})
		case tok == h248.AuditStatistics && !root:
			out = append(out, statistics(t))
		}
	}
	return out
}
