package callstore

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/megaco/megaco/pkg/replication"
)

// followRetry is the wait before following again after Follow failed.
const followRetry = time.Second

// follower is the store's replication listener: it holds the group's
// state as replicated, which a standby's Calls reads and a new active
// instance starts from.
type follower struct {
	log     *zap.Logger
	mu      sync.Mutex
	state   *replication.Snapshot // nil until the first snapshot
	changed chan struct{}         // closed and replaced at each change
}

func newFollower(log *zap.Logger) *follower {
	return &follower{log: log, changed: make(chan struct{})}
}

func (f *follower) OnSnapshot(s *replication.Snapshot) {
	f.mu.Lock()
	f.state = s
	f.notify()
	f.mu.Unlock()
}

func (f *follower) OnUpdate(u *replication.Update) {
	f.mu.Lock()
	// Follow delivers each update once, after the one before: an error
	// here is a bug in that promise, not a state to recover from.
	if err := f.state.Apply(u); err != nil {
		f.log.Error("replicated update out of order", zap.Error(err))
	}
	f.notify()
	f.mu.Unlock()
}

// notify wakes the waiters. f.mu is held.
func (f *follower) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// wait calls view with the state once cond holds for it, both under the
// follower's lock, or returns ctx's error.
func (f *follower) wait(ctx context.Context, cond func(*replication.Snapshot) bool, view func(*replication.Snapshot)) error {
	for {
		f.mu.Lock()
		if f.state != nil && cond(f.state) {
			view(f.state)
			f.mu.Unlock()
			return nil
		}
		changed := f.changed
		f.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// followLoop follows the node until the store closes, starting over
// after an error (Follow resends the whole state).
func (s *Store) followLoop() {
	defer s.wg.Done()
	for {
		err := s.node.Follow(s.ctx, s.follow)
		if s.ctx.Err() != nil || errors.Is(err, replication.ErrClosed) {
			return
		}
		s.log.Warn("following the replicated state failed; following again", zap.Error(err))
		select {
		case <-s.ctx.Done():
			return
		case <-time.After(followRetry):
		}
	}
}
