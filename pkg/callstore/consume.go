package callstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
)

const (
	// consumeBatch is the most CDRs the consumer adds to the sink at once
	// (one SQLite transaction).
	consumeBatch = 512
	// consumeAckWait is how long the stream waits for the consumer's ack
	// before it redelivers.
	consumeAckWait = 30 * time.Second
	// sinkRetry is the redelivery delay of CDRs the sink failed to add.
	sinkRetry = time.Second
	// newerRetry is the redelivery delay of CDRs of a newer format, which
	// this instance will read once upgraded.
	newerRetry = time.Minute
	// publishTimeout bounds the wait for the CDR stream's ack.
	publishTimeout = 5 * time.Second
)

// connect connects to the node's NATS, creates or opens the group's CDR
// stream and this instance's durable consumer of it.
func (s *Store) connect(ctx context.Context) (jetstream.Consumer, error) {
	nc, err := nats.Connect(s.node.URL(),
		nats.Name("megaco-callstore-"+s.cfg.Instance),
		nats.MaxReconnects(-1),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			s.log.Warn("NATS error", zap.Error(err))
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("callstore: connect %s: %w", s.node.URL(), err)
	}
	s.nc = nc
	if s.js, err = jetstream.New(nc, jetstream.WithPublishAsyncTimeout(publishTimeout)); err != nil {
		return nil, fmt.Errorf("callstore: %w", err)
	}
	name := "MEGACO_CDR_" + s.cfg.Group
	s.subject = "megaco.cdr." + s.cfg.Group
	stream, err := s.js.CreateStream(ctx, jetstream.StreamConfig{
		Name:       name,
		Subjects:   []string{s.subject},
		Storage:    jetstream.FileStorage,
		Replicas:   s.cfg.Replicas,
		Duplicates: s.cfg.DedupWindow,
		MaxAge:     s.cfg.Retention,
	})
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		// Another instance created it: keep its configuration.
		stream, err = s.js.Stream(ctx, name)
	}
	if err != nil {
		return nil, fmt.Errorf("callstore: CDR stream: %w", err)
	}
	cons, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       "cdr_" + s.cfg.Instance,
		AckPolicy:     jetstream.AckExplicitPolicy,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckWait:       consumeAckWait,
		MaxAckPending: 4 * consumeBatch,
	})
	if err != nil {
		return nil, fmt.Errorf("callstore: CDR consumer: %w", err)
	}
	return cons, nil
}

// startConsumer consumes the CDR stream into the sink until Close.
func (s *Store) startConsumer(cons jetstream.Consumer) error {
	msgs := make(chan jetstream.Msg, consumeBatch)
	cc, err := cons.Consume(func(m jetstream.Msg) {
		select {
		case msgs <- m:
		case <-s.ctx.Done():
		}
	}, jetstream.PullMaxMessages(consumeBatch))
	if err != nil {
		return fmt.Errorf("callstore: consume CDRs: %w", err)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.consumeLoop(msgs)
		cc.Stop()
		<-cc.Closed()
	}()
	return nil
}

// consumeLoop adds the CDRs that arrive to the sink in batches: what has
// arrived while the previous batch was being added.
func (s *Store) consumeLoop(msgs <-chan jetstream.Msg) {
	batch := make([]jetstream.Msg, 0, consumeBatch)
	cdrs := make([]CDR, 0, consumeBatch)
	for {
		batch = batch[:0]
		select {
		case m := <-msgs:
			batch = append(batch, m)
		case <-s.ctx.Done():
			return
		}
	more:
		for len(batch) < consumeBatch {
			select {
			case m := <-msgs:
				batch = append(batch, m)
			default:
				break more
			}
		}
		cdrs, batch = s.decodeBatch(batch, cdrs[:0])
		if len(cdrs) == 0 {
			continue
		}
		if err := s.sink.Add(s.ctx, cdrs); err != nil {
			if s.ctx.Err() != nil {
				return // unacknowledged: redelivered after a restart
			}
			s.log.Warn("storing CDRs failed; they will be redelivered", zap.Int("cdrs", len(cdrs)), zap.Error(err))
			for _, m := range batch {
				_ = m.NakWithDelay(sinkRetry)
			}
			continue
		}
		s.stats.stored.Add(uint64(len(cdrs)))
		for _, m := range batch {
			// A lost ack means a redelivery, which the sink skips.
			_ = m.Ack()
		}
	}
}

// decodeBatch appends the CDRs of msgs to cdrs and returns them with the
// messages they came from. A message that can never be read is
// terminated; one of a newer format is left for an upgraded instance.
func (s *Store) decodeBatch(msgs []jetstream.Msg, cdrs []CDR) ([]CDR, []jetstream.Msg) {
	kept := msgs[:0]
	for _, m := range msgs {
		c, err := decodeCDR(m.Data())
		if err == nil {
			cdrs = append(cdrs, *c)
			kept = append(kept, m)
			continue
		}
		id := m.Headers().Get(jetstream.MsgIDHeader)
		if errors.Is(err, errNewer) {
			s.log.Error("CDR of a newer format; leaving it for an upgraded instance", zap.String("call", id), zap.Error(err))
			_ = m.NakWithDelay(newerRetry)
			continue
		}
		s.log.Error("unreadable CDR dropped", zap.String("call", id), zap.Error(err))
		_ = m.Term()
	}
	return cdrs, kept
}
