package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/megaco/megaco/pkg/admin"
	"github.com/megaco/megaco/pkg/config"
)

func newUserCmd() *cobra.Command {
	var o clientOpts
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Start, stop, inspect and update the daemon's users (start_user, user_info, update_user_info)",
	}
	o.bind(cmd)
	cmd.AddCommand(
		&cobra.Command{
			Use:   "start [KEY=VALUE...]",
			Short: "Start a user listening for MGs (Erlang's start_user)",
			Long: `start starts a user on the daemon with the keys of a configuration
file's user entry, written as in the file: mid, transport (udp or tcp),
encoding, host, port (0: any free port) and the Erlang user settings
(request_timer=wait_for=3s,factor=2,incr=0,max_retries=3, reply_timer=60s,
trans_req=true, ...). Keys left out keep their defaults.`,
			Example: "  megaco user start transport=tcp port=2946 request_timer=3s",
			RunE: o.run(func(ctx context.Context, c *admin.Client, cmd *cobra.Command, args []string) error {
				m, err := parseSettings(args)
				if err != nil {
					return err
				}
				u, err := c.StartUser(ctx, m)
				if err != nil {
					return err
				}
				return o.print(cmd, u, func(t *table) { userRows(t, u) })
			}),
		},
		&cobra.Command{
			Use:               "stop MID",
			Short:             "Stop a user: its connections close and its transport stops (Erlang's stop_user)",
			Args:              cobra.ExactArgs(1),
			ValidArgsFunction: o.completeUsers,
			RunE: o.run(func(ctx context.Context, c *admin.Client, cmd *cobra.Command, args []string) error {
				if err := c.StopUser(ctx, args[0]); err != nil {
					return err
				}
				return o.print(cmd, map[string]string{"stopped": args[0]}, func(t *table) { t.row("stopped", args[0]) })
			}),
		},
		&cobra.Command{
			Use:   "info [MID]",
			Short: "List the users, or show one user's settings (Erlang's user_info)",
			Long: `info without a MID lists the users; with one it shows where the user
listens and every setting. With -o json it prints a UserStatus (a list of
them without a MID): mid, transport, listen, connections and config, a map
of Erlang keys to values written as in the configuration file.`,
			Args:              cobra.MaximumNArgs(1),
			ValidArgsFunction: o.completeUsers,
			RunE: o.run(func(ctx context.Context, c *admin.Client, cmd *cobra.Command, args []string) error {
				if len(args) == 0 {
					us, err := c.Users(ctx)
					if err != nil {
						return err
					}
					return o.print(cmd, us, func(t *table) {
						t.row("MID", "TRANSPORT", "LISTEN", "ENCODING", "CONNECTIONS")
						for _, u := range us {
							t.row(u.MID, u.Transport, u.Listen, u.Config["encoding"], fmt.Sprint(u.Connections))
						}
					})
				}
				u, err := c.UserInfo(ctx, args[0])
				if err != nil {
					return err
				}
				return o.print(cmd, u, func(t *table) { userRows(t, u) })
			}),
		},
		&cobra.Command{
			Use:   "update-info MID KEY=VALUE...",
			Short: "Change a user's settings for connections made from now on (Erlang's update_user_info)",
			Long: `update-info changes the Erlang settings of a user, written as in the
configuration file; they apply to connections made from now on (conn
update-info changes a live connection). Where the user listens cannot
change.`,
			Example:           "  megaco user update-info '[127.0.0.1]:2944' request_timer=wait_for=2s,factor=2,incr=0,max_retries=3 trans_req=true",
			Args:              cobra.MinimumNArgs(2),
			ValidArgsFunction: o.completeUsers,
			RunE: o.run(func(ctx context.Context, c *admin.Client, cmd *cobra.Command, args []string) error {
				m, err := parseSettings(args[1:])
				if err != nil {
					return err
				}
				u, err := c.UpdateUserInfo(ctx, args[0], m)
				if err != nil {
					return err
				}
				return o.print(cmd, u, func(t *table) { userRows(t, u) })
			}),
		},
	)
	return cmd
}

func userRows(t *table, u admin.UserStatus) {
	t.row("listen", u.Listen)
	t.row("connections", fmt.Sprint(u.Connections))
	settingRows(t, u.Config, &config.User{})
}

func newSystemCmd() *cobra.Command {
	var o clientOpts
	cmd := &cobra.Command{Use: "system", Short: "The daemon as a whole (Erlang's system_info)"}
	o.bind(cmd)
	cmd.AddCommand(&cobra.Command{
		Use:   "info",
		Short: "Show the daemon's users, connections and counters (Erlang's system_info)",
		Long: `info shows the daemon's version, users, connections, message counters
and the size of the MGC layer. With -o json it prints a SystemStatus:
version, users, connections, received, decodeErrors, refused,
versionErrors, mgs, legs.`,
		Args: cobra.NoArgs,
		RunE: o.run(func(ctx context.Context, c *admin.Client, cmd *cobra.Command, _ []string) error {
			s, err := c.System(ctx)
			if err != nil {
				return err
			}
			return o.print(cmd, s, func(t *table) {
				t.row("version", s.Version)
				t.row("users", strings.Join(s.Users, " "))
				t.row("connections", fmt.Sprint(s.Connections))
				t.row("received", fmt.Sprint(s.Received))
				t.row("decode_errors", fmt.Sprint(s.DecodeErrors))
				t.row("refused", fmt.Sprint(s.Refused))
				t.row("version_errors", fmt.Sprint(s.VersionErrors))
				t.row("mgs", fmt.Sprint(s.MGs))
				t.row("legs", fmt.Sprint(s.Legs))
			})
		}),
	})
	return cmd
}
