package callstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/megaco/megaco/pkg/replication"
)

const (
	// drainMax bounds the queued items handled between two looks at the
	// store's other channels.
	drainMax = 4096
	// changeBudget bounds the items of one replication change: well under
	// NATS's default max_payload (1 MiB), over which a change fails.
	changeBudget = 256 << 10
)

// active is the state of a store while it writes for a term. All of it
// belongs to the store's goroutine.
type active struct {
	term    *replication.Term
	m       *model
	pub     *publisher
	lastSeq uint64 // the update that stored the last write

	// The write on its way (nil if none) and the Flush calls it answers.
	inflight        []chunk
	inflightWaiters []chan flushResult
	// The Flush calls the next write answers.
	waiters []chan flushResult
	// acked are outbox items to delete: the CDR stream has them.
	acked []string
}

// chunk is one replication change of a write, and the CDRs it puts in
// the outbox.
type chunk struct {
	p    *replication.Pending
	cdrs []outboxItem
}

type flushResult struct {
	seq uint64
	err error
}

// run is the store's goroutine. It owns the active calls: it applies the
// queued events and writes what they changed. One write is on its way at a
// time; the events that arrive meanwhile go into the next, so a call that
// changes many times while a write is out is written once.
func (s *Store) run() {
	defer s.wg.Done()
	for {
		var written, termDone, acked <-chan struct{}
		if a := s.act; a != nil {
			termDone, acked = a.term.Done(), a.pub.ackedC
			if n := len(a.inflight); n > 0 {
				written = a.inflight[n-1].p.Done()
			}
		}
		select {
		case it := <-s.queue:
			s.handle(it)
			s.drain()
		case <-written:
			s.written()
		case <-acked:
			s.act.acked = append(s.act.acked, s.act.pub.takeAcked()...)
		case <-termDone:
			s.deactivate(s.act.term.Err())
		case <-s.ctx.Done():
			if s.act != nil {
				s.deactivate(ErrClosed)
			}
			return
		}
		s.write()
	}
}

// drain handles what else is queued, up to drainMax items.
func (s *Store) drain() {
	for range drainMax {
		select {
		case it := <-s.queue:
			s.handle(it)
		default:
			return
		}
	}
}

func (s *Store) handle(it item) {
	if it.do != nil {
		it.do()
		return
	}
	a := s.act
	if a == nil {
		s.stats.rejected.Add(1)
		if !s.rejectLogged {
			s.log.Warn("events recorded on a standby are dropped")
			s.rejectLogged = true
		}
		return
	}
	if !a.m.apply(it.ev) {
		s.stats.ignored.Add(1)
		s.log.Debug("event ignored", zap.String("kind", string(it.ev.Kind)), zap.String("call", it.ev.Call))
		return
	}
	s.stats.recorded.Add(1)
}

// activate starts a term: see Activate.
func (s *Store) activate(ctx context.Context, term *replication.Term) ([]Call, error) {
	if a := s.act; a != nil {
		if a.term == term {
			return a.m.activeCalls(), nil
		}
		s.deactivate(fmt.Errorf("callstore: %w: a new term began", replication.ErrNotActive))
	}
	// The followed state at the term's barrier is every earlier term's.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()
	go func() {
		select {
		case <-term.Done():
			cancel()
		case <-wctx.Done():
		}
	}()
	var (
		recs   []*callRec
		outbox map[string][]byte
		errs   []error
	)
	err := s.follow.wait(wctx, func(st *replication.Snapshot) bool { return st.Seq >= term.Seq() },
		func(st *replication.Snapshot) { recs, outbox, errs = stateItems(st.Items) })
	switch {
	case term.Err() != nil:
		return nil, term.Err()
	case s.ctx.Err() != nil:
		return nil, ErrClosed
	case err != nil:
		return nil, err
	}
	for _, err := range errs {
		s.log.Error("call not restored", zap.Error(err))
	}
	m := newModel()
	for _, r := range recs {
		m.load(r)
	}
	a := &active{term: term, m: m, pub: s.startPublisher(), lastSeq: term.Seq()}
	items := make([]outboxItem, 0, len(outbox))
	for id, data := range outbox {
		items = append(items, outboxItem{id, data})
	}
	a.pub.add(items) // the previous term's unacknowledged CDRs
	s.act = a
	s.log.Info("active", zap.Uint64("epoch", term.Epoch()), zap.Int("calls", len(m.calls)), zap.Int("outbox", len(items)))
	return m.activeCalls(), nil
}

// deactivate ends the store's term: the active calls are dropped (the
// followed state has what was stored) and the Flush calls waiting fail.
func (s *Store) deactivate(err error) {
	a := s.act
	a.pub.stop()
	for _, w := range append(a.inflightWaiters, a.waiters...) {
		w <- flushResult{err: err}
	}
	s.act = nil
	s.rejectLogged = false
	s.log.Info("standby", zap.Uint64("epoch", a.term.Epoch()), zap.NamedError("reason", err))
}

// addWaiter answers ch after the next write, at once on a standby.
func (s *Store) addWaiter(ch chan flushResult) {
	if s.act == nil {
		ch <- flushResult{err: fmt.Errorf("callstore: %w", replication.ErrNotActive)}
		return
	}
	s.act.waiters = append(s.act.waiters, ch)
}

// write sends what changed since the last write, unless a write is on its
// way: finished calls (deleted, their CDR put in the outbox, in one
// change), changed calls, and outbox items the CDR stream has.
func (s *Store) write() {
	a := s.act
	if a == nil || a.inflight != nil {
		return
	}
	m := a.m
	if len(m.dirty) == 0 && len(m.done) == 0 && len(a.acked) == 0 {
		for _, w := range a.waiters {
			w <- flushResult{seq: a.lastSeq}
		}
		a.waiters = nil
		return
	}
	var b changes
	for _, f := range m.done {
		if f.cdr == nil {
			i := b.next(len(f.id))
			b.list[i].Deletes = append(b.list[i].Deletes, callKey(f.id))
			continue
		}
		data, _ := json.Marshal(f.cdr) // plain data: cannot fail
		i := b.next(2*len(f.id) + len(data))
		b.list[i].Deletes = append(b.list[i].Deletes, callKey(f.id))
		b.list[i].Puts[cdrKey(f.id)] = data
		b.cdrs[i] = append(b.cdrs[i], outboxItem{f.id, data})
	}
	for id := range m.dirty {
		data, _ := json.Marshal(m.calls[id])
		i := b.next(len(id) + len(data))
		b.list[i].Puts[callKey(id)] = data
	}
	for _, id := range a.acked {
		i := b.next(len(id))
		b.list[i].Deletes = append(b.list[i].Deletes, cdrKey(id))
	}
	clear(m.dirty)
	m.done, a.acked = nil, nil
	a.inflight = make([]chunk, len(b.list))
	for i, c := range b.list {
		a.inflight[i] = chunk{p: s.node.WriteAsync(c), cdrs: b.cdrs[i]}
	}
	a.inflightWaiters, a.waiters = a.waiters, nil
}

// written handles the end of the write on its way. Its changes are
// stored in order, so all are done once the last is, except those that
// failed at once (too large), which are done already.
func (s *Store) written() {
	a := s.act
	var err error
	for _, c := range a.inflight {
		seq, werr := c.p.Wait(s.ctx)
		switch {
		case werr == nil:
			a.lastSeq = max(a.lastSeq, seq)
			s.stats.cdrs.Add(uint64(len(c.cdrs)))
			a.pub.add(c.cdrs)
		case s.ctx.Err() != nil:
			s.deactivate(ErrClosed)
			return
		case errors.Is(werr, replication.ErrNotActive):
			s.deactivate(werr)
			return
		default:
			err = werr
			s.log.Error("calls not replicated", zap.Int("cdrs lost", len(c.cdrs)), zap.Error(werr))
		}
	}
	for _, w := range a.inflightWaiters {
		w <- flushResult{seq: a.lastSeq, err: err}
	}
	a.inflight, a.inflightWaiters = nil, nil
}

// changes splits a write into replication changes of about changeBudget
// bytes at most, keeping the operations of one call in one change, which
// is stored atomically.
type changes struct {
	list []replication.Change
	cdrs [][]outboxItem
	size int
}

// next returns the index of the change to add size bytes of operations
// to.
func (b *changes) next(size int) int {
	size += 16 // keys' prefixes and lengths
	if len(b.list) == 0 || b.size+size > changeBudget && b.size > 0 {
		b.list = append(b.list, replication.Change{Puts: map[string][]byte{}})
		b.cdrs = append(b.cdrs, nil)
		b.size = 0
	}
	b.size += size
	return len(b.list) - 1
}
