#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# pp-alert: thresholds with hysteresis, unreachable, routes, programs.

setup() {
	load 'test_helper/common'
	pp_setup
	F="$PP_TOP/tests/fixtures/pp-alert"
}

alerts() { pp-alert "$@" | grep -v '"type":"meta"'; }

@test "pp-alert -h prints the usage, equal to the man page SYNOPSIS" {
	pp_run 0 pp-alert -h
	assert_line --index 0 --partial "usage: pp-alert [-hV]"
	usage_matches_man pp-alert
}

@test "pp-alert: bad options exit 2" {
	pp_run 2 pp-alert --bogus
	assert_stderr --partial "usage: pp-alert"
	pp_run 2 pp-alert --loss 101
	pp_run 2 pp-alert --exec-arg x
	assert_stderr --partial "--exec-arg needs --exec"
	pp_run 2 pp-alert --window 0
}

@test "pp-alert: loss raises and clears with hysteresis; one spike does not trip latency" {
	pp_run 0 alerts --loss 20 --latency 100 --no-route "$F/plain.ndjson"
	assert_ndjson
	# Probes 40-49 lost: 4 of the last 20 at probe 43 (20 %), clear once
	# under 16 % (3 of 20: probes 47-66) at probe 66.  Latency: the
	# nearest-rank median (rank 10 of 20) reaches 200 ms at probe 70
	# (11 of 20), back at 10 ms at probe 89 (10 of 20).
	printf '%s\n' "$output" | jq -e -s 'map(select(.kind != "unreachable")) |
		length == 4 and
		(.[0] | .kind == "loss" and .state == "raise" and .ts == 1764000043 and .value == 20 and .threshold == 20) and
		(.[1] | .kind == "loss" and .state == "clear" and .ts == 1764000066 and .value == 15) and
		(.[2] | .kind == "latency" and .state == "raise" and .ts == 1764000070 and .value == 200) and
		(.[3] | .kind == "latency" and .state == "clear" and .ts == 1764000089 and .value == 10)' >/dev/null
	# The ten lost probes are an outage (30 % over 3 s, pp-stats' rule):
	# unreachable from the first lost (40) to the first answer (50).
	printf '%s\n' "$output" | jq -e -s 'map(select(.kind == "unreachable")) |
		length == 2 and
		(.[0] | .state == "raise" and .ts == 1764000040 and
		 (.message | startswith("p unreachable since 2025-11-24T16:00:40.000Z: "))) and
		(.[1] | .state == "clear" and .ts == 1764000050 and .value == 10000 and
		 .message == "p answered again: down 10.000 s, 10 of 10 probes lost")' >/dev/null
	[ "$(pp-stats "$F/plain.ndjson" | jq -c 'select(.type == "outage") | [.start, .end]')" = "[1764000040,1764000050]" ]
	# p99 sees the spike (rank 20 of 20); the median does not.
	pp_run 0 alerts --latency 100 --percentile 99 --window 20 --no-route "$F/plain.ndjson"
	printf '%s\n' "$output" | head -1 | jq -e '.ts == 1764000019 and .kind == "latency"' >/dev/null
}

@test "pp-alert --rise: a latency step raises once the median doubles over the path's lowest" {
	local s=$PP_TOP/share/samples/sample.ndjson.gz
	# The sample's RTT steps from about 16 to 50 ms: the first answer
	# above 30 ms at the destination is the step.
	step=$(zcat "$s" | jq -s '[.[] | select(.type == "probe" and .status == "reply" and .rtt > 30)][0].ts')
	# (Its 8 s outage is left out: --outage-min 1m.)
	pp_run 0 alerts --rise 100 --no-route --outage-min 1m "$s"
	# One raise, never cleared: the median of 20 (rank 10) is over the
	# doubled baseline 10 probes (5 s) after the step.
	printf '%s\n' "$output" | jq -e -s --argjson step "$step" '
		length == 1 and (.[0] | .kind == "rise" and .state == "raise" and
		.ts > $step and .ts < $step + 6 and .value > 40 and
		.threshold > 29 and .threshold < 34 and
		(.message | test("100% above its lowest")))' >/dev/null
	# A rise it does not reach, and a path without a step: nothing.
	pp_run 0 pp-alert --rise 300 --no-route --outage-min 1m "$s"
	[ -z "$output" ]
	pp_run 0 pp-alert --rise 50 --no-route --outage-min 1m --to "$step" "$s"
	[ -z "$output" ]
	pp_run 2 pp-alert --rise 0
	pp_run 0 pp-alert --rise 50 -f ndjson "$s"
	printf '%s\n' "$output" | head -1 | jq -e '.settings.rise == 50' >/dev/null
}

@test "pp-alert: a target that never answers raises unreachable once, no loss" {
	# An outage from the first probe on: raised once it is 3 s old
	# (outage_min), dated from its start.
	pp_run 0 alerts --loss 5 --window 10 "$F/blocked.ndjson"
	printf '%s\n' "$output" | jq -e -s 'length == 1 and .[0].kind == "unreachable" and .[0].state == "raise" and
		.[0].ts == 1764000000 and (.[0].message | startswith("blocked never answered in 4 probes: 4 timeouts"))' >/dev/null
	# An outage longer than the window: raised when the window is spent.
	pp_run 0 alerts --loss 5 --window 10 --outage-min 1m "$F/blocked.ndjson"
	printf '%s\n' "$output" | jq -e -s 'length == 1 and .[0].kind == "unreachable" and .[0].state == "raise" and .[0].ts == 1764000009' >/dev/null
}

@test "pp-alert: a trace's round is judged never answered once complete, not at its first hop" {
	# Round 0 ends in a host unreachable from the destination (lost),
	# round 1 reaches it: over a window of 2 rounds the target answered.
	# Before, the window was taken as spent at round 1's first hop and
	# "never answered in 2 rounds: 1 host-unreachable" failed the check.
	{
		echo '{"type":"meta","tool":"pp-trace","schema":1,"ts":1,"host":"lab","settings":{"proto":"icmp","timeout":0.3}}'
		echo '{"type":"probe","ts":100.1,"target":"d","dst":"198.18.3.2","proto":"icmp","ttl":1,"round":0,"status":"ttl-expired","from":"198.18.1.2","rtt":0.1}'
		echo '{"type":"probe","ts":100.2,"target":"d","dst":"198.18.3.2","proto":"icmp","ttl":2,"round":0,"status":"ttl-expired","from":"198.18.2.2","rtt":0.1}'
		echo '{"type":"probe","ts":100.3,"target":"d","dst":"198.18.3.2","proto":"icmp","ttl":3,"round":0,"status":"unreachable","from":"198.18.3.2","code":1,"rtt":0.1}'
		echo '{"type":"probe","ts":101.1,"target":"d","dst":"198.18.3.2","proto":"icmp","ttl":1,"round":1,"status":"ttl-expired","from":"198.18.1.2","rtt":0.1}'
		echo '{"type":"probe","ts":101.2,"target":"d","dst":"198.18.3.2","proto":"icmp","ttl":2,"round":1,"status":"ttl-expired","from":"198.18.2.2","rtt":0.1}'
		echo '{"type":"probe","ts":101.3,"target":"d","dst":"198.18.3.2","proto":"icmp","ttl":3,"round":1,"status":"reply","from":"198.18.3.2","rtt":0.2}'
	} >"$BATS_TEST_TMPDIR/t.ndjson"
	pp_run 0 alerts --window 2 "$BATS_TEST_TMPDIR/t.ndjson"
	refute_output --partial '"kind":"unreachable"'
	# Both rounds unanswered: raised, with both unreachables counted.
	sed '$s/"status":"reply","from":"198.18.3.2","rtt":0.2/"status":"unreachable","from":"198.18.3.2","code":1,"rtt":0.1/' \
	    "$BATS_TEST_TMPDIR/t.ndjson" >"$BATS_TEST_TMPDIR/dead.ndjson"
	pp_run 1 pp-alert --window 2 --fail "$BATS_TEST_TMPDIR/dead.ndjson"
	assert_output --partial 'd never answered in 2 rounds (the input ended): 2 host-unreachable (code 1) from 198.18.3.2'
	# Over a window of 1 round: round 0 raises, round 1's reply clears
	# it (its losses came before the destination's hop was known, so the
	# outage rule never saw them; before, the alert stayed raised).
	pp_run 0 alerts --window 1 "$BATS_TEST_TMPDIR/t.ndjson"
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "unreachable") | "\(.state) \(.ts)"' | paste -sd' ')" = "raise 101.1 clear 101.3" ]
	assert_output --partial '"message":"d never answered in 1 round: 1 host-unreachable (code 1) from 198.18.3.2"'
}

@test "pp-alert --fail: exit 1 when an alert was raised (a CI check)" {
	pp_run 1 pp-alert --loss 20 --fail "$F/plain.ndjson"
	# Its 10 s of total loss are an outage: unreachable, a failed check
	# whatever --loss; shorter than --outage-min it passes.
	pp_run 1 pp-alert --loss 80 --fail "$F/plain.ndjson"
	assert_stderr --partial "check failed: 1 alert raised"
	pp_run 0 pp-alert --loss 80 --outage-min 11s --fail "$F/plain.ndjson"
	pp_run 1 pp-alert --loss 5 --fail "$F/blocked.ndjson"
	assert_stderr --partial "check failed: 1 alert raised (a target never answered)"
	# One probe, lost: its count and its cause in the singular.
	{ head -1 "$F/plain.ndjson"; echo '{"type":"probe","ts":1764000000.0,"target":"t","dst":"198.18.0.9","proto":"icmp","seq":0,"status":"timeout"}'; } >"$BATS_TEST_TMPDIR/one.ndjson"
	pp_run 1 pp-alert -f text --fail "$BATS_TEST_TMPDIR/one.ndjson"
	assert_output --partial "t never answered in 1 probe (the input ended): 1 timeout"
	refute_output --partial "1 timeouts"
	assert_stderr --partial "check failed: 1 alert raised (a target never answered)"
}

@test "pp-alert --fail: a reader that goes away (| head, | true) changes nothing: the check's status, not 0" {
	# The input comes late, so the reader is surely gone when pp-alert
	# writes; without --fail a closed pipe is still a quiet 0.
	late() { { sleep 0.3; cat "$1"; } | pp-alert "${@:2}" 2>/dev/null | true; echo "status ${PIPESTATUS[1]}"; }
	run late "$F/blocked.ndjson" --loss 5 --fail
	assert_output "status 1"
	head -21 "$F/plain.ndjson" >"$BATS_TEST_TMPDIR/clean.ndjson"
	run late "$BATS_TEST_TMPDIR/clean.ndjson" --loss 5 --latency 100 --fail
	assert_output "status 0"
	run late "$F/blocked.ndjson" --loss 5
	assert_output "status 0"
	# --pass of a long input into head: the check goes on to the end.
	for i in $(seq 50); do cat "$F/blocked.ndjson"; done >"$BATS_TEST_TMPDIR/long.ndjson"
	run bash -c 'pp-alert --pass --loss 5 --fail "$1" 2>/dev/null | head -1 >/dev/null; echo "status ${PIPESTATUS[0]}"' _ "$BATS_TEST_TMPDIR/long.ndjson"
	assert_output "status 1"
}

@test "pp-alert --fail: nothing to judge fails with a message: empty input, no valid line, no probe record" {
	pp_run 1 pp-alert --loss 5 --fail </dev/null
	assert_stderr --partial "check failed: no probe records in the input: nothing was checked"
	[ -z "$output" ]
	printf 'garbage\n{"type":"probe"}\n' >"$BATS_TEST_TMPDIR/bad"
	pp_run 1 pp-alert --loss 5 --fail "$BATS_TEST_TMPDIR/bad"
	assert_stderr --partial "check failed: no valid record in the input (2 bad lines)"
	head -1 "$F/plain.ndjson" >"$BATS_TEST_TMPDIR/meta-only"
	pp_run 1 pp-alert --loss 5 --fail "$BATS_TEST_TMPDIR/meta-only"
	assert_stderr --partial "nothing was checked"
	# Without --fail these are not checks: exit 0, as every filter.
	pp_run 0 pp-alert --loss 5 </dev/null
	pp_run 0 pp-alert --loss 5 "$BATS_TEST_TMPDIR/bad"
	# mos records alone are something to judge with --mos.
	echo '{"type":"mos","target":"v","start":1,"end":2,"codec":"g711","model":"emodel","r":90,"mos":4.3}' >"$BATS_TEST_TMPDIR/m"
	pp_run 0 pp-alert --mos 3.5 --fail "$BATS_TEST_TMPDIR/m"
}

@test "pp-alert --fail: the input ends before a window filled: judged as it stands, and said" {
	# 10 probes of a dead target, a window of 20: unreachable at the end.
	head -10 "$F/blocked.ndjson" >"$BATS_TEST_TMPDIR/dead10"
	pp_run 1 pp-alert --loss 2 --latency 100 --outage-min 1m --fail "$BATS_TEST_TMPDIR/dead10"
	printf '%s\n' "$output" | tail -n +2 | jq -e -s 'length == 1 and .[0].kind == "unreachable" and
		.[0].state == "raise" and .[0].window == 10 and
		(.[0].message | test("never answered in 10 probes \\(the input ended\\): 10 timeouts"))' >/dev/null
	# 15 probes of a live target, 5 lost: 33 % loss over a partial
	# window, raised, and stderr says the window was partial.
	for i in $(seq 0 14); do
		if [ "$i" -lt 5 ]; then st='"status":"timeout"'; else st='"status":"reply","rtt":10.0'; fi
		printf '{"type":"probe","ts":%d.0,"target":"p","seq":%d,%s}\n' $((1764000000 + i)) "$i" "$st"
	done >"$BATS_TEST_TMPDIR/short"
	pp_run 1 pp-alert --loss 20 --outage-min 1m --fail "$BATS_TEST_TMPDIR/short"
	assert_stderr --partial "pp-alert: p: the input ended after 15 probes, before a window of 20: judged on those"
	printf '%s\n' "$output" | tail -n +2 | jq -e -s 'length == 1 and .[0].kind == "loss" and .[0].window == 15 and
		(.[0].value * 1000 | round) == 33333' >/dev/null
	# The same 15 probes all answered: judged, no alert, but the check
	# is incomplete and fails, saying so; a window of 15 passes it.
	{ head -1 "$F/plain.ndjson"; sed -n '2,16p' "$F/plain.ndjson"; } >"$BATS_TEST_TMPDIR/ok15"
	pp_run 1 pp-alert --loss 20 --fail "$BATS_TEST_TMPDIR/ok15"
	assert_stderr --partial "judged on those"
	assert_stderr --partial "check failed: the input ended before 1 window filled"
	[ "$(printf '%s\n' "$output" | tail -n +2 | wc -l)" -eq 0 ]
	pp_run 0 pp-alert --loss 20 --window 15 --fail "$BATS_TEST_TMPDIR/ok15"
	pp_run 0 pp-alert --loss 20 --fail "$BATS_TEST_TMPDIR/short" --window 15 --latency 1000 --loss 50 --outage-min 1m
}

@test "pp-alert: unreachable names the responder and its code; refused counts as down with --refused-down" {
	pp_run 1 pp-alert --loss 5 --window 5 --outage-min 1m --fail "$PP_TOP/tests/fixtures/pp-stats/unreach.ndjson"
	printf '%s\n' "$output" | tail -n +2 | jq -e -s 'length == 1 and
		.[0].kind == "unreachable" and .[0].from == "198.18.3.2" and .[0].code == 1 and
		.[0].reason == "host-unreachable" and
		.[0].message == "198.18.4.2 never answered in 5 probes: 5 host-unreachable (code 1) from 198.18.3.2"' >/dev/null
	# A service whose port is closed: up by default (RST answers), and 2
	# refused of 7 is 28.6 % loss with --refused-down.
	T="$PP_TOP/tests/fixtures/pp-stats/tcp.ndjson"
	pp_run 0 pp-alert --loss 20 --window 7 --fail "$T"
	pp_run 1 pp-alert --loss 20 --window 7 --refused-down --outage-min 1m --fail "$T"
	printf '%s\n' "$output" | tail -n +2 | jq -e -s '.[0].kind == "loss" and (.[0].value * 1000 | round) == 42857' >/dev/null
	printf '%s\n' "$output" | head -1 | jq -e '.settings.refused == "down"' >/dev/null
}

@test "pp-alert: route changes hold k rounds; load balancing does not flap" {
	# The synthetic trace: hop 5 answers from a second router in 35 % of rounds
	# (per-packet balancing); hop 6 moves for good at round 752.
	pp_run 0 alerts --route-rounds 3 "$F/synthetic.ndjson.gz"
	printf '%s\n' "$output" | jq -e -s '
		(map(select(.type == "route")) | length == 2 and
		 (.[0] | has("previous") | not) and
		 (.[1] | .round == 752 and .hops[5] == "198.18.6.7" and .previous[5] == "198.18.6.2")) and
		(map(select(.kind == "route")) | length == 1 and .[0].ttl == 6)' >/dev/null
	# k = 1 reports the first round that differs once the path is past
	# its first w = 30 rounds: the real change at round 750 only (the
	# balanced router showed up in the path's first rounds, an
	# alternative).
	pp_run 0 alerts --route-rounds 1 "$F/synthetic.ndjson.gz"
	printf '%s\n' "$output" | jq -e -s 'map(select(.type == "route" and .previous) | .round) == [750]' >/dev/null
}

@test "pp-alert --pass: the input unchanged, alerts interleaved; replay gives the same alerts" {
	pp_run 0 pp-alert --pass --loss 20 --no-route "$F/plain.ndjson"
	[ "$(printf '%s\n' "$output" | grep -v '"type":"alert"')" = "$(cat "$F/plain.ndjson")" ]
	# The raise comes once probe 43's outcome is in send order, before
	# the end: it is in the middle of the stream.
	n=$(printf '%s\n' "$output" | grep -n '"state":"raise"' | cut -d: -f1)
	[ "$n" -gt 40 ] && [ "$n" -lt 60 ]
	# Live, through a pipe, slowly: the same alerts, same timestamps.
	a=$(pp-alert --loss 20 --no-route "$F/plain.ndjson" | tail -n +2)
	b=$( (while read -r l; do printf '%s\n' "$l"; sleep 0.005; done <"$F/plain.ndjson") | pp-alert --loss 20 --no-route | tail -n +2)
	[ "$a" = "$b" ]
	# Unknown types pass through byte for byte.
	printf '{"type":"x-future","n":[1,{"a":2}]}\n' | pp-alert --pass --loss 5 >"$BATS_TEST_TMPDIR/o"
	[ "$(cat "$BATS_TEST_TMPDIR/o")" = '{"type":"x-future","n":[1,{"a":2}]}' ]
}

@test "pp-alert --mos: from pp-mos records" {
	{
		echo '{"type":"mos","target":"v","start":1,"end":2,"codec":"g711","model":"emodel","r":90,"mos":4.3}'
		echo '{"type":"mos","target":"v","start":2,"end":3,"codec":"g711","model":"emodel","r":60,"mos":3.1}'
		echo '{"type":"mos","target":"v","start":3,"end":4,"codec":"g711","model":"emodel","r":70,"mos":3.6}'
		echo '{"type":"mos","target":"v","start":4,"end":5,"codec":"g711","model":"emodel","r":85,"mos":4.2}'
	} >"$BATS_TEST_TMPDIR/m"
	pp_run 0 alerts --mos 3.5 "$BATS_TEST_TMPDIR/m"
	# raise at 3.1; 3.6 is not yet back above 3.5 + 20 % of 1.0 = 3.7.
	printf '%s\n' "$output" | jq -e -s 'length == 2 and .[0].state == "raise" and .[0].ts == 3 and .[1].state == "clear" and .[1].ts == 5' >/dev/null
	# A damaged or forged score is a bad line, said, never judged (a
	# MOS of 9 passed a check, -1 raised with value -1, "x" vanished).
	{
		echo '{"type":"mos","target":"v","start":1,"end":2,"codec":"g711","model":"emodel","r":90,"mos":9}'
		echo '{"type":"mos","target":"v","start":2,"end":3,"codec":"g711","model":"emodel","r":60,"mos":-1}'
		echo '{"type":"mos","target":"v","start":3,"end":4,"codec":"g711","model":"emodel","r":60,"mos":"x"}'
		echo '{"type":"mos","target":"v","start":4,"end":5,"codec":"g711","model":"emodel","r":85,"mos":4.2,"loss":300}'
	} >"$BATS_TEST_TMPDIR/bad"
	pp_run 1 pp-alert --mos 3.5 --fail "$BATS_TEST_TMPDIR/bad"
	assert_stderr --partial 'bad:1: mos record: field "mos" out of range (1 to 4.5): 9'
	assert_stderr --partial 'bad:2: mos record: field "mos" out of range (1 to 4.5): -1'
	assert_stderr --partial 'bad:3: mos record: field "mos" must be a number'
	assert_stderr --partial 'bad:4: mos record: field "loss" out of range (0 to 100): 300'
	refute_output --partial '"kind":"mos"'
}

@test "pp-alert --exec: a webhook with curl to a real HTTP server on loopback" {
	command -v curl >/dev/null || skip "curl not installed"
	python3 "$PP_TOP/tests/http_sink.py" "$BATS_TEST_TMPDIR/port" "$BATS_TEST_TMPDIR/posts" &
	srv=$!
	for i in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/port" ] && break; sleep 0.1; done
	port=$(cat "$BATS_TEST_TMPDIR/port")
	pp_run 0 pp-alert --loss 20 --latency 100 --no-route --outage-min 1m \
		--exec curl --exec-arg -sS --exec-arg --fail --exec-arg -H \
		--exec-arg 'Content-Type: application/json' \
		--exec-arg --data-binary --exec-arg @- \
		--exec-arg "http://127.0.0.1:$port/hook" "$F/plain.ndjson"
	kill "$srv"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/posts")" -eq 4 ]
	# The posts are the alert records themselves (programs run side by
	# side, so in any order).
	[ "$(sort "$BATS_TEST_TMPDIR/posts")" = "$(printf '%s\n' "$output" | grep '"type":"alert"' | sort)" ]
}

@test "pp-alert --exec: environment, a failing and a hanging program" {
	cat >"$BATS_TEST_TMPDIR/hook" <<-'X'
	#!/bin/sh
	{ cat; echo "kind=$PP_KIND state=$PP_STATE target=$PP_TARGET value=$PP_VALUE vantage=${PP_VANTAGE-unset}"; } >>"$HOOK_LOG"
	[ "$PP_STATE" = clear ] && exit 3
	exit 0
	X
	chmod +x "$BATS_TEST_TMPDIR/hook"
	HOOK_LOG="$BATS_TEST_TMPDIR/log" pp_run 0 pp-alert --loss 20 --no-route --outage-min 1m --exec "$BATS_TEST_TMPDIR/hook" "$F/plain.ndjson"
	grep -q 'kind=loss state=raise target=p value=20.000 vantage=vp' "$BATS_TEST_TMPDIR/log"
	grep -q '^{"type":"alert","ts":1764000043.0,' "$BATS_TEST_TMPDIR/log"
	assert_stderr --partial "hook (pid"
	assert_stderr --partial "exited with status 3"
	# A program that hangs is killed at the timeout; the stream is not held.
	printf '#!/bin/sh\nexec sleep 60\n' >"$BATS_TEST_TMPDIR/hang"
	chmod +x "$BATS_TEST_TMPDIR/hang"
	start=$(date +%s)
	pp_run 0 pp-alert --loss 20 --no-route --outage-min 1m --exec "$BATS_TEST_TMPDIR/hang" --exec-timeout 1s "$F/plain.ndjson"
	[ $(( $(date +%s) - start )) -lt 10 ]
	assert_stderr --partial "ran past its timeout of 1 s and was killed"
	[ "$(printf '%s\n' "$output" | grep -c '"type":"alert"')" -eq 2 ]
	# A program that does not exist.
	pp_run 0 pp-alert --loss 20 --no-route --exec /nonexistent/hook "$F/plain.ndjson"
	assert_stderr --partial "cannot run /nonexistent/hook"
}

@test "pp-alert: bad lines, gzip, missing file, empty input" {
	{ head -30 "$F/plain.ndjson"; echo 'garbage'; tail -n +31 "$F/plain.ndjson"; } >"$BATS_TEST_TMPDIR/b"
	pp_run 0 alerts --loss 20 --no-route --outage-min 1m "$BATS_TEST_TMPDIR/b"
	assert_stderr --partial "b:31: invalid JSON"
	[ "${#lines[@]}" -eq 2 ]
	pp_run 1 pp-alert --strict --loss 20 "$BATS_TEST_TMPDIR/b"
	gzip -c "$F/plain.ndjson" >"$BATS_TEST_TMPDIR/p.gz"
	[ "$(alerts --loss 20 "$BATS_TEST_TMPDIR/p.gz")" = "$(alerts --loss 20 "$F/plain.ndjson")" ]
	pp_run 1 pp-alert --loss 20 "$BATS_TEST_TMPDIR/nope" "$F/plain.ndjson"
	assert_stderr --partial "cannot open"
	pp_run 0 pp-alert --loss 20 </dev/null
	[ -z "$output" ]
}

@test "pp-alert: a full disk is reported, exit 1" {
	[ -w /dev/full ] || skip "no /dev/full"
	pp_run 1 bash -c "pp-alert --pass --loss 20 '$F/plain.ndjson' >/dev/full"
	assert_stderr --partial "write error: No space left on device"
}

@test "pp-alert on a terminal: one readable line per event; NDJSON into a pipe; -f forces either" {
	local s=$PP_TOP/share/samples/sample.ndjson.gz
	# A pseudo-terminal on stdout, as ls and git decide.
	run script -qec "pp-alert --loss 5 --latency 40 '$s'" /dev/null
	[ "$status" -eq 0 ]
	local tty=${output//$'\r'/}
	printf '%s\n' "$tty" | grep -q '{' && _pp_fail "JSON on a terminal: $tty"
	[ "$(printf '%s\n' "$tty" | grep -cE '^20[0-9-]{8}T[0-9:]{8}Z  (RAISE|clear|path) ')" -eq "$(printf '%s\n' "$tty" | wc -l)" ]
	printf '%s\n' "$tty" | grep -qx '2026-12-02T00:34:22Z  RAISE  loss        198.18.6.2 loss 5.000% >= 5.000% over the last 20 probes'
	printf '%s\n' "$tty" | grep -qx '2026-12-02T00:35:09Z  RAISE  route       198.18.6.2 route changed at hop 3: 198.18.3.2 -> 198.18.103.2'
	printf '%s\n' "$tty" | grep -qx '2026-12-02T00:35:09Z  path   change      198.18.6.2: 198.18.1.2 198.18.2.2 198.18.103.2 198.18.203.2 198.18.5.2 198.18.6.2'
	printf '%s\n' "$tty" | grep -qx '2026-12-02T00:36:33Z  RAISE  latency     198.18.6.2 latency 49.159 ms >= 40.000 ms over the last 20 probes'
	# One line per record of the piped run (meta aside).
	pp_run 0 pp-alert --loss 5 --latency 40 "$s"
	assert_ndjson
	[ "$(printf '%s\n' "$tty" | wc -l)" -eq $(( ${#lines[@]} - 1 )) ]
	# Forced: text into a pipe, records on a terminal.
	pp_run 0 pp-alert -f text --loss 5 "$s"
	assert_line --index 0 --regexp '^2026-12-02T00:34:07Z  path   first       198\.18\.6\.2: '
	run script -qec "pp-alert -f ndjson --loss 5 '$s'" /dev/null
	[[ "${lines[0]}" == '{"type":"meta"'* ]]
	pp_run 2 pp-alert -f text --pass --loss 5 "$s"
	assert_stderr --partial "-f text: --pass writes records"
	pp_run 2 pp-alert -f xml "$s"
	assert_stderr --partial "-f: format must be ndjson or text: xml"
	# --pass on a terminal stays records.
	run script -qec "pp-alert --pass --loss 5 '$s' | head -1; pp-alert --pass --loss 5 '$s' >/dev/null; echo \$?" /dev/null
	[[ "${lines[0]}" == '{"type":"meta","tool":"pp-trace"'* ]]
	# Text from the input is shown safely; --exec still gets the record.
	{
		printf '%s\n' '{"type":"probe","ts":1764000000.0,"target":"t\u001b]0;x\u0007","seq":0,"status":"timeout"}'
		printf '%s\n' '{"type":"probe","ts":1764000001.0,"target":"t\u001b]0;x\u0007","seq":1,"status":"timeout"}'
	} >"$BATS_TEST_TMPDIR/evil.ndjson"
	pp_run 0 pp-alert -f text --loss 5 --window 2 --exec sh --exec-arg -c --exec-arg "cat >>'$BATS_TEST_TMPDIR/got'" "$BATS_TEST_TMPDIR/evil.ndjson"
	assert_line --partial 'RAISE  unreachable t\x1b]0;x\x07 never answered in 2 probes'
	printf '%s' "$output" | LC_ALL=C grep -q $'\x1b' && _pp_fail "a raw escape on the terminal"
	jq -e -s '.[0].type == "alert"' "$BATS_TEST_TMPDIR/got" >/dev/null
}

@test "pp-alert: an outage in which some probes answered is said as an outage, not as unreachable or down; the kind stays unreachable" {
	# 1 probe a second: 20 answered, then 20 in which 8 answer (lost,
	# answered, lost, lost, answered, ...: 60 % loss), then 20 answered.
	# pp-stats' rule makes it one outage; the alert said 'h unreachable
	# since ...: 3 of 5 probes lost' and 'h answered again: down
	# 19.000 s, 12 of 19 probes lost' though 2 and 7 of them answered.
	jq -c -n '{type: "meta", tool: "pp-probe", version: "0.1.0", schema: 1, ts: 1764000000.0, host: "vp1", argv: ["pp-probe", "h"], settings: {proto: "icmp", interval: 1.0, timeout: 1.0}},
		([range(20) | 1] + [0, 1, 0, 0, 1, 0, 1, 0, 0, 1] + [0, 1, 0, 0, 1, 0, 1, 0, 0, 1] + [range(20) | 1] | to_entries[] |
		 {type: "probe", ts: (1764000000 + .key), target: "h", dst: "198.18.9.2", proto: "icmp", seq: .key} +
		 (if .value == 1 then {status: "reply", from: "198.18.9.2", rtt: 20.0} else {status: "timeout"} end))' >"$BATS_TEST_TMPDIR/part.ndjson"
	[ "$(jq -c 'select(.type == "probe") | .status' "$BATS_TEST_TMPDIR/part.ndjson" | sort | uniq -c | awk '{print $1}' | paste -sd' ')" = "48 12" ]
	pp_run 0 pp-alert "$BATS_TEST_TMPDIR/part.ndjson"
	printf '%s\n' "$output" | jq -e -s 'map(select(.type == "alert")) |
		length == 2 and all(.kind == "unreachable") and
		(.[0] | .state == "raise" and .window == 4 and .message == "h in an outage since 2025-11-24T16:00:20.000Z: 3 of 4 probes lost") and
		(.[1] | .state == "clear" and .value == 19000 and .message == "h outage ended: 19.000 s, 12 of 19 probes lost")' >/dev/null ||
		_pp_fail "alerts" "$output"
}

@test "pp-alert: an outage's raise counts its probes so far as its clear counts them, not the answer that may end it" {
	# Every 10 s: answered, lost, answered.  The outage runs from the
	# lost probe to the answer 10 s later, 1 probe lost of 1.  The raise
	# (at that answer, once the outage is sure to last 3 s) counted the
	# answer too: 'in an outage since ...: 1 of 2 probes lost', then the
	# clear 'answered again: down 10.000 s, 1 of 1 probes lost'.
	printf '%s\n' \
		'{"type":"probe","ts":1764000000,"target":"h","dst":"198.18.9.2","proto":"icmp","seq":0,"status":"reply","from":"198.18.9.2","rtt":20}' \
		'{"type":"probe","ts":1764000010,"target":"h","dst":"198.18.9.2","proto":"icmp","seq":1,"status":"timeout"}' \
		'{"type":"probe","ts":1764000020,"target":"h","dst":"198.18.9.2","proto":"icmp","seq":2,"status":"reply","from":"198.18.9.2","rtt":20}' \
		>"$BATS_TEST_TMPDIR/gap.ndjson"
	pp_run 0 pp-alert --no-route "$BATS_TEST_TMPDIR/gap.ndjson"
	printf '%s\n' "$output" | jq -e -s 'map(select(.type == "alert")) |
		length == 2 and
		(.[0] | .state == "raise" and .ts == 1764000010 and .window == 1 and
		 .message == "h unreachable since 2025-11-24T16:00:10.000Z: 1 of 1 probes lost") and
		(.[1] | .state == "clear" and .ts == 1764000020 and .window == 1 and
		 .message == "h answered again: down 10.000 s, 1 of 1 probes lost")' >/dev/null ||
		_pp_fail "alerts" "$output"
	# pp-stats' outage record counts the same probe.
	[ "$(pp-stats "$BATS_TEST_TMPDIR/gap.ndjson" | jq -c 'select(.type == "outage") | [.start, .end, .sent, .recv]')" = "[1764000010,1764000020,1,0]" ]
}

@test "pp-alert: --loss, --latency, --rise and --mos are off unless given, as --help and the man page say; every default --help states, the man page states" {
	# The 60 % loss run of the test above: without --loss no loss alert
	# (only the outage's), with --loss 30 one raised and cleared.
	jq -c -n '[range(20) | 1] + [0, 1, 0, 0, 1, 0, 1, 0, 0, 1] + [0, 1, 0, 0, 1, 0, 1, 0, 0, 1] + [range(20) | 1] | to_entries[] |
		{type: "probe", ts: (1764000000 + .key), target: "h", dst: "198.18.9.2", proto: "icmp", seq: .key} +
		(if .value == 1 then {status: "reply", from: "198.18.9.2", rtt: 20.0} else {status: "timeout"} end)' >"$BATS_TEST_TMPDIR/part.ndjson"
	[ "$(pp-alert "$BATS_TEST_TMPDIR/part.ndjson" | jq -s -c 'map(select(.type == "alert") | [.kind, .state])')" = '[["unreachable","raise"],["unreachable","clear"]]' ]
	[ "$(pp-alert --loss 30 "$BATS_TEST_TMPDIR/part.ndjson" | jq -s -c 'map(select(.kind == "loss") | [.state, .ts - 1764000000])')" = '[["raise",28],["clear",52]]' ]
	# --help's option lines (continuations joined), each with the
	# default it states; the man page's OPTIONS entry of that option says
	# it too.  The man page said no default for --loss, --latency, --mos,
	# --route-rounds, --exec-max and --exec-timeout.
	pp_run 0 pp-alert --help
	printf '%s\n' "$output" | awk '/^  -/ { if (c != "") print c; c = $0; next }
		/^                        / { c = c " " $0; next } { if (c != "") print c; c = "" }
		END { if (c != "") print c }' >"$BATS_TEST_TMPDIR/help"
	MANWIDTH=200 mandoc -T utf8 -O width=200 "$PP_TOP/man/pp-alert.1" | col -b |
		awk '/^OPTIONS/ { f = 1; next } /^[A-Z]/ { f = 0 } f' >"$BATS_TEST_TMPDIR/man"
	local n=0 opt want entry
	for opt in --loss --latency --rise --mos; do
		grep -qE -- "^  $opt .*\\(off by default\\)" "$BATS_TEST_TMPDIR/help" || _pp_fail "--help: $opt not said off by default" "$output"
	done
	while IFS= read -r line; do
		want=$(printf '%s\n' "$line" | grep -oE '\((default [^)]*|off by default)\)' | tr -d '()')
		[ -n "$want" ] || continue
		opt=$(printf '%s\n' "$line" | grep -oE -- '--[a-z-]+' | head -1)
		entry=$(awk -v RS= -v o="$opt" '{ l = $0; sub(/\n.*/, "", l); n = split(l, w, /[ ,]+/)
			for (i = 1; i <= n; i++) if (w[i] == o) { gsub(/[ \t\n]+/, " "); print; exit } }' "$BATS_TEST_TMPDIR/man")
		[ -n "$entry" ] || _pp_fail "no man entry for $opt"
		case $entry in *"$want"*) n=$((n + 1)) ;; *) _pp_fail "man: $opt does not say '$want'" "$entry" ;; esac
	done <"$BATS_TEST_TMPDIR/help"
	[ "$n" -ge 12 ] || _pp_fail "only $n defaults checked" "$(cat "$BATS_TEST_TMPDIR/help")"
}
