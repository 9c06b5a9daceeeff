package h248

// Descriptor is one of the descriptors that commands carry and audits
// return: *MediaDescriptor, *ModemDescriptor, *MuxDescriptor,
// *EventsDescriptor, *EventBufferDescriptor, *SignalsDescriptor,
// *DigitMapDescriptor, *AuditDescriptor, *StatisticsDescriptor,
// *ObservedEventsDescriptor, *PackagesDescriptor and *ErrorDescriptor.
//
// In a terminationAudit (a reply), an *AuditDescriptor stands for the
// descriptors named without contents (ASN.1 emptyDescriptors, text
// "Media, Mux"); decoders gather those into one, placed last.
type Descriptor interface {
	isDescriptor()
}

func (*MediaDescriptor) isDescriptor()          {}
func (*ModemDescriptor) isDescriptor()          {}
func (*MuxDescriptor) isDescriptor()            {}
func (*EventsDescriptor) isDescriptor()         {}
func (*EventBufferDescriptor) isDescriptor()    {}
func (*SignalsDescriptor) isDescriptor()        {}
func (*DigitMapDescriptor) isDescriptor()       {}
func (*AuditDescriptor) isDescriptor()          {}
func (*StatisticsDescriptor) isDescriptor()     {}
func (*ObservedEventsDescriptor) isDescriptor() {}
func (*PackagesDescriptor) isDescriptor()       {}
func (*ErrorDescriptor) isDescriptor()          {}

// MediaDescriptor describes a termination's media: its state and either
// one stream's parameters (Stream) or several numbered streams (Streams),
// never both.
type MediaDescriptor struct {
	TermState *TerminationStateDescriptor `json:"termState,omitempty"`
	Stream    *StreamParms                `json:"stream,omitempty"`
	Streams   []StreamDescriptor          `json:"streams,omitempty"`
}

// StreamDescriptor is a numbered stream.
type StreamDescriptor struct {
	ID    uint16      `json:"id"`
	Parms StreamParms `json:"parms"`
}

// StreamParms are the descriptors of one stream.
type StreamParms struct {
	LocalControl *LocalControlDescriptor `json:"localControl,omitempty"`
	Local        *LocalRemoteDescriptor  `json:"local,omitempty"`
	Remote       *LocalRemoteDescriptor  `json:"remote,omitempty"`
	Statistics   *StatisticsDescriptor   `json:"statistics,omitempty"` // v3
}

// StreamMode is a stream's direction.
type StreamMode uint8

const (
	SendOnly StreamMode = iota
	RecvOnly
	SendRecv
	Inactive
	Loopback
)

var streamModeNames = [...]string{"sendOnly", "recvOnly", "sendRecv", "inactive", "loopback"}

func (m StreamMode) String() string { return enumName(streamModeNames[:], int(m)) }

// LocalControlDescriptor holds a stream's mode, reservation flags and
// properties.
type LocalControlDescriptor struct {
	Mode         Opt[StreamMode] `json:"mode,omitzero"`
	ReserveValue Opt[bool]       `json:"reserveValue,omitzero"`
	ReserveGroup Opt[bool]       `json:"reserveGroup,omitzero"`
	Props        []PropertyParm  `json:"props,omitempty"`
}

// LocalRemoteDescriptor is a Local or Remote descriptor. The session
// description (SDP) stays an opaque string: leading and trailing white
// space and each line's indentation are dropped, "\}" escapes are undone,
// and line endings are kept as received.
type LocalRemoteDescriptor struct {
	SDP string `json:"sdp" eq:"exact"`
}

// ServiceState is a termination's service state.
type ServiceState uint8

const (
	ServiceTest ServiceState = iota
	ServiceOutOfService
	ServiceInService
)

var serviceStateNames = [...]string{"test", "outOfService", "inService"}

func (s ServiceState) String() string { return enumName(serviceStateNames[:], int(s)) }

// EventBufferControl says whether events are buffered (LockStep) or not (Off).
type EventBufferControl uint8

const (
	BufferOff EventBufferControl = iota
	BufferLockStep
)

var eventBufferControlNames = [...]string{"off", "lockStep"}

func (e EventBufferControl) String() string { return enumName(eventBufferControlNames[:], int(e)) }

// TerminationStateDescriptor holds a termination's properties, service
// state and event buffer control.
type TerminationStateDescriptor struct {
	Props              []PropertyParm          `json:"props,omitempty"`
	EventBufferControl Opt[EventBufferControl] `json:"eventBufferControl,omitzero"`
	ServiceState       Opt[ServiceState]       `json:"serviceState,omitzero"`
}

// ModemDescriptor (deprecated in v3) lists modem types and properties.
// Types hold canonical token names ("V18", "V22", "V22b", "V32", "V32b",
// "V34", "V90", "V91", "SynchISDN") or an extension ("X-abc").
type ModemDescriptor struct {
	Types []string       `json:"types"`
	Props []PropertyParm `json:"props,omitempty"`
}

// MuxDescriptor describes multiplexing: the type ("H221", "H223", "H226",
// "V76", "Nx64K" or an extension "X-abc") and the terminations.
type MuxDescriptor struct {
	Type           string          `json:"type"`
	TerminationIDs []TerminationID `json:"terminationIds"`
}

// EventsDescriptor lists the events to detect. A bare text "Events" (no
// request id) has no RequestID and no events. It also serves as the
// embedded (second) events descriptor of Embed, whose events cannot embed
// further events.
type EventsDescriptor struct {
	RequestID Opt[RequestID]   `json:"requestId,omitzero"`
	Events    []RequestedEvent `json:"events,omitempty"`
}

// RequestedEvent is one event to detect, with what to do when it occurs.
type RequestedEvent struct {
	Name   string           `json:"name"` // pkgdName, e.g. "al/of"
	Stream Opt[uint16]      `json:"stream,omitzero"`
	Action RequestedActions `json:"action,omitzero"`
	Params []EventParameter `json:"params,omitempty"`
}

// RequestedActions are the actions attached to a requested event.
type RequestedActions struct {
	KeepActive bool     `json:"keepActive,omitempty"`
	DigitMap   *EventDM `json:"digitMap,omitempty"`
	// SecondEvent is the Events part of an Embed.
	SecondEvent *EventsDescriptor `json:"secondEvent,omitempty"`
	// Signals is the Signals part of an Embed.
	Signals *SignalsDescriptor `json:"signals,omitempty"`
	// NotifyBehaviour and ResetEventsDescriptor are v3.
	NotifyBehaviour       *NotifyBehaviour `json:"notifyBehaviour,omitempty"`
	ResetEventsDescriptor bool             `json:"resetEventsDescriptor,omitempty"`
}

// EventDM is the digit map of an event: a name or a value.
type EventDM struct {
	Name  string         `json:"name,omitempty"`
	Value *DigitMapValue `json:"value,omitempty"`
}

// NotifyBehaviourKind is how an MG notifies a detected event (v3).
type NotifyBehaviourKind uint8

const (
	NotifyImmediate NotifyBehaviourKind = iota
	NotifyRegulated
	NeverNotify
)

var notifyBehaviourKindNames = [...]string{"immediate", "regulated", "never"}

func (k NotifyBehaviourKind) String() string { return enumName(notifyBehaviourKindNames[:], int(k)) }

// NotifyBehaviour (v3). A regulated notification may embed events and
// signals.
type NotifyBehaviour struct {
	Kind        NotifyBehaviourKind `json:"kind"`
	SecondEvent *EventsDescriptor   `json:"secondEvent,omitempty"`
	Signals     *SignalsDescriptor  `json:"signals,omitempty"`
}

// EventBufferDescriptor lists the events to buffer.
type EventBufferDescriptor struct {
	Events []EventSpec `json:"events,omitempty"`
}

// EventSpec is one event of an EventBuffer descriptor.
type EventSpec struct {
	Name   string           `json:"name"`
	Stream Opt[uint16]      `json:"stream,omitzero"`
	Params []EventParameter `json:"params,omitempty"`
}

// SignalsDescriptor lists signals to apply. An empty one stops all
// signals.
type SignalsDescriptor struct {
	Signals []SignalRequest `json:"signals,omitempty"`
}

// SignalRequest is a signal, or a signal list when List is set.
type SignalRequest struct {
	Signal Signal      `json:"signal,omitzero"`
	List   *SeqSigList `json:"list,omitempty"`
}

// SeqSigList is a signal list: signals played in sequence.
type SeqSigList struct {
	ID      uint16   `json:"id"`
	Signals []Signal `json:"signals"`
}

// SignalType is how long a signal lasts.
type SignalType uint8

const (
	SignalBrief SignalType = iota
	SignalOnOff
	SignalTimeOut
)

var signalTypeNames = [...]string{"brief", "onOff", "timeOut"}

func (t SignalType) String() string { return enumName(signalTypeNames[:], int(t)) }

// NotifyCompletionReason is a reason for which a signal's completion is
// reported.
type NotifyCompletionReason uint8

const (
	OnTimeOut NotifyCompletionReason = iota
	OnInterruptByEvent
	OnInterruptByNewSignalsDescr
	OtherReason
	OnIteration // v3
)

var notifyCompletionNames = [...]string{"timeOut", "interruptByEvent", "interruptByNewSignalsDescr", "otherReason", "iteration"}

func (r NotifyCompletionReason) String() string { return enumName(notifyCompletionNames[:], int(r)) }

// SignalDirection (v3) is where a signal is sent.
type SignalDirection uint8

const (
	DirectionInternal SignalDirection = iota
	DirectionExternal
	DirectionBoth
)

var signalDirectionNames = [...]string{"internal", "external", "both"}

func (d SignalDirection) String() string { return enumName(signalDirectionNames[:], int(d)) }

// Signal is one signal with its parameters.
type Signal struct {
	Name     string          `json:"name"` // pkgdName, e.g. "cg/rt"
	Stream   Opt[uint16]     `json:"stream,omitzero"`
	Type     Opt[SignalType] `json:"type,omitzero"`
	Duration Opt[uint16]     `json:"duration,omitzero"`
	// NotifyCompletion is a set: order does not matter.
	NotifyCompletion []NotifyCompletionReason `json:"notifyCompletion,omitempty" eq:"set"`
	KeepActive       bool                     `json:"keepActive,omitempty"`
	Params           []SigParameter           `json:"params,omitempty"`
	// Direction, RequestID and IntersigDelay are v3.
	Direction     Opt[SignalDirection] `json:"direction,omitzero"`
	RequestID     Opt[RequestID]       `json:"requestId,omitzero"`
	IntersigDelay Opt[uint16]          `json:"intersigDelay,omitzero"`
}

// DigitMapDescriptor defines or names a digit map.
type DigitMapDescriptor struct {
	Name  string         `json:"name,omitempty"`
	Value *DigitMapValue `json:"value,omitempty"`
}

// DigitMapValue is a digit map: timers in seconds (Duration in hundreds of
// milliseconds, v2) and the body, kept exactly as received.
type DigitMapValue struct {
	StartTimer    Opt[uint8] `json:"startTimer,omitzero"`    // T
	ShortTimer    Opt[uint8] `json:"shortTimer,omitzero"`    // S
	LongTimer     Opt[uint8] `json:"longTimer,omitzero"`     // L
	DurationTimer Opt[uint8] `json:"durationTimer,omitzero"` // Z
	Body          string     `json:"body" eq:"exact"`
}

// ObservedEventsDescriptor reports detected events.
type ObservedEventsDescriptor struct {
	RequestID RequestID       `json:"requestId"`
	Events    []ObservedEvent `json:"events"`
}

// ObservedEvent is one detected event.
type ObservedEvent struct {
	Name   string           `json:"name"`
	Stream Opt[uint16]      `json:"stream,omitzero"`
	Params []EventParameter `json:"params,omitempty"`
	Time   *TimeNotation    `json:"time,omitempty"`
}

// TimeNotation is a timestamp: Date yyyymmdd, Time hhmmssss.
type TimeNotation struct {
	Date string `json:"date"`
	Time string `json:"time"`
}

// StatisticsDescriptor lists statistics, with values in replies.
type StatisticsDescriptor struct {
	Params []StatisticsParameter `json:"params,omitempty"`
}

// StatisticsParameter is one statistic; Values is nil when none is given
// and has several elements for a v3 list.
type StatisticsParameter struct {
	Name   string  `json:"name"`
	Values []Value `json:"values,omitempty"`
}

// PackagesDescriptor lists the packages a termination realizes.
type PackagesDescriptor struct {
	Items []PackagesItem `json:"items,omitempty"`
}

// PackagesItem is a package name and version.
type PackagesItem struct {
	Name    string `json:"name"`
	Version uint16 `json:"version"`
}

// IsZero reports whether no action is set.
func (a *RequestedActions) IsZero() bool {
	return !a.KeepActive && a.DigitMap == nil && a.SecondEvent == nil && a.Signals == nil &&
		a.NotifyBehaviour == nil && !a.ResetEventsDescriptor
}
