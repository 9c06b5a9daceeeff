// Package callstore keeps the active calls of an MGC and writes a CDR for
// each finished one (seed 002). The MGC layer reports every change of a
// call leg or mixer as an Event; the Store aggregates them into one record
// per call: its legs, links, mixers and H.248 contexts, the times of
// setup, alerting, answer and release, the release causes, and its resync
// history. A call whose legs and mixers have all ended is finished: it
// leaves the active calls and becomes a CDR.
//
// The active calls are state items of a replication.Node (call/<id>, JSON
// with a format version): the active instance writes them, a standby
// follows them and holds the same calls, and a restarted or new active
// instance restores from them (Activate, Calls) before it audits its MGs.
// Record only queues the event; the store's goroutine applies it and
// writes what changed, one write on its way at a time, so the changes of
// a busy call coalesce. On a standby Record drops the event: only the
// active instance writes, and a stale active instance that a newer one
// fenced off cannot (its term ends with replication.ErrFenced).
//
// A finished call's item is deleted in the same change that puts its CDR
// in an outbox item (cdr/<id>). From the outbox the CDR is published to
// the JetStream stream MEGACO_CDR_<group> with its call id as Nats-Msg-Id,
// which stores it once however often it is published within the dedup
// window, then deleted; an instance taking over republishes what is left.
// Each instance consumes the stream with its own durable consumer into its
// Sink, by default a SQLite database in its data directory (DBFile), whose
// insert skips a call it has: a CDR is stored exactly once per instance,
// redeliveries included. DB.List and DB.Get query it, from the daemon or
// from `megaco cdr list|show` without one.
//
// Usage:
//
//	node, err := replication.Start(ctx, replication.Config{DataDir: dir + "/nats", Group: "11010", Instance: "mgc1"}, log)
//	...
//	store, err := callstore.Open(ctx, node, callstore.Config{Group: "11010", Instance: "mgc1", DataDir: dir}, callstore.WithLogger(log))
//	...
//	defer node.Close()
//	defer store.Close() // before the node
//	for {
//		term, err := node.Campaign(ctx) // standby until active
//		...
//		calls, err := store.Activate(ctx, term) // the calls to restore
//		// The MGC layer restores calls, audits its MGs, then reports
//		// every change: store.Record(callstore.Event{...}).
//		<-term.Done() // standby again
//	}
package callstore
