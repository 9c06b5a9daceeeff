package mgsim

import (
	"strconv"
	"strings"
)

// reasonTexts are the ServiceChangeReasons of RFC 3525 §7.2.8 (900-915)
// and H.248.1 v2/v3 (916-920), after
// ../shared/spec/h248/h248-servicechange-reasons.tsv.
var reasonTexts = map[int]string{
	900: "Service Restored",
	901: "Cold Boot",
	902: "Warm Boot",
	903: "MGC Directed Change",
	904: "Termination malfunctioning",
	905: "Termination taken out of service",
	906: "Loss of lower layer connectivity",
	907: "Transmission Failure",
	908: "MG Impending Failure",
	909: "MGC Impending Failure",
	910: "Media Capability Failure",
	911: "Modem Capability Failure",
	912: "Mux Capability Failure",
	913: "Signal Capability Failure",
	914: "Event Capability Failure",
	915: "State Loss",
	916: "Packages Change",
	917: "Capabilities Change",
	918: "Cancel Graceful",
	919: "Warm Failover",
	920: "Cold Failover",
}

// Reason returns the ServiceChangeReason for a code given as "905" or
// "905 some text": the code with its standard text when none is given.
func Reason(code string) string {
	code = strings.TrimSpace(code)
	if strings.ContainsRune(code, ' ') {
		return code
	}
	if n, err := strconv.Atoi(code); err == nil {
		if t, ok := reasonTexts[n]; ok {
			return code + " " + t
		}
	}
	return code
}
