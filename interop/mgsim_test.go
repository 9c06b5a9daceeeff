//go:build interop

package interop

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestErlangMGCAgainstMGSim runs Erlang's mgc_sim (its script, the
// negative checks and the Add/Subtract loop) against `megaco mg-sim` over
// UDP and TCP, text and binary: every transaction must succeed and the
// negative checks must get the error codes H.248.1 names.
func TestErlangMGCAgainstMGSim(t *testing.T) {
	if _, err := exec.LookPath("escript"); err != nil {
		t.Fatalf("escript not found: install Erlang/OTP megaco (see ../shared/interop/README.md)")
	}
	bin := buildMegaco(t)
	type run struct {
		transport, encoding string
		mgArgs, mgcArgs     []string
	}
	var runs []run
	for _, tr := range []string{"udp", "tcp"} {
		for _, enc := range []string{"pretty", "compact"} {
			// Provisioned terminations: mgc_sim uses tdm/1/1-4 and tdm/1/250-252.
			runs = append(runs, run{tr, enc, []string{"--trunks", "1", "--timeslots", "255"}, nil})
		}
		// Erlang's binary naming (8-bit levels) needs any names, and its
		// binary name resolver no package it does not know: it drops a
		// ROOT audit reply that lists H.248.14's it (0x0045), a case
		// clause in megaco_binary_name_resolver_v1:decode_package.
		runs = append(runs, run{tr, "binary", []string{"--accept-any", "--root-packages", "g,root,nt,rtp,tdmc,al,cg,dd"}, nil})
	}
	// The knobs the engine test uses, on the simulator.
	runs = append(runs, run{"udp", "compact", []string{"--trunks", "1", "--timeslots", "255", "--pending", "--ack", "imm",
		"--auto-ack", "--trans-ack", "--trans-req", "--trans-timer", "10ms"},
		[]string{"--ack", "imm", "--auto-ack", "--trans-ack", "--trans-req", "--trans-timer-ms", "10"}})
	for _, r := range runs {
		name := r.transport + "/" + r.encoding
		if r.mgcArgs != nil {
			name += "/pending-acks"
		}
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			mgcPort, mgPort := freePort(t), freePort(t)
			mgcArgs := append([]string{erlangScript("mgc_sim.escript"), "--port", fmt.Sprint(mgcPort), "--transport", r.transport,
				"--encoding", r.encoding, "--pairs", "500", "--parallel", "4", "--negative", "--wait-s", "20"}, r.mgcArgs...)
			mgc := start(t, ctx, "escript", mgcArgs...)
			mgc.waitLine(t, regexp.MustCompile(`mgc_sim: listening`))
			mgArgs := append([]string{"mg-sim", "--mgc", fmt.Sprintf("127.0.0.1:%d", mgcPort), "--listen", fmt.Sprintf("127.0.0.1:%d", mgPort),
				"--transport", r.transport, "--encoding", r.encoding}, r.mgArgs...)
			ours := start(t, ctx, bin, mgArgs...)
			out, mgcErr := mgc.wait(t)
			_ = ours.cmd.Process.Signal(os.Interrupt)
			ourOut, ourErr := ours.wait(t)
			if mgcErr != nil {
				t.Errorf("Erlang's MGC: %v\n%s", mgcErr, out)
			}
			if m := transactionsLine.FindStringSubmatch(out); m == nil || m[1] != "1000" {
				t.Errorf("Erlang's MGC did not finish 1000 transactions:\n%s", out)
			}
			if n := strings.Count(out, " ok "); n != 5 || strings.Contains(out, "FAILED") {
				t.Errorf("%d of 5 script steps ok:\n%s", n, out)
			}
			for _, want := range []string{
				"negative Modify in unknown context 4242     expect error 411          got error 411",
				"negative Add a termination already in use   expect error 433          got error 433",
				"negative Subtract from the wrong context    expect error 411/430/431  got error 411",
				"negative Subtract twice                     expect error 411/430      got error 411",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("negative check: no %q:\n%s", want, out)
				}
			}
			if ourErr != nil {
				t.Errorf("mg-sim: %v\n%s", ourErr, ourOut)
			}
			if !strings.Contains(ourOut, "registrations=1 requests=1011") {
				t.Errorf("mg-sim did not answer the 1011 requests:\n%s", ourOut)
			}
			t.Log(lastLines(out, 3))
		})
	}
}
