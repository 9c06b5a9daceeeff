package grammar

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/megaco/megaco/pkg/h248"
)

// The rules below check the inside of a single Safe token (a number, a
// name, "10/1/END", "1-5"): the ABNF's productions below the token level.
// Both the participle grammar and the fast decoder use them.

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isHex(c byte) bool   { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// ParseUint parses 1 to maxDigits decimal digits (maxDigits 0: 10) whose
// value is at most max.
func ParseUint(s string, maxDigits int, max uint64) (uint64, bool) {
	if maxDigits == 0 {
		maxDigits = 10
	}
	if len(s) == 0 || len(s) > maxDigits {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		v = v*10 + uint64(s[i]-'0')
	}
	return v, v <= max
}

// TokenError is an error inside a Safe token, Offset bytes from its start.
type TokenError struct {
	Offset int
	Msg    string
}

func (e *TokenError) Error() string { return e.Msg }

// ParseVersionToken parses "MEGACO/v" or "!/v" (Version = 1*2DIGIT). A
// *TokenError locates a problem: the missing "/" or the version.
func ParseVersionToken(s string) (int, error) {
	i := strings.IndexByte(s, '/')
	if i < 0 {
		if equalFold(s, MegacopToken.Long()) || s == MegacopToken.Short() {
			return 0, &TokenError{len(s), `expected "/" and a version`}
		}
		return 0, &TokenError{0, `expected "MEGACO/" and a version`}
	}
	if p := s[:i]; !equalFold(p, MegacopToken.Long()) && p != MegacopToken.Short() {
		return 0, &TokenError{0, fmt.Sprintf("expected MEGACO or !, found %q", p)}
	}
	v, ok := ParseUint(s[i+1:], 2, 99)
	if !ok {
		return 0, &TokenError{i + 1, "version must be 1 or 2 digits"}
	}
	return int(v), nil
}

// ParseHex32 parses "0x" and 8 hex digits.
func ParseHex32(s string) (uint32, bool) {
	if len(s) != 10 || (s[:2] != "0x" && s[:2] != "0X") {
		return 0, false
	}
	var v uint32
	for i := 2; i < len(s); i++ {
		n, ok := hexVal(s[i])
		if !ok {
			return 0, false
		}
		v = v<<4 | uint32(n)
	}
	return v, true
}

// ParseAuthData parses "0x" and 24 to 64 hex digits (an even number).
func ParseAuthData(s string) ([]byte, bool) {
	if len(s) < 2 || (s[:2] != "0x" && s[:2] != "0X") {
		return nil, false
	}
	h := s[2:]
	if len(h) < 24 || len(h) > 64 || len(h)%2 != 0 {
		return nil, false
	}
	out := make([]byte, len(h)/2)
	for i := range out {
		a, ok1 := hexVal(h[2*i])
		b, ok2 := hexVal(h[2*i+1])
		if !ok1 || !ok2 {
			return nil, false
		}
		out[i] = a<<4 | b
	}
	return out, true
}

func hexVal(c byte) (byte, bool) {
	switch {
	case isDigit(c):
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// ParseIPAddress parses the inside of a domainAddress: IPv4address (each
// part 1 to 3 digits, at most 255) or IPv6address.
func ParseIPAddress(s string) (netip.Addr, bool) {
	if strings.IndexByte(s, ':') < 0 {
		a, ok := parseIPv4(s)
		if !ok {
			return netip.Addr{}, false
		}
		return netip.AddrFrom4(a), true
	}
	// IPv6: hex groups, "::" and an optional trailing IPv4 address.
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isHex(c) && c != ':' && c != '.' {
			return netip.Addr{}, false
		}
	}
	if i := strings.LastIndexByte(s, ':'); strings.IndexByte(s[i:], '.') >= 0 {
		if _, ok := parseIPv4(s[i+1:]); !ok {
			return netip.Addr{}, false
		}
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() {
		return netip.Addr{}, false
	}
	return a, true
}

func parseIPv4(s string) ([4]byte, bool) {
	var a [4]byte
	for i := range a {
		part := s
		if j := strings.IndexByte(s, '.'); j >= 0 && i < 3 {
			part, s = s[:j], s[j+1:]
		} else if i < 3 {
			return a, false
		}
		v, ok := ParseUint(part, 3, 255)
		if !ok {
			return a, false
		}
		a[i] = byte(v)
	}
	return a, true
}

// ValidDomainName checks the name of a domainName: an ALPHA or DIGIT then
// up to 63 ALPHA, DIGIT, "-" or ".".
func ValidDomainName(s string) bool {
	if len(s) == 0 || len(s) > 64 || !(isAlpha(s[0]) || isDigit(s[0])) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlpha(c) && !isDigit(c) && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// ValidMTPAddress checks 4 to 8 hex digits.
func ValidMTPAddress(s string) bool {
	if len(s) < 4 || len(s) > 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// ValidPathName checks a pathNAME (a device name or termination id) of at
// most 64 characters. Beyond the ABNF (an ALPHA or "*" first) it accepts a
// leading DIGIT or "$", as in the "00000001/00000001/*" names that map
// binary termination ids, and "-" and "." (allowed after "@") anywhere.
func ValidPathName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	if c := s[0]; !isAlpha(c) && !isDigit(c) && c != '*' && c != '$' {
		return false
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case isAlpha(c), isDigit(c):
		case c == '_' || c == '/' || c == '*' || c == '$' || c == '@' || c == '-' || c == '.':
		default:
			return false
		}
	}
	return true
}

// ValidTerminationID checks a TerminationID: "ROOT", "$", "*" or a pathNAME.
func ValidTerminationID(s string) bool {
	return s == "$" || s == "*" || ValidPathName(s)
}

// ValidName checks a NAME: an ALPHA then up to 63 ALPHA, DIGIT or "_".
func ValidName(s string) bool {
	if len(s) == 0 || len(s) > 64 || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlpha(c) && !isDigit(c) && c != '_' {
			return false
		}
	}
	return true
}

// ValidPkgdName checks a pkgdName: NAME "/" NAME, NAME "/*" or "*/*".
func ValidPkgdName(s string) bool {
	i := strings.IndexByte(s, '/')
	if i < 0 {
		return false
	}
	pkg, item := s[:i], s[i+1:]
	if pkg == "*" {
		return item == "*"
	}
	return ValidName(pkg) && (item == "*" || ValidName(item))
}

// ValidExtension checks an extensionParameter: "X-" or "X+" and 1 to 6
// ALPHA or DIGIT.
func ValidExtension(s string) bool {
	if len(s) < 3 || len(s) > 8 || (s[0] != 'X' && s[0] != 'x') || (s[1] != '-' && s[1] != '+') {
		return false
	}
	for i := 2; i < len(s); i++ {
		if !isAlpha(s[i]) && !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// ParseContextID parses "-", "$", "*" or a UINT32.
func ParseContextID(s string) (h248.ContextID, bool) {
	switch s {
	case "-":
		return h248.ContextNull, true
	case "$":
		return h248.ContextChoose, true
	case "*":
		return h248.ContextAll, true
	}
	v, ok := ParseUint(s, 10, 0xFFFFFFFF)
	return h248.ContextID(v), ok
}

// ParseTimeStamp parses Date "T" Time: 8 digits, "T", 8 digits.
func ParseTimeStamp(s string) (h248.TimeNotation, bool) {
	if len(s) != 17 || (s[8] != 'T' && s[8] != 't') {
		return h248.TimeNotation{}, false
	}
	for i := 0; i < 17; i++ {
		if i != 8 && !isDigit(s[i]) {
			return h248.TimeNotation{}, false
		}
	}
	return h248.TimeNotation{Date: s[:8], Time: s[9:]}, true
}

// IsTimeStamp reports whether s has the form of a TimeStamp.
func IsTimeStamp(s string) bool {
	_, ok := ParseTimeStamp(s)
	return ok
}

// TransactionIDSegment is the transaction id of a reply or segment reply
// with its v3 segment number and end marker: "10", "10/1", "10/2/END".
type TransactionIDSegment struct {
	ID       uint32
	Segment  h248.Opt[uint16]
	Complete bool
}

// ParseTransactionIDSegment parses TransactionID [SLASH segmentNumber
// [SLASH SegmentationCompleteToken]]; a *TokenError locates a problem.
func ParseTransactionIDSegment(s string) (TransactionIDSegment, error) {
	var r TransactionIDSegment
	idPart, rest, seg := strings.Cut(s, "/")
	id, ok := ParseUint(idPart, 10, 0xFFFFFFFF)
	if !ok {
		return r, &TokenError{0, "TransactionID must be a number from 0 to 4294967295"}
	}
	r.ID = uint32(id)
	if !seg {
		return r, nil
	}
	off := len(idPart) + 1
	numPart, end, complete := strings.Cut(rest, "/")
	n, ok := ParseUint(numPart, 5, 0xFFFF)
	if !ok {
		return r, &TokenError{off, "segment number must be a number from 0 to 65535"}
	}
	r.Segment = h248.Some(uint16(n))
	if complete {
		if !SegmentationCompleteToken.Is([]byte(end)) {
			return r, &TokenError{off + len(numPart) + 1, `expected "END" or "&" after the segment number`}
		}
		r.Complete = true
	}
	return r, nil
}

// ParseTransactionAck parses TransactionID or TransactionID "-"
// TransactionID; a *TokenError locates a problem.
func ParseTransactionAck(s string) (h248.TransactionAck, error) {
	first, last, rng := strings.Cut(s, "-")
	f, ok := ParseUint(first, 10, 0xFFFFFFFF)
	if !ok {
		return h248.TransactionAck{}, &TokenError{0, "a transaction id must be a number from 0 to 4294967295"}
	}
	a := h248.TransactionAck{First: uint32(f)}
	if rng {
		l, ok := ParseUint(last, 10, 0xFFFFFFFF)
		if !ok {
			return h248.TransactionAck{}, &TokenError{len(first) + 1, "a transaction id must be a number from 0 to 4294967295"}
		}
		a.Last = h248.Some(uint32(l))
	}
	return a, nil
}

// ParsePackagesItem parses NAME "-" UINT16; a *TokenError locates a problem.
func ParsePackagesItem(s string) (h248.PackagesItem, error) {
	i := strings.LastIndexByte(s, '-')
	if i < 0 || !ValidName(s[:i]) {
		return h248.PackagesItem{}, &TokenError{0, "a packages item must be name-version"}
	}
	v, ok := ParseUint(s[i+1:], 5, 0xFFFF)
	if !ok {
		return h248.PackagesItem{}, &TokenError{i + 1, "a package version must be a number from 0 to 65535"}
	}
	return h248.PackagesItem{Name: s[:i], Version: uint16(v)}, nil
}

// ParseProfile parses NAME "/" Version; a *TokenError locates a problem.
func ParseProfile(s string) (h248.Profile, error) {
	i := strings.LastIndexByte(s, '/')
	if i < 0 || !ValidName(s[:i]) {
		return h248.Profile{}, &TokenError{0, "a profile must be name/version"}
	}
	v, ok := ParseUint(s[i+1:], 2, 99)
	if !ok {
		return h248.Profile{}, &TokenError{i + 1, "a profile version must be 1 or 2 digits"}
	}
	return h248.Profile{Name: s[:i], Version: uint8(v)}, nil
}
