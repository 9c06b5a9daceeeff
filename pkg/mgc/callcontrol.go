package mgc

import (
	"context"
	"fmt"
	"strings"

	"github.com/megaco/megaco/pkg/callstore"
	"github.com/megaco/megaco/pkg/h248"
)

// chooseSDP asks the MG to choose the address and port of an RTP leg.
const chooseSDP = "v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0"

func isRTP(t h248.TerminationID) bool {
	return strings.HasPrefix(strings.ToLower(string(t)), "rtp/")
}

func isTDM(t h248.TerminationID) bool {
	return strings.HasPrefix(strings.ToLower(string(t)), "tdm/")
}

func single(verb h248.CommandKind, t h248.TerminationID, ds ...h248.Descriptor) h248.CommandRequest {
	return h248.CommandRequest{Command: &h248.AmmRequest{Verb: verb, TerminationIDs: []h248.TerminationID{t}, Descriptors: ds}}
}

func mode(m h248.StreamMode) *h248.MediaDescriptor {
	return &h248.MediaDescriptor{Stream: &h248.StreamParms{LocalControl: &h248.LocalControlDescriptor{Mode: h248.Some(m)}}}
}

// ready checks that an MG takes new legs.
func (c *Controller) ready(mid h248.MID, newLeg bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, err := c.mg(mid)
	switch {
	case err != nil:
		return err
	case m.state != MGReady:
		return fmt.Errorf("%w: %v is %v", ErrMGNotReady, mid, m.state)
	case newLeg && m.graceful:
		return ErrGraceful
	}
	return nil
}

// CreateLeg puts termination t of an MG into a new context: a named one
// (tdm/1/5) or one the MG chooses (rtp/$, tdm/1/$). The leg starts idle,
// receiving only; an RTP leg gets the MG's Local SDP.
func (c *Controller) CreateLeg(ctx context.Context, mg h248.MID, t h248.TerminationID) (LegInfo, error) {
	if err := c.ready(mg, true); err != nil {
		return LegInfo{}, err
	}
	md := mode(h248.RecvOnly)
	if isRTP(t) {
		md.Stream.Local = &h248.LocalRemoteDescriptor{SDP: chooseSDP}
	}
	replies, err := c.call(ctx, mg, []h248.ActionRequest{{ContextID: h248.ContextChoose,
		Commands: []h248.CommandRequest{single(h248.CmdAdd, t, md)}}})
	if err == nil {
		err = replyError(replies)
	}
	if err != nil {
		return LegInfo{}, err
	}
	rep := replies[0]
	add, ok := rep.Commands[0].(*h248.AmmsReply)
	if !ok || len(add.TerminationIDs) != 1 {
		return LegInfo{}, fmt.Errorf("mgc: unexpected Add reply %T", rep.Commands[0])
	}
	l := &Leg{ID: LegID{MG: mg, Termination: add.TerminationIDs[0]}, Context: rep.ContextID, State: LegIdle,
		LocalSDP: localSDP(add.Audit), Call: newCallID()}
	c.mu.Lock()
	m, err := c.mg(mg)
	if err != nil {
		c.mu.Unlock()
		return LegInfo{}, err
	}
	m.legs[l.ID.key()] = l
	info := l.info()
	c.mu.Unlock()
	c.record(legEvent(callstore.LegCreated, info, nil))
	return info, nil
}

// localSDP finds the Local SDP in the descriptors of a reply.
func localSDP(ds []h248.Descriptor) string {
	for _, d := range ds {
		md, ok := d.(*h248.MediaDescriptor)
		if !ok {
			continue
		}
		if md.Stream != nil && md.Stream.Local != nil {
			return md.Stream.Local.SDP
		}
		for _, s := range md.Streams {
			if s.Parms.Local != nil {
				return s.Parms.Local.SDP
			}
		}
	}
	return ""
}

// modify sends a Modify of one leg and applies change to the model when
// the MG agrees, recording an event of kind (none when "").
func (c *Controller) modify(ctx context.Context, id LegID, kind callstore.Kind, change func(l *Leg), ds ...h248.Descriptor) error {
	c.mu.Lock()
	l, err := c.legLocked(id)
	var cid h248.ContextID
	if err == nil {
		cid = l.Context
	}
	c.mu.Unlock()
	if err != nil {
		return err
	}
	if err := c.ready(id.MG, false); err != nil {
		return err
	}
	replies, err := c.call(ctx, id.MG, []h248.ActionRequest{{ContextID: cid, Commands: []h248.CommandRequest{single(h248.CmdModify, l.ID.Termination, ds...)}}})
	if err == nil {
		err = replyError(replies)
	}
	if err != nil {
		return err
	}
	c.mu.Lock()
	l, err = c.legLocked(id)
	if err != nil {
		c.mu.Unlock()
		return nil // released meanwhile
	}
	if change != nil {
		change(l)
	}
	info := l.info()
	c.mu.Unlock()
	if kind != "" {
		c.record(legEvent(kind, info, nil))
	}
	return nil
}

// Alert rings a leg: a TDM line gets the ringing signal (al/ri), an RTP
// leg sends ringback only.
func (c *Controller) Alert(ctx context.Context, id LegID) error {
	ds := []h248.Descriptor{mode(h248.SendOnly)}
	if isTDM(id.Termination) {
		ds = []h248.Descriptor{&h248.SignalsDescriptor{Signals: []h248.SignalRequest{{Signal: h248.Signal{Name: "al/ri"}}}}}
	}
	return c.modify(ctx, id, callstore.LegAlerting, func(l *Leg) { l.State = LegRinging }, ds...)
}

// Answer connects a leg both ways (SendReceive) and stops its signals.
func (c *Controller) Answer(ctx context.Context, id LegID) error {
	ds := []h248.Descriptor{mode(h248.SendRecv)}
	if isTDM(id.Termination) {
		ds = append(ds, &h248.SignalsDescriptor{})
	}
	return c.modify(ctx, id, callstore.LegAnswered, func(l *Leg) { l.State = LegActive }, ds...)
}

// PlaySignals applies signals to a leg (an empty list stops them).
func (c *Controller) PlaySignals(ctx context.Context, id LegID, signals ...h248.SignalRequest) error {
	return c.modify(ctx, id, callstore.LegModified, nil, &h248.SignalsDescriptor{Signals: signals})
}

// SetEvents sets the events to detect on a leg, with a digit map when
// given; they come back as OnOffHook, OnOnHook, OnDigits and
// OnSignalCompleted.
func (c *Controller) SetEvents(ctx context.Context, id LegID, events *h248.EventsDescriptor, digitMap *h248.DigitMapDescriptor) error {
	ds := []h248.Descriptor{events}
	if digitMap != nil {
		ds = append(ds, digitMap)
	}
	return c.modify(ctx, id, callstore.LegModified, nil, ds...)
}

// Release takes a leg out of its context (the context dies with its last
// leg) and forgets it; its link and mixer lose it.
func (c *Controller) Release(ctx context.Context, id LegID) error {
	c.mu.Lock()
	l, err := c.legLocked(id)
	var cid h248.ContextID
	var prev LegState
	if err == nil {
		cid, prev = l.Context, l.State
		l.State = LegTerminating
	}
	c.mu.Unlock()
	if err != nil {
		return err
	}
	replies, err := c.call(ctx, id.MG, []h248.ActionRequest{{ContextID: cid, Commands: []h248.CommandRequest{{Command: &h248.SubtractRequest{
		TerminationIDs: []h248.TerminationID{l.ID.Termination},
		Audit:          &h248.AuditDescriptor{Tokens: []h248.AuditToken{h248.AuditStatistics}}}}}}})
	if err == nil {
		if rerr := replyError(replies); rerr != nil && !unknownOnMG(replies) {
			err = rerr
		}
	}
	c.mu.Lock()
	var released []callstore.Event
	m, merr := c.mg(id.MG)
	switch {
	case merr != nil:
	case err == nil:
		if l := c.removeLegLocked(m, id); l != nil {
			released = append(released, legEvent(callstore.LegReleased, l.info(), nil))
		}
	case isTransportFailure(err):
		// The MG may or may not have done it: the leg stays terminating
		// and goes at the resync, on the MG too.
		m.releasing[id.key()] = true
	default:
		if l, lerr := c.legLocked(id); lerr == nil {
			l.State = prev
		}
	}
	c.mu.Unlock()
	c.record(released...)
	return err
}

// unknownOnMG reports whether the MG answered that the termination or
// context is not there: what Release wanted anyway.
func unknownOnMG(replies []h248.ActionReply) bool {
	for _, r := range replies {
		if r.Error != nil && (r.Error.Code == h248.CodeUnknownTerminationID || r.Error.Code == h248.CodeUnknownContextID) {
			return true
		}
	}
	return false
}

// removeLegLocked forgets a leg and its links.
func (c *Controller) removeLegLocked(m *mgEntry, id LegID) *Leg {
	l, ok := m.legs[id.key()]
	if !ok {
		return nil
	}
	delete(m.legs, id.key())
	if l.Peer != nil {
		l.Peer.Peer = nil
		l.Peer = nil
	}
	if x := l.Mixer; x != nil {
		for i, ml := range x.Legs {
			if ml == l {
				x.Legs = append(x.Legs[:i:i], x.Legs[i+1:]...)
				break
			}
		}
		l.Mixer = nil
	}
	return l
}

// Link joins two legs: on one MG they come to share a context (b moves
// into a's); RTP legs on two MGs exchange SDP (each one's Local becomes
// the other's Remote).
func (c *Controller) Link(ctx context.Context, a, b LegID) error {
	c.mu.Lock()
	la, errA := c.legLocked(a)
	lb, errB := c.legLocked(b)
	c.mu.Unlock()
	if errA != nil {
		return errA
	}
	if errB != nil {
		return errB
	}
	if a.MG == b.MG {
		replies, err := c.call(ctx, a.MG, []h248.ActionRequest{{ContextID: la.Context,
			Commands: []h248.CommandRequest{single(h248.CmdMove, lb.ID.Termination)}}})
		if err == nil {
			err = replyError(replies)
		}
		if err != nil {
			return err
		}
		c.mu.Lock()
		lb.Context = la.Context
		c.linkLocked(la, lb)
		return nil
	}
	if la.LocalSDP == "" || lb.LocalSDP == "" {
		return fmt.Errorf("%w: only RTP legs link across MGs", ErrNotLinked)
	}
	remote := func(sdp string) *h248.MediaDescriptor {
		return &h248.MediaDescriptor{Stream: &h248.StreamParms{Remote: &h248.LocalRemoteDescriptor{SDP: sdp}}}
	}
	if err := c.modify(ctx, a, "", func(l *Leg) { l.RemoteSDP = lb.LocalSDP }, remote(lb.LocalSDP)); err != nil {
		return err
	}
	if err := c.modify(ctx, b, "", func(l *Leg) { l.RemoteSDP = la.LocalSDP }, remote(la.LocalSDP)); err != nil {
		return err
	}
	c.mu.Lock()
	c.linkLocked(la, lb)
	return nil
}

// linkLocked makes two legs peers in a's call, records it and unlocks.
func (c *Controller) linkLocked(la, lb *Leg) {
	la.Peer, lb.Peer = lb, la
	lb.Call = la.Call
	a, b := la.info(), lb.info()
	c.mu.Unlock()
	c.record(legEvent(callstore.LegJoined, b, nil), legEvent(callstore.LegJoined, a, nil))
}

// CreateMixer makes a conference context on an MG, holding a mixer port
// the MG chooses from the pool.
func (c *Controller) CreateMixer(ctx context.Context, mg h248.MID) (MixerInfo, error) {
	if err := c.ready(mg, true); err != nil {
		return MixerInfo{}, err
	}
	port := h248.TerminationID(c.cfg.MixerPrefix + "$")
	replies, err := c.call(ctx, mg, []h248.ActionRequest{{ContextID: h248.ContextChoose,
		Commands: []h248.CommandRequest{single(h248.CmdAdd, port, mode(h248.SendRecv))}}})
	if err == nil {
		err = replyError(replies)
	}
	if err != nil {
		return MixerInfo{}, err
	}
	rep := replies[0]
	x := &Mixer{ID: MixerID{MG: mg, Context: rep.ContextID}, Call: newCallID()}
	if len(rep.Commands) == 1 {
		if ids := rep.Commands[0].Terminations(); len(ids) == 1 {
			x.Port = ids[0]
		}
	}
	c.mu.Lock()
	m, err := c.mg(mg)
	if err != nil {
		c.mu.Unlock()
		return MixerInfo{}, err
	}
	m.mixers[x.ID.Context] = x
	info := x.info()
	c.mu.Unlock()
	c.record(mixerEvent(callstore.MixerCreated, info, nil))
	return info, nil
}

// JoinMixer moves a leg into a mixer on the same MG.
func (c *Controller) JoinMixer(ctx context.Context, id LegID, mx MixerID) error {
	if id.MG != mx.MG {
		return fmt.Errorf("%w: a leg joins mixers of its own MG", ErrNotLinked)
	}
	c.mu.Lock()
	l, err := c.legLocked(id)
	var x *Mixer
	if err == nil {
		m, _ := c.mg(id.MG)
		x = m.mixers[mx.Context]
		if x == nil {
			err = fmt.Errorf("mgc: no mixer %v", mx)
		}
	}
	c.mu.Unlock()
	if err != nil {
		return err
	}
	replies, err := c.call(ctx, id.MG, []h248.ActionRequest{{ContextID: mx.Context,
		Commands: []h248.CommandRequest{single(h248.CmdMove, l.ID.Termination)}}})
	if err == nil {
		err = replyError(replies)
	}
	if err != nil {
		return err
	}
	c.mu.Lock()
	l.Context = mx.Context
	l.Mixer = x
	l.Call = x.Call
	x.Legs = append(x.Legs, l)
	info := l.info()
	c.mu.Unlock()
	c.record(legEvent(callstore.LegJoined, info, nil))
	return nil
}

// DestroyMixer removes a mixer: every termination in its context, legs
// included, is subtracted, and the legs are forgotten. When the MG does
// not answer, they are forgotten all the same and removed from the MG at
// its next resync.
func (c *Controller) DestroyMixer(ctx context.Context, mx MixerID) error {
	replies, err := c.call(ctx, mx.MG, []h248.ActionRequest{{ContextID: mx.Context,
		Commands: []h248.CommandRequest{{Command: &h248.SubtractRequest{TerminationIDs: []h248.TerminationID{"*"}}}}}})
	if err == nil {
		if rerr := replyError(replies); rerr != nil && !unknownOnMG(replies) {
			err = rerr
		}
	}
	unanswered := err != nil && isTransportFailure(err)
	if err != nil && !unanswered {
		return err
	}
	c.mu.Lock()
	m, merr := c.mg(mx.MG)
	if merr != nil {
		c.mu.Unlock()
		return merr
	}
	var evs []callstore.Event
	if x := m.mixers[mx.Context]; x != nil {
		for _, l := range append([]*Leg(nil), x.Legs...) {
			if unanswered {
				m.releasing[l.ID.key()] = true
			}
			c.removeLegLocked(m, l.ID)
			evs = append(evs, legEvent(callstore.LegReleased, l.info(), nil))
		}
		if unanswered && x.Port != "" {
			m.releasing[LegID{MG: mx.MG, Termination: x.Port}.key()] = true
		}
		delete(m.mixers, mx.Context)
		evs = append(evs, mixerEvent(callstore.MixerDestroyed, x.info(), nil))
	}
	c.mu.Unlock()
	c.record(evs...)
	return err
}
