#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# One truth per probe (issue 11), in the lab: a dead host behind a router
# that answers host-unreachable, seen the same way by pp-probe's own
# summary, pp-stats in every format, pp-plot, pp-mos and pp-alert; exit
# statuses beside fping's on the same dead and live targets; the CI
# example against a dead target and a live one.

setup() {
	load 'test_helper/common'
	load 'test_helper/lab'
	pp_setup
	T="$BATS_TEST_TMPDIR"
}

teardown() { lab_down; }

# dead_host: the last router (r2) answers every packet it would forward to
# the destination with an ICMP host unreachable (v4 code 1, v6 address
# unreachable, code 3), as a router does for a host that stopped answering
# ARP; the destination itself stays up but is never reached.
dead_host() {
	lab_up --routers 2
	lab_exec r2 nft -f - <<-NFT
	table inet ppdead {
		chain dead {
			type filter hook forward priority 0;
			ip daddr $LAB_DST4 reject with icmp type host-unreachable
			ip6 daddr $LAB_DST6 reject with icmpv6 type addr-unreachable
		}
	}
	NFT
	# r2 answers from the address it received the probe on (hop 2).
	ROUTER4=${LAB_HOP4[1]}
	ROUTER6=${LAB_HOP6[1]}
}

@test "outcome (lab): a dead host behind a router that says host-unreachable is 100% loss everywhere" {
	dead_host
	# pp-probe's own summary: 100% loss, the router and its code named,
	# the target named as failed, exit 1.
	run --separate-stderr lab_exec c pp-probe -c 10 -i 50ms -W 300ms "$LAB_DST4"
	[ "$status" -eq 1 ]
	printf '%s\n' "$stderr" | grep -qx "10 probes sent, 0 answered, 100.0% loss, 10 unreachable (host-unreachable, code 1) from $ROUTER4" || {
		printf '%s\n' "$stderr" >&2
		false
	}
	printf '%s\n' "$stderr" | grep -qx "pp-probe: no answer from $LAB_DST4"
	printf '%s\n' "$output" >"$T/dead.ndjson"
	# The records say what came back: unreachable, from the router.
	tail -n +2 "$T/dead.ndjson" | jq -s -e 'length == 10 and
		all(.status == "unreachable" and .from == "'"$ROUTER4"'" and .code == 1)' >/dev/null
	# pp-stats, every format: 100% loss, no RTT, the unreachables apart.
	pp_run 0 pp-stats -f ndjson "$T/dead.ndjson"
	printf '%s\n' "$output" | sed -n 2p | jq -e '.sent == 10 and .recv == 0 and .loss == 100 and
		.avg == null and .p50 == null and .addr == null and .unreachable == 10 and
		.unreachable_from == [{"addr":"'"$ROUTER4"'","code":1,"reason":"host-unreachable","count":10}]' >/dev/null
	pp_run 0 pp-stats -f table "$T/dead.ndjson"
	assert_line --regexp "^  -\\.\\|-- \\?\\?\\? +100\\.0% +- +10 +- +- +- +- +- +-$"
	assert_line "        95% interval: loss 72.2-100.0%"
	assert_line --regexp "^ +$ROUTER4 +10 unreachable \\(host-unreachable, code 1\\): lost$"
	pp_run 0 pp-stats -f csv "$T/dead.ndjson"
	assert_output --regexp ",$LAB_DST4,,,10,0,100\\.000,,,,,,,,,,,,,,,10,$ROUTER4 host-unreachable 1 10,,,0"
	pp_run 0 pp-stats -f prom "$T/dead.ndjson"
	# The vantage point: the prober's host (its meta record).
	v=$(head -1 "$T/dead.ndjson" | jq -r .host)
	assert_line "pp_loss_ratio{vantage=\"$v\",target=\"$LAB_DST4\"} 1.0"
	assert_line "pp_rtt_avg_seconds{vantage=\"$v\",target=\"$LAB_DST4\"} NaN"
	assert_line "pp_probes_received_total{vantage=\"$v\",target=\"$LAB_DST4\"} 0"
	assert_line "pp_unreachable_total{vantage=\"$v\",target=\"$LAB_DST4\",from=\"$ROUTER4\",code=\"1\",reason=\"host-unreachable\"} 10"
	pp_run 0 pp-stats -f influx "$T/dead.ndjson"
	assert_output --partial "sent=10i,recv=0i,loss=100.0,loss_lo=72.247,loss_hi=100.0,unreachable=10i,unreachable_from=\"$ROUTER4 host-unreachable 1 10\",end_ts="
	refute_output --partial "avg="
	# pp-plot's summary: 100.0 % loss, no median.
	pp_run 0 pp-plot -c summary "$T/dead.ndjson"
	assert_output --partial ">100.0%</text>"
	# pp-mos scores it: no call, R 0, MOS 1.
	pp_run 0 pp-mos -f ndjson "$T/dead.ndjson"
	printf '%s\n' "$output" | sed -n 2p | jq -e '.loss == 100 and .r == 0 and .mos == 1 and .rtt == null' >/dev/null
	# pp-alert raises unreachable, naming the router and its code; the
	# 10 probes are fewer than the window of 20: judged at the end.
	pp_run 1 pp-alert --loss 5 --latency 100 --fail "$T/dead.ndjson"
	printf '%s\n' "$output" | tail -n +2 | jq -e -s 'length == 1 and .[0].kind == "unreachable" and
		.[0].from == "'"$ROUTER4"'" and .[0].code == 1 and .[0].reason == "host-unreachable"' >/dev/null
	assert_stderr --partial "check failed"
	# IPv6: address unreachable (code 3) from the router.
	run --separate-stderr lab_exec c pp-probe -c 5 -i 50ms -W 300ms "$LAB_DST6"
	[ "$status" -eq 1 ]
	assert_stderr --partial "5 probes sent, 0 answered, 100.0% loss, 5 unreachable (address-unreachable, code 3) from $ROUTER6"
	# pp-trace's own summary says it as pp-probe's does.
	run --separate-stderr lab_exec c pp-trace -c 2 -i 50ms -W 300ms -m 5 "$LAB_DST4"
	[ "$status" -eq 1 ]
	assert_stderr --partial "2 rounds, destination answered in 0 (100.0% loss), 2 unreachable (host-unreachable, code 1) from $ROUTER4"
	run --separate-stderr lab_exec c pp-trace -c 2 -i 50ms -W 300ms -m 5 "$LAB_DST6"
	[ "$status" -eq 1 ]
	assert_stderr --partial "2 rounds, destination answered in 0 (100.0% loss), 2 unreachable (address-unreachable, code 3) from $ROUTER6"
}

@test "outcome (lab): pp-probe's exit status beside fping's on the same dead and live targets" {
	command -v fping >/dev/null || skip "fping not installed"
	dead_host
	live=${LAB_HOP4[0]}
	for t in "$LAB_DST4" "$live" "$LAB_DST4 $live"; do
		# shellcheck disable=SC2086
		run lab_exec c fping -q -c 3 -p 50 -t 300 $t
		f=$status
		# shellcheck disable=SC2086
		run --separate-stderr lab_exec c pp-probe -c 3 -i 50ms -W 300ms $t
		p=$status
		echo "targets: $t  fping $f  pp-probe $p" >&2
		[ "$f" -eq "$p" ]
	done
	# Dead alone and with a live one: both 1; live alone: both 0.
	run lab_exec c pp-probe -c 2 -i 50ms -W 300ms "$live"
	[ "$status" -eq 0 ]
	run --separate-stderr lab_exec c pp-probe -c 2 -i 50ms -W 300ms "$live" "$LAB_DST4"
	[ "$status" -eq 1 ]
	printf '%s\n' "$stderr" | grep -qx "pp-probe: no answer from $LAB_DST4"
	# A name that does not resolve: 2 (fping's 2 as well).
	run lab_exec c fping -q -c 1 -t 200 no.such.host.invalid
	[ "$status" -eq 2 ]
	run --separate-stderr lab_exec c pp-probe -c 1 -W 200ms no.such.host.invalid "$live"
	[ "$status" -eq 2 ]
}

@test "outcome (lab): the CI example fails on a dead target and an unresolvable one, passes on a live one" {
	dead_host
	ci="$PP_TOP/share/examples/ci-network-check.sh"
	live=${LAB_HOP4[0]}
	run --separate-stderr lab_exec c env PATH="$PATH" PP_TARGETS="$live" PP_COUNT=5 PP_INTERVAL=20ms sh "$ci"
	[ "$status" -eq 0 ] || { printf '%s\n%s\n' "$output" "$stderr" >&2; false; }
	assert_output --partial "network check passed"
	run --separate-stderr lab_exec c env PATH="$PATH" PP_TARGETS="$live $LAB_DST4" PP_COUNT=5 PP_INTERVAL=20ms sh "$ci"
	[ "$status" -eq 1 ]
	assert_stderr --partial "network check failed"
	assert_stderr --partial "no answer from $LAB_DST4"
	assert_output --partial '"kind":"unreachable"'
	run --separate-stderr lab_exec c env PATH="$PATH" PP_TARGETS="$live nonexistent.invalid" PP_COUNT=5 PP_INTERVAL=20ms sh "$ci"
	[ "$status" -eq 1 ]
	assert_stderr --partial "cannot resolve 'nonexistent.invalid'"
	assert_stderr --partial "network check failed"
}

@test "outcome (lab): a closed TCP port is up by default and down with --refused-down, in every command" {
	lab_up --routers 1
	# Port 9 answers RST (refused), port 7 accepts (open).
	run --separate-stderr lab_exec c pp-probe --tcp -P 9 -c 4 -i 50ms -W 500ms "$LAB_DST4"
	[ "$status" -eq 0 ] || { printf '%s\n' "$stderr" >&2; false; }
	assert_stderr --partial "4 probes sent, 4 answered, 0.0% loss"
	assert_stderr --partial "connections 0 open, 4 refused"
	printf '%s\n' "$output" | tail -n +2 | jq -s -e 'length == 4 and all(.status == "reply" and .conn == "refused")' >/dev/null
	printf '%s\n' "$output" >"$T/up.ndjson"
	run --separate-stderr lab_exec c pp-probe --tcp -P 9 --refused-down -c 4 -i 50ms -W 500ms "$LAB_DST4"
	[ "$status" -eq 1 ]
	assert_stderr --partial "4 probes sent, 0 answered, 100.0% loss"
	assert_stderr --partial "connections 0 open, 4 refused (counted as down)"
	assert_stderr --partial "no answer from $LAB_DST4"
	printf '%s\n' "$output" >"$T/down.ndjson"
	head -1 "$T/down.ndjson" | jq -e '.settings.refused == "down"' >/dev/null
	# The readers: the same records are up without the option, down
	# with it; the meta record of a --refused-down run says down alone.
	pp_run 0 pp-stats -f ndjson "$T/up.ndjson"
	printf '%s\n' "$output" | sed -n 2p | jq -e '.recv == 4 and .loss == 0 and .open == 0 and .refused == 4' >/dev/null
	pp_run 0 pp-stats -f ndjson --refused-down "$T/up.ndjson"
	printf '%s\n' "$output" | sed -n 2p | jq -e '.recv == 0 and .loss == 100 and .refused == 4' >/dev/null
	pp_run 0 pp-stats -f ndjson "$T/down.ndjson"
	printf '%s\n' "$output" | sed -n 2p | jq -e '.recv == 0 and .loss == 100' >/dev/null
	pp_run 0 pp-alert --loss 5 --window 4 --fail "$T/up.ndjson"
	pp_run 1 pp-alert --loss 5 --fail --refused-down "$T/up.ndjson"
	assert_output --partial '"reason":"refused"'
	pp_run 1 pp-alert --loss 5 --fail "$T/down.ndjson"
	pp_run 0 pp-mos -f ndjson "$T/up.ndjson"
	printf '%s\n' "$output" | sed -n 2p | jq -e '.loss == 0 and .mos > 4' >/dev/null
	pp_run 0 pp-mos -f ndjson --refused-down "$T/up.ndjson"
	printf '%s\n' "$output" | sed -n 2p | jq -e '.loss == 100 and .mos == 1' >/dev/null
	pp_run 0 pp-plot -c summary --refused-down "$T/up.ndjson"
	assert_output --partial ">100.0%</text>"
	pp_run 0 pp-plot -c summary "$T/up.ndjson"
	assert_output --partial ">0.0%</text>"
	# The open port: open, up either way.
	run --separate-stderr lab_exec c pp-probe --tcp -P 7 --refused-down -c 4 -i 50ms -W 500ms "$LAB_DST4"
	[ "$status" -eq 0 ]
	assert_stderr --partial "connections 4 open, 0 refused"
	printf '%s\n' "$output" | tail -n +2 | jq -s -e 'all(.conn == "open")' >/dev/null
}

@test "outcome (lab): pp-trace --refused-down: a TCP trace to a closed port is down at the destination, as pp-probe's" {
	lab_up --routers 1
	# Port 9 of the destination (hop 2) answers RST.
	run --separate-stderr lab_exec c pp-trace -T -P 9 -c 3 -i 100ms -W 500ms "$LAB_DST4"
	[ "$status" -eq 0 ] || { printf '%s\n' "$stderr" >&2; false; }
	assert_stderr --partial "3 rounds, destination answered in 3 (0.0% loss)"
	printf '%s\n' "$output" >"$T/up.ndjson"
	run --separate-stderr lab_exec c pp-trace -T -P 9 --refused-down -c 3 -i 100ms -W 500ms "$LAB_DST4"
	# As pp-probe --refused-down: status 1, the destination never answered.
	[ "$status" -eq 1 ] || { printf '%s\n' "$stderr" >&2; false; }
	assert_stderr --partial "3 rounds, destination answered in 0 (100.0% loss), 3 refused (counted as down)"
	assert_stderr --partial "no answer from the destination of $LAB_DST4"
	printf '%s\n' "$output" >"$T/down.ndjson"
	# The same setting as pp-probe's; the records themselves unchanged.
	head -1 "$T/down.ndjson" | jq -e '.settings.refused == "down"' >/dev/null
	! head -1 "$T/up.ndjson" | jq -e '.settings | has("refused")' >/dev/null
	jq -s -e '[.[] | select(.type == "probe" and .ttl == 2)] | length == 3 and all(.status == "reply" and .conn == "refused")' "$T/down.ndjson" >/dev/null
	run --separate-stderr lab_exec c pp-probe --tcp -P 9 --refused-down -c 3 -i 100ms -W 500ms "$LAB_DST4"
	[ "$status" -eq 1 ]
	head -1 <<<"$output" | jq -e '.settings.refused == "down"' >/dev/null
	# pp-stats reads the archive's setting: the destination's hop down
	# (no option needed), the router up; the plain trace's is up.
	pp_run 0 pp-stats -f ndjson "$T/down.ndjson"
	printf '%s\n' "$output" | jq -s -e '[.[] | select(.type == "stats")] | (map(select(.ttl == 2)) | length == 1 and .[0].recv == 0 and .[0].loss == 100 and .[0].refused == 3) and (map(select(.ttl == 1)) | .[0].loss == 0)' >/dev/null
	pp_run 0 pp-stats -f ndjson "$T/up.ndjson"
	printf '%s\n' "$output" | jq -s -e '[.[] | select(.type == "stats" and .ttl == 2)] | length == 1 and .[0].recv == 3 and .[0].loss == 0' >/dev/null
	pp_run 0 pp-stats -f table "$T/down.ndjson"
	assert_output --partial "0 open, 3 refused (refused counted as down)"
	# mtr's report beside it: -r counts the hop lost with the option.
	run --separate-stderr lab_exec c pp-trace -T -P 9 --refused-down -r -c 3 -i 100ms -W 500ms "$LAB_DST4"
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -E '^  2\.\|-- .* 100\.0% ' >/dev/null
	assert_output --partial "(refused counted as down)"
}

@test "outcome: a run's \"refused\":\"down\" rules that run's records alone, in any order of the inputs, in every reader" {
	# No lab: a service check (--refused-down, its meta says down) and a
	# plain run of the same closed port, 3 RSTs each.  Read together,
	# in either order, the check's 3 are lost and the plain run's 3 are
	# answers (as each read alone); a reader's own --refused-down makes
	# all 6 lost.
	local F="$PP_TOP/tests/fixtures/pp-stats/tcp.ndjson" a b
	for run in down up; do
		if [ "$run" = down ]; then
			sed -n '1s/"port":9}/"port":9,"refused":"down"}/p' "$F"
		else
			sed -n 1p "$F"
		fi
		for s in 0 1 2; do
			echo '{"type":"probe","ts":'$((1764000100 + s))',"target":"svc","dst":"198.18.4.2","proto":"tcp","seq":'$s',"status":"reply","from":"198.18.4.2","rtt":0.4,"conn":"refused","port":9}'
		done
	done >"$T/all.ndjson"
	head -4 "$T/all.ndjson" >"$T/down.ndjson"
	tail -4 "$T/all.ndjson" >"$T/up.ndjson"
	head -1 "$T/down.ndjson" | jq -e '.settings.refused == "down"' >/dev/null
	head -1 "$T/up.ndjson" | jq -e '.settings.refused == null' >/dev/null
	for order in "down up" "up down"; do
		set -- $order
		a="$T/$1.ndjson" b="$T/$2.ndjson"
		pp_run 0 pp-stats -f ndjson "$a" "$b"
		printf '%s\n' "$output" | sed -n 2p | jq -e '.sent == 6 and .recv == 3 and .refused == 6' >/dev/null
		cat "$a" "$b" >"$T/cat.ndjson"
		pp_run 0 pp-stats -f ndjson "$T/cat.ndjson"
		printf '%s\n' "$output" | sed -n 2p | jq -e '.sent == 6 and .recv == 3' >/dev/null
		pp_run 0 pp-stats -f ndjson --refused-down "$a" "$b"
		printf '%s\n' "$output" | sed -n 2p | jq -e '.sent == 6 and .recv == 0' >/dev/null
		pp_run 0 pp-mos -f ndjson "$a" "$b"
		printf '%s\n' "$output" | sed -n 2p | jq -e '.sent == 6 and .recv == 3 and .loss == 50' >/dev/null
		pp_run 1 pp-alert --window 6 --loss 40 --fail "$a" "$b"
		assert_output --partial 'loss 50.000% >= 40.000% over the last 6 probes'
		pp_run 0 pp-plot -c summary "$a" "$b"
		assert_output --partial ">50.0%</text>"
	done
}

@test "outcome (lab): pp-probe's and pp-trace's summaries say why probes that no one answered were lost: ttl-expired on the way, send errors, beside ping and mtr" {
	lab_up --routers 2
	# -t 1: the first router answers ttl-expired; ping counts them as
	# errors (+3 errors), pp-probe names them.
	run lab_exec c ping -q -t 1 -c 3 -i 0.05 -W 0.3 "$LAB_DST4"
	[ "$status" -eq 1 ]
	assert_output --partial "+3 errors"
	run --separate-stderr lab_exec c pp-probe -t 1 -c 3 -i 50ms -W 300ms "$LAB_DST4"
	[ "$status" -eq 1 ]
	assert_stderr --partial "3 probes sent, 0 answered, 100.0% loss, 3 ttl-expired on the way"
	run --separate-stderr lab_exec c pp-probe -q -t 1 -c 3 -i 50ms -W 300ms "$LAB_DST4"
	[ "$status" -eq 1 ]
	assert_stderr --partial "3 packets transmitted, 0 received, +3 errors, 100% packet loss"
	# No route (the lab has no default route): the kernel refuses every
	# send; ping stops at its first, pp-probe keeps its schedule and says
	# why nothing went out.
	run lab_exec c ping -c 1 -W 0.3 198.18.99.9
	assert_output --partial "Network is unreachable"
	run --separate-stderr lab_exec c pp-probe -c 3 -i 50ms -W 300ms 198.18.99.9
	[ "$status" -eq 1 ]
	assert_stderr --partial "3 probes sent, 0 answered, 100.0% loss, 3 send errors (Network is unreachable)"
	printf '%s\n' "$output" | tail -n +2 | jq -s -e 'length == 3 and all(.status == "error")' >/dev/null
	# pp-trace says it too (it said 100% loss and nothing of why), as
	# mtr does ("udp socket connect failed: Network is unreachable"),
	# IPv4 and IPv6.
	if command -v mtr >/dev/null; then
		run lab_exec c mtr -r -n -c 1 198.18.99.9
		assert_output --partial "Network is unreachable"
	fi
	for dst in 198.18.99.9 fd00:99::9; do
		run --separate-stderr lab_exec c pp-trace -c 2 -i 50ms -W 300ms "$dst"
		[ "$status" -eq 1 ]
		assert_stderr --partial "2 rounds, destination answered in 0 (100.0% loss), 2 with send errors (Network is unreachable)"
		printf '%s\n' "$output" | jq -s -e 'map(select(.type == "probe")) | length > 0 and all(.status == "error")' >/dev/null
	done
	# A round with an answer is no such round: to the live destination.
	run --separate-stderr lab_exec c pp-trace -c 2 -i 50ms -W 300ms "$LAB_DST4"
	[ "$status" -eq 0 ]
	[[ $stderr != *"send errors"* ]]
}
