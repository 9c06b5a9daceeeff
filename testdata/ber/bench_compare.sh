#!/bin/sh
# bench_compare.sh: codec/ber's speed side by side with Erlang/OTP megaco's
# BER codec (megaco_ber_encoder), in one run on the same messages.
#
# 1. erl_ber.escript bench writes the text corpus messages that Erlang's BER
#    codec encodes with its default configuration (termination ids rewritten
#    to its bit-string form, padded to three levels) as pretty text;
# 2. codec_bench.escript --codecs ber times Erlang's decode and encode of
#    each (µs per message, megaco_codec_meas's method);
# 3. TestCodecBenchDir times ours on the messages Erlang timed, with the
#    same method (a 20-call warm-up, then 2000 calls or 400 ms);
# 4. the means and our time as a fraction of Erlang's (the goal is 1/3).
# Steps 2 and 3 alternate for ROUNDS rounds (default 3), each round reported
# on its own: on a shared machine one round can catch a noisy neighbour.
#
# Needs escript, Erlang/OTP megaco and Go; INTEROP points at ../shared/interop.
set -eu
cd "$(dirname "$0")/../.."
INTEROP=${INTEROP:-$(cd .. && pwd)/shared/interop}
ROUNDS=${ROUNDS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
escript testdata/ber/erl_ber.escript bench "$tmp/text" testdata/text/valid/*.txt >"$tmp/prep.out"
go test -c -o "$tmp/ber.test" ./codec/ber
round=1
while [ "$round" -le "$ROUNDS" ]; do
	escript "$INTEROP/erlang/codec_bench.escript" --dir "$tmp/text" --codecs ber >"$tmp/erl.out" 2>&1
	# The messages Erlang timed: rows "name v ber bytes dec enc rt" with numbers.
	awk '$3 == "ber" && $4 ~ /^[0-9]+$/ && $5 ~ /^[0-9.]+$/ && $6 ~ /^[0-9.]+$/ { print $1 }' "$tmp/erl.out" >"$tmp/only.txt"
	(cd codec/ber && BER_BENCH_DIR="$tmp/text" BER_BENCH_ONLY="$tmp/only.txt" "$tmp/ber.test" -test.run '^TestCodecBenchDir$' -test.count=1 -test.v) >"$tmp/go.out"
	echo "== round $round: Erlang/OTP megaco_ber_encoder (codec_bench.escript --codecs ber), $(wc -l <"$tmp/only.txt") messages"
	sed -n '/^Summary over/,/^$/p' "$tmp/erl.out"
	echo "== round $round: codec/ber (TestCodecBenchDir), same messages"
	grep '^summary' "$tmp/go.out"
	awk -v round="$round" '
		FNR == NR && /^summary/ { split($0, f, /[ =]/); dec = f[7]; enc = f[9]; next }
		FNR != NR && inblock && $1 == "ber" { edec = $4; eenc = $5 }
		FNR != NR && /^Summary over/ { inblock = 1 }
		END { printf "== round %d: ours / Erlang'"'"'s: decode %.2f/%.2f µs = %.2f   encode %.2f/%.2f µs = %.2f\n\n", round, dec, edec, dec / edec, enc, eenc, enc / eenc }
	' "$tmp/go.out" "$tmp/erl.out"
	if [ -n "${BENCH_KEEP:-}" ]; then
		cp "$tmp/erl.out" "$BENCH_KEEP/erl.$round.out"
		cp "$tmp/go.out" "$BENCH_KEEP/go.$round.out"
	fi
	round=$((round + 1))
done
