package mgc

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/megaco/megaco/pkg/callstore"
	"github.com/megaco/megaco/pkg/h248"
)

// lost marks a ready MG lost: the application hears OnCmcLibNotReady and
// OnSyncLost for everything on it, and the dead timer starts.
func (c *Controller) lost(mid h248.MID, reason error) {
	c.mu.Lock()
	m, ok := c.mgs[mid]
	if !ok || (m.state != MGReady && m.state != MGResyncing) {
		c.mu.Unlock()
		return
	}
	m.state = MGLost
	legs, mixers := m.snapshot()
	if m.deadTimer != nil {
		m.deadTimer.Stop()
	}
	m.deadTimer = time.AfterFunc(c.cfg.DeadTimer, func() { c.dead(mid) })
	c.mu.Unlock()
	c.log.Warn("MG lost", zap.Stringer("mg", mid), zap.Error(reason))
	c.callback(func(a Application) {
		a.OnCmcLibNotReady(mid)
		for _, l := range legs {
			a.OnSyncLost(l)
		}
		for _, x := range mixers {
			a.OnMixerSyncLost(x)
		}
	})
}

// snapshot copies the legs and mixers of an MG.
func (m *mgEntry) snapshot() ([]LegInfo, []MixerInfo) {
	var legs []LegInfo
	for _, l := range m.legs {
		legs = append(legs, l.info())
	}
	var mixers []MixerInfo
	for _, x := range m.mixers {
		mixers = append(mixers, x.info())
	}
	return legs, mixers
}

// dead ends everything on an MG that stayed lost past the dead timer.
func (c *Controller) dead(mid h248.MID) {
	c.mu.Lock()
	m, ok := c.mgs[mid]
	if !ok || m.state != MGLost {
		c.mu.Unlock()
		return
	}
	m.state = MGDead
	legs, mixers := m.clear()
	c.mu.Unlock()
	c.log.Warn("MG dead", zap.Stringer("mg", mid), zap.Int("legs", len(legs)))
	c.terminated(legs, mixers, ErrDead)
}

// clear forgets everything on an MG and returns what it held.
func (m *mgEntry) clear() ([]LegInfo, []MixerInfo) {
	legs, mixers := m.snapshot()
	m.legs, m.mixers = map[LegID]*Leg{}, map[h248.ContextID]*Mixer{}
	return legs, mixers
}

func (c *Controller) terminated(legs []LegInfo, mixers []MixerInfo, cause error) {
	c.record(events(callstore.LegTerminated, legs, callstore.MixerDestroyed, mixers, cause)...)
	c.callback(func(a Application) {
		for _, l := range legs {
			a.OnCallLegTerminated(l, cause)
		}
		for _, x := range mixers {
			a.OnMixerTerminated(x, cause)
		}
	})
}

// forced ends everything on an MG that took ROOT out of service.
func (c *Controller) forced(mid h248.MID) {
	c.mu.Lock()
	m, ok := c.mgs[mid]
	if !ok {
		c.mu.Unlock()
		return
	}
	legs, mixers := m.clear()
	c.mu.Unlock()
	c.terminated(legs, mixers, ErrForced)
}

// forcedTerminations ends the legs on terminations taken out of service.
func (c *Controller) forcedTerminations(mid h248.MID, ts []h248.TerminationID) {
	c.mu.Lock()
	m, ok := c.mgs[mid]
	var legs []LegInfo
	if ok {
		for _, t := range ts {
			if l := c.removeLegLocked(m, LegID{MG: mid, Termination: t}); l != nil {
				legs = append(legs, l.info())
			}
		}
	}
	c.mu.Unlock()
	c.terminated(legs, nil, ErrForced)
}

// watch audits ROOT of ready MGs every AuditPeriod and declares lost the
// MGs silent for three inactivity periods.
func (c *Controller) watch() {
	defer c.wg.Done()
	period := c.cfg.AuditPeriod
	if period == 0 || (c.cfg.Inactivity > 0 && c.cfg.Inactivity < period) {
		period = c.cfg.Inactivity
	}
	tick := time.NewTicker(period)
	defer tick.Stop()
	lastAudit := time.Now()
	for {
		select {
		case <-c.stop:
			return
		case now := <-tick.C:
			c.mu.Lock()
			var ready, silent []h248.MID
			for mid, m := range c.mgs {
				if m.state != MGReady {
					continue
				}
				ready = append(ready, mid)
				if c.cfg.Inactivity > 0 && now.Sub(m.heard) > 3*c.cfg.Inactivity {
					silent = append(silent, mid)
				}
			}
			c.mu.Unlock()
			for _, mid := range silent {
				c.lost(mid, errInactive)
			}
			if c.cfg.AuditPeriod > 0 && now.Sub(lastAudit) >= c.cfg.AuditPeriod {
				lastAudit = now
				for _, mid := range ready {
					c.wg.Add(1)
					go func() {
						defer c.wg.Done()
						c.auditRoot(mid)
					}()
				}
			}
		}
	}
}

var errInactive = inactivityError{}

type inactivityError struct{}

func (inactivityError) Error() string { return "mgc: MG silent past the inactivity timer" }

// auditRoot checks that an MG answers.
func (c *Controller) auditRoot(mid h248.MID) {
	_, err := c.call(context.Background(), mid, []h248.ActionRequest{{ContextID: h248.ContextNull,
		Commands: []h248.CommandRequest{{Command: &h248.AuditRequest{TerminationIDs: []h248.TerminationID{h248.Root}}}}}})
	if err == nil {
		c.heard(mid)
	}
}

// requestInactivity asks an MG for the inactivity timer (it/ito).
func (c *Controller) requestInactivity(ctx context.Context, mid h248.MID) {
	if c.cfg.Inactivity <= 0 {
		return
	}
	ms := h248.Unquoted(itoa(int(c.cfg.Inactivity / time.Millisecond)))
	ev := &h248.EventsDescriptor{RequestID: h248.Some[h248.RequestID](0xFFFF), Events: []h248.RequestedEvent{{
		Name: "it/ito", Params: []h248.PropertyParm{{Name: "mit", Value: h248.Single(ms)}}}}}
	_, err := c.call(ctx, mid, []h248.ActionRequest{{ContextID: h248.ContextNull,
		Commands: []h248.CommandRequest{single(h248.CmdModify, h248.Root, ev)}}})
	if err != nil {
		c.log.Info("inactivity timer not set", zap.Stringer("mg", mid), zap.Error(err))
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
