package ber_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/megaco/megaco/codec/ber"
	"github.com/megaco/megaco/pkg/h248"
)

type benchMessage struct {
	name string
	wire []byte
	msg  *h248.Message
}

// benchCorpus is every text corpus message with a binary form, decoded
// and encoded with the test codec.
func benchCorpus(b *testing.B, c *ber.Codec) []benchMessage {
	var ms []benchMessage
	for _, f := range readDir(b, textValidDir, ".txt") {
		if _, ok := noBinaryForm[f.name]; ok {
			continue
		}
		m, err := pretty.Decode(f.data)
		if err != nil {
			b.Fatalf("%s: %v", f.name, err)
		}
		w, err := c.Append(nil, m)
		if err != nil {
			b.Fatalf("%s: %v", f.name, err)
		}
		ms = append(ms, benchMessage{f.name, w, m})
	}
	return ms
}

// BenchmarkDecode decodes each corpus message; "corpus" decodes them all
// per iteration (ns/op divided by the message count is the mean per
// message).
func BenchmarkDecode(b *testing.B) {
	c := testCodec(false)
	ms := benchCorpus(b, c)
	b.Run("corpus", func(b *testing.B) {
		total := 0
		for _, m := range ms {
			total += len(m.wire)
		}
		b.SetBytes(int64(total))
		b.ReportAllocs()
		for b.Loop() {
			for _, m := range ms {
				if _, err := c.Decode(m.wire); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ms))/1000, "µs/msg")
	})
	for _, m := range ms {
		b.Run(m.name, func(b *testing.B) {
			b.SetBytes(int64(len(m.wire)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Decode(m.wire); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncode encodes each corpus message into a reused buffer.
func BenchmarkEncode(b *testing.B) {
	c := testCodec(false)
	ms := benchCorpus(b, c)
	b.Run("corpus", func(b *testing.B) {
		buf := make([]byte, 0, 64<<10)
		b.ReportAllocs()
		for b.Loop() {
			for _, m := range ms {
				var err error
				if buf, err = c.Append(buf[:0], m.msg); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ms))/1000, "µs/msg")
	})
	for _, m := range ms {
		b.Run(m.name, func(b *testing.B) {
			buf := make([]byte, 0, 2*len(m.wire))
			b.SetBytes(int64(len(m.wire)))
			b.ReportAllocs()
			for b.Loop() {
				buf, _ = c.Append(buf[:0], m.msg)
			}
		})
	}
}

// TestCodecBenchDir times decode and encode per message, like Erlang's
// codec_bench.escript, over the *.txt messages of $BER_BENCH_DIR (written
// by testdata/ber/erl_ber.escript bench, so that both sides time the same
// messages; testdata/ber/bench_compare.sh runs both). It uses the default
// Codec (Erlang's termination id mapping, the base packages) and prints a
// table and, last, "summary encoding=binary messages=N decode_us=D
// encode_us=E". $BER_BENCH_ONLY names a file listing the messages to
// time (the ones Erlang handled).
func TestCodecBenchDir(t *testing.T) {
	dir := os.Getenv("BER_BENCH_DIR")
	if dir == "" {
		t.Skip("BER_BENCH_DIR not set")
	}
	only := map[string]bool{}
	if p := os.Getenv("BER_BENCH_ONLY"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range splitLines(string(b)) {
			only[n] = true
		}
	}
	c := ber.New()
	paths, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	sort.Strings(paths)
	w := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(w, "message\tbytes\tdec_us\tenc_us")
	var n int
	var dec, enc float64
	for _, p := range paths {
		name := filepath.Base(p)
		name = name[:len(name)-len(".txt")]
		if len(only) > 0 && !only[name] {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		m, err := pretty.Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		wire, err := c.Append(nil, m)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := c.Decode(wire); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		du := measure(func() { c.Decode(wire) })
		buf := make([]byte, 0, 2*len(wire))
		eu := measure(func() { buf, _ = c.Append(buf[:0], m) })
		fmt.Fprintf(w, "%s\t%d\t%.2f\t%.2f\n", name, len(wire), du, eu)
		n++
		dec += du
		enc += eu
	}
	w.Flush()
	if n == 0 {
		t.Fatalf("no messages in %s", dir)
	}
	fmt.Printf("summary encoding=binary messages=%d decode_us=%.2f encode_us=%.2f\n", n, dec/float64(n), enc/float64(n))
}

// measure returns the microseconds per call of f, with
// codec_bench.escript's method: a warm-up of 20 calls, then 2000 calls or
// 400 ms, whichever comes first, in chunks of 25.
func measure(f func()) float64 {
	for i := 0; i < 20; i++ {
		f()
	}
	const n, limit = 2000, 400 * time.Millisecond
	start := time.Now()
	done := 0
	for done < n {
		for i := 0; i < 25; i++ {
			f()
		}
		done += 25
		if time.Since(start) > limit {
			break
		}
	}
	return float64(time.Since(start).Nanoseconds()) / float64(done) / 1000
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '\n' {
			if line := s[start:i]; line != "" {
				out = append(out, line)
			}
			start = i + 1
		}
	}
	return out
}
