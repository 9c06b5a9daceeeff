#!/bin/sh
# load_compare.sh: the engine's throughput and latency side by side with
# Erlang/OTP megaco, in one run over loopback UDP: Erlang's mgc_sim against
# Erlang's mg_sim (two VMs), then `megaco bench load` with the MGC and MG
# roles in one process (--role both) and in two, with 8 callers for
# throughput and 1 for latency, in ENCODING (compact by default). Prints
# transactions/s and p50 latency of each, and ours as a ratio of Erlang's
# (goals: at least 3x the transactions/s with 8 callers, p50 with 1 caller
# at most a third).
# Needs escript and Erlang/OTP megaco; INTEROP points at ../shared/interop.
set -eu
cd "$(dirname "$0")/.."
INTEROP=${INTEROP:-$(cd .. && pwd)/shared/interop}
PAIRS=${PAIRS:-10000}
ENCODING=${ENCODING:-compact}
if ! command -v escript >/dev/null 2>&1 || [ ! -f "$INTEROP/erlang/mgc_sim.escript" ]; then
	echo "load_compare: escript or $INTEROP/erlang/mgc_sim.escript missing; no Erlang comparison"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/megaco" ./cmd/megaco
port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# erlang PARALLEL: mgc_sim against mg_sim; prints "tps p50_us".
erlang() {
	mgc=$(port); mg=$(port)
	escript "$INTEROP/erlang/mgc_sim.escript" --port "$mgc" --encoding "$ENCODING" --pairs "$PAIRS" --parallel "$1" >"$tmp/erl_mgc.out" 2>&1 &
	pid=$!
	sleep 2 # mgc_sim has no readiness line on stdout before it listens
	escript "$INTEROP/erlang/mg_sim.escript" --mgc-port "$mgc" --port "$mg" --encoding "$ENCODING" --idle-s 2 >"$tmp/erl_mg.out" 2>&1 || true
	wait "$pid" || true
	grep 'mgc_sim: loop' "$tmp/erl_mgc.out" | sed -E 's/.*tps=([0-9.]+).*p50=([0-9.]+) (us|ms).*/\1 \2 \3/' |
		awk '{ p = $2; if ($3 == "ms") p *= 1000; print $1, p }'
}

# ours PARALLEL: our MGC role against our MG role, two processes.
ours() {
	mgc=$(port); mg=$(port)
	"$tmp/megaco" bench load --role mgc --encoding "$ENCODING" --listen "127.0.0.1:$mgc" --pairs "$PAIRS" --parallel "$1" >"$tmp/our_mgc.out" 2>&1 &
	pid=$!
	"$tmp/megaco" bench load --role mg --encoding "$ENCODING" --listen "127.0.0.1:$mg" --mgc "127.0.0.1:$mgc" --idle 2s >"$tmp/our_mg.out" 2>&1 || true
	wait "$pid" || true
	grep 'bench load: pairs=' "$tmp/our_mgc.out" | sed -E 's/.*tps=([0-9.]+).*p50=([0-9.]+)(µs|ms|s).*/\1 \2 \3/' |
		awk '{ p = $2; if ($3 == "ms") p *= 1000; if ($3 == "s") p *= 1000000; print $1, p }'
}

# both PARALLEL: the two roles in one process.
both() {
	"$tmp/megaco" bench load --role both --encoding "$ENCODING" --pairs "$PAIRS" --parallel "$1" >"$tmp/both.out" 2>&1 || true
	grep 'bench load: pairs=' "$tmp/both.out" | sed -E 's/.*tps=([0-9.]+).*p50=([0-9.]+)(µs|ms|s).*/\1 \2 \3/' |
		awk '{ p = $2; if ($3 == "ms") p *= 1000; if ($3 == "s") p *= 1000000; print $1, p }'
}

for parallel in 8 1; do
	e=$(erlang "$parallel"); b=$(both "$parallel"); o=$(ours "$parallel")
	echo "== $ENCODING, $parallel caller(s), $PAIRS pairs (tps, p50 us): Erlang $e; ours in one process $b; in two $o"
	echo "$e $b $o" | awk '{ printf "   ours/Erlang: one process tps %.2fx p50 %.2f; two processes tps %.2fx p50 %.2f\n", $3/$1, $4/$2, $5/$1, $6/$2 }'
done
