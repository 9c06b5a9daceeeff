package memnet

import (
	"sync"
	"time"
)

// deadline is a read, write or accept deadline: a channel closed when it
// passes. It is net.Pipe's pipeDeadline: the timer is the time package's,
// so inside a testing/synctest bubble it follows the bubble's fake clock,
// and a goroutine waiting on it is durably blocked.
type deadline struct {
	mu     sync.Mutex // guards timer and cancel
	timer  *time.Timer
	cancel chan struct{} // closed when the deadline has passed; never nil
}

func makeDeadline() deadline {
	return deadline{cancel: make(chan struct{})}
}

// set moves the deadline to t; the zero t means no deadline. A deadline in
// the past takes effect at once, also for operations already waiting.
func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()

	if d.timer != nil && !d.timer.Stop() {
		<-d.cancel // the callback is running: wait until it has closed cancel
	}
	d.timer = nil

	closed := isClosed(d.cancel)
	if t.IsZero() {
		if closed {
			d.cancel = make(chan struct{})
		}
		return
	}
	if dur := time.Until(t); dur > 0 {
		if closed {
			d.cancel = make(chan struct{})
		}
		cancel := d.cancel
		d.timer = time.AfterFunc(dur, func() { close(cancel) })
		return
	}
	if !closed {
		close(d.cancel)
	}
}

// wait returns a channel that is closed once the deadline has passed.
func (d *deadline) wait() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cancel
}

// expired reports whether the deadline has passed.
func (d *deadline) expired() bool {
	return isClosed(d.wait())
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
