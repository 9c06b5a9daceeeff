package tcp

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

func TestParseHeader(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header []byte
		max    int
		want   int
		err    error
	}{
		{"empty frame", []byte{3, 0, 0, 4}, 65535, 4, nil},
		{"small", []byte{3, 0, 0, 100}, 65535, 100, nil},
		{"largest", []byte{3, 0, 0xff, 0xff}, 65535, 65535, nil},
		{"at the maximum", []byte{3, 0, 4, 0}, 1024, 1024, nil},
		{"reserved is not checked", []byte{3, 7, 0, 10}, 65535, 10, nil},
		{"version 2", []byte{2, 0, 0, 10}, 65535, 0, ErrBadVersion},
		{"HTTP", []byte("GET "), 65535, 0, ErrBadVersion},
		{"text Megaco without TPKT", []byte("MEGA"), 65535, 0, ErrBadVersion},
		{"length 0", []byte{3, 0, 0, 0}, 65535, 0, ErrFrameTooShort},
		{"length 3", []byte{3, 0, 0, 3}, 65535, 0, ErrFrameTooShort},
		{"one over the maximum", []byte{3, 0, 4, 1}, 1024, 0, ErrFrameTooLong},
		{"length bomb", []byte{3, 0, 0xff, 0xff}, 1024, 0, ErrFrameTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseHeader(tc.header, tc.max)
			if got != tc.want || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("ParseHeader(% x, %d) = %d, %v; want %d, %v", tc.header, tc.max, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestAppendFrame(t *testing.T) {
	got, err := AppendFrame([]byte("x"), []byte("abc"))
	if err != nil || !bytes.Equal(got, []byte{'x', 3, 0, 0, 7, 'a', 'b', 'c'}) {
		t.Fatalf("AppendFrame = % x, %v", got, err)
	}
	got, err = AppendFrame(nil, make([]byte, MaxFrameLen-HeaderLen))
	if err != nil || len(got) != MaxFrameLen || got[2] != 0xff || got[3] != 0xff {
		t.Fatalf("largest frame: %d bytes, %v", len(got), err)
	}
	if _, err := AppendFrame(nil, make([]byte, MaxFrameLen-HeaderLen+1)); !errors.Is(err, ErrFrameTooLong) {
		t.Fatalf("too long: %v", err)
	}
}

// feed runs a framer over stream, handing it at most chunk bytes per
// "read", as a reader goroutine would, and returns the payloads.
func feed(f *framer, stream []byte, chunks func(off int) int) ([]string, error) {
	var got []string
	for off := 0; ; {
		for {
			p, _, ok, err := f.next()
			if err != nil {
				return got, err
			}
			if !ok {
				break
			}
			got = append(got, string(p))
		}
		if off == len(stream) {
			return got, nil
		}
		space := f.space()
		if len(space) == 0 {
			return got, errors.New("space() is empty")
		}
		n := copy(space, stream[off:min(len(stream), off+chunks(off))])
		f.wrote(n)
		off += n
	}
}

func testPayloads() []string {
	big := bytes.Repeat([]byte("0123456789"), 30) // beyond the 64-byte initial buffer of these tests
	return []string{"first", "", "x", string(big), "last one"}
}

func encode(payloads []string) []byte {
	var b []byte
	for _, p := range payloads {
		b, _ = AppendFrame(b, []byte(p))
	}
	return b
}

// TestFramerSplitEverywhere cuts the stream into two reads at every byte
// position: the frames come out the same.
func TestFramerSplitEverywhere(t *testing.T) {
	want := testPayloads()
	stream := encode(want)
	for cut := 0; cut <= len(stream); cut++ {
		f := newFramer(64, MaxFrameLen)
		got, err := feed(f, stream, func(off int) int {
			if off < cut {
				return cut - off
			}
			return len(stream)
		})
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("cut at %d: %d frames, %v", cut, len(got), err)
		}
	}
}

func TestFramerChunkSizes(t *testing.T) {
	want := testPayloads()
	stream := encode(want)
	for _, size := range []int{1, 2, 3, 4, 5, 7, 63, 64, 65, 4096, len(stream)} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			got, err := feed(newFramer(64, MaxFrameLen), stream, func(int) int { return size })
			if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%d frames, %v", len(got), err)
			}
		})
	}
}

// TestFramerBufferGrowsWithData: a header announcing a large frame does
// not allocate it; the buffer grows as bytes arrive, and shrinks back
// after small frames follow.
func TestFramerBufferGrowsWithData(t *testing.T) {
	f := newFramer(64, MaxFrameLen)
	hdr := []byte{3, 0, 0xff, 0xff}
	f.wrote(copy(f.space(), hdr))
	f.wrote(copy(f.space(), make([]byte, 10)))
	if _, _, ok, err := f.next(); ok || err != nil {
		t.Fatalf("incomplete frame: ok %v, %v", ok, err)
	}
	if len(f.space())+f.w != 64 {
		t.Fatalf("buffer grew to %d for 14 bytes", len(f.buf))
	}
	// Fill it: it doubles, no more.
	f.wrote(len(f.space()))
	f.space()
	if len(f.buf) != 128 {
		t.Fatalf("buffer %d after filling 64, want 128", len(f.buf))
	}
	for rest := 65535 - 64; rest > 0; {
		n := min(rest, len(f.space()))
		f.wrote(n)
		rest -= n
	}
	if p, _, ok, _ := f.next(); !ok || len(p) != 65531 {
		t.Fatalf("large frame: ok %v, %d bytes", ok, len(p))
	}
	b, _ := AppendFrame(nil, []byte("small"))
	f.wrote(copy(f.space(), b))
	if _, _, ok, _ := f.next(); !ok {
		t.Fatal("small frame missing")
	}
	f.space()
	if len(f.buf) != 64 {
		t.Fatalf("buffer %d after a small frame, want 64", len(f.buf))
	}
}

func TestFramerErrors(t *testing.T) {
	good, _ := AppendFrame(nil, []byte("ok"))
	for _, tc := range []struct {
		name string
		bad  []byte
		err  error
	}{
		{"version", []byte{4, 0, 0, 8}, ErrBadVersion},
		{"short", []byte{3, 0, 0, 2}, ErrFrameTooShort},
		{"bomb", []byte{3, 0, 0xff, 0xff}, ErrFrameTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := feed(newFramer(64, 1024), append(good, tc.bad...), func(int) int { return 1 })
			if !errors.Is(err, tc.err) || len(got) != 1 || got[0] != "ok" {
				t.Fatalf("got %q, %v; want [ok], %v", got, err, tc.err)
			}
		})
	}
}

// FuzzFramer: however a stream is cut into reads, the framer returns the
// same frames and the same error as when it comes in one piece.
func FuzzFramer(f *testing.F) {
	f.Add(encode(testPayloads()[:3]), byte(1), 65535)
	f.Add([]byte{3, 0, 0, 5, 'a', 3, 0, 0, 3}, byte(2), 100)
	f.Add([]byte{3, 0, 0xff, 0xff, 1, 2, 3}, byte(3), 1000)
	f.Add([]byte("GET / HTTP/1.1\r\n"), byte(4), 65535)
	f.Fuzz(func(t *testing.T, stream []byte, chunk byte, max int) {
		if max < HeaderLen || max > MaxFrameLen {
			return
		}
		whole, werr := feed(newFramer(16, max), stream, func(int) int { return len(stream) })
		cut, cerr := feed(newFramer(16, max), stream, func(int) int { return int(chunk%17) + 1 })
		if fmt.Sprint(whole) != fmt.Sprint(cut) || fmt.Sprint(werr) != fmt.Sprint(cerr) {
			t.Fatalf("whole: %q, %v\ncut by %d: %q, %v", whole, werr, chunk%17+1, cut, cerr)
		}
	})
}

// BenchmarkFramer parses a buffer of back-to-back frames, as a reader
// does after a read that brought many.
func BenchmarkFramer(b *testing.B) {
	for _, size := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("%dB", size), func(b *testing.B) {
			payload := bytes.Repeat([]byte{'m'}, size)
			var stream []byte
			for len(stream) < 1<<20 {
				stream, _ = AppendFrame(stream, payload)
			}
			count := len(stream) / (size + HeaderLen)
			f := newFramer(len(stream), MaxFrameLen)
			copy(f.buf, stream)
			b.SetBytes(int64(size + HeaderLen))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; {
				f.r, f.w = 0, len(stream) // parse the same bytes again
				for j := 0; j < count && i < b.N; j++ {
					if _, _, ok, err := f.next(); !ok || err != nil {
						b.Fatal(ok, err)
					}
					i++
				}
			}
		})
	}
}

// BenchmarkFramerChunked runs the framer as a reader does when the bytes
// come in 1460-byte reads (one TCP segment each).
func BenchmarkFramerChunked(b *testing.B) {
	for _, size := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("%dB", size), func(b *testing.B) {
			payload := bytes.Repeat([]byte{'m'}, size)
			var stream []byte
			for range 100 {
				stream, _ = AppendFrame(stream, payload)
			}
			f := newFramer(4096, MaxFrameLen)
			b.SetBytes(int64(len(stream)))
			b.ReportAllocs()
			for b.Loop() {
				frames := 0
				for off := 0; off < len(stream); {
					n := copy(f.space(), stream[off:min(len(stream), off+1460)])
					f.wrote(n)
					off += n
					for {
						_, _, ok, err := f.next()
						if err != nil {
							b.Fatal(err)
						}
						if !ok {
							break
						}
						frames++
					}
				}
				if frames != 100 {
					b.Fatal(frames)
				}
			}
		})
	}
}

func BenchmarkAppendFrame(b *testing.B) {
	payload := make([]byte, 1000)
	dst := make([]byte, 0, 2048)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		dst, _ = AppendFrame(dst[:0], payload)
	}
}
