package callstore

import (
	"context"
	"errors"
	"time"
)

// CauseNormal is the release cause of a leg, mixer or call that ended by
// normal clearing (an Event with an empty Cause).
const CauseNormal = "normal"

// ErrNoCDR is returned by Get for a call id with no CDR.
var ErrNoCDR = errors.New("callstore: no such CDR")

// CDR is the record of a finished call: every leg and mixer it had, when
// it was set up, answered and released, why it ended and what resyncs did
// to it. Times are those of the events; zero when it never happened.
type CDR struct {
	// V is the format version (cdrVersion); readers refuse newer ones.
	V    int    `json:"v"`
	Call string `json:"call"`
	// MGs are the MIDs of the gateways the call used, sorted.
	MGs []string `json:"mgs"`
	// Contexts are the H.248 contexts of its legs and mixers, sorted.
	Contexts []ContextRef `json:"contexts,omitempty"`
	Legs     []LegCDR     `json:"legs,omitempty"`
	Mixers   []MixerCDR   `json:"mixers,omitempty"`
	// Setup is the first leg's creation (or mixer's), Alerting and Answer
	// the first leg's, Release the last leg's or mixer's end.
	Setup    time.Time `json:"setup"`
	Alerting time.Time `json:"alerting,omitzero"`
	Answer   time.Time `json:"answer,omitzero"`
	Release  time.Time `json:"release"`
	// Duration runs from Answer to Release: 0 for an unanswered call. In
	// JSON, nanoseconds.
	Duration time.Duration `json:"duration"`
	// Cause is the cause of the first leg or mixer of the call to end:
	// CauseNormal, or why the MGC layer ended it.
	Cause   string   `json:"cause"`
	History []Resync `json:"history,omitempty"`
}

// ContextRef names an H.248 context: its MG's MID and its id.
type ContextRef struct {
	MG      string `json:"mg"`
	Context uint32 `json:"context"`
}

// LegCDR is one leg of a CDR.
type LegCDR struct {
	LegRef
	// Context is the last context the leg was in.
	Context  uint32    `json:"context"`
	Setup    time.Time `json:"setup"`
	Alerting time.Time `json:"alerting,omitzero"`
	Answer   time.Time `json:"answer,omitzero"`
	Release  time.Time `json:"release"`
	Cause    string    `json:"cause"`
}

// MixerCDR is one mixer of a CDR.
type MixerCDR struct {
	MixerRef
	Port    string    `json:"port,omitempty"`
	Created time.Time `json:"created"`
	Release time.Time `json:"release"`
	Cause   string    `json:"cause"`
}

// Resync is an entry of a call's resync history: a leg kept or offered at
// a resync (LegKept, LegOffered), or a leg or mixer the MGC layer ended
// (LegTerminated, MixerDestroyed with a cause).
type Resync struct {
	Time  time.Time `json:"time"`
	Kind  Kind      `json:"kind"`
	Leg   *LegRef   `json:"leg,omitempty"`
	Mixer *MixerRef `json:"mixer,omitempty"`
	Cause string    `json:"cause,omitempty"`
}

// Filter selects CDRs. Zero fields select everything.
type Filter struct {
	// Since and Until bound the setup time: Since <= Setup < Until.
	Since, Until time.Time
	// MG selects the calls that used this gateway.
	MG string
	// Cause selects the calls with this release cause (CauseNormal too).
	Cause string
	// Limit caps the number of CDRs; 0 is no limit.
	Limit int
}

// Sink is where the CDR consumer of each instance stores CDRs. Add must be
// idempotent by call id: a CDR whose call is already stored is skipped,
// since JetStream redelivers whatever was not acknowledged. The SQLite DB
// is the default; others (a billing system's, a data lake's) implement
// this and, to be queried through Store.List and Get, Querier.
type Sink interface {
	Add(ctx context.Context, cdrs []CDR) error
}

// Querier reads stored CDRs. List returns the newest (by setup) first.
type Querier interface {
	List(ctx context.Context, f Filter) ([]CDR, error)
	Get(ctx context.Context, call string) (*CDR, error)
}
