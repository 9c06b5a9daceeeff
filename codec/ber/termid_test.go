package ber

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/megaco/megaco/pkg/h248"
)

var wordMapping = TermIDMapping{Form: LevelDecimal, Words: []TermIDWord{
	{Word: "tdm", Value: 1}, {Word: "rtp", Value: 2, Digits: 5}, {Word: "aaln", Value: 3}}}

func TestTermIDMapping(t *testing.T) {
	erlang := TermIDMapping{} // Erlang/OTP's default: 8/8/8 as bit strings
	nibbles := TermIDMapping{Levels: []int{4, 12}, Form: LevelDecimal}
	tests := []struct {
		name string
		m    TermIDMapping
		text string // what encoding reads
		wild []byte
		id   []byte
		back string // what decoding writes; "" means text
	}{
		{"erlang form", erlang, "00000001/00000001/00000101", nil, []byte{1, 1, 5}, ""},
		{"root", erlang, "ROOT", nil, rootID[:], ""},
		{"root lower case", erlang, "root", nil, rootID[:], "ROOT"},
		{"all", erlang, "*", []byte{0xD7}, []byte{0, 0, 0}, ""},
		{"choose", erlang, "$", []byte{0x57}, []byte{0, 0, 0}, ""},
		{"last level all", erlang, "00000001/00000001/*", []byte{0x87}, []byte{1, 1, 0}, ""},
		{"level and below", erlang, "00000001/*", []byte{0xCF}, []byte{1, 0, 0}, ""},
		{"middle level choose", erlang, "00000001/$/00000101", []byte{0x0F}, []byte{1, 0, 5}, ""},
		{"two wildcards", erlang, "$/00011110/$", []byte{0x17, 0x07}, []byte{0, 0x1E, 0}, ""},
		{"part of a level", erlang, "00000001/0001*", []byte{0xCB}, []byte{1, 0x10, 0}, ""},
		{"decimal in the bit-string form", erlang, "1/1/5", nil, []byte{1, 1, 5}, "00000001/00000001/00000101"},
		{"words", wordMapping, "tdm/1/5", nil, []byte{1, 1, 5}, ""},
		{"words, bit strings read", wordMapping, "00000001/00000001/00000101", nil, []byte{1, 1, 5}, "tdm/1/5"},
		{"word case", wordMapping, "TDM/1/5", nil, []byte{1, 1, 5}, "tdm/1/5"},
		{"padded decimal", wordMapping, "rtp/00017", nil, []byte{2, 17}, ""},
		{"unpadded decimal", wordMapping, "rtp/17", nil, []byte{2, 17}, "rtp/00017"},
		{"two levels of three", wordMapping, "aaln/1", nil, []byte{3, 1}, ""},
		{"one level of three", wordMapping, "7", nil, []byte{7}, ""},
		{"words with wildcard", wordMapping, "tdm/1/*", []byte{0x87}, []byte{1, 1, 0}, ""},
		{"words, level and below", wordMapping, "aaln/*", []byte{0xCF}, []byte{3, 0, 0}, ""},
		{"decimal part of a level", wordMapping, "tdm/0001*", []byte{0xCB}, []byte{1, 0x10, 0}, ""},
		{"unaligned levels", nibbles, "3/4095", nil, []byte{0x3F, 0xFF}, ""},
		{"unaligned wildcard", nibbles, "3/*", []byte{0x8B}, []byte{0x30, 0}, ""},
		{"64 bits", TermIDMapping{Levels: []int{64}, Form: LevelDecimal}, "18446744073709551614", nil,
			[]byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var bin binTermID
			if err := tt.m.encode(h248.TerminationID(tt.text), &bin); err != nil {
				t.Fatal(err)
			}
			if w := bin.wild[:bin.nwild]; !bytes.Equal(w, tt.wild) || !bytes.Equal(bin.id[:bin.nid], tt.id) {
				t.Fatalf("encode %q = wildcards % x id % x, want % x / % x", tt.text, w, bin.id[:bin.nid], tt.wild, tt.id)
			}
			got, _, msg := tt.m.decode(tt.wild, tt.id)
			want := tt.back
			if want == "" {
				want = tt.text
			}
			if msg != "" || got != want {
				t.Fatalf("decode = %q (%s), want %q", got, msg, want)
			}
		})
	}
}

// TestErlangWildcardDecode: the wildcard field 0x87 over 01 01 00 (ALL
// from bit 7, the first bit of the third level) is 00000001/00000001/*.
// Erlang/OTP megaco 4.4.2 misplaces it when it decodes BER: it keeps the
// level's eight bits and appends the "*" (a level "00000000*"), see
// testdata/ber/erlang-raw-gaps.tsv.
func TestErlangWildcardDecode(t *testing.T) {
	m := TermIDMapping{}
	got, _, msg := m.decode([]byte{0x87}, []byte{1, 1, 0})
	if msg != "" || got != "00000001/00000001/*" {
		t.Fatalf("got %q (%s)", got, msg)
	}
	// The recursive form of the same (a wildcard on the last level and
	// "below") reads the same.
	got, _, _ = m.decode([]byte{0xC7}, []byte{1, 1, 0})
	if got != "00000001/00000001/*" {
		t.Fatalf("recursive: got %q", got)
	}
	// A non-recursive wildcard on a middle level keeps the lower levels.
	got, _, _ = m.decode([]byte{0x8F}, []byte{1, 0, 5})
	if got != "00000001/*/00000101" {
		t.Fatalf("middle level: got %q", got)
	}
}

func TestTermIDNoBinaryForm(t *testing.T) {
	tests := []struct {
		name string
		m    TermIDMapping
		text string
		want string
	}{
		{"too many levels", wordMapping, "tdm/1/5/6", "has 4 levels"},
		{"too wide", wordMapping, "tdm/256/1", `level "256"`},
		{"unknown word", wordMapping, "isdn/1/1", `level "isdn"`},
		{"word not first", wordMapping, "1/tdm/1", `level "tdm"`},
		{"hyphen", wordMapping, "aaln-1", `level "aaln-1"`},
		{"wildcard inside a decimal level", wordMapping, "tdm/1*2/3", `level "1*2"`},
		{"bits then too many", TermIDMapping{}, "000000011*", "not a wildcard"},
		{"ambiguous short name", TermIDMapping{Levels: []int{4, 4, 8}, Form: LevelDecimal}, "1", "not told apart"},
		{"word wider than its level", TermIDMapping{Form: LevelDecimal, Words: []TermIDWord{{Word: "big", Value: 300}}}, "big/1/1", "wider than the first level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var bin binTermID
			err := tt.m.encode(h248.TerminationID(tt.text), &bin)
			if !errors.Is(err, errTermID) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestTermIDDecodeErrors(t *testing.T) {
	m := TermIDMapping{}
	tests := []struct {
		name string
		wild []byte
		id   []byte
		bad  int
		want string
	}{
		{"no octets", nil, nil, -1, "1 to 8 octets"},
		{"nine octets", nil, make([]byte, 9), -1, "1 to 8 octets"},
		{"octets fit no level", nil, make([]byte, 4), -1, "does not fit"},
		{"wildcard outside", []byte{0x00, 0x9F}, []byte{1, 1, 1}, 1, "outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, bad, msg := m.decode(tt.wild, tt.id)
			if bad != tt.bad || !strings.Contains(msg, tt.want) {
				t.Fatalf("got %d %q, want %d %q", bad, msg, tt.bad, tt.want)
			}
		})
	}
}

func TestTermIDValidate(t *testing.T) {
	bad := []TermIDMapping{
		{Levels: []int{0}},
		{Levels: []int{65}},
		{Levels: []int{32, 32, 1}},
		{Words: []TermIDWord{{Word: "a", Value: 256}}},
		{Words: []TermIDWord{{Word: "a", Value: 1}, {Word: "A", Value: 2}}},
		{Words: []TermIDWord{{Word: "a", Value: 1}, {Word: "b", Value: 1}}},
		{Words: []TermIDWord{{Word: "ROOT", Value: 1}}},
		{Words: []TermIDWord{{Word: "12", Value: 1}}},
		{Words: []TermIDWord{{Word: "a/b", Value: 1}}},
	}
	for _, m := range bad {
		if err := m.Validate(); err == nil {
			t.Errorf("%+v validates", m)
		}
	}
	if err := wordMapping.Validate(); err != nil {
		t.Errorf("wordMapping: %v", err)
	}
	if err := (&TermIDMapping{}).Validate(); err != nil {
		t.Errorf("zero mapping: %v", err)
	}
}
