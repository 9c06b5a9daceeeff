package ber_test

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/ber"
	"github.com/megaco/megaco/pkg/h248"
)

var update = flag.Bool("update", false, "rewrite testdata/ber/ours from the text corpus")

// noBinaryForm lists the valid text messages that have no binary form
// under the test mapping and registry, with the part of the encoding
// error that says why.
var noBinaryForm = map[string]string{
	// Termination ids the mapping cannot write: 1234 needs more than 8 bits,
	// aaln-1 is no word, bit string or number.
	"v1_leniency_termid_digit_start": `termination id "1234"`,
	"v1_leniency_termid_hyphen":      `termination id "aaln-1"`,
	// ServiceChangeMethod and ModemType are ENUMERATED: no X- extensions.
	"v1_modem_mux":             `modem type "X-Fax14"`,
	"v1_servicechange_xmethod": `ServiceChange method "X-Maint"`,
	// IndAudSignalsDescriptor is a CHOICE: no empty Signals{} audit item.
	"v2_audit_individual_compact": "empty audited Signals",
	// streamModeSel and serviceStateSel select by equality only.
	"v3_audit_select_inequal": "ServiceStates unequal",
	// nonStandardData holds one extension named by 8 characters; X+Load
	// has 6.
	"v3_servicechange_compact": `extension "X+Load"`,
	"v3_servicechange_restart": `extension "X+Load"`,
}

// TestCrossCodec checks, for every message of the text corpus with a
// binary form: text -> model -> BER -> model is equal, in the spec's and
// in Erlang's raw value form; BER -> text -> BER is byte-identical; and
// the BER is testdata/ber/ours/NAME.ber (-update rewrites those). The
// messages without a binary form must fail with ErrNoBinaryForm and the
// reason noBinaryForm gives.
func TestCrossCodec(t *testing.T) {
	spec, raw := testCodec(false), testCodec(true)
	seen := map[string]bool{}
	encoded := 0
	for _, f := range readDir(t, textValidDir, ".txt") {
		t.Run(f.name, func(t *testing.T) {
			m, err := pretty.Decode(f.data)
			if err != nil {
				t.Fatalf("text decode: %v", err)
			}
			w, err := spec.Append(nil, m)
			if why, ok := noBinaryForm[f.name]; ok {
				seen[f.name] = true
				if !errors.Is(err, ber.ErrNoBinaryForm) || !strings.Contains(err.Error(), why) {
					t.Fatalf("want ErrNoBinaryForm (%s), got %v", why, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			encoded++
			m2, err := spec.Decode(w)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if d := h248.Diff(m, m2); d != "" {
				t.Fatalf("text -> BER -> model differs: %s", d)
			}
			// BER -> text -> BER.
			txt, err := pretty.Append(nil, m2)
			if err != nil {
				t.Fatalf("text encode of the decoded message: %v", err)
			}
			m3, err := pretty.Decode(txt)
			if err != nil {
				t.Fatalf("text decode: %v\n%s", err, txt)
			}
			w2, err := spec.Append(nil, m3)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if !bytes.Equal(w, w2) {
				t.Fatalf("BER -> text -> BER differs:\n% x\n% x", w, w2)
			}
			// Raw values.
			r, err := raw.Append(nil, m)
			if err != nil {
				t.Fatalf("raw encode: %v", err)
			}
			mr, err := spec.Decode(r)
			if err != nil {
				t.Fatalf("decode of the raw form: %v", err)
			}
			if d := h248.Diff(m, mr); d != "" {
				t.Fatalf("text -> raw BER -> model differs: %s", d)
			}
			golden := filepath.Join(oursDir, f.name+".ber")
			if *update {
				if err := os.WriteFile(golden, w, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(w, want) {
				t.Fatalf("encoding differs from %s (run go test -update if intended)", golden)
			}
		})
	}
	for name := range noBinaryForm {
		if !seen[name] {
			t.Errorf("noBinaryForm lists %s, which is not in the corpus", name)
		}
	}
	t.Logf("%d messages encoded, %d without a binary form", encoded, len(noBinaryForm))
}

// TestOursCorpus checks that every file of testdata/ber/ours belongs to a
// text corpus message (no stale golden files).
func TestOursCorpus(t *testing.T) {
	for _, f := range readDir(t, oursDir, ".ber") {
		if _, err := os.Stat(filepath.Join(textValidDir, f.name+".txt")); err != nil {
			t.Errorf("%s.ber has no text original: %v", f.name, err)
		}
		if _, ok := noBinaryForm[f.name]; ok {
			t.Errorf("%s.ber exists but the message has no binary form", f.name)
		}
	}
}

// erlangLosses are what Erlang/OTP megaco 4.4.2 loses of a text message
// before or while it writes BER (its text parser or its binary
// transformer): applied to the text original, they give the model an
// Erlang-made file must decode to.
var erlangLosses = map[string]func(m *h248.Message){
	// The text parser drops the extraInfo of event parameters.
	"v1_events_params_compact": func(m *h248.Message) {
		visit(m, func(ev *h248.RequestedEvent) {
			for i := range ev.Params {
				v := &ev.Params[i].Value
				v.Form = h248.FormSingle
				if len(v.Values) > 1 {
					v.Form = h248.FormAlternatives
				}
			}
		})
	},
	// The text parser drops ServiceChange extensions.
	"v1_servicechange_compact": func(m *h248.Message) {
		visit(m, func(p *h248.ServiceChangeParm) { p.Extensions = nil })
	},
	"v1_servicechange_restart": func(m *h248.Message) {
		visit(m, func(p *h248.ServiceChangeParm) { p.Extensions = nil })
	},
	// The v2 transformer drops a topology's stream.
	"v2_call_setup_compact": func(m *h248.Message) {
		visit(m, func(t *h248.TopologyRequest) { t.Stream = h248.Opt[uint16]{} })
	},
	"v2_topology_stream": func(m *h248.Message) {
		visit(m, func(t *h248.TopologyRequest) { t.Stream = h248.Opt[uint16]{} })
	},
	// The text parser drops TerminationState when an audited Media also
	// has streams.
	"v3_audit_individual": func(m *h248.Message) {
		visit(m, func(md *h248.IndAudMediaDescriptor) {
			if md.Stream != nil || len(md.Streams) > 0 {
				md.TermState = nil
			}
		})
	},
	"v3_audit_individual_compact": func(m *h248.Message) {
		visit(m, func(md *h248.IndAudMediaDescriptor) {
			if md.Stream != nil || len(md.Streams) > 0 {
				md.TermState = nil
			}
		})
	},
	// The v3 transformer drops the digit map duration timer.
	"v3_events_compact": func(m *h248.Message) {
		visit(m, func(v *h248.DigitMapValue) { v.DurationTimer = h248.Opt[uint8]{} })
	},
	"v3_events_notify_behaviour": func(m *h248.Message) {
		visit(m, func(v *h248.DigitMapValue) { v.DurationTimer = h248.Opt[uint8]{} })
	},
	"v3_modify_bare_signals": func(m *h248.Message) {
		visit(m, func(v *h248.DigitMapValue) { v.DurationTimer = h248.Opt[uint8]{} })
	},
}

// TestErlangCorpus decodes the messages Erlang/OTP megaco's
// megaco_ber_encoder wrote from the text corpus (testdata/ber/erlang, see
// testdata/ber/README.md) and compares each with its text original, less
// what erlangLosses says Erlang loses.
func TestErlangCorpus(t *testing.T) {
	c := testCodec(false)
	files := readDir(t, erlangDir, ".ber")
	if len(files) < 100 {
		t.Fatalf("only %d Erlang-made messages", len(files))
	}
	used := map[string]bool{}
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			want := textMessage(t, f.name)
			if loss, ok := erlangLosses[f.name]; ok {
				used[f.name] = true
				loss(want)
			}
			m, err := c.Decode(f.data)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if d := h248.Diff(want, m); d != "" {
				t.Fatalf("differs from the text original: %s", d)
			}
		})
	}
	for name := range erlangLosses {
		if !used[name] {
			t.Errorf("erlangLosses lists %s, which has no Erlang-made file", name)
		}
	}
}

type wantError struct {
	code   h248.ErrorCode
	offset int
	what   string
}

// readErrorTable reads invalid/errors.tsv: file, code, offset, what.
func readErrorTable(t *testing.T) map[string]wantError {
	f, err := os.Open(filepath.Join(invalidDir, "errors.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]wantError{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			t.Fatalf("errors.tsv: bad row %q", line)
		}
		var w wantError
		if _, err := fmt.Sscanf(cols[1]+" "+cols[2], "%d %d", &w.code, &w.offset); err != nil {
			t.Fatalf("errors.tsv: bad row %q: %v", line, err)
		}
		w.what = cols[3]
		want[cols[0]] = w
	}
	return want
}

// TestInvalidCorpus checks that every malformed message of
// testdata/ber/invalid is rejected with the code and offset errors.tsv
// names, and that every file is listed.
func TestInvalidCorpus(t *testing.T) {
	want := readErrorTable(t)
	c := testCodec(false)
	c.Limits = codec.Limits{MaxDepth: 32}
	seen := map[string]bool{}
	for _, f := range readDir(t, invalidDir, ".ber") {
		seen[f.name] = true
		t.Run(f.name, func(t *testing.T) {
			w, ok := want[f.name]
			if !ok {
				t.Fatalf("not listed in errors.tsv")
			}
			_, err := c.Decode(f.data)
			var de *codec.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("want a *codec.DecodeError (%s), got %v", w.what, err)
			}
			if de.Code != w.code || de.Offset != w.offset {
				t.Errorf("got %d at offset %d, want %d at %d (%s): %v", de.Code, de.Offset, w.code, w.offset, w.what, de)
			}
			if de.Msg == "" || de.Err == nil {
				t.Errorf("error lacks a message or a cause: %#v", de)
			}
		})
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("errors.tsv lists %s, which does not exist", name)
		}
	}
}
