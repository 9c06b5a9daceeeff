package engine

import (
	"time"

	"github.com/megaco/megaco/pkg/h248"
)

// state is the protocol state of one connection: the requests it sent, the
// requests it answers, the transaction sender and the timers. Its methods
// take the current time and append what to do to fx; only the loop
// goroutine touches it, so it needs no lock, and tests drive it directly.
type state struct {
	cfg     Config
	local   h248.MID
	version int
	// size returns the encoded size of a message, for trans_req_maxsize
	// and max_pdu_size.
	size func(m *h248.Message) int

	now    time.Time
	nextID uint32
	gen    uint64
	out    map[uint32]*outRequest
	in     map[uint32]*inRequest
	snd    sender
	timers timers
	fx     []effect
	due    []deadline
	obs    Observer // nil: nothing counts
}

func newState(cfg Config, local h248.MID, size func(*h248.Message) int) *state {
	return &state{
		cfg:     cfg,
		local:   local,
		version: cfg.ProtocolVersion,
		size:    size,
		nextID:  cfg.MinTransID,
		out:     map[uint32]*outRequest{},
		in:      map[uint32]*inRequest{},
	}
}

// newGen returns a fresh timer generation.
func (s *state) newGen() uint64 {
	s.gen++
	return s.gen
}

func (s *state) arm(kind timerKind, id uint32, gen uint64, after time.Duration) {
	s.timers.add(deadline{at: s.now.Add(after), kind: kind, id: id, gen: gen})
}

// message wraps transactions in a message from this side.
func (s *state) message(ts ...h248.Transaction) *h248.Message {
	return &h248.Message{Version: s.version, MID: s.local, Transactions: ts}
}

func (s *state) send(ts ...h248.Transaction) {
	s.fx = append(s.fx, sendEffect{s.message(ts...)})
}

func (s *state) upcall(u Upcall) { s.fx = append(s.fx, upcallEffect{u}) }

// receive handles a decoded message from the peer.
func (s *state) receive(m *h248.Message) {
	if s.obs != nil {
		observeMessage(s.obs, m, false)
	}
	if m.Error != nil {
		// The peer could not read something this side sent; the requests
		// it concerns run into their timers.
		s.upcall(MessageError{Descriptor: *m.Error, Version: m.Version})
		return
	}
	for _, t := range m.Transactions {
		switch t := t.(type) {
		case *h248.TransactionRequest:
			s.receiveRequest(t, m.Version)
		case *h248.TransactionReply:
			s.receiveReply(t, m.Version)
		case *h248.TransactionPending:
			s.receivePending(t, m.Version)
		case *h248.TransactionResponseAck:
			s.receiveAck(t)
		case *h248.SegmentReply:
			s.receiveSegmentReply(t, m.Version)
		}
	}
}

// tick runs the timers due at now.
func (s *state) tick() {
	s.due = s.timers.due(s.now, s.due[:0])
	for _, d := range s.due {
		switch d.kind {
		case timerRequest:
			s.requestTimeout(d)
		case timerPending:
			s.pendingTimeout(d)
		case timerReply:
			s.replyTimeout(d)
		case timerSegments:
			s.segmentTimeout(d)
		case timerTransSender:
			if d.gen == s.snd.gen {
				s.flush(nil)
			}
		}
	}
}

// nextDeadline is when tick must run next.
func (s *state) nextDeadline() (time.Time, bool) { return s.timers.next() }

// cancel ends every outstanding request with reason, and stops waiting for
// acks.
func (s *state) cancel(reason error) {
	err := &CanceledError{Reason: reason}
	for id, r := range s.out {
		s.finish(id, r, Result{ID: id, Version: s.version, Err: err})
	}
	for id, r := range s.in {
		if r.wantAck {
			r.wantAck = false
			s.upcall(TransAck{ID: id, Err: err, AckData: r.ackData})
		}
	}
}
