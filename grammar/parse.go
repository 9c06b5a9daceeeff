package grammar

import (
	"fmt"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// parser is the participle parser of the grammar. Lookahead 0: a branch
// that has consumed a token and then fails is an error, not a reason to
// try the next alternative (see grammar.go).
var parser = participle.MustBuild[MegacoMessage](
	participle.Lexer(Lexer),
	participle.CaseInsensitive("Safe"),
	participle.UseLookahead(0),
)

// EBNF returns the grammar in participle's EBNF (testdata/megaco.ebnf).
// Names without a rule are the leaf types of leaf.go.
func EBNF() string { return parser.String() }

// Parse parses one text message with brace nesting limited to maxDepth
// (<= 0: DefaultMaxDepth). The error is a *ParseError (a lexical error, a
// malformed or out-of-range token, an unsupported version) or one of
// participle's errors (*participle.UnexpectedTokenError: a token the
// grammar does not expect), each a participle.Error with the position.
//
// With an error, Parse also returns the part of the AST read before it
// (participle's partial parse tree), or nil.
//
// A lexical error is reported where the parse reaches it: the tokens
// before it are parsed first, so that an earlier syntax error, or an
// unsupported version, wins.
func Parse(src []byte, maxDepth int) (m *MegacoMessage, err error) {
	l := &scanLexer{line: 1}
	l.sc.Reset(src, maxDepth)
	dl := &deferredErrorLexer{l: l}
	peeker, err := lexer.Upgrade(dl)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			// participle panics when a grammar alternative matches
			// without consuming input: a bug in the grammar, reported as
			// an error rather than taking the process down.
			m, err = nil, &ParseError{Pos: peeker.Peek().Pos, Msg: fmt.Sprintf("grammar error: %v", r)}
		}
	}()
	m, err = parser.ParseFromLexer(peeker)
	if err != nil && dl.err != nil {
		if pe, ok := err.(participle.Error); !ok || pe.Position().Offset >= dl.err.Pos.Offset {
			err = dl.err
		}
	}
	return m, err
}

// deferredErrorLexer turns a lexical error into a token of type Error
// followed by EOF, which no rule of the grammar matches: the parser stops
// there, and Parse reports the lexical error, unless it found an error
// before it. (participle reads all tokens before parsing; passing the
// error on would report it ahead of everything else.)
type deferredErrorLexer struct {
	l   lexer.Lexer
	err *ParseError
}

func (d *deferredErrorLexer) Next() (lexer.Token, error) {
	if d.err != nil {
		return lexer.EOFToken(d.err.Pos), nil
	}
	t, err := d.l.Next()
	if err != nil {
		pe, ok := err.(*ParseError)
		if !ok {
			return t, err
		}
		d.err = pe
		return lexer.Token{Type: TokenType(Error), Pos: pe.Pos}, nil
	}
	return t, nil
}
