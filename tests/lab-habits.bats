#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# The lab's internet habits (tests/lab/lab.sh; root, nft and tcpdump;
# skipped elsewhere), each shown to be there by a capture or a peer
# (traceroute, mtr-packet, ping): 8-byte quotes, MPLS label stacks with
# and without the RFC 4884 length, per-packet balancing, a router that
# never sends time-exceeded, a web server behind a firewall, a client
# behind a NAT.  The probers on the same habits: tests/pp-trace-habits.bats.

setup() {
	load 'test_helper/common'
	load 'test_helper/lab'
	pp_setup
	command -v nft >/dev/null || skip "nft not installed (make deps)"
}

teardown() {
	[ -n "${LAB_CAP:-}" ] && kill "$LAB_CAP" 2>/dev/null
	lab_down
}

lab_sh() { "$PP_TOP/tests/lab/lab.sh" "$@"; }

# errors_from ADDR: the captured errors of responder ADDR, SRC KIND LENGTH
# QUOTE PAST CKSUM LABELS (tests/lab/pcap-icmp.py).
errors_from() { awk -v a="$1" '$1 == a && $2 != "udp" { print $1, $2, $3, $4, $5, $6, $7 }' "$BATS_TEST_TMPDIR/errs"; }

@test "lab: --quote8 K: router K's ICMP errors quote 8 bytes past the IP header (v4, v6), the others whole; traceroute still finds it" {
	lab_up --routers 3 --quote8 2
	lab_capture c v1a icmp or icmp6
	# traceroute's UDP probes: 60 bytes (v4), 80 (v6); the quote of a
	# whole one holds 40 bytes past its IP header.
	lab_exec c traceroute -n -q 1 -w 1 "$LAB_DST4" >"$BATS_TEST_TMPDIR/t4"
	lab_exec c traceroute -6 -n -q 1 -w 1 "$LAB_DST6" >"$BATS_TEST_TMPDIR/t6"
	lab_capture_end >"$BATS_TEST_TMPDIR/errs"
	cat "$BATS_TEST_TMPDIR/errs"
	[ "$(errors_from 198.18.2.2)" = "198.18.2.2 te 0 28 8 ok -" ]
	[ "$(errors_from fd00:0:0:2::2)" = "fd00:0:0:2::2 te 0 48 8 ok -" ]
	for a in 198.18.1.2 198.18.3.2 fd00:0:0:1::2 fd00:0:0:3::2; do
		[ "$(errors_from "$a" | awk '{print $2, $5, $6}')" = "te 40 ok" ]
	done
	# The destination's port unreachable is whole too.
	[ "$(errors_from "$LAB_DST4" | awk '{print $2, $5; exit}')" = "un 40" ]
	# traceroute matches on the ports, in the first 8 bytes: every hop.
	grep -qE '^ 2 +198\.18\.2\.2 ' "$BATS_TEST_TMPDIR/t4"
	grep -qE '^ 2 +fd00:0:0:2::2 ' "$BATS_TEST_TMPDIR/t6"
	grep -qE '^ 4 +198\.18\.4\.2 ' "$BATS_TEST_TMPDIR/t4"
	# pp-impair counted what it cut, on the way back only.
	lab_sh counters "$LAB" 2 | grep -E 'fwd .* quoted=0 .* rev .* quoted=[1-9]'
	# Bad input.
	run lab_sh up "${LAB}x" --quote8 4
	[ "$status" -ne 0 ]
	[[ $output == *"--quote8 K: K a router, 1 to 3"* ]]
}

@test "lab: --mpls K: label stacks in time-exceeded, with and without the RFC 4884 length; traceroute -e and mtr-packet read them" {
	lab_up --routers 3 --mpls 2:24001 --mpls 3:100/1048575:nolen
	lab_capture c v1a icmp or icmp6
	lab_exec c traceroute -e -n -q 1 -w 1 "$LAB_DST4" >"$BATS_TEST_TMPDIR/t4"
	lab_exec c traceroute -6 -e -n -q 1 -w 1 "$LAB_DST6" >"$BATS_TEST_TMPDIR/t6"
	lab_capture_end >"$BATS_TEST_TMPDIR/errs"
	cat "$BATS_TEST_TMPDIR/errs" "$BATS_TEST_TMPDIR/t4" "$BATS_TEST_TMPDIR/t6"
	# SRC KIND LENGTH QUOTE PAST CKSUM LABELS: the quote padded to 128
	# bytes, the length 128 or not set, the checksums right.
	[ "$(errors_from 198.18.2.2)" = "198.18.2.2 te 128 128 108 ok 24001:0:1:1" ]
	[ "$(errors_from fd00:0:0:2::2)" = "fd00:0:0:2::2 te 128 128 88 ok 24001:0:1:1" ]
	[ "$(errors_from 198.18.3.2)" = "198.18.3.2 te 0 128 108 ok 100:0:0:1/1048575:0:1:1" ]
	[ "$(errors_from fd00:0:0:3::2)" = "fd00:0:0:3::2 te 0 128 88 ok 100:0:0:1/1048575:0:1:1" ]
	# Router 1 and the destination as Linux sends them.
	[ "$(errors_from 198.18.1.2)" = "198.18.1.2 te 0 60 40 ok -" ]
	[ "$(errors_from "$LAB_DST4" | head -1)" = "$LAB_DST4 un 0 60 40 ok -" ]
	for f in 4 6; do
		grep -qE '^ 2 .* <MPLS:L=24001,E=0,S=1,T=1> ' "$BATS_TEST_TMPDIR/t$f"
		grep -qE '^ 3 .* <MPLS:L=100,E=0,S=0,T=1/L=1048575,E=0,S=1,T=1> ' "$BATS_TEST_TMPDIR/t$f"
		! grep -E '^ [14] .*MPLS' "$BATS_TEST_TMPDIR/t$f"
	done
	# mtr-packet, mtr's own reader, the same labels.
	printf '1 send-probe ip-4 %s ttl 2\n2 send-probe ip-6 %s ttl 3\n3 send-probe ip-4 %s ttl 1\n' \
		"$LAB_DST4" "$LAB_DST6" "$LAB_DST4" | (cat; sleep 1) | lab_exec c mtr-packet >"$BATS_TEST_TMPDIR/m"
	cat "$BATS_TEST_TMPDIR/m"
	grep -qx '1 ttl-expired ip-4 198.18.2.2 round-trip-time [0-9]* mpls 24001,0,1,1' "$BATS_TEST_TMPDIR/m"
	grep -qx '2 ttl-expired ip-6 fd00:0:0:3::2 round-trip-time [0-9]* mpls 100,0,0,1,1048575,0,1,1' "$BATS_TEST_TMPDIR/m"
	grep -qx '3 ttl-expired ip-4 198.18.1.2 round-trip-time [0-9]*' "$BATS_TEST_TMPDIR/m"
	# Bad labels.
	for bad in 2:1048576 2:1/x 2:1/2/3/4/5/6/7/8/9 5; do
		run lab_sh up "${LAB}x" --mpls "$bad"
		[ "$status" -ne 0 ] || { echo "--mpls $bad accepted" >&2; false; }
	done
}

@test "lab: --perpacket K: one flow takes both routers at hop K and both links at K+1; --ecmp keeps a flow on one" {
	lab_up --routers 3 --perpacket 2
	lab_exec r1 ip rule | grep -q 'fwmark 0x1 lookup 100'
	lab_exec r1 ip -6 rule | grep -q 'fwmark 0x1 lookup 100'
	lab_exec r1 nft list ruleset | grep -q 'numgen random mod 2'
	# 20 probes of one flow (same ports): both responders, hop 2 and 3
	# (all 20 on one side: 2^-19).
	for dst in "$LAB_DST4" "$LAB_DST6"; do
		for ttl in 2 3; do
			lab_flow_hops "$dst" 40000 "$ttl" 20 >"$BATS_TEST_TMPDIR/h"
			case $dst:$ttl in
			*:*:2) want="fd00:0:0:102::2 fd00:0:0:2::2" ;;
			*:*:3) want="fd00:0:0:202::2 fd00:0:0:3::2" ;;
			*:2) want="198.18.102.2 198.18.2.2" ;;
			*) want="198.18.202.2 198.18.3.2" ;;
			esac
			[ "$(sort -u "$BATS_TEST_TMPDIR/h" | paste -sd' ')" = "$want" ] || {
				echo "$dst TTL $ttl: $(sort "$BATS_TEST_TMPDIR/h" | uniq -c | paste -sd' ')" >&2
				false
			}
		done
	done
	# traceroute, 10 probes a hop: both at hop 2.
	run lab_exec c traceroute -n -q 10 -w 1 -m 4 "$LAB_DST4"
	assert_line --regexp '^ 2 .*198\.18\.2\.2 .*' 
	assert_line --regexp '^ 2 .*198\.18\.102\.2 .*'
	run lab_sh reroute "$LAB" spare
	[ "$status" -ne 0 ]
	lab_down
	# Per flow: the same 20 probes all on one side.
	lab_up --routers 3 --ecmp 2
	[ "$(lab_flow_hops "$LAB_DST4" 40000 2 20 | sort -u | wc -l)" -eq 1 ]
}

@test "lab: --silent K: router K sends no time-exceeded, forwards and answers pings" {
	lab_up --routers 3 --silent 2
	run lab_exec c traceroute -n -q 1 -w 0.5 "$LAB_DST4"
	assert_line --regexp '^ 1 +198\.18\.1\.2 '
	assert_line --regexp '^ 2 +\*$'
	assert_line --regexp '^ 3 +198\.18\.3\.2 '
	assert_line --regexp '^ 4 +198\.18\.4\.2 '
	run lab_exec c traceroute -6 -I -n -q 1 -w 0.5 "$LAB_DST6"
	assert_line --regexp '^ 2 +\*$'
	assert_line --regexp '^ 4 +fd00:0:0:4::2 '
	lab_exec c ping -c 1 -W 1 198.18.2.2 >/dev/null
	lab_exec c ping -6 -c 1 -W 1 fd00:0:0:2::2 >/dev/null
	# Its other errors still go out: a port unreachable of its own.
	run lab_exec c traceroute -n -q 1 -w 0.5 198.18.2.2
	assert_line --regexp '^ 2 +198\.18\.2\.2 '
}

@test "lab: --web-dst: the destination drops pings and UDP, accepts TCP 443 and 80" {
	lab_up --routers 2 --web-dst
	! lab_exec c ping -c 1 -W 1 "$LAB_DST4" >/dev/null
	! lab_exec c ping -6 -c 1 -W 1 "$LAB_DST6" >/dev/null
	for dst in "$LAB_DST4" "$LAB_DST6"; do
		for p in 443 80; do
			run lab_exec c traceroute -T -p "$p" -n -q 1 -w 1 "$dst"
			assert_line --regexp "^ 3 +${dst//./\\.} "
		done
		# UDP: no port unreachable, silence after hop 2.
		run lab_exec c traceroute -n -q 1 -w 0.3 -m 4 "$dst"
		assert_line --regexp '^ 2 +[0-9a-f.:]+ '
		assert_line --regexp '^ 3 +\*$'
	done
	# Open (a connection), not just answering SYNs; port 7 dropped.
	lab_exec c python3 -c 'import socket, sys
for a in sys.argv[1:]:
    socket.create_connection((a, 443), timeout=1).close()
    try:
        socket.create_connection((a, 7), timeout=0.5)
        sys.exit("port 7 answered")
    except socket.timeout:
        pass' "$LAB_DST4" "$LAB_DST6"
	run lab_sh up "${LAB}x" --web-dst --block-dst
	[ "$status" -ne 0 ]
}

@test "lab: --nat: the destination sees r1's address, nothing beyond r1 routes to the client, every answer comes back" {
	lab_up --routers 3 --nat
	! lab_exec d ip route get 198.18.1.1 >/dev/null 2>&1
	! lab_exec d ip -6 route get fd00:0:0:1::1 >/dev/null 2>&1
	! lab_exec r2 ip route get 198.18.1.1 >/dev/null 2>&1
	lab_capture d "$(lab_dev 4 b)" 'icmp[0] == 8 or (icmp6 and ip6[40] == 128) or udp'
	lab_exec c ping -c 1 -W 1 "$LAB_DST4" >/dev/null
	lab_exec c ping -6 -c 1 -W 1 "$LAB_DST6" >/dev/null
	lab_flow_hops "$LAB_DST4" 40000 10 1 >/dev/null
	sleep 0.1
	kill -INT "$LAB_CAP"
	wait "$LAB_CAP" || true
	LAB_CAP=
	tcpdump -n -r "$BATS_TEST_TMPDIR/cap.pcap" 2>/dev/null >"$BATS_TEST_TMPDIR/d"
	cat "$BATS_TEST_TMPDIR/d"
	grep -q "IP 198\.18\.2\.1 > $LAB_DST4: ICMP echo request" "$BATS_TEST_TMPDIR/d"
	grep -q "IP6 fd00:0:0:2::1 > $LAB_DST6: ICMP6, echo request" "$BATS_TEST_TMPDIR/d"
	! grep -q '198\.18\.1\.1\|fd00:0:0:1::1' "$BATS_TEST_TMPDIR/d"
	# fully-random: the source port too (kept by chance: 1 in 64,512).
	grep -q "IP 198\.18\.2\.1\.[0-9]* > $LAB_DST4\.33434: UDP" "$BATS_TEST_TMPDIR/d"
	! grep -q "IP 198\.18\.2\.1\.40000 > " "$BATS_TEST_TMPDIR/d"
	# The quotes of errors from beyond the NAT come back with the
	# client's address and ports, but the UDP checksum the NAT made (v4,
	# v6); r1's own quote is the datagram as sent.
	lab_capture c v1a udp or icmp or icmp6
	for dst in "$LAB_DST4" "$LAB_DST6"; do
		lab_flow_hops "$dst" 40000 2 1 >/dev/null
		lab_flow_hops "$dst" 40001 1 1 >/dev/null
	done
	lab_capture_end >"$BATS_TEST_TMPDIR/q"
	cat "$BATS_TEST_TMPDIR/q"
	while read -r me far near; do
		sent=$(awk -v a="$me" '$1 == a && $2 == "udp" && $8 ~ /^9c40/ { print $8; exit }' "$BATS_TEST_TMPDIR/q")
		sent1=$(awk -v a="$me" '$1 == a && $2 == "udp" && $8 ~ /^9c41/ { print $8; exit }' "$BATS_TEST_TMPDIR/q")
		quoted=$(awk -v a="$far" '$1 == a && $2 == "te" { print $8; exit }' "$BATS_TEST_TMPDIR/q")
		quoted1=$(awk -v a="$near" '$1 == a && $2 == "te" { print $8; exit }' "$BATS_TEST_TMPDIR/q")
		# Ports and length (6 bytes) as sent, the checksum not.
		[ -n "$sent" ] && [ "${quoted:0:12}" = "${sent:0:12}" ] && [ "${quoted:12}" != "${sent:12}" ]
		[ -n "$sent1" ] && [ "$quoted1" = "$sent1" ]
	done <<-EOF
	198.18.1.1 198.18.2.2 198.18.1.2
	fd00:0:0:1::1 fd00:0:0:2::2 fd00:0:0:1::2
	EOF
	# Errors from beyond the NAT come back, quotes rewritten: traceroute
	# matches them to its probes, every protocol.
	for o in "" -I -T; do
		run lab_exec c traceroute $o -n -q 1 -w 1 "$LAB_DST4"
		assert_line --regexp '^ 1 +198\.18\.1\.2 '
		assert_line --regexp '^ 3 +198\.18\.3\.2 '
		assert_line --regexp "^ 4 +${LAB_DST4//./\\.} "
		run lab_exec c traceroute -6 $o -n -q 1 -w 1 "$LAB_DST6"
		assert_line --regexp '^ 3 +fd00:0:0:3::2 '
		assert_line --regexp "^ 4 +$LAB_DST6 "
	done
}
