package engine

import (
	"time"

	"github.com/megaco/megaco/pkg/h248"
)

// outRequest is a request this side sent and waits for.
type outRequest struct {
	tr        *h248.TransactionRequest
	caller    chan<- Result // a Call; nil for a Cast
	replyData any           // a Cast's user data
	sent      time.Time     // first sent, for the latency
	wait      time.Duration // the current wait of the (long) request timer
	retries   int           // restarts left, or Infinite
	long      bool          // a Pending arrived: the long request timer runs
	pendings  int
	gen       uint64
	// A segmented reply being gathered.
	segs    map[uint16][]h248.ActionReply
	lastSeg uint16
	segGen  uint64
}

// allocID returns the next free transaction id in the configured range.
func (s *state) allocID() (uint32, bool) {
	span := uint64(s.cfg.MaxTransID-s.cfg.MinTransID) + 1
	for i := uint64(0); i < span && i < 1<<20; i++ {
		id := s.nextID
		if s.nextID == s.cfg.MaxTransID {
			s.nextID = s.cfg.MinTransID
		} else {
			s.nextID++
		}
		if _, busy := s.out[id]; !busy {
			return id, true
		}
	}
	return 0, false
}

// startRequest sends a new transaction request for a Call (caller set) or
// a Cast, and returns its id.
func (s *state) startRequest(actions []h248.ActionRequest, caller chan<- Result, replyData any) (uint32, error) {
	id, ok := s.allocID()
	if !ok {
		return 0, ErrTooManyRequests
	}
	r := &outRequest{
		tr:        &h248.TransactionRequest{ID: id, Actions: actions},
		caller:    caller,
		replyData: replyData,
		sent:      s.now,
		wait:      s.cfg.RequestTimer.WaitFor,
		retries:   s.cfg.RequestTimer.MaxRetries,
		gen:       s.newGen(),
	}
	s.out[id] = r
	s.arm(timerRequest, id, r.gen, r.wait)
	s.sendRequest(r.tr)
	return id, nil
}

// requestTimeout runs when a request's timer expires: resend while
// restarts remain, then give up.
func (s *state) requestTimeout(d deadline) {
	r, ok := s.out[d.id]
	if !ok || r.gen != d.gen {
		return
	}
	t := s.cfg.RequestTimer
	if r.long {
		t = s.cfg.LongRequestTimer
	}
	if r.retries == 0 || (r.long && !s.cfg.LongRequestResend) {
		s.finish(d.id, r, Result{ID: d.id, Version: s.version, Err: ErrTimeout})
		return
	}
	if r.retries != Infinite {
		r.retries--
	}
	if s.obs != nil {
		s.obs.Observe(Event{Kind: EventResend})
	}
	r.wait = t.next(r.wait)
	r.gen = s.newGen()
	s.arm(timerRequest, d.id, r.gen, r.wait)
	s.sendRequest(r.tr)
}

// receivePending switches a request to the long request timer.
func (s *state) receivePending(p *h248.TransactionPending, version int) {
	r, ok := s.out[p.ID]
	if !ok {
		s.upcall(UnexpectedTrans{Transaction: p, Version: version})
		return
	}
	r.pendings++
	if lim := s.cfg.RecvPendingLimit; lim != Infinite && r.pendings > lim {
		s.finish(p.ID, r, Result{ID: p.ID, Version: version, Err: ErrRecvPendingLimit})
		return
	}
	// The request has arrived: a stored copy in the transaction sender
	// need not go out again.
	s.snd.forget(p.ID)
	if !r.long {
		r.long = true
		r.wait = s.cfg.LongRequestTimer.WaitFor
		r.retries = s.cfg.LongRequestTimer.MaxRetries
	}
	r.gen = s.newGen()
	s.arm(timerRequest, p.ID, r.gen, r.wait)
}

// receiveReply matches a reply with its request, acknowledges it as
// configured and delivers it.
func (s *state) receiveReply(rep *h248.TransactionReply, version int) {
	r, ok := s.out[rep.ID]
	if !ok {
		// A late copy of a reply already delivered: acknowledge again if
		// asked, so the peer stops resending.
		if rep.ImmAckRequired {
			s.sendAck(rep.ID, true)
			return
		}
		s.upcall(UnexpectedTrans{Transaction: rep, Version: version})
		return
	}
	if rep.ImmAckRequired || s.cfg.AutoAck {
		s.sendAck(rep.ID, rep.ImmAckRequired)
	}
	s.snd.forget(rep.ID)
	if rep.SegmentNumber.Set {
		s.receiveSegment(r, rep, version)
		return
	}
	res := Result{ID: rep.ID, Version: version, Actions: rep.Actions}
	if rep.Error != nil {
		res.Err = &ReplyError{Descriptor: *rep.Error}
	}
	s.finish(rep.ID, r, res)
}

// finish ends a request and hands its result to the caller or, for a
// cast, to the user.
func (s *state) finish(id uint32, r *outRequest, res Result) {
	if s.obs != nil {
		switch res.Err {
		case ErrTimeout:
			s.obs.Observe(Event{Kind: EventTimeout})
		case nil:
			s.obs.Observe(Event{Kind: EventCompleted, Latency: s.now.Sub(r.sent)})
		}
	}
	delete(s.out, id)
	s.snd.forget(id)
	r.gen = s.newGen()
	if r.caller != nil {
		s.fx = append(s.fx, deliverEffect{caller: r.caller, result: res})
		return
	}
	s.upcall(TransReply{Result: res, ReplyData: r.replyData})
}
