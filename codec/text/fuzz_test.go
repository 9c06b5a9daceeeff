package text_test

import (
	"errors"
	"testing"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/h248"
)

// addSeeds adds every valid and invalid corpus message as a fuzz seed.
func addSeeds(f *testing.F) {
	for _, dir := range []string{validDir, invalidDir} {
		for _, c := range readCorpus(f, dir) {
			f.Add(c.data)
		}
	}
}

// FuzzTextDecode: decoding never panics, and every error is a
// *codec.DecodeError with a position inside the input and an H.248 code.
func FuzzTextDecode(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := pretty.Decode(b)
		if err == nil {
			if m == nil {
				t.Fatal("nil message without an error")
			}
			return
		}
		var pe *codec.PartialError
		if errors.As(err, &pe) && (m == nil || len(pe.Failed) == 0) {
			t.Fatalf("a partial error comes with the message and its failures: %v %v", m, err)
		}
		var de *codec.DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("error is not a *codec.DecodeError: %v", err)
		}
		if de.Offset < 0 || de.Offset > len(b) || de.Line < 1 || de.Column < 1 {
			t.Fatalf("bad position %d (%d:%d) for %d bytes: %v", de.Offset, de.Line, de.Column, len(b), de)
		}
		if de.Code != h248.CodeBadRequest && de.Code != h248.CodeVersionNotSupported {
			t.Fatalf("unexpected code %d: %v", de.Code, de)
		}
	})
}

// FuzzTextRoundTrip: whatever decodes, the good transactions of a
// partly decoded message included, encodes in both forms to text that
// decodes to an equal message.
func FuzzTextRoundTrip(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := pretty.Decode(b)
		var pe *codec.PartialError
		if err != nil && (!errors.As(err, &pe) || len(m.Transactions) == 0) {
			return
		}
		for _, c := range []codecPair{{"pretty", pretty}, {"compact", compact}} {
			out, err := c.codec.Append(nil, m)
			if err != nil {
				t.Fatalf("%s: encoding a decoded message: %v", c.name, err)
			}
			m2, err := c.codec.Decode(out)
			if err != nil {
				t.Fatalf("%s: decoding our own encoding: %v\n%s", c.name, err, out)
			}
			if d := h248.Diff(m, m2); d != "" {
				t.Fatalf("%s: round trip differs: %s\n%s", c.name, d, out)
			}
		}
	})
}
