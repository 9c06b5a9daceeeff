package ber

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/megaco/megaco/pkg/h248"
)

// LevelForm is how TermIDMapping writes a level of a termination id in
// text.
type LevelForm uint8

const (
	// LevelBits writes a level as a string of binary digits, one per bit
	// of the level ("00000101"): Erlang/OTP megaco's form.
	LevelBits LevelForm = iota
	// LevelDecimal writes a level as a decimal number ("5").
	LevelDecimal
)

// TermIDWord names a value of the first level: with {Word: "tdm", Value:
// 1}, "tdm/1/5" is the termination 0x01 0x01 0x05.
type TermIDWord struct {
	Word  string
	Value uint64
	// Digits zero-pads the decimal levels after the word to this many
	// digits ("rtp/00017" with Digits 5); 0 pads nothing.
	Digits int
}

// TermIDMapping maps text termination ids to the binary TerminationID of
// RFC 3525 A.1 (up to 64 bits in levels, preceded by wildcard fields) and
// back. The zero value is Erlang/OTP megaco's default: three levels of 8
// bits written as bit strings ("00000001/00000001/00000101").
//
// Encoding reads each level of a name as a word of Words (first level
// only), as a bit string of exactly the level's width, or as a decimal
// number, whatever Form says; "*" and "$" wildcard a whole level, and in
// the bit-string form a level may end in a wildcard after some bits
// ("0001*"). "ROOT" is the id 0xFFFFFFFFFFFFFFFF and "*" and "$" alone
// wildcard everything. A name may give fewer levels than configured when
// the octet count tells them apart (levels of 8 bits: "aaln/1" is two
// octets); a trailing wildcard level stands for that level and all lower
// ones and yields a full-length id. Decoding writes each level in Form,
// the first level as a word when one matches.
//
// A name that does not fit (too many levels, a value wider than its
// level, an unknown word) has no binary form: encoding fails with
// ErrNoBinaryForm. An id that does not fit the levels fails decoding with
// H.248 error 430 (Unknown TerminationID).
type TermIDMapping struct {
	// Levels are the widths in bits of the levels, most significant
	// first, at most 64 bits in all. Empty means 8, 8, 8.
	Levels []int
	// Form is the text form of a level.
	Form LevelForm
	// Words name first-level values.
	Words []TermIDWord
}

var defaultLevels = []int{8, 8, 8}

func (m *TermIDMapping) levels() []int {
	if len(m.Levels) == 0 {
		return defaultLevels
	}
	return m.Levels
}

// checkLevels reports whether the levels are 1 to 64 bits wide and 64
// bits at most in all; Decode and Append check this much on every call.
func (m *TermIDMapping) checkLevels() error {
	total := 0
	for _, w := range m.levels() {
		if w < 1 || w > 64 {
			return fmt.Errorf("ber: termination id level width %d is not 1 to 64 bits", w)
		}
		total += w
	}
	if total > 64 {
		return fmt.Errorf("ber: termination id levels add up to %d bits, more than 64", total)
	}
	return nil
}

// Validate reports whether the mapping is usable: levels of 1 to 64 bits,
// 64 bits at most in all, words that are distinct, cannot be read as
// levels and fit the first level. New checks nothing; a word that does not
// fit fails the encoding of a name that uses it.
func (m *TermIDMapping) Validate() error {
	if err := m.checkLevels(); err != nil {
		return err
	}
	first := m.levels()[0]
	for i, w := range m.Words {
		if w.Word == "" || strings.ContainsAny(w.Word, "/*$") || isDigits(w.Word) || strings.EqualFold(w.Word, "ROOT") {
			return fmt.Errorf("ber: termination id word %q cannot be told from a level", w.Word)
		}
		if first < 64 && w.Value>>first != 0 {
			return fmt.Errorf("ber: termination id word %q: %d does not fit the first level of %d bits", w.Word, w.Value, first)
		}
		for _, v := range m.Words[:i] {
			if strings.EqualFold(v.Word, w.Word) || v.Value == w.Value {
				return fmt.Errorf("ber: termination id words %q and %q clash", v.Word, w.Word)
			}
		}
	}
	return nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// maxWildcards bounds the wildcard fields of one id (one per level).
const maxWildcards = 64

// binTermID is a binary TerminationID.
type binTermID struct {
	wild  [maxWildcards]byte
	nwild int
	id    [8]byte
	nid   int
}

var rootID = [8]byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}

// errTermID marks termination ids without a binary form.
var errTermID = errors.New("termination id")

// encode maps a text termination id to its binary form.
func (m *TermIDMapping) encode(t h248.TerminationID, out *binTermID) error {
	s := string(t)
	*out = binTermID{}
	if t.IsRoot() {
		out.id, out.nid = rootID, 8
		return nil
	}
	levels := m.levels()
	total := 0
	for _, w := range levels {
		total += w
	}
	n := strings.Count(s, "/") + 1
	if n > len(levels) {
		return fmt.Errorf("%w %q has %d levels, the mapping %d", errTermID, s, n, len(levels))
	}
	var bits [64]bool
	type wc struct {
		all, recursive bool
		bit            int // offset of the first wildcarded bit from the most significant bit
	}
	var wcs [64]wc
	nw := 0
	off := 0
	rest := s
	for i := 0; i < n; i++ {
		lv := rest
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			lv, rest = rest[:j], rest[j+1:]
		}
		w := levels[i]
		last := i == n-1
		// A wildcard: the whole level, or (bit strings) after some bits.
		if k := len(lv) - 1; k >= 0 && (lv[k] == '*' || lv[k] == '$') {
			prefix := lv[:k]
			if len(prefix) >= w || !allBits(prefix) {
				return fmt.Errorf("%w %q: level %q is not a wildcard the mapping can write", errTermID, s, lv)
			}
			for j := 0; j < len(prefix); j++ {
				bits[off+j] = prefix[j] == '1'
			}
			wcs[nw] = wc{all: lv[k] == '*', recursive: last && n < len(levels), bit: off + len(prefix)}
			nw++
			off += w
			continue
		}
		v, ok := uint64(0), false
		if i == 0 {
			for _, word := range m.Words {
				if strings.EqualFold(word.Word, lv) {
					if w < 64 && word.Value>>w != 0 {
						return fmt.Errorf("%w %q: word %q is %d, wider than the first level of %d bits", errTermID, s, lv, word.Value, w)
					}
					v, ok = word.Value, true
					break
				}
			}
		}
		switch {
		case ok:
		case len(lv) == w && allBits(lv):
			for j := 0; j < w; j++ {
				v = v<<1 | uint64(lv[j]-'0')
			}
			ok = true
		case isDigits(lv) && len(lv) <= 20:
			u, err := strconv.ParseUint(lv, 10, 64)
			ok = err == nil && (w == 64 || u>>w == 0)
			v = u
		}
		if !ok {
			return fmt.Errorf("%w %q: level %q is not a word, a string of %d bits or a number below 2^%d", errTermID, s, lv, w, w)
		}
		for j := 0; j < w; j++ {
			bits[off+j] = v>>(w-1-j)&1 == 1
		}
		off += w
	}
	// The id covers all levels when a trailing wildcard stands for the
	// lower levels, else the levels given, if their octet count tells them
	// from every longer name.
	used := off
	if nw > 0 && wcs[nw-1].recursive {
		used = total
	}
	if used < total {
		nid := (used + 7) / 8
		sum := 0
		for i, w := range levels {
			sum += w
			if i >= n && (sum+7)/8 == nid {
				return fmt.Errorf("%w %q: %d levels are not told apart from %d in %d octets", errTermID, s, n, i+1, nid)
			}
		}
	}
	out.nid = (used + 7) / 8
	for j := 0; j < used; j++ {
		if bits[j] {
			out.id[j/8] |= 0x80 >> (j % 8)
		}
	}
	for i := 0; i < nw; i++ {
		w := wcs[i]
		pos := out.nid*8 - 1 - w.bit
		f := byte(pos)
		if w.all {
			f |= 0x80
		}
		if w.recursive {
			f |= 0x40
		}
		out.wild[i] = f
	}
	out.nwild = nw
	return nil
}

func allBits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' && s[i] != '1' {
			return false
		}
	}
	return true
}

// decode maps a binary TerminationID to its text form. It reports a
// problem as a message and the index of the offending wildcard field (-1
// for the id).
func (m *TermIDMapping) decode(wild []byte, id []byte) (string, int, string) {
	b, bad, msg := m.appendName(nil, wild, id)
	return string(b), bad, msg
}

// appendName appends the text form of a binary TerminationID to dst.
func (m *TermIDMapping) appendName(dst []byte, wild []byte, id []byte) ([]byte, int, string) {
	if len(wild) == 0 && len(id) == 8 && [8]byte(id) == rootID {
		return append(dst, h248.Root...), 0, ""
	}
	levels := m.levels()
	if len(id) == 0 || len(id) > 8 {
		return dst, -1, fmt.Sprintf("a termination id has 1 to 8 octets, not %d", len(id))
	}
	// The number of levels present: the most whose bits fill len(id) octets.
	n, sum, end := 0, 0, 0
	for i, w := range levels {
		sum += w
		if (sum+7)/8 == len(id) {
			n, end = i+1, sum
		}
	}
	if n == 0 {
		return dst, -1, fmt.Sprintf("a termination id of %d octets does not fit levels of %v bits", len(id), levels)
	}
	// The id as a number, its first bit the most significant.
	var x uint64
	for i, c := range id {
		x |= uint64(c) << (56 - 8*i)
	}
	// Each level's wildcard: kind (0 none, '*', '$') and the first
	// wildcarded bit within the level.
	var kind, at [64]byte
	cut := n // levels after a recursive wildcard are left out
	for i, f := range wild {
		bit := len(id)*8 - 1 - int(f&0x3F)
		if bit < 0 || bit >= end {
			return dst, i, fmt.Sprintf("wildcard field 0x%02x points outside the id", f)
		}
		lv, start := 0, 0
		for start+levels[lv] <= bit {
			start += levels[lv]
			lv++
		}
		if kind[lv] != 0 {
			continue // a second wildcard on one level adds nothing
		}
		kind[lv], at[lv] = '$', byte(bit-start)
		if f&0x80 != 0 {
			kind[lv] = '*'
		}
		if f&0x40 != 0 && lv+1 < cut {
			cut = lv + 1
		}
	}
	off, pad := 0, 0
	for i := 0; i < cut; i++ {
		w := levels[i]
		if i > 0 {
			dst = append(dst, '/')
		}
		v := x << off >> (64 - w)
		off += w
		if len(wild) > 0 && kind[i] != 0 {
			for j := 0; j < int(at[i]); j++ {
				dst = append(dst, '0'+byte(v>>(w-1-j)&1))
			}
			dst = append(dst, kind[i])
			continue
		}
		if i == 0 && len(m.Words) > 0 {
			word := false
			for _, wd := range m.Words {
				if wd.Value == v {
					dst = append(dst, wd.Word...)
					pad, word = wd.Digits, true
					break
				}
			}
			if word {
				continue
			}
		}
		if m.Form == LevelDecimal {
			if pad > 0 {
				var num [20]byte
				d := strconv.AppendUint(num[:0], v, 10)
				for k := len(d); k < pad; k++ {
					dst = append(dst, '0')
				}
				dst = append(dst, d...)
			} else {
				dst = strconv.AppendUint(dst, v, 10)
			}
			continue
		}
		if w == 8 {
			dst = append(dst, octetBits[8*v:8*v+8]...)
			continue
		}
		for j := 0; j < w; j++ {
			dst = append(dst, '0'+byte(v>>(w-1-j)&1))
		}
	}
	return dst, 0, ""
}

// octetBits holds the bit strings of the octets 0 to 255, 8 characters
// each.
var octetBits = func() string {
	b := make([]byte, 0, 256*8)
	for v := 0; v < 256; v++ {
		for j := 7; j >= 0; j-- {
			b = append(b, '0'+byte(v>>j&1))
		}
	}
	return string(b)
}()
