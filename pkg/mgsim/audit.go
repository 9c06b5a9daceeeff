package mgsim

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/megaco/megaco/pkg/h248"
)

// auditCommand answers AuditValue and AuditCapabilities (RFC 3525
// §7.2.5): one reply per matching termination (one in all for "W-"),
// ROOT in the null context for the gateway, and on Context=* with ROOT
// each context with the list of its terminations.
func (g *Gateway) auditCommand(c *mgContext, cmd *h248.AuditRequest, wild, all bool) ([]h248.CommandReply, *cmdError) {
	var out []h248.CommandReply
	for _, id := range cmd.TerminationIDs {
		if id.IsRoot() {
			switch {
			case all:
				ids := make([]h248.TerminationID, len(c.terms))
				for i, t := range c.terms {
					ids[i] = t.id
				}
				out = append(out, &h248.AuditReply{Cap: cmd.Cap, Result: h248.AuditContextResult, TerminationIDs: ids})
			case c != nil:
				return out, fail(h248.CodeTerminationsIDNotInSpecifiedContext, "ROOT is only in the null context")
			default:
				out = append(out, &h248.AuditReply{Cap: cmd.Cap, TerminationIDs: []h248.TerminationID{h248.Root},
					Audit: g.describeRoot(&cmd.Audit, cmd.Cap)})
			}
			continue
		}
		ts, err := g.matching(c, id, all)
		if err != nil {
			return out, err
		}
		ts = selected(ts, &cmd.Audit)
		if len(ts) == 0 {
			if all {
				continue
			}
			return out, fail(h248.CodeNoTerminationIDMatchedAWildcard, "No TerminationID matched the selection: %s", id)
		}
		if limit := g.auditLimit(&cmd.Audit); !all && len(ts) > limit {
			return out, tooMany(len(ts), limit)
		}
		if wild && id.IsWildcard() {
			var union []h248.Descriptor
			for _, t := range ts {
				for _, d := range g.describe(t, &cmd.Audit, cmd.Cap) {
					if !containsDescriptor(union, d) {
						union = append(union, d)
					}
				}
			}
			out = append(out, &h248.AuditReply{Cap: cmd.Cap, TerminationIDs: []h248.TerminationID{id}, Audit: union})
		} else {
			for _, t := range ts {
				out = append(out, &h248.AuditReply{Cap: cmd.Cap, TerminationIDs: []h248.TerminationID{t.id}, Audit: g.describe(t, &cmd.Audit, cmd.Cap)})
			}
		}
		if c == nil {
			for _, t := range ts {
				if stored, ok := g.terms[key(t.id)]; ok && stored == t {
					g.forget(t)
				}
			}
		}
	}
	return out, nil
}

// idsOnly is how many times more terminations an audit may return when it
// asks for their ids only.
const idsOnly = 16

// auditLimit is how many terminations an audit may return.
func (g *Gateway) auditLimit(ad *h248.AuditDescriptor) int {
	if len(wants(ad).tokens) == 0 {
		return g.cfg.MaxAuditReplies * idsOnly
	}
	return g.cfg.MaxAuditReplies
}

func containsDescriptor(ds []h248.Descriptor, d h248.Descriptor) bool {
	for _, x := range ds {
		if reflect.DeepEqual(x, d) {
			return true
		}
	}
	return false
}

// selected applies the v3 audit selection conditions: LocalControl Mode
// and TerminationState ServiceStates (=, #, < and >).
func selected(ts []*termination, ad *h248.AuditDescriptor) []*termination {
	keep := func(*termination) bool { return true }
	for _, p := range ad.Props {
		m, ok := p.(*h248.IndAudMediaDescriptor)
		if !ok {
			continue
		}
		var sps []*h248.IndAudStreamParms
		if m.Stream != nil {
			sps = append(sps, m.Stream)
		}
		for i := range m.Streams {
			sps = append(sps, &m.Streams[i].Parms)
		}
		for _, sp := range sps {
			if lc := sp.LocalControl; lc != nil && lc.ModeSelect.Set {
				want, form, before := lc.ModeSelect.Value, lc.ModeSelectForm, keep
				keep = func(t *termination) bool { return before(t) && compare(int(t.mode), int(want), form) }
			}
		}
		if ts := m.TermState; ts != nil && ts.ServiceStateSelect.Set {
			want, form, before := ts.ServiceStateSelect.Value, ts.ServiceStateSelectForm, keep
			keep = func(t *termination) bool { return before(t) && compare(int(t.service), int(want), form) }
		}
	}
	var out []*termination
	for _, t := range ts {
		if keep(t) {
			out = append(out, t)
		}
	}
	return out
}

func compare(v, want int, form h248.ValueForm) bool {
	switch form {
	case h248.FormUnequal:
		return v != want
	case h248.FormGreater:
		return v > want
	case h248.FormSmaller:
		return v < want
	}
	return v == want
}

// auditWants is the set of descriptors an Audit descriptor asks for.
type auditWants struct {
	tokens map[h248.AuditToken]bool
	stats  []string // individual statistics (v2); empty: all
}

func wants(ad *h248.AuditDescriptor) auditWants {
	w := auditWants{tokens: map[h248.AuditToken]bool{}}
	if ad == nil {
		return w
	}
	for _, t := range ad.Tokens {
		w.tokens[t] = true
	}
	allStats := w.tokens[h248.AuditStatistics]
	for _, p := range ad.Props {
		switch p := p.(type) {
		case *h248.IndAudMediaDescriptor:
			w.tokens[h248.AuditMedia] = true
		case *h248.IndAudEventsDescriptor:
			w.tokens[h248.AuditEvents] = true
		case *h248.IndAudEventBufferDescriptor:
			w.tokens[h248.AuditEventBuffer] = true
		case *h248.IndAudSignalsDescriptor:
			w.tokens[h248.AuditSignals] = true
		case *h248.IndAudDigitMapDescriptor:
			w.tokens[h248.AuditDigitMap] = true
		case *h248.IndAudStatisticsDescriptor:
			w.tokens[h248.AuditStatistics] = true
			w.stats = append(w.stats, p.Name)
		case *h248.IndAudPackagesDescriptor:
			w.tokens[h248.AuditPackages] = true
		}
	}
	if allStats {
		w.stats = nil
	}
	return w
}

// describe returns the descriptors of t that ad asks for: its current
// values (AuditValue) or its possible values (cap, AuditCapabilities).
func (g *Gateway) describe(t *termination, ad *h248.AuditDescriptor, cap bool) []h248.Descriptor {
	w := wants(ad)
	if len(w.tokens) == 0 {
		return nil
	}
	var out []h248.Descriptor
	if w.tokens[h248.AuditMedia] {
		out = append(out, t.media())
	}
	if w.tokens[h248.AuditEvents] {
		if cap {
			ed := &h248.EventsDescriptor{RequestID: h248.Some(h248.RequestIDAll)}
			for _, e := range eventsOf(t.kind) {
				ed.Events = append(ed.Events, h248.RequestedEvent{Name: e})
			}
			out = append(out, ed)
		} else if t.events != nil {
			out = append(out, t.events)
		}
	}
	if w.tokens[h248.AuditSignals] {
		if cap {
			if sigs := signalsOf(t.kind); len(sigs) > 0 {
				sd := &h248.SignalsDescriptor{}
				for _, s := range sigs {
					sd.Signals = append(sd.Signals, h248.SignalRequest{Signal: h248.Signal{Name: s}})
				}
				out = append(out, sd)
			}
		} else if t.signals != nil {
			out = append(out, t.signals)
		}
	}
	if w.tokens[h248.AuditDigitMap] && !cap && t.digitMap != nil {
		out = append(out, t.digitMap)
	}
	if w.tokens[h248.AuditObservedEvents] && !cap && t.observed != nil {
		out = append(out, t.observed)
	}
	if w.tokens[h248.AuditEventBuffer] && !cap && t.eventBuffer != nil {
		out = append(out, t.eventBuffer)
	}
	if w.tokens[h248.AuditStatistics] {
		sd := g.statistics(t)
		if cap {
			for i := range sd.Params {
				sd.Params[i].Values = nil
			}
		}
		if len(w.stats) > 0 {
			var keep []h248.StatisticsParameter
			for _, p := range sd.Params {
				for _, n := range w.stats {
					if strings.EqualFold(n, p.Name) {
						keep = append(keep, p)
					}
				}
			}
			sd.Params = keep
		}
		out = append(out, sd)
	}
	if w.tokens[h248.AuditPackages] {
		out = append(out, g.packagesDescriptor(t.kind))
	}
	return out
}

// packagesDescriptor lists the packages a kind of termination realizes;
// on ROOT, Config.RootPackages when set.
func (g *Gateway) packagesDescriptor(k Kind) *h248.PackagesDescriptor {
	pd := &h248.PackagesDescriptor{}
	pkgs := packagesOf(k)
	if k == KindRoot && len(g.cfg.RootPackages) > 0 {
		pkgs = g.cfg.RootPackages
	}
	for _, p := range pkgs {
		pd.Items = append(pd.Items, h248.PackagesItem{Name: p, Version: 1})
	}
	return pd
}

// media is t's Media descriptor: termination state, and the stream's
// LocalControl (mode, reserve flags, properties) and Local/Remote SDP, in
// the stream form the MGC used.
func (t *termination) media() *h248.MediaDescriptor {
	md := &h248.MediaDescriptor{TermState: &h248.TerminationStateDescriptor{
		Props: t.tsProps, EventBufferControl: t.bufferCtl, ServiceState: h248.Some(t.service)}}
	sp := h248.StreamParms{
		LocalControl: &h248.LocalControlDescriptor{Mode: h248.Some(t.mode), ReserveValue: t.reserveValue,
			ReserveGroup: t.reserveGroup, Props: t.lcProps},
		Local: t.local, Remote: t.remote,
	}
	if t.multi {
		md.Streams = []h248.StreamDescriptor{{ID: t.streamID, Parms: sp}}
	} else {
		md.Stream = &sp
	}
	return md
}

// describeRoot audits ROOT: packages, the root package's properties and
// the service state (Media), and ROOT's events (it/ito).
func (g *Gateway) describeRoot(ad *h248.AuditDescriptor, cap bool) []h248.Descriptor {
	w := wants(ad)
	var out []h248.Descriptor
	if w.tokens[h248.AuditMedia] {
		num := func(name string, v int) h248.PropertyParm {
			return h248.PropertyParm{Name: name, Value: h248.Single(h248.Unquoted(strconv.Itoa(v)))}
		}
		props := []h248.PropertyParm{num("root/maxNumberOfContexts", g.cfg.MaxContexts),
			num("root/maxTerminationsPerContext", g.cfg.MaxTermsPerContext)}
		props = mergeProps(props, g.root.props)
		out = append(out, &h248.MediaDescriptor{TermState: &h248.TerminationStateDescriptor{Props: props,
			ServiceState: h248.Some(g.root.service)}})
	}
	if w.tokens[h248.AuditEvents] {
		if cap {
			out = append(out, &h248.EventsDescriptor{RequestID: h248.Some(h248.RequestIDAll),
				Events: []h248.RequestedEvent{{Name: "it/ito"}}})
		} else if g.root.events != nil {
			out = append(out, g.root.events)
		}
	}
	if w.tokens[h248.AuditPackages] {
		out = append(out, g.packagesDescriptor(KindRoot))
	}
	return out
}
