//go:build interop

// The interop checks of the binary encoding against Wireshark and
// Erlang/OTP megaco, run with `go test -tags interop ./codec/ber` (make
// interop). They need tshark, escript and Erlang/OTP megaco (see
// ../shared/interop/README.md); INTEROP points at ../shared/interop.

package ber_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/megaco/megaco/codec/ber"
	"github.com/megaco/megaco/pkg/h248"
)

func interopDir(t *testing.T) string {
	dir := os.Getenv("INTEROP")
	if dir == "" {
		dir = "../../../shared/interop"
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("interop tools: %v (set INTEROP)", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func need(t *testing.T, tools ...string) {
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: install the interop tools (see ../shared/interop/README.md)", tool)
		}
	}
}

// TestTsharkSpecForm writes every binary encoding of the text corpus in
// the spec's value form and has Wireshark's h248 dissector read them: no
// frame may carry an expert info of severity Error.
func TestTsharkSpecForm(t *testing.T) {
	need(t, "tshark", "python3")
	out := t.TempDir()
	c := testCodec(false)
	var files []string
	for _, f := range readDir(t, textValidDir, ".txt") {
		if _, ok := noBinaryForm[f.name]; ok {
			continue
		}
		m, err := pretty.Decode(f.data)
		if err != nil {
			t.Fatal(err)
		}
		b, err := c.Append(nil, m)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		p := filepath.Join(out, f.name+".ber")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	cmd := exec.Command(filepath.Join(interopDir(t), "tshark", "h248_tshark_check.sh"), append([]string{"--bin"}, files...)...)
	res, err := cmd.CombinedOutput()
	t.Logf("%s", lastLine(res))
	if err != nil {
		t.Fatalf("h248_tshark_check.sh --bin: %v\n%s", err, res)
	}
	if !bytes.Contains(res, []byte("error_frames=0")) {
		t.Fatalf("Wireshark reports errors:\n%s", res)
	}
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// TestErlangRaw writes every binary encoding of the text corpus in
// Erlang's raw value form, with termination ids of as many 8-bit levels as
// the message's ids have (megaco's binary codec takes one level count
// per message), and has Erlang/OTP megaco's megaco_ber_encoder decode
// them (testdata/ber/erl_ber.escript check): each must decode to the same
// message as Erlang's decoding of the text original, or be listed in
// testdata/ber/erlang-raw-gaps.tsv with the Erlang defect that prevents
// it.
func TestErlangRaw(t *testing.T) {
	need(t, "escript")
	out := t.TempDir()
	var texts []string
	for _, f := range readDir(t, textValidDir, ".txt") {
		if _, ok := noBinaryForm[f.name]; ok {
			continue
		}
		m, err := pretty.Decode(f.data)
		if err != nil {
			t.Fatal(err)
		}
		levels := make([]int, idLevels(m))
		for i := range levels {
			levels[i] = 8
		}
		mapping := testTermIDs
		mapping.Levels = levels
		c := ber.New(ber.WithTermIDs(mapping), ber.WithRegistry(testRegistry), ber.WithRawValues(true))
		b, err := c.Append(nil, m)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		// Our own decoder reads it back, whatever the level count.
		if m2, err := testCodec(false).Decode(b); err != nil || h248.Diff(m, m2) != "" {
			t.Fatalf("%s: %v %s", f.name, err, h248.Diff(m, m2))
		}
		if err := os.WriteFile(filepath.Join(out, f.name+".ber"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		texts = append(texts, filepath.Join(textValidDir, f.name+".txt"))
	}
	cmd := exec.Command("escript", append([]string{filepath.Join(berDir, "erl_ber.escript"), "check", out}, texts...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("erl_ber.escript check: %v\n%s", err, stderr.Bytes())
	}
	gaps := readGaps(t)
	counts := map[string]int{}
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(res))
	for sc.Scan() {
		cols := strings.SplitN(sc.Text(), "\t", 3)
		if len(cols) < 2 {
			continue
		}
		name, verdict := cols[0], cols[1]
		seen[name] = true
		counts[verdict]++
		why, listed := gaps[name]
		switch {
		case verdict == "ok" && listed:
			t.Errorf("%s: Erlang decodes it now; remove it from erlang-raw-gaps.tsv (%s)", name, why)
		case verdict != "ok" && !listed:
			t.Errorf("%s: Erlang: %s (not a listed Erlang defect)", name, sc.Text())
		}
	}
	t.Logf("Erlang/OTP megaco_ber_encoder on our raw form: %v", counts)
	for name := range gaps {
		if !seen[name] {
			t.Errorf("erlang-raw-gaps.tsv lists %s, which was not checked", name)
		}
	}
}

// readGaps reads erlang-raw-gaps.tsv: file (no extension), Erlang's
// verdict, why.
func readGaps(t *testing.T) map[string]string {
	f, err := os.Open(filepath.Join(berDir, "erlang-raw-gaps.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gaps := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			t.Fatalf("erlang-raw-gaps.tsv: bad row %q", line)
		}
		gaps[cols[0]] = cols[2]
	}
	return gaps
}

// TestErlangCorpusFresh regenerates testdata/ber/erlang with
// erl_ber.escript encode (the command README.md gives) and checks that
// the checked-in files are what Erlang writes.
func TestErlangCorpusFresh(t *testing.T) {
	need(t, "escript")
	out := t.TempDir()
	texts, _ := filepath.Glob(filepath.Join(textValidDir, "*.txt"))
	cmd := exec.Command("escript", append([]string{filepath.Join(berDir, "erl_ber.escript"), "encode", out}, texts...)...)
	if res, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("erl_ber.escript encode: %v\n%s", err, res)
	}
	fresh := readDir(t, out, ".ber")
	have := readDir(t, erlangDir, ".ber")
	if len(fresh) != len(have) {
		t.Fatalf("Erlang writes %d messages, testdata/ber/erlang has %d", len(fresh), len(have))
	}
	for i := range fresh {
		if fresh[i].name != have[i].name || !bytes.Equal(fresh[i].data, have[i].data) {
			t.Errorf("%s differs from what Erlang writes now", have[i].name)
		}
	}
}
