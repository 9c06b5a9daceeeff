package replication_test

import (
	"context"
	"fmt"
	"os"

	"github.com/megaco/megaco/pkg/replication"
)

// An instance with its embedded server becomes active, writes a call and
// reads the group's state back.
func Example() {
	dir, err := os.MkdirTemp("", "replication-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	node, err := replication.Start(ctx, replication.Config{DataDir: dir, Group: "11010", Instance: "mgc1"}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer node.Close()
	if _, err := node.Campaign(ctx); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := node.Write(ctx, replication.Change{Puts: map[string][]byte{"call/1": []byte(`{"legs":2}`)}}); err != nil {
		fmt.Println(err)
		return
	}
	s, err := node.State(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s\n", s.Items["call/1"])
	// Output: {"legs":2}
}

// A standby campaigns in a loop: active while a term lasts, standby in
// between.
func ExampleNode_Campaign() {
	var node *replication.Node // from replication.Start
	ctx := context.Background()
	for {
		term, err := node.Campaign(ctx)
		if err != nil {
			return // ctx ended or the node closed
		}
		// Active: restore from node.State, then write with node.Write.
		<-term.Done()
		// Standby again, for term.Err()'s reason.
	}
}
