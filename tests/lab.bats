#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# The network lab and its impairment tool (root; skipped elsewhere).

setup() {
	load 'test_helper/common'
	load 'test_helper/lab'
	pp_setup
}

teardown() { lab_down; }

# ping_rtts NODE ARGS...: one RTT per line, ms
ping_rtts() {
	local node=$1
	shift
	lab_exec "$node" ping -n "$@" 2>/dev/null | sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p'
}

@test "lab: a chain of routers, IPv4 and IPv6; hops in order; torn down cleanly" {
	lab_up --routers 3
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null
	lab_exec c ping -6 -c 2 -W 3 "$LAB_DST6" >/dev/null
	command -v traceroute >/dev/null || skip "traceroute not installed"
	run lab_exec c traceroute -n -q 1 -w 1 "$LAB_DST4"
	[ "$status" -eq 0 ]
	for k in 1 2 3 4; do
		assert_line --regexp "^ *$k +${LAB_HOP4[$((k - 1))]//./\\.} "
	done
	# Nothing leaves the lab: no default route anywhere.
	for n in c r1 r2 r3 d; do
		[ -z "$(lab_exec "$n" ip route show default)" ]
	done
	lab_down
	[ -z "$(ip netns list | grep "^$LAB-" || true)" ]
	LAB=
}

@test "lab: delay on a link shows in ping's median RTT, within 0.5 ms" {
	lab_up --routers 2 --impair 2:delay=20ms
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null
	# ping's user-space send stamp adds 0.1 to 0.4 ms of its own here;
	# pp-probe.bats holds pp-probe to 0.3 ms on the same kind of path.
	m=$(ping_rtts c -c 200 -i 0.01 "$LAB_DST4" | median)
	awk -v m="$m" 'BEGIN { exit !(m >= 40 && m <= 40.5) }'
	# The hop before the delayed link does not see it.
	m1=$(ping_rtts c -c 50 -i 0.01 198.18.1.2 | median)
	awk -v m="$m1" 'BEGIN { exit !(m < 1) }'
}

@test "lab: random loss within statistical bounds; bursts of the mean length" {
	lab_up --routers 1 --impair 2:fwd.loss=10%
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null || true
	got=$(ping_rtts c -c 2000 -i 0.002 -W 1 "$LAB_DST4" | wc -l)
	lost=$((2000 - got))
	# 200 expected, binomial sigma 13.4: 4 sigma either side.
	[ "$lost" -ge 146 ] && [ "$lost" -le 254 ]
	tests/lab/lab.sh impair "$LAB" 2 fwd.loss=10%,fwd.burst=5
	out=$(lab_exec c ping -n -c 2000 -i 0.002 -W 1 "$LAB_DST4" 2>/dev/null | sed -n 's/.*icmp_seq=\([0-9]*\) .*/\1/p')
	# Mean run of missing sequence numbers near 5 (3 to 8).
	printf '%s\n' "$out" | awk 'NR > 1 && $1 > prev + 1 { runs++; lost += $1 - prev - 1 } { prev = $1 }
		END { m = lost / runs; exit !(runs > 10 && m >= 3 && m <= 8) }'
}

@test "lab: a link taken down for 2 s is a gap of that length in the replies" {
	lab_up --routers 1 --impair 2:delay=1ms
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null
	( sleep 1; "$PP_TOP/tests/lab/lab.sh" link "$LAB" 2 down; sleep 2; "$PP_TOP/tests/lab/lab.sh" link "$LAB" 2 up ) &
	# -D: the receive time of each reply; the longest silence is the outage.
	gap=$(lab_exec c ping -D -n -c 200 -i 0.02 -W 1 "$LAB_DST4" 2>/dev/null |
		sed -n 's/^\[\([0-9.]*\)\].*time=.*/\1/p' |
		awk 'NR > 1 && $1 - prev > max { max = $1 - prev } { prev = $1 } END { print max }')
	wait
	# 2 s, give or take the time lab.sh takes to change the link.
	awk -v g="$gap" 'BEGIN { exit !(g >= 1.8 && g <= 2.3) }'
}

@test "lab: the impairment changes at run time" {
	lab_up --routers 1 --impair 2:delay=5ms
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null
	m=$(ping_rtts c -c 20 -i 0.01 "$LAB_DST4" | median)
	awk -v m="$m" 'BEGIN { exit !(m >= 10 && m < 10.5) }'
	tests/lab/lab.sh impair "$LAB" 2 delay=15ms
	sleep 0.1
	m=$(ping_rtts c -c 20 -i 0.01 "$LAB_DST4" | median)
	awk -v m="$m" 'BEGIN { exit !(m >= 30 && m < 30.5) }'
}

# flow_hop DST SPORT TTL: the responder at TTL to a UDP probe from SPORT
# (Python, not the project's code: the lab checked by other means).
flow_hop() {
	lab_exec c python3 - "$@" <<-'PY'
	import socket, sys
	dst, sport, ttl = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
	v6 = ':' in dst
	fam = socket.AF_INET6 if v6 else socket.AF_INET
	r = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP)
	r.settimeout(1)
	s = socket.socket(fam, socket.SOCK_DGRAM)
	s.bind(('', sport))
	if v6:
	    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, ttl)
	else:
	    s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
	s.sendto(b'x' * 16, (dst, 33434))
	try:
	    print(r.recvfrom(2048)[1][0])
	except OSError:
	    print('none')
	PY
}

@test "lab: --ecmp splits flows by port over two routers, one flow one path; --spare and reroute" {
	lab_up --routers 3 --ecmp 2
	[ "$(lab_exec r1 sysctl -n net.ipv4.fib_multipath_hash_policy)" = 1 ]
	[ "$(lab_exec r1 sysctl -n net.ipv6.fib_multipath_hash_policy)" = 1 ]
	lab_exec r1 ip route show 198.18.4.0/24 | grep -q 'nexthop via 198.18.102.2'
	lab_exec r1 ip -6 route show fd00:0:0:4::/64 | grep -q 'nexthop via fd00:0:0:102::2'
	for dst in "$LAB_DST4" "$LAB_DST6"; do
		seen=""
		for sp in $(seq 40000 40015); do
			a=$(flow_hop "$dst" "$sp" 2)
			# The same flow again: the same router.
			[ "$(flow_hop "$dst" "$sp" 2)" = "$a" ]
			seen="$seen $a"
		done
		# 16 random-looking hashes over two paths: both, 1 - 2^-15.
		n=$(printf '%s\n' $seen | sort -u | wc -l)
		[ "$n" -eq 2 ] || { echo "hop 2 over 16 flows:$seen" >&2; false; }
		printf '%s\n' $seen | grep -qE '^(198\.18\.102\.2|fd00:0:0:102::2)$'
	done
	lab_down
	lab_up --routers 3 --spare 2
	run lab_exec c traceroute -n -q 1 -w 1 "$LAB_DST4"
	assert_line --regexp '^ *2 +198\.18\.2\.2 '
	"$PP_TOP/tests/lab/lab.sh" reroute "$LAB" spare
	run lab_exec c traceroute -n -q 1 -w 1 "$LAB_DST4"
	assert_line --regexp '^ *2 +198\.18\.102\.2 '
	assert_line --regexp '^ *3 +198\.18\.202\.2 '
	assert_line --regexp '^ *4 +198\.18\.4\.2 '
	[ "$(flow_hop "$LAB_DST6" 40000 2)" = fd00:0:0:102::2 ]
	"$PP_TOP/tests/lab/lab.sh" reroute "$LAB" main
	[ "$(flow_hop "$LAB_DST4" 40000 2)" = 198.18.2.2 ]
	[ "$(flow_hop "$LAB_DST6" 40000 3)" = fd00:0:0:3::2 ]
	run "$PP_TOP/tests/lab/lab.sh" reroute "$LAB" sideways
	[ "$status" -ne 0 ]
}

@test "lab: --pool, --block-dst, --reject-dst; a veth link down and up keeps its routes" {
	lab_up --routers 2 --pool
	"$PP_TOP/tests/lab/lab.sh" pool "$LAB" 1000 >"$BATS_TEST_TMPDIR/p"
	[ "$(sort -u "$BATS_TEST_TMPDIR/p" | wc -l)" -eq 1000 ]
	! grep -qE '\.(0|255)$' "$BATS_TEST_TMPDIR/p"
	lab_exec c ping -c 1 -W 1 "$(head -1 "$BATS_TEST_TMPDIR/p")" >/dev/null
	lab_exec c ping -c 1 -W 1 "$(tail -1 "$BATS_TEST_TMPDIR/p")" >/dev/null
	lab_exec c ping -6 -c 1 -W 1 "$("$PP_TOP/tests/lab/lab.sh" pool "$LAB" 1000 6 | tail -1)" >/dev/null
	# The link to r1 down and up: both families route again at once.
	"$PP_TOP/tests/lab/lab.sh" link "$LAB" 1 down
	! lab_exec c ping -c 1 -W 1 "$LAB_DST4" >/dev/null 2>&1
	"$PP_TOP/tests/lab/lab.sh" link "$LAB" 1 up
	lab_exec c ping -c 1 -W 1 "$LAB_DST4" >/dev/null
	lab_exec c ping -6 -c 1 -W 1 "$LAB_DST6" >/dev/null
	lab_exec c ping -c 1 -W 1 198.19.0.7 >/dev/null
	lab_down
	command -v nft >/dev/null || skip "nft not installed"
	lab_up --routers 2 --block-dst
	run lab_exec c traceroute -n -q 1 -w 1 -m 4 "$LAB_DST4"
	assert_line --regexp '^ *2 +198\.18\.2\.2 '
	assert_line --regexp '^ *3 +\*$'
	! lab_exec c ping -6 -c 1 -W 1 "$LAB_DST6" >/dev/null 2>&1
	lab_exec c ping -6 -c 1 -W 1 "${LAB_HOP6[1]}" >/dev/null
	lab_down
	lab_up --routers 2 --reject-dst admin-prohibited
	run lab_exec c ping -c 1 -W 1 "$LAB_DST4"
	assert_output --partial "From $LAB_DST4 icmp_seq=1 Packet filtered"
	run lab_exec c ping -6 -c 1 -W 1 "$LAB_DST6"
	assert_output --partial "Administratively prohibited"
	run lab_exec c traceroute -n -q 1 -w 1 -m 5 "$LAB_DST4"
	assert_line --regexp "^ *3 +${LAB_DST4//./\\.} .* !X$"
	run "$PP_TOP/tests/lab/lab.sh" up "${LAB}x" --reject-dst teapot
	[ "$status" -ne 0 ]
}

@test "lab: pp-impair's counters and drop log are the truth: every lost ping is one drop, out or back" {
	lab_up --routers 1 --impair 2:loss=10%
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null || true
	lab_truth_reset 2
	got=$(ping_rtts c -c 1000 -i 0.002 -W 1 "$LAB_DST4" | wc -l)
	lost=$((1000 - got))
	"$PP_TOP/tests/lab/lab.sh" drops "$LAB" 2 >"$BATS_TEST_TMPDIR/d"
	# time dir reason src dst proto ttl icmp-type: requests (type 8)
	# dropped going out, replies (0) coming back.
	out=$(awk '$2 == "fwd" && $3 == "loss" && $6 == 1 && $8 == 8 && $4 == "198.18.1.1"' "$BATS_TEST_TMPDIR/d" | wc -l)
	back=$(awk -v d="$LAB_DST4" '$2 == "rev" && $3 == "loss" && $6 == 1 && $8 == 0 && $4 == d' "$BATS_TEST_TMPDIR/d" | wc -l)
	echo "lost $lost, dropped out $out, back $back" >&2
	[ "$lost" -eq $((out + back)) ]
	# 100 of 1000 expected each way, 90 of 900 back (sigma 9.5, 9):
	# within 4 sigma.
	[ "$out" -ge 62 ] && [ "$out" -le 138 ] && [ "$back" -ge 54 ] && [ "$back" -le 126 ]
	# The counters: the same, and the lines of the log.
	c=$("$PP_TOP/tests/lab/lab.sh" counters "$LAB" 2)
	echo "$c" >&2
	fl=$(echo "$c" | sed -n 's/.* fwd passed=[0-9]* lost=\([0-9]*\) .*/\1/p')
	rl=$(echo "$c" | sed -n 's/.* rev passed=[0-9]* lost=\([0-9]*\) .*/\1/p')
	[ "$fl" -ge "$out" ] && [ "$rl" -ge "$back" ]
	# Forward only: nothing dropped on the way back.
	"$PP_TOP/tests/lab/lab.sh" impair "$LAB" 2 fwd.loss=20%
	ping_rtts c -c 200 -i 0.002 -W 1 "$LAB_DST4" >/dev/null
	"$PP_TOP/tests/lab/lab.sh" counters "$LAB" 2 | grep -E " rev passed=[0-9]+ lost=$rl "
	run "$PP_TOP/tests/lab/lab.sh" counters "$LAB" 1
	[ "$status" -ne 0 ]
}

@test "lab: cut LINK 2s at a given time: exactly the packets entering in that window are lost" {
	lab_up --routers 1 --impair 2:
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null
	at=$(awk -v t="$(date +%s.%N)" 'BEGIN { printf "%.6f", t + 1 }')
	"$PP_TOP/tests/lab/lab.sh" cut "$LAB" 2 2s "$at" >"$BATS_TEST_TMPDIR/cut"
	cat "$BATS_TEST_TMPDIR/cut"
	# Both directions, from AT to AT + 2 s (microsecond clocks apart).
	[ "$(wc -l <"$BATS_TEST_TMPDIR/cut")" -eq 2 ]
	awk -v at="$at" '$1 != "cut" || ($3 - at) > 0.001 || (at - $3) > 0.001 ||
		($4 - $3 - 2) > 0.0001 || ($4 - $3 - 2) < -0.0001 { bad = 1 } END { exit bad }' "$BATS_TEST_TMPDIR/cut"
	# ping every 10 ms across it: the replies stop for 2 s, give or
	# take an interval.
	gap=$(lab_exec c ping -D -n -c 350 -i 0.01 -W 1 "$LAB_DST4" 2>/dev/null |
		sed -n 's/^\[\([0-9.]*\)\].*time=.*/\1/p' |
		awk 'NR > 1 && $1 - prev > max { max = $1 - prev } { prev = $1 } END { print max }')
	echo "gap $gap" >&2
	awk -v g="$gap" 'BEGIN { exit !(g >= 1.99 && g <= 2.03) }'
	# Every drop a "cut" inside the window; the counters agree.
	"$PP_TOP/tests/lab/lab.sh" drops "$LAB" 2 >"$BATS_TEST_TMPDIR/d"
	n=$(wc -l <"$BATS_TEST_TMPDIR/d")
	[ "$n" -ge 100 ]
	awk -v at="$at" '$3 != "cut" || $1 < at || $1 > at + 2 { bad = 1 } END { exit bad }' "$BATS_TEST_TMPDIR/d"
	"$PP_TOP/tests/lab/lab.sh" counters "$LAB" 2 | awk -v n="$n" '{
		for (i = 1; i <= NF; i++) if ($i ~ /^cut=/) c += substr($i, 5)
		exit c != n }'
	# Changing the link's settings later does not cut it again.
	"$PP_TOP/tests/lab/lab.sh" impair "$LAB" 2 delay=1ms
	lab_exec c ping -c 3 -i 0.2 -W 1 "$LAB_DST4" >/dev/null
	[ "$("$PP_TOP/tests/lab/lab.sh" drops "$LAB" 2 | wc -l)" -eq "$n" ]
	# Bad input: not an impaired link, not a duration, not a time.
	lab_down
	lab_up --routers 1
	run "$PP_TOP/tests/lab/lab.sh" cut "$LAB" 2 2s
	[ "$status" -ne 0 ]
	[[ $output == *"not impaired"* ]]
	lab_down
	lab_up --routers 1 --impair 2:
	run "$PP_TOP/tests/lab/lab.sh" cut "$LAB" 2 soon
	[ "$status" -ne 0 ]
	run "$PP_TOP/tests/lab/lab.sh" cut "$LAB" 2 2s tomorrow
	[ "$status" -ne 0 ]
}
