package replication

import (
	"encoding/hex"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

// Bodies as format version 1 writes them. They are what old code wrote
// once a later version exists: they must stay readable, never regenerated.
var (
	updateV1 = unhex(`01       version 1
		07                   epoch 7
		04 6d 67 63 31       instance "mgc1"
		02 01 78             delete "x"
		01 01 6b 01 76       put "k" = "v"`)
	snapshotV1 = unhex(`01   version 1
		ac 02                seq 300
		07                   epoch 7
		01 06 63 61 6c 6c 2f 31 02 7b 7d   put "call/1" = "{}"`)
)

// unhex reads hex pairs, ignoring any word that is not one.
func unhex(s string) []byte {
	var b []byte
	for _, w := range strings.Fields(s) {
		if v, err := hex.DecodeString(w); err == nil && len(w) == 2 {
			b = append(b, v...)
		}
	}
	return b
}

func TestReadV1(t *testing.T) {
	u, err := decodeUpdate(updateV1)
	if err != nil {
		t.Fatal(err)
	}
	if u.Epoch != 7 || u.Instance != "mgc1" || !slices.Equal(u.Deletes, []string{"x"}) ||
		!maps.Equal(strs(u.Puts), map[string]string{"k": "v"}) {
		t.Errorf("v1 update read as %+v", u)
	}
	s, err := decodeSnapshot(snapshotV1)
	if err != nil {
		t.Fatal(err)
	}
	if s.Seq != 300 || s.Epoch != 7 || !maps.Equal(strs(s.Items), map[string]string{"call/1": "{}"}) {
		t.Errorf("v1 snapshot read as %+v", s)
	}
}

func TestFormatErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"unknown version", append([]byte{2}, updateV1[1:]...)},
		{"truncated value", updateV1[:len(updateV1)-1]},
		{"unknown operation", append(slices.Clone(updateV1), 9)},
		{"bad epoch", []byte{1, 0x80}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decodeUpdate(tt.data); !errors.Is(err, ErrFormat) {
				t.Errorf("update: %v, want ErrFormat", err)
			}
			if _, err := decodeSnapshot(tt.data); !errors.Is(err, ErrFormat) {
				t.Errorf("snapshot: %v, want ErrFormat", err)
			}
		})
	}
}

// TestEncodeMatchesV1 holds the writer to the version it claims.
func TestEncodeMatchesV1(t *testing.T) {
	got := appendOps(appendUpdateHeader(nil, 7, "mgc1"), Change{Puts: map[string][]byte{"k": []byte("v")}, Deletes: []string{"x"}})
	if !slices.Equal(got, updateV1) {
		t.Errorf("update encodes as % x, want % x", got, updateV1)
	}
	s := &Snapshot{Seq: 300, Epoch: 7, Items: map[string][]byte{"call/1": []byte("{}")}}
	if got := encodeSnapshot(s); !slices.Equal(got, snapshotV1) {
		t.Errorf("snapshot encodes as % x, want % x", got, snapshotV1)
	}
}

// FuzzDecodeUpdate: decoding never panics, and what decodes encodes back
// to the same update.
func FuzzDecodeUpdate(f *testing.F) {
	f.Add(updateV1)
	f.Add(snapshotV1)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = decodeSnapshot(data)
		u, err := decodeUpdate(data)
		if err != nil {
			return
		}
		again, err := decodeUpdate(appendOps(appendUpdateHeader(nil, u.Epoch, u.Instance), u.Change))
		if err != nil {
			t.Fatal(err)
		}
		if again.Epoch != u.Epoch || again.Instance != u.Instance || !slices.Equal(again.Deletes, u.Deletes) ||
			!maps.Equal(strs(again.Puts), strs(u.Puts)) {
			t.Fatalf("round trip: %+v became %+v", u, again)
		}
	})
}
