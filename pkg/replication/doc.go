// Package replication replicates a group's state between the instances of
// a component, after the State Replicator pattern: the active instance
// writes state items, standbys listen, a late joiner first gets the
// current state and then every change after it, and a standby takes over
// when the active instance goes away. It runs on NATS JetStream: an
// embedded nats-server with its file store in a data directory by
// default, or a NATS cluster given by URL, the same code either way.
//
// Each group has a stream of updates, one message per Change (concurrent
// writes coalesce into one), and an object bucket of snapshots. A joiner
// reads the newest snapshot, then the updates after it up to the stream's
// end, and goes on from there on the same consumer, checking that stream
// sequences follow each other: no gap, no repeat. The active instance
// writes a snapshot every Config.SnapshotEvery updates and trims the
// stream to the updates after the previous one.
//
// One instance per group is active: it holds a lease, a key renewed every
// third of its TTL, which a standby takes once it goes a TTL unrenewed.
// Each term begins with a barrier update, and every write expects the
// stream to end at the writer's last message, so once a new term's
// barrier is in, a stale active instance (paused, or cut off past its
// lease) cannot store anything: its writes fail with ErrFenced.
//
// Values are opaque bytes. Messages and snapshots start with a format
// version; readers keep reading every version they know.
//
// Usage:
//
//	node, err := replication.Start(ctx, replication.Config{
//		DataDir: "/var/lib/megaco/nats", Group: "11010", Instance: "mgc1",
//	}, logger)
//	...
//	defer node.Close()
//	go node.Follow(ctx, standby) // current state, then every update
//	term, err := node.Campaign(ctx) // blocks until active
//	...
//	_, err = node.Write(ctx, replication.Change{Puts: map[string][]byte{"call/1": b}})
//	<-term.Done() // standby again: term.Err() says why
package replication
