package grammar

import "github.com/alecthomas/participle/v2/lexer"

// Descriptors, parameters and values.

// PropertyParm = pkgdName parmValue
type PropertyParm struct {
	Pos   lexer.Position
	Name  *PkgdName  `parser:"@@"`
	Value *ParmValue `parser:"@@"`
}

// ParmValue = (EQUAL alternativeValue / INEQUAL VALUE)
type ParmValue struct {
	Pos         lexer.Position
	Alternative *AlternativeValue `parser:"  '=' @@"`
	Relation    string            `parser:"| @('>' | '<' | '#')"`
	Value       *Value            `parser:"  @@"`
}

// AlternativeValue = (VALUE / LSBRKT VALUE *(COMMA VALUE) RSBRKT / LBRKT
// VALUE *(COMMA VALUE) RBRKT / LSBRKT VALUE COLON VALUE RSBRKT): a value,
// a sublist (A AND B), alternatives (A OR B) or a range.
type AlternativeValue struct {
	Pos          lexer.Position
	Alternatives []*Value `parser:"  '{' @@ (',' @@)* '}'"`
	First        *Value   `parser:"| '[' @@"`
	RangeEnd     *Value   `parser:"  ( ':' @@ ']'"`
	Sublist      []*Value `parser:"  | (',' @@)* ']' )"`
	Single       *Value   `parser:"| @@"`
}

// Value = quotedString / 1*(SafeChar) (VALUE)
type Value struct {
	Pos    lexer.Position
	Quoted string `parser:"  @Quoted"`
	Safe   string `parser:"| @Safe"`
}

// MediaDescriptor = MediaToken LBRKT mediaParm *(COMMA mediaParm) RBRKT
type MediaDescriptor struct {
	Pos   lexer.Position
	Parms []*MediaParm `parser:"('Media' | 'M') '{' @@ (',' @@)* '}'"`
}

// MediaParm = (streamParm / streamDescriptor / terminationStateDescriptor):
// at most one terminationStateDescriptor, and streamParms or
// streamDescriptors but not both (checked when building).
type MediaParm struct {
	Pos       lexer.Position
	TermState *TerminationStateDescriptor `parser:"  @@"`
	Stream    *StreamDescriptor           `parser:"| @@"`
	Parm      *StreamParm                 `parser:"| @@"`
}

// StreamDescriptor = StreamToken EQUAL StreamID LBRKT streamParm *(COMMA
// streamParm) RBRKT
type StreamDescriptor struct {
	Pos   lexer.Position
	ID    *StreamID     `parser:"('Stream' | 'ST') '=' @@"`
	Parms []*StreamParm `parser:"'{' @@ (',' @@)* '}'"`
}

// StreamParm = (localDescriptor / remoteDescriptor /
// localControlDescriptor / statisticsDescriptor (v3)), each at most once.
type StreamParm struct {
	Pos          lexer.Position
	LocalControl *LocalControlDescriptor `parser:"  @@"`
	Local        *LocalDescriptor        `parser:"| @@"`
	Remote       *RemoteDescriptor       `parser:"| @@"`
	Statistics   *StatisticsDescriptor   `parser:"| @@"`
}

// LocalDescriptor = LocalToken LBRKT octetString RBRKT. The scanner reads
// the octet string raw: a "{" after a Local or Remote token that follows
// "{" or ",".
type LocalDescriptor struct {
	Pos         lexer.Position
	OctetString string `parser:"('Local' | 'L') '{' @OctetString? '}'"`
}

// RemoteDescriptor = RemoteToken LBRKT octetString RBRKT
type RemoteDescriptor struct {
	Pos         lexer.Position
	OctetString string `parser:"('Remote' | 'R') '{' @OctetString? '}'"`
}

// LocalControlDescriptor = LocalControlToken LBRKT localParm *(COMMA
// localParm) RBRKT
type LocalControlDescriptor struct {
	Pos   lexer.Position
	Parms []*LocalParm `parser:"('LocalControl' | 'O') '{' @@ (',' @@)* '}'"`
}

// LocalParm = (streamMode / propertyParm / reservedValueMode /
// reservedGroupMode), each but propertyParm at most once.
type LocalParm struct {
	Pos           lexer.Position
	Property      *PropertyParm `parser:"  @@"`
	Mode          string        `parser:"| ('Mode' | 'MO') '=' @('SendOnly' | 'SO' | 'ReceiveOnly' | 'RC' | 'SendReceive' | 'SR' | 'Inactive' | 'IN' | 'Loopback' | 'LB')"`
	ReservedValue string        `parser:"| ('ReservedValue' | 'RV') '=' @('ON' | 'OFF')"`
	ReservedGroup string        `parser:"| ('ReservedGroup' | 'RG') '=' @('ON' | 'OFF')"`
}

// TerminationStateDescriptor = TerminationStateToken LBRKT
// terminationStateParm *(COMMA terminationStateParm) RBRKT
type TerminationStateDescriptor struct {
	Pos   lexer.Position
	Parms []*TerminationStateParm `parser:"('TerminationState' | 'TS') '{' @@ (',' @@)* '}'"`
}

// TerminationStateParm = (propertyParm / serviceStates /
// eventBufferControl), each but propertyParm at most once.
type TerminationStateParm struct {
	Pos          lexer.Position
	Property     *PropertyParm `parser:"  @@"`
	ServiceState string        `parser:"| ('ServiceStates' | 'SI') '=' @('Test' | 'TE' | 'OutOfService' | 'OS' | 'InService' | 'IV')"`
	Buffer       string        `parser:"| ('Buffer' | 'BF') '=' @('OFF' | 'LockStep' | 'SP')"`
}

// ModemDescriptor = ModemToken ((EQUAL modemType) / (LSBRKT modemType
// *(COMMA modemType) RSBRKT)) [LBRKT propertyParm *(COMMA propertyParm)
// RBRKT]
type ModemDescriptor struct {
	Pos   lexer.Position
	Types []*ModemType    `parser:"('Modem' | 'MD') ( '[' @@ (',' @@)* ']' | '=' @@ )"`
	Props []*PropertyParm `parser:"('{' @@ (',' @@)* '}')?"`
}

// ModemType = (V32bisToken / V22bisToken / V18Token / V22Token / V32Token
// / V34Token / V90Token / V91Token / SynchISDNToken / extensionParameter)
type ModemType struct {
	Pos       lexer.Position
	Extension *ExtensionParameter `parser:"  @@"`
	Token     string              `parser:"| @('V18' | 'V22' | 'V22b' | 'V32' | 'V32b' | 'V34' | 'V90' | 'V91' | 'SynchISDN' | 'SN')"`
}

// MuxDescriptor = MuxToken EQUAL MuxType terminationIDList
type MuxDescriptor struct {
	Pos     lexer.Position
	Type    *MuxType           `parser:"('Mux' | 'MX') '=' @@"`
	TermIDs *TerminationIDList `parser:"@@"`
}

// MuxType = (H221Token / H223Token / H226Token / V76Token /
// extensionParameter / Nx64kToken (v2))
type MuxType struct {
	Pos       lexer.Position
	Extension *ExtensionParameter `parser:"  @@"`
	Token     string              `parser:"| @('H221' | 'H223' | 'H226' | 'V76' | 'Nx64Kservice' | 'N64')"`
}

// EventsDescriptor = EventsToken [EQUAL RequestID LBRKT requestedEvent
// *(COMMA requestedEvent) RBRKT]
type EventsDescriptor struct {
	Pos       lexer.Position
	RequestID *RequestID        `parser:"('Events' | 'E') ( '=' @@"`
	Events    []*RequestedEvent `parser:"  '{' @@ (',' @@)* '}' )?"`
}

// RequestedEvent = pkgdName [LBRKT eventParameter *(COMMA eventParameter)
// RBRKT]
type RequestedEvent struct {
	Pos    lexer.Position
	Name   *PkgdName         `parser:"@@"`
	Params []*EventParameter `parser:"('{' @@ (',' @@)* '}')?"`
}

// EventParameter = (embedWithSig / embedNoSig / KeepActiveToken / eventDM
// / eventStream / eventOther / notifyBehaviour (v3) /
// ResetEventsDescriptorToken (v3)); at most one each of the embed, the
// digit map, the stream and the notify behaviour.
type EventParameter struct {
	Pos             lexer.Position
	KeepActive      bool             `parser:"  @('KeepActive' | 'KA')"`
	Embed           *Embed           `parser:"| @@"`
	DigitMap        *EventDM         `parser:"| @@"`
	Stream          *EventStream     `parser:"| @@"`
	NotifyBehaviour *NotifyBehaviour `parser:"| @@"`
	ResetEvents     bool             `parser:"| @('ResetEventsDescriptor' | 'RSE')"`
	Other           *EventOther      `parser:"| @@"`
}

// Embed = embedWithSig / embedNoSig: EmbedToken LBRKT (signalsDescriptor
// [COMMA embedFirst] / embedFirst) RBRKT
type Embed struct {
	Pos     lexer.Position
	Signals *SignalsDescriptor `parser:"('Embed' | 'EM') '{' ( @@"`
	Events  *EmbedFirst        `parser:"  (',' @@)? | @@ ) '}'"`
}

// EmbedFirst = EventsToken [EQUAL RequestID LBRKT secondRequestedEvent
// *(COMMA secondRequestedEvent) RBRKT]
type EmbedFirst struct {
	Pos       lexer.Position
	RequestID *RequestID              `parser:"('Events' | 'E') ( '=' @@"`
	Events    []*SecondRequestedEvent `parser:"  '{' @@ (',' @@)* '}' )?"`
}

// SecondRequestedEvent = pkgdName [LBRKT secondEventParameter *(COMMA
// secondEventParameter) RBRKT]
type SecondRequestedEvent struct {
	Pos    lexer.Position
	Name   *PkgdName               `parser:"@@"`
	Params []*SecondEventParameter `parser:"('{' @@ (',' @@)* '}')?"`
}

// SecondEventParameter = (embedSig / KeepActiveToken / eventDM /
// eventStream / eventOther / notifyBehaviour (v3) /
// ResetEventsDescriptorToken (v3))
type SecondEventParameter struct {
	Pos             lexer.Position
	KeepActive      bool             `parser:"  @('KeepActive' | 'KA')"`
	Embed           *EmbedSig        `parser:"| @@"`
	DigitMap        *EventDM         `parser:"| @@"`
	Stream          *EventStream     `parser:"| @@"`
	NotifyBehaviour *NotifyBehaviour `parser:"| @@"`
	ResetEvents     bool             `parser:"| @('ResetEventsDescriptor' | 'RSE')"`
	Other           *EventOther      `parser:"| @@"`
}

// EmbedSig = EmbedToken LBRKT signalsDescriptor RBRKT
type EmbedSig struct {
	Pos     lexer.Position
	Signals *SignalsDescriptor `parser:"('Embed' | 'EM') '{' @@ '}'"`
}

// NotifyBehaviour (v3) = NeverNotifyToken / NotifyImmediateToken /
// notifyRegulated
type NotifyBehaviour struct {
	Pos       lexer.Position
	Never     bool             `parser:"  @('NeverNotify' | 'NBNN')"`
	Immediate bool             `parser:"| @('ImmediateNotify' | 'NBIN')"`
	Regulated *NotifyRegulated `parser:"| @@"`
}

// NotifyRegulated = NotifyRegulatedToken [LBRKT (embedWithSig /
// embedNoSig) RBRKT]
type NotifyRegulated struct {
	Pos   lexer.Position
	Embed *Embed `parser:"('RegulatedNotify' | 'NBRN') ('{' @@ '}')?"`
}

// EventOther = eventParameterName parmValue
type EventOther struct {
	Pos   lexer.Position
	Name  *Name      `parser:"@@"`
	Value *ParmValue `parser:"@@"`
}

// EventDM = DigitMapToken EQUAL ((digitMapName) / (LBRKT digitMapValue
// RBRKT)), and, as Erlang/OTP writes it, DigitMapToken LBRKT digitMapValue
// RBRKT.
type EventDM struct {
	Pos      lexer.Position
	ErlValue *DigitMapValue `parser:"('DigitMap' | 'DM') ( '{' @@ '}'"`
	Value    *DigitMapValue `parser:"| '=' ( '{' @@ '}'"`
	Name     *Name          `parser:"| @@ ) )"`
}

// DigitMapDescriptor = DigitMapToken EQUAL ((LBRKT digitMapValue RBRKT) /
// (digitMapName [LBRKT digitMapValue RBRKT])), and, as Erlang/OTP writes
// it, DigitMapToken LBRKT digitMapValue RBRKT.
type DigitMapDescriptor struct {
	Pos        lexer.Position
	ErlValue   *DigitMapValue `parser:"('DigitMap' | 'DM') ( '{' @@ '}'"`
	Value      *DigitMapValue `parser:"| '=' ( '{' @@ '}'"`
	Name       *Name          `parser:"| @@"`
	NamedValue *DigitMapValue `parser:"  ('{' @@ '}')? ) )"`
}

// DigitMapValue is the body of a digit map value between the braces,
// which the scanner reads raw after "DigitMap {", "DigitMap = {" and
// "DigitMap = name {": the T, S, L and Z (v2) timers and the digit map,
// read by ParseDigitMapValue when building.
type DigitMapValue struct {
	Pos  lexer.Position
	Body string `parser:"@DigitMapBody?"`
}

// SignalsDescriptor = SignalsToken [LBRKT [signalParm *(COMMA signalParm)]
// RBRKT]: bare (the v3 and Implementors' Guide form), with braces, or
// with empty braces (the v1 form of an empty list).
type SignalsDescriptor struct {
	Pos    lexer.Position
	Braces bool          `parser:"('Signals' | 'SG') ( @'{'"`
	Parms  []*SignalParm `parser:"  ( @@ (',' @@)* )? '}' )?"`
}

// SignalParm = signalList / signalRequest
type SignalParm struct {
	Pos    lexer.Position
	List   *SignalList    `parser:"  @@"`
	Signal *SignalRequest `parser:"| @@"`
}

// SignalList = SignalListToken EQUAL signalListId LBRKT signalListParm
// *(COMMA signalListParm) RBRKT
type SignalList struct {
	Pos     lexer.Position
	ID      *UINT16          `parser:"('SignalList' | 'SL') '=' @@"`
	Signals []*SignalRequest `parser:"'{' @@ (',' @@)* '}'"`
}

// SignalRequest = signalName [LBRKT sigParameter *(COMMA sigParameter)
// RBRKT]
type SignalRequest struct {
	Pos   lexer.Position
	Name  *PkgdName       `parser:"@@"`
	Parms []*SigParameter `parser:"('{' @@ (',' @@)* '}')?"`
}

// SigParameter = sigStream / sigSignalType / sigDuration / sigOther /
// notifyCompletion / KeepActiveToken / sigDirection (v3) / sigRequestID
// (v3) / sigIntsigDelay (v3)
type SigParameter struct {
	Pos              lexer.Position
	Stream           *EventStream          `parser:"  @@"`
	SignalType       string                `parser:"| ('SignalType' | 'SY') '=' @('Brief' | 'BR' | 'OnOff' | 'OO' | 'TimeOut' | 'TO')"`
	Duration         *UINT16               `parser:"| ('Duration' | 'DR') '=' @@"`
	NotifyCompletion []*NotificationReason `parser:"| ('NotifyCompletion' | 'NC') '=' '{' @@ (',' @@)* '}'"`
	KeepActive       bool                  `parser:"| @('KeepActive' | 'KA')"`
	Direction        string                `parser:"| ('SPADirection' | 'SPADI') '=' @('Internal' | 'IT' | 'External' | 'EX' | 'Both' | 'B')"`
	RequestID        *RequestID            `parser:"| ('SPARequestID' | 'SPARQ') '=' @@"`
	IntsigDelay      *UINT16               `parser:"| ('Intersignal' | 'SPAIS') '=' @@"`
	Other            *SigOther             `parser:"| @@"`
}

// NotificationReason = TimeOutToken / InterruptByEventToken /
// InterruptByNewSignalsDescrToken / OtherReasonToken / IterationToken (v3)
type NotificationReason struct {
	Pos   lexer.Position
	Token string `parser:"@('TimeOut' | 'TO' | 'IntByEvent' | 'IBE' | 'IntBySigDescr' | 'IBS' | 'OtherReason' | 'OR' | 'Iteration' | 'IR')"`
}

// SigOther = sigParameterName parmValue
type SigOther struct {
	Pos   lexer.Position
	Name  *Name      `parser:"@@"`
	Value *ParmValue `parser:"@@"`
}

// EventBufferDescriptor = EventBufferToken [LBRKT eventSpec *(COMMA
// eventSpec) RBRKT]
type EventBufferDescriptor struct {
	Pos    lexer.Position
	Events []*EventSpec `parser:"('EventBuffer' | 'EB') ('{' @@ (',' @@)* '}')?"`
}

// EventSpec = pkgdName [LBRKT eventSpecParameter *(COMMA
// eventSpecParameter) RBRKT]
type EventSpec struct {
	Pos    lexer.Position
	Name   *PkgdName             `parser:"@@"`
	Params []*EventSpecParameter `parser:"('{' @@ (',' @@)* '}')?"`
}

// EventSpecParameter = (eventStream / eventOther), the stream at most once.
type EventSpecParameter struct {
	Pos    lexer.Position
	Stream *EventStream `parser:"  @@"`
	Other  *EventOther  `parser:"| @@"`
}

// ObservedEventsDescriptor = ObservedEventsToken EQUAL RequestID LBRKT
// observedEvent *(COMMA observedEvent) RBRKT
type ObservedEventsDescriptor struct {
	Pos       lexer.Position
	RequestID *RequestID       `parser:"('ObservedEvents' | 'OE') '=' @@"`
	Events    []*ObservedEvent `parser:"'{' @@ (',' @@)* '}'"`
}

// ObservedEvent = [TimeStamp LWSP COLON] LWSP pkgdName [LBRKT
// observedEventParameter *(COMMA observedEventParameter) RBRKT]
type ObservedEvent struct {
	Pos    lexer.Position
	Time   *TimeStamp                `parser:"(@@ ':')?"`
	Name   *PkgdName                 `parser:"@@"`
	Params []*ObservedEventParameter `parser:"('{' @@ (',' @@)* '}')?"`
}

// ObservedEventParameter = eventStream / eventOther, the stream at most
// once.
type ObservedEventParameter struct {
	Pos    lexer.Position
	Stream *EventStream `parser:"  @@"`
	Other  *EventOther  `parser:"| @@"`
}

// StatisticsDescriptor = StatsToken LBRKT statisticsParameter *(COMMA
// statisticsParameter) RBRKT
type StatisticsDescriptor struct {
	Pos    lexer.Position
	Params []*StatisticsParameter `parser:"('Statistics' | 'SA') '{' @@ (',' @@)* '}'"`
}

// StatisticsParameter = pkgdName [EQUAL VALUE]; v3 also has a list of
// values, written "= [v1, v2]" or, as Erlang/OTP writes it, "[v1, v2]".
type StatisticsParameter struct {
	Pos   lexer.Position
	Name  *PkgdName        `parser:"@@"`
	Value *StatisticsValue `parser:"@@?"`
}

// StatisticsValue is the value part of a statisticsParameter.
type StatisticsValue struct {
	Pos      lexer.Position
	List     []*Value `parser:"  '=' ( '[' @@ (',' @@)* ']'"`
	Single   *Value   `parser:"      | @@ )"`
	BareList []*Value `parser:"| '[' @@ (',' @@)* ']'"`
}

// PackagesDescriptor = PackagesToken LBRKT packagesItem *(COMMA
// packagesItem) RBRKT
type PackagesDescriptor struct {
	Pos   lexer.Position
	Items []*PackagesItem `parser:"('Packages' | 'PG') '{' @@ (',' @@)* '}'"`
}
