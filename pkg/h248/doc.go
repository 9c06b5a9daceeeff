// Package h248 is the message model of H.248.1 (Megaco) versions 1 to 3,
// shared by every codec: the text encodings (pretty and compact) and the
// binary ASN.1 BER encoding.
//
// The model follows the ASN.1 of H.248.1 v3 (Annex A), which is a superset
// of v1 and v2, with the few text-only details the text encoding needs
// (quoted values, the form of a parameter value, SDP kept as an opaque
// string). It holds data only: no codec, no I/O, standard library only.
//
// Names (termination ids, package and item names, MIDs, tokens) compare
// case-insensitively, as H.248.1 Annex B says; quoted strings, SDP and
// digit-map bodies compare exactly. Equal implements that comparison and is
// what every round-trip test uses.
//
//	m := &h248.Message{
//		Version: 1,
//		MID:     h248.MID{Kind: h248.MIDIP4, Addr: netip.MustParseAddr("10.0.0.1"), Port: h248.Some[uint16](2944)},
//		Transactions: []h248.Transaction{&h248.TransactionRequest{
//			ID: 1,
//			Actions: []h248.ActionRequest{{
//				ContextID: h248.ContextNull,
//				Commands: []h248.CommandRequest{{Command: &h248.ServiceChangeRequest{
//					TerminationIDs: []h248.TerminationID{"ROOT"},
//					Parms: h248.ServiceChangeParm{Method: h248.MethodRestart, Reason: h248.Quoted("901")},
//				}}},
//			}},
//		}},
//	}
package h248
