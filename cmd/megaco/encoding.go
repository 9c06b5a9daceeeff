package main

import (
	"github.com/spf13/pflag"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/ber"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/pkg/h248"
)

// binaryFlags are the options of the binary encoding for the commands that
// read or write it.
type binaryFlags struct {
	termIDs string
	raw     bool
}

func (f *binaryFlags) bind(fs *pflag.FlagSet) {
	fs.StringVar(&f.termIDs, "termids", "", "binary termination ids: bits or decimal, level widths such as 8/8/8, words such as tdm=1,rtp=2:5 (default: Erlang's three 8-bit levels as bit strings)")
	fs.BoolVar(&f.raw, "raw-values", false, "write binary package values in Erlang's raw text form rather than RFC 3525 A.2's typed form")
}

// codec returns the BER codec the flags describe.
func (f *binaryFlags) codec() (*ber.Codec, error) {
	ids, err := ber.ParseTermIDMapping(f.termIDs)
	if err != nil {
		return nil, err
	}
	return ber.New(ber.WithTermIDs(ids), ber.WithRawValues(f.raw)), nil
}

// decodeAny decodes a message in whichever encoding it is in.
func decodeAny(b []byte, bin *ber.Codec) (*h248.Message, codec.Encoding, error) {
	if codec.Detect(b) == codec.Binary {
		m, err := bin.Decode(b)
		return m, codec.Binary, err
	}
	m, err := text.New(codec.Pretty).Decode(b)
	return m, codec.Pretty, err
}

// codecFor returns the codec that writes enc.
func codecFor(enc codec.Encoding, bin *ber.Codec) codec.Codec {
	if enc == codec.Binary {
		return bin
	}
	return text.New(enc)
}
