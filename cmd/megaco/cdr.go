package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/megaco/megaco/pkg/callstore"
	"github.com/megaco/megaco/pkg/config"
)

// cdrOpts are the flags both cdr commands take.
type cdrOpts struct {
	output string
	flags  *pflag.FlagSet // --config and --data-dir, read by config.Load
}

func newCDRCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cdr",
		Short: "Call detail records of finished calls, from the data directory",
		Long: `The cdr commands read the CDR database (` + callstore.DBFile + `) in the data
directory of a megaco serve instance, the same one the daemon finds:
--data-dir, else $MEGACO_DATA_DIR, else data_dir of --config's file or the
default configuration. They need no running daemon.`,
	}
	var o cdrOpts
	f := cmd.PersistentFlags()
	f.String(config.FlagConfig, "", "configuration file (YAML) naming data_dir")
	f.String("data-dir", "", "data directory of the instance (MEGACO_DATA_DIR)")
	f.StringVarP(&o.output, "output", "o", "table", "output format: table or json")
	o.flags = f
	cmd.AddCommand(newCDRListCmd(&o), newCDRShowCmd(&o))
	return cmd
}

func newCDRListCmd(o *cdrOpts) *cobra.Command {
	var since, until string
	var filter callstore.Filter
	cmd := &cobra.Command{
		Use:   "list [--since T] [--until T] [--mg MID] [--cause C] [--limit N] [-o json]",
		Short: "List CDRs, newest first",
		Long: `list prints the CDRs of the calls set up in [--since, --until), newest
first. A time is RFC 3339 (2025-03-01T12:00:00Z), a local date and time
(2025-03-01 12:00), a date, or a duration back from now (90m, 24h).
--cause normal selects the calls cleared normally.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := time.Now()
			var err error
			if filter.Since, err = parseTime(since, now); err != nil {
				return fmt.Errorf("--since: %w", err)
			}
			if filter.Until, err = parseTime(until, now); err != nil {
				return fmt.Errorf("--until: %w", err)
			}
			db, err := o.open(cmd)
			if err != nil {
				return err
			}
			defer db.Close()
			cdrs, err := db.List(cmd.Context(), filter)
			if err != nil {
				return err
			}
			if o.output == "json" {
				return writeJSON(cmd.OutOrStdout(), cdrs)
			}
			return writeCDRTable(cmd.OutOrStdout(), cdrs)
		},
	}
	f := cmd.Flags()
	f.StringVar(&since, "since", "", "only calls set up at or after this time")
	f.StringVar(&until, "until", "", "only calls set up before this time")
	f.StringVar(&filter.MG, "mg", "", "only calls that used this MG (its MID)")
	f.StringVar(&filter.Cause, "cause", "", "only calls with this release cause")
	f.IntVar(&filter.Limit, "limit", 100, "at most this many CDRs (0: all)")
	return cmd
}

func newCDRShowCmd(o *cdrOpts) *cobra.Command {
	return &cobra.Command{
		Use:   "show CALL-ID [-o json]",
		Short: "Show the CDR of a call: its legs, mixers and resync history",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := o.open(cmd)
			if err != nil {
				return err
			}
			defer db.Close()
			c, err := db.Get(cmd.Context(), args[0])
			if errors.Is(err, callstore.ErrNoCDR) {
				fmt.Fprintf(cmd.ErrOrStderr(), "megaco: no CDR for call %q\n", args[0])
				return exitError{exitNotFound}
			}
			if err != nil {
				return err
			}
			if o.output == "json" {
				return writeJSON(cmd.OutOrStdout(), c)
			}
			return writeCDR(cmd.OutOrStdout(), c)
		},
	}
}

// open checks the flags and opens the data directory's CDR database,
// which must exist: an empty one would hide a wrong --data-dir.
func (o *cdrOpts) open(cmd *cobra.Command) (*callstore.DB, error) {
	if o.output != "table" && o.output != "json" {
		return nil, fmt.Errorf("--output %q: want table or json", o.output)
	}
	l, err := config.Load(o.flags)
	if err != nil {
		return nil, configFailure(cmd, err)
	}
	path := callstore.DBPath(l.DataDir)
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "megaco: no CDR database: %v\n", err)
		return nil, exitError{exitFailed}
	}
	return callstore.OpenDB(path)
}

// parseTime reads a --since or --until value; "" is no bound.
func parseTime(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: want RFC 3339, a date and time, a date or a duration", s)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeCDRTable(w io.Writer, cdrs []callstore.CDR) error {
	var t table
	t.row("CALL", "SETUP", "ANSWER", "DURATION", "CAUSE", "MGS", "LEGS")
	for _, c := range cdrs {
		t.row(c.Call, stamp(c.Setup), stamp(c.Answer), c.Duration.Round(time.Millisecond).String(),
			c.Cause, strings.Join(c.MGs, ","), strconv.Itoa(len(c.Legs)))
	}
	return t.write(w)
}

// writeCDR prints one CDR for a person: the call, then its legs, mixers
// and resync history as tables.
func writeCDR(w io.Writer, c *callstore.CDR) error {
	var ctxs []string
	for _, x := range c.Contexts {
		ctxs = append(ctxs, fmt.Sprintf("%s/%d", x.MG, x.Context))
	}
	var t table
	t.row("call", c.Call)
	t.row("mgs", strings.Join(c.MGs, ", "))
	t.row("contexts", strings.Join(ctxs, ", "))
	t.row("setup", stamp(c.Setup))
	t.row("alerting", stamp(c.Alerting))
	t.row("answer", stamp(c.Answer))
	t.row("release", stamp(c.Release))
	t.row("duration", c.Duration.String())
	t.row("cause", c.Cause)
	t.row("")
	t.row("LEG", "CONTEXT", "SETUP", "ANSWER", "RELEASE", "CAUSE")
	for _, l := range c.Legs {
		t.row(l.MG+"/"+l.Termination, strconv.FormatUint(uint64(l.Context), 10), stamp(l.Setup), stamp(l.Answer), stamp(l.Release), l.Cause)
	}
	if len(c.Mixers) > 0 {
		t.row("")
		t.row("MIXER", "PORT", "CREATED", "RELEASE", "CAUSE")
		for _, x := range c.Mixers {
			t.row(fmt.Sprintf("%s/%d", x.MG, x.Context), x.Port, stamp(x.Created), stamp(x.Release), x.Cause)
		}
	}
	if len(c.History) > 0 {
		t.row("")
		t.row("TIME", "RESYNC", "OF", "CAUSE")
		for _, h := range c.History {
			of := ""
			switch {
			case h.Leg != nil:
				of = h.Leg.MG + "/" + h.Leg.Termination
			case h.Mixer != nil:
				of = fmt.Sprintf("%s/%d", h.Mixer.MG, h.Mixer.Context)
			}
			t.row(stamp(h.Time), string(h.Kind), of, h.Cause)
		}
	}
	return t.write(w)
}

// stamp formats a time of a CDR for a table: local, to the millisecond;
// "-" for one that never came.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05.000")
}
