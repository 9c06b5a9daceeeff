package text_test

import (
	"testing"
)

// TestAppendAllocatesNothing guards the promise that encoding into a
// reused buffer allocates nothing, for every corpus message and both forms.
func TestAppendAllocatesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts are checked in the full run")
	}
	for _, f := range readCorpus(t, validDir) {
		m, err := pretty.Decode(f.data)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		for _, c := range []codecPair{{"pretty", pretty}, {"compact", compact}} {
			buf, err := c.codec.Append(nil, m)
			if err != nil {
				t.Fatalf("%s: %v", f.name, err)
			}
			allocs := testing.AllocsPerRun(20, func() {
				buf, _ = c.codec.Append(buf[:0], m)
			})
			if allocs != 0 {
				t.Errorf("%s %s: %v allocations per Append into a reused buffer", f.name, c.name, allocs)
			}
		}
	}
}
