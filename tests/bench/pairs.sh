#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make bench: many keys (issue 14.4).  pp-stats over 10^6 (target, hop)
# pairs (83,334 traced targets x 12 hops, one round each): peak RSS, time
# and bytes per pair; --merge of them, and a streamed --merge --every of
# 200,000 rows; pp-alert over 10^5 traced targets (two rounds):
# peak RSS, time, bytes per target.  Nothing is capped: every pair is a
# row.  Usage: tests/bench/pairs.sh BIN-DIR BUILD-DIR
#   PAIRS_TARGETS  targets for pp-stats (default 83334: 10^6 pairs)
#   ALERT_TARGETS  targets for pp-alert (default 100000)
set -eu
bin=${1:-bin}
build=${2:-build}
gen="$build/tests/bench/gen"
pt=${PAIRS_TARGETS:-83334}
at=${ALERT_TARGETS:-100000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run LABEL CMD...: peak RSS (KB) and CPU/wall seconds of CMD, output
# (stdout) to $tmp/out.
run() {
	label=$1
	shift
	/usr/bin/time -f '%M %U %S %e' -o "$tmp/time" "$@" >"$tmp/out" \
	    2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
	read -r rss user sys wall <"$tmp/time"
	echo "$label: peak RSS $rss KB, CPU $(echo "$user + $sys" | bc) s" \
	    "(user $user, sys $sys), wall $wall s"
}

"$gen" -t "$pt" -n $((pt * 12)) >"$tmp/pairs.ndjson"
echo "input: $((pt * 12)) probe records, $pt targets x 12 hops" \
    "($(stat -c %s "$tmp/pairs.ndjson") bytes)"
run "pp-stats (ndjson)" "$bin/pp-stats" -f ndjson "$tmp/pairs.ndjson"
rows=$(grep -c '"type":"stats"' "$tmp/out")
echo "  $rows stats rows (pairs); $(echo "$rss * 1024 / $rows" | bc)" \
    "bytes of peak RSS per pair"
[ "$rows" -eq $((pt * 12)) ] || { echo "pairs lost: $rows" >&2; exit 1; }
run "pp-stats --parts, then --merge" "$bin/pp-stats" --parts -f ndjson \
    "$tmp/pairs.ndjson"
mv "$tmp/out" "$tmp/parts.ndjson"
run "  --merge of them" "$bin/pp-stats" --merge -f ndjson \
    "$tmp/parts.ndjson"
echo "  $(grep -c '"type":"stats"' "$tmp/out") merged rows;" \
    "$(echo "$rss * 1024 / $rows" | bc) bytes of peak RSS per row"
rm -f "$tmp/pairs.ndjson" "$tmp/parts.ndjson"

# --merge --every streams: 1,000 traced targets' 10-second parts (about
# 200,000 rows) merged into minutes; rows written as windows close, so
# the peak RSS is that of two windows' rows, not of every row.
"$gen" -t 1000 -n 2000000 | "$bin/pp-stats" --parts --every 10s \
    2>/dev/null >"$tmp/parts.ndjson"
rows=$(grep -c '"type":"stats"' "$tmp/parts.ndjson")
run "pp-stats --merge --every 1m of $rows 10-second rows" "$bin/pp-stats" \
    --merge --every 1m -f ndjson "$tmp/parts.ndjson"
echo "  $(grep -c '"type":"stats"' "$tmp/out") merged rows;" \
    "$(echo "$rows / ($user + $sys)" | bc) rows a second of CPU"
rm -f "$tmp/parts.ndjson"

"$gen" -t "$at" -n $((at * 24)) >"$tmp/alert.ndjson"
echo "input: $((at * 24)) probe records, $at targets x 12 hops, 2 rounds"
run "pp-alert (--hops)" "$bin/pp-alert" -f ndjson --hops --loss 50 \
    "$tmp/alert.ndjson"
echo "  $(echo "$rss * 1024 / $at" | bc) bytes of peak RSS per target" \
    "(12 paths each)"
run "pp-alert (destinations)" "$bin/pp-alert" -f ndjson --loss 50 \
    "$tmp/alert.ndjson"
echo "  $(echo "$rss * 1024 / $at" | bc) bytes of peak RSS per target"
