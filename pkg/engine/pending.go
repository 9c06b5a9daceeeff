package engine

import "github.com/megaco/megaco/pkg/h248"

// pendingTimeout runs when a request is still being processed after
// pending_timer: send TransactionPending, or, past orig_pending_limit,
// abort the request and answer error 506.
func (s *state) pendingTimeout(d deadline) {
	r, ok := s.in[d.id]
	if !ok || r.gen != d.gen || r.replied {
		return
	}
	s.sendPending(d.id, r)
	if !r.replied {
		r.gen = s.newGen()
		s.arm(timerPending, d.id, r.gen, s.cfg.PendingTimer)
	}
}

// sendPending tells the peer request id is being processed, counting
// against orig_pending_limit.
func (s *state) sendPending(id uint32, r *inRequest) {
	r.pendings++
	if lim := s.cfg.OrigPendingLimit; lim != Infinite && r.pendings > lim {
		r.aborted = true
		s.upcall(TransRequestAbort{ID: id})
		rep := &h248.TransactionReply{ID: id, Error: &h248.ErrorDescriptor{
			Code: h248.CodeNumberOfTransactionpendingExceeded, Text: "number of transaction pendings exceeded"}}
		s.answered(id, r, []h248.Transaction{rep})
		return
	}
	s.sendWithStored(&h248.TransactionPending{ID: id})
}

// userPending handles the user's wish to process request id long:
// Pending goes out now.
func (s *state) userPending(id uint32) {
	if r, ok := s.in[id]; ok && !r.replied {
		s.sendPending(id, r)
	}
}
