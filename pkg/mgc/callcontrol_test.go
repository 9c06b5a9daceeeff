package mgc_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/mgc"
)

// TestCallFlow places a two-party call between a TDM line and an RTP
// leg, then releases it; the model follows every reply.
func TestCallFlow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, mgc.Config{})
		m := w.startMG("10.0.0.2", mgConfig())
		mid, ctx := m.MID(), context.Background()

		line, err := w.c.CreateLeg(ctx, mid, "tdm/1/$")
		if err != nil {
			t.Fatal(err)
		}
		if line.ID.Termination != "tdm/1/1" || line.State != mgc.LegIdle {
			t.Fatalf("line %+v", line)
		}
		rtp, err := w.c.CreateLeg(ctx, mid, "rtp/$")
		if err != nil {
			t.Fatal(err)
		}
		if err := w.c.Alert(ctx, line.ID); err != nil {
			t.Fatal(err)
		}
		if l, _ := w.c.Leg(line.ID); l.State != mgc.LegRinging {
			t.Errorf("after Alert: %v", l.State)
		}
		if ti, _ := m.Gateway().Termination("tdm/1/1"); len(ti.Signals) != 1 || ti.Signals[0] != "al/ri" {
			t.Errorf("the MG plays %v, want al/ri", ti.Signals)
		}
		if err := w.c.Link(ctx, line.ID, rtp.ID); err != nil {
			t.Fatal(err)
		}
		for _, l := range []mgc.LegInfo{line, rtp} {
			if err := w.c.Answer(ctx, l.ID); err != nil {
				t.Fatal(err)
			}
		}
		w.sameAsMG(m)
		cs := m.Gateway().ContextList()
		if len(cs) != 1 || !cs[0].Answered || len(cs[0].Terminations) != 2 {
			t.Fatalf("MG contexts %+v", cs)
		}
		if err := w.c.Release(ctx, rtp.ID); err != nil {
			t.Fatal(err)
		}
		if l, _ := w.c.Leg(line.ID); l.Peer != nil {
			t.Errorf("the line still has a peer: %+v", l)
		}
		if err := w.c.Release(ctx, line.ID); err != nil {
			t.Fatal(err)
		}
		if n := len(w.c.Legs(mid)); n != 0 {
			t.Errorf("%d legs left", n)
		}
		if cs := m.Gateway().ContextList(); len(cs) != 0 {
			t.Errorf("the MG keeps %+v", cs)
		}
	})
}

// TestFailedTransactionsLeaveModel: when the MG refuses, the model stays
// as the MG has it.
func TestFailedTransactionsLeaveModel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, mgc.Config{})
		m := w.startMG("10.0.0.2", mgConfig())
		mid, ctx := m.MID(), context.Background()
		if _, err := w.c.CreateLeg(ctx, mid, "tdm/9/9"); err == nil {
			t.Fatal("a leg on an unknown termination")
		}
		a, err := w.c.CreateLeg(ctx, mid, "tdm/1/1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.c.CreateLeg(ctx, mid, "tdm/1/1"); err == nil {
			t.Fatal("a second leg on a termination in a context")
		}
		// The circuit leaves its context behind the controller's back:
		// Answer fails and the leg stays idle.
		reps := m.Gateway().Execute([]h248.ActionRequest{{ContextID: a.Context, Commands: []h248.CommandRequest{
			{Command: &h248.SubtractRequest{TerminationIDs: []h248.TerminationID{"tdm/1/1"}}}}}})
		if reps[0].Error != nil {
			t.Fatal(reps[0].Error)
		}
		if err := w.c.Answer(ctx, a.ID); err == nil {
			t.Fatal("Answer of a leg the MG does not hold")
		}
		if l, _ := w.c.Leg(a.ID); l.State != mgc.LegIdle {
			t.Errorf("state %v after a failed Answer", l.State)
		}
		// Release still ends it: the MG has it gone already.
		if err := w.c.Release(ctx, a.ID); err != nil {
			t.Fatalf("Release of a leg gone from the MG: %v", err)
		}
		if _, err := w.c.Leg(a.ID); !errors.Is(err, mgc.ErrNoSuchLeg) {
			t.Errorf("leg after release: %v", err)
		}
		w.sameAsMG(m)
	})
}

// TestEvents: the MG's Notify reaches the application as typed callbacks.
func TestEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, mgc.Config{})
		m := w.startMG("10.0.0.2", mgConfig())
		mid, ctx := m.MID(), context.Background()
		l, err := w.c.CreateLeg(ctx, mid, "tdm/1/5")
		if err != nil {
			t.Fatal(err)
		}
		ev := &h248.EventsDescriptor{RequestID: h248.Some[h248.RequestID](7), Events: []h248.RequestedEvent{
			{Name: "al/of"}, {Name: "al/on"}, {Name: "dd/ce", Params: []h248.PropertyParm{{Name: "DigitMap", Value: h248.Single(h248.Unquoted("dialplan"))}}}}}
		dm := &h248.DigitMapDescriptor{Name: "dialplan", Value: &h248.DigitMapValue{Body: "xxx"}}
		if err := w.c.SetEvents(ctx, l.ID, ev, dm); err != nil {
			t.Fatal(err)
		}
		w.app.take()
		if err := m.OffHook(ctx, "tdm/1/5"); err != nil {
			t.Fatal(err)
		}
		if err := m.Digits(ctx, "tdm/1/5", "123"); err != nil {
			t.Fatal(err)
		}
		if err := m.OnHook(ctx, "tdm/1/5"); err != nil {
			t.Fatal(err)
		}
		expectPhases(t, w.app.take(), []string{"offhook tdm/1/5"}, []string{"digits tdm/1/5 123"}, []string{"onhook tdm/1/5"})
	})
}

// TestLinkAcrossMGs links RTP legs on two MGs by SDP, and finds the link
// again after the controller restarts with no memory.
func TestLinkAcrossMGs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, mgc.Config{Inactivity: 2 * time.Second})
		m1 := w.startMG("10.0.0.2", mgConfig())
		m2 := w.startMG("10.0.0.3", mgConfig())
		ctx := context.Background()
		x, err := w.c.CreateLeg(ctx, m1.MID(), "rtp/$")
		if err != nil {
			t.Fatal(err)
		}
		y, err := w.c.CreateLeg(ctx, m2.MID(), "rtp/$")
		if err != nil {
			t.Fatal(err)
		}
		if err := w.c.Link(ctx, x.ID, y.ID); err != nil {
			t.Fatal(err)
		}
		for _, l := range []mgc.LegInfo{x, y} {
			if err := w.c.Answer(ctx, l.ID); err != nil {
				t.Fatal(err)
			}
		}
		if ti, _ := m2.Gateway().Termination(y.ID.Termination); ti.Remote != x.LocalSDP {
			t.Fatalf("MG 2 remote SDP %q, want MG 1's local %q", ti.Remote, x.LocalSDP)
		}
		w.restartMGC()
		w.app.waitFor(t, "ready "+m1.MID().String())
		w.app.waitFor(t, "ready "+m2.MID().String())
		got, _ := w.c.Leg(x.ID)
		if got.Peer == nil || *got.Peer != y.ID {
			t.Fatalf("after the restart X is %+v, want linked to %v", got, y.ID)
		}
		w.app.waitFor(t, "linksync "+pair(string(x.ID.Termination), string(y.ID.Termination)))
		w.sameAsMG(m1)
		w.sameAsMG(m2)
	})
}

// TestServiceChangeFromMG: Graceful stops new legs, Forced on ROOT ends
// every leg.
func TestServiceChangeFromMG(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, mgc.Config{})
		m := w.startMG("10.0.0.2", mgConfig())
		mid, ctx := m.MID(), context.Background()
		l, err := w.c.CreateLeg(ctx, mid, "tdm/1/1")
		if err != nil {
			t.Fatal(err)
		}
		if err := m.ServiceChange(ctx, h248.MethodGraceful, "905", time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, err := w.c.CreateLeg(ctx, mid, "tdm/1/2"); !errors.Is(err, mgc.ErrGraceful) {
			t.Fatalf("CreateLeg during Graceful: %v", err)
		}
		w.app.take()
		if err := m.ServiceChange(ctx, h248.MethodForced, "905", 0); err != nil {
			t.Fatal(err)
		}
		expectPhases(t, w.app.take(), []string{"terminated " + string(l.ID.Termination) + " forced"})
		w.sameAsMG(m)
	})
}

// TestPeriodicAudit notices a silent MG with the periodic ROOT audit and
// terminates its legs when the dead timer expires.
func TestPeriodicAudit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, mgc.Config{AuditPeriod: 5 * time.Second})
		m := w.startMG("10.0.0.2", mgConfig())
		mid, ctx := m.MID(), context.Background()
		l, err := w.c.CreateLeg(ctx, mid, "tdm/1/1")
		if err != nil {
			t.Fatal(err)
		}
		if err := w.c.Answer(ctx, l.ID); err != nil {
			t.Fatal(err)
		}
		w.app.take()
		start := time.Now()
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() { _ = m.Outage(ctx, time.Hour) }()
		w.app.waitFor(t, "notready "+mid.String())
		// The audit at 5 s gives up after 1+2+4+8 s.
		if d := time.Since(start); d != 20*time.Second {
			t.Errorf("lost after %v, want 20s", d)
		}
		w.app.waitFor(t, "terminated tdm/1/1 dead")
		if d := time.Since(start); d != 30*time.Second {
			t.Errorf("dead after %v, want 30s", d)
		}
	})
}

// TestDestroyMixerWithoutAnswer: a mixer destroyed while its MG is away is
// removed from the MG when the MG is back, not offered again.
func TestDestroyMixerWithoutAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, mgc.Config{})
		m := w.startMG("10.0.0.2", mgConfig())
		mid, ctx := m.MID(), context.Background()
		x, err := w.c.CreateMixer(ctx, mid)
		if err != nil {
			t.Fatal(err)
		}
		l, err := w.c.CreateLeg(ctx, mid, "tdm/1/1")
		if err != nil {
			t.Fatal(err)
		}
		if err := w.c.JoinMixer(ctx, l.ID, x.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.c.Answer(ctx, l.ID); err != nil {
			t.Fatal(err)
		}
		w.app.take()
		outage := make(chan error, 1)
		go func() { outage <- m.Outage(context.Background(), 20*time.Second) }()
		synctest.Wait()
		dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		if err := w.c.DestroyMixer(dctx, x.ID); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("DestroyMixer during the outage: %v", err)
		}
		if len(w.c.Mixers(mid)) != 0 || len(w.c.Legs(mid)) != 0 {
			t.Fatal("the destroyed mixer is still in the model")
		}
		if err := <-outage; err != nil {
			t.Fatal(err)
		}
		w.app.waitFor(t, "ready "+mid.String())
		for _, line := range w.app.take() {
			if strings.Contains(line, "sync ") {
				t.Errorf("offered again: %s", line)
			}
		}
		if cs := m.Gateway().ContextList(); len(cs) != 0 {
			t.Errorf("the MG keeps %+v", cs)
		}
		w.sameAsMG(m)
	})
}
