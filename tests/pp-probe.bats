#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# pp-probe: the command contract on loopback; accuracy, loss, outages,
# protocols, IPv6, concurrency, privileges and mtr in the lab.

setup() {
	load 'test_helper/common'
	load 'test_helper/lab'
	pp_setup
}

teardown() { lab_down; }

@test "pp-probe -h prints the usage, equal to the man page SYNOPSIS" {
	pp_run 0 pp-probe -h
	assert_line --index 0 --partial "usage: pp-probe [-46hnqV]"
	usage_matches_man pp-probe
}

@test "pp-probe: bad options exit 2; a name that does not resolve" {
	pp_run 2 pp-probe --bogus 127.0.0.1
	assert_stderr --partial "usage: pp-probe"
	pp_run 2 pp-probe -c 0 127.0.0.1
	assert_stderr --partial "-c: count must be 1 to"
	pp_run 2 pp-probe -i 1us 127.0.0.1
	assert_stderr --partial "-i: interval must be 10us to 1d (under 1ms root only): 1us"
	# A schedule that keeps more probes waiting than the engine holds
	# (16-bit identities) is refused, never slowed down.
	pp_run 2 pp-probe -i 10us -W 1s 127.0.0.1
	assert_stderr --partial "-i, -W: 1 target every 0.01 ms with a 1000 ms timeout keep 100000 probes in flight; 60000 at most"
	# PP_RCVBUF (a receive buffer for tests of overload): bytes or nothing.
	pp_run 2 env PP_RCVBUF=4k pp-probe --udp -c 1 -W 200ms 127.0.0.1
	assert_stderr --partial "PP_RCVBUF: bytes must be 256 to 67108864: 4k"
	pp_run 2 pp-probe
	pp_run 2 pp-probe --udp -c 1 -W 200ms no.such.host.invalid 127.0.0.1
	assert_stderr --partial "cannot resolve 'no.such.host.invalid'"
	[ "$(printf '%s\n' "$output" | grep -c '"target":"127.0.0.1"')" -eq 1 ]
	# Its summary states no loss (0.0 % would read as all well).
	printf '%s\n' "$stderr" | grep -qx '0 probes sent (the name did not resolve)'
	! printf '%s\n' "$stderr" | grep -q '0 answered, 0.0% loss'
}

@test "pp-probe: every value error names the option as typed (-c and --count each their own)" {
	option_errors pp-probe <<-'T'
	-c 0 count must be
	--count 0 count must be
	-f /nonexistent cannot open
	--file /nonexistent cannot open
	-I '' not an interface name
	--iface '' not an interface name
	-i 0 interval must be
	-m x mark must be
	-P 0 port must be
	-Q 999 tos must be
	--tos 999 tos must be
	-S 12 ping's socket send buffer
	--src 12 ping's socket send buffer
	-s x size
	--size x size
	-t 0 ttl must be
	--ttl 0 ttl must be
	-W 0 timeout must be
	-w 0 invalid deadline
	-o -c '-c' is not taken
	--keep -1 count must be
	--pattern zz byte must be
	--resolve-every 0 at least 1s
	--rotate 1 size must be
	--vantage '' name must be
	T
}

@test "pp-probe: ICMP, TCP and UDP on loopback; records valid and complete" {
	[ "$(id -u)" = 0 ] || skip "ICMP needs root here"
	pp_run 0 pp-probe -c 3 -i 50ms 127.0.0.1 ::1
	assert_ndjson
	printf '%s\n' "$output" | jq -e -s '
		.[0].type == "meta" and .[0].settings.proto == "icmp" and
		(.[1:] | length == 6 and all(.status == "reply" and .rtt >= 0 and .rtt < 50)) and
		(.[1:] | map(.seq) | sort == [0,1,2,3,4,5])' >/dev/null
	assert_stderr --partial "--- 127.0.0.1 pp-probe statistics ---"
	assert_stderr --partial "3 probes sent, 3 answered, 0.0% loss"
	# A count of one in the singular, as every count pp says in words.
	pp_run 0 pp-probe -c 1 127.0.0.1
	printf '%s\n' "$stderr" | grep -qx '1 probe sent, 1 answered, 0\.0% loss, rtt min/avg/max/stdev = [0-9.]*/[0-9.]*/[0-9.]*/0\.000 ms' ||
		{ echo "want '1 probe sent, 1 answered, ...', got: $stderr" >&2; false; }
	# A closed TCP port answers with RST: a reply.  UDP: port unreachable.
	pp_run 0 pp-probe --tcp -P 9 -c 2 -i 50ms 127.0.0.1
	printf '%s\n' "$output" | tail -n +2 | jq -e -s 'length == 2 and all(.status == "reply" and .proto == "tcp" and .port == 9)' >/dev/null
	pp_run 0 pp-probe --udp -P 33434 -c 2 -i 50ms 127.0.0.1
	printf '%s\n' "$output" | tail -n +2 | jq -e -s 'length == 2 and all(.status == "reply" and .proto == "udp")' >/dev/null
	# -o FILE.gz: the same records, readable by zcat and pp-stats.
	pp_run 0 pp-probe --udp -c 5 -i 10ms -o "$BATS_TEST_TMPDIR/p.ndjson.gz" 127.0.0.1
	[ "$(zcat "$BATS_TEST_TMPDIR/p.ndjson.gz")" = "$output" ]
	pp-stats "$BATS_TEST_TMPDIR/p.ndjson.gz" | grep -q '"sent":5'
}

@test "pp-probe: the schedule does not drift; SIGINT ends cleanly" {
	pp_run 0 pp-probe --udp -c 100 -i 10ms 127.0.0.1
	printf '%s\n' "$output" | tail -n +2 | jq -s -e '
		(map(.ts) | sort) as $t |
		[range(1; length) | $t[.] - $t[. - 1]] |
		(add / length) as $m | ($m > 0.0098 and $m < 0.0102) and
		(map(select(. > 0.015)) | length) < 3' >/dev/null
	pp-probe --udp -i 20ms 127.0.0.1 >"$BATS_TEST_TMPDIR/o" 2>"$BATS_TEST_TMPDIR/e" &
	pid=$!
	sleep 0.5
	kill -INT "$pid"
	wait "$pid"
	grep -q 'probes sent' "$BATS_TEST_TMPDIR/e"
	tail -n +2 "$BATS_TEST_TMPDIR/o" | jq -e -s 'length >= 15 and all(.status == "reply")' >/dev/null
	# A closed reader ends it quietly.
	run bash -c 'set -o pipefail; pp-probe --udp -i 1ms 127.0.0.1 2>/dev/null | head -3 >/dev/null'
	[ "$status" -eq 0 ]
}

@test "pp-probe: sends on time (median lag under 50 us); targets take their slots in turn" {
	# One target every 2 ms: each send's lag behind its slot, less the
	# smallest.  (Before lib/pace the median was about 100 us here.)
	# Measured once more when over: a virtual machine held up for part
	# of the 0.8 s (once in CI, a median of 1,992 us: half the sends
	# late by a whole slot) is not pp-probe's lag.
	local try
	for try in 1 2; do
		pp_run 0 pp-probe --udp -c 400 -i 2ms 127.0.0.1
		printf '%s\n' "$output" | tail -n +2 | jq -r '[.seq, .ts] | @tsv' |
			awk 'NR == 1 { t0 = $2 } { print ($2 - t0 - $1 * 0.002) * 1e6 }' |
			sort -g | awk '{ d[NR] = $1 } END { m = d[int(NR / 2)] - d[1]
				print "median lag " m " us"; exit !(NR == 400 && m < 50) }' >&2 &&
			break
		[ "$try" = 2 ] && false
	done
	# Three targets every 30 ms: one slot each 10 ms, in turn.
	pp_run 0 pp-probe --udp -c 10 -i 30ms 127.0.0.1 ::1 127.0.0.2
	printf '%s\n' "$output" | tail -n +2 | jq -s -e '
		sort_by(.seq) | length == 30 and
		(map(.target) == ([range(10)] | map("127.0.0.1", "::1", "127.0.0.2"))) and
		(. as $r | [range(1; 30) | $r[.].ts - $r[. - 1].ts] | sort |
		    .[0] > 0 and .[14] > 0.0095 and .[14] < 0.0105)' >/dev/null
}

@test "pp-probe (lab): answers that waited while stdout was blocked are replies, not timeouts" {
	lab_up --routers 1 --impair 2:delay=20ms
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null
	# The pipe fills after some 300 records; pp-probe then waits in
	# write(2) for a second while the answers to the 20 ms of probes in
	# flight arrive in its socket, well within -W, and are read late.
	lab_exec c sh -c "pp-probe -c 400 -i 1ms -W 50ms $LAB_DST4 2>/dev/null |
	    (sleep 1; cat)" >"$BATS_TEST_TMPDIR/o"
	tail -n +2 "$BATS_TEST_TMPDIR/o" | jq -s -e '
		length == 400 and all(.status == "reply")' >/dev/null
}

@test "pp-probe (lab): the median RTT at the emulated delay, as close to it as ping's, v4 and v6" {
	lab_up --routers 2 --impair 2:delay=10ms
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null
	lab_exec c ping -6 -c 2 -W 3 "$LAB_DST6" >/dev/null || true
	# PP_REALTIME=0: the delay line (pp-impair) is a user-space process on
	# the same two CPUs, and pp-probe's SCHED_FIFO spin before each send
	# holds it up, adding to the RTT the lab gives (medians 20.30-20.32
	# with it, 20.25-20.29 without, ping 20.2 at a quiet moment); the
	# real-time send precision is tested apart (1 kHz, tests/bench).
	# The delay line's own cost differs by family, machine and moment
	# (IPv6 medians 20.38 here where IPv4's are 20.28; in CI, run one
	# after the other, ping's median was 20.3 and pp-probe's 20.69), so
	# each family is judged beside ping running at the same time through
	# the same delay line: never below the emulated 20 ms, never further
	# from it than ping (whose user-space send stamp adds 0.1 to 0.3 ms
	# here; at 10 ms and more it prints RTTs rounded to 0.1 ms, so its
	# median is p +- 0.05) and 0.2 ms of slack for the delay line's
	# wake-ups (side by side here the medians were within 0.1 of each
	# other).  A comparison that fails is made once more: a bias of
	# pp-probe's fails both, a moment of a busy machine one.
	for fam in 4 6; do
		if [ "$fam" = 4 ]; then dst=$LAB_DST4; else dst=$LAB_DST6; fi
		ok=0
		for try in 1 2; do
			lab_exec c ping "-$fam" -n -c 300 -i 0.005 "$dst" >"$BATS_TEST_TMPDIR/ping" 2>/dev/null &
			q=$(lab_exec c env PP_REALTIME=0 pp-probe -c 300 -i 5ms "$dst" 2>/dev/null | tail -n +2 | jq -r '.rtt' | median)
			wait $!
			p=$(sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' "$BATS_TEST_TMPDIR/ping" | median)
			echo "try $try, median to $dst: ping $p ms (rounded to 0.1), pp-probe $q ms" >&2
			if awk -v p="$p" -v q="$q" 'BEGIN { exit !(p >= 20 && q >= 20 && q <= p + 0.05 + 0.2) }'; then
				ok=1
				break
			fi
		done
		[ "$ok" = 1 ]
	done
}

@test "pp-probe (lab): loss over 2,000 probes within statistical bounds" {
	lab_up --routers 1 --impair 2:fwd.loss=5%
	lab_exec c pp-probe -c 1 -W 1 "$LAB_DST4" >/dev/null 2>&1 || true
	n=$(lab_exec c pp-probe -c 2000 -i 2ms -W 500ms "$LAB_DST4" 2>/dev/null | grep -c '"status":"timeout"' || true)
	# 100 expected, sigma 9.7: within 4 sigma.
	[ "$n" -ge 61 ] && [ "$n" -le 139 ]
}

@test "pp-probe (lab): a 2 s outage is errors or timeouts, evenly spaced, no gap" {
	lab_up --routers 1 --impair 2:delay=1ms
	lab_exec c pp-probe -c 1 "$LAB_DST4" >/dev/null 2>&1
	# The far link down: silence, so timeouts (2 s is 100 probes, give or
	# take the time lab.sh takes to change the link); no send more than
	# an interval and a half after the one before it.
	( sleep 1; "$PP_TOP/tests/lab/lab.sh" link "$LAB" 2 down; sleep 2; "$PP_TOP/tests/lab/lab.sh" link "$LAB" 2 up ) &
	lab_exec c pp-probe -c 250 -i 20ms -W 500ms "$LAB_DST4" >"$BATS_TEST_TMPDIR/a" 2>/dev/null || true
	wait
	tail -n +2 "$BATS_TEST_TMPDIR/a" | jq -s -e '
		length == 250 and
		(map(select(.status == "timeout")) | length) as $t | ($t >= 80 and $t <= 115) and
		(sort_by(.seq) | map(.ts)) as $ts | [range(1; length) | $ts[.] - $ts[. - 1]] |
		(max < 0.035 and min > 0.003)' >/dev/null
	# Our own link down: the sends fail, and each is an error record
	# with its send time.
	( sleep 1; "$PP_TOP/tests/lab/lab.sh" link "$LAB" 1 down; sleep 2; "$PP_TOP/tests/lab/lab.sh" link "$LAB" 1 up ) &
	lab_exec c pp-probe -c 250 -i 20ms -W 500ms "$LAB_DST4" >"$BATS_TEST_TMPDIR/b" 2>/dev/null || true
	wait
	tail -n +2 "$BATS_TEST_TMPDIR/b" | jq -s -e '
		length == 250 and
		(map(select(.status == "error" and (.err | test("unreachable")))) | length) >= 80 and
		(sort_by(.seq) | map(.ts)) as $ts | [range(1; length) | $ts[.] - $ts[. - 1]] | max < 0.035' >/dev/null
}

@test "pp-probe (lab): TCP open, closed and dropped ports; UDP; IPv6 for each" {
	lab_up --routers 1
	lab_exec c ping -6 -c 2 -W 3 "$LAB_DST6" >/dev/null || true
	for dst in "$LAB_DST4" "$LAB_DST6"; do
		s7=$(lab_exec c pp-probe --tcp -P 7 -c 1 -W 1 "$dst" 2>/dev/null | tail -1 | jq -r .status)
		s9=$(lab_exec c pp-probe --tcp -P 9 -c 1 -W 1 "$dst" 2>/dev/null | tail -1 | jq -r .status)
		s10=$(lab_exec c pp-probe --tcp -P 10 -c 1 -W 1 "$dst" 2>/dev/null | tail -1 | jq -r .status)
		su=$(lab_exec c pp-probe --udp -c 1 -W 1 "$dst" 2>/dev/null | tail -1 | jq -r '.status + " " + .from')
		[ "$s7 $s9 $s10" = "reply reply timeout" ]
		[ "$su" = "reply $dst" ]
	done
	# A TTL of 1 expires at the first router.
	r=$(lab_exec c pp-probe -t 1 -c 1 "$LAB_DST4" 2>/dev/null | tail -1 | jq -r '.status + " " + .from')
	[ "$r" = "ttl-expired ${LAB_HOP4[0]}" ]
}

@test "pp-probe (lab): two processes probing one target each see only their own replies" {
	lab_up --routers 1
	lab_exec c pp-probe -c 300 -i 2ms "$LAB_DST4" >"$BATS_TEST_TMPDIR/1" 2>/dev/null &
	lab_exec c pp-probe -c 300 -i 2ms "$LAB_DST4" >"$BATS_TEST_TMPDIR/2" 2>/dev/null &
	wait
	for f in 1 2; do
		tail -n +2 "$BATS_TEST_TMPDIR/$f" | jq -s -e 'length == 300 and all(.status == "reply") and (map(.seq) | unique | length) == 300' >/dev/null
	done
}

@test "pp-probe: a copy with the file capability cap_net_raw, run by nobody, drops it and probes (with -m too)" {
	[ "$(id -u)" = 0 ] || skip "needs root (setcap, setpriv)"
	command -v setcap >/dev/null || skip "no setcap"
	command -v setpriv >/dev/null || skip "setpriv not installed"
	local d
	d=$(mktemp -d /tmp/ppcap.XXXXXX)
	chmod 755 "$d"
	cp "$PP_BIN/pp-probe" "$d/pp-probe"
	chmod 755 "$d/pp-probe"
	setcap cap_net_raw=ep "$d/pp-probe" || { rm -rf "$d"; skip "file capabilities not allowed here"; }
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$d/pp-probe" -c 1 127.0.0.1
	local st1=$status out1=$output
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$d/pp-probe" -m 5 -c 1 127.0.0.1
	rm -rf "$d"
	[ "$st1" -eq 0 ]
	printf '%s\n' "$out1" | head -1 | jq -e '.settings.socket == "raw"' >/dev/null
	# Before: "cannot drop privileges" (exit 1) for asking to keep
	# CAP_NET_ADMIN it did not have; now it runs, or names the mark.
	[[ "$stderr" != *"cannot drop privileges"* ]]
	[ "$status" -eq 0 ] || [[ "$status" -eq 2 && "$stderr" == *mark* ]]
}

@test "pp-probe (lab): unprivileged ICMP where the sysctl allows it, a clear message where not" {
	lab_up --routers 1
	command -v setpriv >/dev/null || skip "setpriv not installed"
	as_nobody() { lab_exec c setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	run --separate-stderr as_nobody "$PP_BIN/pp-probe" -c 1 "$LAB_DST4"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"cannot open an ICMP socket"*"setcap cap_net_raw+ep"*"ping_group_range"*"--udp or --tcp"* ]]
	lab_exec c sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	run --separate-stderr as_nobody "$PP_BIN/pp-probe" -c 2 -i 50ms "$LAB_DST4"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | head -1 | jq -e '.settings.socket == "datagram"' >/dev/null
	printf '%s\n' "$output" | tail -n +2 | jq -e -s 'length == 2 and all(.status == "reply")' >/dev/null
	# UDP needs no privilege at all.
	lab_exec c sysctl -qw net.ipv4.ping_group_range="1 0"
	run --separate-stderr as_nobody "$PP_BIN/pp-probe" --udp -c 1 "$LAB_DST4"
	[ "$status" -eq 0 ]
}

@test "pp-probe --mtr-packet: Debian's mtr runs on our engine" {
	command -v mtr >/dev/null || skip "mtr not installed"
	lab_up --routers 2 --impair 3:delay=5ms
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null
	run lab_exec c env MTR_PACKET="$PP_TOP/share/mtr-packet" PATH="$PATH" mtr --report -n -c 5 -i 0.2 "$LAB_DST4"
	[ "$status" -eq 0 ]
	assert_line --regexp "^ *1\\.\\|-- ${LAB_HOP4[0]//./\\.} +0\\.0%"
	assert_line --regexp "^ *2\\.\\|-- ${LAB_HOP4[1]//./\\.} +0\\.0%"
	# The destination, 10 ms away on the impaired link, every probe back.
	line=$(printf '%s\n' "$output" | grep -E "^ *3\\.\\|-- ${LAB_DST4//./\\.} ")
	avg=$(printf '%s\n' "$line" | awk '{print $6}')
	loss=$(printf '%s\n' "$line" | awk '{print $3}')
	[ "$loss" = "0.0%" ]
	awk -v a="$avg" 'BEGIN { exit !(a >= 10 && a < 11) }'
	# The protocol itself.
	run bash -c "printf '1 check-support feature send-probe\n2 check-support feature version\n3 send-probe ip-4 ${LAB_DST4} ttl 1 timeout 1\n4 bogus\n' | ip netns exec $LAB-c pp-probe --mtr-packet"
	assert_line "1 feature-support support ok"
	assert_line "2 feature-support support 0.1.0"
	assert_line --regexp "^3 ttl-expired ip-4 ${LAB_HOP4[0]//./\\.} round-trip-time [0-9]+$"
	assert_line "4 unknown-command"
}

@test "pp-probe: ping's letters mean what they mean in ping (-f, -q as fping); the others are errors that say what to use" {
	[ "$(id -u)" = 0 ] || skip "ICMP needs root here"
	# -c -i -W -s (data bytes, as ping) -t -Q (hex) -n, on loopback.
	pp_run 0 pp-probe -n -c 3 -i 0.05 -W 1 -s 100 -t 2 -Q 0x10 127.0.0.1 ::1
	printf '%s\n' "$output" | jq -e -s '
		(.[0].settings | .proto == "icmp" and .data == 100 and (has("size") | not) and
		 .tos == 16 and .ttl == 2 and .timeout == 1 and .interval == 0.05 and .count == 3) and
		(.[1:] | length == 6 and all(.status == "reply" and .ttl == 2)) and
		([.[1:][] | select(.dst == "127.0.0.1") | .size] | unique == [128]) and
		([.[1:][] | select(.dst == "::1") | .size] | unique == [148])' >/dev/null
	pp_run 0 pp-probe -c 1 -s 100 127.0.0.1
	printf '%s\n' "$output" | jq -e -s '.[0].settings.size == 128 and .[0].settings.data == 100' >/dev/null
	# The default is ping's: 56 data bytes, an 84-byte packet.
	pp_run 0 pp-probe -c 1 127.0.0.1
	printf '%s\n' "$output" | jq -e -s '.[0].settings.data == 56 and .[1].size == 84' >/dev/null
	# -I: an interface, or (as ping) a source address; -S the source (fping).
	pp_run 0 pp-probe --udp -c 1 -I lo 127.0.0.1
	printf '%s\n' "$output" | jq -e -s '.[0].settings.interface == "lo"' >/dev/null
	pp_run 0 pp-probe --udp -c 1 -I 127.0.0.1 127.0.0.1
	printf '%s\n' "$output" | jq -e -s '.[0].settings.src == "127.0.0.1" and (.[0].settings | has("interface") | not)' >/dev/null
	pp_run 0 pp-probe --udp -c 1 -S 127.0.0.1 127.0.0.1
	printf '%s\n' "$output" | jq -e -s '.[0].settings.src == "127.0.0.1"' >/dev/null
	# -f FILE and -q as fping: the summary, no records on stdout (-o
	# still has them).
	printf '127.0.0.1\n::1\n' >"$BATS_TEST_TMPDIR/t"
	pp_run 0 pp-probe -q -c 2 -i 20ms -f "$BATS_TEST_TMPDIR/t" -o "$BATS_TEST_TMPDIR/q.ndjson"
	[ -z "$output" ]
	assert_stderr --partial "--- ::1 pp-probe statistics ---"
	[ "$(grep -c '"type":"probe"' "$BATS_TEST_TMPDIR/q.ndjson")" -eq 4 ]
	# A line's first word is its target, as fping reads -f: a note may
	# follow (pp-probe tried to resolve the whole line, and exited 2).
	printf '127.0.0.1 the router
  127.0.0.2\t# the other\n\n# none\n' >"$BATS_TEST_TMPDIR/n"
	if command -v fping >/dev/null; then
		run fping -c 1 -q -f "$BATS_TEST_TMPDIR/n"
		[ "$status" -eq 0 ]
		assert_output --partial "127.0.0.1 : xmt/rcv/%loss = 1/1/0%"
	fi
	pp_run 0 pp-probe -c 1 -f "$BATS_TEST_TMPDIR/n"
	[ "$(printf '%s\n' "$output" | jq -r 'select(.type == "probe") | .dst' | paste -sd' ')" = "127.0.0.1 127.0.0.2" ]
	# fping's long names where they mean the same.
	pp_run 0 pp-probe --count 1 --size 64 --tos 8 --ttl 3 --src 127.0.0.1 --quiet --ipv4 127.0.0.1
	[ -z "$output" ]
	# ping's and fping's letters that pp-probe does not take.
	for o in -A -a -B -b -C -D -d -e "-F 1" -g "-H 3" -L -l -M "-N name" -O "-p ff" -R -r "-T tsonly" -U -u -v -X -x; do
		pp_run 2 pp-probe $o -c 1 127.0.0.1
		assert_stderr --partial "${o%% *}: "
		[ -z "$output" ]
	done
}

@test "pp-probe: an old use of a letter that took ping's meaning is an error, never another meaning" {
	pp_run 2 pp-probe --tcp -p 443 -c 1 127.0.0.1
	assert_stderr --partial "the destination port is -P PORT (it was -p before"
	pp_run 2 pp-probe -S 65536 -c 1 127.0.0.1
	assert_stderr --partial "-S: ping's socket send buffer is not supported; -S is the source address, as in fping"
	pp_run 2 pp-probe -t 500 -c 1 127.0.0.1
	assert_stderr --partial "(fping's -t, a timeout in milliseconds, is -W 500ms here)"
	pp_run 2 pp-probe -o -c 1 127.0.0.1
	assert_stderr --partial "-o: '-c' is not taken for a file name"
	pp_run 2 pp-probe -Q 0x1g 127.0.0.1
	assert_stderr --partial "-Q: tos must be 0 to 255 (or 0x hex): 0x1g"
	pp_run 2 pp-probe -m 0x100000000 127.0.0.1
	assert_stderr --partial "-m: mark must be 0 to 4294967295 (or 0x hex)"
	pp_run 2 pp-probe -s 17 127.0.0.1
	assert_stderr --partial "-s: size (data bytes after the 8-byte header) must be 18 to 65507: 17"
	pp_run 2 pp-probe --tcp -s 100 127.0.0.1
	assert_stderr --partial "SYNs, which carry no data"
}

@test "pp-probe: a bad interface, a source not on this host, a refused mark: exit 2 with the kernel's reason, nothing probed" {
	pp_run 2 pp-probe --udp -c 1 -I pp-no-such-if0 127.0.0.1
	assert_stderr --partial "-I pp-no-such-if0: cannot send through this interface: No such device"
	[ -z "$output" ]
	for o in -I -S; do
		pp_run 2 pp-probe --udp -c 1 $o 198.51.100.77 127.0.0.1
		assert_stderr --partial "$o 198.51.100.77: cannot send from this address: Cannot assign requested address"
		[ -z "$output" ]
	done
	command -v setpriv >/dev/null || skip "setpriv not installed"
	[ "$(id -u)" = 0 ] || skip "needs root to become nobody"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$PP_BIN/pp-probe" --udp -c 1 -m 7 127.0.0.1
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"-m 7: cannot set this mark: Operation not permitted"* ]]
	[ -z "$output" ]
	pp_run 0 pp-probe --udp -c 1 -m 0x2a 127.0.0.1
	printf '%s\n' "$output" | jq -e -s '.[0].settings.mark == 42 and .[1].status == "reply"' >/dev/null
	# -m in a group of letters keeps the mark's capability too (it was
	# dropped: "cannot set this mark").
	pp_run 0 pp-probe --udp -c 1 -nm 0x2a 127.0.0.1
	printf '%s\n' "$output" | jq -e -s '.[0].settings.mark == 42 and .[1].status == "reply"' >/dev/null
}

@test "pp-probe (lab): ping's letters beside ping and fping: the same packets on the wire, the same answers" {
	command -v nft >/dev/null || skip "nft not installed"
	lab_up --routers 3
	# -c 3 -i 0.2 -W 1 -s 100 -t 2 -Q 0x10: three 128-byte echo requests
	# (100 data bytes, as ping counts), TTL 2, TOS 0x10; the second router
	# answers time exceeded.  fping's letters for the same: -p -t -b -H -O.
	any="ip protocol icmp icmp type echo-request"
	good="ip length 128 ip dscp 0x04 ip ttl 2"
	lab_wire r1 prerouting "$any" "$good"
	run lab_exec c ping -n -c 3 -i 0.2 -W 1 -s 100 -t 2 -Q 0x10 "$LAB_DST4"
	[ "$(printf '%s\n' "$output" | grep -c "From ${LAB_HOP4[1]} icmp_seq=[0-9]* Time to live exceeded")" -eq 3 ]
	[ "$(lab_wire_count r1)" = "3 3" ]
	if command -v fping >/dev/null; then
		lab_wire r1 prerouting "$any" "$good"
		run lab_exec c fping -c 3 -p 200 -t 1000 -b 100 -H 2 -O 0x10 "$LAB_DST4"
		[ "$(lab_wire_count r1)" = "3 3" ]
	fi
	lab_wire r1 prerouting "$any" "$good"
	lab_exec c "$PP_BIN/pp-probe" -c 3 -i 0.2 -W 1 -s 100 -t 2 -Q 0x10 "$LAB_DST4" >"$BATS_TEST_TMPDIR/o" 2>/dev/null || true
	[ "$(lab_wire_count r1)" = "3 3" ]
	tail -n +2 "$BATS_TEST_TMPDIR/o" | jq -s -e --arg h "${LAB_HOP4[1]}" '
		length == 3 and all(.status == "ttl-expired" and .from == $h and .size == 128 and .ttl == 2)' >/dev/null
	head -1 "$BATS_TEST_TMPDIR/o" | jq -e '.settings | .data == 100 and .size == 128 and .tos == 16 and .ttl == 2' >/dev/null
	# IPv6: ping's -s 100 is a 148-byte packet (nft's length: the payload).
	lab_wire r1 prerouting "meta l4proto icmpv6 icmpv6 type echo-request" "ip6 length 108"
	lab_exec c ping -6 -n -c 2 -i 0.2 -W 1 -s 100 "$LAB_DST6" >/dev/null
	[ "$(lab_wire_count r1)" = "2 2" ]
	lab_wire r1 prerouting "meta l4proto icmpv6 icmpv6 type echo-request" "ip6 length 108"
	lab_exec c "$PP_BIN/pp-probe" -c 2 -i 0.2 -W 1 -s 100 "$LAB_DST6" >/dev/null 2>&1
	[ "$(lab_wire_count r1)" = "2 2" ]
	# -I: an interface or a source address, as ping's; -m the mark.
	for o in "-I v1a" "-I 198.18.1.1" "-m 42"; do
		run lab_exec c ping -n -c 1 -W 1 $o "$LAB_DST4"
		[ "$status" -eq 0 ]
		run lab_exec c "$PP_BIN/pp-probe" -c 1 -W 1 $o "$LAB_DST4"
		[ "$status" -eq 0 ]
		printf '%s\n' "$output" | tail -1 | jq -e '.status == "reply"' >/dev/null
	done
	lab_wire c output "ip daddr $LAB_DST4" "meta mark 42"
	lab_exec c "$PP_BIN/pp-probe" -c 2 -i 0.1 -m 0x2a "$LAB_DST4" >/dev/null 2>&1
	[ "$(lab_wire_count c)" = "2 2" ]
}

@test "pp-probe (lab): -w DEADLINE as ping's: the run ends then; with -c, the count is of answers" {
	lab_up --routers 1 --impair 2:loss=50%
	# 50% loss: -c 3 -w 10 sends until three answers came back, then stops,
	# as ping does.
	lab_exec c "$PP_BIN/pp-probe" -c 3 -w 10 -i 50ms -W 1 "$LAB_DST4" >"$BATS_TEST_TMPDIR/o" 2>/dev/null
	tail -n +2 "$BATS_TEST_TMPDIR/o" | jq -s -e '
		(map(select(.status == "reply")) | length == 3) and length >= 3 and
		(max_by(.ts).ts - min_by(.ts).ts) < 5' >/dev/null || {
		tail -n +2 "$BATS_TEST_TMPDIR/o" | jq -c '[.seq, .status]' >&2
		false
	}
	head -1 "$BATS_TEST_TMPDIR/o" | jq -e '.settings.count == 3 and .settings.deadline == 10' >/dev/null
	run lab_exec c ping -n -c 3 -w 10 -i 0.05 -W 1 "$LAB_DST4"
	[ "$status" -eq 0 ]
	[[ "$output" == *" 3 received"* ]]
}

@test "pp-probe (lab): -c and -w: exit 1 when fewer than count answers came by the deadline, as ping; 0 when they came" {
	lab_up --routers 1 --impair 2:loss=50%
	# Five probes in the second: ten answers cannot come.
	for tool in ping pp; do
		rc=0
		if [ $tool = ping ]; then
			lab_exec c ping -n -q -c 10 -w 1 -i 0.2 "$LAB_DST4" >/dev/null 2>&1 || rc=$?
		else
			lab_exec c "$PP_BIN/pp-probe" -c 10 -w 1 -i 0.2 "$LAB_DST4" >/dev/null 2>"$BATS_TEST_TMPDIR/e" || rc=$?
		fi
		[ "$rc" -eq 1 ] || { echo "$tool: exit $rc, want 1" >&2; false; }
	done
	grep -q "pp-probe: fewer than 10 answers by the deadline from $LAB_DST4" "$BATS_TEST_TMPDIR/e"
	# Three answers well before the deadline: 0 for both.
	lab_exec c ping -n -q -c 3 -w 10 -i 0.05 "$LAB_DST4" >/dev/null
	lab_exec c "$PP_BIN/pp-probe" -c 3 -w 10 -i 50ms "$LAB_DST4" >/dev/null 2>"$BATS_TEST_TMPDIR/e"
	! grep -q "fewer than" "$BATS_TEST_TMPDIR/e"
}

@test "pp-probe (lab): the run ends once every probe has its outcome, as ping's: 100 probes with loss take ping's time, not the timeout more" {
	lab_up --routers 1 --impair 2:delay=5ms,loss=10%
	lab_exec c ping -c 1 -W 1 "$LAB_DST4" >/dev/null || true
	# 100 probes 10 ms apart, some lost (the last ones too, now and
	# then): ping ends 2 RTTs after its last probe; pp-probe as soon, not
	# -W (2 s) after the last lost one.
	for k in 1 2; do
		t0=$(date +%s%N)
		lab_exec c ping -n -q -c 100 -i 0.01 "$LAB_DST4" >"$BATS_TEST_TMPDIR/ping" 2>&1 || true
		t1=$(date +%s%N)
		lab_exec c "$PP_BIN/pp-probe" -c 100 -i 10ms "$LAB_DST4" >"$BATS_TEST_TMPDIR/o" 2>/dev/null || true
		t2=$(date +%s%N)
		ping_ms=$(((t1 - t0) / 1000000))
		pp_ms=$(((t2 - t1) / 1000000))
		echo "ping $ping_ms ms, pp-probe $pp_ms ms" >&2
		tail -n +2 "$BATS_TEST_TMPDIR/o" | jq -s -e 'length == 100 and
			(map(select(.status == "timeout")) | length > 0) and
			all(.status == "reply" or .status == "timeout")' >/dev/null
		[ "$pp_ms" -lt $((ping_ms + 300)) ] && [ "$pp_ms" -lt 1700 ] || {
			echo "pp-probe took $pp_ms ms, ping $ping_ms ms" >&2
			false
		}
	done
	# Nothing answers: both wait the timeout after the last probe.
	"$PP_TOP/tests/lab/lab.sh" impair "$LAB" 2 loss=100%
	t0=$(date +%s%N)
	lab_exec c ping -n -q -c 3 -i 0.1 -W 0.5 "$LAB_DST4" >/dev/null 2>&1 || true
	t1=$(date +%s%N)
	lab_exec c "$PP_BIN/pp-probe" -c 3 -i 100ms -W 500ms "$LAB_DST4" >/dev/null 2>&1 || true
	t2=$(date +%s%N)
	ping_ms=$(((t1 - t0) / 1000000))
	pp_ms=$(((t2 - t1) / 1000000))
	[ "$pp_ms" -ge 650 ] && [ "$pp_ms" -lt $((ping_ms + 300)) ] || {
		echo "nothing answers: pp-probe $pp_ms ms, ping $ping_ms ms" >&2
		false
	}
	# Every answer in: the run ends at the last one (some 200 ms; the
	# -W of 2 s would make it 2.2 s).  Over 350 ms is measured once more
	# (402 ms once in ci-local's ASan suite beside other jobs); the second
	# decides.
	"$PP_TOP/tests/lab/lab.sh" impair "$LAB" 2 delay=5ms
	for try in 1 2; do
		t0=$(date +%s%N)
		lab_exec c "$PP_BIN/pp-probe" -c 20 -i 10ms "$LAB_DST4" >/dev/null 2>&1
		pp_ms=$((($(date +%s%N) - t0) / 1000000))
		echo "20 probes, all answered, try $try: $pp_ms ms" >&2
		[ "$pp_ms" -lt 350 ] && break
		[ "$try" -eq 1 ] || false
	done
}

@test "pp-probe (lab): -w DEADLINE ends the run at the deadline, as ping; probes still in flight then are timeouts" {
	lab_up --routers 1 --block-dst
	# Nothing answers: ping -w 1 -i 0.2 sends 5 and exits after 1 s;
	# pp-probe sends the same 5 and is done at the deadline, not -W later.
	start=$(date +%s.%N)
	lab_exec c "$PP_BIN/pp-probe" -c 3 -w 1 -i 0.2 -W 5 "$LAB_DST4" >"$BATS_TEST_TMPDIR/o" 2>/dev/null || true
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN { exit !(b - a >= 0.95 && b - a < 1.6) }' || {
		echo "took $start .. $end" >&2
		false
	}
	tail -n +2 "$BATS_TEST_TMPDIR/o" | jq -s -e 'length == 5 and all(.status == "timeout")' >/dev/null
	run lab_exec c ping -n -c 3 -w 1 -i 0.2 -W 5 "$LAB_DST4"
	[[ "$output" == *"5 packets transmitted, 0 received"* ]]
}

@test "pp-probe: the completions offer every option of the usage, with ping's and fping's letters" {
	completions_cover pp-probe
	grep -q "(ping -s; fping -b)" "$PP_TOP/completions/zsh/_pp-probe" "$PP_TOP/completions/fish/pp-probe.fish"
}

# pingsum FILE PROG: ping's summary lines in FILE checked against
# iputils' format (the header names PROG); prints "SENT RECV LOSS" and
# " +N" with ping's errors.
pingsum() {
	awk -v prog="$2" '
		/^--- .* statistics ---$/ { if ($NF != "---" || $(NF - 1) != "statistics" || $(NF - 2) != prog) bad = 1; h = NR; next }
		h && NR == h + 1 {
			if ($0 !~ /^[0-9]+ packets transmitted, [0-9]+ received, (\+[0-9]+ errors, )?[0-9.]+% packet loss, time [0-9]+ms$/) bad = 1
			s = $1; r = $4; l = $6; e = ""; if ($6 ~ /^\+/) { e = " " $6; l = $8 }; next }
		h && NR == h + 2 && /^rtt/ {
			if ($0 !~ /^rtt min\/avg\/max\/mdev = [0-9]+\.[0-9][0-9][0-9]\/[0-9]+\.[0-9][0-9][0-9]\/[0-9]+\.[0-9][0-9][0-9]\/[0-9]+\.[0-9][0-9][0-9] ms$/) bad = 1
			split($4, v, "/"); if (!(v[1] <= v[2] && v[2] <= v[3])) bad = 1 }
		END { if (bad || s == "") exit 1; print s, r, l e }' "$1"
}

@test "pp-probe's summary on a terminal and with -q: ping's two lines beside /usr/bin/ping's (loopback, and 100% loss in the lab), pp's reasons under them" {
	[ "$(id -u)" = 0 ] || skip "ICMP needs root here"
	[ -x /usr/bin/ping ] || skip "no ping"
	T=$BATS_TEST_TMPDIR
	/usr/bin/ping -q -c 5 -i 0.2 127.0.0.1 >"$T/ping" 2>&1 || true
	pp-probe -q -c 5 -i 200ms 127.0.0.1 >"$T/pp.out" 2>"$T/pp"
	[ ! -s "$T/pp.out" ]
	p=$(pingsum "$T/ping" ping) || _pp_fail "ping's own summary not as expected" "$(cat "$T/ping")"
	q=$(pingsum "$T/pp" pp-probe) || _pp_fail "not ping's format" "$(cat "$T/pp")"
	[ "$p" = "5 5 0%" ] && [ "$q" = "$p" ] || _pp_fail "ping $p, pp-probe $q" "$(cat "$T/ping" "$T/pp")"
	# mdev is the population deviation: 0 for one answer (the sample
	# deviation would be undefined).
	pp-probe -q -c 1 127.0.0.1 2>"$T/one"
	grep -qE '^rtt min/avg/max/mdev = ([0-9.]+)/([0-9.]+)/([0-9.]+)/0\.000 ms$' "$T/one" || _pp_fail "one answer" "$(cat "$T/one")"
	# On a terminal too (ping's lines above the summary).
	python3 "$PP_TOP/tests/pty-run.py" --out "$T/tty" -- pp-probe -c 3 -i 100ms 127.0.0.1
	tr -d '\r' <"$T/tty" >"$T/tty.txt"
	[ "$(pingsum "$T/tty.txt" pp-probe)" = "3 3 0%" ] || _pp_fail "on a terminal" "$(cat "$T/tty.txt")"
	# Piped: pp's one line, as before.
	pp-probe -c 2 -i 100ms 127.0.0.1 2>"$T/piped" | cat >/dev/null
	grep -q '^2 probes sent, 2 answered, 0.0% loss, rtt min/avg/max/stdev = ' "$T/piped" || _pp_fail "piped" "$(cat "$T/piped")"
	# Every probe lost (the link to the destination drops all): the same
	# counts and loss as ping's, no rtt line, and pp's reasons (an
	# unreachable) on a line of their own when there are any.
	lab_up --routers 1 --impair 2:loss=100%
	lab_exec c /usr/bin/ping -q -c 4 -i 0.2 -W 1 "$LAB_DST4" >"$T/ping" 2>&1 || true
	lab_exec c pp-probe -q -c 4 -i 200ms -W 1s "$LAB_DST4" 2>"$T/pp" || true
	p=$(pingsum "$T/ping" ping) || _pp_fail "ping's own summary" "$(cat "$T/ping")"
	q=$(pingsum "$T/pp" pp-probe) || _pp_fail "not ping's format" "$(cat "$T/pp")"
	[ "$p" = "4 0 100%" ] && [ "$q" = "$p" ] || _pp_fail "ping $p, pp-probe $q" "$(cat "$T/ping" "$T/pp")"
	! grep -q '^rtt' "$T/pp"
	lab_down
	# A router that answers host-unreachable for the destination: ping's
	# "+N errors" in both, and pp's reason (the router, the code) on the
	# line under them.
	lab_up --routers 2
	lab_exec r2 nft -f - <<-NFT
	table inet ppdead {
		chain dead {
			type filter hook forward priority 0;
			ip daddr $LAB_DST4 reject with icmp type host-unreachable
		}
	}
	NFT
	lab_exec c /usr/bin/ping -q -c 4 -i 0.2 -W 1 "$LAB_DST4" >"$T/ping" 2>&1 || true
	lab_exec c pp-probe -q -c 4 -i 200ms -W 1s "$LAB_DST4" 2>"$T/pp" || true
	p=$(pingsum "$T/ping" ping) || _pp_fail "ping's own summary" "$(cat "$T/ping")"
	q=$(pingsum "$T/pp" pp-probe) || _pp_fail "not ping's format" "$(cat "$T/pp")"
	[ "$p" = "4 0 100% +4" ] && [ "$q" = "$p" ] || _pp_fail "ping $p, pp-probe $q" "$(cat "$T/ping" "$T/pp")"
	sed -n 3p "$T/pp" | grep -qx "4 unreachable (host-unreachable, code 1) from ${LAB_HOP4[1]}" || _pp_fail "no reason line" "$(cat "$T/pp")"
}
