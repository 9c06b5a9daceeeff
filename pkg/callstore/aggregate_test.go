package callstore

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// at is t0 plus s seconds.
func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

func leg(mg, term string, ctx uint32, state string) *Leg {
	return &Leg{LegRef: LegRef{MG: mg, Termination: term}, Context: ctx, State: state}
}

func legEv(s int, k Kind, call string, l *Leg) Event {
	return Event{Time: at(s), Kind: k, Call: call, Leg: l}
}

// basicCall is a call from a TDM line on mg1 to an RTP leg on mg2:
// created, ringing, answered, linked, held, released by both sides after a
// minute of conversation.
func basicCall(call string, start int) []Event {
	a := func(ctx uint32, st string) *Leg { return leg("mg1", "tdm/"+call, ctx, st) }
	b := func(ctx uint32, st string) *Leg { return leg("mg2", "rtp/"+call, ctx, st) }
	bLinked := b(7, "active")
	bLinked.Peer = &LegRef{MG: "mg1", Termination: "tdm/" + call}
	return []Event{
		legEv(start, LegCreated, call, a(1, "idle")),
		legEv(start+1, LegCreated, call, b(7, "idle")),
		legEv(start+2, LegAlerting, call, b(7, "ringing")),
		legEv(start+5, LegAnswered, call, b(7, "active")),
		legEv(start+5, LegJoined, call, bLinked),
		legEv(start+10, LegModified, call, a(1, "active")),
		legEv(start+65, LegReleased, call, a(0, "terminating")),
		legEv(start+66, LegReleased, call, b(7, "terminating")),
	}
}

func applyAll(t *testing.T, m *model, evs []Event) {
	t.Helper()
	for _, ev := range evs {
		if !m.apply(ev) {
			t.Fatalf("event ignored: %+v", ev)
		}
	}
}

func TestAggregateLifecycle(t *testing.T) {
	m := newModel()
	evs := basicCall("c1", 0)
	applyAll(t, m, evs[:6])
	if _, ok := m.dirty["c1"]; !ok || len(m.done) != 0 {
		t.Fatalf("live call: dirty %v, done %v", m.dirty, m.done)
	}
	calls := m.activeCalls()
	if len(calls) != 1 || len(calls[0].Legs) != 2 || calls[0].Legs[1].Peer == nil {
		t.Fatalf("active calls %+v", calls)
	}
	applyAll(t, m, evs[6:])
	if len(m.calls) != 0 || len(m.legs) != 0 || len(m.dirty) != 0 || len(m.done) != 1 {
		t.Fatalf("finished call left calls %v legs %v dirty %v done %v", m.calls, m.legs, m.dirty, m.done)
	}
	want := &CDR{
		V: cdrVersion, Call: "c1", MGs: []string{"mg1", "mg2"},
		Contexts: []ContextRef{{"mg1", 1}, {"mg2", 7}},
		Legs: []LegCDR{
			{LegRef: LegRef{"mg1", "tdm/c1"}, Context: 1, Setup: at(0), Release: at(65), Cause: CauseNormal},
			{LegRef: LegRef{"mg2", "rtp/c1"}, Context: 7, Setup: at(1), Alerting: at(2), Answer: at(5), Release: at(66), Cause: CauseNormal},
		},
		Setup: at(0), Alerting: at(2), Answer: at(5), Release: at(66), Duration: 61 * time.Second,
		Cause: CauseNormal,
	}
	if got := m.done[0]; got.id != "c1" || !reflect.DeepEqual(got.cdr, want) {
		t.Errorf("CDR\n got %+v\nwant %+v", got.cdr, want)
	}
}

func TestAggregate(t *testing.T) {
	mixer := &Mixer{MixerRef: MixerRef{MG: "mg3", Context: 40}, Port: "mix/1"}
	inMixer := func(term string) *Leg {
		l := leg("mg3", term, 40, "active")
		l.Mixer = &mixer.MixerRef
		return l
	}
	tests := []struct {
		name    string
		events  []Event
		ignored int      // events apply refuses
		live    []string // the calls left, by id
		cdrs    []string // calls finished with a CDR, in order
		check   func(t *testing.T, m *model)
	}{{
		name: "a waiting leg joined to a call moves, its call ends without a CDR",
		events: []Event{
			legEv(0, LegCreated, "w1", leg("mg1", "tdm/1", 1, "idle")),
			legEv(1, LegCreated, "c1", leg("mg2", "rtp/1", 2, "idle")),
			legEv(2, LegJoined, "c1", leg("mg1", "tdm/1", 1, "active")),
		},
		live: []string{"c1"},
		check: func(t *testing.T, m *model) {
			if len(m.done) != 1 || m.done[0].id != "w1" || m.done[0].cdr != nil {
				t.Errorf("done %+v, want w1 without a CDR", m.done)
			}
			if r := m.calls["c1"]; len(r.Legs) != 2 || !r.Legs[1].Setup.Equal(at(0)) {
				t.Errorf("c1 legs %+v: the moved leg keeps its setup time", r.Legs)
			}
		},
	}, {
		name: "resync history and the first end's cause",
		events: []Event{
			legEv(0, LegCreated, "c1", leg("mg1", "tdm/1", 1, "active")),
			legEv(1, LegKept, "c1", leg("mg1", "tdm/1", 1, "active")),
			// Unknown to the store: an offered leg starts its part of the call.
			legEv(1, LegOffered, "c1", leg("mg1", "rtp/9", 1, "active")),
			{Time: at(20), Kind: LegTerminated, Call: "c1", Leg: leg("mg1", "rtp/9", 1, "terminating"), Cause: "vanished"},
			legEv(30, LegReleased, "c1", leg("mg1", "tdm/1", 1, "terminating")),
		},
		cdrs: []string{"c1"},
		check: func(t *testing.T, m *model) {
			c := m.done[0].cdr
			want := []Resync{
				{Time: at(1), Kind: LegKept, Leg: &LegRef{"mg1", "tdm/1"}},
				{Time: at(1), Kind: LegOffered, Leg: &LegRef{"mg1", "rtp/9"}},
				{Time: at(20), Kind: LegTerminated, Leg: &LegRef{"mg1", "rtp/9"}, Cause: "vanished"},
			}
			if !reflect.DeepEqual(c.History, want) {
				t.Errorf("history %+v", c.History)
			}
			if c.Cause != "vanished" || c.Legs[0].Cause != CauseNormal || c.Legs[1].Cause != "vanished" || c.Duration != 0 {
				t.Errorf("cause %q, legs %+v, duration %v", c.Cause, c.Legs, c.Duration)
			}
		},
	}, {
		name: "a conference: legs on a mixer, the mixer ended by the MGC layer",
		events: []Event{
			{Time: at(0), Kind: MixerCreated, Call: "conf", Mixer: mixer},
			legEv(1, LegJoined, "conf", inMixer("rtp/1")),
			legEv(2, LegJoined, "conf", inMixer("rtp/2")),
			legEv(3, LegAnswered, "conf", inMixer("rtp/2")),
			{Time: at(50), Kind: MixerDestroyed, Call: "conf", Mixer: mixer, Cause: "mg dead"},
			{Time: at(50), Kind: LegTerminated, Call: "conf", Leg: inMixer("rtp/1"), Cause: "mg dead"},
		},
		live: []string{"conf"},
		check: func(t *testing.T, m *model) {
			calls := m.activeCalls()
			if len(calls[0].Legs) != 1 || calls[0].Legs[0].Termination != "rtp/2" || len(calls[0].Mixers) != 0 {
				t.Errorf("live conference %+v", calls[0])
			}
			if r := m.calls["conf"]; r.Cause != "mg dead" || len(r.History) != 2 {
				t.Errorf("cause %q, history %+v", r.Cause, r.History)
			}
		},
	}, {
		name: "termination ids are reused after a leg ended",
		events: append(basicCall("c1", 0),
			legEv(100, LegCreated, "c2", leg("mg1", "tdm/c1", 3, "idle")),
			legEv(101, LegReleased, "c2", leg("mg1", "tdm/c1", 3, "terminating"))),
		cdrs: []string{"c1", "c2"},
		check: func(t *testing.T, m *model) {
			if c := m.done[1].cdr; len(c.Legs) != 1 || c.Legs[0].Context != 3 || !c.Setup.Equal(at(100)) {
				t.Errorf("second call's CDR %+v", c)
			}
		},
	}, {
		name: "events the store cannot use",
		events: []Event{
			legEv(0, LegCreated, "", leg("mg1", "tdm/1", 1, "idle")),
			legEv(0, LegReleased, "c1", leg("mg1", "tdm/1", 1, "terminating")),
			{Time: at(0), Kind: MixerDestroyed, Call: "c1", Mixer: &Mixer{MixerRef: MixerRef{"mg1", 5}}},
			{Time: at(0), Kind: LegModified, Call: "c1"},
		},
		ignored: 4,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newModel()
			ignored := 0
			for _, ev := range tt.events {
				if !m.apply(ev) {
					ignored++
				}
			}
			if ignored != tt.ignored {
				t.Errorf("%d events ignored, want %d", ignored, tt.ignored)
			}
			var live []string
			for _, c := range m.activeCalls() {
				live = append(live, c.ID)
			}
			var cdrs []string
			for _, f := range m.done {
				if f.cdr != nil {
					cdrs = append(cdrs, f.id)
				}
			}
			if !reflect.DeepEqual(live, tt.live) || !reflect.DeepEqual(cdrs, tt.cdrs) {
				t.Errorf("live %v, CDRs %v; want %v, %v", live, cdrs, tt.live, tt.cdrs)
			}
			if tt.check != nil {
				tt.check(t, m)
			}
		})
	}
}

// TestRecordRoundTrip: a record read back from its replicated form
// rebuilds the same model, and the aggregation goes on from it.
func TestRecordRoundTrip(t *testing.T) {
	evs := basicCall("c1", 0)
	m := newModel()
	applyAll(t, m, evs[:6])
	data, err := json.Marshal(m.calls["c1"])
	if err != nil {
		t.Fatal(err)
	}
	r, err := decodeRecord(data)
	if err != nil {
		t.Fatal(err)
	}
	restored := newModel()
	restored.load(r)
	if !reflect.DeepEqual(restored.calls, m.calls) || !reflect.DeepEqual(restored.legs, m.legs) {
		t.Fatalf("restored\n%+v\nwant\n%+v", restored.calls["c1"], m.calls["c1"])
	}
	applyAll(t, restored, evs[6:])
	applyAll(t, m, evs[6:])
	if !reflect.DeepEqual(restored.done, m.done) {
		t.Errorf("CDR after a restore differs")
	}
}

func TestFormatVersions(t *testing.T) {
	tests := []struct {
		name string
		data string
		want error
	}{
		{"current", `{"v":1,"id":"c1"}`, nil},
		{"newer", `{"v":2,"id":"c1"}`, errNewer},
		{"missing", `{"id":"c1"}`, ErrFormat},
		{"damaged", `{"v":1,`, ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeRecord([]byte(tt.data))
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("decodeRecord: %v, want %v", err, tt.want)
			}
			_, err = decodeCDR([]byte(tt.data))
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("decodeCDR: %v, want %v", err, tt.want)
			}
		})
	}
	calls, outbox, errs := stateItems(map[string][]byte{
		"call/c1": []byte(`{"v":1,"id":"c1"}`), "call/c2": []byte(`{"v":9}`),
		"cdr/c0": []byte(`{}`), "other": nil,
	})
	if len(calls) != 1 || len(outbox) != 1 || len(errs) != 1 || !errors.Is(errs[0], errNewer) {
		t.Errorf("stateItems: %d calls, %d outbox, errors %v", len(calls), len(outbox), errs)
	}
}
