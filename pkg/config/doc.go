// Package config is the daemon's typed configuration tree and its
// loading. Values come in layers, each over the one before: the embedded
// default (configs/megaco.yaml), a file (--config), MEGACO_* environment
// variables for the top-level settings, then flags; viper layers them.
// Every layer is checked before it merges, against the tree by its yaml
// tags: an unknown key, a wrong type or an impossible value is an *Error
// naming the key and its position (FILE:LINE:COL, env NAME or flag
// --name).
//
// A user's settings are Erlang/OTP megaco's user and connection info
// keys, verbatim (request_timer, trans_timer, segment_send, ...): the
// fields of engine.Config. Durations are written 7s or as integer
// milliseconds, the incremental timer as
// wait_for=7s,factor=2,incr=0,max_retries=3 or as a mapping, counts that
// may be unlimited as infinity.
//
//	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
//	config.BindFlags(fs)
//	_ = fs.Parse(os.Args[1:])
//	l, err := config.Load(fs) // *config.Error: exit 2
//	for _, s := range l.Settings() {
//		fmt.Println(s.Key, s.Value, s.Origin)
//	}
package config
