package callstore

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
)

// testCDR is a finished call on mgs set up at at(setup).
func testCDR(call string, setup int, cause string, mgs ...string) CDR {
	c := CDR{V: cdrVersion, Call: call, MGs: mgs, Setup: at(setup), Release: at(setup + 60), Cause: cause}
	for i, mg := range mgs {
		c.Legs = append(c.Legs, LegCDR{LegRef: LegRef{mg, "t/1"}, Context: uint32(i + 1), Setup: at(setup), Release: at(setup + 60), Cause: cause})
	}
	return c
}

func openTestDB(t *testing.T, path string) *DB {
	t.Helper()
	db, err := OpenDB(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func countCDRs(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.db.QueryRow(`SELECT count(*) FROM cdr`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func ids(cdrs []CDR) []string {
	out := []string{}
	for _, c := range cdrs {
		out = append(out, c.Call)
	}
	return out
}

func TestDBList(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, filepath.Join(t.TempDir(), DBFile))
	all := []CDR{
		testCDR("a", 0, CauseNormal, "mg1"),
		testCDR("b", 100, "mg dead", "mg1", "mg2"),
		testCDR("c", 200, CauseNormal, "mg2"),
		testCDR("d", 300, "vanished", "mg3"),
	}
	if err := db.Add(ctx, all[:2]); err != nil {
		t.Fatal(err)
	}
	// Again, with the rest: what is there is skipped, not duplicated.
	if err := db.Add(ctx, all); err != nil {
		t.Fatal(err)
	}
	if n := countCDRs(t, db); n != len(all) {
		t.Fatalf("%d rows, want %d", n, len(all))
	}
	tests := []struct {
		name string
		f    Filter
		want []string
	}{
		{"all, newest first", Filter{}, []string{"d", "c", "b", "a"}},
		{"since", Filter{Since: at(100)}, []string{"d", "c", "b"}},
		{"until excludes its instant", Filter{Until: at(200)}, []string{"b", "a"}},
		{"window", Filter{Since: at(50), Until: at(250)}, []string{"c", "b"}},
		{"mg", Filter{MG: "mg2"}, []string{"c", "b"}},
		{"cause", Filter{Cause: CauseNormal}, []string{"c", "a"}},
		{"mg and cause", Filter{MG: "mg1", Cause: "mg dead"}, []string{"b"}},
		{"limit", Filter{Limit: 1}, []string{"d"}},
		{"nothing", Filter{MG: "mg9"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.List(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ids(got), tt.want) {
				t.Errorf("got %v, want %v", ids(got), tt.want)
			}
		})
	}
	got, err := db.Get(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	if want := all[1]; !reflect.DeepEqual(*got, want) {
		t.Errorf("Get\n got %+v\nwant %+v", *got, want)
	}
	if _, err := db.Get(ctx, "zz"); !errors.Is(err, ErrNoCDR) {
		t.Errorf("Get of a missing call: %v", err)
	}
}

// TestDBSharedAndNewer: a second handle (the CLI beside the daemon) reads
// what the first writes; a database of a newer schema is refused.
func TestDBSharedAndNewer(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), DBFile)
	w := openTestDB(t, path)
	r := openTestDB(t, path)
	if err := w.Add(ctx, []CDR{testCDR("a", 0, CauseNormal, "mg1")}); err != nil {
		t.Fatal(err)
	}
	if c, err := r.Get(ctx, "a"); err != nil || !c.Release.Equal(at(60)) {
		t.Fatalf("reader: %+v, %v", c, err)
	}

	newer := filepath.Join(t.TempDir(), DBFile)
	raw, err := sql.Open("sqlite", newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`PRAGMA user_version = 2`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, err := OpenDB(newer); !errors.Is(err, ErrFormat) {
		t.Errorf("OpenDB of a newer schema: %v", err)
	}
}
