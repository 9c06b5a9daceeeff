package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/megaco/megaco/transport/memnet"
)

// lastLine is the demo's last line, exactly as scripts parse it.
var lastLine = regexp.MustCompile(`^demo: calls=(\d+) active=(\d+) resynced=(\d+) terminated=(\d+) mismatches=(\d+)$`)

// TestDemo runs `megaco demo --duration 20s` on an in-memory network in
// fake time: calls are placed, mg2 warm restarts and mg3 stays away past
// the dead timer, each resync leaves the model equal to the MG, and the
// last line has the counts.
func TestDemo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		host, err := memnet.NewNetwork(memnet.Config{}).Host("10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		var out bytes.Buffer
		if err := runDemo(ctx, &out, host, demoConfig{deadTimer: 3 * time.Second, mgs: 3, listen: "10.0.0.1:0", seed: 1}); err != nil {
			t.Fatal(err)
		}
		text := strings.TrimSpace(out.String())
		lines := strings.Split(text, "\n")
		m := lastLine.FindStringSubmatch(lines[len(lines)-1])
		if m == nil {
			t.Fatalf("last line %q\n%s", lines[len(lines)-1], text)
		}
		t.Log(lines[len(lines)-1])
		n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
		calls, active, resynced, terminated, mismatches := n(1), n(2), n(3), n(4), n(5)
		if calls < 20 || active == 0 || resynced == 0 || terminated == 0 || mismatches != 0 {
			t.Errorf("counts: %s\n%s", lines[len(lines)-1], text)
		}
		for _, want := range []string{
			"demo: warm restart of mg2", "mgc: OnCmcLibNotReady mg2", "mgc: OnSyncDone mg2/",
			"demo: link of mg3 down", "mgc: OnCallLegTerminated mg3/", "MG dead", "mgc: OnCallLegSync mg3/",
			"mgc: OnCmcLibReady mg3", "demo: mg3 in sync", "demo: conference on", "progress: t=",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("no %q in the output:\n%s", want, text)
			}
		}
	})
}

func TestDemoFlags(t *testing.T) {
	var out bytes.Buffer
	cmd := newRootCmd(strings.NewReader(""), &out, &out)
	cmd.SetArgs([]string{"demo", "--mgs", "2", "--duration", "1s"})
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "at least 3") {
		t.Errorf("--mgs 2: %v", err)
	}
}
