package h248

// ServiceChangeMethod is the method of a ServiceChange.
type ServiceChangeMethod uint8

const (
	MethodFailover ServiceChangeMethod = iota
	MethodForced
	MethodGraceful
	MethodRestart
	MethodDisconnected
	MethodHandOff
	// MethodExtension is an "X-" or "X+" method named in MethodExtension.
	MethodExtension
)

var serviceChangeMethodNames = [...]string{"failover", "forced", "graceful", "restart", "disconnected", "handOff", "extension"}

func (m ServiceChangeMethod) String() string { return enumName(serviceChangeMethodNames[:], int(m)) }

// ServiceChangeParm holds the parameters of a ServiceChange request.
// Method and Reason are required.
type ServiceChangeParm struct {
	Method          ServiceChangeMethod `json:"method"`
	MethodExtension string              `json:"methodExtension,omitempty"`
	// Reason is "NNN" or "NNN text" (h248-servicechange-reasons.tsv).
	Reason  Value       `json:"reason"`
	Delay   Opt[uint32] `json:"delay,omitzero"`
	Address *MID        `json:"address,omitempty"` // ServiceChangeAddress; Kind MIDPort for a bare port
	MgcID   *MID        `json:"mgcId,omitempty"`   // MgcIdToTry
	Profile *Profile    `json:"profile,omitempty"`
	// Version is the protocol version offered.
	Version   Opt[uint8]    `json:"version,omitzero"`
	TimeStamp *TimeNotation `json:"timeStamp,omitempty"`
	// Extensions are text "X-name=value" parameters.
	Extensions []PropertyParm `json:"extensions,omitempty"`
	// Info (v2) lists what the receiver should audit.
	Info *AuditDescriptor `json:"info,omitempty"`
	// Incomplete is the v3 ServiceChangeInc flag.
	Incomplete bool `json:"incomplete,omitempty"`
}

// Profile is a ServiceChange profile, e.g. ResGW/1.
type Profile struct {
	Name    string `json:"name"`
	Version uint8  `json:"version"`
}

// ServiceChangeResParm holds the parameters of a ServiceChange reply.
type ServiceChangeResParm struct {
	MgcID     *MID          `json:"mgcId,omitempty"`
	Address   *MID          `json:"address,omitempty"`
	Version   Opt[uint8]    `json:"version,omitzero"`
	Profile   *Profile      `json:"profile,omitempty"`
	TimeStamp *TimeNotation `json:"timeStamp,omitempty"`
}

// IsZero reports whether no parameter is set.
func (p ServiceChangeResParm) IsZero() bool {
	return p.MgcID == nil && p.Address == nil && !p.Version.Set && p.Profile == nil && p.TimeStamp == nil
}
