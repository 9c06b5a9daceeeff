package engine

import "github.com/megaco/megaco/pkg/h248"

// Result is the outcome of a request this side sent: the action replies,
// or an error (*ReplyError for an error descriptor in the reply,
// ErrTimeout, ErrRecvPendingLimit, *CanceledError, ...). For a cast whose
// reply comes in segments, each segment is a Result with Segment set and
// Last on the final one.
type Result struct {
	ID      uint32
	Version int
	Actions []h248.ActionReply
	Err     error
	// Segment and Last describe one segment of a segmented reply.
	Segment h248.Opt[uint16]
	Last    bool
}

// An effect is something the state machine decided to do. The loop
// performs it; tests read it.
type effect interface{ isEffect() }

// sendEffect sends a message to the peer.
type sendEffect struct{ msg *h248.Message }

// deliverEffect completes a Call.
type deliverEffect struct {
	caller chan<- Result
	result Result
}

// upcallEffect runs a callback of the user (never on the loop).
type upcallEffect struct{ call Upcall }

func (sendEffect) isEffect()    {}
func (deliverEffect) isEffect() {}
func (upcallEffect) isEffect()  {}

// Upcall is a callback to the user of a connection, as data. The
// connection's Upcalls receives each.
type Upcall interface{ isUpcall() }

// TransRequest: the peer sent a request; answer it through Responder.
type TransRequest struct {
	Request   *h248.TransactionRequest
	Version   int
	Responder *Responder
}

// TransReply: the reply (or failure) of a request sent with Cast.
type TransReply struct {
	Result    Result
	ReplyData any
}

// TransAck: the peer acknowledged a reply that asked for an ack (Err nil),
// or did not within reply_timer (ErrTimeout), or the connection was
// canceled.
type TransAck struct {
	ID      uint32
	Err     error
	AckData any
}

// UnexpectedTrans: a reply, pending or ack for a transaction this side
// does not know.
type UnexpectedTrans struct {
	Transaction h248.Transaction
	Version     int
}

// TransRequestAbort: a request was aborted because the pending limit was
// reached while the user was still processing it; its answer is no longer
// wanted.
type TransRequestAbort struct{ ID uint32 }

// SegmentReplyReceived: the peer acknowledged a segment of a reply this
// side sent (with segment_reply_ind).
type SegmentReplyReceived struct {
	ID       uint32
	Segment  uint16
	Complete bool
}

// MessageError: the peer answered with a message-level error descriptor.
type MessageError struct {
	Descriptor h248.ErrorDescriptor
	Version    int
}

func (TransRequest) isUpcall()         {}
func (MessageError) isUpcall()         {}
func (TransReply) isUpcall()           {}
func (TransAck) isUpcall()             {}
func (UnexpectedTrans) isUpcall()      {}
func (TransRequestAbort) isUpcall()    {}
func (SegmentReplyReceived) isUpcall() {}
