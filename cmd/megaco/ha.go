package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/megaco/megaco/pkg/admin"
	"github.com/megaco/megaco/pkg/callstore"
	"github.com/megaco/megaco/pkg/config"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/replication"
)

// storeSlot hands the MGC layer's events to the call store once there is
// one: the controller exists before the store opens.
type storeSlot struct {
	p atomic.Pointer[callstore.Store]
}

func (s *storeSlot) Record(ev callstore.Event) {
	if st := s.p.Load(); st != nil {
		st.Record(ev)
	}
}

// openState starts the state replicator (an embedded nats-server in the
// data directory, or the cluster at replication.url) and the call store.
func (d *daemon) openState(ctx context.Context, l *config.Loaded) error {
	r := l.Replication
	instance := r.Instance
	if instance == "" {
		instance = hostInstance()
	}
	d.instance = instance
	node, err := replication.Start(ctx, replication.Config{URL: r.URL, DataDir: filepath.Join(l.DataDir, "nats"),
		Group: r.Group, Instance: instance, LeaseTTL: r.LeaseTTL}, d.log)
	if err != nil {
		return fmt.Errorf("replication: %w", err)
	}
	store, err := callstore.Open(ctx, node, callstore.Config{Group: r.Group, Instance: instance, DataDir: l.DataDir},
		callstore.WithLogger(d.log))
	if err != nil {
		node.Close()
		return fmt.Errorf("call store: %w", err)
	}
	d.node, d.store = node, store
	d.rec.p.Store(store)
	d.log.Info("state", zap.String("group", r.Group), zap.String("instance", instance), zap.String("nats", node.URL()))
	return nil
}

// hostInstance names the instance after the host, in the characters a
// NATS consumer name takes.
func hostInstance() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "megaco"
	}
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			return c
		}
		return '-'
	}, h)
}

// activate waits to hold the group's lease (a standby until then), then
// takes over: the calls of the store are restored into the MGC layer, the
// users bind their addresses (the floating service address: once a dead
// predecessor's sockets are free), the daemon turns ready, and every
// restored MG is audited. It returns when the lease is lost or ctx ends.
func (d *daemon) activate(ctx context.Context, out io.Writer, adminAddr net.Addr) error {
	term, err := d.node.Campaign(ctx)
	if err != nil {
		return err
	}
	won := time.Now()
	calls, err := d.store.Activate(ctx, term)
	if err != nil {
		return fmt.Errorf("call store: %w", err)
	}
	mids, err := d.ctrl.Restore(calls)
	if err != nil {
		return err
	}
	l := d.config()
	for i, u := range l.Users {
		if err := d.startUserWhenFree(ctx, u, i); err != nil {
			return fmt.Errorf("users[%d]: %w", i, err)
		}
	}
	d.active.Store(true)
	d.api.SetReady(true)
	d.mu.Lock()
	for mid, s := range d.users {
		fmt.Fprintf(out, "megaco serve: user %v on %s %s\n", mid, s.spec.Transport, s.tr.LocalAddr())
	}
	d.mu.Unlock()
	fmt.Fprintf(out, "megaco serve: ready, admin API on http://%s\n", adminAddr)
	d.log.Info("active", zap.Uint64("epoch", term.Epoch()), zap.Int("calls", len(calls)), zap.Int("mgs", len(mids)),
		zap.Duration("takeover", time.Since(won)), zap.Int("users", len(l.Users)))
	for _, mid := range mids {
		go d.resyncRestored(mid)
	}
	select {
	case <-term.Done():
		return fmt.Errorf("lease lost: %w", term.Err())
	case <-ctx.Done():
		return nil
	}
}

// startUserWhenFree starts a user, trying again while its address is
// taken: after a failover the predecessor's socket may linger.
func (d *daemon) startUserWhenFree(ctx context.Context, u config.User, index int) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := d.startUser(u, index)
		if !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// resyncRestored audits a restored MG at once over the first user, when
// its MID gives its address; others are audited when they are heard from.
func (d *daemon) resyncRestored(mid h248.MID) {
	if mid.Kind != h248.MIDIP4 && mid.Kind != h248.MIDIP6 || !mid.Port.Set {
		return
	}
	addr := netip.AddrPortFrom(mid.Addr, mid.Port.Value).String()
	users := d.st.SystemInfo().Users
	if len(users) == 0 {
		return
	}
	conn, err := d.Connect(users[0], mid, addr)
	if err != nil {
		d.log.Warn("resync of a restored MG: no connection", zap.Stringer("mg", mid), zap.Error(err))
		return
	}
	d.ctrl.Resync(conn)
}

// handOver ends the active term on a planned stop: what was recorded is
// written, and the lease goes so that a standby takes over at once.
func (d *daemon) handOver() {
	if d.store == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if d.active.Load() {
		if err := d.store.Flush(ctx); err != nil {
			d.log.Warn("flushing the call store", zap.Error(err))
		}
		if err := d.node.Resign(ctx); err != nil {
			d.log.Warn("resigning the lease", zap.Error(err))
		}
	}
}

// closeState closes the call store, then the replicator.
func (d *daemon) closeState() {
	if d.store != nil {
		_ = d.store.Close()
	}
	if d.node != nil {
		d.node.Close()
	}
}

// Replication reports this instance's role and the calls it holds.
func (d *daemon) Replication(ctx context.Context) (admin.ReplicationStatus, error) {
	rs := admin.ReplicationStatus{Instance: d.instance, Role: "standby"}
	if d.store == nil {
		return rs, errors.New("no call store")
	}
	if d.active.Load() {
		rs.Role = "active"
	}
	calls, err := d.store.Calls(ctx)
	if err != nil {
		return rs, err
	}
	rs.Calls = len(calls)
	st := d.store.Stats()
	rs.CDRs, rs.CDRsStored = st.CDRs, st.Stored
	return rs, nil
}
