package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/megaco/megaco/pkg/config"
)

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "The daemon's configuration"}
	var output string
	show := &cobra.Command{
		Use:   "show [--config FILE] [flags]",
		Short: "Check the configuration and print every effective value with where it came from",
		Long: `show loads the configuration as megaco serve would: the embedded default
(configs/megaco.yaml), the file given with --config, the MEGACO_*
variables of the top-level settings (` + strings.Join(config.EnvNames(), ", ") + `), then the flags. It prints each value with its
source: default, file, env or flag, and the position it was read at. An
unknown key, a wrong type or an impossible value is reported with its key
and position, and the exit status is 2. With -o json it prints a list of
{key, value, origin: {source, pos}}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "table" && output != "json" {
				return fmt.Errorf("--output %q: want table or json", output)
			}
			l, err := config.Load(cmd.Flags())
			if err != nil {
				return configFailure(cmd, err)
			}
			ss := l.Settings()
			if output == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(ss)
			}
			var t table
			t.row("KEY", "VALUE", "SOURCE")
			for _, s := range ss {
				t.row(s.Key, s.Value, s.Origin.String())
			}
			return t.write(cmd.OutOrStdout())
		},
	}
	config.BindFlags(show.Flags())
	show.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	cmd.AddCommand(show)
	return cmd
}

// configFailure reports a configuration that cannot be used: exit 2 for
// a bad one, 1 when it could not be read for another reason.
func configFailure(cmd *cobra.Command, err error) error {
	var ce *config.Error
	if errors.As(err, &ce) {
		fmt.Fprintf(cmd.ErrOrStderr(), "megaco: invalid configuration:\n")
		for _, p := range ce.Problems {
			fmt.Fprintf(cmd.ErrOrStderr(), "  %s\n", p)
		}
		return exitError{exitUsage}
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "megaco: configuration: %v\n", err)
	return exitError{exitFailed}
}
