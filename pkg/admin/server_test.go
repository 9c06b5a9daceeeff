package admin

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/transport/v3/stdnet"

	"github.com/megaco/megaco/pkg/config"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/pkg/mgc"
	"github.com/megaco/megaco/transport/udp"
)

// testBackend starts users on loopback UDP; their spec must name a MID.
type testBackend struct {
	t     *testing.T
	st    *megaco.Stack
	mu    sync.Mutex
	users map[h248.MID]*udp.Transport
	specs map[h248.MID]config.User
}

func (b *testBackend) StartUser(u config.User) (h248.MID, error) {
	uc := u.UserConfig(config.MGC{})
	mu, err := b.st.StartUser(u.MID, uc)
	if err != nil {
		return h248.MID{}, err
	}
	n, err := stdnet.NewNet()
	if err != nil {
		return h248.MID{}, err
	}
	tr, err := udp.Listen(n, "127.0.0.1:0", mu)
	if err != nil {
		return h248.MID{}, err
	}
	b.mu.Lock()
	b.users[u.MID], b.specs[u.MID] = tr, u
	b.mu.Unlock()
	b.t.Cleanup(func() { tr.Close() })
	return u.MID, nil
}

func (b *testBackend) StopUser(mid h248.MID) error {
	if err := b.st.StopUser(mid); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.specs, mid)
	return b.users[mid].Close()
}

func (b *testBackend) User(mid h248.MID) (config.User, string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	tr, ok := b.users[mid]
	if !ok {
		return config.User{}, "", megaco.ErrNoUser
	}
	return b.specs[mid], tr.LocalAddr(), nil
}

func (b *testBackend) Connect(user, remote h248.MID, addr string) (*megaco.Conn, error) {
	b.mu.Lock()
	tr := b.users[user]
	b.mu.Unlock()
	if tr == nil {
		return nil, megaco.ErrNoUser
	}
	to, err := tr.Resolve(addr)
	if err != nil {
		return nil, err
	}
	return b.st.Connect(user, remote, tr, to)
}

// fakeView is an MGC layer with fixed contents.
type fakeView struct {
	mgs    []mgc.MGInfo
	legs   []mgc.LegInfo
	mixers []mgc.MixerInfo
}

func (v *fakeView) MGs() []mgc.MGInfo { return v.mgs }
func (v *fakeView) Legs(mg h248.MID) []mgc.LegInfo {
	var out []mgc.LegInfo
	for _, l := range v.legs {
		if mg == (h248.MID{}) || l.ID.MG == mg {
			out = append(out, l)
		}
	}
	return out
}
func (v *fakeView) Mixers(h248.MID) []mgc.MixerInfo { return v.mixers }

type fixture struct {
	st  *megaco.Stack
	srv *Server
	url string
	m   *Metrics
}

func newFixture(t *testing.T, token string, view MGCView) *fixture {
	t.Helper()
	m := NewMetrics()
	st := megaco.NewStack(megaco.WithObserver(m))
	t.Cleanup(st.Close)
	srv := New(Options{Stack: st, Backend: &testBackend{t: t, st: st, users: map[h248.MID]*udp.Transport{}, specs: map[h248.MID]config.User{}},
		MGC: view, Metrics: m, Token: token, Version: "v-test"})
	m.Watch(st, view)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &fixture{st: st, srv: srv, url: hs.URL, m: m}
}

// call makes a request and decodes the JSON answer into out.
func (f *fixture) call(t *testing.T, method, path, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, f.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

func mustMID(t *testing.T, s string) h248.MID {
	t.Helper()
	m, err := config.ParseMID(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestHealthAndReadiness(t *testing.T) {
	f := newFixture(t, "", nil)
	if code := f.call(t, "GET", "/healthz", "", nil); code != 200 {
		t.Errorf("/healthz %d", code)
	}
	if code := f.call(t, "GET", "/readyz", "", nil); code != 503 {
		t.Errorf("/readyz before ready: %d", code)
	}
	f.srv.SetReady(true)
	if code := f.call(t, "GET", "/readyz", "", nil); code != 200 {
		t.Errorf("/readyz when ready: %d", code)
	}
	var e ErrorBody
	if code := f.call(t, "GET", "/v1/nothing", "", &e); code != 404 || !strings.Contains(e.Error, "no such endpoint") {
		t.Errorf("unknown endpoint: %d %+v", code, e)
	}
}

func TestAuth(t *testing.T) {
	f := newFixture(t, "s3cret", nil)
	for _, tt := range []struct {
		path, auth string
		want       int
	}{
		{"/v1/system", "", 401},
		{"/v1/system", "Bearer wrong", 401},
		{"/v1/system", "s3cret", 401},
		{"/v1/system", "Bearer s3cret", 200},
		{"/metrics", "", 401},
		{"/metrics", "Bearer s3cret", 200},
		{"/healthz", "", 200},
		{"/readyz", "", 503},
	} {
		req, _ := http.NewRequest("GET", f.url+tt.path, nil)
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("GET %s with %q: %d, want %d", tt.path, tt.auth, resp.StatusCode, tt.want)
		}
	}
}

func TestUsers(t *testing.T) {
	f := newFixture(t, "", nil)
	var u UserStatus
	if code := f.call(t, "POST", "/v1/users", `{"mid": "<mgc.example>", "request_timer": "3s", "encoding": "compact"}`, &u); code != 201 {
		t.Fatalf("start: %d %+v", code, u)
	}
	if u.MID != "<mgc.example>" || u.Transport != "udp" || !strings.HasPrefix(u.Listen, "127.0.0.1:") ||
		u.Config["request_timer"] != "3s" || u.Config["encoding"] != "compact" || u.Config["reply_timer"] != "30s" {
		t.Errorf("started: %+v", u)
	}
	var e ErrorBody
	if code := f.call(t, "POST", "/v1/users", `{"mid": "<mgc.example>"}`, &e); code != 409 {
		t.Errorf("start twice: %d %+v", code, e)
	}
	if code := f.call(t, "POST", "/v1/users", `{"mid": "<b>", "trans_ack": "perhaps", "reply_timr": "1s"}`, &e); code != 400 || len(e.Problems) != 2 ||
		e.Problems[0].Key != "trans_ack" || e.Problems[1].Msg != "unknown key (did you mean reply_timer?)" {
		t.Errorf("bad start: %d %+v", code, e)
	}
	var list []UserStatus
	if code := f.call(t, "GET", "/v1/users", "", &list); code != 200 || len(list) != 1 || list[0].MID != "<mgc.example>" {
		t.Errorf("list: %d %+v", code, list)
	}
	esc := "%3Cmgc.example%3E"
	if code := f.call(t, "PATCH", "/v1/users/"+esc, `{"reply_timer": "60s", "trans_req": true}`, &u); code != 200 || u.Config["reply_timer"] != "1m0s" {
		t.Errorf("update: %d %+v", code, u)
	}
	info, err := f.st.UserInfo(mustMID(t, "<mgc.example>"))
	if err != nil || info.Config.ReplyTimer != time.Minute || !info.Config.TransReq || info.Config.RequestTimer != engine.Fixed(3*time.Second) {
		t.Errorf("the user's live config: %+v %v", info.Config.Config, err)
	}
	if code := f.call(t, "PATCH", "/v1/users/"+esc, `{"port": 7}`, &e); code != 400 || !strings.Contains(e.Problems[0].Msg, "cannot change on a running user") {
		t.Errorf("update where it listens: %d %+v", code, e)
	}
	if code := f.call(t, "PATCH", "/v1/users/"+esc, `{"reply_timer": "-"}`, &e); code != 400 {
		t.Errorf("bad update: %d %+v", code, e)
	}
	if code := f.call(t, "GET", "/v1/users/not%20a%20mid", "", &e); code != 400 {
		t.Errorf("bad MID: %d %+v", code, e)
	}
	if code := f.call(t, "DELETE", "/v1/users/"+esc, "", nil); code != 200 {
		t.Errorf("stop: %d", code)
	}
	if code := f.call(t, "GET", "/v1/users/"+esc, "", &e); code != 404 {
		t.Errorf("after stop: %d %+v", code, e)
	}
}

func TestConns(t *testing.T) {
	f := newFixture(t, "", nil)
	if code := f.call(t, "POST", "/v1/users", `{"mid": "[127.0.0.1]:2944"}`, nil); code != 201 {
		t.Fatalf("start: %d", code)
	}
	peer, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	var c ConnStatus
	body := `{"remote": "<mg1>", "address": "` + peer.LocalAddr().String() + `"}`
	if code := f.call(t, "POST", "/v1/conns", body, &c); code != 201 || c.Remote != "<mg1>" || c.User != "[127.0.0.1]:2944" || c.Peer != peer.LocalAddr().String() {
		t.Fatalf("connect: %d %+v", code, c)
	}
	var list []ConnStatus
	if code := f.call(t, "GET", "/v1/conns", "", &list); code != 200 || len(list) != 1 || list[0].Remote != "<mg1>" {
		t.Errorf("list: %d %+v", code, list)
	}
	if code := f.call(t, "GET", "/v1/conns?user=%5B127.0.0.1%5D:2944", "", &list); code != 200 || len(list) != 1 {
		t.Errorf("list of the user: %d %+v", code, list)
	}
	if code := f.call(t, "PATCH", "/v1/conns/%3Cmg1%3E", `{"request_timer": "wait_for=300ms,factor=1,incr=0,max_retries=3", "auto_ack": "true"}`, &c); code != 200 ||
		c.Config["request_timer"] != "wait_for=300ms,factor=1,incr=0s,max_retries=3" || c.Config["auto_ack"] != "true" {
		t.Errorf("update: %d %+v", code, c)
	}
	u, _ := f.st.User(mustMID(t, "[127.0.0.1]:2944"))
	ci, err := u.Conns()[0].Info()
	if err != nil || ci.Config.RequestTimer != (engine.Timer{WaitFor: 300 * time.Millisecond, Factor: 1, MaxRetries: 3}) || !ci.Config.AutoAck {
		t.Errorf("live config %+v %v", ci.Config, err)
	}
	var e ErrorBody
	if code := f.call(t, "PATCH", "/v1/conns/%3Cmg1%3E", `{"auto_ack": false, "max_trans_id": 0}`, &e); code != 400 || e.Problems[0].Key != "min_trans_id" {
		t.Errorf("bad update: %d %+v", code, e)
	}
	if ci, _ := u.Conns()[0].Info(); !ci.Config.AutoAck {
		t.Error("a refused update changed the connection")
	}
	if code := f.call(t, "PUT", "/v1/conns/%3Cmg1%3E/trace", `{"on": true}`, &c); code != 200 || !c.Tracing || !u.Conns()[0].Tracing() {
		t.Errorf("trace: %d %+v", code, c)
	}
	if code := f.call(t, "DELETE", "/v1/conns/%3Cmg1%3E", "", &c); code != 200 || !c.Disconnected {
		t.Errorf("disconnect: %d %+v", code, c)
	}
	if code := f.call(t, "GET", "/v1/conns/%3Cmg2%3E", "", &e); code != 404 {
		t.Errorf("unknown: %d %+v", code, e)
	}
	if code := f.call(t, "POST", "/v1/conns", `{"remote": "<mg2>"}`, &e); code != 400 {
		t.Errorf("connect without an address: %d %+v", code, e)
	}
}

func TestMGCViews(t *testing.T) {
	mg1, mg2 := h248.MID{Kind: h248.MIDDevice, Name: "mg1"}, h248.MID{Kind: h248.MIDDevice, Name: "mg2"}
	a := mgc.LegID{MG: mg1, Termination: "tdm/1/1"}
	b := mgc.LegID{MG: mg1, Termination: "rtp/1"}
	mx := mgc.MixerID{MG: mg2, Context: 7}
	view := &fakeView{
		mgs: []mgc.MGInfo{{MID: mg2, State: mgc.MGLost, Resyncs: 2}, {MID: mg1, State: mgc.MGReady, Legs: 2, Resyncs: 1}},
		legs: []mgc.LegInfo{
			{ID: b, Context: 3, State: mgc.LegActive, Peer: &a},
			{ID: a, Context: 3, State: mgc.LegActive, Peer: &b},
			{ID: mgc.LegID{MG: mg2, Termination: "rtp/9"}, Context: 7, State: mgc.LegRinging, Mixer: &mx},
		},
		mixers: []mgc.MixerInfo{{ID: mx, Port: "mix/1", Legs: []mgc.LegID{{MG: mg2, Termination: "rtp/9"}}}},
	}
	f := newFixture(t, "", view)
	var mgs []MGStatus
	if f.call(t, "GET", "/v1/mgs", "", &mgs); len(mgs) != 2 || mgs[0] != (MGStatus{MID: "mg1", State: "ready", Legs: 2, Resyncs: 1}) || mgs[1].State != "lost" {
		t.Errorf("mgs: %+v", mgs)
	}
	var legs []LegStatus
	f.call(t, "GET", "/v1/legs?mg=mg1", "", &legs)
	if len(legs) != 2 || legs[0] != (LegStatus{MG: "mg1", Termination: "rtp/1", Context: "3", State: "active", Peer: "mg1/tdm/1/1"}) {
		t.Errorf("legs of mg1: %+v", legs)
	}
	f.call(t, "GET", "/v1/legs", "", &legs)
	if len(legs) != 3 || legs[2].Mixer != "7" || legs[2].State != "ringing" {
		t.Errorf("legs: %+v", legs)
	}
	var mixers []MixerStatus
	if f.call(t, "GET", "/v1/mixers", "", &mixers); len(mixers) != 1 || mixers[0].Port != "mix/1" || mixers[0].Legs[0] != "rtp/9" {
		t.Errorf("mixers: %+v", mixers)
	}
	var e ErrorBody
	if code := f.call(t, "GET", "/v1/legs?mg=not%20one", "", &e); code != 400 {
		t.Errorf("bad mg: %d", code)
	}
	if code := newFixture(t, "", nil).call(t, "GET", "/v1/mgs", "", &e); code != 501 {
		t.Errorf("without an MGC layer: %d %+v", code, e)
	}
	metrics := f.scrape(t)
	for _, want := range []string{`megaco_mgc_mgs{state="ready"} 1`, `megaco_mgc_mgs{state="lost"} 1`, `megaco_mgc_legs{state="active"} 2`,
		`megaco_mgc_legs{state="ringing"} 1`, "megaco_mgc_mixers 1", `megaco_mgc_resyncs_total{outcome="started"} 3`} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("/metrics has no %s", want)
		}
	}
}

func (f *fixture) scrape(t *testing.T) string {
	t.Helper()
	resp, err := http.Get(f.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestMetrics(t *testing.T) {
	f := newFixture(t, "", &fakeView{})
	for _, e := range []engine.Event{
		{Kind: engine.EventSent, Tx: engine.TxRequest},
		{Kind: engine.EventSent, Tx: engine.TxRequest},
		{Kind: engine.EventReceived, Tx: engine.TxPending},
		{Kind: engine.EventResend},
		{Kind: engine.EventTimeout},
		{Kind: engine.EventCompleted, Latency: 3 * time.Millisecond},
		{Kind: engine.EventErrorSent, Code: h248.CodeBadRequest},
		{Kind: engine.EventErrorReceived, Code: h248.CodeBadRequest},
	} {
		f.m.Observe(e)
	}
	app := f.m.ResyncCounter()
	app.OnCmcLibReady(h248.MID{})
	app.OnSyncDone(mgc.LegInfo{})
	app.OnCallLegTerminated(mgc.LegInfo{}, mgc.ErrVanished)
	app.OnCallLegTerminated(mgc.LegInfo{}, errors.New("released"))
	app.OnMixerSync(mgc.MixerInfo{})
	got := f.scrape(t)
	for _, want := range []string{
		`megaco_transactions_sent_total{kind="request"} 2`,
		`megaco_transactions_received_total{kind="pending"} 1`,
		`megaco_transactions_received_total{kind="reply"} 0`,
		"megaco_resends_total 1",
		"megaco_timeouts_total 1",
		`megaco_errors_total{code="400",direction="sent",name="Syntax error in message"} 1`,
		`megaco_errors_total{code="400",direction="received",name="Syntax error in message"} 1`,
		`megaco_transaction_latency_seconds_bucket{le="0.005"} 1`,
		"megaco_transaction_latency_seconds_count 1",
		`megaco_mgc_resyncs_total{outcome="completed"} 1`,
		`megaco_mgc_resync_items_total{item="leg",outcome="kept"} 1`,
		`megaco_mgc_resync_items_total{item="leg",outcome="vanished"} 1`,
		`megaco_mgc_resync_items_total{item="leg",outcome="terminated"} 1`,
		`megaco_mgc_resync_items_total{item="mixer",outcome="offered"} 1`,
		"megaco_connections 0",
		"megaco_users 0",
		"megaco_decode_errors_total 0",
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("/metrics has no %s", want)
		}
	}
}

func TestClient(t *testing.T) {
	f := newFixture(t, "tok", nil)
	ctx := context.Background()
	c := NewClient(strings.TrimPrefix(f.url, "http://"), "tok")
	u, err := c.StartUser(ctx, map[string]string{"mid": "mgc1", "reply_timer": "45s"})
	if err != nil || u.MID != "mgc1" || u.Config["reply_timer"] != "45s" {
		t.Fatalf("StartUser: %+v %v", u, err)
	}
	if s, err := c.System(ctx); err != nil || s.Version != "v-test" || len(s.Users) != 1 {
		t.Errorf("System: %+v %v", s, err)
	}
	_, err = c.UpdateUserInfo(ctx, "mgc1", map[string]string{"reply_timer": "soon"})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 400 || ae.Problems[0].Key != "reply_timer" ||
		err.Error() != "invalid settings\n  reply_timer: wrong type: want a duration (7s, 500ms or milliseconds), got \"soon\"" {
		t.Errorf("UpdateUserInfo: %v", err)
	}
	if _, err := c.ConnInfo(ctx, "mg9", ""); !errors.As(err, &ae) || ae.Status != 404 {
		t.Errorf("ConnInfo: %v", err)
	}
	if _, err := NewClient(strings.TrimPrefix(f.url, "http://"), "").Users(ctx); !errors.As(err, &ae) || ae.Status != 401 {
		t.Errorf("without the token: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if _, err := NewClient(addr, "").System(ctx); !errors.Is(err, ErrNoDaemon) || !strings.Contains(err.Error(), addr) {
		t.Errorf("no daemon: %v", err)
	}
	if err := c.Do(ctx, "GET", "/v1/version", nil, nil); err != nil {
		t.Errorf("Do: %v", err)
	}
}
