package grammar

//go:generate go run gen_tokens.go

// Keyword is a text token of H.248.1 (AddToken, MediaToken, ...). Keywords
// are case-insensitive and have a long and, mostly, a short form.
type Keyword uint8

// KeywordInfo describes a keyword.
type KeywordInfo struct {
	Name   string // the ABNF rule name, e.g. "AddToken"
	Long   string // e.g. "Add"
	Short  string // e.g. "A"; "" when the token has no short form
	V3Only bool   // absent from the v1 ABNF
}

// Info returns the keyword's description.
func (k Keyword) Info() KeywordInfo { return keywords[k] }

// Long returns the long form, e.g. "Add".
func (k Keyword) Long() string { return keywords[k].Long }

// Short returns the short form, or the long form when there is none.
func (k Keyword) Short() string {
	if s := keywords[k].Short; s != "" {
		return s
	}
	return keywords[k].Long
}

func (k Keyword) String() string { return keywords[k].Name }

// Keywords returns every keyword.
func Keywords() []Keyword {
	ks := make([]Keyword, 0, numKeywords-1)
	for k := Keyword(1); k < numKeywords; k++ {
		ks = append(ks, k)
	}
	return ks
}

// maxKeywordLen bounds the keyword forms ("TransactionResponseAck" is the longest).
const maxKeywordLen = 24

// keywordForm is one spelling of a keyword, lower case.
type keywordForm struct {
	form string
	k    Keyword
}

// keywordBuckets holds the forms by formHash; lookups compare the few
// forms of one bucket instead of hashing the whole token.
var keywordBuckets = func() (t [256][]keywordForm) {
	for k := Keyword(1); k < numKeywords; k++ {
		for _, f := range []string{keywords[k].Long, keywords[k].Short} {
			if f != "" {
				f = lower(f)
				h := formHash(f)
				t[h] = append(t[h], keywordForm{f, k})
			}
		}
	}
	return t
}()

// formHash mixes the length and the first and last bytes, lower-cased.
func formHash[T []byte | string](b T) uint8 {
	return uint8(len(b)*41 + int(lowerASCII(b[0]))*7 + int(lowerASCII(b[len(b)-1])))
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// LookupKeyword returns the keyword spelled b (long or short form, any
// case), or NoKeyword.
func LookupKeyword(b []byte) Keyword {
	if len(b) == 0 || len(b) > maxKeywordLen {
		return NoKeyword
	}
	for _, f := range keywordBuckets[formHash(b)] {
		if equalFold(b, f.form) {
			return f.k
		}
	}
	return NoKeyword
}

// Is reports whether b spells k.
func (k Keyword) Is(b []byte) bool {
	return equalFold(b, keywords[k].Long) || (keywords[k].Short != "" && equalFold(b, keywords[k].Short))
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// equalFold compares ASCII case-insensitively without allocating.
func equalFold[T []byte | string](b T, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
