// Package admin is the daemon's HTTP admin API, its Prometheus metrics and
// a Go client of the API.
//
// The API speaks JSON under /v1/ with Erlang/OTP megaco's operations:
//
//	GET    /v1/version, /v1/system                 system_info
//	GET    /v1/users          POST /v1/users       start_user
//	GET    /v1/users/{mid}    user_info
//	PATCH  /v1/users/{mid}    update_user_info     DELETE: stop_user
//	GET    /v1/conns[?user=]  POST /v1/conns       connect
//	GET    /v1/conns/{remote} conn_info            DELETE: disconnect
//	PATCH  /v1/conns/{remote} update_conn_info     PUT .../trace: {"on":true}
//	GET    /v1/mgs, /v1/legs[?mg=], /v1/mixers[?mg=]   the MGC layer
//
// plus /healthz, /readyz and /metrics. Updates are mappings of Erlang keys
// to values written as in the configuration file, checked by package
// config; a bad one is answered 400 with the problems key by key. When a
// token is set, /v1/ and /metrics need "Authorization: Bearer TOKEN".
//
//	m := admin.NewMetrics()
//	st := megaco.NewStack(megaco.WithObserver(m))
//	srv := admin.New(admin.Options{Stack: st, Backend: b, Metrics: m})
//	m.Watch(st, nil)
//	go srv.Serve(ln)
//	srv.SetReady(true)
package admin
