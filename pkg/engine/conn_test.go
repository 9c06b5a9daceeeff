package engine

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/megaco/megaco/pkg/h248"
)

// wire joins two connections through the text codec: each message is
// encoded, optionally dropped, decoded and handed to the other side after
// a delay.
type wire struct {
	mu    sync.Mutex
	drop  func(from string, m *h248.Message) bool
	delay time.Duration
	wg    sync.WaitGroup
	sent  map[string]int
}

func (w *wire) sender(from string, to func() *Conn) func([]byte) error {
	return func(b []byte) error {
		m, err := compact.Decode(b)
		if err != nil {
			return err
		}
		w.mu.Lock()
		if w.sent == nil {
			w.sent = map[string]int{}
		}
		w.sent[from]++
		drop := w.drop != nil && w.drop(from, m)
		w.mu.Unlock()
		if drop {
			return nil
		}
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			time.Sleep(w.delay)
			_ = to().Receive(m)
		}()
		return nil
	}
}

// upcallFunc adapts a function to Upcalls.
type upcallFunc func(c *Conn, u Upcall)

func (f upcallFunc) Upcall(c *Conn, u Upcall) { f(c, u) }

// pair makes an MGC and an MG connection on a wire; mg answers requests.
func pair(t *testing.T, w *wire, mgcCfg, mgCfg Config, mgc, mg Upcalls) (*Conn, *Conn) {
	t.Helper()
	var a, b *Conn
	var err error
	a, err = New(mgcCfg, Params{Local: h248.MID{Kind: h248.MIDIP4, Addr: netip.MustParseAddr("10.0.0.1")},
		Codec: compact, Send: w.sender("mgc", func() *Conn { return b }), Upcalls: mgc})
	if err != nil {
		t.Fatal(err)
	}
	b, err = New(mgCfg, Params{Local: h248.MID{Kind: h248.MIDIP4, Addr: netip.MustParseAddr("10.0.0.2")},
		Codec: compact, Send: w.sender("mg", func() *Conn { return a }), Upcalls: mg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a.Close()
		b.Close()
		w.wg.Wait()
	})
	return a, b
}

// answerer replies to each request after delay, counting how often it ran
// per transaction id.
type answerer struct {
	delay time.Duration
	mu    sync.Mutex
	runs  map[uint32]int
}

func (a *answerer) Upcall(c *Conn, u Upcall) {
	tr, ok := u.(TransRequest)
	if !ok {
		return
	}
	a.mu.Lock()
	if a.runs == nil {
		a.runs = map[uint32]int{}
	}
	a.runs[tr.Request.ID]++
	a.mu.Unlock()
	time.Sleep(a.delay)
	_ = tr.Responder.Reply(notifyReplies(tr.Request), NoAck, nil)
}

// notifyReplies answers each Notify of a request.
func notifyReplies(tr *h248.TransactionRequest) []h248.ActionReply {
	replies := make([]h248.ActionReply, len(tr.Actions))
	for i, act := range tr.Actions {
		replies[i] = h248.ActionReply{ContextID: act.ContextID}
		for _, c := range act.Commands {
			replies[i].Commands = append(replies[i].Commands, &h248.NotifyReply{TerminationIDs: c.Command.Terminations()})
		}
	}
	return replies
}

var ignore = upcallFunc(func(*Conn, Upcall) {})

func TestConnCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := &wire{delay: 10 * time.Millisecond}
		mg := &answerer{}
		mgc, _ := pair(t, w, DefaultConfig(), DefaultConfig(), ignore, mg)
		start := time.Now()
		r, err := mgc.Call(context.Background(), notify("a"))
		if err != nil || len(r.Actions) != 1 {
			t.Fatalf("Call = %+v, %v", r, err)
		}
		if d := time.Since(start); d != 20*time.Millisecond {
			t.Errorf("round trip took %v, want 20ms", d)
		}
	})
}

func TestConnResendAndReplyCache(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The first reply is lost: the MGC resends after 7 s and gets the
		// cached reply; the MG's handler runs once.
		replies := 0
		w := &wire{drop: func(from string, m *h248.Message) bool {
			if _, ok := m.Transactions[0].(*h248.TransactionReply); ok && from == "mg" {
				replies++
				return replies == 1
			}
			return false
		}}
		mg := &answerer{}
		mgc, _ := pair(t, w, DefaultConfig(), DefaultConfig(), ignore, mg)
		start := time.Now()
		if _, err := mgc.Call(context.Background(), notify("a")); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 7*time.Second {
			t.Errorf("took %v, want the 7 s resend", d)
		}
		if mg.runs[1] != 1 {
			t.Errorf("handler ran %d times", mg.runs[1])
		}
	})
}

func TestConnPendingFlow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The MG takes 100 s: it sends Pending every 30 s, the MGC waits on
		// the long request timer (60 s, restarted by each Pending).
		w := &wire{}
		mg := &answerer{delay: 100 * time.Second}
		mgc, _ := pair(t, w, DefaultConfig(), DefaultConfig(), ignore, mg)
		start := time.Now()
		if _, err := mgc.Call(context.Background(), notify("a")); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 100*time.Second {
			t.Errorf("took %v", d)
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		// MGC: the request and its resend at 7 s. MG: a Pending for that
		// resend, one from the pending timer at 30, 60 and 90 s, and the
		// reply.
		if w.sent["mg"] != 5 || w.sent["mgc"] != 2 {
			t.Errorf("sent %v", w.sent)
		}
	})
}

func TestConnTimeoutAndContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := &wire{drop: func(string, *h248.Message) bool { return true }}
		mgc, _ := pair(t, w, DefaultConfig(), DefaultConfig(), ignore, &answerer{})
		start := time.Now()
		_, err := mgc.Call(context.Background(), notify("a"))
		if !errors.Is(err, ErrTimeout) || time.Since(start) != 49*time.Second {
			t.Fatalf("got %v after %v, want ErrTimeout after 49s", err, time.Since(start))
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, err := mgc.Call(ctx, notify("a")); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v", err)
		}
		if info, _ := mgc.Info(); info.Outstanding != 0 {
			t.Errorf("%d requests still tracked", info.Outstanding)
		}
	})
}

func TestConnCastAndCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var got []string
		var mu sync.Mutex
		record := upcallFunc(func(_ *Conn, u Upcall) {
			mu.Lock()
			got = append(got, upcallString(u))
			mu.Unlock()
		})
		w := &wire{}
		mgc, _ := pair(t, w, DefaultConfig(), DefaultConfig(), record, &answerer{delay: time.Minute})
		if _, err := mgc.Cast(notify("a"), "one"); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if err := mgc.Cancel(errors.New("going away")); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(got) != 1 || got[0] != "reply 1 err=megaco: canceled: going away data=one" {
			t.Fatalf("upcalls %q", got)
		}
	})
}

func TestConnUpdateConfig(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var sent atomic.Int32
		w := &wire{drop: func(from string, _ *h248.Message) bool {
			if from == "mgc" {
				sent.Add(1)
			}
			return true
		}}
		mgc, _ := pair(t, w, DefaultConfig(), DefaultConfig(), ignore, &answerer{})
		if err := mgc.UpdateConfig(func(c *Config) { c.RequestTimer = Timer{WaitFor: time.Second, Factor: 1, MaxRetries: 4} }); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if _, err := mgc.Call(context.Background(), notify("a")); !errors.Is(err, ErrTimeout) {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 5*time.Second || sent.Load() != 5 {
			t.Errorf("timed out after %v with %d sends, want 5s and 5", d, sent.Load())
		}
		if err := mgc.UpdateConfig(func(c *Config) { c.ReplyTimer = 0 }); err == nil {
			t.Error("an invalid update was accepted")
		}
	})
}
