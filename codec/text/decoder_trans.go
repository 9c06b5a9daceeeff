package text

import (
	"bytes"

	"github.com/megaco/megaco/grammar"
	"github.com/megaco/megaco/pkg/h248"
)

func (d *decoder) transaction() h248.Transaction {
	t := d.tok
	switch d.kw() {
	case grammar.TransToken:
		d.next()
		d.expect(grammar.Equal)
		d.cur.Request = true
		tr := &h248.TransactionRequest{ID: d.uint32("TransactionID")}
		d.cur.ID, d.cur.HasID = tr.ID, true
		d.expect(grammar.LBrace)
		tr.Actions = append(tr.Actions, d.actionRequest())
		for d.accept(grammar.Comma) {
			tr.Actions = append(tr.Actions, d.actionRequest())
		}
		d.expect(grammar.RBrace)
		return tr
	case grammar.ReplyToken:
		return d.transactionReply()
	case grammar.PendingToken:
		d.next()
		d.expect(grammar.Equal)
		tp := &h248.TransactionPending{ID: d.uint32("TransactionID")}
		d.cur.ID, d.cur.HasID = tp.ID, true
		d.expect(grammar.LBrace)
		d.expect(grammar.RBrace)
		return tp
	case grammar.ResponseAckToken:
		d.next()
		d.expect(grammar.LBrace)
		ra := &h248.TransactionResponseAck{}
		for {
			at := d.tok
			a, err := grammar.ParseTransactionAck(d.safe("transaction id or range"))
			if err != nil {
				d.failIn(at, err)
			}
			ra.Acks = append(ra.Acks, a)
			if !d.accept(grammar.Comma) {
				break
			}
		}
		d.expect(grammar.RBrace)
		return ra
	case grammar.MessageSegmentToken:
		d.need(3, t, "SegmentReply")
		d.next()
		d.expect(grammar.Equal)
		it := d.tok
		seg := d.transactionIDSegment()
		if !seg.Segment.Set {
			d.failAt(it, "a SegmentReply needs a segment number")
		}
		return &h248.SegmentReply{ID: seg.ID, SegmentNumber: seg.Segment.Value, SegmentationComplete: seg.Complete}
	}
	d.fail("Transaction, Reply, Pending, TransactionResponseAck or Segment", "unknown transaction")
	return nil
}

func (d *decoder) transactionIDSegment() grammar.TransactionIDSegment {
	t := d.tok
	seg, err := grammar.ParseTransactionIDSegment(d.safe("TransactionID"))
	if err != nil {
		d.failIn(t, err)
	}
	if seg.Segment.Set {
		d.need(3, grammar.Token{Kind: t.Kind, Pos: t.Pos + bytes.IndexByte(d.src[t.Pos:t.End], '/') + 1, End: t.End}, "a segment number")
	}
	return seg
}

func (d *decoder) transactionReply() *h248.TransactionReply {
	d.next()
	d.expect(grammar.Equal)
	seg := d.transactionIDSegment()
	tr := &h248.TransactionReply{ID: seg.ID, SegmentNumber: seg.Segment, SegmentationComplete: seg.Complete}
	d.cur.ID, d.cur.HasID = tr.ID, true
	d.expect(grammar.LBrace)
	if d.isKw(grammar.ImmAckRequiredToken) {
		d.next()
		d.expect(grammar.Comma)
		tr.ImmAckRequired = true
	}
	if d.isKw(grammar.ErrorToken) {
		tr.Error = d.errorDescriptor()
	} else {
		tr.Actions = append(tr.Actions, d.actionReply())
		for d.accept(grammar.Comma) {
			tr.Actions = append(tr.Actions, d.actionReply())
		}
	}
	d.expect(grammar.RBrace)
	return tr
}

// actionRequest reads Context = id { [contextProperties] [contextAudit]
// [commands] }, in that order, at least one item.
func (d *decoder) actionRequest() h248.ActionRequest {
	d.expectKw(grammar.CtxToken)
	d.expect(grammar.Equal)
	a := h248.ActionRequest{ContextID: d.contextID()}
	d.expect(grammar.LBrace)
	const (
		props = iota
		audit
		commands
	)
	phase := props
	for {
		t := d.tok
		switch {
		case phase == props && d.contextProperty(&a.Context):
		case phase <= audit && d.isKw(grammar.ContextAuditToken):
			if a.ContextAudit != nil {
				d.failAt(t, "ContextAudit given twice")
			}
			a.ContextAudit = d.contextAudit()
			phase = audit
		default:
			a.Commands = append(a.Commands, d.commandRequest())
			phase = commands
		}
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return a
}

// contextProperty reads one contextProperty into *cr if the current token
// starts one.
func (d *decoder) contextProperty(cr **h248.ContextRequest) bool {
	t := d.tok
	k := d.kw()
	switch k {
	case grammar.TopologyToken, grammar.PriorityToken, grammar.EmergencyToken,
		grammar.EmergencyOffToken, grammar.IEPSToken, grammar.ContextAttrToken:
	default:
		return false
	}
	if *cr == nil {
		*cr = &h248.ContextRequest{}
	}
	c := *cr
	d.next()
	switch k {
	case grammar.TopologyToken:
		if c.Topology != nil {
			d.failAt(t, "Topology given twice")
		}
		c.Topology = d.topology()
	case grammar.PriorityToken:
		if c.Priority.Set {
			d.failAt(t, "Priority given twice")
		}
		d.expect(grammar.Equal)
		c.Priority = h248.Some(d.uint16("Priority"))
	case grammar.EmergencyToken, grammar.EmergencyOffToken:
		if k == grammar.EmergencyOffToken {
			d.need(2, t, "EmergencyOff")
		}
		if c.Emergency.Set {
			d.failAt(t, "Emergency given twice")
		}
		c.Emergency = h248.Some(k == grammar.EmergencyToken)
	case grammar.IEPSToken:
		d.need(3, t, "IEPSCall")
		if c.IEPS.Set {
			d.failAt(t, "IEPSCall given twice")
		}
		d.expect(grammar.Equal)
		c.IEPS = h248.Some(d.onOff())
	case grammar.ContextAttrToken:
		d.need(3, t, "ContextAttr")
		if c.Props != nil || c.ContextList != nil {
			d.failAt(t, "ContextAttr given twice")
		}
		c.Props, c.ContextList = d.contextAttr()
	}
	return true
}

// contextAttr reads { contextIdList / propertyParm *(, propertyParm) }
// after ContextAttr.
func (d *decoder) contextAttr() ([]h248.PropertyParm, []h248.ContextID) {
	d.expect(grammar.LBrace)
	// (No deferred expect of the closing brace: it would run while an
	// error unwinds and report a later error in its place.)
	if d.isKw(grammar.ContextListToken) {
		d.next()
		d.expect(grammar.Equal)
		d.expect(grammar.LBrace)
		ids := []h248.ContextID{d.contextID()}
		for d.accept(grammar.Comma) {
			ids = append(ids, d.contextID())
		}
		d.expect(grammar.RBrace)
		d.expect(grammar.RBrace)
		return nil, ids
	}
	props := []h248.PropertyParm{d.propertyParm()}
	for d.accept(grammar.Comma) {
		props = append(props, d.propertyParm())
	}
	d.expect(grammar.RBrace)
	return props, nil
}

func (d *decoder) topology() []h248.TopologyRequest {
	d.expect(grammar.LBrace)
	var ts []h248.TopologyRequest
	for {
		tr := h248.TopologyRequest{From: d.terminationID()}
		d.expect(grammar.Comma)
		tr.To = d.terminationID()
		d.expect(grammar.Comma)
		t := d.tok
		tr.Direction = h248.TopologyDirection(d.keywordOf("a topology direction", grammar.BothwayToken,
			grammar.IsolateToken, grammar.OnewayToken, grammar.OnewayExternalToken, grammar.OnewayBothToken))
		if tr.Direction >= h248.OnewayExternal {
			d.need(3, t, "this topology direction")
		}
		more := d.accept(grammar.Comma)
		if more && d.isKw(grammar.StreamToken) && d.peek() == grammar.Equal {
			st := d.tok
			d.need(2, st, "a topology stream")
			tr.Stream = h248.Some(d.eventStream())
			more = d.accept(grammar.Comma)
		}
		ts = append(ts, tr)
		if !more {
			break
		}
	}
	d.expect(grammar.RBrace)
	return ts
}

// eventStream reads Stream = StreamID.
func (d *decoder) eventStream() uint16 {
	d.expectKw(grammar.StreamToken)
	d.expect(grammar.Equal)
	return d.uint16("StreamID")
}

func (d *decoder) contextAudit() *h248.ContextAttrAuditRequest {
	d.next()
	d.expect(grammar.LBrace)
	ca := &h248.ContextAttrAuditRequest{}
	if d.ver >= 3 && d.isKw(grammar.ContextAttrToken) && d.peek() == grammar.LBrace && !d.contextAttrSelectorAhead() {
		// indAudcontextAttrDescriptor: ContextAttr { contextAuditProperties }
		d.next()
		d.next()
		d.contextAuditItems(ca)
		d.expect(grammar.RBrace)
		d.expect(grammar.RBrace)
		return ca
	}
	d.contextAuditItems(ca)
	d.expect(grammar.RBrace)
	return ca
}

// contextAttrSelectorAhead reports whether the "ContextAttr {" at the
// current token holds a ContextList or property values (a selector) rather
// than items to audit.
func (d *decoder) contextAttrSelectorAhead() bool {
	sc := d.sc
	sc.Next() // "{"
	t := sc.Next()
	if t.Kind != grammar.Safe {
		return false
	}
	if grammar.ContextListToken.Is(d.src[t.Pos:t.End]) {
		return true
	}
	switch sc.Next().Kind {
	case grammar.Equal, grammar.Less, grammar.Greater, grammar.Hash:
		return true
	}
	return false
}

func (d *decoder) contextAuditItems(ca *h248.ContextAttrAuditRequest) {
	for {
		t := d.tok
		k := d.kw()
		isSelect := d.peek() == grammar.Equal
		switch {
		case k == grammar.TopologyToken && !isSelect:
			ca.Topology = true
			d.next()
		case k == grammar.EmergencyToken && !isSelect:
			ca.Emergency = true
			d.next()
		case k == grammar.PriorityToken && !isSelect:
			ca.Priority = true
			d.next()
		case d.ver >= 3 && k == grammar.IEPSToken && !isSelect:
			ca.IEPS = true
			d.next()
		case d.ver >= 3 && d.isPkgdName():
			ca.Props = append(ca.Props, h248.IndAudPropertyParm{Name: d.pkgdName()})
		case d.ver >= 3 && k == grammar.PriorityToken:
			d.next()
			d.next()
			ca.SelectPriority = h248.Some(d.uint16("Priority"))
		case d.ver >= 3 && k == grammar.EmergencyValueToken:
			d.next()
			d.expect(grammar.Equal)
			ca.SelectEmergency = h248.Some(d.keywordOf("Emergency or EmergencyOff", grammar.EmergencyToken, grammar.EmergencyOffToken) == 0)
		case d.ver >= 3 && k == grammar.IEPSToken:
			d.next()
			d.next()
			ca.SelectIEPS = h248.Some(d.onOff())
		case d.ver >= 3 && k == grammar.AndAUDITSelectToken:
			ca.SelectLogic = h248.SelectAnd
			d.next()
		case d.ver >= 3 && k == grammar.OrAUDITselectToken:
			ca.SelectLogic = h248.SelectOr
			d.next()
		case d.ver >= 3 && k == grammar.ContextAttrToken:
			d.next()
			props, ids := d.contextAttr()
			for i := range props {
				ca.Props = append(ca.Props, h248.IndAudPropertyParm{Name: props[i].Name, Value: &props[i]})
			}
			ca.SelectContextList = append(ca.SelectContextList, ids...)
		default:
			if k != grammar.NoKeyword || d.isPkgdName() {
				d.need(3, t, "this context audit item")
			}
			d.fail("Topology, Emergency or Priority", "unknown context audit item")
		}
		if !d.accept(grammar.Comma) {
			return
		}
	}
}

// actionReply reads Context = id [{ ... }] (braces optional in v3).
func (d *decoder) actionReply() h248.ActionReply {
	d.expectKw(grammar.CtxToken)
	d.expect(grammar.Equal)
	a := h248.ActionReply{ContextID: d.contextID()}
	if !d.is(grammar.LBrace) {
		d.need(3, d.tok, "a context reply without braces")
		return a
	}
	d.next()
	if d.isKw(grammar.ErrorToken) {
		a.Error = d.errorDescriptor()
		d.expect(grammar.RBrace)
		return a
	}
	for {
		switch {
		case d.isKw(grammar.ErrorToken):
			// the error follows the command replies and ends the list
			if len(a.Commands) == 0 && a.Context == nil {
				d.fail("a command reply", "unexpected token")
			}
			a.Error = d.errorDescriptor()
			d.expect(grammar.RBrace)
			return a
		case len(a.Commands) == 0 && d.contextProperty(&a.Context):
		default:
			a.Commands = append(a.Commands, d.commandReply())
		}
		if !d.accept(grammar.Comma) {
			break
		}
	}
	d.expect(grammar.RBrace)
	return a
}
