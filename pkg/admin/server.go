package admin

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/megaco/megaco/pkg/config"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/pkg/mgc"
)

// Backend is what the daemon wires that the API cannot: transports.
type Backend interface {
	// StartUser listens where u says and starts the user on the stack
	// (Erlang's start_user with its transport); it returns the user's
	// MID, which may come from the bound address.
	StartUser(u config.User) (h248.MID, error)
	// StopUser stops a user and closes its transport.
	StopUser(mid h248.MID) error
	// User returns how a running user was started and the address it is
	// bound to.
	User(mid h248.MID) (spec config.User, listen string, err error)
	// Connect connects user to the peer remote (zero: preliminary MID) at
	// host:port addr over the user's transport (Erlang's connect).
	Connect(user, remote h248.MID, addr string) (*megaco.Conn, error)
}

// MGCView is the MGC layer as the API shows it; *mgc.Controller is one.
type MGCView interface {
	MGs() []mgc.MGInfo
	Legs(mg h248.MID) []mgc.LegInfo
	Mixers(mg h248.MID) []mgc.MixerInfo
}

// Options are a Server's parts.
type Options struct {
	Stack   *megaco.Stack
	Backend Backend
	// MGC is the MGC layer's view; nil when the daemon runs none.
	MGC MGCView
	// Calls places and releases calls (/v1/calls); nil takes none.
	Calls CallControl
	// Replication reports the instance's role and state
	// (/v1/replication); nil when there is none.
	Replication ReplicationView
	// Metrics serves /metrics; nil serves none.
	Metrics *Metrics
	// Token, when set, is the bearer token /v1/ and /metrics require.
	Token   string
	Version string
	Log     *zap.Logger
}

// Server is the admin API: an http.Handler plus readiness.
type Server struct {
	o     Options
	log   *zap.Logger
	mux   *http.ServeMux
	ready atomic.Bool
	srv   *http.Server
}

// Errors the handlers map to status codes.
var (
	errNoConn    = errors.New("no such connection")
	errAmbiguous = errors.New("several users have a connection to this MID: name the user")
	errNoMGC     = errors.New("the daemon runs no MGC layer")
)

// maxBody bounds a request body.
const maxBody = 1 << 20

// New returns the API; it is not ready until SetReady(true).
func New(o Options) *Server {
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	s := &Server{o: o, log: o.Log.Named("admin"), mux: http.NewServeMux()}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	m := s.mux
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	m.HandleFunc("GET /readyz", s.readyz)
	if o.Metrics != nil {
		m.Handle("GET /metrics", s.auth(promhttp.HandlerFor(o.Metrics.Registry, promhttp.HandlerOpts{})))
	}
	for pattern, h := range map[string]func(*http.Request) (int, any, error){
		"GET /v1/version":              s.version,
		"GET /v1/system":               s.system,
		"GET /v1/users":                s.users,
		"POST /v1/users":               s.startUser,
		"GET /v1/users/{mid}":          s.userInfo,
		"DELETE /v1/users/{mid}":       s.stopUser,
		"PATCH /v1/users/{mid}":        s.updateUser,
		"GET /v1/conns":                s.conns,
		"POST /v1/conns":               s.connect,
		"GET /v1/conns/{remote}":       s.connInfo,
		"DELETE /v1/conns/{remote}":    s.disconnect,
		"PATCH /v1/conns/{remote}":     s.updateConn,
		"PUT /v1/conns/{remote}/trace": s.trace,
		"GET /v1/mgs":                  s.mgs,
		"GET /v1/legs":                 s.legs,
		"GET /v1/mixers":               s.mixers,
		"GET /v1/calls":                s.calls,
		"GET /v1/replication":          s.replication,
		"POST /v1/calls":               s.placeCall,
		"DELETE /v1/calls/{call}":      s.releaseCall,
	} {
		m.Handle(pattern, s.auth(s.api(h)))
	}
	m.Handle("/v1/", s.auth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, ErrorBody{Error: "no such endpoint: " + r.Method + " " + r.URL.Path})
	})))
	return s
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// SetReady sets what /readyz answers.
func (s *Server) SetReady(ok bool) { s.ready.Store(ok) }

// Serve serves the API on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops serving, waiting for requests in progress until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.srv.Shutdown(ctx)
}

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	if !s.ready.Load() {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
}

// auth requires the bearer token when one is set.
func (s *Server) auth(h http.Handler) http.Handler {
	if s.o.Token == "" {
		return h
	}
	want := []byte("Bearer " + s.o.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="megaco"`)
			writeJSON(w, http.StatusUnauthorized, ErrorBody{Error: "a valid bearer token is required"})
			return
		}
		h.ServeHTTP(w, r)
	})
}

// api turns a handler's result into a JSON answer, and its error into
// the status that says what failed.
func (s *Server) api(h func(*http.Request) (int, any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		status, v, err := h(r)
		if err != nil {
			body := ErrorBody{Error: err.Error()}
			var ce *config.Error
			var se statusError
			switch {
			case errors.As(err, &ce):
				status, body.Error, body.Problems = http.StatusBadRequest, "invalid settings", ce.Problems
			case errors.As(err, &se):
				status = se.status
			case errors.Is(err, megaco.ErrNoUser), errors.Is(err, errNoConn), errors.Is(err, mgc.ErrUnknownMG):
				status = http.StatusNotFound
			case errors.Is(err, megaco.ErrUserExists), errors.Is(err, errAmbiguous):
				status = http.StatusConflict
			case errors.Is(err, mgc.ErrMGNotReady), errors.Is(err, mgc.ErrGraceful):
				status = http.StatusServiceUnavailable
			case errors.Is(err, errNoMGC), errors.Is(err, errNoCallControl), errors.Is(err, errNoReplication):
				status = http.StatusNotImplemented
			default:
				status = http.StatusInternalServerError
			}
			s.log.Info("request failed", zap.String("method", r.Method), zap.String("path", r.URL.Path), zap.Int("status", status), zap.Error(err))
			writeJSON(w, status, body)
			return
		}
		writeJSON(w, status, v)
	})
}

// statusError is an error with its own status, such as a bad request.
type statusError struct {
	status int
	err    error
}

func (e statusError) Error() string { return e.err.Error() }

func badRequest(format string, args ...any) error {
	return statusError{http.StatusBadRequest, fmt.Errorf(format, args...)}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// mid reads a MID from the path or the query.
func mid(s, what string) (h248.MID, error) {
	m, err := config.ParseMID(s)
	if err != nil {
		return h248.MID{}, badRequest("%s: %v", what, err)
	}
	return m, nil
}

func (s *Server) version(*http.Request) (int, any, error) {
	return http.StatusOK, VersionInfo{Version: s.o.Version, Go: runtime.Version()}, nil
}

func (s *Server) system(*http.Request) (int, any, error) {
	si := s.o.Stack.SystemInfo()
	st := SystemStatus{Version: s.o.Version, Users: []string{}, Connections: si.Connections, Received: si.Received,
		DecodeErrors: si.DecodeErrors, Refused: si.Refused, VersionErrors: si.VersionErrs}
	for _, u := range si.Users {
		st.Users = append(st.Users, u.String())
	}
	sort.Strings(st.Users)
	if s.o.MGC != nil {
		st.MGs = len(s.o.MGC.MGs())
		st.Legs = len(s.o.MGC.Legs(h248.MID{}))
	}
	return http.StatusOK, st, nil
}

// userStatus describes a running user.
func (s *Server) userStatus(m h248.MID) (UserStatus, error) {
	info, err := s.o.Stack.UserInfo(m)
	if err != nil {
		return UserStatus{}, err
	}
	spec, listen, err := s.o.Backend.User(m)
	if err != nil {
		return UserStatus{}, err
	}
	return userStatus(info, spec, listen), nil
}

func (s *Server) users(*http.Request) (int, any, error) {
	out := []UserStatus{}
	for _, m := range s.o.Stack.SystemInfo().Users {
		if u, err := s.userStatus(m); err == nil {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].MID < out[j].MID })
	return http.StatusOK, out, nil
}

func (s *Server) startUser(r *http.Request) (int, any, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return 0, nil, badRequest("%v", err)
	}
	u := config.DefaultUser()
	if err := config.DecodeUser(body, &u); err != nil {
		return 0, nil, err
	}
	m, err := s.o.Backend.StartUser(u)
	if err != nil {
		return 0, nil, err
	}
	st, err := s.userStatus(m)
	if err != nil {
		return 0, nil, err
	}
	s.log.Info("user started", zap.String("user", st.MID), zap.String("listen", st.Listen), zap.String("transport", st.Transport))
	return http.StatusCreated, st, nil
}

func (s *Server) userInfo(r *http.Request) (int, any, error) {
	m, err := mid(r.PathValue("mid"), "user")
	if err != nil {
		return 0, nil, err
	}
	st, err := s.userStatus(m)
	return http.StatusOK, st, err
}

func (s *Server) stopUser(r *http.Request) (int, any, error) {
	m, err := mid(r.PathValue("mid"), "user")
	if err != nil {
		return 0, nil, err
	}
	if err := s.o.Backend.StopUser(m); err != nil {
		return 0, nil, err
	}
	s.log.Info("user stopped", zap.Stringer("user", m))
	return http.StatusOK, map[string]string{"stopped": m.String()}, nil
}

// updateUser is update_user_info: the settings of connections made from
// now on; where the user listens cannot change.
func (s *Server) updateUser(r *http.Request) (int, any, error) {
	m, err := mid(r.PathValue("mid"), "user")
	if err != nil {
		return 0, nil, err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return 0, nil, badRequest("%v", err)
	}
	info, err := s.o.Stack.UserInfo(m)
	if err != nil {
		return 0, nil, err
	}
	spec, _, err := s.o.Backend.User(m)
	if err != nil {
		return 0, nil, err
	}
	spec.MID, spec.Encoding, spec.Config = info.MID, info.Config.Encoding, info.Config.Config
	upd := spec
	if err := config.DecodeUser(body, &upd); err != nil {
		return 0, nil, err
	}
	if upd.MID != spec.MID || upd.Transport != spec.Transport || upd.Host != spec.Host || upd.Port != spec.Port {
		return 0, nil, &config.Error{Problems: []config.Problem{{Key: "mid, transport, host, port", Msg: "cannot change on a running user: stop it and start another"}}}
	}
	if err := s.o.Stack.UpdateUserInfo(m, func(uc *megaco.UserConfig) { uc.Config, uc.Encoding = upd.Config, upd.Encoding }); err != nil {
		return 0, nil, err
	}
	s.log.Info("user info updated", zap.Stringer("user", m), zap.ByteString("update", body))
	st, err := s.userStatus(m)
	return http.StatusOK, st, err
}

// allConns lists the connections of every user, or of user when it is
// not zero.
func (s *Server) allConns(user h248.MID) ([]*megaco.Conn, error) {
	mids := []h248.MID{user}
	if user == (h248.MID{}) {
		mids = s.o.Stack.SystemInfo().Users
	}
	var out []*megaco.Conn
	for _, m := range mids {
		u, err := s.o.Stack.User(m)
		if err != nil {
			return nil, err
		}
		out = append(out, u.Conns()...)
	}
	return out, nil
}

func (s *Server) listConns(user h248.MID) (int, any, error) {
	cs, err := s.allConns(user)
	if err != nil {
		return 0, nil, err
	}
	out := []ConnStatus{}
	for _, c := range cs {
		if ci, err := c.Info(); err == nil {
			out = append(out, connStatus(ci))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].User != out[j].User {
			return out[i].User < out[j].User
		}
		return out[i].Remote < out[j].Remote
	})
	return http.StatusOK, out, nil
}

func (s *Server) conns(r *http.Request) (int, any, error) {
	var user h248.MID
	if q := r.URL.Query().Get("user"); q != "" {
		var err error
		if user, err = mid(q, "user"); err != nil {
			return 0, nil, err
		}
	}
	return s.listConns(user)
}

// conn finds the connection to the remote MID in the path, of the user
// in the query if given.
func (s *Server) conn(r *http.Request) (*megaco.Conn, error) {
	remote, err := mid(r.PathValue("remote"), "connection")
	if err != nil {
		return nil, err
	}
	var user h248.MID
	if q := r.URL.Query().Get("user"); q != "" {
		if user, err = mid(q, "user"); err != nil {
			return nil, err
		}
	}
	cs, err := s.allConns(user)
	if err != nil {
		return nil, err
	}
	var found *megaco.Conn
	for _, c := range cs {
		if c.RemoteMID() != remote {
			continue
		}
		if found != nil && found.LocalMID() != c.LocalMID() {
			return nil, errAmbiguous
		}
		found = c
	}
	if found == nil {
		return nil, fmt.Errorf("%w to %v", errNoConn, remote)
	}
	return found, nil
}

func (s *Server) connInfo(r *http.Request) (int, any, error) {
	c, err := s.conn(r)
	if err != nil {
		return 0, nil, err
	}
	ci, err := c.Info()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, connStatus(ci), nil
}

func (s *Server) connect(r *http.Request) (int, any, error) {
	var req ConnectRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return 0, nil, badRequest("body: %v", err)
	}
	var user, remote h248.MID
	var err error
	switch users := s.o.Stack.SystemInfo().Users; {
	case req.User != "":
		if user, err = mid(req.User, "user"); err != nil {
			return 0, nil, err
		}
	case len(users) == 1:
		user = users[0]
	default:
		return 0, nil, badRequest("user: name the local user (%d running)", len(users))
	}
	if req.Remote != "" {
		if remote, err = mid(req.Remote, "remote"); err != nil {
			return 0, nil, err
		}
	}
	if req.Address == "" {
		return 0, nil, badRequest("address: the peer's host:port is required")
	}
	c, err := s.o.Backend.Connect(user, remote, req.Address)
	if err != nil {
		return 0, nil, err
	}
	ci, err := c.Info()
	if err != nil {
		return 0, nil, err
	}
	s.log.Info("connected", zap.Stringer("user", user), zap.Stringer("remote", remote), zap.String("address", req.Address))
	return http.StatusCreated, connStatus(ci), nil
}

func (s *Server) disconnect(r *http.Request) (int, any, error) {
	c, err := s.conn(r)
	if err != nil {
		return 0, nil, err
	}
	if err := s.o.Stack.Disconnect(c, errors.New("disconnected by the admin API")); err != nil {
		return 0, nil, err
	}
	s.log.Info("disconnected", zap.Stringer("user", c.LocalMID()), zap.Stringer("remote", c.RemoteMID()))
	ci, err := c.Info()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, connStatus(ci), nil
}

// updateConn is update_conn_info: the body's keys are read over the live
// configuration on the connection's own loop, and apply from now on.
func (s *Server) updateConn(r *http.Request) (int, any, error) {
	c, err := s.conn(r)
	if err != nil {
		return 0, nil, err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return 0, nil, badRequest("%v", err)
	}
	var derr error
	if err := s.o.Stack.UpdateConnInfo(c, func(cfg *engine.Config) { derr = config.DecodeConn(body, cfg) }); err != nil {
		return 0, nil, err
	}
	if derr != nil {
		return 0, nil, derr
	}
	s.log.Info("conn info updated", zap.Stringer("user", c.LocalMID()), zap.Stringer("remote", c.RemoteMID()), zap.ByteString("update", body))
	ci, err := c.Info()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, connStatus(ci), nil
}

func (s *Server) trace(r *http.Request) (int, any, error) {
	c, err := s.conn(r)
	if err != nil {
		return 0, nil, err
	}
	var req TraceRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return 0, nil, badRequest("body: %v", err)
	}
	c.SetTrace(req.On)
	s.log.Info("trace", zap.Stringer("user", c.LocalMID()), zap.Stringer("remote", c.RemoteMID()), zap.Bool("on", req.On))
	ci, err := c.Info()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, connStatus(ci), nil
}

// mgFilter reads the optional ?mg= of the MGC views.
func (s *Server) mgFilter(r *http.Request) (h248.MID, error) {
	if s.o.MGC == nil {
		return h248.MID{}, errNoMGC
	}
	q := r.URL.Query().Get("mg")
	if q == "" {
		return h248.MID{}, nil
	}
	return mid(q, "mg")
}

func (s *Server) mgs(r *http.Request) (int, any, error) {
	if _, err := s.mgFilter(r); err != nil {
		return 0, nil, err
	}
	out := []MGStatus{}
	for _, m := range s.o.MGC.MGs() {
		out = append(out, mgStatus(m))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].MID < out[j].MID })
	return http.StatusOK, out, nil
}

func (s *Server) legs(r *http.Request) (int, any, error) {
	mg, err := s.mgFilter(r)
	if err != nil {
		return 0, nil, err
	}
	out := []LegStatus{}
	for _, l := range s.o.MGC.Legs(mg) {
		out = append(out, legStatus(l))
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].MG+" "+strings.ToLower(out[i].Termination) < out[j].MG+" "+strings.ToLower(out[j].Termination)
	})
	return http.StatusOK, out, nil
}

func (s *Server) mixers(r *http.Request) (int, any, error) {
	mg, err := s.mgFilter(r)
	if err != nil {
		return 0, nil, err
	}
	out := []MixerStatus{}
	for _, m := range s.o.MGC.Mixers(mg) {
		out = append(out, mixerStatus(m))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].MG+" "+out[i].Context < out[j].MG+" "+out[j].Context })
	return http.StatusOK, out, nil
}
