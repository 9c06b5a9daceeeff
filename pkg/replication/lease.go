package replication

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
	"go.uber.org/zap"
)

// Term is one tenure of a node as the group's active instance: from the
// barrier update that fences every earlier writer to the moment the node
// resigns, loses its lease, is fenced or closes.
type Term struct {
	id    string // in the hdrTerm header of each of the term's messages
	epoch uint64
	seq   uint64

	done      chan struct{}
	err       error // set before done is closed, under Node.mu
	stopRenew context.CancelFunc
	renewed   chan struct{} // closed when the renewal goroutine has returned

	lastSeq  uint64 // the term's last stored message; the writer's once the term is current
	leaseRev uint64 // the renewal goroutine's until renewed is closed
}

// Epoch identifies the term; a later term has a larger epoch. It is the
// lease's revision when the node took it.
func (t *Term) Epoch() uint64 { return t.epoch }

// Seq is the stream sequence of the term's barrier: every update before it
// is from an earlier term, every update after it is this term's until it
// ends.
func (t *Term) Seq() uint64 { return t.seq }

// Done is closed when the term ends.
func (t *Term) Done() <-chan struct{} { return t.done }

// Err is nil while the term lasts, then why it ended: ErrResigned,
// ErrLeaseLost, ErrFenced or ErrClosed, all of which wrap ErrNotActive.
func (t *Term) Err() error {
	select {
	case <-t.done:
		return t.err
	default:
		return nil
	}
}

// leaseValue is the lease key's value, so that a standby knows who holds
// the lease and how long it lasts without a renewal.
type leaseValue struct {
	Instance string `json:"instance"`
	TTLms    int64  `json:"ttl_ms"`
}

// IsActive reports whether the node is in a term.
func (n *Node) IsActive() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.term != nil
}

// Campaign blocks until the node is the group's active instance, then
// returns its term; if it already is, it returns the current term. It
// takes the lease when it is free, or when the holder has not renewed it
// for the holder's LeaseTTL, then stores a barrier update that fences
// every earlier writer. When Campaign returns, State includes every update
// of earlier terms. A standby calls it in a loop, waiting for each term's
// Done in between.
func (n *Node) Campaign(ctx context.Context) (*Term, error) {
	ctx, leave, err := n.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	n.campaign.Lock()
	defer n.campaign.Unlock()
	if t := n.current(); t != nil {
		return t, nil
	}
	rev, at, err := n.acquire(ctx)
	if err != nil {
		return nil, n.callErr(err)
	}
	renewCtx, stop := context.WithCancel(n.ctx)
	t := &Term{
		id: nuid.Next(), epoch: rev, leaseRev: rev,
		done: make(chan struct{}), stopRenew: stop, renewed: make(chan struct{}),
	}
	n.wg.Add(1) // under enter's count, so Close is still waiting
	go n.renew(renewCtx, t, at)
	seq, err := n.barrier(ctx, t)
	if err == nil {
		n.mu.Lock()
		switch {
		case t.err != nil:
			err = t.err
		case n.closed:
			err = ErrClosed
		default:
			t.seq, t.lastSeq = seq, seq
			n.term = t
		}
		n.mu.Unlock()
	}
	if err != nil {
		if n.endTerm(t, ErrResigned) {
			rctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
			_ = n.release(rctx, t) // best effort: else the lease lapses after its TTL
			cancel()
		}
		return nil, n.callErr(err)
	}
	n.log.Info("active", zap.Uint64("epoch", t.epoch), zap.Uint64("seq", seq))
	return t, nil
}

// current returns the current term, or nil.
func (n *Node) current() *Term {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.term
}

// acquire waits for the lease to be free or to lapse and takes it. A
// standby judges a lapse by its own clock from the moment it saw the
// holder's last renewal, so the instances' clocks need not agree.
func (n *Node) acquire(ctx context.Context) (rev uint64, at time.Time, err error) {
	w, err := n.leases.Watch(ctx, n.cfg.Group)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("replication: watch lease: %w", err)
	}
	defer func() { _ = w.Stop() }()
	var held uint64 // the holder's last revision; 0 while the lease is free
	lapse := time.NewTimer(time.Hour)
	lapse.Stop()
	defer lapse.Stop()
	take := false
	for {
		if take {
			take = false
			if rev, at, err = n.take(ctx, held); err == nil {
				return rev, at, nil
			}
			if !errors.Is(err, jetstream.ErrKeyExists) && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
				n.log.Warn("taking the lease failed; retrying", zap.Error(err))
				lapse.Reset(n.cfg.LeaseTTL / 3)
			}
			// Else another instance was first: its value comes through the watch.
		}
		select {
		case e, ok := <-w.Updates():
			switch {
			case !ok:
				return 0, time.Time{}, errors.New("replication: lease watch ended")
			case e == nil: // the end of the initial values
				take = held == 0
			case e.Operation() == jetstream.KeyValuePut:
				held = e.Revision()
				lapse.Reset(n.holderTTL(e.Value()))
			default: // deleted: a holder resigned
				held = 0
				lapse.Stop()
				take = true
			}
		case <-lapse.C:
			take = true
		case <-ctx.Done():
			return 0, time.Time{}, ctx.Err()
		}
	}
}

// take creates the lease key if held is 0, else replaces the revision held
// by a holder whose lease lapsed. at is when the lease starts to count.
func (n *Node) take(ctx context.Context, held uint64) (rev uint64, at time.Time, err error) {
	v := n.leaseValue()
	at = time.Now()
	if held == 0 {
		rev, err = n.leases.Create(ctx, n.cfg.Group, v)
	} else {
		rev, err = n.leases.Update(ctx, n.cfg.Group, v, held)
	}
	return rev, at, err
}

func (n *Node) leaseValue() []byte {
	b, _ := json.Marshal(leaseValue{Instance: n.cfg.Instance, TTLms: n.cfg.LeaseTTL.Milliseconds()})
	return b
}

// holderTTL is the TTL the holder announced; its renewals keep to it,
// whatever this node's own configuration says.
func (n *Node) holderTTL(v []byte) time.Duration {
	var lv leaseValue
	if json.Unmarshal(v, &lv) != nil || lv.TTLms <= 0 {
		return n.cfg.LeaseTTL
	}
	return time.Duration(lv.TTLms) * time.Millisecond
}

// renew keeps t's lease until ctx ends. It ends the term when another
// instance took the lease, or when renewals failed for so long that a
// standby may take over before the next one: past that point the node no
// longer claims to be active, and fencing refuses whatever it still sends.
func (n *Node) renew(ctx context.Context, t *Term, at time.Time) {
	defer n.wg.Done()
	defer close(t.renewed)
	every := n.cfg.LeaseTTL / 3
	deadline := at.Add(n.cfg.LeaseTTL)
	tick := time.NewTicker(every)
	defer tick.Stop()
	v := n.leaseValue()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		sent := time.Now()
		rctx, cancel := context.WithTimeout(ctx, every)
		rev, err := n.leases.Update(rctx, n.cfg.Group, v, t.leaseRev)
		cancel()
		switch {
		case err == nil:
			t.leaseRev, deadline = rev, sent.Add(n.cfg.LeaseTTL)
		case ctx.Err() != nil:
			return
		case errors.Is(err, jetstream.ErrKeyRevisionMismatch):
			n.log.Warn("lease taken by another instance", zap.Uint64("epoch", t.epoch))
			n.endTerm(t, ErrLeaseLost)
			return
		case time.Now().Add(every).After(deadline):
			n.log.Warn("lease not renewed in time", zap.Uint64("epoch", t.epoch), zap.Error(err))
			n.endTerm(t, ErrLeaseLost)
			return
		default:
			n.log.Warn("lease renewal failed; retrying", zap.Error(err))
		}
	}
}

// endTerm ends t with reason err unless it has ended already, and reports
// whether it did.
func (n *Node) endTerm(t *Term, err error) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if t.err != nil {
		return false
	}
	t.err = err
	close(t.done)
	t.stopRenew()
	if n.term == t {
		n.term = nil
		n.log.Info("standby", zap.Uint64("epoch", t.epoch), zap.NamedError("reason", err))
	}
	n.wakeWriter() // to fail the term's queued writes now
	return true
}

// release deletes t's lease key, if t still holds it, so that a standby
// takes over without waiting for the TTL.
func (n *Node) release(ctx context.Context, t *Term) error {
	<-t.renewed
	err := n.leases.Delete(ctx, n.cfg.Group, jetstream.LastRevision(t.leaseRev))
	if err == nil || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return nil
	}
	return fmt.Errorf("replication: release lease: %w", err)
}

// Resign ends the node's term, if any, and releases the lease so that a
// standby takes over at once. A write already handed to the stream may
// still be stored.
func (n *Node) Resign(ctx context.Context) error {
	ctx, leave, err := n.enter(ctx)
	if err != nil {
		return err
	}
	defer leave()
	t := n.current()
	if t == nil || !n.endTerm(t, ErrResigned) {
		return nil
	}
	return n.callErr(n.release(ctx, t))
}

// barrier stores t's first message, an empty update expecting the
// stream's last sequence: once it is stored, no earlier term's writer can
// store anything (see commit).
func (n *Node) barrier(ctx context.Context, t *Term) (uint64, error) {
	data := appendUpdateHeader(nil, t.epoch, n.cfg.Instance)
	for {
		info, err := n.stream.Info(ctx)
		if err != nil {
			return 0, fmt.Errorf("replication: stream info: %w", err)
		}
		t.lastSeq = info.State.LastSeq
		seq, err := n.commit(ctx, t, data)
		if !errors.Is(err, ErrFenced) {
			return seq, err
		}
		// The previous active instance stored an update after we read the
		// stream's end: it is not fenced until the barrier is in.
	}
}
