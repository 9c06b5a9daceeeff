package callstore

import (
	"cmp"
	"slices"
	"time"
)

// callRec aggregates the events of one call. It is the replicated state
// item of an active call (JSON, see format.go): the live legs and mixers
// for a restore, and everything a CDR needs.
type callRec struct {
	V       int        `json:"v"`
	ID      string     `json:"id"`
	Legs    []legRec   `json:"legs,omitempty"`
	Mixers  []mixerRec `json:"mixers,omitempty"`
	History []Resync   `json:"history,omitempty"`
	// Cause is the call's release cause, set when its first leg or mixer
	// ends: "" while none has.
	Cause string `json:"cause,omitempty"`
}

// legRec is a leg of a call: its latest state and its timestamps. End is
// zero while the leg lives.
type legRec struct {
	Leg
	Setup    time.Time `json:"setup"`
	Alerting time.Time `json:"alerting,omitzero"`
	Answer   time.Time `json:"answer,omitzero"`
	End      time.Time `json:"end,omitzero"`
	Cause    string    `json:"cause,omitempty"`
}

// mixerRec is a mixer of a call.
type mixerRec struct {
	Mixer
	Created time.Time `json:"created"`
	End     time.Time `json:"end,omitzero"`
	Cause   string    `json:"cause,omitempty"`
}

// finished is a call that ended: with its CDR, or without one when a move
// left it empty.
type finished struct {
	id  string
	cdr *CDR
}

// model is the active instance's calls: each live call's record and the
// call each live leg and mixer belongs to. Termination ids and context ids
// are reused once a leg or mixer has ended, so only live ones are indexed.
// apply notes what it changed in dirty and done for the writer.
type model struct {
	calls  map[string]*callRec
	legs   map[LegRef]string
	mixers map[MixerRef]string
	dirty  map[string]struct{} // calls to put
	done   []finished          // calls to delete, in order
}

func newModel() *model {
	return &model{
		calls:  map[string]*callRec{},
		legs:   map[LegRef]string{},
		mixers: map[MixerRef]string{},
		dirty:  map[string]struct{}{},
	}
}

// load adds a replicated record, as a new active instance does.
func (m *model) load(r *callRec) {
	m.calls[r.ID] = r
	for _, l := range r.Legs {
		if l.End.IsZero() {
			m.legs[l.LegRef] = r.ID
		}
	}
	for _, x := range r.Mixers {
		if x.End.IsZero() {
			m.mixers[x.MixerRef] = r.ID
		}
	}
}

// apply folds ev into the model. It reports false for an event it cannot
// use: with no call id, with neither Leg nor Mixer, or ending a leg or
// mixer that is not live.
func (m *model) apply(ev Event) bool {
	switch {
	case ev.Call == "":
		return false
	case ev.Leg != nil:
		return m.applyLeg(ev)
	case ev.Mixer != nil:
		return m.applyMixer(ev)
	}
	return false
}

func (m *model) applyLeg(ev Event) bool {
	ref := ev.Leg.LegRef
	end := ev.Kind == LegReleased || ev.Kind == LegTerminated
	id, live := m.legs[ref]
	switch {
	case !live && end:
		return false
	case !live:
		// LegCreated, or the first event of a leg the store missed (an
		// offered one, or one from before the store was enabled).
		id = ev.Call
		r := m.call(id)
		r.Legs = append(r.Legs, legRec{Leg: *ev.Leg, Setup: ev.Time})
		m.legs[ref] = id
	case ev.Call != id:
		m.moveLeg(ref, id, ev.Call)
		id = ev.Call
	}
	r := m.calls[id]
	l := &r.Legs[r.liveLeg(ref)]
	ctx := l.Context
	l.Leg = *ev.Leg
	if l.Context == 0 { // a leg leaving its context keeps it in the CDR
		l.Context = ctx
	}
	switch ev.Kind {
	case LegAlerting:
		setOnce(&l.Alerting, ev.Time)
	case LegAnswered:
		setOnce(&l.Answer, ev.Time)
	case LegKept, LegOffered:
		r.History = append(r.History, Resync{Time: ev.Time, Kind: ev.Kind, Leg: &ref})
	case LegTerminated:
		r.History = append(r.History, Resync{Time: ev.Time, Kind: ev.Kind, Leg: &ref, Cause: ev.Cause})
	}
	if end {
		l.End, l.Cause = ev.Time, cause(ev.Cause)
		r.ended(l.Cause)
		delete(m.legs, ref)
	}
	m.changed(id)
	return true
}

func (m *model) applyMixer(ev Event) bool {
	ref := ev.Mixer.MixerRef
	end := ev.Kind == MixerDestroyed
	id, live := m.mixers[ref]
	switch {
	case !live && end:
		return false
	case !live:
		id = ev.Call
		r := m.call(id)
		r.Mixers = append(r.Mixers, mixerRec{Mixer: *ev.Mixer, Created: ev.Time})
		m.mixers[ref] = id
	case ev.Call != id:
		m.moveMixer(ref, id, ev.Call)
		id = ev.Call
	}
	r := m.calls[id]
	x := &r.Mixers[r.liveMixer(ref)]
	x.Mixer = *ev.Mixer
	if end {
		x.End, x.Cause = ev.Time, cause(ev.Cause)
		if ev.Cause != "" {
			r.History = append(r.History, Resync{Time: ev.Time, Kind: ev.Kind, Mixer: &ref, Cause: ev.Cause})
		}
		r.ended(x.Cause)
		delete(m.mixers, ref)
	}
	m.changed(id)
	return true
}

// call returns the record of call id, new if there is none.
func (m *model) call(id string) *callRec {
	r := m.calls[id]
	if r == nil {
		r = &callRec{V: recordVersion, ID: id}
		m.calls[id] = r
	}
	return r
}

// moveLeg moves a live leg, with its history, to another call.
func (m *model) moveLeg(ref LegRef, from, to string) {
	src := m.calls[from]
	i := src.liveLeg(ref)
	l := src.Legs[i]
	src.Legs = slices.Delete(src.Legs, i, i+1)
	dst := m.call(to)
	dst.Legs = append(dst.Legs, l)
	src.History, dst.History = moveHistory(src.History, dst.History, func(h Resync) bool { return h.Leg != nil && *h.Leg == ref })
	m.legs[ref] = to
	m.changed(from)
}

// moveMixer moves a live mixer, with its history, to another call.
func (m *model) moveMixer(ref MixerRef, from, to string) {
	src := m.calls[from]
	i := src.liveMixer(ref)
	x := src.Mixers[i]
	src.Mixers = slices.Delete(src.Mixers, i, i+1)
	dst := m.call(to)
	dst.Mixers = append(dst.Mixers, x)
	src.History, dst.History = moveHistory(src.History, dst.History, func(h Resync) bool { return h.Mixer != nil && *h.Mixer == ref })
	m.mixers[ref] = to
	m.changed(from)
}

func moveHistory(src, dst []Resync, match func(Resync) bool) ([]Resync, []Resync) {
	var keep []Resync
	for _, h := range src {
		if match(h) {
			dst = append(dst, h)
		} else {
			keep = append(keep, h)
		}
	}
	slices.SortStableFunc(dst, func(a, b Resync) int { return a.Time.Compare(b.Time) })
	return keep, dst
}

// changed notes that call id changed, and ends it once nothing of it
// lives: with a CDR, or without one if it has no leg or mixer left.
func (m *model) changed(id string) {
	r := m.calls[id]
	if r.live() {
		m.dirty[id] = struct{}{}
		return
	}
	delete(m.calls, id)
	delete(m.dirty, id)
	f := finished{id: id}
	if len(r.Legs)+len(r.Mixers) > 0 {
		f.cdr = r.cdr()
	}
	m.done = append(m.done, f)
}

// activeCalls returns the live calls, by id.
func (m *model) activeCalls() []Call {
	out := make([]Call, 0, len(m.calls))
	for _, r := range m.calls {
		out = append(out, r.call())
	}
	slices.SortFunc(out, func(a, b Call) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// live reports whether a leg or mixer of the call has not ended.
func (r *callRec) live() bool {
	return slices.ContainsFunc(r.Legs, func(l legRec) bool { return l.End.IsZero() }) ||
		slices.ContainsFunc(r.Mixers, func(x mixerRec) bool { return x.End.IsZero() })
}

// liveLeg is the index of the live leg ref; it must exist.
func (r *callRec) liveLeg(ref LegRef) int {
	return slices.IndexFunc(r.Legs, func(l legRec) bool { return l.LegRef == ref && l.End.IsZero() })
}

// liveMixer is the index of the live mixer ref; it must exist.
func (r *callRec) liveMixer(ref MixerRef) int {
	return slices.IndexFunc(r.Mixers, func(x mixerRec) bool { return x.MixerRef == ref && x.End.IsZero() })
}

// ended notes the end of a leg or mixer: the first one's cause is the
// call's.
func (r *callRec) ended(cause string) {
	if r.Cause == "" {
		r.Cause = cause
	}
}

// call is the record as the MGC layer restores it: the live legs and
// mixers.
func (r *callRec) call() Call {
	c := Call{ID: r.ID, Legs: []Leg{}}
	for _, l := range r.Legs {
		if l.End.IsZero() {
			c.Legs = append(c.Legs, l.Leg)
		}
	}
	for _, x := range r.Mixers {
		if x.End.IsZero() {
			c.Mixers = append(c.Mixers, x.Mixer)
		}
	}
	return c
}

// cdr is the CDR of a finished call.
func (r *callRec) cdr() *CDR {
	c := &CDR{V: cdrVersion, Call: r.ID, Cause: r.Cause, History: r.History}
	mgs := map[string]bool{}
	ctxs := map[ContextRef]bool{}
	for _, l := range r.Legs {
		mgs[l.MG] = true
		if l.Context != 0 {
			ctxs[ContextRef{l.MG, l.Context}] = true
		}
		c.Legs = append(c.Legs, LegCDR{
			LegRef: l.LegRef, Context: l.Context,
			Setup: l.Setup, Alerting: l.Alerting, Answer: l.Answer, Release: l.End, Cause: l.Cause,
		})
		c.Setup = earliest(c.Setup, l.Setup)
		c.Alerting = earliest(c.Alerting, l.Alerting)
		c.Answer = earliest(c.Answer, l.Answer)
		c.Release = latest(c.Release, l.End)
	}
	for _, x := range r.Mixers {
		mgs[x.MG] = true
		ctxs[ContextRef(x.MixerRef)] = true
		c.Mixers = append(c.Mixers, MixerCDR{MixerRef: x.MixerRef, Port: x.Port, Created: x.Created, Release: x.End, Cause: x.Cause})
		c.Setup = earliest(c.Setup, x.Created)
		c.Release = latest(c.Release, x.End)
	}
	for mg := range mgs {
		c.MGs = append(c.MGs, mg)
	}
	slices.Sort(c.MGs)
	for ctx := range ctxs {
		c.Contexts = append(c.Contexts, ctx)
	}
	slices.SortFunc(c.Contexts, func(a, b ContextRef) int {
		return cmp.Or(cmp.Compare(a.MG, b.MG), cmp.Compare(a.Context, b.Context))
	})
	if !c.Answer.IsZero() {
		c.Duration = c.Release.Sub(c.Answer)
	}
	return c
}

func cause(c string) string {
	if c == "" {
		return CauseNormal
	}
	return c
}

func setOnce(t *time.Time, v time.Time) {
	if t.IsZero() {
		*t = v
	}
}

// earliest is the earlier of two times, ignoring zeros.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
