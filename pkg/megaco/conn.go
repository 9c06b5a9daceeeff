package megaco

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/transport"
)

// Conn is a connection between a user and a peer (Erlang's conn handle).
type Conn struct {
	user    *User
	handler Handler
	enc     codec.Encoding
	eng     *engine.Conn

	mu       sync.Mutex
	remote   h248.MID
	tr       transport.Transport
	to       transport.SendHandle
	ver      int
	detached bool

	tracing atomic.Bool
}

// SetTrace turns on or off the logging of every message in and out of the
// connection.
func (c *Conn) SetTrace(on bool) { c.tracing.Store(on) }

// Tracing reports whether messages are logged.
func (c *Conn) Tracing() bool { return c.tracing.Load() }

// trace logs one message: text as it is, binary in hex.
func (c *Conn) trace(dir string, b []byte) {
	f := zap.ByteString("message", b)
	if c.enc == codec.Binary {
		f = zap.Binary("message", b)
	}
	c.user.log.Info("trace", zap.String("dir", dir), zap.Stringer("peer", c.peer()), zap.Stringer("remote", c.RemoteMID()), f)
}

// LocalMID is the user's MID.
func (c *Conn) LocalMID() h248.MID { return c.user.mid }

// RemoteMID is the peer's MID (zero while preliminary).
func (c *Conn) RemoteMID() h248.MID {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.remote
}

// Encoding is the encoding the connection sends.
func (c *Conn) Encoding() codec.Encoding { return c.enc }

func (c *Conn) version() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ver == 0 {
		info, err := c.eng.Info()
		if err == nil {
			c.ver = info.Config.ProtocolVersion
		}
	}
	return c.ver
}

func (c *Conn) peer() transport.SendHandle {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.to
}

// learnRemote records the peer's MID when it was preliminary, and reports
// whether it did.
func (c *Conn) learnRemote(mid h248.MID) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.remote == (h248.MID{}) && mid != (h248.MID{}) {
		c.remote = mid
		return true
	}
	return false
}

func (c *Conn) reattach(tr transport.Transport, to transport.SendHandle) {
	c.mu.Lock()
	c.tr, c.to, c.detached = tr, to, false
	c.mu.Unlock()
}

// Call sends a transaction request and waits for its reply (Erlang's
// call). The reply's error descriptor for the whole transaction comes as a
// *engine.ReplyError.
func (c *Conn) Call(ctx context.Context, actions []h248.ActionRequest) ([]h248.ActionReply, error) {
	r, err := c.eng.Call(ctx, actions)
	return r.Actions, err
}

// Cast sends a transaction request; the reply comes to HandleTransReply
// with replyData (Erlang's cast).
func (c *Conn) Cast(actions []h248.ActionRequest, replyData any) (uint32, error) {
	return c.eng.Cast(actions, replyData)
}

// Cancel fails every outstanding request with a *engine.CanceledError.
func (c *Conn) Cancel(reason error) error { return c.eng.Cancel(reason) }

// Disconnect reports the connection gone: HandleDisconnect fires, the next
// message from the peer connects again; requests, resends and kept replies
// carry on.
func (c *Conn) Disconnect(reason error) error {
	c.mu.Lock()
	already := c.detached
	c.detached = true
	c.mu.Unlock()
	if !already {
		c.user.detach(c)
		c.handler.HandleDisconnect(c, c.version(), reason)
	}
	return nil
}

// ConnInfo is a connection's state.
type ConnInfo struct {
	LocalMID, RemoteMID h248.MID
	Peer                string
	Encoding            codec.Encoding
	Disconnected        bool
	Tracing             bool
	engine.Info
}

// Info returns the connection's state (Erlang's conn_info).
func (c *Conn) Info() (ConnInfo, error) {
	ei, err := c.eng.Info()
	if err != nil {
		return ConnInfo{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return ConnInfo{LocalMID: c.user.mid, RemoteMID: c.remote, Peer: c.to.String(), Encoding: c.enc,
		Disconnected: c.detached, Tracing: c.tracing.Load(), Info: ei}, nil
}

// UpdateConnInfo changes the live connection's configuration (Erlang's
// update_conn_info).
func (c *Conn) UpdateConnInfo(f func(*engine.Config)) error {
	var v int
	err := c.eng.UpdateConfig(func(cfg *engine.Config) {
		f(cfg)
		v = cfg.ProtocolVersion
	})
	if err == nil {
		c.mu.Lock()
		c.ver = v
		c.mu.Unlock()
	}
	return err
}

// checkVersion answers 406 to the requests of a message whose version the
// connection does not accept (strict_version: it must be the connection's;
// otherwise at most the user's) and returns the rest, which still goes in:
// a peer must be able to read the 406 answer to its own request.
func (c *Conn) checkVersion(m *h248.Message) *h248.Message {
	info, err := c.eng.Info()
	if err != nil {
		return nil
	}
	v := info.Config.ProtocolVersion
	if m.Version == v || (!info.Config.StrictVersion && m.Version <= c.user.config().ProtocolVersion) {
		return m
	}
	var replies []h248.Transaction
	rest := &h248.Message{Version: m.Version, MID: m.MID, Error: m.Error, Auth: m.Auth}
	for _, t := range m.Transactions {
		if tr, ok := t.(*h248.TransactionRequest); ok {
			replies = append(replies, &h248.TransactionReply{ID: tr.ID, Error: &h248.ErrorDescriptor{
				Code: h248.CodeVersionNotSupported, Text: "version not supported"}})
			continue
		}
		rest.Transactions = append(rest.Transactions, t)
	}
	if len(replies) > 0 {
		c.user.stack.stats.versionErrors.Add(1)
		c.user.log.Info("version not supported", zap.Stringer("peer", c.peer()), zap.Int("version", m.Version), zap.Int("connection", v))
		c.sendRaw(&h248.Message{Version: v, MID: c.user.mid, Transactions: replies})
	}
	if rest.Error == nil && len(rest.Transactions) == 0 {
		return nil
	}
	return rest
}

// sendRaw sends a message outside the engine (answers that need no
// transaction state).
func (c *Conn) sendRaw(m *h248.Message) {
	cod, err := newCodec(c.enc, c.user.config())
	if err != nil {
		return
	}
	b, err := cod.Append(nil, m)
	if err == nil {
		if c.tracing.Load() {
			c.trace("out", b)
		}
		err = c.tr.Send(c.peer(), b)
	}
	if err != nil {
		c.user.log.Warn("send", zap.Error(err))
	}
}

// transactionErrors answers the requests of a message that could not be
// decoded while the rest of it could: each gets a TransactionReply with
// error 403 under its id (the null id 0 when unreadable, RFC 3525 §8.2.2)
// unless HandleSyntaxError says not to; the others are logged.
func (c *Conn) transactionErrors(pe *codec.PartialError) {
	v := c.version()
	for _, f := range pe.Failed {
		de := f.Err
		c.user.log.Info("undecodable transaction", zap.Stringer("peer", c.peer()), zap.Uint32("transaction", f.ID),
			zap.Bool("request", f.Request), zap.Int("line", de.Line), zap.Int("column", de.Column),
			zap.Int("offset", de.Offset), zap.String("reason", de.Message()))
		if !f.Request {
			continue
		}
		ed := h248.ErrorDescriptor{Code: h248.CodeSyntaxErrorInTransaction, Text: fmt.Sprintf("%d:%d: %s", de.Line, de.Column, de.Message())}
		if !c.handler.HandleSyntaxError(Peer{Transport: c.tr, Handle: c.peer()}, v, ed) {
			continue
		}
		c.sendRaw(&h248.Message{Version: v, MID: c.user.mid, Transactions: []h248.Transaction{
			&h248.TransactionReply{ID: f.ID, Error: &ed}}})
	}
}

// Upcall turns the engine's callbacks into the Handler's.
func (c *Conn) Upcall(_ *engine.Conn, u engine.Upcall) {
	h := c.handler
	switch u := u.(type) {
	case engine.TransRequest:
		c.answer(u)
	case engine.TransReply:
		h.HandleTransReply(c, u.Result.Version, u.Result, u.ReplyData)
	case engine.TransAck:
		h.HandleTransAck(c, c.version(), u.ID, u.Err, u.AckData)
	case engine.UnexpectedTrans:
		h.HandleUnexpectedTrans(c, u.Version, u.Transaction)
	case engine.TransRequestAbort:
		h.HandleTransRequestAbort(c, c.version(), u.ID)
	case engine.SegmentReplyReceived:
		h.HandleSegmentReply(c, c.version(), u.ID, u.Segment, u.Complete)
	case engine.MessageError:
		h.HandleMessageError(c, u.Version, u.Descriptor)
	}
}

// answer runs the handler of a request and carries out its Answer.
func (c *Conn) answer(u engine.TransRequest) {
	req := &Request{TransactionRequest: u.Request, r: u.Responder}
	a := c.handler.HandleTransRequest(c, u.Version, req)
	if a.kind == answerLong {
		_ = req.Pending()
		a = c.handler.HandleTransLongRequest(c, u.Version, req, a.reqData)
	}
	switch a.kind {
	case answerReply:
		v := c.negotiate(u.Request, a.replies)
		_ = u.Responder.Reply(a.replies, a.ack, a.ackData)
		if v != 0 {
			// The reply goes out in the version the request came in; the
			// connection speaks the new one from now on.
			_ = c.UpdateConnInfo(func(cfg *engine.Config) { cfg.ProtocolVersion = v })
		}
	case answerError:
		_ = u.Responder.ReplyError(a.err)
	case answerIgnore:
		_ = u.Responder.Drop()
	}
}

// negotiate fills in the version of a ServiceChange reply: the lower of
// the version the peer offers and the user's. It returns that version, the
// one the connection speaks next, or 0 when nothing was negotiated.
func (c *Conn) negotiate(tr *h248.TransactionRequest, replies []h248.ActionReply) int {
	negotiated := 0
	for i, act := range tr.Actions {
		for j, cmd := range act.Commands {
			sc, ok := cmd.Command.(*h248.ServiceChangeRequest)
			if !ok || !sc.Parms.Version.Set || i >= len(replies) || j >= len(replies[i].Commands) {
				continue
			}
			rep, ok := replies[i].Commands[j].(*h248.ServiceChangeReply)
			if !ok || rep.Error != nil {
				continue
			}
			if !rep.Result.Version.Set {
				v := min(int(sc.Parms.Version.Value), c.user.config().ProtocolVersion)
				rep.Result.Version = h248.Some(uint8(v))
			}
			negotiated = int(rep.Result.Version.Value)
		}
	}
	return negotiated
}
