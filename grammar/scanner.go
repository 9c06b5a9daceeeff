package grammar

import "fmt"

// TokenKind classifies the tokens of the text encoding.
type TokenKind uint8

const (
	EOF TokenKind = iota
	// Safe is a run of SafeChar (and octets 0x80-0xFF): keywords, names,
	// numbers, pathNAMEs, pkgdNames and unquoted values, which the parser
	// tells apart by position ("10/1/END", "O-W-Add", "al/of" are single
	// Safe tokens).
	Safe
	// Quoted is a quotedString; Pos and End include the quotes.
	Quoted
	// OctetString is the raw body of a Local or Remote descriptor, from
	// after "{" to the unescaped "}" ("\}" escapes kept).
	OctetString
	// DigitMapBody is the raw body of a digit map value, from after "{" to
	// "}": timers and the digit map.
	DigitMapBody
	LBrace   // {
	RBrace   // }
	LBracket // [
	RBracket // ]
	Comma    // ,
	Equal    // =
	Colon    // :
	Less     // <
	Greater  // >
	Hash     // #
	// Error is a lexical error; Scanner.Err says which.
	Error
)

var tokenKindNames = [...]string{"EOF", "Safe", "Quoted", "OctetString", "DigitMapBody",
	"{", "}", "[", "]", ",", "=", ":", "<", ">", "#", "Error"}

func (k TokenKind) String() string {
	if int(k) < len(tokenKindNames) {
		return tokenKindNames[k]
	}
	return fmt.Sprintf("TokenKind(%d)", k)
}

// Token is one token: its kind and byte offsets [Pos, End) in the input.
type Token struct {
	Kind TokenKind
	Pos  int
	End  int
}

// ScanError is a lexical error at a byte offset.
type ScanError struct {
	Offset int
	Msg    string
	// Limit is set when a configured limit (nesting depth), not the
	// syntax, was exceeded.
	Limit bool
}

func (e *ScanError) Error() string { return e.Msg }

// DefaultMaxDepth bounds brace nesting. The deepest legal message nests
// about fifteen levels (an embedded signal in an embedded event).
const DefaultMaxDepth = 32

// Scanner splits a text message into tokens. It skips white space, line
// ends and comments, and reads three regions raw: quoted strings, the SDP
// of Local and Remote descriptors and digit-map values. Both the participle
// grammar and the fast decoder in codec/text read tokens with it.
type Scanner struct {
	src      []byte
	off      int
	depth    int
	maxDepth int
	// pending holds the octet-string or digit-map token (and the closing
	// brace) found when an opening brace starts a raw region.
	pending    [2]Token
	npending   int
	prev       [3]Token // the last tokens returned, most recent first
	err        *ScanError
	afterError bool
}

// NewScanner returns a scanner over src. maxDepth <= 0 means DefaultMaxDepth.
func NewScanner(src []byte, maxDepth int) *Scanner {
	s := &Scanner{}
	s.Reset(src, maxDepth)
	return s
}

// Reset makes s scan src from the start.
func (s *Scanner) Reset(src []byte, maxDepth int) {
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	*s = Scanner{src: src, maxDepth: maxDepth}
}

// Src returns the input.
func (s *Scanner) Src() []byte { return s.src }

// Text returns the bytes of t.
func (s *Scanner) Text(t Token) []byte { return s.src[t.Pos:t.End] }

// Err returns the error that produced the last Error token.
func (s *Scanner) Err() *ScanError { return s.err }

// Depth returns how many braces are open after the last token returned.
func (s *Scanner) Depth() int { return s.depth }

// Offset returns the offset just after the last token returned.
func (s *Scanner) Offset() int { return s.off }

// Next returns the next token. After an Error or EOF token it keeps
// returning that token.
func (s *Scanner) Next() Token {
	t := s.next()
	s.prev[2], s.prev[1], s.prev[0] = s.prev[1], s.prev[0], t
	return t
}

// PeekKind returns the kind of the token Next would return, without
// consuming it. It is cheap: it skips white space and comments and looks
// at one byte.
func (s *Scanner) PeekKind() TokenKind {
	if s.err != nil {
		return Error
	}
	if s.npending > 0 {
		return s.pending[0].Kind
	}
	i := s.skipSpace(s.off)
	if i >= len(s.src) {
		return EOF
	}
	c := s.src[i]
	if safeChar[c] {
		return Safe
	}
	if k := punct[c]; k != 0 {
		return k
	}
	if c == '"' {
		return Quoted
	}
	return Error
}

// punct maps the one-byte tokens to their kinds.
var punct = [256]TokenKind{'{': LBrace, '}': RBrace, '[': LBracket, ']': RBracket, ',': Comma,
	'=': Equal, ':': Colon, '<': Less, '>': Greater, '#': Hash}

// space marks white space and line ends.
var space = [256]bool{' ': true, '\t': true, '\r': true, '\n': true}

// skipSpace returns the offset of the first byte at or after i that is
// neither white space, a line end nor in a comment.
func (s *Scanner) skipSpace(i int) int {
	src := s.src
	for i < len(src) {
		c := src[i]
		if space[c] {
			i++
			continue
		}
		if c != ';' {
			break
		}
		for i < len(src) && src[i] != '\r' && src[i] != '\n' {
			i++
		}
	}
	return i
}

// safeChar marks the bytes of SafeChar, plus 0x80-0xFF (v3 VALUE).
var safeChar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "+-&!_/'?@^`~*$\\()%|." {
		t[c] = true
	}
	for c := 0x80; c <= 0xFF; c++ {
		t[c] = true
	}
	return t
}()

// IsSafeChar reports whether c may appear in a Safe token.
func IsSafeChar(c byte) bool { return safeChar[c] }

func (s *Scanner) next() Token {
	if s.err != nil {
		return Token{Kind: Error, Pos: s.err.Offset, End: s.err.Offset}
	}
	if s.npending > 0 {
		t := s.pending[0]
		s.pending[0] = s.pending[1]
		s.npending--
		s.off = t.End
		return t
	}
	src := s.src
	i := s.skipSpace(s.off)
	if i >= len(src) {
		s.off = i
		return Token{Kind: EOF, Pos: i, End: i}
	}
	start := i
	c := src[i]
	if safeChar[c] {
		for i < len(src) && safeChar[src[i]] {
			i++
		}
		s.off = i
		return Token{Kind: Safe, Pos: start, End: i}
	}
	switch k := punct[c]; k {
	case 0:
		if c == '"' {
			return s.quoted(start)
		}
		return s.fail(start, fmt.Sprintf("unexpected character %s", quoteByte(c)), false)
	case LBrace:
		s.depth++
		if s.depth > s.maxDepth {
			return s.fail(start, fmt.Sprintf("nesting deeper than %d", s.maxDepth), true)
		}
		s.off = start + 1
		if s.opensOctetString() {
			return s.raw(start, OctetString, true)
		}
		if s.opensDigitMap() {
			return s.raw(start, DigitMapBody, false)
		}
		return Token{Kind: LBrace, Pos: start, End: start + 1}
	case RBrace:
		if s.depth > 0 {
			s.depth--
		}
		s.off = start + 1
		return Token{Kind: k, Pos: start, End: start + 1}
	default:
		s.off = start + 1
		return Token{Kind: k, Pos: start, End: start + 1}
	}
}

func (s *Scanner) fail(off int, msg string, limit bool) Token {
	s.err = &ScanError{Offset: off, Msg: msg, Limit: limit}
	s.off = off
	return Token{Kind: Error, Pos: off, End: off}
}

// quoted reads a quotedString: SafeChar, RestChar, white space, line ends
// (v3) and octets 0x80-0xFF (v3) up to the closing quote.
func (s *Scanner) quoted(start int) Token {
	src := s.src
	for i := start + 1; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '"':
			s.off = i + 1
			return Token{Kind: Quoted, Pos: start, End: i + 1}
		case c < 0x20 && c != '\t' && c != '\r' && c != '\n', c == 0x7F:
			return s.fail(i, fmt.Sprintf("character %s in quoted string", quoteByte(c)), false)
		}
	}
	return s.fail(start, "unterminated quoted string", false)
}

// raw reads a raw region after the "{" at start and queues the region's
// token and the closing "}". For an octet string, "\}" does not close it.
func (s *Scanner) raw(start int, kind TokenKind, escapes bool) Token {
	src := s.src
	for i := start + 1; i < len(src); i++ {
		switch c := src[i]; {
		case c == '}':
			if escapes && src[i-1] == '\\' && i-1 > start {
				continue
			}
			s.pending[0] = Token{Kind: kind, Pos: start + 1, End: i}
			s.pending[1] = Token{Kind: RBrace, Pos: i, End: i + 1}
			s.npending = 2
			s.depth--
			return Token{Kind: LBrace, Pos: start, End: start + 1}
		case c == 0:
			return s.fail(i, "NUL octet in "+regionName(kind), false)
		}
	}
	return s.fail(start, "unterminated "+regionName(kind), false)
}

func regionName(k TokenKind) string {
	if k == OctetString {
		return "octet string"
	}
	return "digit map"
}

// opensOctetString reports whether the "{" being read follows a Local or
// Remote token that itself follows "{" or ",": the start of SDP. ("R {"
// after "=" is a termination named R.)
func (s *Scanner) opensOctetString() bool {
	p := s.prev[0]
	if p.Kind != Safe || (s.prev[1].Kind != LBrace && s.prev[1].Kind != Comma) {
		return false
	}
	b := s.src[p.Pos:p.End]
	return LocalToken.Is(b) || RemoteToken.Is(b)
}

// opensDigitMap reports whether the "{" being read starts a digit-map
// value: "DigitMap = {", "DigitMap = name {" or, as Erlang/OTP megaco
// writes it, "DigitMap {".
func (s *Scanner) opensDigitMap() bool {
	p := s.prev
	if p[0].Kind == Safe && DigitMapToken.Is(s.src[p[0].Pos:p[0].End]) {
		return true
	}
	if p[0].Kind == Equal {
		return p[1].Kind == Safe && DigitMapToken.Is(s.src[p[1].Pos:p[1].End])
	}
	return p[0].Kind == Safe && p[1].Kind == Equal && p[2].Kind == Safe && DigitMapToken.Is(s.src[p[2].Pos:p[2].End])
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7F {
		return fmt.Sprintf("%q", rune(c))
	}
	return fmt.Sprintf("0x%02X", c)
}

// Position converts a byte offset into a 1-based line and column (in
// bytes). CR, LF and CRLF each end a line.
func Position(src []byte, off int) (line, col int) {
	if off > len(src) {
		off = len(src)
	}
	line, lineStart := 1, 0
	for i := 0; i < off; i++ {
		switch src[i] {
		case '\n':
			line++
			lineStart = i + 1
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				continue
			}
			line++
			lineStart = i + 1
		}
	}
	return line, off - lineStart + 1
}
