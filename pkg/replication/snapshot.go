package replication

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
)

// snapPrefix starts the name of each snapshot object; the update sequence
// it includes follows.
const snapPrefix = "snap-"

func snapName(seq uint64) string { return fmt.Sprintf("%s%020d", snapPrefix, seq) }

// snapshotSeqs lists the sequences of the stored snapshots, oldest first.
func (n *Node) snapshotSeqs(ctx context.Context) ([]uint64, error) {
	infos, err := n.snaps.List(ctx)
	if errors.Is(err, jetstream.ErrNoObjectsFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("replication: list snapshots: %w", err)
	}
	var seqs []uint64
	for _, info := range infos {
		if seq, err := strconv.ParseUint(strings.TrimPrefix(info.Name, snapPrefix), 10, 64); err == nil {
			seqs = append(seqs, seq)
		}
	}
	slices.Sort(seqs)
	return seqs, nil
}

// loadSnapshot reads the newest snapshot, or returns an empty state at
// sequence 0 if there is none.
func (n *Node) loadSnapshot(ctx context.Context) (*Snapshot, error) {
	seqs, err := n.snapshotSeqs(ctx)
	if err != nil || len(seqs) == 0 {
		return &Snapshot{Items: make(map[string][]byte)}, err
	}
	name := snapName(seqs[len(seqs)-1])
	data, err := n.snaps.GetBytes(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("replication: read snapshot %s: %w", name, err)
	}
	s, err := decodeSnapshot(data)
	if err != nil {
		return nil, fmt.Errorf("replication: snapshot %s: %w", name, err)
	}
	return s, nil
}

// Compact stores a snapshot of the current state and trims the stream to
// the updates after the previous snapshot. The active instance does this
// by itself every Config.SnapshotEvery updates; any instance may call it.
func (n *Node) Compact(ctx context.Context) error {
	ctx, leave, err := n.enter(ctx)
	if err != nil {
		return err
	}
	defer leave()
	return n.callErr(n.compact(ctx, 1))
}

// compact writes a snapshot if at least minGap updates came after the
// newest one. It keeps the previous snapshot and the updates after it, so
// a joiner that has just read that snapshot still finds what follows; it
// removes only what is older, so compactions racing from several
// instances never remove what the newest snapshot needs.
func (n *Node) compact(ctx context.Context, minGap uint64) error {
	n.compactMu.Lock()
	defer n.compactMu.Unlock()
	seqs, err := n.snapshotSeqs(ctx)
	if err != nil {
		return err
	}
	var newest uint64
	if len(seqs) > 0 {
		newest = seqs[len(seqs)-1]
	}
	info, err := n.stream.Info(ctx)
	if err != nil {
		return fmt.Errorf("replication: stream info: %w", err)
	}
	if info.State.LastSeq < newest+minGap {
		return nil
	}
	s, _, err := n.join(ctx, false)
	if err != nil {
		return err
	}
	if _, err := n.snaps.PutBytes(ctx, snapName(s.Seq), encodeSnapshot(s)); err != nil {
		return fmt.Errorf("replication: store snapshot: %w", err)
	}
	n.log.Info("snapshot stored", zap.Uint64("seq", s.Seq), zap.Int("items", len(s.Items)))
	if len(seqs) == 0 {
		return nil
	}
	for _, seq := range seqs[:len(seqs)-1] {
		if err := n.snaps.Delete(ctx, snapName(seq)); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
			return fmt.Errorf("replication: delete snapshot: %w", err)
		}
	}
	if err := n.stream.Purge(ctx, jetstream.WithPurgeSequence(newest+1)); err != nil {
		return fmt.Errorf("replication: trim stream: %w", err)
	}
	return nil
}
