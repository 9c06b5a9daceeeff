package mgsim

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/pkg/h248"
)

var compact = text.New(codec.Compact)

// ticks moves the clocks of test gateways.
var ticks = map[*Gateway]func(){}

// newTestGateway returns a gateway whose clock starts at a fixed time and
// moves one second per request run by run.
func newTestGateway(cfg Config) *Gateway {
	g := New(cfg)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g.now = func() time.Time { return now }
	ticks[g] = func() { now = now.Add(time.Second) }
	return g
}

// run decodes compact transaction text, executes its actions and returns
// the reply in compact text.
func run(t *testing.T, g *Gateway, req string) string {
	t.Helper()
	m, err := compact.Decode([]byte("!/1 [10.0.0.1]:2944\n" + req))
	if err != nil {
		t.Fatalf("%s: %v", req, err)
	}
	if tick := ticks[g]; tick != nil {
		tick()
	}
	tr := m.Transactions[0].(*h248.TransactionRequest)
	rep := &h248.Message{Version: 1, MID: m.MID, Transactions: []h248.Transaction{
		&h248.TransactionReply{ID: tr.ID, Actions: g.Execute(tr.Actions)}}}
	b, err := compact.Append(nil, rep)
	if err != nil {
		t.Fatal(err)
	}
	return string(b[strings.IndexByte(string(b), '\n')+1:])
}

type step struct{ req, want string }

// script runs steps in order; a step without want only has to run.
func script(t *testing.T, g *Gateway, steps []step) {
	t.Helper()
	for _, s := range steps {
		got := run(t, g, s.req)
		if s.want != "" && got != s.want {
			t.Errorf("%s\n got  %s\n want %s", s.req, got, s.want)
		}
	}
}

const sdp40000 = "v=0\no=- 40000 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 40000 RTP/AVP 0\na=ptime:20"

// TestGatewayScript is mgc_sim.escript's script: audit ROOT, Add tdm and
// rtp/$ with Local "$", Modify, audit, Subtract with statistics.
func TestGatewayScript(t *testing.T) {
	g := newTestGateway(Config{})
	script(t, g, []step{
		{"T=1{C=-{AV=ROOT{AT{PG}}}}", "P=1{C=-{AV=ROOT{PG{g-1,root-1,it-1,nt-1,rtp-1,tdmc-1,al-1,cg-1,dd-1}}}}"},
		{"T=2{C=${A=tdm/1/1{M{O{MO=SR}},E=1{al/on}},A=rtp/${M{ST=1{O{MO=RC,nt/jit=40},L{\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0\n}}}}}}",
			"P=2{C=1{A=tdm/1/1,A=rtp/1{M{ST=1{L{\n" + sdp40000 + "\n}}}}}}"},
		{"T=3{C=1{MF=tdm/1/1{SG{cg/rt},E=2{al/on}},MF=rtp/1{M{ST=1{O{MO=SR},R{\nv=0\nc=IN IP4 10.9.9.9\nm=audio 30000 RTP/AVP 0\n}}}}}}",
			"P=3{C=1{MF=tdm/1/1,MF=rtp/1}}"},
		{"T=4{C=1{AV=rtp/1{AT{M,SA}}}}", "P=4{C=1{AV=rtp/1{M{TS{SI=IV},ST=1{O{MO=SR,nt/jit=40},L{\n" + sdp40000 +
			"\n},R{\nv=0\nc=IN IP4 10.9.9.9\nm=audio 30000 RTP/AVP 0\n}}},SA{nt/dur=2000,nt/os=8000,nt/or=8000,rtp/ps=50,rtp/pr=50,rtp/pl=0,rtp/jit=0}}}}"},
		{"T=5{C=1{AV=tdm/1/1{AT{M,E,SG}}}}", "P=5{C=1{AV=tdm/1/1{M{TS{SI=IV},O{MO=SR}},E=2{al/on},SG{cg/rt}}}}"},
		// Without an Audit descriptor, Subtract returns the statistics.
		{"T=6{C=1{S=tdm/1/1,S=rtp/1{AT{SA}}}}", "P=6{C=1{S=tdm/1/1{SA{nt/dur=4000,nt/os=32000,nt/or=32000}},S=rtp/1{SA{nt/dur=4000,nt/os=24000,nt/or=24000,rtp/ps=150,rtp/pr=150,rtp/pl=0,rtp/jit=0}}}}"},
		// The context died with its last termination; tdm/1/1 is back to
		// its defaults.
		{"T=7{C=1{MF=tdm/1/1}}", `P=7{C=1{ER=411{"The transaction refers to an unknown ContextId"}}}`},
		{"T=8{C=-{AV=tdm/1/1{AT{M,E,SG}}}}", "P=8{C=-{AV=tdm/1/1{M{TS{SI=IV},ST=1{O{MO=IN}}}}}}"},
		// rtp/1 is gone; the pool hands out rtp/2 next.
		{"T=9{C=-{AV=rtp/1}}", `P=9{C=-{ER=430{"Unknown TerminationID rtp/1"}}}`},
		{"T=10{C=${A=rtp/$}}", "P=10{C=2{A=rtp/2{M{ST=1{L{\nv=0\no=- 40002 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 40002 RTP/AVP 0\na=ptime:20\n}}}}}}"},
	})
	if n := g.Contexts(); n != 1 {
		t.Errorf("%d contexts, want 1", n)
	}
}

// TestGatewayErrors holds each error code the model answers.
func TestGatewayErrors(t *testing.T) {
	setup := []step{
		{"T=1{C=${A=tdm/1/1,A=rtp/$}}", ""},                            // context 1
		{"T=2{C=-{MF=tdm/1/2{M{TS{SI=OS}}}}}", "P=2{C=-{MF=tdm/1/2}}"}, // out of service
	}
	for _, tc := range []struct {
		name string
		cfg  Config
		step
	}{
		{"411 unknown context", Config{}, step{"T=9{C=4242{MF=tdm/1/1}}", `P=9{C=4242{ER=411{"The transaction refers to an unknown ContextId"}}}`}},
		{"412 no context id", Config{MaxContexts: 1}, step{"T=9{C=${A=tdm/1/2}}", `P=9{C=${ER=412{"No ContextIDs available (1 in use)"}}}`}},
		{"422 Add to the null context", Config{}, step{"T=9{C=-{A=tdm/1/2}}", `P=9{C=-{ER=422{"Syntax Error in Action: Add to the null context"}}}`}},
		{"422 Subtract from the null context", Config{}, step{"T=9{C=-{S=tdm/1/2}}", `P=9{C=-{ER=422{"Syntax Error in Action: Subtract from the null context"}}}`}},
		{"422 Add to Context=*", Config{}, step{"T=9{C=*{A=tdm/1/2}}", `P=9{C=*{ER=422{"Add with Context=*"}}}`}},
		{"430 unknown termination", Config{}, step{"T=9{C=1{S=tdm/9/1}}", `P=9{C=1{ER=430{"Unknown TerminationID tdm/9/1"}}}`}},
		{"430 Add beyond the provisioning", Config{}, step{"T=9{C=${A=tdm/1/32}}", `P=9{C=${ER=430{"Unknown TerminationID tdm/1/32"}}}`}},
		{"430 Add beyond the pool", Config{}, step{"T=9{C=${A=rtp/5000}}", `P=9{C=${ER=430{"Unknown TerminationID rtp/5000"}}}`}},
		{"430 unknown name", Config{}, step{"T=9{C=${A=aaln/1}}", `P=9{C=${ER=430{"Unknown TerminationID aaln/1"}}}`}},
		{"431 no match", Config{}, step{"T=9{C=1{MF=tdm/2/*}}", `P=9{C=1{ER=431{"No TerminationID matched a wildcard: tdm/2/*"}}}`}},
		{"431 no context matches", Config{}, step{"T=9{C=*{AV=tdm/3/*}}", `P=9{C=*{ER=431{"No TerminationID matched a wildcard (no context matched)"}}}`}},
		{"432 pool exhausted", Config{RTPPool: 1}, step{"T=9{C=${A=rtp/$}}", `P=9{C=${ER=432{"Out of TerminationIDs: the rtp pool of 1 is in use"}}}`}},
		{"432 trunk full", Config{Trunks: 1, Timeslots: 2}, step{"T=9{C=${A=tdm/1/$}}", `P=9{C=${ER=432{"No idle timeslot matches tdm/1/$"}}}`}},
		{"433 already in a context", Config{}, step{"T=9{C=${A=tdm/1/1}}", `P=9{C=${ER=433{"TerminationID is already in a Context 1"}}}`}},
		{"434 context full", Config{MaxTermsPerContext: 2}, step{"T=9{C=1{A=tdm/1/2}}", `P=9{C=1{ER=434{"Max number of Terminations in a Context exceeded (2)"}}}`}},
		{"435 not in this context", Config{}, step{"T=9{C=1{MF=tdm/1/3}}", `P=9{C=1{ER=435{"TerminationID tdm/1/3 is not in context 1"}}}`}},
		{"435 in a context, not idle", Config{}, step{"T=9{C=-{AV=tdm/1/1}}", `P=9{C=-{ER=435{"TerminationID tdm/1/1 is not in context -"}}}`}},
		{"435 Move of an idle one", Config{}, step{"T=9{C=1{MV=tdm/1/2}}", `P=9{C=1{ER=435{"TerminationID tdm/1/2 is in no context to move from"}}}`}},
		{"410 CHOOSE in an audit", Config{}, step{"T=9{C=1{AV=rtp/$}}", `P=9{C=1{ER=410{"CHOOSE ($) is not allowed here: rtp/$"}}}`}},
		{"442 Add of a wildcard", Config{}, step{"T=9{C=${A=tdm/1/*}}", `P=9{C=${ER=442{"Add of a wildcard tdm/1/*"}}}`}},
		{"512 event not realized", Config{}, step{"T=9{C=1{MF=rtp/1{E=1{al/of}}}}", `P=9{C=1{ER=512{"Media Gateway unequipped to detect requested Event al/of on rtp/1"}}}`}},
		{"512 event on ROOT", Config{}, step{"T=9{C=-{MF=ROOT{E=1{al/of}}}}", `P=9{C=-{ER=512{"ROOT cannot detect al/of"}}}`}},
		{"513 signal not realized", Config{}, step{"T=9{C=1{MF=rtp/1{SG{cg/rt}}}}", `P=9{C=1{ER=513{"Media Gateway unequipped to generate requested Signals cg/rt on rtp/1"}}}`}},
		{"503 out of service", Config{}, step{"T=9{C=${A=tdm/1/2}}", `P=9{C=${ER=503{"Service Unavailable: tdm/1/2 is out of service"}}}`}},
		{"533 audit too large", Config{MaxAuditReplies: 10}, step{"T=9{C=-{AV=tdm/*{AT{M}}}}", `P=9{C=-{ER=533{"123 terminations match, at most 10 per audit: audit a narrower wildcard (tdm/*, rtp/*, mix/*, tdm/<trunk>/*, rtp/<digit>*)"}}}`}},
		{"533 ids only", Config{MaxAuditReplies: 5}, step{"T=9{C=-{AV=tdm/*}}", `P=9{C=-{ER=533{"123 terminations match, at most 80 per audit: audit a narrower wildcard (tdm/*, rtp/*, mix/*, tdm/<trunk>/*, rtp/<digit>*)"}}}`}},
		{"533 Context=*", Config{MaxAuditReplies: 1}, step{"T=9{C=*{AV=*{AT{M}}}}", `P=9{C=*{ER=533{"2 terminations match, at most 1 per audit: audit a narrower wildcard (tdm/*, rtp/*, mix/*, tdm/<trunk>/*, rtp/<digit>*)"}}}`}},
		{"542 Add of ROOT", Config{}, step{"T=9{C=${A=ROOT}}", `P=9{C=${ER=542{"Add of ROOT"}}}`}},
		{"435 ROOT in a context", Config{}, step{"T=9{C=1{AV=ROOT}}", `P=9{C=1{ER=435{"ROOT is only in the null context"}}}`}},
		// A failing command ends the transaction: the replies before it
		// stay, later actions do not run.
		{"failure ends the transaction", Config{}, step{"T=9{C=1{MF=tdm/1/1,MF=tdm/1/7,MF=rtp/1},C=${A=tdm/1/3}}",
			`P=9{C=1{MF=tdm/1/1,ER=435{"TerminationID tdm/1/7 is not in context 1"}}}`}},
		// An optional command's failure does not.
		{"optional failure goes on", Config{}, step{"T=9{C=1{O-MF=tdm/1/7,MF=rtp/1}}",
			`P=9{C=1{MF=rtp/1,ER=435{"TerminationID tdm/1/7 is not in context 1"}}}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newTestGateway(tc.cfg)
			script(t, g, setup)
			script(t, g, []step{tc.step})
		})
	}
}

// TestGatewayAudit holds what an MGC learns by auditing: every context
// with Context=*, by page, one context, idle terminations.
func TestGatewayAudit(t *testing.T) {
	g := newTestGateway(Config{Trunks: 2, Timeslots: 12})
	script(t, g, []step{
		{"T=1{C=${A=tdm/1/1{M{O{MO=SR}}},A=rtp/${M{O{MO=SR}}}}}", ""},
		{"T=2{C=${A=tdm/1/11,A=rtp/$}}", ""},
		{"T=3{C=${A=tdm/2/1,A=rtp/$,A=mix/$}}", ""},
	})
	for _, s := range []step{
		// The list of contexts with their terminations.
		{"T=10{C=*{AV=ROOT}}", "P=10{C=1{AV=C{tdm/1/1,rtp/1}},C=2{AV=C{tdm/1/11,rtp/2}},C=3{AV=C{tdm/2/1,rtp/3,mix/1}}}"},
		// Every termination of every context, ids only.
		{"T=11{C=*{AV=*{AT{}}}}", "P=11{C=1{AV=tdm/1/1,AV=rtp/1},C=2{AV=tdm/1/11,AV=rtp/2},C=3{AV=tdm/2/1,AV=rtp/3,AV=mix/1}}"},
		// With the Media descriptor: modes, as the resync needs.
		{"T=12{C=*{AV=tdm/*{AT{M}}}}", "P=12{C=1{AV=tdm/1/1{M{TS{SI=IV},O{MO=SR}}}},C=2{AV=tdm/1/11{M{TS{SI=IV},ST=1{O{MO=IN}}}}},C=3{AV=tdm/2/1{M{TS{SI=IV},ST=1{O{MO=IN}}}}}}"},
		// Pages: one trunk, a timeslot prefix, rtp ids by prefix.
		{"T=13{C=*{AV=tdm/1/*}}", "P=13{C=1{AV=tdm/1/1},C=2{AV=tdm/1/11}}"},
		{"T=14{C=*{AV=tdm/1/1*}}", "P=14{C=1{AV=tdm/1/1},C=2{AV=tdm/1/11}}"},
		{"T=15{C=*{AV=tdm/*/1}}", "P=15{C=1{AV=tdm/1/1},C=3{AV=tdm/2/1}}"},
		{"T=16{C=*{AV=rtp/3*}}", "P=16{C=3{AV=rtp/3}}"},
		{"T=17{C=*{AV=mix/*}}", "P=17{C=3{AV=mix/1}}"},
		// Where a termination is.
		{"T=18{C=*{AV=tdm/1/11}}", "P=18{C=2{AV=tdm/1/11}}"},
		// One context.
		{"T=19{C=3{AV=*{AT{}}}}", "P=19{C=3{AV=tdm/2/1,AV=rtp/3,AV=mix/1}}"},
		// Idle terminations in the null context.
		{"T=20{C=-{AV=tdm/2/1*}}", "P=20{C=-{AV=tdm/2/10,AV=tdm/2/11,AV=tdm/2/12}}"},
		{"T=21{C=-{AV=tdm/1/2{AT{M}}}}", "P=21{C=-{AV=tdm/1/2{M{TS{SI=IV},ST=1{O{MO=IN}}}}}}"},
		// The wildcarded response: one reply per context.
		{"T=22{C=3{W-AV=*{AT{PG}}}}", "P=22{C=3{AV=*{PG{g-1,tdmc-1,al-1,cg-1,dd-1},PG{g-1,nt-1,rtp-1}}}}"},
		// Capabilities.
		{"T=24{C=-{AC=tdm/1/5{AT{E,SG}}}}", "P=24{C=-{AC=tdm/1/5{E=*{al/on,al/of,al/fl,dd/ce,g/cause},SG{al/ri,cg/dt,cg/rt,cg/bt,cg/ct,cg/sit,cg/wt}}}}"},
		{"T=25{C=-{AC=ROOT{AT{E}}}}", "P=25{C=-{AC=ROOT{E=*{it/ito}}}}"},
		// Context properties.
		{"T=26{C=1{PR=5,EG,MF=tdm/1/1}}", "P=26{C=1{MF=tdm/1/1}}"},
	} {
		if got := run(t, g, s.req); s.want != "" && got != s.want {
			t.Errorf("%s\n got  %s\n want %s", s.req, got, s.want)
		}
	}
	reps := g.Execute([]h248.ActionRequest{{ContextID: 1, ContextAudit: &h248.ContextAttrAuditRequest{Priority: true, Emergency: true, Topology: true}}})
	if c := reps[0].Context; c == nil || c.Priority.Value != 5 || !c.Emergency.Value || c.Topology != nil {
		t.Errorf("context audit %+v", reps[0].Context)
	}
	// Context=* on a gateway without contexts.
	script(t, newTestGateway(Config{}), []step{
		{"T=1{C=*{AV=ROOT}}", `P=1{C=*{ER=431{"No TerminationID matched a wildcard (no context matched)"}}}`},
	})
}

func TestGatewaySelection(t *testing.T) {
	g := newTestGateway(Config{})
	script(t, g, []step{
		{"T=1{C=${A=tdm/1/1{M{O{MO=SR}}},A=rtp/${M{O{MO=SR}}}}}", ""},
		{"T=2{C=${A=tdm/1/2{M{O{MO=SR}}},A=rtp/${M{O{MO=RC}}}}}", ""},
	})
	m, err := compact.Decode([]byte("!/3 [10.0.0.1]:2944\nT=3{C=*{AV=*{AT{M{ST=1{O{MO#SR}}}}}}}"))
	if err != nil {
		t.Skipf("the text codec does not read v3 selection: %v", err)
	}
	reps := g.Execute(m.Transactions[0].(*h248.TransactionRequest).Actions)
	if len(reps) != 1 || reps[0].ContextID != 2 || len(reps[0].Commands) != 1 ||
		reps[0].Commands[0].Terminations()[0] != "rtp/2" {
		t.Errorf("selection of the legs not SendReceive: %+v", reps)
	}
}

// TestGatewayDescriptorErrors holds the errors of descriptors the text
// decoder already refuses.
func TestGatewayDescriptorErrors(t *testing.T) {
	g := newTestGateway(Config{})
	ev := &h248.EventsDescriptor{RequestID: h248.Some[h248.RequestID](1), Events: []h248.RequestedEvent{{Name: "al/on"}}}
	for _, tc := range []struct {
		name string
		ds   []h248.Descriptor
		want h248.ErrorCode
	}{
		{"448 twice", []h248.Descriptor{ev, ev}, h248.CodeDescriptorAppearsTwiceInThisCommand},
		{"447 not legal", []h248.Descriptor{&h248.ObservedEventsDescriptor{RequestID: 1}}, h248.CodeDescriptorNotLegalInThisCommand},
	} {
		reps := g.Execute([]h248.ActionRequest{{ContextID: h248.ContextChoose, Commands: []h248.CommandRequest{{
			Command: &h248.AmmRequest{Verb: h248.CmdAdd, TerminationIDs: []h248.TerminationID{"tdm/1/1"}, Descriptors: tc.ds}}}}})
		if len(reps) != 1 || reps[0].Error == nil || reps[0].Error.Code != tc.want {
			t.Errorf("%s: %+v", tc.name, reps)
		}
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, id h248.TerminationID
		want        bool
	}{
		{"*", "tdm/1/1", true},
		{"*", "rtp/5", true},
		{"*", "ROOT", false},
		{"ROOT", "root", true},
		{"tdm/1/1", "TDM/1/1", true},
		{"tdm/1/*", "tdm/1/31", true},
		{"tdm/1/*", "tdm/2/1", false},
		{"tdm/*", "tdm/2/1", true},
		{"tdm/*/5", "tdm/7/5", true},
		{"tdm/*/5", "tdm/7/15", false},
		{"tdm/1/1*", "tdm/1/1", true},
		{"tdm/1/1*", "tdm/1/19", true},
		{"tdm/1/1*", "tdm/1/2", false},
		{"tdm/1*", "tdm/12/3", true},
		{"rtp/1*", "rtp/100", true},
		{"rtp/1*", "rtp/2", false},
		{"rtp/*", "tdm/1/1", false},
		{"tdm/1/1", "tdm/1/1/1", false},
		{"tdm/1/1/1", "tdm/1/1", false},
	} {
		if got := match(tc.pattern, tc.id); got != tc.want {
			t.Errorf("match(%s, %s) = %v", tc.pattern, tc.id, got)
		}
	}
}

func TestGatewayMove(t *testing.T) {
	g := newTestGateway(Config{})
	script(t, g, []step{
		{"T=1{C=${A=tdm/1/1,A=rtp/$}}", "P=1{C=1{A=tdm/1/1,A=rtp/1{M{ST=1{L{\n" + sdp40000 + "\n}}}}}}"},
		{"T=2{C=${A=tdm/1/2}}", "P=2{C=2{A=tdm/1/2}}"},
		{"T=3{C=2{MV=rtp/1{M{ST=1{O{MO=SR}}}}}}", "P=3{C=2{MV=rtp/1}}"},
		{"T=4{C=*{AV=ROOT}}", "P=4{C=1{AV=C{tdm/1/1}},C=2{AV=C{tdm/1/2,rtp/1}}}"},
		// Moving the last termination out ends its context.
		{"T=5{C=2{MV=tdm/1/1}}", "P=5{C=2{MV=tdm/1/1}}"},
		{"T=6{C=*{AV=ROOT}}", "P=6{C=2{AV=C{tdm/1/2,rtp/1,tdm/1/1}}}"},
	})
	if ci, _ := g.Context(2); !ci.Mixer {
		t.Errorf("context 2 with three terminations is a mixer: %+v", ci)
	}
	script(t, g, []step{
		{"T=7{C=${MV=tdm/1/2}}", "P=7{C=3{MV=tdm/1/2}}"},
		{"T=8{C=*{AV=ROOT}}", "P=8{C=2{AV=C{rtp/1,tdm/1/1}},C=3{AV=C{tdm/1/2}}}"},
	})
	if ci, _ := g.Context(2); ci.Mixer {
		t.Errorf("context 2 with two terminations is no mixer: %+v", ci)
	}
}

func TestGatewayWarmRestart(t *testing.T) {
	g := newTestGateway(Config{})
	script(t, g, []step{
		{"T=1{C=${A=tdm/1/1{M{O{MO=SR}}},A=rtp/${M{O{MO=SR}}}}}", ""}, // 1 answered
		{"T=2{C=${A=tdm/1/2{M{O{MO=SR}}},A=rtp/${M{O{MO=RC}}}}}", ""}, // 2 ringing
		{"T=3{C=${A=tdm/1/3,A=rtp/$}}", ""},                           // 3 being set up
		{"T=4{C=${A=mix/$,A=rtp/${M{O{MO=SR}}}}}", ""},                // 4 a mixer with an answered port
		{"T=5{C=${A=mix/$}}", ""},                                     // 5 an idle mixer
		{"T=6{C=${A=tdm/1/4{M{O{MO=SR}}},A=tdm/1/5,A=tdm/1/6}}", ""},  // 6 three legs: a mixer, one answered
		{"T=7{C=-{MF=tdm/1/9{E=1{al/of}},MF=ROOT{E=2{it/ito}}}}", ""},
	})
	want := []ContextInfo{
		{ID: 1, Terminations: []h248.TerminationID{"tdm/1/1", "rtp/1"}, Answered: true},
		{ID: 2, Terminations: []h248.TerminationID{"tdm/1/2", "rtp/2"}},
		{ID: 3, Terminations: []h248.TerminationID{"tdm/1/3", "rtp/3"}},
		{ID: 4, Terminations: []h248.TerminationID{"mix/1", "rtp/4"}, Mixer: true, Answered: true},
		{ID: 5, Terminations: []h248.TerminationID{"mix/2"}, Mixer: true},
		{ID: 6, Terminations: []h248.TerminationID{"tdm/1/4", "tdm/1/5", "tdm/1/6"}, Mixer: true, Answered: true},
	}
	if got := g.ContextList(); !equalContexts(got, want) {
		t.Fatalf("contexts\n got  %+v\n want %+v", got, want)
	}
	kept, dropped := g.WarmRestart()
	if !slices.Equal(kept, []h248.ContextID{1, 4, 6}) || !slices.Equal(dropped, []h248.ContextID{2, 3, 5}) {
		t.Fatalf("kept %v, dropped %v", kept, dropped)
	}
	script(t, g, []step{
		{"T=8{C=*{AV=ROOT}}", "P=8{C=1{AV=C{tdm/1/1,rtp/1}},C=4{AV=C{mix/1,rtp/4}},C=6{AV=C{tdm/1/4,tdm/1/5,tdm/1/6}}}"},
		{"T=9{C=1{AV=tdm/1/1{AT{M}}}}", "P=9{C=1{AV=tdm/1/1{M{TS{SI=IV},O{MO=SR}}}}}"},
		// Idle state and ROOT's events are gone; the freed ids can be
		// added again.
		{"T=10{C=-{AV=tdm/1/9{AT{E}},AV=ROOT{AT{E}}}}", "P=10{C=-{AV=tdm/1/9,AV=ROOT}}"},
		{"T=11{C=${A=tdm/1/2}}", "P=11{C=7{A=tdm/1/2}}"},
	})
	if dropped := g.ColdRestart(); len(dropped) != 4 || g.Contexts() != 0 {
		t.Errorf("cold restart dropped %v, %d left", dropped, g.Contexts())
	}
}

func equalContexts(a, b []ContextInfo) bool {
	return slices.EqualFunc(a, b, func(x, y ContextInfo) bool {
		return x.ID == y.ID && x.Mixer == y.Mixer && x.Answered == y.Answered && slices.Equal(x.Terminations, y.Terminations)
	})
}

func TestGatewayAcceptAny(t *testing.T) {
	g := newTestGateway(Config{AcceptAny: true, Trunks: -1})
	script(t, g, []step{
		{"T=1{C=${A=aaln/1,A=ephemeral/$}}", "P=1{C=1{A=aaln/1,A=ephemeral/1{M{ST=1{L{\nv=0\no=- 55754 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 55754 RTP/AVP 0\na=ptime:20\n}}}}}}"},
		// Erlang's binary naming: 8-bit levels.
		{"T=2{C=${A=00000001/00000001/00000101,A=00000010/$}}", ""},
		{"T=3{C=2{AV=*}}", "P=3{C=2{AV=00000001/00000001/00000101,AV=00000010/00000000/00000001}}"},
		{"T=4{C=${A=tdm/1/252}}", "P=4{C=3{A=tdm/1/252}}"},
		{"T=5{C=${A=tdm/1/252}}", `P=5{C=${ER=433{"TerminationID is already in a Context 3"}}}`},
		{"T=6{C=-{MF=line/7{E=3{al/of}}}}", "P=6{C=-{MF=line/7}}"},
		{"T=7{C=3{S=*}}", ""},
		{"T=8{C=3{S=tdm/1/252}}", `P=8{C=3{ER=411{"The transaction refers to an unknown ContextId"}}}`},
		{"T=9{C=1{S=aaln/9}}", `P=9{C=1{ER=430{"Unknown TerminationID aaln/9"}}}`},
	})
	if !g.Requested("line/7", "al/of") {
		t.Error("the events on an idle accept-any termination were not kept")
	}
}

func TestGatewayChoose(t *testing.T) {
	g := newTestGateway(Config{Trunks: 1, Timeslots: 3, RTPPool: 3})
	script(t, g, []step{
		{"T=1{C=${A=tdm/1/$,A=tdm/1/$}}", "P=1{C=1{A=tdm/1/1,A=tdm/1/2}}"},
		{"T=2{C=${A=rtp/$,A=rtp/$}}", ""},
		{"T=3{C=2{S=rtp/1}}", ""},
		// The pool goes round: rtp/3 before rtp/1 again.
		{"T=4{C=2{A=rtp/$}}", ""},
		{"T=5{C=2{A=rtp/$}}", ""},
		{"T=6{C=2{AV=*}}", "P=6{C=2{AV=rtp/2,AV=rtp/3,AV=rtp/1}}"},
		{"T=7{C=1{S=tdm/1/1}}", ""},
		{"T=8{C=${A=tdm/$/$}}", "P=8{C=3{A=tdm/1/1}}"},
	})
}

func TestGatewayObserve(t *testing.T) {
	g := newTestGateway(Config{})
	if _, err := g.Observe("tdm/1/1", h248.ObservedEvent{Name: "al/of"}); !errors.Is(err, ErrNotRequested) {
		t.Fatalf("got %v", err)
	}
	if _, err := g.Observe("tdm/9/1", h248.ObservedEvent{Name: "al/of"}); !errors.Is(err, ErrUnknownTermination) {
		t.Fatalf("got %v", err)
	}
	script(t, g, []step{
		{"T=1{C=-{MF=tdm/1/1{E=10{al/of{Embed{SG{cg/dt},E=11{dd/ce{DM=dmap1},al/on}}}},SG{al/ri}}}}", ""},
		{"T=2{C=-{MF=tdm/1/2{E=20{al/*},SG{cg/rt}}}}", ""},
	})
	acts, err := g.Observe("tdm/1/1", h248.ObservedEvent{Name: "al/on"}, h248.ObservedEvent{Name: "al/of"})
	if err != nil {
		t.Fatal(err)
	}
	n := acts[0].Commands[0].Command.(*h248.NotifyRequest)
	if acts[0].ContextID != h248.ContextNull || n.ObservedEvents.RequestID != 10 || len(n.ObservedEvents.Events) != 1 {
		t.Fatalf("notify %+v", n)
	}
	ti, _ := g.Termination("tdm/1/1")
	if !ti.RequestID.Set || ti.RequestID.Value != 11 || !slices.Equal(ti.Events, []string{"dd/ce", "al/on"}) || !slices.Equal(ti.Signals, []string{"cg/dt"}) {
		t.Errorf("after the embedded events: %+v", ti)
	}
	if evs := g.DigitEvents("tdm/1/1", "12#"); len(evs) != 1 || evs[0].Name != "dd/ce" {
		t.Errorf("digit events %+v", evs)
	}
	if evs := g.DigitEvents("tdm/1/2", "1*#"); len(evs) != 3 || evs[1].Name != "dd/ds" || evs[2].Name != "dd/do" {
		t.Errorf("digit events %+v", evs)
	}
	// al/* covers al/fl; the signal stops (no KeepActive).
	if _, err := g.Observe("tdm/1/2", h248.ObservedEvent{Name: "al/fl"}); err != nil {
		t.Fatal(err)
	}
	if ti, _ := g.Termination("tdm/1/2"); ti.Signals != nil || ti.RequestID.Value != 20 {
		t.Errorf("after al/fl: %+v", ti)
	}
	script(t, g, []step{
		{"T=3{C=-{AV=tdm/1/2{AT{OE}}}}", "P=3{C=-{AV=tdm/1/2{OE=20{al/fl}}}}"},
	})
}

func TestGatewayServiceChange(t *testing.T) {
	g := newTestGateway(Config{})
	script(t, g, []step{
		{"T=1{C=${A=tdm/1/1,A=rtp/$}}", ""},
		{"T=2{C=${A=tdm/1/2,A=rtp/$}}", ""},
	})
	// Graceful on a termination in a context: out of service when it
	// leaves the context.
	if _, err := g.ServiceChange(h248.MethodGraceful, "tdm/1/2"); err != nil {
		t.Fatal(err)
	}
	script(t, g, []step{
		{"T=3{C=-{AV=tdm/1/3}}", ""},
		{"T=4{C=2{AV=tdm/1/2{AT{M}}}}", "P=4{C=2{AV=tdm/1/2{M{TS{SI=IV},ST=1{O{MO=IN}}}}}}"},
		{"T=5{C=2{S=tdm/1/2{AT{}}}}", "P=5{C=2{S=tdm/1/2}}"},
		{"T=6{C=-{AV=tdm/1/2{AT{M}}}}", "P=6{C=-{AV=tdm/1/2{M{TS{SI=OS},ST=1{O{MO=IN}}}}}}"},
	})
	// Forced on a wildcard: out of service and out of its context.
	dropped, err := g.ServiceChange(h248.MethodForced, "tdm/1/*")
	if err != nil || !slices.Equal(dropped, []h248.ContextID(nil)) {
		t.Fatalf("dropped %v, %v", dropped, err)
	}
	script(t, g, []step{
		{"T=7{C=*{AV=ROOT}}", "P=7{C=1{AV=C{rtp/1}},C=2{AV=C{rtp/2}}}"},
		{"T=8{C=-{AV=tdm/1/1{AT{M}}}}", "P=8{C=-{AV=tdm/1/1{M{TS{SI=OS},ST=1{O{MO=IN}}}}}}"},
	})
	if _, err := g.ServiceChange(h248.MethodRestart, "tdm/1/1"); err != nil {
		t.Fatal(err)
	}
	// An MGC's own ServiceChange on a termination.
	script(t, g, []step{
		{"T=9{C=-{AV=tdm/1/1{AT{M}}}}", "P=9{C=-{AV=tdm/1/1{M{TS{SI=IV},ST=1{O{MO=IN}}}}}}"},
		{"T=10{C=-{SC=tdm/1/1{SV{MT=FO,RE=\"905\"}}}}", "P=10{C=-{SC=tdm/1/1}}"},
		{"T=11{C=-{AV=tdm/1/1{AT{M}}}}", "P=11{C=-{AV=tdm/1/1{M{TS{SI=OS},ST=1{O{MO=IN}}}}}}"},
	})
	if _, err := g.ServiceChange(h248.MethodForced, "nope/1"); !errors.Is(err, ErrUnknownTermination) {
		t.Errorf("got %v", err)
	}
}

func TestReason(t *testing.T) {
	for in, want := range map[string]string{"901": "901 Cold Boot", "905 my text": "905 my text", "999": "999", "": ""} {
		if got := Reason(in); got != want {
			t.Errorf("Reason(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	if err := (Config{}).Validate(); err != nil {
		t.Error(err)
	}
	for _, c := range []Config{{ErrorRate: 2}, {Loss: -1}, {Version: 4}, {Delay: -1}, {ErrorCode: 42}} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

// TestRootPackages: an audit of ROOT lists Config.RootPackages when set.
func TestRootPackages(t *testing.T) {
	audit := []h248.ActionRequest{{ContextID: h248.ContextNull, Commands: []h248.CommandRequest{{Command: &h248.AuditRequest{
		TerminationIDs: []h248.TerminationID{h248.Root}, Audit: h248.AuditDescriptor{Tokens: []h248.AuditToken{h248.AuditPackages}}}}}}}
	names := func(g *Gateway) []string {
		var out []string
		for _, d := range g.Execute(audit)[0].Commands[0].(*h248.AuditReply).Audit {
			if pd, ok := d.(*h248.PackagesDescriptor); ok {
				for _, it := range pd.Items {
					out = append(out, it.Name)
				}
			}
		}
		return out
	}
	if got := names(New(Config{})); !slices.Contains(got, "it") {
		t.Errorf("default ROOT packages %v lack it", got)
	}
	if got := names(New(Config{RootPackages: []string{"g", "root"}})); !slices.Equal(got, []string{"g", "root"}) {
		t.Errorf("ROOT packages %v, want [g root]", got)
	}
}
