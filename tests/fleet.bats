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

@test "fleet: --merge of 1-minute parts gives one pass's figures: every window, vantage point and level" {
	for v in a b c; do
		case $v in a) base=10 ;; b) base=50 ;; *) base=100 ;; esac
		gen "vp$v" "$base" "$(printf %d "'$v")" new >"$T/$v.ndjson"
		pp-stats --parts --every 1m "$T/$v.ndjson" >"$T/$v.1m"
		pp-stats --every 10m "$T/$v.ndjson" | jq -c 'select(.type == "stats")' >"$T/$v.one"
		pp-stats --every 5m "$T/$v.ndjson" | jq -c 'select(.type == "stats")' >"$T/$v.one5"
	done
	[ "$(jq -c 'select(.type == "stats" and .parts.v == 1)' "$T/a.1m" | wc -l)" = 10 ]
	# Given as files, concatenated, interleaved: each vantage point's
	# 10-minute record is its one pass, every field.
	pp-stats --merge --every 10m "$T/a.1m" "$T/b.1m" "$T/c.1m" >"$T/given"
	cat "$T/a.1m" "$T/b.1m" "$T/c.1m" | pp-stats --merge --every 10m >"$T/cat"
	paste -d '\n' "$T/a.1m" "$T/b.1m" "$T/c.1m" | grep -v '^$' | pp-stats --merge --every 10m >"$T/mix" 2>"$T/mix.err"
	[ ! -s "$T/mix.err" ]
	for f in given cat mix; do
		for v in a b c; do
			jq -c --arg v "vp$v" 'select(.type == "stats" and .vantage == $v) | del(.parts)' "$T/$f" | cmp - "$T/$v.one"
		done
	done
	# Merges merge again: 1m -> 5m -> 10m, and 5m as one pass gives it.
	pp-stats --merge --every 5m "$T/a.1m" >"$T/a.5m"
	jq -c 'select(.type == "stats") | del(.parts)' "$T/a.5m" | cmp - "$T/a.one5"
	pp-stats --merge --every 10m "$T/a.5m" | jq -c 'select(.type == "stats") | del(.parts)' | cmp - "$T/a.one"
	# pp-mos scores a merged record as it scores the probes.
	diff <(pp-mos --every 10m "$T/a.ndjson" | grep '"mos"') <(pp-stats --merge --every 10m "$T/a.1m" | pp-mos | grep '"mos"')
	# Sent and received as jq counts them from the probes.
	jq -s -e '[.[] | select(.type == "probe")] as $p | ($p | length) == 600 and ([$p[] | select(.status == "reply")] | length) as $r |
		$r > 500' "$T/a.ndjson" >/dev/null
	[ "$(jq -s '[.[] | select(.type == "probe" and .status == "reply")] | length' "$T/a.ndjson")" = "$(jq -r 'select(.type == "stats") | .recv' "$T/a.one")" ]
}

@test "fleet: --merge -w: the wide table of merged parts is one pass's wide table, its last block too" {
	# The last block was written after the merge (its strings) had been
	# freed: vantage point and responders came out as stray bytes.
	for f in hand fwd windows; do
		pp-stats --parts --every 10s "$(fixture pp-stats "$f.ndjson")" >"$T/$f.parts"
		pp-stats -f table -w --every 10s "$(fixture pp-stats "$f.ndjson")" >"$T/$f.want"
		pp_run 0 pp-stats --merge --every 10s -f table -w "$T/$f.parts"
		[ "$output" = "$(cat "$T/$f.want")" ] || {
			printf '%s: got\n%s\nwant\n' "$f" "$output"
			cat "$T/$f.want"
			false
		}
	done
}

@test "fleet: --merge --as-vantage: all sites as one; out of order, spans and records without parts are said" {
	for v in a b c; do
		gen "vp$v" 20 "$(printf %d "'$v")" new >"$T/$v.ndjson"
		pp-stats --parts --every 1m "$T/$v.ndjson" >"$T/$v.1m"
	done
	pp-stats --merge --as-vantage all "$T/a.1m" "$T/b.1m" "$T/c.1m" >"$T/all"
	[ "$(jq -c 'select(.type == "stats")' "$T/all" | wc -l)" = 1 ]
	# Counts, extremes and the mean as jq makes them from every probe.
	cat "$T/a.ndjson" "$T/b.ndjson" "$T/c.ndjson" | jq -s -e --slurpfile s "$T/all" '
		[.[] | select(.type == "probe")] as $p | [$p[] | select(.status == "reply") | .rtt] as $r |
		([$s[] | select(.type == "stats")][0]) as $m |
		$m.vantage == "all" and $m.sent == ($p | length) and $m.recv == ($r | length) and
		$m.min == ($r | min) and $m.max == ($r | max) and
		((($r | add) / ($r | length)) * 1000 | round) / 1000 == $m.avg' >/dev/null
	# The probes given out of time order: the windows as the 10-minute
	# one pass (records of a second half first), the seams said.
	head -301 "$T/a.ndjson" >"$T/a1.ndjson"
	{ head -1 "$T/a.ndjson"; tail -n +302 "$T/a.ndjson"; } >"$T/a2.ndjson"
	pp-stats --parts "$T/a1.ndjson" >"$T/a1.p"
	pp-stats --parts "$T/a2.ndjson" >"$T/a2.p"
	cat "$T/a2.p" "$T/a1.p" >"$T/a21.p"
	pp_run 0 pp-stats --merge "$T/a21.p"
	assert_stderr --partial "came out of time order"
	pp-stats "$T/a.ndjson" | jq -c 'select(.type == "stats") | {sent, recv, loss, min, max, avg, stdev, p50, p90, p95, p99}' >"$T/whole"
	printf '%s\n' "$output" | jq -c 'select(.type == "stats") | {sent, recv, loss, min, max, avg, stdev, p50, p90, p95, p99}' | cmp - "$T/whole"
	# A record spanning two windows, records without parts, probes.
	pp-stats --parts --every 3m "$T/a.ndjson" >"$T/a.3m"
	pp-stats --every 1m "$T/a.ndjson" >"$T/a.plain"
	pp_run 0 pp-stats --merge --every 2m "$T/a.3m" "$T/a.plain" "$T/a.ndjson"
	assert_stderr --partial "span two --every windows and were not merged"
	assert_stderr --partial "10 stats records without parts not merged (pp-stats --parts writes them)"
	assert_stderr --partial "600 probe records ignored"
	# Parts of another version are not taken.
	sed 's/"parts":{"v":1,/"parts":{"v":9,/' "$T/a.1m" >"$T/v9.1m"
	pp_run 0 pp-stats --merge "$T/v9.1m"
	assert_stderr --partial "10 stats records with parts of version 9 not merged (this pp-stats reads version 1)"
	# Bad parts: reported with file and line, the others merged.
	sed '3s/"bins":\[\[/"bins":[[1,1],[/' "$T/a.1m" >"$T/bad.1m"
	pp_run 0 pp-stats --merge "$T/bad.1m"
	assert_stderr --partial "bad.1m:3: stats parts: the bins hold"
	[ "$(printf '%s\n' "$output" | jq -r 'select(.type == "stats") | .sent')" -lt 600 ]
	pp_run 2 pp-stats --as-vantage x "$T/a.1m"
	assert_stderr --partial "--as-vantage: only with --merge"
}

@test "fleet: --merge keeps the hop forwarding loss rests on (fwd_ttl) as one pass does; parts on different hops give none, said" {
	# Hop 1 answers 2 rounds of 12 and declines: its forwarding loss
	# is hop 2's (fwd_ttl 2).  The same 12 rounds again 1000 s later,
	# merged from two parts, are one pass over the 24.
	local f=$PP_TOP/tests/fixtures/pp-stats/fwd.ndjson
	jq -c 'if .type == "probe" then .ts += 1000 | .round += 12 | .seq += 100 else . end' "$f" >"$T/later.ndjson"
	pp-stats --parts "$f" >"$T/a.p"
	pp-stats --parts "$T/later.ndjson" >"$T/b.p"
	local want='select(.type == "stats") | [.ttl, .fwd_loss, .fwd_loss_ci, .fwd_sent, .fwd_lost, .fwd_ttl]'
	{ cat "$f"; grep '"probe"' "$T/later.ndjson"; } | pp-stats | jq -c "$want" >"$T/one"
	grep -qx '\[1,0,\[0,13.798\],24,0,2\]' "$T/one"
	pp_run 0 pp-stats --merge "$T/a.p" "$T/b.p"
	printf '%s\n' "$output" | jq -c "$want" | cmp - "$T/one"
	[ -z "$stderr" ]
	# A part whose hop 1 rested on itself: the sum of hop 1's and hop
	# 2's figures would be neither's, so hop 1 has none; the others
	# merge as before.
	jq -c 'if .ttl == 1 then del(.fwd_ttl) else . end' "$T/b.p" >"$T/c.p"
	pp_run 0 pp-stats --merge "$T/a.p" "$T/c.p"
	assert_stderr --partial "1 stats record written without forwarding loss: its parts' forwarding loss rested on different hops (fwd_ttl)"
	printf '%s\n' "$output" | jq -e -s '[.[] | select(.type == "stats")] |
		(.[0] | .ttl == 1 and .sent == 24 and .fwd_loss == null and (has("fwd_ttl") or has("fwd_sent") | not)) and
		(.[2] | .ttl == 3 and .fwd_loss == 25 and .fwd_sent == 24)' >/dev/null
}

@test "fleet: two runs of one vantage point over the same time (other targets), given in turn: every probe counted, each window once" {
	# pp-probe to h and another pp-probe to g on the same host, the same
	# ten minutes, archived apart: the second file's windows were taken
	# as written already (the vantage point's), and all but its last
	# dropped: 540 of its 600 probes 'came after their --every window'.
	gen vpa 10 1 new >"$T/h.ndjson"
	gen vpa 40 7 new | sed 's/"target":"h"/"target":"g"/' >"$T/g.ndjson"
	cat "$T/h.ndjson" "$T/g.ndjson" | jq -sc '.[0], (map(select(.type == "probe")) | sort_by(.ts) | .[])' >"$T/both.ndjson"
	pp-stats --every 1m "$T/both.ndjson" | jq -c 'select(.type == "stats")' | sort >"$T/want"
	[ "$(wc -l <"$T/want")" -eq 20 ]
	[ "$(jq -s 'map(.sent) | add' "$T/want")" -eq 1200 ]
	pp_run 0 pp-stats --every 1m "$T/h.ndjson" "$T/g.ndjson"
	if printf '%s\n' "$stderr" | grep -q "not counted"; then false; fi
	[ "$(printf '%s\n' "$output" | jq -c 'select(.type == "stats")' | sort)" = "$(cat "$T/want")" ]
	pp_run 0 pp-stats -f influx --every 1m "$T/h.ndjson" "$T/g.ndjson"
	[ "$(printf '%s\n' "$output" | grep -c '^pp_stats,')" -eq 20 ]
	[ "$(printf '%s\n' "$output" | awk '{print $1, $NF}' | sort | uniq -d | wc -l)" -eq 0 ]
	# The same with --merge of each file's parts.
	pp-stats --parts --every 10s "$T/h.ndjson" >"$T/h.10s"
	pp-stats --parts --every 10s "$T/g.ndjson" >"$T/g.10s"
	pp_run 0 pp-stats --merge --every 1m "$T/h.10s" "$T/g.10s"
	if printf '%s\n' "$stderr" | grep -q "not merged"; then false; fi
	[ "$(printf '%s\n' "$output" | jq -c 'select(.type == "stats") | [.target, .start, .sent, .recv, .min, .max, .p50]' | sort)" = \
	    "$(jq -c '[.target, .start, .sent, .recv, .min, .max, .p50]' "$T/want" | sort)" ]
	# A copy of a file given too is still refused, said (the same file
	# named twice is read once).
	cp "$T/h.ndjson" "$T/h-copy.ndjson"
	pp_run 0 pp-stats --every 1m "$T/h.ndjson" "$T/g.ndjson" "$T/h-copy.ndjson"
	assert_stderr --partial "540 probes came after their --every window had been written and were not counted"
}

@test "fleet: rotated archives as the shell lists them (trace.1.gz trace.2.gz trace.gz) are read in time order: one pass's windows" {
	# pp-probe --rotate's names; the glob puts the newer .1 before the
	# older .2, and the windows split by a rotation lost their older part
	# (200 of the 600 probes 'came after their --every window').
	gen vpa 10 1 new >"$T/all.ndjson"
	mkdir "$T/r"
	{ head -1 "$T/all.ndjson"; sed -n '2,201p' "$T/all.ndjson"; } | gzip >"$T/r/trace.2.gz"
	{ head -1 "$T/all.ndjson"; sed -n '202,431p' "$T/all.ndjson"; } | gzip >"$T/r/trace.1.gz"
	{ head -1 "$T/all.ndjson"; tail -n +432 "$T/all.ndjson"; } | gzip >"$T/r/trace.gz"
	pp-stats --every 1m "$T/all.ndjson" | jq -c 'select(.type == "stats")' >"$T/want"
	set -- "$T"/r/trace*.gz
	[ "$*" = "$T/r/trace.1.gz $T/r/trace.2.gz $T/r/trace.gz" ]
	pp_run 0 pp-stats --every 1m "$@"
	assert_stderr "pp-stats: $T/r/trace.2.gz read before $T/r/trace.1.gz, its records being older (the inputs of a vantage point are read in time order)"
	[ "$(printf '%s\n' "$output" | jq -c 'select(.type == "stats")')" = "$(cat "$T/want")" ]
	# A file named twice (trace*.gz trace.gz) is read once: its probes
	# were counted twice without --every.
	pp_run 0 pp-stats "$@" "$T/r/trace.gz"
	assert_stderr --partial "pp-stats: $T/r/trace.gz given twice: read once"
	[ "$(printf '%s\n' "$output" | jq -c 'select(.type == "stats") | .sent')" -eq 600 ]
	pp_run 0 pp-mos --every 1m "$@"
	[ "$(printf '%s\n' "$output" | jq -c 'select(.type == "mos") | del(.vantage)')" = \
	    "$(pp-mos --every 1m "$T/all.ndjson" | jq -c 'select(.type == "mos") | del(.vantage)')" ]
	# Other vantage points' files keep their places; in order, nothing
	# is said.
	gen vpb 50 2 new >"$T/b.ndjson"
	pp_run 0 pp-stats --every 1m "$T/b.ndjson" "$T/r/trace.2.gz" "$T/r/trace.1.gz" "$T/r/trace.gz"
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | jq -c 'select(.type == "stats" and .vantage == "vpa")')" = "$(cat "$T/want")" ]
}

@test "fleet: one window, once: --every with late records and files out of time order" {
	gen vpa 10 1 new >"$T/a.ndjson"
	pp-stats --every 1m "$T/a.ndjson" | jq -c 'select(.type == "stats")' >"$T/one"
	[ "$(wc -l <"$T/one")" = 10 ]
	# The two halves of the archive given in the wrong order: the same
	# ten windows, each once, each as one pass gives it.
	head -301 "$T/a.ndjson" >"$T/a1.ndjson"
	{ head -1 "$T/a.ndjson"; tail -n +302 "$T/a.ndjson"; } >"$T/a2.ndjson"
	pp_run 0 pp-stats --every 1m "$T/a2.ndjson" "$T/a1.ndjson"
	printf '%s\n' "$output" | jq -c 'select(.type == "stats")' | sort >"$T/swapped"
	sort "$T/one" | cmp - "$T/swapped"
	# A probe 10 minutes late (its window written long before): counted
	# apart and said, its window not written again.
	{ cat "$T/a.ndjson"; printf '{"type":"probe","ts":1764000030.5,"vantage":"vpa","target":"h","seq":9999,"status":"reply","from":"198.18.9.2","rtt":900.0}\n'; } >"$T/late.ndjson"
	pp_run 0 pp-stats --every 1m "$T/late.ndjson"
	assert_stderr --partial "1 probe came after its --every window had been written and was not counted (a window is written once)"
	printf '%s\n' "$output" | jq -c 'select(.type == "stats")' | cmp - "$T/one"
	# InfluxDB: one point per series and time, whatever the order.
	pp_run 0 pp-stats -f influx --every 1m "$T/a2.ndjson" "$T/a1.ndjson" "$T/late.ndjson"
	[ "$(printf '%s\n' "$output" | grep -c '^pp_stats,')" = 10 ]
	[ "$(printf '%s\n' "$output" | grep '^pp_stats,' | awk '{print $1, $NF}' | sort | uniq -d | wc -l)" = 0 ]
	# Concatenated vantage points each keep their own clock: every
	# window of each, once.
	gen vpb 50 2 new >"$T/b.ndjson"
	cat "$T/a.ndjson" "$T/b.ndjson" | pp-stats --every 1m >"$T/ab" 2>"$T/ab.err"
	[ "$(jq -r 'select(.type == "stats") | "\(.vantage) \(.start)"' "$T/ab" | sort | uniq -d | wc -l)" = 0 ]
	[ "$(jq -c 'select(.type == "stats")' "$T/ab" | wc -l)" = 20 ]
	jq -c 'select(.type == "stats" and .vantage == "vpa")' "$T/ab" | cmp - "$T/one"
	! grep -q "not counted" "$T/ab.err"
}

@test "fleet: no silent caps: 72,000 target and hop pairs all counted by pp-stats, pp-mos and pp-alert" {
	gen="${BUILD:-$PP_TOP/build}/tests/bench/gen"
	[ -x "$gen" ] || skip "tests/bench/gen not built"
	"$gen" -t 6000 -n 72000 >"$T/many.ndjson"
	pp_run 0 pp-stats -f csv "$T/many.ndjson"
	[ "$(printf '%s\n' "$output" | tail -n +2 | wc -l)" = 72000 ]
	[ "$(printf '%s\n' "$output" | tail -n +2 | cut -d, -f6 | sort -u | wc -l)" = 6000 ]
	[[ "$stderr" != *"not counted"* ]]
	# Every probe in a row: the sum of sent is jq's count of probes.
	[ "$(printf '%s\n' "$output" | tail -n +2 | awk -F, '{s += $9} END {print s}')" = "$(jq -c 'select(.type == "probe")' "$T/many.ndjson" | wc -l)" ]
	pp_run 0 pp-mos -f ndjson "$T/many.ndjson"
	[ "$(printf '%s\n' "$output" | grep -c '"type":"mos"')" = 6000 ]
	pp_run 0 pp-alert -f ndjson --hops --loss 100 "$T/many.ndjson"
	[[ "$stderr" != *"not judged"* ]]
}

@test "fleet: pp-alert puts each vantage point's probes in order on their own (interleaved with a skew); text lines name the vantage point" {
	gen vpa 10 1 new >"$T/a.ndjson"
	# vpb's clock 30 s ahead of vpa's: a shared reorder buffer would let
	# vpb's newer times release vpa's outcomes in arrival order.
	gen vpb 50 2 new | jq -c 'if .type == "probe" then .ts += 30 else . end' >"$T/b.ndjson"
	paste -d '\n' "$T/a.ndjson" "$T/b.ndjson" | grep -v '^$' >"$T/mix.ndjson"
	for v in a b; do
		pp-alert -f ndjson --loss 5 --window 20 "$T/$v.ndjson" | jq -c 'select(.type != "meta")' >"$T/$v.alerts"
		[ "$(wc -l <"$T/$v.alerts")" -gt 4 ]
	done
	pp_run 0 pp-alert -f ndjson --loss 5 --window 20 "$T/mix.ndjson"
	for v in a b; do
		printf '%s\n' "$output" | jq -c --arg v "vp$v" 'select(.type != "meta" and .vantage == $v)' | cmp - "$T/$v.alerts"
	done
	# Text: the vantage point in brackets once there are two.
	pp_run 0 pp-alert -f text --loss 5 --window 20 "$T/mix.ndjson"
	[ "$(printf '%s\n' "$output" | grep -c ' \[vpa\] h loss ')" -eq "$(grep -c '"kind":"loss"' "$T/a.alerts")" ]
	[ "$(printf '%s\n' "$output" | grep -c ' \[vpb\] h loss ')" -eq "$(grep -c '"kind":"loss"' "$T/b.alerts")" ]
	pp_run 0 pp-alert -f text --loss 5 --window 20 "$T/a.ndjson"
	[ "$(printf '%s\n' "$output" | grep -c ' h loss ')" -gt 0 ]
	[ "$(printf '%s\n' "$output" | grep -c '\[')" -eq 0 ]
}

@test "fleet: --merge of a larger archive (200,000 probes, 240 hops, 20,000 parts) equals one pass; rows written as their windows close" {
	gen="${BUILD:-$PP_TOP/build}/tests/bench/gen"
	[ -x "$gen" ] || skip "tests/bench/gen not built"
	"$gen" -t 20 -n 200000 >"$T/l.ndjson"
	pp-stats --every 1m "$T/l.ndjson" 2>/dev/null | jq -c 'select(.type == "stats")' >"$T/one"
	pp-stats --parts --every 10s "$T/l.ndjson" 2>/dev/null >"$T/l.10s"
	pp_run 0 pp-stats --merge --every 1m "$T/l.10s"
	printf '%s\n' "$output" | jq -c 'select(.type == "stats") | del(.parts)' >"$T/merged"
	[ "$(wc -l <"$T/one")" -eq 3360 ]
	# Every row, in one pass's order: counts, loss, extremes, spread and
	# percentiles exactly, means and jitter to the last printed digit
	# (Chan's formula); forwarding loss is each part's, not compared.
	jq -n -e --slurpfile a "$T/one" --slurpfile b "$T/merged" '
		def near(x; y): (x == null and y == null) or ((x - y) | fabs) <= 0.0011;
		($a | length) == ($b | length) and all(range(0; $a | length); . as $i | $a[$i] as $x | $b[$i] as $y |
			([$x.vantage, $x.target, $x.ttl, $x.addr, $x.start, $x.end, $x.sent, $x.recv, $x.loss, $x.loss_ci, $x.last,
			  $x.min, $x.max, $x.stdev, $x.p50, $x.p90, $x.p95, $x.p99, $x.jmax, $x.jint] ==
			 [$y.vantage, $y.target, $y.ttl, $y.addr, $y.start, $y.end, $y.sent, $y.recv, $y.loss, $y.loss_ci, $y.last,
			  $y.min, $y.max, $y.stdev, $y.p50, $y.p90, $y.p95, $y.p99, $y.jmax, $y.jint]) and
			near($x.avg; $y.avg) and near($x.jitter; $y.jitter) and ($x.addrs | length) == ($y.addrs | length) and
			all(range(0; $x.addrs | length); $x.addrs[.] as $p | $y.addrs[.] as $q |
				$p.addr == $q.addr and $p.recv == $q.recv and $p.min == $q.min and $p.max == $q.max and near($p.avg; $q.avg)))' >/dev/null
	# Streamed: with the input still open, the closed windows are out.
	# (14 windows of 240 rows: all but the last two.)
	mkfifo "$T/fifo"
	pp-stats -u --merge --every 1m <"$T/fifo" >"$T/early" 3>&- &
	exec 5>"$T/fifo"
	cat "$T/l.10s" >&5
	for _ in $(seq 100); do
		[ "$(grep -c '"type":"stats"' "$T/early")" -lt 2880 ] || break
		sleep 0.1
	done
	n=$(grep -c '"type":"stats"' "$T/early")
	exec 5>&-
	wait
	[ "$n" -eq 2880 ]
	[ "$(grep -c '"type":"stats"' "$T/early")" -eq 3360 ]
	# A record of a window already written: not merged, said.
	{ cat "$T/l.10s"; sed -n 2p "$T/l.10s"; } >"$T/late.10s"
	pp_run 0 pp-stats --merge --every 1m "$T/late.10s"
	assert_stderr --partial "--merge: 1 stats record came after its window was written"
	[ "$(printf '%s\n' "$output" | jq -c 'select(.type == "stats") | del(.parts)' | cmp - "$T/merged" && echo same)" = same ]
}

@test "fleet: --merge of a vantage point's files given out of time order fills the windows not written yet: one pass's rows" {
	# Ten minutes of 10 s parts, in two files of five minutes, given the
	# later one first: the earlier file's windows had never been
	# written, yet were all dropped ('came after their window was
	# written', 30 records: five minutes gone).
	gen vpa 10 1 new | pp-stats --parts --every 10s >"$T/all.10s"
	head -1 "$T/all.10s" >"$T/first.10s"
	head -1 "$T/all.10s" >"$T/second.10s"
	tail -n +2 "$T/all.10s" | jq -c 'select(.start < 1764000300)' >>"$T/first.10s"
	tail -n +2 "$T/all.10s" | jq -c 'select(.start >= 1764000300)' >>"$T/second.10s"
	[ "$(grep -c '"type":"stats"' "$T/first.10s")" -eq 30 ]
	pp-stats --merge --every 1m "$T/first.10s" "$T/second.10s" | jq -c 'select(.type == "stats") | del(.parts)' |
	    jq -sc 'sort_by(.start) | .[] | [.start, .sent, .recv, .loss, .min, .max, .p50, .p99]' >"$T/want"
	[ "$(wc -l <"$T/want")" -eq 10 ]
	pp_run 0 pp-stats --merge --every 1m "$T/second.10s" "$T/first.10s"
	refute_stderr_has() { ! printf '%s\n' "$stderr" | grep -q "$1"; }
	refute_stderr_has "were not merged"
	[ "$(printf '%s\n' "$output" | jq -c 'select(.type == "stats")' |
	    jq -sc 'sort_by(.start) | .[] | [.start, .sent, .recv, .loss, .min, .max, .p50, .p99]')" = "$(cat "$T/want")" ]
	# Each window once: no two rows of one start.
	[ "$(printf '%s\n' "$output" | jq -r 'select(.type == "stats") | .start' | sort | uniq -d)" = "" ]
	# A window written already is still never written again.
	{ cat "$T/second.10s" "$T/first.10s"; sed -n 2p "$T/second.10s"; } >"$T/again.10s"
	pp_run 0 pp-stats --merge --every 1m "$T/again.10s"
	assert_stderr --partial "--merge: 1 stats record came after its window was written and was not merged"
	[ "$(printf '%s\n' "$output" | jq -r 'select(.type == "stats") | .start' | sort | uniq -d)" = "" ]
}

@test "fleet: --merge joins an outage that spans parts (ongoing at one part's end, from the next one's start) as one pass reports it" {
	# 600 probes a second apart, 200 to 259 lost: cut into three parts
	# inside the outage (at 220 and 240), each made into parts.
	awk 'BEGIN {
		printf "{\"type\":\"meta\",\"tool\":\"pp-probe\",\"version\":\"0.1.0\",\"schema\":1,\"ts\":1764000000.0,\"host\":\"vpa\",\"vantage\":\"vpa\",\"argv\":[\"pp-probe\",\"h\"],\"settings\":{\"proto\":\"icmp\",\"interval\":1.0,\"timeout\":2.0}}\n"
		for (i = 0; i < 600; i++) {
			ts = 1764000000 + i
			if (i >= 200 && i < 260)
				printf "{\"type\":\"probe\",\"ts\":%.6f,\"vantage\":\"vpa\",\"target\":\"h\",\"dst\":\"198.18.9.2\",\"proto\":\"icmp\",\"seq\":%d,\"status\":\"timeout\"}\n", ts, i
			else
				printf "{\"type\":\"probe\",\"ts\":%.6f,\"vantage\":\"vpa\",\"target\":\"h\",\"dst\":\"198.18.9.2\",\"proto\":\"icmp\",\"seq\":%d,\"status\":\"reply\",\"from\":\"198.18.9.2\",\"rtt\":%.3f}\n", ts, i, 10 + (i % 7) / 10
		}
	}' >"$T/o.ndjson"
	head -221 "$T/o.ndjson" >"$T/o1.ndjson"
	{ head -1 "$T/o.ndjson"; sed -n 222,241p "$T/o.ndjson"; } >"$T/o2.ndjson"
	{ head -1 "$T/o.ndjson"; tail -n +242 "$T/o.ndjson"; } >"$T/o3.ndjson"
	pp-stats --every 1m "$T/o.ndjson" | jq -c 'select(.type == "outage")' >"$T/one"
	[ "$(wc -l <"$T/one")" = 1 ]
	for i in 1 2 3; do
		pp-stats --parts --every 1m "$T/o$i.ndjson" >"$T/o$i.p"
	done
	# The parts alone: three pieces, the first two ongoing.
	[ "$(cat "$T"/o[123].p | jq -c 'select(.type == "outage") | .ongoing' | tr '\n' ' ')" = "true true null " ]
	pp_run 0 pp-stats --merge --every 1m "$T/o1.p" "$T/o2.p" "$T/o3.p"
	printf '%s\n' "$output" | jq -c 'select(.type == "outage")' | cmp - "$T/one"
	cat "$T"/o[123].p | pp-stats --merge | jq -c 'select(.type == "outage")' | cmp - "$T/one"
	# Out of order (in one file: files are read in time order) they are
	# not one outage: each as it came.
	cat "$T/o3.p" "$T/o1.p" >"$T/o31.p"
	pp_run 0 pp-stats --merge "$T/o31.p"
	[ "$(printf '%s\n' "$output" | jq -c 'select(.type == "outage") | .ongoing' | tr '\n' ' ')" = "null true " ]
}
