package replication

import (
	"errors"
	"fmt"
)

var (
	// ErrNotActive is returned by writes from a node that is not the
	// group's active instance. The reasons a term ends wrap it.
	ErrNotActive = errors.New("replication: not the active instance")
	// ErrFenced ends a term whose write the stream refused because a newer
	// active instance has written since: this node was paused or cut off
	// past its lease, and its write was not stored.
	ErrFenced = fmt.Errorf("%w: fenced by a newer active instance", ErrNotActive)
	// ErrLeaseLost ends a term whose lease could not be renewed in time or
	// was taken by another instance.
	ErrLeaseLost = fmt.Errorf("%w: lease lost", ErrNotActive)
	// ErrResigned ends a term given up with Resign.
	ErrResigned = fmt.Errorf("%w: resigned", ErrNotActive)
	// ErrClosed is returned by a closed node and ends its term.
	ErrClosed = fmt.Errorf("%w: node closed", ErrNotActive)
	// ErrTooLarge is returned for a change that does not fit in one message
	// (the server's max_payload).
	ErrTooLarge = errors.New("replication: change larger than a message")
	// ErrGap is returned by Snapshot.Apply for an update that does not
	// follow the snapshot.
	ErrGap = errors.New("replication: update does not follow the snapshot")
	// ErrFormat is returned for stored state this code cannot read: a
	// format version it does not know, or a damaged message.
	ErrFormat = errors.New("replication: unreadable state format")
)
