package grammar

import (
	"fmt"

	"github.com/megaco/megaco/pkg/h248"
)

// DigitMapError is an error inside a digit-map value, at Offset bytes from
// the start of the body.
type DigitMapError struct {
	Offset int
	Msg    string
}

func (e *DigitMapError) Error() string { return e.Msg }

// ParseDigitMapValue parses the body of a digit-map value (the text
// between the braces): the T, S, L and (version 2 and later) Z timers and
// the digit map, which is kept as written, without the white space around
// it. Version 3 allows T as a digit-map letter.
func ParseDigitMapValue(body string, version int) (h248.DigitMapValue, error) {
	p := dmParser{s: body, version: version}
	return p.value()
}

type dmParser struct {
	s       string
	i       int
	version int
}

func (p *dmParser) fail(format string, args ...any) error {
	return &DigitMapError{Offset: p.i, Msg: fmt.Sprintf(format, args...)}
}

// lwsp skips white space, line ends and comments.
func (p *dmParser) lwsp() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		case ';':
			for p.i < len(p.s) && p.s[p.i] != '\r' && p.s[p.i] != '\n' {
				p.i++
			}
		default:
			return
		}
	}
}

func (p *dmParser) value() (h248.DigitMapValue, error) {
	var v h248.DigitMapValue
	timers := [...]struct {
		letter  byte
		field   *h248.Opt[uint8]
		version int
	}{{'t', &v.StartTimer, 1}, {'s', &v.ShortTimer, 1}, {'l', &v.LongTimer, 1}, {'z', &v.DurationTimer, 2}}
	p.lwsp()
	for _, t := range timers {
		if p.i+1 >= len(p.s) || lowerByte(p.s[p.i]) != t.letter || p.s[p.i+1] != ':' {
			continue
		}
		if p.version < t.version {
			return v, p.fail("the Z timer needs version 2 or later")
		}
		p.i += 2
		start := p.i
		for p.i < len(p.s) && isDigit(p.s[p.i]) {
			p.i++
		}
		n, ok := ParseUint(p.s[start:p.i], 2, 99)
		if !ok {
			p.i = start
			return v, p.fail("a digit-map timer must be 1 or 2 digits")
		}
		*t.field = h248.Some(uint8(n))
		p.lwsp()
		if p.i >= len(p.s) || p.s[p.i] != ',' {
			return v, p.fail(`expected "," after a digit-map timer`)
		}
		p.i++
		p.lwsp()
	}
	start := p.i
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		p.lwsp()
		if err := p.digitString(); err != nil {
			return v, err
		}
		for {
			p.lwsp()
			if p.i < len(p.s) && p.s[p.i] == '|' {
				p.i++
				p.lwsp()
				if err := p.digitString(); err != nil {
					return v, err
				}
				continue
			}
			break
		}
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return v, p.fail(`expected "|" or ")" in the digit map`)
		}
		p.i++
	} else if err := p.digitString(); err != nil {
		return v, err
	}
	end := p.i
	p.lwsp()
	if p.i < len(p.s) {
		return v, p.fail("unexpected %q after the digit map", p.s[p.i])
	}
	v.Body = p.s[start:end]
	return v, nil
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// isDigitMapLetter: DIGIT, a-k, L, S, Z and (v3) T, any case.
func (p *dmParser) isDigitMapLetter(c byte) bool {
	c = lowerByte(c)
	return isDigit(c) || 'a' <= c && c <= 'k' || c == 'l' || c == 's' || c == 'z' || c == 't' && p.version >= 3
}

// digitString reads 1*(digitPosition [DOT]).
func (p *dmParser) digitString() error {
	n := 0
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case lowerByte(c) == 'x' || p.isDigitMapLetter(c):
			p.i++
		case c == '[' || (c == ' ' || c == '\t') && p.rangeAhead():
			if err := p.digitRange(); err != nil {
				return err
			}
		default:
			if n == 0 {
				return p.fail("expected a digit-map element")
			}
			return nil
		}
		n++
		if p.i < len(p.s) && p.s[p.i] == '.' {
			p.i++
		}
	}
	if n == 0 {
		return p.fail("expected a digit-map element")
	}
	return nil
}

// rangeAhead reports whether white space before "[" belongs to a
// digitMapRange (LWSP "[" LWSP digitLetter LWSP "]" LWSP).
func (p *dmParser) rangeAhead() bool {
	j := p.i
	for j < len(p.s) && (p.s[j] == ' ' || p.s[j] == '\t') {
		j++
	}
	return j < len(p.s) && p.s[j] == '['
}

// digitRange reads LWSP "[" LWSP digitLetter LWSP "]" LWSP.
func (p *dmParser) digitRange() error {
	p.lwsp()
	p.i++ // "["
	p.lwsp()
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case isDigit(c) && p.i+2 < len(p.s) && p.s[p.i+1] == '-' && isDigit(p.s[p.i+2]):
			p.i += 3
		case p.isDigitMapLetter(c):
			p.i++
		default:
			goto end
		}
	}
end:
	p.lwsp()
	if p.i >= len(p.s) || p.s[p.i] != ']' {
		return p.fail(`expected "]" in a digit-map range`)
	}
	p.i++
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') && !p.afterRangeEnds() {
		p.i++
	}
	return nil
}

// afterRangeEnds keeps the white space after "]" out of the digit string
// when nothing of it follows (the LWSP then belongs to the enclosing rule).
func (p *dmParser) afterRangeEnds() bool {
	j := p.i
	for j < len(p.s) && (p.s[j] == ' ' || p.s[j] == '\t') {
		j++
	}
	if j >= len(p.s) {
		return true
	}
	c := p.s[j]
	return !(c == '[' || c == '.' || lowerByte(c) == 'x' || p.isDigitMapLetter(c))
}
