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
	"github.com/megaco/megaco/codec/text"
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
	cmd := &cobra.Command{
		Use:   "codec --dir DIR [--encoding pretty|compact] [--iterations N]",
		Short: "Time decode and encode per message, like Erlang's megaco_codec_meas",
		Long: `codec reads every *.txt message in DIR, encodes each in the chosen
encoding, then times decoding that encoding and encoding the message, for
--iterations iterations or --max-ms-per-case milliseconds, whichever comes
first. It prints a table and, as its last line,
summary encoding=ENC messages=N decode_us=D encode_us=E
with the means per message in microseconds.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			enc, err := codec.ParseEncoding(encoding)
			if err != nil {
				return err
			}
			if enc == codec.Binary {
				return fmt.Errorf("--encoding binary is not available yet")
			}
			if dir == "" {
				return fmt.Errorf("--dir is required")
			}
			if iterations < 1 {
				return fmt.Errorf("--iterations must be at least 1")
			}
			return benchCodec(cmd, dir, enc, iterations, time.Duration(maxMS)*time.Millisecond)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "directory of *.txt message files")
	cmd.Flags().StringVar(&encoding, "encoding", "pretty", "encoding to time: pretty or compact")
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

func benchCodec(cmd *cobra.Command, dir string, enc codec.Encoding, n int, limit time.Duration) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no *.txt files in %s", dir)
	}
	sort.Strings(files)
	c := text.New(enc)
	var rows []benchRow
	for _, f := range files {
		rows = append(rows, benchFile(c, f, n, limit))
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
func benchFile(c codec.Codec, file string, n int, limit time.Duration) benchRow {
	row := benchRow{name: filepath.Base(file)}
	b, err := os.ReadFile(file)
	if err != nil {
		row.decodeFail = err
		return row
	}
	m, err := c.Decode(b)
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
