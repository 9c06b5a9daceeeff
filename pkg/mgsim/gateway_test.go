package mgsim

import (
	"strings"
	"testing"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/pkg/h248"
)

var compact = text.New(codec.Compact)

// run decodes compact transaction text, executes its actions and returns
// the reply in compact text.
func run(t *testing.T, g *Gateway, req string) string {
	t.Helper()
	m, err := compact.Decode([]byte("!/1 [10.0.0.1]:2944\n" + req))
	if err != nil {
		t.Fatalf("%s: %v", req, err)
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

func TestGatewayScript(t *testing.T) {
	g := NewGateway("127.0.0.1")
	steps := []struct{ req, want string }{
		{"T=1{C=-{AV=ROOT{AT{PG}}}}", "P=1{C=-{AV=ROOT{PG{g-1,root-1,nt-1,rtp-1,tdmc-1,al-1,cg-1,dd-1}}}}"},
		{"T=2{C=${A=tdm/1/1{M{O{MO=SR}},E=1{al/on}},A=rtp/${M{ST=1{O{MO=RC,nt/jit=40},L{\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0\n}}}}}}",
			"P=2{C=1{A=tdm/1/1,A=rtp/1{M{ST=1{L{\nv=0\no=- 40594 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 40594 RTP/AVP 0\na=ptime:20\n}}}}}}"},
		{"T=3{C=1{MF=tdm/1/1{SG{cg/rt}},MF=rtp/1{M{ST=1{O{MO=SR}}}}}}", "P=3{C=1{MF=tdm/1/1,MF=rtp/1}}"},
		{"T=4{C=1{AV=rtp/1{AT{M,SA}}}}", "P=4{C=1{AV=rtp/1{M{TS{SI=IV},ST=1{O{MO=SR}}},SA{nt/os=16297,nt/or=16197,nt/dur=2,rtp/ps=397,rtp/pr=396,rtp/pl=0,rtp/jit=2}}}}"},
		{"T=5{C=1{S=tdm/1/1,S=rtp/1{AT{SA}}}}", "P=5{C=1{S=tdm/1/1,S=rtp/1{SA{nt/os=16297,nt/or=16197,nt/dur=2,rtp/ps=397,rtp/pr=396,rtp/pl=0,rtp/jit=2}}}}"},
		// The context died with its last termination.
		{"T=6{C=1{MF=tdm/1/1}}", `P=6{C=1{ER=411{"The transaction refers to an unknown ContextId"}}}`},
	}
	for _, s := range steps {
		if got := run(t, g, s.req); got != s.want {
			t.Errorf("%s\n got  %s\n want %s", s.req, got, s.want)
		}
	}
	if g.Contexts() != 0 {
		t.Errorf("%d contexts left", g.Contexts())
	}
}

func TestGatewayErrors(t *testing.T) {
	g := NewGateway("127.0.0.1")
	run(t, g, "T=1{C=${A=tdm/1/252,A=rtp/$}}")
	for _, s := range []struct{ req, want string }{
		{"T=2{C=4242{MF=tdm/1/250}}", `P=2{C=4242{ER=411{"The transaction refers to an unknown ContextId"}}}`},
		{"T=3{C=${A=tdm/1/252}}", `P=3{C=2{ER=433{"TerminationID is already in a Context 1"}}}`},
		{"T=4{C=1{S=tdm/1/9}}", `P=4{C=1{ER=430{"Unknown TerminationID tdm/1/9"}}}`},
		{"T=5{C=-{A=tdm/1/9}}", `P=5{C=-{ER=422{"Syntax Error in Action: Add to the null context"}}}`},
		{"T=6{C=1{S=*}}", "P=6{C=1{S=tdm/1/252,S=rtp/1}}"},
		{"T=7{C=1{S=*}}", `P=7{C=1{ER=411{"The transaction refers to an unknown ContextId"}}}`},
		{"T=8{C=-{MF=tdm/1/3}}", "P=8{C=-{MF=tdm/1/3}}"},
		{"T=9{C=-{N=tdm/1/3{OE=1{al/of}}}}", "P=9{C=-{N=tdm/1/3}}"},
	} {
		if got := run(t, g, s.req); got != s.want {
			t.Errorf("%s\n got  %s\n want %s", s.req, got, s.want)
		}
	}
}
