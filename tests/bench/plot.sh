#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# pp-plot benchmark: 1,000,000 probe records to a latency chart (target:
# under 1 s on one core), and 10,000,000 records streamed through a pipe
# (target: SVG under 1 MB, memory bounded by the picture, not the input).
# Usage: tests/bench/plot.sh [BIN-DIR]   (run by `make bench`)
set -eu
bin=${1:-bin}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PP_DATADIR="$(cd "$(dirname "$0")/../.." && pwd)/share"

# N probe records of one target at 100 Hz: RTT 10-16 ms, 1% loss.
gen() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			ts = 1764000000 + i * 0.01
			if (i % 97 == 0)
				printf "{\"type\":\"probe\",\"ts\":%.6f,\"target\":\"bench\",\"seq\":%d,\"status\":\"timeout\"}\n", ts, i
			else
				printf "{\"type\":\"probe\",\"ts\":%.6f,\"target\":\"bench\",\"seq\":%d,\"status\":\"reply\",\"rtt\":%.3f}\n", ts, i, 10 + (i % 13) * 0.5
		}
	}'
}

gen 1000000 >"$tmp/1m.ndjson"
t0=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$tmp/rss1" "$bin/pp-plot" -o "$tmp/1m.svg" "$tmp/1m.ndjson"
t1=$(date +%s.%N)
secs=$(echo "$t1 - $t0" | bc)
rate=$(echo "1000000 / $secs" | bc)
echo "pp-plot latency chart, 1M records: ${secs} s (${rate} records/s), peak RSS $(cat "$tmp/rss1") KB, SVG $(stat -c %s "$tmp/1m.svg") bytes (target < 1 s)"

t0=$(date +%s.%N)
gen 10000000 | /usr/bin/time -f '%M' -o "$tmp/rss10" "$bin/pp-plot" -o "$tmp/10m.svg"
t1=$(date +%s.%N)
secs=$(echo "$t1 - $t0" | bc)
echo "pp-plot latency chart, 10M records via a pipe: ${secs} s (generator included), peak RSS $(cat "$tmp/rss10") KB, SVG $(stat -c %s "$tmp/10m.svg") bytes (target < 1000000 bytes)"
