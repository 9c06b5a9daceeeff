package text_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/h248"
)

// TestBadTransactionFailsAlone: a malformed transaction whose end can be
// found is skipped and reported with its id; the others are decoded.
func TestBadTransactionFailsAlone(t *testing.T) {
	for _, tt := range []struct {
		name    string
		msg     string
		good    []uint32
		bad     uint32
		hasID   bool
		request bool
		line    int
		col     int
	}{
		{"request", "!/1 [10.0.0.1]:2944\nT=1{C=-{AV=ROOT}}T=2{C=5{MF=a{M{bogus}}}}T=3{C=-{AV=ROOT}}", []uint32{1, 3}, 2, true, true, 2, 33},
		{"reply", "!/1 [10.0.0.1]:2944\nP=7{C=1{MF=a,AV}}T=8{C=-{AV=ROOT}}", []uint32{8}, 7, true, false, 2, 16},
		{"closing brace", "!/1 [10.0.0.1]:2944\nT=4{}T=5{C=-{AV=ROOT}}", []uint32{5}, 4, true, true, 2, 5},
		{"no id", "!/1 [10.0.0.1]:2944\nT=x{C=-{AV=ROOT}}T=2{C=-{AV=ROOT}}", []uint32{2}, 0, false, true, 2, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := pretty.Decode([]byte(tt.msg))
			var pe *codec.PartialError
			if !errors.As(err, &pe) || m == nil {
				t.Fatalf("want a message and a *codec.PartialError, got %v, %v", m, err)
			}
			var ids []uint32
			for _, tr := range m.Transactions {
				ids = append(ids, transactionID(tr))
			}
			if !equalIDs(ids, tt.good) {
				t.Errorf("decoded transactions %v, want %v", ids, tt.good)
			}
			if len(pe.Failed) != 1 {
				t.Fatalf("failed %+v", pe.Failed)
			}
			f := pe.Failed[0]
			if f.HasID != tt.hasID || f.ID != tt.bad || f.Request != tt.request {
				t.Errorf("failed transaction %+v, want id %d (%v) request=%v", f, tt.bad, tt.hasID, tt.request)
			}
			if f.Err.Code != h248.CodeBadRequest || f.Err.Line != tt.line || f.Err.Column != tt.col {
				t.Errorf("error %v, want 400 at %d:%d", f.Err, tt.line, tt.col)
			}
			var de *codec.DecodeError
			if !errors.As(err, &de) || (tt.hasID && !strings.Contains(err.Error(), "transaction")) {
				t.Errorf("PartialError does not unwrap to its DecodeError or name the transaction: %v", err)
			}
		})
	}
}

// TestUnboundedTransactionFailsMessage: when the end of the bad
// transaction cannot be found, the message fails with the first error.
func TestUnboundedTransactionFailsMessage(t *testing.T) {
	for _, msg := range []string{
		"!/1 [10.0.0.1]:2944\nT=1{C=-{N=ROOT{}}}T=2{C=5{MF=a{M{",          // no end
		"!/1 [10.0.0.1]:2944\nT=1{C=-{AV=ROOT}}}T=2{C=-{AV=ROOT}}",        // a stray brace
		"!/1 [10.0.0.1]:2944\nT=1{C=5{MF=a{M{bogus}}}}}T=2{C=-{AV=ROOT}}", // a brace too many
		"!/1 [10.0.0.1]:2944\nT=1{C=5{MF=a{M{\x01}}}}T=2{C=-{AV=ROOT}}",   // the scanner stops
	} {
		m, err := pretty.Decode([]byte(msg))
		var pe *codec.PartialError
		var de *codec.DecodeError
		if m != nil || errors.As(err, &pe) || !errors.As(err, &de) {
			t.Errorf("%q: got %v, %v; want the whole message to fail", msg, m, err)
		}
	}
}

func transactionID(t h248.Transaction) uint32 {
	switch t := t.(type) {
	case *h248.TransactionRequest:
		return t.ID
	case *h248.TransactionReply:
		return t.ID
	}
	return 0
}

func equalIDs(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
