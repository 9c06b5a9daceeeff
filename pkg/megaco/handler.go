package megaco

import (
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
)

// Handler receives a user's callbacks, one method per Erlang megaco_user
// callback. Embed BaseHandler to implement only some.
type Handler interface {
	// HandleConnect: a connection was set up, by Connect or by the first
	// message from a new peer. An error refuses the connection.
	HandleConnect(c *Conn, version int) error
	// HandleDisconnect: the connection was disconnected (its requests and
	// replies keep running).
	HandleDisconnect(c *Conn, version int, reason error)
	// HandleSyntaxError: a message from peer could not be decoded. Return
	// true to answer it with ed (a message-level error).
	HandleSyntaxError(peer Peer, version int, ed h248.ErrorDescriptor) bool
	// HandleMessageError: the peer answered with a message-level error.
	HandleMessageError(c *Conn, version int, ed h248.ErrorDescriptor)
	// HandleTransRequest: the peer sent a request; the Answer says what to
	// do with it. It runs on a goroutine of its own.
	HandleTransRequest(c *Conn, version int, req *Request) Answer
	// HandleTransLongRequest answers a request whose HandleTransRequest
	// returned Long; Pending has gone to the peer.
	HandleTransLongRequest(c *Conn, version int, req *Request, reqData any) Answer
	// HandleTransReply: the reply (or failure) of a request sent with Cast.
	HandleTransReply(c *Conn, version int, result engine.Result, replyData any)
	// HandleTransAck: the peer acknowledged a reply sent WithAck (err nil),
	// or did not in time (engine.ErrTimeout).
	HandleTransAck(c *Conn, version int, id uint32, err error, ackData any)
	// HandleUnexpectedTrans: a reply, pending or segment reply for an
	// unknown transaction.
	HandleUnexpectedTrans(c *Conn, version int, t h248.Transaction)
	// HandleTransRequestAbort: a request still being processed was
	// aborted (orig_pending_limit); its answer is no longer wanted.
	HandleTransRequestAbort(c *Conn, version int, id uint32)
	// HandleSegmentReply: the peer acknowledged a segment of a reply
	// (segment_reply_ind).
	HandleSegmentReply(c *Conn, version int, id uint32, segment uint16, last bool)
}

// BaseHandler is a Handler that accepts connections, answers every
// request with error 501 (Not Implemented) and ignores the rest.
type BaseHandler struct{}

var _ Handler = BaseHandler{}

func (BaseHandler) HandleConnect(*Conn, int) error                         { return nil }
func (BaseHandler) HandleDisconnect(*Conn, int, error)                     {}
func (BaseHandler) HandleSyntaxError(Peer, int, h248.ErrorDescriptor) bool { return true }
func (BaseHandler) HandleMessageError(*Conn, int, h248.ErrorDescriptor)    {}
func (BaseHandler) HandleTransRequest(_ *Conn, _ int, req *Request) Answer {
	return ReplyError(h248.ErrorDescriptor{Code: h248.CodeNotImplemented, Text: "not implemented"})
}
func (BaseHandler) HandleTransLongRequest(_ *Conn, _ int, _ *Request, _ any) Answer {
	return ReplyError(h248.ErrorDescriptor{Code: h248.CodeNotImplemented, Text: "not implemented"})
}
func (BaseHandler) HandleTransReply(*Conn, int, engine.Result, any)     {}
func (BaseHandler) HandleTransAck(*Conn, int, uint32, error, any)       {}
func (BaseHandler) HandleUnexpectedTrans(*Conn, int, h248.Transaction)  {}
func (BaseHandler) HandleTransRequestAbort(*Conn, int, uint32)          {}
func (BaseHandler) HandleSegmentReply(*Conn, int, uint32, uint16, bool) {}

// Request is a transaction request from the peer, being answered.
type Request struct {
	*h248.TransactionRequest
	r *engine.Responder
}

// Reply answers the request now (for a handler that returned Later).
func (r *Request) Reply(a Answer) error {
	switch a.kind {
	case answerReply:
		return r.r.Reply(a.replies, a.ack, a.ackData)
	case answerError:
		return r.r.ReplyError(a.err)
	}
	return nil
}

// Pending sends TransactionPending now.
func (r *Request) Pending() error { return r.r.Pending() }

type answerKind uint8

const (
	answerReply answerKind = iota
	answerError
	answerLong
	answerLater
	answerIgnore
)

// Answer is what a handler does with a request: reply now (Reply,
// ReplyError), process it long (Long: Pending goes out and
// HandleTransLongRequest answers), answer later through the Request
// (Later), or drop it (Ignore).
type Answer struct {
	kind    answerKind
	replies []h248.ActionReply
	err     h248.ErrorDescriptor
	ack     engine.AckMode
	ackData any
	reqData any
}

// Reply answers with action replies.
func Reply(replies ...h248.ActionReply) Answer { return Answer{kind: answerReply, replies: replies} }

// ReplyError answers with an error for the whole transaction.
func ReplyError(ed h248.ErrorDescriptor) Answer { return Answer{kind: answerError, err: ed} }

// Long sends TransactionPending and calls HandleTransLongRequest with
// reqData (Erlang's {pending, ReqData}).
func Long(reqData any) Answer { return Answer{kind: answerLong, reqData: reqData} }

// Later leaves the request open: the handler answers with Request.Reply.
// The pending timer sends Pendings meanwhile.
func Later() Answer { return Answer{kind: answerLater} }

// Ignore drops the request without an answer.
func Ignore() Answer { return Answer{kind: answerIgnore} }

// WithAck asks the peer to acknowledge the reply at once
// (ImmAckRequired); HandleTransAck gets ackData (Erlang's handle_ack).
func (a Answer) WithAck(ackData any) Answer {
	a.ack, a.ackData = engine.ImmAck, ackData
	return a
}

// WithSloppyAck waits for the peer's ack without asking for it at once:
// the peer acknowledges when its transaction sender does; HandleTransAck
// gets ackData (Erlang's handle_sloppy_ack). Unlike Erlang, a long
// request may answer this way too.
func (a Answer) WithSloppyAck(ackData any) Answer {
	a.ack, a.ackData = engine.SloppyAck, ackData
	return a
}
