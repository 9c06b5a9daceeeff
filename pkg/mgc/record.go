package mgc

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/megaco/megaco/pkg/callstore"
	"github.com/megaco/megaco/pkg/h248"
)

// newCallID returns a call id unique across controllers and restarts.
func newCallID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail
	return hex.EncodeToString(b[:])
}

func (l LegInfo) stored() *callstore.Leg {
	sl := &callstore.Leg{LegRef: callstore.LegRef{MG: l.ID.MG.String(), Termination: string(l.ID.Termination)},
		Context: uint32(l.Context), State: l.State.String(), LocalSDP: l.LocalSDP, RemoteSDP: l.RemoteSDP}
	if l.Peer != nil {
		sl.Peer = &callstore.LegRef{MG: l.Peer.MG.String(), Termination: string(l.Peer.Termination)}
	}
	if l.Mixer != nil {
		sl.Mixer = &callstore.MixerRef{MG: l.Mixer.MG.String(), Context: uint32(l.Mixer.Context)}
	}
	return sl
}

func (x MixerInfo) stored() *callstore.Mixer {
	return &callstore.Mixer{MixerRef: callstore.MixerRef{MG: x.ID.MG.String(), Context: uint32(x.ID.Context)}, Port: string(x.Port)}
}

func legEvent(kind callstore.Kind, l LegInfo, cause error) callstore.Event {
	return callstore.Event{Kind: kind, Call: l.Call, Leg: l.stored(), Cause: causeText(cause)}
}

func mixerEvent(kind callstore.Kind, x MixerInfo, cause error) callstore.Event {
	return callstore.Event{Kind: kind, Call: x.Call, Mixer: x.stored(), Cause: causeText(cause)}
}

// events builds the events of legs and mixers that change together.
func events(legKind callstore.Kind, legs []LegInfo, mixerKind callstore.Kind, mixers []MixerInfo, cause error) []callstore.Event {
	evs := make([]callstore.Event, 0, len(legs)+len(mixers))
	for _, x := range mixers {
		evs = append(evs, mixerEvent(mixerKind, x, cause))
	}
	for _, l := range legs {
		evs = append(evs, legEvent(legKind, l, cause))
	}
	return evs
}

func causeText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// record hands events to the call store, if there is one. Callers build
// the events under the lock and record them after.
func (c *Controller) record(evs ...callstore.Event) {
	if c.cfg.Recorder == nil {
		return
	}
	now := time.Now()
	for _, ev := range evs {
		ev.Time = now
		c.cfg.Recorder.Record(ev)
	}
}

// Restore rebuilds the model from the active calls of a call store, before
// the MGs are heard from: their legs count as lost (the dead timer runs),
// and the first ServiceChange or message of each MG, or Resync, audits it
// as in scenario 1, so that calls the store knows stay valid and only the
// difference goes through the callbacks. It returns the MGs it restored.
func (c *Controller) Restore(calls []callstore.Call) ([]h248.MID, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var mids []h248.MID
	entry := func(s string) (*mgEntry, error) {
		mid, err := h248.ParseMID(s)
		if err != nil {
			return nil, err
		}
		m, ok := c.mgs[mid]
		if !ok {
			m = newMGEntry(mid, nil)
			m.deadTimer = time.AfterFunc(c.cfg.DeadTimer, func() { c.dead(mid) })
			c.mgs[mid] = m
			mids = append(mids, mid)
		}
		return m, nil
	}
	for _, call := range calls {
		for _, sx := range call.Mixers {
			m, err := entry(sx.MG)
			if err != nil {
				return nil, fmt.Errorf("mgc: restoring call %s: %w", call.ID, err)
			}
			cid := h248.ContextID(sx.Context)
			m.mixers[cid] = &Mixer{ID: MixerID{MG: m.mid, Context: cid}, Port: h248.TerminationID(sx.Port), Call: call.ID}
		}
		for _, sl := range call.Legs {
			m, err := entry(sl.MG)
			if err != nil {
				return nil, fmt.Errorf("mgc: restoring call %s: %w", call.ID, err)
			}
			l := &Leg{ID: LegID{MG: m.mid, Termination: h248.TerminationID(sl.Termination)}, Context: h248.ContextID(sl.Context),
				State: parseLegState(sl.State), LocalSDP: sl.LocalSDP, RemoteSDP: sl.RemoteSDP, Call: call.ID}
			m.legs[l.ID.key()] = l
		}
	}
	// Links and mixer membership once every leg is in.
	for _, call := range calls {
		for _, sl := range call.Legs {
			mid, _ := h248.ParseMID(sl.MG)
			l := c.mgs[mid].legs[LegID{MG: mid, Termination: h248.TerminationID(sl.Termination)}.key()]
			if sl.Peer != nil {
				if pmid, err := h248.ParseMID(sl.Peer.MG); err == nil && c.mgs[pmid] != nil {
					l.Peer = c.mgs[pmid].legs[LegID{MG: pmid, Termination: h248.TerminationID(sl.Peer.Termination)}.key()]
				}
			}
			if sl.Mixer != nil {
				if x := c.mgs[mid].mixers[h248.ContextID(sl.Mixer.Context)]; x != nil {
					l.Mixer = x
					x.Legs = append(x.Legs, l)
				}
			}
		}
	}
	return mids, nil
}

func parseLegState(s string) LegState {
	for i, name := range legStateNames {
		if name == s {
			return LegState(i)
		}
	}
	return LegIdle
}

// Calls returns the model as calls: legs and mixers grouped by call id,
// in the call store's form.
func (c *Controller) Calls() []callstore.Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	byID := map[string]*callstore.Call{}
	var order []string
	get := func(id string) *callstore.Call {
		if cl, ok := byID[id]; ok {
			return cl
		}
		cl := &callstore.Call{ID: id}
		byID[id] = cl
		order = append(order, id)
		return cl
	}
	for _, m := range c.mgs {
		for _, x := range m.mixers {
			cl := get(x.Call)
			cl.Mixers = append(cl.Mixers, *x.info().stored())
		}
		for _, l := range m.legs {
			cl := get(l.Call)
			cl.Legs = append(cl.Legs, *l.info().stored())
		}
	}
	out := make([]callstore.Call, len(order))
	for i, id := range order {
		out[i] = *byID[id]
	}
	return out
}
