package engine

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/pkg/h248"
)

var (
	t0       = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	localMID = h248.MID{Kind: h248.MIDIP4, Addr: netip.MustParseAddr("10.0.0.1"), Port: h248.Some[uint16](2944)}
	compact  = text.New(codec.Compact)
)

func size(m *h248.Message) int {
	b, err := compact.Append(nil, m)
	if err != nil {
		panic(err)
	}
	return len(b)
}

// harness drives a state at chosen times and renders its effects.
type harness struct {
	t *testing.T
	s *state
}

func newHarness(t *testing.T, edit func(*Config)) *harness {
	cfg := DefaultConfig()
	if edit != nil {
		edit(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	s := newState(cfg, localMID, size)
	s.now = t0
	return &harness{t: t, s: s}
}

// at advances the clock to t0+d and runs the timers due, as the loop
// does: until none is left at or before then.
func (h *harness) at(d time.Duration) *harness {
	h.s.now = t0.Add(d)
	for {
		next, ok := h.s.nextDeadline()
		if !ok || next.After(h.s.now) {
			return h
		}
		h.s.tick()
	}
}

// effects renders and clears the effects: sent messages in compact text
// (header dropped), deliveries and upcalls by name.
func (h *harness) effects() []string {
	var out []string
	for _, e := range h.s.fx {
		switch e := e.(type) {
		case sendEffect:
			b, err := compact.Append(nil, e.msg)
			if err != nil {
				h.t.Fatal(err)
			}
			out = append(out, "send "+string(b[strings.IndexByte(string(b), '\n')+1:]))
		case deliverEffect:
			out = append(out, fmt.Sprintf("deliver %d %s", e.result.ID, resultString(e.result)))
		case upcallEffect:
			out = append(out, upcallString(e.call))
		}
	}
	h.s.fx = h.s.fx[:0]
	return out
}

func resultString(r Result) string {
	switch {
	case r.Err != nil:
		return "err=" + r.Err.Error()
	case r.Segment.Set:
		return fmt.Sprintf("seg=%d last=%v actions=%d", r.Segment.Value, r.Last, len(r.Actions))
	}
	return fmt.Sprintf("actions=%d", len(r.Actions))
}

func upcallString(u Upcall) string {
	switch u := u.(type) {
	case TransRequest:
		return fmt.Sprintf("request %d", u.Request.ID)
	case TransReply:
		return fmt.Sprintf("reply %d %s data=%v", u.Result.ID, resultString(u.Result), u.ReplyData)
	case TransAck:
		if u.Err != nil {
			return fmt.Sprintf("ack %d err=%v data=%v", u.ID, u.Err, u.AckData)
		}
		return fmt.Sprintf("ack %d data=%v", u.ID, u.AckData)
	case UnexpectedTrans:
		return fmt.Sprintf("unexpected %T", u.Transaction)
	case TransRequestAbort:
		return fmt.Sprintf("abort %d", u.ID)
	case SegmentReplyReceived:
		return fmt.Sprintf("segment reply %d/%d", u.ID, u.Segment)
	case MessageError:
		return fmt.Sprintf("message error %d", u.Descriptor.Code)
	}
	return fmt.Sprintf("%T", u)
}

func (h *harness) want(want ...string) {
	h.t.Helper()
	got := h.effects()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		h.t.Fatalf("at %v:\ngot:\n  %s\nwant:\n  %s", h.s.now.Sub(t0), strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// receive decodes a compact message body and hands it to the state.
func (h *harness) receive(body string) *harness {
	h.t.Helper()
	m, err := compact.Decode([]byte(fmt.Sprintf("!/%d [10.0.0.2]:2944\n%s", h.s.version, body)))
	if err != nil {
		h.t.Fatalf("%s: %v", body, err)
	}
	h.s.receive(m)
	return h
}

func notify(tid string) []h248.ActionRequest {
	return []h248.ActionRequest{{ContextID: h248.ContextNull, Commands: []h248.CommandRequest{{Command: &h248.NotifyRequest{
		TerminationIDs: []h248.TerminationID{h248.TerminationID(tid)},
		ObservedEvents: h248.ObservedEventsDescriptor{RequestID: 1, Events: []h248.ObservedEvent{{Name: "al/of"}}},
	}}}}}
}

const notifyA = "C=-{N=a{OE=1{al/of}}}"

var notifyReply = []h248.ActionReply{{ContextID: h248.ContextNull, Commands: []h248.CommandReply{
	&h248.NotifyReply{TerminationIDs: []h248.TerminationID{"a"}}}}}

func (h *harness) call(tid string) (uint32, chan Result) {
	ch := make(chan Result, 1)
	id, err := h.s.startRequest(notify(tid), ch, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return id, ch
}

func TestRequestTimer(t *testing.T) {
	h := newHarness(t, nil)
	h.call("a")
	h.want("send T=1{" + notifyA + "}")
	h.at(7*time.Second - 1).want()
	h.at(7 * time.Second).want("send T=1{" + notifyA + "}")
	h.at(21*time.Second - 1).want()
	h.at(21 * time.Second).want("send T=1{" + notifyA + "}")
	h.at(49*time.Second - 1).want()
	h.at(49 * time.Second).want("deliver 1 err=" + ErrTimeout.Error())
	h.at(time.Hour).want()
}

func TestRequestTimerVariants(t *testing.T) {
	t.Run("fixed", func(t *testing.T) {
		h := newHarness(t, func(c *Config) { c.RequestTimer = Fixed(3 * time.Second) })
		h.call("a")
		h.want("send T=1{" + notifyA + "}")
		h.at(3 * time.Second).want("deliver 1 err=" + ErrTimeout.Error())
	})
	t.Run("incr", func(t *testing.T) {
		h := newHarness(t, func(c *Config) {
			c.RequestTimer = Timer{WaitFor: time.Second, Factor: 1, Incr: 500 * time.Millisecond, MaxRetries: 1}
		})
		h.call("a")
		h.want("send T=1{" + notifyA + "}")
		h.at(time.Second).want("send T=1{" + notifyA + "}")
		h.at(2500 * time.Millisecond).want("deliver 1 err=" + ErrTimeout.Error())
	})
	t.Run("infinite", func(t *testing.T) {
		h := newHarness(t, func(c *Config) { c.RequestTimer = Timer{WaitFor: time.Second, Factor: 1, MaxRetries: Infinite} })
		h.call("a")
		h.want("send T=1{" + notifyA + "}")
		for i := 1; i <= 100; i++ {
			h.at(time.Duration(i) * time.Second).want("send T=1{" + notifyA + "}")
		}
		h.receive("P=1{C=-{N=a}}").want("deliver 1 actions=1")
	})
}

func TestPendingAndLongTimer(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.RecvPendingLimit = 3 })
	h.call("a")
	h.want("send T=1{" + notifyA + "}")
	h.at(time.Second).receive("PN=1{}").want()
	// The long request timer (60 s) replaces the request timer: no resend.
	h.at(8 * time.Second).want()
	h.at(60 * time.Second).receive("PN=1{}").want() // restarts the long timer
	h.at(119 * time.Second).want()
	h.at(119 * time.Second).receive("PN=1{}").want()
	h.at(120 * time.Second).receive("PN=1{}").want("deliver 1 err=" + ErrRecvPendingLimit.Error())

	h = newHarness(t, nil)
	h.call("a")
	h.effects()
	h.at(time.Second).receive("PN=1{}").want()
	h.at(61 * time.Second).want("deliver 1 err=" + ErrTimeout.Error())

	h = newHarness(t, func(c *Config) {
		c.LongRequestResend = true
		c.LongRequestTimer = Timer{WaitFor: 10 * time.Second, Factor: 2, MaxRetries: 1}
	})
	h.call("a")
	h.effects()
	h.at(time.Second).receive("PN=1{}").want()
	h.at(11 * time.Second).want("send T=1{" + notifyA + "}")
	h.at(31 * time.Second).want("deliver 1 err=" + ErrTimeout.Error())
}

func TestReplies(t *testing.T) {
	h := newHarness(t, nil)
	id, ch := h.call("a")
	h.effects()
	h.at(time.Second).receive("P=1{IA,C=-{N=a}}").want("send K{1}", "deliver 1 actions=1")
	if id != 1 || len(ch) != 0 {
		t.Fatalf("id %d, %d queued", id, len(ch))
	}
	// A late copy of an answered reply is acked again, not delivered.
	h.receive("P=1{IA,C=-{N=a}}").want("send K{1}")
	h.receive("P=9{C=-{N=a}}").want("unexpected *h248.TransactionReply")
	h.receive("PN=9{}").want("unexpected *h248.TransactionPending")

	h = newHarness(t, func(c *Config) { c.AutoAck = true })
	h.s.startRequest(notify("a"), nil, "cast-data")
	h.effects()
	h.receive("P=1{ER=430{\"no such termination\"}}").want("send K{1}",
		"reply 1 err=megaco: error 430 Unknown TerminationID: no such termination data=cast-data")
}

func TestAnsweringRequests(t *testing.T) {
	h := newHarness(t, nil)
	h.receive("T=5{" + notifyA + "}").want("request 5")
	h.at(time.Second).receive("T=5{" + notifyA + "}").want("send PN=5{}") // a resend while processing
	h.s.reply(5, notifyReply, nil, NoAck, nil)
	h.want("send P=5{C=-{N=a}}")
	h.s.reply(5, nil, &h248.ErrorDescriptor{Code: 500}, NoAck, nil) // a second answer is ignored
	h.want()
	h.at(20 * time.Second).receive("T=5{" + notifyA + "}").want("send P=5{C=-{N=a}}")
	// reply_timer (30 s from the reply) forgets the transaction.
	h.at(31*time.Second - 1).want()
	h.at(31 * time.Second).want()
	h.receive("T=5{" + notifyA + "}").want("request 5")
}

func TestPendingTimer(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.PendingTimer = 2 * time.Second; c.OrigPendingLimit = 2 })
	h.receive("T=5{" + notifyA + "}").want("request 5")
	h.at(2 * time.Second).want("send PN=5{}")
	h.at(4 * time.Second).want("send PN=5{}")
	h.at(6*time.Second).want("abort 5", `send P=5{ER=506{"number of transaction pendings exceeded"}}`)
	h.s.reply(5, notifyReply, nil, NoAck, nil) // too late
	h.want()
	h.receive("T=5{" + notifyA + "}").want(`send P=5{ER=506{"number of transaction pendings exceeded"}}`)
}

func TestAcks(t *testing.T) {
	h := newHarness(t, nil)
	for _, id := range []string{"5", "6", "7"} {
		h.receive("T=" + id + "{" + notifyA + "}")
	}
	h.want("request 5", "request 6", "request 7")
	for _, id := range []uint32{5, 6, 7} {
		h.s.reply(id, notifyReply, nil, ImmAck, id*10)
	}
	h.want("send P=5{IA,C=-{N=a}}", "send P=6{IA,C=-{N=a}}", "send P=7{IA,C=-{N=a}}")
	h.at(time.Second).receive("K{1-6}").want("ack 5 data=50", "ack 6 data=60")
	h.receive("K{6}").want()
	h.receive("K{0-4294967295}").want("ack 7 data=70")

	h = newHarness(t, nil)
	h.receive("T=5{" + notifyA + "}").want("request 5")
	h.s.reply(5, notifyReply, nil, ImmAck, "x")
	h.effects()
	h.at(30 * time.Second).want("ack 5 err=" + ErrTimeout.Error() + " data=x")
}

func TestTransactionSender(t *testing.T) {
	batch := func(c *Config) {
		c.TransTimer = 100 * time.Millisecond
		c.TransReq, c.TransAck = true, true
		c.TransReqMaxCount, c.TransAckMaxCount = 3, 2
	}
	t.Run("timer", func(t *testing.T) {
		h := newHarness(t, batch)
		h.call("a")
		h.call("b")
		h.want()
		h.at(100 * time.Millisecond).want("send T=1{" + notifyA + "}T=2{C=-{N=b{OE=1{al/of}}}}")
	})
	t.Run("request count", func(t *testing.T) {
		h := newHarness(t, batch)
		h.call("a")
		h.call("b")
		h.call("c")
		h.want("send T=1{" + notifyA + "}T=2{C=-{N=b{OE=1{al/of}}}}T=3{C=-{N=c{OE=1{al/of}}}}")
		h.at(100 * time.Millisecond).want()
	})
	t.Run("request size", func(t *testing.T) {
		h := newHarness(t, func(c *Config) { batch(c); c.TransReqMaxSize = 60 })
		h.call("a")
		h.want()
		h.call("b")
		h.want("send T=1{" + notifyA + "}T=2{C=-{N=b{OE=1{al/of}}}}")
	})
	t.Run("ack count and ranges", func(t *testing.T) {
		h := newHarness(t, func(c *Config) { batch(c); c.AutoAck = true; c.TransAckMaxCount = 3 })
		for i := 0; i < 4; i++ {
			h.call("a")
		}
		h.at(100 * time.Millisecond).effects()
		h.receive("P=1{C=-{N=a}}P=2{C=-{N=a}}P=4{C=-{N=a}}")
		h.want("deliver 1 actions=1", "deliver 2 actions=1", "send K{1-2,4}", "deliver 4 actions=1")
	})
	t.Run("reply carries stored", func(t *testing.T) {
		h := newHarness(t, func(c *Config) { batch(c); c.AutoAck = true })
		h.call("a")
		h.call("b")
		h.at(100 * time.Millisecond).effects()
		h.call("c")
		h.receive("P=1{C=-{N=a}}T=9{" + notifyA + "}")
		h.want("deliver 1 actions=1", "request 9")
		h.s.reply(9, notifyReply, nil, NoAck, nil)
		h.want("send T=3{C=-{N=c{OE=1{al/of}}}}P=9{C=-{N=a}}K{1}")
	})
	t.Run("reply and stored too large", func(t *testing.T) {
		h := newHarness(t, func(c *Config) { batch(c); c.TransReqMaxSize = 70 })
		h.call("a")
		h.receive("T=9{" + notifyA + "}").want("request 9")
		h.s.reply(9, notifyReply, nil, NoAck, nil)
		h.want("send T=1{"+notifyA+"}", "send P=9{C=-{N=a}}")
	})
	t.Run("pending carries stored", func(t *testing.T) {
		h := newHarness(t, batch)
		h.call("a")
		h.receive("T=9{" + notifyA + "}").want("request 9")
		h.receive("T=9{" + notifyA + "}").want("send T=1{" + notifyA + "}PN=9{}")
	})
	t.Run("resend of a stored request sends all", func(t *testing.T) {
		h := newHarness(t, func(c *Config) {
			batch(c)
			c.TransTimer = 10 * time.Second
			c.RequestTimer = Timer{WaitFor: time.Second, Factor: 1, MaxRetries: 3}
		})
		h.call("a")
		h.call("b")
		h.at(time.Second).want("send T=1{" + notifyA + "}T=2{C=-{N=b{OE=1{al/of}}}}")
	})
}

func TestSegmentation(t *testing.T) {
	seg := func(window int) func(*Config) {
		return func(c *Config) {
			c.ProtocolVersion = 3
			c.SegmentSend = window
			c.MaxPDUSize = 30
			c.SegmentReplyInd = true
		}
	}
	actions := []h248.ActionReply{{ContextID: 1}, {ContextID: 2}, {ContextID: 3}}
	h := newHarness(t, seg(2))
	h.receive("T=5{" + notifyA + "}").want("request 5")
	h.s.reply(5, actions, nil, NoAck, nil)
	h.want("send P=5/1{C=1}", "send P=5/2{C=2}")
	h.receive("SM=5/1").want("segment reply 5/1", "send P=5/3/&{C=3}")
	h.receive("SM=5/2").want("segment reply 5/2")
	// A resend of the request gets every segment sent.
	h.receive("T=5{"+notifyA+"}").want("send P=5/1{C=1}", "send P=5/2{C=2}", "send P=5/3/&{C=3}")

	// The receiving side: a call gathers, acknowledging each segment.
	h = newHarness(t, seg(SegmentSendNone))
	h.call("a")
	h.effects()
	h.receive("P=1/2{C=2}").want("send SM=1/2")
	h.receive("P=1/3/&{C=3}").want("send SM=1/3/&")
	h.receive("P=1/1{C=1}").want("send SM=1/1", "deliver 1 actions=3")

	// A cast gets each segment; a missing one ends in error 459.
	h = newHarness(t, seg(SegmentSendNone))
	h.s.startRequest(notify("a"), nil, "d")
	h.effects()
	h.receive("P=1/1{C=1}").want("send SM=1/1", "reply 1 seg=1 last=false actions=1 data=d")
	h.at(time.Second).receive("P=1/3/END{C=3}").want("send SM=1/3/&", "reply 1 seg=3 last=false actions=1 data=d")
	h.at(11*time.Second).want(`send ER=459{"segments not received: 2"}`,
		"reply 1 err="+ErrSegmentsNotReceived.Error()+": 2 data=d")
}

func TestCancel(t *testing.T) {
	h := newHarness(t, nil)
	h.call("a")
	h.s.startRequest(notify("b"), nil, "d")
	h.receive("T=5{" + notifyA + "}")
	h.effects()
	h.s.reply(5, notifyReply, nil, ImmAck, "ack")
	h.effects()
	reason := errors.New("link down")
	h.s.cancel(reason)
	got := strings.Join(h.effects(), "\n")
	for _, want := range []string{"deliver 1 err=megaco: canceled: link down", "reply 2 err=megaco: canceled: link down data=d", "ack 5 err=megaco: canceled: link down data=ack"} {
		if !strings.Contains(got, want) {
			t.Errorf("cancel effects lack %q:\n%s", want, got)
		}
	}
	h.at(time.Hour).want()
}

func TestTransactionIDs(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MinTransID, c.MaxTransID = 10, 12 })
	for _, want := range []uint32{10, 11, 12} {
		if id, _ := h.call("a"); id != want {
			t.Fatalf("id %d, want %d", id, want)
		}
	}
	if _, err := h.s.startRequest(notify("a"), nil, nil); !errors.Is(err, ErrTooManyRequests) {
		t.Fatalf("got %v, want ErrTooManyRequests", err)
	}
	h.effects()
	h.receive("P=11{C=-{N=a}}").effects()
	if id, _ := h.call("a"); id != 11 {
		t.Fatalf("freed id not reused: %d", id)
	}
}

func TestConfigWarnings(t *testing.T) {
	cfg := DefaultConfig()
	if w := cfg.Warnings(); len(w) != 0 {
		t.Errorf("defaults warn: %v", w)
	}
	cfg.RequestTimer.MaxRetries = 3
	if w := cfg.Warnings(); len(w) != 1 || !strings.Contains(w[0], "49s") {
		t.Errorf("want a warning about a 49s window, got %v", w)
	}
	cfg.RequestTimer.MaxRetries = Infinite
	if w := cfg.Warnings(); len(w) != 1 {
		t.Errorf("want a warning for infinite resends, got %v", w)
	}
	bad := DefaultConfig()
	bad.TransReqMaxCount = 0
	bad.ProtocolVersion = 4
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "trans_req_maxcount") || !strings.Contains(err.Error(), "protocol_version") {
		t.Errorf("Validate = %v", err)
	}
}

func TestSloppyAck(t *testing.T) {
	h := newHarness(t, nil)
	h.receive("T=5{" + notifyA + "}").want("request 5")
	h.s.reply(5, notifyReply, nil, SloppyAck, "s")
	h.want("send P=5{C=-{N=a}}") // no ImmAckRequired
	h.at(time.Second).receive("K{5}").want("ack 5 data=s")
}

// counter is an Observer that counts events by kind.
type counter map[string]int

func (c counter) Observe(e Event) {
	switch e.Kind {
	case EventSent:
		c["sent "+e.Tx.String()]++
	case EventReceived:
		c["received "+e.Tx.String()]++
	case EventResend:
		c["resend"]++
	case EventTimeout:
		c["timeout"]++
	case EventCompleted:
		c[fmt.Sprintf("completed %v", e.Latency)]++
	case EventErrorReceived:
		c[fmt.Sprintf("error received %d", e.Code)]++
	case EventErrorSent:
		c[fmt.Sprintf("error sent %d", e.Code)]++
	}
}

func TestObserver(t *testing.T) {
	h := newHarness(t, nil)
	obs := counter{}
	h.s.obs = obs
	h.call("a")
	h.at(7 * time.Second)
	h.at(8 * time.Second).receive("P=1{C=-{N=a}}")
	h.s.startRequest(notify("b"), nil, nil)
	h.receive("P=2{ER=430{}}")
	h.s.startRequest(notify("c"), nil, nil) // resent at 15 and 29 s, given up at 57 s
	h.at(15 * time.Second).at(29 * time.Second).at(57 * time.Second)
	want := counter{"resend": 3, "received reply": 2, "completed 8s": 1, "error received 430": 1, "timeout": 1}
	if fmt.Sprint(obs) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", obs, want)
	}
}
