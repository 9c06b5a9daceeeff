package grammar

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The grammar of the text encoding of H.248.1 (Annex B; v1 of RFC 3525,
// v2, and v3 as in apg-h248v3-MEGACO.bnf), as participle structs named
// after the ABNF rules. It is the readable definition of the language the
// fast decoder in codec/text accepts, and is held equal to it by a
// differential test and a differential fuzz target.
//
// Conventions:
//
//   - Keywords are Safe tokens matched case-insensitively, each written as
//     its long and its short form: ("Transaction" | "T").
//   - The grammar takes what every version allows; what a version lacks
//     (a v3 construct in a MEGACO/1 message) is rejected when the AST is
//     turned into a message, at the construct's first token. So are the
//     "at most once" rules of the ABNF comments.
//   - The parser commits to an alternative once its first token matched
//     (participle.UseLookahead(0)), like the fast decoder. Where a choice
//     needs to see further, an explicit lookahead group (?= ...) or
//     (?! ...) says so.
//   - Sub-token structure (numbers, names, "10/1/END", "O-W-Add") is read
//     by the leaf types of leaf.go.
//
// Each struct has Pos, the position of its first token; some have EndPos,
// the position of the token after them.

// MegacoMessage = LWSP [authenticationHeader SEP] message
type MegacoMessage struct {
	Pos     lexer.Position
	Auth    *AuthenticationHeader `parser:"@@?"`
	Message *Message              `parser:"@@"`
}

// AuthenticationHeader = AuthToken EQUAL SecurityParmIndex COLON
// SequenceNum COLON AuthData
type AuthenticationHeader struct {
	Pos         lexer.Position
	SPI         *SecurityParmIndex `parser:"('Authentication' | 'AU') '=' @@"`
	SequenceNum *SequenceNum       `parser:"':' @@"`
	AuthData    *AuthData          `parser:"':' @@"`
}

// Message = MegacopToken SLASH Version SEP mId SEP messageBody;
// messageBody = (errorDescriptor / transactionList); transactionList =
// 1*(transactionRequest / transactionReply / transactionPending /
// transactionResponseAck / segmentReply).
type Message struct {
	Pos          lexer.Position
	Version      *ProtocolVersion `parser:"@@"`
	MId          *MId             `parser:"@@"`
	Error        *ErrorDescriptor `parser:"( @@"`
	Transactions []*Transaction   `parser:"| @@+ )"`
}

// MId = ((domainAddress / domainName) [":" portNumber]) / mtpAddress /
// deviceName
type MId struct {
	Pos     lexer.Position
	Address *DomainAddress `parser:"( ( @@"`
	Domain  *DomainName    `parser:"  | @@ )"`
	Port    *PortNumber    `parser:"  (':' @@)? )"`
	MTP     *MtpAddress    `parser:"| @@"`
	Device  *DeviceName    `parser:"| @@"`
}

// MtpAddress = MTPToken LBRKT 4*8 (HEXDIG) RBRKT
type MtpAddress struct {
	Pos lexer.Position
	Hex *MtpAddressHex `parser:"'MTP' '{' @@ '}'"`
}

// ErrorDescriptor = ErrorToken EQUAL ErrorCode LBRKT [quotedString] RBRKT
type ErrorDescriptor struct {
	Pos  lexer.Position
	Code *ErrorCode `parser:"('Error' | 'ER') '=' @@"`
	Text string     `parser:"'{' @Quoted? '}'"`
}

// Transaction is one element of a transactionList.
type Transaction struct {
	Pos          lexer.Position
	Request      *TransactionRequest     `parser:"  @@"`
	Reply        *TransactionReply       `parser:"| @@"`
	Pending      *TransactionPending     `parser:"| @@"`
	ResponseAck  *TransactionResponseAck `parser:"| @@"`
	SegmentReply *SegmentReply           `parser:"| @@"`
}

// TransactionRequest = TransToken EQUAL TransactionID LBRKT actionRequest
// *(COMMA actionRequest) RBRKT
type TransactionRequest struct {
	Pos     lexer.Position
	ID      *TransactionID   `parser:"('Transaction' | 'T') '=' @@"`
	Actions []*ActionRequest `parser:"'{' @@ (',' @@)* '}'"`
}

// TransactionReply = ReplyToken EQUAL TransactionID [SLASH segmentNumber
// [SLASH SegmentationCompleteToken]] LBRKT [ImmAckRequiredToken COMMA]
// (errorDescriptor / actionReplyList) RBRKT
type TransactionReply struct {
	Pos            lexer.Position
	ID             *SegmentedTransactionID `parser:"('Reply' | 'P') '=' @@"`
	ImmAckRequired bool                    `parser:"'{' (@('ImmAckRequired' | 'IA') ',')?"`
	Error          *ErrorDescriptor        `parser:"( @@"`
	Actions        []*ActionReply          `parser:"| @@ (',' @@)* ) '}'"`
}

// TransactionPending = PendingToken EQUAL TransactionID LBRKT RBRKT
type TransactionPending struct {
	Pos lexer.Position
	ID  *TransactionID `parser:"('Pending' | 'PN') '=' @@ '{' '}'"`
}

// TransactionResponseAck = ResponseAckToken LBRKT transactionAck
// *(COMMA transactionAck) RBRKT
type TransactionResponseAck struct {
	Pos  lexer.Position
	Acks []*TransactionAck `parser:"('TransactionResponseAck' | 'K') '{' @@ (',' @@)* '}'"`
}

// SegmentReply (v3) = MessageSegmentToken EQUAL TransactionID SLASH
// segmentNumber [SLASH SegmentationCompleteToken]
type SegmentReply struct {
	Pos lexer.Position
	ID  *SegmentedTransactionID `parser:"('Segment' | 'SM') '=' @@"`
}

// ActionRequest = CtxToken EQUAL ContextID LBRKT ((contextRequest [COMMA
// commandRequestList]) / commandRequestList) RBRKT, where contextRequest =
// ((contextProperties [COMMA contextAudit]) / contextAudit). The items
// come in that order: context properties, at most one contextAudit,
// commands; the order is checked when building.
type ActionRequest struct {
	Pos       lexer.Position
	ContextID *ContextID           `parser:"('Context' | 'C') '=' @@"`
	Items     []*ActionRequestItem `parser:"'{' @@ (',' @@)* '}'"`
}

// ActionRequestItem is a contextProperty, a contextAudit or a
// commandRequest.
type ActionRequestItem struct {
	Pos      lexer.Position
	Property *ContextProperty `parser:"  @@"`
	Audit    *ContextAudit    `parser:"| @@"`
	Command  *CommandRequest  `parser:"| @@"`
}

// ContextProperty = (topologyDescriptor / priority / EmergencyToken /
// EmergencyOffToken (v2) / iepsValue (v3) / contextAttrDescriptor (v3))
type ContextProperty struct {
	Pos          lexer.Position
	Topology     *TopologyDescriptor    `parser:"  @@"`
	Priority     *UINT16                `parser:"| ('Priority' | 'PR') '=' @@"`
	EmergencyOff bool                   `parser:"| @('EmergencyOff' | 'EGO')"`
	Emergency    bool                   `parser:"| @('Emergency' | 'EG')"`
	IEPS         string                 `parser:"| ('IEPSCall' | 'IEPS') '=' @('ON' | 'OFF')"`
	ContextAttr  *ContextAttrDescriptor `parser:"| @@"`
}

// TopologyDescriptor = TopologyToken LBRKT topologyTriple *(COMMA
// topologyTriple) RBRKT
type TopologyDescriptor struct {
	Pos     lexer.Position
	Triples []*TopologyTriple `parser:"('Topology' | 'TP') '{' @@ (',' @@)* '}'"`
}

// TopologyTriple = terminationA COMMA terminationB COMMA topologyDirection
// [COMMA eventStream] (the stream is v2). After a comma, "Stream =" is the
// stream and anything else the next triple.
type TopologyTriple struct {
	Pos       lexer.Position
	From      *TerminationID     `parser:"@@ ','"`
	To        *TerminationID     `parser:"@@ ','"`
	Direction *TopologyDirection `parser:"@@"`
	Stream    *EventStream       `parser:"((?= ',' ('Stream' | 'ST') '=') ',' @@)?"`
}

// TopologyDirection = BothwayToken / IsolateToken / OnewayToken /
// OnewayExternalToken (v3) / OnewayBothToken (v3)
type TopologyDirection struct {
	Pos   lexer.Position
	Token string `parser:"@('Bothway' | 'BW' | 'Isolate' | 'IS' | 'Oneway' | 'OW' | 'OnewayExternal' | 'OWE' | 'OnewayBoth' | 'OWB')"`
}

// EventStream = StreamToken EQUAL StreamID
type EventStream struct {
	Pos lexer.Position
	ID  *StreamID `parser:"('Stream' | 'ST') '=' @@"`
}

// ContextAttrDescriptor (v3) = ContextAttrToken LBRKT (propertyParm
// *(COMMA propertyParm) / contextIdList) RBRKT; contextIdList =
// ContextListToken EQUAL LBRKT ContextID *(COMMA ContextID) RBRKT
type ContextAttrDescriptor struct {
	Pos         lexer.Position
	ContextList []*ContextID    `parser:"('ContextAttr' | 'CT') '{' ( ('ContextList' | 'CLT') '=' '{' @@ (',' @@)* '}'"`
	Props       []*PropertyParm `parser:"| @@ (',' @@)* ) '}'"`
}

// ContextAudit = ContextAuditToken LBRKT (contextAuditProperties *(COMMA
// contextAuditProperties) / indAudcontextAttrDescriptor) RBRKT. A
// "ContextAttr {" first is the indAudcontextAttrDescriptor unless its first
// item is a ContextList or a property compared with a value (a selector:
// the contextAttrDescriptor of contextAuditSelector).
type ContextAudit struct {
	Pos         lexer.Position
	ContextAttr *IndAudContextAttrDescriptor `parser:"('ContextAudit' | 'CA') '{' ( (?= ('ContextAttr' | 'CT') '{' (?! ('ContextList' | 'CLT') | Safe ('=' | '<' | '>' | '#'))) @@"`
	Props       []*ContextAuditProperty      `parser:"| @@ (',' @@)* ) '}'"`
}

// IndAudContextAttrDescriptor (v3) = ContextAttrToken LBRKT
// contextAuditProperties *(COMMA contextAuditProperties) RBRKT
type IndAudContextAttrDescriptor struct {
	Pos   lexer.Position
	Props []*ContextAuditProperty `parser:"('ContextAttr' | 'CT') '{' @@ (',' @@)* '}'"`
}

// ContextAuditProperty = (TopologyToken / EmergencyToken / PriorityToken /
// IEPSToken (v3) / pkgdName (v3) / contextAuditSelector (v3));
// contextAuditSelector = priority / emergencyValue / iepsValue /
// contextAttrDescriptor / auditSelectLogic. A token followed by "=" is a
// selector or nothing.
type ContextAuditProperty struct {
	Pos             lexer.Position
	Topology        bool                   `parser:"  (?! ('Topology' | 'TP') '=') @('Topology' | 'TP')"`
	Emergency       bool                   `parser:"| (?! ('Emergency' | 'EG') '=') @('Emergency' | 'EG')"`
	Priority        bool                   `parser:"| (?! ('Priority' | 'PR') '=') @('Priority' | 'PR')"`
	IEPS            bool                   `parser:"| (?! ('IEPSCall' | 'IEPS') '=') @('IEPSCall' | 'IEPS')"`
	Property        *PkgdName              `parser:"| @@"`
	SelectPriority  *UINT16                `parser:"| ('Priority' | 'PR') '=' @@"`
	SelectEmergency string                 `parser:"| ('EmergencyValue' | 'EGV') '=' @('Emergency' | 'EG' | 'EmergencyOff' | 'EGO')"`
	SelectIEPS      string                 `parser:"| ('IEPSCall' | 'IEPS') '=' @('ON' | 'OFF')"`
	And             bool                   `parser:"| @'ANDLgc'"`
	Or              bool                   `parser:"| @'ORLgc'"`
	ContextAttr     *ContextAttrDescriptor `parser:"| @@"`
}

// ActionReply = CtxToken EQUAL ContextID [LBRKT (errorDescriptor /
// commandReply / (commandReply COMMA errorDescriptor)) RBRKT] (the braces
// may be left out from v3); commandReply = ((contextProperties [COMMA
// commandReplyList]) / commandReplyList). Context properties come before
// the command replies (checked when building).
type ActionReply struct {
	Pos       lexer.Position
	EndPos    lexer.Position
	ContextID *ContextID         `parser:"('Context' | 'C') '=' @@"`
	Braces    bool               `parser:"( @'{'"`
	Error     *ErrorDescriptor   `parser:"  ( @@"`
	Items     []*ActionReplyItem `parser:"  | @@ ((?! ',' ('Error' | 'ER')) ',' @@)*"`
	LastError *ErrorDescriptor   `parser:"    (',' @@)? ) '}' )?"`
}

// ActionReplyItem is a contextProperty or a commandReplys.
type ActionReplyItem struct {
	Pos      lexer.Position
	Property *ContextProperty `parser:"  @@"`
	Command  *CommandReply    `parser:"| @@"`
}

// CommandRequest = ammRequest / subtractRequest / auditRequest /
// notifyRequest / serviceChangeRequest, each with the "O-" (optional) and
// "W-" (wildcarded response) prefixes of commandRequestList in its first
// token.
type CommandRequest struct {
	Pos           lexer.Position
	Amm           *AmmRequest           `parser:"  @@"`
	Subtract      *SubtractRequest      `parser:"| @@"`
	Audit         *AuditRequest         `parser:"| @@"`
	Notify        *NotifyRequest        `parser:"| @@"`
	ServiceChange *ServiceChangeRequest `parser:"| @@"`
}

// AmmRequest = (AddToken / MoveToken / ModifyToken) EQUAL termIDList
// [LBRKT ammParameter *(COMMA ammParameter) RBRKT]
type AmmRequest struct {
	Pos     lexer.Position
	Verb    *AmmVerb        `parser:"@@ '='"`
	TermIDs *TermIDList     `parser:"@@"`
	Params  []*AmmParameter `parser:"('{' @@ (',' @@)* '}')?"`
}

// AmmParameter = (mediaDescriptor / modemDescriptor / muxDescriptor /
// eventsDescriptor / signalsDescriptor / digitMapDescriptor /
// eventBufferDescriptor / auditDescriptor / statisticsDescriptor (v3)),
// each at most once.
type AmmParameter struct {
	Pos         lexer.Position
	Media       *MediaDescriptor       `parser:"  @@"`
	Modem       *ModemDescriptor       `parser:"| @@"`
	Mux         *MuxDescriptor         `parser:"| @@"`
	Events      *EventsDescriptor      `parser:"| @@"`
	Signals     *SignalsDescriptor     `parser:"| @@"`
	DigitMap    *DigitMapDescriptor    `parser:"| @@"`
	EventBuffer *EventBufferDescriptor `parser:"| @@"`
	Audit       *AuditDescriptor       `parser:"| @@"`
	Statistics  *StatisticsDescriptor  `parser:"| @@"`
}

// SubtractRequest = SubtractToken EQUAL termIDList [LBRKT auditDescriptor
// RBRKT]
type SubtractRequest struct {
	Pos     lexer.Position
	Verb    *SubtractVerb    `parser:"@@ '='"`
	TermIDs *TermIDList      `parser:"@@"`
	Audit   *AuditDescriptor `parser:"('{' @@ '}')?"`
}

// AuditRequest = (AuditValueToken / AuditCapToken) EQUAL termIDList LBRKT
// auditDescriptor RBRKT (the braces may be left out).
type AuditRequest struct {
	Pos     lexer.Position
	Verb    *AuditVerb       `parser:"@@ '='"`
	TermIDs *TermIDList      `parser:"@@"`
	Audit   *AuditDescriptor `parser:"('{' @@ '}')?"`
}

// NotifyRequest = NotifyToken EQUAL termIDList LBRKT
// (observedEventsDescriptor [COMMA errorDescriptor]) RBRKT
type NotifyRequest struct {
	Pos            lexer.Position
	Verb           *NotifyVerb               `parser:"@@ '='"`
	TermIDs        *TermIDList               `parser:"@@ '{'"`
	ObservedEvents *ObservedEventsDescriptor `parser:"@@"`
	Error          *ErrorDescriptor          `parser:"(',' @@)? '}'"`
}

// ServiceChangeRequest = ServiceChangeToken EQUAL termIDList LBRKT
// serviceChangeDescriptor RBRKT
type ServiceChangeRequest struct {
	Pos        lexer.Position
	Verb       *ServiceChangeVerb       `parser:"@@ '='"`
	TermIDs    *TermIDList              `parser:"@@"`
	Descriptor *ServiceChangeDescriptor `parser:"'{' @@ '}'"`
}

// TermIDList = (TerminationID / LSBRKT TerminationID 1*(COMMA
// TerminationID) RSBRKT) (the list is v3)
type TermIDList struct {
	Pos  lexer.Position
	List []*TerminationID `parser:"  '[' @@ (',' @@)+ ']'"`
	ID   *TerminationID   `parser:"| @@"`
}

// TerminationIDList = LBRKT TerminationID *(COMMA TerminationID) RBRKT
type TerminationIDList struct {
	Pos lexer.Position
	IDs []*TerminationID `parser:"'{' @@ (',' @@)* '}'"`
}

// CommandReply = serviceChangeReply / auditReply / ammsReply / notifyReply
// (commandReplys).
type CommandReply struct {
	Pos           lexer.Position
	ServiceChange *ServiceChangeReply `parser:"  @@"`
	Audit         *AuditReply         `parser:"| @@"`
	Amms          *AmmsReply          `parser:"| @@"`
	Notify        *NotifyReply        `parser:"| @@"`
}

// AmmsReply = (AddToken / MoveToken / ModifyToken / SubtractToken) EQUAL
// termIDList [LBRKT terminationAudit RBRKT]
type AmmsReply struct {
	Pos     lexer.Position
	Verb    string                  `parser:"@('Add' | 'A' | 'Move' | 'MV' | 'Modify' | 'MF' | 'Subtract' | 'S') '='"`
	TermIDs *TermIDList             `parser:"@@"`
	Audit   []*AuditReturnParameter `parser:"('{' @@ (',' @@)* '}')?"`
}

// AuditReply = (AuditValueToken / AuditCapToken) (contextTerminationAudit /
// auditOther); auditOther = EQUAL termIDList [LBRKT terminationAudit
// RBRKT]. "Context {" after the "=" is a contextTerminationAudit, "Context"
// otherwise a termination id.
type AuditReply struct {
	Pos     lexer.Position
	Verb    string                   `parser:"@('AuditValue' | 'AV' | 'AuditCapability' | 'AC') '='"`
	Context *ContextTerminationAudit `parser:"( (?= ('Context' | 'C') '{') @@"`
	TermIDs *TermIDList              `parser:"| @@"`
	Audit   []*AuditReturnParameter  `parser:"  ('{' @@ (',' @@)* '}')? )"`
}

// ContextTerminationAudit = EQUAL CtxToken (terminationIDList / LBRKT
// errorDescriptor RBRKT)
type ContextTerminationAudit struct {
	Pos   lexer.Position
	Error *ErrorDescriptor `parser:"('Context' | 'C') '{' ( @@"`
	IDs   []*TerminationID `parser:"| @@ (',' @@)* ) '}'"`
}

// NotifyReply = NotifyToken EQUAL termIDList [LBRKT errorDescriptor RBRKT]
type NotifyReply struct {
	Pos     lexer.Position
	TermIDs *TermIDList      `parser:"('Notify' | 'N') '=' @@"`
	Error   *ErrorDescriptor `parser:"('{' @@ '}')?"`
}

// ServiceChangeReply = ServiceChangeToken EQUAL termIDList [LBRKT
// (errorDescriptor / serviceChangeReplyDescriptor) RBRKT]
type ServiceChangeReply struct {
	Pos        lexer.Position
	TermIDs    *TermIDList                   `parser:"('ServiceChange' | 'SC') '=' @@"`
	Error      *ErrorDescriptor              `parser:"( '{' ( @@"`
	Descriptor *ServiceChangeReplyDescriptor `parser:"| @@ ) '}' )?"`
}

// The command tokens of requests, with the "O-" and "W-" prefixes in the
// same Safe token ("O-W-Add").

// commandVerb is ["O-"] ["W-"] and a command keyword, one token.
type commandVerb struct {
	Pos      lexer.Position
	Optional bool
	Wildcard bool
	Keyword  Keyword
}

func (v *commandVerb) parse(lex *lexer.PeekingLexer, ks ...Keyword) error {
	t := lex.Peek()
	if t.Type != safeType {
		return participle.NextMatch
	}
	opt, wild, rest := CommandPrefix(t.Value)
	k := LookupKeyword([]byte(rest))
	for _, want := range ks {
		if k == want {
			lex.Next()
			v.Pos, v.Optional, v.Wildcard, v.Keyword = t.Pos, opt, wild, k
			return nil
		}
	}
	return participle.NextMatch
}

// CommandPrefix splits the "O-" and "W-" prefixes (in that order, any
// case) off a command token.
func CommandPrefix(s string) (optional, wildcard bool, rest string) {
	if len(s) > 2 && (s[0] == 'O' || s[0] == 'o') && s[1] == '-' {
		optional, s = true, s[2:]
	}
	if len(s) > 2 && (s[0] == 'W' || s[0] == 'w') && s[1] == '-' {
		wildcard, s = true, s[2:]
	}
	return optional, wildcard, s
}

// AmmVerb is ["O-"] ["W-"] (AddToken / MoveToken / ModifyToken).
type AmmVerb struct{ commandVerb }

func (v *AmmVerb) Parse(lex *lexer.PeekingLexer) error {
	return v.parse(lex, AddToken, MoveToken, ModifyToken)
}

// SubtractVerb is ["O-"] ["W-"] SubtractToken.
type SubtractVerb struct{ commandVerb }

func (v *SubtractVerb) Parse(lex *lexer.PeekingLexer) error { return v.parse(lex, SubtractToken) }

// AuditVerb is ["O-"] ["W-"] (AuditValueToken / AuditCapToken).
type AuditVerb struct{ commandVerb }

func (v *AuditVerb) Parse(lex *lexer.PeekingLexer) error {
	return v.parse(lex, AuditValueToken, AuditCapToken)
}

// NotifyVerb is ["O-"] ["W-"] NotifyToken.
type NotifyVerb struct{ commandVerb }

func (v *NotifyVerb) Parse(lex *lexer.PeekingLexer) error { return v.parse(lex, NotifyToken) }

// ServiceChangeVerb is ["O-"] ["W-"] ServiceChangeToken.
type ServiceChangeVerb struct{ commandVerb }

func (v *ServiceChangeVerb) Parse(lex *lexer.PeekingLexer) error {
	return v.parse(lex, ServiceChangeToken)
}
