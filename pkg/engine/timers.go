package engine

import (
	"container/heap"
	"time"
)

// timerKind says what a deadline is for.
type timerKind uint8

const (
	timerRequest     timerKind = iota // an outgoing request's (long) request timer
	timerPending                      // an incoming request's pending timer
	timerReply                        // an answered request's reply timer
	timerSegments                     // missing segments of a reply being received
	timerTransSender                  // the transaction sender's trans_timer
)

// deadline is one armed timer. gen must match the owner's current
// generation, so that re-arming or finishing makes old entries stale
// without searching the heap.
type deadline struct {
	at   time.Time
	kind timerKind
	id   uint32
	gen  uint64
}

// timers is a min-heap of deadlines: the loop keeps one time.Timer set
// to the earliest.
type timers []deadline

func (t timers) Len() int           { return len(t) }
func (t timers) Less(i, j int) bool { return t[i].at.Before(t[j].at) }
func (t timers) Swap(i, j int)      { t[i], t[j] = t[j], t[i] }
func (t *timers) Push(x any)        { *t = append(*t, x.(deadline)) }
func (t *timers) Pop() any {
	old := *t
	d := old[len(old)-1]
	*t = old[:len(old)-1]
	return d
}

func (t *timers) add(d deadline) { heap.Push(t, d) }

// next returns the earliest deadline, if any.
func (t timers) next() (time.Time, bool) {
	if len(t) == 0 {
		return time.Time{}, false
	}
	return t[0].at, true
}

// due removes and returns the deadlines at or before now.
func (t *timers) due(now time.Time, out []deadline) []deadline {
	for len(*t) > 0 && !(*t)[0].at.After(now) {
		out = append(out, heap.Pop(t).(deadline))
	}
	return out
}
