package mgc

import "github.com/megaco/megaco/pkg/h248"

// Application receives the controller's callbacks: the resync callbacks of
// the Toolpack call-leg resync (seed 000) in Go style, and the events of
// legs. Callbacks run one at a time, never with the controller's lock
// held; the On…Sync callbacks may call RefuseLeg, RefuseMixer, RefuseLink,
// RefuseMixerLink, BindCallLeg and BindMixer before they return. Embed
// BaseApplication to implement only some.
type Application interface {
	// OnCmcLibNotReady: an MG was lost; its legs and mixers follow with
	// OnSyncLost and OnMixerSyncLost (the seed's OnCmcLibNotReady).
	OnCmcLibNotReady(mg h248.MID)
	// OnCmcLibReady: an MG is in sync again, or for the first time (the seed's
	// OnCmcLibReady).
	OnCmcLibReady(mg h248.MID)
	OnSyncLost(leg LegInfo)
	OnMixerSyncLost(m MixerInfo)
	// OnCallLegTerminated: a leg is gone (dropped at resync, absent from
	// the MG, or its MG dead past the dead timer).
	OnCallLegTerminated(leg LegInfo, cause error)
	OnMixerTerminated(m MixerInfo, cause error)
	// OnSyncDone / OnMixerSyncDone: a known leg or mixer survived a resync.
	OnSyncDone(leg LegInfo)
	OnMixerSyncDone(m MixerInfo)
	// OnCallLegSync, OnMixerSync, OnLinkSync, OnMixerLinkSync: something
	// found on an MG that the controller did not know; refuse it or bind
	// it to the application's data.
	OnCallLegSync(leg LegInfo)
	OnMixerSync(m MixerInfo)
	OnLinkSync(a, b LegInfo)
	OnMixerLinkSync(leg LegInfo, m MixerInfo)
	// Events of legs, from the MG's Notify.
	OnOffHook(leg LegInfo)
	OnOnHook(leg LegInfo)
	OnDigits(leg LegInfo, digits string)
	OnSignalCompleted(leg LegInfo, signal string)
}

// BaseApplication ignores every callback and refuses nothing.
type BaseApplication struct{}

var _ Application = BaseApplication{}

func (BaseApplication) OnCmcLibNotReady(h248.MID)          {}
func (BaseApplication) OnCmcLibReady(h248.MID)             {}
func (BaseApplication) OnSyncLost(LegInfo)                 {}
func (BaseApplication) OnMixerSyncLost(MixerInfo)          {}
func (BaseApplication) OnCallLegTerminated(LegInfo, error) {}
func (BaseApplication) OnMixerTerminated(MixerInfo, error) {}
func (BaseApplication) OnSyncDone(LegInfo)                 {}
func (BaseApplication) OnMixerSyncDone(MixerInfo)          {}
func (BaseApplication) OnCallLegSync(LegInfo)              {}
func (BaseApplication) OnMixerSync(MixerInfo)              {}
func (BaseApplication) OnLinkSync(LegInfo, LegInfo)        {}
func (BaseApplication) OnMixerLinkSync(LegInfo, MixerInfo) {}
func (BaseApplication) OnOffHook(LegInfo)                  {}
func (BaseApplication) OnOnHook(LegInfo)                   {}
func (BaseApplication) OnDigits(LegInfo, string)           {}
func (BaseApplication) OnSignalCompleted(LegInfo, string)  {}
