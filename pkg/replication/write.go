package replication

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
)

// hdrTerm carries the writing term's id, so that a writer whose publish
// failed can tell whether the message after its last one is its own.
const hdrTerm = "Megaco-Term"

// Retry waits of a write in doubt.
const (
	retryMin = 20 * time.Millisecond
	retryMax = time.Second
)

// Change is a set of state item changes stored as one: listeners see all
// of it or none of it. Deletes apply before Puts.
type Change struct {
	Puts    map[string][]byte
	Deletes []string
}

// Pending is a write on its way. Writes that wait for the same message
// share one Pending.
type Pending struct {
	done chan struct{}
	seq  uint64
	err  error
}

// Done is closed when the write is stored or has failed.
func (p *Pending) Done() <-chan struct{} { return p.done }

// Wait waits for the write and returns the stream sequence of the update
// that carries it. Giving up on ctx does not withdraw the write.
func (p *Pending) Wait(ctx context.Context) (uint64, error) {
	select {
	case <-p.done:
		return p.seq, p.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func (p *Pending) finish(seq uint64, err error) {
	p.seq, p.err = seq, err
	close(p.done)
}

func failed(err error) *Pending {
	p := &Pending{done: make(chan struct{})}
	p.finish(0, err)
	return p
}

// batch is the body of one update: the changes of every write that joined
// it while the previous update was on its way.
type batch struct {
	term *Term
	buf  []byte
	p    *Pending
}

// Write stores c as the active instance, fenced: it fails with ErrFenced
// if a newer active instance has written since this node's term began,
// and with ErrNotActive when the node is not active. It returns the stream
// sequence of the update that carries c. Writes are stored in the order of
// the calls; concurrent ones are coalesced into one update. An error after
// ctx ends or the term ends while a write was in doubt does not prove the
// change was not stored: listeners see what was.
func (n *Node) Write(ctx context.Context, c Change) (uint64, error) {
	return n.WriteAsync(c).Wait(ctx)
}

// WriteAsync is Write without the wait: it encodes c at once, so the
// caller may reuse c's maps and slices when it returns, and the writes of
// one goroutine are stored in call order. Writes issued while an update is
// on its way are coalesced into the next one, up to the size of a message.
func (n *Node) WriteAsync(c Change) *Pending {
	size := opsSize(c)
	if n.hdrMax+size > n.maxMsg {
		return failed(ErrTooLarge)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	switch {
	case n.closed:
		return failed(ErrClosed)
	case n.term == nil:
		return failed(ErrNotActive)
	}
	b := n.open
	if b == nil || b.term != n.term || len(b.buf)+size > n.maxMsg {
		if b != nil {
			n.queue = append(n.queue, b)
		}
		// Reusing the last stored batch's buffer saves growing a new one
		// while writes pile up.
		buf := n.spare
		n.spare = nil
		if cap(buf) < n.hdrMax+size {
			buf = make([]byte, 0, n.hdrMax+size)
		}
		b = &batch{
			term: n.term,
			buf:  appendUpdateHeader(buf[:0], n.term.epoch, n.cfg.Instance),
			p:    &Pending{done: make(chan struct{})},
		}
		n.open = b
	}
	b.buf = appendOps(b.buf, c)
	n.wakeWriter()
	return b.p
}

// wakeWriter makes the writer look for batches. n.mu is held.
func (n *Node) wakeWriter() {
	select {
	case n.kick <- struct{}{}:
	default:
	}
}

// writeLoop stores batches one at a time, in order, until Close.
func (n *Node) writeLoop() {
	defer n.wg.Done()
	for {
		select {
		case <-n.kick:
		case <-n.ctx.Done():
			for b := n.next(); b != nil; b = n.next() {
				b.p.finish(0, ErrClosed)
			}
			return
		}
		for b := n.next(); b != nil; b = n.next() {
			n.flush(b)
		}
	}
}

// next takes the oldest batch, or nil.
func (n *Node) next() *batch {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.queue) > 0 {
		b := n.queue[0]
		n.queue[0] = nil
		n.queue = n.queue[1:]
		return b
	}
	b := n.open
	n.open = nil
	return b
}

// flush stores b, unless its term is over.
func (n *Node) flush(b *batch) {
	t := b.term
	if err := t.Err(); err != nil {
		b.p.finish(0, err)
		return
	}
	seq, err := n.commit(n.ctx, t, b.buf)
	switch {
	case err == nil:
		t.lastSeq = seq
		n.maybeCompact(seq)
	case errors.Is(err, ErrFenced):
		n.log.Warn("write fenced: a newer active instance has written", zap.Uint64("epoch", t.epoch))
		n.endTerm(t, ErrFenced)
	}
	b.p.finish(seq, n.callErr(err))
	n.mu.Lock()
	if cap(b.buf) > cap(n.spare) {
		n.spare = b.buf
	}
	n.mu.Unlock()
}

// commit stores data as t's next message. The publish expects the stream
// to end at t's last message: once another term's barrier is in, it is
// refused, which is the fencing. When the publish fails or its outcome is
// unknown, the message right after t's last one tells: t's own (its ack
// was lost), another term's (fenced), or none yet (retry). commit gives up
// when ctx or the term ends.
func (n *Node) commit(ctx context.Context, t *Term, data []byte) (uint64, error) {
	msg := &nats.Msg{Subject: n.subject, Header: nats.Header{hdrTerm: []string{t.id}}, Data: data}
	timeout := max(n.cfg.LeaseTTL, time.Second)
	wait := retryMin
	for {
		pctx, cancel := context.WithTimeout(ctx, timeout)
		ack, err := n.js.PublishMsg(pctx, msg, jetstream.WithExpectLastSequence(t.lastSeq))
		cancel()
		if err == nil {
			return ack.Sequence, nil
		}
		got, gerr := n.stream.GetMsg(ctx, t.lastSeq+1)
		switch {
		case gerr == nil && got.Header.Get(hdrTerm) == t.id:
			return got.Sequence, nil
		case gerr == nil:
			return 0, ErrFenced
		case errors.Is(gerr, jetstream.ErrMsgNotFound) && wrongLastSeq(err) && n.passed(ctx, t.lastSeq):
			// Another term's writes followed ours and were compacted away.
			return 0, ErrFenced
		}
		n.log.Warn("write in doubt; retrying", zap.Uint64("after", t.lastSeq), zap.Error(err), zap.NamedError("check", gerr))
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-t.done:
			return 0, fmt.Errorf("%w (write in doubt: %v)", t.err, err)
		case <-time.After(wait):
		}
		wait = min(2*wait, retryMax)
	}
}

// passed reports whether the stream no longer ends with or holds the
// message after seq. A clustered stream refuses an expected sequence for
// a message still being replicated, before it can be read: not that.
func (n *Node) passed(ctx context.Context, seq uint64) bool {
	info, err := n.stream.Info(ctx)
	return err == nil && (info.State.LastSeq < seq || info.State.FirstSeq > seq+1)
}

// wrongLastSeq reports whether the stream refused a publish for its
// expected last sequence.
func wrongLastSeq(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) &&
		(apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
			apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

// maybeCompact starts a compaction, which stores a snapshot if
// SnapshotEvery updates came after the newest one, at the first write of
// the node and then every SnapshotEvery updates, whether or not the last
// attempt succeeded.
func (n *Node) maybeCompact(seq uint64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.compacting || n.closed || seq < n.compactAt {
		return
	}
	n.compactAt = seq + uint64(n.cfg.SnapshotEvery)
	n.compacting = true
	n.wg.Add(1) // under the writer's count
	go func() {
		defer n.wg.Done()
		if err := n.compact(n.ctx, uint64(n.cfg.SnapshotEvery)); err != nil && n.ctx.Err() == nil {
			n.log.Warn("compaction failed", zap.Error(err))
		}
		n.mu.Lock()
		n.compacting = false
		n.mu.Unlock()
	}()
}
