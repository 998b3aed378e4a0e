#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# Records decoded by threads (lib/stream.c): every reader gives, on stdout
# and stderr and in its exit status, exactly what one thread gives, over
# batch boundaries, bad lines, blank and CRLF lines, a byte order mark,
# nested records, several operands, a missing one and a truncated gzip.

setup() {
	load 'test_helper/common'
	pp_setup
	gen="${BUILD:-$PP_TOP/build}/tests/bench/gen"
	[ -x "$gen" ] || skip "tests/bench/gen not built (make all builds it)"
	export PP_NOW=1800000000
	d="$BATS_TEST_TMPDIR"
	# 6000 records of 3 targets: several batches of 1024 lines.
	"$gen" -n 6000 -t 3 -i 0.2 >"$d/a.ndjson"
	# The same with damage around the batch boundaries (lines 1023 to
	# 1026, 2048 to 2050), blank and CRLF lines, a probe with a nested
	# value (jansson's path), a stats record and a duplicate key.
	awk 'NR == 1023 { print "{\"type\":\"probe\",bad"; next }
	     NR == 1024 { print ""; print "   "; next }
	     NR == 1025 { sub(/}$/, ",\"mpls\":[{\"label\":16,\"tc\":0,\"s\":1,\"ttl\":1}]}"); print; next }
	     NR == 1026 { printf "%s\r\n", $0; next }
	     NR == 2048 { print "{\"type\":\"probe\",\"ts\":1,\"ts\":2}"; next }
	     NR == 2049 { print "{\"type\":\"stats\",\"target\":\"x\",\"ttl\":1}"; next }
	     NR == 2050 { print "not json"; next }
	     { print }' "$d/a.ndjson" >"$d/b.ndjson"
	printf '\357\273\277' >"$d/c.ndjson"
	"$gen" -n 3000 -t 2 -S 1764100000 >>"$d/c.ndjson"
	gzip -c "$d/a.ndjson" | head -c 30000 >"$d/cut.ndjson.gz"
	gzip -c "$d/b.ndjson" >"$d/b.ndjson.gz"
}

# peak_threads PID: the most threads PID had at once, sampled every
# 10 ms until it ends.
peak_threads() {
	local most=1 n
	while kill -0 "$1" 2>/dev/null; do
		n=$(ls /proc/"$1"/task 2>/dev/null | wc -l)
		[ "$n" -gt "$most" ] && most=$n
		sleep 0.01
	done
	echo "$most"
}

# same CMD...: CMD's stdout, stderr and status with PP_THREADS=1 equal
# them with 2 and 3 worker threads.
same() {
	local rc=0
	PP_THREADS=1 "$@" >"$d/one.out" 2>"$d/one.err" || rc=$?
	echo "status $rc" >>"$d/one.err"
	for t in 2 3; do
		rc=0
		PP_THREADS=$t "$@" >"$d/t.out" 2>"$d/t.err" || rc=$?
		echo "status $rc" >>"$d/t.err"
		cmp "$d/one.out" "$d/t.out" || { diff "$d/one.out" "$d/t.out" | head; return 1; }
		cmp "$d/one.err" "$d/t.err" || { diff "$d/one.err" "$d/t.err" | head; return 1; }
	done
}

@test "threads: pp-stats gives what one thread gives (records, bad lines, operands)" {
	same pp-stats -f ndjson "$d/a.ndjson"
	[ "$(grep -c '"type":"stats"' "$d/one.out")" -gt 30 ]
	same pp-stats -f ndjson "$d/b.ndjson"
	grep -q 'b.ndjson:1023: invalid JSON' "$d/one.err"
	grep -q 'b.ndjson:2049: invalid JSON: duplicate object key' "$d/one.err"
	grep -q 'b.ndjson:2051: invalid JSON' "$d/one.err"
	same pp-stats -f ndjson --every 60 "$d/a.ndjson" "$d/missing.ndjson" "$d/b.ndjson.gz" "$d/c.ndjson" "$d/cut.ndjson.gz"
	grep -q "cannot open '$d/missing.ndjson'" "$d/one.err"
	grep -q 'truncated gzip data' "$d/one.err"
	grep -q 'byte order mark' "$d/one.err"
	grep -q '^status 1$' "$d/one.err"
	same pp-stats -f table "$d/b.ndjson" "$d/c.ndjson"
	same pp-stats -f csv --every 30 "$d/c.ndjson" "$d/a.ndjson"
}

@test "threads: --strict stops at the same line; ranges keep the same records" {
	same pp-stats --strict -f ndjson "$d/a.ndjson" "$d/b.ndjson"
	grep -q 'b.ndjson:1023' "$d/one.err"
	! grep -q 'b.ndjson:2049' "$d/one.err"
	same pp-stats -f ndjson --from 1764000300 --to 1764000700 "$d/a.ndjson" "$d/b.ndjson"
}

@test "threads: pp-mos, pp-alert, pp-plot and pp-geo give what one thread gives" {
	same pp-mos "$d/b.ndjson" "$d/c.ndjson"
	same pp-alert -f ndjson --pass "$d/b.ndjson" "$d/a.ndjson"
	same pp-plot -o /dev/stdout "$d/b.ndjson"
	same pp-plot --html /dev/stdout "$d/a.ndjson" "$d/c.ndjson"
	same pp-geo "$d/b.ndjson"
}

@test "threads: used for regular files, not for a pipe" {
	"$gen" -n 400000 -t 2 >"$d/big.ndjson"
	# A worker runs beside the main thread (each reads and decodes
	# batches of lines; the main thread takes their records in order).
	PP_THREADS=2 pp-stats -f ndjson "$d/big.ndjson" >/dev/null &
	pid=$!
	most=$(peak_threads "$pid")
	wait "$pid"
	[ "$most" -eq 2 ]
	# A pipe may block: read by the main thread alone.
	cat "$d/big.ndjson" | PP_THREADS=2 pp-stats -f ndjson >/dev/null &
	most=$(peak_threads $!)	# bash: $! is the pipeline's last command, pp-stats
	wait
	[ "$most" -eq 1 ]
	# The same records either way.
	PP_THREADS=3 pp-stats -f ndjson "$d/big.ndjson" | tail -n +2 >"$d/t.out"
	cat "$d/big.ndjson" | pp-stats -f ndjson | tail -n +2 >"$d/p.out"
	cmp "$d/t.out" "$d/p.out"
}
