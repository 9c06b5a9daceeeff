package mgsim

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/megaco/megaco/pkg/h248"
)

// Kind is the kind of a termination, told by its name.
type Kind uint8

const (
	KindOther Kind = iota // a name accepted by Config.AcceptAny
	KindTDM               // tdm/<trunk>/<timeslot>, provisioned
	KindRTP               // rtp/<n>, from the RTP pool
	KindMixer             // mix/<n>, a conference port
	KindRoot              // ROOT
)

var kindNames = [...]string{"other", "tdm", "rtp", "mix", "root"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// media reports whether terminations of the kind carry RTP and get a
// Local SDP.
func (k Kind) media() bool { return k == KindRTP || k == KindMixer || k == KindOther }

// termination is the state an MGC can audit back.
type termination struct {
	id   h248.TerminationID
	kind Kind
	num  int // rtp/mix number; tdm: trunk*65536+timeslot
	ctx  h248.ContextID
	// dynamic: made by AcceptAny; gone when subtracted.
	dynamic bool

	// Media: the stream the MGC used (ID 0 and multi false: the one-stream
	// form), its LocalControl and Local/Remote SDP.
	streamID     uint16
	multi        bool
	mode         h248.StreamMode
	reserveValue h248.Opt[bool]
	reserveGroup h248.Opt[bool]
	lcProps      []h248.PropertyParm
	local        *h248.LocalRemoteDescriptor
	remote       *h248.LocalRemoteDescriptor
	tsProps      []h248.PropertyParm
	bufferCtl    h248.Opt[h248.EventBufferControl]

	events      *h248.EventsDescriptor
	signals     *h248.SignalsDescriptor
	digitMap    *h248.DigitMapDescriptor
	eventBuffer *h248.EventBufferDescriptor
	observed    *h248.ObservedEventsDescriptor // the last events notified

	service  h248.ServiceState
	graceful bool // a Graceful ServiceChange is under way

	added    time.Time // when it entered its context
	answered time.Time // when its mode last became SendReceive (zero: not now)
}

var timeZero time.Time

// DefaultMode is the stream mode of a new termination and of one returned
// to the null context: RFC 3525 §7.1.7's default, Inactive.
const DefaultMode = h248.Inactive

func newTermination(id h248.TerminationID, kind Kind, num int) *termination {
	return &termination{id: id, kind: kind, num: num, mode: DefaultMode, service: h248.ServiceInService, multi: true, streamID: 1}
}

// reset returns the termination to its defaults (the null context's), but
// keeps its service state.
func (t *termination) reset() {
	*t = termination{id: t.id, kind: t.kind, num: t.num, dynamic: t.dynamic, mode: DefaultMode, service: t.service,
		graceful: t.graceful, multi: true, streamID: 1}
}

// isAnswered: the leg's mode is SendReceive.
func (t *termination) isAnswered() bool { return t.mode == h248.SendRecv }

func key(t h248.TerminationID) string { return strings.ToLower(string(t)) }

// parseName tells the kind of a concrete termination name and its number.
func parseName(id h248.TerminationID) (Kind, int, bool) {
	if id.IsRoot() {
		return KindRoot, 0, true
	}
	levels := strings.Split(key(id), "/")
	num := func(s string) (int, bool) {
		if s == "" || len(s) > 9 || (len(s) > 1 && s[0] == '0') {
			return 0, false
		}
		n, err := strconv.Atoi(s)
		return n, err == nil && n > 0
	}
	switch {
	case len(levels) == 3 && levels[0] == "tdm":
		tr, ok1 := num(levels[1])
		ts, ok2 := num(levels[2])
		if ok1 && ok2 && tr < 65536 && ts < 65536 {
			return KindTDM, tr<<16 | ts, true
		}
	case len(levels) == 2 && levels[0] == "rtp":
		if n, ok := num(levels[1]); ok {
			return KindRTP, n, true
		}
	case len(levels) == 2 && levels[0] == "mix":
		if n, ok := num(levels[1]); ok {
			return KindMixer, n, true
		}
	}
	return KindOther, 0, false
}

func tdmID(trunk, ts int) h248.TerminationID {
	return h248.TerminationID("tdm/" + strconv.Itoa(trunk) + "/" + strconv.Itoa(ts))
}

func poolID(prefix string, n int) h248.TerminationID {
	return h248.TerminationID(prefix + "/" + strconv.Itoa(n))
}

// match reports whether the concrete id matches the pattern: levels
// separated by "/" compare case-insensitively; "*" as a level matches any
// one level; a level ending in "*" matches the levels that begin with what
// precedes it; the last level of a pattern, when it holds "*", also
// matches any deeper levels. "*" alone matches every termination but ROOT.
// So "tdm/7/*" is trunk 7, "tdm/*/5" timeslot 5 of every trunk, "rtp/1*"
// rtp/1, rtp/10-19, rtp/100-199, ...
func match(pattern, id h248.TerminationID) bool {
	if id.IsRoot() {
		return pattern.IsRoot()
	}
	// Level by level without allocating: a Context=* audit matches every
	// termination of the MG against the pattern.
	p, s := string(pattern), string(id)
	for {
		lv, prest, pmore := strings.Cut(p, "/")
		sv, srest, smore := strings.Cut(s, "/")
		if !levelMatch(lv, sv) {
			return false
		}
		if !pmore {
			return strings.Contains(lv, "*") || !smore
		}
		if !smore {
			return false
		}
		p, s = prest, srest
	}
}

// levelMatch matches one level, case-insensitively.
func levelMatch(pattern, level string) bool {
	if pattern == "*" {
		return true
	}
	if pre, ok := strings.CutSuffix(pattern, "*"); ok && !strings.Contains(pre, "*") {
		return len(level) >= len(pre) && strings.EqualFold(level[:len(pre)], pre)
	}
	return strings.EqualFold(pattern, level)
}

// packagesOf lists the packages a kind of termination realizes.
func packagesOf(k Kind) []string {
	switch k {
	case KindRoot:
		return []string{"g", "root", "it", "nt", "rtp", "tdmc", "al", "cg", "dd"}
	case KindTDM:
		return []string{"g", "tdmc", "al", "cg", "dd"}
	case KindRTP, KindMixer:
		return []string{"g", "nt", "rtp"}
	}
	return []string{"g", "nt", "rtp", "tdmc", "al", "cg", "dd"}
}

func realizes(k Kind, pkgdName string) bool {
	pkg, _, _ := strings.Cut(strings.ToLower(pkgdName), "/")
	return pkg == "*" || slices.Contains(packagesOf(k), pkg)
}

// eventsOf and signalsOf list what a kind can detect and generate, for
// AuditCapabilities.
func eventsOf(k Kind) []string {
	switch k {
	case KindRoot:
		return []string{"it/ito"}
	case KindTDM:
		return []string{"al/on", "al/of", "al/fl", "dd/ce", "g/cause"}
	case KindRTP, KindMixer:
		return []string{"nt/netfail", "nt/qualert", "g/cause"}
	}
	return []string{"al/on", "al/of", "al/fl", "dd/ce", "nt/netfail", "g/cause"}
}

func signalsOf(k Kind) []string {
	switch k {
	case KindTDM, KindOther:
		return []string{"al/ri", "cg/dt", "cg/rt", "cg/bt", "cg/ct", "cg/sit", "cg/wt"}
	}
	return nil
}

// mediaPort is the RTP port in a termination's Local SDP.
func (g *Gateway) mediaPort(t *termination) int {
	span := 65534 - g.cfg.RTPPortBase
	if span < 2 {
		span = 2
	}
	switch t.kind {
	case KindRTP:
		return g.cfg.RTPPortBase + (2*(t.num-1))%span
	case KindMixer:
		return g.cfg.RTPPortBase + (2*(g.cfg.RTPPool+t.num-1))%span
	}
	h := fnv.New32a()
	h.Write([]byte(key(t.id)))
	return g.cfg.RTPPortBase + 2*int(h.Sum32()%uint32(span/2))
}

// localSDP makes the Local SDP of a media termination from what the MGC
// asked (the media line's formats and its attributes, "$" for what the MG
// chooses): the MG's address and the termination's port.
func (g *Gateway) localSDP(t *termination, asked string) *h248.LocalRemoteDescriptor {
	port := g.mediaPort(t)
	media, formats := "audio", "0"
	var attrs []string
	for _, line := range strings.FieldsFunc(asked, func(r rune) bool { return r == '\n' || r == '\r' }) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "m="):
			f := strings.Fields(line[2:])
			if len(f) >= 4 {
				media, formats = f[0], strings.Join(f[3:], " ")
			}
		case strings.HasPrefix(line, "a="):
			attrs = append(attrs, line)
		}
	}
	if len(attrs) == 0 {
		attrs = []string{"a=ptime:20"}
	}
	ip := g.cfg.LocalIP
	sdp := fmt.Sprintf("v=0\no=- %d 1 IN IP4 %s\ns=-\nc=IN IP4 %s\nt=0 0\nm=%s %d RTP/AVP %s\n%s",
		port, ip, ip, media, port, formats, strings.Join(attrs, "\n"))
	return &h248.LocalRemoteDescriptor{SDP: sdp}
}

// statistics are a termination's counters: nt/dur (ms in the context),
// and for the time it has been SendReceive, G.711 at 20 ms packets: 8000
// octets and 50 packets per second each way, no loss.
func (g *Gateway) statistics(t *termination) *h248.StatisticsDescriptor {
	now := g.now()
	var dur, talk time.Duration
	if !t.added.IsZero() {
		dur = now.Sub(t.added)
	}
	if !t.answered.IsZero() {
		talk = now.Sub(t.answered)
	}
	v := func(n int64) []h248.Value { return []h248.Value{h248.Unquoted(strconv.FormatInt(n, 10))} }
	ms := talk.Milliseconds()
	octets, packets := ms*8, ms/20
	sd := &h248.StatisticsDescriptor{Params: []h248.StatisticsParameter{
		{Name: "nt/dur", Values: v(dur.Milliseconds())}, {Name: "nt/os", Values: v(octets)}, {Name: "nt/or", Values: v(octets)}}}
	if t.kind.media() {
		sd.Params = append(sd.Params, h248.StatisticsParameter{Name: "rtp/ps", Values: v(packets)},
			h248.StatisticsParameter{Name: "rtp/pr", Values: v(packets)},
			h248.StatisticsParameter{Name: "rtp/pl", Values: v(0)}, h248.StatisticsParameter{Name: "rtp/jit", Values: v(0)})
	}
	return sd
}
