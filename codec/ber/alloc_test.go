package ber_test

import (
	"testing"
)

// TestAppendAllocatesNothing guards the promise that encoding into a
// reused buffer allocates nothing, for every corpus message and both
// value forms.
func TestAppendAllocatesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts are checked in the full run")
	}
	for _, raw := range []bool{false, true} {
		c := testCodec(raw)
		for _, f := range readDir(t, oursDir, ".ber") {
			m, err := c.Decode(f.data)
			if err != nil {
				t.Fatalf("%s: %v", f.name, err)
			}
			buf, err := c.Append(nil, m)
			if err != nil {
				t.Fatalf("%s: %v", f.name, err)
			}
			allocs := testing.AllocsPerRun(20, func() {
				buf, _ = c.Append(buf[:0], m)
			})
			if allocs != 0 {
				t.Errorf("%s (raw %v): %v allocations per Append into a reused buffer", f.name, raw, allocs)
			}
		}
	}
}
