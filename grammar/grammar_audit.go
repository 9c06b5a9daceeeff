package grammar

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Audits: the audit descriptor of requests, the individual audit
// descriptors (v2) and the audit results of replies.

// AuditDescriptor = AuditToken LBRKT [auditItem *(COMMA auditItem)] RBRKT
type AuditDescriptor struct {
	Pos   lexer.Position
	Items []*AuditItem `parser:"('Audit' | 'AT') '{' ( @@ (',' @@)* )? '}'"`
}

// AuditItem = auditItem / indAuditParameter (v2); auditItem = (MuxToken /
// ModemToken / MediaToken / SignalsToken / EventBufferToken /
// DigitMapToken / StatsToken / EventsToken / ObservedEventsToken /
// PackagesToken). An audit token followed by "{", "=" or "[" is an
// individual audit descriptor.
type AuditItem struct {
	Pos    lexer.Position
	IndAud *IndAuditParameter `parser:"  (?= ('Mux' | 'MX' | 'Modem' | 'MD' | 'Media' | 'M' | 'Signals' | 'SG' | 'EventBuffer' | 'EB' | 'DigitMap' | 'DM' | 'Statistics' | 'SA' | 'Events' | 'E' | 'ObservedEvents' | 'OE' | 'Packages' | 'PG') ('{' | '=' | '[')) @@"`
	Token  string             `parser:"| @('Mux' | 'MX' | 'Modem' | 'MD' | 'Media' | 'M' | 'Signals' | 'SG' | 'EventBuffer' | 'EB' | 'DigitMap' | 'DM' | 'Statistics' | 'SA' | 'Events' | 'E' | 'ObservedEvents' | 'OE' | 'Packages' | 'PG')"`
}

// IndAuditParameter (v2) = (indAudmediaDescriptor / indAudeventsDescriptor
// / indAudsignalsDescriptor / indAuddigitMapDescriptor /
// indAudeventBufferDescriptor / indAudstatisticsDescriptor /
// indAudpackagesDescriptor)
type IndAuditParameter struct {
	Pos         lexer.Position
	Media       *IndAudMediaDescriptor       `parser:"  @@"`
	Events      *IndAudEventsDescriptor      `parser:"| @@"`
	Signals     *IndAudSignalsDescriptor     `parser:"| @@"`
	DigitMap    *IndAudDigitMapDescriptor    `parser:"| @@"`
	EventBuffer *IndAudEventBufferDescriptor `parser:"| @@"`
	Statistics  *IndAudStatisticsDescriptor  `parser:"| @@"`
	Packages    *IndAudPackagesDescriptor    `parser:"| @@"`
	Rejected    *NotAuditableIndividually    `parser:"| @@"`
}

// NotAuditableIndividually stands for the audit tokens without an
// individual audit form (Mux, Modem, ObservedEvents): followed by "{", "="
// or "[" they are an error, reported at the token.
type NotAuditableIndividually struct{ Pos lexer.Position }

func (n *NotAuditableIndividually) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != safeType {
		return participle.NextMatch
	}
	switch LookupKeyword([]byte(t.Value)) {
	case MuxToken, ModemToken, ObservedEventsToken:
		lex.Next()
		return errAt(t, "this descriptor cannot be audited individually")
	}
	return participle.NextMatch
}

// IndAudMediaDescriptor = MediaToken LBRKT indAudmediaParm *(COMMA
// indAudmediaParm) RBRKT
type IndAudMediaDescriptor struct {
	Pos   lexer.Position
	Parms []*IndAudMediaParm `parser:"('Media' | 'M') '{' @@ (',' @@)* '}'"`
}

// IndAudMediaParm = (indAudstreamParm / indAudstreamDescriptor /
// indAudterminationStateDescriptor)
type IndAudMediaParm struct {
	Pos       lexer.Position
	TermState *IndAudTerminationStateDescriptor `parser:"  @@"`
	Stream    *IndAudStreamDescriptor           `parser:"| @@"`
	Parm      *IndAudStreamParm                 `parser:"| @@"`
}

// IndAudStreamDescriptor = StreamToken EQUAL StreamID LBRKT
// indAudstreamParm *(COMMA indAudstreamParm) RBRKT
type IndAudStreamDescriptor struct {
	Pos   lexer.Position
	ID    *StreamID           `parser:"('Stream' | 'ST') '=' @@"`
	Parms []*IndAudStreamParm `parser:"'{' @@ (',' @@)* '}'"`
}

// IndAudStreamParm = (indAudlocalControlDescriptor / localDescriptor /
// remoteDescriptor / indAudstatisticsDescriptor (v3))
type IndAudStreamParm struct {
	Pos          lexer.Position
	LocalControl *IndAudLocalControlDescriptor `parser:"  @@"`
	Local        *LocalDescriptor              `parser:"| @@"`
	Remote       *RemoteDescriptor             `parser:"| @@"`
	Statistics   *IndAudStatisticsDescriptor   `parser:"| @@"`
}

// IndAudLocalControlDescriptor = LocalControlToken LBRKT indAudlocalParm
// *(COMMA indAudlocalParm) RBRKT
type IndAudLocalControlDescriptor struct {
	Pos   lexer.Position
	Parms []*IndAudLocalParm `parser:"('LocalControl' | 'O') '{' @@ (',' @@)* '}'"`
}

// IndAudLocalParm = (ModeToken [(EQUAL / INEQUAL) streamModes] (the value
// is v3) / pkgdName [parmValue] (the value is v3) / ReservedValueToken /
// ReservedGroupToken)
type IndAudLocalParm struct {
	Pos           lexer.Position
	Property      *IndAudPropertyParm `parser:"  @@"`
	Mode          *IndAudStreamMode   `parser:"| @@"`
	ReservedValue bool                `parser:"| @('ReservedValue' | 'RV')"`
	ReservedGroup bool                `parser:"| @('ReservedGroup' | 'RG')"`
}

// IndAudStreamMode = ModeToken [(EQUAL / INEQUAL) streamModes]
type IndAudStreamMode struct {
	Pos      lexer.Position
	Relation string `parser:"('Mode' | 'MO') ( @('=' | '>' | '<' | '#')"`
	Mode     string `parser:"  @('SendOnly' | 'SO' | 'ReceiveOnly' | 'RC' | 'SendReceive' | 'SR' | 'Inactive' | 'IN' | 'Loopback' | 'LB') )?"`
}

// IndAudPropertyParm = pkgdName [parmValue] (the value, which selects, is
// v3)
type IndAudPropertyParm struct {
	Pos   lexer.Position
	Name  *PkgdName  `parser:"@@"`
	Value *ParmValue `parser:"@@?"`
}

// IndAudTerminationStateDescriptor = TerminationStateToken LBRKT
// indAudterminationStateParm *(COMMA indAudterminationStateParm) RBRKT
type IndAudTerminationStateDescriptor struct {
	Pos   lexer.Position
	Parms []*IndAudTerminationStateParm `parser:"('TerminationState' | 'TS') '{' @@ (',' @@)* '}'"`
}

// IndAudTerminationStateParm = (pkgdName [parmValue] / ServiceStatesToken
// [(EQUAL / INEQUAL) serviceStatesValue] (the value is v3) / BufferToken)
type IndAudTerminationStateParm struct {
	Pos          lexer.Position
	Property     *IndAudPropertyParm  `parser:"  @@"`
	ServiceState *IndAudServiceStates `parser:"| @@"`
	Buffer       bool                 `parser:"| @('Buffer' | 'BF')"`
}

// IndAudServiceStates = ServiceStatesToken [(EQUAL / INEQUAL)
// serviceStatesValue]
type IndAudServiceStates struct {
	Pos      lexer.Position
	Relation string `parser:"('ServiceStates' | 'SI') ( @('=' | '>' | '<' | '#')"`
	Value    string `parser:"  @('Test' | 'TE' | 'OutOfService' | 'OS' | 'InService' | 'IV') )?"`
}

// IndAudEventsDescriptor = EventsToken [EQUAL RequestID] LBRKT pkgdName
// RBRKT
type IndAudEventsDescriptor struct {
	Pos       lexer.Position
	RequestID *RequestID `parser:"('Events' | 'E') ('=' @@)?"`
	Name      *PkgdName  `parser:"'{' @@ '}'"`
}

// IndAudSignalsDescriptor = SignalsToken LBRKT [indAudsignalParm] RBRKT;
// indAudsignalParm = indAudseqSigList / indAudsignalRequest
type IndAudSignalsDescriptor struct {
	Pos    lexer.Position
	List   *IndAudSignalList `parser:"('Signals' | 'SG') '{' ( @@"`
	Signal *IndAudSignal     `parser:"| @@ )? '}'"`
}

// IndAudSignalList = SignalListToken EQUAL signalListId [LBRKT
// indAudsignalRequest RBRKT]
type IndAudSignalList struct {
	Pos    lexer.Position
	ID     *UINT16       `parser:"('SignalList' | 'SL') '=' @@"`
	Signal *IndAudSignal `parser:"('{' @@ '}')?"`
}

// IndAudSignal = signalName [LBRKT (sigStream / sigRequestID (v3))
// *(COMMA ...) RBRKT]
type IndAudSignal struct {
	Pos   lexer.Position
	Name  *PkgdName        `parser:"@@"`
	Parms []*IndAudSigParm `parser:"('{' @@ (',' @@)* '}')?"`
}

// IndAudSigParm = sigStream / sigRequestID (v3)
type IndAudSigParm struct {
	Pos       lexer.Position
	Stream    *EventStream `parser:"  @@"`
	RequestID *RequestID   `parser:"| ('SPARequestID' | 'SPARQ') '=' @@"`
}

// IndAudDigitMapDescriptor = DigitMapToken EQUAL digitMapName
type IndAudDigitMapDescriptor struct {
	Pos  lexer.Position
	Name *Name `parser:"('DigitMap' | 'DM') '=' @@"`
}

// IndAudEventBufferDescriptor = EventBufferToken LBRKT pkgdName [LBRKT
// (eventStream / eventParameterName) RBRKT] RBRKT
type IndAudEventBufferDescriptor struct {
	Pos       lexer.Position
	Name      *PkgdName    `parser:"('EventBuffer' | 'EB') '{' @@"`
	Stream    *EventStream `parser:"( '{' ( @@"`
	ParamName *Name        `parser:"| @@ ) '}' )? '}'"`
}

// IndAudStatisticsDescriptor = StatsToken LBRKT pkgdName RBRKT
type IndAudStatisticsDescriptor struct {
	Pos  lexer.Position
	Name *PkgdName `parser:"('Statistics' | 'SA') '{' @@ '}'"`
}

// IndAudPackagesDescriptor = PackagesToken LBRKT packagesItem RBRKT
type IndAudPackagesDescriptor struct {
	Pos  lexer.Position
	Item *PackagesItem `parser:"('Packages' | 'PG') '{' @@ '}'"`
}

// AuditReturnParameter = (mediaDescriptor / modemDescriptor /
// muxDescriptor / eventsDescriptor / signalsDescriptor /
// digitMapDescriptor / observedEventsDescriptor / eventBufferDescriptor /
// statisticsDescriptor / packagesDescriptor / errorDescriptor /
// auditReturnItem). A descriptor token followed by "{", "=" or "[" is the
// descriptor, alone it is an auditReturnItem (those are gathered into one
// AuditDescriptor, placed last).
type AuditReturnParameter struct {
	Pos            lexer.Position
	Error          *ErrorDescriptor          `parser:"  @@"`
	Media          *MediaDescriptor          `parser:"| (?= ('Media' | 'M') ('{' | '=' | '[')) @@"`
	Modem          *ModemDescriptor          `parser:"| (?= ('Modem' | 'MD') ('{' | '=' | '[')) @@"`
	Mux            *MuxDescriptor            `parser:"| (?= ('Mux' | 'MX') ('{' | '=' | '[')) @@"`
	Events         *EventsDescriptor         `parser:"| @@"`
	Signals        *SignalsDescriptor        `parser:"| @@"`
	DigitMap       *DigitMapDescriptor       `parser:"| (?= ('DigitMap' | 'DM') ('{' | '=' | '[')) @@"`
	ObservedEvents *ObservedEventsDescriptor `parser:"| (?= ('ObservedEvents' | 'OE') ('{' | '=' | '[')) @@"`
	EventBuffer    *EventBufferDescriptor    `parser:"| @@"`
	Statistics     *StatisticsDescriptor     `parser:"| (?= ('Statistics' | 'SA') ('{' | '=' | '[')) @@"`
	Packages       *PackagesDescriptor       `parser:"| (?= ('Packages' | 'PG') ('{' | '=' | '[')) @@"`
	Token          string                    `parser:"| @('Mux' | 'MX' | 'Modem' | 'MD' | 'Media' | 'M' | 'DigitMap' | 'DM' | 'Statistics' | 'SA' | 'ObservedEvents' | 'OE' | 'Packages' | 'PG')"`
}
