//go:build interop

// Package interop holds the interop runs against independent H.248
// implementations (Erlang/OTP megaco, Wireshark). They need those tools
// installed (see ../../shared/interop/README.md) and run with
// `make interop`, never in `make test`.
package interop

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/pkg/h248"
)

const validDir = "../testdata/text/valid"

// TestErlangText checks the text encoding against Erlang/OTP megaco, for
// every valid corpus message that Erlang's decoder accepts: what we encode,
// pretty and compact, Erlang decodes to the same message as the original
// file; what Erlang encodes, pretty and compact, we decode to a message
// equal to ours. The messages Erlang rejects must be the ones listed in
// testdata/text/erlang-rejects.tsv.
func TestErlangText(t *testing.T) {
	if _, err := exec.LookPath("escript"); err != nil {
		t.Fatalf("escript not found: install Erlang/OTP megaco (see ../shared/interop/README.md)")
	}
	files, err := filepath.Glob(filepath.Join(validDir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus in %s: %v", validDir, err)
	}
	sort.Strings(files)
	out := t.TempDir()
	ours := map[string]*h248.Message{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := text.New(codec.Pretty).Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		ours[filepath.Base(f)] = m
		for _, enc := range []codec.Encoding{codec.Pretty, codec.Compact} {
			w, err := text.New(enc).Append(nil, m)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			p := filepath.Join(out, "ours", enc.String(), filepath.Base(f))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, w, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}

	cmd := exec.Command("escript", append([]string{"erlang/text_interop.escript", out}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("text_interop.escript: %v\n%s", err, stderr.Bytes())
	}

	counts := map[string]int{}
	gaps := readTable(t, "erlang-text-gaps.tsv")
	gapSeen := map[string]bool{}
	// erlangGap reports whether a difference in Erlang's encoding of name
	// is a known Erlang defect.
	erlangGap := func(name, what string) bool {
		if gaps[name] {
			gapSeen[name] = true
			t.Logf("%s: known Erlang defect: %s", name, what)
			counts["known Erlang defect"]++
			return true
		}
		return false
	}
	rejects := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(res))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		cols := strings.SplitN(sc.Text(), "\t", 3)
		if len(cols) != 3 {
			t.Errorf("unexpected escript output %q", sc.Text())
			continue
		}
		name, tag, result := cols[0], cols[1], cols[2]
		switch tag {
		case "rejects":
			rejects[name] = true
			counts["rejected by Erlang"]++
		case "ours_pretty", "ours_compact":
			if result != "ok" {
				t.Errorf("%s: Erlang on our %s encoding: %s", name, strings.TrimPrefix(tag, "ours_"), result)
				continue
			}
			counts["our "+strings.TrimPrefix(tag, "ours_")+" = Erlang's reading"]++
		case "erlang_pretty", "erlang_compact":
			enc := strings.TrimPrefix(tag, "erlang_")
			if result != "written" {
				// Erlang's own encoder fails on what its decoder produced.
				t.Logf("%s: Erlang cannot encode its reading as %s: %.200s", name, enc, result)
				counts["Erlang cannot encode ("+enc+")"]++
				continue
			}
			b, err := os.ReadFile(filepath.Join(out, "erlang", enc, name))
			if err != nil {
				t.Fatal(err)
			}
			m, err := text.New(codec.Pretty).Decode(b)
			if err != nil {
				if !erlangGap(name, err.Error()) {
					t.Errorf("%s: we reject Erlang's %s encoding: %v\n%s", name, enc, err, b)
				}
				continue
			}
			if d := h248.Diff(ours[name], m); d != "" {
				if !erlangGap(name, d) {
					t.Errorf("%s: Erlang's %s encoding decodes differently: %s", name, enc, d)
				}
				continue
			}
			counts["Erlang "+enc+" = our reading"]++
		}
	}
	for name := range gaps {
		if !gapSeen[name] {
			t.Errorf("%s: listed in erlang-text-gaps.tsv but Erlang's encodings now read back equal", name)
		}
	}
	listed := readTable(t, "../testdata/text/erlang-rejects.tsv")
	for name := range rejects {
		if !listed[name] {
			t.Errorf("%s: Erlang rejects it but erlang-rejects.tsv does not say why", name)
		}
	}
	for name := range listed {
		if !rejects[name] {
			t.Errorf("%s: listed in erlang-rejects.tsv but Erlang accepts it", name)
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%-40s %d of %d", k, counts[k], len(files))
	}
}

// readTable returns the first column of a tsv file's rows.
func readTable(t *testing.T, path string) map[string]bool {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[strings.SplitN(line, "\t", 2)[0]] = true
	}
	return m
}
