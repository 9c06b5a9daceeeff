// Package codec defines what every H.248 encoding provides: a Codec that
// decodes bytes into an *h248.Message and appends the encoding of a
// message to a buffer, the Encoding names, and *DecodeError, the one error
// type every decoder returns.
package codec

import (
	"errors"
	"fmt"
	"strings"

	"github.com/megaco/megaco/pkg/h248"
)

// Codec decodes and encodes one encoding of H.248 messages. Append adds
// the encoding of m to dst and returns the extended buffer; Decode returns
// a *DecodeError for input it cannot accept.
type Codec interface {
	Append(dst []byte, m *h248.Message) ([]byte, error)
	Decode(b []byte) (*h248.Message, error)
}

// Encode returns the encoding of m.
func Encode(c Codec, m *h248.Message) ([]byte, error) { return c.Append(nil, m) }

// Encoding names an encoding of H.248 messages.
type Encoding uint8

const (
	Pretty  Encoding = iota + 1 // text, long tokens, indented (Annex B)
	Compact                     // text, short tokens, no optional white space
	Binary                      // ASN.1 BER (Annex A)
)

// Detect tells which encoding a message is in: Binary when it starts with
// the SEQUENCE tag of a BER MegacoMessage (0x30, the character '0', which
// no text message starts with), Pretty (text in either form) otherwise.
func Detect(b []byte) Encoding {
	if len(b) > 0 && b[0] == 0x30 {
		return Binary
	}
	return Pretty
}

var encodingNames = [...]string{Pretty: "pretty", Compact: "compact", Binary: "binary"}

func (e Encoding) String() string {
	if int(e) < len(encodingNames) && encodingNames[e] != "" {
		return encodingNames[e]
	}
	return fmt.Sprintf("Encoding(%d)", e)
}

// ParseEncoding returns the Encoding named s.
func ParseEncoding(s string) (Encoding, error) {
	for e, n := range encodingNames {
		if n != "" && n == s {
			return Encoding(e), nil
		}
	}
	return 0, fmt.Errorf("unknown encoding %q (want pretty, compact or binary)", s)
}

// Limits bound what a decoder accepts. The zero value means the defaults.
type Limits struct {
	// MaxMessageSize is the largest message in bytes (default 65536).
	MaxMessageSize int
	// MaxDepth is the deepest nesting of braces (text) or constructed
	// elements (BER) (default 32).
	MaxDepth int
}

// Default limits.
const (
	DefaultMaxMessageSize = 64 << 10
	DefaultMaxDepth       = 32
)

// WithDefaults returns l with zero fields set to the defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxMessageSize <= 0 {
		l.MaxMessageSize = DefaultMaxMessageSize
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	return l
}

// Errors a DecodeError can wrap, for errors.Is.
var (
	// ErrSyntax: the input is not a well-formed message.
	ErrSyntax = errors.New("syntax error")
	// ErrVersion: the message's protocol version is not supported.
	ErrVersion = errors.New("version not supported")
	// ErrTooLarge: the message exceeds Limits.MaxMessageSize.
	ErrTooLarge = errors.New("message too large")
	// ErrTooDeep: the message nests deeper than Limits.MaxDepth.
	ErrTooDeep = errors.New("message nested too deeply")
)

// DecodeError says why and where a message could not be decoded, and which
// H.248 error code answers it.
type DecodeError struct {
	// Offset is the byte offset of the offending input.
	Offset int
	// Line and Column (1-based, column in bytes) locate Offset in text
	// input; both are 0 for binary input.
	Line, Column int
	// Token is the offending token as it appears in the input ("" at the
	// end of input).
	Token string
	// Expected says what would have been accepted there, if known.
	Expected string
	// Msg describes the problem.
	Msg string
	// Code is the H.248 error code to answer with (400, 406, ...).
	Code h248.ErrorCode
	// Err is ErrSyntax, ErrVersion, ErrTooLarge or ErrTooDeep.
	Err error
}

func (e *DecodeError) Error() string {
	var pos string
	if e.Line > 0 {
		pos = fmt.Sprintf("%d:%d: ", e.Line, e.Column)
	} else {
		pos = fmt.Sprintf("offset %d: ", e.Offset)
	}
	return pos + e.Message() + fmt.Sprintf(" (H.248 error %d %s)", e.Code, e.Code)
}

// Message returns the description without position and code: the problem,
// the token found and what was expected.
func (e *DecodeError) Message() string {
	s := e.Msg
	if e.Token != "" {
		s += fmt.Sprintf(" at %q", e.Token)
	}
	if e.Expected != "" {
		s += ", expected " + e.Expected
	}
	return s
}

func (e *DecodeError) Unwrap() error { return e.Err }

// TransactionError is a transaction that could not be decoded in a message
// whose other transactions could.
type TransactionError struct {
	// Request reports a TransactionRequest: RFC 3525 §8.2.2 answers it
	// with a TransactionReply holding error 403 (syntax error in
	// transaction request), under its id or, when the id could not be
	// read, the null id 0.
	Request bool
	// ID is the transaction id, when it could be read (HasID).
	ID    uint32
	HasID bool
	Err   *DecodeError
}

// PartialError comes with a message (Decode returns both) when some of its
// transactions could not be decoded: the message holds the others, so that
// a bad transaction fails alone. A caller that wants all or nothing treats
// it as any error.
type PartialError struct {
	Failed []TransactionError
}

func (e *PartialError) Error() string {
	var b strings.Builder
	for i, f := range e.Failed {
		if i > 0 {
			b.WriteString("; ")
		}
		if f.HasID {
			fmt.Fprintf(&b, "transaction %d: ", f.ID)
		}
		b.WriteString(f.Err.Error())
	}
	return b.String()
}

// Unwrap returns the errors of the failed transactions, for errors.As.
func (e *PartialError) Unwrap() []error {
	out := make([]error, len(e.Failed))
	for i, f := range e.Failed {
		out[i] = f.Err
	}
	return out
}
