#!/bin/sh
# codec_compare.sh: text codec speed side by side with Erlang/OTP megaco,
# in one run on the same messages: the valid corpus messages that Erlang
# decodes and encodes with every text codec. Prints both summaries and our
# time as a fraction of Erlang's (the goal is at most 1/3).
# Needs escript and Erlang/OTP megaco; INTEROP points at ../shared/interop.
set -eu
cd "$(dirname "$0")/.."
INTEROP=${INTEROP:-$(cd .. && pwd)/shared/interop}
if ! command -v escript >/dev/null 2>&1 || [ ! -f "$INTEROP/erlang/codec_bench.escript" ]; then
	echo "codec_compare: escript or $INTEROP/erlang/codec_bench.escript missing; no Erlang comparison"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/all" "$tmp/common"
for f in testdata/text/valid/*.txt; do
	n=$(basename "$f")
	grep -q "^$n	" testdata/text/erlang-rejects.tsv || cp "$f" "$tmp/all/"
done
codecs=pretty,pretty_flex,compact,compact_flex
escript "$INTEROP/erlang/codec_bench.escript" --dir "$tmp/all" --codecs "$codecs" >"$tmp/erl.out" 2>&1
# The messages every Erlang codec handled: four rows with numbers.
awk '$4 ~ /^[0-9]+$/ && $5 ~ /^[0-9.]+$/ && $6 ~ /^[0-9.]+$/ { n[$1]++ } END { for (m in n) if (n[m] == 4) print m }' "$tmp/erl.out" |
	while read -r m; do cp "$tmp/all/$m.txt" "$tmp/common/"; done
echo "== Erlang/OTP megaco (codec_bench.escript), $(ls "$tmp/common" | wc -l) messages"
sed -n '/^Summary over/,/^$/p' "$tmp/erl.out"
go build -o "$tmp/megaco" ./cmd/megaco
for enc in pretty compact; do
	"$tmp/megaco" bench codec --dir "$tmp/common" --encoding "$enc" | tail -n 1 >>"$tmp/ours.out"
done
echo "== megaco (bench codec), same messages"
cat "$tmp/ours.out"
echo "== ours / Erlang's (mean per message)"
awk '
	FNR == NR && /^summary/ { split($0, f, /[ =]/); enc = f[3]; dec[enc] = f[7]; encus[enc] = f[9]; next }
	FNR != NR && inblock && NF >= 5 && $1 != "codec" { edec[$1] = $4; eenc[$1] = $5 }
	FNR != NR && /^Summary over/ { inblock = 1 }
	END {
		for (e in dec) for (c in edec) if (c == e || c == e "_flex")
			printf "%-8s vs Erlang %-13s decode %.2f/%.2f = %.2f   encode %.2f/%.2f = %.2f\n", e, c, dec[e], edec[c], dec[e] / edec[c], encus[e], eenc[c], encus[e] / eenc[c]
	}' "$tmp/ours.out" "$tmp/erl.out" | sort
