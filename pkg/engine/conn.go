package engine

import (
	"context"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/h248"
)

// Upcalls receives a connection's callbacks. TransRequest runs on a
// goroutine of its own for each request; the others run one at a time, in
// order, on the connection's callback goroutine. None runs on the loop.
type Upcalls interface {
	Upcall(c *Conn, u Upcall)
}

// Params are a connection's fixed parts.
type Params struct {
	// Local is this side's MID, the sender of every message.
	Local h248.MID
	// Codec encodes the messages this side sends.
	Codec codec.Codec
	// Send sends one encoded message to the peer; it must not keep b.
	Send func(b []byte) error
	// Upcalls gets the callbacks.
	Upcalls Upcalls
	// Logger, default zap.NewNop().
	Logger *zap.Logger
	// Observer, if set, counts what the connection does.
	Observer Observer
	// FirstTransID is the first transaction id to use, within
	// [MinTransID, MaxTransID]; 0 is MinTransID. A restarted MGC, or a
	// standby taking over an address, starts away from the ids its
	// predecessor used: the peer's reply cache still holds their replies.
	FirstTransID uint32
}

// Conn is one connection's transaction engine: a loop goroutine that owns
// all of its transactions and timers (ARCHITECTURE.md, decision 4).
type Conn struct {
	p       Params
	log     *zap.Logger
	events  chan func(*state)
	closed  chan struct{}
	once    sync.Once
	wg      sync.WaitGroup
	upcalls *queue
	buf     []byte // the loop's encoding buffer
}

// New starts the engine of a connection. cfg must be valid.
func New(cfg Config, p Params) (*Conn, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if p.Logger == nil {
		p.Logger = zap.NewNop()
	}
	c := &Conn{
		p:       p,
		log:     p.Logger.Named("engine"),
		events:  make(chan func(*state), 64),
		closed:  make(chan struct{}),
		upcalls: newQueue(),
	}
	st := newState(cfg, p.Local, c.encodedSize)
	if id := p.FirstTransID; id >= cfg.MinTransID && id <= cfg.MaxTransID {
		st.nextID = id
	}
	st.obs = p.Observer
	c.wg.Add(2)
	go c.loop(st)
	go c.runUpcalls()
	return c, nil
}

// do runs f on the loop; it fails with ErrClosed after Close.
func (c *Conn) do(f func(*state)) error {
	select {
	case c.events <- f:
		return nil
	case <-c.closed:
		return ErrClosed
	}
}

func (c *Conn) loop(st *state) {
	defer c.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case f := <-c.events:
			st.now = time.Now()
			f(st)
		case <-timer.C:
			st.now = time.Now()
			st.tick()
		case <-c.closed:
			timer.Stop()
			return
		}
		c.apply(st)
		if at, ok := st.nextDeadline(); ok {
			timer.Reset(time.Until(at))
		}
	}
}

// apply performs the effects the state recorded.
func (c *Conn) apply(st *state) {
	for _, e := range st.fx {
		switch e := e.(type) {
		case sendEffect:
			c.sendMessage(e.msg)
			if st.obs != nil {
				observeMessage(st.obs, e.msg, true)
			}
		case deliverEffect:
			e.caller <- e.result // buffered, one result per call
		case upcallEffect:
			if tr, ok := e.call.(TransRequest); ok {
				tr.Responder.conn = c
				c.wg.Add(1)
				go func() {
					defer c.wg.Done()
					c.p.Upcalls.Upcall(c, tr)
				}()
				continue
			}
			c.upcalls.push(e.call)
		}
	}
	clear(st.fx)
	st.fx = st.fx[:0]
}

func (c *Conn) sendMessage(m *h248.Message) {
	b, err := c.p.Codec.Append(c.buf[:0], m)
	if err != nil {
		c.log.Error("encode", zap.Error(err))
		if m = c.encodable(m); m == nil {
			return
		}
		if b, err = c.p.Codec.Append(c.buf[:0], m); err != nil {
			c.log.Error("encode", zap.Error(err))
			return
		}
	}
	c.buf = b
	if err := c.p.Send(b); err != nil {
		c.log.Warn("send", zap.Error(err))
	}
}

// encodable keeps the transactions of m that encode, one by one, and turns
// a reply that does not (a name with no binary form, say) into error 500,
// so that the peer hears why instead of resending until it gives up.
// Requests that do not encode are dropped: their callers time out.
func (c *Conn) encodable(m *h248.Message) *h248.Message {
	out := *m
	out.Transactions = nil
	for _, t := range m.Transactions {
		one := *m
		one.Transactions = []h248.Transaction{t}
		_, err := c.p.Codec.Append(c.buf[:0], &one)
		if err == nil {
			out.Transactions = append(out.Transactions, t)
			continue
		}
		if r, ok := t.(*h248.TransactionReply); ok {
			out.Transactions = append(out.Transactions, &h248.TransactionReply{ID: r.ID, SegmentNumber: r.SegmentNumber,
				SegmentationComplete: r.SegmentationComplete, Error: &h248.ErrorDescriptor{
					Code: h248.CodeInternalGatewayError, Text: "the reply cannot be encoded: " + err.Error()}})
		}
	}
	if len(out.Transactions) == 0 {
		return nil
	}
	return &out
}

func (c *Conn) encodedSize(m *h248.Message) int {
	b, err := c.p.Codec.Append(c.buf[:0], m)
	if err != nil {
		return 0
	}
	c.buf = b
	return len(b)
}

func (c *Conn) runUpcalls() {
	defer c.wg.Done()
	for {
		u, ok := c.upcalls.pop()
		if !ok {
			return
		}
		c.p.Upcalls.Upcall(c, u)
	}
}

// Receive hands the connection a message decoded from its peer.
func (c *Conn) Receive(m *h248.Message) error {
	return c.do(func(s *state) { s.receive(m) })
}

// Call sends a transaction request with actions and waits for its reply:
// the result of every action, segments gathered. It returns the reply, or
// ErrTimeout when the request timer gives up, or ctx's error when ctx ends
// first (the request is then no longer tracked).
func (c *Conn) Call(ctx context.Context, actions []h248.ActionRequest) (Result, error) {
	ch := make(chan Result, 1)
	idc := make(chan uint32, 1)
	errc := make(chan error, 1)
	if err := c.do(func(s *state) {
		id, err := s.startRequest(actions, ch, nil)
		idc <- id
		errc <- err
	}); err != nil {
		return Result{}, err
	}
	var id uint32
	select {
	case id = <-idc:
		if err := <-errc; err != nil {
			return Result{}, err
		}
	case <-c.closed:
		return Result{}, ErrClosed
	}
	select {
	case r := <-ch:
		return r, r.Err
	case <-ctx.Done():
		_ = c.do(func(s *state) {
			if r, ok := s.out[id]; ok && r.caller == (chan<- Result)(ch) {
				delete(s.out, id)
				s.snd.forget(id)
			}
		})
		return Result{ID: id}, ctx.Err()
	case <-c.closed:
		return Result{ID: id}, ErrClosed
	}
}

// Cast sends a transaction request and returns its id at once; the reply
// comes as a TransReply upcall carrying replyData.
func (c *Conn) Cast(actions []h248.ActionRequest, replyData any) (uint32, error) {
	type res struct {
		id  uint32
		err error
	}
	ch := make(chan res, 1)
	if err := c.do(func(s *state) {
		id, err := s.startRequest(actions, nil, replyData)
		ch <- res{id, err}
	}); err != nil {
		return 0, err
	}
	select {
	case r := <-ch:
		return r.id, r.err
	case <-c.closed:
		return 0, ErrClosed
	}
}

// Cancel ends every outstanding request of the connection with a
// *CanceledError carrying reason.
func (c *Conn) Cancel(reason error) error {
	return c.do(func(s *state) { s.cancel(reason) })
}

// UpdateConfig changes the connection's configuration; the new values
// apply to what happens from now on. An invalid result is refused.
func (c *Conn) UpdateConfig(f func(*Config)) error {
	errc := make(chan error, 1)
	if err := c.do(func(s *state) {
		cfg := s.cfg
		f(&cfg)
		if err := cfg.Validate(); err != nil {
			errc <- err
			return
		}
		s.cfg = cfg
		s.version = cfg.ProtocolVersion
		errc <- nil
	}); err != nil {
		return err
	}
	select {
	case err := <-errc:
		return err
	case <-c.closed:
		return ErrClosed
	}
}

// Info is a snapshot of a connection.
type Info struct {
	Config      Config
	Outstanding int // requests sent and waiting
	Answering   int // requests received and not yet forgotten
}

// Info returns a snapshot of the connection.
func (c *Conn) Info() (Info, error) {
	ch := make(chan Info, 1)
	if err := c.do(func(s *state) {
		ch <- Info{Config: s.cfg, Outstanding: len(s.out), Answering: len(s.in)}
	}); err != nil {
		return Info{}, err
	}
	select {
	case i := <-ch:
		return i, nil
	case <-c.closed:
		return Info{}, ErrClosed
	}
}

// Close stops the connection: outstanding calls fail with ErrClosed, and
// Close waits for the loop and the callbacks to end.
func (c *Conn) Close() error {
	c.once.Do(func() {
		close(c.closed)
		c.upcalls.close()
	})
	c.wg.Wait()
	return nil
}

// Responder answers one request from the peer. Exactly one answer counts;
// later ones are ignored.
type Responder struct {
	id   uint32
	conn *Conn
}

// ID is the request's transaction id.
func (r *Responder) ID() uint32 { return r.id }

// AckMode says whether a reply wants the peer's ack.
type AckMode uint8

const (
	// NoAck: the reply needs no ack (Erlang's discard_ack).
	NoAck AckMode = iota
	// ImmAck: the reply asks for an ack at once (ImmAckRequired,
	// Erlang's handle_ack).
	ImmAck
	// SloppyAck: the reply is acknowledged whenever the peer sends acks
	// (its auto_ack and trans_ack), and the ack is still reported
	// (Erlang's handle_sloppy_ack).
	SloppyAck
)

// Reply answers with the action replies. With an ack mode other than
// NoAck, the peer's ack (or its absence after reply_timer) is reported by
// a TransAck upcall carrying ackData.
func (r *Responder) Reply(actions []h248.ActionReply, ack AckMode, ackData any) error {
	return r.conn.do(func(s *state) { s.reply(r.id, actions, nil, ack, ackData) })
}

// ReplyError answers with an error for the whole transaction.
func (r *Responder) ReplyError(ed h248.ErrorDescriptor) error {
	return r.conn.do(func(s *state) { s.reply(r.id, nil, &ed, NoAck, nil) })
}

// Drop leaves the request unanswered: resends of it are ignored until
// reply_timer passes.
func (r *Responder) Drop() error {
	return r.conn.do(func(s *state) { s.drop(r.id) })
}

// Pending tells the peer now that the request takes long
// (TransactionPending); the pending timer keeps repeating it until the
// answer.
func (r *Responder) Pending() error {
	return r.conn.do(func(s *state) { s.userPending(r.id) })
}

// queue is an unbounded FIFO of upcalls, so the loop never waits for the
// user.
type queue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []Upcall
	closed bool
}

func newQueue() *queue {
	q := &queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *queue) push(u Upcall) {
	q.mu.Lock()
	q.items = append(q.items, u)
	q.mu.Unlock()
	q.cond.Signal()
}

func (q *queue) pop() (Upcall, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return nil, false
	}
	u := q.items[0]
	q.items[0] = nil
	q.items = q.items[1:]
	return u, true
}

func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}
