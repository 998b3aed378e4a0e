#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# Fleet scale (issue 14): vantage points end to end, never mixed.

setup() {
	load 'test_helper/common'
	pp_setup
	T=$BATS_TEST_TMPDIR
}

# gen VANTAGE BASE_RTT SEED [new]: 600 probes a second apart to target h
# (about 5 % lost, a few answers written late as a prober writes a
# timeout), of the vantage point VANTAGE: with "new" every probe record
# carries "vantage" (today's probers), else only the meta's host says it
# (an old archive).
gen() {
	awk -v v="$1" -v base="$2" -v seed="$3" -v new="${4:-}" 'BEGIN {
		srand(seed)
		printf "{\"type\":\"meta\",\"tool\":\"pp-probe\",\"version\":\"0.1.0\",\"schema\":1,\"ts\":1764000000.0,\"host\":\"%s\",\"argv\":[\"pp-probe\",\"h\"],\"settings\":{\"proto\":\"icmp\",\"interval\":1.0,\"timeout\":2.0}}\n", v
		vf = new != "" ? sprintf(",\"vantage\":\"%s\"", v) : ""
		held = ""
		for (i = 0; i < 600; i++) {
			ts = 1764000000 + i
			if (rand() < 0.05) {
				# a timeout is known 2 s later: written after
				# the next answer
				line = sprintf("{\"type\":\"probe\",\"ts\":%.6f%s,\"target\":\"h\",\"dst\":\"198.18.9.2\",\"proto\":\"icmp\",\"seq\":%d,\"status\":\"timeout\"}", ts, vf, i)
				held = held line "\n"
				continue
			}
			printf "{\"type\":\"probe\",\"ts\":%.6f%s,\"target\":\"h\",\"dst\":\"198.18.9.2\",\"proto\":\"icmp\",\"seq\":%d,\"status\":\"reply\",\"from\":\"198.18.9.2\",\"rtt\":%.3f}\n", ts, vf, i, base + rand() * 5
			printf "%s", held
			held = ""
		}
		printf "%s", held
	}'
}

# stats_of FILE VANTAGE: the stats records of VANTAGE in FILE, without
# the vantage field (to compare with a single pass)
stats_of() {
	jq -c --arg v "$2" 'select(.type == "stats" and .vantage == $v) | del(.vantage)' "$1"
}

@test "fleet: --vantage on both probers, in the meta and every probe record; default the host name" {
	pp_run 0 pp-probe -c 2 -i 0.05 -W 1 --vantage 'site A' 127.0.0.1
	printf '%s\n' "$output" | jq -e -s '(.[0].type == "meta" and .[0].vantage == "site A") and ([.[1:][] | select(.vantage == "site A")] | length == 2)' >/dev/null
	PP_HOST=vp9 pp_run 0 pp-probe -c 1 -W 1 127.0.0.1
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .vantage == "vp9")' >/dev/null
	pp_run 0 pp-trace -c 1 -m 2 -W 1 -n --vantage rack7 127.0.0.1
	printf '%s\n' "$output" | jq -e -s '.[0].vantage == "rack7" and all(.[1:][]; .vantage == "rack7")' >/dev/null
	pp_run 2 pp-probe -c 1 --vantage '' 127.0.0.1
	assert_stderr --partial "--vantage: name must be 1 to 255 bytes"
	pp_run 2 pp-trace -c 1 --vantage "$(printf 'a\tb')" 127.0.0.1
	assert_stderr --partial "--vantage: name must be text without control characters"
	pp_run 2 pp-probe -c 1 --vantage "$(head -c 256 /dev/zero | tr '\0' x)" 127.0.0.1
}

@test "fleet: three vantage points given, concatenated or interleaved are never mixed: each equals its own single pass" {
	gen vpa 10 1 >"$T/a.ndjson"
	gen vpb 50 2 >"$T/b.ndjson"
	gen vpc 100 3 >"$T/c.ndjson"
	for v in a b c; do
		pp-stats "$T/$v.ndjson" | jq -c 'select(.type == "stats") | del(.vantage)' >"$T/$v.single"
		[ "$(wc -l <"$T/$v.single")" = 1 ]
	done
	# Given as three operands, and concatenated on stdin (old archives:
	# the meta's host is the vantage point).
	pp-stats "$T/a.ndjson" "$T/b.ndjson" "$T/c.ndjson" >"$T/given" 2>"$T/given.err"
	cat "$T/a.ndjson" "$T/b.ndjson" "$T/c.ndjson" | pp-stats >"$T/cat" 2>"$T/cat.err"
	for f in given cat; do
		[ "$(jq -c 'select(.type == "stats")' "$T/$f" | wc -l)" = 3 ]
		stats_of "$T/$f" vpa | cmp - "$T/a.single"
		stats_of "$T/$f" vpb | cmp - "$T/b.single"
		stats_of "$T/$f" vpc | cmp - "$T/c.single"
	done
	# Interleaved line by line (records naming their vantage point).
	gen vpa 10 1 new >"$T/an.ndjson"
	gen vpb 50 2 new >"$T/bn.ndjson"
	gen vpc 100 3 new >"$T/cn.ndjson"
	paste -d '\n' "$T/an.ndjson" "$T/bn.ndjson" "$T/cn.ndjson" | grep -v '^$' >"$T/mix.ndjson"
	pp-stats "$T/mix.ndjson" >"$T/mix"
	stats_of "$T/mix" vpa | cmp - "$T/a.single"
	stats_of "$T/mix" vpb | cmp - "$T/b.single"
	stats_of "$T/mix" vpc | cmp - "$T/c.single"
	# The same figures jq computes from the probes of each vantage point.
	for v in vpa vpb vpc; do
		jq -s -e --arg v "$v" '
			[.[] | select(.type == "probe" and .vantage == $v)] as $p |
			($p | length) as $sent | ([$p[] | select(.status == "reply")] | length) as $recv |
			[.[] | select(.type == "stats")][0] as $s | $s.sent == $sent and $s.recv == $recv' \
			<(cat "$T/mix.ndjson"; jq -c 'select(.type == "stats" and .vantage == "'"$v"'")' "$T/mix") >/dev/null
	done
	# pp-mos and pp-alert key by vantage point too.
	pp_run 0 pp-mos -f ndjson "$T/mix.ndjson"
	[ "$(printf '%s\n' "$output" | jq -r 'select(.type == "mos") | .vantage' | sort | tr '\n' ' ')" = "vpa vpb vpc " ]
	pp_run 0 pp-alert -f ndjson --latency 40 --window 10 "$T/mix.ndjson"
	[ "$(printf '%s\n' "$output" | jq -r 'select(.type == "alert" and .kind == "latency" and .state == "raise") | .vantage' | sort -u | tr '\n' ' ')" = "vpb vpc " ]
}

@test "fleet: tables and CSV show the vantage point; pp-plot names the others' targets" {
	gen vpa 10 1 >"$T/a.ndjson"
	gen vpb 50 2 >"$T/b.ndjson"
	pp_run 0 pp-stats -f table "$T/a.ndjson" "$T/b.ndjson"
	assert_line --partial "HOST: vpa"
	assert_line --partial "HOST: vpb"
	pp_run 0 pp-stats -f csv "$T/a.ndjson" "$T/b.ndjson"
	[ "$(printf '%s\n' "$output" | tail -n +2 | cut -d, -f5 | tr '\n' ' ')" = "vpa vpb " ]
	pp_run 0 pp-plot --html "$T/r.html" -o "$T/p.svg" "$T/a.ndjson" "$T/b.ndjson"
	grep -q 'h (vpb)' "$T/r.html"
	pp_run 0 pp-plot -t 'h (vpb)' -o "$T/b.svg" "$T/a.ndjson" "$T/b.ndjson"
	grep -q 'h (vpb)' "$T/b.svg"
}
