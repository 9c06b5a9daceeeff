package grammar

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/megaco/megaco/pkg/h248"
)

// The productions below the token level: each type reads one Safe token
// (or, for the two bracketed address forms of a mId, the few tokens
// between the brackets) and checks its inside with the functions of
// lexical.go, which the fast decoder uses too. In the EBNF they appear as
// names without a rule; the ABNF rule each implements is in its comment.
//
// A leaf that does not see its kind of token returns participle.NextMatch,
// so the grammar reports the token as unexpected. A leaf that sees its
// kind of token but finds it malformed consumes it and returns a *ParseError
// at the token (or at the offending part of it), which commits the parse
// to that error. Some leaves decide, as the fast decoder does, by the
// token's content whether it is theirs at all (a pkgdName has a "/", a
// TimeStamp has the form yyyymmddThhmmssss): they say so below.

var safeType = TokenType(Safe)

// nextSafe consumes and returns the next token if it is a Safe token.
func nextSafe(lex *lexer.PeekingLexer) (*lexer.Token, error) {
	t := lex.Peek()
	if t.Type != safeType {
		return nil, participle.NextMatch
	}
	lex.Next()
	return t, nil
}

// parseChecked reads a Safe token that valid accepts into *pos and *val,
// the body of every leaf that is a checked string.
func parseChecked(lex *lexer.PeekingLexer, pos *lexer.Position, val *string, valid func(string) bool, msg string) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	*pos = t.Pos
	if !valid(t.Value) {
		return errAt(t, msg)
	}
	*val = t.Value
	return nil
}

// errAt returns an error about the whole of token t.
func errAt(t *lexer.Token, msg string) *ParseError {
	return &ParseError{Pos: t.Pos, Token: shorten(t.Value), Msg: msg}
}

// errIn returns an error off bytes into token t (a Safe token, which has
// no line end).
func errIn(t *lexer.Token, off int, msg string) *ParseError {
	if off > len(t.Value) {
		off = len(t.Value)
	}
	pos := t.Pos
	pos.Offset += off
	pos.Column += off
	return &ParseError{Pos: pos, Token: shorten(t.Value[off:]), Msg: msg}
}

// errFrom turns an error of lexical.go into a *ParseError in token t.
func errFrom(t *lexer.Token, err error) *ParseError {
	if te, ok := err.(*TokenError); ok {
		return errIn(t, te.Offset, te.Msg)
	}
	return errAt(t, err.Error())
}

// unexpected returns the error for a token where a leaf needed another.
func unexpected(t *lexer.Token, expected, msg string) *ParseError {
	e := &ParseError{Pos: t.Pos, Msg: msg, Expected: expected}
	if t.Type != lexer.EOF && t.Type != TokenType(Error) {
		e.Token = shorten(t.Value)
	}
	return e
}

// ProtocolVersion is MegacopToken SLASH Version, one token: "MEGACO/1",
// "!/3". A well-formed version other than 1, 2 and 3 is a *ParseError of kind
// ErrVersion (H.248 error 406).
type ProtocolVersion struct {
	Pos     lexer.Position
	Version int
}

func (v *ProtocolVersion) Parse(lex *lexer.PeekingLexer) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	v.Pos = t.Pos
	n, err := ParseVersionToken(t.Value)
	if err != nil {
		return errFrom(t, err)
	}
	if n < 1 || n > 3 {
		e := errIn(t, strings.IndexByte(t.Value, '/')+1, fmt.Sprintf("protocol version %d is not supported", n))
		e.Expected, e.Kind = "version 1, 2 or 3", ErrVersion
		return e
	}
	v.Version = n
	return nil
}

// SecurityParmIndex is "0x" 8(HEXDIG).
type SecurityParmIndex struct {
	Pos   lexer.Position
	Value uint32
}

func (v *SecurityParmIndex) Parse(lex *lexer.PeekingLexer) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	var ok bool
	v.Pos = t.Pos
	if v.Value, ok = ParseHex32(t.Value); !ok {
		return errAt(t, "SecurityParmIndex must be 0x and 8 hex digits")
	}
	return nil
}

// SequenceNum is "0x" 8(HEXDIG).
type SequenceNum struct {
	Pos   lexer.Position
	Value uint32
}

func (v *SequenceNum) Parse(lex *lexer.PeekingLexer) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	var ok bool
	v.Pos = t.Pos
	if v.Value, ok = ParseHex32(t.Value); !ok {
		return errAt(t, "SequenceNum must be 0x and 8 hex digits")
	}
	return nil
}

// AuthData is "0x" 24*64(HEXDIG).
type AuthData struct {
	Pos   lexer.Position
	Value []byte
}

func (v *AuthData) Parse(lex *lexer.PeekingLexer) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	var ok bool
	v.Pos = t.Pos
	if v.Value, ok = ParseAuthData(t.Value); !ok {
		return errAt(t, "AuthData must be 0x and 24 to 64 hex digits")
	}
	return nil
}

// DomainAddress is "[" (IPv4address / IPv6address) "]". An IPv6 address
// is several tokens (":" is not a SafeChar), which must be adjacent.
type DomainAddress struct {
	Pos  lexer.Position
	Addr netip.Addr
}

func (a *DomainAddress) Parse(lex *lexer.PeekingLexer) error {
	open := lex.Peek()
	if open.Type != TokenType(LBracket) {
		return participle.NextMatch
	}
	lex.Next()
	a.Pos = open.Pos
	first := lex.Peek()
	end := first.Pos.Offset
	var text strings.Builder
	for t := lex.Peek(); t.Type == safeType || t.Type == TokenType(Colon); t = lex.Peek() {
		if t.Pos.Offset != end {
			lex.Next()
			return errAt(t, "white space inside an address")
		}
		end += len(t.Value)
		text.WriteString(t.Value)
		lex.Next()
	}
	if t := lex.Peek(); t.Type != TokenType(RBracket) {
		return unexpected(t, `"]"`, "unexpected token in address")
	}
	addr, ok := ParseIPAddress(text.String())
	if !ok {
		e := &ParseError{Pos: first.Pos, Token: text.String(), Msg: "invalid IP address", Expected: "an IPv4 or IPv6 address"}
		if e.Token == "" {
			e.Token = open.Value
		}
		return e
	}
	lex.Next()
	a.Addr = addr
	return nil
}

// DomainName is "<" (ALPHA / DIGIT) *63(ALPHA / DIGIT / "-" / ".") ">",
// without white space before the ">".
type DomainName struct {
	Pos  lexer.Position
	Name string
}

func (d *DomainName) Parse(lex *lexer.PeekingLexer) error {
	open := lex.Peek()
	if open.Type != TokenType(Less) {
		return participle.NextMatch
	}
	lex.Next()
	d.Pos = open.Pos
	t := lex.Peek()
	if t.Type != safeType {
		return unexpected(t, "domain name", "unexpected token")
	}
	lex.Next()
	if !ValidDomainName(t.Value) {
		return errAt(t, "invalid domain name")
	}
	if next := lex.Peek(); next.Pos.Offset != t.Pos.Offset+len(t.Value) {
		return errAt(open, "invalid domain name")
	}
	if next := lex.Peek(); next.Type != TokenType(Greater) {
		return unexpected(next, `">"`, "unexpected token")
	}
	lex.Next()
	d.Name = t.Value
	return nil
}

// MtpAddressHex is the 4*8(HEXDIG) of an mtpAddress.
type MtpAddressHex struct {
	Pos lexer.Position
	Hex string
}

func (m *MtpAddressHex) Parse(lex *lexer.PeekingLexer) error {
	return parseChecked(lex, &m.Pos, &m.Hex, ValidMTPAddress, "MTP address must be 4 to 8 hex digits")
}

// DeviceName is a pathNAME (see ValidPathName).
type DeviceName struct {
	Pos  lexer.Position
	Name string
}

func (d *DeviceName) Parse(lex *lexer.PeekingLexer) error {
	return parseChecked(lex, &d.Pos, &d.Name, ValidPathName, "invalid device name")
}

// PortNumber is UINT16. It takes only a token of digits (at most ten):
// ServiceChangeAddress tells a port number from a mId by that.
type PortNumber struct {
	Pos   lexer.Position
	Value uint16
}

func (p *PortNumber) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != safeType {
		return participle.NextMatch
	}
	if _, ok := ParseUint(t.Value, 10, 1<<40); !ok {
		return participle.NextMatch
	}
	lex.Next()
	p.Pos = t.Pos
	v, ok := ParseUint(t.Value, 5, 0xFFFF)
	if !ok {
		return errAt(t, "port number must be a number from 0 to 65535")
	}
	p.Value = uint16(v)
	return nil
}

// UINT16 is a decimal number from 0 to 65535 (1 to 5 digits).
type UINT16 struct {
	Pos   lexer.Position
	Value uint16
}

func (n *UINT16) Parse(lex *lexer.PeekingLexer) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	n.Pos = t.Pos
	v, ok := ParseUint(t.Value, 5, 0xFFFF)
	if !ok {
		return errAt(t, "the number must be from 0 to 65535")
	}
	n.Value = uint16(v)
	return nil
}

// UINT32 is a decimal number from 0 to 4294967295 (1 to 10 digits).
type UINT32 struct {
	Pos   lexer.Position
	Value uint32
}

func (n *UINT32) Parse(lex *lexer.PeekingLexer) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	n.Pos = t.Pos
	v, ok := ParseUint(t.Value, 10, 0xFFFFFFFF)
	if !ok {
		return errAt(t, "the number must be from 0 to 4294967295")
	}
	n.Value = uint32(v)
	return nil
}

// TransactionID is UINT32.
type TransactionID struct {
	Pos   lexer.Position
	Value uint32
}

func (n *TransactionID) Parse(lex *lexer.PeekingLexer) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	n.Pos = t.Pos
	v, ok := ParseUint(t.Value, 10, 0xFFFFFFFF)
	if !ok {
		return errAt(t, "TransactionID must be a number from 0 to 4294967295")
	}
	n.Value = uint32(v)
	return nil
}

// StreamID is UINT16.
type StreamID struct {
	Pos   lexer.Position
	Value uint16
}

func (n *StreamID) Parse(lex *lexer.PeekingLexer) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	n.Pos = t.Pos
	v, ok := ParseUint(t.Value, 5, 0xFFFF)
	if !ok {
		return errAt(t, "StreamID must be a number from 0 to 65535")
	}
	n.Value = uint16(v)
	return nil
}

// RequestID is UINT32 / "*".
type RequestID struct {
	Pos   lexer.Position
	Value h248.RequestID
}

func (n *RequestID) Parse(lex *lexer.PeekingLexer) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	n.Pos = t.Pos
	if t.Value == "*" {
		n.Value = h248.RequestIDAll
		return nil
	}
	v, ok := ParseUint(t.Value, 10, 0xFFFFFFFF)
	if !ok {
		return errAt(t, "RequestID must be a number from 0 to 4294967295")
	}
	n.Value = uint32(v)
	return nil
}

// ContextID is UINT32 / "*" / "-" / "$".
type ContextID struct {
	Pos   lexer.Position
	Value h248.ContextID
}

func (c *ContextID) Parse(lex *lexer.PeekingLexer) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	c.Pos = t.Pos
	var ok bool
	if c.Value, ok = ParseContextID(t.Value); !ok {
		return errAt(t, `ContextID must be "-", "$", "*" or a number from 0 to 4294967295`)
	}
	return nil
}

// ErrorCode is 1*4(DIGIT).
type ErrorCode struct {
	Pos   lexer.Position
	Value h248.ErrorCode
}

func (c *ErrorCode) Parse(lex *lexer.PeekingLexer) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	c.Pos = t.Pos
	v, ok := ParseUint(t.Value, 4, 9999)
	if !ok {
		return errAt(t, "ErrorCode must be 1 to 4 digits")
	}
	c.Value = h248.ErrorCode(v)
	return nil
}

// Version is 1*2(DIGIT) (serviceChangeVersion).
type Version struct {
	Pos   lexer.Position
	Value uint8
}

func (n *Version) Parse(lex *lexer.PeekingLexer) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	n.Pos = t.Pos
	v, ok := ParseUint(t.Value, 2, 99)
	if !ok {
		return errAt(t, "Version must be 1 or 2 digits")
	}
	n.Value = uint8(v)
	return nil
}

// SegmentedTransactionID is the id of a reply or segment reply:
// TransactionID [SLASH segmentNumber [SLASH SegmentationCompleteToken]],
// one token such as "10", "10/1" or "10/2/END".
type SegmentedTransactionID struct {
	Pos lexer.Position
	TransactionIDSegment
	// SegmentPos is where the segment number starts.
	SegmentPos lexer.Position
}

func (n *SegmentedTransactionID) Parse(lex *lexer.PeekingLexer) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	n.Pos = t.Pos
	seg, err := ParseTransactionIDSegment(t.Value)
	if err != nil {
		return errFrom(t, err)
	}
	n.TransactionIDSegment = seg
	if seg.Segment.Set {
		n.SegmentPos = errIn(t, strings.IndexByte(t.Value, '/')+1, "").Pos
	}
	return nil
}

// TransactionAck is TransactionID / (TransactionID "-" TransactionID), one
// token.
type TransactionAck struct {
	Pos lexer.Position
	Ack h248.TransactionAck
}

func (n *TransactionAck) Parse(lex *lexer.PeekingLexer) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	n.Pos = t.Pos
	if n.Ack, err = ParseTransactionAck(t.Value); err != nil {
		return errFrom(t, err)
	}
	return nil
}

// TerminationID is "ROOT" / pathNAME / "$" / "*" (see ValidTerminationID).
type TerminationID struct {
	Pos lexer.Position
	ID  string
}

func (n *TerminationID) Parse(lex *lexer.PeekingLexer) error {
	return parseChecked(lex, &n.Pos, &n.ID, ValidTerminationID, "invalid TerminationID")
}

// PkgdName is PackageName SLASH ItemID / PackageName SLASH "*" / "*" SLASH
// "*". It takes only a token with a "/": keywords have none, so where a
// property may stand next to keywords the "/" decides.
type PkgdName struct {
	Pos  lexer.Position
	Name string
}

func (n *PkgdName) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != safeType || strings.IndexByte(t.Value, '/') < 0 {
		return participle.NextMatch
	}
	lex.Next()
	n.Pos = t.Pos
	if !ValidPkgdName(t.Value) {
		return errAt(t, "invalid pkgdName (want package/item)")
	}
	n.Name = t.Value
	return nil
}

// Name is a NAME: ALPHA *63(ALPHA / DIGIT / "_"), as an
// eventParameterName, sigParameterName or digitMapName.
type Name struct {
	Pos  lexer.Position
	Name string
}

func (n *Name) Parse(lex *lexer.PeekingLexer) error {
	return parseChecked(lex, &n.Pos, &n.Name, ValidName, "invalid NAME")
}

// TimeStamp is Date "T" Time: 8 digits, "T", 8 digits. It takes only a
// token of that form: a ServiceChange parameter and an observed event
// tell a TimeStamp by it.
type TimeStamp struct {
	Pos  lexer.Position
	Time h248.TimeNotation
}

func (n *TimeStamp) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != safeType {
		return participle.NextMatch
	}
	ts, ok := ParseTimeStamp(t.Value)
	if !ok {
		return participle.NextMatch
	}
	lex.Next()
	n.Pos, n.Time = t.Pos, ts
	return nil
}

// ExtensionParameter is "X-" or "X+" and 1 to 6 ALPHA or DIGIT. It takes
// only a token of that form.
type ExtensionParameter struct {
	Pos  lexer.Position
	Name string
}

func (n *ExtensionParameter) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != safeType || !ValidExtension(t.Value) {
		return participle.NextMatch
	}
	lex.Next()
	n.Pos, n.Name = t.Pos, t.Value
	return nil
}

// PackagesItem is NAME "-" UINT16, one token.
type PackagesItem struct {
	Pos  lexer.Position
	Item h248.PackagesItem
}

func (n *PackagesItem) Parse(lex *lexer.PeekingLexer) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	n.Pos = t.Pos
	if n.Item, err = ParsePackagesItem(t.Value); err != nil {
		return errFrom(t, err)
	}
	return nil
}

// ProfileName is the NAME SLASH Version of a serviceChangeProfile, one
// token.
type ProfileName struct {
	Pos     lexer.Position
	Profile h248.Profile
}

func (n *ProfileName) Parse(lex *lexer.PeekingLexer) error {
	t, err := nextSafe(lex)
	if err != nil {
		return err
	}
	n.Pos = t.Pos
	if n.Profile, err = ParseProfile(t.Value); err != nil {
		return errFrom(t, err)
	}
	return nil
}
