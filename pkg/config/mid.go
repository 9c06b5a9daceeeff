package config

import (
	"fmt"
	"strings"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/pkg/h248"
)

// ParseMID reads a MID in its text form: [10.0.0.1]:2944, [::1]:2944,
// <mg.example.net>:2944, a device name such as mg1, or MTP{0A1B}. It
// parses with the text codec, so a MID is what the wire accepts.
func ParseMID(s string) (h248.MID, error) {
	if s == "" || strings.ContainsAny(s, " \t\r\n;") {
		return h248.MID{}, fmt.Errorf("want a MID ([10.0.0.1]:2944, <mg.example.net>, mg1), got %q", s)
	}
	m, err := text.New(codec.Compact).Decode([]byte("!/1 " + s + " ER=400{}"))
	if err != nil || m.Error == nil || len(m.Transactions) > 0 {
		return h248.MID{}, fmt.Errorf("want a MID ([10.0.0.1]:2944, <mg.example.net>, mg1), got %q", s)
	}
	return m.MID, nil
}
