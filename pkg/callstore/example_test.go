package callstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/megaco/megaco/pkg/callstore"
	"github.com/megaco/megaco/pkg/replication"
)

// An instance with its embedded NATS server becomes active, restores no
// calls (it is the first), and records a call that is set up and
// released: the call is active until its last leg ends, then its CDR is
// emitted.
func Example() {
	dir, err := os.MkdirTemp("", "callstore-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	node, err := replication.Start(ctx, replication.Config{DataDir: filepath.Join(dir, "nats"), Group: "11010", Instance: "mgc1"}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer node.Close()
	store, err := callstore.Open(ctx, node, callstore.Config{Group: "11010", Instance: "mgc1", DataDir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close() // before the node
	term, err := node.Campaign(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	calls, err := store.Activate(ctx, term)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("restored:", len(calls))

	leg := func(state string) *callstore.Leg {
		return &callstore.Leg{LegRef: callstore.LegRef{MG: "mg1", Termination: "tdm/1"}, Context: 1, State: state}
	}
	store.Record(callstore.Event{Kind: callstore.LegCreated, Call: "c1", Leg: leg("idle")})
	store.Record(callstore.Event{Kind: callstore.LegAnswered, Call: "c1", Leg: leg("active")})
	if err := store.Flush(ctx); err != nil {
		fmt.Println(err)
		return
	}
	calls, _ = store.Calls(ctx)
	fmt.Println("active:", calls[0].ID, calls[0].Legs[0].Termination, calls[0].Legs[0].State)

	store.Record(callstore.Event{Kind: callstore.LegReleased, Call: "c1", Leg: leg("terminating")})
	if err := store.Flush(ctx); err != nil {
		fmt.Println(err)
		return
	}
	calls, _ = store.Calls(ctx)
	fmt.Println("active:", len(calls), "CDRs:", store.Stats().CDRs)
	// Output:
	// restored: 0
	// active: c1 tdm/1 active
	// active: 0 CDRs: 1
}
