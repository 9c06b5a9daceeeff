package replication

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
)

const (
	// leaseBucket holds one key per group: the active instance's lease.
	leaseBucket = "megaco_leases"
	// startTimeout bounds the embedded server's start.
	startTimeout = 10 * time.Second
	// releaseTimeout bounds the lease release of Close.
	releaseTimeout = 2 * time.Second
	// headerRoom is what the NATS headers of an update take from
	// max_payload, with room to spare.
	headerRoom = 512
)

// Node is one instance of a group: it follows the group's state and can
// become its single active instance, the one that writes. Its methods are
// safe for concurrent use.
type Node struct {
	cfg     Config
	log     *zap.Logger
	ns      *server.Server // the embedded server; nil with Config.URL
	url     string
	nc      *nats.Conn
	js      jetstream.JetStream
	stream  jetstream.Stream      // the group's updates, one message per batch of changes
	leases  jetstream.KeyValue    // leaseBucket
	snaps   jetstream.ObjectStore // the group's snapshots
	subject string
	maxMsg  int // the largest update body that fits in a message
	hdrMax  int // the largest update header this node writes

	ctx    context.Context // canceled by Close: stops everything below
	cancel context.CancelFunc
	wg     sync.WaitGroup // the writer, renewals, compactions and the calls in progress
	kick   chan struct{}  // wakes the writer

	campaign  sync.Mutex // one Campaign at a time
	compactMu sync.Mutex // one compaction at a time

	mu         sync.Mutex
	closed     bool
	term       *Term    // nil unless active
	open       *batch   // the batch that writes join
	queue      []*batch // full batches waiting for the writer
	spare      []byte   // a stored batch's buffer, for the next batch
	compacting bool
	compactAt  uint64 // the update sequence at which to try the next compaction
}

// Start connects to the NATS cluster at cfg.URL, or starts an embedded
// server with its file store in cfg.DataDir, and makes sure the group's
// stream and buckets exist. ctx bounds the start only. A nil logger logs
// nothing. The node is a standby until Campaign makes it active.
func Start(ctx context.Context, cfg Config, logger *zap.Logger) (*Node, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	n := &Node{
		cfg:     cfg,
		log:     logger.Named("replication").With(zap.String("group", cfg.Group), zap.String("instance", cfg.Instance)),
		url:     cfg.URL,
		subject: "megaco.state." + cfg.Group,
		hdrMax:  updateHeaderMax(cfg.Instance),
		kick:    make(chan struct{}, 1),
	}
	if n.url == "" {
		if n.ns, err = startServer(cfg, n.log); err != nil {
			return nil, err
		}
		n.url = n.ns.ClientURL()
	}
	if err := n.connect(ctx); err != nil {
		n.shutdown()
		return nil, err
	}
	n.ctx, n.cancel = context.WithCancel(context.Background())
	n.wg.Add(1)
	go n.writeLoop()
	n.log.Info("started", zap.String("url", n.url), zap.Bool("embedded", n.ns != nil))
	return n, nil
}

// startServer starts the embedded nats-server with JetStream.
func startServer(cfg Config, log *zap.Logger) (*server.Server, error) {
	host, p, _ := net.SplitHostPort(cfg.Listen) // checked by withDefaults
	port, _ := strconv.Atoi(p)
	if port == 0 {
		port = server.RANDOM_PORT
	}
	ns, err := server.NewServer(&server.Options{
		Host:      host,
		Port:      port,
		JetStream: true,
		StoreDir:  cfg.DataDir,
		NoLog:     !cfg.ServerLog,
		NoSigs:    true,
	})
	if err != nil {
		return nil, fmt.Errorf("replication: embedded server: %w", err)
	}
	if cfg.ServerLog {
		ns.SetLoggerV2(serverLog{log.Named("nats-server").Sugar()}, false, false, false)
	}
	ns.Start()
	if !ns.ReadyForConnections(startTimeout) {
		ns.Shutdown()
		return nil, fmt.Errorf("replication: embedded server not ready after %v", startTimeout)
	}
	return ns, nil
}

// connect connects to n.url and opens or creates the group's stream and
// buckets.
func (n *Node) connect(ctx context.Context) error {
	nc, err := nats.Connect(n.url,
		nats.Name("megaco-"+n.cfg.Instance),
		nats.MaxReconnects(-1),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil { // nil: closed on purpose
				n.log.Warn("disconnected from NATS", zap.Error(err))
			}
		}),
		nats.ReconnectHandler(func(c *nats.Conn) {
			n.log.Info("reconnected to NATS", zap.String("url", c.ConnectedUrl()))
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			n.log.Warn("NATS error", zap.Error(err))
		}),
	)
	if err != nil {
		return fmt.Errorf("replication: connect %s: %w", n.url, err)
	}
	n.nc = nc
	n.maxMsg = int(nc.MaxPayload()) - headerRoom
	if n.js, err = jetstream.New(nc); err != nil {
		return fmt.Errorf("replication: %w", err)
	}
	r := n.cfg.Replicas
	// Create, or open as it is: another instance may have created it, and
	// it is not this node's place to change its configuration.
	n.stream, err = n.js.CreateStream(ctx, jetstream.StreamConfig{
		Name:     "MEGACO_STATE_" + n.cfg.Group,
		Subjects: []string{n.subject},
		Storage:  jetstream.FileStorage,
		Replicas: r,
		// Only whole prefixes go (Compact's purge), so a joiner can tell a
		// gap from the sequence numbers.
		DenyDelete: true,
	})
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		n.stream, err = n.js.Stream(ctx, "MEGACO_STATE_"+n.cfg.Group)
	}
	if err != nil {
		return fmt.Errorf("replication: state stream: %w", err)
	}
	n.leases, err = n.js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: leaseBucket, History: 1, Storage: jetstream.FileStorage, Replicas: r,
	})
	if errors.Is(err, jetstream.ErrBucketExists) {
		n.leases, err = n.js.KeyValue(ctx, leaseBucket)
	}
	if err != nil {
		return fmt.Errorf("replication: lease bucket: %w", err)
	}
	snaps := "megaco_snapshots_" + n.cfg.Group
	n.snaps, err = n.js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket: snaps, Storage: jetstream.FileStorage, Replicas: r,
	})
	if errors.Is(err, jetstream.ErrBucketExists) {
		n.snaps, err = n.js.ObjectStore(ctx, snaps)
	}
	if err != nil {
		return fmt.Errorf("replication: snapshot bucket: %w", err)
	}
	return nil
}

// URL is the NATS URL the node uses: Config.URL, or the embedded
// server's client URL, which other instances can connect to.
func (n *Node) URL() string { return n.url }

// Close ends the node's term, releasing its lease so that a standby takes
// over at once, stops its goroutines and waits for Follow and the other
// calls in progress to return, then closes the connection and the
// embedded server. Listener callbacks must not call Close.
func (n *Node) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	t := n.term
	n.mu.Unlock()
	var err error
	if t != nil && n.endTerm(t, ErrClosed) {
		ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
		err = n.release(ctx, t)
		cancel()
	}
	n.cancel()
	n.wg.Wait()
	n.shutdown()
	n.log.Info("closed")
	return err
}

// shutdown closes the connection and the embedded server.
func (n *Node) shutdown() {
	if n.nc != nil {
		n.nc.Close()
	}
	if n.ns != nil {
		n.ns.Shutdown()
		n.ns.WaitForShutdown()
	}
}

// enter registers a call that Close must wait for and returns its context,
// which Close cancels too.
func (n *Node) enter(ctx context.Context) (context.Context, func(), error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil, nil, ErrClosed
	}
	n.wg.Add(1)
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(n.ctx, cancel)
	return ctx, func() {
		stop()
		cancel()
		n.wg.Done()
	}, nil
}

// callErr reports ErrClosed for a call that ended because Close canceled
// it, and err otherwise.
func (n *Node) callErr(err error) error {
	if err != nil && n.ctx.Err() != nil {
		return ErrClosed
	}
	return err
}

// serverLog routes the embedded server's log to zap.
type serverLog struct{ s *zap.SugaredLogger }

func (l serverLog) Noticef(format string, v ...any) { l.s.Infof(format, v...) }
func (l serverLog) Warnf(format string, v ...any)   { l.s.Warnf(format, v...) }
func (l serverLog) Fatalf(format string, v ...any)  { l.s.Errorf(format, v...) }
func (l serverLog) Errorf(format string, v ...any)  { l.s.Errorf(format, v...) }
func (l serverLog) Debugf(format string, v ...any)  { l.s.Debugf(format, v...) }
func (l serverLog) Tracef(format string, v ...any)  { l.s.Debugf(format, v...) }
