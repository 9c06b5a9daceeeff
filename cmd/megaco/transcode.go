package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/ber"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/pkg/h248"
)

func newTranscodeCmd() *cobra.Command {
	var to, out string
	var check bool
	var bf binaryFlags
	cmd := &cobra.Command{
		Use:   "transcode [--to pretty|compact|binary|json] [--out FILE] [--check] FILE...|-",
		Short: "Decode H.248 messages and write them in another encoding",
		Long: `transcode reads one H.248 message per file (- is standard input), text in
pretty or compact form or binary (BER), telling them apart itself, and
writes it to standard output, or to --out with one input, in the form --to
names; binary is written as raw bytes. With --check it only validates (text
against the grammar and the fast decoder) and prints nothing for a valid
message. --termids and --raw-values set the binary mapping.

A message that cannot be decoded is reported on standard error as
FILE:LINE:COL: message (H.248 error NNN Name), or FILE:offset N: ... for
binary input; the other files are still processed and the command exits 1.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			enc, err := outputEncoding(to)
			if err != nil {
				return err
			}
			if out != "" && len(args) > 1 {
				return errors.New("--out takes one input file")
			}
			if enc == codec.Binary && out == "" && len(args) > 1 {
				return errors.New("--to binary writes raw bytes: give one input file")
			}
			bin, err := bf.codec()
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if out != "" {
				f, err := os.Create(out)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			failed := false
			for _, name := range args {
				if err := transcodeFile(cmd, w, name, enc, bin, check); err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s:%v\n", name, positioned(err))
					failed = true
				}
			}
			if failed {
				return exitError{1}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "pretty", "output encoding: pretty, compact, binary or json")
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of standard output (one input file)")
	cmd.Flags().BoolVar(&check, "check", false, "only validate; print nothing on success")
	bf.bind(cmd.Flags())
	return cmd
}

// jsonEncoding stands for --to json beside the codec encodings.
const jsonEncoding codec.Encoding = 0

func outputEncoding(to string) (codec.Encoding, error) {
	if to == "json" {
		return jsonEncoding, nil
	}
	return codec.ParseEncoding(to)
}

// positioned formats an error after "FILE:": a decode error starts with
// its position, any other error with a space.
func positioned(err error) string {
	var de *codec.DecodeError
	if errors.As(err, &de) {
		return de.Error()
	}
	return " " + err.Error()
}

func readInput(cmd *cobra.Command, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(cmd.InOrStdin())
	}
	return os.ReadFile(name)
}

func transcodeFile(cmd *cobra.Command, w io.Writer, name string, enc codec.Encoding, bin *ber.Codec, check bool) error {
	b, err := readInput(cmd, name)
	if err != nil {
		return err
	}
	if check && codec.Detect(b) != codec.Binary {
		return checkMessage(b)
	}
	m, _, err := decodeAny(b, bin)
	if err != nil || check {
		return err
	}
	var out []byte
	if enc == jsonEncoding {
		out, err = h248.MarshalJSON(m)
	} else {
		out, err = codecFor(enc, bin).Append(nil, m)
	}
	if err != nil {
		return err
	}
	if enc != codec.Binary {
		out = append(out, '\n')
	}
	_, err = w.Write(out)
	return err
}

// checkMessage validates b with the grammar, the definition of the
// language, and with the fast decoder, and reports any disagreement.
func checkMessage(b []byte) error {
	gm, gerr := text.DecodeGrammar(b, codec.Limits{})
	fm, ferr := text.New(codec.Pretty).Decode(b)
	switch {
	case gerr != nil && ferr != nil:
		return gerr
	case gerr != nil:
		return fmt.Errorf("the fast decoder accepts what the grammar rejects: %w", gerr)
	case ferr != nil:
		return fmt.Errorf("the grammar accepts what the fast decoder rejects: %w", ferr)
	}
	if d := h248.Diff(gm, fm); d != "" {
		return fmt.Errorf("the grammar and the fast decoder disagree: %s", d)
	}
	return nil
}
