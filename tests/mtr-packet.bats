#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# pp's mtr-packet helper (pp-probe --mtr-packet, lib/mtrpkt) beside Debian's
# own /usr/bin/mtr-packet (mtr-tiny 0.95), the reference: the same request
# sequences go to both in the same run and every answer is compared
# (tests/test_helper/mtrpkt.bash: only round-trip times and the version
# text are masked).  Loopback tests run in a namespace of their own (no
# probe leaves it), the rest in the lab (tests/lab/lab.sh); the clients
# mtrpacket and twisted-mtr are played by tests/mtrpkt_client.py, and
# Debian's mtr runs on both helpers.  Root only (namespaces).

setup() {
	load 'test_helper/common'
	load 'test_helper/lab'
	load 'test_helper/mtrpkt'
	pp_setup
	mp_need
	REQ="$BATS_TEST_TMPDIR/req"
	MP_OUT=$BATS_TEST_TMPDIR
}

teardown() {
	[ -n "${HOLDER:-}" ] && kill "$HOLDER" 2>/dev/null || true
	lab_down
	mp_ns_down
	[ -n "${MP_TMP:-}" ] && rm -rf "$MP_TMP" || true
}

# The kernel here has no SCTP (mtr-packet then answers as pp does); where
# it has, the sctp lines are left out of the comparison.
no_sctp() {
	if python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM, 132)' 2>/dev/null; then
		grep -v sctp
	else
		cat
	fi
}

@test "mtr-packet comparison: a changed, missing or extra answer fails it" {
	mp_ns_up
	no_sctp <"$(fixture mtr-packet check-support.req)" >"$REQ"
	local n
	n=$(wc -l <"$REQ")
	# The reference against itself: the same.
	MP_PP=$MP_REF_BIN mp_compare "$REQ" ip netns exec "$MP_NS"
	mp_answers "$n"
	# One word changed, one answer lost, one added, one responder
	# changed: each is caught.
	run env MP_PP="$MP_REF_BIN | sed 's/^11 invalid-argument/11 unknown-command/'" \
		bash -c ". $PP_TOP/tests/test_helper/mtrpkt.bash; mp_compare $REQ ip netns exec $MP_NS"
	[ "$status" -eq 1 ]
	[[ "$output" == *"+11 unknown-command"* ]]
	run env MP_PP="$MP_REF_BIN | sed '/^3 /d'" \
		bash -c ". $PP_TOP/tests/test_helper/mtrpkt.bash; mp_compare $REQ ip netns exec $MP_NS"
	[ "$status" -eq 1 ]
	run env MP_PP="$MP_REF_BIN; echo 99 no-reply" \
		bash -c ". $PP_TOP/tests/test_helper/mtrpkt.bash; mp_compare $REQ ip netns exec $MP_NS"
	[ "$status" -eq 1 ]
	printf '1 send-probe ip-4 127.0.0.1\n' >"$REQ"
	run env MP_PP="$MP_REF_BIN | sed 's/127.0.0.1/127.0.0.2/'" \
		bash -c ". $PP_TOP/tests/test_helper/mtrpkt.bash; mp_compare $REQ ip netns exec $MP_NS"
	[ "$status" -eq 1 ]
	# pp writing to stderr fails it too.
	run env MP_PP="$MP_REF_BIN; echo oops >&2" \
		bash -c ". $PP_TOP/tests/test_helper/mtrpkt.bash; mp_compare $REQ ip netns exec $MP_NS"
	[ "$status" -eq 1 ]
}

@test "mtr-packet: check-support, every feature and malformed ones" {
	mp_ns_up
	no_sctp <"$(fixture mtr-packet check-support.req)" >"$REQ"
	mp_compare "$REQ" ip netns exec "$MP_NS"
	mp_answers "$(wc -l <"$REQ")"
	grep -qx '1 feature-support support ok' "$MP_OUT/pp"
	grep -qx '9 feature-support support VERSION' "$MP_OUT/pp"
}

@test "mtr-packet: malformed lines, tokens, long lines and NUL bytes" {
	mp_ns_up
	{
		printf '\n4\n5 send-probe ip-4\n6 send-probe ip-4 127.0.0.1 ttl\n'
		printf '99999999999999999999999 send-probe ip-4 127.0.0.1\n'
		printf -- '-9223372036854775809 bogus\n-9223372036854775808 bogus\n'
		printf '4294967297 bogus\n2147483648 bogus\n-2147483649 bogus\n'
		printf 'abc bogus\n0x11 bogus\n+10 bogus\n12x bogus\n'
		printf ' 13 \t bogus\r\n14\vcheck-support\ffeature\ttcp \n'
		printf '3 bogus\n9 SEND-PROBE ip-4 127.0.0.1\n'
		printf '15 check-support a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f\n'
		printf '16 check-support a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h\n'
		# 4094 bytes fit; 4095 and more overflow, the rest is a line.
		printf '17 check-support feature ip-4 %04090d\n' 0 | cut -c1-4094
		printf '18 check-support feature ip-4 %04100d b\n' 0
		head -c 9000 /dev/zero | tr '\0' 'x'; printf ' 19 bogus\n'
		# A NUL hides the rest of its line until the buffer is full.
		printf '20 check-support feature ip-4\0 x\n21 check-support feature tcp\n'
		head -c 4200 /dev/zero | tr '\0' 'y'; printf '\n22 check-support feature udp\n'
		printf '23 check-support feature icmp'	# unfinished: ignored
	} >"$REQ"
	mp_compare "$REQ" ip netns exec "$MP_NS"
	grep -qx '0 command-buffer-overflow' "$MP_OUT/pp"
	grep -qx '1 unknown-command' "$MP_OUT/pp"
	grep -qx '22 feature-support support ok' "$MP_OUT/pp"
	! grep -q '^23 ' "$MP_OUT/pp"
	[ "$(grep -c command-parse-error "$MP_OUT/pp")" -ge 8 ]
}

@test "mtr-packet: every send-probe argument, IPv4 and IPv6, loopback and a silent neighbour" {
	mp_ns_up
	cp "$(fixture mtr-packet arguments.req)" "$REQ"
	PP_TIMEOUT=60 mp_compare "$REQ" ip netns exec "$MP_NS"
	mp_answers "$(wc -l <"$REQ")"
}

@test "mtr-packet: IPv4-mapped IPv6 addresses and a loopback source to another host (mtr -I lo): the reference's words" {
	mp_ns_up
	# ::ffff:a.b.c.d: an ICMP or UDP probe from a mapped source (given,
	# or the route's to a mapped destination) is address-not-available,
	# nothing sent; TCP's dual-stack socket probes it.  A loopback source
	# to another host (mtr -I lo asks for 127.0.0.1): ICMP and UDP are
	# sent by mtr-packet and time out (no-reply), TCP is
	# invalid-argument, to this host's own address a reply.
	cat >"$REQ" <<-'R'
	1 send-probe ip-6 ::ffff:127.0.0.1 protocol icmp timeout 1
	2 send-probe ip-6 ::ffff:127.0.0.1 protocol udp timeout 1
	3 send-probe ip-6 ::ffff:127.0.0.1 protocol udp local-port 40000 timeout 1
	4 send-probe ip-6 ::ffff:127.0.0.1 protocol tcp port 9 timeout 1
	5 send-probe ip-6 ::ffff:127.0.0.1 protocol icmp ttl 1 timeout 1
	6 send-probe ip-6 ::1 local-ip-6 ::ffff:127.0.0.1 protocol icmp timeout 1
	7 send-probe ip-6 ::1 local-ip-6 ::ffff:127.0.0.1 protocol udp timeout 1
	8 send-probe ip-6 ::ffff:198.18.250.9 protocol icmp timeout 1
	9 send-probe ip-4 198.18.250.9 local-ip-4 127.0.0.1 protocol icmp size 64 bit-pattern 0 tos 0 ttl 1 timeout 1
	10 send-probe ip-4 198.18.250.9 local-ip-4 127.0.0.1 protocol udp ttl 2 timeout 1
	11 send-probe ip-4 198.18.250.9 local-ip-4 127.0.0.2 protocol udp local-port 40000 timeout 1
	12 send-probe ip-4 198.18.250.9 local-ip-4 127.0.0.1 protocol tcp port 80 timeout 1
	13 send-probe ip-4 198.18.250.1 local-ip-4 127.0.0.1 protocol icmp timeout 1
	14 send-probe ip-4 127.0.0.1 local-ip-4 127.0.0.1 protocol udp timeout 1
	R
	mp_compare "$REQ" ip netns exec "$MP_NS"
	mp_answers 14
	grep -qx '1 address-not-available' "$MP_OUT/pp"
	grep -qx '4 reply ip-6 ::ffff:127.0.0.1 round-trip-time RTT' "$MP_OUT/pp"
	grep -qx '9 no-reply' "$MP_OUT/pp"
	# The loopback source's no-reply comes at the timeout, as a probe's.
	local t0 t1
	t0=$(date +%s%N)
	printf '1 send-probe ip-4 198.18.250.9 local-ip-4 127.0.0.1 protocol icmp timeout 1\n' |
		ip netns exec "$MP_NS" "$PP_BIN/pp-probe" --mtr-packet >"$MP_OUT/one"
	t1=$(date +%s%N)
	[ "$(cat "$MP_OUT/one")" = "1 no-reply" ]
	[ $(( (t1 - t0) / 1000000 )) -ge 950 ]
	# mtr -I lo itself runs on pp's helper as on its own (it ended with
	# "mtr-packet reported invalid argument" before).
	if command -v mtr >/dev/null; then
		local f
		ip netns exec "$MP_NS" mtr -r -n -c 1 -m 2 -G 0.5 -I lo 198.18.250.9 >"$MP_OUT/mtr.ref" 2>&1
		ip netns exec "$MP_NS" env MTR_PACKET="$(mp_helper)" mtr -r -n -c 1 -m 2 -G 0.5 -I lo 198.18.250.9 >"$MP_OUT/mtr.pp" 2>&1
		for f in ref pp; do
			grep -v '^Start:' "$MP_OUT/mtr.$f" >"$MP_OUT/mtr.$f.body"
		done
		diff -u "$MP_OUT/mtr.ref.body" "$MP_OUT/mtr.pp.body"
	fi
}

@test "mtr-packet: timeout 0 and less take a loopback reply, as mtr-packet does, among many sends" {
	mp_ns_up
	# After a batch of other sends, a loopback reply reaches the socket
	# up to 1 ms after its send on a busy host; mtr-packet reads its
	# socket after sending the requests it has read, and takes it.  pp's
	# helper timed such probes out at once (IPv4's, in 6 runs of 6;
	# 1 run in 3 of the test above); it waits PP_MTRPKT_TURN (10 ms).
	# The batch: the first 50 requests of the test above (sizes up to
	# 9 KB, TCP, UDP, both families), then 20 with timeout 0 or -1.
	# (Three such batches at once time mtr-packet's own probes out,
	# default timeouts too: one batch, as mtr and its Python clients send.)
	{
		head -n 50 "$(fixture mtr-packet arguments.req)"
		awk 'BEGIN {
			for (i = 1; i <= 20; i++)
				print 100 + i " send-probe " (i % 2 ? "ip-6 ::1" : "ip-4 127.0.0.1") " timeout " (i % 4 < 2 ? 0 : -1);
		}'
	} >"$REQ"
	mp_compare "$REQ" ip netns exec "$MP_NS"
	mp_answers "$(wc -l <"$REQ")"
	[ "$(grep -c '^1[0-9][0-9] reply ' "$MP_OUT/pp")" -eq 20 ]
}

@test "mtr-packet: mixed options and protocols in any order, many probes in flight" {
	mp_ns_up
	# The sequences of issue 12 first: a default probe, then others.
	{
		printf '2 send-probe ip-4 127.0.0.1 timeout 2\n3 send-probe ip-4 127.0.0.1 timeout 1\n'
		printf '4 send-probe ip-4 127.0.0.1\n5 send-probe ip-4 127.0.0.1 size 200\n'
		printf '6 send-probe ip-4 127.0.0.1 bit-pattern 85\n7 send-probe ip-4 127.0.0.1 tos 16\n'
		# Then 600 probes of every kind, interleaved, deterministic.
		awk 'BEGIN {
			srand(12);
			split("icmp udp tcp", pr, " ");
			for (i = 100; i < 700; i++) {
				v6 = rand() < 0.5;
				dst = v6 ? "::1" : "127.0.0.1";
				if (rand() < 0.1) dst = v6 ? "fd00:250::9" : "198.18.250.9";
				line = i " send-probe " (v6 ? "ip-6 " : "ip-4 ") dst;
				line = line " protocol " pr[1 + int(rand() * 3)];
				if (rand() < 0.5) line = line " size " (50 + int(rand() * 1400));
				if (rand() < 0.3) line = line " bit-pattern " int(rand() * 256);
				if (rand() < 0.3) line = line " tos " (4 * int(rand() * 64));
				# Silent ones wait 1 s; the answered ones up to 5 s
				# (mtr-packet takes over a second to read 600
				# answers, and would time its own probes out).
				line = line " timeout " (dst ~ /250/ ? 1 : 3 + int(rand() * 3));
				if (rand() < 0.3) line = line " ttl " (1 + int(rand() * 255));
				if (rand() < 0.3) line = line " port " (1 + int(rand() * 65535));
				print line;
			}
		}'
	} >"$REQ"
	PP_TIMEOUT=60 mp_compare "$REQ" ip netns exec "$MP_NS"
	mp_answers 606
	[ "$(grep -c ' reply ' "$MP_OUT/pp")" -ge 500 ]
	grep -q ' no-reply$' "$MP_OUT/pp"
}

@test "mtr-packet: 1,024 probes in flight, then probes-exhausted" {
	mp_ns_up
	{
		seq 1 1030 | sed 's/$/ send-probe ip-4 198.18.250.9 timeout 1/'
		# Once they are answered there is room again.
		printf '2000 send-probe ip-4 198.18.250.9 timeout 1\n'
	} >"$REQ"
	MP_PP="(sleep 0; cat) | $(mp_pp)" PP_TIMEOUT=60 mp_compare "$REQ" ip netns exec "$MP_NS"
	[ "$(grep -c ' probes-exhausted$' "$MP_OUT/pp")" -eq 7 ]
	[ "$(grep -c ' no-reply$' "$MP_OUT/pp")" -eq 1024 ]
}

@test "mtr-packet: what pp does not copy: mtr-packet's IPv6 UDP probe with local-port and port is never matched" {
	# mtr-packet 0.95 sends it (the destination's port-unreachable comes
	# back, tcpdump shows it) and answers no-reply: its checksum-as-
	# sequence match fails on IPv6.  pp answers the reply that came.
	mp_ns_up
	printf '1 send-probe ip-6 ::1 protocol udp local-port 40002 port 9 timeout 1\n' >"$REQ"
	run ! mp_compare "$REQ" ip netns exec "$MP_NS"
	grep -qx '1 no-reply' "$MP_OUT/ref"
	grep -qx '1 reply ip-6 ::1 round-trip-time RTT' "$MP_OUT/pp"
}

@test "mtr-packet: share/mtr-packet runs pp's helper" {
	mp_ns_up
	printf '1 check-support feature send-probe\n2 send-probe ip-4 127.0.0.1\n' >"$REQ"
	MP_PP="$PP_TOP/share/mtr-packet" mp_compare "$REQ" ip netns exec "$MP_NS"
	mp_answers 2
}

# lab_requests [--ttl "TTL..."] [PROBE...]: each PROBE (the protocol and
# options of a send-probe; default every protocol) in both families at
# each TTL (default 0 to 5), numbered from 1, timeout 2.
lab_requests() {
	local ttls="0 1 2 3 4 5"
	if [ "${1:-}" = --ttl ]; then
		ttls=$2
		shift 2
	fi
	[ $# -gt 0 ] || set -- "protocol icmp" "protocol udp" "protocol udp port 53" \
		"protocol tcp port 7" "protocol tcp port 9" "protocol tcp"
	local t=1 ttl fam dst p
	for ttl in $ttls; do
		for fam in 4 6; do
			if [ "$fam" = 4 ]; then dst=$LAB_DST4; else dst=$LAB_DST6; fi
			for p in "$@"; do
				echo "$t send-probe ip-$fam $dst $p ttl $ttl timeout 2"
				t=$((t + 1))
			done
		done
	done
}

@test "mtr-packet in the lab: every hop in every protocol and family, all at once" {
	mp_lab_up --routers 3
	lab_requests >"$REQ"
	PP_TIMEOUT=60 mp_compare "$REQ" ip netns exec "$LAB-c"
	mp_answers 72
	grep -q "ttl-expired ip-4 ${LAB_HOP4[1]} " "$MP_OUT/pp"
	grep -q "ttl-expired ip-6 ${LAB_HOP6[2]} " "$MP_OUT/pp"
	[ "$(grep -c "reply ip-4 $LAB_DST4 " "$MP_OUT/pp")" -eq 12 ]
}

@test "mtr-packet in the lab: MPLS labels in every protocol's time-exceeded (TCP's too), with and without the RFC 4884 length, and a router quoting 8 bytes" {
	# pp's TCP probes are the kernel's connects: their time-exceeded
	# comes through the socket's error queue, which holds the quote
	# from the TCP header on (labels lost there before).
	mp_lab_up --routers 4 --mpls 2:24001 --mpls 3:100/1048575:nolen --quote8 4
	lab_requests --ttl "1 2 3 4 5" "protocol icmp" "protocol udp" "protocol tcp port 7" \
		"protocol tcp port 9" "protocol udp local-port 40000" \
		"protocol icmp size 300 bit-pattern 34" \
		"protocol udp size 300 bit-pattern 34" >"$REQ"
	PP_TIMEOUT=60 mp_compare "$REQ" ip netns exec "$LAB-c"
	mp_answers 70
	[ "$(grep -c "ttl-expired ip-4 ${LAB_HOP4[1]} round-trip-time RTT mpls 24001,0,1,1$" "$MP_OUT/pp")" -eq 7 ]
	[ "$(grep -c "ttl-expired ip-6 ${LAB_HOP6[2]} round-trip-time RTT mpls 100,0,0,1,1048575,0,1,1$" "$MP_OUT/pp")" -eq 7 ]
	[ "$(grep -c "ttl-expired ip-6 ${LAB_HOP6[3]} round-trip-time RTT$" "$MP_OUT/pp")" -eq 7 ]
}

@test "mtr-packet in the lab: a destination that rejects (ICMP admin prohibited) answers no-route, never reply" {
	mp_lab_up --routers 2 --reject-dst admin-prohibited
	lab_requests >"$REQ"
	PP_TIMEOUT=60 mp_compare "$REQ" ip netns exec "$LAB-c"
	mp_answers 72
	grep -q "no-route ip-4 $LAB_DST4 round-trip-time RTT" "$MP_OUT/pp"
	grep -q "no-route ip-6 $LAB_DST6 round-trip-time RTT" "$MP_OUT/pp"
	! grep -q " reply ip-. $LAB_DST" "$MP_OUT/pp"
}

@test "mtr-packet in the lab: errors (no route, a local address not ours), and IPv4 over the MTU" {
	mp_lab_up --routers 2
	{
		echo "1 send-probe ip-4 198.18.99.9"
		echo "2 send-probe ip-6 fd00:99::9 protocol tcp"
		echo "3 send-probe ip-4 $LAB_DST4 protocol tcp port 7 local-ip-4 198.18.2.2"
		echo "4 send-probe ip-6 $LAB_DST6 protocol tcp port 7 local-ip-6 fd00:0:0:2::2"
		echo "5 send-probe ip-4 $LAB_DST4 local-ip-4 198.18.1.1 protocol udp"
		echo "6 send-probe ip-4 $LAB_DST4 size 1500"
		echo "9 send-probe ip-6 $LAB_DST6 size 5000"
		echo "10 send-probe ip-6 $LAB_DST6 protocol udp size 1500"
	} >"$REQ"
	mp_compare "$REQ" ip netns exec "$LAB-c"
	mp_answers 8
	grep -qx '3 address-not-available' "$MP_OUT/pp"
	# What pp does not copy: an IPv4 probe over the link's MTU.
	# mtr-packet builds the IP header itself (IP_HDRINCL: never
	# fragmented) and answers unexpected-error errno 90 (EMSGSIZE); pp's
	# kernel sockets fragment it, and the destination answers.
	printf '7 send-probe ip-4 %s protocol udp size 5000\n8 send-probe ip-4 %s size 5000\n' \
		"$LAB_DST4" "$LAB_DST4" >"$REQ"
	run ! mp_compare "$REQ" ip netns exec "$LAB-c"
	grep -qx '7 unexpected-error errno 90' "$MP_OUT/ref"
	grep -qx "7 reply ip-4 $LAB_DST4 round-trip-time RTT" "$MP_OUT/pp"
	grep -qx "8 reply ip-4 $LAB_DST4 round-trip-time RTT" "$MP_OUT/pp"
}

@test "mtr-packet in the lab: a given source this host does not have, broadcast or multicast, with and without a route (mtr -a): the reference's words" {
	# mtr-packet writes the IP header of IPv4 ICMP and UDP probes itself
	# and sends them from whatever local-ip-4 says, by the destination's
	# route alone: no-route without one, else no-reply at the timeout
	# (the answers go to that address).  Every other probe's socket is
	# bound to the source: address-not-available, nothing sent.  pp
	# answered IPv4 ICMP no-route, IPv4 UDP address-not-available and
	# IPv6 ICMP invalid-argument, and mtr -u -a and mtr -6 -a ended on
	# them where they run on mtr-packet.
	mp_lab_up --routers 2
	cat >"$REQ" <<-R
	1 send-probe ip-4 $LAB_DST4 local-ip-4 198.18.9.9 timeout 1
	2 send-probe ip-4 $LAB_DST4 local-ip-4 198.18.9.9 protocol udp timeout 1
	3 send-probe ip-4 $LAB_DST4 local-ip-4 198.18.9.9 protocol udp local-port 40000 ttl 1 timeout 1
	4 send-probe ip-4 $LAB_DST4 local-ip-4 198.18.9.9 protocol tcp port 7 timeout 1
	5 send-probe ip-4 $LAB_DST4 local-ip-4 ${LAB_HOP4[1]} ttl 1 timeout 1
	6 send-probe ip-4 $LAB_DST4 local-ip-4 255.255.255.255 timeout 1
	7 send-probe ip-4 $LAB_DST4 local-ip-4 224.0.0.1 protocol udp timeout 1
	8 send-probe ip-4 198.18.99.9 local-ip-4 198.18.9.9 timeout 1
	9 send-probe ip-4 198.18.99.9 local-ip-4 198.18.9.9 protocol udp timeout 1
	10 send-probe ip-4 198.18.99.9 local-ip-4 198.18.1.1 protocol udp timeout 1
	11 send-probe ip-4 198.18.99.9 local-ip-4 198.18.9.9 protocol tcp timeout 1
	12 send-probe ip-6 $LAB_DST6 local-ip-6 fd00:9::9 timeout 1
	13 send-probe ip-6 $LAB_DST6 local-ip-6 fd00:9::9 protocol udp timeout 1
	14 send-probe ip-6 $LAB_DST6 local-ip-6 fd00:9::9 protocol tcp port 7 timeout 1
	15 send-probe ip-6 fd00:99::9 local-ip-6 fd00:9::9 timeout 1
	16 send-probe ip-6 $LAB_DST6 local-ip-6 ff02::1 timeout 1
	17 send-probe ip-6 $LAB_DST6 local-ip-6 :: timeout 1
	18 send-probe ip-4 $LAB_DST4 local-ip-4 198.18.1.1 timeout 1
	19 send-probe ip-6 $LAB_DST6 local-ip-6 fd00:0:0:1::1 protocol tcp port 9 timeout 1
	R
	mp_compare "$REQ" ip netns exec "$LAB-c"
	mp_answers 19
	grep -qx '1 no-reply' "$MP_OUT/pp"
	grep -qx '2 no-reply' "$MP_OUT/pp"
	grep -qx '8 no-route' "$MP_OUT/pp"
	grep -qx '12 address-not-available' "$MP_OUT/pp"
	grep -qx "18 reply ip-4 $LAB_DST4 round-trip-time RTT" "$MP_OUT/pp"
	# mtr -a with such an address, on both helpers: the same report and
	# exit status (mtr-packet's run shows no hop; IPv6 ends mtr).
	if command -v mtr >/dev/null; then
		local o=$BATS_TEST_TMPDIR/mtr opts s1 s2
		for opts in "-a 198.18.9.9 $LAB_DST4" "-u -a 198.18.9.9 $LAB_DST4" \
			"-6 -a fd00:9::9 $LAB_DST6"; do
			s1=0 s2=0
			lab_exec c mtr -r -n -c 1 -i 0.1 -G 0.5 $opts 2>&1 | grep -v '^Start:' >"$o.ref" || s1=${PIPESTATUS[0]}
			lab_exec c env MTR_PACKET="$(mp_helper)" mtr -r -n -c 1 -i 0.1 -G 0.5 $opts 2>&1 |
				grep -v '^Start:' >"$o.pp" || s2=${PIPESTATUS[0]}
			diff -u "$o.ref" "$o.pp" || { echo "mtr -r $opts: reports differ (- mtr-packet, + pp)" >&2; return 1; }
			[ "$s1" = "$s2" ] || { echo "mtr -r $opts: status $s1 on mtr-packet, $s2 on pp" >&2; return 1; }
		done
	fi
}

@test "mtr-packet in the lab: twisted-mtr's traces, TCP first then ICMP, IPv4 and IPv6" {
	mp_lab_up --routers 3
	MP_PREFIX="ip netns exec $LAB-c" mp_client trace 198.18.1.1 fd00:0:0:1::1 \
		"tcp,$LAB_DST4,7" "icmp,$LAB_DST4" "icmp,$LAB_DST6" "tcp,$LAB_DST6,9" \
		"tcp,$LAB_DST4,9" "icmp,${LAB_HOP4[2]}"
	[ "$(wc -l <"$MP_OUT/pp")" -eq 6 ]
	grep -qx "trace icmp,$LAB_DST4: 1 ${LAB_HOP4[0]} | 2 ${LAB_HOP4[1]} | 3 ${LAB_HOP4[2]} | 4 $LAB_DST4" "$MP_OUT/pp"
}

@test "mtr-packet in the lab: mtrpacket's probes, mixed options, all at once" {
	mp_lab_up --routers 3
	local -a specs=()
	local ttl
	for ttl in 1 2 3 4 5; do
		specs+=("host=$LAB_DST4,ttl=$ttl"
			"host=$LAB_DST6,ttl=$ttl,protocol=udp,port=53"
			"host=$LAB_DST4,ttl=$ttl,protocol=tcp,port=7,timeout=2"
			"host=$LAB_DST6,ttl=$ttl,size=300,bit_pattern=170,tos=32,timeout=2"
			"host=$LAB_DST4,ttl=$ttl,protocol=udp,local_ip=198.18.1.1,local_port=45000,timeout=2"
			"host=$LAB_DST4,ttl=$ttl,protocol=tcp,port=9,local_port=45001,mark=7")
	done
	specs+=("host=$LAB_DST4,protocol=sctp" "host=$LAB_DST4,ttl=300,protocol=tcp")
	MP_PREFIX="ip netns exec $LAB-c" mp_client probe "${specs[@]}"
	[ "$(wc -l <"$MP_OUT/pp")" -eq 32 ]
	grep -qx "probe host=$LAB_DST4,ttl=4: True reply $LAB_DST4 " "$MP_OUT/pp"
}

# mtr_both OPTIONS DST: Debian's mtr on its own helper and on pp's, at
# once; hop, responder, loss and count of each report compared.
mtr_both() {
	local opts=$1 dst=$2
	local o=$BATS_TEST_TMPDIR/mtr
	lab_exec c mtr -r -n -c 3 -i 0.1 -G 0.5 $opts "$dst" >"$o.ref" 2>&1 &
	local a=$!
	lab_exec c env MTR_PACKET="$(mp_helper)" mtr -r -n -c 3 -i 0.1 -G 0.5 $opts "$dst" >"$o.pp" 2>&1 &
	local b=$!
	wait "$a" || { cat "$o.ref" >&2; return 1; }
	wait "$b" || { cat "$o.pp" >&2; return 1; }
	local f
	for f in ref pp; do
		awk '/\|--/ { print $1, $2, $3, $4 }' "$o.$f" >"$o.$f.hops"
	done
	[ -s "$o.ref.hops" ] || { cat "$o.ref" >&2; return 1; }
	if ! diff -u "$o.ref.hops" "$o.pp.hops" >&2; then
		echo "mtr $opts $dst: reports differ (- mtr-packet, + pp)" >&2
		return 1
	fi
}

@test "mtr on pp's helper: the same hops and loss as on its own, with -u, -T -P, -s, -Q, -B, -a, -L, -f, -m, -6" {
	command -v mtr >/dev/null || skip "mtr not installed"
	mp_lab_up --routers 3
	local opts
	for opts in "" "-u" "-T -P 7" "-T -P 9" "-s 300 -Q 16 -B 171" \
		"-a 198.18.1.1" "-u -L 40000" "-m 2" "-u -m 3 -f 2"; do
		mtr_both "$opts" "$LAB_DST4"
	done
	for opts in "-6" "-6 -u" "-6 -T -P 7 -s 200 -Q 32"; do
		mtr_both "$opts" "$LAB_DST6"
	done
	grep -q "4.|-- $LAB_DST6 *0.0%" "$BATS_TEST_TMPDIR/mtr.pp"
}

@test "mtr-packet and mtr -u -L in the lab: a local port another socket holds is probed from all the same, as mtr-packet does" {
	# mtr-packet builds its UDP datagrams on a raw socket and binds
	# nothing; pp's flow socket could not bind the port and answered
	# address-in-use, on which mtr ends ("mtr: Address in use").
	command -v mtr >/dev/null || skip "mtr not installed"
	mp_lab_up --routers 2
	lab_exec c python3 -c '
import socket, sys, time
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("0.0.0.0", 40000))
b = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
b.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1); b.bind(("::", 40000))
print("held", flush=True); time.sleep(120)' >"$BATS_TEST_TMPDIR/held" &
	HOLDER=$!
	local n
	for n in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/held" ] && break; sleep 0.1; done
	[ -s "$BATS_TEST_TMPDIR/held" ]
	local t
	for t in 1 2 3; do
		echo "$t send-probe ip-4 $LAB_DST4 protocol udp local-port 40000 ttl $t timeout 2"
		echo "1$t send-probe ip-6 $LAB_DST6 protocol udp local-port 40000 ttl $t timeout 2"
		echo "2$t send-probe ip-4 $LAB_DST4 protocol udp local-port 40000 port 53 ttl $t local-ip-4 198.18.1.1 timeout 2"
	done >"$REQ"
	mp_compare "$REQ" ip netns exec "$LAB-c"
	mp_answers 9
	grep -qx "3 reply ip-4 $LAB_DST4 round-trip-time RTT" "$MP_OUT/pp"
	grep -qx "11 ttl-expired ip-6 ${LAB_HOP6[0]} round-trip-time RTT" "$MP_OUT/pp"
	mtr_both "-u -L 40000" "$LAB_DST4"
	mtr_both "-6 -u -L 40000" "$LAB_DST6"
	grep -q "3.|-- $LAB_DST6 *0.0%" "$BATS_TEST_TMPDIR/mtr.pp"
	kill "$HOLDER"
}

@test "mtr on pp's helper: a silent destination and a rejecting one, same loss" {
	command -v mtr >/dev/null || skip "mtr not installed"
	mp_lab_up --routers 2 --block-dst
	mtr_both "" "$LAB_DST4"
	mtr_both "-T -P 7" "$LAB_DST4"
	grep -qE '\?\?\? +100\.0 ' "$BATS_TEST_TMPDIR/mtr.pp"
	lab_down
	mp_lab_up --routers 2 --reject-dst admin-prohibited
	mtr_both "-u" "$LAB_DST4"
	mtr_both "-6" "$LAB_DST6"
}

# nobody_copy NAME SRC [CAPS]: a copy of SRC that the user nobody can run,
# MP_TMP/bin/NAME, with file capabilities CAPS (none when empty); and
# MP_TMP/share/mtr-packet, pp's wrapper for MTR_PACKET, which runs
# MP_TMP/bin/pp-probe.
nobody_copy() {
	MP_TMP=${MP_TMP:-$(mktemp -d /tmp/ppmp.XXXXXX)}
	chmod 755 "$MP_TMP"
	mkdir -p -m 755 "$MP_TMP/bin" "$MP_TMP/share"
	cp "$2" "$MP_TMP/bin/$1"
	chmod 755 "$MP_TMP/bin/$1"
	cp "$PP_TOP/share/mtr-packet" "$MP_TMP/share/mtr-packet"
	chmod 755 "$MP_TMP/share/mtr-packet"
	if [ -n "${3:-}" ]; then
		command -v setcap >/dev/null || skip "no setcap (libcap2-bin)"
		setcap "$3" "$MP_TMP/bin/$1" || skip "file capabilities not allowed here"
	fi
}

as_nobody() { lab_exec c setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

@test "mtr-packet as an unprivileged user, with the file capability Debian gives it" {
	mp_lab_up --routers 2
	nobody_copy mtr-packet "$MP_REF_BIN" cap_net_raw=ep
	nobody_copy pp-probe "$PP_BIN/pp-probe" cap_net_raw=ep
	local ref="setpriv --reuid=65534 --regid=65534 --clear-groups $MP_TMP/bin/mtr-packet"
	local pp="setpriv --reuid=65534 --regid=65534 --clear-groups $MP_TMP/bin/pp-probe --mtr-packet"
	{
		lab_requests
		echo "101 check-support feature icmp"
		echo "102 check-support feature ip-6"
	} >"$REQ"
	MP_REF=$ref MP_PP=$pp PP_TIMEOUT=60 mp_compare "$REQ" ip netns exec "$LAB-c"
	mp_answers 74
	grep -q "ttl-expired ip-4 ${LAB_HOP4[0]} " "$MP_OUT/pp"
	# A mark: mtr-packet 0.95 keeps CAP_NET_RAW all its run (SO_MARK
	# takes it since Linux 5.17); pp drops every capability once its
	# sockets are open, as mtr now does (mtr 8b8a3d1): refused.
	echo "1 send-probe ip-4 $LAB_DST4 mark 7" >"$REQ"
	run ! env MP_REF="$ref" MP_PP="$pp" bash -c ". $PP_TOP/tests/test_helper/mtrpkt.bash; mp_compare $REQ ip netns exec $LAB-c"
	grep -qx "1 reply ip-4 $LAB_DST4 round-trip-time RTT" "$MP_OUT/ref"
	grep -qx '1 permission-denied' "$MP_OUT/pp"
	# And mtr itself, as nobody, on pp's helper: no "Packet type
	# unsupported", the same hops.
	command -v mtr >/dev/null || return 0
	local o
	local o f=$BATS_TEST_TMPDIR/nobody
	for o in "" "-u" "-T -P 7"; do
		as_nobody env MTR_PACKET="$MP_TMP/bin/mtr-packet" mtr -r -n -c 2 -i 1 -G 1 $o "$LAB_DST4" >"$f.ref" 2>&1 &
		local a=$!
		as_nobody env MTR_PACKET="$MP_TMP/share/mtr-packet" mtr -r -n -c 2 -i 1 -G 1 $o "$LAB_DST4" >"$f.pp" 2>&1 &
		local b=$!
		wait "$a" || { cat "$f.ref" >&2; return 1; }
		wait "$b" || { cat "$f.pp" >&2; return 1; }
		! grep -q unsupported "$f.pp"
		grep -q "3.|-- $LAB_DST4 " "$f.pp"
		[ "$(awk '/\|--/ {print $2, $3}' "$f.ref")" = "$(awk '/\|--/ {print $2, $3}' "$f.pp")" ]
	done
}

@test "mtr-packet as an unprivileged user without capabilities: ICMP datagram sockets where ping_group_range allows" {
	# mtr-packet 0.95 runs there too, but misreads its error queue: hops
	# answer no-reply or a bare no-route, a mark unexpected-error errno 88
	# (it sets it on no socket).  pp answers what came: compared where
	# mtr-packet is right (the destinations, check-support), and every hop
	# checked against the lab.
	mp_lab_up --routers 2
	lab_exec c sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	nobody_copy mtr-packet "$MP_REF_BIN"
	nobody_copy pp-probe "$PP_BIN/pp-probe"
	{
		echo "3 send-probe ip-4 $LAB_DST4 ttl 3 timeout 2"
		echo "13 send-probe ip-6 $LAB_DST6 ttl 3 timeout 2"
		echo "40 send-probe ip-4 $LAB_DST4 protocol tcp port 7"
		echo "41 check-support feature icmp"
		echo "42 check-support feature ip-6"
	} >"$REQ"
	MP_REF="setpriv --reuid=65534 --regid=65534 --clear-groups $MP_TMP/bin/mtr-packet" \
	MP_PP="setpriv --reuid=65534 --regid=65534 --clear-groups $MP_TMP/bin/pp-probe --mtr-packet" \
		PP_TIMEOUT=60 mp_compare "$REQ" ip netns exec "$LAB-c"
	mp_answers 5
	grep -qx "3 reply ip-4 $LAB_DST4 round-trip-time RTT" "$MP_OUT/pp"
	{
		for t in 1 2 3; do
			echo "$t send-probe ip-4 $LAB_DST4 ttl $t timeout 2"
			echo "1$t send-probe ip-6 $LAB_DST6 ttl $t timeout 2"
			echo "2$t send-probe ip-4 $LAB_DST4 protocol udp ttl $t timeout 2"
			echo "3$t send-probe ip-6 $LAB_DST6 protocol udp ttl $t timeout 2"
		done
	} >"$REQ"
	run --separate-stderr lab_exec c setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$MP_TMP/bin/pp-probe" --mtr-packet <"$REQ"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	local t k
	for t in 1 2; do
		for k in "$t" "2$t"; do
			assert_line --regexp "^$k ttl-expired ip-4 ${LAB_HOP4[t - 1]//./\\.} round-trip-time [0-9]+$"
		done
		for k in "1$t" "3$t"; do
			assert_line --regexp "^$k ttl-expired ip-6 ${LAB_HOP6[t - 1]} round-trip-time [0-9]+$"
		done
	done
	assert_line --regexp "^23 reply ip-4 ${LAB_DST4//./\\.} round-trip-time [0-9]+$"
	assert_line --regexp "^33 reply ip-6 $LAB_DST6 round-trip-time [0-9]+$"
}

@test "mtr-packet as an unprivileged user without capabilities: MPLS labels and 8-byte quotes read from the error queues, as mtr-packet reads them as root" {
	# Unprivileged, every answer comes through an error queue: TCP's and
	# ICMP's quotes from their transport header on, UDP's from its
	# payload on.  The reference runs as root (mtr-packet 0.95 misreads
	# its own error queues, see above).
	mp_lab_up --routers 4 --mpls 2:24001 --mpls 3:100/1048575:nolen --quote8 4
	lab_exec c sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	nobody_copy pp-probe "$PP_BIN/pp-probe"
	lab_requests --ttl "1 2 3 4 5" "protocol icmp" "protocol udp" "protocol udp port 53" \
		"protocol tcp port 7" "protocol tcp port 9" \
		"protocol icmp size 300 bit-pattern 34" \
		"protocol udp size 300 bit-pattern 34" >"$REQ"
	MP_PP="setpriv --reuid=65534 --regid=65534 --clear-groups $MP_TMP/bin/pp-probe --mtr-packet" \
		PP_TIMEOUT=60 mp_compare "$REQ" ip netns exec "$LAB-c"
	mp_answers 70
	[ "$(grep -c "ttl-expired ip-4 ${LAB_HOP4[1]} round-trip-time RTT mpls 24001,0,1,1$" "$MP_OUT/pp")" -eq 7 ]
	[ "$(grep -c "ttl-expired ip-6 ${LAB_HOP6[2]} round-trip-time RTT mpls 100,0,0,1,1048575,0,1,1$" "$MP_OUT/pp")" -eq 7 ]
	[ "$(grep -c "ttl-expired ip-4 ${LAB_HOP4[3]} round-trip-time RTT$" "$MP_OUT/pp")" -eq 7 ]
}

@test "mtr-packet as an unprivileged user with neither: mtr-packet cannot start, pp still probes UDP and TCP" {
	command -v mtr >/dev/null || skip "mtr not installed"
	mp_lab_up --routers 2
	nobody_copy mtr-packet "$MP_REF_BIN"
	nobody_copy pp-probe "$PP_BIN/pp-probe"
	run as_nobody "$MP_TMP/bin/mtr-packet" </dev/null
	[ "$status" -ne 0 ]
	run as_nobody env MTR_PACKET="$MP_TMP/share/mtr-packet" mtr -r -n -c 2 -i 1 -G 1 -u "$LAB_DST4"
	[ "$status" -eq 0 ]
	[[ "$output" == *"3.|-- $LAB_DST4 "*" 0.0%"* ]]
	# ICMP is honestly refused: mtr says so.
	run as_nobody env MTR_PACKET="$MP_TMP/share/mtr-packet" mtr -r -n -c 1 "$LAB_DST4"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Packet type unsupported"* ]]
}
