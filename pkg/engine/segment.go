package engine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/megaco/megaco/pkg/h248"
)

// segment splits a v3 reply larger than max_pdu_size into one segment per
// action reply when segment_send allows; otherwise the reply goes whole.
func (s *state) segment(rep *h248.TransactionReply) []h248.Transaction {
	if s.cfg.SegmentSend == SegmentSendNone || s.version < 3 || s.cfg.MaxPDUSize == 0 ||
		len(rep.Actions) < 2 || s.size(s.message(rep)) <= s.cfg.MaxPDUSize {
		return []h248.Transaction{rep}
	}
	segs := make([]h248.Transaction, len(rep.Actions))
	for i := range rep.Actions {
		last := i == len(rep.Actions)-1
		segs[i] = &h248.TransactionReply{
			ID:                   rep.ID,
			ImmAckRequired:       rep.ImmAckRequired && last,
			Actions:              rep.Actions[i : i+1 : i+1],
			SegmentNumber:        h248.Some(uint16(i + 1)),
			SegmentationComplete: last,
		}
	}
	return segs
}

// window is how many segments may be unacknowledged.
func (s *state) window(n int) int {
	if w := s.cfg.SegmentSend; w > 0 && w < n {
		return w
	}
	return n
}

// receiveSegmentReply counts an acknowledged segment and sends the next
// one the window allows.
func (s *state) receiveSegmentReply(sr *h248.SegmentReply, version int) {
	r, ok := s.in[sr.ID]
	if !ok || len(r.reply) < 2 {
		s.upcall(UnexpectedTrans{Transaction: sr, Version: version})
		return
	}
	if s.cfg.SegmentReplyInd {
		s.upcall(SegmentReplyReceived{ID: sr.ID, Segment: sr.SegmentNumber, Complete: sr.SegmentationComplete})
	}
	if r.segSent < len(r.reply) {
		s.send(r.reply[r.segSent])
		r.segSent++
	}
}

// receiveSegment gathers one segment of a reply: it is acknowledged with a
// SegmentReply; a cast gets each segment as it comes, a call the whole
// reply once every segment is in.
func (s *state) receiveSegment(r *outRequest, rep *h248.TransactionReply, version int) {
	n := rep.SegmentNumber.Value
	s.send(&h248.SegmentReply{ID: rep.ID, SegmentNumber: n, SegmentationComplete: rep.SegmentationComplete})
	if rep.Error != nil {
		s.finish(rep.ID, r, Result{ID: rep.ID, Version: version, Err: &ReplyError{Descriptor: *rep.Error}})
		return
	}
	if r.segs == nil {
		r.segs = map[uint16][]h248.ActionReply{}
	}
	if _, dup := r.segs[n]; dup {
		return
	}
	r.segs[n] = rep.Actions
	if rep.SegmentationComplete {
		r.lastSeg = n
	}
	complete := r.lastSeg != 0 && len(r.segs) == int(r.lastSeg)
	r.gen = s.newGen() // the reply is coming: the request timer stops
	if r.caller == nil {
		s.upcall(TransReply{Result: Result{ID: rep.ID, Version: version, Actions: rep.Actions,
			Segment: rep.SegmentNumber, Last: complete}, ReplyData: r.replyData})
	}
	if !complete {
		r.segGen = s.newGen()
		s.arm(timerSegments, rep.ID, r.segGen, s.cfg.SegmentRecvTimer)
		return
	}
	delete(s.out, rep.ID)
	if r.caller != nil {
		var all []h248.ActionReply
		for i := uint16(1); i <= r.lastSeg; i++ {
			all = append(all, r.segs[i]...)
		}
		s.fx = append(s.fx, deliverEffect{caller: r.caller, result: Result{ID: rep.ID, Version: version, Actions: all}})
	}
}

// segmentTimeout gives up on a segmented reply with segments missing:
// error 459 goes to the peer and the request fails.
func (s *state) segmentTimeout(d deadline) {
	r, ok := s.out[d.id]
	if !ok || r.segGen != d.gen {
		return
	}
	hi := r.lastSeg
	for n := range r.segs {
		hi = max(hi, n)
	}
	var missing []string
	for i := uint16(1); i <= hi; i++ {
		if _, ok := r.segs[i]; !ok {
			missing = append(missing, strconv.Itoa(int(i)))
		}
	}
	if r.lastSeg == 0 {
		missing = append(missing, strconv.Itoa(int(hi)+1)+" and later")
	}
	text := "segments not received: " + strings.Join(missing, ",")
	s.fx = append(s.fx, sendEffect{&h248.Message{Version: s.version, MID: s.local,
		Error: &h248.ErrorDescriptor{Code: h248.CodeSegmentsNotReceived, Text: text}}})
	s.finish(d.id, r, Result{ID: d.id, Version: s.version, Err: fmt.Errorf("%w: %s", ErrSegmentsNotReceived, strings.Join(missing, ","))})
}
