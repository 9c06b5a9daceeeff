package ber

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ParseTermIDMapping reads a mapping in the one-line form that flags and
// configuration files use: comma-separated items, each "bits" or
// "decimal" (the Form), the level widths joined by "/" ("8/8/8"), or a
// word "name=value" with optional zero-padding digits "name=value:digits".
// "decimal,tdm=1,rtp=2:5,aaln=3" names tdm/1/5 and rtp/00017; "" is
// Erlang's default. The result is validated.
func ParseTermIDMapping(s string) (TermIDMapping, error) {
	var m TermIDMapping
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		switch {
		case item == "":
		case item == "bits":
			m.Form = LevelBits
		case item == "decimal":
			m.Form = LevelDecimal
		case strings.Contains(item, "="):
			word, val, _ := strings.Cut(item, "=")
			val, digits, padded := strings.Cut(val, ":")
			w := TermIDWord{Word: word}
			var err error
			if w.Value, err = strconv.ParseUint(val, 0, 64); err != nil {
				return TermIDMapping{}, fmt.Errorf("ber: termination id word %q: value %q is not a number", word, val)
			}
			if padded {
				if w.Digits, err = strconv.Atoi(digits); err != nil || w.Digits < 0 {
					return TermIDMapping{}, fmt.Errorf("ber: termination id word %q: digits %q is not a number", word, digits)
				}
			}
			m.Words = append(m.Words, w)
		default:
			m.Levels = nil
			for _, l := range strings.Split(item, "/") {
				n, err := strconv.Atoi(l)
				if err != nil {
					return TermIDMapping{}, fmt.Errorf("ber: %q is not bits, decimal, level widths such as 8/8/8, or word=value", item)
				}
				m.Levels = append(m.Levels, n)
			}
		}
	}
	if slices.Equal(m.Levels, defaultLevels) {
		m.Levels = nil // the zero value's, so that equal mappings compare equal
	}
	return m, m.Validate()
}

// String writes the mapping in the form ParseTermIDMapping reads.
func (m TermIDMapping) String() string {
	items := []string{"bits"}
	if m.Form == LevelDecimal {
		items[0] = "decimal"
	}
	var levels []string
	for _, l := range m.levels() {
		levels = append(levels, strconv.Itoa(l))
	}
	items = append(items, strings.Join(levels, "/"))
	for _, w := range m.Words {
		s := w.Word + "=" + strconv.FormatUint(w.Value, 10)
		if w.Digits > 0 {
			s += ":" + strconv.Itoa(w.Digits)
		}
		items = append(items, s)
	}
	return strings.Join(items, ",")
}

// MarshalText writes the mapping in the form ParseTermIDMapping reads.
func (m TermIDMapping) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads a mapping with ParseTermIDMapping.
func (m *TermIDMapping) UnmarshalText(b []byte) error {
	v, err := ParseTermIDMapping(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
