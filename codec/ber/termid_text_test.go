package ber

import (
	"reflect"
	"testing"
)

func TestParseTermIDMapping(t *testing.T) {
	got, err := ParseTermIDMapping("decimal, 8/8/8, tdm=1, rtp=2:5, aaln=0x3")
	want := TermIDMapping{Form: LevelDecimal, Words: []TermIDWord{
		{Word: "tdm", Value: 1}, {Word: "rtp", Value: 2, Digits: 5}, {Word: "aaln", Value: 3}}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, %v; want %+v", got, err, want)
	}
	back, err := ParseTermIDMapping(got.String())
	if err != nil || !reflect.DeepEqual(back, want) {
		t.Errorf("%q read back as %+v, %v", got.String(), back, err)
	}
	if m, err := ParseTermIDMapping("4/12"); err != nil || !reflect.DeepEqual(m.Levels, []int{4, 12}) {
		t.Errorf("levels: %+v %v", m, err)
	}
	if m, err := ParseTermIDMapping(""); err != nil || m.String() != "bits,8/8/8" {
		t.Errorf("empty: %+v %v (%q)", m, err, m.String())
	}
	for _, bad := range []string{"octal", "8/x", "tdm=x", "tdm=1:x", "tdm=1,tdm=2", "tdm=300", "40/40"} {
		if _, err := ParseTermIDMapping(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}
