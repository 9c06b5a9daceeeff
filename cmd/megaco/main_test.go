package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const sample = "../../testdata/text/valid/rfc3525_02_reply_9998.txt"

func runCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestTranscode(t *testing.T) {
	code, out, errOut := runCmd(t, "", "transcode", "--to", "compact", sample)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if want := "!/1 [123.123.123.4]:55555\nP=9998{C=-{SC=ROOT{SV{AD=55555,PF=ResGW/1}}}}\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	// Pretty round-trips through standard input.
	code, pretty, _ := runCmd(t, "", "transcode", sample)
	if code != 0 || !strings.HasPrefix(pretty, "MEGACO/1 [123.123.123.4]:55555\nReply = 9998 {\n") {
		t.Fatalf("pretty: exit %d\n%s", code, pretty)
	}
	code, again, _ := runCmd(t, pretty, "transcode", "--to", "compact", "-")
	if code != 0 || again != out {
		t.Errorf("stdin: exit %d, %q", code, again)
	}
}

func TestTranscodeJSON(t *testing.T) {
	code, out, _ := runCmd(t, "", "transcode", "--to", "json", sample)
	var v map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || v["version"] != float64(1) {
		t.Fatalf("exit %d, %q", code, out)
	}
}

func TestTranscodeErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("MEGACO/1 [10.0.0.1]:2944\nTransaction = 4294967296 { }"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, "", "transcode", "--to", "compact", bad, sample, filepath.Join(dir, "missing.txt"))
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(out, "P=9998") {
		t.Errorf("the valid file was not transcoded: %q", out)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	want := regexp.MustCompile(`^.*bad\.txt:2:15: TransactionID must be a number from 0 to 4294967295 at "4294967296" \(H\.248 error 400 Syntax error in message\)$`)
	if len(lines) != 2 || !want.MatchString(lines[0]) || !strings.Contains(lines[1], "missing.txt: open") {
		t.Errorf("stderr %q", errOut)
	}
	code, _, errOut = runCmd(t, "MEGACO/4 x Transaction=1{}", "transcode", "-")
	if code != 1 || errOut != "-:1:8: protocol version 4 is not supported at \"4\", expected version 1, 2 or 3 (H.248 error 406 Version Not Supported)\n" {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestCheck(t *testing.T) {
	code, out, errOut := runCmd(t, "", "transcode", "--check", sample)
	if code != 0 || out != "" || errOut != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = runCmd(t, "MEGACO/1 x\nT=1{C=1{Add=a{Media{}}}}", "transcode", "--check", "-")
	if code != 1 || !strings.HasPrefix(errOut, "-:2:") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"transcode"}, {"transcode", "--to", "xml", sample}, {"bench", "codec"}, {"nonsense"}} {
		if code, _, errOut := runCmd(t, "", args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

func TestBenchCodec(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"rfc3525_02_reply_9998.txt", "rfc3525_01_trans_9998.txt"} {
		b, err := os.ReadFile(filepath.Join("../../testdata/text/valid", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, enc := range []string{"pretty", "compact"} {
		code, out, errOut := runCmd(t, "", "bench", "codec", "--dir", dir, "--encoding", enc, "--iterations", "20")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		last := lines[len(lines)-1]
		if code != 0 || errOut != "" || !regexp.MustCompile(`^summary encoding=`+enc+` messages=2 decode_us=\d+\.\d\d encode_us=\d+\.\d\d$`).MatchString(last) {
			t.Errorf("%s: exit %d, stderr %q, last line %q", enc, code, errOut, last)
		}
		if len(lines) != 4 || !strings.Contains(lines[1], "rfc3525_01_trans_9998.txt") {
			t.Errorf("table:\n%s", out)
		}
	}
}

// corpusTermIDs is the mapping of the binary corpus (testdata/ber).
const corpusTermIDs = "decimal,tdm=1,rtp=2:5,aaln=3,isdn=4"

func TestTranscodeBinary(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.ber")
	code, _, errOut := runCmd(t, "", "transcode", "--to", "binary", "--termids", corpusTermIDs, "--out", out, sample)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../testdata/ber/ours/rfc3525_02_reply_9998.ber")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("binary differs from the corpus encoding")
	}
	// Binary input is recognised and written back as text.
	code, text, errOut := runCmd(t, "", "transcode", "--to", "compact", "--termids", corpusTermIDs, out)
	if code != 0 || text != "!/1 [123.123.123.4]:55555\nP=9998{C=-{SC=ROOT{SV{AD=55555,PF=ResGW/1}}}}\n" {
		t.Errorf("exit %d, %q %s", code, text, errOut)
	}
	if code, _, _ := runCmd(t, "", "transcode", "--to", "binary", sample, sample); code == 0 {
		t.Error("raw bytes of two messages to standard output")
	}
	bad := filepath.Join(dir, "bad.ber")
	if err := os.WriteFile(bad, []byte{0x30, 0x03, 0x02, 0x01}, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCmd(t, "", "transcode", bad)
	if code != 1 || !strings.HasPrefix(errOut, bad+":offset 1: ") || !strings.Contains(errOut, "(H.248 error 400") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestBenchCodecBinary(t *testing.T) {
	code, out, errOut := runCmd(t, "", "bench", "codec", "--dir", "../../testdata/ber/ours", "--encoding", "binary",
		"--termids", corpusTermIDs, "--iterations", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !regexp.MustCompile(`^summary encoding=binary messages=1\d\d decode_us=[\d.]+ encode_us=[\d.]+$`).MatchString(lines[len(lines)-1]) {
		t.Errorf("last line %q", lines[len(lines)-1])
	}
}
