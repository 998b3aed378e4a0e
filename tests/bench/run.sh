#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make bench: throughput and memory of the filters, measured against jq in
# the same run (machines are noisy: the ratio is the figure to read).
# Usage: tests/bench/run.sh BIN-DIR BUILD-DIR
#   BENCH_N   records for the timed runs (default 1000000)
#   BENCH_BIG records for the memory run (default 10000000)
set -eu
bin=${1:-bin}
build=${2:-build}
gen="$build/tests/bench/gen"
n=${BENCH_N:-1000000}
big=${BENCH_BIG:-10000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
rate() { echo "$1 / ($3 - $2)" | bc; }
secs() { echo "$2 - $1" | bc; }

"$gen" -n "$n" >"$tmp/t.ndjson"
gzip -c "$tmp/t.ndjson" >"$tmp/t.ndjson.gz"
echo "input: $n probe records of a 12-hop trace ($(stat -c %s "$tmp/t.ndjson") bytes, $(stat -c %s "$tmp/t.ndjson.gz") gzip)"

# The best of three runs of a command, in seconds.
best() {
	b=
	for i in 1 2 3; do
		t0=$(now)
		"$@" >/dev/null
		t1=$(now)
		s=$(secs "$t0" "$t1")
		if [ -z "$b" ] || [ "$(echo "$s < $b" | bc)" = 1 ]; then b=$s; fi
	done
	echo "$b"
}

# The bare line scan of the same bytes (lib/input, nothing decoded), and
# pp-stats on one core (PP_THREADS=1) and on all of them (the default).
s_scan=$(best "$build/tests/bench/linescan" "$tmp/t.ndjson")
s_scan_gz=$(best "$build/tests/bench/linescan" "$tmp/t.ndjson.gz")
export PP_THREADS=1
s_plain1=$(best "$bin/pp-stats" -f ndjson "$tmp/t.ndjson")
s_gz1=$(best "$bin/pp-stats" -f ndjson "$tmp/t.ndjson.gz")
unset PP_THREADS
s_plain=$(best "$bin/pp-stats" -f ndjson "$tmp/t.ndjson")
s_gz=$(best "$bin/pp-stats" -f ndjson "$tmp/t.ndjson.gz")
s_table=$(best "$bin/pp-stats" -f table "$tmp/t.ndjson")
s_mos=$(best "$bin/pp-mos" "$tmp/t.ndjson")
s_plot=$(best "$bin/pp-plot" -o "$tmp/p.svg" "$tmp/t.ndjson")

# The same per-hop reduction in jq (count, answered, sum, min, max).
t0=$(now)
jq -n -c 'reduce (inputs | select(.type == "probe")) as $r ({};
	($r.target + " " + ($r.ttl | tostring)) as $k |
	.[$k].sent += 1 |
	if $r.rtt then
		.[$k].recv += 1 | .[$k].sum += $r.rtt |
		.[$k].min = ([.[$k].min // $r.rtt, $r.rtt] | min) |
		.[$k].max = ([.[$k].max // $r.rtt, $r.rtt] | max)
	else . end)' "$tmp/t.ndjson" >"$tmp/jq.out"
t1=$(now)
s_jq=$(secs "$t0" "$t1")

# Memory on an unbounded stream: BENCH_BIG records through a pipe.
"$gen" -n "$big" | /usr/bin/time -f '%M' -o "$tmp/rss" "$bin/pp-stats" -f ndjson >/dev/null
rss=$(cat "$tmp/rss")

cpus=$(nproc)
printf '%-44s %10s %14s %12s %10s\n' "run" "seconds" "records/s" "vs jq" "/ scan"
line() { printf '%-44s %10.3f %14d %11.1fx %9.1fx\n' "$1" "$2" "$(rate "$n" 0 "$2")" "$(echo "$s_jq / $2" | bc -l)" "$(echo "$2 / ${3:-$s_scan}" | bc -l)"; }
line "bare line scan (plain)" "$s_scan"
line "bare line scan (gzip)" "$s_scan_gz" "$s_scan_gz"
line "pp-stats -f ndjson (plain, 1 core)" "$s_plain1"
line "pp-stats -f ndjson (plain, $cpus cores)" "$s_plain"
line "pp-stats -f ndjson (gzip, 1 core)" "$s_gz1" "$s_scan_gz"
line "pp-stats -f ndjson (gzip, $cpus cores)" "$s_gz" "$s_scan_gz"
line "pp-stats -f table" "$s_table"
line "pp-mos" "$s_mos"
line "pp-plot latency chart" "$s_plot"
printf '%-44s %10.3f %14d %11s\n' "jq per-hop reduction" "$s_jq" "$(rate "$n" 0 "$s_jq")" "1.0x"
echo "pp-stats on $cpus cores: $(echo "$s_plain1 / $s_plain" | bc -l | cut -c1-4)x one core (plain), $(echo "$s_gz1 / $s_gz" | bc -l | cut -c1-4)x (gzip)"
echo "pp-stats peak RSS at $big records (pipe): $rss KB (target < 32768 KB)"
echo "targets: >= 3,000,000 records/s plain on one core and within 3x of the bare scan;"
echo "  >= 1.8x on 2 cores; >= 1,500,000 records/s gzip; >= 15x jq"
