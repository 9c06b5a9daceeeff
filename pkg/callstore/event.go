package callstore

import "time"

// Kind is what happened to a call leg or a mixer.
type Kind string

// The lifecycle events the MGC layer reports. Every event names its call;
// leg events name the leg, mixer events the mixer.
const (
	// LegCreated: a termination of an MG was put in a context.
	LegCreated Kind = "created"
	// LegAlerting: the leg rings (it is not answered yet).
	LegAlerting Kind = "alerting"
	// LegAnswered: the leg is connected both ways.
	LegAnswered Kind = "answered"
	// LegJoined: the leg was linked with Peer (sharing a context on one MG,
	// or by SDP across MGs), or joined a mixer (Mixer set). Event.Call is
	// the call the leg belongs to from now on: when it differs from the
	// leg's call so far, the leg moves, and a call left with no legs and
	// no mixers by a move ends without a CDR (it was a leg waiting to be
	// joined, not a call).
	LegJoined Kind = "joined"
	// LegModified: signals, events, a digit map or SDP of the leg changed
	// (a hold is one).
	LegModified Kind = "modified"
	// LegReleased: the application released the leg.
	LegReleased Kind = "released"
	// LegTerminated: the MGC layer ended the leg; Cause says why (dropped
	// at a resync, vanished from its MG, MG dead past the dead timer, MG
	// forced out of service).
	LegTerminated Kind = "terminated"
	// LegKept: the leg survived a resync of its MG (OnSyncDone).
	LegKept Kind = "resync_kept"
	// LegOffered: a leg unknown to the MGC was found on an MG at a resync
	// and kept (it starts a call of its own, or joins the call of its
	// peer).
	LegOffered Kind = "resync_offered"
	// MixerCreated and MixerDestroyed: a conference context came and went
	// (MixerDestroyed with a Cause when the MGC layer ended it).
	MixerCreated   Kind = "mixer_created"
	MixerDestroyed Kind = "mixer_destroyed"
)

// Event is one lifecycle event, as the MGC layer reports it. Leg carries
// the leg's state after the event; Mixer the mixer's.
type Event struct {
	Time  time.Time `json:"time"`
	Kind  Kind      `json:"kind"`
	Call  string    `json:"call"`
	Leg   *Leg      `json:"leg,omitempty"`
	Mixer *Mixer    `json:"mixer,omitempty"`
	// Cause is why a leg or mixer ended ("" for normal clearing).
	Cause string `json:"cause,omitempty"`
}

// LegRef names a leg: its MG's MID and its termination id.
type LegRef struct {
	MG          string `json:"mg"`
	Termination string `json:"termination"`
}

// MixerRef names a mixer: its MG's MID and its context.
type MixerRef struct {
	MG      string `json:"mg"`
	Context uint32 `json:"context"`
}

// Leg is a call leg as the store keeps it: enough to rebuild the MGC
// layer's model after a restart (Restore) and to write a CDR.
type Leg struct {
	LegRef
	Context uint32 `json:"context"`
	// State is the MGC layer's leg state: idle, ringing, active,
	// terminating.
	State     string    `json:"state"`
	LocalSDP  string    `json:"localSdp,omitempty"`
	RemoteSDP string    `json:"remoteSdp,omitempty"`
	Peer      *LegRef   `json:"peer,omitempty"`
	Mixer     *MixerRef `json:"mixer,omitempty"`
}

// Mixer is a conference context on an MG and its mixer port, if any.
type Mixer struct {
	MixerRef
	Port string `json:"port,omitempty"`
}

// Recorder takes the lifecycle events of calls. The MGC layer calls
// Record after each change, with no lock held; it must not block for
// long.
type Recorder interface {
	Record(Event)
}

// Call is an active call as the store holds it: what the MGC layer's
// Restore rebuilds its model from.
type Call struct {
	ID     string  `json:"id"`
	Legs   []Leg   `json:"legs"`
	Mixers []Mixer `json:"mixers,omitempty"`
}
