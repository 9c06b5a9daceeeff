package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/megaco/megaco/pkg/callstore"
)

// cdrDataDir is a data directory whose database holds three CDRs: a call
// on mg1 and mg2 a day ago, an hour ago one on mg2 that the dead timer
// ended, and one that never got an answer.
func cdrDataDir(t *testing.T, now time.Time) string {
	t.Helper()
	dir := t.TempDir()
	db, err := callstore.OpenDB(callstore.DBPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mk := func(call string, setup time.Time, cause string, answered bool, mgs ...string) callstore.CDR {
		c := callstore.CDR{V: 1, Call: call, MGs: mgs, Setup: setup, Release: setup.Add(90 * time.Second), Cause: cause}
		if answered {
			c.Answer = setup.Add(30 * time.Second)
			c.Duration = time.Minute
		}
		for i, mg := range mgs {
			c.Contexts = append(c.Contexts, callstore.ContextRef{MG: mg, Context: uint32(i + 1)})
			c.Legs = append(c.Legs, callstore.LegCDR{
				LegRef: callstore.LegRef{MG: mg, Termination: "rtp/" + call}, Context: uint32(i + 1),
				Setup: c.Setup, Answer: c.Answer, Release: c.Release, Cause: cause,
			})
		}
		return c
	}
	dead := mk("call-2", now.Add(-time.Hour), "mg dead", true, "mg2")
	dead.History = []callstore.Resync{{Time: dead.Release, Kind: callstore.LegTerminated, Leg: &dead.Legs[0].LegRef, Cause: "mg dead"}}
	err = db.Add(context.Background(), []callstore.CDR{
		mk("call-1", now.Add(-24*time.Hour), callstore.CauseNormal, true, "mg1", "mg2"),
		dead,
		mk("call-3", now.Add(-time.Minute), callstore.CauseNormal, false, "mg1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestCDRList(t *testing.T) {
	now := time.Now()
	dir := cdrDataDir(t, now)
	tests := []struct {
		name string
		args []string
		want []string // call ids in the output, in order
	}{
		{"all", nil, []string{"call-3", "call-2", "call-1"}},
		{"since a duration", []string{"--since", "2h"}, []string{"call-3", "call-2"}},
		{"until a time", []string{"--until", now.Add(-2 * time.Hour).Format(time.RFC3339)}, []string{"call-1"}},
		{"mg", []string{"--mg", "mg2"}, []string{"call-2", "call-1"}},
		{"cause", []string{"--cause", "mg dead"}, []string{"call-2"}},
		{"limit", []string{"--limit", "1"}, []string{"call-3"}},
		{"none", []string{"--mg", "mg9"}, nil},
	}
	callRE := regexp.MustCompile(`(?m)^call-\d`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"cdr", "list", "--data-dir", dir}, tt.args...)
			code, out, errOut := runCmd(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if got := callRE.FindAllString(out, -1); strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("table lists %v, want %v:\n%s", got, tt.want, out)
			}
			code, out, _ = runCmd(t, "", append(args, "-o", "json")...)
			var cdrs []callstore.CDR
			if err := json.Unmarshal([]byte(out), &cdrs); code != 0 || err != nil {
				t.Fatalf("-o json: exit %d, %v:\n%s", code, err, out)
			}
			var got []string
			for _, c := range cdrs {
				got = append(got, c.Call)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("json lists %v, want %v", got, tt.want)
			}
		})
	}
	code, out, _ := runCmd(t, "", "cdr", "list", "--data-dir", dir, "--cause", "mg dead")
	if code != 0 || !regexp.MustCompile(`(?m)^CALL\s+SETUP\s+ANSWER\s+DURATION\s+CAUSE\s+MGS\s+LEGS\n`+
		`call-2\s+\S+ \S+\s+\S+ \S+\s+1m0s\s+mg dead\s+mg2\s+1\n$`).MatchString(out) {
		t.Errorf("table, exit %d:\n%s", code, out)
	}
	// The data directory may come from the environment, as for serve.
	t.Setenv("MEGACO_DATA_DIR", dir)
	if code, out, _ := runCmd(t, "", "cdr", "list", "--limit", "0"); code != 0 || len(callRE.FindAllString(out, -1)) != 3 {
		t.Errorf("MEGACO_DATA_DIR: exit %d:\n%s", code, out)
	}
}

func TestCDRShow(t *testing.T) {
	dir := cdrDataDir(t, time.Now())
	code, out, errOut := runCmd(t, "", "cdr", "show", "--data-dir", dir, "call-2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{`(?m)^call\s+call-2$`, `(?m)^cause\s+mg dead$`, `(?m)^contexts\s+mg2/1$`,
		`(?m)^mg2/rtp/call-2\s+1\s`, `(?m)^TIME\s+RESYNC\s+OF\s+CAUSE\n\S+ \S+\s+terminated\s+mg2/rtp/call-2\s+mg dead$`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("no %s in:\n%s", want, out)
		}
	}
	code, out, _ = runCmd(t, "", "cdr", "show", "--data-dir", dir, "-o", "json", "call-1")
	var c callstore.CDR
	if err := json.Unmarshal([]byte(out), &c); code != 0 || err != nil || c.Call != "call-1" || len(c.Legs) != 2 {
		t.Errorf("-o json: exit %d, %v: %+v", code, err, c)
	}
}

func TestCDRErrors(t *testing.T) {
	dir := cdrDataDir(t, time.Now())
	tests := []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"unknown call", []string{"cdr", "show", "--data-dir", dir, "nope"}, exitNotFound, `no CDR for call "nope"`},
		{"no database", []string{"cdr", "list", "--data-dir", t.TempDir()}, exitFailed, "no CDR database"},
		{"bad time", []string{"cdr", "list", "--data-dir", dir, "--since", "yesterday"}, exitUsage, `--since: "yesterday"`},
		{"bad output", []string{"cdr", "list", "--data-dir", dir, "-o", "xml"}, exitUsage, "--output"},
		{"no call id", []string{"cdr", "show", "--data-dir", dir}, exitUsage, "accepts 1 arg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCmd(t, "", tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, tt.code, tt.want)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"", time.Time{}},
		{"90m", now.Add(-90 * time.Minute)},
		{"2025-02-01T10:00:00Z", time.Date(2025, 2, 1, 10, 0, 0, 0, time.UTC)},
		{"2025-02-01T10:00:00+02:00", time.Date(2025, 2, 1, 8, 0, 0, 0, time.UTC)},
		{"2025-02-01 10:30", time.Date(2025, 2, 1, 10, 30, 0, 0, time.Local)},
		{"2025-02-01", time.Date(2025, 2, 1, 0, 0, 0, 0, time.Local)},
	}
	for _, tt := range tests {
		got, err := parseTime(tt.in, now)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if _, err := parseTime("soon", now); err == nil {
		t.Error("parseTime(soon): no error")
	}
}
