package engine

import (
	"time"

	"github.com/megaco/megaco/pkg/h248"
)

// EventKind says what an Event counts.
type EventKind uint8

const (
	// EventSent and EventReceived: a transaction went out or came in (Tx
	// says which kind).
	EventSent EventKind = iota
	EventReceived
	// EventResend: a request was sent again by its request timer.
	EventResend
	// EventTimeout: a request ended without a reply.
	EventTimeout
	// EventCompleted: a request got its final reply, Latency after it was
	// first sent.
	EventCompleted
	// EventErrorSent and EventErrorReceived: a reply carrying error Code
	// (for the transaction or an action) went out or came in.
	EventErrorSent
	EventErrorReceived
)

// TxKind is the kind of a transaction.
type TxKind uint8

const (
	TxRequest TxKind = iota
	TxReply
	TxPending
	TxResponseAck
	TxSegmentReply
)

var txKindNames = [...]string{"request", "reply", "pending", "ack", "segment_reply"}

func (k TxKind) String() string { return txKindNames[k] }

// Event is something an Observer counts.
type Event struct {
	Kind    EventKind
	Tx      TxKind
	Code    h248.ErrorCode
	Latency time.Duration
}

// Observer counts what connections do (for metrics). It runs on the
// connection's loop and must return at once.
type Observer interface {
	Observe(e Event)
}

func txKind(t h248.Transaction) TxKind {
	switch t.(type) {
	case *h248.TransactionReply:
		return TxReply
	case *h248.TransactionPending:
		return TxPending
	case *h248.TransactionResponseAck:
		return TxResponseAck
	case *h248.SegmentReply:
		return TxSegmentReply
	}
	return TxRequest
}

// observeMessage reports the transactions of a message and the errors its
// replies carry.
func observeMessage(o Observer, m *h248.Message, sent bool) {
	kind, errKind := EventReceived, EventErrorReceived
	if sent {
		kind, errKind = EventSent, EventErrorSent
	}
	if m.Error != nil {
		o.Observe(Event{Kind: errKind, Code: m.Error.Code})
	}
	for _, t := range m.Transactions {
		o.Observe(Event{Kind: kind, Tx: txKind(t)})
		rep, ok := t.(*h248.TransactionReply)
		if !ok {
			continue
		}
		if rep.Error != nil {
			o.Observe(Event{Kind: errKind, Code: rep.Error.Code})
		}
		for _, a := range rep.Actions {
			if a.Error != nil {
				o.Observe(Event{Kind: errKind, Code: a.Error.Code})
			}
		}
	}
}
