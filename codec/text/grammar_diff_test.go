package text_test

import (
	"errors"
	"flag"
	"fmt"
	"reflect"
	"testing"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/grammar"
	"github.com/megaco/megaco/pkg/h248"
)

var strictPositions = flag.Bool("grammar.strictpos", false,
	"fail FuzzGrammarVsFast when the two decoders report an error at different positions")

// The grammar path (DecodeGrammar) and the fast decoder must accept the
// same messages, build the same models and reject the same messages with
// the same H.248 error code. These tests and FuzzGrammarVsFast hold them
// to that.

// TestGrammarValidCorpus: every valid message decodes on both paths to
// the same model.
func TestGrammarValidCorpus(t *testing.T) {
	for _, f := range readCorpus(t, validDir) {
		t.Run(f.name, func(t *testing.T) {
			fast, err := text.DecodeFast(f.data, codec.Limits{})
			if err != nil {
				t.Fatalf("fast decoder: %v", err)
			}
			slow, err := text.DecodeGrammar(f.data, codec.Limits{})
			if err != nil {
				t.Fatalf("grammar: %v", err)
			}
			compareModels(t, fast, slow)
		})
	}
}

// compareModels fails unless the models are equal: by h248.Equal, and
// also field for field.
func compareModels(t *testing.T, fast, slow *h248.Message) {
	t.Helper()
	if d := h248.Diff(fast, slow); d != "" {
		t.Fatalf("models differ (fast, grammar): %s", d)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("models are h248.Equal but not identical:\nfast:    %#v\ngrammar: %#v", fast, slow)
	}
}

// TestGrammarInvalidCorpus: every invalid message is rejected by both
// paths with the same H.248 code; the positions are the same too.
func TestGrammarInvalidCorpus(t *testing.T) {
	differ := 0
	for _, f := range readCorpus(t, invalidDir) {
		t.Run(f.name, func(t *testing.T) {
			_, ferr := text.DecodeFast(f.data, codec.Limits{})
			_, gerr := text.DecodeGrammar(f.data, codec.Limits{})
			var fe, ge *codec.DecodeError
			if !errors.As(ferr, &fe) {
				t.Fatalf("fast decoder: want a *codec.DecodeError, got %v", ferr)
			}
			if !errors.As(gerr, &ge) {
				t.Fatalf("grammar: want a *codec.DecodeError, got %v", gerr)
			}
			if fe.Code != ge.Code {
				t.Errorf("codes differ: fast %d (%v), grammar %d (%v)", fe.Code, fe, ge.Code, ge)
			}
			if fe.Offset != ge.Offset {
				differ++
				t.Logf("positions differ:\n  fast:    %v\n  grammar: %v", fe, ge)
			}
		})
	}
	if differ > 0 {
		t.Logf("%d invalid messages with different error positions", differ)
	}
}

// FuzzGrammarVsFast: for any input, both paths accept with equal models
// or both reject with the same code (inputs the fast decoder rejects for a
// limit are skipped).
func FuzzGrammarVsFast(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, ferr := text.DecodeFast(b, codec.Limits{})
		var fe *codec.DecodeError
		if errors.As(ferr, &fe) && (errors.Is(fe, codec.ErrTooDeep) || errors.Is(fe, codec.ErrTooLarge)) {
			return
		}
		slow, gerr := text.DecodeGrammar(b, codec.Limits{})
		switch {
		case ferr == nil && gerr == nil:
			compareModels(t, fast, slow)
		case ferr == nil:
			t.Fatalf("the fast decoder accepts, the grammar rejects: %v", gerr)
		case gerr == nil:
			t.Fatalf("the grammar accepts, the fast decoder rejects: %v", ferr)
		default:
			var ge *codec.DecodeError
			if !errors.As(gerr, &ge) {
				t.Fatalf("grammar: want a *codec.DecodeError, got %v", gerr)
			}
			if fe.Code != ge.Code {
				t.Fatalf("codes differ: fast %d (%v), grammar %d (%v)", fe.Code, fe, ge.Code, ge)
			}
			if fe.Offset != ge.Offset {
				if *strictPositions && !readsAhead(b, fe, ge) {
					t.Fatalf("positions differ:\n  fast:    %v\n  grammar: %v", fe, ge)
				}
				t.Logf("positions differ:\n  fast:    %v\n  grammar: %v", fe, ge)
			}
		}
	})
}

// readsAhead reports the one known way the two paths locate an error
// differently: the fast decoder reads the token after the one it checks
// before checking it, so a lexical error right after a malformed token
// comes out first there; the grammar reports the malformed token.
func readsAhead(b []byte, fe, ge *codec.DecodeError) bool {
	sc := grammar.NewScanner(b, 0)
	for t := sc.Next(); t.Kind != grammar.EOF; t = sc.Next() {
		if t.Kind == grammar.Error {
			return fe.Offset == sc.Err().Offset && ge.Offset < fe.Offset
		}
	}
	return false
}

// modelDiff returns how two models differ: by h248.Diff, or field for
// field.
func modelDiff(fast, slow *h248.Message) string {
	if d := h248.Diff(fast, slow); d != "" {
		return d
	}
	if !reflect.DeepEqual(fast, slow) {
		return fmt.Sprintf("h248.Equal but not identical:\nfast:    %#v\ngrammar: %#v", fast, slow)
	}
	return ""
}

// TestGrammarCases: leniencies and the choices that look past a token,
// each accepted or rejected by both paths alike.
func TestGrammarCases(t *testing.T) {
	tests := []struct {
		name   string
		msg    string
		accept bool
	}{
		{"bare Signals in v1", "MEGACO/1 a T=1{C=-{MF=a{SG}}}", true},
		{"empty Signals braces in v3", "MEGACO/3 a T=1{C=-{MF=a{SG{}}}}", true},
		{"Erlang's DigitMap { value }", "MEGACO/1 a T=1{C=-{MF=a{DM{(0|1)}}}}", true},
		{"Erlang's DigitMap { value } in an event", "MEGACO/1 a T=1{C=-{MF=a{E=1{a/b{DM{x}}}}}}", true},
		{"digit map name and value", "MEGACO/1 a T=1{C=-{MF=a{DM=dm1{T:5,xx}}}}", true},
		{"Z timer in v1", "MEGACO/1 a T=1{C=-{MF=a{DM={Z:5,xx}}}}", false},
		{"statistics list", "MEGACO/3 a P=1{C=1{S=a{SA{x/y=[1,2]}}}}", true},
		{"Erlang's statistics list", "MEGACO/3 a P=1{C=1{S=a{SA{x/y[1,2]}}}}", true},
		{"statistics list in v1", "MEGACO/1 a P=1{C=1{S=a{SA{x/y[1,2]}}}}", false},
		{"any keyword case and comments", "megaco/1 a ; c\r\ntransaction=1{context=-{modify=a{media{localcontrol{mode=sendreceive}}}}}", true},
		{"termination ids beyond pathNAME", "MEGACO/1 a T=1{C=-{MF=00000001/00000001/*,MF=a-b.c}}", true},
		{"indAudcontextAttrDescriptor", "MEGACO/3 a T=1{C=*{CA{CT{a/b,EGV=EG}}}}", true},
		{"indAudcontextAttrDescriptor in v2", "MEGACO/2 a T=1{C=*{CA{CT{a/b}}}}", false},
		{"context attribute selector", "MEGACO/3 a T=1{C=*{CA{CT{a/b=1},ORLgc}}}", true},
		{"context list selector", "MEGACO/3 a T=1{C=*{CA{CT{CLT={1,2}}}}}", true},
		{"Topology compared", "MEGACO/3 a T=1{C=*{CA{TP=1}}}", false},
		{"context reply without braces", "MEGACO/3 a P=1{C=1,C=2{A=a}}", true},
		{"context reply without braces in v2", "MEGACO/2 a P=1{C=1}", false},
		{"error after command replies", "MEGACO/1 a P=1{C=1{A=a,ER=400{\"x\"}}}", true},
		{"error between command replies", "MEGACO/1 a P=1{C=1{A=a,ER=400{},A=b}}", false},
		{"optional wildcard command", "MEGACO/1 a T=1{C=-{O-W-A=a,w-MF=b}}", true},
		{"W- before O-", "MEGACO/1 a T=1{C=-{W-O-A=a}}", false},
		{"Nx64K in v1", "MEGACO/1 a T=1{C=-{MF=a{MX=N64{b}}}}", false},
		{"ServiceChange without Reason", "MEGACO/1 a T=1{C=-{SC=ROOT{SV{MT=RS}}}}", false},
		{"ServiceChange with Method twice", "MEGACO/1 a T=1{C=-{SC=ROOT{SV{MT=RS,RE=901,MT=FO}}}}", false},
		{"ServiceChange port and address", "MEGACO/1 a T=1{C=-{SC=ROOT{SV{MT=RS,RE=901,AD=2944}}}} T=2{C=-{SC=ROOT{SV{MT=RS,RE=901,AD=[10.0.0.1]:5}}}}", true},
		{"ServiceChange audit item in v1", "MEGACO/1 a T=1{C=-{SC=ROOT{SV{MT=RS,RE=901,M}}}}", false},
		{"modem list", "MEGACO/1 a T=1{C=-{MF=a{MD[V18,SN,X-abc]{a/b=1}}}}", true},
		{"context termination audit", "MEGACO/1 a P=1{C=*{AV=C{a,b},AV=C{ER=411{}}}}", true},
		{"audit request without braces", "MEGACO/1 a T=1{C=-{AV=a}}", true},
		{"MTP, domain and IPv6 MIDs", "MEGACO/1 MTP{12ab} T=1{C=-{AV=a}}", true},
		{"domain MID", "MEGACO/1 <mg.example>:2944 T=1{C=-{AV=a}}", true},
		{"IPv6 MID", "MEGACO/1 [::ffff:10.0.0.1]:2944 T=1{C=-{AV=a}}", true},
		{"space inside an address", "MEGACO/1 [10.0.0 .1] T=1{C=-{AV=a}}", false},
		{"regulated notify", "MEGACO/3 a T=1{C=-{MF=a{E=1{a/b{NBRN{EM{SG{x/y},E=2{c/d{NBRN{EM{E=3{e/f}}}}}}}}}}}}", true},
		{"notify behaviour in v1", "MEGACO/1 a T=1{C=-{MF=a{E=1{a/b{NBNN}}}}}", false},
		{"embedded events in embedded events", "MEGACO/1 a T=1{C=-{MF=a{E=1{a/b{EM{E=2{c/d{EM{E=3{e/f}}}}}}}}}}", false},
		{"individual audit", "MEGACO/2 a T=1{C=-{AV=a{AT{M{TS{SI}},E=5{a/b},SG{SL=1},DM=dm,EB{a/b{x}},SA{a/b},PG{p-1}}}}}", true},
		{"Mux audited individually", "MEGACO/2 a T=1{C=-{AV=a{AT{MX{x}}}}}", false},
		{"audit selection by value", "MEGACO/3 a T=1{C=-{AV=a{AT{M{O{MO#SR,a/b>1},TS{SI=IV}}}}}}", true},
		{"observed event time stamps", "MEGACO/1 a T=1{C=-{N=a{OE=1{20010101T10101010:a/b{x=1,ST=2},c/d}}}}", true},
		{"time stamp without colon", "MEGACO/1 a T=1{C=-{N=a{OE=1{20010101T10101010 a/b}}}}", false},
		{"topology stream", "MEGACO/2 a T=1{C=1{TP{a,b,isolate,ST=2,c,d,BW},A=a}}", true},
		{"topology stream in v1", "MEGACO/1 a T=1{C=1{TP{a,b,isolate,ST=2},A=a}}", false},
		{"properties after a command", "MEGACO/1 a T=1{C=1{A=a,PR=1}}", false},
		{"segment reply", "MEGACO/3 a SM=1/2/END", true},
		{"segment reply without a number", "MEGACO/3 a SM=1", false},
		{"message error", "!/2 a ER=402{\"x\"}", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := []byte(tt.msg)
			if msg := compareDecoders(b); msg != "" {
				t.Fatal(msg)
			}
			if _, err := text.DecodeGrammar(b, codec.Limits{}); (err == nil) != tt.accept {
				t.Fatalf("accept %v, want %v: %v", err == nil, tt.accept, err)
			}
		})
	}
}
