package text

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/megaco/megaco/grammar"
	"github.com/megaco/megaco/pkg/h248"
)

// encoder appends the text encoding of a message: pretty (long tokens,
// one item per line, tab indentation) or compact (short tokens, no
// optional white space). Errors (a value that cannot be written) panic
// with encodeError and are recovered by Append.
type encoder struct {
	b       []byte
	compact bool
	depth   int
	ver     int
}

type encodeError struct{ err error }

func (e *encoder) failf(format string, args ...any) {
	panic(encodeError{fmt.Errorf("text: "+format, args...)})
}

func appendMessage(dst []byte, m *h248.Message, compact bool) (b []byte, err error) {
	e := encoder{b: dst, compact: compact, ver: m.Version}
	defer func() {
		if r := recover(); r != nil {
			ee, ok := r.(encodeError)
			if !ok {
				panic(r)
			}
			b, err = dst, ee.err
		}
	}()
	e.message(m)
	return e.b, nil
}

// --- layout ---

func (e *encoder) str(s string) { e.b = append(e.b, s...) }

func (e *encoder) kw(k grammar.Keyword) {
	// Erlang/OTP megaco reads only the short form of Iteration.
	if e.compact || k == grammar.IterationToken {
		e.str(k.Short())
	} else {
		e.str(k.Long())
	}
}

// eq writes the "=" between a token and its value.
func (e *encoder) eq() {
	if e.compact {
		e.b = append(e.b, '=')
	} else {
		e.b = append(e.b, " = "...)
	}
}

// open starts a braced list; item starts each element; close ends it.
func (e *encoder) open() {
	if !e.compact {
		e.b = append(e.b, ' ')
	}
	e.b = append(e.b, '{')
	e.depth++
}

func (e *encoder) item(i int) {
	if i > 0 {
		e.b = append(e.b, ',')
	}
	e.newline()
}

func (e *encoder) newline() {
	if e.compact {
		return
	}
	e.b = append(e.b, '\n')
	for i := 0; i < e.depth; i++ {
		e.b = append(e.b, '\t')
	}
}

func (e *encoder) close() {
	e.depth--
	e.newline()
	e.b = append(e.b, '}')
}

// items writes a braced list of n elements, each written by f.
func (e *encoder) items(n int, f func(i int)) {
	e.open()
	for i := 0; i < n; i++ {
		e.item(i)
		f(i)
	}
	e.close()
}

// inlineList writes "[a, b]" or "{a, b}" on one line.
func (e *encoder) inlineList(open, close byte, n int, f func(i int)) {
	e.b = append(e.b, open)
	for i := 0; i < n; i++ {
		if i > 0 {
			e.comma()
		}
		f(i)
	}
	e.b = append(e.b, close)
}

func (e *encoder) comma() {
	if e.compact {
		e.b = append(e.b, ',')
	} else {
		e.b = append(e.b, ", "...)
	}
}

func (e *encoder) uint(v uint64) { e.b = strconv.AppendUint(e.b, v, 10) }

const hexDigits = "0123456789ABCDEF"

// hex32 writes "0x" and 8 hex digits.
func (e *encoder) hex32(v uint32) {
	e.b = append(e.b, '0', 'x')
	for shift := 28; shift >= 0; shift -= 4 {
		e.b = append(e.b, hexDigits[v>>uint(shift)&15])
	}
}

// --- names and values ---

// name writes a name token (termination id, pkgdName, NAME); it must be a
// run of SafeChar to read back as one token.
func (e *encoder) name(what, s string) {
	if !safeString(s) {
		e.failf("%s %q is not a text token", what, s)
	}
	e.str(s)
}

func safeString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !grammar.IsSafeChar(s[i]) {
			return false
		}
	}
	return true
}

func (e *encoder) termID(t h248.TerminationID) { e.name("TerminationID", string(t)) }

// termIDList writes one id, or a v3 list "[a, b]".
func (e *encoder) termIDList(ids []h248.TerminationID) {
	switch len(ids) {
	case 0:
		e.failf("a command needs a TerminationID")
	case 1:
		e.termID(ids[0])
	default:
		e.inlineList('[', ']', len(ids), func(i int) { e.termID(ids[i]) })
	}
}

func (e *encoder) quoted(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7F {
			e.failf("quoted string %q holds a character that cannot be written", s)
		}
	}
	e.b = append(e.b, '"')
	e.str(s)
	e.b = append(e.b, '"')
}

func (e *encoder) value(v h248.Value) {
	if v.Quoted || !safeString(v.Text) {
		e.quoted(v.Text)
		return
	}
	e.str(v.Text)
}

func (e *encoder) parmValue(p h248.ParmValue) {
	vs := p.Values
	switch p.Form {
	case h248.FormSingle:
		e.b = append(e.b, '=')
		if len(vs) != 1 {
			e.failf("a single value needs exactly one value, has %d", len(vs))
		}
		e.value(vs[0])
	case h248.FormSublist:
		e.b = append(e.b, '=')
		e.inlineList('[', ']', len(vs), func(i int) { e.value(vs[i]) })
	case h248.FormAlternatives:
		e.b = append(e.b, '=')
		e.inlineList('{', '}', len(vs), func(i int) { e.value(vs[i]) })
	case h248.FormRange:
		if len(vs) != 2 {
			e.failf("a range needs two values, has %d", len(vs))
		}
		e.b = append(e.b, "=["...)
		e.value(vs[0])
		e.b = append(e.b, ':')
		e.value(vs[1])
		e.b = append(e.b, ']')
	case h248.FormGreater, h248.FormSmaller, h248.FormUnequal:
		if len(vs) != 1 {
			e.failf("a relation needs exactly one value, has %d", len(vs))
		}
		e.b = append(e.b, "><#"[p.Form-h248.FormGreater])
		e.value(vs[0])
	default:
		e.failf("unknown value form %d", p.Form)
	}
	if len(vs) == 0 {
		e.failf("a parameter needs a value")
	}
}

func (e *encoder) propertyParm(p h248.PropertyParm) {
	e.name("parameter name", p.Name)
	e.parmValue(p.Value)
}

func (e *encoder) errorDescriptor(ed *h248.ErrorDescriptor) {
	e.kw(grammar.ErrorToken)
	e.eq()
	if ed.Code > 9999 {
		e.failf("error code %d has more than 4 digits", ed.Code)
	}
	e.uint(uint64(ed.Code))
	if !e.compact {
		e.b = append(e.b, ' ')
	}
	e.b = append(e.b, '{')
	if ed.Text != "" {
		e.b = append(e.b, '"')
		e.str(sanitizeErrorText(ed.Text))
		e.b = append(e.b, '"')
	}
	e.b = append(e.b, '}')
}

// sanitizeErrorText makes any error text writable: a reply must go out
// even when the text that explains it holds a quote or a control byte.
func sanitizeErrorText(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c < 0x20 || c == 0x7F {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		switch {
		case c == '"':
			b[i] = '\''
		case c < 0x20 || c == 0x7F:
			b[i] = ' '
		}
	}
	return string(b)
}

func (e *encoder) mid(m h248.MID) {
	switch m.Kind {
	case h248.MIDIP4, h248.MIDIP6:
		if m.Kind == h248.MIDIP4 != m.Addr.Is4() || !m.Addr.IsValid() || m.Addr.Zone() != "" {
			e.failf("MID address %v does not match its kind %v", m.Addr, m.Kind)
		}
		e.b = append(e.b, '[')
		e.b = m.Addr.AppendTo(e.b)
		e.b = append(e.b, ']')
	case h248.MIDDomain:
		if !grammar.ValidDomainName(m.Name) {
			e.failf("invalid domain name %q", m.Name)
		}
		e.b = append(e.b, '<')
		e.str(m.Name)
		e.b = append(e.b, '>')
	case h248.MIDDevice:
		e.name("device name", m.Name)
		return
	case h248.MIDMTP:
		if !grammar.ValidMTPAddress(m.Name) {
			e.failf("invalid MTP address %q", m.Name)
		}
		e.str("MTP{")
		e.str(m.Name)
		e.b = append(e.b, '}')
		return
	case h248.MIDPort:
		e.uint(uint64(m.Port.Value))
		return
	default:
		e.failf("unknown MID kind %d", m.Kind)
	}
	if m.Port.Set {
		e.b = append(e.b, ':')
		e.uint(uint64(m.Port.Value))
	}
}

func (e *encoder) contextID(c h248.ContextID) {
	switch c {
	case h248.ContextNull:
		e.b = append(e.b, '-')
	case h248.ContextChoose:
		e.b = append(e.b, '$')
	case h248.ContextAll:
		e.b = append(e.b, '*')
	default:
		e.uint(uint64(c))
	}
}

func (e *encoder) requestID(id h248.RequestID) {
	if id == h248.RequestIDAll {
		e.b = append(e.b, '*')
		return
	}
	e.uint(uint64(id))
}

func (e *encoder) timeStamp(t *h248.TimeNotation) {
	if _, ok := grammar.ParseTimeStamp(t.Date + "T" + t.Time); !ok {
		e.failf("invalid timestamp %sT%s", t.Date, t.Time)
	}
	e.str(t.Date)
	e.b = append(e.b, 'T')
	e.str(t.Time)
}

// --- message and transactions ---

var errNoBody = errors.New("text: a message needs an error or transactions")

func (e *encoder) message(m *h248.Message) {
	if a := m.Auth; a != nil {
		e.kw(grammar.AuthToken)
		e.eq()
		if len(a.Data) < 12 || len(a.Data) > 32 {
			e.failf("AuthData must be 12 to 32 octets, has %d", len(a.Data))
		}
		e.hex32(a.SPI)
		e.b = append(e.b, ':')
		e.hex32(a.SeqNum)
		e.b = append(e.b, ':', '0', 'x')
		for _, c := range a.Data {
			e.b = append(e.b, hexDigits[c>>4], hexDigits[c&15])
		}
		e.b = append(e.b, '\n')
	}
	if m.Version < 1 || m.Version > 99 {
		e.failf("version %d cannot be written", m.Version)
	}
	e.kw(grammar.MegacopToken)
	e.b = append(e.b, '/')
	e.uint(uint64(m.Version))
	e.b = append(e.b, ' ')
	e.mid(m.MID)
	e.b = append(e.b, '\n')
	switch {
	case m.Error != nil:
		e.errorDescriptor(m.Error)
	case len(m.Transactions) == 0:
		panic(encodeError{errNoBody})
	}
	for i, t := range m.Transactions {
		if i > 0 && !e.compact {
			e.b = append(e.b, '\n')
		}
		e.transaction(t)
	}
	// No line end after the last transaction: Erlang/OTP megaco rejects
	// one after a SegmentReply.
}

func (e *encoder) transaction(t h248.Transaction) {
	switch t := t.(type) {
	case *h248.TransactionRequest:
		e.kw(grammar.TransToken)
		e.eq()
		e.uint(uint64(t.ID))
		e.items(len(t.Actions), func(i int) { e.actionRequest(&t.Actions[i]) })
	case *h248.TransactionReply:
		e.kw(grammar.ReplyToken)
		e.eq()
		e.uint(uint64(t.ID))
		e.segment(t.SegmentNumber, t.SegmentationComplete)
		e.open()
		n := 0
		if t.ImmAckRequired {
			e.item(n)
			n++
			e.kw(grammar.ImmAckRequiredToken)
		}
		if t.Error != nil {
			e.item(n)
			e.errorDescriptor(t.Error)
		} else {
			for i := range t.Actions {
				e.item(n)
				n++
				e.actionReply(&t.Actions[i])
			}
		}
		e.close()
	case *h248.TransactionPending:
		e.kw(grammar.PendingToken)
		e.eq()
		e.uint(uint64(t.ID))
		e.emptyBraces()
	case *h248.TransactionResponseAck:
		e.kw(grammar.ResponseAckToken)
		e.items(len(t.Acks), func(i int) {
			a := t.Acks[i]
			e.uint(uint64(a.First))
			if a.Last.Set {
				e.b = append(e.b, '-')
				e.uint(uint64(a.Last.Value))
			}
		})
	case *h248.SegmentReply:
		e.kw(grammar.MessageSegmentToken)
		e.eq()
		e.uint(uint64(t.ID))
		e.segment(h248.Some(t.SegmentNumber), t.SegmentationComplete)
	default:
		e.failf("unknown transaction type %T", t)
	}
}

func (e *encoder) emptyBraces() {
	if e.compact {
		e.str("{}")
	} else {
		e.str(" { }")
	}
}

func (e *encoder) segment(n h248.Opt[uint16], complete bool) {
	if !n.Set {
		if complete {
			e.failf("segmentation complete without a segment number")
		}
		return
	}
	e.b = append(e.b, '/')
	e.uint(uint64(n.Value))
	if complete {
		e.b = append(e.b, '/')
		e.kw(grammar.SegmentationCompleteToken)
	}
}

func (e *encoder) actionRequest(a *h248.ActionRequest) {
	e.kw(grammar.CtxToken)
	e.eq()
	e.contextID(a.ContextID)
	e.open()
	n := e.contextProperties(a.Context, 0)
	if a.ContextAudit != nil {
		e.item(n)
		n++
		e.contextAudit(a.ContextAudit)
	}
	for i := range a.Commands {
		e.item(n)
		n++
		e.commandRequest(&a.Commands[i])
	}
	if n == 0 {
		e.failf("an action request needs a command or context properties")
	}
	e.close()
}

func (e *encoder) actionReply(a *h248.ActionReply) {
	e.kw(grammar.CtxToken)
	e.eq()
	e.contextID(a.ContextID)
	if a.Error == nil && (a.Context == nil || a.Context.IsZero()) && len(a.Commands) == 0 {
		if e.ver < 3 {
			e.failf("an action reply without commands needs version 3")
		}
		return // v3: a context reply without braces
	}
	e.open()
	n := e.contextProperties(a.Context, 0)
	for i := range a.Commands {
		e.item(n)
		n++
		e.commandReply(a.Commands[i])
	}
	if a.Error != nil {
		e.item(n)
		e.errorDescriptor(a.Error)
	}
	e.close()
}

// contextProperties writes the properties of c as list items from
// position n on and returns the next position.
func (e *encoder) contextProperties(c *h248.ContextRequest, n int) int {
	if c == nil {
		return n
	}
	if c.Priority.Set {
		e.item(n)
		n++
		e.kw(grammar.PriorityToken)
		e.eq()
		e.uint(uint64(c.Priority.Value))
	}
	if c.Emergency.Set {
		e.item(n)
		n++
		if c.Emergency.Value {
			e.kw(grammar.EmergencyToken)
		} else {
			e.kw(grammar.EmergencyOffToken)
		}
	}
	if c.Topology != nil {
		e.item(n)
		n++
		e.topology(c.Topology)
	}
	if c.IEPS.Set {
		e.item(n)
		n++
		e.kw(grammar.IEPSToken)
		e.eq()
		e.onOff(c.IEPS.Value)
	}
	if c.Props != nil || c.ContextList != nil {
		e.item(n)
		n++
		e.contextAttr(c.Props, c.ContextList)
	}
	return n
}

func (e *encoder) onOff(v bool) {
	if v {
		e.str("ON")
	} else {
		e.str("OFF")
	}
}

func (e *encoder) contextAttr(props []h248.PropertyParm, ids []h248.ContextID) {
	e.kw(grammar.ContextAttrToken)
	if ids != nil {
		e.open()
		e.item(0)
		e.kw(grammar.ContextListToken)
		e.eq()
		e.inlineList('{', '}', len(ids), func(i int) { e.contextID(ids[i]) })
		e.close()
		return
	}
	e.items(len(props), func(i int) { e.propertyParm(props[i]) })
}

var topologyTokens = [...]grammar.Keyword{grammar.BothwayToken, grammar.IsolateToken, grammar.OnewayToken,
	grammar.OnewayExternalToken, grammar.OnewayBothToken}

func (e *encoder) topology(ts []h248.TopologyRequest) {
	e.kw(grammar.TopologyToken)
	e.items(len(ts), func(i int) {
		t := ts[i]
		e.termID(t.From)
		e.comma()
		e.termID(t.To)
		e.comma()
		if int(t.Direction) >= len(topologyTokens) {
			e.failf("unknown topology direction %d", t.Direction)
		}
		e.kw(topologyTokens[t.Direction])
		if t.Stream.Set {
			e.comma()
			e.stream(t.Stream.Value)
		}
	})
}

func (e *encoder) stream(id uint16) {
	e.kw(grammar.StreamToken)
	e.eq()
	e.uint(uint64(id))
}

func (e *encoder) contextAudit(ca *h248.ContextAttrAuditRequest) {
	e.kw(grammar.ContextAuditToken)
	e.open()
	n := 0
	next := func() { e.item(n); n++ }
	for _, f := range []struct {
		set bool
		k   grammar.Keyword
	}{{ca.Topology, grammar.TopologyToken}, {ca.Emergency, grammar.EmergencyToken},
		{ca.Priority, grammar.PriorityToken}, {ca.IEPS, grammar.IEPSToken}} {
		if f.set {
			next()
			e.kw(f.k)
		}
	}
	selecting := 0
	for _, p := range ca.Props {
		if p.Value != nil {
			selecting++
			continue
		}
		next()
		e.name("property name", p.Name)
	}
	if ca.SelectPriority.Set {
		next()
		e.kw(grammar.PriorityToken)
		e.eq()
		e.uint(uint64(ca.SelectPriority.Value))
	}
	if ca.SelectEmergency.Set {
		next()
		e.kw(grammar.EmergencyValueToken)
		e.eq()
		if ca.SelectEmergency.Value {
			e.kw(grammar.EmergencyToken)
		} else {
			e.kw(grammar.EmergencyOffToken)
		}
	}
	if ca.SelectIEPS.Set {
		next()
		e.kw(grammar.IEPSToken)
		e.eq()
		e.onOff(ca.SelectIEPS.Value)
	}
	if selecting > 0 {
		next()
		e.kw(grammar.ContextAttrToken)
		e.open()
		i := 0
		for _, p := range ca.Props {
			if p.Value != nil {
				e.item(i)
				i++
				e.propertyParm(*p.Value)
			}
		}
		e.close()
	}
	if ca.SelectContextList != nil {
		next()
		e.contextAttr(nil, ca.SelectContextList)
	}
	switch ca.SelectLogic {
	case h248.SelectAnd:
		next()
		e.kw(grammar.AndAUDITSelectToken)
	case h248.SelectOr:
		next()
		e.kw(grammar.OrAUDITselectToken)
	}
	e.close()
}
