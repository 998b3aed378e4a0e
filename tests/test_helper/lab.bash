# SPDX-License-Identifier: BSD-2-Clause
# The network lab for bats tests (tests/lab/lab.sh).  lab_up skips the test
# cleanly when it cannot run here; call lab_down from teardown.

lab_up() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
	ip netns add "ppchk$$" 2>/dev/null || skip "network namespaces not allowed here"
	ip netns del "ppchk$$"
	[ -c /dev/net/tun ] || skip "no /dev/net/tun"
	LAB="pp$(( $$ % 100000 ))"
	LAB_N=3
	local prev=""
	for a in "$@"; do
		[ "$prev" = --routers ] && LAB_N=$a
		prev=$a
	done
	export PP_IMPAIR="${PP_IMPAIR:-$(lab_impair_bin)}"
	"$PP_TOP/tests/lab/lab.sh" up "$LAB" "$@"
	LAB_DST4="198.18.$((LAB_N + 1)).2"
	LAB_DST6="fd00:0:0:$((LAB_N + 1))::2"
	LAB_HOP4=()
	LAB_HOP6=()
	for k in $(seq 1 $((LAB_N + 1))); do
		LAB_HOP4+=("198.18.$k.2")
		LAB_HOP6+=("fd00:0:0:$k::2")
	done
	export LAB LAB_N LAB_DST4 LAB_DST6
}

lab_impair_bin() {
	local b="${BUILD:-build}"
	case $b in /*) ;; *) b="$PP_TOP/$b" ;; esac
	echo "$b/tests/lab/pp-impair"
}

lab_down() {
	[ -n "${LAB:-}" ] && "$PP_TOP/tests/lab/lab.sh" down "$LAB" || true
}

lab_exec() {
	local node=$1
	shift
	ip netns exec "$LAB-$node" "$@"
}

# lab_capture NODE IFACE FILTER...: tcpdump in NODE on IFACE into
# $BATS_TEST_TMPDIR/cap.pcap, in the background until lab_capture_end
# (skips the test without tcpdump).
lab_capture() {
	command -v tcpdump >/dev/null || skip "tcpdump not installed (make deps)"
	local node=$1 dev=$2
	shift 2
	rm -f "$BATS_TEST_TMPDIR/cap.pcap" "$BATS_TEST_TMPDIR/cap.err"
	ip netns exec "$LAB-$node" tcpdump --immediate-mode -U -Z root -n -i "$dev" -w "$BATS_TEST_TMPDIR/cap.pcap" "$@" \
		2>"$BATS_TEST_TMPDIR/cap.err" &
	LAB_CAP=$!
	local i
	for i in $(seq 100); do
		grep -q 'listening on' "$BATS_TEST_TMPDIR/cap.err" 2>/dev/null && return 0
		sleep 0.02
	done
	echo "tcpdump did not start: $(cat "$BATS_TEST_TMPDIR/cap.err")" >&2
	return 1
}

# lab_capture_end: stop the capture; the ICMP errors it holds, one a line
# (tests/lab/pcap-icmp.py: SRC KIND LENGTH QUOTE PAST CKSUM LABELS HDR8),
# and its UDP datagrams (SRC udp - - - - - HDR8).
lab_capture_end() {
	sleep 0.1
	kill -INT "$LAB_CAP" 2>/dev/null || true
	wait "$LAB_CAP" 2>/dev/null || true
	LAB_CAP=
	python3 "$PP_TOP/tests/lab/pcap-icmp.py" "$BATS_TEST_TMPDIR/cap.pcap"
}

# lab_dev LINK a|b: the device of link LINK at its client (a) or
# destination (b) end.
lab_dev() {
	local d
	read -r -a d <"/run/pp-lab/$LAB/link$1.devs"
	if [ "$2" = a ]; then echo "${d[0]}"; else echo "${d[1]}"; fi
}

# lab_truth LINK RECORDS: the truth per hop of pp-trace's RECORDS (a file)
# from the drop log of impaired link LINK: one line per TTL from LINK on,
# "ttl sent fwd rev truth%": probes of that TTL sent, lost going out on the
# link (the drop's TTL is the probe's less LINK-1), answers lost coming
# back on it (the responder of that TTL as source; the responder read off
# the records' answered probes of that TTL), and their share of sent.
# Only TTLs up to the destination's: an answer of the destination to a
# probe beyond it (round 0 probes a few TTLs past) lost on the way back
# counts at the destination's TTL.  The records must come from one run of
# one target and family, with the drop log emptied (lab_truth_reset) just
# before it.
lab_truth() {
	local link=$1 recs=$2
	jq -c 'select(.type == "probe")' "$recs" >"$BATS_TEST_TMPDIR/truth.p"
	"$PP_TOP/tests/lab/lab.sh" drops "$LAB" "$link" >"$BATS_TEST_TMPDIR/truth.d"
	jq -rs --argjson link "$link" --rawfile drops "$BATS_TEST_TMPDIR/truth.d" '
		(.[0].dst) as $dst | ($dst | test(":")) as $v6 |
		($drops | split("\n") | map(select(length > 0) | split(" ")) |
			map(select(((.[3] | test(":")) == $v6) and (.[5] == "1" or .[5] == "17" or .[5] == "6" or .[5] == "58")))) as $d |
		(map(select(.status == "reply") | .ttl) | min // 255) as $dt |
		group_by(.ttl)[] | select(.[0].ttl >= $link and .[0].ttl <= $dt) |
		.[0].ttl as $t | length as $sent |
		(map(.from // empty) | unique) as $resp |
		($d | map(select(.[1] == "fwd" and .[4] == $dst and ((.[6] | tonumber) + $link - 1) == $t)) | length) as $f |
		($d | map(select(.[1] == "rev" and (.[3] as $s | $resp | index($s)))) | length) as $r |
		"\($t) \($sent) \($f) \($r) \((($f + $r) * 10000 / $sent | round) / 100)"' "$BATS_TEST_TMPDIR/truth.p"
}

# lab_truth_reset LINK: empty the drop log of LINK.
lab_truth_reset() {
	: >"/run/pp-lab/$LAB/link$1.drops"
}

# lab_flow_hops DST SPORT TTL COUNT: the responders at TTL to COUNT UDP
# probes of one flow (source port SPORT, port 33434), one a line ("none"
# when nothing answered within 1 s); Python, not the project's code.
lab_flow_hops() {
	lab_exec c python3 - "$@" <<-'PY'
	import socket, sys
	dst, sport, ttl, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
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
	for i in range(count):
	    s.sendto(b'x' * 16, (dst, 33434))
	    try:
	        while True:
	            data, src = r.recvfrom(2048)
	            t = data[0] if v6 else data[(data[0] & 15) * 4]
	            if t == (3 if v6 else 11):
	                break
	        print(src[0])
	    except OSError:
	        print('none')
	PY
}

# lab_peer_hops TOOL PROTO DST [PORT]: the hops a peer finds from the
# client, "ttl address" a line (every responder, sorted), up to the first
# TTL the destination answers: mtr (--raw, 3 rounds, -u or -T -P PORT),
# scamper (trace -q 1, icmp-paris, udp-paris (IPv6: udp) or tcp -d PORT) or
# traceroute (-q 3, -I, default UDP or -T -p PORT).
lab_peer_hops() {
	local tool=$1 proto=$2 dst=$3 port=${4:-80} fam=() o=()
	case $dst in *:*) fam=(-6) ;; esac
	case $tool in
	mtr)
		case $proto in udp) o=(-u) ;; tcp) o=(-T -P "$port") ;; esac
		lab_exec c mtr --raw -n -c 3 -i 0.1 -G 0.5 "${fam[@]}" "${o[@]}" "$dst" |
			awk '$1 == "h" { print $2 + 1, $3 }' ;;
	scamper)
		# scamper 20211212 matches none of the Linux routers' answers
		# to its IPv6 udp-paris probes here (it does when the quote is
		# padded to 128 bytes): plain udp for IPv6.
		case $proto in icmp) o=(icmp-paris) ;; udp) o=(udp-paris) ;; tcp) o=(tcp -d "$port") ;; esac
		[ "$proto" = udp ] && [ ${#fam[@]} -gt 0 ] && o=(udp)
		lab_exec c scamper -O json -c "trace -P ${o[*]} -q 1 -w 1" -i "$dst" |
			jq -r 'select(.type == "trace") | .hops[]? | "\(.probe_ttl) \(.addr)"' ;;
	traceroute)
		case $proto in icmp) o=(-I) ;; tcp) o=(-T -p "$port") ;; esac
		lab_exec c traceroute -n -q 3 -w 0.5 "${fam[@]}" "${o[@]}" "$dst" |
			awk 'NR > 1 { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+(\.[0-9]+){3}$/ || $i ~ /^[0-9a-f]*:[0-9a-f:]*$/) print $1, $i }' ;;
	*) echo "lab_peer_hops: mtr, scamper or traceroute" >&2; return 1 ;;
	esac | sort -u -n | awk -v d="$dst" '$1 > last && stop { exit } { print; last = $1 } $2 == d { stop = 1 }'
}

# lab_trace_hops RECORDS: the same for pp-trace's records (a file).
lab_trace_hops() {
	jq -r 'select(.type == "probe" and .from) | "\(.ttl) \(.from)"' "$1" | sort -u -n |
		awk -v d="$(jq -r 'select(.type == "probe") | .dst' "$1" | head -1)" \
			'$1 > last && stop { exit } { print; last = $1 } $2 == d { stop = 1 }'
}

# lab_trace OUT ARGS...: pp-trace ARGS in the client, records to OUT,
# stderr to OUT.err; its exit status in $rc.
lab_trace() {
	local out=$1
	shift
	rc=0
	lab_exec c timeout 60 "$PP_BIN/pp-trace" "$@" >"$out" 2>"$out.err" || rc=$?
}

# lab_path_ok FILE ROUNDS HOP...: exactly ROUNDS rounds (0..ROUNDS-1), each
# the TTLs 1..k answered by the HOPs in order ("-": any responder, or
# none, at that TTL: a silent router), every one a ttl-expired but the
# last, a reply.
lab_path_ok() {
	local f=$1 n=$2
	shift 2
	jq -c 'select(.type == "probe")' "$f" | jq -s -e --argjson n "$n" '
		$ARGS.positional as $h | ($h | length) as $k |
		group_by(.round) |
		(map(.[0].round) == [range($n)]) and all(.[];
			map(.ttl) == [range(1; $k + 1)] and
			all(to_entries[]; $h[.key] == "-" or (.value.from == $h[.key] and
				.value.status == (if .key == $k - 1 then "reply" else "ttl-expired" end))))
		' --args "$@" >/dev/null || {
		echo "path not as expected (${*}):" >&2
		jq -r 'select(.type == "probe") | [.round, .ttl, .status, .from // "-"] | @tsv' "$f" >&2
		return 1
	}
}

# lab_covers RECORDS TOOL PROTO DST [PORT]: pp-trace's RECORDS found an
# answer at every TTL where the peer TOOL did (lab_peer_hops), and at
# least as many TTLs; both lists on stderr when not.
lab_covers() {
	local recs=$1
	shift
	lab_trace_hops "$recs" | cut -d' ' -f1 | sort -u >"$BATS_TEST_TMPDIR/cov.pp"
	lab_peer_hops "$@" >"$BATS_TEST_TMPDIR/cov.peer.full"
	cut -d' ' -f1 "$BATS_TEST_TMPDIR/cov.peer.full" | sort -u >"$BATS_TEST_TMPDIR/cov.peer"
	if [ ! -s "$BATS_TEST_TMPDIR/cov.peer" ] ||
		[ -n "$(comm -13 "$BATS_TEST_TMPDIR/cov.pp" "$BATS_TEST_TMPDIR/cov.peer")" ]; then
		echo "$1 $2 to $3 found TTLs:" $(cat "$BATS_TEST_TMPDIR/cov.peer") "; pp-trace:" $(cat "$BATS_TEST_TMPDIR/cov.pp") >&2
		cat "$BATS_TEST_TMPDIR/cov.peer.full" >&2
		return 1
	fi
}

# lab_wire NODE HOOK ANY GOOD: count in NODE's HOOK chain the packets that
# match ANY, and those of them that match GOOD too (a new nft table
# each time; lab_down removes it with the namespace).
lab_wire() {
	lab_exec "$1" nft delete table inet ppwire 2>/dev/null || true
	lab_exec "$1" nft -f - <<-NFT
	table inet ppwire {
		counter seen {}
		counter good {}
		chain c {
			type filter hook $2 priority -10; policy accept;
			$3 counter name seen
			$3 $4 counter name good
		}
	}
	NFT
}

# lab_wire_count NODE: "GOOD SEEN", the packets lab_wire counted.
lab_wire_count() {
	echo "$(lab_exec "$1" nft list counter inet ppwire good | awk '/packets/ { print $2 }')" \
		"$(lab_exec "$1" nft list counter inet ppwire seen | awk '/packets/ { print $2 }')"
}

# lab_wire_ok NODE: lab_wire counted some packets, every one of them good
# (else the counts on stderr).
lab_wire_ok() {
	local good all
	read -r good all <<<"$(lab_wire_count "$1")"
	[ "$all" -gt 0 ] && [ "$good" = "$all" ] || {
		echo "on the wire: $good of $all packets as expected" >&2
		return 1
	}
}
