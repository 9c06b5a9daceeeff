package ber

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/h248"
)

// toIndefinite rewrites every constructed element of b[off:end] for which
// pick(depth) holds in the indefinite-length form, and keeps the others
// definite (with their lengths recomputed).
func toIndefinite(t *testing.T, b []byte, off, end, depth int, pick func(int) bool) []byte {
	var out []byte
	for off < end {
		h, err := readHeader(b[:end], off)
		if err != nil {
			t.Fatal(err)
		}
		if !h.cons {
			out = append(out, b[h.start:h.end]...)
			off = h.next
			continue
		}
		inner := toIndefinite(t, b, h.body, h.end, depth+1, pick)
		out = appendTag(out, h.class, true, h.tag)
		if pick(depth) {
			out = append(out, 0x80)
			out = append(out, inner...)
			out = append(out, 0, 0)
		} else {
			out = appendLength(out, len(inner))
			out = append(out, inner...)
		}
		off = h.next
	}
	return out
}

// TestIndefiniteLengths decodes every corpus encoding rewritten with
// indefinite lengths everywhere, and at every other depth, to the same
// message as its definite form.
func TestIndefiniteLengths(t *testing.T) {
	paths, _ := filepath.Glob("../../testdata/ber/ours/*.ber")
	if len(paths) == 0 {
		t.Fatal("no corpus in testdata/ber/ours")
	}
	c := &Codec{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		want, err := c.Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for name, pick := range map[string]func(int) bool{
			"all":  func(int) bool { return true },
			"odd":  func(d int) bool { return d%2 == 1 },
			"even": func(d int) bool { return d%2 == 0 },
		} {
			ib := toIndefinite(t, b, 0, len(b), 0, pick)
			got, err := c.Decode(ib)
			if err != nil {
				t.Fatalf("%s (%s): %v", filepath.Base(p), name, err)
			}
			if d := h248.Diff(want, got); d != "" {
				t.Fatalf("%s (%s): %s", filepath.Base(p), name, d)
			}
		}
	}
}

// TestIndefiniteTruncated cuts an indefinite-length message at every
// length: each prefix fails with a positioned syntax error.
func TestIndefiniteTruncated(t *testing.T) {
	b, err := os.ReadFile("../../testdata/ber/ours/v1_add_rtp.ber")
	if err != nil {
		t.Fatal(err)
	}
	ib := toIndefinite(t, b, 0, len(b), 0, func(int) bool { return true })
	c := &Codec{}
	for n := 0; n < len(ib); n++ {
		_, err := c.Decode(ib[:n])
		var de *codec.DecodeError
		if !errors.As(err, &de) || de.Offset < 0 || de.Offset > n || de.Code != h248.CodeBadRequest {
			t.Fatalf("prefix of %d octets: %v", n, err)
		}
	}
}
