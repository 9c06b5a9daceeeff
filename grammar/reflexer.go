package grammar

import (
	"regexp"
	"sort"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// RefLexer is the readable definition of the tokens of the text encoding:
// a participle stateful lexer of regular expressions. Scanner is the one
// both parsers use; a conformance test (lexer_test.go) runs both over the
// corpus and compares the tokens one by one.
//
// The tokens: white space, line ends and ";" comments separate tokens and
// are dropped; a Safe token is a run of SafeChar (and octets 0x80-0xFF); a
// Quoted token is a quotedString with its quotes; "{ } [ ] , = : < > #"
// are one-character tokens. Two regions are read raw, up to the closing
// "}": the octet string (SDP) of a Local or Remote descriptor and the body
// of a digit-map value. The scanner opens them by looking at the tokens
// before the "{"; here states do that:
//
//	Root      the default state
//	Item      after "{" or ",", where a descriptor or parameter starts
//	LROpen    after Local or Remote (in Item): its "{" opens Octet
//	Octet     the octet string: "}" ends it unless escaped as "\}"
//	DMOpen    after DigitMap (in Item): "{" opens DMBody, "=" leads to DMValue
//	DMValue   after "DigitMap =": "{" opens DMBody, a name leads to DMName
//	DMName    after "DigitMap = name": "{" opens DMBody
//	DMBody    the digit-map body, up to "}"
//
// A state that does not see what it waits for returns to the state below
// it (Return), which reads the token.
//
// RE2 has no lookahead, so a pattern cannot take a whole Safe token only
// when it spells Local ("L" would match the start of "LocalControl"). In
// Item, a Safe token is therefore taken by the first of: ItemWord, a token
// that is no prefix of Local, Remote, DigitMap or their short forms;
// LocalRemote and DigitMapKeyword, the long forms (and "DM"); ItemPrefix, a
// token that is a proper prefix of them ("Lo", "Digit"); LocalRemoteShort,
// "L" and "R". All five are Safe tokens (RefTokenKinds).
//
// Where this lexer and Scanner differ (the conformance test allows exactly
// these):
//
//   - A raw region that the input ends in ("Local {" and no "}"): the
//     scanner reports it as unterminated at its "{"; a stateful lexer
//     cannot match the end of the input inside a state, so this one returns
//     the "{", the rest of the input as the region and EOF.
//   - A NUL octet in a raw region: the scanner reports the NUL and returns
//     no token of the region, this lexer returns the "{" and the region up
//     to the NUL, then fails at the NUL.
//   - A control character in a quoted string: the scanner reports the
//     character, this lexer the opening quote (no rule matches there).
//   - Nesting deeper than the limit: the scanner fails at the "{" too many;
//     the limit is not part of the tokens, this lexer has none.
//   - Only in input that is invalid anyway: DigitMap opens a digit-map body
//     here only after "{" or ","; and after Local, Remote or DigitMap not
//     followed by what opens their region, this lexer is back in Item and
//     reads the next token as the start of an item (so "{ L L {" opens an
//     octet string here, not in the scanner, which needs "{" or "," just
//     before the Local token).
var RefLexer = lexer.MustStateful(refRules())

// RefTokenKinds maps the token types of RefLexer to the TokenKinds of
// Scanner.
var RefTokenKinds = map[string]TokenKind{
	"EOF": EOF, "Safe": Safe, "Quoted": Quoted, "OctetString": OctetString, "DigitMapBody": DigitMapBody,
	"LBrace": LBrace, "RBrace": RBrace, "LBracket": LBracket, "RBracket": RBracket, "Comma": Comma,
	"Equal": Equal, "Colon": Colon, "Less": Less, "Greater": Greater, "Hash": Hash,
	"ItemWord": Safe, "ItemPrefix": Safe, "LocalRemote": Safe, "LocalRemoteShort": Safe, "DigitMapKeyword": Safe,
}

// safeChars are the SafeChars other than letters and digits.
const safeChars = "+-&!_/'?@^`~*$\\()%|."

// safeClass is the inside of a character class of SafeChar, letters
// except those in skip, plus every non-ASCII character (an octet
// 0x80-0xFF that is not UTF-8 is U+FFFD to the regexp package).
func safeClass(skip string) string {
	var b strings.Builder
	b.WriteString("0-9")
	for c := 'a'; c <= 'z'; c++ {
		if !strings.ContainsRune(skip, c) {
			b.WriteRune(c)
			b.WriteRune(c - 'a' + 'A')
		}
	}
	for _, c := range safeChars {
		b.WriteString(`\` + string(c))
	}
	b.WriteString(`\x{80}-\x{10FFFF}`)
	return b.String()
}

func refRules() lexer.Rules {
	space := lexer.Rule{Name: "whitespace", Pattern: `[ \t\r\n]+`}
	comment := lexer.Rule{Name: "comment", Pattern: `;[^\r\n]*`}
	safe := `[` + safeClass("") + `]+`
	lr := []string{LocalToken.Long(), RemoteToken.Long()}
	lrShort := []string{LocalToken.Short(), RemoteToken.Short()}
	dm := []string{DigitMapToken.Long(), DigitMapToken.Short()}
	word, prefixes := itemTokens(append(append(append([]string{}, lr...), lrShort...), dm...))
	return lexer.Rules{
		"Root": {
			space, comment,
			{Name: "Quoted", Pattern: `"[^"\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*"`},
			{Name: "LBrace", Pattern: `\{`, Action: lexer.Push("Item")},
			{Name: "Comma", Pattern: `,`, Action: lexer.Push("Item")},
			{Name: "RBrace", Pattern: `\}`},
			{Name: "LBracket", Pattern: `\[`},
			{Name: "RBracket", Pattern: `\]`},
			{Name: "Equal", Pattern: `=`},
			{Name: "Colon", Pattern: `:`},
			{Name: "Less", Pattern: `<`},
			{Name: "Greater", Pattern: `>`},
			{Name: "Hash", Pattern: `#`},
			{Name: "Safe", Pattern: safe},
		},
		"Item": {
			space, comment,
			{Name: "RBrace", Pattern: `\}`, Action: lexer.Pop()},
			{Name: "ItemWord", Pattern: word, Action: lexer.Pop()},
			{Name: "LocalRemote", Pattern: words(lr), Action: lexer.Push("LROpen")},
			{Name: "DigitMapKeyword", Pattern: words(dm), Action: lexer.Push("DMOpen")},
			{Name: "ItemPrefix", Pattern: words(prefixes), Action: lexer.Pop()},
			{Name: "LocalRemoteShort", Pattern: words(lrShort), Action: lexer.Push("LROpen")},
			lexer.Return(),
		},
		"LROpen": {
			space, comment,
			{Name: "LBrace", Pattern: `\{`, Action: lexer.Push("Octet")},
			lexer.Return(),
		},
		"Octet": {
			// any octet but NUL; "}" only escaped, after a backslash
			{Name: "OctetString", Pattern: `(?:[^\\}\x00]|\\+[^\\\x00]?)+`, Action: lexer.Pop()},
			lexer.Return(),
		},
		"DMOpen": {
			space, comment,
			{Name: "LBrace", Pattern: `\{`, Action: lexer.Push("DMBody")},
			{Name: "Equal", Pattern: `=`, Action: lexer.Push("DMValue")},
			lexer.Return(),
		},
		"DMValue": {
			space, comment,
			{Name: "LBrace", Pattern: `\{`, Action: lexer.Push("DMBody")},
			{Name: "Safe", Pattern: safe, Action: lexer.Push("DMName")},
			lexer.Return(),
		},
		"DMName": {
			space, comment,
			{Name: "LBrace", Pattern: `\{`, Action: lexer.Push("DMBody")},
			lexer.Return(),
		},
		"DMBody": {
			{Name: "DigitMapBody", Pattern: `[^}\x00]+`, Action: lexer.Pop()},
			lexer.Return(),
		},
	}
}

// words returns a case-insensitive pattern of the words, longest first so
// that the alternation takes the whole token.
func words(ws []string) string {
	ws = append([]string{}, ws...)
	sort.SliceStable(ws, func(i, j int) bool { return len(ws[i]) > len(ws[j]) })
	for i, w := range ws {
		ws[i] = regexp.QuoteMeta(strings.ToLower(w))
	}
	return `(?i:` + strings.Join(ws, "|") + `)`
}

// itemTokens returns, for the keyword forms kws, the pattern of a Safe
// token that is no prefix of any of them (it leaves their prefix tree:
// after some prefix p of a form comes a character that continues none)
// and the proper prefixes of the forms that are not forms themselves.
func itemTokens(kws []string) (word string, prefixes []string) {
	forms := map[string]bool{}
	nodes := map[string]bool{"": true}
	for _, k := range kws {
		k = strings.ToLower(k)
		forms[k] = true
		for i := 1; i <= len(k); i++ {
			nodes[k[:i]] = true
		}
	}
	var sorted []string
	for n := range nodes {
		sorted = append(sorted, n)
		if n != "" && !forms[n] {
			prefixes = append(prefixes, n)
		}
	}
	sort.Strings(sorted)
	sort.Strings(prefixes)
	var alts []string
	for _, n := range sorted {
		var next strings.Builder
		for c := 'a'; c <= 'z'; c++ {
			if nodes[n+string(c)] {
				next.WriteRune(c)
			}
		}
		alts = append(alts, regexp.QuoteMeta(n)+`[`+safeClass(next.String())+`]`)
	}
	return `(?i:` + strings.Join(alts, "|") + `)[` + safeClass("") + `]*`, prefixes
}
