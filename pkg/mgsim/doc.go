// Package mgsim is a TMedia-style media gateway simulator for testing
// MGCs: a Gateway model of terminations and contexts that answers Add,
// Modify, Move, Subtract, AuditValue, AuditCapabilities, Notify and
// ServiceChange with the error codes H.248.1 names, and an MG that runs it
// as a user of pkg/megaco in the MG role. The load benchmark's MG role
// (`megaco bench load --role mg`) and the simulator (`megaco mg-sim`) use
// the same model.
//
// # The model
//
// Terminations are provisioned TDM circuits tdm/<trunk>/<timeslot>
// (Config.Trunks × Config.Timeslots, from 1), RTP terminations rtp/<n>
// allocated by "rtp/$" from a pool (Config.RTPPool) and conference ports
// mix/<n> allocated by "mix/$" (Config.MixerPool); "tdm/<trunk>/$" takes an
// idle timeslot. With Config.AcceptAny any other name is accepted too,
// created by Add and gone at Subtract, and "<prefix>/$" numbers under any
// prefix (Erlang's binary naming "00000010/$" gets 8-bit levels).
//
// Contexts are allocated by "$" (round robin from 1, not reused at once);
// a termination is in one context at most (433 otherwise); a context dies
// with its last termination. A context holding a mix/ termination, or
// three or more terminations, is a mixer. Per termination the model keeps
// what an MGC can audit back: the stream mode (default Inactive, RFC 3525
// §7.1.7), reserve flags and LocalControl properties, Local and Remote SDP
// (Local generated for rtp/ and mix/ when the MGC sends "$" or chooses the
// termination: the MG's Config.LocalIP and port Config.RTPPortBase +
// 2(n-1)), the Events descriptor (request id, events, embedded events and
// signals) and Signals in force, digit map, termination state properties
// and service state. A leg is answered when its mode is SendReceive; a
// context is answered when all its terminations are (a mixer: at least
// one). Subtract returns statistics (nt/dur in ms in the context; nt/os,
// nt/or, rtp/ps, rtp/pr for the time the leg was SendReceive, as G.711 at
// 20 ms) unless its Audit descriptor asks for something else.
//
// # Audits
//
//   - Context=* {AuditValue=ROOT}: one action reply per context, in
//     context id order, each "AuditValue = Context {t1, t2, ...}": every
//     context and its terminations in one exchange.
//   - Context=* {AuditValue=<tid> {Audit{...}}}: one action reply per
//     context holding a matching termination, one command reply per
//     matching termination with the descriptors asked for (Audit{} gives
//     only the ids; Media gives TerminationState and the stream's
//     LocalControl with its Mode, Local and Remote; also Events, Signals,
//     DigitMap, ObservedEvents, EventBuffer, Statistics, Packages).
//   - Context=<id> {AuditValue=<tid>}: one context; Context=- audits idle
//     terminations (in the null context) and ROOT (packages; Media with
//     root/maxNumberOfContexts, root/maxTerminationsPerContext and the
//     service state; Events with it/ito).
//   - Wildcards match by level: "*" alone is every termination but ROOT;
//     a "*" level matches one level ("tdm/*/5"); a level ending in "*"
//     matches by prefix ("tdm/1/1*", "rtp/12*"); the last level, when it
//     holds "*", also matches deeper levels ("tdm/*" is every TDM
//     termination). v3 selection by LocalControl Mode and ServiceStates
//     (=, #, <, >) filters the matches.
//   - Errors: 411 unknown context, 430 unknown termination, 431 no
//     termination (or no context, on Context=*) matched, 435 the
//     termination is elsewhere, 410 CHOOSE in an audit.
//   - Paging: one audit returns at most Config.MaxAuditReplies (128)
//     terminations with descriptors, 16 times that with ids only
//     (Audit{}, and the context list of Context=*{AuditValue=ROOT}); a
//     larger one fails with 533 and the MGC audits narrower pages: by
//     kind "tdm/*", "rtp/*", "mix/*"; one trunk "tdm/<trunk>/*" (or
//     "tdm/<trunk>/<digit>*" for long trunks); the RTP pool by leading
//     digits "rtp/1*" ... "rtp/9*" (then "rtp/10*" ... when still too
//     large). A Context=* page covers every context at once: the MGC
//     merges the pages by context id.
//
// # The MG
//
// An MG registers with ServiceChange Restart "901 Cold Boot" with the
// first of Config.MGCs that answers, fails over along the list (Failover
// 909 to the others and Disconnected to the one it lost, RFC 3525 §11.5)
// and follows ServiceChangeMgcId in a reply and a HandOff from its MGC.
// Outage drops all traffic for a while and then sends ServiceChange
// Disconnected (Config.OutageReason, 908) with all state kept; WarmRestart
// drops the unanswered contexts, keeps the answered ones and registers
// with Restart 902; ServiceChange announces Graceful (with a delay),
// Forced and Restart on terminations or ROOT; Notify, OffHook, OnHook,
// Flash and Digits report events the MGC asked for. When the MGC sets
// it/ito{mit=N} on ROOT (mit in Config.InactivityUnit, 1 ms), the MG
// notifies it/ito whenever nothing came from the MGC for that long
// (H.248.14); a Notify that gets no reply makes it fail over. Config's
// knobs delay every answer, send TransactionPending first, answer a share
// of requests with an error, and drop a share of messages each way.
//
//	g := mgsim.New(mgsim.Config{Trunks: 2, Timeslots: 31, MGCs: []string{"10.0.0.1:2944"}})
//	m := mgsim.NewMG(g.Config(), g)
//	tr, _ := udp.Listen(stdnet, "10.0.0.2:2944", m) // the MG filters what the user gets
//	_ = m.Start(stack, mid, megaco.UserConfig{Config: engine.DefaultConfig()},
//		mgsim.Link{Transport: tr, Dial: func(a string) (transport.SendHandle, error) { return tr.Resolve(a) }})
//	go m.Run(ctx)
//	_ = m.WaitRegistered(ctx)
//	_ = m.OffHook(ctx, "tdm/1/1")
package mgsim
