package megaco

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"

	"go.uber.org/zap"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/ber"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/transport"
)

// User is a megaco user: a MID, its configuration and its connections. It
// is the Handler of the transports it listens on.
type User struct {
	stack *Stack
	mid   h248.MID
	log   *zap.Logger

	mu     sync.Mutex
	cfg    UserConfig
	conns  map[h248.MID]*Conn // by the peer's MID
	byPeer map[peerKey]*Conn  // by where the peer's messages come from
	closed bool
}

// peerKey is where a peer's messages come from: the transport that
// received them and the peer's handle on it.
type peerKey struct {
	tr transport.Transport
	to transport.SendHandle
}

var _ transport.Handler = (*User)(nil)

// MID is the user's MID.
func (u *User) MID() h248.MID { return u.mid }

// UserInfo is a user's state.
type UserInfo struct {
	MID         h248.MID
	Config      UserConfig
	Connections []*Conn
}

// Info returns the user's configuration and connections.
func (u *User) Info() UserInfo {
	u.mu.Lock()
	defer u.mu.Unlock()
	return UserInfo{MID: u.mid, Config: u.cfg, Connections: u.connsLocked()}
}

// Conns returns the user's connections.
func (u *User) Conns() []*Conn {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.connsLocked()
}

func (u *User) connsLocked() []*Conn {
	seen := map[*Conn]bool{}
	var cs []*Conn
	for _, c := range u.conns {
		if !seen[c] {
			seen[c] = true
			cs = append(cs, c)
		}
	}
	for _, c := range u.byPeer {
		if !seen[c] {
			seen[c] = true
			cs = append(cs, c)
		}
	}
	return cs
}

// UpdateInfo changes the user's configuration for connections made from
// now on; an invalid result is refused.
func (u *User) UpdateInfo(f func(*UserConfig)) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	cfg := u.cfg
	f(&cfg)
	if err := cfg.Validate(); err != nil {
		return err
	}
	if cfg.Handler == nil {
		cfg.Handler = BaseHandler{}
	}
	u.cfg = cfg
	return nil
}

func (u *User) config() UserConfig {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.cfg
}

// Connect sets up a connection to remote (zero: preliminary MID) through
// tr at to; HandleConnect may refuse it.
func (u *User) Connect(remote h248.MID, tr transport.Transport, to transport.SendHandle) (*Conn, error) {
	cfg := u.config()
	c, err := u.newConn(cfg, remote, tr, to, cfg.ProtocolVersion, encodingFor(cfg, tr))
	if err != nil {
		return nil, err
	}
	if err := cfg.Handler.HandleConnect(c, c.version()); err != nil {
		c.eng.Close()
		return nil, fmt.Errorf("%w: %v", ErrConnRefused, err)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		c.eng.Close()
		return nil, ErrNoUser
	}
	if remote != (h248.MID{}) {
		u.conns[remote] = c
	}
	u.byPeer[peerKey{tr, to}] = c
	return c, nil
}

func (u *User) newConn(cfg UserConfig, remote h248.MID, tr transport.Transport, to transport.SendHandle, version int, enc codec.Encoding) (*Conn, error) {
	cod, err := newCodec(enc, cfg)
	if err != nil {
		return nil, err
	}
	c := &Conn{user: u, remote: remote, tr: tr, to: to, handler: cfg.Handler, enc: enc}
	ecfg := cfg.Config
	ecfg.ProtocolVersion = version
	c.eng, err = engine.New(ecfg, engine.Params{
		Local: u.mid,
		Codec: cod,
		Send: func(b []byte) error {
			if c.tracing.Load() {
				c.trace("out", b)
			}
			return tr.Send(c.peer(), b)
		},
		Upcalls:      c,
		Logger:       u.log.With(zap.Stringer("peer", to)),
		Observer:     u.stack.obs,
		FirstTransID: cfg.FirstTransID,
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// newCodec returns the codec of an encoding.
func newCodec(enc codec.Encoding, cfg UserConfig) (codec.Codec, error) {
	switch enc {
	case codec.Pretty, codec.Compact:
		return &text.Codec{Encoding: enc, Limits: cfg.Limits}, nil
	case codec.Binary:
		return ber.New(ber.WithLimits(cfg.Limits), ber.WithTermIDs(cfg.TermIDs), ber.WithRawValues(cfg.RawValues)), nil
	}
	return nil, fmt.Errorf("%w: %v", ErrNoEncoding, enc)
}

// encodingFor picks the encoding of a connection on tr: the configured
// one, or by tr's port.
func encodingFor(cfg UserConfig, tr transport.Transport) codec.Encoding {
	if cfg.Encoding != 0 {
		return cfg.Encoding
	}
	if tr != nil && strings.HasSuffix(tr.LocalAddr(), ":"+strconv.Itoa(transport.DefaultBinaryPort)) {
		return codec.Binary
	}
	return codec.Pretty
}

// HandlePacket decodes a message a transport received and hands it to its
// connection, setting one up for a new peer.
func (u *User) HandlePacket(p transport.Packet) {
	st := &u.stack.stats
	st.received.Add(1)
	cfg := u.config()
	enc := encodingFor(cfg, p.Local)
	// Read what the peer sent, text or binary, whatever this side sends:
	// two sides that answered each other's messages with syntax errors
	// would never stop.
	dec := enc
	if got := codec.Detect(p.Data); (got == codec.Binary) != (enc == codec.Binary) {
		dec = got
	}
	cod, err := newCodec(dec, cfg)
	if err != nil {
		u.log.Warn("no codec for the message", zap.Stringer("peer", p.From), zap.Error(err))
		st.decodeErrors.Add(1)
		return
	}
	m, err := cod.Decode(p.Data)
	var partial *codec.PartialError
	if err != nil {
		st.decodeErrors.Add(1)
		if !errors.As(err, &partial) {
			u.syntaxError(cfg, p, cod, err)
			return
		}
	}
	c, err := u.route(cfg, p, m, enc)
	if err != nil {
		st.refused.Add(1)
		u.log.Warn("message refused", zap.Stringer("peer", p.From), zap.Stringer("mid", m.MID), zap.Error(err))
		return
	}
	if c.tracing.Load() {
		c.trace("in", p.Data)
	}
	if m = c.checkVersion(m); m == nil {
		return
	}
	if partial != nil {
		c.transactionErrors(partial)
	}
	if len(m.Transactions) > 0 || m.Error != nil {
		_ = c.eng.Receive(m)
	}
}

// detach removes c from the routing of messages by peer, so that the next
// message from its peer sets it up again.
func (u *User) detach(c *Conn) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for k, cc := range u.byPeer {
		if cc == c {
			delete(u.byPeer, k)
		}
	}
}

// HandleClosed disconnects the connection of a stream that closed.
func (u *User) HandleClosed(from transport.SendHandle, err error) {
	u.mu.Lock()
	var c *Conn
	for k, cc := range u.byPeer {
		if k.to == from {
			c = cc
		}
	}
	u.mu.Unlock()
	if c != nil {
		if err == nil {
			err = errors.New("stream closed")
		}
		_ = c.Disconnect(err)
	}
}

// route finds the connection of a message, re-attaches a disconnected one,
// or sets up a new one.
func (u *User) route(cfg UserConfig, p transport.Packet, m *h248.Message, enc codec.Encoding) (*Conn, error) {
	key := peerKey{p.Local, p.From}
	u.mu.Lock()
	if u.closed {
		u.mu.Unlock()
		return nil, ErrNoUser
	}
	if c, ok := u.byPeer[key]; ok {
		if c.learnRemote(m.MID) {
			u.conns[m.MID] = c
		}
		u.mu.Unlock()
		return c, nil
	}
	c, known := u.conns[m.MID]
	u.mu.Unlock()
	if err := allowed(cfg, m.MID, p.From); err != nil {
		return nil, err
	}
	if known {
		// The peer is back (on a new address or after a disconnect).
		c.reattach(p.Local, p.From)
	} else {
		version := min(m.Version, cfg.ProtocolVersion)
		var err error
		c, err = u.newConn(cfg, m.MID, p.Local, p.From, version, enc)
		if err != nil {
			return nil, err
		}
	}
	if err := c.handler.HandleConnect(c, c.version()); err != nil {
		if !known {
			c.eng.Close()
		}
		return nil, fmt.Errorf("%w: %v", ErrConnRefused, err)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		c.eng.Close()
		return nil, ErrNoUser
	}
	u.conns[m.MID] = c
	u.byPeer[key] = c
	return c, nil
}

// allowed applies the allow-lists.
func allowed(cfg UserConfig, mid h248.MID, from transport.SendHandle) error {
	if len(cfg.AllowMIDs) > 0 {
		ok := false
		for _, a := range cfg.AllowMIDs {
			if a == mid {
				ok = true
				break
			}
		}
		if !ok {
			return fmt.Errorf("%w: MID %v", ErrNotAllowed, mid)
		}
	}
	if len(cfg.AllowAddrs) > 0 {
		ap, err := netip.ParseAddrPort(from.String())
		if err != nil {
			return fmt.Errorf("%w: address %v", ErrNotAllowed, from)
		}
		for _, pfx := range cfg.AllowAddrs {
			if pfx.Contains(ap.Addr()) {
				return nil
			}
		}
		return fmt.Errorf("%w: address %v", ErrNotAllowed, from)
	}
	return nil
}

// syntaxError answers a message that could not be decoded with the error
// its DecodeError names (400 Syntax error in message, 406 ...), when the
// handler agrees, and logs it once.
func (u *User) syntaxError(cfg UserConfig, p transport.Packet, cod codec.Codec, err error) {
	ed := h248.ErrorDescriptor{Code: h248.CodeBadRequest, Text: err.Error()}
	version := cfg.ProtocolVersion
	var de *codec.DecodeError
	if errors.As(err, &de) {
		ed.Code = de.Code
		ed.Text = fmt.Sprintf("%d:%d: %s", de.Line, de.Column, de.Message())
		u.log.Info("undecodable message", zap.Stringer("peer", p.From), zap.Int("line", de.Line),
			zap.Int("column", de.Column), zap.Int("offset", de.Offset), zap.Uint16("code", uint16(de.Code)), zap.String("reason", de.Message()))
	}
	if !cfg.Handler.HandleSyntaxError(Peer{Transport: p.Local, Handle: p.From}, version, ed) {
		return
	}
	b, err := cod.Append(nil, &h248.Message{Version: version, MID: u.mid, Error: &ed})
	if err != nil {
		u.log.Error("encoding an error reply", zap.Error(err))
		return
	}
	if err := p.Local.Send(p.From, b); err != nil {
		u.log.Warn("sending an error reply", zap.Stringer("peer", p.From), zap.Error(err))
	}
}

// close closes every connection of the user.
func (u *User) close() {
	u.mu.Lock()
	u.closed = true
	cs := u.connsLocked()
	u.conns, u.byPeer = map[h248.MID]*Conn{}, map[peerKey]*Conn{}
	u.mu.Unlock()
	for _, c := range cs {
		c.eng.Close()
	}
}

// Peer names where a message came from.
type Peer struct {
	Transport transport.Transport
	Handle    transport.SendHandle
}
