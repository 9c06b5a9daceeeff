package tcp

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/megaco/megaco/transport"
	"go.uber.org/zap"
)

// errClosedLocally is the cause of a stream closed by Conn.Close or
// Transport.Close; HandleClosed gets nil for it.
var errClosedLocally = errors.New("tcp: closed locally")

// Conn is one stream of a Transport and its SendHandle: a pointer,
// comparable, that prints the peer's address.
type Conn struct {
	t    *Transport
	nc   net.Conn
	peer string

	wsem chan struct{} // 1-buffered: one Send at a time (durably blocking in synctest, unlike a mutex)
	done chan struct{} // closed by shut

	closeOnce sync.Once
	mu        sync.Mutex
	cause     error // why it was closed; guarded by mu
}

func newConn(t *Transport, nc net.Conn) *Conn {
	return &Conn{
		t:    t,
		nc:   nc,
		peer: nc.RemoteAddr().String(),
		wsem: make(chan struct{}, 1),
		done: make(chan struct{}),
	}
}

// String returns the peer's address.
func (c *Conn) String() string { return c.peer }

// RemoteAddr returns the peer's address.
func (c *Conn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

// LocalAddr returns the local address of the stream.
func (c *Conn) LocalAddr() net.Addr { return c.nc.LocalAddr() }

// Close closes the stream; its reader then reports HandleClosed(c, nil).
// It does not wait for the reader (Transport.Close does).
func (c *Conn) Close() error {
	c.shut(errClosedLocally)
	return nil
}

// shut closes the stream for cause; the first cause sticks. Closing the
// connection interrupts a blocked read or write.
func (c *Conn) shut(cause error) {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.cause = cause
		c.mu.Unlock()
		close(c.done)
		c.nc.Close()
	})
}

func (c *Conn) closeCause() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cause
}

// Send writes b as one TPKT frame, header and payload in a single write,
// so that concurrent Sends on a stream never interleave. It fails with
// ErrFrameTooLong beyond Config.MaxPDUSize. A write that fails or takes
// longer than Config.WriteTimeout closes the stream, since a frame may
// have gone out in part. It does not keep b.
func (c *Conn) Send(b []byte) error {
	max := c.t.cfg.MaxPDUSize
	if n := HeaderLen + len(b); n > max {
		return fmt.Errorf("tcp: send to %s: %w: length %d, maximum %d", c.peer, ErrFrameTooLong, n, max)
	}
	select {
	case c.wsem <- struct{}{}:
	case <-c.done:
		return fmt.Errorf("tcp: send to %s: %w", c.peer, net.ErrClosed)
	}
	defer func() { <-c.wsem }()
	select {
	case <-c.done:
		return fmt.Errorf("tcp: send to %s: %w", c.peer, net.ErrClosed)
	default:
	}

	bp := framePool.Get().(*[]byte)
	frame, _ := AppendFrame((*bp)[:0], b) // the length was checked above
	if wt := c.t.cfg.WriteTimeout; wt > 0 {
		c.nc.SetWriteDeadline(time.Now().Add(wt))
	}
	_, err := c.nc.Write(frame)
	*bp = frame[:0]
	framePool.Put(bp)
	if err == nil {
		return nil
	}
	select {
	case <-c.done:
		return fmt.Errorf("tcp: send to %s: %w", c.peer, net.ErrClosed)
	default:
	}
	err = fmt.Errorf("tcp: send to %s: %w", c.peer, err)
	c.shut(err)
	return err
}

// read is the stream's reader goroutine, owned by Transport.Close: it
// delivers frames until the stream ends, then reports the end.
func (c *Conn) read() {
	t := c.t
	defer t.wg.Done()
	c.shut(c.readFrames())
	t.remove(c)
	err := c.closeCause()
	if err == errClosedLocally {
		err = nil
	}
	c.logClose(err)
	t.h.HandleClosed(c, err)
}

// deadline states of a reader.
const (
	waitingNone  = iota // no deadline set
	waitingFrame        // the frame in progress must complete by the deadline
	waitingIdle         // a frame must begin by the deadline
)

// readFrames reads and delivers frames until an error, which it returns.
func (c *Conn) readFrames() error {
	t := c.t
	cfg := &t.cfg
	f := newFramer(readBufSize, cfg.MaxPDUSize)
	state := waitingNone
	// arm sets the read deadline d from now for state s, or none if d is
	// not positive, skipping the call when there is nothing to change.
	arm := func(s int, d time.Duration) {
		if d <= 0 {
			if state != waitingNone {
				c.nc.SetReadDeadline(time.Time{})
				state = waitingNone
			}
			return
		}
		c.nc.SetReadDeadline(time.Now().Add(d))
		state = s
	}
	arm(waitingIdle, cfg.IdleTimeout)
	warned := false
	var readErr error
	for {
		delivered := false
		for {
			payload, reserved, ok, err := f.next()
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			delivered = true
			if reserved != 0 {
				if cfg.StrictReserved {
					return fmt.Errorf("%w: %#x", ErrBadReserved, reserved)
				}
				if !warned {
					warned = true
					t.log.Warn("TPKT reserved byte is not 0, accepted",
						zap.String("peer", c.peer), zap.Uint8("reserved", reserved))
				}
			}
			if len(payload) > 0 { // an empty frame is a keep-alive
				t.h.HandlePacket(transport.Packet{Data: payload, From: c, Local: t})
			}
		}
		if readErr != nil {
			return c.readError(readErr, f.buffered(), state)
		}
		switch {
		case f.buffered() > 0 && (delivered || state != waitingFrame):
			// A frame began: it must end within FrameTimeout, however
			// slowly its bytes come.
			arm(waitingFrame, cfg.FrameTimeout)
		case f.buffered() == 0 && delivered:
			// Between frames: the next must begin within IdleTimeout.
			arm(waitingIdle, cfg.IdleTimeout)
		}
		n, err := c.nc.Read(f.space())
		if n > 0 {
			quickAck(c.nc)
		}
		f.wrote(n)
		readErr = err // delivered after the frames the last bytes complete
	}
}

// readError explains why reading stopped.
func (c *Conn) readError(err error, buffered, state int) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		switch state {
		case waitingFrame:
			return fmt.Errorf("%w: %d bytes of a frame in %v", ErrFrameTimeout, buffered, c.t.cfg.FrameTimeout)
		case waitingIdle:
			return fmt.Errorf("%w: no frame in %v", ErrIdleTimeout, c.t.cfg.IdleTimeout)
		}
	}
	if err == io.EOF && buffered > 0 {
		return fmt.Errorf("%w: %d bytes of a frame", io.ErrUnexpectedEOF, buffered)
	}
	return err
}

// logClose writes the one line about a stream's end: a warning when the
// stream was rejected (framing or timeout), info when it failed, debug
// when it ended normally.
func (c *Conn) logClose(err error) {
	log := c.t.log
	fields := []zap.Field{zap.String("peer", c.peer), zap.String("reason", reason(err))}
	switch {
	case err == nil, err == io.EOF:
		log.Debug("stream closed", fields...)
	case rejected(err):
		log.Warn("stream rejected", append(fields, zap.Error(err))...)
	default:
		log.Info("stream failed", append(fields, zap.Error(err))...)
	}
}

func rejected(err error) bool {
	for _, e := range []error{ErrBadVersion, ErrFrameTooShort, ErrFrameTooLong, ErrBadReserved, ErrFrameTimeout, ErrIdleTimeout} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// reason is a short label of why a stream ended, for logs.
func reason(err error) string {
	switch {
	case err == nil:
		return "closed locally"
	case err == io.EOF:
		return "closed by peer"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "closed by peer within a frame"
	case errors.Is(err, ErrBadVersion):
		return "bad version"
	case errors.Is(err, ErrBadReserved):
		return "bad reserved byte"
	case errors.Is(err, ErrFrameTooShort):
		return "length under 4"
	case errors.Is(err, ErrFrameTooLong):
		return "length over maximum"
	case errors.Is(err, ErrFrameTimeout):
		return "frame timeout"
	case errors.Is(err, ErrIdleTimeout):
		return "idle timeout"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "write timeout"
	}
	return "i/o error"
}
