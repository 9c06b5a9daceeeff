// Package mgc is the MGC layer: call control over the user API. An
// application creates call legs on terminations of its media gateways,
// alerts, answers and releases them, links two legs (sharing a context on
// one MG, exchanging SDP across MGs), puts legs on mixers (conference
// contexts), plays signals and hears events. Every change goes through an
// H.248 transaction, and the model follows what the MG answered.
//
// The controller watches each MG: a transport failure, a silent
// inactivity timer or a failed periodic audit makes it lost, which starts
// the dead timer (10 s). When the MG comes back, the controller audits it
// and resynchronises, in the three scenarios of the Toolpack call-leg
// resync it follows (seed 000):
//
//  1. back within the dead timer: incomplete legs and mixers are dropped
//     (and removed from the MG), active ones are kept and reported with
//     OnSyncDone / OnMixerSyncDone, links included;
//  2. back after the dead timer: everything was terminated when it
//     expired; what survived on the MG is offered with OnCallLegSync,
//     OnMixerSync, OnLinkSync and OnMixerLinkSync, and what the
//     application refuses is removed from the MG;
//  3. the controller itself restarted with no memory: every MG that
//     registers is audited and offered as in scenario 2.
//
// Unanswered legs (not SendReceive on the MG) are never offered: they are
// removed from the MG, as the seed's engine drops transient calls. A leg
// whose release got no answer is removed at the next resync whatever the
// dead timer did meanwhile.
//
// Identity survives resync: a leg is (MG MID, termination id), a mixer is
// (MG MID, context id); links come from sharing a context, and across MGs
// from one leg's Local SDP being the other's Remote. With no memory, a
// context is a mixer when Config.IsMixer says so (default: it holds a
// termination of the mixer pool, or three or more).
//
// The audit is Context=* AuditValue with Media of "*"; an MG that answers
// 533 (the reply would exceed its transport PDU) is audited again in
// narrower prefix wildcards ("r*", "rtp/1*", ...), and an MG speaking v3
// with segmentation sends the one large reply in segments.
//
// The controller is the megaco.Handler of the MGC's user. A restarted MGC
// should start its transaction ids away from the previous incarnation's
// (megaco.UserConfig.FirstTransID, megaco.RandomTransID), or its first
// requests hit its MGs' reply caches for up to their reply_timer.
package mgc
