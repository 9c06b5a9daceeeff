package ber

// The base packages of H.248.1 Annex E (RFC 3525 Annex E, with the v2
// additions g/sc RID, root 7-8 and the tone direction btd), the
// inactivity timer of H.248.14 and the SDP property tags of Annex C.11,
// with their binary ids and value types.

// toneIDs are the tone ids of the tone generator and detector packages:
// the wildcard of tonedet (E.4), the DTMF tones of dg (E.5) and the call
// progress tones of cg (E.7).
var toneIDs = []EnumValue{
	{"*", 0x0000},
	{"d0", 0x0010}, {"d1", 0x0011}, {"d2", 0x0012}, {"d3", 0x0013}, {"d4", 0x0014},
	{"d5", 0x0015}, {"d6", 0x0016}, {"d7", 0x0017}, {"d8", 0x0018}, {"d9", 0x0019},
	{"da", 0x001a}, {"db", 0x001b}, {"dc", 0x001c}, {"dd", 0x001d}, {"ds", 0x0020}, {"do", 0x0021},
	{"dt", 0x0030}, {"rt", 0x0031}, {"bt", 0x0032}, {"ct", 0x0033}, {"sit", 0x0034},
	{"wt", 0x0035}, {"prt", 0x0036}, {"cw", 0x0037}, {"cr", 0x0038},
}

// toneDirection is the btd parameter (tone direction) of tone signals.
var toneDirection = Param{Name: "btd", ID: 0x0003, Type: TypeEnum,
	Enum: []EnumValue{{"ext", 1}, {"int", 2}, {"both", 3}}}

func dtmfItems(params ...Param) []Item {
	names := []string{"d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "da", "db", "dc", "dd", "ds", "do"}
	ids := []uint16{0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x20, 0x21}
	items := make([]Item, len(names))
	for i := range names {
		items[i] = Item{Param: Param{Name: names[i], ID: ids[i]}, Params: params}
	}
	return items
}

func callProgressItems() []Item {
	names := []string{"dt", "rt", "bt", "ct", "sit", "wt", "prt", "cw", "cr"}
	items := make([]Item, len(names))
	for i := range names {
		items[i] = Item{Param: Param{Name: names[i], ID: uint16(0x30 + i)}}
	}
	return items
}

func intParam(name string, id uint16) Param { return Param{Name: name, ID: id, Type: TypeInteger} }

func intItem(name string, id uint16) Item { return Item{Param: intParam(name, id)} }

// hookEvent is al/on or al/of: the strict and init parameters.
func hookEvent(name string, id uint16) Item {
	return Item{Param: Param{Name: name, ID: id}, Params: []Param{
		{Name: "strict", ID: 0x0001, Type: TypeEnum, Enum: []EnumValue{{"exact", 0}, {"state", 1}, {"failWrong", 2}}},
		{Name: "init", ID: 0x0002, Type: TypeBoolean, True: "true", False: "false"},
	}}
}

func toneDetEvents() []Item {
	tl := Param{Name: "tl", ID: 0x0001, Type: TypeEnum, Enum: toneIDs}
	dur := intParam("dur", 0x0002)
	tid := Param{Name: "tid", ID: 0x0003, Type: TypeEnum, Enum: toneIDs}
	return []Item{
		{Param: Param{Name: "std", ID: 0x0001}, Params: []Param{tl, tid}},
		{Param: Param{Name: "etd", ID: 0x0002}, Params: []Param{tl, tid, dur}},
		{Param: Param{Name: "ltd", ID: 0x0003}, Params: []Param{tl, dur, tid}},
	}
}

// sdpItems are the SDP equivalents of Annex C.11, properties of the native
// pseudo-package (id 0x0000) named by the SDP line type.
func sdpItems() []Item {
	items := make([]Item, len(sdpLineTypes))
	for i := range sdpLineTypes {
		items[i] = Item{Param: Param{Name: sdpLineTypes[i : i+1], ID: 0xB001 + uint16(i), Type: TypeString}}
	}
	return items
}

// sdpLineTypes are the SDP line types of the tags 0xB001 to 0xB00F, in
// order.
const sdpLineTypes = "vosiuepcbzkatrm"

// BasePackages returns the packages of H.248.1 Annex E (g, root, tonegen,
// tonedet, dg, dd, cg, cd, al, ct, nt, rtp, tdmc) and the native
// pseudo-package of Annex C (name "", id 0x0000) with the SDP property
// tags. The caller may append its own packages and pass the list to
// NewRegistry; the enumerations inside are shared and must not be changed.
func BasePackages() []Package {
	return []Package{
		{Name: "", ID: 0x0000, Properties: sdpItems()},
		{Name: "g", ID: 0x0001, Version: 2, Events: []Item{
			{Param: Param{Name: "cause", ID: 0x0001}, Params: []Param{
				{Name: "Generalcause", ID: 0x0001, Type: TypeEnum, Enum: []EnumValue{
					{"NR", 1}, {"UR", 2}, {"FT", 3}, {"FP", 4}, {"IW", 5}, {"UN", 6}}},
				{Name: "Failurecause", ID: 0x0002, Type: TypeOctets},
			}},
			{Param: Param{Name: "sc", ID: 0x0002}, Params: []Param{
				{Name: "SigID", ID: 0x0001, Type: TypeSignalName},
				{Name: "Meth", ID: 0x0002, Type: TypeEnum, Enum: []EnumValue{{"TO", 1}, {"EV", 2}, {"SD", 3}, {"NC", 4}}},
				intParam("SLID", 0x0003),
				intParam("RID", 0x0004),
			}},
		}},
		{Name: "root", ID: 0x0002, Version: 2, Properties: []Item{
			intItem("maxNumberOfContexts", 0x0001),
			intItem("maxTerminationsPerContext", 0x0002),
			intItem("normalMGExecutionTime", 0x0003),
			intItem("normalMGCExecutionTime", 0x0004),
			intItem("MGProvisionalResponseTimerValue", 0x0005),
			intItem("MGCProvisionalResponseTimerValue", 0x0006),
			intItem("MGCOriginatedPendingLimit", 0x0007),
			intItem("MGOriginatedPendingLimit", 0x0008),
		}},
		{Name: "tonegen", ID: 0x0003, Version: 2, Signals: []Item{
			{Param: Param{Name: "pt", ID: 0x0001}, Params: []Param{
				{Name: "tl", ID: 0x0001, Type: TypeEnum, Enum: toneIDs},
				intParam("ind", 0x0002),
				toneDirection,
			}},
		}},
		{Name: "tonedet", ID: 0x0004, Version: 1, Events: toneDetEvents()},
		{Name: "dg", ID: 0x0005, Version: 2, Extends: "tonegen", Signals: dtmfItems(Param{Name: "btd", ID: 0x0001,
			Type: TypeEnum, Enum: toneDirection.Enum})},
		{Name: "dd", ID: 0x0006, Version: 2, Extends: "tonedet", Events: append(dtmfItems(),
			Item{Param: Param{Name: "ce", ID: 0x0004}, Params: []Param{
				{Name: "ds", ID: 0x0001, Type: TypeString},
				{Name: "Meth", ID: 0x0003, Type: TypeEnum, Enum: []EnumValue{{"UM", 1}, {"PM", 2}, {"FM", 3}}},
			}})},
		{Name: "cg", ID: 0x0007, Version: 1, Extends: "tonegen", Signals: callProgressItems()},
		{Name: "cd", ID: 0x0008, Version: 1, Extends: "tonedet", Events: callProgressItems()},
		{Name: "al", ID: 0x0009, Version: 1,
			Events: []Item{
				hookEvent("on", 0x0004),
				hookEvent("of", 0x0005),
				{Param: Param{Name: "fl", ID: 0x0006}, Params: []Param{intParam("mindur", 0x0004), intParam("maxdur", 0x0005)}},
			},
			Signals: []Item{
				{Param: Param{Name: "ri", ID: 0x0002}, Params: []Param{intParam("cad", 0x0006), intParam("freq", 0x0007)}},
			}},
		{Name: "ct", ID: 0x000a, Version: 1,
			Events: []Item{{Param: Param{Name: "cmp", ID: 0x0005}, Params: []Param{
				{Name: "res", ID: 0x0008, Type: TypeEnum, Enum: []EnumValue{{"success", 1}, {"failure", 0}}},
			}}},
			Signals: []Item{{Param: Param{Name: "ct", ID: 0x0003}}, {Param: Param{Name: "rsp", ID: 0x0004}}}},
		{Name: "nt", ID: 0x000b, Version: 1,
			Properties: []Item{intItem("jit", 0x0007)},
			Events: []Item{
				{Param: Param{Name: "netfail", ID: 0x0005}, Params: []Param{{Name: "cs", ID: 0x0001, Type: TypeString}}},
				{Param: Param{Name: "qualert", ID: 0x0006}, Params: []Param{intParam("th", 0x0001)}},
			},
			Statistics: []Item{intItem("dur", 0x0001), intItem("os", 0x0002), intItem("or", 0x0003)}},
		{Name: "rtp", ID: 0x000c, Version: 1, Extends: "nt",
			Events: []Item{{Param: Param{Name: "pltrans", ID: 0x0001}, Params: []Param{
				{Name: "rtppltype", ID: 0x0001, Type: TypeString},
			}}},
			Statistics: []Item{intItem("ps", 0x0004), intItem("pr", 0x0005), intItem("pl", 0x0006),
				intItem("jit", 0x0007), intItem("delay", 0x0008)}},
		{Name: "tdmc", ID: 0x000d, Version: 1, Extends: "nt",
			Properties: []Item{
				{Param: Param{Name: "ec", ID: 0x0008, Type: TypeBoolean, True: "on", False: "off"}},
				intItem("gain", 0x000a),
			}},
		// H.248.14, the inactivity timer an MGC asks MGs for: ito with
		// its maximum inactivity time mit.
		{Name: "it", ID: 0x0045, Version: 1,
			Events: []Item{{Param: Param{Name: "ito", ID: 0x0001}, Params: []Param{intParam("mit", 0x0001)}}}},
	}
}
