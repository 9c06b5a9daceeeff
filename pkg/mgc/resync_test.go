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
	"github.com/megaco/megaco/pkg/mgsim"
)

// seedCalls are the legs and mixer of seed 000's example.
type seedCalls struct {
	a, b, c, d, e mgc.LegInfo
	mixer         mgc.MixerInfo
}

func (s seedCalls) names(legs ...*mgc.LegInfo) []string {
	var out []string
	for _, l := range legs {
		out = append(out, string(l.ID.Termination))
	}
	return out
}

// placeSeedCalls sets up seed 000's example on an MG: A ringing, B
// active (to be released during the outage), C and D active and linked,
// E active on mixer 1.
func placeSeedCalls(t *testing.T, w *world, mg h248.MID) seedCalls {
	t.Helper()
	ctx := context.Background()
	create := func(term h248.TerminationID) mgc.LegInfo {
		t.Helper()
		l, err := w.c.CreateLeg(ctx, mg, term)
		if err != nil {
			t.Fatalf("CreateLeg %s: %v", term, err)
		}
		return l
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	var s seedCalls
	s.a, s.b, s.c, s.d, s.e = create("tdm/1/1"), create("tdm/1/2"), create("tdm/1/3"), create("rtp/$"), create("tdm/1/4")
	if !strings.HasPrefix(string(s.d.ID.Termination), "rtp/") || s.d.LocalSDP == "" {
		t.Fatalf("RTP leg %+v: want an rtp/ id and Local SDP", s.d)
	}
	must("alert A", w.c.Alert(ctx, s.a.ID))
	for _, l := range []mgc.LegInfo{s.b, s.c, s.d, s.e} {
		must("answer "+l.ID.String(), w.c.Answer(ctx, l.ID))
	}
	must("link C D", w.c.Link(ctx, s.c.ID, s.d.ID))
	x, err := w.c.CreateMixer(ctx, mg)
	must("create mixer", err)
	s.mixer = x
	must("join E", w.c.JoinMixer(ctx, s.e.ID, x.ID))

	c, _ := w.c.Leg(s.c.ID)
	d, _ := w.c.Leg(s.d.ID)
	if c.Peer == nil || *c.Peer != s.d.ID || d.Context != c.Context {
		t.Fatalf("C and D not linked: %+v %+v", c, d)
	}
	s.c, s.d = c, d
	s.e, _ = w.c.Leg(s.e.ID)
	s.mixer = w.c.Mixers(mg)[0]
	if len(s.mixer.Legs) != 1 || s.mixer.Legs[0] != s.e.ID {
		t.Fatalf("mixer %+v", s.mixer)
	}
	return s
}

// releaseDuringOutage makes B terminating: its release gets no answer.
func releaseDuringOutage(t *testing.T, w *world, b mgc.LegID) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := w.c.Release(ctx, b); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("release during the outage: %v, want a timeout", err)
	}
	if l, err := w.c.Leg(b); err != nil || l.State != mgc.LegTerminating {
		t.Fatalf("B after a release without answer: %+v %v", l, err)
	}
}

func mgConfig() mgsim.Config { return mgsim.Config{Trunks: 1, Timeslots: 8, RTPPool: 8} }

// TestScenario1 is seed 000's first scenario: the MG comes back within
// the dead timer. Incomplete legs are dropped (on the MG too), active
// legs, the link and the mixer are kept.
func TestScenario1(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, mgc.Config{Inactivity: 2 * time.Second})
		m := w.startMG("10.0.0.2", mgConfig())
		mid := m.MID()
		s := placeSeedCalls(t, w, mid)
		w.app.take()

		outage := make(chan error, 1)
		go func() { outage <- m.Outage(context.Background(), 6*time.Second) }()
		synctest.Wait()
		releaseDuringOutage(t, w, s.b.ID)
		if err := <-outage; err != nil {
			t.Fatal(err)
		}
		w.app.waitFor(t, "ready "+mid.String())
		all := s.names(&s.a, &s.b, &s.c, &s.d, &s.e)
		expectPhases(t, w.app.take(),
			[]string{"notready " + mid.String()},
			prefixed("synclost", all...),
			[]string{"mixersynclost mixer mix/1"},
			[]string{"terminated " + s.names(&s.a)[0] + " dropped", "terminated " + s.names(&s.b)[0] + " dropped"},
			prefixed("syncdone", s.names(&s.c, &s.d, &s.e)...),
			[]string{"mixersyncdone mixer mix/1"},
			[]string{"ready " + mid.String()},
		)
		w.sameAsMG(m)
		c, _ := w.c.Leg(s.c.ID)
		if c.Peer == nil || *c.Peer != s.d.ID || c.State != mgc.LegActive {
			t.Errorf("C after resync: %+v", c)
		}
		e, _ := w.c.Leg(s.e.ID)
		if e.Mixer == nil || *e.Mixer != s.mixer.ID {
			t.Errorf("E after resync: %+v", e)
		}
		// The A and B circuits are free again on the MG.
		for _, l := range []mgc.LegInfo{s.a, s.b} {
			if ti, _ := m.Gateway().Termination(l.ID.Termination); ti.Context != h248.ContextNull {
				t.Errorf("%s still in context %v on the MG", l.ID.Termination, ti.Context)
			}
		}
	})
}

// TestScenario1WarmRestart: the MG restarts (902) before the controller
// noticed anything; it dropped the unanswered contexts itself.
func TestScenario1WarmRestart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, mgc.Config{})
		m := w.startMG("10.0.0.2", mgConfig())
		mid := m.MID()
		s := placeSeedCalls(t, w, mid)
		w.app.take()
		if err := m.WarmRestart(context.Background(), time.Second); err != nil {
			t.Fatal(err)
		}
		w.app.waitFor(t, "ready "+mid.String())
		expectPhases(t, w.app.take(),
			[]string{"notready " + mid.String()},
			prefixed("synclost", s.names(&s.a, &s.b, &s.c, &s.d, &s.e)...),
			[]string{"mixersynclost mixer mix/1"},
			[]string{"terminated " + s.names(&s.a)[0] + " dropped"},
			prefixed("syncdone", s.names(&s.b, &s.c, &s.d, &s.e)...),
			[]string{"mixersyncdone mixer mix/1"},
			[]string{"ready " + mid.String()},
		)
		w.sameAsMG(m)
	})
}

// TestScenario2 is the second scenario: the MG stays away past the dead
// timer, everything on it is terminated, and what survived is offered
// when it returns. The application accepts all, or refuses the link and
// the mixer.
func TestScenario2(t *testing.T) {
	for _, refuse := range []bool{false, true} {
		name := "accept"
		if refuse {
			name = "refuse"
		}
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				w := newWorld(t, mgc.Config{Inactivity: 2 * time.Second})
				m := w.startMG("10.0.0.2", mgConfig())
				mid := m.MID()
				s := placeSeedCalls(t, w, mid)
				w.app.take()
				if refuse {
					w.app.refuse = func(line string) bool {
						return strings.HasPrefix(line, "linksync") || strings.HasPrefix(line, "mixersync ")
					}
				}

				outage := make(chan error, 1)
				start := time.Now()
				go func() { outage <- m.Outage(context.Background(), 30*time.Second) }()
				synctest.Wait()
				releaseDuringOutage(t, w, s.b.ID)
				w.app.waitFor(t, "mixerterminated mixer mix/1 dead")
				if d := time.Since(start); d != 13*time.Second {
					t.Errorf("dead after %v, want 13s (lost at 3s, 10s dead timer)", d)
				}
				if err := <-outage; err != nil {
					t.Fatal(err)
				}
				w.app.waitFor(t, "ready "+mid.String())
				all := s.names(&s.a, &s.b, &s.c, &s.d, &s.e)
				kept := s.names(&s.c, &s.d, &s.e)
				cd := pair(s.names(&s.c)[0], s.names(&s.d)[0])
				e := s.names(&s.e)[0]
				phases := [][]string{
					{"notready " + mid.String()},
					prefixed("synclost", all...),
					{"mixersynclost mixer mix/1"},
					func() []string {
						var out []string
						for _, n := range all {
							out = append(out, "terminated "+n+" dead")
						}
						return out
					}(),
					{"mixerterminated mixer mix/1 dead"},
					prefixed("legsync", kept...),
					{"mixersync mixer mix/1"},
					{"linksync " + cd},
					{"mixerlinksync " + e + " mixer mix/1"},
				}
				if refuse {
					phases = append(phases, prefixed("syncdone", s.names(&s.c, &s.d)...))
				} else {
					phases = append(phases, prefixed("syncdone", kept...), []string{"mixersyncdone mixer mix/1"})
				}
				phases = append(phases, []string{"ready " + mid.String()})
				expectPhases(t, w.app.take(), phases...)
				w.sameAsMG(m)
				c, _ := w.c.Leg(s.c.ID)
				d, _ := w.c.Leg(s.d.ID)
				if refuse {
					if c.Peer != nil || d.Peer != nil || c.Context == d.Context || len(w.c.Mixers(mid)) != 0 {
						t.Errorf("refused link and mixer still there: C %+v D %+v mixers %v", c, d, w.c.Mixers(mid))
					}
				} else if c.Peer == nil || *c.Peer != s.d.ID {
					t.Errorf("C and D not linked after the offer: %+v", c)
				}
			})
		})
	}
}

// TestScenario3 is the third: the controller restarts with no memory and
// learns the MG's calls when it hears from the MG again (here its
// inactivity Notify).
func TestScenario3(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, mgc.Config{Inactivity: 2 * time.Second})
		m := w.startMG("10.0.0.2", mgConfig())
		mid := m.MID()
		s := placeSeedCalls(t, w, mid)
		if err := w.c.Release(context.Background(), s.b.ID); err != nil {
			t.Fatal(err)
		}
		w.restartMGC()
		w.app.waitFor(t, "ready "+mid.String())
		kept := s.names(&s.c, &s.d, &s.e)
		expectPhases(t, w.app.take(),
			prefixed("legsync", kept...),
			[]string{"mixersync mixer mix/1"},
			[]string{"linksync " + pair(s.names(&s.c)[0], s.names(&s.d)[0])},
			[]string{"mixerlinksync " + s.names(&s.e)[0] + " mixer mix/1"},
			prefixed("syncdone", kept...),
			[]string{"mixersyncdone mixer mix/1"},
			[]string{"ready " + mid.String()},
		)
		w.sameAsMG(m)
	})
}
