package h248

import (
	"net/netip"
	"strconv"
)

// Message is a Megaco message: an optional authentication header, the
// protocol version, the sender's MID and either a message-level error or a
// list of transactions.
type Message struct {
	Auth    *AuthHeader `json:"auth,omitempty"`
	Version int         `json:"version"`
	MID     MID         `json:"mid"`
	// Error is the message-level errorDescriptor; when it is set the
	// message carries no transactions.
	Error        *ErrorDescriptor `json:"error,omitempty"`
	Transactions []Transaction    `json:"transactions,omitempty"`
}

// AuthHeader is the authentication header of RFC 3525 §10.
type AuthHeader struct {
	SPI    uint32 `json:"spi"`             // SecurityParmIndex
	SeqNum uint32 `json:"seqNum"`          // SequenceNum
	Data   []byte `json:"data" eq:"exact"` // AuthData, 12 to 32 octets
}

// MIDKind says which form a MID (or a ServiceChangeAddress) takes.
type MIDKind uint8

const (
	MIDIP4    MIDKind = iota + 1 // [a.b.c.d]:port
	MIDIP6                       // [v6]:port
	MIDDomain                    // <domain.name>:port
	MIDDevice                    // pathNAME
	MIDMTP                       // MTP{hex}
	// MIDPort is a bare port number; it occurs only as a ServiceChangeAddress.
	MIDPort
)

var midKindNames = [...]string{MIDIP4: "ip4", MIDIP6: "ip6", MIDDomain: "domain", MIDDevice: "device", MIDMTP: "mtp", MIDPort: "port"}

func (k MIDKind) String() string { return enumName(midKindNames[:], int(k)) }

// MID identifies a message's sender (mId), an MGC to try
// (ServiceChangeMgcId) or a ServiceChangeAddress.
type MID struct {
	Kind MIDKind    `json:"kind"`
	Addr netip.Addr `json:"addr,omitzero"` // MIDIP4, MIDIP6
	// Name is the domain name (without < >), the device name, or the MTP
	// address as hex digits.
	Name string      `json:"name,omitempty"`
	Port Opt[uint16] `json:"port,omitzero"` // optional for IP and domain forms; the value for MIDPort
}

// ErrorDescriptor is an H.248 error: a code and an optional text.
type ErrorDescriptor struct {
	Code ErrorCode `json:"code"`
	Text string    `json:"text,omitempty" eq:"exact"`
}

// Transaction is one of *TransactionRequest, *TransactionPending,
// *TransactionReply, *TransactionResponseAck and *SegmentReply.
type Transaction interface {
	isTransaction()
}

// TransactionRequest carries actions to be executed.
type TransactionRequest struct {
	ID      uint32          `json:"id"`
	Actions []ActionRequest `json:"actions"`
}

// TransactionPending says a request is still being processed.
type TransactionPending struct {
	ID uint32 `json:"id"`
}

// TransactionReply answers a TransactionRequest, with an error for the
// whole transaction or one reply per action. A v3 reply may be one segment
// of several.
type TransactionReply struct {
	ID             uint32           `json:"id"`
	ImmAckRequired bool             `json:"immAckRequired,omitempty"`
	Error          *ErrorDescriptor `json:"error,omitempty"`
	Actions        []ActionReply    `json:"actions,omitempty"`
	// SegmentNumber and SegmentationComplete are v3 segmentation.
	SegmentNumber        Opt[uint16] `json:"segmentNumber,omitzero"`
	SegmentationComplete bool        `json:"segmentationComplete,omitempty"`
}

// TransactionResponseAck acknowledges replies.
type TransactionResponseAck struct {
	Acks []TransactionAck `json:"acks"`
}

// TransactionAck acknowledges one transaction id or a range First..Last.
type TransactionAck struct {
	First uint32      `json:"first"`
	Last  Opt[uint32] `json:"last,omitzero"`
}

// SegmentReply (v3) acknowledges one segment of a segmented reply.
type SegmentReply struct {
	ID                   uint32 `json:"id"`
	SegmentNumber        uint16 `json:"segmentNumber"`
	SegmentationComplete bool   `json:"segmentationComplete,omitempty"`
}

func (*TransactionRequest) isTransaction()     {}
func (*TransactionPending) isTransaction()     {}
func (*TransactionReply) isTransaction()       {}
func (*TransactionResponseAck) isTransaction() {}
func (*SegmentReply) isTransaction()           {}

func enumName(names []string, i int) string {
	if i >= 0 && i < len(names) && names[i] != "" {
		return names[i]
	}
	return "unknown"
}

// String returns the MID in its text form: "[10.0.0.1]:2944", "<mg.example.net>",
// "mg1", "MTP{0A1B}" or, for a bare port, "2944". The zero MID is "-".
func (m MID) String() string {
	var s string
	switch m.Kind {
	case MIDIP4, MIDIP6:
		s = "[" + m.Addr.String() + "]"
	case MIDDomain:
		s = "<" + m.Name + ">"
	case MIDDevice:
		return m.Name
	case MIDMTP:
		return "MTP{" + m.Name + "}"
	case MIDPort:
		return strconv.Itoa(int(m.Port.Value))
	default:
		return "-"
	}
	if m.Port.Set {
		s += ":" + strconv.Itoa(int(m.Port.Value))
	}
	return s
}
