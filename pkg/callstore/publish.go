package callstore

import (
	"context"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
)

const (
	// publishBatch is how many CDRs the publisher has in flight at once.
	publishBatch = 512
	// Retry waits of a failed publish.
	retryMin = 50 * time.Millisecond
	retryMax = 5 * time.Second
)

// outboxItem is a CDR in the outbox: stored in the replicated state until
// the CDR stream acknowledges it.
type outboxItem struct {
	call string
	data []byte
}

// publisher publishes the outbox of one term to the CDR stream, each CDR
// with its call id as Nats-Msg-Id, so that the stream stores a CDR once
// however often it is published within Config.DedupWindow. It hands the
// acknowledged call ids back for their outbox items to be deleted.
type publisher struct {
	s      *Store
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	wake   chan struct{} // new CDRs to publish
	ackedC chan struct{} // new acknowledged ids, for the store's goroutine

	mu    sync.Mutex
	todo  []outboxItem
	acked []string
}

func (s *Store) startPublisher() *publisher {
	p := &publisher{
		s:      s,
		done:   make(chan struct{}),
		wake:   make(chan struct{}, 1),
		ackedC: make(chan struct{}, 1),
	}
	p.ctx, p.cancel = context.WithCancel(s.ctx)
	go p.run()
	return p
}

// stop stops the publisher and waits for it. What it had not published
// stays in the outbox for the next active instance.
func (p *publisher) stop() {
	p.cancel()
	<-p.done
}

// add queues CDRs to publish.
func (p *publisher) add(items []outboxItem) {
	if len(items) == 0 {
		return
	}
	p.mu.Lock()
	p.todo = append(p.todo, items...)
	p.mu.Unlock()
	signal(p.wake)
}

// takeAcked returns the call ids acknowledged since the last call.
func (p *publisher) takeAcked() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := p.acked
	p.acked = nil
	return a
}

func (p *publisher) run() {
	defer close(p.done)
	wait := retryMin
	for {
		select {
		case <-p.wake:
		case <-p.ctx.Done():
			return
		}
		for {
			p.mu.Lock()
			n := min(len(p.todo), publishBatch)
			batch := p.todo[:n:n]
			p.todo = p.todo[n:]
			p.mu.Unlock()
			if n == 0 {
				break
			}
			failed := p.publish(batch)
			if p.ctx.Err() != nil {
				return
			}
			if len(failed) == 0 {
				wait = retryMin
				continue
			}
			p.mu.Lock()
			p.todo = append(p.todo, failed...)
			p.mu.Unlock()
			select {
			case <-p.ctx.Done():
				return
			case <-time.After(wait):
			}
			wait = min(2*wait, retryMax)
		}
	}
}

// publish publishes batch asynchronously, waits for the acks and returns
// what failed.
func (p *publisher) publish(batch []outboxItem) (failed []outboxItem) {
	s := p.s
	futures := make([]jetstream.PubAckFuture, len(batch))
	var lastErr error
	for i, it := range batch {
		m := &nats.Msg{Subject: s.subject, Data: it.data, Header: nats.Header{}}
		futures[i], lastErr = s.js.PublishMsgAsync(m, jetstream.WithMsgID(it.call))
	}
	var acked []string
	for i, f := range futures {
		if f == nil {
			failed = append(failed, batch[i])
			continue
		}
		select {
		case ack := <-f.Ok():
			acked = append(acked, batch[i].call)
			if ack.Duplicate {
				s.stats.duplicates.Add(1)
			}
		case lastErr = <-f.Err():
			failed = append(failed, batch[i])
		case <-p.ctx.Done():
			return nil
		}
	}
	if len(failed) > 0 {
		s.log.Warn("publishing CDRs failed; retrying", zap.Int("failed", len(failed)), zap.Error(lastErr))
	}
	if len(acked) > 0 {
		s.stats.published.Add(uint64(len(acked)))
		p.mu.Lock()
		p.acked = append(p.acked, acked...)
		p.mu.Unlock()
		signal(p.ackedC)
	}
	return failed
}

// signal wakes the receiver of a channel of capacity 1 without blocking.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
