package h248

// ActionRequest is the part of a transaction request that concerns one
// context: context properties to set, context attributes to audit and
// commands.
type ActionRequest struct {
	ContextID    ContextID                `json:"contextId"`
	Context      *ContextRequest          `json:"context,omitempty"`
	ContextAudit *ContextAttrAuditRequest `json:"contextAudit,omitempty"`
	Commands     []CommandRequest         `json:"commands,omitempty"`
}

// ActionReply answers one ActionRequest.
type ActionReply struct {
	ContextID ContextID        `json:"contextId"`
	Error     *ErrorDescriptor `json:"error,omitempty"`
	Context   *ContextRequest  `json:"context,omitempty"`
	Commands  []CommandReply   `json:"commands,omitempty"`
}

// ContextRequest holds context properties (contextProperty in the text
// ABNF; ContextRequest in ASN.1), in requests and in replies.
type ContextRequest struct {
	Priority Opt[uint16] `json:"priority,omitzero"`
	// Emergency is true for the Emergency token, false for the v3
	// EmergencyOff token.
	Emergency Opt[bool]         `json:"emergency,omitzero"`
	Topology  []TopologyRequest `json:"topology,omitempty"`
	// IEPS is the v3 IEPSCall indicator.
	IEPS Opt[bool] `json:"ieps,omitzero"`
	// Props and ContextList are the two forms of the v3 ContextAttr descriptor.
	Props       []PropertyParm `json:"props,omitempty"`
	ContextList []ContextID    `json:"contextList,omitempty"`
}

// IsZero reports whether no context property is set.
func (c *ContextRequest) IsZero() bool {
	return !c.Priority.Set && !c.Emergency.Set && c.Topology == nil && !c.IEPS.Set && c.Props == nil && c.ContextList == nil
}

// SelectLogic combines the v3 context audit selection conditions.
type SelectLogic uint8

const (
	SelectDefault SelectLogic = iota // not given: AND
	SelectAnd                        // ANDLgc
	SelectOr                         // ORLgc
)

var selectLogicNames = [...]string{"default", "and", "or"}

func (s SelectLogic) String() string { return enumName(selectLogicNames[:], int(s)) }

// ContextAttrAuditRequest is the ContextAudit descriptor: the context
// attributes to return and, in v3, conditions selecting contexts.
type ContextAttrAuditRequest struct {
	Topology  bool `json:"topology,omitempty"`
	Emergency bool `json:"emergency,omitempty"`
	Priority  bool `json:"priority,omitempty"`
	IEPS      bool `json:"ieps,omitempty"` // v3
	// Props (v3) are context properties to audit; one with a value selects
	// contexts by that value.
	Props           []IndAudPropertyParm `json:"props,omitempty"`
	SelectPriority  Opt[uint16]          `json:"selectPriority,omitzero"`
	SelectEmergency Opt[bool]            `json:"selectEmergency,omitzero"`
	SelectIEPS      Opt[bool]            `json:"selectIeps,omitzero"`
	SelectLogic     SelectLogic          `json:"selectLogic,omitempty"`
	// SelectContextList is a text ContextAttr{ContextList={...}} given as
	// a selector; it has no place in the binary encoding.
	SelectContextList []ContextID `json:"selectContextList,omitempty"`
}

// TopologyDirection is the direction of media flow between two terminations.
type TopologyDirection uint8

const (
	Bothway        TopologyDirection = iota
	Isolate                          //
	Oneway                           //
	OnewayExternal                   // v3
	OnewayBoth                       // v3
)

var topologyDirectionNames = [...]string{"bothway", "isolate", "oneway", "onewayExternal", "onewayBoth"}

func (d TopologyDirection) String() string { return enumName(topologyDirectionNames[:], int(d)) }

// TopologyRequest is one topology triple (From, To, Direction) with the
// v2 stream.
type TopologyRequest struct {
	From      TerminationID     `json:"from"`
	To        TerminationID     `json:"to"`
	Direction TopologyDirection `json:"direction"`
	Stream    Opt[uint16]       `json:"stream,omitzero"`
}

// CommandKind names the eight commands.
type CommandKind uint8

const (
	CmdAdd CommandKind = iota + 1
	CmdMove
	CmdModify
	CmdSubtract
	CmdAuditValue
	CmdAuditCapabilities
	CmdNotify
	CmdServiceChange
)

var commandKindNames = [...]string{CmdAdd: "Add", CmdMove: "Move", CmdModify: "Modify", CmdSubtract: "Subtract",
	CmdAuditValue: "AuditValue", CmdAuditCapabilities: "AuditCapability", CmdNotify: "Notify", CmdServiceChange: "ServiceChange"}

func (k CommandKind) String() string { return enumName(commandKindNames[:], int(k)) }

// CommandRequest is one command of an action with its "O-" (optional) and
// "W-" (wildcarded response) flags.
type CommandRequest struct {
	Command        Command `json:"command"`
	Optional       bool    `json:"optional,omitempty"`
	WildcardReturn bool    `json:"wildcardReturn,omitempty"`
}

// Command is one of *AmmRequest, *SubtractRequest, *AuditRequest,
// *NotifyRequest and *ServiceChangeRequest.
type Command interface {
	Kind() CommandKind
	Terminations() []TerminationID
}

// AmmRequest is an Add, Move or Modify request.
type AmmRequest struct {
	Verb           CommandKind     `json:"verb"` // CmdAdd, CmdMove or CmdModify
	TerminationIDs []TerminationID `json:"terminationIds"`
	// Descriptors, at most one of each type, in the order given: Media,
	// Modem, Mux, Events, EventBuffer, Signals, DigitMap, Audit and (v3)
	// Statistics descriptors.
	Descriptors []Descriptor `json:"descriptors,omitempty"`
}

// SubtractRequest removes terminations from a context.
type SubtractRequest struct {
	TerminationIDs []TerminationID  `json:"terminationIds"`
	Audit          *AuditDescriptor `json:"audit,omitempty"`
}

// AuditRequest is an AuditValue (Cap false) or AuditCapabilities (Cap
// true) request.
type AuditRequest struct {
	Cap            bool            `json:"cap,omitempty"`
	TerminationIDs []TerminationID `json:"terminationIds"`
	Audit          AuditDescriptor `json:"audit"`
}

// NotifyRequest reports observed events.
type NotifyRequest struct {
	TerminationIDs []TerminationID          `json:"terminationIds"`
	ObservedEvents ObservedEventsDescriptor `json:"observedEvents"`
	Error          *ErrorDescriptor         `json:"error,omitempty"`
}

// ServiceChangeRequest announces a change of service.
type ServiceChangeRequest struct {
	TerminationIDs []TerminationID   `json:"terminationIds"`
	Parms          ServiceChangeParm `json:"parms"`
}

func (c *AmmRequest) Kind() CommandKind      { return c.Verb }
func (c *SubtractRequest) Kind() CommandKind { return CmdSubtract }
func (c *AuditRequest) Kind() CommandKind {
	if c.Cap {
		return CmdAuditCapabilities
	}
	return CmdAuditValue
}
func (c *NotifyRequest) Kind() CommandKind        { return CmdNotify }
func (c *ServiceChangeRequest) Kind() CommandKind { return CmdServiceChange }

func (c *AmmRequest) Terminations() []TerminationID           { return c.TerminationIDs }
func (c *SubtractRequest) Terminations() []TerminationID      { return c.TerminationIDs }
func (c *AuditRequest) Terminations() []TerminationID         { return c.TerminationIDs }
func (c *NotifyRequest) Terminations() []TerminationID        { return c.TerminationIDs }
func (c *ServiceChangeRequest) Terminations() []TerminationID { return c.TerminationIDs }

// CommandReply is one of *AmmsReply, *AuditReply, *NotifyReply and
// *ServiceChangeReply.
type CommandReply interface {
	Kind() CommandKind
	Terminations() []TerminationID
}

// AmmsReply answers Add, Move, Modify and Subtract. Audit holds the
// returned descriptors; nil means the reply had none.
type AmmsReply struct {
	Verb           CommandKind     `json:"verb"` // CmdAdd, CmdMove, CmdModify or CmdSubtract
	TerminationIDs []TerminationID `json:"terminationIds"`
	Audit          []Descriptor    `json:"audit,omitempty"`
}

// AuditReplyKind says which form an AuditReply takes.
type AuditReplyKind uint8

const (
	// AuditResult returns descriptors for TerminationIDs (one, or a v3 list).
	AuditResult AuditReplyKind = iota
	// AuditContextResult lists the terminations of a context
	// ("AuditValue = Context {t1, t2}").
	AuditContextResult
	// AuditError is "AuditValue = Context {Error=...}".
	AuditError
)

var auditReplyKindNames = [...]string{"result", "contextResult", "error"}

func (k AuditReplyKind) String() string { return enumName(auditReplyKindNames[:], int(k)) }

// AuditReply answers AuditValue (Cap false) and AuditCapabilities (Cap true).
type AuditReply struct {
	Cap            bool             `json:"cap,omitempty"`
	Result         AuditReplyKind   `json:"result"`
	TerminationIDs []TerminationID  `json:"terminationIds,omitempty"`
	Audit          []Descriptor     `json:"audit,omitempty"` // AuditResult
	Error          *ErrorDescriptor `json:"error,omitempty"` // AuditError
}

// NotifyReply answers a Notify.
type NotifyReply struct {
	TerminationIDs []TerminationID  `json:"terminationIds"`
	Error          *ErrorDescriptor `json:"error,omitempty"`
}

// ServiceChangeReply answers a ServiceChange with an error or the result
// parameters (all optional; a zero Result is written without braces).
type ServiceChangeReply struct {
	TerminationIDs []TerminationID      `json:"terminationIds"`
	Error          *ErrorDescriptor     `json:"error,omitempty"`
	Result         ServiceChangeResParm `json:"result,omitzero"`
}

func (c *AmmsReply) Kind() CommandKind { return c.Verb }
func (c *AuditReply) Kind() CommandKind {
	if c.Cap {
		return CmdAuditCapabilities
	}
	return CmdAuditValue
}
func (c *NotifyReply) Kind() CommandKind        { return CmdNotify }
func (c *ServiceChangeReply) Kind() CommandKind { return CmdServiceChange }

func (c *AmmsReply) Terminations() []TerminationID          { return c.TerminationIDs }
func (c *AuditReply) Terminations() []TerminationID         { return c.TerminationIDs }
func (c *NotifyReply) Terminations() []TerminationID        { return c.TerminationIDs }
func (c *ServiceChangeReply) Terminations() []TerminationID { return c.TerminationIDs }
