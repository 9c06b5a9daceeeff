package engine

import (
	"errors"
	"fmt"
	"time"
)

// Infinite stands for Erlang's infinity in counts and limits.
const Infinite = -1

// Timer is Erlang/OTP megaco's timer: a fixed wait (Factor 1, Incr 0) or
// its incremental timer record: the first wait is WaitFor, each restart
// waits the previous wait times Factor plus Incr, and the timer may be
// restarted MaxRetries times (Infinite: without end) before it expires for
// good.
type Timer struct {
	WaitFor    time.Duration `json:"wait_for" yaml:"wait_for"`
	Factor     int           `json:"factor" yaml:"factor"`
	Incr       time.Duration `json:"incr" yaml:"incr"`
	MaxRetries int           `json:"max_retries" yaml:"max_retries"`
}

// Fixed returns a timer that waits d once.
func Fixed(d time.Duration) Timer { return Timer{WaitFor: d, Factor: 1} }

// next returns the wait after w.
func (t Timer) next(w time.Duration) time.Duration {
	f := t.Factor
	if f < 1 {
		f = 1
	}
	n := w*time.Duration(f) + t.Incr
	if n < 0 {
		n = 0
	}
	return n
}

// window returns how long after the first send the last restart happens:
// the span during which a peer using this timer may resend. Infinite
// retries give a negative result.
func (t Timer) window() time.Duration {
	if t.MaxRetries == Infinite {
		return -1
	}
	var total time.Duration
	w := t.WaitFor
	for i := 0; i < t.MaxRetries; i++ {
		total += w
		w = t.next(w)
	}
	return total
}

func (t Timer) validate(name string) error {
	switch {
	case t.WaitFor <= 0:
		return fmt.Errorf("%s: wait_for must be positive", name)
	case t.Factor < 1:
		return fmt.Errorf("%s: factor must be at least 1", name)
	case t.MaxRetries < Infinite:
		return fmt.Errorf("%s: max_retries must be a count or infinity", name)
	}
	return nil
}

func (t Timer) String() string {
	r := fmt.Sprint(t.MaxRetries)
	if t.MaxRetries == Infinite {
		r = "infinity"
	}
	return fmt.Sprintf("wait_for=%v,factor=%d,incr=%v,max_retries=%s", t.WaitFor, t.Factor, t.Incr, r)
}

// SegmentSendNone and SegmentSendAll are the non-window values of
// Config.SegmentSend.
const (
	SegmentSendNone = 0
	SegmentSendAll  = Infinite
)

// Config holds a connection's settings. Each field is named after, and
// defaults to, the Erlang/OTP megaco conn info key in its comment, except
// RequestTimer's MaxRetries (Erlang: infinity). Use DefaultConfig and
// change what differs.
type Config struct {
	// request_timer: 7 s, ×2, 2 resends. A request is resent after 7 s and
	// 14 s more, and its caller gets ErrTimeout 49 s after the first send.
	RequestTimer Timer `json:"request_timer" yaml:"request_timer"`
	// long_request_timer: 60 s, replacing request_timer once a
	// TransactionPending arrives; restarted by every Pending.
	LongRequestTimer Timer `json:"long_request_timer" yaml:"long_request_timer"`
	// long_request_resend: resend the request when the long timer
	// expires (false).
	LongRequestResend bool `json:"long_request_resend" yaml:"long_request_resend"`
	// auto_ack: acknowledge every reply received (false).
	AutoAck bool `json:"auto_ack" yaml:"auto_ack"`
	// trans_ack: gather acks in the transaction sender (false).
	TransAck bool `json:"trans_ack" yaml:"trans_ack"`
	// trans_ack_maxcount: send the gathered acks when there are this
	// many (10).
	TransAckMaxCount int `json:"trans_ack_maxcount" yaml:"trans_ack_maxcount"`
	// trans_req: gather requests in the transaction sender (false).
	TransReq bool `json:"trans_req" yaml:"trans_req"`
	// trans_req_maxcount: send the gathered requests when there are this
	// many (10).
	TransReqMaxCount int `json:"trans_req_maxcount" yaml:"trans_req_maxcount"`
	// trans_req_maxsize: send the gathered requests when they reach this
	// many bytes (2048).
	TransReqMaxSize int `json:"trans_req_maxsize" yaml:"trans_req_maxsize"`
	// trans_timer: how long the transaction sender gathers; 0 turns it
	// off (0).
	TransTimer time.Duration `json:"trans_timer" yaml:"trans_timer"`
	// pending_timer: send TransactionPending for a request still being
	// processed after this long, and again each time it elapses (30 s).
	PendingTimer time.Duration `json:"pending_timer" yaml:"pending_timer"`
	// orig_pending_limit (sent_pending_limit): how many Pendings may be
	// sent for one request; beyond it the request is aborted and answered
	// with error 506 (Infinite).
	OrigPendingLimit int `json:"orig_pending_limit" yaml:"orig_pending_limit"`
	// recv_pending_limit: how many Pendings one request may receive;
	// beyond it the request ends with ErrRecvPendingLimit (Infinite).
	RecvPendingLimit int `json:"recv_pending_limit" yaml:"recv_pending_limit"`
	// reply_timer: how long a reply is kept to answer resends and wait
	// for its ack, and the transaction id remembered (30 s).
	ReplyTimer time.Duration `json:"reply_timer" yaml:"reply_timer"`
	// segment_send: v3 segmentation of replies larger than MaxPDUSize:
	// SegmentSendNone, a window of unacknowledged segments, or
	// SegmentSendAll (none).
	SegmentSend int `json:"segment_send" yaml:"segment_send"`
	// segment_recv_timer: how long to wait for missing segments before
	// answering error 459 (10 s).
	SegmentRecvTimer time.Duration `json:"segment_recv_timer" yaml:"segment_recv_timer"`
	// segment_reply_ind: report SegmentReply messages to the user (false).
	SegmentReplyInd bool `json:"segment_reply_ind" yaml:"segment_reply_ind"`
	// max_pdu_size: the largest message to send; larger replies are
	// segmented when SegmentSend allows (0: no limit).
	MaxPDUSize int `json:"max_pdu_size" yaml:"max_pdu_size"`
	// protocol_version (1).
	ProtocolVersion int `json:"protocol_version" yaml:"protocol_version"`
	// strict_version: a message whose version differs from the
	// connection's is refused (true).
	StrictVersion bool `json:"strict_version" yaml:"strict_version"`
	// min_trans_id and max_trans_id: the range of transaction ids this
	// side allocates (1 to 4294967295); it wraps around.
	MinTransID uint32 `json:"min_trans_id" yaml:"min_trans_id"`
	MaxTransID uint32 `json:"max_trans_id" yaml:"max_trans_id"`
}

// DefaultConfig returns Erlang/OTP megaco's defaults, with a finite
// request_timer.
func DefaultConfig() Config {
	return Config{
		RequestTimer:     Timer{WaitFor: 7 * time.Second, Factor: 2, MaxRetries: 2},
		LongRequestTimer: Fixed(60 * time.Second),
		TransAckMaxCount: 10,
		TransReqMaxCount: 10,
		TransReqMaxSize:  2048,
		PendingTimer:     30 * time.Second,
		OrigPendingLimit: Infinite,
		RecvPendingLimit: Infinite,
		ReplyTimer:       30 * time.Second,
		SegmentSend:      SegmentSendNone,
		SegmentRecvTimer: 10 * time.Second,
		ProtocolVersion:  1,
		StrictVersion:    true,
		MinTransID:       1,
		MaxTransID:       0xFFFFFFFF,
	}
}

// Validate reports the first impossible value, naming its Erlang key.
func (c *Config) Validate() error {
	if err := c.RequestTimer.validate("request_timer"); err != nil {
		return err
	}
	if err := c.LongRequestTimer.validate("long_request_timer"); err != nil {
		return err
	}
	var errs []error
	positive := func(name string, v int) {
		if v < 1 {
			errs = append(errs, fmt.Errorf("%s must be at least 1", name))
		}
	}
	positive("trans_ack_maxcount", c.TransAckMaxCount)
	positive("trans_req_maxcount", c.TransReqMaxCount)
	positive("trans_req_maxsize", c.TransReqMaxSize)
	limit := func(name string, v int) {
		if v < 1 && v != Infinite {
			errs = append(errs, fmt.Errorf("%s must be at least 1 or infinity", name))
		}
	}
	limit("orig_pending_limit", c.OrigPendingLimit)
	limit("recv_pending_limit", c.RecvPendingLimit)
	nonNegative := func(name string, d time.Duration) {
		if d < 0 {
			errs = append(errs, fmt.Errorf("%s must not be negative", name))
		}
	}
	nonNegative("trans_timer", c.TransTimer)
	nonNegative("pending_timer", c.PendingTimer)
	if c.ReplyTimer <= 0 {
		errs = append(errs, errors.New("reply_timer must be positive"))
	}
	if c.SegmentRecvTimer <= 0 {
		errs = append(errs, errors.New("segment_recv_timer must be positive"))
	}
	if c.SegmentSend < Infinite {
		errs = append(errs, errors.New("segment_send must be none, infinity or a window of at least 1"))
	}
	if c.MaxPDUSize < 0 {
		errs = append(errs, errors.New("max_pdu_size must not be negative"))
	}
	if c.ProtocolVersion < 1 || c.ProtocolVersion > 3 {
		errs = append(errs, errors.New("protocol_version must be 1, 2 or 3"))
	}
	if c.MinTransID == 0 || c.MaxTransID < c.MinTransID {
		errs = append(errs, errors.New("min_trans_id must be at least 1 and at most max_trans_id"))
	}
	return errors.Join(errs...)
}

// Warnings lists settings that are allowed but risky: a reply_timer
// shorter than the window in which a peer with the same request_timer
// resends, so that a late resend would find no cached reply and run the
// request twice (RFC 3525 D.1.1).
func (c *Config) Warnings() []string {
	var w []string
	switch win := c.RequestTimer.window(); {
	case win < 0:
		w = append(w, "reply_timer is finite but request_timer resends without end: a late resend may run a request twice")
	case c.ReplyTimer <= win:
		w = append(w, fmt.Sprintf("reply_timer %v does not outlast the %v in which request_timer (%v) resends: a late resend may run a request twice", c.ReplyTimer, win, c.RequestTimer))
	}
	return w
}
