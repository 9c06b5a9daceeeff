package ber_test

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/codec/ber"
	"github.com/megaco/megaco/codec/text"
	"github.com/megaco/megaco/pkg/h248"
)

const (
	textValidDir = "../../testdata/text/valid"
	berDir       = "../../testdata/ber"
	oursDir      = berDir + "/ours"
	erlangDir    = berDir + "/erlang"
	invalidDir   = berDir + "/invalid"
)

// testTermIDs is the termination id mapping of the tests and of
// testdata/ber (erl_ber.escript rewrites ids with the same words): three
// levels of 8 bits written as decimal numbers, the first level named by a
// word where the corpus uses one.
var testTermIDs = ber.TermIDMapping{
	Form: ber.LevelDecimal,
	Words: []ber.TermIDWord{
		{Word: "tdm", Value: 1}, {Word: "rtp", Value: 2, Digits: 5}, {Word: "aaln", Value: 3}, {Word: "isdn", Value: 4},
		{Word: "A4444", Value: 0x44}, {Word: "A4445", Value: 0x45}, {Word: "A5555", Value: 0x55}, {Word: "A5556", Value: 0x56},
	},
}

// testPackages are the packages the corpus uses beyond the base packages.
// an and its items have H.248.7's ids; the other ids are made up for the
// tests (0xFExx) and registered nowhere.
func testPackages() []ber.Package {
	pkgs := ber.BasePackages()
	for i := range pkgs {
		if pkgs[i].Name == "al" {
			pkgs[i].Properties = append(pkgs[i].Properties, ber.Item{Param: ber.Param{
				Name: "hsdet", ID: 0xFE01, Type: ber.TypeBoolean, True: "on", False: "off"}})
		}
	}
	// Packages named in v3_large_audit_reply's Packages descriptor only
	// (it, the first of them, is a base package now).
	for i, name := range []string{"srvtn", "xcg", "ind", "bcg", "mfg", "mfd", "ds", "gb", "stimal", "amet"} {
		pkgs = append(pkgs, ber.Package{Name: name, ID: 0xFE11 + uint16(i), Version: 1})
	}
	return append(pkgs,
		ber.Package{Name: "an", ID: 0x001d, Version: 1, Signals: []ber.Item{
			{Param: ber.Param{Name: "apf", ID: 0x0001}, Params: []ber.Param{
				{Name: "an", ID: 0x0001, Type: ber.TypeInteger},
				{Name: "noc", ID: 0x0002, Type: ber.TypeInteger},
			}},
		}},
		ber.Package{Name: "ctx", ID: 0xFE02, Version: 1, Properties: []ber.Item{
			{Param: ber.Param{Name: "callType", ID: 0x0001, Type: ber.TypeString}},
			{Param: ber.Param{Name: "billing", ID: 0x0002, Type: ber.TypeString}},
		}},
		ber.Package{Name: "mdm", ID: 0xFE03, Version: 1, Properties: []ber.Item{
			{Param: ber.Param{Name: "rate", ID: 0x0001, Type: ber.TypeInteger}},
			{Param: ber.Param{Name: "ecm", ID: 0x0002, Type: ber.TypeBoolean, True: "on", False: "off"}},
		}},
	)
}

var testRegistry = func() *ber.Registry {
	r, err := ber.NewRegistry(testPackages()...)
	if err != nil {
		panic(err)
	}
	return r
}()

// testCodec is the codec of the corpus tests: spec-form values, or
// Erlang's raw ones.
func testCodec(raw bool) *ber.Codec {
	return ber.New(ber.WithTermIDs(testTermIDs), ber.WithRegistry(testRegistry), ber.WithRawValues(raw))
}

var pretty = text.New(codec.Pretty)

type corpusFile struct {
	name string // file name without extension
	data []byte
}

// readDir returns the files of dir ending in ext; it fails the test when
// there are none, so that a moved corpus cannot turn tests into no-ops.
func readDir(tb testing.TB, dir, ext string) []corpusFile {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*"+ext))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("corpus: no *%s files in %s (%v)", ext, dir, err)
	}
	sort.Strings(paths)
	var files []corpusFile
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, corpusFile{strings.TrimSuffix(filepath.Base(p), ext), b})
	}
	return files
}

// textMessage decodes the text corpus message name.
func textMessage(tb testing.TB, name string) *h248.Message {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(textValidDir, name+".txt"))
	if err != nil {
		tb.Fatal(err)
	}
	m, err := pretty.Decode(b)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return m
}

// visit calls f with a pointer to every value of type T inside v.
func visit[T any](v any, f func(*T)) {
	want := reflect.TypeOf((*T)(nil)).Elem()
	var walk func(reflect.Value)
	walk = func(v reflect.Value) {
		if v.CanAddr() && v.Type() == want {
			f(v.Addr().Interface().(*T))
		}
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				walk(v.Field(i))
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(v))
}

// idLevels is the most levels any non-ROOT termination id of m has.
func idLevels(m *h248.Message) int {
	n := 1
	visit(m, func(t *h248.TerminationID) {
		if !t.IsRoot() {
			n = max(n, strings.Count(string(*t), "/")+1)
		}
	})
	return n
}
