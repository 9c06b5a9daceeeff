package engine

import (
	"slices"

	"github.com/megaco/megaco/pkg/h248"
)

// inRequest is a request from the peer: being processed, then answered
// and kept for reply_timer so that a resend gets the same reply and the
// user's handler runs once per transaction id.
type inRequest struct {
	replied  bool
	aborted  bool
	pendings int // Pendings sent
	gen      uint64
	// reply holds what answered the request (the reply, or its segments)
	// to send again when the request is resent.
	reply   []h248.Transaction
	segSent int // segments of reply sent so far
	wantAck bool
	ackData any
}

// receiveRequest runs the user's handler for a new request, sends Pending
// for a resend of one still being processed, and the cached reply for a
// resend of one answered.
func (s *state) receiveRequest(tr *h248.TransactionRequest, version int) {
	r, seen := s.in[tr.ID]
	switch {
	case !seen:
		r = &inRequest{gen: s.newGen()}
		s.in[tr.ID] = r
		if s.cfg.PendingTimer > 0 {
			s.arm(timerPending, tr.ID, r.gen, s.cfg.PendingTimer)
		}
		s.upcall(TransRequest{Request: tr, Version: version, Responder: &Responder{id: tr.ID}})
	case !r.replied:
		s.sendPending(tr.ID, r)
	case r.segSent > 0:
		s.sendReply(r.reply[:r.segSent])
	}
}

// reply answers request id: with the action replies, or with an error
// descriptor for the whole transaction. An ack mode other than NoAck
// waits for the peer's ack, reported with TransAck and ackData; ImmAck
// also asks for it (ImmAckRequired).
func (s *state) reply(id uint32, actions []h248.ActionReply, ed *h248.ErrorDescriptor, ack AckMode, ackData any) {
	r, ok := s.in[id]
	if !ok || r.replied {
		return // already answered, aborted or forgotten
	}
	rep := &h248.TransactionReply{ID: id, ImmAckRequired: ack == ImmAck, Actions: actions, Error: ed}
	s.answered(id, r, s.segment(rep))
	r.wantAck, r.ackData = ack != NoAck, ackData
}

// drop ends request id without an answer.
func (s *state) drop(id uint32) {
	if r, ok := s.in[id]; ok && !r.replied {
		s.answered(id, r, nil)
	}
}

// answered records and sends the reply of request id, and starts its
// reply timer.
func (s *state) answered(id uint32, r *inRequest, reply []h248.Transaction) {
	r.replied = true
	r.reply = reply
	r.segSent = s.window(len(reply))
	r.gen = s.newGen()
	s.arm(timerReply, id, r.gen, s.cfg.ReplyTimer)
	if r.segSent > 0 {
		s.sendReply(reply[:r.segSent])
	}
}

// replyTimeout forgets an answered request; an ack still awaited is
// reported missing.
func (s *state) replyTimeout(d deadline) {
	r, ok := s.in[d.id]
	if !ok || r.gen != d.gen {
		return
	}
	delete(s.in, d.id)
	if r.wantAck {
		s.upcall(TransAck{ID: d.id, Err: ErrTimeout, AckData: r.ackData})
	}
}

// receiveAck handles a TransactionResponseAck: every acknowledged reply
// that asked for an ack is reported. A range is walked over the known
// requests, never over its span, which the peer chooses.
func (s *state) receiveAck(ra *h248.TransactionResponseAck) {
	for _, a := range ra.Acks {
		last := a.First
		if a.Last.Set && a.Last.Value > a.First {
			last = a.Last.Value
		}
		if uint64(last-a.First) < uint64(len(s.in)) {
			for id := a.First; ; id++ {
				s.acked(id)
				if id == last {
					break
				}
			}
			continue
		}
		var ids []uint32
		for id := range s.in {
			if id >= a.First && id <= last {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids) // report in order, whatever the map's
		for _, id := range ids {
			s.acked(id)
		}
	}
}

func (s *state) acked(id uint32) {
	if r, ok := s.in[id]; ok && r.replied && r.wantAck {
		r.wantAck = false
		s.upcall(TransAck{ID: id, AckData: r.ackData})
	}
}
