package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// The megaco binary the end-to-end tests run, built once into binDir.
var (
	binDir   string
	binOnce  sync.Once
	binPath  string
	binError error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "megaco-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// megacoBin builds the binary on first use (with -race when the tests
// run with it, so that the daemon's races surface too).
func megacoBin(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the binary")
	}
	binOnce.Do(func() {
		binPath = filepath.Join(binDir, "megaco")
		args := []string{"build", "-o", binPath}
		if raceBuild {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
		if err != nil {
			binError = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binError != nil {
		t.Fatal(binError)
	}
	return binPath
}

// proc is a megaco process: its standard output comes line by line, its
// standard error goes to a file.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	lines  chan string
	errLog string
	done   chan error
}

// startProc starts the binary with args; env adds to the environment.
func startProc(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(megacoBin(t), args...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cmd: cmd, lines: make(chan string, 256), done: make(chan error, 1),
		errLog: filepath.Join(t.TempDir(), args[0]+".stderr")}
	f, err := os.Create(p.errLog)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case p.lines <- sc.Text():
			default: // nobody reads any more
			}
		}
		close(p.lines)
		p.done <- cmd.Wait()
		f.Close()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			b, _ := os.ReadFile(p.errLog)
			t.Logf("%s standard error:\n%s", args[0], tail(string(b), 4000))
		}
	})
	return p
}

// expect waits for a line of standard output matching re and returns its
// submatches.
func (p *proc) expect(re *regexp.Regexp, within time.Duration) []string {
	p.t.Helper()
	deadline := time.After(within)
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("%s ended before printing %v", p.cmd.Args[1], re)
			}
			if m := re.FindStringSubmatch(line); m != nil {
				return m
			}
		case <-deadline:
			p.t.Fatalf("%s printed no line matching %v within %v", p.cmd.Args[1], re, within)
		}
	}
}

// stop sends sig and waits for the process to end within d, returning
// its exit error.
func (p *proc) stop(sig os.Signal, within time.Duration) error {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatal(err)
	}
	for range p.lines {
	}
	select {
	case err := <-p.done:
		return err
	case <-time.After(within):
		p.t.Fatalf("%s did not stop within %v of %v", p.cmd.Args[1], within, sig)
		return nil
	}
}

// stderr returns what the process logged so far.
func (p *proc) stderr() string {
	b, _ := os.ReadFile(p.errLog)
	return string(b)
}

// waitLog waits until the process's log holds a line containing all of
// parts.
func (p *proc) waitLog(within time.Duration, parts ...string) string {
	p.t.Helper()
	deadline := time.Now().Add(within)
	for {
		for _, line := range strings.Split(p.stderr(), "\n") {
			if containsAll(line, parts) {
				return line
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no log line with %q within %v", parts, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// waitReady waits for GET url to answer 200.
func waitReady(t *testing.T, url string, within time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s not ready within %v (last: %v)", url, within, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// cli runs the binary to completion and returns its exit code and output.
func cli(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(megacoBin(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		t.Fatalf("megaco %v: %v", args, err)
	}
	return code, out.String(), errb.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
