package ber

import (
	"fmt"
	"net/netip"
	"sync"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/h248"
)

// decoder reads one message. Structure is walked by recursive descent
// over the offset-style readers of tlv.go; the first problem stops it by
// panicking with a bailout, which decode recovers.
type decoder struct {
	b   []byte
	ver int
	// num holds a number's text while it is copied to the scratch.
	num [24]byte

	depth, maxDepth int
	elems, maxElems int
	// ends holds the ends of indefinite-length elements already found.
	ends map[int][2]int

	reg *Registry
	tid *TermIDMapping
	sc  *scratch
	// first is where the message goes, allocated with the first objects
	// of its kind.
	first *h248.Message
	// hint sizes the next chunks of the arenas: the number of commands
	// of the action being read.
	hint int

	// Arenas for the objects and lists a message is made of.
	trans    arena[h248.Transaction]
	txReqs   arena[h248.TransactionRequest]
	txReps   arena[h248.TransactionReply]
	actReqs  arena[h248.ActionRequest]
	actReps  arena[h248.ActionReply]
	ctxReqs  arena[h248.ContextRequest]
	cmdReqs  arena[h248.CommandRequest]
	cmdReps  arena[h248.CommandReply]
	amms     arena[h248.AmmRequest]
	ammsReps arena[h248.AmmsReply]
	audReqs  arena[h248.AuditRequest]
	audReps  arena[h248.AuditReply]
	notReqs  arena[h248.NotifyRequest]
	notReps  arena[h248.NotifyReply]
	scReqs   arena[h248.ServiceChangeRequest]
	scReps   arena[h248.ServiceChangeReply]
	descs    arena[h248.Descriptor]
	medias   arena[h248.MediaDescriptor]
	termSts  arena[h248.TerminationStateDescriptor]
	strParms arena[h248.StreamParms]
	localCtl arena[h248.LocalControlDescriptor]
	lrs      arena[h248.LocalRemoteDescriptor]
	errs     arena[h248.ErrorDescriptor]
	evDescs  arena[h248.EventsDescriptor]
	reqEvs   arena[h248.RequestedEvent]
	sigDescs arena[h248.SignalsDescriptor]
	sigReqs  arena[h248.SignalRequest]
	obsEvs   arena[h248.ObservedEvent]
	statDesc arena[h248.StatisticsDescriptor]
	statPs   arena[h248.StatisticsParameter]
	audDescs arena[h248.AuditDescriptor]
	props    arena[h248.PropertyParm]
	vals     arena[h248.Value]
	tids     arena[h248.TerminationID]
	times    arena[h248.TimeNotation]
	mids     arena[h248.MID]
	tokens   arena[h248.AuditToken]
	eventDMs arena[h248.EventDM]
	profiles arena[h248.Profile]
}

// arena hands out objects and exactly sized lists cut from shared chunks,
// so that the many small parts of a message cost few allocations. Chunks
// double from 1 (or the hint) to 64 elements; a list is sized by the
// elements actually present in the input (children), never by a length or
// count read off the wire.
type arena[T any] struct{ buf []T }

// make returns a list of n zero values with capacity n: appending to it
// copies it out of the arena. A new chunk holds at least hint elements.
func (a *arena[T]) make(hint, n int) []T {
	if n == 0 {
		return nil
	}
	if cap(a.buf)-len(a.buf) < n {
		a.buf = make([]T, 0, max(n, min(64, max(1, hint, 2*cap(a.buf)))))
	}
	l := len(a.buf)
	a.buf = a.buf[:l+n]
	return a.buf[l : l+n : l+n]
}

// new returns a pointer to a zero value.
func (a *arena[T]) new(hint int) *T { return &a.make(hint, 1)[0] }

// one returns a list holding v.
func (a *arena[T]) one(hint int, v T) []T {
	l := a.make(hint, 1)
	l[0] = v
	return l
}

type bailout struct{ err *codec.DecodeError }

func decode(b []byte, c *Codec) (m *h248.Message, err error) {
	lim := c.Limits.WithDefaults()
	if len(b) > lim.MaxMessageSize {
		return nil, &codec.DecodeError{Offset: lim.MaxMessageSize, Code: h248.CodeBadRequest, Err: codec.ErrTooLarge,
			Msg: fmt.Sprintf("message of %d octets exceeds the limit of %d", len(b), lim.MaxMessageSize)}
	}
	d := decoder{b: b, maxDepth: lim.MaxDepth, maxElems: c.MaxElements, reg: c.registry(), tid: &c.TermIDs}
	if d.maxElems <= 0 {
		d.maxElems = DefaultMaxElements
	}
	d.sc = scratchPool.Get().(*scratch)
	defer func() {
		d.sc.reset()
		scratchPool.Put(d.sc)
		if r := recover(); r != nil {
			f, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			m, err = nil, f.err
		}
	}()
	m = d.message()
	d.sc.fill()
	return m, nil
}

// The first of the objects most messages are made of come in one
// allocation with the message itself, chosen by the kind of its first
// transaction (seedByLook): seeding makes them the first chunks of their
// arenas.
type reqFirsts struct {
	msg     h248.Message
	trans   [1]h248.Transaction
	txReqs  [1]h248.TransactionRequest
	actReqs [1]h248.ActionRequest
	cmdReqs [1]h248.CommandRequest
	amms    [1]h248.AmmRequest
	descs   [1]h248.Descriptor
	tids    [2]h248.TerminationID
	props   [1]h248.PropertyParm
	vals    [2]h248.Value
}

type repFirsts struct {
	msg      h248.Message
	trans    [1]h248.Transaction
	txReps   [1]h248.TransactionReply
	actReps  [1]h248.ActionReply
	cmdReps  [1]h248.CommandReply
	ammsReps [1]h248.AmmsReply
	descs    [1]h248.Descriptor
	tids     [2]h248.TerminationID
	props    [1]h248.PropertyParm
	vals     [2]h248.Value
}

func (d *decoder) seedRequest() {
	if d.first != nil {
		return
	}
	f := new(reqFirsts)
	d.first, d.trans.buf = &f.msg, f.trans[:0]
	d.txReqs.buf, d.actReqs.buf, d.cmdReqs.buf, d.amms.buf = f.txReqs[:0], f.actReqs[:0], f.cmdReqs[:0], f.amms[:0]
	d.descs.buf, d.tids.buf, d.props.buf, d.vals.buf = f.descs[:0], f.tids[:0], f.props[:0], f.vals[:0]
}

func (d *decoder) seedReply() {
	if d.first != nil {
		return
	}
	f := new(repFirsts)
	d.first, d.trans.buf = &f.msg, f.trans[:0]
	d.txReps.buf, d.actReps.buf, d.cmdReps.buf, d.ammsReps.buf = f.txReps[:0], f.actReps[:0], f.cmdReps[:0], f.ammsReps[:0]
	d.descs.buf, d.tids.buf, d.props.buf, d.vals.buf = f.descs[:0], f.tids[:0], f.props[:0], f.vals[:0]
}

// scratch holds the text of a message's termination ids while it is
// decoded: they become substrings of one string at the end (fill), one
// allocation instead of one per id. Scratches are pooled; they never hold
// anything the decoded message keeps.
type scratch struct {
	text  []byte
	fixes []tidFix
	sfix  []strFix
}

// strFix says where a string built in the scratch goes.
type strFix struct {
	dst        *string
	start, end int
}

// setString arranges for *dst to be the text appended to sc.text since
// start.
func (sc *scratch) setString(dst *string, start int) {
	sc.sfix = append(sc.sfix, strFix{dst, start, len(sc.text)})
}

// tidFix says where a termination id's text goes.
type tidFix struct {
	dst        *h248.TerminationID
	start, end int
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// setTermID arranges for *dst to be the text appended to sc.text since
// start.
func (sc *scratch) setTermID(dst *h248.TerminationID, start int) {
	sc.fixes = append(sc.fixes, tidFix{dst, start, len(sc.text)})
}

func (sc *scratch) fill() {
	if len(sc.fixes) == 0 && len(sc.sfix) == 0 {
		return
	}
	s := string(sc.text)
	for _, f := range sc.fixes {
		*f.dst = h248.TerminationID(s[f.start:f.end])
	}
	for _, f := range sc.sfix {
		*f.dst = s[f.start:f.end]
	}
}

func (sc *scratch) reset() {
	clear(sc.fixes)
	clear(sc.sfix)
	sc.fixes, sc.sfix, sc.text = sc.fixes[:0], sc.sfix[:0], sc.text[:0]
	if cap(sc.text) > 64<<10 || cap(sc.fixes) > 4096 || cap(sc.sfix) > 4096 {
		*sc = scratch{} // do not keep a monster message's buffers
	}
}

func (d *decoder) fail(err error) {
	de, ok := err.(*codec.DecodeError)
	if !ok {
		de = &codec.DecodeError{Msg: err.Error(), Code: h248.CodeBadRequest, Err: codec.ErrSyntax}
	}
	panic(bailout{de})
}

// failAt stops decoding with a syntax error (400) at off.
func (d *decoder) failAt(off int, format string, args ...any) {
	panic(bailout{errAt(off, format, args...)})
}

// failCode stops decoding with a syntax error carrying another H.248 code.
func (d *decoder) failCode(off int, code h248.ErrorCode, format string, args ...any) {
	e := errAt(off, format, args...)
	e.Code = code
	panic(bailout{e})
}

// elem reads into h the header of the element at off, which must end by
// end, and finds the end of an indefinite length.
func (d *decoder) elem(off, end int, h *header) {
	d.elems++
	if d.elems > d.maxElems {
		d.tooMany(off)
	}
	// peek's common case, repeated here to save a call.
	b := d.b
	if off+1 < end && end <= len(b) && b[off]&tagMask != tagMask && b[off+1] < 0x80 {
		id, l := b[off], int(b[off+1])
		if l <= end-off-2 {
			h.class, h.cons, h.tag = id&classMask, id&constructedBit != 0, uint32(id&tagMask)
			h.start, h.body, h.end, h.next = off, off+2, off+2+l, off+2+l
			return
		}
	}
	d.peek(off, end, h)
}

// children counts the elements inside the constructed element h, reading
// only their headers. More than the element limit leaves fails at once,
// before a list of them is allocated.
func (d *decoder) children(h *header) int {
	if !h.cons {
		d.failAt(h.start, "a constructed element expected")
	}
	n := 0
	var c header
	for off := h.body; off < h.end; off = c.next {
		if n >= d.maxElems-d.elems {
			d.tooMany(off)
		}
		d.peek(off, h.end, &c)
		n++
	}
	return n
}

// peek reads into h the header of the element at off, without counting it.
func (d *decoder) peek(off, end int, h *header) {
	// The common cases inline: a one-octet tag and a length of up to three
	// octets.
	b := d.b
	if off+1 < end && end <= len(b) && b[off]&tagMask != tagMask {
		id, l, body := b[off], int(b[off+1]), off+2
		ok := true
		switch {
		case l < 0x80:
		case l == 0x81 && body < end:
			l, body = int(b[body]), body+1
		case l == 0x82 && body+1 < end:
			l, body = int(b[body])<<8|int(b[body+1]), body+2
		default:
			ok = false
		}
		if ok && l <= end-body {
			h.class, h.cons, h.tag = id&classMask, id&constructedBit != 0, uint32(id&tagMask)
			h.start, h.body, h.end, h.next = off, body, body+l, body+l
			return
		}
	}
	var err error
	*h, err = readHeader(b[:end], off)
	if err != nil {
		d.fail(err)
	}
	if h.end < 0 {
		d.findEnd(h, end, d.depth+1)
	}
}

func (d *decoder) tooMany(off int) {
	panic(bailout{&codec.DecodeError{Offset: off, Code: h248.CodeBadRequest, Err: ErrTooManyElements,
		Msg: fmt.Sprintf("more than %d elements", d.maxElems)}})
}

func (d *decoder) tooDeep(off int) {
	panic(bailout{&codec.DecodeError{Offset: off, Code: h248.CodeBadRequest, Err: codec.ErrTooDeep,
		Msg: fmt.Sprintf("elements nest deeper than %d", d.maxDepth)}})
}

// findEnd sets the end of the contents and the end of the element h, of
// indefinite length at nesting depth depth, by skipping the elements
// inside it up to its end-of-contents octets. The ends of the
// indefinite-length elements found inside are kept, so that each element
// is skipped once however deep the nesting (the elements are counted when
// they are read, not when they are skipped).
func (d *decoder) findEnd(h *header, end, depth int) {
	if e, ok := d.ends[h.start]; ok {
		h.end, h.next = e[0], e[1]
		return
	}
	h.end, h.next = d.scan(h.start, h.body, end, depth)
}

func (d *decoder) scan(start, off, end, depth int) (int, int) {
	if depth > d.maxDepth {
		d.tooDeep(start)
	}
	for {
		if off+2 <= end && d.b[off] == 0 && d.b[off+1] == 0 {
			return off, off + 2
		}
		if off >= end {
			d.failAt(off, "truncated: end-of-contents octets of the element at %d missing", start)
		}
		c, err := readHeader(d.b[:end], off)
		if err != nil {
			d.fail(err)
		}
		if c.end < 0 {
			c.end, c.next = d.scan(c.start, c.body, end, depth+1)
			if d.ends == nil {
				d.ends = map[int][2]int{}
			}
			if len(d.ends) < d.maxElems {
				d.ends[c.start] = [2]int{c.end, c.next}
			}
		}
		off = c.next
	}
}

// seq iterates over the elements inside a constructed element.
type seq struct{ off, end int }

// open enters the constructed element h; close leaves it.
func (d *decoder) open(h *header) seq {
	if !h.cons {
		d.failAt(h.start, "a constructed element expected")
	}
	d.depth++
	if d.depth > d.maxDepth {
		d.tooDeep(h.start)
	}
	return seq{h.body, h.end}
}

func (d *decoder) close() { d.depth-- }

// next reads the next element inside s into h; it reports false at the
// end of s.
func (d *decoder) next(s *seq, h *header) bool {
	if s.off >= s.end {
		return false
	}
	d.elem(s.off, s.end, h)
	s.off = h.next
	return true
}

// choice reads the one element inside the explicit tag h of a CHOICE.
func (d *decoder) choice(h *header) header {
	s := d.open(h)
	var c header
	if !d.next(&s, &c) {
		d.failAt(h.start, "an empty CHOICE")
	}
	if s.off < s.end {
		d.failAt(s.off, "a second element in a CHOICE")
	}
	d.close()
	return c
}

// unexpected stops at an element a non-extensible type does not have.
func (d *decoder) unexpected(h *header, in string) {
	d.failAt(h.start, "unexpected element [%d] in %s", h.tag, in)
}

// missing stops when a mandatory component is absent.
func (d *decoder) missing(h *header, what, in string) {
	d.failAt(h.start, "%s has no %s", in, what)
}

// prim checks that h is primitive.
func (d *decoder) prim(h *header) {
	if h.cons {
		d.failAt(h.start, "a primitive element expected")
	}
}

func (d *decoder) uintv(h *header, bits int) uint64 {
	d.prim(h)
	v, err := readUint(d.b, h.body, h.end, bits)
	if err != nil {
		d.fail(err)
	}
	return v
}

func (d *decoder) u32(h *header) uint32 { return uint32(d.uintv(h, 32)) }
func (d *decoder) u16(h *header) uint16 { return uint16(d.uintv(h, 16)) }

// upTo reads an INTEGER(0..max).
func (d *decoder) upTo(h *header, max uint64, what string) uint64 {
	v := d.uintv(h, 64)
	if v > max {
		d.failAt(h.body, "%s %d is out of range 0..%d", what, v, max)
	}
	return v
}

func (d *decoder) boolv(h *header) bool {
	d.prim(h)
	v, err := readBool(d.b, h.body, h.end)
	if err != nil {
		d.fail(err)
	}
	return v
}

func (d *decoder) null(h *header) {
	d.prim(h)
	if h.end != h.body {
		d.failAt(h.body, "a NULL has contents")
	}
}

// content returns the contents of a string element: a slice of the input
// when primitive, the segments joined when constructed.
func (d *decoder) content(h *header) []byte {
	if !h.cons {
		return d.b[h.body:h.end]
	}
	return d.appendSegments(nil, h)
}

func (d *decoder) appendSegments(dst []byte, h *header) []byte {
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		if c.cons {
			dst = d.appendSegments(dst, c)
		} else {
			dst = append(dst, d.b[c.body:c.end]...)
		}
	}
	d.close()
	return dst
}

// str sets *dst, which must stay where it is, to the contents of a string
// element (when the message is complete).
func (d *decoder) str(h *header, dst *string) { d.setStr(dst, d.content(h)) }

// setStr sets *dst, which must stay where it is, to b (when the message is
// complete): every string of a message is a substring of one allocation.
func (d *decoder) setStr(dst *string, b []byte) {
	if len(b) == 0 {
		*dst = ""
		return
	}
	start := len(d.sc.text)
	d.sc.text = append(d.sc.text, b...)
	d.sc.setString(dst, start)
}

// fixed reads an OCTET STRING of exactly n octets into dst.
func (d *decoder) fixed(h *header, dst []byte, what string) {
	c := d.content(h)
	if len(c) != len(dst) {
		d.failAt(h.start, "%s has %d octets, not %d", what, len(c), len(dst))
	}
	copy(dst, c)
}

// --- message, transactions, actions ---

func (d *decoder) message() *h248.Message {
	h := &header{}
	d.elem(0, len(d.b), h)
	if !h.is(classUniversal, tagSequence) {
		d.failAt(0, "a MegacoMessage (SEQUENCE) expected")
	}
	if h.next != len(d.b) {
		d.failAt(h.next, "%d octets after the message", len(d.b)-h.next)
	}
	d.seedByLook(h)
	m := d.first
	s := d.open(h)
	mess := false
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0) && !mess:
			m.Auth = d.authHeader(c)
		case c.ctx(1) && !mess:
			d.mess(c, m)
			mess = true
		default:
			d.unexpected(c, "MegacoMessage")
		}
	}
	d.close()
	if !mess {
		d.missing(h, "Message", "MegacoMessage")
	}
	return m
}

// seedByLook looks ahead for the first transaction of the message h and
// allocates the message with the first objects of its kind. It reads
// definite-length headers only and leaves errors to the decoding.
func (d *decoder) seedByLook(h *header) {
	b := d.b
	body, end := h.body, h.end
	for _, want := range [...]byte{0xA1, 0xA2, 0xA1} { // mess, messageBody, transactions
		found := false
		for off := body; off < end; {
			id, cb, ce, ok := quickHeader(b, off, end)
			if !ok {
				break
			}
			if id == want {
				body, end, found = cb, ce, true
				break
			}
			off = ce
		}
		if !found {
			d.first = new(h248.Message)
			return
		}
	}
	switch id, _, _, _ := quickHeader(b, body, end); id {
	case 0xA0:
		d.seedRequest()
	case 0xA2:
		d.seedReply()
	default:
		d.first = new(h248.Message)
	}
}

// quickHeader reads the identifier and definite length of the element at
// off (a one-octet tag, a length of up to three octets) and returns its
// identifier octet and contents; ok is false for anything else.
func quickHeader(b []byte, off, end int) (id byte, body, cend int, ok bool) {
	if off+1 >= end || end > len(b) || b[off]&tagMask == tagMask {
		return 0, 0, 0, false
	}
	id, l, body := b[off], int(b[off+1]), off+2
	switch {
	case l < 0x80:
	case l == 0x81 && body < end:
		l, body = int(b[body]), body+1
	case l == 0x82 && body+1 < end:
		l, body = int(b[body])<<8|int(b[body+1]), body+2
	default:
		return 0, 0, 0, false
	}
	if l > end-body {
		return 0, 0, 0, false
	}
	return id, body, body + l, true
}

func (d *decoder) authHeader(h *header) *h248.AuthHeader {
	a := &h248.AuthHeader{}
	var seen uint8
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		var v [4]byte
		switch {
		case c.ctx(0):
			d.fixed(c, v[:], "SecurityParmIndex")
			a.SPI = uint32(v[0])<<24 | uint32(v[1])<<16 | uint32(v[2])<<8 | uint32(v[3])
		case c.ctx(1):
			d.fixed(c, v[:], "SequenceNum")
			a.SeqNum = uint32(v[0])<<24 | uint32(v[1])<<16 | uint32(v[2])<<8 | uint32(v[3])
		case c.ctx(2):
			data := d.content(c)
			if len(data) < 12 || len(data) > 32 {
				d.failAt(c.start, "AuthData has %d octets, not 12 to 32", len(data))
			}
			a.Data = append([]byte(nil), data...)
		default:
			d.unexpected(c, "AuthenticationHeader")
		}
		seen |= 1 << c.tag
	}
	d.close()
	if seen != 7 {
		d.missing(h, "SPI, sequence number or data", "AuthenticationHeader")
	}
	return a
}

func (d *decoder) mess(h *header, m *h248.Message) {
	s := d.open(h)
	c := &header{}
	if !d.next(&s, c) || !c.ctx(0) {
		d.failAt(h.body, "the Message does not start with its version")
	}
	v := d.upTo(c, 99, "version")
	if v < 1 || v > 3 {
		panic(bailout{&codec.DecodeError{Offset: c.start, Code: h248.CodeVersionNotSupported, Err: codec.ErrVersion,
			Msg: fmt.Sprintf("version %d is not supported (1 to 3 are)", v)}})
	}
	d.ver, m.Version = int(v), int(v)
	var seen uint8
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(1):
			d.midIn(c, 0, "MID", &m.MID)
		case c.ctx(2):
			bv := d.choice(c)
			b := &bv
			switch {
			case b.ctx(0):
				m.Error = d.errorDescriptor(b)
			case b.ctx(1):
				m.Transactions = d.trans.make(d.hint, d.children(b))
				ts := d.open(b)
				for i, t := 0, (&header{}); d.next(&ts, t); i++ {
					m.Transactions[i] = d.transaction(t)
				}
				d.close()
			default:
				d.unexpected(b, "messageBody")
			}
		case c.class == classContext && c.tag > 2:
			continue // an extension
		default:
			d.unexpected(c, "Message")
		}
		seen |= 1 << c.tag
	}
	d.close()
	if seen&6 != 6 {
		d.missing(h, "MID or body", "Message")
	}
	if m.Error == nil && len(m.Transactions) == 0 {
		d.failAt(h.start, "a message without transactions")
	}
}

// mid reads a MId (base 0) or a ServiceChangeAddress (base 1) from its
// chosen alternative.
func (d *decoder) mid(h *header, base uint32, what string, m *h248.MID) {
	if h.class == classContext && base == 1 && h.tag == 0 {
		*m = h248.MID{Kind: h248.MIDPort, Port: h248.Some(uint16(d.upTo(h, 65535, "port")))}
		return
	}
	if h.class != classContext || h.tag < base || h.tag > base+4 {
		d.failAt(h.start, "unknown %s alternative [%d]", what, h.tag)
	}
	switch h.tag - base {
	case 0, 1: // IP4Address, IP6Address
		*m = h248.MID{Kind: h248.MIDIP4}
		var a4 [4]byte
		var a16 [16]byte
		addr := false
		s := d.open(h)
		for c := (&header{}); d.next(&s, c); {
			switch {
			case c.ctx(0) && h.tag == base:
				d.fixed(c, a4[:], "an IPv4 address")
				m.Addr, addr = netip.AddrFrom4(a4), true
			case c.ctx(0):
				d.fixed(c, a16[:], "an IPv6 address")
				m.Kind, m.Addr, addr = h248.MIDIP6, netip.AddrFrom16(a16), true
			case c.ctx(1):
				m.Port = h248.Some(uint16(d.upTo(c, 65535, "port")))
			default:
				d.unexpected(c, "an IP address")
			}
		}
		d.close()
		if !addr {
			d.missing(h, "address", what)
		}
	case 2: // DomainName
		*m = h248.MID{Kind: h248.MIDDomain}
		named := false
		s := d.open(h)
		for c := (&header{}); d.next(&s, c); {
			switch {
			case c.ctx(0):
				d.str(c, &m.Name)
				named = c.end > c.body
			case c.ctx(1):
				m.Port = h248.Some(uint16(d.upTo(c, 65535, "port")))
			default:
				d.unexpected(c, "DomainName")
			}
		}
		d.close()
		if !named {
			d.missing(h, "name", "DomainName")
		}
	case 3:
		name := d.content(h)
		if len(name) == 0 || len(name) > 64 {
			d.failAt(h.start, "a device name has 1 to 64 characters, not %d", len(name))
		}
		*m = h248.MID{Kind: h248.MIDDevice}
		d.setStr(&m.Name, name)
	default: // mtpAddress
		c := d.content(h)
		if len(c) < 2 || len(c) > 4 {
			d.failAt(h.start, "an MTP address has 2 to 4 octets, not %d", len(c))
		}
		var buf [8]byte
		for i, x := range c {
			buf[2*i], buf[2*i+1] = upperHex[x>>4], upperHex[x&15]
		}
		*m = h248.MID{Kind: h248.MIDMTP}
		d.setStr(&m.Name, buf[:2*len(c)])
	}
}

const upperHex = "0123456789ABCDEF"

func (d *decoder) errorDescriptor(h *header) *h248.ErrorDescriptor {
	ed := d.errs.new(d.hint)
	code := false
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			ed.Code, code = h248.ErrorCode(d.upTo(c, 65535, "error code")), true
		case c.ctx(1):
			d.str(c, &ed.Text)
		default:
			d.unexpected(c, "ErrorDescriptor")
		}
	}
	d.close()
	if !code {
		d.missing(h, "error code", "ErrorDescriptor")
	}
	return ed
}

func (d *decoder) transaction(h *header) h248.Transaction {
	if h.class != classContext {
		d.failAt(h.start, "a Transaction expected")
	}
	switch h.tag {
	case 0:
		d.seedRequest()
		t := d.txReqs.new(d.hint)
		var seen uint8
		s := d.open(h)
		for c := (&header{}); d.next(&s, c); {
			switch {
			case c.ctx(0):
				t.ID = d.u32(c)
			case c.ctx(1):
				t.Actions = d.actReqs.make(d.hint, d.children(c))
				as := d.open(c)
				for i, a := 0, (&header{}); d.next(&as, a); i++ {
					d.actionRequest(a, &t.Actions[i])
				}
				d.close()
			case c.class == classContext:
				continue
			default:
				d.unexpected(c, "TransactionRequest")
			}
			seen |= 1 << c.tag
		}
		d.close()
		if seen != 3 {
			d.missing(h, "id or actions", "TransactionRequest")
		}
		return t
	case 1:
		t := &h248.TransactionPending{}
		idSeen := false
		s := d.open(h)
		for c := (&header{}); d.next(&s, c); {
			if c.ctx(0) {
				t.ID, idSeen = d.u32(c), true
			} else if c.class != classContext {
				d.unexpected(c, "TransactionPending")
			}
		}
		d.close()
		if !idSeen {
			d.missing(h, "id", "TransactionPending")
		}
		return t
	case 2:
		d.seedReply()
		return d.transactionReply(h)
	case 3:
		t := &h248.TransactionResponseAck{}
		s := d.open(h)
		for c := (&header{}); d.next(&s, c); {
			if !c.is(classUniversal, tagSequence) {
				d.unexpected(c, "TransactionResponseAck")
			}
			var a h248.TransactionAck
			first := false
			as := d.open(c)
			for x := (&header{}); d.next(&as, x); {
				switch {
				case x.ctx(0):
					a.First, first = d.u32(x), true
				case x.ctx(1):
					a.Last = h248.Some(d.u32(x))
				default:
					d.unexpected(x, "TransactionAck")
				}
			}
			d.close()
			if !first {
				d.missing(c, "firstAck", "TransactionAck")
			}
			t.Acks = append(t.Acks, a)
		}
		d.close()
		return t
	case 4:
		if d.ver >= 3 {
			t := &h248.SegmentReply{}
			var seen uint8
			s := d.open(h)
			for c := (&header{}); d.next(&s, c); {
				switch {
				case c.ctx(0):
					t.ID = d.u32(c)
				case c.ctx(1):
					t.SegmentNumber = d.u16(c)
				case c.ctx(2):
					d.null(c)
					t.SegmentationComplete = true
				case c.class == classContext:
					continue
				default:
					d.unexpected(c, "SegmentReply")
				}
				seen |= 1 << c.tag
			}
			d.close()
			if seen&3 != 3 {
				d.missing(h, "id or segment number", "SegmentReply")
			}
			return t
		}
	}
	d.failAt(h.start, "unknown Transaction alternative [%d] in a version %d message", h.tag, d.ver)
	return nil
}

func (d *decoder) transactionReply(h *header) *h248.TransactionReply {
	t := d.txReps.new(d.hint)
	var seen uint8
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			t.ID = d.u32(c)
		case c.ctx(1):
			d.null(c)
			t.ImmAckRequired = true
		case c.ctx(2):
			rv := d.choice(c)
			r := &rv
			switch {
			case r.ctx(0):
				t.Error = d.errorDescriptor(r)
			case r.ctx(1):
				t.Actions = d.actReps.make(d.hint, d.children(r))
				as := d.open(r)
				for i, a := 0, (&header{}); d.next(&as, a); i++ {
					d.actionReply(a, &t.Actions[i])
				}
				d.close()
			default:
				d.unexpected(r, "transactionResult")
			}
		case c.ctx(3) && d.ver >= 3:
			t.SegmentNumber = h248.Some(d.u16(c))
		case c.ctx(4) && d.ver >= 3:
			d.null(c)
			t.SegmentationComplete = true
		case c.class == classContext && c.tag > 2:
			continue
		default:
			d.unexpected(c, "TransactionReply")
		}
		seen |= 1 << c.tag
	}
	d.close()
	if seen&5 != 5 {
		d.missing(h, "id or result", "TransactionReply")
	}
	return t
}

func (d *decoder) actionRequest(h *header, a *h248.ActionRequest) {
	if !h.is(classUniversal, tagSequence) {
		d.failAt(h.start, "an ActionRequest (SEQUENCE) expected")
	}
	var seen uint8
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			a.ContextID = h248.ContextID(d.u32(c))
		case c.ctx(1):
			a.Context = d.contextRequest(c)
		case c.ctx(2):
			a.ContextAudit = d.contextAudit(c)
		case c.ctx(3):
			a.Commands = d.cmdReqs.make(d.hint, d.children(c))
			d.hint = len(a.Commands)
			cs := d.open(c)
			for i, x := 0, (&header{}); d.next(&cs, x); i++ {
				d.commandRequest(x, &a.Commands[i])
			}
			d.close()
		default:
			d.unexpected(c, "ActionRequest")
		}
		seen |= 1 << c.tag
	}
	d.close()
	if seen&9 != 9 {
		d.missing(h, "context id or commands", "ActionRequest")
	}
}

func (d *decoder) actionReply(h *header, a *h248.ActionReply) {
	if !h.is(classUniversal, tagSequence) {
		d.failAt(h.start, "an ActionReply (SEQUENCE) expected")
	}
	var seen uint8
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			a.ContextID = h248.ContextID(d.u32(c))
		case c.ctx(1):
			a.Error = d.errorDescriptor(c)
		case c.ctx(2):
			a.Context = d.contextRequest(c)
		case c.ctx(3):
			a.Commands = d.cmdReps.make(d.hint, d.children(c))
			d.hint = len(a.Commands)
			cs := d.open(c)
			for i, x := 0, (&header{}); d.next(&cs, x); i++ {
				a.Commands[i] = d.commandReply(x)
			}
			d.close()
		default:
			d.unexpected(c, "ActionReply")
		}
		seen |= 1 << c.tag
	}
	d.close()
	if seen&1 != 1 {
		d.missing(h, "context id", "ActionReply")
	}
}

func (d *decoder) contextRequest(h *header) *h248.ContextRequest {
	cr := d.ctxReqs.new(d.hint)
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			cr.Priority = h248.Some(uint16(d.upTo(c, 15, "priority")))
		case c.ctx(1):
			cr.Emergency = h248.Some(d.boolv(c))
		case c.ctx(2):
			cr.Topology = make([]h248.TopologyRequest, d.children(c))
			ts := d.open(c)
			for i, t := 0, (&header{}); d.next(&ts, t); i++ {
				d.topology(t, &cr.Topology[i])
			}
			d.close()
		case c.ctx(3) && d.ver >= 3:
			cr.IEPS = h248.Some(d.boolv(c))
		case c.ctx(4) && d.ver >= 3:
			cr.Props = d.propertyParms(c)
		case c.ctx(5) && d.ver >= 3:
			ls := d.open(c)
			for x := (&header{}); d.next(&ls, x); {
				cr.ContextList = append(cr.ContextList, h248.ContextID(d.u32(x)))
			}
			d.close()
		case c.class == classContext && c.tag > 2:
		default:
			d.unexpected(c, "ContextRequest")
		}
	}
	d.close()
	return cr
}

func (d *decoder) topology(h *header, t *h248.TopologyRequest) {
	var seen uint8
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			d.termID(c, &t.From)
		case c.ctx(1):
			d.termID(c, &t.To)
		case c.ctx(2):
			if seen&(1<<4) == 0 {
				t.Direction = h248.TopologyDirection(d.enum(c, 2, "topology direction"))
			}
		case c.ctx(3) && d.ver >= 2:
			t.Stream = h248.Some(d.u16(c))
		case c.ctx(4) && d.ver >= 3:
			t.Direction = h248.OnewayExternal + h248.TopologyDirection(d.enum(c, 1, "topology direction extension"))
		case c.class == classContext && c.tag > 2:
			continue
		default:
			d.unexpected(c, "TopologyRequest")
		}
		seen |= 1 << c.tag
	}
	d.close()
	if seen&7 != 7 {
		d.missing(h, "from, to or direction", "TopologyRequest")
	}
}

// enum reads an ENUMERATED value of at most max.
func (d *decoder) enum(h *header, max uint64, what string) uint64 {
	v := d.uintv(h, 32)
	if v > max {
		d.failAt(h.body, "unknown %s %d", what, v)
	}
	return v
}

func (d *decoder) contextAudit(h *header) *h248.ContextAttrAuditRequest {
	ca := &h248.ContextAttrAuditRequest{}
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			d.null(c)
			ca.Topology = true
		case c.ctx(1):
			d.null(c)
			ca.Emergency = true
		case c.ctx(2):
			d.null(c)
			ca.Priority = true
		case c.class != classContext || c.tag <= 2:
			d.unexpected(c, "ContextAttrAuditRequest")
		case d.ver < 3:
		case c.tag == 3:
			d.null(c)
			ca.IEPS = true
		case c.tag == 4:
			ps := d.open(c)
			for p := (&header{}); d.next(&ps, p); {
				ca.Props = append(ca.Props, d.indAudProp(p))
			}
			d.close()
		case c.tag == 5:
			ca.SelectPriority = h248.Some(uint16(d.upTo(c, 15, "priority")))
		case c.tag == 6:
			ca.SelectEmergency = h248.Some(d.boolv(c))
		case c.tag == 7:
			ca.SelectIEPS = h248.Some(d.boolv(c))
		case c.tag == 8:
			lv := d.choice(c)
			l := &lv
			switch {
			case l.ctx(0):
				d.null(l)
				ca.SelectLogic = h248.SelectAnd
			case l.ctx(1):
				d.null(l)
				ca.SelectLogic = h248.SelectOr
			default:
				d.failAt(l.start, "unknown select logic [%d]", l.tag)
			}
		}
	}
	d.close()
	return ca
}

// termID reads a TerminationID into *dst, which must stay where it is:
// its text is filled in when the message is complete.
func (d *decoder) termID(h *header, dst *h248.TerminationID) {
	var wildBuf [8]byte
	wild := wildBuf[:0]
	var id []byte
	idOff, wildsOff := -1, 0
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		switch {
		case c.ctx(0):
			wildsOff = c.start
			ws := d.open(c)
			for w := (&header{}); d.next(&ws, w); {
				f := d.content(w)
				if len(f) != 1 {
					d.failAt(w.start, "a wildcard field has 1 octet, not %d", len(f))
				}
				if len(wild) == maxWildcards {
					d.failAt(w.start, "more than %d wildcard fields", maxWildcards)
				}
				wild = append(wild, f[0])
			}
			d.close()
		case c.ctx(1):
			id, idOff = d.content(c), c.start
		case c.class == classContext:
		default:
			d.unexpected(c, "TerminationID")
		}
	}
	d.close()
	if idOff < 0 {
		d.missing(h, "id", "TerminationID")
	}
	start := len(d.sc.text)
	var bad int
	var msg string
	d.sc.text, bad, msg = d.tid.appendName(d.sc.text, wild, id)
	if msg != "" {
		off := idOff
		if bad >= 0 { // the offending wildcard field's offset
			var ws, w header
			d.peek(wildsOff, h.end, &ws)
			for off = ws.body; bad > 0; bad-- {
				d.peek(off, ws.end, &w)
				off = w.next
			}
		}
		d.failCode(off, h248.CodeUnknownTerminationID, "%s", msg)
	}
	d.sc.setTermID(dst, start)
}

// termIDList reads a TerminationIDList.
func (d *decoder) termIDList(h *header) []h248.TerminationID {
	ids := d.tids.make(d.hint, d.children(h))
	s := d.open(h)
	for i, c := 0, (&header{}); d.next(&s, c); i++ {
		d.termID(c, &ids[i])
	}
	d.close()
	return ids
}

func (d *decoder) timeNotation(h *header) *h248.TimeNotation {
	t := d.times.new(d.hint)
	var seen uint8
	s := d.open(h)
	for c := (&header{}); d.next(&s, c); {
		if c.class != classContext || c.tag > 1 {
			d.unexpected(c, "TimeNotation")
		}
		v := d.content(c)
		if len(v) != 8 {
			d.failAt(c.start, "a time notation has a date and a time of 8 characters, not %d", len(v))
		}
		if c.tag == 0 {
			d.setStr(&t.Date, v)
		} else {
			d.setStr(&t.Time, v)
		}
		seen |= 1 << c.tag
	}
	d.close()
	if seen != 3 {
		d.missing(h, "date or time", "TimeNotation")
	}
	return t
}

// midIn reads a MId or ServiceChangeAddress inside the explicit tag h
// into *m, which must stay where it is.
func (d *decoder) midIn(h *header, base uint32, what string, m *h248.MID) {
	c := d.choice(h)
	d.mid(&c, base, what, m)
}
