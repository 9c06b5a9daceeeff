// Package text is the text encoding of H.248.1 (Annex B), versions 1 to 3,
// in its pretty form (long tokens, indented) and its compact form (short
// tokens, no optional white space).
//
// Decoding runs a hand-written single-pass decoder; when it rejects a
// message, the participle grammar of package grammar, the reference
// definition of the language, reparses it for the diagnostic. Encoding
// appends to a caller's buffer and allocates nothing of its own.
//
//	c := text.New(codec.Compact)
//	m, err := c.Decode(b)
//	out, err := c.Append(buf[:0], m)
package text

import (
	"errors"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/h248"
)

// Codec reads both text forms and writes the one it was made for.
type Codec struct {
	Encoding codec.Encoding // codec.Pretty or codec.Compact
	Limits   codec.Limits
}

// New returns a codec writing enc (codec.Pretty or codec.Compact) with the
// default limits.
func New(enc codec.Encoding) *Codec { return &Codec{Encoding: enc} }

var _ codec.Codec = (*Codec)(nil)

// Decode parses one message in either text form. When the fast decoder
// rejects it, the grammar (DecodeGrammar) parses it again, and its error,
// with the grammar's diagnostic (position, token, what was expected), is
// the one returned; where the grammar accepts what the fast decoder
// rejected (a limit, or a disagreement between the two), the fast
// decoder's error stands. Oversize input is rejected before either runs.
//
// A message whose malformed transactions can be told apart from the rest
// comes back with a *codec.PartialError listing them: the message holds
// the good ones.
func (c *Codec) Decode(b []byte) (*h248.Message, error) {
	m, err := decode(b, c.Limits)
	if err == nil {
		return m, nil
	}
	if errors.Is(err, codec.ErrTooLarge) {
		return nil, err
	}
	var pe *codec.PartialError
	if errors.As(err, &pe) {
		// The grammar's diagnostic is of the first failure.
		var gde *codec.DecodeError
		if _, gerr := DecodeGrammar(b, c.Limits); errors.As(gerr, &gde) {
			pe.Failed[0].Err = gde
		}
		return m, pe
	}
	if _, gerr := DecodeGrammar(b, c.Limits); gerr != nil {
		return nil, gerr
	}
	return nil, err
}

// Append appends the text encoding of m to dst.
func (c *Codec) Append(dst []byte, m *h248.Message) ([]byte, error) {
	return appendMessage(dst, m, c.Encoding == codec.Compact)
}
