package main

import (
	"context"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/megaco/megaco/pkg/admin"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise it is the module's version, or devel.
var version = ""

func binaryVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// versionReport is what megaco version -o json prints.
type versionReport struct {
	Client admin.VersionInfo  `json:"client"`
	Daemon *admin.VersionInfo `json:"daemon,omitempty"`
	// DaemonError says why the daemon's version is missing.
	DaemonError string `json:"daemonError,omitempty"`
}

func newVersionCmd() *cobra.Command {
	var o clientOpts
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version of this binary and of the running daemon",
		Long: `version prints this binary's version and, when a daemon answers at
--admin, the daemon's. A daemon that does not answer is reported but is no
error: the exit status is 0 either way.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rep := versionReport{Client: admin.VersionInfo{Version: binaryVersion(), Go: runtime.Version()}}
			if v, err := o.client().Version(cmdContext(cmd)); err != nil {
				rep.DaemonError = err.Error()
			} else {
				rep.Daemon = &v
			}
			return o.print(cmd, rep, func(t *table) {
				t.row("client", rep.Client.Version, rep.Client.Go)
				if rep.Daemon != nil {
					t.row("daemon", rep.Daemon.Version, rep.Daemon.Go)
				} else {
					t.row("daemon", "-", rep.DaemonError)
				}
			})
		},
	}
	o.bind(cmd)
	return cmd
}

func cmdContext(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}
