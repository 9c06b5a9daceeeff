package admin

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/mgc"
)

// fakeCalls is call control over a fakeView, writing down each operation.
type fakeCalls struct {
	view *fakeView
	mu   sync.Mutex
	ops  []string
	n    int
	fail string // an operation to refuse
}

func (f *fakeCalls) op(s string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ops = append(f.ops, s)
	if s == f.fail {
		return mgc.ErrMGNotReady
	}
	return nil
}

func (f *fakeCalls) CreateLeg(_ context.Context, mg h248.MID, t h248.TerminationID) (mgc.LegInfo, error) {
	if err := f.op("create " + string(t)); err != nil {
		return mgc.LegInfo{}, err
	}
	f.mu.Lock()
	f.n++
	l := mgc.LegInfo{ID: mgc.LegID{MG: mg, Termination: h248.TerminationID(strings.ReplaceAll(string(t), "$", fmt.Sprint(f.n)))},
		Call: fmt.Sprintf("call%d", f.n), Context: h248.ContextID(f.n)}
	f.view.legs = append(f.view.legs, l)
	f.mu.Unlock()
	return l, nil
}

func (f *fakeCalls) leg(id mgc.LegID, change func(*mgc.LegInfo)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.view.legs {
		if f.view.legs[i].ID == id {
			change(&f.view.legs[i])
		}
	}
}

func (f *fakeCalls) Alert(_ context.Context, id mgc.LegID) error {
	return f.op("alert " + string(id.Termination))
}

func (f *fakeCalls) Answer(_ context.Context, id mgc.LegID) error {
	f.leg(id, func(l *mgc.LegInfo) { l.State = mgc.LegActive })
	return f.op("answer " + string(id.Termination))
}

func (f *fakeCalls) Link(_ context.Context, a, b mgc.LegID) error {
	var call string
	f.leg(a, func(l *mgc.LegInfo) { call = l.Call })
	f.leg(b, func(l *mgc.LegInfo) { l.Call = call })
	return f.op("link " + string(a.Termination) + " " + string(b.Termination))
}

func (f *fakeCalls) Release(_ context.Context, id mgc.LegID) error {
	f.mu.Lock()
	for i, l := range f.view.legs {
		if l.ID == id {
			f.view.legs = append(f.view.legs[:i], f.view.legs[i+1:]...)
			break
		}
	}
	f.mu.Unlock()
	return f.op("release " + string(id.Termination))
}

func TestCalls(t *testing.T) {
	view := &fakeView{}
	fc := &fakeCalls{view: view}
	f := newFixture(t, "", view)
	f.srv.o.Calls = fc
	var cs CallStatus
	if code := f.call(t, "POST", "/v1/calls", `{"mg": "mg1", "a": "tdm/1/$", "b": "rtp/$", "peer_mg": "mg2"}`, &cs); code != 201 {
		t.Fatalf("place: %d %+v", code, cs)
	}
	if cs.Call != "call1" || len(cs.Legs) != 2 || cs.Legs[0].MG != "mg1" || cs.Legs[1].MG != "mg2" || cs.Legs[0].State != "active" {
		t.Errorf("call %+v", cs)
	}
	if got := strings.Join(fc.ops, ", "); got != "create tdm/1/$, create rtp/$, link tdm/1/1 rtp/2, alert rtp/2, answer tdm/1/1, answer rtp/2" {
		t.Errorf("operations: %s", got)
	}
	var list []CallStatus
	if f.call(t, "GET", "/v1/calls", "", &list); len(list) != 1 || list[0].Call != "call1" || len(list[0].Legs) != 2 {
		t.Errorf("list %+v", list)
	}
	if code := f.call(t, "DELETE", "/v1/calls/call1", "", &cs); code != 200 || len(view.legs) != 0 {
		t.Errorf("release: %d, legs left %+v", code, view.legs)
	}
	var e ErrorBody
	if code := f.call(t, "DELETE", "/v1/calls/call1", "", &e); code != 404 {
		t.Errorf("release again: %d", code)
	}
	// A refused step releases what was set up and says why.
	fc.ops, fc.fail = nil, "link tdm/1/3 rtp/4"
	if code := f.call(t, "POST", "/v1/calls", `{"mg": "mg1", "a": "tdm/1/$", "b": "rtp/$"}`, &e); code != 503 || len(view.legs) != 0 {
		t.Errorf("refused link: %d %+v, legs left %+v", code, e, view.legs)
	}
	if code := f.call(t, "POST", "/v1/calls", `{"mg": "mg1", "a": "tdm/1/$"}`, &e); code != 400 {
		t.Errorf("no b: %d", code)
	}
	if code := newFixture(t, "", view).call(t, "POST", "/v1/calls", `{"mg": "mg1", "a": "x", "b": "y"}`, &e); code != 501 {
		t.Errorf("without call control: %d", code)
	}
}
