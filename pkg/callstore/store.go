package callstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/megaco/megaco/pkg/replication"
)

// ErrClosed is returned by a closed Store.
var ErrClosed = errors.New("callstore: closed")

// Config configures a Store. The zero value of each field means its
// default; Group, Instance and, without WithSink, DataDir are required.
type Config struct {
	// Group is the replication group (replication.group): it names the
	// CDR stream, MEGACO_CDR_<group>.
	Group string `yaml:"group" json:"group"`
	// Instance names this process in the group, as its replication node
	// does: its durable consumer of the CDR stream is cdr_<instance>.
	// Letters, digits, '-' and '_'.
	Instance string `yaml:"instance" json:"instance"`
	// DataDir holds the instance's CDR database, DBFile (data_dir).
	DataDir string `yaml:"data_dir" json:"data_dir"`
	// QueueSize is how many recorded events may wait for the store's
	// goroutine; Record blocks while the queue is full. Default 65536:
	// three seconds of the engine's load rate.
	QueueSize int `yaml:"queue_size" json:"queue_size"`
	// DedupWindow is how long the CDR stream remembers a call id, so that
	// an active instance taking over republishes its predecessor's last
	// CDRs without duplicates. Past it the CDR databases still skip a
	// call they have. Default 10m.
	DedupWindow time.Duration `yaml:"dedup_window" json:"dedup_window"`
	// Retention is how long the CDR stream keeps a CDR: an instance that
	// is down for longer misses the CDRs older than that in its database.
	// Default 24h, at least DedupWindow.
	Retention time.Duration `yaml:"retention" json:"retention"`
	// Replicas of the CDR stream in a NATS cluster. Default 1.
	Replicas int `yaml:"replicas" json:"replicas"`
}

const (
	defaultQueueSize   = 1 << 16
	defaultDedupWindow = 10 * time.Minute
	defaultRetention   = 24 * time.Hour
)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// withDefaults validates c and fills in its defaults.
func (c Config) withDefaults(haveSink bool) (Config, error) {
	var errs []error
	if !nameRE.MatchString(c.Group) {
		errs = append(errs, fmt.Errorf("group %q: want letters, digits, '-' and '_'", c.Group))
	}
	if !nameRE.MatchString(c.Instance) {
		errs = append(errs, fmt.Errorf("instance %q: want letters, digits, '-' and '_'", c.Instance))
	}
	if c.DataDir == "" && !haveSink {
		errs = append(errs, errors.New("data_dir is required for the CDR database"))
	}
	if c.QueueSize == 0 {
		c.QueueSize = defaultQueueSize
	}
	if c.DedupWindow == 0 {
		c.DedupWindow = defaultDedupWindow
	}
	if c.Retention == 0 {
		c.Retention = max(defaultRetention, c.DedupWindow)
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	switch {
	case c.QueueSize < 0:
		errs = append(errs, fmt.Errorf("queue_size %d: must be positive", c.QueueSize))
	case c.DedupWindow < 0:
		errs = append(errs, fmt.Errorf("dedup_window %v: must be positive", c.DedupWindow))
	case c.Retention < c.DedupWindow:
		errs = append(errs, fmt.Errorf("retention %v: at least dedup_window (%v)", c.Retention, c.DedupWindow))
	case c.Replicas < 0 || c.Replicas > 5:
		errs = append(errs, fmt.Errorf("replicas %d: want 1 to 5", c.Replicas))
	}
	if err := errors.Join(errs...); err != nil {
		return c, fmt.Errorf("callstore: config: %w", err)
	}
	return c, nil
}

// Option sets a dependency of a Store.
type Option func(*Store)

// WithLogger sets the logger; the default logs nothing.
func WithLogger(l *zap.Logger) Option { return func(s *Store) { s.log = l } }

// WithSink stores CDRs in sink instead of the SQLite database in the data
// directory. The store does not close it.
func WithSink(sink Sink) Option { return func(s *Store) { s.sink = sink } }

// Store is the call store of one instance: see the package comment. Its
// methods are safe for concurrent use.
type Store struct {
	cfg     Config
	log     *zap.Logger
	node    *replication.Node
	sink    Sink
	closer  io.Closer // the sink the store opened, if it did
	nc      *nats.Conn
	js      jetstream.JetStream
	subject string // of the CDR stream
	follow  *follower
	queue   chan item
	stats   counters

	ctx       context.Context // canceled by Close
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error

	// Owned by the run goroutine.
	act          *active // nil on a standby
	rejectLogged bool
}

// item is what the queue carries: an event, or a function to run on the
// store's goroutine in order with the events (do).
type item struct {
	ev Event
	do func()
}

type counters struct {
	recorded, rejected, ignored, cdrs, published, duplicates, stored atomic.Uint64
}

// Stats are a store's counters since Open.
type Stats struct {
	// Recorded events were applied to the active calls.
	Recorded uint64
	// Rejected events were dropped: recorded on a standby, or after Close.
	Rejected uint64
	// Ignored events named no call, or ended a leg or mixer that was not
	// live.
	Ignored uint64
	// CDRs were emitted: stored in the replicated outbox.
	CDRs uint64
	// Published CDRs were acknowledged by the CDR stream, Duplicates of
	// them as ones it had already.
	Published, Duplicates uint64
	// Stored CDRs were added to the sink by this instance's consumer,
	// redeliveries included.
	Stored uint64
}

// Open starts the call store of an instance on its replication node: it
// opens the CDR database (or the sink), the CDR stream on the node's NATS
// and this instance's consumer of it, and follows the replicated state.
// The store is a standby until Activate. ctx bounds the start only. Close
// the store before the node.
func Open(ctx context.Context, node *replication.Node, cfg Config, opts ...Option) (*Store, error) {
	s := &Store{node: node}
	for _, o := range opts {
		o(s)
	}
	cfg, err := cfg.withDefaults(s.sink != nil)
	if err != nil {
		return nil, err
	}
	s.cfg = cfg
	if s.log == nil {
		s.log = zap.NewNop()
	}
	s.log = s.log.Named("callstore").With(zap.String("group", cfg.Group), zap.String("instance", cfg.Instance))
	if s.sink == nil {
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
			return nil, fmt.Errorf("callstore: %w", err)
		}
		db, err := OpenDB(DBPath(cfg.DataDir))
		if err != nil {
			return nil, err
		}
		s.sink, s.closer = db, db
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	cons, err := s.connect(ctx)
	if err != nil {
		s.cancel()
		s.shutdown()
		return nil, err
	}
	s.follow = newFollower(s.log)
	s.queue = make(chan item, cfg.QueueSize)
	if err := s.startConsumer(cons); err != nil {
		s.cancel()
		s.shutdown()
		return nil, err
	}
	s.wg.Add(2)
	go s.run()
	go s.followLoop()
	return s, nil
}

// Close stops the store: an active store stops writing (the node's term
// goes on until the node resigns or closes), events still queued are
// dropped, and the consumer stops. Use Flush first to keep them.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.cancel()
		s.wg.Wait()
		s.closeErr = s.shutdown()
	})
	return s.closeErr
}

// shutdown closes the connection and the sink the store opened.
func (s *Store) shutdown() error {
	if s.nc != nil {
		s.nc.Close()
	}
	if s.closer != nil {
		return s.closer.Close()
	}
	return nil
}

// Record hands ev to the store and returns; see Recorder. A zero ev.Time
// is the time of the call. The store keeps ev's Leg and Mixer as they
// are: the caller must not change them afterwards. Record blocks only
// while the queue is full (Config.QueueSize). On a standby, or after
// Close, the event is dropped and counted in Stats.Rejected: only the
// active instance writes.
func (s *Store) Record(ev Event) {
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	select {
	case s.queue <- item{ev: ev}:
	case <-s.ctx.Done():
		s.stats.rejected.Add(1)
	}
}

// Activate makes the store the writer of term, which the node's Campaign
// returned: it waits until it has followed the replicated state up to the
// term's start, takes that state as its own, republishes the CDRs left in
// the outbox, and returns the active calls for the MGC layer to restore.
// Until the term ends, Record aggregates and writes; then the store is a
// standby again. Activating for the current term again returns the calls.
func (s *Store) Activate(ctx context.Context, term *replication.Term) ([]Call, error) {
	type result struct {
		calls []Call
		err   error
	}
	ch := make(chan result, 1)
	err := s.do(ctx, func() {
		calls, err := s.activate(ctx, term)
		ch <- result{calls, err}
	})
	if err != nil {
		return nil, err
	}
	select {
	case r := <-ch:
		return r.calls, r.err
	case <-s.ctx.Done():
		return nil, ErrClosed
	}
}

// Calls returns the active calls, sorted by id: on the active instance
// every call recorded so far, on a standby those of the replicated state
// it has followed.
func (s *Store) Calls(ctx context.Context) ([]Call, error) {
	type result struct {
		calls  []Call
		active bool
	}
	ch := make(chan result, 1)
	err := s.do(ctx, func() {
		if s.act != nil {
			ch <- result{s.act.m.activeCalls(), true}
		} else {
			ch <- result{}
		}
	})
	if err != nil {
		return nil, err
	}
	select {
	case r := <-ch:
		if r.active {
			return r.calls, nil
		}
	case <-s.ctx.Done():
		return nil, ErrClosed
	}
	// A standby reads the followed state, off the store's goroutine.
	var calls []Call
	err = s.follow.wait(ctx, func(*replication.Snapshot) bool { return true }, func(st *replication.Snapshot) {
		m := newModel()
		recs, _, _ := stateItems(st.Items)
		for _, r := range recs {
			m.load(r)
		}
		calls = m.activeCalls()
	})
	return calls, err
}

// Flush waits until every event recorded before it is stored in the
// replicated state (a finished call's CDR in the outbox). It returns an
// error wrapping replication.ErrNotActive on a standby, or when the term
// ended before the write: those events are not stored.
func (s *Store) Flush(ctx context.Context) error {
	_, err := s.flush(ctx)
	return err
}

// flush is Flush, returning the sequence of the update that stored the
// last write.
func (s *Store) flush(ctx context.Context) (uint64, error) {
	ch := make(chan flushResult, 1)
	if err := s.do(ctx, func() { s.addWaiter(ch) }); err != nil {
		return 0, err
	}
	select {
	case r := <-ch:
		return r.seq, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-s.ctx.Done():
		return 0, ErrClosed
	}
}

// do runs f on the store's goroutine, after the events recorded before.
func (s *Store) do(ctx context.Context, f func()) error {
	select {
	case s.queue <- item{do: f}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.ctx.Done():
		return ErrClosed
	}
}

// List returns the stored CDRs f selects, newest first, if the sink is a
// Querier (the SQLite database is).
func (s *Store) List(ctx context.Context, f Filter) ([]CDR, error) {
	q, err := s.querier()
	if err != nil {
		return nil, err
	}
	return q.List(ctx, f)
}

// Get returns the stored CDR of a call, or ErrNoCDR.
func (s *Store) Get(ctx context.Context, call string) (*CDR, error) {
	q, err := s.querier()
	if err != nil {
		return nil, err
	}
	return q.Get(ctx, call)
}

func (s *Store) querier() (Querier, error) {
	q, ok := s.sink.(Querier)
	if !ok {
		return nil, fmt.Errorf("callstore: the sink %T cannot be queried", s.sink)
	}
	return q, nil
}

// Stats returns the store's counters.
func (s *Store) Stats() Stats {
	c := &s.stats
	return Stats{
		Recorded: c.recorded.Load(), Rejected: c.rejected.Load(), Ignored: c.ignored.Load(),
		CDRs: c.cdrs.Load(), Published: c.published.Load(), Duplicates: c.duplicates.Load(),
		Stored: c.stored.Load(),
	}
}
