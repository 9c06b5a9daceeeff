package replication

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
)

// joinAttempts bounds how often a join starts over because a compaction
// removed what it was about to read.
const joinAttempts = 5

// errBehind: the stream was compacted past what a reader needed next.
var errBehind = errors.New("replication: compacted past the reader")

// Update is one stored message of the group: the changes of one or more
// coalesced writes. Puts and Deletes name distinct keys. An update with
// neither is a term's barrier. The listener may keep its maps and values.
type Update struct {
	Seq      uint64 // stream sequence: the previous update's plus one
	Epoch    uint64 // the writing term's epoch
	Instance string // the writing instance
	Change
}

// Snapshot is the group's whole state as of an update.
type Snapshot struct {
	Seq   uint64 // the last update included; 0 before the first
	Epoch uint64 // that update's epoch
	Items map[string][]byte
}

// Apply brings s to u if u is the update that follows s. An update s
// already includes is ignored, so applying one twice is harmless; one
// further ahead returns ErrGap.
func (s *Snapshot) Apply(u *Update) error {
	switch {
	case u.Seq <= s.Seq:
		return nil
	case u.Seq != s.Seq+1:
		return fmt.Errorf("%w: update %d after %d", ErrGap, u.Seq, s.Seq)
	}
	for _, k := range u.Deletes {
		delete(s.Items, k)
	}
	for k, v := range u.Puts {
		s.Items[k] = bytes.Clone(v)
	}
	s.Seq, s.Epoch = u.Seq, u.Epoch
	return nil
}

func (s *Snapshot) applyOp(put bool, k, v []byte) {
	if put {
		s.Items[string(k)] = v
	} else {
		delete(s.Items, string(k))
	}
}

// Listener receives the group's state from Follow. Its methods are called
// one at a time, on Follow's goroutine.
type Listener interface {
	// OnSnapshot hands over the whole state, which the listener now owns.
	// It comes first, and again, replacing everything, if the listener
	// fell so far behind that the updates it missed were compacted away.
	OnSnapshot(s *Snapshot)
	// OnUpdate delivers the update after the last one delivered: its Seq
	// is one more, with no gap and no repeat.
	OnUpdate(u *Update)
}

// Follow delivers the group's current state to l, then every update after
// it in order, until ctx ends or the node closes; it returns why. It
// serves late joiners and standbys alike; the active instance may follow
// its own writes too.
func (n *Node) Follow(ctx context.Context, l Listener) error {
	ctx, leave, err := n.enter(ctx)
	if err != nil {
		return err
	}
	defer leave()
	for {
		s, it, err := n.join(ctx, true)
		if err != nil {
			return n.callErr(err)
		}
		n.log.Debug("joined", zap.Uint64("seq", s.Seq), zap.Int("items", len(s.Items)))
		l.OnSnapshot(s)
		err = n.follow(ctx, it, s.Seq, l)
		it.Stop()
		if !errors.Is(err, errBehind) {
			return n.callErr(err)
		}
		n.log.Warn("listener fell behind a compaction; sending a new snapshot")
	}
}

// follow delivers the updates after seq.
func (n *Node) follow(ctx context.Context, it jetstream.MessagesContext, seq uint64, l Listener) error {
	for {
		m, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			return err
		}
		s, err := streamSeq(m)
		switch {
		case err != nil:
			return err
		case s <= seq:
			continue
		case s != seq+1:
			return errBehind
		}
		u, err := decodeUpdate(m.Data())
		if err != nil {
			return fmt.Errorf("update %d: %w", s, err)
		}
		u.Seq, seq = s, s
		l.OnUpdate(u)
	}
}

// State returns the group's current state: the newest snapshot brought up
// to the stream's last update.
func (n *Node) State(ctx context.Context) (*Snapshot, error) {
	ctx, leave, err := n.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	s, _, err := n.join(ctx, false)
	return s, n.callErr(err)
}

// join reads the newest snapshot, then the updates after it up to the
// stream's last one as it was when the join began. With keep it returns
// the iterator positioned after that update, so that nothing between the
// state and what follows is lost or repeated.
func (n *Node) join(ctx context.Context, keep bool) (*Snapshot, jetstream.MessagesContext, error) {
	var lastErr error
	for range joinAttempts {
		s, err := n.loadSnapshot(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, err
			}
			lastErr = err // deleted while we read it: a newer one exists
			continue
		}
		info, err := n.stream.Info(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("replication: stream info: %w", err)
		}
		first, last := info.State.FirstSeq, info.State.LastSeq
		if last > s.Seq && first > s.Seq+1 {
			lastErr = fmt.Errorf("%w: stream starts at %d, snapshot is at %d", errBehind, first, s.Seq)
			continue
		}
		if last <= s.Seq && !keep {
			return s, nil, nil
		}
		c, err := n.stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
			DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
			OptStartSeq:   s.Seq + 1,
		})
		if err != nil {
			return nil, nil, fmt.Errorf("replication: consumer: %w", err)
		}
		it, err := c.Messages()
		if err != nil {
			return nil, nil, fmt.Errorf("replication: consumer: %w", err)
		}
		if err := catchUp(ctx, it, s, last); err != nil {
			it.Stop()
			if !errors.Is(err, errBehind) {
				return nil, nil, err
			}
			lastErr = err
			continue
		}
		if !keep {
			it.Stop()
			it = nil
		}
		return s, it, nil
	}
	return nil, nil, fmt.Errorf("replication: no snapshot to start from after %d attempts: %w", joinAttempts, lastErr)
}

// catchUp applies the updates after s up to last.
func catchUp(ctx context.Context, it jetstream.MessagesContext, s *Snapshot, last uint64) error {
	for s.Seq < last {
		m, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			return err
		}
		seq, err := streamSeq(m)
		switch {
		case err != nil:
			return err
		case seq <= s.Seq:
			continue
		case seq != s.Seq+1:
			return errBehind
		}
		epoch, _, ops, err := decodeUpdateHeader(m.Data())
		if err != nil {
			return fmt.Errorf("update %d: %w", seq, err)
		}
		// Copies, so that the state does not pin whole message buffers.
		err = walkOps(ops, func(put bool, k, v []byte) { s.applyOp(put, k, bytes.Clone(v)) })
		if err != nil {
			return fmt.Errorf("update %d: %w", seq, err)
		}
		s.Seq, s.Epoch = seq, epoch
	}
	return nil
}

func streamSeq(m jetstream.Msg) (uint64, error) {
	meta, err := m.Metadata()
	if err != nil {
		return 0, fmt.Errorf("replication: message metadata: %w", err)
	}
	return meta.Sequence.Stream, nil
}
