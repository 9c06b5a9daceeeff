package ber_test

import (
	"fmt"
	"net/netip"

	"github.com/megaco/megaco/codec/ber"
	"github.com/megaco/megaco/pkg/h248"
)

// A gateway whose analog lines are aaln/N and whose trunks are tdm/T/C:
// the words name the first level of the binary termination ids.
func Example() {
	c := ber.New(ber.WithTermIDs(ber.TermIDMapping{
		Form:  ber.LevelDecimal,
		Words: []ber.TermIDWord{{Word: "tdm", Value: 1}, {Word: "aaln", Value: 3}},
	}))
	m := &h248.Message{
		Version: 1,
		MID:     h248.MID{Kind: h248.MIDIP4, Addr: netip.MustParseAddr("192.0.2.1"), Port: h248.Some[uint16](2944)},
		Transactions: []h248.Transaction{&h248.TransactionRequest{ID: 7, Actions: []h248.ActionRequest{{
			ContextID: h248.ContextChoose,
			Commands: []h248.CommandRequest{{Command: &h248.AmmRequest{
				Verb:           h248.CmdAdd,
				TerminationIDs: []h248.TerminationID{"tdm/1/5"},
			}}},
		}}}},
	}
	b, err := c.Append(nil, m)
	if err != nil {
		fmt.Println(err)
		return
	}
	back, err := c.Decode(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d octets, %s\n", len(b), back.Transactions[0].(*h248.TransactionRequest).Actions[0].Commands[0].Command.Terminations()[0])

	// Erlang/OTP megaco's default mapping writes the same id as bit strings.
	back, _ = ber.New().Decode(b)
	fmt.Println(back.Transactions[0].(*h248.TransactionRequest).Actions[0].Commands[0].Command.Terminations()[0])

	// A name the mapping cannot write has no binary form.
	m.Transactions[0].(*h248.TransactionRequest).Actions[0].Commands[0].Command.(*h248.AmmRequest).TerminationIDs[0] = "trunk7/1"
	_, err = c.Append(nil, m)
	fmt.Println(err)
	// Output:
	// 62 octets, tdm/1/5
	// 00000001/00000001/00000101
	// ber: no binary form: termination id "trunk7/1": level "trunk7" is not a word, a string of 8 bits or a number below 2^8
}
