package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"reflect"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	pion "github.com/pion/transport/v3"
	"github.com/pion/transport/v3/stdnet"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/megaco/megaco/pkg/admin"
	"github.com/megaco/megaco/pkg/callstore"
	"github.com/megaco/megaco/pkg/config"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/pkg/mgc"
	"github.com/megaco/megaco/pkg/replication"
	"github.com/megaco/megaco/transport"
)

func newServeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve [--config FILE] [flags]",
		Short: "Run the MGC daemon: the configured users, the MGC layer and the admin API",
		Long: `serve loads and checks the configuration (see megaco config show; a bad
one exits 2 before anything starts), opens the admin API, starts every
configured user listening for MGs over UDP or TCP with the MGC layer as
its handler, and prints for each user and then once ready:

  megaco serve: user MID on udp|tcp HOST:PORT
  megaco serve: ready, admin API on http://HOST:PORT

(port 0 in the configuration takes a free port; these lines tell which).
/readyz answers 200 from then on. Logs go to standard error.

SIGINT or SIGTERM stops it: /readyz turns 503, new MGs are refused, the
outstanding transactions get up to shutdown_timeout to finish and the rest
fail, the logs are flushed, and it exits 0. SIGHUP reloads the
configuration and applies what can change live: log levels and the users'
connection settings (to the users and their live connections); the rest
is logged as needing a restart.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := config.Load(cmd.Flags())
			if err != nil {
				return configFailure(cmd, err)
			}
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			defer signal.Stop(sig)
			if err := serve(cmd.OutOrStdout(), cmd.ErrOrStderr(), l, cmd.Flags(), sig); err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "megaco: serve: %v\n", err)
				return exitError{exitFailed}
			}
			return nil
		},
	}
	config.BindFlags(cmd.Flags())
	return cmd
}

// daemon is a running megaco serve; it is the admin API's Backend.
type daemon struct {
	flags   *pflag.FlagSet // to load the configuration again on SIGHUP
	log     *zap.Logger
	levels  *config.Levels
	net     pion.Net
	metrics *admin.Metrics
	st      *megaco.Stack
	ctrl    *mgc.Controller
	handler megaco.Handler
	closing atomic.Bool
	api     *admin.Server

	// The replicated state: the call store and its node; active while
	// this instance holds the group's lease.
	node     *replication.Node
	store    *callstore.Store
	rec      storeSlot
	instance string
	active   atomic.Bool

	mu    sync.Mutex
	cfg   *config.Loaded
	users map[h248.MID]*served
}

// served is a running user and its transport.
type served struct {
	spec  config.User
	tr    transport.Transport
	index int // in the configuration's users; -1 when started through the API
}

var _ admin.Backend = (*daemon)(nil)

// serve runs the daemon until a stop signal; logs go to logw.
func serve(out, logw io.Writer, l *config.Loaded, fs *pflag.FlagSet, sig <-chan os.Signal) error {
	d, err := newDaemon(logw, l, fs)
	if err != nil {
		return err
	}
	return d.run(out, sig)
}

// newDaemon builds the daemon of configuration l: its logger, stack, MGC
// layer and admin API, none of them listening yet.
func newDaemon(logw io.Writer, l *config.Loaded, fs *pflag.FlagSet) (*daemon, error) {
	log, levels := config.NewLogger(l.Log, zapcore.AddSync(logw))
	for _, w := range l.Warnings() {
		log.Warn("configuration", zap.String("warning", w))
	}
	n, err := stdnet.NewNet()
	if err != nil {
		return nil, err
	}
	d := &daemon{flags: fs, log: log, levels: levels, net: n, cfg: l, users: map[h248.MID]*served{}, metrics: admin.NewMetrics()}
	d.st = megaco.NewStack(megaco.WithLogger(log), megaco.WithObserver(d.metrics))
	// The MGC layer is the handler of every user; it reports every change
	// of a call to the call store, opened in run.
	mcfg := l.MGC.Config
	mcfg.Recorder = &d.rec
	d.ctrl = mgc.New(mcfg, &loggingApp{Application: d.metrics.ResyncCounter(), log: log.Named("mgc")}, log)
	d.handler = &gate{Controller: d.ctrl, closing: &d.closing, log: log.Named("serve")}
	d.metrics.Watch(d.st, d.ctrl)
	d.api = admin.New(admin.Options{Stack: d.st, Backend: d, MGC: d.ctrl, Calls: d.ctrl, Replication: d, Metrics: d.metrics,
		Token: l.Admin.Token, Version: binaryVersion(), Log: log})
	return d, nil
}

// run opens the admin API, starts the configured users, reports ready
// on out and serves until a stop signal.
func (d *daemon) run(out io.Writer, sig <-chan os.Signal) error {
	defer func() { _ = d.log.Sync() }()
	l := d.config()
	ln, err := net.Listen("tcp", l.Admin.Listen)
	if err != nil {
		d.ctrl.Close()
		return fmt.Errorf("admin API: %w", err)
	}
	apiErr := make(chan error, 1)
	go func() { apiErr <- d.api.Serve(ln) }()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := d.openState(ctx, l); err != nil {
		d.shutdown(0)
		<-apiErr
		return err
	}
	fmt.Fprintf(out, "megaco serve: instance %s of group %s, admin API on http://%s\n", d.instance, l.Replication.Group, ln.Addr())
	// A standby until it holds the lease; then it takes over.
	activeErr := make(chan error, 1)
	go func() { activeErr <- d.activate(ctx, out, ln.Addr()) }()

	for {
		select {
		case err := <-activeErr:
			d.shutdown(0)
			<-apiErr
			return err
		case s := <-sig:
			if s == syscall.SIGHUP {
				d.reload()
				continue
			}
			d.log.Info("stopping", zap.Stringer("signal", s))
			d.shutdown(d.config().ShutdownTimeout)
			return <-apiErr
		case err := <-apiErr:
			d.shutdown(0)
			return fmt.Errorf("admin API: %w", err)
		}
	}
}

func (d *daemon) config() *config.Loaded {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cfg
}

// shutdown stops accepting MGs, gives the outstanding transactions until
// timeout to finish, then fails the rest and closes everything.
func (d *daemon) shutdown(timeout time.Duration) {
	d.api.SetReady(false)
	d.closing.Store(true)
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	for d.outstanding() > 0 && time.Now().Before(deadline) {
		<-tick.C
	}
	tick.Stop()
	if n := d.outstanding(); n > 0 {
		d.log.Warn("stopping with transactions outstanding: they fail", zap.Int("outstanding", n))
	}
	d.handOver()
	d.st.Close()
	d.ctrl.Close()
	d.mu.Lock()
	for _, s := range d.users {
		s.tr.Close()
	}
	d.users = map[h248.MID]*served{}
	d.mu.Unlock()
	d.closeState()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = d.api.Shutdown(ctx)
	d.log.Info("stopped")
}

// outstanding counts the requests sent and waiting for a reply.
func (d *daemon) outstanding() int {
	n := 0
	for _, c := range d.conns() {
		if ci, err := c.Info(); err == nil {
			n += ci.Outstanding
		}
	}
	return n
}

// conns lists the connections of every user.
func (d *daemon) conns() []*megaco.Conn {
	var cs []*megaco.Conn
	for _, mid := range d.st.SystemInfo().Users {
		if u, err := d.st.User(mid); err == nil {
			cs = append(cs, u.Conns()...)
		}
	}
	return cs
}

// reload loads the configuration again and applies what can change live:
// the log levels and the users' settings, to their live connections too.
func (d *daemon) reload() {
	nl, err := config.Load(d.flags)
	if err != nil {
		d.log.Error("reload refused: the configuration is invalid; the running one stays", zap.Error(err))
		return
	}
	d.mu.Lock()
	old := d.cfg
	d.cfg = nl
	byIndex := map[int]h248.MID{}
	for mid, s := range d.users {
		if s.index >= 0 {
			byIndex[s.index] = mid
		}
	}
	d.mu.Unlock()
	d.levels.Set(nl.Log)
	var restart, applied []string
	for key, same := range map[string]bool{
		"log.format":  nl.Log.Format == old.Log.Format,
		"admin":       reflect.DeepEqual(nl.Admin, old.Admin),
		"mgc":         reflect.DeepEqual(nl.MGC, old.MGC),
		"data_dir":    nl.DataDir == old.DataDir,
		"listen_host": nl.ListenHost == old.ListenHost,
		"replication": nl.Replication == old.Replication,
	} {
		if !same {
			restart = append(restart, key)
		}
	}
	for i, nu := range nl.Users {
		mid, running := byIndex[i]
		if i >= len(old.Users) || !running || !sameListener(old.Users[i], nu) {
			restart = append(restart, fmt.Sprintf("users[%d]", i))
			continue
		}
		changed := changedSettings(old.Users[i], nu)
		if len(changed) == 0 {
			continue
		}
		if err := d.applyUser(mid, changed); err != nil {
			d.log.Error("reload: user settings refused", zap.Stringer("user", mid), zap.Error(err))
			continue
		}
		for k := range changed {
			applied = append(applied, fmt.Sprintf("users[%d].%s", i, k))
		}
	}
	if len(old.Users) > len(nl.Users) {
		restart = append(restart, "users (removed)")
	}
	d.log.Info("reloaded", zap.Stringer("level", nl.Log.Level), zap.Strings("applied", applied), zap.Strings("restart_needed", restart))
}

// sameListener reports whether two user entries listen alike.
func sameListener(a, b config.User) bool {
	return a.MID == b.MID && a.Transport == b.Transport && a.Host == b.Host && a.Port == b.Port
}

// changedSettings returns the settings of b that differ from a's, written
// as in the file.
func changedSettings(a, b config.User) map[string]string {
	am := config.Map(&a.Config)
	out := map[string]string{}
	for k, v := range config.Map(&b.Config) {
		if am[k] != v {
			out[k] = v
		}
	}
	return out
}

// applyUser applies settings to a user and its live connections.
func (d *daemon) applyUser(mid h248.MID, settings map[string]string) error {
	body, err := json.Marshal(settings)
	if err != nil {
		return err
	}
	var derr error
	if err := d.st.UpdateUserInfo(mid, func(uc *megaco.UserConfig) { derr = config.DecodeConn(body, &uc.Config) }); err != nil {
		return err
	}
	if derr != nil {
		return derr
	}
	u, err := d.st.User(mid)
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range u.Conns() {
		if err := d.st.UpdateConnInfo(c, func(cfg *engine.Config) { derr = config.DecodeConn(body, cfg) }); err != nil {
			errs = append(errs, fmt.Errorf("connection to %v: %w", c.RemoteMID(), err))
		} else if derr != nil {
			errs = append(errs, fmt.Errorf("connection to %v: %w", c.RemoteMID(), derr))
		}
	}
	return errors.Join(errs...)
}

// StartUser starts a user through the admin API.
func (d *daemon) StartUser(u config.User) (h248.MID, error) { return d.startUser(u, -1) }

// startUser listens where u says, with the MGC layer as the handler.
func (d *daemon) startUser(u config.User, index int) (h248.MID, error) {
	cfg := d.config()
	uc := u.UserConfig(cfg.MGC)
	uc.Handler = d.handler
	uc.FirstTransID = megaco.RandomTransID(uc.Config)
	tr, mu, err := listenUserAs(d.st, d.net, u.Transport, u.ListenAddr(cfg.ListenHost), u.MID, uc, d.log)
	if err != nil {
		return h248.MID{}, err
	}
	d.mu.Lock()
	d.users[mu.MID()] = &served{spec: u, tr: tr, index: index}
	d.mu.Unlock()
	d.log.Named("serve").Info("user started", zap.Stringer("user", mu.MID()), zap.String("transport", u.Transport), zap.String("listen", tr.LocalAddr()))
	return mu.MID(), nil
}

// StopUser stops a user and closes its transport.
func (d *daemon) StopUser(mid h248.MID) error {
	if err := d.st.StopUser(mid); err != nil {
		return err
	}
	d.mu.Lock()
	s := d.users[mid]
	delete(d.users, mid)
	d.mu.Unlock()
	if s != nil {
		s.tr.Close()
	}
	return nil
}

// User returns how a user was started and where it listens.
func (d *daemon) User(mid h248.MID) (config.User, string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, ok := d.users[mid]
	if !ok {
		return config.User{}, "", megaco.ErrNoUser
	}
	return s.spec, s.tr.LocalAddr(), nil
}

// Connect connects a user to a peer over the user's transport.
func (d *daemon) Connect(user, remote h248.MID, addr string) (*megaco.Conn, error) {
	d.mu.Lock()
	s, ok := d.users[user]
	d.mu.Unlock()
	if !ok {
		return nil, megaco.ErrNoUser
	}
	to, err := dialOn(s.tr, addr)
	if err != nil {
		return nil, err
	}
	return d.st.Connect(user, remote, s.tr, to)
}

// errShuttingDown refuses new MGs while the daemon stops.
var errShuttingDown = errors.New("the MGC is shutting down")

// gate is the users' handler: the MGC layer, with connects and
// disconnects logged and new MGs refused while the daemon stops.
type gate struct {
	*mgc.Controller
	closing *atomic.Bool
	log     *zap.Logger
}

func (g *gate) HandleConnect(c *megaco.Conn, version int) error {
	if g.closing.Load() {
		return errShuttingDown
	}
	if err := g.Controller.HandleConnect(c, version); err != nil {
		return err
	}
	g.log.Info("connect", zap.Stringer("user", c.LocalMID()), zap.Stringer("remote", c.RemoteMID()), zap.Int("version", version))
	return nil
}

func (g *gate) HandleDisconnect(c *megaco.Conn, version int, reason error) {
	g.log.Info("disconnect", zap.Stringer("user", c.LocalMID()), zap.Stringer("remote", c.RemoteMID()), zap.Error(reason))
	g.Controller.HandleDisconnect(c, version, reason)
}

// loggingApp logs the steps of resyncs, one line each, before passing
// them on.
type loggingApp struct {
	mgc.Application
	log *zap.Logger
}

func (a *loggingApp) OnCmcLibReady(mg h248.MID) {
	a.log.Info("MG ready", zap.Stringer("mg", mg))
	a.Application.OnCmcLibReady(mg)
}

func (a *loggingApp) OnCmcLibNotReady(mg h248.MID) {
	a.log.Warn("MG not ready", zap.Stringer("mg", mg))
	a.Application.OnCmcLibNotReady(mg)
}

func (a *loggingApp) OnSyncDone(l mgc.LegInfo) {
	a.log.Info("resync: leg kept", zap.Stringer("leg", l.ID), zap.Stringer("state", l.State))
	a.Application.OnSyncDone(l)
}

func (a *loggingApp) OnCallLegSync(l mgc.LegInfo) {
	a.log.Info("resync: leg found on the MG", zap.Stringer("leg", l.ID), zap.Stringer("state", l.State))
	a.Application.OnCallLegSync(l)
}

func (a *loggingApp) OnCallLegTerminated(l mgc.LegInfo, cause error) {
	a.log.Info("leg terminated", zap.Stringer("leg", l.ID), zap.Error(cause))
	a.Application.OnCallLegTerminated(l, cause)
}

func (a *loggingApp) OnMixerSyncDone(m mgc.MixerInfo) {
	a.log.Info("resync: mixer kept", zap.Stringer("mixer", m.ID))
	a.Application.OnMixerSyncDone(m)
}

func (a *loggingApp) OnMixerSync(m mgc.MixerInfo) {
	a.log.Info("resync: mixer found on the MG", zap.Stringer("mixer", m.ID))
	a.Application.OnMixerSync(m)
}

func (a *loggingApp) OnMixerTerminated(m mgc.MixerInfo, cause error) {
	a.log.Info("mixer terminated", zap.Stringer("mixer", m.ID), zap.Error(cause))
	a.Application.OnMixerTerminated(m, cause)
}
