package grammar

import (
	"fmt"
	"strings"
	"testing"
)

// tokens scans src and renders each token as Kind or Kind(text).
func tokens(src string, maxDepth int) (string, *ScanError) {
	s := NewScanner([]byte(src), maxDepth)
	var out []string
	for {
		t := s.Next()
		switch t.Kind {
		case EOF:
			return strings.Join(out, " "), nil
		case Error:
			return strings.Join(out, " "), s.Err()
		case Safe, Quoted, OctetString, DigitMapBody:
			out = append(out, fmt.Sprintf("%v(%s)", t.Kind, s.Text(t)))
		default:
			out = append(out, t.Kind.String())
		}
	}
}

func TestScanner(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"header", "MEGACO/1 [10.0.0.1]:2944", "Safe(MEGACO/1) [ Safe(10.0.0.1) ] : Safe(2944)"},
		{"comments and line ends", "T=1 ; a comment { \"\r\n{\r}\n", "Safe(T) = Safe(1) { }"},
		{"quoted", `Error=400{"a b; {}"}`, `Safe(Error) = Safe(400) { Quoted("a b; {}") }`},
		{"local sdp", "M{L{\nv=0\n\\}x\n},R{}}", "Safe(M) { Safe(L) { OctetString(\nv=0\n\\}x\n) } , Safe(R) { OctetString() } }"},
		{"R after = is a termination", "Add = R {M{O{MO=SR}}}", "Safe(Add) = Safe(R) { Safe(M) { Safe(O) { Safe(MO) = Safe(SR) } } }"},
		{"digit map value", "DM={T:4,(0|[1-7]xx)}", "Safe(DM) = { DigitMapBody(T:4,(0|[1-7]xx)) }"},
		{"named digit map value", "DigitMap = dp1 { xx }", "Safe(DigitMap) = Safe(dp1) { DigitMapBody( xx ) }"},
		{"digit map without =", "dd/ce{DM{x.}}", "Safe(dd/ce) { Safe(DM) { DigitMapBody(x.) } }"},
		{"digit map name only", "DM=dp1,KA", "Safe(DM) = Safe(dp1) , Safe(KA)"},
		{"punctuation", "[a:b]<>#,", "[ Safe(a) : Safe(b) ] < > # ,"},
		{"safe chars", "O-W-Add=10/1/END+&!_'?@^`~*$\\()%|.", "Safe(O-W-Add) = Safe(10/1/END+&!_'?@^`~*$\\()%|.)"},
		{"utf-8 in values", "x=\xc3\xa9t\xc3\xa9", "Safe(x) = Safe(\xc3\xa9t\xc3\xa9)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tokens(tt.src, 0)
			if err != nil {
				t.Fatalf("error %v after %s", err, got)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestScannerErrors(t *testing.T) {
	tests := []struct {
		name, src string
		off       int
		limit     bool
	}{
		{"control character", "T=1{\x01}", 4, false},
		{"NUL", "T=1\x00", 3, false},
		{"DEL", "T\x7f", 1, false},
		{"control character in quoted", "E=1{\"ab\x07\"}", 7, false},
		{"unterminated quoted", "E=1{\"abc", 4, false},
		{"unterminated octet string", "M{L{v=0", 3, false},
		{"NUL in octet string", "M{L{v\x00}}", 5, false},
		{"unterminated digit map", "DM={xx", 3, false},
		{"too deep", strings.Repeat("{", 5), 4, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tokens(tt.src, 4)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Offset != tt.off || err.Limit != tt.limit {
				t.Errorf("got offset %d limit %v (%v), want %d %v", err.Offset, err.Limit, err, tt.off, tt.limit)
			}
		})
	}
}

func TestPosition(t *testing.T) {
	src := []byte("ab\ncd\r\nef\rgh")
	for _, tt := range []struct{ off, line, col int }{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {7, 3, 1}, {10, 4, 1}, {12, 4, 3}, {99, 4, 3},
	} {
		if l, c := Position(src, tt.off); l != tt.line || c != tt.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}

func TestLookupKeyword(t *testing.T) {
	for _, k := range Keywords() {
		for _, form := range []string{k.Long(), k.Short(), strings.ToLower(k.Long()), strings.ToUpper(k.Short())} {
			if got := LookupKeyword([]byte(form)); got != k {
				t.Errorf("LookupKeyword(%q) = %v, want %v", form, got, k)
			}
		}
	}
	if got := LookupKeyword([]byte("Transactoin")); got != NoKeyword {
		t.Errorf("misspelled keyword found: %v", got)
	}
	if len(Keywords()) != 118 {
		t.Errorf("%d keywords, the token table has 118", len(Keywords()))
	}
}

func TestLexicalRules(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{{"al/on", true}, {"al/*", true}, {"*/*", true}, {"*/on", false}, {"al", false}, {"1a/on", false}, {"al/on/x", false}} {
		if ValidPkgdName(tt.name) != tt.ok {
			t.Errorf("ValidPkgdName(%q) != %v", tt.name, tt.ok)
		}
	}
	for _, tt := range []struct {
		id string
		ok bool
	}{{"ROOT", true}, {"$", true}, {"*", true}, {"tdm/1/*", true}, {"rtp/$", true}, {"00000001/00000001/*", true},
		{"a@mg1.example-1.net", true}, {"", false}, {"-", false}, {"a b", false}, {strings.Repeat("a", 65), false}} {
		if ValidTerminationID(tt.id) != tt.ok {
			t.Errorf("ValidTerminationID(%q) != %v", tt.id, tt.ok)
		}
	}
	for _, tt := range []struct {
		s       string
		v       uint64
		digits  int
		max     uint64
		wantOK  bool
		wantVal uint64
	}{{"0", 0, 10, 10, true, 0}, {"4294967295", 0, 10, 0xFFFFFFFF, true, 0xFFFFFFFF}, {"4294967296", 0, 10, 0xFFFFFFFF, false, 0},
		{"65536", 0, 5, 0xFFFF, false, 0}, {"123456", 0, 5, 1 << 40, false, 0}, {"", 0, 5, 9, false, 0}, {"1x", 0, 5, 99, false, 0}} {
		v, ok := ParseUint(tt.s, tt.digits, tt.max)
		if ok != tt.wantOK || ok && v != tt.wantVal {
			t.Errorf("ParseUint(%q) = %d, %v", tt.s, v, ok)
		}
	}
	if seg, err := ParseTransactionIDSegment("10/2/end"); err != nil || seg.ID != 10 || seg.Segment.Value != 2 || !seg.Complete {
		t.Errorf("ParseTransactionIDSegment = %+v, %v", seg, err)
	}
	if _, err := ParseTransactionIDSegment("10/65536"); err == nil || err.(*TokenError).Offset != 3 {
		t.Errorf("segment out of range: %v", err)
	}
	if _, err := ParseVersionToken("MEGACO/100"); err == nil || err.(*TokenError).Offset != 7 {
		t.Errorf("three-digit version: %v", err)
	}
	if v, err := ParseVersionToken("!/3"); err != nil || v != 3 {
		t.Errorf("!/3 = %d, %v", v, err)
	}
	if a, ok := ParseIPAddress("2001:db8::1.2.3.4"); !ok || !a.Is6() {
		t.Errorf("IPv6 with IPv4 tail: %v %v", a, ok)
	}
	for _, bad := range []string{"1.2.3", "1.2.3.256", "fe80::1%eth0", "1::2::3", ""} {
		if _, ok := ParseIPAddress(bad); ok {
			t.Errorf("ParseIPAddress(%q) accepted", bad)
		}
	}
}

func TestParseDigitMapValue(t *testing.T) {
	tests := []struct {
		body    string
		version int
		want    string // "T S L Z|body" or "error"
	}{
		{"(0| 00|[1-7]xxx|8xxxxxxx|Fxxxxxxx|Exx|91xxxxxxxxxx|9011x.)", 1, "- - - -|(0| 00|[1-7]xxx|8xxxxxxx|Fxxxxxxx|Exx|91xxxxxxxxxx|9011x.)"},
		{" T:10, S:4 ,L:20,\n xxxx ", 1, "10 4 20 -|xxxx"},
		{"Z:5,(xx|Zx)", 2, "- - - 5|(xx|Zx)"},
		{"Z:5,(xx|Zx)", 1, "error"},
		{"(Tx)", 3, "- - - -|(Tx)"},
		{"(Tx)", 1, "error"},
		{"T:100,xx", 1, "error"},
		{"(12|)", 1, "error"},
		{"[1-", 1, "error"},
		{"", 1, "error"},
		{"x y", 1, "error"},
	}
	opt := func(o interface{ Get() (uint8, bool) }) string {
		if v, ok := o.Get(); ok {
			return fmt.Sprint(v)
		}
		return "-"
	}
	for _, tt := range tests {
		v, err := ParseDigitMapValue(tt.body, tt.version)
		got := "error"
		if err == nil {
			got = fmt.Sprintf("%s %s %s %s|%s", opt(v.StartTimer), opt(v.ShortTimer), opt(v.LongTimer), opt(v.DurationTimer), v.Body)
		}
		if got != tt.want {
			t.Errorf("ParseDigitMapValue(%q, v%d) = %q (%v), want %q", tt.body, tt.version, got, err, tt.want)
		}
	}
}
