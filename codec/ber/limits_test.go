package ber_test

import (
	"bytes"
	"errors"
	"os"
	"runtime"
	"testing"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/ber"
)

func TestLimits(t *testing.T) {
	msg, err := os.ReadFile(oursDir + "/v1_add_rtp.ber")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := testCodec(false).Decode(msg); err != nil {
		t.Fatalf("the message is valid: %v", err)
	}
	tests := []struct {
		name   string
		limits codec.Limits
		elems  int
		input  []byte
		want   error
	}{
		{"too large", codec.Limits{MaxMessageSize: len(msg) - 1}, 0, msg, codec.ErrTooLarge},
		{"default size limit", codec.Limits{}, 0, append(msg, make([]byte, codec.DefaultMaxMessageSize)...), codec.ErrTooLarge},
		{"too deep", codec.Limits{MaxDepth: 8}, 0, msg, codec.ErrTooDeep},
		{"too many elements", codec.Limits{}, 20, msg, ber.ErrTooManyElements},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testCodec(false)
			c.Limits, c.MaxElements = tt.limits, tt.elems
			_, err := c.Decode(tt.input)
			var de *codec.DecodeError
			if !errors.As(err, &de) || !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if de.Code != 400 || de.Offset < 0 || de.Offset > len(tt.input) {
				t.Errorf("got code %d at offset %d: %v", de.Code, de.Offset, de)
			}
		})
	}
	// The element limit is a size limit for errors.Is.
	if !errors.Is(ber.ErrTooManyElements, codec.ErrTooLarge) {
		t.Error("ErrTooManyElements does not wrap codec.ErrTooLarge")
	}
}

// TestCorpusDepth: the deepest corpus message fits the default depth
// limit with room to spare.
func TestCorpusDepth(t *testing.T) {
	deepest, name := 0, ""
	for _, f := range readDir(t, oursDir, ".ber") {
		lo, hi := 1, codec.DefaultMaxDepth
		c := testCodec(false)
		c.Limits.MaxDepth = hi
		if _, err := c.Decode(f.data); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		for lo < hi { // the smallest limit that decodes
			mid := (lo + hi) / 2
			c.Limits.MaxDepth = mid
			if _, err := c.Decode(f.data); err != nil {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		if lo > deepest {
			deepest, name = lo, f.name
		}
	}
	t.Logf("deepest corpus message: %s, %d levels (limit %d)", name, deepest, codec.DefaultMaxDepth)
	if deepest > codec.DefaultMaxDepth-6 {
		t.Errorf("%s nests %d levels, close to the default limit %d", name, deepest, codec.DefaultMaxDepth)
	}
}

// TestNoAllocationFromWireLengths: lengths and counts read off the wire
// allocate nothing; a header claiming gigabytes fails at once.
func TestNoAllocationFromWireLengths(t *testing.T) {
	c := testCodec(false)
	inputs := [][]byte{
		{0x30, 0x84, 0x7F, 0xFF, 0xFF, 0xFF},
		{0x30, 0x88, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
		append([]byte{0x30, 0x80, 0xA1, 0x80}, bytes.Repeat([]byte{0x30, 0x80}, 40)...),
	}
	for _, in := range inputs {
		allocs := testing.AllocsPerRun(20, func() {
			if _, err := c.Decode(in); err == nil {
				t.Fatal("accepted")
			}
		})
		// The error itself: a DecodeError and its message.
		if allocs > 4 {
			t.Errorf("% x: %v allocations", in, allocs)
		}
	}
}

// tlv builds a definite-length element.
func tlv(id byte, parts ...[]byte) []byte {
	var c []byte
	for _, p := range parts {
		c = append(c, p...)
	}
	n := len(c)
	switch {
	case n < 0x80:
		return append([]byte{id, byte(n)}, c...)
	case n < 0x100:
		return append([]byte{id, 0x81, byte(n)}, c...)
	default:
		return append([]byte{id, 0x82, byte(n >> 8), byte(n)}, c...)
	}
}

// TestListAmplification: a list of many tiny elements fails on the
// element limit before a list of them is allocated.
func TestListAmplification(t *testing.T) {
	cmds := bytes.Repeat([]byte{0x30, 0x00}, 20000) // 20000 empty CommandRequests
	action := tlv(0x30, []byte{0x80, 0x01, 0x01}, tlv(0xA3, cmds))
	request := tlv(0xA0, []byte{0x80, 0x01, 0x01}, tlv(0xA1, action))
	mid := tlv(0xA1, tlv(0x83, []byte("mg")))
	msg := tlv(0x30, tlv(0xA1, []byte{0x80, 0x01, 0x01}, mid, tlv(0xA2, tlv(0xA1, request))))
	c := testCodec(false)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := c.Decode(msg)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ber.ErrTooManyElements) {
		t.Fatalf("got %v, want ErrTooManyElements", err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<10 {
		t.Errorf("decoding %d octets allocated %d octets", len(msg), grown)
	}
}
