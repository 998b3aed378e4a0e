#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# The probing engine (lib/engine): one engine per process whatever each
# probe's settings, every answer to the probe that caused it, through
# masquerading and stateless NATs and routers that quote 8 bytes; TCP
# open and refused.  Loopback, and the lab (root).

setup() {
	load 'test_helper/common'
	load 'test_helper/lab'
	pp_setup
}

teardown() { lab_down; }

# mtr-packet requests of mixed settings, many in flight at once.
mixed_requests() {
	local a=$1 six=$2
	printf '%s\n' \
	    "2 send-probe ip-4 $a timeout 2" \
	    "3 send-probe ip-4 $a timeout 1" \
	    "4 send-probe ip-4 $a size 200" \
	    "5 send-probe ip-4 $a tos 16" \
	    "6 send-probe ip-4 $a bit-pattern 170" \
	    "7 send-probe ip-4 $a protocol udp port 33434" \
	    "8 send-probe ip-4 $a protocol tcp port 9" \
	    "9 send-probe ip-4 $a protocol udp port 33434 local-port 40000" \
	    "10 send-probe ip-4 $a protocol udp port 33434 local-port 40000 size 100" \
	    "11 send-probe ip-4 $a protocol udp port 33434 local-port 40000 timeout 1" \
	    "12 send-probe ip-4 $a ttl 1" \
	    "13 send-probe ip-4 $a protocol udp port 33435 ttl 1" \
	    "14 send-probe ip-6 $six" \
	    "15 send-probe ip-6 $six protocol udp port 33434" \
	    "16 send-probe ip-6 $six protocol tcp port 9 ttl 1"
}

# Each answer's token, word and address (not the time), sorted.
words() { awk '{ print $1, $2, $4 }' | sort -n; }

@test "engine: one engine for every request, whatever its settings: mixed mtr-packet requests answered as Debian's mtr-packet answers them" {
	[ "$(id -u)" = 0 ] || skip "needs root (raw sockets, as mtr-packet)"
	[ -x /usr/bin/mtr-packet ] || skip "mtr-tiny not installed"
	lab_up --routers 1
	lab_exec c ping -6 -c 2 -W 3 "$LAB_DST6" >/dev/null || true
	mixed_requests "$LAB_DST4" "$LAB_DST6" >"$BATS_TEST_TMPDIR/req"
	lab_exec c sh -c "(cat '$BATS_TEST_TMPDIR/req'; sleep 3) | /usr/bin/mtr-packet" | words >"$BATS_TEST_TMPDIR/theirs"
	lab_exec c sh -c "(cat '$BATS_TEST_TMPDIR/req'; sleep 3) | '$PP_BIN/pp-probe' --mtr-packet" | words >"$BATS_TEST_TMPDIR/ours"
	run diff "$BATS_TEST_TMPDIR/theirs" "$BATS_TEST_TMPDIR/ours"
	[ "$status" -eq 0 ] || { cat "$BATS_TEST_TMPDIR/theirs" >&2; echo --- >&2; cat "$BATS_TEST_TMPDIR/ours" >&2; false; }
	# Every request answered: the hop for TTL 1, the destination else.
	[ "$(wc -l <"$BATS_TEST_TMPDIR/ours")" -eq 15 ]
	grep -qx "12 ttl-expired ${LAB_HOP4[0]}" "$BATS_TEST_TMPDIR/ours"
	grep -qx "9 reply $LAB_DST4" "$BATS_TEST_TMPDIR/ours"
	grep -qx "11 reply $LAB_DST4" "$BATS_TEST_TMPDIR/ours"
	# IPv6 UDP from a local port: mtr-packet 0.95 answers no-reply (its
	# checksum is wrong); ours are answered, two in flight on one port.
	printf '%s\n' "1 send-probe ip-6 $LAB_DST6 protocol udp port 33434 local-port 40001" \
	    "2 send-probe ip-6 $LAB_DST6 protocol udp port 33434 local-port 40001 size 100" \
	    >"$BATS_TEST_TMPDIR/req6"
	lab_exec c sh -c "(cat '$BATS_TEST_TMPDIR/req6'; sleep 2) | '$PP_BIN/pp-probe' --mtr-packet" | words >"$BATS_TEST_TMPDIR/ours6"
	[ "$(cat "$BATS_TEST_TMPDIR/ours6")" = "1 reply $LAB_DST6
2 reply $LAB_DST6" ]
}

# Every round of a trace in $1 has every hop of the lab's path (v4 or v6
# list in $2...) and the destination's reply.
all_hops() {
	local f=$1
	shift
	local hops
	hops=$(printf '"%s",' "$@")
	tail -n +2 "$f" | jq -s -e --argjson h "[${hops%,}]" '
		group_by(.round) | length >= 3 and all(
		    (sort_by(.ttl) | map(.from)) as $got |
		    $got == $h and (max_by(.ttl).status == "reply"))' >/dev/null || {
		tail -n +2 "$f" | jq -c '[.round, .ttl, .status, .from]' >&2
		false
	}
}

@test "engine (lab): TCP probes say open or refused: SYNs built on raw sockets, the kernel's connect, unprivileged; through a NAT" {
	lab_up --routers 2 --nat
	command -v setpriv >/dev/null || skip "setpriv not installed"
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null
	lab_exec c ping -6 -c 2 -W 3 "$LAB_DST6" >/dev/null || true
	for dst in "$LAB_DST4" "$LAB_DST6"; do
		for cmd in "pp-trace --tcp -c 1" "pp-probe --tcp -c 2 -i 50ms"; do
			for who in root nobody; do
				run_as() {
					if [ "$who" = root ]; then lab_exec c "$@"
					else lab_exec c setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; fi
				}
				set -- $cmd
				local bin=$PP_BIN/$1
				shift
				o=$(run_as "$bin" "$@" -p 7 "$dst" 2>/dev/null | tail -n 1)
				r=$(run_as "$bin" "$@" -p 9 "$dst" 2>/dev/null | tail -n 1)
				printf '%s\n' "$o" | jq -e '.status == "reply" and .conn == "open"' >/dev/null ||
					{ echo "$who $cmd $dst: $o" >&2; false; }
				printf '%s\n' "$r" | jq -e '.status == "reply" and .conn == "refused"' >/dev/null ||
					{ echo "$who $cmd $dst: $r" >&2; false; }
			done
		done
	done
	# A port that drops the SYN: a timeout, no conn.
	lab_exec c pp-probe --tcp -p 10 -c 1 -W 300ms "$LAB_DST4" 2>/dev/null | tail -n 1 |
		jq -e '.status == "timeout" and (has("conn") | not)' >/dev/null
}

# r1 rewrites the client's UDP probes statelessly (no connection
# tracking): source address r1's, source port 55555, checksums fixed by
# nftables; what comes back for that address is sent on to the client,
# but the quotes in ICMP errors stay as the NAT made them.  (v1b: r1's
# link to the client; link 2 is a TUN device when impaired.)
stateless_nat() {
	lab_exec r1 nft -f - <<-'EOF'
		table ip ppsnat {
			chain post {
				type filter hook postrouting priority 0;
				oifname != "v1b" ip saddr 198.18.1.1 udp sport set 55555 ip saddr set 198.18.2.1
			}
			chain pre {
				type filter hook prerouting priority -300;
				iifname != "v1b" ip daddr 198.18.2.1 ip daddr set 198.18.1.1
			}
		}
	EOF
}

@test "engine (lab): a NAT that leaves its rewritten source address and port in the quotes: UDP probes still matched, every hop found" {
	lab_up --routers 3
	command -v nft >/dev/null || skip "nft not installed"
	stateless_nat
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null
	lab_exec c pp-trace --udp -c 3 -i 0.2 -W 1 "$LAB_DST4" >"$BATS_TEST_TMPDIR/t" 2>/dev/null
	all_hops "$BATS_TEST_TMPDIR/t" "${LAB_HOP4[@]}"
	# The quotes were altered: the kernel's own socket lookup fails on
	# them (an unprivileged run matches through its sockets, so finds
	# only the hop in front of the NAT).
	command -v setpriv >/dev/null || skip "setpriv not installed"
	lab_exec c setpriv --reuid=65534 --regid=65534 --clear-groups "$PP_BIN/pp-trace" --udp -c 1 -W 0.5 "$LAB_DST4" >"$BATS_TEST_TMPDIR/u" 2>/dev/null || true
	tail -n +2 "$BATS_TEST_TMPDIR/u" | jq -s -e --arg h "${LAB_HOP4[0]}" '
		(map(select(.status != "timeout")) | map(.from)) == [$h]' >/dev/null
}

@test "engine (lab): a router that quotes only 8 bytes: every hop found in UDP too (its checksum names the probe), v4 and v6, flows; behind a NAT that alters the quotes" {
	lab_up --routers 3 --quote8 2
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null
	lab_exec c ping -6 -c 2 -W 3 "$LAB_DST6" >/dev/null || true
	lab_exec c pp-trace --udp -c 3 -i 0.2 -W 1 "$LAB_DST4" >"$BATS_TEST_TMPDIR/t" 2>/dev/null
	all_hops "$BATS_TEST_TMPDIR/t" "${LAB_HOP4[@]}"
	lab_exec c pp-trace --udp -c 3 -i 0.2 -W 1 "$LAB_DST6" >"$BATS_TEST_TMPDIR/t" 2>/dev/null
	all_hops "$BATS_TEST_TMPDIR/t" "${LAB_HOP6[@]}"
	# The quotes were cut: hop 2's errors carried no payload.
	"$PP_TOP/tests/lab/lab.sh" counters "$LAB" 2 | grep -qE ' rev .* quoted=[1-9]'
	# Side by side: mtr -u finds hop 2 too.
	if command -v mtr >/dev/null; then
		run lab_exec c mtr -u --report -n -c 3 -i 0.2 "$LAB_DST4"
		[[ "$output" == *"2.|-- ${LAB_HOP4[1]} "* ]]
	fi
	# The quotes of 8 bytes hold no payload, and the NAT's rewrites
	# stay in them: the UDP checksum alone names each probe.
	command -v nft >/dev/null || skip "nft not installed"
	stateless_nat
	lab_exec c pp-trace --udp --flows 3 -c 3 -i 0.2 -W 1 "$LAB_DST4" >"$BATS_TEST_TMPDIR/t" 2>/dev/null
	tail -n +2 "$BATS_TEST_TMPDIR/t" | jq -s -e --arg h "${LAB_HOP4[1]}" '
		length == 36 and (map(select(.ttl == 2 and .from == $h)) |
		length) == 9' >/dev/null
}

@test "engine (lab): a NAT that writes the client's address and port back into 8-byte quotes but leaves its own checksum: the flow's shift is learnt, every hop found" {
	lab_up --routers 3 --quote8 2
	command -v nft >/dev/null || skip "nft not installed"
	# The NAT's checksum stays in the quotes: the client's address and
	# port are written back without fixing it (as NATs do that rewrite
	# the quoted header byte by byte).
	lab_exec r1 nft -f - <<-'EOF'
		table ip ppsnat {
			chain post {
				type filter hook postrouting priority 0;
				oifname != "v1b" ip saddr 198.18.1.1 udp sport 40000 udp sport set 55555 ip saddr set 198.18.2.1
			}
			chain pre {
				type filter hook prerouting priority -300;
				iifname != "v1b" ip daddr 198.18.2.1 ip protocol icmp @nh,320,32 set 0xc6120101 @nh,384,16 set 40000 ip daddr set 198.18.1.1
			}
		}
	EOF
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null
	for t in 1 2 3 4; do
		echo "$t send-probe ip-4 $LAB_DST4 protocol udp port 33434 local-port 40000 ttl $t timeout 2"
	done >"$BATS_TEST_TMPDIR/req"
	lab_exec c sh -c "(cat '$BATS_TEST_TMPDIR/req'; sleep 2.5) | '$PP_BIN/pp-probe' --mtr-packet" | words >"$BATS_TEST_TMPDIR/ours"
	# Hop 2's quote of 8 bytes names a probe of the flow only once hop 3's
	# whole quote has shown the NAT's shift; it is kept until then.
	[ "$(cat "$BATS_TEST_TMPDIR/ours")" = "1 ttl-expired ${LAB_HOP4[0]}
2 ttl-expired ${LAB_HOP4[1]}
3 ttl-expired ${LAB_HOP4[2]}
4 reply $LAB_DST4" ] || { cat "$BATS_TEST_TMPDIR/ours" >&2; false; }
	# Debian's mtr-packet keeps its sequence in that checksum too: it
	# misses what is beyond the NAT.
	if [ -x /usr/bin/mtr-packet ]; then
		lab_exec c sh -c "(cat '$BATS_TEST_TMPDIR/req'; sleep 2.5) | /usr/bin/mtr-packet" | words >"$BATS_TEST_TMPDIR/theirs"
		grep -q "^2 no-reply" "$BATS_TEST_TMPDIR/theirs"
	fi
}

@test "engine (lab): IPv6 probes over the path MTU (sent in fragments): every hop found, the Fragment header in the quotes; as traceroute, where mtr-packet finds none" {
	lab_up --routers 3
	local d=$LAB_DST6 p
	for p in --icmp -u; do
		lab_trace "$BATS_TEST_TMPDIR/t" $p -c 2 -i 100ms -W 1 -s 2000 "$d"
		[ "$rc" -eq 0 ]
		lab_path_ok "$BATS_TEST_TMPDIR/t" 2 "${LAB_HOP6[@]}"
	done
	# traceroute -6 finds them too.
	lab_exec c traceroute -6 -I -n -q 1 -w 1 "$d" 2000 >"$BATS_TEST_TMPDIR/tr"
	grep -qE "^ 3  ${LAB_HOP6[2]} " "$BATS_TEST_TMPDIR/tr"
	# The mtr-packet mode: what the routers answered; mtr-packet 0.95
	# reads no hop of an ICMP probe in fragments.
	local t
	for t in 1 2 3 4; do
		echo "$t send-probe ip-6 $d protocol icmp size 2000 ttl $t timeout 1"
	done >"$BATS_TEST_TMPDIR/req"
	run --separate-stderr lab_exec c "$PP_BIN/pp-probe" --mtr-packet <"$BATS_TEST_TMPDIR/req"
	[ "$status" -eq 0 ]
	for t in 1 2 3; do
		assert_line --regexp "^$t ttl-expired ip-6 ${LAB_HOP6[t - 1]} round-trip-time [0-9]+$"
	done
	assert_line --regexp "^4 reply ip-6 $d round-trip-time [0-9]+$"
	if [ -x /usr/bin/mtr-packet ]; then
		run lab_exec c /usr/bin/mtr-packet <"$BATS_TEST_TMPDIR/req"
		assert_line '1 no-reply'
	fi
}
