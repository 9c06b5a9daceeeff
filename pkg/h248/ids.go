package h248

import (
	"strconv"
	"strings"
)

// ContextID identifies a context. Three values are reserved: the null
// context (text "-"), CHOOSE ("$") and ALL ("*").
type ContextID uint32

const (
	ContextNull   ContextID = 0
	ContextChoose ContextID = 0xFFFFFFFE
	ContextAll    ContextID = 0xFFFFFFFF
)

// String returns the text form: "-", "$", "*" or the decimal number.
func (c ContextID) String() string {
	switch c {
	case ContextNull:
		return "-"
	case ContextChoose:
		return "$"
	case ContextAll:
		return "*"
	}
	return strconv.FormatUint(uint64(c), 10)
}

// RequestID correlates an Events descriptor with the Notify it causes.
type RequestID = uint32

// RequestIDAll is the RequestID "*" (all events, in AuditCapabilities replies).
const RequestIDAll RequestID = 0xFFFFFFFF

// TerminationID names a termination in the text form: "ROOT", "$"
// (CHOOSE), "*" (ALL) or a pathNAME that may hold the wildcards "*" and "$"
// (for example "tdm/1/*"). Termination ids compare case-insensitively.
type TerminationID string

// Root is the termination that stands for the whole gateway.
const Root TerminationID = "ROOT"

// IsRoot reports whether t is the ROOT termination.
func (t TerminationID) IsRoot() bool { return strings.EqualFold(string(t), string(Root)) }

// IsWildcard reports whether t contains a wildcard ("*" or "$").
func (t TerminationID) IsWildcard() bool { return strings.ContainsAny(string(t), "*$") }

// IsChoose reports whether t asks the MG to choose a termination.
func (t TerminationID) IsChoose() bool { return strings.Contains(string(t), "$") }
