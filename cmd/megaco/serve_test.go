package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/pkg/admin"
	"github.com/megaco/megaco/pkg/config"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
)

// syncBuffer is a log the daemon writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testDaemon is megaco serve running in the test's process.
type testDaemon struct {
	*daemon
	file      string
	admin     string
	userMID   string
	userAddr  string
	sig       chan os.Signal
	done      chan error
	logs      *syncBuffer
	stoppedMu sync.Once
}

// startDaemon runs serve with the configuration yaml (and the flags
// args) and waits for its ready line.
func startDaemon(t *testing.T, yaml string, args ...string) *testDaemon {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "megaco.yaml")
	if !strings.Contains(yaml, "data_dir:") {
		yaml = "data_dir: " + filepath.Join(dir, "data") + "\n" + yaml
	}
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	config.BindFlags(fs)
	if err := fs.Parse(append([]string{"--config", file}, args...)); err != nil {
		t.Fatal(err)
	}
	l, err := config.Load(fs)
	if err != nil {
		t.Fatal(err)
	}
	td := &testDaemon{file: file, sig: make(chan os.Signal, 1), done: make(chan error, 1), logs: &syncBuffer{}}
	if td.daemon, err = newDaemon(td.logs, l, fs); err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	go func() {
		td.done <- td.run(pw, td.sig)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if m := reUserLine.FindStringSubmatch(sc.Text()); m != nil {
			td.userMID, td.userAddr = m[1], m[2]
		}
		if m := reReadyLine.FindStringSubmatch(sc.Text()); m != nil {
			td.admin = m[1]
			break
		}
	}
	if td.admin == "" {
		t.Fatalf("no ready line; log:\n%s", td.logs)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	t.Setenv("MEGACO_ADMIN", td.admin)
	t.Cleanup(func() {
		td.stop(t, syscall.SIGTERM)
		if t.Failed() {
			t.Logf("daemon log:\n%s", tail(td.logs.String(), 4000))
		}
	})
	return td
}

// stop signals the daemon to stop and returns what serve returned.
func (td *testDaemon) stop(t *testing.T, sig os.Signal) (err error) {
	t.Helper()
	td.stoppedMu.Do(func() {
		td.sig <- sig
		select {
		case err = <-td.done:
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not stop")
		}
	})
	return err
}

// waitLog waits for a log line containing all of parts.
func (td *testDaemon) waitLog(t *testing.T, parts ...string) {
	t.Helper()
	waitFor(t, 5*time.Second, "log line "+strings.Join(parts, " "), func() bool {
		for _, line := range strings.Split(td.logs.String(), "\n") {
			if containsAll(line, parts) {
				return true
			}
		}
		return false
	})
}

const testConfig = `admin:
  listen: 127.0.0.1:0
log:
  format: json
shutdown_timeout: 3s
users:
  - port: 0
`

// TestClientCommands drives the client commands against a daemon in this
// process: their tables, their JSON and their exit codes.
func TestClientCommands(t *testing.T) {
	td := startDaemon(t, testConfig)
	peer, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	tests := []struct {
		name string
		args []string
		code int
		out  string // a regexp the standard output must match
		err  string // a substring of standard error
	}{
		{"user list", []string{"user", "info"}, 0,
			`(?m)^MID\s+TRANSPORT\s+LISTEN\s+ENCODING\s+CONNECTIONS\n` + regexp.QuoteMeta(td.userMID) + `\s+udp\s+` + regexp.QuoteMeta(td.userAddr) + `\s+auto\s+0$`, ""},
		{"user info", []string{"user", "info", td.userMID}, 0, `(?m)^request_timer\s+wait_for=7s,factor=2,incr=0s,max_retries=2$`, ""},
		{"connect", []string{"conn", "connect", "<mg1>", peer.LocalAddr().String()}, 0, `(?m)^remote\s+<mg1>\n`, ""},
		{"conn list", []string{"conn", "info"}, 0,
			`(?m)^USER\s+REMOTE\s+PEER\s+ENCODING\s+STATE\s+TRACE\s+OUTSTANDING\n` + regexp.QuoteMeta(td.userMID) + `\s+<mg1>\s+` + regexp.QuoteMeta(peer.LocalAddr().String()) + `\s+pretty\s+connected\s+off\s+0$`, ""},
		{"update", []string{"conn", "update-info", "<mg1>", "request_timer=wait_for=1s,factor=1", "trans_timer=20"}, 0,
			`(?m)^request_timer\s+wait_for=1s,factor=1,incr=0s,max_retries=2$(.|\n)*^trans_timer\s+20ms$`, ""},
		{"trace", []string{"conn", "trace", "<mg1>", "on"}, 0, `(?m)^trace\s+on$`, ""},
		{"mg list", []string{"mg", "list"}, 0, `(?m)^MID\s+STATE\s+LEGS\s+MIXERS\s+RESYNCS\s+GRACEFUL\n<mg1>\s+lost\s+0\s+0\s+0\s+false$`, ""},
		{"leg list", []string{"leg", "list"}, 0, `^MG\s+TERMINATION\s+CONTEXT\s+STATE\s+PEER\s+MIXER\n$`, ""},
		{"mixer list", []string{"mixer", "list"}, 0, `^MG\s+CONTEXT\s+PORT\s+LEGS\n$`, ""},
		{"system", []string{"system", "info"}, 0, `(?m)^users\s+` + regexp.QuoteMeta(td.userMID) + `\n^connections\s+1$`, ""},
		{"version", []string{"version"}, 0, `(?m)^client\s+\S+\s+go\S+\n^daemon\s+\S+\s+go\S+$`, ""},
		{"bad key", []string{"conn", "update-info", "<mg1>", "trans_timr=1s"}, exitUsage, `^$`,
			"megaco: invalid settings\n  trans_timr: unknown key (did you mean trans_timer?)\n"},
		{"bad value", []string{"user", "update-info", td.userMID, "trans_ack_maxcount=0"}, exitUsage, `^$`,
			"trans_ack_maxcount: impossible value: must be at least 1"},
		{"not key=value", []string{"conn", "update-info", "<mg1>", "reply_timer"}, exitUsage, `^$`, `"reply_timer": want KEY=VALUE`},
		{"unknown conn", []string{"conn", "info", "<mg2>"}, exitNotFound, `^$`, "megaco: no such connection to <mg2>"},
		{"unknown user", []string{"user", "stop", "<nobody>"}, exitNotFound, `^$`, "no such user"},
		{"bad MID", []string{"conn", "info", "two words"}, exitUsage, `^$`, "want a MID"},
		{"bad output", []string{"mg", "list", "-o", "yaml"}, exitUsage, `^$`, `--output "yaml": want table or json`},
		{"disconnect", []string{"conn", "disconnect", "<mg1>"}, 0, `(?m)^state\s+disconnected$`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, "", tt.args...)
			if code != tt.code || !regexp.MustCompile(tt.out).MatchString(out) || !strings.Contains(errOut, tt.err) {
				t.Errorf("megaco %s: exit %d (want %d)\nstdout:\n%s\nstderr:\n%s\nwant stdout matching %s and stderr with %q",
					strings.Join(tt.args, " "), code, tt.code, out, errOut, tt.out, tt.err)
			}
		})
	}
	// -o json prints the documented fields.
	code, out, _ := runCmd(t, "", "conn", "info", "<mg1>", "-o", "json")
	var fields map[string]any
	if err := json.Unmarshal([]byte(out), &fields); code != 0 || err != nil {
		t.Fatalf("conn info -o json: exit %d, %v\n%s", code, err, out)
	}
	for _, k := range []string{"user", "remote", "peer", "encoding", "disconnected", "tracing", "outstanding", "answering", "config"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("conn info -o json has no %q: %s", k, out)
		}
	}
	if c := fields["config"].(map[string]any); c["request_timer"] != "wait_for=1s,factor=1,incr=0s,max_retries=2" || c["trans_timer"] != "20ms" {
		t.Errorf("config in JSON: %v", c)
	}
	td.waitLog(t, `"msg":"conn info updated"`, `"remote":"<mg1>"`)
}

// The token is required when set, from --token or MEGACO_ADMIN_TOKEN.
func TestClientToken(t *testing.T) {
	startDaemon(t, testConfig, "--token", "s3cret")
	t.Setenv("MEGACO_ADMIN_TOKEN", "")
	if code, _, errOut := runCmd(t, "", "system", "info"); code != exitAuth || !strings.Contains(errOut, "a valid bearer token is required") {
		t.Errorf("without a token: exit %d, %s", code, errOut)
	}
	if code, _, errOut := runCmd(t, "", "system", "info", "--token", "s3cret"); code != 0 {
		t.Errorf("--token: exit %d, %s", code, errOut)
	}
	t.Setenv("MEGACO_ADMIN_TOKEN", "s3cret")
	if code, _, errOut := runCmd(t, "", "user", "info"); code != 0 {
		t.Errorf("MEGACO_ADMIN_TOKEN: exit %d, %s", code, errOut)
	}
}

func TestClientNoDaemon(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	code, _, errOut := runCmd(t, "", "conn", "info", "--admin", addr)
	if code != exitNoDaemon || errOut != "megaco: no megaco daemon is running at "+addr+" (start one with megaco serve, or point --admin or MEGACO_ADMIN at it)\n" {
		t.Errorf("exit %d, %q", code, errOut)
	}
	if code, out, _ := runCmd(t, "", "version", "--admin", addr); code != 0 || !strings.Contains(out, "no megaco daemon is running") {
		t.Errorf("version without a daemon: exit %d\n%s", code, out)
	}
}

// SIGHUP applies a new log level and connection settings to the users
// and their live connections; an invalid file is refused and changes
// nothing.
func TestServeReload(t *testing.T) {
	td := startDaemon(t, testConfig)
	if code, _, errOut := runCmd(t, "", "conn", "connect", "<mg1>", "127.0.0.1:9"); code != 0 {
		t.Fatalf("connect: %s", errOut)
	}
	bad := strings.Replace(testConfig, "format: json", "format: json\n  level: loud", 1)
	if err := os.WriteFile(td.file, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	td.sig <- syscall.SIGHUP
	td.waitLog(t, `"msg":"reload refused: the configuration is invalid; the running one stays"`, `log.level`)
	good := strings.Replace(testConfig, "format: json", "format: json\n  level: debug\n  levels: {admin: warn}", 1) + "    reply_timer: 45s\n    trans_req: true\n"
	if err := os.WriteFile(td.file, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	td.sig <- syscall.SIGHUP
	td.waitLog(t, `"msg":"reloaded"`, `"level":"debug"`, `"users[0].reply_timer"`, `"users[0].trans_req"`)
	var cs admin.ConnStatus
	code, out, _ := runCmd(t, "", "conn", "info", "<mg1>", "-o", "json")
	if err := json.Unmarshal([]byte(out), &cs); code != 0 || err != nil || cs.Config["reply_timer"] != "45s" || cs.Config["trans_req"] != "true" {
		t.Errorf("the live connection after SIGHUP: %v %+v", err, cs.Config)
	}
	info, err := td.st.UserInfo(mustMID(t, td.userMID))
	if err != nil || info.Config.ReplyTimer != 45*time.Second {
		t.Errorf("the user after SIGHUP: %+v %v", info.Config.Config, err)
	}
	// The new levels apply: debug lines now, but admin at warn only.
	before := strings.Count(td.logs.String(), `"logger":"admin"`)
	runCmd(t, "", "conn", "update-info", "<mg1>", "auto_ack=true")
	if n := strings.Count(td.logs.String(), `"logger":"admin"`); n != before {
		t.Errorf("admin logged %d info lines at level warn", n-before)
	}
}

// SIGTERM lets outstanding transactions finish within shutdown_timeout,
// fails those that do not, and stops.
func TestServeGracefulStop(t *testing.T) {
	for _, answer := range []bool{true, false} {
		name := map[bool]string{true: "answered", false: "unanswered"}[answer]
		t.Run(name, func(t *testing.T) {
			td := startDaemon(t, strings.Replace(testConfig, "shutdown_timeout: 3s", "shutdown_timeout: 700ms", 1))
			mg, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
			if err != nil {
				t.Fatal(err)
			}
			defer mg.Close()
			conn, err := td.Connect(mustMID(t, td.userMID), mustMID(t, "<mg1>"), mg.LocalAddr().String())
			if err != nil {
				t.Fatal(err)
			}
			called := make(chan error, 1)
			go func() {
				_, err := conn.Call(context.Background(), []h248.ActionRequest{{ContextID: h248.ContextNull,
					Commands: []h248.CommandRequest{{Command: &h248.AuditRequest{TerminationIDs: []h248.TerminationID{h248.Root}}}}}})
				called <- err
			}()
			buf := make([]byte, 4096)
			n, from, err := mg.ReadFromUDP(buf)
			if err != nil {
				t.Fatal(err)
			}
			req, err := text.New(codec.Pretty).Decode(buf[:n])
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			stopped := make(chan error, 1)
			go func() { stopped <- td.stop(t, syscall.SIGTERM) }()
			td.waitLog(t, `"msg":"stopping"`)
			if answer {
				reply := &h248.Message{Version: 1, MID: mustMID(t, "<mg1>"), Transactions: []h248.Transaction{&h248.TransactionReply{
					ID: req.Transactions[0].(*h248.TransactionRequest).ID, Actions: []h248.ActionReply{{ContextID: h248.ContextNull,
						Commands: []h248.CommandReply{&h248.AuditReply{TerminationIDs: []h248.TerminationID{h248.Root}}}}}}}}
				b, err := text.New(codec.Pretty).Append(nil, reply)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := mg.WriteToUDP(b, from); err != nil {
					t.Fatal(err)
				}
			}
			if err := <-stopped; err != nil {
				t.Errorf("serve: %v", err)
			}
			callErr := <-called
			switch {
			case answer && callErr != nil:
				t.Errorf("the answered transaction failed: %v", callErr)
			case !answer && !errors.Is(callErr, engine.ErrClosed):
				t.Errorf("the unanswered transaction: %v, want ErrClosed", callErr)
			case !answer && time.Since(start) < 600*time.Millisecond:
				t.Errorf("stopped after %v, before shutdown_timeout", time.Since(start))
			case time.Since(start) > 3*time.Second:
				t.Errorf("took %v to stop", time.Since(start))
			}
			if !answer && !strings.Contains(td.logs.String(), "stopping with transactions outstanding") {
				t.Error("no log line about the failed transactions")
			}
			td.waitLog(t, `"msg":"stopped"`)
		})
	}
}

// A configuration that cannot be used stops serve and config show before
// anything starts: exit 2 with the key and its position.
func TestServeBadConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(file, []byte("users:\n  - port: 2944\n    request_timer: wait_for=0s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want := "megaco: invalid configuration:\n  " + file + ":3:20: users[0].request_timer: impossible value: wait_for must be positive\n"
	for _, cmd := range []string{"serve", "config"} {
		args := []string{cmd, "--config", file}
		if cmd == "config" {
			args = []string{"config", "show", "--config", file}
		}
		code, out, errOut := runCmd(t, "", args...)
		if code != 2 || out != "" || errOut != want {
			t.Errorf("%s: exit %d\nstdout %q\nstderr %q\nwant   %q", cmd, code, out, errOut, want)
		}
	}
	t.Setenv("MEGACO_LOG_LEVEL", "chatty")
	if code, _, errOut := runCmd(t, "", "serve"); code != 2 || !strings.Contains(errOut, "env MEGACO_LOG_LEVEL: log.level:") {
		t.Errorf("bad env: exit %d %s", code, errOut)
	}
	t.Setenv("MEGACO_LOG_LEVEL", "")
	if code, _, errOut := runCmd(t, "", "serve", "--admin-listen", "0.0.0.0:0"); code != 2 || !strings.Contains(errOut, "flag --admin-listen: admin.listen: a token") {
		t.Errorf("no token away from loopback: exit %d %s", code, errOut)
	}
	// The admin port taken: a failure to start, exit 1.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if code, _, errOut := runCmd(t, "", "serve", "--admin-listen", ln.Addr().String()); code != 1 || !strings.Contains(errOut, "megaco: serve: admin API: listen tcp") {
		t.Errorf("port taken: exit %d %s", code, errOut)
	}
}

func TestConfigShow(t *testing.T) {
	for _, e := range config.EnvNames() {
		t.Setenv(e, "")
	}
	file := filepath.Join(t.TempDir(), "m.yaml")
	if err := os.WriteFile(file, []byte("mgc:\n  dead_timer: 20s\nusers:\n  - port: 3000\n    request_timer: 2000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MEGACO_DATA_DIR", "/srv/m")
	code, out, errOut := runCmd(t, "", "config", "show", "--config", file, "--log-level", "warn")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		`^KEY\s+VALUE\s+SOURCE$`,
		`^data_dir\s+/srv/m\s+env MEGACO_DATA_DIR$`,
		`^log\.level\s+warn\s+flag --log-level$`,
		`^log\.format\s+console\s+default configs/megaco\.yaml:\d+:\d+$`,
		`^mgc\.dead_timer\s+20s\s+file ` + regexp.QuoteMeta(file) + `:2:15$`,
		`^users\[0\]\.request_timer\s+2s\s+file ` + regexp.QuoteMeta(file) + `:5:20$`,
		`^users\[0\]\.reply_timer\s+30s\s+default$`,
		`^admin\.token\s+default`,
	} {
		if !regexp.MustCompile("(?m)" + want).MatchString(out) {
			t.Errorf("config show has no line matching %s:\n%s", want, out)
		}
	}
	code, out, _ = runCmd(t, "", "config", "show", "-o", "json", "--token", "hidden")
	var ss []config.Setting
	if err := json.Unmarshal([]byte(out), &ss); code != 0 || err != nil {
		t.Fatalf("-o json: %v\n%s", err, out)
	}
	for _, s := range ss {
		if s.Key == "admin.token" && (s.Value != "(set)" || s.Origin.Source != config.SourceFlag) {
			t.Errorf("the token: %+v", s)
		}
	}
}

func TestProgress(t *testing.T) {
	var buf syncBuffer
	n := 0
	stop := startProgress(&buf, true, time.Millisecond, func() string {
		n++
		return "done " + string(rune('0'+n%10))
	})
	waitFor(t, 5*time.Second, "a progress line", func() bool { return strings.Contains(buf.String(), "done ") })
	stop()
	out := buf.String()
	if !strings.HasPrefix(out, "\r\033[Kdone ") || !strings.HasSuffix(out, "\r\033[K") {
		t.Errorf("progress %q: want lines rewritten in place and erased at the end", out)
	}
	var none bytes.Buffer
	startProgress(&none, false, time.Millisecond, func() string { return "x" })()
	if none.Len() != 0 || isTerminal(&none) {
		t.Errorf("progress off a terminal: %q", none.String())
	}
}

func mustMID(t *testing.T, s string) h248.MID {
	t.Helper()
	m, err := config.ParseMID(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
