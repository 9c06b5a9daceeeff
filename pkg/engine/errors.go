package engine

import (
	"errors"
	"fmt"

	"github.com/megaco/megaco/pkg/h248"
)

var (
	// ErrTimeout: the request timer (or long request timer) expired
	// without a reply.
	ErrTimeout = errors.New("megaco: request timed out")
	// ErrRecvPendingLimit: the peer sent more TransactionPendings than
	// recv_pending_limit allows (Erlang's exceeded_recv_pending_limit).
	ErrRecvPendingLimit = errors.New("megaco: exceeded recv_pending_limit")
	// ErrSegmentsNotReceived: a segmented reply stayed incomplete for
	// segment_recv_timer (error 459).
	ErrSegmentsNotReceived = errors.New("megaco: segments not received")
	// ErrClosed: the connection is closed.
	ErrClosed = errors.New("megaco: connection closed")
	// ErrTooManyRequests: every transaction id in the configured range is
	// in use.
	ErrTooManyRequests = errors.New("megaco: no free transaction id")
)

// CanceledError ends the requests of a connection canceled with Cancel.
type CanceledError struct{ Reason error }

func (e *CanceledError) Error() string { return fmt.Sprintf("megaco: canceled: %v", e.Reason) }
func (e *CanceledError) Unwrap() error { return e.Reason }

// ReplyError is a transaction reply that carries an error descriptor for
// the whole transaction.
type ReplyError struct{ Descriptor h248.ErrorDescriptor }

func (e *ReplyError) Error() string {
	if e.Descriptor.Text != "" {
		return fmt.Sprintf("megaco: error %d %s: %s", e.Descriptor.Code, e.Descriptor.Code, e.Descriptor.Text)
	}
	return fmt.Sprintf("megaco: error %d %s", e.Descriptor.Code, e.Descriptor.Code)
}
