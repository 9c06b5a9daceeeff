// Package megaco is the user API of the stack, with Erlang/OTP megaco's
// semantics: a Stack holds users (each identified by its MID), a user has
// connections to peers, and each connection's transactions run in the
// transaction engine. Start a user, give its transports the user as their
// Handler, Connect (or let the first message from a peer connect), then
// Call and Cast.
//
//	st := megaco.NewStack()
//	u, _ := st.StartUser(mgcMID, megaco.UserConfig{Config: engine.DefaultConfig(), Handler: myHandler})
//	tr, _ := udp.Listen(stdnet, "0.0.0.0:2944", u)
//	// ... messages from MGs now connect and reach myHandler
package megaco

import (
	"errors"
	"math/rand/v2"
	"net/netip"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/ber"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/transport"
)

// Errors of the user API.
var (
	ErrNoUser      = errors.New("megaco: no such user")
	ErrUserExists  = errors.New("megaco: user already started")
	ErrNotAllowed  = errors.New("megaco: peer not allowed")
	ErrNoEncoding  = errors.New("megaco: encoding not available")
	ErrConnRefused = errors.New("megaco: connection refused by the handler")
)

// UserConfig is a user's configuration (Erlang's user info). Config holds
// the defaults of the user's connections; ProtocolVersion is the highest
// version the user speaks.
type UserConfig struct {
	engine.Config
	// Encoding the user sends: codec.Pretty, codec.Compact or
	// codec.Binary. Zero picks it by the port that received a peer's first
	// message: binary on 2945, pretty otherwise. Received text is read in
	// either form.
	Encoding codec.Encoding
	// Limits bound what the user decodes.
	Limits codec.Limits
	// TermIDs maps text termination ids to binary ones on binary
	// connections (zero: Erlang's, three 8-bit levels as bit strings).
	TermIDs ber.TermIDMapping
	// RawValues writes package values on binary connections in Erlang's
	// raw text form instead of RFC 3525 A.2's typed form (what Wireshark
	// expects); both are read.
	RawValues bool
	// FirstTransID is where the transaction ids of new connections start
	// (0: min_trans_id). An MGC that restarts, or a standby that takes
	// over its predecessor's address and MID, starts elsewhere
	// (RandomTransID): its MGs still hold replies to the ids the previous
	// one used, for their reply_timer, and would answer from that cache.
	FirstTransID uint32
	// Handler gets the callbacks; nil is BaseHandler.
	Handler Handler
	// AllowMIDs and AllowAddrs, when not empty, are the only peers that
	// may connect; anything else is refused and logged.
	AllowMIDs  []h248.MID
	AllowAddrs []netip.Prefix
}

// RandomTransID picks a FirstTransID in the lower half of cfg's range, so
// that a new incarnation is unlikely to meet its predecessor's recent ids.
func RandomTransID(cfg engine.Config) uint32 {
	span := (uint64(cfg.MaxTransID) - uint64(cfg.MinTransID)) / 2
	return cfg.MinTransID + uint32(rand.Uint64N(span+1))
}

// Validate checks the engine settings and the binary mapping.
func (c UserConfig) Validate() error {
	if err := c.Config.Validate(); err != nil {
		return err
	}
	return c.TermIDs.Validate()
}

// Stack is the megaco application: users and their connections.
type Stack struct {
	log   *zap.Logger
	obs   engine.Observer
	mu    sync.Mutex
	users map[h248.MID]*User
	stats stats
}

// stats are the system-wide counters.
type stats struct {
	received, decodeErrors, refused, versionErrors atomic.Uint64
}

// Option configures a Stack.
type Option func(*Stack)

// WithLogger sets the logger (default: none).
func WithLogger(l *zap.Logger) Option { return func(s *Stack) { s.log = l } }

// WithObserver counts what every connection does (for metrics).
func WithObserver(o engine.Observer) Option { return func(s *Stack) { s.obs = o } }

// NewStack returns an empty stack.
func NewStack(opts ...Option) *Stack {
	s := &Stack{log: zap.NewNop(), users: map[h248.MID]*User{}}
	for _, o := range opts {
		o(s)
	}
	s.log = s.log.Named("megaco")
	return s
}

// StartUser starts a user (Erlang's start_user).
func (s *Stack) StartUser(mid h248.MID, cfg UserConfig) (*User, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Handler == nil {
		cfg.Handler = BaseHandler{}
	}
	for _, w := range cfg.Warnings() {
		s.log.Warn("user config", zap.Stringer("mid", mid), zap.String("warning", w))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[mid]; ok {
		return nil, ErrUserExists
	}
	u := &User{stack: s, mid: mid, cfg: cfg, conns: map[h248.MID]*Conn{}, byPeer: map[peerKey]*Conn{},
		log: s.log.With(zap.Stringer("user", mid))}
	s.users[mid] = u
	return u, nil
}

// StopUser stops a user: its connections are closed and their requests
// fail.
func (s *Stack) StopUser(mid h248.MID) error {
	s.mu.Lock()
	u, ok := s.users[mid]
	delete(s.users, mid)
	s.mu.Unlock()
	if !ok {
		return ErrNoUser
	}
	u.close()
	return nil
}

// User returns a started user.
func (s *Stack) User(mid h248.MID) (*User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[mid]
	if !ok {
		return nil, ErrNoUser
	}
	return u, nil
}

// UserInfo returns a user's configuration and connections.
func (s *Stack) UserInfo(mid h248.MID) (UserInfo, error) {
	u, err := s.User(mid)
	if err != nil {
		return UserInfo{}, err
	}
	return u.Info(), nil
}

// UpdateUserInfo changes a user's configuration; it applies to
// connections made from now on (Erlang's update_user_info).
func (s *Stack) UpdateUserInfo(mid h248.MID, f func(*UserConfig)) error {
	u, err := s.User(mid)
	if err != nil {
		return err
	}
	return u.UpdateInfo(f)
}

// Connect sets up a connection from user local to the peer remote, reached
// through tr at to (Erlang's connect). A zero remote is the preliminary
// MID: the peer's MID is learnt from its first message.
func (s *Stack) Connect(local, remote h248.MID, tr transport.Transport, to transport.SendHandle) (*Conn, error) {
	u, err := s.User(local)
	if err != nil {
		return nil, err
	}
	return u.Connect(remote, tr, to)
}

// Disconnect reports the connection gone (Erlang's disconnect):
// HandleDisconnect fires and new messages from the peer connect anew;
// requests in flight, resends and kept replies carry on.
func (s *Stack) Disconnect(c *Conn, reason error) error { return c.Disconnect(reason) }

// Cancel fails every outstanding request of c with reason.
func (s *Stack) Cancel(c *Conn, reason error) error { return c.Cancel(reason) }

// ConnInfo returns a snapshot of a connection.
func (s *Stack) ConnInfo(c *Conn) (ConnInfo, error) { return c.Info() }

// UpdateConnInfo changes a live connection's configuration.
func (s *Stack) UpdateConnInfo(c *Conn, f func(*engine.Config)) error { return c.UpdateConnInfo(f) }

// SystemInfo is the stack's state.
type SystemInfo struct {
	Users        []h248.MID
	Connections  int
	Received     uint64 // messages received
	DecodeErrors uint64 // messages that could not be decoded
	Refused      uint64 // messages refused: peer not allowed, or refused by the handler
	VersionErrs  uint64 // messages answered with 406
}

// SystemInfo returns the stack's state (Erlang's system_info).
func (s *Stack) SystemInfo() SystemInfo {
	s.mu.Lock()
	users := make([]*User, 0, len(s.users))
	for _, u := range s.users {
		users = append(users, u)
	}
	s.mu.Unlock()
	si := SystemInfo{Received: s.stats.received.Load(), DecodeErrors: s.stats.decodeErrors.Load(),
		Refused: s.stats.refused.Load(), VersionErrs: s.stats.versionErrors.Load()}
	for _, u := range users {
		si.Users = append(si.Users, u.mid)
		si.Connections += len(u.Conns())
	}
	return si
}

// Close stops every user.
func (s *Stack) Close() {
	s.mu.Lock()
	users := s.users
	s.users = map[h248.MID]*User{}
	s.mu.Unlock()
	for _, u := range users {
		u.close()
	}
}

// ReceiveMessage hands a message that a custom transport received to user
// local (Erlang's receive_message).
func (s *Stack) ReceiveMessage(local h248.MID, tr transport.Transport, from transport.SendHandle, data []byte) error {
	u, err := s.User(local)
	if err != nil {
		return err
	}
	u.HandlePacket(transport.Packet{Data: data, From: from, Local: tr})
	return nil
}
