package ber

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/megaco/megaco/codec"
)

func TestReadHeader(t *testing.T) {
	tests := []struct {
		name  string
		in    []byte
		class byte
		cons  bool
		tag   uint32
		body  int
		end   int // -1: indefinite
		err   string
		at    int
	}{
		{name: "short", in: []byte{0x30, 0x01, 0x05}, class: classUniversal, cons: true, tag: 16, body: 2, end: 3},
		{name: "context primitive", in: []byte{0x83, 0x00}, class: classContext, tag: 3, body: 2, end: 2},
		{name: "application", in: []byte{0x41, 0x01, 0x00}, class: classApplication, tag: 1, body: 2, end: 3},
		{name: "private constructed", in: []byte{0xE2, 0x00}, class: classPrivate, cons: true, tag: 2, body: 2, end: 2},
		{name: "long length 1 octet", in: append([]byte{0x04, 0x81, 0x80}, make([]byte, 128)...), class: classUniversal, tag: 4, body: 3, end: 131},
		{name: "long length 2 octets", in: append([]byte{0x04, 0x82, 0x01, 0x00}, make([]byte, 256)...), class: classUniversal, tag: 4, body: 4, end: 260},
		{name: "long length with leading zero", in: []byte{0x04, 0x82, 0x00, 0x01, 0xAA}, class: classUniversal, tag: 4, body: 4, end: 5},
		{name: "long-form tag 31", in: []byte{0xBF, 0x1F, 0x00}, class: classContext, cons: true, tag: 31, body: 3, end: 3},
		{name: "long-form tag 128", in: []byte{0x9F, 0x81, 0x00, 0x00}, class: classContext, tag: 128, body: 4, end: 4},
		{name: "long-form tag max", in: []byte{0x9F, 0xFF, 0xFF, 0xFF, 0x7F, 0x00}, class: classContext, tag: maxTagNumber, body: 6, end: 6},
		{name: "indefinite", in: []byte{0x30, 0x80, 0x00, 0x00}, class: classUniversal, cons: true, tag: 16, body: 2, end: -1},
		{name: "empty", in: nil, err: "identifier expected", at: 0},
		{name: "no length", in: []byte{0x30}, err: "length expected", at: 1},
		{name: "truncated long-form tag", in: []byte{0x9F, 0x81}, err: "long-form tag", at: 2},
		{name: "tag of 5 octets", in: []byte{0x9F, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00}, err: "longer than 4 octets", at: 1},
		{name: "indefinite primitive", in: []byte{0x04, 0x80, 0x00, 0x00}, err: "indefinite length on a primitive", at: 1},
		{name: "reserved length", in: []byte{0x04, 0xFF}, err: "reserved length", at: 1},
		{name: "truncated length octets", in: []byte{0x04, 0x82, 0x01}, err: "2 length octets", at: 1},
		{name: "truncated contents", in: []byte{0x04, 0x03, 0x01, 0x02}, err: "exceeds the 2 octets left", at: 1},
		{name: "huge length", in: []byte{0x04, 0x88, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00}, err: "exceeds", at: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := readHeader(tt.in, 0)
			if tt.err != "" {
				var de *codec.DecodeError
				if !errors.As(err, &de) || !bytes.Contains([]byte(de.Msg), []byte(tt.err)) || de.Offset != tt.at {
					t.Fatalf("got %v, want %q at %d", err, tt.err, tt.at)
				}
				if de.Code != 400 || !errors.Is(err, codec.ErrSyntax) {
					t.Errorf("got code %d / %v, want 400 and ErrSyntax", de.Code, de.Err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if h.class != tt.class || h.cons != tt.cons || h.tag != tt.tag || h.body != tt.body || h.end != tt.end {
				t.Fatalf("got %+v", h)
			}
		})
	}
}

func TestReadIntegers(t *testing.T) {
	uints := []struct {
		in   []byte
		bits int
		want uint64
		err  bool
	}{
		{[]byte{0x00}, 32, 0, false},
		{[]byte{0x7F}, 8, 127, false},
		{[]byte{0x00, 0x80}, 8, 128, false},
		{[]byte{0x00, 0x00, 0x00, 0x01}, 8, 1, false}, // leading zeros
		{[]byte{0x00, 0xFF, 0xFF, 0xFF, 0xFF}, 32, math.MaxUint32, false},
		{[]byte{0x01, 0x00, 0x00, 0x00, 0x00}, 32, 0, true},
		{[]byte{0x01, 0x00}, 8, 0, true},
		{[]byte{0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, 64, math.MaxUint64, false},
		{[]byte{0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}, 64, 0, true},
		{[]byte{0x80}, 32, 0, true}, // negative
		{nil, 32, 0, true},
	}
	for _, tt := range uints {
		got, err := readUint(tt.in, 0, len(tt.in), tt.bits)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("readUint(% x, %d) = %d, %v", tt.in, tt.bits, got, err)
		}
	}
	ints := []struct {
		in   []byte
		want int64
		err  bool
	}{
		{[]byte{0xFF}, -1, false},
		{[]byte{0x80}, -128, false},
		{[]byte{0xFF, 0x7F}, -129, false},
		{[]byte{0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, math.MaxInt64, false},
		{[]byte{0x80, 0, 0, 0, 0, 0, 0, 0}, math.MinInt64, false},
		{[]byte{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05}, 5, false}, // redundant sign octets
		{[]byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFB}, -5, false},
		{[]byte{0x01, 0, 0, 0, 0, 0, 0, 0, 0}, 0, true},
		{nil, 0, true},
	}
	for _, tt := range ints {
		got, err := readInt(tt.in, 0, len(tt.in))
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("readInt(% x) = %d, %v", tt.in, got, err)
		}
	}
	for _, in := range [][]byte{{}, {0, 0}} {
		if _, err := readBool(in, 0, len(in)); err == nil {
			t.Errorf("readBool(% x) accepted", in)
		}
	}
}

func TestWriteIntegers(t *testing.T) {
	for _, v := range []uint64{0, 1, 127, 128, 255, 256, 0x7FFF, 0x8000, math.MaxUint32, math.MaxUint64} {
		b := appendUint(nil, idInteger, v)
		h, err := readHeader(b, 0)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readUint(b, h.body, h.end, 64)
		if err != nil || got != v {
			t.Errorf("appendUint(%d) = % x, reads %d, %v", v, b, got, err)
		}
		// Minimal: no leading 0x00 unless the next octet's top bit is set.
		if n := h.end - h.body; n > 1 && b[h.body] == 0 && b[h.body+1]&0x80 == 0 {
			t.Errorf("appendUint(%d) = % x is not minimal", v, b)
		}
	}
	for _, v := range []int64{0, 1, -1, 127, 128, -128, -129, 32767, -32769, math.MaxInt64, math.MinInt64} {
		b := appendInt(nil, idInteger, v)
		h, _ := readHeader(b, 0)
		got, err := readInt(b, h.body, h.end)
		if err != nil || got != v {
			t.Errorf("appendInt(%d) = % x, reads %d, %v", v, b, got, err)
		}
		if n := h.end - h.body; n > 1 && (b[h.body] == 0 && b[h.body+1]&0x80 == 0 || b[h.body] == 0xFF && b[h.body+1]&0x80 != 0) {
			t.Errorf("appendInt(%d) = % x is not minimal", v, b)
		}
	}
}

func TestWriteTagsAndLengths(t *testing.T) {
	for _, tag := range []uint32{0, 30, 31, 127, 128, 16383, 16384, maxTagNumber} {
		b := appendTag(nil, classContext, true, tag)
		b = append(b, 0)
		h, err := readHeader(b, 0)
		if err != nil || h.tag != tag || h.class != classContext || !h.cons {
			t.Errorf("tag %d: % x reads %+v, %v", tag, b, h, err)
		}
	}
	for _, n := range []int{0, 1, 127, 128, 255, 256, 65535, 65536, 1 << 20} {
		b := appendLength([]byte{0x04}, n)
		want := 1
		if n >= 128 {
			want = 1 + lengthOctets(n)
		}
		if len(b)-1 != want {
			t.Errorf("length %d takes %d octets, want %d", n, len(b)-1, want)
		}
		b = append(b, make([]byte, n)...)
		h, err := readHeader(b, 0)
		if err != nil || h.end-h.body != n {
			t.Errorf("length %d: reads %+v, %v", n, h, err)
		}
	}
}

// TestCloseTLV checks the back-patched lengths around the short/long
// boundary and nested.
func TestCloseTLV(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 129, 255, 256, 300, 65535, 65536, 70000} {
		b, outer := openTLV([]byte{0xAA}, idSequence)
		b, inner := openTLV(b, ctxCons(1))
		b = append(b, bytes.Repeat([]byte{0x05}, n)...)
		b = closeTLV(b, inner)
		b = closeTLV(b, outer)
		if b[0] != 0xAA {
			t.Fatalf("closeTLV overwrote the prefix")
		}
		h, err := readHeader(b, 1)
		if err != nil || h.next != len(b) {
			t.Fatalf("n=%d: outer %+v, %v", n, h, err)
		}
		c, err := readHeader(b[:h.end], h.body)
		if err != nil || c.end-c.body != n || c.next != h.end {
			t.Fatalf("n=%d: inner %+v, %v", n, c, err)
		}
		if !bytes.Equal(b[c.body:c.end], bytes.Repeat([]byte{0x05}, n)) {
			t.Fatalf("n=%d: contents moved wrongly", n)
		}
	}
}

func TestBitString(t *testing.T) {
	e := encoder{}
	for _, bits := range []uint16{0, 1, 0x4, 0x10, 0x1FF, 0x200, 0x3FF} {
		e.b = e.b[:0]
		e.bitString(ctxPrim(0), bits)
		d := decoder{b: e.b, maxDepth: 4, maxElems: 10}
		var h header
		d.elem(0, len(e.b), &h)
		if got := d.bitString(&h); got != bits {
			t.Errorf("bits %#x: % x reads %#x", bits, e.b, got)
		}
	}
	// The audit token media alone: 3 bits used, 5 unused.
	e.b = e.b[:0]
	e.bitString(ctxPrim(0), 1<<2)
	if want := []byte{0x80, 0x02, 0x05, 0x20}; !bytes.Equal(e.b, want) {
		t.Errorf("got % x, want % x", e.b, want)
	}
}
