package ber_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/megaco/megaco/codec/ber"
	"github.com/megaco/megaco/pkg/h248"
)

// msg wraps commands in a version v request.
func msg(v int, cmds ...h248.Command) *h248.Message {
	crs := make([]h248.CommandRequest, len(cmds))
	for i, c := range cmds {
		crs[i] = h248.CommandRequest{Command: c}
	}
	return &h248.Message{Version: v, MID: h248.MID{Kind: h248.MIDIP4, Addr: netip.MustParseAddr("192.0.2.1"), Port: h248.Some[uint16](2944)},
		Transactions: []h248.Transaction{&h248.TransactionRequest{ID: 1, Actions: []h248.ActionRequest{{ContextID: 1, Commands: crs}}}}}
}

func modify(ds ...h248.Descriptor) *h248.AmmRequest {
	return &h248.AmmRequest{Verb: h248.CmdModify, TerminationIDs: []h248.TerminationID{"tdm/1/1"}, Descriptors: ds}
}

func audit(props ...h248.IndAuditParameter) *h248.AuditRequest {
	return &h248.AuditRequest{TerminationIDs: []h248.TerminationID{"tdm/1/1"}, Audit: h248.AuditDescriptor{Props: props}}
}

func serviceChange(p h248.ServiceChangeParm) *h248.ServiceChangeRequest {
	if p.Reason.Text == "" {
		p.Reason = h248.Quoted("901")
	}
	return &h248.ServiceChangeRequest{TerminationIDs: []h248.TerminationID{"ROOT"}, Parms: p}
}

func sdp(s string) *h248.MediaDescriptor {
	return &h248.MediaDescriptor{Stream: &h248.StreamParms{Local: &h248.LocalRemoteDescriptor{SDP: s}}}
}

// TestNoBinaryForm checks that every text-only detail of the model, and
// every construct a version lacks, fails encoding with ErrNoBinaryForm
// and a message that says what: nothing is dropped silently.
func TestNoBinaryForm(t *testing.T) {
	c := testCodec(false)
	tests := []struct {
		name string
		m    *h248.Message
		want string
	}{
		{"ContextAttrAuditRequest.SelectContextList", func() *h248.Message {
			m := msg(3, modify())
			m.Transactions[0].(*h248.TransactionRequest).Actions[0].ContextAudit = &h248.ContextAttrAuditRequest{SelectContextList: []h248.ContextID{5}}
			return m
		}(), "ContextList (text only)"},
		{"IndAudEventBufferDescriptor.ParamName", msg(2, audit(&h248.IndAudEventBufferDescriptor{Name: "al/on", ParamName: "strict"})), "parameter name"},
		{"IndAudLocalControlDescriptor.ModeSelectForm", msg(3, audit(&h248.IndAudMediaDescriptor{Stream: &h248.IndAudStreamParms{
			LocalControl: &h248.IndAudLocalControlDescriptor{ModeSelect: h248.Some(h248.SendRecv), ModeSelectForm: h248.FormUnequal}}})), "selecting by Mode unequal"},
		{"ServiceStateSelectForm", msg(3, audit(&h248.IndAudMediaDescriptor{TermState: &h248.IndAudTerminationStateDescriptor{
			ServiceStateSelect: h248.Some(h248.ServiceInService), ServiceStateSelectForm: h248.FormGreater}})), "selecting by ServiceStates greater"},
		{"empty IndAudSignalsDescriptor", msg(2, audit(&h248.IndAudSignalsDescriptor{})), "empty audited Signals"},
		{"two ServiceChange extensions", msg(1, serviceChange(h248.ServiceChangeParm{Method: h248.MethodRestart, Extensions: []h248.PropertyParm{
			{Name: "X-Vendor", Value: h248.Single(h248.Unquoted("a"))}, {Name: "X-Other1", Value: h248.Single(h248.Unquoted("b"))}}})), "2 ServiceChange extensions"},
		{"ServiceChange extension of 6 characters", msg(1, serviceChange(h248.ServiceChangeParm{Method: h248.MethodRestart, Extensions: []h248.PropertyParm{
			{Name: "X+Load", Value: h248.Single(h248.Unquoted("42"))}}})), `extension "X+Load"`},
		{"ServiceChange method extension", msg(1, serviceChange(h248.ServiceChangeParm{Method: h248.MethodExtension, MethodExtension: "X-Maint"})), `method "X-Maint"`},
		{"modem type extension", msg(1, modify(&h248.ModemDescriptor{Types: []string{"X-Fax"}})), `modem type "X-Fax"`},
		{"mux type extension", msg(1, modify(&h248.MuxDescriptor{Type: "X-Mux", TerminationIDs: []h248.TerminationID{"tdm/1/2"}})), `mux type "X-Mux"`},
		{"Nx64K in v1", msg(1, modify(&h248.MuxDescriptor{Type: "Nx64Kservice", TerminationIDs: []h248.TerminationID{"tdm/1/2"}})), "needs version 2"},
		{"unknown package", msg(1, modify(&h248.EventsDescriptor{RequestID: h248.Some[uint32](1), Events: []h248.RequestedEvent{{Name: "foo/bar"}}})), `package "foo"`},
		{"unknown event parameter", msg(1, modify(&h248.EventsDescriptor{RequestID: h248.Some[uint32](1), Events: []h248.RequestedEvent{{Name: "al/of",
			Params: []h248.EventParameter{{Name: "loose", Value: h248.Single(h248.Unquoted("1"))}}}}})), `parameter "loose" of al/of`},
		{"termination id", &h248.Message{Version: 1, MID: h248.MID{Kind: h248.MIDDevice, Name: "mg"}, Transactions: []h248.Transaction{
			&h248.TransactionRequest{ID: 1, Actions: []h248.ActionRequest{{ContextID: 1, Commands: []h248.CommandRequest{{Command: &h248.SubtractRequest{
				TerminationIDs: []h248.TerminationID{"trunk/1/1"}}}}}}}}}, `termination id "trunk/1/1"`},
		{"digit map name", msg(1, modify(&h248.DigitMapDescriptor{Name: "national"})), `digit map name "national"`},
		{"SDP line without =", msg(1, modify(sdp("v=0\nnonsense"))), `SDP line "nonsense"`},
		{"SDP empty line", msg(1, modify(sdp("v=0\n\nc=IN IP4 $"))), `SDP line ""`},
		{"SDP line type without a tag", msg(1, modify(sdp("v=0\ny=1"))), `SDP line type "y"`},
		{"segment number in v1", func() *h248.Message {
			m := msg(1)
			m.Transactions = []h248.Transaction{&h248.TransactionReply{ID: 1, SegmentNumber: h248.Some[uint16](1)}}
			return m
		}(), "needs version 3"},
		{"statistics in v2 command", msg(2, modify(&h248.StatisticsDescriptor{Params: []h248.StatisticsParameter{{Name: "nt/dur"}}})), "needs version 3"},
		{"individual audit in v1", msg(1, audit(&h248.IndAudDigitMapDescriptor{})), "needs version 2"},
		{"signal direction in v2", msg(2, modify(&h248.SignalsDescriptor{Signals: []h248.SignalRequest{{Signal: h248.Signal{Name: "cg/rt",
			Direction: h248.Some(h248.DirectionExternal)}}}})), "needs version 3"},
		{"topology direction onewayboth in v2", func() *h248.Message {
			m := msg(2, modify())
			m.Transactions[0].(*h248.TransactionRequest).Actions[0].Context = &h248.ContextRequest{Topology: []h248.TopologyRequest{
				{From: "tdm/1/1", To: "tdm/1/2", Direction: h248.OnewayBoth}}}
			return m
		}(), "needs version 3"},
		{"version 4", func() *h248.Message { m := msg(1, modify()); m.Version = 4; return m }(), "version 4"},
		{"MID port", func() *h248.Message {
			m := msg(1, modify())
			m.MID = h248.MID{Kind: h248.MIDPort, Port: h248.Some[uint16](1)}
			return m
		}(), "bare port"},
		{"MTP of 3 hex digits", func() *h248.Message {
			m := msg(1, modify())
			m.MID = h248.MID{Kind: h248.MIDMTP, Name: "3FF"}
			return m
		}(), "MTP address"},
		{"AuthData of 4 octets", func() *h248.Message {
			m := msg(1, modify())
			m.Auth = &h248.AuthHeader{Data: []byte{1, 2, 3, 4}}
			return m
		}(), "AuthData"},
		{"priority 16", func() *h248.Message {
			m := msg(1, modify())
			m.Transactions[0].(*h248.TransactionRequest).Actions[0].Context = &h248.ContextRequest{Priority: h248.Some[uint16](16)}
			return m
		}(), "priority 16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("prefix")
			out, err := c.Append(dst, tt.m)
			if !errors.Is(err, ber.ErrNoBinaryForm) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want ErrNoBinaryForm (%s)", err, tt.want)
			}
			if string(out) != "prefix" {
				t.Fatalf("Append changed dst on error: %q", out)
			}
		})
	}
}

// TestTextOnlyDetails checks the text-only details that do have a
// documented binary form.
func TestTextOnlyDetails(t *testing.T) {
	c := testCodec(false)
	roundTrip := func(t *testing.T, m *h248.Message) *h248.Message {
		t.Helper()
		b, err := c.Append(nil, m)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := c.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		return m2
	}
	t.Run("a single ServiceChange extension of 8 characters is nonStandardData", func(t *testing.T) {
		m := msg(1, serviceChange(h248.ServiceChangeParm{Method: h248.MethodRestart, Extensions: []h248.PropertyParm{
			{Name: "X-Vendor", Value: h248.Single(h248.Quoted("Example GW 5.1"))}}}))
		if d := h248.Diff(m, roundTrip(t, m)); d != "" {
			t.Fatal(d)
		}
	})
	t.Run("Value.Quoted follows the value's BER type", func(t *testing.T) {
		m := msg(1, modify(&h248.EventsDescriptor{RequestID: h248.Some[uint32](1), Events: []h248.RequestedEvent{{Name: "al/of",
			Params: []h248.EventParameter{{Name: "strict", Value: h248.Single(h248.Quoted("state"))}}}}}))
		m2 := roundTrip(t, m)
		v := m2.Transactions[0].(*h248.TransactionRequest).Actions[0].Commands[0].Command.(*h248.AmmRequest).
			Descriptors[0].(*h248.EventsDescriptor).Events[0].Params[0].Value.Values[0]
		if v != h248.Quoted("state") {
			t.Fatalf("got %+v", v)
		}
		ev := &m.Transactions[0].(*h248.TransactionRequest).Actions[0].Commands[0].Command.(*h248.AmmRequest).Descriptors[0].(*h248.EventsDescriptor).Events[0]
		ev.Params[0].Value = h248.Single(h248.Unquoted("state"))
		m2 = roundTrip(t, m)
		v = m2.Transactions[0].(*h248.TransactionRequest).Actions[0].Commands[0].Command.(*h248.AmmRequest).
			Descriptors[0].(*h248.EventsDescriptor).Events[0].Params[0].Value.Values[0]
		if v != h248.Unquoted("state") {
			t.Fatalf("got %+v", v)
		}
	})
	t.Run("SDP lines and groups", func(t *testing.T) {
		m := msg(1, modify(sdp("v=0\r\nc=IN IP4 $\r\nm=audio $ RTP/AVP 0\r\nv=0\r\nc=IN IP4 $\r\nm=audio $ RTP/AVP 8")))
		m2 := roundTrip(t, m)
		got := m2.Transactions[0].(*h248.TransactionRequest).Actions[0].Commands[0].Command.(*h248.AmmRequest).
			Descriptors[0].(*h248.MediaDescriptor).Stream.Local.SDP
		// Line ends are not carried: lines are joined by "\n".
		if want := "v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP 8"; got != want {
			t.Fatalf("got %q", got)
		}
		b, _ := c.Append(nil, m)
		groups := strings.Count(string(b), "\x80\x04\x00\x00\xb0\x01") // one v= per group
		if groups != 2 {
			t.Fatalf("%d groups, want 2", groups)
		}
	})
	t.Run("CHOOSE is the empty value list", func(t *testing.T) {
		m := msg(1, modify(&h248.MediaDescriptor{Stream: &h248.StreamParms{LocalControl: &h248.LocalControlDescriptor{
			Props: []h248.PropertyParm{{Name: "tdmc/gain", Value: h248.Single(h248.Unquoted("$"))}}}}}))
		if d := h248.Diff(m, roundTrip(t, m)); d != "" {
			t.Fatal(d)
		}
	})
}

// TestVersions checks that the version read from the message selects the
// mapping: elements a version lacks are skipped as unknown extensions.
func TestVersions(t *testing.T) {
	c := testCodec(false)
	v3 := msg(3, modify(&h248.SignalsDescriptor{Signals: []h248.SignalRequest{{Signal: h248.Signal{Name: "cg/rt",
		Direction: h248.Some(h248.DirectionBoth), RequestID: h248.Some[uint32](7), IntersigDelay: h248.Some[uint16](100)}}}}))
	b, err := c.Append(nil, v3)
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.Decode(b)
	if err != nil || h248.Diff(v3, m) != "" {
		t.Fatalf("v3: %v %s", err, h248.Diff(v3, m))
	}
	// The same octets with version 1: the v3 additions of Signal are
	// unknown extensions there and are skipped.
	i := strings.Index(string(b), "\x80\x01\x03")
	b1 := append([]byte(nil), b...)
	b1[i+2] = 1
	m1, err := c.Decode(b1)
	if err != nil {
		t.Fatal(err)
	}
	sg := m1.Transactions[0].(*h248.TransactionRequest).Actions[0].Commands[0].Command.(*h248.AmmRequest).
		Descriptors[0].(*h248.SignalsDescriptor).Signals[0].Signal
	if m1.Version != 1 || sg.Direction.Set || sg.RequestID.Set || sg.IntersigDelay.Set || sg.Name != "cg/rt" {
		t.Fatalf("v1 reading: %+v", sg)
	}
}

// TestRegistryFallback: ids the registry lacks decode to the x<hex> form,
// which encodes back to the same ids.
func TestRegistryFallback(t *testing.T) {
	c := ber.New(ber.WithTermIDs(testTermIDs)) // base packages only
	m := msg(1, modify(&h248.SignalsDescriptor{Signals: []h248.SignalRequest{{Signal: h248.Signal{Name: "an/apf",
		Params: []h248.SigParameter{{Name: "an", Value: h248.Single(h248.Unquoted("17"))}}}}}}))
	if _, err := c.Append(nil, m); !errors.Is(err, ber.ErrNoBinaryForm) {
		t.Fatalf("an/apf with the base packages: %v", err)
	}
	b, err := testCodec(false).Append(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	sg := got.Transactions[0].(*h248.TransactionRequest).Actions[0].Commands[0].Command.(*h248.AmmRequest).
		Descriptors[0].(*h248.SignalsDescriptor).Signals[0].Signal
	// Unknown items keep the value's text: the spec form wrote an
	// INTEGER, which decodes to its decimal form.
	if sg.Name != "x001d/x0001" || sg.Params[0].Name != "x0001" || sg.Params[0].Value.Values[0].Text != "17" {
		t.Fatalf("got %+v", sg)
	}
	// The names encode back to the same ids; the value, of a type the
	// registry does not know, now as an OCTET STRING of its text.
	b2, err := c.Append(nil, got)
	if err != nil {
		t.Fatalf("re-encoding the fallback names: %v", err)
	}
	got2, err := c.Decode(b2)
	if err != nil || h248.Diff(got, got2) != "" {
		t.Fatalf("fallback round trip: %v %s", err, h248.Diff(got, got2))
	}
}
