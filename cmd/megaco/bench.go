package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/ber"
	"github.com/megaco/megaco/pkg/h248"
)

func newBenchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Benchmarks: codec speed and engine throughput",
	}
	cmd.AddCommand(newBenchCodecCmd(), newBenchLoadCmd())
	return cmd
}

func newBenchCodecCmd() *cobra.Command {
	var dir, encoding string
	var iterations, maxMS int
	var bf binaryFlags
	cmd := &cobra.Command{
		Use:   "codec --dir DIR [--encoding pretty|compact|binary] [--iterations N]",
		Short: "Time decode and encode per message, like Erlang's megaco_codec_meas",
		Long: `codec reads every message file in DIR (*.txt, *.ber, *.bin; text or
binary, told apart by their content), encodes each in the chosen encoding,
then times decoding that encoding and encoding the message, for
--iterations iterations or --max-ms-per-case milliseconds, whichever comes
first. A message with no form in the chosen encoding is skipped and named
on standard error. It prints a table and, as its last line,
summary encoding=ENC messages=N decode_us=D encode_us=E
with the means per message in microseconds.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			enc, err := codec.ParseEncoding(encoding)
			if err != nil {
				return err
			}
			bin, err := bf.codec()
			if err != nil {
				return err
			}
			if dir == "" {
				return fmt.Errorf("--dir is required")
			}
			if iterations < 1 {
				return fmt.Errorf("--iterations must be at least 1")
			}
			return benchCodec(cmd, dir, enc, bin, iterations, time.Duration(maxMS)*time.Millisecond)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "directory of message files (*.txt, *.ber, *.bin)")
	cmd.Flags().StringVar(&encoding, "encoding", "pretty", "encoding to time: pretty, compact or binary")
	bf.bind(cmd.Flags())
	cmd.Flags().IntVar(&iterations, "iterations", 2000, "iterations per message and operation")
	cmd.Flags().IntVar(&maxMS, "max-ms-per-case", 400, "time cap per message and operation")
	return cmd
}

type benchRow struct {
	name       string
	bytes      int
	decUS      float64
	encUS      float64
	decodeFail error
}

func benchCodec(cmd *cobra.Command, dir string, enc codec.Encoding, bin *ber.Codec, n int, limit time.Duration) error {
	var files []string
	for _, pattern := range []string{"*.txt", "*.ber", "*.bin"} {
		fs, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return err
		}
		files = append(files, fs...)
	}
	if len(files) == 0 {
		return fmt.Errorf("no message files (*.txt, *.ber, *.bin) in %s", dir)
	}
	sort.Strings(files)
	c := codecFor(enc, bin)
	var rows []benchRow
	for _, f := range files {
		rows = append(rows, benchFile(c, bin, f, n, limit))
	}
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "message\tbytes\tdecode_us\tencode_us\t\n")
	var sumD, sumE float64
	ok := 0
	for _, r := range rows {
		if r.decodeFail != nil {
			fmt.Fprintf(w, "%s\t-\t-\t-\t\n", r.name)
			continue
		}
		fmt.Fprintf(w, "%s\t%d\t%.2f\t%.2f\t\n", r.name, r.bytes, r.decUS, r.encUS)
		sumD += r.decUS
		sumE += r.encUS
		ok++
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for _, r := range rows {
		if r.decodeFail != nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "%s: skipped: %v\n", r.name, r.decodeFail)
		}
	}
	if ok == 0 {
		return fmt.Errorf("no message in %s could be decoded", dir)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "summary encoding=%s messages=%d decode_us=%.2f encode_us=%.2f\n",
		enc, ok, sumD/float64(ok), sumE/float64(ok))
	return nil
}

// benchFile times one message: the file is decoded once, encoded in c's
// encoding, and then decoding that encoding and encoding the message are
// timed.
func benchFile(c codec.Codec, bin *ber.Codec, file string, n int, limit time.Duration) benchRow {
	row := benchRow{name: filepath.Base(file)}
	b, err := os.ReadFile(file)
	if err != nil {
		row.decodeFail = err
		return row
	}
	m, _, err := decodeAny(b, bin)
	if err != nil {
		row.decodeFail = err
		return row
	}
	wire, err := c.Append(nil, m)
	if err != nil {
		row.decodeFail = err
		return row
	}
	if m2, err := c.Decode(wire); err != nil || !h248.Equal(m, m2) {
		row.decodeFail = fmt.Errorf("its %T encoding does not decode to the same message", c)
		return row
	}
	row.bytes = len(wire)
	row.decUS = measure(n, limit, func() { _, _ = c.Decode(wire) })
	buf := make([]byte, 0, 2*len(wire))
	row.encUS = measure(n, limit, func() { buf, _ = c.Append(buf[:0], m) })
	return row
}

// measure returns microseconds per call of f after a short warm-up, over
// n calls or until limit passes, checked every 25 calls.
func measure(n int, limit time.Duration, f func()) float64 {
	for i := 0; i < min(n, 20); i++ {
		f()
	}
	start := time.Now()
	done := 0
	for done < n {
		chunk := min(25, n-done)
		for i := 0; i < chunk; i++ {
			f()
		}
		done += chunk
		if time.Since(start) > limit {
			break
		}
	}
	return time.Since(start).Seconds() * 1e6 / float64(done)
}
