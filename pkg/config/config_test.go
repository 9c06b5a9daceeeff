package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"go.uber.org/zap/zapcore"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
)

// load writes file (if not empty) and loads it with args as flags.
func load(t *testing.T, file string, args ...string) (*Loaded, error) {
	t.Helper()
	l, _, err := loadAt(t, file, args...)
	return l, err
}

// loadAt is load that also returns the file's path.
func loadAt(t *testing.T, file string, args ...string) (*Loaded, string, error) {
	t.Helper()
	var path string
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	BindFlags(fs)
	if file != "" {
		path = filepath.Join(t.TempDir(), "megaco.yaml")
		if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--config", path)
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	l, err := Load(fs)
	return l, path, err
}

func clearEnv(t *testing.T) {
	for _, e := range EnvNames() {
		t.Setenv(e, "")
	}
}

// The embedded default documents Erlang's defaults: its user is
// DefaultUser, and every key of the tree is in it.
func TestDefault(t *testing.T) {
	clearEnv(t)
	l, err := load(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Users) != 1 || !reflect.DeepEqual(l.Users[0], DefaultUser()) {
		t.Errorf("default user\n got %+v\nwant %+v", l.Users, DefaultUser())
	}
	if l.MGC.DeadTimer != 10*time.Second || l.Admin.Listen != "127.0.0.1:8248" || l.Log.Level != zapcore.InfoLevel {
		t.Errorf("defaults: %+v", l.Config)
	}
	for _, s := range l.Settings() {
		if s.Origin.Source != SourceDefault || !strings.HasPrefix(s.Origin.Pos, "configs/megaco.yaml:") {
			t.Errorf("%s = %s: origin %v, want a position in the embedded file", s.Key, s.Value, s.Origin)
		}
	}
}

func TestPrecedence(t *testing.T) {
	clearEnv(t)
	file := `log:
  level: warn
  levels: {engine: debug}
admin:
  listen: 127.0.0.1:9000
data_dir: /var/lib/megaco
users:
  - port: 2946
    transport: tcp
    request_timer: wait_for=1s,factor=1,max_retries=3
    trans_timer: 50
`
	t.Setenv("MEGACO_ADMIN_LISTEN", "127.0.0.1:9001")
	t.Setenv("MEGACO_DATA_DIR", "/srv/megaco")
	l, err := load(t, file, "--data-dir", "/tmp/flag")
	if err != nil {
		t.Fatal(err)
	}
	if l.Log.Level != zapcore.WarnLevel || l.Log.Levels["engine"] != zapcore.DebugLevel || l.Log.Format != "console" {
		t.Errorf("log %+v", l.Log)
	}
	if l.Admin.Listen != "127.0.0.1:9001" || l.DataDir != "/tmp/flag" {
		t.Errorf("admin.listen %q (env wins over file), data_dir %q (flag wins over env)", l.Admin.Listen, l.DataDir)
	}
	u := l.Users[0]
	want := DefaultUser()
	want.Port, want.Transport = 2946, "tcp"
	want.RequestTimer = engine.Timer{WaitFor: time.Second, Factor: 1, MaxRetries: 3}
	want.TransTimer = 50 * time.Millisecond
	if len(l.Users) != 1 || !reflect.DeepEqual(u, want) {
		t.Errorf("user\n got %+v\nwant %+v", u, want)
	}
	origins := map[string]string{}
	for _, s := range l.Settings() {
		origins[s.Key] = s.Origin.String()
	}
	for key, want := range map[string]string{
		"log.level":              "file " + l.File + ":2:10",
		"log.levels.engine":      "file " + l.File + ":3:20",
		"log.format":             "default configs/megaco.yaml:",
		"admin.listen":           "env MEGACO_ADMIN_LISTEN",
		"data_dir":               "flag --data-dir",
		"users[0].port":          "file " + l.File + ":8:11",
		"users[0].trans_timer":   "file " + l.File + ":11:18",
		"users[0].reply_timer":   "default",
		"users[0].request_timer": "file " + l.File + ":10:20",
	} {
		if got := origins[key]; !strings.HasPrefix(got, want) || want == "default" && got != want {
			t.Errorf("origin of %s: %q, want %q", key, got, want)
		}
	}
}

func TestTimerForms(t *testing.T) {
	base := engine.DefaultConfig()
	tests := []struct {
		name, body string
		want       engine.Timer
	}{
		{"fixed duration", `{"request_timer": "3s"}`, engine.Fixed(3 * time.Second)},
		{"milliseconds", `{"request_timer": 1500}`, engine.Fixed(1500 * time.Millisecond)},
		{"record", `{"request_timer": "wait_for=500ms,factor=3,incr=100,max_retries=infinity"}`,
			engine.Timer{WaitFor: 500 * time.Millisecond, Factor: 3, Incr: 100 * time.Millisecond, MaxRetries: engine.Infinite}},
		{"partial record keeps the rest", `{"request_timer": "wait_for=1s"}`,
			engine.Timer{WaitFor: time.Second, Factor: 2, MaxRetries: 2}},
		{"mapping", "request_timer: {wait_for: 2s, max_retries: 5}", engine.Timer{WaitFor: 2 * time.Second, Factor: 2, MaxRetries: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			if err := DecodeConn([]byte(tt.body), &c); err != nil {
				t.Fatal(err)
			}
			if c.RequestTimer != tt.want {
				t.Errorf("got %v, want %v", c.RequestTimer, tt.want)
			}
		})
	}
}

// Every problem names its key and where it was written; the load fails
// before anything starts.
func TestValidationErrors(t *testing.T) {
	clearEnv(t)
	tests := []struct {
		name, file string
		args       []string
		env        [2]string
		want       string // the problem, FILE standing for the file's name
	}{
		{name: "unknown key", file: "users:\n  - port: 2944\n    request_timr: 7s\n",
			want: "FILE:3:5: users[0].request_timr: unknown key (did you mean request_timer?)"},
		{name: "unknown section", file: "mgcc: {}\n", want: "FILE:1:1: mgcc: unknown key (did you mean mgc?)"},
		{name: "key twice", file: "data_dir: a\ndata_dir: b\n", want: "FILE:2:1: data_dir: key given twice"},
		{name: "wrong type bool", file: "users:\n  - trans_ack: 7\n",
			want: `FILE:2:16: users[0].trans_ack: wrong type: want true or false, got "7"`},
		{name: "wrong type int", file: "users:\n  - trans_req_maxcount: ten\n",
			want: `FILE:2:25: users[0].trans_req_maxcount: wrong type: want an integer, got "ten"`},
		{name: "wrong type list", file: "users: {port: 1}\n", want: "FILE:1:8: users: wrong type: want a list, got a mapping"},
		{name: "wrong type duration", file: "mgc:\n  dead_timer: soon\n",
			want: `FILE:2:15: mgc.dead_timer: wrong type: want a duration (7s, 500ms or milliseconds), got "soon"`},
		{name: "negative duration", file: "shutdown_timeout: -1s\n",
			want: `FILE:1:19: shutdown_timeout: impossible value "-1s": a duration must not be negative`},
		{name: "impossible count", file: "users:\n  - trans_ack_maxcount: 0\n",
			want: "FILE:2:25: users[0].trans_ack_maxcount: impossible value: must be at least 1"},
		{name: "impossible timer", file: "users:\n  - request_timer: wait_for=0s\n",
			want: "FILE:2:20: users[0].request_timer: impossible value: wait_for must be positive"},
		{name: "timer part", file: "users:\n  - request_timer: wait_for=1s,factor\n",
			want: `FILE:2:20: users[0].request_timer: timer part "factor": want key=value`},
		{name: "transport", file: "users:\n  - transport: sctp\n",
			want: `FILE:2:16: users[0].transport: impossible value: want udp or tcp, got "sctp"`},
		{name: "MID", file: "users:\n  - mid: \"not a mid\"\n",
			want: `FILE:2:10: users[0].mid: want a MID`},
		{name: "cross-field, at the user", file: "users:\n  - min_trans_id: 10\n    max_trans_id: 5\n",
			want: "FILE:2:19: users[0].min_trans_id: impossible value: must be at least 1 and at most max_trans_id"},
		{name: "two users on one port", file: "users:\n  - port: 3000\n  - port: 3000\n",
			want: "FILE:3:11: users[1].port: impossible value: users[0] listens on udp 127.0.0.1:3000 too"},
		{name: "token away from loopback", file: "admin:\n  listen: 0.0.0.0:8248\n",
			want: "FILE:2:11: admin.listen: a token (admin.token, MEGACO_ADMIN_TOKEN or --token) is required"},
		{name: "log format", file: "log:\n  format: xml\n",
			want: `FILE:2:11: log.format: impossible value: want json or console, got "xml"`},
		{name: "yaml syntax", file: "users: [\n", want: "FILE: (file): "},
		{name: "env", env: [2]string{"MEGACO_LOG_LEVEL", "loud"},
			want: `env MEGACO_LOG_LEVEL: log.level: want a level: unrecognized level: "loud"`},
		{name: "flag", args: []string{"--shutdown-timeout", "0s"},
			want: "flag --shutdown-timeout: shutdown_timeout: impossible value: must be positive"},
		{name: "env token missing", env: [2]string{"MEGACO_ADMIN_LISTEN", "[::]:8248"},
			want: "env MEGACO_ADMIN_LISTEN: admin.listen: a token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env[0] != "" {
				t.Setenv(tt.env[0], tt.env[1])
			}
			l, path, err := loadAt(t, tt.file, tt.args...)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, %v; want a *config.Error", l, err)
			}
			want := strings.ReplaceAll(tt.want, "FILE", path)
			if !strings.HasPrefix(ce.Problems[0].String(), want) {
				t.Errorf("got  %s\nwant %s", err, want)
			}
		})
	}
}

func TestDecodeConnErrors(t *testing.T) {
	tests := []struct{ body, want string }{
		{`{"reply_timr": "1s"}`, "reply_timr: unknown key (did you mean reply_timer?)"},
		{`{"auto_ack": "maybe"}`, `auto_ack: wrong type: want true or false, got "maybe"`},
		{`{"reply_timer": "0"}`, "reply_timer: impossible value: must be positive"},
		{`{"segment_send": "some"}`, `segment_send: wrong type: want an integer or infinity or none, got "some"`},
		{`[1]`, ": wrong type: want a mapping, got a list"},
	}
	for _, tt := range tests {
		c := engine.DefaultConfig()
		err := DecodeConn([]byte(tt.body), &c)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: got %v, want %s", tt.body, err, tt.want)
		}
		if c != engine.DefaultConfig() {
			t.Errorf("%s: the config changed on error", tt.body)
		}
	}
	c := engine.DefaultConfig()
	if err := DecodeConn([]byte(`{"segment_send": "infinity", "max_pdu_size": "1400", "trans_ack": "true"}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.SegmentSend != engine.SegmentSendAll || c.MaxPDUSize != 1400 || !c.TransAck {
		t.Errorf("%+v", c)
	}
}

// Values writes what the decoder reads back.
func TestValuesRoundTrip(t *testing.T) {
	u := DefaultUser()
	u.MID = h248.MID{Kind: h248.MIDDomain, Name: "mgc.example.net"}
	u.Encoding = codec.Compact
	u.RequestTimer = engine.Timer{WaitFor: 300 * time.Millisecond, Factor: 3, Incr: time.Second, MaxRetries: engine.Infinite}
	u.SegmentSend = 4
	u.OrigPendingLimit = 7
	var b strings.Builder
	for _, kv := range Values(&u) {
		b.WriteString(kv.Key + ": \"" + kv.Value + "\"\n")
	}
	got := DefaultUser()
	if err := DecodeUser([]byte(b.String()), &got); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if !reflect.DeepEqual(got, u) {
		t.Errorf("round trip\n got %+v\nwant %+v\n%s", got, u, b.String())
	}
}

func TestParseMID(t *testing.T) {
	for _, s := range []string{"[127.0.0.1]:2944", "[::1]:2944", "<mg.example.net>:55", "<mgc>", "mg1", "MTP{0A1B}"} {
		m, err := ParseMID(s)
		if err != nil || m.String() != s {
			t.Errorf("%s: %v, %v", s, m, err)
		}
	}
	for _, s := range []string{"", "two words", "[1.2.3.4", "mg1 ER=400{}"} {
		if m, err := ParseMID(s); err == nil {
			t.Errorf("%q: got %v, want an error", s, m)
		}
	}
}
