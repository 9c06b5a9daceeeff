package text_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/text"
)

func TestLimits(t *testing.T) {
	msg := []byte("MEGACO/1 [10.0.0.1]:2944 T=1{C=1{MF=a/1{E=1{al/on{EM{SG{cg/rt{NC={TO}}}}}}}}}")
	if _, err := text.New(codec.Compact).Decode(msg); err != nil {
		t.Fatalf("the message is valid: %v", err)
	}
	tests := []struct {
		name   string
		limits codec.Limits
		input  []byte
		want   error
		col    int
	}{
		// The seventh brace opens SG's list.
		{"too deep", codec.Limits{MaxDepth: 6}, msg, codec.ErrTooDeep, strings.Index(string(msg), "SG{") + 3},
		{"too large", codec.Limits{MaxMessageSize: len(msg) - 1}, msg, codec.ErrTooLarge, 1},
		{"default size limit", codec.Limits{}, append(bytes.Repeat([]byte(" "), codec.DefaultMaxMessageSize), msg...), codec.ErrTooLarge, 1},
		// v3 lets regulated notification nest embedded events without end.
		{"default depth limit", codec.Limits{}, deepV3(10), codec.ErrTooDeep, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &text.Codec{Encoding: codec.Compact, Limits: tt.limits}
			_, err := c.Decode(tt.input)
			var de *codec.DecodeError
			if !errors.As(err, &de) || !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if de.Code != 400 || (tt.col > 0 && de.Column != tt.col) {
				t.Errorf("got code %d at column %d, want 400 at %d: %v", de.Code, de.Column, tt.col, de)
			}
		})
	}
}

// deepV3 nests n regulated notifications with embedded events, four
// braces each.
func deepV3(n int) []byte {
	var b strings.Builder
	b.WriteString("MEGACO/3 a T=1{C=1{MF=a/1{")
	for i := 0; i < n; i++ {
		b.WriteString("E=1{al/on{NBRN{EM{")
	}
	b.WriteString("E=1{al/on}")
	b.WriteString(strings.Repeat("}", 4*n+3))
	return []byte(b.String())
}

func TestDeepButLegal(t *testing.T) {
	// Seven levels are 31 braces: within the default limit.
	if _, err := text.New(codec.Compact).Decode(deepV3(7)); err != nil {
		t.Fatalf("a nesting within the limit fails: %v", err)
	}
}
