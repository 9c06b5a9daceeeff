// Package ber is the binary encoding of H.248.1 (Annex A, ASN.1 BER),
// versions 1 to 3.
//
// Decoding reads definite and indefinite lengths with offset-style readers
// that check bounds before every read, within the limits of the Codec
// (message size, nesting depth of constructed elements, element count),
// and picks the v1, v2 or v3 mapping by the version in the message:
// elements a version does not define, and unknown extensions, are skipped.
// Errors are *codec.DecodeError with the byte offset and the H.248 code.
// Encoding appends definite-length BER to a caller's buffer and allocates
// nothing of its own.
//
//	c := ber.New(ber.WithTermIDs(ber.TermIDMapping{
//		Form:  ber.LevelDecimal,
//		Words: []ber.TermIDWord{{Word: "tdm", Value: 1}, {Word: "rtp", Value: 2}},
//	}))
//	m, err := c.Decode(b)
//	out, err := c.Append(buf[:0], m)
//
// # The mapping
//
// The model (package h248) follows the v3 ASN.1 with a few text-only
// details. Where the binary encoding cannot carry something a message
// holds, Append fails with an error wrapping ErrNoBinaryForm that names
// it; it never drops anything silently.
//
// Termination ids: TermIDMapping turns text names into RFC 3525 A.1 ids
// (levels of configurable widths, wildcard fields, ROOT) and back. The
// zero value is Erlang/OTP megaco's: three levels of 8 bits written as bit
// strings. Words name first-level values ("tdm" = 1), levels may be
// written as decimal numbers, and both forms are read whatever the
// configured one, so "tdm/1/5" and "00000001/00000001/00000101" are the
// same termination.
//
// Package and item names: a Registry gives each package its two-octet id
// and each property, event, signal, statistic and parameter its id and
// value type (BasePackages: H.248.1 Annex E and the SDP tags of Annex C).
// A name the registry lacks has no binary form, unless written in the
// fallback form "x" + four hex digits ("x00fe/x0001"), which is also what
// decoding writes for ids the registry lacks.
//
// Package values (properties, event and signal parameters, statistics,
// ServiceChangeReason): by default RFC 3525 A.2's form, the value
// BER-encoded by its registered type inside the OCTET STRING (INTEGER,
// BOOLEAN, ENUMERATED, IA5String or UTF8String, OCTET STRING; unknown
// types are octet strings); with RawValues Erlang/OTP's form, the text in
// the OCTET STRING. Decoding reads both. A value that does not read as its
// type, and any quoted value, is written as a string: Value.Quoted is true
// after decoding exactly for the string types. The value forms map to
// extraInfo: a list of alternatives ({a,b}) is sublist FALSE, a sublist
// ([a,b]) sublist TRUE, a range ([a:b]) range TRUE, >, < and # the
// relations, and CHOOSE ($) the empty value list.
//
// SDP: a Local or Remote descriptor's SDP becomes property groups of the
// Annex C.11 tags (0x0000B001 v= to 0x0000B00F m=), one PropertyParm per
// line and a new group at each "v=" line. Line ends are not carried:
// decoding joins the lines with "\n". An empty line, a line that is not
// "x=value" or a line type without a tag has no binary form; a Local or
// Remote holding other properties does not decode (error 445).
//
// Other text-only details: digit map names are "dialplanN" (N 0 to 99, the
// octets N/10 and N%10, as Erlang writes them) or "dialplanxHHHH"; a
// single ServiceChange extension named by 8 characters ("X-Vendor") is
// nonStandardData with that experimental identifier. These have no binary
// form: ServiceChange method, modem and mux type extensions (X-...),
// ContextAttrAuditRequest.SelectContextList, IndAudEventBufferDescriptor.
// ParamName, audit selections by a relation other than = (ModeSelectForm,
// ServiceStateSelectForm), an empty audited Signals descriptor, more than
// one ServiceChange extension, and constructs the message's version lacks
// (a segment number in v1, for example).
//
// Decoding fills the model's Opt fields, lists and pointers as the text
// decoder would for the same message, so that text -> BER -> model and
// BER -> text -> BER are exact for every message with a binary form.
package ber
