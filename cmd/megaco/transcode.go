package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/pkg/h248"
)

func newTranscodeCmd() *cobra.Command {
	var to string
	var check bool
	cmd := &cobra.Command{
		Use:   "transcode [--to pretty|compact|json] [--check] FILE...|-",
		Short: "Decode H.248 messages and write them in another encoding",
		Long: `transcode reads one H.248 text message per file (- is standard input), in
pretty or compact form, and writes it to standard output in the form --to
names. With --check it only validates, against the grammar and the fast
decoder, and prints nothing for a valid message.

A message that cannot be decoded is reported on standard error as
FILE:LINE:COL: message (H.248 error NNN Name); the other files are still
processed and the command exits 1.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			enc, err := outputEncoding(to)
			if err != nil {
				return err
			}
			failed := false
			for _, name := range args {
				if err := transcodeFile(cmd, name, enc, check); err != nil {
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
	cmd.Flags().StringVar(&to, "to", "pretty", "output encoding: pretty, compact or json")
	cmd.Flags().BoolVar(&check, "check", false, "only validate; print nothing on success")
	return cmd
}

// jsonEncoding stands for --to json beside the codec encodings.
const jsonEncoding codec.Encoding = 0

func outputEncoding(to string) (codec.Encoding, error) {
	if to == "json" {
		return jsonEncoding, nil
	}
	enc, err := codec.ParseEncoding(to)
	if err == nil && enc == codec.Binary {
		err = errors.New("--to binary is not available yet")
	}
	return enc, err
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

func transcodeFile(cmd *cobra.Command, name string, enc codec.Encoding, check bool) error {
	b, err := readInput(cmd, name)
	if err != nil {
		return err
	}
	if check {
		return checkMessage(b)
	}
	m, err := text.New(codec.Pretty).Decode(b)
	if err != nil {
		return err
	}
	var out []byte
	if enc == jsonEncoding {
		out, err = h248.MarshalJSON(m)
	} else {
		out, err = text.New(enc).Append(nil, m)
	}
	if err != nil {
		return err
	}
	_, err = cmd.OutOrStdout().Write(append(out, '\n'))
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
