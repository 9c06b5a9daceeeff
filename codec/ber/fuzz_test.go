package ber_test

import (
	"errors"
	"testing"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/ber"
	"github.com/megaco/megaco/pkg/h248"
)

// addSeeds adds every message of testdata/ber (our encodings, Erlang's,
// the invalid ones) as a fuzz seed; readDir fails when a directory is
// empty, so a moved corpus cannot make the fuzz targets vacuous.
func addSeeds(f *testing.F) {
	for _, dir := range []string{oursDir, erlangDir, invalidDir} {
		for _, c := range readDir(f, dir, ".ber") {
			f.Add(c.data)
		}
	}
}

var fuzzCodes = map[h248.ErrorCode]bool{
	h248.CodeBadRequest: true, h248.CodeVersionNotSupported: true, h248.CodeUnknownTerminationID: true,
	h248.CodeUnsupportedOrUnknownCommand: true, h248.CodeUnsupportedOrUnknownDescriptor: true,
	h248.CodeUnsupportedOrUnknownProperty: true,
}

// FuzzBERDecode: decoding never panics, and every error is a
// *codec.DecodeError with an offset inside the input and a known H.248
// code.
func FuzzBERDecode(f *testing.F) {
	addSeeds(f)
	c := testCodec(false)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := c.Decode(b)
		if err == nil {
			if m == nil {
				t.Fatal("nil message without an error")
			}
			return
		}
		var de *codec.DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("error is not a *codec.DecodeError: %v", err)
		}
		if de.Offset < 0 || de.Offset > len(b) && !errors.Is(err, codec.ErrTooLarge) {
			t.Fatalf("offset %d outside %d octets: %v", de.Offset, len(b), de)
		}
		if !fuzzCodes[de.Code] || de.Err == nil || de.Msg == "" {
			t.Fatalf("unexpected error %#v", de)
		}
	})
}

// FuzzBERRoundTrip: whatever decodes encodes, in the spec's and in the
// raw value form, to BER that decodes to an equal message.
func FuzzBERRoundTrip(f *testing.F) {
	addSeeds(f)
	spec, raw := testCodec(false), testCodec(true)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := spec.Decode(b)
		if err != nil {
			return
		}
		for _, c := range []*ber.Codec{spec, raw} {
			out, err := c.Append(nil, m)
			if err != nil {
				t.Fatalf("raw=%v: encoding a decoded message: %v", c.RawValues, err)
			}
			m2, err := spec.Decode(out)
			if err != nil {
				t.Fatalf("raw=%v: decoding our own encoding: %v\n% x", c.RawValues, err, out)
			}
			if d := h248.Diff(m, m2); d != "" {
				t.Fatalf("raw=%v: round trip differs: %s", c.RawValues, d)
			}
		}
	})
}
