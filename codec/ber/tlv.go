package ber

import (
	"fmt"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/h248"
)

// The identifier octet: class, constructed bit, tag number (X.690 8.1.2).
const (
	classUniversal   = 0x00
	classApplication = 0x40
	classContext     = 0x80
	classPrivate     = 0xC0
	classMask        = 0xC0
	constructedBit   = 0x20
	tagMask          = 0x1F
)

// Universal tags used by H.248's ASN.1 and by package values (A.2).
const (
	tagBoolean     = 1
	tagInteger     = 2
	tagBitString   = 3
	tagOctetString = 4
	tagNull        = 5
	tagEnumerated  = 10
	tagUTF8String  = 12
	tagSequence    = 16
	tagPrintable   = 19
	tagIA5String   = 22
	tagVisible     = 26
)

// maxTagNumber bounds a long-form tag number (four base-128 octets).
const maxTagNumber = 1<<28 - 1

// header is one element's identifier and length, read by readHeader.
type header struct {
	class byte   // classUniversal, classApplication, classContext or classPrivate
	cons  bool   // constructed
	tag   uint32 // tag number
	start int    // offset of the identifier octet
	body  int    // offset of the first content octet
	// end is the offset after the contents; -1 for an indefinite length
	// until the decoder has found the end-of-contents octets.
	end int
	// next is the offset of the element that follows (after the
	// end-of-contents octets of an indefinite length); -1 while unknown.
	next int
}

// is reports whether h has the given class and tag number.
func (h *header) is(class byte, tag uint32) bool { return h.class == class && h.tag == tag }

// ctx reports whether h is the context-specific tag [n].
func (h *header) ctx(n uint32) bool { return h.class == classContext && h.tag == n }

// errAt returns a syntax error (H.248 code 400) at a byte offset.
func errAt(off int, format string, args ...any) *codec.DecodeError {
	return &codec.DecodeError{Offset: off, Msg: fmt.Sprintf(format, args...), Code: h248.CodeBadRequest, Err: codec.ErrSyntax}
}

// readTag reads an identifier at off, short or long form, and returns the
// offset after it. Every octet is bounds-checked against len(b).
func readTag(b []byte, off int) (class byte, cons bool, tag uint32, off1 int, err error) {
	if off >= len(b) {
		return 0, false, 0, off, errAt(off, "truncated: identifier expected")
	}
	id := b[off]
	class, cons, tag = id&classMask, id&constructedBit != 0, uint32(id&tagMask)
	off++
	if tag != tagMask {
		return class, cons, tag, off, nil
	}
	// Long form: base-128 octets, the last with bit 8 clear.
	start := off
	tag = 0
	for {
		if off >= len(b) {
			return 0, false, 0, off, errAt(off, "truncated: long-form tag number")
		}
		c := b[off]
		off++
		if off-start > 4 {
			return 0, false, 0, start, errAt(start, "tag number longer than 4 octets")
		}
		tag = tag<<7 | uint32(c&0x7F)
		if c&0x80 == 0 {
			break
		}
	}
	if tag > maxTagNumber {
		return 0, false, 0, start, errAt(start, "tag number too large")
	}
	return class, cons, tag, off, nil
}

// readLength reads a length at off. It returns n = -1 for the indefinite
// form; a definite length is checked to fit in b after the length octets.
func readLength(b []byte, off int) (n, off1 int, err error) {
	if off >= len(b) {
		return 0, off, errAt(off, "truncated: length expected")
	}
	c := b[off]
	off++
	switch {
	case c < 0x80:
		n = int(c)
	case c == 0x80:
		return -1, off, nil
	case c == 0xFF:
		return 0, off - 1, errAt(off-1, "reserved length octet 0xFF")
	default:
		k := int(c & 0x7F)
		if k > len(b)-off {
			return 0, off - 1, errAt(off-1, "truncated: %d length octets", k)
		}
		for i := 0; i < k; i++ {
			if n > (len(b)-off)>>8 {
				// n<<8 would already exceed what the input holds.
				return 0, off - 1, errAt(off-1, "length exceeds the input")
			}
			n = n<<8 | int(b[off+i])
		}
		off += k
	}
	if n > len(b)-off {
		return 0, off - 1, errAt(off-1, "length %d exceeds the %d octets left", n, len(b)-off)
	}
	return n, off, nil
}

// readHeader reads the identifier and length of the element at off. For a
// definite length it sets end and next; for an indefinite length (only
// allowed for constructed elements) both are -1 and the caller finds the
// end-of-contents octets.
func readHeader(b []byte, off int) (h header, err error) {
	h.start = off
	h.class, h.cons, h.tag, off, err = readTag(b, off)
	if err != nil {
		return h, err
	}
	lenOff := off
	n, off, err := readLength(b, off)
	if err != nil {
		return h, err
	}
	h.body = off
	if n < 0 {
		if !h.cons {
			return h, errAt(lenOff, "indefinite length on a primitive element")
		}
		h.end, h.next = -1, -1
		return h, nil
	}
	h.end = off + n
	h.next = h.end
	return h, nil
}

// readUint reads the contents b[start:end] of an INTEGER (or ENUMERATED)
// as an unsigned value of at most bits bits. Leading zero octets are
// accepted; a negative value is an error.
func readUint(b []byte, start, end int, bits int) (uint64, error) {
	if start >= end {
		return 0, errAt(start, "empty integer")
	}
	if end > len(b) {
		return 0, errAt(start, "truncated integer")
	}
	if b[start]&0x80 != 0 {
		return 0, errAt(start, "negative integer where an unsigned one is expected")
	}
	var v uint64
	for i := start; i < end; i++ {
		if v>>(bits-8) != 0 {
			return 0, errAt(start, "integer does not fit in %d bits", bits)
		}
		v = v<<8 | uint64(b[i])
	}
	if bits < 64 && v>>bits != 0 {
		return 0, errAt(start, "integer does not fit in %d bits", bits)
	}
	return v, nil
}

// readInt reads the contents b[start:end] of an INTEGER as a signed
// 64-bit value.
func readInt(b []byte, start, end int) (int64, error) {
	if start >= end {
		return 0, errAt(start, "empty integer")
	}
	if end > len(b) {
		return 0, errAt(start, "truncated integer")
	}
	// Skip redundant sign octets so that non-minimal encodings of values
	// that fit are accepted.
	for end-start > 8 && (b[start] == 0 && b[start+1]&0x80 == 0 || b[start] == 0xFF && b[start+1]&0x80 != 0) {
		start++
	}
	if end-start > 8 {
		return 0, errAt(start, "integer longer than 8 octets")
	}
	v := int64(int8(b[start]))
	for i := start + 1; i < end; i++ {
		v = v<<8 | int64(b[i])
	}
	return v, nil
}

// readBool reads the contents of a BOOLEAN: one octet, zero is false.
func readBool(b []byte, start, end int) (bool, error) {
	if end-start != 1 || end > len(b) {
		return false, errAt(start, "a BOOLEAN has one content octet, not %d", end-start)
	}
	return b[start] != 0, nil
}

// --- writing ---

// appendTag appends an identifier octet (or octets, for tag numbers of 31
// and more).
func appendTag(b []byte, class byte, cons bool, tag uint32) []byte {
	id := class
	if cons {
		id |= constructedBit
	}
	if tag < tagMask {
		return append(b, id|byte(tag))
	}
	b = append(b, id|tagMask)
	var tmp [5]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte(tag & 0x7F)
		if i < len(tmp)-1 {
			tmp[i] |= 0x80
		}
		tag >>= 7
		if tag == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

// appendLength appends a definite length in the shortest form.
func appendLength(b []byte, n int) []byte {
	if n < 0x80 {
		return append(b, byte(n))
	}
	k := lengthOctets(n)
	b = append(b, 0x80|byte(k))
	for i := k - 1; i >= 0; i-- {
		b = append(b, byte(n>>(8*i)))
	}
	return b
}

// lengthOctets is the number of octets of the long form of n (n >= 128).
func lengthOctets(n int) int {
	k := 1
	for n > 0xFF {
		n >>= 8
		k++
	}
	return k
}

var zeros [9]byte

// openTLV appends the identifier of a constructed element and a one-octet
// length placeholder, and returns the offset of its contents for closeTLV.
func openTLV(b []byte, id byte) ([]byte, int) {
	b = append(b, id, 0)
	return b, len(b)
}

// closeTLV sets the length of the element whose contents start at start
// and run to the end of b, moving the contents when the length needs the
// long form.
func closeTLV(b []byte, start int) []byte {
	n := len(b) - start
	if n < 0x80 {
		b[start-1] = byte(n)
		return b
	}
	k := lengthOctets(n)
	b = append(b, zeros[:k]...)
	copy(b[start+k:], b[start:start+n])
	b[start-1] = 0x80 | byte(k)
	for i := 0; i < k; i++ {
		b[start+i] = byte(n >> (8 * (k - 1 - i)))
	}
	return b
}

// appendPrimitive appends a primitive element with the given contents.
func appendPrimitive(b []byte, id byte, contents []byte) []byte {
	b = append(b, id)
	b = appendLength(b, len(contents))
	return append(b, contents...)
}

// appendString appends a primitive element whose contents are s.
func appendString(b []byte, id byte, s string) []byte {
	b = append(b, id)
	b = appendLength(b, len(s))
	return append(b, s...)
}

// appendUint appends an INTEGER (or ENUMERATED) element holding v.
func appendUint(b []byte, id byte, v uint64) []byte {
	n := 1
	for n < 9 && v>>(8*n-1) != 0 {
		n++
	}
	b = append(b, id, byte(n))
	for i := n - 1; i >= 0; i-- {
		if i >= 8 {
			b = append(b, 0)
			continue
		}
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

// appendInt appends an INTEGER element holding v in the shortest two's
// complement form.
func appendInt(b []byte, id byte, v int64) []byte {
	n := 1
	for n < 8 {
		hi := v >> (8*n - 1)
		if hi == 0 || hi == -1 {
			break
		}
		n++
	}
	b = append(b, id, byte(n))
	for i := n - 1; i >= 0; i-- {
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

// appendBool appends a BOOLEAN element (true is 0xFF).
func appendBool(b []byte, id byte, v bool) []byte {
	if v {
		return append(b, id, 1, 0xFF)
	}
	return append(b, id, 1, 0)
}

// appendNull appends a NULL element.
func appendNull(b []byte, id byte) []byte { return append(b, id, 0) }

// ctxPrim and ctxCons are the identifier octets of the context-specific
// tag [n], primitive and constructed.
func ctxPrim(n int) byte { return classContext | byte(n) }
func ctxCons(n int) byte { return classContext | constructedBit | byte(n) }

// Universal identifier octets.
const (
	idBoolean     = tagBoolean
	idInteger     = tagInteger
	idOctetString = tagOctetString
	idEnumerated  = tagEnumerated
	idUTF8String  = tagUTF8String
	idIA5String   = tagIA5String
	idSequence    = tagSequence | constructedBit
)
