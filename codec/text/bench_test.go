package text_test

import (
	"testing"

	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/pkg/h248"
)

type codecPair struct {
	name  string
	codec *text.Codec
}

type benchMessage struct {
	name string
	wire map[string][]byte // encoding name -> bytes
	msg  *h248.Message
}

func benchCorpus(b *testing.B) []benchMessage {
	var ms []benchMessage
	for _, f := range readCorpus(b, validDir) {
		m, err := pretty.Decode(f.data)
		if err != nil {
			b.Fatalf("%s: %v", f.name, err)
		}
		bm := benchMessage{name: f.name, msg: m, wire: map[string][]byte{}}
		for _, c := range []codecPair{{"pretty", pretty}, {"compact", compact}} {
			w, err := c.codec.Append(nil, m)
			if err != nil {
				b.Fatal(err)
			}
			bm.wire[c.name] = w
		}
		ms = append(ms, bm)
	}
	return ms
}

// BenchmarkDecode decodes each corpus message in each form; "corpus"
// decodes them all per iteration (its ns/op divided by the message count
// is the mean per message, the figure megaco bench codec reports).
func BenchmarkDecode(b *testing.B) {
	ms := benchCorpus(b)
	for _, c := range []codecPair{{"pretty", pretty}, {"compact", compact}} {
		b.Run(c.name+"/corpus", func(b *testing.B) {
			total := 0
			for _, m := range ms {
				total += len(m.wire[c.name])
			}
			b.SetBytes(int64(total))
			b.ReportAllocs()
			for b.Loop() {
				for _, m := range ms {
					if _, err := c.codec.Decode(m.wire[c.name]); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		for _, m := range ms {
			b.Run(c.name+"/"+m.name, func(b *testing.B) {
				w := m.wire[c.name]
				b.SetBytes(int64(len(w)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := c.codec.Decode(w); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkEncode encodes each corpus message into a reused buffer.
func BenchmarkEncode(b *testing.B) {
	ms := benchCorpus(b)
	for _, c := range []codecPair{{"pretty", pretty}, {"compact", compact}} {
		b.Run(c.name+"/corpus", func(b *testing.B) {
			buf := make([]byte, 0, 64<<10)
			b.ReportAllocs()
			for b.Loop() {
				for _, m := range ms {
					var err error
					if buf, err = c.codec.Append(buf[:0], m.msg); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		for _, m := range ms {
			b.Run(c.name+"/"+m.name, func(b *testing.B) {
				buf := make([]byte, 0, 2*len(m.wire[c.name]))
				b.SetBytes(int64(len(m.wire[c.name])))
				b.ReportAllocs()
				for b.Loop() {
					buf, _ = c.codec.Append(buf[:0], m.msg)
				}
			})
		}
	}
}
