package grammar_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/megaco/megaco/grammar"
)

var corpusDirs = []string{"../testdata/text/valid", "../testdata/text/invalid"}

type corpusFile struct {
	name string
	data []byte
}

// readCorpus returns the message files of dir; it fails when there are
// none, so that a moved corpus cannot make a test pass without testing.
func readCorpus(tb testing.TB, dir string) []corpusFile {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatalf("corpus: %v", err)
	}
	var files []corpusFile
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".tsv") || strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, corpusFile{filepath.Join(filepath.Base(dir), e.Name()), b})
	}
	if len(files) == 0 {
		tb.Fatalf("corpus: no message files in %s", dir)
	}
	return files
}

// tok is a token of either lexer, by the scanner's kinds.
type tok struct {
	kind  grammar.TokenKind
	value string
	off   int
}

func (t tok) String() string { return fmt.Sprintf("%v %q at %d", t.kind, t.value, t.off) }

// lexAll reads the tokens of src up to EOF or an error; err is the offset
// of the error, or -1.
func lexAll(def lexer.Definition, kindOf func(lexer.TokenType) grammar.TokenKind, src []byte) (toks []tok, errOff int, errMsg string) {
	l, err := def.(lexer.StringDefinition).LexString("", string(src))
	if err != nil {
		return nil, 0, err.Error()
	}
	for {
		t, err := l.Next()
		if err != nil {
			var pe participle.Error
			if !errors.As(err, &pe) {
				return toks, 0, "error without a position: " + err.Error()
			}
			return toks, pe.Position().Offset, pe.Message()
		}
		if t.EOF() {
			return toks, -1, ""
		}
		toks = append(toks, tok{kindOf(t.Type), t.Value, t.Pos.Offset})
	}
}

// TestLexerConformance runs the scanner's participle lexer (Lexer) and the
// regex reference lexer (RefLexer) over the corpus and compares their
// tokens one by one: kind, text and offset, and where they fail. The
// differences RefLexer's comment lists are the only ones allowed.
func TestLexerConformance(t *testing.T) {
	refNames := lexer.SymbolsByRune(grammar.RefLexer)
	refKind := func(tt lexer.TokenType) grammar.TokenKind {
		k, ok := grammar.RefTokenKinds[refNames[tt]]
		if !ok {
			t.Fatalf("RefLexer token type %q has no TokenKind", refNames[tt])
		}
		return k
	}
	for _, dir := range corpusDirs {
		for _, f := range readCorpus(t, dir) {
			t.Run(f.name, func(t *testing.T) {
				want, wantErr, wantMsg := lexAll(grammar.Lexer, grammar.KindOf, f.data)
				got, gotErr, gotMsg := lexAll(grammar.RefLexer, refKind, f.data)
				got, gotErr = allowKnownDifferences(f.data, want, wantErr, wantMsg, got, gotErr)
				for i := 0; i < len(want) || i < len(got); i++ {
					switch {
					case i >= len(got):
						t.Fatalf("token %d: scanner %v, regex lexer none (error at %d: %s)", i, want[i], gotErr, gotMsg)
					case i >= len(want):
						t.Fatalf("token %d: regex lexer %v, scanner none (error at %d: %s)", i, got[i], wantErr, wantMsg)
					case got[i] != want[i]:
						t.Fatalf("token %d: scanner %v, regex lexer %v", i, want[i], got[i])
					}
				}
				if gotErr != wantErr {
					t.Fatalf("scanner fails at %d (%s), regex lexer at %d (%s)", wantErr, wantMsg, gotErr, gotMsg)
				}
			})
		}
	}
}

// allowKnownDifferences rewrites the regex lexer's result where RefLexer's
// comment says it differs from the scanner.
func allowKnownDifferences(src []byte, want []tok, wantErr int, wantMsg string, got []tok, gotErr int) ([]tok, int) {
	switch {
	case wantErr < 0:
	case strings.HasPrefix(wantMsg, "unterminated octet string"), strings.HasPrefix(wantMsg, "unterminated digit map"):
		// "{", the region to the end of the input, EOF
		if n := len(got); gotErr < 0 && n >= 2 && got[n-2].off == wantErr && got[n-2].kind == grammar.LBrace &&
			(got[n-1].kind == grammar.OctetString || got[n-1].kind == grammar.DigitMapBody) {
			return got[:n-2], wantErr
		}
	case strings.HasPrefix(wantMsg, "NUL octet in"):
		// "{" and the region up to the NUL, then the error
		n := len(got)
		if n >= 1 && (got[n-1].kind == grammar.OctetString || got[n-1].kind == grammar.DigitMapBody) {
			n--
		}
		if n >= 1 && got[n-1].kind == grammar.LBrace && gotErr == wantErr {
			return got[:n-1], gotErr
		}
	case strings.HasPrefix(wantMsg, "character "):
		// a control character in a quoted string: the regex lexer fails at
		// the opening quote
		if gotErr >= 0 && gotErr < wantErr && src[gotErr] == '"' && !strings.ContainsRune(string(src[gotErr+1:wantErr]), '"') {
			return got, wantErr
		}
	case strings.HasPrefix(wantMsg, "nesting deeper"):
		if len(got) > len(want) {
			return got[:len(want)], wantErr
		}
	}
	return got, gotErr
}

// TestLexerErrors: lexical errors are participle errors with the position.
func TestLexerErrors(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		depth int
		off   int
		limit bool
	}{
		{"control character", "MEGACO/1 a\x01", 0, 10, false},
		{"unterminated quoted string", `MEGACO/1 a T=1{C=-{SC=ROOT{SV{MT=RS,RE="9}}}}`, 0, 39, false},
		{"unterminated octet string", "MEGACO/1 a T=1{C=-{A=a{M{L{v=0", 0, 26, false},
		{"NUL in a digit map", "MEGACO/1 a T=1{C=-{A=a{DM{x\x00}}}}", 0, 27, false},
		{"too deep", "MEGACO/1 a T=1{C=-{A=a{M{", 3, 24, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := grammar.NewLexer(tt.depth).(lexer.BytesDefinition).LexBytes("", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			for {
				tk, err := l.Next()
				if err != nil {
					var pe *grammar.ParseError
					if !errors.As(err, &pe) {
						t.Fatalf("want a *grammar.ParseError, got %T %v", err, err)
					}
					var perr participle.Error = pe
					if perr.Position().Offset != tt.off || (pe.Kind == grammar.ErrLimit) != tt.limit {
						t.Fatalf("got %v at %d (limit %v), want offset %d (limit %v)", pe, pe.Pos.Offset, pe.Kind == grammar.ErrLimit, tt.off, tt.limit)
					}
					return
				}
				if tk.EOF() {
					t.Fatal("no error")
				}
			}
		})
	}
}
