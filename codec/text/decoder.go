package text

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/grammar"
	"github.com/megaco/megaco/pkg/h248"
)

// decoder is the hand-written single-pass decoder: recursive descent over
// the grammar package's scanner with one token of lookahead. It stops at
// the first error by panicking with a bailout, which Decode recovers.
type decoder struct {
	sc  grammar.Scanner
	src []byte
	// s is the input as a string: names and values are substrings of it,
	// so decoding allocates one copy of the input instead of one per name.
	s   string
	tok grammar.Token
	ver int
	// cur is what is known of the transaction being decoded, for the
	// error if it fails; failed holds the transactions skipped so far.
	cur    codec.TransactionError
	failed []codec.TransactionError
	// Slabs for the one-element lists that most messages are made of.
	tids   slab[h248.TerminationID]
	values slab[h248.Value]
	props  slab[h248.PropertyParm]
}

// slab hands out one-element slices cut from a shared array, so that many
// short lists cost one allocation. Each slice has capacity 1: appending to
// it copies it out of the slab.
type slab[T any] struct{ buf []T }

func (s *slab[T]) one(v T) []T {
	if len(s.buf) == cap(s.buf) {
		s.buf = make([]T, 0, 8)
	}
	s.buf = append(s.buf, v)
	n := len(s.buf)
	return s.buf[n-1 : n : n]
}

// push appends v to list, taking a one-element list from s when list is nil.
func push[T any](list []T, v T, s *slab[T]) []T {
	if list == nil {
		return s.one(v)
	}
	return append(list, v)
}

type bailout struct{ err *codec.DecodeError }

// decode parses one message from src.
func decode(src []byte, limits codec.Limits) (m *h248.Message, err error) {
	limits = limits.WithDefaults()
	if len(src) > limits.MaxMessageSize {
		return nil, &codec.DecodeError{Line: 1, Column: 1, Code: h248.CodeBadRequest, Err: codec.ErrTooLarge,
			Msg: fmt.Sprintf("message of %d bytes exceeds the limit of %d", len(src), limits.MaxMessageSize)}
	}
	var d decoder
	d.src, d.s = src, string(src)
	d.sc.Reset(src, limits.MaxDepth)
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			m, err = nil, b.err
			if len(d.failed) > 0 {
				// The message failed past a skipped transaction: the
				// first error is the one to report.
				err = d.failed[0].Err
			}
		}
	}()
	d.next()
	m = d.message()
	if len(d.failed) > 0 {
		return m, &codec.PartialError{Failed: d.failed}
	}
	return m, nil
}

// next advances to the next token.
func (d *decoder) next() {
	d.tok = d.sc.Next()
	if d.tok.Kind == grammar.Error {
		e := d.sc.Err()
		de := d.errAt(e.Offset, "", e.Msg)
		if e.Limit {
			de.Err = codec.ErrTooDeep
		}
		panic(bailout{de})
	}
}

func (d *decoder) text() string { return d.s[d.tok.Pos:d.tok.End] }

func (d *decoder) bytes() []byte { return d.src[d.tok.Pos:d.tok.End] }

// kw returns the keyword the current token spells, or NoKeyword.
func (d *decoder) kw() grammar.Keyword {
	if d.tok.Kind != grammar.Safe {
		return grammar.NoKeyword
	}
	return grammar.LookupKeyword(d.bytes())
}

func (d *decoder) isKw(k grammar.Keyword) bool {
	return d.tok.Kind == grammar.Safe && k.Is(d.bytes())
}

func (d *decoder) is(k grammar.TokenKind) bool { return d.tok.Kind == k }

// accept consumes the current token if it is of kind k.
func (d *decoder) accept(k grammar.TokenKind) bool {
	if d.tok.Kind == k {
		d.next()
		return true
	}
	return false
}

// expect consumes a token of kind k or fails.
func (d *decoder) expect(k grammar.TokenKind) grammar.Token {
	t := d.tok
	if t.Kind != k {
		d.fail(fmt.Sprintf("%q", k.String()), "unexpected token")
	}
	d.next()
	return t
}

// expectKw consumes keyword k or fails.
func (d *decoder) expectKw(k grammar.Keyword) {
	if !d.isKw(k) {
		d.fail(k.Long(), "unexpected token")
	}
	d.next()
}

// safe consumes a Safe token and returns its text.
func (d *decoder) safe(what string) string {
	if d.tok.Kind != grammar.Safe {
		d.fail(what, "unexpected token")
	}
	s := d.text()
	d.next()
	return s
}

// peek returns the kind of the token after the current one.
func (d *decoder) peek() grammar.TokenKind { return d.sc.PeekKind() }

// errAt builds a syntax error at a byte offset.
func (d *decoder) errAt(off int, expected, msg string) *codec.DecodeError {
	line, col := grammar.Position(d.src, off)
	e := &codec.DecodeError{Offset: off, Line: line, Column: col, Expected: expected, Msg: msg,
		Code: h248.CodeBadRequest, Err: codec.ErrSyntax}
	switch {
	case d.tok.Pos != off:
	case d.tok.Kind == grammar.EOF:
		e.Msg += " at end of input"
	case d.tok.Kind != grammar.Error:
		e.Token = tokenString(d.src, d.tok)
	}
	return e
}

// fail reports a syntax error at the current token.
func (d *decoder) fail(expected, msg string) {
	panic(bailout{d.errAt(d.tok.Pos, expected, msg)})
}

// failAt reports a syntax error at token t.
func (d *decoder) failAt(t grammar.Token, msg string) {
	e := d.errAt(t.Pos, "", msg)
	e.Token = tokenString(d.src, t)
	panic(bailout{e})
}

// failIn reports err, a *grammar.TokenError from checking the inside of
// token t, at its offset in t.
func (d *decoder) failIn(t grammar.Token, err error) {
	off := 0
	if te, ok := err.(*grammar.TokenError); ok {
		off = te.Offset
	}
	e := d.errAt(t.Pos+off, "", err.Error())
	if off < t.End-t.Pos {
		e.Token = tokenString(d.src, grammar.Token{Kind: t.Kind, Pos: t.Pos + off, End: t.End})
	}
	panic(bailout{e})
}

// need fails unless the message's version is at least v.
func (d *decoder) need(v int, t grammar.Token, what string) {
	if d.ver < v {
		d.failAt(t, fmt.Sprintf("%s needs version %d or later (message is version %d)", what, v, d.ver))
	}
}

// tokenString shows a token for an error message, shortened.
func tokenString(src []byte, t grammar.Token) string {
	s := string(src[t.Pos:t.End])
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return s
}

// --- message ---

func (d *decoder) message() *h248.Message {
	m := &h248.Message{}
	if d.isKw(grammar.AuthToken) {
		m.Auth = d.authHeader()
	}
	d.header(m)
	if d.isKw(grammar.ErrorToken) {
		m.Error = d.errorDescriptor()
	} else {
		for {
			if t, te := d.tryTransaction(); te != nil {
				d.failed = append(d.failed, *te)
			} else {
				m.Transactions = append(m.Transactions, t)
			}
			if d.is(grammar.EOF) {
				break
			}
		}
	}
	if !d.is(grammar.EOF) {
		d.fail("end of message", "unexpected token after the message")
	}
	return m
}

// tryTransaction decodes one transaction. When it is malformed but its
// end can be found (its braces balance and the scanner is not stuck), it
// is skipped and returned as a TransactionError, so that the others go on;
// otherwise the whole message fails.
func (d *decoder) tryTransaction() (t h248.Transaction, te *codec.TransactionError) {
	d.cur = codec.TransactionError{}
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		b, ok := r.(bailout)
		if !ok || !d.skipTransaction() {
			panic(r)
		}
		te = &d.cur
		te.Err = b.err
	}()
	return d.transaction(), nil
}

// skipTransaction moves past the closing brace of the transaction that
// failed and reports whether it found it.
func (d *decoder) skipTransaction() bool {
	if d.sc.Err() != nil {
		return false
	}
	if d.sc.Depth() == 0 {
		// From the top level, only a failure on the closing brace of a
		// transaction that got as far as its id can be skipped.
		if d.tok.Kind != grammar.RBrace || !d.cur.HasID {
			return false
		}
	} else {
		for {
			t := d.sc.Next()
			if t.Kind == grammar.EOF || t.Kind == grammar.Error {
				return false
			}
			if t.Kind == grammar.RBrace && d.sc.Depth() == 0 {
				break
			}
		}
	}
	d.next()
	return true
}

func (d *decoder) authHeader() *h248.AuthHeader {
	d.next()
	d.expect(grammar.Equal)
	t := d.tok
	spi, ok := grammar.ParseHex32(d.safe("SecurityParmIndex"))
	if !ok {
		d.failAt(t, "SecurityParmIndex must be 0x and 8 hex digits")
	}
	d.expect(grammar.Colon)
	t = d.tok
	seq, ok := grammar.ParseHex32(d.safe("SequenceNum"))
	if !ok {
		d.failAt(t, "SequenceNum must be 0x and 8 hex digits")
	}
	d.expect(grammar.Colon)
	t = d.tok
	data, ok := grammar.ParseAuthData(d.safe("AuthData"))
	if !ok {
		d.failAt(t, "AuthData must be 0x and 24 to 64 hex digits")
	}
	return &h248.AuthHeader{SPI: spi, SeqNum: seq, Data: data}
}

// header reads "MEGACO/v mId".
func (d *decoder) header(m *h248.Message) {
	t := d.tok
	if t.Kind != grammar.Safe {
		d.fail("MEGACO/version", "unexpected token")
	}
	v, err := grammar.ParseVersionToken(d.text())
	if err != nil {
		d.failIn(t, err)
	}
	if v < 1 || v > 3 {
		slash := bytes.IndexByte(d.bytes(), '/') + 1
		e := d.errAt(t.Pos+slash, "version 1, 2 or 3", fmt.Sprintf("protocol version %d is not supported", v))
		e.Token = d.s[t.Pos+slash : t.End]
		e.Code, e.Err = h248.CodeVersionNotSupported, codec.ErrVersion
		panic(bailout{e})
	}
	d.ver = v
	m.Version = v
	d.next()
	m.MID = d.mid()
}

// mid reads a mId (and a ServiceChangeAddress or MgcIdToTry).
func (d *decoder) mid() h248.MID {
	switch d.tok.Kind {
	case grammar.LBracket:
		return d.domainAddress()
	case grammar.Less:
		start := d.tok
		d.next()
		t := d.tok
		name := d.safe("domain name")
		if !grammar.ValidDomainName(name) {
			d.failAt(t, "invalid domain name")
		}
		if d.tok.Pos != t.End {
			d.failAt(start, "invalid domain name")
		}
		d.expect(grammar.Greater)
		return h248.MID{Kind: h248.MIDDomain, Name: name, Port: d.optPort()}
	case grammar.Safe:
		if d.isKw(grammar.MTPToken) {
			d.next()
			d.expect(grammar.LBrace)
			t := d.tok
			hex := d.safe("MTP address")
			if !grammar.ValidMTPAddress(hex) {
				d.failAt(t, "MTP address must be 4 to 8 hex digits")
			}
			d.expect(grammar.RBrace)
			return h248.MID{Kind: h248.MIDMTP, Name: hex}
		}
		t := d.tok
		name := d.safe("mId")
		if !grammar.ValidPathName(name) {
			d.failAt(t, "invalid device name")
		}
		return h248.MID{Kind: h248.MIDDevice, Name: name}
	}
	d.fail("mId", "unexpected token")
	return h248.MID{}
}

// domainAddress reads "[" address "]" [":" port]. An IPv6 address comes
// as several tokens (":" is not a SafeChar); they must be adjacent.
func (d *decoder) domainAddress() h248.MID {
	open := d.tok
	d.next()
	start, end := d.tok.Pos, d.tok.Pos
	for d.is(grammar.Safe) || d.is(grammar.Colon) {
		if d.tok.Pos != end {
			d.failAt(d.tok, "white space inside an address")
		}
		end = d.tok.End
		d.next()
	}
	if !d.is(grammar.RBracket) {
		d.fail(`"]"`, "unexpected token in address")
	}
	addr, ok := grammar.ParseIPAddress(d.s[start:end])
	if !ok {
		e := d.errAt(start, "an IPv4 or IPv6 address", "invalid IP address")
		e.Token = d.s[start:end]
		if start == end {
			e.Token = tokenString(d.src, open)
		}
		panic(bailout{e})
	}
	d.next()
	kind := h248.MIDIP4
	if addr.Is6() {
		kind = h248.MIDIP6
	}
	return h248.MID{Kind: kind, Addr: addr, Port: d.optPort()}
}

func (d *decoder) optPort() h248.Opt[uint16] {
	if !d.accept(grammar.Colon) {
		return h248.Opt[uint16]{}
	}
	return h248.Some(d.uint16("port number"))
}

// --- numbers and names ---

func (d *decoder) uint32(what string) uint32 {
	t := d.tok
	v, ok := grammar.ParseUint(d.safe(what), 10, 0xFFFFFFFF)
	if !ok {
		d.failAt(t, what+" must be a number from 0 to 4294967295")
	}
	return uint32(v)
}

func (d *decoder) uint16(what string) uint16 {
	t := d.tok
	v, ok := grammar.ParseUint(d.safe(what), 5, 0xFFFF)
	if !ok {
		d.failAt(t, what+" must be a number from 0 to 65535")
	}
	return uint16(v)
}

func (d *decoder) contextID() h248.ContextID {
	t := d.tok
	c, ok := grammar.ParseContextID(d.safe("ContextID"))
	if !ok {
		d.failAt(t, `ContextID must be "-", "$", "*" or a number from 0 to 4294967295`)
	}
	return c
}

func (d *decoder) requestID() h248.RequestID {
	if d.is(grammar.Safe) && d.text() == "*" {
		d.next()
		return h248.RequestIDAll
	}
	return d.uint32("RequestID")
}

func (d *decoder) terminationID() h248.TerminationID {
	t := d.tok
	s := d.safe("TerminationID")
	if !grammar.ValidTerminationID(s) {
		d.failAt(t, "invalid TerminationID")
	}
	return h248.TerminationID(s)
}

// termIDList reads a TerminationID or, in v3, "[" id *("," id) "]".
func (d *decoder) termIDList() []h248.TerminationID {
	if !d.is(grammar.LBracket) {
		return d.tids.one(d.terminationID())
	}
	d.need(3, d.tok, "a termination id list")
	d.next()
	ids := []h248.TerminationID{d.terminationID()}
	d.expect(grammar.Comma)
	ids = append(ids, d.terminationID())
	for d.accept(grammar.Comma) {
		ids = append(ids, d.terminationID())
	}
	d.expect(grammar.RBracket)
	return ids
}

// terminationIDBraces reads "{" id *("," id) "}".
func (d *decoder) terminationIDBraces() []h248.TerminationID {
	d.expect(grammar.LBrace)
	ids := d.tids.one(d.terminationID())
	for d.accept(grammar.Comma) {
		ids = append(ids, d.terminationID())
	}
	d.expect(grammar.RBrace)
	return ids
}

func (d *decoder) pkgdName() string {
	t := d.tok
	s := d.safe("package item name")
	if !grammar.ValidPkgdName(s) {
		d.failAt(t, "invalid pkgdName (want package/item)")
	}
	return s
}

func (d *decoder) name(what string) string {
	t := d.tok
	s := d.safe(what)
	if !grammar.ValidName(s) {
		d.failAt(t, "invalid "+what)
	}
	return s
}

// isPkgdName reports whether the current token looks like a pkgdName
// (keywords never contain "/").
func (d *decoder) isPkgdName() bool {
	return d.tok.Kind == grammar.Safe && strings.IndexByte(d.text(), '/') >= 0
}

// value reads a VALUE: a quoted string or SafeChars.
func (d *decoder) value() h248.Value {
	switch d.tok.Kind {
	case grammar.Quoted:
		v := h248.Quoted(d.s[d.tok.Pos+1 : d.tok.End-1])
		d.next()
		return v
	case grammar.Safe:
		v := h248.Unquoted(d.text())
		d.next()
		return v
	}
	d.fail("a value", "unexpected token")
	return h248.Value{}
}

// parmValue reads "=" alternativeValue or an inequality and a value.
func (d *decoder) parmValue() h248.ParmValue {
	switch d.tok.Kind {
	case grammar.Equal:
		d.next()
		switch d.tok.Kind {
		case grammar.LBrace:
			d.next()
			vs := d.valueList()
			d.expect(grammar.RBrace)
			return h248.ParmValue{Form: h248.FormAlternatives, Values: vs}
		case grammar.LBracket:
			d.next()
			first := d.value()
			if d.accept(grammar.Colon) {
				last := d.value()
				d.expect(grammar.RBracket)
				return h248.ParmValue{Form: h248.FormRange, Values: []h248.Value{first, last}}
			}
			vs := []h248.Value{first}
			for d.accept(grammar.Comma) {
				vs = append(vs, d.value())
			}
			d.expect(grammar.RBracket)
			return h248.ParmValue{Form: h248.FormSublist, Values: vs}
		}
		return h248.ParmValue{Form: h248.FormSingle, Values: d.values.one(d.value())}
	case grammar.Greater:
		d.next()
		return h248.ParmValue{Form: h248.FormGreater, Values: d.values.one(d.value())}
	case grammar.Less:
		d.next()
		return h248.ParmValue{Form: h248.FormSmaller, Values: d.values.one(d.value())}
	case grammar.Hash:
		d.next()
		return h248.ParmValue{Form: h248.FormUnequal, Values: d.values.one(d.value())}
	}
	d.fail(`"=", ">", "<" or "#"`, "unexpected token")
	return h248.ParmValue{}
}

func (d *decoder) valueList() []h248.Value {
	vs := d.values.one(d.value())
	for d.accept(grammar.Comma) {
		vs = append(vs, d.value())
	}
	return vs
}

// propertyParm reads pkgdName parmValue.
func (d *decoder) propertyParm() h248.PropertyParm {
	return h248.PropertyParm{Name: d.pkgdName(), Value: d.parmValue()}
}

// otherParm reads NAME parmValue (eventOther, sigOther).
func (d *decoder) otherParm(what string) h248.PropertyParm {
	return h248.PropertyParm{Name: d.name(what), Value: d.parmValue()}
}

// onOff reads "ON" or "OFF".
func (d *decoder) onOff() bool {
	t := d.tok
	s := d.safe(`"ON" or "OFF"`)
	switch {
	case strings.EqualFold(s, "on"):
		return true
	case strings.EqualFold(s, "off"):
		return false
	}
	d.failAt(t, `expected "ON" or "OFF"`)
	return false
}

// keywordOf consumes a Safe token that must be one of ks and returns its
// index in ks.
func (d *decoder) keywordOf(what string, ks ...grammar.Keyword) int {
	if d.tok.Kind == grammar.Safe {
		b := d.bytes()
		for i, k := range ks {
			if k.Is(b) {
				d.next()
				return i
			}
		}
	}
	d.fail(what, "unexpected token")
	return 0
}

func (d *decoder) errorDescriptor() *h248.ErrorDescriptor {
	d.expectKw(grammar.ErrorToken)
	d.expect(grammar.Equal)
	t := d.tok
	code, ok := grammar.ParseUint(d.safe("ErrorCode"), 4, 9999)
	if !ok {
		d.failAt(t, "ErrorCode must be 1 to 4 digits")
	}
	e := &h248.ErrorDescriptor{Code: h248.ErrorCode(code)}
	d.expect(grammar.LBrace)
	if d.is(grammar.Quoted) {
		e.Text = d.s[d.tok.Pos+1 : d.tok.End-1]
		d.next()
	}
	d.expect(grammar.RBrace)
	return e
}

func (d *decoder) timeStamp() *h248.TimeNotation {
	t := d.tok
	ts, ok := grammar.ParseTimeStamp(d.safe("TimeStamp"))
	if !ok {
		d.failAt(t, "TimeStamp must be yyyymmddThhmmssss")
	}
	return &ts
}

var _ = netip.Addr{}
