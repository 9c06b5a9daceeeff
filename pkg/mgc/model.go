package mgc

import (
	"fmt"
	"strings"

	"github.com/megaco/megaco/pkg/h248"
)

// LegState is where a call leg is in its life.
type LegState uint8

const (
	// LegIdle: created on the MG, not yet alerted or answered.
	LegIdle LegState = iota
	// LegRinging: alerted, not answered.
	LegRinging
	// LegActive: answered (its stream mode is SendReceive).
	LegActive
	// LegTerminating: being released.
	LegTerminating
)

var legStateNames = [...]string{"idle", "ringing", "active", "terminating"}

func (s LegState) String() string {
	if int(s) < len(legStateNames) {
		return legStateNames[s]
	}
	return fmt.Sprintf("LegState(%d)", s)
}

// MarshalText writes the state's name.
func (s LegState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LegID identifies a call leg across resyncs: its MG and termination.
type LegID struct {
	MG          h248.MID
	Termination h248.TerminationID
}

func (id LegID) String() string { return id.MG.String() + "/" + string(id.Termination) }

// key is the canonical form of a termination id (names are case-insensitive).
func (id LegID) key() LegID {
	return LegID{MG: id.MG, Termination: h248.TerminationID(strings.ToLower(string(id.Termination)))}
}

// MixerID identifies a mixer: its MG and context.
type MixerID struct {
	MG      h248.MID
	Context h248.ContextID
}

func (id MixerID) String() string { return fmt.Sprintf("%v/ctx=%v", id.MG, id.Context) }

// Leg is a call leg: a termination of an MG in a context.
type Leg struct {
	ID      LegID
	Context h248.ContextID
	State   LegState
	// LocalSDP is the MG's session description of an RTP leg;
	// RemoteSDP the far end's, set when the leg is linked across MGs.
	LocalSDP, RemoteSDP string
	// Peer is the leg this one is linked with; Mixer the mixer it joins.
	Peer  *Leg
	Mixer *Mixer
	// Call is the call the leg belongs to: legs linked together or on
	// one mixer share it.
	Call string
	// Data is the application's, set with BindCallLeg.
	Data any
}

// Mixer is a conference context on an MG: legs joined to it and, usually,
// a mixer port (a mix/ termination).
type Mixer struct {
	ID   MixerID
	Port h248.TerminationID // the mix/ termination, if any
	Legs []*Leg
	Call string
	Data any
}

// LegInfo is a leg as seen from outside: a copy, safe to keep.
type LegInfo struct {
	ID        LegID          `json:"id"`
	Call      string         `json:"call"`
	Context   h248.ContextID `json:"context"`
	State     LegState       `json:"state"`
	Peer      *LegID         `json:"peer,omitempty"`
	Mixer     *MixerID       `json:"mixer,omitempty"`
	LocalSDP  string         `json:"localSdp,omitempty"`
	RemoteSDP string         `json:"remoteSdp,omitempty"`
}

// MixerInfo is a copy of a mixer.
type MixerInfo struct {
	ID   MixerID            `json:"id"`
	Call string             `json:"call"`
	Port h248.TerminationID `json:"port,omitempty"`
	Legs []LegID            `json:"legs"`
}

func (l *Leg) info() LegInfo {
	li := LegInfo{ID: l.ID, Call: l.Call, Context: l.Context, State: l.State, LocalSDP: l.LocalSDP, RemoteSDP: l.RemoteSDP}
	if l.Peer != nil {
		id := l.Peer.ID
		li.Peer = &id
	}
	if l.Mixer != nil {
		id := l.Mixer.ID
		li.Mixer = &id
	}
	return li
}

func (m *Mixer) info() MixerInfo {
	mi := MixerInfo{ID: m.ID, Call: m.Call, Port: m.Port}
	for _, l := range m.Legs {
		mi.Legs = append(mi.Legs, l.ID)
	}
	return mi
}

// MGState is the controller's view of a media gateway.
type MGState uint8

const (
	// MGReady: registered and in sync.
	MGReady MGState = iota
	// MGLost: unreachable; the dead timer runs.
	MGLost
	// MGDead: unreachable past the dead timer; its legs are gone.
	MGDead
	// MGResyncing: back, being audited.
	MGResyncing
)

var mgStateNames = [...]string{"ready", "lost", "dead", "resyncing"}

func (s MGState) String() string {
	if int(s) < len(mgStateNames) {
		return mgStateNames[s]
	}
	return fmt.Sprintf("MGState(%d)", s)
}

// MarshalText writes the state's name.
func (s MGState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
