package h248_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/megaco/megaco/pkg/h248"
)

// TestErrorCodeNames checks the generated table against the tsv it is
// generated from (run go generate ./pkg/h248 after changing the tsv).
func TestErrorCodeNames(t *testing.T) {
	data, err := os.ReadFile("testdata/h248-error-codes.tsv")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 4 || strings.HasPrefix(line, "#") || f[0] == "code" {
			continue
		}
		code, err := strconv.Atoi(f[0])
		if err != nil {
			t.Fatalf("bad row %q", line)
		}
		want := f[1]
		if want == "" {
			want = f[2]
		}
		if got, ok := h248.ErrorCode(code).Name(); !ok || got != want {
			t.Errorf("ErrorCode(%d).Name() = %q, %v; want %q (run go generate ./pkg/h248)", code, got, ok, want)
		}
		n++
	}
	if n < 100 {
		t.Fatalf("only %d codes in the tsv", n)
	}
	if got := h248.CodeBadRequest.String(); got != "Syntax error in message" {
		t.Errorf("400 = %q", got)
	}
	if got := h248.ErrorCode(999).String(); got != "999" {
		t.Errorf("unnamed code = %q", got)
	}
}
