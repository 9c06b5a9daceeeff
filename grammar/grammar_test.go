package grammar_test

import (
	"errors"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2"

	"github.com/megaco/megaco/grammar"
)

var update = flag.Bool("update", false, "rewrite testdata/megaco.ebnf")

const ebnfFile = "testdata/megaco.ebnf"

// TestEBNF keeps the grammar's EBNF as a golden file: a change to the
// grammar shows up as a change to testdata/megaco.ebnf (go test
// ./grammar -run TestEBNF -update).
func TestEBNF(t *testing.T) {
	got := grammar.EBNF() + "\n"
	if *update {
		if err := os.WriteFile(ebnfFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(ebnfFile)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("the grammar's EBNF differs from %s; if the change is intended, run go test ./grammar -run TestEBNF -update", ebnfFile)
	}
}

// TestKeywordForms checks the keyword literals of the grammar against the
// token table: every keyword is written with all its forms, long and
// short, together in one alternation, spelled as in the table.
func TestKeywordForms(t *testing.T) {
	alternation := regexp.MustCompile(`"[^"]*"(?: \| "[^"]*")*`)
	used := map[grammar.Keyword]bool{}
	for _, group := range alternation.FindAllString(grammar.EBNF(), -1) {
		lits := map[string]bool{}
		for _, l := range strings.Split(group, " | ") {
			lits[strings.Trim(l, `"`)] = true
		}
		for l := range lits {
			k := grammar.LookupKeyword([]byte(l))
			if k == grammar.NoKeyword {
				continue
			}
			used[k] = true
			if !lits[k.Long()] || (k.Info().Short != "" && !lits[k.Info().Short]) {
				t.Errorf("%s: %q without all its forms (%q, %q) in %s", k, l, k.Long(), k.Info().Short, group)
			}
		}
	}
	// Read inside a Safe token by the leaf types, not as literals.
	inLeaves := map[grammar.Keyword]bool{grammar.MegacopToken: true, grammar.SegmentationCompleteToken: true}
	for _, k := range grammar.Keywords() {
		if !used[k] && !inLeaves[k] {
			t.Errorf("the grammar does not use %s (%q)", k, k.Long())
		}
	}
}

// TestParseCorpus parses every valid message.
func TestParseCorpus(t *testing.T) {
	for _, f := range readCorpus(t, corpusDirs[0]) {
		if _, err := grammar.Parse(f.data, 0); err != nil {
			t.Errorf("%s: %v", f.name, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		off  int
		kind grammar.ErrorKind
		// unexpected: a *participle.UnexpectedTokenError, not a
		// *grammar.ParseError
		unexpected bool
	}{
		{"unsupported version", "MEGACO/4 [10.0.0.1] T=1{C=-{N=a{OE=1{x}}}}", 7, grammar.ErrVersion, false},
		{"malformed version", "MEGACO/x [10.0.0.1]", 7, grammar.ErrSyntax, false},
		{"unsupported version before a lexical error", "MEGACO/5 a\x01", 7, grammar.ErrVersion, false},
		{"syntax error before a lexical error", "MEGACO/1 a T=1{C=-{X}}\x01", 19, grammar.ErrSyntax, true},
		{"lexical error", "MEGACO/1 a T=1{\x01", 15, grammar.ErrSyntax, false},
		{"number out of range", "MEGACO/1 a T=4294967296{C=-{N=a{OE=1{a/b}}}}", 13, grammar.ErrSyntax, false},
		{"segment number out of range", "MEGACO/3 a P=1/65536{C=-}", 15, grammar.ErrSyntax, false},
		{"end of input", "MEGACO/1 a T=1{", 15, grammar.ErrSyntax, true},
		{"too deep", "MEGACO/1 a T=1{C=-{A=a{M{", 24, grammar.ErrLimit, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			depth := 0
			if tt.kind == grammar.ErrLimit {
				depth = 3
			}
			_, err := grammar.Parse([]byte(tt.src), depth)
			var perr participle.Error
			if !errors.As(err, &perr) {
				t.Fatalf("want a participle.Error, got %T %v", err, err)
			}
			if perr.Position().Offset != tt.off {
				t.Errorf("error at %d, want %d: %v", perr.Position().Offset, tt.off, err)
			}
			var ue *participle.UnexpectedTokenError
			if errors.As(err, &ue) != tt.unexpected {
				t.Errorf("got %T, unexpected token error: %v", err, tt.unexpected)
			}
			var pe *grammar.ParseError
			if errors.As(err, &pe) && pe.Kind != tt.kind {
				t.Errorf("kind %v, want %v", pe.Kind, tt.kind)
			}
		})
	}
}

// TestParsePartial: with an error, Parse returns what it read before it.
func TestParsePartial(t *testing.T) {
	m, err := grammar.Parse([]byte("MEGACO/1 [10.0.0.1]:2944 T=7{C=1{A=a/1,"), 0)
	if err == nil {
		t.Fatal("no error")
	}
	if m == nil || m.Message == nil || m.Message.Version.Version != 1 || len(m.Message.Transactions) != 1 ||
		m.Message.Transactions[0].Request.ID.Value != 7 {
		t.Fatalf("partial AST lacks what was read: %#v", m)
	}
}
