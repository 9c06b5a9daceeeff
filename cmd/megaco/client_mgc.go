package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/megaco/megaco/pkg/admin"
)

// newMGCCmds returns the commands of the MGC layer's view: mg list, leg
// list, mixer list.
func newMGCCmds() []*cobra.Command {
	var o clientOpts
	mg := &cobra.Command{Use: "mg", Short: "The MGs the MGC layer knows"}
	o.bind(mg)
	mg.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List the MGs with their state (ready, lost, dead, resyncing) and resyncs",
		Long: `list shows every MG the MGC layer knows. With -o json it prints a list of
MGStatus: mid, state, graceful (going out of service), legs, mixers,
resyncs (how many times it was audited and resynchronised).`,
		Args: cobra.NoArgs,
		RunE: o.run(func(ctx context.Context, c *admin.Client, cmd *cobra.Command, _ []string) error {
			ms, err := c.MGs(ctx)
			if err != nil {
				return err
			}
			return o.print(cmd, ms, func(t *table) {
				t.row("MID", "STATE", "LEGS", "MIXERS", "RESYNCS", "GRACEFUL")
				for _, m := range ms {
					t.row(m.MID, m.State, fmt.Sprint(m.Legs), fmt.Sprint(m.Mixers), fmt.Sprint(m.Resyncs), fmt.Sprint(m.Graceful))
				}
			})
		}),
	})

	var lo clientOpts
	var legMG, mixerMG string
	leg := &cobra.Command{Use: "leg", Short: "The call legs of the MGC layer"}
	lo.bind(leg)
	listLegs := &cobra.Command{
		Use:   "list [--mg MID]",
		Short: "List the call legs with their state and links",
		Long: `list shows the call legs (of one MG with --mg). With -o json it prints a
list of LegStatus: mg, termination, context, state (idle, ringing,
active, terminating), peer (the leg it is linked with, MG/termination)
and mixer (the context of the mixer it joins).`,
		Args: cobra.NoArgs,
		RunE: lo.run(func(ctx context.Context, c *admin.Client, cmd *cobra.Command, _ []string) error {
			ls, err := c.Legs(ctx, legMG)
			if err != nil {
				return err
			}
			return lo.print(cmd, ls, func(t *table) {
				t.row("MG", "TERMINATION", "CONTEXT", "STATE", "PEER", "MIXER")
				for _, l := range ls {
					t.row(l.MG, l.Termination, l.Context, l.State, dash(l.Peer), dash(l.Mixer))
				}
			})
		}),
	}
	listLegs.Flags().StringVar(&legMG, "mg", "", "only the legs of this MG")
	leg.AddCommand(listLegs)

	var xo clientOpts
	mixer := &cobra.Command{Use: "mixer", Short: "The mixers (conference contexts) of the MGC layer"}
	xo.bind(mixer)
	listMixers := &cobra.Command{
		Use:   "list [--mg MID]",
		Short: "List the mixers and the legs joined to them",
		Long: `list shows the mixers (of one MG with --mg). With -o json it prints a
list of MixerStatus: mg, context, port (its mix/ termination) and legs.`,
		Args: cobra.NoArgs,
		RunE: xo.run(func(ctx context.Context, c *admin.Client, cmd *cobra.Command, _ []string) error {
			ms, err := c.Mixers(ctx, mixerMG)
			if err != nil {
				return err
			}
			return xo.print(cmd, ms, func(t *table) {
				t.row("MG", "CONTEXT", "PORT", "LEGS")
				for _, m := range ms {
					t.row(m.MG, m.Context, dash(m.Port), dash(strings.Join(m.Legs, ",")))
				}
			})
		}),
	}
	listMixers.Flags().StringVar(&mixerMG, "mg", "", "only the mixers of this MG")
	mixer.AddCommand(listMixers)
	return []*cobra.Command{mg, leg, mixer, newCallCmd()}
}

// newCallCmd places, lists and releases calls through the MGC layer.
func newCallCmd() *cobra.Command {
	var o clientOpts
	call := &cobra.Command{Use: "call", Short: "Place, list and release calls through the MGC layer"}
	o.bind(call)
	printCalls := func(cmd *cobra.Command, v any, cs []admin.CallStatus) error {
		return o.print(cmd, v, func(t *table) {
			t.row("CALL", "MG", "TERMINATION", "CONTEXT", "STATE", "PEER")
			for _, c := range cs {
				for _, l := range c.Legs {
					t.row(c.Call, l.MG, l.Termination, l.Context, l.State, dash(l.Peer))
				}
			}
		})
	}
	var req admin.PlaceCallRequest
	var noAnswer bool
	place := &cobra.Command{
		Use:   "place --mg MID --a TERM --b TERM [--peer-mg MID] [--no-answer]",
		Short: "Place a two-party call: legs a and b linked, b alerted, both answered",
		Long: `place creates leg a on --mg and leg b on --peer-mg (default --mg), links
them (one context on one MG, SDP exchanged across MGs), alerts b and,
unless --no-answer, answers both. Terminations may be chosen by the MG:
tdm/1/$, rtp/$. With -o json it prints a CallStatus: call, legs.`,
		Args: cobra.NoArgs,
		RunE: o.run(func(ctx context.Context, c *admin.Client, cmd *cobra.Command, _ []string) error {
			if noAnswer {
				no := false
				req.Answer = &no
			}
			cs, err := c.PlaceCall(ctx, req)
			if err != nil {
				return err
			}
			return printCalls(cmd, cs, []admin.CallStatus{cs})
		}),
	}
	place.Flags().StringVar(&req.MG, "mg", "", "the MG of leg a")
	place.Flags().StringVar(&req.A, "a", "", "the termination of leg a (tdm/1/$, rtp/$, ...)")
	place.Flags().StringVar(&req.B, "b", "", "the termination of leg b")
	place.Flags().StringVar(&req.PeerMG, "peer-mg", "", "the MG of leg b (default --mg)")
	place.Flags().BoolVar(&noAnswer, "no-answer", false, "leave the call ringing")
	var listMG string
	list := &cobra.Command{
		Use:   "list [--mg MID]",
		Short: "List the calls and their legs",
		Long:  "list shows the calls (with a leg on one MG with --mg). With -o json it prints a list of CallStatus: call, legs (LegStatus).",
		Args:  cobra.NoArgs,
		RunE: o.run(func(ctx context.Context, c *admin.Client, cmd *cobra.Command, _ []string) error {
			cs, err := c.Calls(ctx, listMG)
			if err != nil {
				return err
			}
			return printCalls(cmd, cs, cs)
		}),
	}
	list.Flags().StringVar(&listMG, "mg", "", "only calls with a leg on this MG")
	release := &cobra.Command{
		Use:   "release CALL",
		Short: "Release every leg of a call",
		Args:  cobra.ExactArgs(1),
		RunE: o.run(func(ctx context.Context, c *admin.Client, cmd *cobra.Command, args []string) error {
			cs, err := c.ReleaseCall(ctx, args[0])
			if err != nil {
				return err
			}
			return printCalls(cmd, cs, []admin.CallStatus{cs})
		}),
	}
	call.AddCommand(place, list, release)
	return call
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
