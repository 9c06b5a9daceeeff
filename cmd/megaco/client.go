package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/megaco/megaco/pkg/admin"
	"github.com/megaco/megaco/pkg/config"
)

// Exit statuses of the admin client commands (0 is success).
const (
	exitFailed   = 1 // the daemon could not do it (a conflict, an internal error)
	exitUsage    = 2 // bad arguments or values, here or as the daemon judged them
	exitNoDaemon = 3 // nothing answers at --admin
	exitAuth     = 4 // the token is missing or wrong
	exitNotFound = 5 // no such user, connection or MG
)

// clientOpts are the flags every admin client command shares.
type clientOpts struct {
	admin, token, output string
}

// bind adds the client flags to cmd and its subcommands.
func (o *clientOpts) bind(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&o.admin, "admin", "", "the daemon's admin API, host:port (default $MEGACO_ADMIN or "+admin.DefaultAddr+")")
	f.StringVar(&o.token, "token", "", "bearer token of the admin API (default $MEGACO_ADMIN_TOKEN)")
	f.StringVarP(&o.output, "output", "o", "table", "output format: table or json")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"table", "json"}, cobra.ShellCompDirectiveNoFileComp))
}

func (o *clientOpts) client() *admin.Client {
	addr, token := o.admin, o.token
	if addr == "" {
		addr = os.Getenv("MEGACO_ADMIN")
	}
	if addr == "" {
		addr = admin.DefaultAddr
	}
	if token == "" {
		token = os.Getenv("MEGACO_ADMIN_TOKEN")
	}
	return admin.NewClient(addr, token)
}

// run makes the RunE of a client command: f gets a client, and its error
// becomes the exit status that says what failed.
func (o *clientOpts) run(f func(ctx context.Context, c *admin.Client, cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := o.checkOutput()
		if err == nil {
			err = f(cmdContext(cmd), o.client(), cmd, args)
		}
		if err == nil {
			return nil
		}
		var ee exitError
		if errors.As(err, &ee) {
			return err
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "megaco: %v\n", err)
		return exitError{exitCode(err)}
	}
}

// exitCode maps an error of the admin client to an exit status.
func exitCode(err error) int {
	var ae *admin.APIError
	var ue *url.Error
	switch {
	case errors.Is(err, admin.ErrNoDaemon), errors.As(err, &ue):
		return exitNoDaemon
	case errors.As(err, &ae):
		switch ae.Status {
		case 400:
			return exitUsage
		case 401, 403:
			return exitAuth
		case 404:
			return exitNotFound
		}
	case errors.As(err, new(usageError)):
		return exitUsage
	}
	return exitFailed
}

// usageError is a mistake in a command's arguments.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func (o *clientOpts) checkOutput() error {
	if o.output != "table" && o.output != "json" {
		return usageError{fmt.Sprintf("--output %q: want table or json", o.output)}
	}
	return nil
}

// print writes v as JSON, or as the table fill makes.
func (o *clientOpts) print(cmd *cobra.Command, v any, fill func(*table)) error {
	if err := o.checkOutput(); err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	if o.output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	var t table
	fill(&t)
	return t.write(w)
}

// table is rows of cells, aligned in columns.
type table struct{ rows [][]string }

func (t *table) row(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// settingRows adds the settings of m in the order of the configuration
// file (as of template), then any others by name.
func settingRows(t *table, m map[string]string, template any) {
	done := map[string]bool{}
	for _, kv := range config.Values(template) {
		if v, ok := m[kv.Key]; ok {
			t.row(kv.Key, v)
			done[kv.Key] = true
		}
	}
	var rest []string
	for k := range m {
		if !done[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		t.row(k, m[k])
	}
}

// parseSettings reads KEY=VALUE arguments, values written as in the
// configuration file (request_timer=wait_for=7s,factor=2).
func parseSettings(args []string) (map[string]string, error) {
	m := map[string]string{}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, usageError{fmt.Sprintf("%q: want KEY=VALUE, such as request_timer=wait_for=7s,factor=2", a)}
		}
		m[k] = v
	}
	return m, nil
}

// completeConns completes the remote MIDs of the daemon's connections.
func (o *clientOpts) completeConns(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	cs, err := o.client().Conns(cmdContext(cmd), "")
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, c := range cs {
		out = append(out, c.Remote)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeUsers completes the MIDs of the daemon's users.
func (o *clientOpts) completeUsers(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	us, err := o.client().Users(cmdContext(cmd))
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, u := range us {
		out = append(out, u.MID)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
