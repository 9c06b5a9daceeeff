package ber

import (
	"fmt"

	"github.com/megaco/megaco/pkg/h248"
)

// encoder appends one message to b. It stops at the first problem by
// panicking with an encodeFail, which appendMessage recovers.
type encoder struct {
	b   []byte
	ver int
	raw bool
	reg *Registry
	tid *TermIDMapping
	// scratch for a termination id
	bin binTermID
}

type encodeFail struct{ err error }

func appendMessage(dst []byte, m *h248.Message, c *Codec) (b []byte, err error) {
	e := encoder{b: dst, ver: m.Version, raw: c.RawValues, reg: c.registry(), tid: &c.TermIDs}
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(encodeFail)
			if !ok {
				panic(r)
			}
			b, err = dst, f.err
		}
	}()
	e.message(m)
	return e.b, nil
}

// failf stops encoding with an error.
func (e *encoder) failf(format string, args ...any) {
	panic(encodeFail{fmt.Errorf("ber: "+format, args...)})
}

// noForm stops encoding: the message holds something the binary encoding
// cannot carry.
func (e *encoder) noForm(format string, args ...any) {
	panic(encodeFail{&noFormError{msg: fmt.Sprintf(format, args...)}})
}

// noFormErr stops encoding with err, which says why something has no
// binary form.
func (e *encoder) noFormErr(err error) { panic(encodeFail{&noFormError{err: err}}) }

type noFormError struct {
	msg string
	err error
}

func (e *noFormError) Error() string {
	if e.err != nil {
		return "ber: no binary form: " + e.err.Error()
	}
	return "ber: no binary form: " + e.msg
}

func (e *noFormError) Is(target error) bool { return target == ErrNoBinaryForm }
func (e *noFormError) Unwrap() error        { return e.err }

// need stops encoding unless the message's version is at least v.
func (e *encoder) need(v int, what string) {
	if e.ver < v {
		e.noForm("%s needs version %d (the message is version %d)", what, v, e.ver)
	}
}

func (e *encoder) open(id byte) int {
	var s int
	e.b, s = openTLV(e.b, id)
	return s
}

func (e *encoder) close(start int) { e.b = closeTLV(e.b, start) }

func (e *encoder) uint(id byte, v uint64) { e.b = appendUint(e.b, id, v) }
func (e *encoder) null(id byte)           { e.b = appendNull(e.b, id) }
func (e *encoder) bool(id byte, v bool)   { e.b = appendBool(e.b, id, v) }

// ia5 writes an IA5String (or another string type with the identifier
// id). The contents are not checked: what decodes encodes.
func (e *encoder) ia5(id byte, what, s string) { e.b = appendString(e.b, id, s) }

// octets writes an OCTET STRING (or anything primitive) holding s.
func (e *encoder) octets(id byte, s string) { e.b = appendString(e.b, id, s) }

// u16 writes an INTEGER(0..65535) of the model's uint16.
func (e *encoder) u16(id byte, v uint16) { e.uint(id, uint64(v)) }

// upTo writes an INTEGER(0..max).
func (e *encoder) upTo(id byte, what string, v uint64, max uint64) {
	if v > max {
		e.noForm("%s %d is out of range 0..%d", what, v, max)
	}
	e.uint(id, v)
}

func (e *encoder) message(m *h248.Message) {
	if m.Version < 1 || m.Version > 3 {
		e.noForm("version %d: the binary encoding has versions 1 to 3", m.Version)
	}
	s := e.open(idSequence) // MegacoMessage
	if a := m.Auth; a != nil {
		if len(a.Data) < 12 || len(a.Data) > 32 {
			e.noForm("AuthData must be 12 to 32 octets, has %d", len(a.Data))
		}
		as := e.open(ctxCons(0))
		e.b = append(e.b, ctxPrim(0), 4, byte(a.SPI>>24), byte(a.SPI>>16), byte(a.SPI>>8), byte(a.SPI))
		e.b = append(e.b, ctxPrim(1), 4, byte(a.SeqNum>>24), byte(a.SeqNum>>16), byte(a.SeqNum>>8), byte(a.SeqNum))
		e.b = appendPrimitive(e.b, ctxPrim(2), a.Data)
		e.close(as)
	}
	ms := e.open(ctxCons(1)) // Message
	e.uint(ctxPrim(0), uint64(m.Version))
	mid := e.open(ctxCons(1))
	e.mid(&m.MID, 0, "MID")
	e.close(mid)
	body := e.open(ctxCons(2))
	switch {
	case m.Error != nil:
		e.errorDescriptor(ctxCons(0), m.Error)
	case len(m.Transactions) == 0:
		e.failf("a message needs an error or transactions")
	default:
		ts := e.open(ctxCons(1))
		for _, t := range m.Transactions {
			e.transaction(t)
		}
		e.close(ts)
	}
	e.close(body)
	e.close(ms)
	e.close(s)
}

// mid writes a MId (base 0) or a ServiceChangeAddress (base 1, where
// alternative 0 is the port number) as the chosen alternative.
func (e *encoder) mid(m *h248.MID, base int, what string) {
	switch m.Kind {
	case h248.MIDIP4, h248.MIDIP6:
		if m.Kind == h248.MIDIP4 != m.Addr.Is4() || !m.Addr.IsValid() || m.Addr.Zone() != "" {
			e.failf("%s address %v does not match its kind %v", what, m.Addr, m.Kind)
		}
		alt := base
		if m.Kind == h248.MIDIP6 {
			alt++
		}
		s := e.open(ctxCons(alt))
		if m.Addr.Is4() {
			a := m.Addr.As4()
			e.b = appendPrimitive(e.b, ctxPrim(0), a[:])
		} else {
			a := m.Addr.As16()
			e.b = appendPrimitive(e.b, ctxPrim(0), a[:])
		}
		if m.Port.Set {
			e.u16(ctxPrim(1), m.Port.Value)
		}
		e.close(s)
	case h248.MIDDomain:
		s := e.open(ctxCons(base + 2))
		e.ia5(ctxPrim(0), "domain name", m.Name)
		if m.Port.Set {
			e.u16(ctxPrim(1), m.Port.Value)
		}
		e.close(s)
	case h248.MIDDevice:
		if m.Name == "" || len(m.Name) > 64 {
			e.noForm("%s device name %q is not 1 to 64 characters", what, m.Name)
		}
		e.ia5(ctxPrim(base+3), "device name", m.Name)
	case h248.MIDMTP:
		var buf [4]byte
		n := len(m.Name) / 2
		if len(m.Name)%2 != 0 || n < 2 || n > 4 {
			e.noForm("%s MTP address %q is not 2 to 4 octets of hex digits", what, m.Name)
		}
		for i := 0; i < n; i++ {
			hi, ok1 := hexDigit(m.Name[2*i])
			lo, ok2 := hexDigit(m.Name[2*i+1])
			if !ok1 || !ok2 {
				e.noForm("%s MTP address %q is not hex", what, m.Name)
			}
			buf[i] = hi<<4 | lo
		}
		e.b = appendPrimitive(e.b, ctxPrim(base+4), buf[:n])
	case h248.MIDPort:
		if base == 0 {
			e.noForm("a bare port is not a MID")
		}
		e.u16(ctxPrim(0), m.Port.Value)
	default:
		e.failf("%s: unknown kind %d", what, m.Kind)
	}
}

func (e *encoder) errorDescriptor(id byte, ed *h248.ErrorDescriptor) {
	s := e.open(id)
	e.uint(ctxPrim(0), uint64(ed.Code))
	if ed.Text != "" {
		e.ia5(ctxPrim(1), "error text", ed.Text)
	}
	e.close(s)
}

func (e *encoder) transaction(t h248.Transaction) {
	switch t := t.(type) {
	case *h248.TransactionRequest:
		s := e.open(ctxCons(0))
		e.uint(ctxPrim(0), uint64(t.ID))
		as := e.open(ctxCons(1))
		for i := range t.Actions {
			e.actionRequest(&t.Actions[i])
		}
		e.close(as)
		e.close(s)
	case *h248.TransactionPending:
		s := e.open(ctxCons(1))
		e.uint(ctxPrim(0), uint64(t.ID))
		e.close(s)
	case *h248.TransactionReply:
		s := e.open(ctxCons(2))
		e.uint(ctxPrim(0), uint64(t.ID))
		if t.ImmAckRequired {
			e.null(ctxPrim(1))
		}
		r := e.open(ctxCons(2))
		if t.Error != nil {
			if len(t.Actions) > 0 {
				e.failf("transaction reply %d has an error and action replies", t.ID)
			}
			e.errorDescriptor(ctxCons(0), t.Error)
		} else {
			as := e.open(ctxCons(1))
			for i := range t.Actions {
				e.actionReply(&t.Actions[i])
			}
			e.close(as)
		}
		e.close(r)
		if t.SegmentNumber.Set {
			e.need(3, "a segment number")
			e.u16(ctxPrim(3), t.SegmentNumber.Value)
		}
		if t.SegmentationComplete {
			e.need(3, "SegmentationComplete")
			e.null(ctxPrim(4))
		}
		e.close(s)
	case *h248.TransactionResponseAck:
		s := e.open(ctxCons(3))
		for _, a := range t.Acks {
			as := e.open(idSequence)
			e.uint(ctxPrim(0), uint64(a.First))
			if a.Last.Set {
				e.uint(ctxPrim(1), uint64(a.Last.Value))
			}
			e.close(as)
		}
		e.close(s)
	case *h248.SegmentReply:
		e.need(3, "a SegmentReply")
		s := e.open(ctxCons(4))
		e.uint(ctxPrim(0), uint64(t.ID))
		e.u16(ctxPrim(1), t.SegmentNumber)
		if t.SegmentationComplete {
			e.null(ctxPrim(2))
		}
		e.close(s)
	default:
		e.failf("unknown transaction %T", t)
	}
}

func (e *encoder) actionRequest(a *h248.ActionRequest) {
	s := e.open(idSequence)
	e.uint(ctxPrim(0), uint64(a.ContextID))
	if a.Context != nil {
		e.contextRequest(ctxCons(1), a.Context)
	}
	if a.ContextAudit != nil {
		e.contextAudit(ctxCons(2), a.ContextAudit)
	}
	cs := e.open(ctxCons(3))
	for i := range a.Commands {
		e.commandRequest(&a.Commands[i])
	}
	e.close(cs)
	e.close(s)
}

func (e *encoder) actionReply(a *h248.ActionReply) {
	s := e.open(idSequence)
	e.uint(ctxPrim(0), uint64(a.ContextID))
	if a.Error != nil {
		e.errorDescriptor(ctxCons(1), a.Error)
	}
	if a.Context != nil {
		e.contextRequest(ctxCons(2), a.Context)
	}
	cs := e.open(ctxCons(3))
	for _, c := range a.Commands {
		e.commandReply(c)
	}
	e.close(cs)
	e.close(s)
}

func (e *encoder) contextRequest(id byte, c *h248.ContextRequest) {
	s := e.open(id)
	if c.Priority.Set {
		e.upTo(ctxPrim(0), "priority", uint64(c.Priority.Value), 15)
	}
	if c.Emergency.Set {
		e.bool(ctxPrim(1), c.Emergency.Value)
	}
	if len(c.Topology) > 0 {
		ts := e.open(ctxCons(2))
		for i := range c.Topology {
			e.topology(&c.Topology[i])
		}
		e.close(ts)
	}
	if c.IEPS.Set {
		e.need(3, "IEPSCall")
		e.bool(ctxPrim(3), c.IEPS.Value)
	}
	if len(c.Props) > 0 {
		e.need(3, "ContextAttr")
		ps := e.open(ctxCons(4))
		for i := range c.Props {
			e.propertyParm(idSequence, &c.Props[i])
		}
		e.close(ps)
	}
	if len(c.ContextList) > 0 {
		e.need(3, "ContextList")
		ls := e.open(ctxCons(5))
		for _, id := range c.ContextList {
			e.uint(idInteger, uint64(id))
		}
		e.close(ls)
	}
	e.close(s)
}

func (e *encoder) topology(t *h248.TopologyRequest) {
	s := e.open(idSequence)
	e.termID(ctxCons(0), t.From)
	e.termID(ctxCons(1), t.To)
	switch t.Direction {
	case h248.Bothway, h248.Isolate, h248.Oneway:
		e.uint(ctxPrim(2), uint64(t.Direction))
	case h248.OnewayExternal, h248.OnewayBoth:
		if e.ver < 3 {
			e.noForm("topology direction %v needs version 3 (the message is version %d)", t.Direction, e.ver)
		}
		e.uint(ctxPrim(2), uint64(h248.Oneway))
	default:
		e.failf("unknown topology direction %d", t.Direction)
	}
	if t.Stream.Set {
		e.need(2, "a topology stream")
		e.u16(ctxPrim(3), t.Stream.Value)
	}
	if t.Direction >= h248.OnewayExternal {
		e.uint(ctxPrim(4), uint64(t.Direction-h248.OnewayExternal))
	}
	e.close(s)
}

func (e *encoder) contextAudit(id byte, c *h248.ContextAttrAuditRequest) {
	if len(c.SelectContextList) > 0 {
		e.noForm("a ContextAudit selecting by ContextList (text only)")
	}
	s := e.open(id)
	if c.Topology {
		e.null(ctxPrim(0))
	}
	if c.Emergency {
		e.null(ctxPrim(1))
	}
	if c.Priority {
		e.null(ctxPrim(2))
	}
	if c.IEPS {
		e.need(3, "auditing IEPSCall")
		e.null(ctxPrim(3))
	}
	if len(c.Props) > 0 {
		e.need(3, "auditing context properties")
		ps := e.open(ctxCons(4))
		for i := range c.Props {
			e.indAudProp(idSequence, &c.Props[i])
		}
		e.close(ps)
	}
	if c.SelectPriority.Set {
		e.need(3, "selecting by priority")
		e.upTo(ctxPrim(5), "selected priority", uint64(c.SelectPriority.Value), 15)
	}
	if c.SelectEmergency.Set {
		e.need(3, "selecting by emergency")
		e.bool(ctxPrim(6), c.SelectEmergency.Value)
	}
	if c.SelectIEPS.Set {
		e.need(3, "selecting by IEPSCall")
		e.bool(ctxPrim(7), c.SelectIEPS.Value)
	}
	switch c.SelectLogic {
	case h248.SelectDefault:
	case h248.SelectAnd, h248.SelectOr:
		e.need(3, "select logic")
		l := e.open(ctxCons(8))
		e.null(ctxPrim(int(c.SelectLogic - h248.SelectAnd)))
		e.close(l)
	default:
		e.failf("unknown select logic %d", c.SelectLogic)
	}
	e.close(s)
}

// termID writes a TerminationID with the identifier id.
func (e *encoder) termID(id byte, t h248.TerminationID) {
	if err := e.tid.encode(t, &e.bin); err != nil {
		e.noFormErr(err)
	}
	s := e.open(id)
	ws := e.open(ctxCons(0))
	for _, w := range e.bin.wild[:e.bin.nwild] {
		e.b = append(e.b, idOctetString, 1, w)
	}
	e.close(ws)
	e.b = appendPrimitive(e.b, ctxPrim(1), e.bin.id[:e.bin.nid])
	e.close(s)
}

// termIDList writes a TerminationIDList.
func (e *encoder) termIDList(id byte, ts []h248.TerminationID) {
	s := e.open(id)
	for _, t := range ts {
		e.termID(idSequence, t)
	}
	e.close(s)
}

func (e *encoder) timeNotation(id byte, t *h248.TimeNotation) {
	if len(t.Date) != 8 || len(t.Time) != 8 {
		e.noForm("time stamp %sT%s is not 8+8 characters", t.Date, t.Time)
	}
	s := e.open(id)
	e.ia5(ctxPrim(0), "date", t.Date)
	e.ia5(ctxPrim(1), "time", t.Time)
	e.close(s)
}
