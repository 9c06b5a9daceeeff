package mgc_test

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/pkg/mgc"
	"github.com/megaco/megaco/pkg/mgsim"
)

// answeredCalls puts calls of two answered RTP legs each on an MG
// directly in its model, as a previous MGC would have left them.
func answeredCalls(t testing.TB, g *mgsim.Gateway, calls int) {
	t.Helper()
	add := func() h248.CommandRequest {
		return h248.CommandRequest{Command: &h248.AmmRequest{Verb: h248.CmdAdd, TerminationIDs: []h248.TerminationID{"rtp/$"},
			Descriptors: []h248.Descriptor{&h248.MediaDescriptor{Stream: &h248.StreamParms{
				LocalControl: &h248.LocalControlDescriptor{Mode: h248.Some(h248.SendRecv)},
				Local:        &h248.LocalRemoteDescriptor{SDP: "v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0"}}}}}}
	}
	for range calls {
		reps := g.Execute([]h248.ActionRequest{{ContextID: h248.ContextChoose, Commands: []h248.CommandRequest{add(), add()}}})
		if reps[0].Error != nil {
			t.Fatalf("setting up calls: %v", reps[0].Error)
		}
	}
}

// TestResyncScale resyncs 10,000 answered legs on one MG from an MGC with
// no memory. One audit reply cannot hold them (the MG answers 533 beyond
// 128 terminations), so the controller pages with prefix wildcards; with
// v3 the MG segments the one big reply instead.
func TestResyncScale(t *testing.T) {
	for _, tc := range []struct {
		name    string
		version int
	}{{"paged", 2}, {"segmented", 3}} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				const calls = 5000
				w := newWorld(t, mgc.Config{Inactivity: 2 * time.Second})
				cfg := mgsim.Config{Trunks: -1, RTPPool: 2 * calls, MixerPool: -1, Version: tc.version}
				if tc.version == 3 {
					cfg.MaxAuditReplies = 4 * calls
					w.mgUser = func(u *megaco.UserConfig) {
						u.SegmentSend = 64 // a window: 5,000 segments at once overrun a datagram socket
						u.MaxPDUSize = 32 << 10
					}
				}
				m := w.startMG("10.0.0.2", cfg)
				answeredCalls(t, m.Gateway(), calls)
				w.restartMGC()
				start, before := time.Now(), m.Handler().Requests()
				w.app.waitFor(t, "ready "+m.MID().String())
				t.Logf("resync of %d legs: %v (fake time), %d requests", 2*calls, time.Since(start), m.Handler().Requests()-before)
				if n := len(w.c.Legs(m.MID())); n != 2*calls {
					t.Fatalf("%d legs after resync, want %d", n, 2*calls)
				}
				links := 0
				for _, l := range w.app.take() {
					if len(l) > 8 && l[:8] == "linksync" {
						links++
					}
				}
				if links != calls {
					t.Errorf("%d links offered, want %d", links, calls)
				}
				w.sameAsMG(m)
			})
		})
	}
}

// TestResyncManyMGs: 100 MGs find a restarted MGC at once.
func TestResyncManyMGs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const mgs, calls = 100, 20
		w := newWorld(t, mgc.Config{Inactivity: 2 * time.Second})
		var all []*mgsim.MG
		for i := range mgs {
			m := w.startMG(fmt.Sprintf("10.0.%d.%d", 1+i/200, 2+i%200), mgsim.Config{Trunks: -1, RTPPool: 2 * calls, MixerPool: -1})
			answeredCalls(t, m.Gateway(), calls)
			all = append(all, m)
		}
		w.restartMGC()
		for _, m := range all {
			w.app.waitFor(t, "ready "+m.MID().String())
		}
		for _, m := range all {
			if n := len(w.c.Legs(m.MID())); n != 2*calls {
				t.Errorf("%v: %d legs, want %d", m.MID(), n, 2*calls)
			}
			w.sameAsMG(m)
		}
	})
}
