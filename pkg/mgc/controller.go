package mgc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/megaco/megaco/pkg/callstore"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
)

// Errors of call control.
var (
	ErrUnknownMG  = errors.New("mgc: unknown MG")
	ErrMGNotReady = errors.New("mgc: MG not ready")
	ErrGraceful   = errors.New("mgc: MG is going out of service (graceful ServiceChange): no new legs")
	ErrNoSuchLeg  = errors.New("mgc: no such leg")
	ErrNotLinked  = errors.New("mgc: legs cannot be linked")
	// ErrDead ends the legs of an MG that stayed away past the dead timer.
	ErrDead = errors.New("mgc: MG dead")
	// ErrDropped ends incomplete legs at a resync.
	ErrDropped = errors.New("mgc: dropped at resync (not answered)")
	// ErrVanished ends legs that the MG no longer holds.
	ErrVanished = errors.New("mgc: gone from the MG")
	// ErrForced ends the legs of an MG that took ROOT out of service.
	ErrForced = errors.New("mgc: MG forced out of service")
)

// Config is the MGC layer's configuration.
type Config struct {
	// DeadTimer: how long an MG may stay lost before its legs are
	// terminated (default 10 s).
	DeadTimer time.Duration `yaml:"dead_timer" json:"dead_timer"`
	// AuditPeriod: audit ROOT of every ready MG this often to notice a
	// silent one (0: never).
	AuditPeriod time.Duration `yaml:"audit_period" json:"audit_period"`
	// Inactivity: ask MGs for the inactivity timer (H.248.14 it/ito) with
	// this period, and declare an MG lost after three periods of silence
	// (0: do not ask).
	Inactivity time.Duration `yaml:"inactivity" json:"inactivity"`
	// MixerPrefix names the terminations of the mixer pool ("mix/").
	MixerPrefix string `yaml:"mixer_prefix" json:"mixer_prefix"`
	// IsMixer tells, at a resync with no memory, a mixer from a two-party
	// context by the terminations found in it (default: one from the
	// mixer pool, or three or more).
	IsMixer func(terms []h248.TerminationID) bool `yaml:"-" json:"-"`
	// AuditPages are the termination ids audited one at a time in
	// Context=* to learn an MG's contexts (default "*"); a page the MG
	// answers with error 533 (too large) is split into narrower prefix
	// wildcards by the next character.
	AuditPages []string `yaml:"audit_pages" json:"audit_pages"`
	// CallTimeout bounds each transaction to an MG (default 30 s).
	CallTimeout time.Duration `yaml:"call_timeout" json:"call_timeout"`
	// Recorder, when set, gets the lifecycle event of every change: the
	// call store.
	Recorder callstore.Recorder `yaml:"-" json:"-"`
}

func (c Config) withDefaults() Config {
	if c.DeadTimer <= 0 {
		c.DeadTimer = 10 * time.Second
	}
	if c.MixerPrefix == "" {
		c.MixerPrefix = "mix/"
	}
	if c.IsMixer == nil {
		prefix := strings.ToLower(c.MixerPrefix)
		c.IsMixer = func(terms []h248.TerminationID) bool {
			for _, t := range terms {
				if strings.HasPrefix(strings.ToLower(string(t)), prefix) {
					return true
				}
			}
			return len(terms) >= 3
		}
	}
	if len(c.AuditPages) == 0 {
		c.AuditPages = []string{"*"}
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = 30 * time.Second
	}
	return c
}

// Controller is the MGC layer over a megaco user: it is the user's
// Handler.
type Controller struct {
	megaco.BaseHandler
	cfg Config
	app Application
	log *zap.Logger

	mu  sync.Mutex
	mgs map[h248.MID]*mgEntry
	// sync holds the decisions of the application during the sync
	// callbacks of one resync; set and cleared with cbMu held.
	sync *syncSession

	cbMu sync.Mutex // callbacks run one at a time
	wg   sync.WaitGroup
	stop chan struct{}
	once sync.Once
}

// mgEntry is the controller's record of one MG.
type mgEntry struct {
	mid       h248.MID
	conn      *megaco.Conn
	state     MGState
	graceful  bool
	legs      map[LegID]*Leg // by LegID.key()
	mixers    map[h248.ContextID]*Mixer
	deadTimer *time.Timer
	heard     time.Time // last message from the MG
	resyncs   int
	// registered: the controller has seen the MG register, or has
	// audited it after hearing from it unregistered.
	registered bool
	// resyncing serialises the resyncs of one MG.
	resyncing sync.Mutex
	// releasing holds legs whose release got no answer: whatever the
	// dead timer does, they are removed from the MG when it is back.
	releasing map[LegID]bool
}

// New returns a controller; make it the Handler of the MGC's megaco user.
func New(cfg Config, app Application, log *zap.Logger) *Controller {
	if app == nil {
		app = BaseApplication{}
	}
	if log == nil {
		log = zap.NewNop()
	}
	c := &Controller{cfg: cfg.withDefaults(), app: app, log: log.Named("mgc"), mgs: map[h248.MID]*mgEntry{}, stop: make(chan struct{})}
	if c.cfg.AuditPeriod > 0 || c.cfg.Inactivity > 0 {
		c.wg.Add(1)
		go c.watch()
	}
	return c
}

// Close stops the controller's timers and goroutines.
func (c *Controller) Close() {
	c.once.Do(func() { close(c.stop) })
	c.mu.Lock()
	for _, m := range c.mgs {
		if m.deadTimer != nil {
			m.deadTimer.Stop()
		}
	}
	c.mu.Unlock()
	c.wg.Wait()
}

// callback runs f with the application, one callback at a time.
func (c *Controller) callback(f func(Application)) {
	c.cbMu.Lock()
	defer c.cbMu.Unlock()
	f(c.app)
}

func (c *Controller) mg(mid h248.MID) (*mgEntry, error) {
	m, ok := c.mgs[mid]
	if !ok {
		return nil, ErrUnknownMG
	}
	return m, nil
}

// MGInfo is an MG as the controller sees it.
type MGInfo struct {
	MID      h248.MID `json:"mid"`
	State    MGState  `json:"state"`
	Graceful bool     `json:"graceful,omitempty"`
	Legs     int      `json:"legs"`
	Mixers   int      `json:"mixers"`
	Resyncs  int      `json:"resyncs"`
}

// MGs lists the known MGs.
func (c *Controller) MGs() []MGInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []MGInfo
	for _, m := range c.mgs {
		out = append(out, MGInfo{MID: m.mid, State: m.state, Graceful: m.graceful, Legs: len(m.legs), Mixers: len(m.mixers), Resyncs: m.resyncs})
	}
	return out
}

// Legs lists the legs on an MG (every MG when mg is zero).
func (c *Controller) Legs(mg h248.MID) []LegInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []LegInfo
	for _, m := range c.mgs {
		if mg != (h248.MID{}) && m.mid != mg {
			continue
		}
		for _, l := range m.legs {
			out = append(out, l.info())
		}
	}
	return out
}

// Mixers lists the mixers on an MG (every MG when mg is zero).
func (c *Controller) Mixers(mg h248.MID) []MixerInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []MixerInfo
	for _, m := range c.mgs {
		if mg != (h248.MID{}) && m.mid != mg {
			continue
		}
		for _, x := range m.mixers {
			out = append(out, x.info())
		}
	}
	return out
}

// Leg returns a leg.
func (c *Controller) Leg(id LegID) (LegInfo, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, err := c.legLocked(id)
	if err != nil {
		return LegInfo{}, err
	}
	return l.info(), nil
}

func (c *Controller) legLocked(id LegID) (*Leg, error) {
	m, err := c.mg(id.MG)
	if err != nil {
		return nil, err
	}
	l, ok := m.legs[id.key()]
	if !ok {
		return nil, fmt.Errorf("%w: %v", ErrNoSuchLeg, id)
	}
	return l, nil
}

// call sends a transaction to an MG; a timeout makes the MG lost.
func (c *Controller) call(ctx context.Context, mid h248.MID, actions []h248.ActionRequest) ([]h248.ActionReply, error) {
	c.mu.Lock()
	m, err := c.mg(mid)
	var conn *megaco.Conn
	if err == nil {
		conn = m.conn
		if conn == nil { // restored, not heard from yet
			err = fmt.Errorf("%w: %v has no connection yet", ErrMGNotReady, mid)
		}
	}
	c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.CallTimeout)
	defer cancel()
	replies, err := conn.Call(ctx, actions)
	switch {
	case err == nil:
		c.heard(mid) // a busy MG answers rather than notifies it/ito
	case isTransportFailure(err):
		c.lost(mid, err)
	}
	return replies, err
}

// replyError returns the first error of an action reply or its commands.
func replyError(replies []h248.ActionReply) error {
	for _, r := range replies {
		if r.Error != nil {
			return fmt.Errorf("mgc: MG answered error %d %s: %s", r.Error.Code, r.Error.Code, r.Error.Text)
		}
	}
	return nil
}

// isMixerPort reports whether t belongs to the mixer pool.
func (c *Controller) isMixerPort(t h248.TerminationID) bool {
	return strings.HasPrefix(strings.ToLower(string(t)), strings.ToLower(c.cfg.MixerPrefix))
}
