package text_test

import (
	"testing"
	"time"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/pkg/h248"
)

// BenchmarkGrammarVsFast decodes the valid corpus (the files as they are)
// with the fast decoder and with the grammar path; µs/msg is the mean per
// message. The grammar path runs only when the fast decoder rejects a
// message, so its speed matters little; this keeps it in view.
func BenchmarkGrammarVsFast(b *testing.B) {
	files := readCorpus(b, validDir)
	total := 0
	for _, f := range files {
		total += len(f.data)
	}
	for _, p := range []struct {
		name   string
		decode func([]byte, codec.Limits) (*h248.Message, error)
	}{{"fast", text.DecodeFast}, {"grammar", text.DecodeGrammar}} {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(total))
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				for _, f := range files {
					if _, err := p.decode(f.data, codec.Limits{}); err != nil {
						b.Fatalf("%s: %v", f.name, err)
					}
				}
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N*len(files)), "µs/msg")
		})
	}
}
