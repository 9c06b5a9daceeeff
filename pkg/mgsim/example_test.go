package mgsim_test

import (
	"fmt"

	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/mgsim"
)

// The model answers an MGC's actions: here an Add of a TDM circuit and an
// RTP termination into a new context, then the audit that lists every
// context.
func ExampleGateway_Execute() {
	g := mgsim.New(mgsim.Config{Trunks: 1, Timeslots: 31})
	add := []h248.ActionRequest{{ContextID: h248.ContextChoose, Commands: []h248.CommandRequest{
		{Command: &h248.AmmRequest{Verb: h248.CmdAdd, TerminationIDs: []h248.TerminationID{"tdm/1/1"}}},
		{Command: &h248.AmmRequest{Verb: h248.CmdAdd, TerminationIDs: []h248.TerminationID{"rtp/$"}}},
	}}}
	reps := g.Execute(add)
	fmt.Println("context", reps[0].ContextID, reps[0].Commands[0].Terminations(), reps[0].Commands[1].Terminations())

	all := []h248.ActionRequest{{ContextID: h248.ContextAll, Commands: []h248.CommandRequest{
		{Command: &h248.AuditRequest{TerminationIDs: []h248.TerminationID{h248.Root}}}}}}
	for _, r := range g.Execute(all) {
		fmt.Println("context", r.ContextID, r.Commands[0].Terminations())
	}
	for _, c := range g.ContextList() {
		fmt.Printf("context %v mixer=%v answered=%v\n", c.ID, c.Mixer, c.Answered)
	}
	// Output:
	// context 1 [tdm/1/1] [rtp/1]
	// context 1 [tdm/1/1 rtp/1]
	// context 1 mixer=false answered=false
}

// Events the MGC asked for become a Notify for the MG to send.
func ExampleGateway_Observe() {
	g := mgsim.New(mgsim.Config{})
	g.Execute([]h248.ActionRequest{{ContextID: h248.ContextNull, Commands: []h248.CommandRequest{
		{Command: &h248.AmmRequest{Verb: h248.CmdModify, TerminationIDs: []h248.TerminationID{"tdm/1/7"}, Descriptors: []h248.Descriptor{
			&h248.EventsDescriptor{RequestID: h248.Some[h248.RequestID](42), Events: []h248.RequestedEvent{{Name: "al/of"}}}}}}}}})
	actions, err := g.Observe("tdm/1/7", h248.ObservedEvent{Name: "al/of"})
	if err != nil {
		fmt.Println(err)
		return
	}
	n := actions[0].Commands[0].Command.(*h248.NotifyRequest)
	fmt.Println(actions[0].ContextID, n.TerminationIDs, n.ObservedEvents.RequestID, n.ObservedEvents.Events[0].Name)
	// Output:
	// - [tdm/1/7] 42 al/of
}
