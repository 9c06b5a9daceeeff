package engine

import (
	"slices"

	"github.com/megaco/megaco/pkg/h248"
)

// sender is the transaction sender: with trans_timer set it gathers
// requests (trans_req) and acks (trans_ack) and sends them together in one
// message, when trans_timer expires, when trans_req_maxcount requests or
// trans_ack_maxcount acks are stored, when the stored requests reach
// trans_req_maxsize bytes, when a reply or a pending goes out (they carry
// everything stored), or when a stored request is sent again (a resend:
// everything goes).
type sender struct {
	reqs    []*h248.TransactionRequest
	reqSize int
	acks    []uint32
	gen     uint64 // the armed trans_timer, 0 when none
}

// forget drops a stored request that no longer needs sending.
func (snd *sender) forget(id uint32) {
	for i, r := range snd.reqs {
		if r.ID == id {
			snd.reqs = slices.Delete(snd.reqs, i, i+1)
			return
		}
	}
}

func (s *state) batching() bool { return s.cfg.TransTimer > 0 }

func (s *state) armSender() {
	if s.snd.gen == 0 {
		s.snd.gen = s.newGen()
		s.arm(timerTransSender, 0, s.snd.gen, s.cfg.TransTimer)
	}
}

// sendRequest sends a request, or stores it in the transaction sender.
func (s *state) sendRequest(tr *h248.TransactionRequest) {
	if !s.batching() || !s.cfg.TransReq {
		s.send(tr)
		return
	}
	for _, r := range s.snd.reqs {
		if r.ID == tr.ID {
			s.flush(nil) // a resend of a stored request
			return
		}
	}
	s.snd.reqs = append(s.snd.reqs, tr)
	s.snd.reqSize += s.size(s.message(tr))
	if len(s.snd.reqs) >= s.cfg.TransReqMaxCount || s.snd.reqSize >= s.cfg.TransReqMaxSize {
		s.flush(nil)
		return
	}
	s.armSender()
}

// sendAck acknowledges reply id: at once when the reply asked for it,
// else through the transaction sender when trans_ack is on.
func (s *state) sendAck(id uint32, immediate bool) {
	if immediate || !s.batching() || !s.cfg.TransAck {
		s.send(&h248.TransactionResponseAck{Acks: []h248.TransactionAck{{First: id}}})
		return
	}
	s.snd.acks = append(s.snd.acks, id)
	if len(s.snd.acks) >= s.cfg.TransAckMaxCount {
		s.flush(nil)
		return
	}
	s.armSender()
}

// sendReply sends a reply (or its segments), carrying what the
// transaction sender stores; when the reply and the stored requests
// together exceed trans_req_maxsize, the stored ones go first in a message
// of their own.
func (s *state) sendReply(reply []h248.Transaction) {
	if len(reply) != 1 {
		s.flush(nil)
		for _, seg := range reply {
			s.send(seg)
		}
		return
	}
	s.sendWithStored(reply[0])
}

// sendWithStored sends t with everything stored.
func (s *state) sendWithStored(t h248.Transaction) {
	if len(s.snd.reqs) > 0 && s.snd.reqSize+s.size(s.message(t)) > s.cfg.TransReqMaxSize {
		s.flush(nil)
	}
	s.flush(t)
}

// flush sends the stored requests and acks, with extra if not nil, in one
// message.
func (s *state) flush(extra h248.Transaction) {
	ts := make([]h248.Transaction, 0, len(s.snd.reqs)+2)
	for _, r := range s.snd.reqs {
		ts = append(ts, r)
	}
	if extra != nil {
		ts = append(ts, extra)
	}
	if len(s.snd.acks) > 0 {
		ts = append(ts, &h248.TransactionResponseAck{Acks: ackRanges(s.snd.acks)})
	}
	s.snd.reqs, s.snd.reqSize, s.snd.acks, s.snd.gen = s.snd.reqs[:0], 0, s.snd.acks[:0], 0
	if len(ts) > 0 {
		s.send(ts...)
	}
}

// ackRanges turns transaction ids into the fewest ranges.
func ackRanges(ids []uint32) []h248.TransactionAck {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	var out []h248.TransactionAck
	for i := 0; i < len(sorted); {
		j := i
		for j+1 < len(sorted) && sorted[j+1] == sorted[j]+1 {
			j++
		}
		a := h248.TransactionAck{First: sorted[i]}
		if j > i {
			a.Last = h248.Some(sorted[j])
		}
		out = append(out, a)
		i = j + 1
	}
	return out
}
