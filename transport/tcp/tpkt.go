package tcp

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// TPKT (RFC 1006 §6, H.248.1 Annex D.2) frames each message on the
// stream with a 4-byte header: version 3, a reserved byte 0 and the
// frame's length, header included, as a 16-bit big-endian number.
const (
	HeaderLen   = 4
	Version     = 3
	MaxFrameLen = 65535 // the largest length the header can hold
)

// Framing errors. A stream that breaks one of them is closed; the error
// HandleClosed gets wraps one of these.
var (
	ErrBadVersion    = errors.New("tpkt: version is not 3")
	ErrFrameTooShort = errors.New("tpkt: length under 4")
	ErrFrameTooLong  = errors.New("tpkt: length over the maximum")
	// ErrBadReserved is returned only with Config.StrictReserved.
	ErrBadReserved = errors.New("tpkt: reserved byte is not 0")
)

// ParseHeader checks the TPKT header at the start of b (at least
// HeaderLen bytes) and returns the frame's length, header included. It
// fails when the version is not 3, or the length is under 4 or over max.
// The reserved byte is not checked; see Config.
func ParseHeader(b []byte, max int) (int, error) {
	if b[0] != Version {
		return 0, fmt.Errorf("%w: header % x", ErrBadVersion, b[:HeaderLen])
	}
	n := int(binary.BigEndian.Uint16(b[2:4]))
	if n < HeaderLen {
		return 0, fmt.Errorf("%w: length %d", ErrFrameTooShort, n)
	}
	if n > max {
		return 0, fmt.Errorf("%w: length %d, maximum %d", ErrFrameTooLong, n, max)
	}
	return n, nil
}

// AppendFrame appends payload framed with a TPKT header to dst. It fails
// when the frame would be longer than MaxFrameLen.
func AppendFrame(dst, payload []byte) ([]byte, error) {
	n := HeaderLen + len(payload)
	if n > MaxFrameLen {
		return dst, fmt.Errorf("%w: length %d, maximum %d", ErrFrameTooLong, n, MaxFrameLen)
	}
	dst = append(dst, Version, 0, byte(n>>8), byte(n))
	return append(dst, payload...), nil
}

// framer cuts a byte stream into TPKT frames. Bytes go into space() and
// are committed with wrote(); next() returns complete frames. Its buffer
// starts small and doubles only while a frame in progress fills it, up
// to that frame's length, which max bounds: a header announcing a large
// frame costs nothing until the bytes arrive. It shrinks back once a
// small frame follows the large ones.
type framer struct {
	buf  []byte
	r, w int // buf[r:w] holds bytes not yet returned
	max  int // largest frame, header included
	min  int // initial buffer size
	last int // length of the last frame returned
}

func newFramer(initial, max int) *framer {
	return &framer{buf: make([]byte, initial), max: max, min: initial}
}

// next returns the payload of the next complete frame and the reserved
// byte of its header, or ok false when more bytes are needed. The
// payload is valid until the next call of space.
func (f *framer) next() (payload []byte, reserved byte, ok bool, err error) {
	if f.w-f.r < HeaderLen {
		return nil, 0, false, nil
	}
	h := f.buf[f.r:f.w]
	n, err := ParseHeader(h, f.max)
	if err != nil {
		return nil, 0, false, err
	}
	if len(h) < n {
		return nil, 0, false, nil
	}
	f.r += n
	f.last = n
	return h[HeaderLen:n:n], h[1], true, nil
}

// buffered returns the number of bytes of the frame in progress.
func (f *framer) buffered() int { return f.w - f.r }

// space returns where to read the next bytes into: never empty, and
// preferably big enough for the rest of the frame in progress.
func (f *framer) space() []byte {
	if f.r == f.w {
		f.r, f.w = 0, 0
		if len(f.buf) > f.min && f.last <= f.min {
			// Large frames are over: give their buffer back.
			f.buf = make([]byte, f.min)
		}
	}
	if f.w < len(f.buf) {
		return f.buf[f.w:]
	}
	if f.r > 0 {
		f.w = copy(f.buf, f.buf[f.r:f.w])
		f.r = 0
		return f.buf[f.w:]
	}
	// Full of one incomplete frame: the header is in (the buffer is at
	// least HeaderLen long) and says the frame is longer than the buffer.
	need := int(binary.BigEndian.Uint16(f.buf[2:4]))
	nb := make([]byte, min(2*len(f.buf), need))
	copy(nb, f.buf[:f.w])
	f.buf = nb
	return f.buf[f.w:]
}

// wrote commits n bytes read into space().
func (f *framer) wrote(n int) { f.w += n }
