package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// DefaultAddr is where the admin API listens unless configured otherwise.
const DefaultAddr = "127.0.0.1:8248"

// ErrNoDaemon: nothing answers at the admin address.
var ErrNoDaemon = errors.New("no megaco daemon is running")

// APIError is an error answer of the API.
type APIError struct {
	Status int
	ErrorBody
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.ErrorBody.Error)
	for _, p := range e.Problems {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

// Client calls the admin API of a daemon.
type Client struct {
	// Addr is the daemon's host:port or http(s) URL.
	Addr  string
	Token string
	HTTP  *http.Client
}

// NewClient returns a client of the daemon at addr.
func NewClient(addr, token string) *Client {
	return &Client{Addr: addr, Token: token, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

func (c *Client) base() string {
	if strings.HasPrefix(c.Addr, "http://") || strings.HasPrefix(c.Addr, "https://") {
		return strings.TrimSuffix(c.Addr, "/")
	}
	return "http://" + c.Addr
}

// Do sends a request with body (JSON, unless it is already []byte) and
// decodes the answer into out.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) error {
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base()+path, r)
	if err != nil {
		return err
	}
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) {
			return fmt.Errorf("%w at %s (start one with megaco serve, or point --admin or MEGACO_ADMIN at it)", ErrNoDaemon, c.Addr)
		}
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		e := &APIError{Status: resp.StatusCode}
		if json.Unmarshal(data, &e.ErrorBody) != nil || e.ErrorBody.Error == "" {
			e.ErrorBody.Error = fmt.Sprintf("%s: %s", resp.Status, strings.TrimSpace(string(data)))
		}
		return e
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}

// esc escapes a MID for a path.
func esc(mid string) string { return url.PathEscape(mid) }

// query builds ?key=value for the values that are set.
func query(kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// Version returns the daemon's version.
func (c *Client) Version(ctx context.Context) (v VersionInfo, err error) {
	err = c.Do(ctx, http.MethodGet, "/v1/version", nil, &v)
	return
}

// System is system_info.
func (c *Client) System(ctx context.Context) (s SystemStatus, err error) {
	err = c.Do(ctx, http.MethodGet, "/v1/system", nil, &s)
	return
}

// Users lists the users.
func (c *Client) Users(ctx context.Context) (us []UserStatus, err error) {
	err = c.Do(ctx, http.MethodGet, "/v1/users", nil, &us)
	return
}

// UserInfo is user_info.
func (c *Client) UserInfo(ctx context.Context, mid string) (u UserStatus, err error) {
	err = c.Do(ctx, http.MethodGet, "/v1/users/"+esc(mid), nil, &u)
	return
}

// StartUser is start_user: settings are keys of a configuration file's
// user entry with their values written as in the file.
func (c *Client) StartUser(ctx context.Context, settings map[string]string) (u UserStatus, err error) {
	err = c.Do(ctx, http.MethodPost, "/v1/users", settings, &u)
	return
}

// StopUser is stop_user.
func (c *Client) StopUser(ctx context.Context, mid string) error {
	return c.Do(ctx, http.MethodDelete, "/v1/users/"+esc(mid), nil, nil)
}

// UpdateUserInfo is update_user_info.
func (c *Client) UpdateUserInfo(ctx context.Context, mid string, settings map[string]string) (u UserStatus, err error) {
	err = c.Do(ctx, http.MethodPatch, "/v1/users/"+esc(mid), settings, &u)
	return
}

// Conns lists the connections, of user if it is not empty.
func (c *Client) Conns(ctx context.Context, user string) (cs []ConnStatus, err error) {
	err = c.Do(ctx, http.MethodGet, "/v1/conns"+query("user", user), nil, &cs)
	return
}

// ConnInfo is conn_info of the connection to remote (of user, if several
// users have one).
func (c *Client) ConnInfo(ctx context.Context, remote, user string) (s ConnStatus, err error) {
	err = c.Do(ctx, http.MethodGet, "/v1/conns/"+esc(remote)+query("user", user), nil, &s)
	return
}

// Connect is connect.
func (c *Client) Connect(ctx context.Context, req ConnectRequest) (s ConnStatus, err error) {
	err = c.Do(ctx, http.MethodPost, "/v1/conns", req, &s)
	return
}

// Disconnect is disconnect.
func (c *Client) Disconnect(ctx context.Context, remote, user string) (s ConnStatus, err error) {
	err = c.Do(ctx, http.MethodDelete, "/v1/conns/"+esc(remote)+query("user", user), nil, &s)
	return
}

// UpdateConnInfo is update_conn_info.
func (c *Client) UpdateConnInfo(ctx context.Context, remote, user string, settings map[string]string) (s ConnStatus, err error) {
	err = c.Do(ctx, http.MethodPatch, "/v1/conns/"+esc(remote)+query("user", user), settings, &s)
	return
}

// Trace turns the message trace of a connection on or off.
func (c *Client) Trace(ctx context.Context, remote, user string, on bool) (s ConnStatus, err error) {
	err = c.Do(ctx, http.MethodPut, "/v1/conns/"+esc(remote)+"/trace"+query("user", user), TraceRequest{On: on}, &s)
	return
}

// MGs lists the MGs the MGC layer knows.
func (c *Client) MGs(ctx context.Context) (ms []MGStatus, err error) {
	err = c.Do(ctx, http.MethodGet, "/v1/mgs", nil, &ms)
	return
}

// Legs lists the call legs, of mg if it is not empty.
func (c *Client) Legs(ctx context.Context, mg string) (ls []LegStatus, err error) {
	err = c.Do(ctx, http.MethodGet, "/v1/legs"+query("mg", mg), nil, &ls)
	return
}

// Mixers lists the mixers, of mg if it is not empty.
func (c *Client) Mixers(ctx context.Context, mg string) (ms []MixerStatus, err error) {
	err = c.Do(ctx, http.MethodGet, "/v1/mixers"+query("mg", mg), nil, &ms)
	return
}

// PlaceCall places a two-party call.
func (c *Client) PlaceCall(ctx context.Context, req PlaceCallRequest) (cs CallStatus, err error) {
	err = c.Do(ctx, http.MethodPost, "/v1/calls", req, &cs)
	return
}

// Calls lists the calls, of mg if it is not empty.
func (c *Client) Calls(ctx context.Context, mg string) (cs []CallStatus, err error) {
	err = c.Do(ctx, http.MethodGet, "/v1/calls"+query("mg", mg), nil, &cs)
	return
}

// ReleaseCall releases every leg of a call.
func (c *Client) ReleaseCall(ctx context.Context, call string) (cs CallStatus, err error) {
	err = c.Do(ctx, http.MethodDelete, "/v1/calls/"+url.PathEscape(call), nil, &cs)
	return
}
