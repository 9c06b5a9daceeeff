package grammar

import (
	"fmt"
	"io"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The participle token types of the text encoding, one per TokenKind: the
// lexer below hands the grammar exactly the tokens Scanner gives the fast
// decoder. An empty raw region (Local{}, DigitMap{}) yields no token: the
// grammar has its OctetString and DigitMapBody optional, as the regex
// lexer of reflexer.go cannot produce an empty token.
var tokenSymbols = map[string]lexer.TokenType{
	"EOF":          lexer.EOF,
	"Safe":         TokenType(Safe),
	"Quoted":       TokenType(Quoted),
	"OctetString":  TokenType(OctetString),
	"DigitMapBody": TokenType(DigitMapBody),
	"LBrace":       TokenType(LBrace),
	"RBrace":       TokenType(RBrace),
	"LBracket":     TokenType(LBracket),
	"RBracket":     TokenType(RBracket),
	"Comma":        TokenType(Comma),
	"Equal":        TokenType(Equal),
	"Colon":        TokenType(Colon),
	"Less":         TokenType(Less),
	"Greater":      TokenType(Greater),
	"Hash":         TokenType(Hash),
	"Error":        TokenType(Error),
}

// TokenType returns the participle token type of a TokenKind.
func TokenType(k TokenKind) lexer.TokenType {
	return lexer.TokenType(-1 - int(k)) // EOF is lexer.EOF (-1), Safe -2, ...
}

// KindOf returns the TokenKind of a participle token type of Lexer.
func KindOf(t lexer.TokenType) TokenKind { return TokenKind(-1 - int(t)) }

// Lexer is the participle lexer.Definition of the text encoding with the
// default depth limit; NewLexer sets another. Its tokens come from
// Scanner, so the grammar and the fast decoder in codec/text read the same
// tokens; the regex lexer RefLexer (reflexer.go) is the readable
// definition of those tokens and is held equal to it by a test.
var Lexer lexer.Definition = NewLexer(DefaultMaxDepth)

// NewLexer returns the lexer with brace nesting limited to maxDepth
// (<= 0: DefaultMaxDepth). A lexical error (an unexpected character, an
// unterminated quoted string or raw region, nesting too deep) is a
// *ParseError with the position.
func NewLexer(maxDepth int) lexer.Definition { return &scannerDefinition{maxDepth: maxDepth} }

type scannerDefinition struct{ maxDepth int }

var (
	_ lexer.Definition      = (*scannerDefinition)(nil)
	_ lexer.BytesDefinition = (*scannerDefinition)(nil)
)

func (d *scannerDefinition) Symbols() map[string]lexer.TokenType { return tokenSymbols }

func (d *scannerDefinition) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return d.LexBytes(filename, b)
}

func (d *scannerDefinition) LexString(filename string, s string) (lexer.Lexer, error) {
	return d.LexBytes(filename, []byte(s))
}

func (d *scannerDefinition) LexBytes(filename string, b []byte) (lexer.Lexer, error) {
	l := &scanLexer{filename: filename, line: 1}
	l.sc.Reset(b, d.maxDepth)
	return l, nil
}

// scanLexer adapts a Scanner to lexer.Lexer.
type scanLexer struct {
	sc       Scanner
	filename string
	// line and lineStart describe the input up to off, for positions:
	// CR, LF and CRLF end a line and columns count bytes, as in Position.
	off, line, lineStart int
}

func (l *scanLexer) Next() (lexer.Token, error) {
	for {
		t := l.sc.Next()
		switch t.Kind {
		case EOF:
			return lexer.EOFToken(l.position(t.Pos)), nil
		case Error:
			e := l.sc.Err()
			return lexer.Token{}, &ParseError{Pos: l.position(e.Offset), Msg: e.Msg, Kind: lexicalErrorKind(e)}
		case OctetString, DigitMapBody:
			if t.Pos == t.End {
				continue
			}
		}
		return lexer.Token{Type: TokenType(t.Kind), Value: string(l.sc.Text(t)), Pos: l.position(t.Pos)}, nil
	}
}

func lexicalErrorKind(e *ScanError) ErrorKind {
	if e.Limit {
		return ErrLimit
	}
	return ErrSyntax
}

// position returns the position of off, which must not be before the
// offset of the previous call.
func (l *scanLexer) position(off int) lexer.Position {
	src := l.sc.Src()
	if off > len(src) {
		off = len(src)
	}
	for i := l.off; i < off; i++ {
		switch src[i] {
		case '\n':
			l.line++
			l.lineStart = i + 1
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				continue
			}
			l.line++
			l.lineStart = i + 1
		}
	}
	if off > l.off {
		l.off = off
	}
	return lexer.Position{Filename: l.filename, Offset: off, Line: l.line, Column: off - l.lineStart + 1}
}

// shorten cuts a token to 40 bytes for an error message, as the fast
// decoder does.
func shorten(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// ErrorKind classifies a ParseError.
type ErrorKind uint8

const (
	// ErrSyntax: the input breaks the grammar (H.248 error 400).
	ErrSyntax ErrorKind = iota
	// ErrVersion: the header is well formed but the version is not 1, 2
	// or 3 (H.248 error 406).
	ErrVersion
	// ErrLimit: the input exceeds a limit (nesting depth), not the syntax.
	ErrLimit
)

// ParseError is an error the grammar finds at or inside a token: a lexical
// error, a number out of range, a malformed name or address, an
// unsupported version. It implements participle.Error. Parse also returns
// participle's own errors (*participle.UnexpectedTokenError) for tokens
// the grammar does not expect.
type ParseError struct {
	Pos lexer.Position
	// Token is the offending token or the part of it that is wrong, ""
	// at the end of the input.
	Token string
	Msg   string
	// Expected says what would have been accepted, if known.
	Expected string
	Kind     ErrorKind
}

var _ participle.Error = (*ParseError)(nil)

func (e *ParseError) Message() string {
	s := e.Msg
	if e.Token != "" {
		s += fmt.Sprintf(" at %q", e.Token)
	}
	if e.Expected != "" {
		s += ", expected " + e.Expected
	}
	return s
}

func (e *ParseError) Position() lexer.Position { return e.Pos }

func (e *ParseError) Error() string { return participle.FormatError(e) }
