#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# pp-stats: per target and hop statistics.

setup() {
	load 'test_helper/common'
	pp_setup
	F="$PP_TOP/tests/fixtures/pp-stats"
}

# pp_body RC ARGS...: pp_run of pp-stats ARGS, without its meta record
pp_body() {
	local rc=$1
	shift
	pp_run "$rc" bash -c 'set -o pipefail; pp-stats "$@" | tail -n +2' _ "$@"
}

@test "pp-stats -h prints the usage, equal to the man page SYNOPSIS" {
	pp_run 0 pp-stats -h
	assert_line --index 0 --partial "usage: pp-stats [-huVw]"
	usage_matches_man pp-stats
}

@test "pp-stats: bad option or value exits 2 with the usage or a message" {
	pp_run 2 pp-stats --bogus
	[ -z "$output" ]
	assert_stderr --partial "usage: pp-stats"
	pp_run 2 pp-stats -f xml
	assert_stderr --partial "-f: format must be ndjson, table, csv, prom or influx: xml"
	pp_run 2 pp-stats --every 5x
	assert_stderr --partial "--every: invalid duration: 5x"
	pp_run 2 pp-stats --outage-loss 0
}

@test "pp-stats: whether refused counted as down is said per row, as each input's meta has it" {
	# Two runs of the same closed-port check: one whose meta says
	# "refused":"down" (a --refused-down run), one plain, at another
	# vantage point; then the plain one again at the same vantage point
	# and target, 100 s later.
	sed '1s/"port":9}/"port":9,"refused":"down"}/' "$F/tcp.ndjson" >"$BATS_TEST_TMPDIR/down.ndjson"
	sed 's/"host":"lab"/"host":"lab2"/' "$F/tcp.ndjson" >"$BATS_TEST_TMPDIR/up.ndjson"
	sed 's/"ts":17640000\([0-9]\)/"ts":17640001\1/g' "$F/tcp.ndjson" >"$BATS_TEST_TMPDIR/later.ndjson"
	for order in "down up" "up down"; do
		set -- $order
		pp_run 0 pp-stats -f table "$BATS_TEST_TMPDIR/$1.ndjson" "$BATS_TEST_TMPDIR/$2.ndjson"
		# The down run's row says so; the plain run's does not.
		printf '%s\n' "$output" | awk '/^HOST: lab /{h="down"} /^HOST: lab2 /{h="up"} /connections/{print h ": " $0}' >"$BATS_TEST_TMPDIR/c"
		grep -qx 'down:         (connections)  4 open, 2 refused (refused counted as down)' "$BATS_TEST_TMPDIR/c"
		grep -qx 'up:         (connections)  4 open, 2 refused' "$BATS_TEST_TMPDIR/c"
		# And the records: refused_down on the down run's row only.
		pp_body 0 "$BATS_TEST_TMPDIR/$1.ndjson" "$BATS_TEST_TMPDIR/$2.ndjson"
		printf '%s\n' "$output" | jq -s -e 'map(select(.type == "stats")) | (map(select(.vantage == "lab")) | .[0].refused_down == 2 and .[0].recv == 4) and (map(select(.vantage == "lab2")) | (.[0] | has("refused_down") | not) and .[0].recv == 6)' >/dev/null
	done
	# One row made of both: how many of its refused were counted down.
	pp_run 0 pp-stats -f table "$BATS_TEST_TMPDIR/down.ndjson" "$BATS_TEST_TMPDIR/later.ndjson"
	assert_output --partial "(connections)  8 open, 4 refused (2 of them counted as down)"
	pp_body 0 "$BATS_TEST_TMPDIR/down.ndjson" "$BATS_TEST_TMPDIR/later.ndjson"
	printf '%s\n' "$output" | jq -s -e 'map(select(.type == "stats")) | length == 1 and .[0].refused == 4 and .[0].refused_down == 2' >/dev/null
	# --refused-down: every row's refused are down.
	pp_run 0 pp-stats -f table --refused-down "$BATS_TEST_TMPDIR/up.ndjson" "$BATS_TEST_TMPDIR/later.ndjson"
	[ "$(printf '%s\n' "$output" | grep -c '2 refused (refused counted as down)')" -eq 2 ]
}

@test "pp-stats: golden output, exact (J-01 vector, an out-of-order timeout)" {
	pp_run 0 pp-stats "$F/hand.ndjson"
	assert_ndjson
	[ "$(printf '%s\n' "$output" | tail -n +2)" = "$(cat "$F/hand.expected.ndjson")" ]
	# jitter 5.5 and jmax 10 (|2|,|1|,|9|,|10| over answers in send
	# order, the timeout skipped), RFC 3550 J 1.310, sample sd 4.219.
	assert_output --partial '"jitter":5.5,"jmax":10.0,"jint":1.31,'
	assert_output --partial '"stdev":4.219,'
	# The meta record says what ran and carries the input's settings.
	printf '%s\n' "$output" | head -1 | jq -e '.type == "meta" and .tool == "pp-stats" and .ts == 1764000000 and .host == "testhost" and .settings.source.timeout == 2' >/dev/null
}

@test "pp-stats: forwarding loss: a hop that declines takes the next hop's; intervals; hops beyond the destination hidden" {
	# 12 rounds: hop 1 answers 2 (83 % lost) where hop 2 loses none:
	# Fisher C(12,10) / C(24,10) = 3.4e-5 < 0.001, it declines and shows
	# hop 2's 0 % [0, 24.25] (Wilson, 0 of 12: z^2 / (12 + z^2));
	# hops 3 and 4 lose 3 of 12 each: their own 25 % [8.89, 53.23].
	pp_body 0 "$F/fwd.ndjson"
	[ "$output" = "$(cat "$F/fwd.expected.ndjson")" ]
	printf '%s\n' "$output" | jq -e -s '
		(.[0] | .ttl == 1 and .loss == 83.333 and .fwd_loss == 0 and
		 .fwd_loss_ci == [0, 24.249] and .fwd_ttl == 2 and .fwd_sent == 12 and
		 .fwd_lost == 0 and .loss_ci == [55.197, 95.303] and
		 .addr == "198.18.1.2" and (.addrs | length) == 2 and
		 .addrs[1].addr == "198.18.1.9" and .addrs[1].recv == 1) and
		(.[1] | .ttl == 2 and .fwd_loss == 0 and (has("fwd_ttl") | not)) and
		(.[2] | .ttl == 3 and .fwd_loss == 25 and .fwd_loss_ci == [8.894, 53.231]) and
		(.[3] | .ttl == 4 and .loss == 25 and .fwd_loss == 25) and
		all(has("rate_limited") | not) and
		length == 4' >/dev/null
}

@test "pp-stats: ICMP rate limiting is recognised, never forwarding loss (pp-trace --udp -c 10 -i 0.2, lab, lossless)" {
	# Every router and the destination (its port unreachables) answer 7
	# rounds and then, past the burst of 6, one a second: rounds 7..9
	# unanswered.  A bucket of 1 s explains all 3 (pp-stats(1)); mtr
	# reports such a hop as lossy.
	pp_body 0 "$F/ratelimit.ndjson"
	printf '%s\n' "$output" | jq -e -s '
		length == 5 and all(.type == "stats") and
		all(.loss == 30 and .fwd_loss == 0 and .fwd_sent == 7 and
		    .fwd_loss_ci == [0, 35.433] and .rate_limited == 3 and
		    .rate_limit == 1)' >/dev/null
	# No outage at the destination: its silence is the limit's.
	! printf '%s\n' "$output" | grep -q '"outage"'
	pp_run 0 pp-stats -f table "$F/ratelimit.ndjson"
	assert_line --regexp '^  5\.\|-- 198\.18\.5\.2 +30\.0% +0\.0% +10 '
	assert_output --partial "        95% interval: loss 10.8-60.3%, forwarding 0.0-35.4%"
	assert_output --partial "        (rate limit)  3 of 3 unanswered: ICMP limit 1 per 1 s, not loss"
	pp_run 0 pp-stats -f table -w "$F/ratelimit.ndjson"
	assert_line --regexp '^  5\.\|-- 198\.18\.5\.2 +30\.0% +10\.8-60\.3 +0\.0% +0\.0-35\.4 +10 '
	pp_run 0 pp-stats -f prom "$F/ratelimit.ndjson"
	assert_output --partial 'pp_probes_rate_limited_total{vantage="vm",target="198.18.5.2",ttl="5",addr="198.18.5.2"} 3'
	assert_output --partial 'pp_rate_limit_seconds{vantage="vm",target="198.18.5.2",ttl="5",addr="198.18.5.2"} 1.0'
	assert_output --partial 'pp_forwarding_loss_ratio_upper{vantage="vm",target="198.18.5.2",ttl="5",addr="198.18.5.2"} 0.35433'
	pp_run 0 pp-stats -f influx "$F/ratelimit.ndjson"
	assert_output --partial ',fwd_loss=0.0,fwd_lo=0.0,fwd_hi=35.433,fwd_sent=7i,fwd_lost=0i,'
	assert_output --partial ',rate_limited=3i,rate_limit=1.0,'
	pp_run 0 pp-stats -f csv "$F/ratelimit.ndjson"
	assert_output --partial ',0,10.779,60.322,0.000,35.433,7,0,,3,1.000'
}

@test "pp-stats: MPLS label stacks per responder, in the records and the table as mtr -e shows them" {
	pp_body 0 "$F/mpls.ndjson"
	printf '%s\n' "$output" | jq -e -s '.[1].addrs == [
		{"addr":"198.18.2.2","recv":1,"avg":5.0,"min":5.0,"max":5.0,"mpls":[{"label":24001,"tc":0,"s":1,"ttl":1}]},
		{"addr":"198.18.102.2","recv":1,"avg":5.0,"min":5.0,"max":5.0,"mpls":[{"label":100,"tc":0,"s":0,"ttl":1},{"label":200,"tc":5,"s":1,"ttl":1}]}]' >/dev/null
	pp_run 0 pp-stats -f table "$F/mpls.ndjson"
	printf '%s\n' "$output" | sed -n '/^  2\./,/^  3\./p' >"$BATS_TEST_TMPDIR/t"
	[ "$(sed -n '2p;4,5p' "$BATS_TEST_TMPDIR/t")" = "$(printf '%s\n' \
		'        [MPLS: Lbl 24001 TC 0 S 1 TTL 1]' \
		'        [MPLS: Lbl 100 TC 0 S 0 TTL 1]' \
		'        [MPLS: Lbl 200 TC 5 S 1 TTL 1]')" ]
	sed -n 3p "$BATS_TEST_TMPDIR/t" | grep -q '^        198\.18\.102\.2 '
	# A bad stack is a bad line.
	printf '%s\n' '{"type":"probe","ts":1,"target":"x","status":"ttl-expired","ttl":1,"round":0,"from":"a","rtt":1,"mpls":[{"label":2000000}]}' >"$BATS_TEST_TMPDIR/bad"
	pp_run 0 pp-stats "$BATS_TEST_TMPDIR/bad"
	assert_stderr --partial 'field "mpls": entry 1 is not a label'
}

@test "pp-stats: an ICMP unreachable from a router is a loss at the destination, never an RTT" {
	# A dead host behind a router that answers host-unreachable (code 1):
	# pp-probe's own summary says 100% loss, and so does pp-stats.
	pp_body 0 "$F/unreach.ndjson"
	printf '%s\n' "$output" | jq -e -s '
		.[0] | .type == "stats" and .sent == 10 and .recv == 0 and
		.loss == 100 and .avg == null and .last == null and .addr == null and
		.addrs == []' >/dev/null
	pp_run 0 pp-stats -f prom "$F/unreach.ndjson"
	assert_output --partial 'pp_loss_ratio{vantage="lab",target="198.18.4.2"} 1.0'
	assert_output --partial 'pp_rtt_avg_seconds{vantage="lab",target="198.18.4.2"} NaN'
	# The unreachables apart, with their source and code, in every format.
	printf '%s\n' "$output" | grep -qx 'pp_unreachable_total{vantage="lab",target="198.18.4.2",from="198.18.3.2",code="1",reason="host-unreachable"} 10'
	pp_body 0 "$F/unreach.ndjson"
	printf '%s\n' "$output" | head -1 | jq -e '.unreachable == 10 and
		.unreachable_from == [{"addr":"198.18.3.2","code":1,"reason":"host-unreachable","count":10}]' >/dev/null
	pp_run 0 pp-stats -f table "$F/unreach.ndjson"
	assert_line --regexp '^  -\.\|-- \?\?\? +100\.0%     -    10     -     -     -     -'
	assert_line --regexp '^ +198\.18\.3\.2  10 unreachable \(host-unreachable, code 1\): lost$'
	assert_line "        95% interval: loss 72.2-100.0%"
	pp_run 0 pp-stats -f csv "$F/unreach.ndjson"
	assert_line '1764000000.000000,2025-11-24T16:00:00.000,1764000009.000000,2025-11-24T16:00:09.000,lab,198.18.4.2,,,10,0,100.000,,,,,,,,,,,,,,,10,198.18.3.2 host-unreachable 1 10,,,0,72.247,100.000,,,,,,,'
	pp_run 0 pp-stats -f influx "$F/unreach.ndjson"
	assert_line 'pp_stats,vantage=lab,target=198.18.4.2 sent=10i,recv=0i,loss=100.0,loss_lo=72.247,loss_hi=100.0,unreachable=10i,unreachable_from="198.18.3.2 host-unreachable 1 10",end_ts=1764000009.0 1764000000000000000'
}

@test "pp-stats: TCP open and refused; --refused-down and the input's meta; local drops apart" {
	# 8 records: 3 open, 2 refused, 1 reply of an old archive (no conn:
	# open), 1 timeout, 1 timeout marked local_drop (in neither sent
	# nor loss).
	pp_body 0 "$F/tcp.ndjson"
	printf '%s\n' "$output" | head -1 | jq -e '.sent == 7 and .recv == 6 and
		.open == 4 and .refused == 2 and .local_drop == 1' >/dev/null
	pp_body 0 --refused-down "$F/tcp.ndjson"
	printf '%s\n' "$output" | head -1 | jq -e '.sent == 7 and .recv == 4 and
		.loss == 42.857 and .open == 4 and .refused == 2' >/dev/null
	# A prober's meta saying "refused":"down" is honoured as the option.
	sed '1s/"port":9}/"port":9,"refused":"down"}/' "$F/tcp.ndjson" >"$BATS_TEST_TMPDIR/down.ndjson"
	grep -q '"refused":"down"' "$BATS_TEST_TMPDIR/down.ndjson"
	pp_body 0 "$BATS_TEST_TMPDIR/down.ndjson"
	printf '%s\n' "$output" | head -1 | jq -e '.recv == 4' >/dev/null
	pp_run 0 pp-stats -f table --refused-down "$F/tcp.ndjson"
	assert_output --partial "        (connections)  4 open, 2 refused (refused counted as down)"
	assert_output --partial "1 timeout maybe lost inside this host: not counted"
	# A TCP trace: the connections are the destination's, never said at
	# the routers on the way.
	{
		echo '{"type":"meta","tool":"pp-trace","schema":1,"ts":1,"host":"lab","settings":{"proto":"tcp","port":80}}'
		for r in 0 1 2; do
			echo '{"type":"probe","ts":'$((10 + r))',"target":"svc","dst":"198.18.4.2","proto":"tcp","ttl":1,"round":'$r',"status":"ttl-expired","from":"198.18.1.2","rtt":0.5}'
			echo '{"type":"probe","ts":'$((10 + r)).1',"target":"svc","dst":"198.18.4.2","proto":"tcp","ttl":2,"round":'$r',"status":"reply","conn":"refused","from":"198.18.4.2","rtt":0.9}'
		done
	} >"$BATS_TEST_TMPDIR/trace.ndjson"
	pp_run 0 pp-stats -f table "$BATS_TEST_TMPDIR/trace.ndjson"
	assert_output --partial "        (connections)  0 open, 3 refused"
	[ "$(printf '%s\n' "$output" | grep -c '(connections)')" -eq 1 ]
	pp_run 0 pp-stats -f prom "$F/tcp.ndjson"
	assert_output --partial 'pp_tcp_connections_total{vantage="lab",target="svc",addr="198.18.4.2",state="refused"} 2'
	assert_output --partial 'pp_probes_local_drop_total{vantage="lab",target="svc",addr="198.18.4.2"} 1'
	pp_run 0 pp-stats -f influx "$F/tcp.ndjson"
	assert_output --partial ',open=4i,refused=2i,local_drop=1i,'
	pp_run 0 pp-stats -f csv "$F/tcp.ndjson"
	assert_output --partial ',0,,4,2,1,'
}

@test "pp-stats -f table: an mtr-style report with every responder" {
	pp_run 0 pp-stats -f table "$F/fwd.ndjson"
	[ "$output" = "$(cat "$F/fwd.expected.table")" ]
	assert_line --partial "HOST: vp1"
	assert_line --regexp '^  1\.\|-- 198\.18\.1\.2 +83\.3% +0\.0% +12 '
	assert_line "        95% interval: loss 55.2-95.3%, forwarding 0.0-24.2%"
	assert_line "        (declines to answer)  not the path's loss: Fwd% is hop 2's"
	assert_line --regexp '^ +198\.18\.1\.9  1 reply, avg 4\.000, best 4\.000, wrst 4\.000 ms$'
}

@test "pp-stats -f table: 80 columns; names and AS numbers from pp-geo; IPv6 never cut; -w a line a hop" {
	pp_run 0 pp-stats -f table "$F/names.ndjson"
	printf '%s\n' "$output" | awk 'length($0) > 80 { bad = 1 } END { exit bad }' || _pp_fail "a line wider than 80 columns"
	assert_line --index 1 --regexp '^HOST: vp6 +Loss%  Fwd%   Snt  Last   Avg  Best  Wrst StDev  Jttr$'
	assert_line '  1.|-- AS??? gw.lan        0.0%  0.0%     4 1.750 1.375 1.000 1.750 0.323 0.250'
	# A host longer than its column: a line of its own, the figures under.
	assert_line '  2.|-- AS64500 core1.isp.example'
	assert_line --regexp '^ {28}0\.0%  0\.0%     4 2\.750 2\.375 2\.000 2\.750 0\.323 0\.250$'
	assert_line '  4.|-- AS64502 2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff'
	# A name full of escapes is shown, never obeyed.
	assert_line '  3.|-- AS64501 evil\x1b[2J\x1b]0;x\x07.example'
	no_esc
	pp_run 0 pp-stats -f table -w "$F/names.ndjson"
	assert_line --regexp '^  4\.\|-- AS64502 2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff +0\.0% +0\.0-49\.0 +0\.0% +0\.0-49\.0 +4 +4\.750 +4\.375 +4\.000 +4\.750 +0\.323 +0\.250 +4\.71$'
	assert_line --regexp '^  2\.\|-- AS64500 core1\.isp\.example +0\.0% '
	[ "$(grep -c '|--' <<<"$output")" -eq 4 ] && [ "$(wc -l <<<"$output")" -eq 7 ] || _pp_fail "not a line a hop"
	# Without pp-geo's fields: addresses.
	pp_run 0 pp-stats -f table "$F/fwd.ndjson"
	refute_output --partial "AS"
}

@test "pp-stats -f table --color: none in a pipe, on a terminal unless NO_COLOR, always when asked" {
	command -v script >/dev/null || skip "script (util-linux) not installed"
	pp_run 0 pp-stats -f table "$F/unreach.ndjson"
	no_esc
	pp_run 0 pp-stats -f table --color=never "$F/unreach.ndjson"
	no_esc
	pp_run 0 pp-stats -f table --color=always "$F/unreach.ndjson"
	assert_output --partial $'\e[31m100.0%\e[0m'
	pp_run 0 pp-stats -f table --color always "$F/tcp.ndjson"
	assert_output --partial $'\e[33m14.3%\e[0m'
	# On a terminal (a pseudo-terminal): coloured, unless NO_COLOR.
	TERM=xterm NO_COLOR= script -qec "pp-stats -f table '$F/unreach.ndjson'" /dev/null >"$BATS_TEST_TMPDIR/tty"
	grep -q $'\e\[31m100.0%' "$BATS_TEST_TMPDIR/tty" || _pp_fail "no colour on a terminal"
	TERM=xterm NO_COLOR=1 script -qec "pp-stats -f table '$F/unreach.ndjson'" /dev/null >"$BATS_TEST_TMPDIR/tty"
	! grep -q $'\e' "$BATS_TEST_TMPDIR/tty" || _pp_fail "colour despite NO_COLOR"
	TERM=xterm NO_COLOR= script -qec "pp-stats -f table --color=never '$F/unreach.ndjson'" /dev/null >"$BATS_TEST_TMPDIR/tty"
	! grep -q $'\e' "$BATS_TEST_TMPDIR/tty" || _pp_fail "colour despite --color=never"
	pp_run 2 pp-stats -f table --color=sometimes "$F/unreach.ndjson"
	assert_stderr --partial "--color: must be never, always or auto: sometimes"
}

@test "pp-stats --every: windows aligned to the epoch by event time" {
	pp_body 0 --every 10s "$F/windows.ndjson"
	printf '%s\n' "$output" | jq -e -s '
		length == 3 and
		(map(.start) == [1764000000, 1764000010, 1764000020]) and
		(map(.end) == [1764000010, 1764000020, 1764000030]) and
		(map(.sent) == [5, 10, 10]) and (map(.min) == [10, 15, 25])' >/dev/null
	# A per-second series is possible from the same input.
	[ "$(pp-stats --every 1s "$F/windows.ndjson" | grep -c '"stats"')" -eq 25 ]
	# Live and replay agree: the same records fed slowly through a pipe.
	( while read -r l; do printf '%s\n' "$l"; sleep 0.01; done <"$F/windows.ndjson" ) |
		pp-stats --every 10s | tail -n +2 >"$BATS_TEST_TMPDIR/live"
	[ "$(cat "$BATS_TEST_TMPDIR/live")" = "$output" ]
}

@test "pp-stats: outages at the destination" {
	pp_run 0 pp-stats "$F/outage.ndjson"
	printf '%s\n' "$output" | grep '"outage"' | jq -e -s '
		length == 2 and
		.[0].start == 1764000005 and .[0].end == 1764000010 and
		.[0].duration == 5000 and .[0].sent == 5 and .[0].recv == 0 and
		.[0].loss == 100 and (.[0] | has("ongoing") | not) and
		.[1].start == 1764000020 and .[1].ongoing == true' >/dev/null
	# Runs of total loss, however short: the single loss shows too.
	[ "$(pp-stats --outage-loss 100 --outage-min 0 "$F/outage.ndjson" | grep -c '"outage"')" -eq 3 ]
	pp_run 0 pp-stats -f table "$F/outage.ndjson"
	assert_output --partial "Outages (loss >= 30.0% for >= 3.000 s at the destination):"
	assert_line "  o hop 0: 2025-11-24T16:00:05Z to 2025-11-24T16:00:10Z"
	assert_line "    5.000 s, 5 sent, 0 received, 100.0% loss"
	assert_output --partial "and on"
}

# cut_recs A N B: pp-probe -i 0.2's records of A answers, N timeouts (each
# written 2 s after its send), B answers, from 1764000000.
cut_recs() {
	jq -n -c --argjson a "$1" --argjson n "$2" --argjson b "$3" '
		{type: "meta", tool: "pp-probe", version: "0.1.0", schema: 1, ts: 1764000000, host: "vm",
			settings: {proto: "icmp", timeout: 2, interval: 0.2}},
		([range($a + $n + $b) | {type: "probe", ts: (1764000000 + . * 0.2), target: "198.18.3.2",
			dst: "198.18.3.2", proto: "icmp", seq: ., size: 84} +
			(if . >= $a and . < $a + $n then {status: "timeout", w: (. * 0.2 + 2)}
			 else {status: "reply", from: "198.18.3.2", rtt: 0.1, w: (. * 0.2)} end)] |
			sort_by(.w)[] | del(.w))'
}

@test "pp-stats, pp-alert, pp-plot: a cut soon after the start is an outage, not a rate limit's burst spent" {
	# pp-probe -i 0.2 through a 4 s cut in the lab (beside ping's 20 'no
	# answer yet'): 7 answers (a 1 s bucket's burst of 6 and one more),
	# probes 7..26 lost, then 20 answers.  The rate-limit recogniser took
	# the cut for a 1 s limit from probe 9; the losses it explained were
	# taken for answers and there was no outage at all, in any of the
	# three.
	r=$BATS_TEST_TMPDIR/cut.ndjson
	cut_recs 7 20 20 >"$r"
	pp_run 0 pp-stats "$r"
	printf '%s\n' "$output" | jq -e -s 'map(select(.type == "outage")) | length == 1 and
		(.[0].start - 1764000001.4 | fabs) < 1e-6 and (.[0].duration - 4000 | fabs) < 0.01 and
		.[0].sent == 20 and .[0].recv == 0 and (.[0] | has("ongoing") | not)' >/dev/null || _pp_fail "$output"
	# Input ending inside the cut: ongoing, to its last probe.
	cut_recs 7 20 0 | pp-stats | jq -e -s 'map(select(.type == "outage")) | length == 1 and
		.[0].sent == 20 and .[0].ongoing == true and (.[0].duration - 3800 | fabs) < 0.01' >/dev/null
	pp_run 0 pp-alert --no-route "$r"
	printf '%s\n' "$output" | jq -e -s 'map(select(.kind == "unreachable")) | map(.state) == ["raise", "clear"] and
		(.[1].value - 4000 | fabs) < 0.01' >/dev/null || _pp_fail "$output"
	pp-plot --html "$BATS_TEST_TMPDIR/r.html" "$r"
	grep -qF '(4.0 s): 20 sent, 0 answered, 100.0% lost' "$BATS_TEST_TMPDIR/r.html"
	# After 6 answers (the burst alone) an 18-probe cut looked like a 2 s
	# limit: no outage at 3 s, one starting 2 s late at 1 s.  A limit is
	# not one until it answers again after the losses it explains.
	cut_recs 6 18 11 >"$BATS_TEST_TMPDIR/six.ndjson"
	for m in 3s 1s; do
		pp-stats --outage-min "$m" "$BATS_TEST_TMPDIR/six.ndjson" | jq -e -s 'map(select(.type == "outage")) | length == 1 and
			(.[0].start - 1764000001.2 | fabs) < 1e-6 and (.[0].duration - 3600 | fabs) < 0.01 and .[0].sent == 18' >/dev/null ||
			_pp_fail "--outage-min $m: $(pp-stats --outage-min "$m" "$BATS_TEST_TMPDIR/six.ndjson")"
	done
	# A destination that does limit (burst 6, one a second) on a
	# lossless path: its losses are the limit's once it answers again,
	# no outage even at 0.5 s.
	jq -n -c --arg p 'AAAAAAA...A....A....A....A....A....A....A....A....' '
		{type: "meta", tool: "pp-probe", version: "0.1.0", schema: 1, ts: 1764000000, host: "vm",
			settings: {proto: "icmp", timeout: 2, interval: 0.2}},
		([range($p | length) | {type: "probe", ts: (1764000000 + . * 0.2), target: "198.18.3.2",
			dst: "198.18.3.2", proto: "icmp", seq: ., size: 84} +
			(if $p[.:. + 1] == "." then {status: "timeout", w: (. * 0.2 + 2)}
			 else {status: "reply", from: "198.18.3.2", rtt: 0.1, w: (. * 0.2)} end)] |
			sort_by(.w)[] | del(.w))' >"$BATS_TEST_TMPDIR/limit.ndjson"
	pp_run 0 pp-stats --outage-min 500ms "$BATS_TEST_TMPDIR/limit.ndjson"
	refute_output --partial '"outage"'
	assert_output --partial '"rate_limit":1'
}

@test "pp-stats -f csv: a header row first, ISO 8601 beside epoch, formulas defused, RFC 4180 quoting" {
	pp_run 0 pp-stats -f csv "$F/inject.ndjson"
	assert_line --index 0 "start,start_utc,end,end_utc,host,target,ttl,addr,sent,recv,loss,fwd_loss,last,min,avg,max,stdev,p50,p90,p95,p99,jitter,jmax,jint,addrs,unreachable,unreachable_from,open,refused,local_drop,loss_lo,loss_hi,fwd_lo,fwd_hi,fwd_sent,fwd_lost,fwd_ttl,rate_limited,rate_limit"
	refute_output --regexp '^#'
	assert_output --partial ',"'"'"'=HYPERLINK(""http://x"",""y"")",,"'"'"'@198.18.0.1",1,1,0.000,'
	assert_output --partial ',"plain, ""quoted""",,198.18.0.2,'
	refute_output --regexp '(^|,)=HYPERLINK'
	pp_run 0 pp-stats -f csv "$F/hand.ndjson"
	assert_line --index 1 --regexp '^1764000000\.000000,2025-11-24T16:00:00\.000,1764000005\.000000,2025-11-24T16:00:05\.000,vp1,h,,'
	# The settings and the outages go to files of their own.
	pp_run 0 pp-stats -f csv --meta "$BATS_TEST_TMPDIR/meta.json" --outages "$BATS_TEST_TMPDIR/out.csv" "$F/outage.ndjson"
	refute_output --regexp '^#'
	[ -z "$stderr" ]
	jq -e '.type == "meta" and .tool == "pp-stats" and .settings.outage_loss == 30' "$BATS_TEST_TMPDIR/meta.json" >/dev/null
	[ "$(head -1 "$BATS_TEST_TMPDIR/out.csv")" = "start,start_utc,end,end_utc,host,target,ttl,duration,sent,recv,loss,ongoing" ]
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/out.csv")" = "1764000005.000000,2025-11-24T16:00:05.000,1764000010.000000,2025-11-24T16:00:10.000,,o,,5000.000,5,0,100.000,false" ]
	grep -q ',true$' "$BATS_TEST_TMPDIR/out.csv"
	pp_run 0 pp-stats -f csv --meta "$BATS_TEST_TMPDIR/meta2.json" "$F/hand.ndjson"
	jq -e '.settings.source == {"proto":"icmp","interval":1.0,"timeout":2.0}' "$BATS_TEST_TMPDIR/meta2.json" >/dev/null
	# Without --outages, a CSV run says it left outages out.
	pp_run 0 pp-stats -f csv "$F/outage.ndjson"
	assert_stderr "pp-stats: 2 outages not written: --outages FILE writes them as CSV"
	pp_run 2 pp-stats -f table --outages "$BATS_TEST_TMPDIR/x.csv" "$F/outage.ndjson"
	assert_stderr --partial "--outages: only with -f csv"
	[ ! -e "$BATS_TEST_TMPDIR/x.csv" ]
}

@test "pp-stats: bad lines are reported with file:line and skipped; --strict stops" {
	{
		head -3 "$F/hand.ndjson"
		echo '{"type":"probe","ts":1764000001.5,"target":"h"'
		echo '[1,2,3]'
		echo '42'
		echo '{"type":"probe","ts":1764000001.6,"target":"h","status":"reply","rtt":-3}'
		echo '{"type":"probe","ts":1764000001.7,"target":"h","status":"reply","rtt":1e300}'
		echo '{"type":"probe","ts":1764000001.8,"target":"h","status":"reply","rtt":"5"}'
		echo '{"type":"probe","ts":1764000001.9,"target":7,"status":"reply","rtt":5}'
		echo '{"type":"probe","ts":1764000001.9,"target":"h","status":"reply","rtt":NaN}'
		echo '{"type":"weird","anything":[1,2]}'
		printf '\001\002binary\377garbage\n'
		tail -n +4 "$F/hand.ndjson"
	} >"$BATS_TEST_TMPDIR/bad.ndjson"
	pp_body 0 "$BATS_TEST_TMPDIR/bad.ndjson"
	[ "$output" = "$(cat "$F/hand.expected.ndjson")" ]
	pp_run 0 pp-stats "$BATS_TEST_TMPDIR/bad.ndjson"
	assert_stderr --partial "bad.ndjson:4: invalid JSON"
	assert_stderr --partial "bad.ndjson:5: not a JSON object"
	assert_stderr --partial "bad.ndjson:7: field \"rtt\" out of range"
	assert_stderr --partial "bad.ndjson:9: field \"rtt\" must be a number"
	assert_stderr --partial "bad.ndjson:10: field \"target\" must be a string"
	assert_stderr --partial "bad.ndjson:13: invalid JSON"
	[ "$(printf '%s\n' "$stderr" | grep -c 'bad.ndjson:12')" -eq 0 ]
	pp_run 1 pp-stats --strict "$BATS_TEST_TMPDIR/bad.ndjson"
	assert_stderr --partial "bad.ndjson:4:"
	[ "$(printf '%s\n' "$stderr" | grep -c 'bad.ndjson:')" -eq 1 ]
	# After ten in full, a count.
	for i in $(seq 25); do echo 'nope'; done >"$BATS_TEST_TMPDIR/many.ndjson"
	pp_run 0 pp-stats "$BATS_TEST_TMPDIR/many.ndjson"
	[ "$(printf '%s\n' "$stderr" | grep -c 'many.ndjson:')" -eq 10 ]
	assert_stderr --partial "15 more bad lines skipped (25 in all)"
}

@test "pp-stats: gzip equals plain; multi-member, truncated and corrupt archives" {
	gzip -c "$F/fwd.ndjson" >"$BATS_TEST_TMPDIR/f.gz"
	pp_body 0 "$BATS_TEST_TMPDIR/f.gz"
	[ "$output" = "$(cat "$F/fwd.expected.ndjson")" ]
	head -9 "$F/fwd.ndjson" | gzip -c >"$BATS_TEST_TMPDIR/m.gz"
	tail -n +10 "$F/fwd.ndjson" | gzip -c >>"$BATS_TEST_TMPDIR/m.gz"
	pp_body 0 "$BATS_TEST_TMPDIR/m.gz"
	[ "$output" = "$(cat "$F/fwd.expected.ndjson")" ]
	# Cut in the middle: the complete lines before the cut, and a warning.
	for i in $(seq 100); do cat "$F/windows.ndjson"; done | gzip -c >"$BATS_TEST_TMPDIR/big.gz"
	size=$(stat -c %s "$BATS_TEST_TMPDIR/big.gz")
	head -c $((size / 2)) "$BATS_TEST_TMPDIR/big.gz" >"$BATS_TEST_TMPDIR/cut.gz"
	pp_run 0 pp-stats "$BATS_TEST_TMPDIR/cut.gz"
	assert_stderr --partial "cut.gz: truncated gzip data"
	assert_ndjson
	n=$(zcat "$BATS_TEST_TMPDIR/cut.gz" 2>/dev/null | tr -cd '\n' | wc -c)
	[ "$n" -gt 100 ]
	[ "$(printf '%s\n' "$output" | jq -s 'map(select(.type=="stats") | .sent) | add')" -eq "$n" ]
	# Corrupt data: an error for that file, the others still read.
	cp "$BATS_TEST_TMPDIR/f.gz" "$BATS_TEST_TMPDIR/bad.gz"
	printf '\377\377\377\377\377\377\377\377' | dd of="$BATS_TEST_TMPDIR/bad.gz" bs=1 seek=30 conv=notrunc 2>/dev/null
	pp_run 1 pp-stats "$BATS_TEST_TMPDIR/bad.gz" "$F/hand.ndjson"
	assert_stderr --partial "bad.gz: corrupt gzip data"
	assert_output --partial '"target":"h"'
}

@test "pp-stats: files of one vantage point given out of time order: each row runs from the first probe in time to the last" {
	# fwd.ndjson (0.01 s to 11.04 s) then hand.ndjson (0 to 5 s), both vp1:
	# the rows said 0.01 to 5, the first and last probe read.
	want=$(cat "$F/fwd.ndjson" "$F/hand.ndjson" | jq -sc 'map(select(.type=="probe") | .ts) | [min, max]')
	[ "$want" = "[1764000000,1764000011.04]" ]
	# Joined in one file (files given apart are read in time order).
	for order in "fwd hand" "hand fwd"; do
		set -- $order
		cat "$F/$1.ndjson" "$F/$2.ndjson" >"$BATS_TEST_TMPDIR/j.ndjson"
		set -- "$BATS_TEST_TMPDIR/j.ndjson"
		pp_run 0 pp-stats "$1"
		[ "$(printf '%s\n' "$output" | jq -c 'select(.type=="stats") | [.start, .end]' | sort -u)" = "$want" ]
		pp_run 0 pp-stats -f csv "$1"
		[ "$(printf '%s\n' "$output" | tail -n +2 | cut -d, -f1,3 | sort -u)" = "1764000000.000000,1764000011.040000" ]
		pp_run 0 pp-stats -f table "$1"
		assert_output --partial "Start: 2025-11-24T16:00:00Z  End: 2025-11-24T16:00:11Z"
		pp_run 0 pp-mos "$1"
		[ "$(printf '%s\n' "$output" | jq -c 'select(.type=="mos") | [.start, .end]' | sort -u)" = "$want" ]
	done
}

@test "pp-stats: a missing file is reported, the others read, exit 1" {
	pp_body 1 "$BATS_TEST_TMPDIR/nope" "$F/hand.ndjson"
	[ "$output" = "$(cat "$F/hand.expected.ndjson")" ]
	assert_stderr --partial "pp-stats: cannot open '$BATS_TEST_TMPDIR/nope': No such file or directory"
}

@test "pp-stats: empty input gives empty output; stdin and '-'" {
	pp_run 0 pp-stats </dev/null
	[ -z "$output" ]
	: >"$BATS_TEST_TMPDIR/empty"
	pp_run 0 pp-stats "$BATS_TEST_TMPDIR/empty"
	[ -z "$output" ]
	pp_sh 0 "pp-stats - <'$F/hand.ndjson' | tail -n +2"
	[ "$output" = "$(cat "$F/hand.expected.ndjson")" ]
}

@test "pp-stats: CRLF line ends, a stream cut mid-line, a 10 MB line" {
	sed 's/$/\r/' "$F/hand.ndjson" >"$BATS_TEST_TMPDIR/crlf"
	pp_body 0 "$BATS_TEST_TMPDIR/crlf"
	[ "$output" = "$(cat "$F/hand.expected.ndjson")" ]
	{ cat "$F/hand.ndjson"; printf '{"type":"probe","ts":1764000009,"tar'; } >"$BATS_TEST_TMPDIR/cut"
	pp_body 0 "$BATS_TEST_TMPDIR/cut"
	[ "$output" = "$(cat "$F/hand.expected.ndjson")" ]
	assert_stderr --partial "cut:8: invalid JSON"
	{ head -3 "$F/hand.ndjson"; head -c 10485760 /dev/zero | tr '\0' 'x'; echo; tail -n +4 "$F/hand.ndjson"; } >"$BATS_TEST_TMPDIR/huge"
	pp_body 0 "$BATS_TEST_TMPDIR/huge"
	[ "$output" = "$(cat "$F/hand.expected.ndjson")" ]
	assert_stderr --partial "huge:4: line longer than 1048576 bytes; skipped"
}

@test "pp-stats: a closed pipe ends it quietly" {
	# 200 targets one after another (each copy later than the last, so
	# nothing is out of order and nothing is to be said on stderr).
	jq -c -n --slurpfile r "$F/hand.ndjson" 'range(200) as $i | $r[] |
		.target = "h\($i)" | .ts += $i * 100' >"$BATS_TEST_TMPDIR/many"
	pp_sh 0 "pp-stats '$BATS_TEST_TMPDIR/many' | head -1 >/dev/null; echo \${PIPESTATUS:-}"
	[ -z "$stderr" ]
	run bash -c "set -o pipefail; pp-stats '$BATS_TEST_TMPDIR/many' | head -c 10 >/dev/null"
	[ "$status" -eq 0 ]
}

@test "pp-stats: unknown record types are ignored; stdout is only NDJSON" {
	{ echo '{"type":"future","x":1}'; cat "$F/hand.ndjson"; } >"$BATS_TEST_TMPDIR/u"
	pp_body 0 "$BATS_TEST_TMPDIR/u"
	[ "$output" = "$(cat "$F/hand.expected.ndjson")" ]
	assert_ndjson
}

@test "pp-stats: a full disk is reported, exit 1" {
	[ -w /dev/full ] || skip "no /dev/full"
	pp_run 1 bash -c "pp-stats -f table '$F/fwd.ndjson' >/dev/full"
	assert_stderr --partial "pp-stats: write error: No space left on device"
	pp_run 1 bash -c "pp-stats '$F/fwd.ndjson' >/dev/full"
	assert_stderr --partial "write error"
}

@test "every reader refuses an input of a newer schema, once per input, and reads the others" {
	# pp-records(5): the schema number goes up only on an incompatible
	# change, so a reader of schema 1 must not read schema 2 as its own.
	sed 's/"schema":1,/"schema":2,/' "$F/hand.ndjson" >"$BATS_TEST_TMPDIR/new.ndjson"
	# Twice over in one input (a concatenation): still one message.
	cat "$BATS_TEST_TMPDIR/new.ndjson" "$BATS_TEST_TMPDIR/new.ndjson" >"$BATS_TEST_TMPDIR/new2.ndjson"
	sed 's/"schema":1,/"schema":"one",/' "$F/hand.ndjson" >"$BATS_TEST_TMPDIR/odd.ndjson"
	CITY="$PP_TOP/tests/data/mmdb/GeoLite2-City-Test.mmdb"
	for cmd in pp-stats pp-mos pp-alert "pp-geo --db $CITY" "pp-plot -o $BATS_TEST_TMPDIR/p.svg"; do
		for via in file stdin; do
			if [ $via = file ]; then
				pp_run 1 $cmd "$BATS_TEST_TMPDIR/new2.ndjson"
				src="new2.ndjson:1"
			else
				pp_run 1 bash -c "$cmd <'$BATS_TEST_TMPDIR/new2.ndjson'"
				src="<stdin>:1"
			fi
			assert_stderr --partial "$src: schema 2 is newer than this pp reads (1): the records of this input are skipped"
			[ "$(printf '%s\n' "$stderr" | grep -c schema)" -eq 1 ]
			# Nothing of it read as ours.
			! printf '%s\n' "$output" | grep -q '"target":"h"'
		done
		pp_run 1 $cmd "$BATS_TEST_TMPDIR/odd.ndjson"
		assert_stderr --partial "odd.ndjson:1: \"schema\" must be a positive integer"
		# The other inputs are read as ever (after and before it).
		if [ "$cmd" = pp-stats ]; then
			pp_body 1 "$BATS_TEST_TMPDIR/new.ndjson" "$F/hand.ndjson" "$BATS_TEST_TMPDIR/new.ndjson"
			[ "$output" = "$(cat "$F/hand.expected.ndjson")" ]
		fi
	done
	# Schema 1 and a meta without "schema" (a hand-made input) are ours.
	sed 's/"schema":1,//' "$F/hand.ndjson" >"$BATS_TEST_TMPDIR/none.ndjson"
	pp_body 0 "$BATS_TEST_TMPDIR/none.ndjson"
	[ "$output" = "$(cat "$F/hand.expected.ndjson")" ]
	[ -z "$stderr" ]
}

@test "pp-stats: a count of one is said in the singular (one late probe, one after its window)" {
	{ cat "$F/hand.ndjson"
	  echo '{"type":"probe","ts":1764000020.000000,"target":"h","dst":"198.18.9.2","proto":"icmp","seq":20,"status":"reply","from":"198.18.9.2","rtt":22.0}'
	  echo '{"type":"probe","ts":1764000002.500000,"target":"h","dst":"198.18.9.2","proto":"icmp","seq":21,"status":"reply","from":"198.18.9.2","rtt":22.0}'
	} >"$BATS_TEST_TMPDIR/late"
	pp_body 0 "$BATS_TEST_TMPDIR/late"
	assert_stderr "pp-stats: 1 probe arrived more than 3.0 s after newer ones and was counted out of order"
	pp_body 0 --every 5s "$BATS_TEST_TMPDIR/late"
	assert_stderr --partial "pp-stats: 1 probe came after its --every window had been written and was not counted (a window is written once)"
}
