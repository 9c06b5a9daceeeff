package text_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/grammar"
	"github.com/megaco/megaco/pkg/h248"
)

const (
	validDir   = "../../testdata/text/valid"
	invalidDir = "../../testdata/text/invalid"
)

type corpusFile struct {
	name string
	data []byte
}

// readCorpus returns the message files of dir (every file but *.tsv and
// *.md); it fails the test when there are none, so that a moved corpus
// cannot turn the tests into no-ops.
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
		files = append(files, corpusFile{e.Name(), b})
	}
	if len(files) == 0 {
		tb.Fatalf("corpus: no message files in %s", dir)
	}
	return files
}

var (
	pretty  = text.New(codec.Pretty)
	compact = text.New(codec.Compact)
)

// TestValidCorpus decodes every valid message, encodes it pretty and
// compact, decodes that and compares; each encoding must also be stable
// (encoding the re-decoded message gives the same bytes).
func TestValidCorpus(t *testing.T) {
	for _, f := range readCorpus(t, validDir) {
		t.Run(f.name, func(t *testing.T) {
			m, err := pretty.Decode(f.data)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			for _, c := range []*text.Codec{pretty, compact} {
				out, err := c.Append(nil, m)
				if err != nil {
					t.Fatalf("encode %v: %v", c.Encoding, err)
				}
				m2, err := c.Decode(out)
				if err != nil {
					t.Fatalf("decode own %v encoding: %v\n%s", c.Encoding, err, out)
				}
				if d := h248.Diff(m, m2); d != "" {
					t.Fatalf("%v round trip differs: %s", c.Encoding, d)
				}
				again, err := c.Append(nil, m2)
				if err != nil || !bytes.Equal(again, out) {
					t.Fatalf("%v encoding is not stable (%v):\n%s\n---\n%s", c.Encoding, err, out, again)
				}
			}
		})
	}
}

type wantError struct {
	code      h248.ErrorCode
	line, col int
	what      string
}

// readErrorTable reads invalid/errors.tsv: file, code, line:col, what.
func readErrorTable(t *testing.T) map[string]wantError {
	f, err := os.Open(filepath.Join(invalidDir, "errors.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]wantError{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 4 {
			t.Fatalf("errors.tsv: bad row %q", line)
		}
		var w wantError
		if _, err := fmt.Sscanf(cols[1]+" "+cols[2], "%d %d:%d", &w.code, &w.line, &w.col); err != nil {
			t.Fatalf("errors.tsv: bad row %q: %v", line, err)
		}
		w.what = cols[3]
		want[cols[0]] = w
	}
	return want
}

// TestInvalidCorpus checks that every malformed message is rejected with
// the code and position errors.tsv names, and that every file is listed.
func TestInvalidCorpus(t *testing.T) {
	want := readErrorTable(t)
	files := readCorpus(t, invalidDir)
	seen := map[string]bool{}
	for _, f := range files {
		seen[f.name] = true
		t.Run(f.name, func(t *testing.T) {
			w, ok := want[f.name]
			if !ok {
				t.Fatalf("not listed in errors.tsv")
			}
			_, err := pretty.Decode(f.data)
			var de *codec.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("want a *codec.DecodeError (%s), got %v", w.what, err)
			}
			if de.Code != w.code || de.Line != w.line || de.Column != w.col {
				t.Errorf("got %d at %d:%d, want %d at %d:%d (%s): %v", de.Code, de.Line, de.Column, w.code, w.line, w.col, w.what, de)
			}
			if de.Msg == "" || de.Err == nil {
				t.Errorf("error lacks a message or a cause: %#v", de)
			}
		})
	}
	var missing []string
	for name := range want {
		if !seen[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("errors.tsv lists files that do not exist: %v", missing)
	}
}

// TestCorpusCoversEveryToken checks that the valid corpus uses every
// keyword, the long form in a pretty file and the short form in a compact
// file.
func TestCorpusCoversEveryToken(t *testing.T) {
	long, short := map[grammar.Keyword]bool{}, map[grammar.Keyword]bool{}
	for _, f := range readCorpus(t, validDir) {
		isCompact := strings.HasSuffix(f.name, "_compact.txt")
		sc := grammar.NewScanner(f.data, 0)
		for tok := sc.Next(); tok.Kind != grammar.EOF && tok.Kind != grammar.Error; tok = sc.Next() {
			if tok.Kind != grammar.Safe {
				continue
			}
			s := string(sc.Text(tok))
			for strings.HasPrefix(s, "O-") || strings.HasPrefix(s, "W-") || strings.HasPrefix(s, "o-") || strings.HasPrefix(s, "w-") {
				s = s[2:]
			}
			for _, part := range append(strings.Split(s, "/"), s) {
				k := grammar.LookupKeyword([]byte(part))
				if k == grammar.NoKeyword {
					continue
				}
				if strings.EqualFold(part, k.Long()) && !isCompact {
					long[k] = true
				}
				if strings.EqualFold(part, k.Short()) && isCompact {
					short[k] = true
				}
			}
		}
	}
	for _, k := range grammar.Keywords() {
		if !long[k] {
			t.Errorf("no pretty file uses %s in its long form %q", k, k.Long())
		}
		if !short[k] {
			t.Errorf("no compact file uses %s in its short form %q", k, k.Short())
		}
	}
}
