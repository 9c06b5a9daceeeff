package ber

import (
	"errors"
	"fmt"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/h248"
)

// DefaultMaxElements is the default limit on the elements (TLVs) of one
// message.
const DefaultMaxElements = 16384

// ErrTooManyElements: the message has more elements than
// Codec.MaxElements. It wraps codec.ErrTooLarge, so errors.Is(err,
// codec.ErrTooLarge) holds too.
var ErrTooManyElements = fmt.Errorf("%w: too many elements", codec.ErrTooLarge)

// ErrNoBinaryForm: the message holds something the binary encoding cannot
// carry (a text-only detail, a name the package registry or the
// termination id mapping cannot map, a construct the message's version
// lacks). Encoding errors wrap it.
var ErrNoBinaryForm = errors.New("no binary form")

// Codec is the binary encoding of H.248.1 Annex A (ASN.1 BER), versions 1
// to 3. The zero value is ready to use: default limits, Erlang/OTP
// megaco's termination id mapping (three levels of 8 bits as bit
// strings), the base packages of Annex E, and package values in the
// spec's form. A Codec is not changed by Decode and Append and may be used
// by many goroutines; give each connection its own to set RawValues per
// connection.
type Codec struct {
	// Limits bound what Decode accepts: MaxMessageSize in octets and
	// MaxDepth in nested constructed elements.
	Limits codec.Limits
	// MaxElements bounds the number of elements (TLVs) Decode reads in one
	// message; 0 means DefaultMaxElements.
	MaxElements int
	// TermIDs maps text termination ids to binary ones.
	TermIDs TermIDMapping
	// RawValues makes Append write package values (properties, event and
	// signal parameters, statistics, ServiceChangeReason) as Erlang/OTP
	// megaco does: the text in one OCTET STRING, instead of RFC 3525 A.2's
	// value BER-encoded by its type inside the OCTET STRING. Decode reads
	// both forms either way.
	RawValues bool
	// Packages maps package and item names to ids and value types; nil
	// means BaseRegistry().
	Packages *Registry
}

// Option sets a field of a Codec made by New.
type Option func(*Codec)

// WithTermIDs sets the termination id mapping.
func WithTermIDs(m TermIDMapping) Option { return func(c *Codec) { c.TermIDs = m } }

// WithRegistry sets the package registry.
func WithRegistry(r *Registry) Option { return func(c *Codec) { c.Packages = r } }

// WithRawValues selects Erlang/OTP megaco's raw package values.
func WithRawValues(raw bool) Option { return func(c *Codec) { c.RawValues = raw } }

// WithLimits sets the decoding limits.
func WithLimits(l codec.Limits) Option { return func(c *Codec) { c.Limits = l } }

// New returns a Codec with the defaults changed by opts.
func New(opts ...Option) *Codec {
	c := &Codec{}
	for _, o := range opts {
		o(c)
	}
	return c
}

var _ codec.Codec = (*Codec)(nil)

func (c *Codec) registry() *Registry {
	if c.Packages != nil {
		return c.Packages
	}
	return BaseRegistry()
}

// Decode decodes one BER-encoded MegacoMessage. The version is read from
// the message and selects the v1, v2 or v3 mapping; elements a version
// does not define, and unknown extensions, are skipped. Errors are
// *codec.DecodeError with the byte offset and the H.248 error code.
func (c *Codec) Decode(b []byte) (*h248.Message, error) {
	if err := c.TermIDs.checkLevels(); err != nil {
		return nil, err
	}
	return decode(b, c)
}

// Append appends the BER encoding of m to dst, with definite lengths.
// Something m holds that the binary encoding cannot carry is an error
// wrapping ErrNoBinaryForm; on error dst is returned unchanged.
func (c *Codec) Append(dst []byte, m *h248.Message) ([]byte, error) {
	if err := c.TermIDs.checkLevels(); err != nil {
		return dst, err
	}
	return appendMessage(dst, m, c)
}
