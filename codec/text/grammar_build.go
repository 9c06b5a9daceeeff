package text

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/grammar"
	"github.com/megaco/megaco/pkg/h248"
)

// DecodeGrammar decodes one message with the participle grammar of package
// grammar, the reference definition of the text language, instead of the
// fast decoder. It accepts exactly what Codec.Decode accepts and returns
// the same model; its errors carry the grammar's diagnostic (position,
// token, what was expected). It is much slower than the fast decoder.
func DecodeGrammar(b []byte, limits codec.Limits) (*h248.Message, error) {
	limits = limits.WithDefaults()
	if len(b) > limits.MaxMessageSize {
		return nil, tooLarge(len(b), limits.MaxMessageSize)
	}
	ast, err := grammar.Parse(b, limits.MaxDepth)
	gb := &gbuilder{src: b, s: string(b), limit: -1}
	if err != nil {
		perr := grammarError(b, err)
		// The grammar checks versions and the "at most once" rules after
		// parsing; the fast decoder checks them as it reads. So that both
		// report the first error, look for one in the part of the message
		// read before the parse error.
		if ast != nil {
			gb.limit = perr.Offset
			if _, berr := gb.build(ast); berr != nil {
				return nil, berr
			}
		}
		return nil, perr
	}
	return gb.build(ast)
}

func tooLarge(n, limit int) *codec.DecodeError {
	return &codec.DecodeError{Line: 1, Column: 1, Code: h248.CodeBadRequest, Err: codec.ErrTooLarge,
		Msg: fmt.Sprintf("message of %d bytes exceeds the limit of %d", n, limit)}
}

// grammarError turns an error of grammar.Parse into a *codec.DecodeError.
func grammarError(src []byte, err error) *codec.DecodeError {
	e := &codec.DecodeError{Code: h248.CodeBadRequest, Err: codec.ErrSyntax}
	var pe *grammar.ParseError
	var ue *participle.UnexpectedTokenError
	var pp participle.Error
	switch {
	case errors.As(err, &pe):
		e.Offset, e.Token, e.Msg, e.Expected = pe.Pos.Offset, pe.Token, pe.Msg, pe.Expected
		if e.Token == "" && e.Offset >= len(src) {
			e.Msg += " at end of input"
		}
		switch pe.Kind {
		case grammar.ErrVersion:
			e.Code, e.Err = h248.CodeVersionNotSupported, codec.ErrVersion
		case grammar.ErrLimit:
			e.Err = codec.ErrTooDeep
		}
	case errors.As(err, &ue):
		e.Offset, e.Msg = ue.Unexpected.Pos.Offset, "unexpected token"
		if ue.Unexpected.EOF() {
			e.Msg += " at end of input"
		} else {
			e.Token = shortToken(ue.Unexpected.Value)
		}
		e.Expected = expectedOf(ue)
	case errors.As(err, &pp):
		e.Offset, e.Msg = pp.Position().Offset, pp.Message()
	default:
		e.Msg = err.Error()
	}
	if e.Offset > len(src) {
		e.Offset = len(src)
	}
	e.Line, e.Column = grammar.Position(src, e.Offset)
	return e
}

// expectedOf returns what participle says it expected: the EBNF of the
// first element of the rest of the sequence that did not match.
func expectedOf(ue *participle.UnexpectedTokenError) string {
	if ue.Expect != "" {
		return ue.Expect
	}
	m := ue.Message()
	i := strings.Index(m, " (expected ")
	if i < 0 || !strings.HasSuffix(m, ")") {
		return ""
	}
	return firstElement(m[i+len(" (expected ") : len(m)-1])
}

// firstElement returns the first element of an EBNF sequence: `"}"` of
// `"}" ","`, `("," TerminationID)+` of `("," TerminationID)+ "]"`.
func firstElement(seq string) string {
	depth, quoted := 0, false
	for i := 0; i < len(seq); i++ {
		switch c := seq[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ' ' && depth == 0:
			return seq[:i]
		}
	}
	return seq
}

func shortToken(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return s
}

// gbuilder turns the AST of the grammar into the model, with the checks
// the grammar leaves to it: what the message's version allows, the "at
// most once" rules, the order of an action's items, Method and Reason in
// a ServiceChange. It mirrors the fast decoder step by step, so that both
// find the same first error.
//
// With limit >= 0 the AST is the part of a message read before a parse
// error at offset limit: the builder looks only for an error the fast
// decoder would find before reaching that offset, and stops where the
// partial AST ends.
type gbuilder struct {
	src   []byte
	s     string
	ver   int
	limit int
}

// gbail carries a builder error, found when the fast decoder would have
// read the token at offset detect, out of the builder. A nil err is the
// end of a partial AST.
type gbail struct {
	err    *codec.DecodeError
	detect int
}

func (b *gbuilder) build(ast *grammar.MegacoMessage) (m *h248.Message, err error) {
	defer func() {
		if r := recover(); r != nil {
			bail, ok := r.(gbail)
			switch {
			case !ok && b.limit >= 0:
				// A partial AST the builder did not foresee: no
				// error from it, the parse error stands.
				m, err = nil, nil
			case !ok:
				m, err = nil, &codec.DecodeError{Code: h248.CodeBadRequest, Err: codec.ErrSyntax,
					Line: 1, Column: 1, Msg: fmt.Sprintf("internal error in the grammar decoder: %v", r)}
			case bail.err == nil || (b.limit >= 0 && bail.detect > b.limit):
				m, err = nil, nil
			default:
				m, err = nil, bail.err
			}
		}
	}()
	m = b.message(ast)
	if b.limit >= 0 {
		return nil, nil
	}
	return m, nil
}

// stop ends the walk of a partial AST where it has no more to offer.
func (b *gbuilder) stop() { panic(gbail{}) }

// errAt builds an error at offset off about the token there.
func (b *gbuilder) errAt(off int, msg string) *codec.DecodeError {
	e := &codec.DecodeError{Offset: off, Msg: msg, Code: h248.CodeBadRequest, Err: codec.ErrSyntax}
	e.Line, e.Column = grammar.Position(b.src, off)
	if e.Token = b.tokenAt(off); e.Token == "" && off >= len(b.src) {
		e.Msg += " at end of input"
	}
	return e
}

// tokenAt returns the token at offset off, shortened ("" at the end).
func (b *gbuilder) tokenAt(off int) string {
	if off >= len(b.src) {
		return ""
	}
	sc := grammar.NewScanner(b.src[off:], 0)
	t := sc.Next()
	if t.Kind == grammar.EOF || t.Kind == grammar.Error {
		return ""
	}
	return shortToken(string(sc.Text(t)))
}

// failAt reports an error at pos, found when reading it.
func (b *gbuilder) failAt(pos lexer.Position, msg string) {
	panic(gbail{b.errAt(pos.Offset, msg), pos.Offset})
}

// failAtDetected reports an error at pos, found when reading the token at
// offset detect.
func (b *gbuilder) failAtDetected(pos lexer.Position, detect int, msg string) {
	panic(gbail{b.errAt(pos.Offset, msg), detect})
}

// need fails unless the message's version is at least v.
func (b *gbuilder) need(v int, pos lexer.Position, what string) {
	if b.ver < v {
		b.failAt(pos, fmt.Sprintf("%s needs version %d or later (message is version %d)", what, v, b.ver))
	}
}

// kwAt returns the keyword spelled by the token at pos, as the fast
// decoder's d.kw() does.
func (b *gbuilder) kwAt(pos lexer.Position) grammar.Keyword {
	off := pos.Offset
	end := off
	for end < len(b.src) && grammar.IsSafeChar(b.src[end]) {
		end++
	}
	return grammar.LookupKeyword(b.src[off:end])
}

// isPkgdNameAt reports whether the token at pos is a Safe token with a
// "/", as the fast decoder's isPkgdName does.
func (b *gbuilder) isPkgdNameAt(pos lexer.Position) bool {
	off := pos.Offset
	for end := off; end < len(b.src) && grammar.IsSafeChar(b.src[end]); end++ {
		if b.src[end] == '/' {
			return true
		}
	}
	return false
}

// kindAfter returns the kind of the token after offset off.
func (b *gbuilder) kindAfter(off int) grammar.TokenKind {
	if off >= len(b.src) {
		return grammar.EOF
	}
	return grammar.NewScanner(b.src[off:], 0).PeekKind()
}

func set(pos lexer.Position) bool { return pos.Line > 0 }

// keywordIndex returns the index in ks of the keyword s spells.
func keywordIndex(s string, ks []grammar.Keyword) int {
	k := grammar.LookupKeyword([]byte(s))
	for i, x := range ks {
		if x == k {
			return i
		}
	}
	panic(fmt.Sprintf("grammar: %q is not one of %v", s, ks))
}

// --- message ---

func (b *gbuilder) message(mm *grammar.MegacoMessage) *h248.Message {
	m := &h248.Message{}
	if a := mm.Auth; a != nil {
		if a.SPI == nil || a.SequenceNum == nil || a.AuthData == nil {
			b.stop()
		}
		m.Auth = &h248.AuthHeader{SPI: a.SPI.Value, SeqNum: a.SequenceNum.Value, Data: a.AuthData.Value}
	}
	msg := mm.Message
	if msg == nil || msg.Version == nil || msg.Version.Version == 0 {
		b.stop()
	}
	b.ver = msg.Version.Version
	m.Version = b.ver
	m.MID = b.mid(msg.MId)
	if msg.Error != nil {
		m.Error = b.errorDescriptor(msg.Error)
		return m
	}
	for _, t := range msg.Transactions {
		m.Transactions = append(m.Transactions, b.transaction(t))
	}
	if len(m.Transactions) == 0 {
		b.stop()
	}
	return m
}

func (b *gbuilder) mid(x *grammar.MId) h248.MID {
	if x == nil {
		b.stop()
	}
	var m h248.MID
	switch {
	case x.Address != nil:
		m = h248.MID{Kind: h248.MIDIP4, Addr: x.Address.Addr}
		if x.Address.Addr.Is6() {
			m.Kind = h248.MIDIP6
		}
	case x.Domain != nil:
		m = h248.MID{Kind: h248.MIDDomain, Name: x.Domain.Name}
	case x.MTP != nil:
		if x.MTP.Hex == nil {
			b.stop()
		}
		return h248.MID{Kind: h248.MIDMTP, Name: x.MTP.Hex.Hex}
	case x.Device != nil:
		return h248.MID{Kind: h248.MIDDevice, Name: x.Device.Name}
	default:
		b.stop()
	}
	if x.Port != nil {
		m.Port = h248.Some(x.Port.Value)
	}
	return m
}

func (b *gbuilder) errorDescriptor(x *grammar.ErrorDescriptor) *h248.ErrorDescriptor {
	if x == nil || x.Code == nil {
		b.stop()
	}
	e := &h248.ErrorDescriptor{Code: x.Code.Value}
	if len(x.Text) >= 2 {
		e.Text = x.Text[1 : len(x.Text)-1]
	}
	return e
}

// --- transactions ---

func (b *gbuilder) transaction(t *grammar.Transaction) h248.Transaction {
	switch {
	case t.Request != nil:
		r := t.Request
		if r.ID == nil {
			b.stop()
		}
		tr := &h248.TransactionRequest{ID: r.ID.Value}
		for _, a := range r.Actions {
			tr.Actions = append(tr.Actions, b.actionRequest(a))
		}
		if len(tr.Actions) == 0 {
			b.stop()
		}
		return tr
	case t.Reply != nil:
		return b.transactionReply(t.Reply)
	case t.Pending != nil:
		if t.Pending.ID == nil {
			b.stop()
		}
		return &h248.TransactionPending{ID: t.Pending.ID.Value}
	case t.ResponseAck != nil:
		ra := &h248.TransactionResponseAck{}
		for _, a := range t.ResponseAck.Acks {
			ra.Acks = append(ra.Acks, a.Ack)
		}
		if len(ra.Acks) == 0 {
			b.stop()
		}
		return ra
	case t.SegmentReply != nil:
		sr := t.SegmentReply
		b.need(3, sr.Pos, "SegmentReply")
		seg := b.segmentedID(sr.ID)
		if !seg.Segment.Set {
			b.failAt(sr.ID.Pos, "a SegmentReply needs a segment number")
		}
		return &h248.SegmentReply{ID: seg.ID, SegmentNumber: seg.Segment.Value, SegmentationComplete: seg.Complete}
	}
	b.stop()
	return nil
}

func (b *gbuilder) segmentedID(x *grammar.SegmentedTransactionID) grammar.TransactionIDSegment {
	if x == nil {
		b.stop()
	}
	if x.Segment.Set {
		b.need(3, x.SegmentPos, "a segment number")
	}
	return x.TransactionIDSegment
}

func (b *gbuilder) transactionReply(r *grammar.TransactionReply) *h248.TransactionReply {
	seg := b.segmentedID(r.ID)
	tr := &h248.TransactionReply{ID: seg.ID, SegmentNumber: seg.Segment, SegmentationComplete: seg.Complete,
		ImmAckRequired: r.ImmAckRequired}
	if r.Error != nil {
		tr.Error = b.errorDescriptor(r.Error)
		return tr
	}
	for _, a := range r.Actions {
		tr.Actions = append(tr.Actions, b.actionReply(a))
	}
	if len(tr.Actions) == 0 {
		b.stop()
	}
	return tr
}

func (b *gbuilder) contextID(x *grammar.ContextID) h248.ContextID {
	if x == nil {
		b.stop()
	}
	return x.Value
}

func (b *gbuilder) actionRequest(x *grammar.ActionRequest) h248.ActionRequest {
	a := h248.ActionRequest{ContextID: b.contextID(x.ContextID)}
	const (
		props = iota
		audit
		commands
	)
	phase := props
	for _, it := range x.Items {
		k := b.kwAt(it.Pos)
		switch {
		case phase == props && isContextPropertyKw(k):
			b.contextProperty(&a.Context, it.Pos, it.Property)
		case phase <= audit && k == grammar.ContextAuditToken:
			if a.ContextAudit != nil {
				b.failAt(it.Pos, "ContextAudit given twice")
			}
			if it.Audit == nil {
				b.stop()
			}
			a.ContextAudit = b.contextAudit(it.Audit)
			phase = audit
		case it.Command != nil:
			a.Commands = append(a.Commands, b.commandRequest(it.Command))
			phase = commands
		case it.Property != nil || it.Audit != nil:
			// out of order: the fast decoder reads it as a command
			e := b.errAt(it.Pos.Offset, "unknown command")
			e.Expected = "a command (Add, Move, Modify, Subtract, AuditValue, AuditCapability, Notify, ServiceChange)"
			panic(gbail{e, it.Pos.Offset})
		default:
			b.stop()
		}
	}
	if len(x.Items) == 0 {
		b.stop()
	}
	return a
}

func isContextPropertyKw(k grammar.Keyword) bool {
	switch k {
	case grammar.TopologyToken, grammar.PriorityToken, grammar.EmergencyToken,
		grammar.EmergencyOffToken, grammar.IEPSToken, grammar.ContextAttrToken:
		return true
	}
	return false
}

// contextProperty reads one contextProperty (at pos) into *cr.
func (b *gbuilder) contextProperty(cr **h248.ContextRequest, pos lexer.Position, p *grammar.ContextProperty) {
	if *cr == nil {
		*cr = &h248.ContextRequest{}
	}
	c := *cr
	if p == nil {
		b.stop()
	}
	switch k := b.kwAt(pos); k {
	case grammar.TopologyToken:
		if c.Topology != nil {
			b.failAt(pos, "Topology given twice")
		}
		c.Topology = b.topology(p.Topology)
	case grammar.PriorityToken:
		if c.Priority.Set {
			b.failAt(pos, "Priority given twice")
		}
		if p.Priority == nil {
			b.stop()
		}
		c.Priority = h248.Some(p.Priority.Value)
	case grammar.EmergencyToken, grammar.EmergencyOffToken:
		if k == grammar.EmergencyOffToken {
			b.need(2, pos, "EmergencyOff")
		}
		if c.Emergency.Set {
			b.failAt(pos, "Emergency given twice")
		}
		c.Emergency = h248.Some(k == grammar.EmergencyToken)
	case grammar.IEPSToken:
		b.need(3, pos, "IEPSCall")
		if c.IEPS.Set {
			b.failAt(pos, "IEPSCall given twice")
		}
		if p.IEPS == "" {
			b.stop()
		}
		c.IEPS = h248.Some(strings.EqualFold(p.IEPS, "on"))
	case grammar.ContextAttrToken:
		b.need(3, pos, "ContextAttr")
		if c.Props != nil || c.ContextList != nil {
			b.failAt(pos, "ContextAttr given twice")
		}
		c.Props, c.ContextList = b.contextAttr(p.ContextAttr)
	default:
		b.stop()
	}
}

func (b *gbuilder) contextAttr(x *grammar.ContextAttrDescriptor) ([]h248.PropertyParm, []h248.ContextID) {
	if x == nil {
		b.stop()
	}
	if len(x.ContextList) > 0 {
		var ids []h248.ContextID
		for _, id := range x.ContextList {
			ids = append(ids, b.contextID(id))
		}
		return nil, ids
	}
	var props []h248.PropertyParm
	for _, p := range x.Props {
		props = append(props, b.propertyParm(p))
	}
	if len(props) == 0 {
		b.stop()
	}
	return props, nil
}

var topologyDirectionTokens = []grammar.Keyword{grammar.BothwayToken, grammar.IsolateToken,
	grammar.OnewayToken, grammar.OnewayExternalToken, grammar.OnewayBothToken}

func (b *gbuilder) topology(x *grammar.TopologyDescriptor) []h248.TopologyRequest {
	if x == nil {
		b.stop()
	}
	var ts []h248.TopologyRequest
	for _, t := range x.Triples {
		if t.From == nil || t.To == nil || t.Direction == nil {
			b.stop()
		}
		tr := h248.TopologyRequest{From: h248.TerminationID(t.From.ID), To: h248.TerminationID(t.To.ID)}
		tr.Direction = h248.TopologyDirection(keywordIndex(t.Direction.Token, topologyDirectionTokens))
		if tr.Direction >= h248.OnewayExternal {
			b.need(3, t.Direction.Pos, "this topology direction")
		}
		if t.Stream != nil {
			b.need(2, t.Stream.Pos, "a topology stream")
			tr.Stream = h248.Some(b.eventStream(t.Stream))
		}
		ts = append(ts, tr)
	}
	if len(ts) == 0 {
		b.stop()
	}
	return ts
}

func (b *gbuilder) eventStream(x *grammar.EventStream) uint16 {
	if x == nil || x.ID == nil {
		b.stop()
	}
	return x.ID.Value
}

func (b *gbuilder) contextAudit(x *grammar.ContextAudit) *h248.ContextAttrAuditRequest {
	ca := &h248.ContextAttrAuditRequest{}
	if x.ContextAttr != nil {
		// indAudcontextAttrDescriptor: in v1 and v2 the fast decoder
		// reads the ContextAttr as an item, which those versions lack.
		b.need(3, x.ContextAttr.Pos, "this context audit item")
		b.contextAuditItems(ca, x.ContextAttr.Props)
		return ca
	}
	b.contextAuditItems(ca, x.Props)
	return ca
}

func (b *gbuilder) contextAuditItems(ca *h248.ContextAttrAuditRequest, items []*grammar.ContextAuditProperty) {
	for _, it := range items {
		switch {
		case it.Topology:
			ca.Topology = true
		case it.Emergency:
			ca.Emergency = true
		case it.Priority:
			ca.Priority = true
		default:
			// The rest is v3; what is left over in v1 and v2 is an error
			// there, as in the fast decoder.
			if b.kwAt(it.Pos) != grammar.NoKeyword || b.isPkgdNameAt(it.Pos) {
				b.need(3, it.Pos, "this context audit item")
			}
			switch {
			case it.IEPS:
				ca.IEPS = true
			case it.Property != nil:
				ca.Props = append(ca.Props, h248.IndAudPropertyParm{Name: it.Property.Name})
			case it.SelectPriority != nil:
				ca.SelectPriority = h248.Some(it.SelectPriority.Value)
			case it.SelectEmergency != "":
				ca.SelectEmergency = h248.Some(grammar.EmergencyToken.Is([]byte(it.SelectEmergency)))
			case it.SelectIEPS != "":
				ca.SelectIEPS = h248.Some(strings.EqualFold(it.SelectIEPS, "on"))
			case it.And:
				ca.SelectLogic = h248.SelectAnd
			case it.Or:
				ca.SelectLogic = h248.SelectOr
			case it.ContextAttr != nil:
				props, ids := b.contextAttr(it.ContextAttr)
				for i := range props {
					ca.Props = append(ca.Props, h248.IndAudPropertyParm{Name: props[i].Name, Value: &props[i]})
				}
				ca.SelectContextList = append(ca.SelectContextList, ids...)
			default:
				b.stop()
			}
		}
	}
	if len(items) == 0 {
		b.stop()
	}
}

func (b *gbuilder) actionReply(x *grammar.ActionReply) h248.ActionReply {
	a := h248.ActionReply{ContextID: b.contextID(x.ContextID)}
	if !x.Braces {
		if !set(x.EndPos) {
			b.stop()
		}
		b.need(3, x.EndPos, "a context reply without braces")
		return a
	}
	if x.Error != nil {
		a.Error = b.errorDescriptor(x.Error)
		return a
	}
	for _, it := range x.Items {
		k := b.kwAt(it.Pos)
		switch {
		case len(a.Commands) == 0 && isContextPropertyKw(k):
			b.contextProperty(&a.Context, it.Pos, it.Property)
		case it.Command != nil:
			a.Commands = append(a.Commands, b.commandReply(it.Command))
		case it.Property != nil:
			e := b.errAt(it.Pos.Offset, "unknown command reply")
			e.Expected = "a command reply"
			panic(gbail{e, it.Pos.Offset})
		default:
			b.stop()
		}
	}
	if len(x.Items) == 0 {
		b.stop()
	}
	if x.LastError != nil {
		a.Error = b.errorDescriptor(x.LastError)
	}
	return a
}

// --- commands ---

func (b *gbuilder) termIDList(x *grammar.TermIDList) []h248.TerminationID {
	if x == nil {
		b.stop()
	}
	if x.ID != nil {
		return []h248.TerminationID{h248.TerminationID(x.ID.ID)}
	}
	if x.Pos.Offset >= len(b.src) || b.src[x.Pos.Offset] != '[' {
		b.stop()
	}
	b.need(3, x.Pos, "a termination id list")
	var ids []h248.TerminationID
	for _, id := range x.List {
		ids = append(ids, h248.TerminationID(id.ID))
	}
	if len(ids) < 2 {
		b.stop()
	}
	return ids
}

func (b *gbuilder) terminationIDs(ids []*grammar.TerminationID) []h248.TerminationID {
	var out []h248.TerminationID
	for _, id := range ids {
		out = append(out, h248.TerminationID(id.ID))
	}
	if len(out) == 0 {
		b.stop()
	}
	return out
}

func (b *gbuilder) commandRequest(x *grammar.CommandRequest) h248.CommandRequest {
	var cr h248.CommandRequest
	switch {
	case x.Amm != nil:
		c := x.Amm
		if c.Verb == nil {
			b.stop()
		}
		cr.Optional, cr.WildcardReturn = c.Verb.Optional, c.Verb.Wildcard
		cmd := &h248.AmmRequest{Verb: ammVerb(c.Verb.Keyword), TerminationIDs: b.termIDList(c.TermIDs)}
		if c.Params != nil {
			cmd.Descriptors = b.ammParameters(c.Params)
		}
		cr.Command = cmd
	case x.Subtract != nil:
		c := x.Subtract
		if c.Verb == nil {
			b.stop()
		}
		cr.Optional, cr.WildcardReturn = c.Verb.Optional, c.Verb.Wildcard
		cmd := &h248.SubtractRequest{TerminationIDs: b.termIDList(c.TermIDs)}
		if c.Audit != nil {
			cmd.Audit = b.auditDescriptor(c.Audit)
		}
		cr.Command = cmd
	case x.Audit != nil:
		c := x.Audit
		if c.Verb == nil {
			b.stop()
		}
		cr.Optional, cr.WildcardReturn = c.Verb.Optional, c.Verb.Wildcard
		cmd := &h248.AuditRequest{Cap: c.Verb.Keyword == grammar.AuditCapToken, TerminationIDs: b.termIDList(c.TermIDs)}
		if c.Audit != nil {
			cmd.Audit = *b.auditDescriptor(c.Audit)
		}
		cr.Command = cmd
	case x.Notify != nil:
		c := x.Notify
		if c.Verb == nil {
			b.stop()
		}
		cr.Optional, cr.WildcardReturn = c.Verb.Optional, c.Verb.Wildcard
		cmd := &h248.NotifyRequest{TerminationIDs: b.termIDList(c.TermIDs)}
		cmd.ObservedEvents = *b.observedEventsDescriptor(c.ObservedEvents)
		if c.Error != nil {
			cmd.Error = b.errorDescriptor(c.Error)
		}
		cr.Command = cmd
	case x.ServiceChange != nil:
		c := x.ServiceChange
		if c.Verb == nil {
			b.stop()
		}
		cr.Optional, cr.WildcardReturn = c.Verb.Optional, c.Verb.Wildcard
		cmd := &h248.ServiceChangeRequest{TerminationIDs: b.termIDList(c.TermIDs)}
		cmd.Parms = b.serviceChangeDescriptor(c.Descriptor)
		cr.Command = cmd
	default:
		b.stop()
	}
	return cr
}

func (b *gbuilder) ammParameters(params []*grammar.AmmParameter) []h248.Descriptor {
	var ds []h248.Descriptor
	var seen kwSet
	for _, p := range params {
		k := b.kwAt(p.Pos)
		if seen.has(k) {
			b.failAt(p.Pos, k.Long()+" descriptor given twice")
		}
		seen.add(k)
		switch {
		case p.Media != nil:
			ds = append(ds, b.mediaDescriptor(p.Media))
		case p.Modem != nil:
			ds = append(ds, b.modemDescriptor(p.Modem))
		case p.Mux != nil:
			ds = append(ds, b.muxDescriptor(p.Mux))
		case p.Events != nil:
			ds = append(ds, b.eventsDescriptor(p.Events))
		case p.Signals != nil:
			ds = append(ds, b.signalsDescriptor(p.Signals))
		case p.DigitMap != nil:
			ds = append(ds, b.digitMapDescriptor(p.DigitMap))
		case p.EventBuffer != nil:
			ds = append(ds, b.eventBufferDescriptor(p.EventBuffer))
		case p.Audit != nil:
			ds = append(ds, b.auditDescriptor(p.Audit))
		case p.Statistics != nil:
			b.need(3, p.Pos, "a Statistics descriptor in Add, Move or Modify")
			ds = append(ds, b.statisticsDescriptor(p.Statistics))
		default:
			b.stop()
		}
	}
	if len(ds) == 0 {
		b.stop()
	}
	return ds
}

func (b *gbuilder) commandReply(x *grammar.CommandReply) h248.CommandReply {
	switch {
	case x.Amms != nil:
		c := x.Amms
		r := &h248.AmmsReply{Verb: ammVerb(grammar.LookupKeyword([]byte(c.Verb))), TerminationIDs: b.termIDList(c.TermIDs)}
		if c.Audit != nil {
			r.Audit = b.terminationAudit(c.Audit)
		}
		return r
	case x.Audit != nil:
		c := x.Audit
		r := &h248.AuditReply{Cap: grammar.AuditCapToken.Is([]byte(c.Verb))}
		if c.Context != nil {
			if c.Context.Error != nil {
				r.Result = h248.AuditError
				r.Error = b.errorDescriptor(c.Context.Error)
			} else {
				r.Result = h248.AuditContextResult
				r.TerminationIDs = b.terminationIDs(c.Context.IDs)
			}
			return r
		}
		r.TerminationIDs = b.termIDList(c.TermIDs)
		if c.Audit != nil {
			r.Audit = b.terminationAudit(c.Audit)
		}
		return r
	case x.Notify != nil:
		c := x.Notify
		r := &h248.NotifyReply{TerminationIDs: b.termIDList(c.TermIDs)}
		if c.Error != nil {
			r.Error = b.errorDescriptor(c.Error)
		}
		return r
	case x.ServiceChange != nil:
		c := x.ServiceChange
		r := &h248.ServiceChangeReply{TerminationIDs: b.termIDList(c.TermIDs)}
		switch {
		case c.Error != nil:
			r.Error = b.errorDescriptor(c.Error)
		case c.Descriptor != nil:
			r.Result = b.serviceChangeReplyDescriptor(c.Descriptor)
		}
		return r
	}
	b.stop()
	return nil
}

// terminationAudit gathers the descriptors named without contents into
// one AuditDescriptor, placed last, as the fast decoder does.
func (b *gbuilder) terminationAudit(params []*grammar.AuditReturnParameter) []h248.Descriptor {
	var ds []h248.Descriptor
	var empty *h248.AuditDescriptor
	for _, p := range params {
		switch {
		case p.Error != nil:
			ds = append(ds, b.errorDescriptor(p.Error))
		case p.Media != nil:
			ds = append(ds, b.mediaDescriptor(p.Media))
		case p.Modem != nil:
			ds = append(ds, b.modemDescriptor(p.Modem))
		case p.Mux != nil:
			ds = append(ds, b.muxDescriptor(p.Mux))
		case p.Events != nil:
			ds = append(ds, b.eventsDescriptor(p.Events))
		case p.Signals != nil:
			ds = append(ds, b.signalsDescriptor(p.Signals))
		case p.DigitMap != nil:
			ds = append(ds, b.digitMapDescriptor(p.DigitMap))
		case p.ObservedEvents != nil:
			ds = append(ds, b.observedEventsDescriptor(p.ObservedEvents))
		case p.EventBuffer != nil:
			ds = append(ds, b.eventBufferDescriptor(p.EventBuffer))
		case p.Statistics != nil:
			ds = append(ds, b.statisticsDescriptor(p.Statistics))
		case p.Packages != nil:
			ds = append(ds, b.packagesDescriptor(p.Packages))
		case p.Token != "":
			tok, ok := auditReturnToken(grammar.LookupKeyword([]byte(p.Token)))
			if !ok {
				b.stop()
			}
			if empty == nil {
				empty = &h248.AuditDescriptor{}
			}
			empty.Tokens = append(empty.Tokens, tok)
		default:
			b.stop()
		}
	}
	if len(params) == 0 {
		b.stop()
	}
	if empty != nil {
		ds = append(ds, empty)
	}
	return ds
}

// --- values ---

func (b *gbuilder) value(x *grammar.Value) h248.Value {
	if x == nil {
		b.stop()
	}
	if x.Quoted != "" {
		return h248.Quoted(x.Quoted[1 : len(x.Quoted)-1])
	}
	return h248.Unquoted(x.Safe)
}

func (b *gbuilder) values(xs []*grammar.Value) []h248.Value {
	var vs []h248.Value
	for _, x := range xs {
		vs = append(vs, b.value(x))
	}
	return vs
}

func (b *gbuilder) parmValue(x *grammar.ParmValue) h248.ParmValue {
	if x == nil {
		b.stop()
	}
	if a := x.Alternative; a != nil {
		switch {
		case len(a.Alternatives) > 0:
			return h248.ParmValue{Form: h248.FormAlternatives, Values: b.values(a.Alternatives)}
		case a.First != nil && a.RangeEnd != nil:
			return h248.ParmValue{Form: h248.FormRange, Values: []h248.Value{b.value(a.First), b.value(a.RangeEnd)}}
		case a.First != nil:
			return h248.ParmValue{Form: h248.FormSublist, Values: append([]h248.Value{b.value(a.First)}, b.values(a.Sublist)...)}
		case a.Single != nil:
			return h248.ParmValue{Form: h248.FormSingle, Values: []h248.Value{b.value(a.Single)}}
		}
		b.stop()
	}
	var f h248.ValueForm
	switch x.Relation {
	case ">":
		f = h248.FormGreater
	case "<":
		f = h248.FormSmaller
	case "#":
		f = h248.FormUnequal
	default:
		b.stop()
	}
	return h248.ParmValue{Form: f, Values: []h248.Value{b.value(x.Value)}}
}

func (b *gbuilder) propertyParm(x *grammar.PropertyParm) h248.PropertyParm {
	if x == nil || x.Name == nil {
		b.stop()
	}
	return h248.PropertyParm{Name: x.Name.Name, Value: b.parmValue(x.Value)}
}

// otherParm is eventOther or sigOther: NAME parmValue.
func (b *gbuilder) otherParm(name *grammar.Name, v *grammar.ParmValue) h248.PropertyParm {
	if name == nil {
		b.stop()
	}
	return h248.PropertyParm{Name: name.Name, Value: b.parmValue(v)}
}

func (b *gbuilder) pkgdName(x *grammar.PkgdName) string {
	if x == nil {
		b.stop()
	}
	return x.Name
}

func onOff(s string) bool { return strings.EqualFold(s, "on") }
