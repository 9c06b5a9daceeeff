package mgc_test

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/megaco/megaco/pkg/callstore"
	"github.com/megaco/megaco/pkg/mgc"
)

// events records what the controller hands the call store.
type events struct {
	mu  sync.Mutex
	evs []callstore.Event
}

func (e *events) Record(ev callstore.Event) {
	e.mu.Lock()
	e.evs = append(e.evs, ev)
	e.mu.Unlock()
}

// kinds counts the events by kind, and by cause for the ends.
func (e *events) kinds() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := map[string]int{}
	for _, ev := range e.evs {
		k := string(ev.Kind)
		if ev.Cause != "" {
			k += "(" + ev.Cause + ")"
		}
		n[k]++
	}
	var out []string
	for k, v := range n {
		out = append(out, k+"="+strconv.Itoa(v))
	}
	sort.Strings(out)
	e.evs = nil
	return strings.Join(out, " ")
}

// TestRecordEvents: every change of the seed's example reaches the call
// store, with one call id per link and per mixer.
func TestRecordEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &events{}
		w := newWorld(t, mgc.Config{Inactivity: 2 * time.Second, Recorder: rec})
		m := w.startMG("10.0.0.2", mgConfig())
		s := placeSeedCalls(t, w, m.MID())
		if got, want := rec.kinds(), "alerting=1 answered=4 created=5 joined=3 mixer_created=1"; got != want {
			t.Errorf("events %s, want %s", got, want)
		}
		c, _ := w.c.Leg(s.c.ID)
		d, _ := w.c.Leg(s.d.ID)
		e, _ := w.c.Leg(s.e.ID)
		if c.Call == "" || c.Call != d.Call || e.Call != s.mixer.Call || e.Call == c.Call {
			t.Errorf("call ids: C %s D %s E %s mixer %s", c.Call, d.Call, e.Call, s.mixer.Call)
		}
		if err := w.c.Release(context.Background(), s.b.ID); err != nil {
			t.Fatal(err)
		}
		w.app.take()
		if err := m.WarmRestart(context.Background(), time.Second); err != nil {
			t.Fatal(err)
		}
		w.app.waitFor(t, "ready "+m.MID().String())
		if got, want := rec.kinds(), "released=1 resync_kept=3 terminated(mgc: dropped at resync (not answered))=1"; got != want {
			t.Errorf("events %s, want %s", got, want)
		}
	})
}

// TestRestore: a controller that restarts with the calls of a call store
// resyncs as in scenario 1, not 3: known calls stay valid and keep their
// ids, only the difference goes through the callbacks.
func TestRestore(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, mgc.Config{Inactivity: 2 * time.Second})
		m := w.startMG("10.0.0.2", mgConfig())
		mid := m.MID()
		s := placeSeedCalls(t, w, mid)
		if err := w.c.Release(context.Background(), s.b.ID); err != nil {
			t.Fatal(err)
		}
		calls := w.c.Calls()
		w.restartMGC()
		mids, err := w.c.Restore(calls)
		if err != nil || len(mids) != 1 || mids[0] != mid {
			t.Fatalf("Restore: %v %v", mids, err)
		}
		w.app.waitFor(t, "ready "+mid.String())
		expectPhases(t, w.app.take(),
			[]string{"terminated " + s.names(&s.a)[0] + " dropped"},
			prefixed("syncdone", s.names(&s.c, &s.d, &s.e)...),
			[]string{"mixersyncdone mixer mix/1"},
			[]string{"ready " + mid.String()},
		)
		w.sameAsMG(m)
		c, _ := w.c.Leg(s.c.ID)
		if c.Call != s.c.Call || c.Peer == nil || *c.Peer != s.d.ID {
			t.Errorf("C after restore: %+v, want call %s linked to D", c, s.c.Call)
		}
	})
}

// TestRestoreDeadMG: restored legs of an MG that never comes back end
// with the dead timer.
func TestRestoreDeadMG(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, mgc.Config{})
		if _, err := w.c.Restore([]callstore.Call{{ID: "c1", Legs: []callstore.Leg{{
			LegRef: callstore.LegRef{MG: "[10.0.0.7]:2944", Termination: "tdm/1/1"}, Context: 3, State: "active"}}}}); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		w.app.waitFor(t, "terminated tdm/1/1 dead")
		if d := time.Since(start); d != 10*time.Second {
			t.Errorf("dead after %v, want the 10s dead timer", d)
		}
	})
}
