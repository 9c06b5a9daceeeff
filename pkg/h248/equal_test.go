package h248_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/megaco/megaco/pkg/h248"
)

func sample() *h248.Message {
	return &h248.Message{
		Version: 1,
		MID:     h248.MID{Kind: h248.MIDIP4, Addr: netip.MustParseAddr("10.0.0.1"), Port: h248.Some[uint16](2944)},
		Transactions: []h248.Transaction{&h248.TransactionRequest{
			ID: 7,
			Actions: []h248.ActionRequest{{
				ContextID: h248.ContextChoose,
				Commands: []h248.CommandRequest{{Command: &h248.AmmRequest{
					Verb:           h248.CmdAdd,
					TerminationIDs: []h248.TerminationID{"rtp/$"},
					Descriptors: []h248.Descriptor{
						&h248.MediaDescriptor{Stream: &h248.StreamParms{
							LocalControl: &h248.LocalControlDescriptor{Mode: h248.Some(h248.SendRecv),
								Props: []h248.PropertyParm{{Name: "nt/jit", Value: h248.Single(h248.Unquoted("40"))}}},
							Local: &h248.LocalRemoteDescriptor{SDP: "v=0\nc=IN IP4 $"},
						}},
						&h248.SignalsDescriptor{Signals: []h248.SignalRequest{{Signal: h248.Signal{
							Name: "cg/rt", NotifyCompletion: []h248.NotifyCompletionReason{h248.OnTimeOut, h248.OtherReason}}}}},
						&h248.AuditDescriptor{Tokens: []h248.AuditToken{h248.AuditMedia, h248.AuditEvents}},
						&h248.EventsDescriptor{RequestID: h248.Some[h248.RequestID](1), Events: []h248.RequestedEvent{{
							Name: "al/on", Params: []h248.PropertyParm{{Name: "strict", Value: h248.Single(h248.Quoted("State"))}}}}},
					},
				}}},
			}},
		}},
	}
}

func TestEqual(t *testing.T) {
	edit := func(f func(m *h248.Message)) *h248.Message { m := sample(); f(m); return m }
	amm := func(m *h248.Message) *h248.AmmRequest {
		return m.Transactions[0].(*h248.TransactionRequest).Actions[0].Commands[0].Command.(*h248.AmmRequest)
	}
	tests := []struct {
		name  string
		b     *h248.Message
		equal bool
		path  string // part of the Diff path expected when unequal
	}{
		{"identical", sample(), true, ""},
		{"termination id case", edit(func(m *h248.Message) { amm(m).TerminationIDs[0] = "RTP/$" }), true, ""},
		{"package name case", edit(func(m *h248.Message) {
			amm(m).Descriptors[0].(*h248.MediaDescriptor).Stream.LocalControl.Props[0].Name = "NT/JIT"
		}), true, ""},
		{"audit tokens are a set", edit(func(m *h248.Message) {
			amm(m).Descriptors[2].(*h248.AuditDescriptor).Tokens = []h248.AuditToken{h248.AuditEvents, h248.AuditMedia}
		}), true, ""},
		{"notify completion is a set", edit(func(m *h248.Message) {
			amm(m).Descriptors[1].(*h248.SignalsDescriptor).Signals[0].Signal.NotifyCompletion = []h248.NotifyCompletionReason{h248.OtherReason, h248.OnTimeOut}
		}), true, ""},
		{"nil and empty lists", edit(func(m *h248.Message) {
			m.Transactions[0].(*h248.TransactionRequest).Actions[0].Commands[0].Optional = false
		}), true, ""},
		{"quoted value case", edit(func(m *h248.Message) {
			amm(m).Descriptors[3].(*h248.EventsDescriptor).Events[0].Params[0].Value = h248.Single(h248.Quoted("state"))
		}), false, "Params[0].Value.Values[0]"},
		{"SDP is exact", edit(func(m *h248.Message) {
			amm(m).Descriptors[0].(*h248.MediaDescriptor).Stream.Local.SDP = "V=0\nc=IN IP4 $"
		}), false, "Local.SDP"},
		{"descriptor order", edit(func(m *h248.Message) {
			d := amm(m).Descriptors
			d[0], d[1] = d[1], d[0]
		}), false, "Descriptors[0]"},
		{"optional absent vs zero", edit(func(m *h248.Message) { m.MID.Port = h248.Opt[uint16]{} }), false, "MID.Port"},
		{"context id", edit(func(m *h248.Message) { m.Transactions[0].(*h248.TransactionRequest).Actions[0].ContextID = 5 }), false, "ContextID"},
		{"address", edit(func(m *h248.Message) { m.MID.Addr = netip.MustParseAddr("10.0.0.2") }), false, "MID.Addr"},
		{"audit token multiset", edit(func(m *h248.Message) {
			amm(m).Descriptors[2].(*h248.AuditDescriptor).Tokens = []h248.AuditToken{h248.AuditMedia, h248.AuditMedia}
		}), false, "Tokens"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := sample()
			if got := h248.Equal(a, tt.b); got != tt.equal {
				t.Fatalf("Equal = %v, want %v (diff %q)", got, tt.equal, h248.Diff(a, tt.b))
			}
			if d := h248.Diff(a, tt.b); !tt.equal && !strings.Contains(d, tt.path) {
				t.Errorf("Diff = %q, want a path containing %q", d, tt.path)
			}
		})
	}
}

func TestValueEquality(t *testing.T) {
	if !h248.Equal(&h248.Message{Error: &h248.ErrorDescriptor{Code: 400, Text: "x"}}, &h248.Message{Error: &h248.ErrorDescriptor{Code: 400, Text: "x"}}) {
		t.Fatal("equal error messages differ")
	}
	if h248.Equal(&h248.Message{Error: &h248.ErrorDescriptor{Code: 400, Text: "x"}}, &h248.Message{Error: &h248.ErrorDescriptor{Code: 400, Text: "X"}}) {
		t.Fatal("error texts compare exactly")
	}
	// A quoted and an unquoted value with the same text are equal (BER has
	// no quoting), but an unquoted one folds case only against another.
	if d := h248.Diff(h248.Quoted("on"), h248.Unquoted("on")); d != "" {
		t.Errorf("quoted vs unquoted: %s", d)
	}
	if d := h248.Diff(h248.Quoted("on"), h248.Unquoted("ON")); d == "" {
		t.Error("a quoted value must compare exactly")
	}
	if d := h248.Diff(h248.Unquoted("on"), h248.Unquoted("ON")); d != "" {
		t.Errorf("unquoted values fold case: %s", d)
	}
}
