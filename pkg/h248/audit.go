package h248

// AuditToken names a descriptor to audit (the v1 audit items).
type AuditToken uint8

// The values follow the ASN.1 BIT STRING of AuditDescriptor.
const (
	AuditMux AuditToken = iota
	AuditModem
	AuditMedia
	AuditEvents
	AuditSignals
	AuditDigitMap
	AuditStatistics
	AuditObservedEvents
	AuditPackages
	AuditEventBuffer
)

var auditTokenNames = [...]string{"Mux", "Modem", "Media", "Events", "Signals", "DigitMap", "Statistics", "ObservedEvents", "Packages", "EventBuffer"}

func (t AuditToken) String() string { return enumName(auditTokenNames[:], int(t)) }

// AuditDescriptor says what to audit: whole descriptors (Tokens, a set
// kept in the order received) and, from v2, individual items (Props). An
// empty one ("Audit{}") audits nothing and asks only for the command's
// result.
type AuditDescriptor struct {
	Tokens []AuditToken        `json:"tokens,omitempty" eq:"set"`
	Props  []IndAuditParameter `json:"props,omitempty"`
}

// IndAuditParameter (v2) is one of *IndAudMediaDescriptor,
// *IndAudEventsDescriptor, *IndAudEventBufferDescriptor,
// *IndAudSignalsDescriptor, *IndAudDigitMapDescriptor,
// *IndAudStatisticsDescriptor and *IndAudPackagesDescriptor.
type IndAuditParameter interface {
	isIndAuditParameter()
}

func (*IndAudMediaDescriptor) isIndAuditParameter()       {}
func (*IndAudEventsDescriptor) isIndAuditParameter()      {}
func (*IndAudEventBufferDescriptor) isIndAuditParameter() {}
func (*IndAudSignalsDescriptor) isIndAuditParameter()     {}
func (*IndAudDigitMapDescriptor) isIndAuditParameter()    {}
func (*IndAudStatisticsDescriptor) isIndAuditParameter()  {}
func (*IndAudPackagesDescriptor) isIndAuditParameter()    {}

// IndAudMediaDescriptor audits individual media items: the termination
// state and one stream's items (Stream) or numbered streams (Streams).
type IndAudMediaDescriptor struct {
	TermState *IndAudTerminationStateDescriptor `json:"termState,omitempty"`
	Stream    *IndAudStreamParms                `json:"stream,omitempty"`
	Streams   []IndAudStreamDescriptor          `json:"streams,omitempty"`
}

// IndAudStreamDescriptor audits items of a numbered stream.
type IndAudStreamDescriptor struct {
	ID    uint16            `json:"id"`
	Parms IndAudStreamParms `json:"parms"`
}

// IndAudStreamParms audits items of a stream. Local and Remote hold the
// SDP given in the audit request, usually empty.
type IndAudStreamParms struct {
	LocalControl *IndAudLocalControlDescriptor `json:"localControl,omitempty"`
	Local        *LocalRemoteDescriptor        `json:"local,omitempty"`
	Remote       *LocalRemoteDescriptor        `json:"remote,omitempty"`
	Statistics   *IndAudStatisticsDescriptor   `json:"statistics,omitempty"` // v3
}

// IndAudLocalControlDescriptor audits LocalControl items. ModeSelect (v3)
// selects by mode ("Mode = SendReceive", or with ModeSelectForm
// FormUnequal "Mode # SendReceive") where Mode only asks for it.
type IndAudLocalControlDescriptor struct {
	Mode           bool                 `json:"mode,omitempty"`
	ReserveValue   bool                 `json:"reserveValue,omitempty"`
	ReserveGroup   bool                 `json:"reserveGroup,omitempty"`
	Props          []IndAudPropertyParm `json:"props,omitempty"`
	ModeSelect     Opt[StreamMode]      `json:"modeSelect,omitzero"`
	ModeSelectForm ValueForm            `json:"modeSelectForm,omitempty"` // FormSingle (=), FormGreater, FormSmaller or FormUnequal
}

// IndAudPropertyParm audits one property; with Value (v3) it selects by
// that property's value.
type IndAudPropertyParm struct {
	Name  string        `json:"name"`
	Value *PropertyParm `json:"value,omitempty"`
}

// IndAudTerminationStateDescriptor audits TerminationState items.
type IndAudTerminationStateDescriptor struct {
	Props              []IndAudPropertyParm `json:"props,omitempty"`
	EventBufferControl bool                 `json:"eventBufferControl,omitempty"`
	ServiceState       bool                 `json:"serviceState,omitempty"`
	ServiceStateSelect Opt[ServiceState]    `json:"serviceStateSelect,omitzero"` // v3
	// ServiceStateSelectForm is FormSingle (=), FormGreater, FormSmaller or FormUnequal.
	ServiceStateSelectForm ValueForm `json:"serviceStateSelectForm,omitempty"`
}

// IndAudEventsDescriptor audits one requested event.
type IndAudEventsDescriptor struct {
	RequestID Opt[RequestID] `json:"requestId,omitzero"`
	Name      string         `json:"name"`
	Stream    Opt[uint16]    `json:"stream,omitzero"`
}

// IndAudEventBufferDescriptor audits one buffered event. ParamName is a
// text eventParameterName, which has no place in the binary encoding.
type IndAudEventBufferDescriptor struct {
	Name      string      `json:"name"`
	Stream    Opt[uint16] `json:"stream,omitzero"`
	ParamName string      `json:"paramName,omitempty"`
}

// IndAudSignalsDescriptor audits a signal or a signal list; both nil is
// an empty "Signals{}".
type IndAudSignalsDescriptor struct {
	Signal *IndAudSignal     `json:"signal,omitempty"`
	List   *IndAudSeqSigList `json:"list,omitempty"`
}

// IndAudSeqSigList audits a signal list, optionally one of its signals.
type IndAudSeqSigList struct {
	ID     uint16        `json:"id"`
	Signal *IndAudSignal `json:"signal,omitempty"`
}

// IndAudSignal audits one signal.
type IndAudSignal struct {
	Name      string         `json:"name"`
	Stream    Opt[uint16]    `json:"stream,omitzero"`
	RequestID Opt[RequestID] `json:"requestId,omitzero"` // v3
}

// IndAudDigitMapDescriptor audits a digit map, by name when Name is set.
type IndAudDigitMapDescriptor struct {
	Name string `json:"name,omitempty"`
}

// IndAudStatisticsDescriptor audits one statistic.
type IndAudStatisticsDescriptor struct {
	Name string `json:"name"`
}

// IndAudPackagesDescriptor audits one package.
type IndAudPackagesDescriptor struct {
	Name    string `json:"name"`
	Version uint16 `json:"version"`
}
