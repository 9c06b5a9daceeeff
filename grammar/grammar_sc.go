package grammar

import "github.com/alecthomas/participle/v2/lexer"

// ServiceChange descriptors.

// ServiceChangeDescriptor = ServicesToken LBRKT serviceChangeParm *(COMMA
// serviceChangeParm) RBRKT. Each parameter at most once; Method and Reason
// are required (checked when building).
type ServiceChangeDescriptor struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Parms  []*ServiceChangeParm `parser:"('Services' | 'SV') '{' @@ (',' @@)* '}'"`
}

// ServiceChangeParm = (serviceChangeMethod / serviceChangeReason /
// serviceChangeDelay / serviceChangeAddress / serviceChangeProfile /
// extension / TimeStamp / serviceChangeMgcId / serviceChangeVersion /
// ServiceChangeIncompleteToken (v3) / auditItem (v2, serviceChangeInfo))
type ServiceChangeParm struct {
	Pos        lexer.Position
	EndPos     lexer.Position
	Method     *ServiceChangeMethod  `parser:"  @@"`
	Reason     *Value                `parser:"| ('Reason' | 'RE') '=' @@"`
	Delay      *UINT32               `parser:"| ('Delay' | 'DL') '=' @@"`
	Profile    *ProfileName          `parser:"| ('Profile' | 'PF') '=' @@"`
	Version    *Version              `parser:"| ('Version' | 'V') '=' @@"`
	Address    *ServiceChangeAddress `parser:"| @@"`
	MgcID      *MId                  `parser:"| ('MgcIdToTry' | 'MG') '=' @@"`
	Incomplete bool                  `parser:"| @('ServiceChangeInc' | 'SIC')"`
	TimeStamp  *TimeStamp            `parser:"| @@"`
	Extension  *Extension            `parser:"| @@"`
	AuditItem  *AuditItem            `parser:"| @@"`
}

// ServiceChangeMethod = MethodToken EQUAL (FailoverToken / ForcedToken /
// GracefulToken / RestartToken / DisconnectedToken / HandOffToken /
// extensionParameter)
type ServiceChangeMethod struct {
	Pos       lexer.Position
	Extension *ExtensionParameter `parser:"('Method' | 'MT') '=' ( @@"`
	Token     string              `parser:"| @('Failover' | 'FL' | 'Forced' | 'FO' | 'Graceful' | 'GR' | 'Restart' | 'RS' | 'Disconnected' | 'DC' | 'HandOff' | 'HO') )"`
}

// ServiceChangeAddress = ServiceChangeAddressToken EQUAL (mId /
// portNumber); a token of digits is the port number.
type ServiceChangeAddress struct {
	Pos  lexer.Position
	Port *PortNumber `parser:"('ServiceChangeAddress' | 'AD') '=' ( @@"`
	MId  *MId        `parser:"| @@ )"`
}

// Extension = extensionParameter parmValue
type Extension struct {
	Pos   lexer.Position
	Name  *ExtensionParameter `parser:"@@"`
	Value *ParmValue          `parser:"@@"`
}

// ServiceChangeReplyDescriptor = ServicesToken LBRKT servChgReplyParm
// *(COMMA servChgReplyParm) RBRKT; each parameter at most once.
type ServiceChangeReplyDescriptor struct {
	Pos   lexer.Position
	Parms []*ServChgReplyParm `parser:"('Services' | 'SV') '{' @@ (',' @@)* '}'"`
}

// ServChgReplyParm = (serviceChangeAddress / serviceChangeMgcId /
// serviceChangeProfile / serviceChangeVersion / TimeStamp)
type ServChgReplyParm struct {
	Pos       lexer.Position
	Address   *ServiceChangeAddress `parser:"  @@"`
	MgcID     *MId                  `parser:"| ('MgcIdToTry' | 'MG') '=' @@"`
	Profile   *ProfileName          `parser:"| ('Profile' | 'PF') '=' @@"`
	Version   *Version              `parser:"| ('Version' | 'V') '=' @@"`
	TimeStamp *TimeStamp            `parser:"| @@"`
}
