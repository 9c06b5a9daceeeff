package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap/zapcore"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/ber"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/pkg/mgc"
	"github.com/megaco/megaco/transport"
)

// Config is the daemon's configuration tree. Its keys are the yaml tags;
// configs/megaco.yaml holds every default.
type Config struct {
	// DataDir is where the daemon keeps its state (the call store of
	// issue 8).
	DataDir string `yaml:"data_dir"`
	// ListenHost is the address users listen on when their Host is empty.
	ListenHost string `yaml:"listen_host"`
	// ShutdownTimeout bounds how long SIGINT/SIGTERM waits for outstanding
	// transactions before failing them.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	Log             Log           `yaml:"log"`
	Admin           Admin         `yaml:"admin"`
	MGC             MGC           `yaml:"mgc"`
	Replication     Replication   `yaml:"replication"`
	Users           []User        `yaml:"users"`
}

// Log configures the daemon's zap logger.
type Log struct {
	// Format is json or console.
	Format string `yaml:"format"`
	// Level is the level of every component without one in Levels.
	Level zapcore.Level `yaml:"level"`
	// Levels by component: a segment of a logger's name (megaco, engine,
	// mgc, transport, admin, serve) or a whole name (transport.udp).
	Levels map[string]zapcore.Level `yaml:"levels"`
}

// Admin configures the admin API.
type Admin struct {
	// Listen is the HTTP address of the admin API and /metrics.
	Listen string `yaml:"listen"`
	// Token is the bearer token clients must send; required when Listen
	// is not a loopback address.
	Token string `yaml:"token"`
}

// MGC configures the MGC layer: the controller's settings and which MGs
// may register.
type MGC struct {
	mgc.Config `yaml:",inline"`
	// AllowMIDs, when not empty, are the only MGs that may register.
	AllowMIDs []h248.MID `yaml:"allow_mids"`
	// AllowAddrs, when not empty, are the only prefixes MGs may come from.
	AllowAddrs []netip.Prefix `yaml:"allow_addrs"`
}

// Replication configures the state replicator and the call store: a NATS
// URL (empty: an embedded server in the data directory), the group of
// instances that share the calls, this instance's name and its lease.
type Replication struct {
	URL      string        `yaml:"url"`
	Group    string        `yaml:"group"`
	Instance string        `yaml:"instance"`
	LeaseTTL time.Duration `yaml:"lease_ttl"`
}

// User is one megaco user of the daemon (Erlang's {Mid, [user_config()]}):
// where it listens, and its user and connection settings under their
// Erlang names.
type User struct {
	// MID is the user's MID; zero takes the listen address, [host]:port.
	MID h248.MID `yaml:"mid"`
	// Transport is udp or tcp.
	Transport string `yaml:"transport"`
	// Encoding the user sends; zero (auto) picks it by port.
	Encoding codec.Encoding `yaml:"encoding"`
	// TermIDs maps text termination ids to binary ones on binary
	// connections ("decimal,tdm=1,rtp=2:5"; empty: Erlang's 8/8/8 bit
	// strings), and RawValues writes binary package values in Erlang's
	// raw form.
	TermIDs   ber.TermIDMapping `yaml:"termids"`
	RawValues bool              `yaml:"raw_values"`
	// Host to listen on; empty is Config.ListenHost.
	Host string `yaml:"host"`
	// Port to listen on; 0 takes any free port.
	Port          int `yaml:"port"`
	engine.Config `yaml:",inline"`
}

// DefaultUser is a user on UDP port 2944 with Erlang/OTP megaco's
// settings (engine.DefaultConfig).
func DefaultUser() User {
	return User{Transport: "udp", Port: transport.DefaultTextPort, Config: engine.DefaultConfig()}
}

// setDefaults starts a user of a list from DefaultUser.
func (u *User) setDefaults() { *u = DefaultUser() }

// ListenAddr is where the user listens: host:port, with listenHost for
// an empty Host.
func (u User) ListenAddr(listenHost string) string {
	h := u.Host
	if h == "" {
		h = listenHost
	}
	return net.JoinHostPort(h, strconv.Itoa(u.Port))
}

// UserConfig is the megaco user configuration of u under the MGC layer's
// allow-lists; the caller sets the Handler.
func (u User) UserConfig(m MGC) megaco.UserConfig {
	return megaco.UserConfig{Config: u.Config, Encoding: u.Encoding, TermIDs: u.TermIDs, RawValues: u.RawValues,
		AllowMIDs: m.AllowMIDs, AllowAddrs: m.AllowAddrs}
}

// Warnings lists what is allowed but risky (engine.Config.Warnings) by
// user.
func (c *Config) Warnings() []string {
	var w []string
	for i := range c.Users {
		for _, s := range c.Users[i].Warnings() {
			w = append(w, fmt.Sprintf("users[%d]: %s", i, s))
		}
	}
	return w
}

// validate reports impossible values and combinations; Pos is left to
// the caller, who knows where each key came from.
func (c *Config) validate() []Problem {
	var ps []Problem
	bad := func(key, format string, args ...any) {
		ps = append(ps, Problem{Key: key, Msg: "impossible value: " + fmt.Sprintf(format, args...)})
	}
	if c.Log.Format != "json" && c.Log.Format != "console" {
		bad("log.format", "want json or console, got %q", c.Log.Format)
	}
	if c.ShutdownTimeout <= 0 {
		bad("shutdown_timeout", "must be positive")
	}
	if host, err := hostPort(c.Admin.Listen); err != nil {
		bad("admin.listen", "%v", err)
	} else if c.Admin.Token == "" && !IsLoopback(host) {
		ps = append(ps, Problem{Key: "admin.listen", Msg: "a token (admin.token, MEGACO_ADMIN_TOKEN or --token) is required when the admin API listens on " + c.Admin.Listen + ", not a loopback address"})
	}
	if c.MGC.DeadTimer <= 0 {
		bad("mgc.dead_timer", "must be positive")
	}
	if c.MGC.CallTimeout <= 0 {
		bad("mgc.call_timeout", "must be positive")
	}
	if c.MGC.MixerPrefix == "" {
		bad("mgc.mixer_prefix", "must not be empty")
	}
	if len(c.MGC.AuditPages) == 0 {
		bad("mgc.audit_pages", "must name at least one page, such as *")
	}
	if !validName(c.Replication.Group) {
		bad("replication.group", "want letters, digits, - and _, got %q", c.Replication.Group)
	}
	if c.Replication.Instance != "" && !validName(c.Replication.Instance) {
		bad("replication.instance", "want letters, digits, - and _, got %q", c.Replication.Instance)
	}
	if c.Replication.LeaseTTL < time.Second {
		bad("replication.lease_ttl", "must be at least 1s")
	}
	if c.Replication.URL != "" {
		if u, err := url.Parse(c.Replication.URL); err != nil || u.Scheme == "" {
			bad("replication.url", "want a URL such as nats://127.0.0.1:4222, got %q", c.Replication.URL)
		}
	}
	if c.ListenHost != "" {
		if _, err := netip.ParseAddr(c.ListenHost); err != nil {
			bad("listen_host", "want an IP address, got %q", c.ListenHost)
		}
	}
	addrs := map[string]int{}
	mids := map[h248.MID]int{}
	for i := range c.Users {
		u := &c.Users[i]
		key := fmt.Sprintf("users[%d]", i)
		for _, p := range u.validate() {
			p.Key = key + "." + p.Key
			ps = append(ps, p)
		}
		if u.Host == "" && c.ListenHost == "" {
			bad(key+".host", "empty, and so is listen_host")
		}
		if u.Port != 0 {
			a := u.Transport + " " + u.ListenAddr(c.ListenHost)
			if j, dup := addrs[a]; dup {
				bad(key+".port", "users[%d] listens on %s too", j, a)
			}
			addrs[a] = i
		}
		if u.MID != (h248.MID{}) {
			if j, dup := mids[u.MID]; dup {
				bad(key+".mid", "users[%d] has MID %v too", j, u.MID)
			}
			mids[u.MID] = i
		}
	}
	return ps
}

// validate checks one user: where it listens and its engine settings.
func (u *User) validate() []Problem {
	var ps []Problem
	if u.Transport != "udp" && u.Transport != "tcp" {
		ps = append(ps, Problem{Key: "transport", Msg: fmt.Sprintf("impossible value: want udp or tcp, got %q", u.Transport)})
	}
	if u.Port < 0 || u.Port > 65535 {
		ps = append(ps, Problem{Key: "port", Msg: fmt.Sprintf("impossible value: want 0 to 65535, got %d", u.Port)})
	}
	if u.Host != "" {
		if _, err := netip.ParseAddr(u.Host); err != nil {
			ps = append(ps, Problem{Key: "host", Msg: fmt.Sprintf("impossible value: want an IP address, got %q", u.Host)})
		}
	}
	return append(ps, engineProblems(&u.Config)...)
}

// engineProblems turns engine.Config.Validate's errors, each of which
// starts with its Erlang key, into problems of that key.
func engineProblems(c *engine.Config) []Problem {
	err := c.Validate()
	if err == nil {
		return nil
	}
	var ps []Problem
	for _, line := range strings.Split(err.Error(), "\n") {
		key, msg, ok := strings.Cut(line, ":")
		if !ok || strings.Contains(key, " ") {
			key, msg, _ = strings.Cut(line, " ")
		}
		ps = append(ps, Problem{Key: key, Msg: "impossible value: " + strings.TrimSpace(msg)})
	}
	return ps
}

// hostPort checks a host:port address and returns its host.
func hostPort(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("want host:port, got %q", addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return "", fmt.Errorf("want a port from 0 to 65535 in %q", addr)
	}
	return host, nil
}

// IsLoopback reports whether host (an IP address or localhost) is a
// loopback address; an empty host (every interface) is not.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// DecodeConn reads a YAML or JSON mapping of Erlang conn info keys to
// values, written as in the configuration file, over cfg; an unknown key,
// a wrong type or an impossible value is an *Error and leaves cfg alone.
func DecodeConn(data []byte, cfg *engine.Config) error {
	c := *cfg
	d := newDecoder("")
	d.document(data, &c)
	ps := d.probs
	if len(ps) == 0 {
		ps = engineProblems(&c)
	}
	if len(ps) > 0 {
		return &Error{Problems: ps}
	}
	*cfg = c
	return nil
}

// DecodeUser reads a user's settings like DecodeConn, over u.
func DecodeUser(data []byte, u *User) error {
	c := *u
	d := newDecoder("")
	d.document(data, &c)
	ps := d.probs
	if len(ps) == 0 {
		ps = c.validate()
	}
	if len(ps) > 0 {
		return &Error{Problems: ps}
	}
	*u = c
	return nil
}

// validName reports whether s names a replication group or instance: it
// becomes part of NATS stream and consumer names.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
