package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/megaco/megaco/pkg/admin"
	"github.com/megaco/megaco/pkg/engine"
)

func newConnCmd() *cobra.Command {
	var o clientOpts
	var user string
	cmd := &cobra.Command{
		Use:   "conn",
		Short: "Connections to peers, named by the peer's MID (connect, disconnect, conn_info, update_conn_info)",
		Long: `conn acts on the daemon's connections. A connection is named by its
peer's (remote) MID, such as '[10.0.0.7]:2944' (quote the brackets for the
shell); --user picks the local user when several have a connection to the
same MID.`,
	}
	o.bind(cmd)
	cmd.PersistentFlags().StringVar(&user, "user", "", "the local user's MID")
	printConn := func(cmd *cobra.Command, s admin.ConnStatus) error {
		return o.print(cmd, s, func(t *table) { connRows(t, s) })
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:   "connect REMOTE_MID|- HOST:PORT",
			Short: "Connect a user to a peer (Erlang's connect); - is the preliminary MID",
			Long: `connect sets up a connection from the user (--user, or the only one)
to the peer at HOST:PORT over the user's transport. REMOTE_MID is the
peer's MID, or - when it is not known: it is learnt from the peer's first
message (Erlang's preliminary_mid).`,
			Example: "  megaco conn connect '[10.0.0.7]:2944' 10.0.0.7:2944",
			Args:    cobra.ExactArgs(2),
			RunE: o.run(func(ctx context.Context, c *admin.Client, cmd *cobra.Command, args []string) error {
				remote := args[0]
				if remote == "-" {
					remote = ""
				}
				s, err := c.Connect(ctx, admin.ConnectRequest{User: user, Remote: remote, Address: args[1]})
				if err != nil {
					return err
				}
				return printConn(cmd, s)
			}),
		},
		&cobra.Command{
			Use:               "disconnect REMOTE_MID",
			Short:             "Report a connection gone (Erlang's disconnect); its transactions carry on",
			Args:              cobra.ExactArgs(1),
			ValidArgsFunction: o.completeConns,
			RunE: o.run(func(ctx context.Context, c *admin.Client, cmd *cobra.Command, args []string) error {
				s, err := c.Disconnect(ctx, args[0], user)
				if err != nil {
					return err
				}
				return printConn(cmd, s)
			}),
		},
		&cobra.Command{
			Use:   "info [REMOTE_MID]",
			Short: "List the connections, or show one with its settings (Erlang's conn_info)",
			Long: `info without a MID lists the connections; with one it shows the
connection and every setting. With -o json it prints a ConnStatus (a list
of them without a MID): user, remote, peer, encoding, disconnected,
tracing, outstanding (requests sent and waiting), answering (requests
received and not yet forgotten) and config, a map of Erlang keys to values
written as in the configuration file.`,
			Args:              cobra.MaximumNArgs(1),
			ValidArgsFunction: o.completeConns,
			RunE: o.run(func(ctx context.Context, c *admin.Client, cmd *cobra.Command, args []string) error {
				if len(args) == 0 {
					cs, err := c.Conns(ctx, user)
					if err != nil {
						return err
					}
					return o.print(cmd, cs, func(t *table) {
						t.row("USER", "REMOTE", "PEER", "ENCODING", "STATE", "TRACE", "OUTSTANDING")
						for _, s := range cs {
							t.row(s.User, s.Remote, s.Peer, s.Encoding, connState(s), onOff(s.Tracing), fmt.Sprint(s.Outstanding))
						}
					})
				}
				s, err := c.ConnInfo(ctx, args[0], user)
				if err != nil {
					return err
				}
				return printConn(cmd, s)
			}),
		},
		&cobra.Command{
			Use:   "update-info REMOTE_MID KEY=VALUE...",
			Short: "Change a live connection's settings (Erlang's update_conn_info)",
			Long: `update-info changes settings of a live connection, written as in the
configuration file: durations as 7s or milliseconds, the request timer as
wait_for=7s,factor=2,incr=0,max_retries=3, unlimited counts as infinity.
They are checked like the configuration and apply from now on.`,
			Example:           "  megaco conn update-info '[10.0.0.7]:2944' request_timer=wait_for=500ms,factor=1,incr=0,max_retries=3 reply_timer=60s",
			Args:              cobra.MinimumNArgs(2),
			ValidArgsFunction: o.completeConns,
			RunE: o.run(func(ctx context.Context, c *admin.Client, cmd *cobra.Command, args []string) error {
				m, err := parseSettings(args[1:])
				if err != nil {
					return err
				}
				s, err := c.UpdateConnInfo(ctx, args[0], user, m)
				if err != nil {
					return err
				}
				return printConn(cmd, s)
			}),
		},
		&cobra.Command{
			Use:   "trace REMOTE_MID on|off",
			Short: "Log every message in and out of a connection, or stop",
			Args:  cobra.ExactArgs(2),
			ValidArgsFunction: func(cmd *cobra.Command, args []string, s string) ([]string, cobra.ShellCompDirective) {
				if len(args) == 1 {
					return []string{"on", "off"}, cobra.ShellCompDirectiveNoFileComp
				}
				return o.completeConns(cmd, args, s)
			},
			RunE: o.run(func(ctx context.Context, c *admin.Client, cmd *cobra.Command, args []string) error {
				if args[1] != "on" && args[1] != "off" {
					return usageError{fmt.Sprintf("%q: want on or off", args[1])}
				}
				s, err := c.Trace(ctx, args[0], user, args[1] == "on")
				if err != nil {
					return err
				}
				return printConn(cmd, s)
			}),
		},
	)
	return cmd
}

func connRows(t *table, s admin.ConnStatus) {
	t.row("user", s.User)
	t.row("remote", s.Remote)
	t.row("peer", s.Peer)
	t.row("encoding", s.Encoding)
	t.row("state", connState(s))
	t.row("trace", onOff(s.Tracing))
	t.row("outstanding", fmt.Sprint(s.Outstanding))
	t.row("answering", fmt.Sprint(s.Answering))
	settingRows(t, s.Config, &engine.Config{})
}

func connState(s admin.ConnStatus) string {
	if s.Disconnected {
		return "disconnected"
	}
	return "connected"
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
