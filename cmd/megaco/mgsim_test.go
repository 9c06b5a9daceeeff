package main

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/pkg/mgsim"
	"github.com/megaco/megaco/transport/memnet"
	"github.com/megaco/megaco/transport/tcp"
	"github.com/megaco/megaco/transport/udp"
)

// scMGC is an MGC that answers ServiceChange and Notify and keeps the
// connections of the MGs that registered.
type scMGC struct {
	megaco.BaseHandler
	mu    sync.Mutex
	conns map[h248.MID]*megaco.Conn
	sc    chan h248.MID
}

func (m *scMGC) HandleTransRequest(c *megaco.Conn, _ int, req *megaco.Request) megaco.Answer {
	out := make([]h248.ActionReply, len(req.Actions))
	for i, a := range req.Actions {
		out[i].ContextID = a.ContextID
		for _, cr := range a.Commands {
			switch cmd := cr.Command.(type) {
			case *h248.ServiceChangeRequest:
				m.mu.Lock()
				m.conns[c.RemoteMID()] = c
				m.mu.Unlock()
				m.sc <- c.RemoteMID()
				out[i].Commands = append(out[i].Commands, &h248.ServiceChangeReply{TerminationIDs: cmd.TerminationIDs})
			case *h248.NotifyRequest:
				out[i].Commands = append(out[i].Commands, &h248.NotifyReply{TerminationIDs: cmd.TerminationIDs})
			}
		}
	}
	return megaco.Reply(out...)
}

// TestMGSimCount runs `mg-sim --count 3` in process over a memnet
// network: three MGs, each with its own port and MID, register with one
// MGC and answer it, and Ctrl-C (ctx) stops them with their counters
// printed.
func TestMGSimCount(t *testing.T) {
	for _, proto := range []string{"udp", "tcp"} {
		t.Run(proto, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				nw := memnet.NewNetwork(memnet.Config{})
				mgcHost, _ := nw.Host("10.0.0.1")
				mgHost, _ := nw.Host("10.0.0.2")
				st := megaco.NewStack()
				defer st.Close()
				h := &scMGC{conns: map[h248.MID]*megaco.Conn{}, sc: make(chan h248.MID, 10)}
				mgcMID := h248.MID{Kind: h248.MIDIP4, Addr: netip.MustParseAddr("10.0.0.1"), Port: h248.Some[uint16](2944)}
				u, err := st.StartUser(mgcMID, megaco.UserConfig{Config: loadUserConfig(loadConfig{version: 1}, codec.Compact, h).Config, Encoding: codec.Compact, Handler: h})
				if err != nil {
					t.Fatal(err)
				}
				if proto == "tcp" {
					tr, err := tcp.Listen(mgcHost, "10.0.0.1:2944", u)
					if err != nil {
						t.Fatal(err)
					}
					defer tr.Close()
				} else {
					tr, err := udp.Listen(mgcHost, "10.0.0.1:2944", u)
					if err != nil {
						t.Fatal(err)
					}
					defer tr.Close()
				}

				c := flagsOf(t, proto)
				ctx, cancel := context.WithCancel(context.Background())
				var out bytes.Buffer
				var outMu sync.Mutex
				done := make(chan error, 1)
				go func() {
					done <- runMGSim(ctx, lockedWriter{&out, &outMu}, mgHost, c, nil)
				}()
				var mids []h248.MID
				for i := 0; i < 3; i++ {
					select {
					case mid := <-h.sc:
						mids = append(mids, mid)
					case <-time.After(time.Minute):
						t.Fatalf("%d MGs registered", i)
					}
				}
				slices.SortFunc(mids, func(a, b h248.MID) int { return int(a.Port.Value) - int(b.Port.Value) })
				for i, mid := range mids {
					if want := fmt.Sprintf("[10.0.0.2]:%d", 29450+i); mid.String() != want {
						t.Errorf("MG %d is %v, want %s", i, mid, want)
					}
					h.mu.Lock()
					conn := h.conns[mid]
					h.mu.Unlock()
					reps, err := conn.Call(context.Background(), []h248.ActionRequest{{ContextID: h248.ContextChoose, Commands: []h248.CommandRequest{
						{Command: &h248.AmmRequest{Verb: h248.CmdAdd, TerminationIDs: []h248.TerminationID{"tdm/1/1"}}},
						{Command: &h248.AmmRequest{Verb: h248.CmdAdd, TerminationIDs: []h248.TerminationID{"rtp/$"}}}}}})
					if err != nil || reps[0].Error != nil || reps[0].ContextID != 1 {
						t.Fatalf("Add on %v: %+v %v", mid, reps, err)
					}
				}
				cancel()
				if err := <-done; err != nil {
					t.Fatal(err)
				}
				outMu.Lock()
				got := out.String()
				outMu.Unlock()
				for _, re := range []string{
					`mg-sim: mg \[10.0.0.2\]:29450 on 10.0.0.2:29450/` + proto + ` encoding=compact registering with 10.0.0.1:2944`,
					`mg-sim: 3 MGs running; Ctrl-C to stop`,
					`mg-sim: \[10.0.0.2\]:29452 mgc=10.0.0.1:2944 registrations=1 requests=1 contexts=1 `,
					`mg-sim: 3 MGs, 3 registered, 3 requests, 3 contexts`,
				} {
					if !regexp.MustCompile(re).MatchString(got) {
						t.Errorf("no %s in\n%s", re, got)
					}
				}
			})
		})
	}
}

// flagsOf parses the flags of a 3-MG run against 10.0.0.1:2944.
func flagsOf(t *testing.T, proto string) mgSimConfig {
	t.Helper()
	var c mgSimConfig
	cmd := newMGSimCmdWith(&c)
	if err := cmd.Flags().Parse([]string{"--mgc", "10.0.0.1:2944", "--listen", "10.0.0.2:29450", "--count", "3",
		"--transport", proto, "--encoding", "compact", "--trunks", "2", "--timeslots", "8"}); err != nil {
		t.Fatal(err)
	}
	if c.count != 3 || c.sim.Trunks != 2 || c.errorCode != int(mgsim.DefaultErrorCode) || c.load.ack != "none" {
		t.Fatalf("flags %+v", c)
	}
	return c
}

type lockedWriter struct {
	b  *bytes.Buffer
	mu *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func TestMGSimFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"mg-sim", "--transport", "sctp"},
		{"mg-sim", "--encoding", "xml"},
		{"mg-sim", "--count", "0"},
		{"mg-sim", "--ack", "maybe"},
		{"mg-sim", "--mgc", ""},
		{"mg-sim", "--listen", "nowhere"},
		{"mg-sim", "--loss", "2"},
	} {
		code, _, errOut := runCmd(t, "", args...)
		if code != 2 || !strings.HasPrefix(errOut, "megaco: ") {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
}
