#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The network lab: a client, a chain of kernel routers and a destination,
# each in its own network namespace, IPv4 and IPv6, with the project's own
# impairment tool on any link (the kernel here has no netem).  Root only.
#
#   lab.sh up LAB [--routers N] [--impair LINK:SPEC]... [--ratelimit]
#                 [--ecmp [K] | --spare [K] | --perpacket [K]] [--pool]
#                 [--block-dst | --reject-dst TYPE | --web-dst]
#                 [--quote8 K]... [--mpls K[:LABELS[:nolen]]]...
#                 [--silent K]... [--nat]
#   lab.sh impair LAB LINK SPEC     change an impaired link's settings
#   lab.sh link LAB LINK down|up    take a link down or up
#   lab.sh cut LAB LINK DUR [AT]    cut an impaired link for DUR from AT
#   lab.sh counters LAB LINK        an impaired link's packet counters
#   lab.sh drops LAB LINK           the packets it dropped, one a line
#   lab.sh reroute LAB main|spare|ecmp   switch router K's traffic (see --spare)
#   lab.sh pool LAB COUNT [4|6]     print COUNT addresses of the pool
#   lab.sh exec LAB NODE CMD...     run CMD in node c, r1..rN, rKb or d
#   lab.sh down LAB                 remove everything (idempotent)
#
# Namespaces LAB-c, LAB-r1..LAB-rN, LAB-d.  Link i (1..N+1) joins node i-1
# and node i (node 0 = c, node N+1 = d): upstream side 198.18.i.1/24 and
# fd00:0:0:i::1/64, downstream side 198.18.i.2 and fd00:0:0:i::2.  So hop
# k answers from 198.18.k.2 and the destination is 198.18.(N+1).2.  Routes
# stay inside the lab (no default route anywhere).  ICMP error rate limits
# are off (accurate hops) unless --ratelimit keeps the kernel's defaults.
# The destination has TCP port 7 open (accepts and closes), 9 closed (RST),
# 10 silently dropped, and no UDP listener.  SPEC: see tests/lab/pp-impair.c
# (delay=20ms, jitter=2ms, loss=1%, burst=4, reorder=5%, fwd./rev. prefixes;
# fwd is away from the client); an empty SPEC (--impair 2:) puts the tool
# on the link without impairment.  `lab.sh impair` replaces the SPEC (the
# habits below stay).
#
# An impaired link counts what it passes and drops per direction
# (`lab.sh counters`: fwd passed=.. lost=.. down=.. cut=.. full=.. quoted=..
# mpls=.., then the same for rev) and logs every packet it drops
# (`lab.sh drops`: realtime, fwd|rev, loss|down|cut|full, source,
# destination, protocol, TTL as it entered the link, ICMP type or -): the
# truth a loss estimate is compared with.  A probe of TTL t lost forward
# on link L shows there with TTL t-L+1; an answer lost on the way back
# shows with its responder as source.  `lab.sh cut LAB LINK DUR [AT]`: every
# packet entering link LINK (both ways) from AT (seconds since the epoch,
# as `date +%s.%N`; default 0.1 s from now) for DUR (2s, 500ms) is lost;
# it prints pp-impair's "cut fwd FROM TO" and "cut rev FROM TO" lines,
# the cut's realtime bounds (a start already past when pp-impair reads it
# is moved to that moment).  `link down`/`up` stay for open-ended outages.
#
# The three scenarios of issue 17 (5 hops: --routers 4; its "link 2" is
# link 3 here, from r2 to r3, so hops 3 to 5 are behind it):
#   up LAB --routers 4 --impair 3:fwd.loss=5%
#   up LAB --routers 4 --impair 3:delay=5ms,jitter=2ms,loss=5%
#   up LAB --routers 4 --ratelimit --impair 3:loss=3%
#
# --ecmp K / --spare K (2 <= K <= N, default 2): a twin of router K,
# namespace LAB-rKb, in parallel with rK between r(K-1) (the splitter) and
# node K+1 (the merge).  Its upstream link is 198.18.(100+K).0/24 and
# fd00:0:0:(100+K)::/64 (splitter .1 / ::1, twin .2 / ::2, so the twin
# answers as hop K from 198.18.(100+K).2); its downstream link is
# 198.18.(200+K).0/24 and fd00:0:0:(200+K)::/64 (twin .1, merge .2).
# Every node answers from the address of the interface the probe came in
# on (IPv6 does; IPv4 with icmp_errors_use_inbound_ifaddr=1), so a probe
# that went through the twin sees hop K at 198.18.(100+K).2 and hop K+1 at
# 198.18.(200+K).2 (fd00:0:0:(100+K)::2, fd00:0:0:(200+K)::2); the hops
# after the merge answer as usual.  --ecmp: the splitter routes everything
# beyond rK over both (`nexthop via rK nexthop via rKb`, v4 and v6) with
# fib_multipath_hash_policy=1, an L4 hash: one UDP/TCP flow (addresses and
# ports) keeps one path, different source ports spread over both (ICMP
# has no ports: every ICMP probe takes one path); replies come back
# through rK.  --spare: the twin carries nothing until `lab.sh
# reroute LAB spare`, which moves both directions onto it (`ip route
# replace` in the splitter and the merge); `reroute LAB main` moves them
# back, `reroute LAB ecmp` splits again.
#
# --pool: the destination also owns 198.19.0.0/22 and fd00:0:1::/118
# (local routes on its lo, so every address answers ICMP, UDP and TCP as
# the destination does), routed through the chain; `lab.sh pool LAB 1000`
# lists 1,000 of them (198.19.0.1 onwards, skipping .0 and .255).
#
# --block-dst: the destination drops every packet it is sent (nftables;
# neighbour discovery still works): a silent end of the path.
# --reject-dst TYPE: it answers every probe with an ICMP destination
# unreachable of TYPE (nft `reject with icmpx type TYPE`: admin-prohibited,
# host-unreachable, no-route or port-unreachable; v4 codes 13, 1, 0, 3,
# v6 codes 1, 3, 0, 4).
# --web-dst: a web server behind a firewall: the destination accepts TCP
# ports 80 and 443 (both listening) and drops everything else, ICMP echo
# and UDP included (neighbour discovery still works).
#
# The internet's habits (nftables and pp-impair; nft needed):
# --perpacket K (2 <= K <= N, default 2): the twin of --ecmp, but the
# splitter r(K-1) balances per packet: nftables marks each packet coming
# from upstream `numgen random mod 2`, and mark 1 (`ip rule fwmark 1`,
# v4 and v6) routes by table 100, through the twin rKb; mark 0 through rK.
# Every probe, whatever its flow, takes either path (answers as for
# --ecmp: hop K from 198.18.K.2 or 198.18.(100+K).2, hop K+1 from
# 198.18.(K+1).2 or 198.18.(200+K).2); replies come back through rK.
# `reroute` refuses such a lab.
# --quote8 K (1 <= K <= N, repeatable): router K quotes only the first 8
# bytes past the IP header of the offending datagram in its ICMP errors
# (v4 and v6), as RFC 792 allows: pp-impair on link K (added if not
# given) cuts the quotes of the errors rK makes itself on their way back
# (`quote=8`; TTL 64: errors from further on pass untouched).
# --mpls K[:LABELS[:nolen]] (repeatable): router K's time-exceeded messages
# carry an RFC 4950 MPLS label stack, LABELS top first with "/" between
# (default 16000+K), in an RFC 4884 extension after the quote padded or
# cut to 128 bytes, with the RFC 4884 length field set; with ":nolen"
# without it (length 0, the extension at 128 bytes, as older routers
# send).  Done by pp-impair on link K like --quote8 (`mpls=`,
# `mpls-nolen=`); each entry has TC 0 and TTL 1, S on the last.
# --silent K (repeatable): router K never sends time-exceeded (nftables in
# rK drops its own, v4 and v6); it forwards, and answers pings, as usual.
# --nat: the client sits behind a masquerading NAT: r1 rewrites the
# source of everything the client sends downstream to its own address on
# link 2 (198.18.2.1, fd00:0:0:2::1; nftables `masquerade fully-random`,
# v4 and v6: source ports and ICMP ids are rewritten too, as a carrier
# NAT does), and the nodes beyond r1 have no route to link 1
# (198.18.1.0/24, fd00:0:0:1::/64): answers reach the client only through
# r1's connection tracking, which rewrites the quotes of ICMP errors back:
# addresses and ports (and ICMP ids) as the client sent them, but the
# quoted UDP checksum stays the one the NAT made (Linux, v4 and v6): a
# prober that knows its UDP probes by their checksum (Paris) cannot rely
# on it behind this NAT.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
impair=${PP_IMPAIR:-}
if [ -z "$impair" ]; then
	for c in "$top/build/tests/lab/pp-impair" "$top"/build/*/tests/lab/pp-impair; do
		[ -x "$c" ] && { impair=$c; break; }
	done
fi

die() { echo "lab.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"

state() { echo "/run/pp-lab/$1"; }

ns_exec() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

node_ns() {	# node_ns LAB INDEX N
	local lab=$1 i=$2 n=$3
	if [ "$i" -eq 0 ]; then echo "$lab-c"
	elif [ "$i" -eq $((n + 1)) ]; then echo "$lab-d"
	else echo "$lab-r$i"; fi
}

cmd_down() {
	local lab=$1 s
	s=$(state "$lab")
	if [ -d "$s" ]; then
		for p in "$s"/*.pid; do
			[ -e "$p" ] || continue
			kill "$(cat "$p")" 2>/dev/null || true
		done
		sleep 0.1
		for p in "$s"/*.pid; do
			[ -e "$p" ] || continue
			kill -9 "$(cat "$p")" 2>/dev/null || true
		done
	fi
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$lab-" || true); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$s"
}

# a4/a6 SUBNET HOST, p4/p6 SUBNET: the lab's addresses and prefixes.
a4() { echo "198.18.$1.$2"; }
a6() { echo "fd00:0:0:$1::$2"; }
p4() { echo "198.18.$1.0/24"; }
p6() { echo "fd00:0:0:$1::/64"; }
pool4=198.19.0.0/22
pool6=fd00:0:1::/118

# load_state LAB: n, twin (0 for none), mode, pool of a lab that is up.
load_state() {
	local s
	s=$(state "$1")
	[ -f "$s/routers" ] || die "lab $1 is not up"
	n=$(cat "$s/routers")
	twin=0 mode=main pool=0 nat=0
	[ -f "$s/twin" ] && read -r twin mode <"$s/twin"
	[ -f "$s/pool" ] && pool=1
	[ -f "$s/nat" ] && nat=1
	return 0
}

# node_routes I VERB: `ip -batch` lines for node I's routes (globals n,
# twin, mode, pool, nat): towards d by the downstream neighbour, towards c
# by the upstream one; the splitter and the merge of a twin as its mode
# says (perpacket: the main table goes through rK, see perpacket_routes);
# behind a NAT (nat=1), nothing beyond r1 routes to link 1.
node_routes() {
	local i=$1 verb=$2 j f k=$twin
	for f in 4 6; do
		local d u
		d="via $(a$f $((i + 1)) 2)"
		u="via $(a$f "$i" 1)"
		if [ "$k" -gt 0 ] && [ "$i" -eq $((k - 1)) ]; then
			case $mode in
			spare) d="via $(a$f $((100 + k)) 2)" ;;
			ecmp) d="nexthop via $(a$f "$k" 2) nexthop via $(a$f $((100 + k)) 2)" ;;
			esac
		fi
		if [ "$k" -gt 0 ] && [ "$i" -eq $((k + 1)) ] && [ "$mode" = spare ]; then
			u="via $(a$f $((200 + k)) 1)"
		fi
		for j in $(seq 1 $((n + 1))); do
			if [ "$j" -gt $((i + 1)) ]; then echo "route $verb $(p$f "$j") $d"
			elif [ "$j" -lt "$i" ]; then
				[ "$nat" = 1 ] && [ "$j" -eq 1 ] && continue
				echo "route $verb $(p$f "$j") $u"
			fi
		done
		if [ "$k" -gt 0 ]; then
			# The twin's upstream link sits at position K, reached
			# through the splitter; its downstream one at K+1, reached
			# through the merge.
			if [ "$i" -lt $((k - 1)) ]; then echo "route $verb $(p$f $((100 + k))) $d"
			elif [ "$i" -gt $((k - 1)) ]; then echo "route $verb $(p$f $((100 + k))) $u"; fi
			if [ "$i" -lt $((k + 1)) ]; then echo "route $verb $(p$f $((200 + k))) $d"
			elif [ "$i" -gt $((k + 1)) ]; then echo "route $verb $(p$f $((200 + k))) $u"; fi
		fi
		if [ "$pool" = 1 ] && [ "$i" -le "$n" ]; then
			eval "echo \"route $verb \$pool$f $d\""
		fi
	done
}

# twin_routes: the twin's own routes (c's side up, d's side down).
twin_routes() {
	local k=$twin j f
	for f in 4 6; do
		for j in $(seq 1 "$k"); do
			[ "$nat" = 1 ] && [ "$j" -eq 1 ] && continue
			echo "route add $(p$f "$j") via $(a$f $((100 + k)) 1)"
		done
		for j in $(seq $((k + 1)) $((n + 1))); do
			echo "route add $(p$f "$j") via $(a$f $((200 + k)) 2)"
		done
		if [ "$pool" = 1 ]; then
			eval "echo \"route add \$pool$f via $(a$f $((200 + k)) 2)\""
		fi
	done
}

# perpacket_routes: the splitter's table 100 (--perpacket), everything
# downstream of the twin through the twin.
perpacket_routes() {
	local k=$twin j f
	for f in 4 6; do
		for j in $(seq $((k + 1)) $((n + 1))) $((200 + k)); do
			echo "route add $(p$f "$j") via $(a$f $((100 + k)) 2) table 100"
		done
		if [ "$pool" = 1 ]; then
			eval "echo \"route add \$pool$f via $(a$f $((100 + k)) 2) table 100\""
		fi
	done
}

# link_dev LINK a|b: the device of link LINK at its upstream (a) or
# downstream (b) end (t: impaired, v: veth), from the state directory.
link_dev() {
	local d
	read -r -a d <"$s/link$1.devs"
	if [ "$2" = a ]; then echo "${d[0]}"; else echo "${d[1]}"; fi
}

# write_conf LAB LINK: an impaired link's control file from its parts
# (the lab's habits, the SPEC, a cut, down), and pp-impair told.
write_conf() {
	local s i=$2 f
	s=$(state "$1")
	for f in fixed spec cut; do
		[ -s "$s/link$i.$f" ] && cat "$s/link$i.$f"
	done | tr ' ' ',' | tr ',' '\n' | grep -v -e '^$' -e '^down$' -e '^up$' >"$s/link$i.conf.new" || true
	[ -e "$s/link$i.down" ] && echo down >>"$s/link$i.conf.new"
	paste -sd, - <"$s/link$i.conf.new" >"$s/link$i.conf"
	rm -f "$s/link$i.conf.new"
	[ -f "$s/link$i.pid" ] && kill -HUP "$(cat "$s/link$i.pid")"
	return 0
}

# warm_nd NS ADDR: ping ADDR from NS until its neighbour entry resolves.
warm_nd() {
	local t
	for t in $(seq 40); do
		ip netns exec "$1" ping -6 -n -c 1 -W 0.1 "$2" >/dev/null 2>&1 || true
		ip -n "$1" -6 neigh show "$2" | grep -q lladdr && return 0
		sleep 0.02
	done
	return 0
}

cmd_up() {
	local lab=$1; shift
	local ratelimit=0 dstfw="" web=0 k
	local -A spec=() fixed=()
	local -a silent=() quote=() mpls=()
	n=3 twin=0 mode=main pool=0 nat=0
	while [ $# -gt 0 ]; do
		case $1 in
		--routers) n=${2:-}; shift 2 || die "up: --routers N" ;;
		--impair)
			case ${2:-} in *:*) ;; *) die "up: --impair LINK:SPEC" ;; esac
			spec[${2%%:*}]=${2#*:}; shift 2 ;;
		--ratelimit) ratelimit=1; shift ;;
		--ecmp|--spare|--perpacket)
			[ "$twin" = 0 ] || die "up: one of --ecmp, --spare and --perpacket"
			case $1 in --ecmp) mode=ecmp ;; --spare) mode=main ;; *) mode=perpacket ;; esac
			twin=2; shift
			case ${1:-} in [0-9]*) twin=$1; shift ;; esac ;;
		--pool) pool=1; shift ;;
		--block-dst|--reject-dst|--web-dst)
			[ -z "$dstfw" ] && [ "$web" = 0 ] || die "up: one of --block-dst, --reject-dst and --web-dst"
			case $1 in
			--block-dst) dstfw=drop; shift ;;
			--web-dst) web=1; shift ;;
			*)
				case ${2:-} in
				admin-prohibited|host-unreachable|no-route|port-unreachable) ;;
				*) die "up: --reject-dst admin-prohibited|host-unreachable|no-route|port-unreachable" ;;
				esac
				dstfw="reject with icmpx type $2"; shift 2 ;;
			esac ;;
		--quote8) quote+=("${2:-}"); shift 2 || die "up: --quote8 K" ;;
		--mpls) mpls+=("${2:-}"); shift 2 || die "up: --mpls K[:LABELS[:nolen]]" ;;
		--silent) silent+=("${2:-}"); shift 2 || die "up: --silent K" ;;
		--nat) nat=1; shift ;;
		*) die "up: unknown option $1" ;;
		esac
	done
	[ ${#lab} -le 8 ] || die "lab name too long (8 at most): $lab"
	case $n in ''|*[!0-9]*) die "up: --routers takes a number" ;; esac
	[ "$n" -ge 1 ] && [ "$n" -le 60 ] || die "up: --routers 1 to 60"
	if [ "$twin" -gt 0 ]; then
		[ "$twin" -ge 2 ] && [ "$twin" -le "$n" ] || die "up: --ecmp/--spare/--perpacket K needs 2 <= K <= routers ($n)"
	fi
	# router K: a number from 1 to N.
	router() {
		case $2 in ''|*[!0-9]*) die "up: $1 K: K a router, 1 to $n" ;; esac
		[ "$2" -ge 1 ] && [ "$2" -le "$n" ] || die "up: $1 K: K a router, 1 to $n"
	}
	for k in "${silent[@]}"; do router --silent "$k"; done
	for k in "${quote[@]}"; do
		router --quote8 "$k"
		fixed[$k]+="rev.quote=8,"
		spec[$k]=${spec[$k]:-}
	done
	for m in "${mpls[@]}"; do
		local labels key=mpls
		k=${m%%:*}
		router --mpls "$k"
		labels=""
		case $m in *:*) labels=${m#*:} ;; esac
		case $labels in nolen|*:nolen) key=mpls-nolen; labels=${labels%nolen}; labels=${labels%:} ;; esac
		[ -n "$labels" ] || labels=$((16000 + k))
		echo "$labels" | grep -qE '^[0-9]{1,7}(/[0-9]{1,7}){0,7}$' &&
			! echo "$labels" | tr / '\n' | awk '$1 > 1048575 { bad = 1 } END { exit !bad }' ||
			die "up: --mpls K[:LABELS[:nolen]]: LABELS 1 to 8 labels 0-1048575, / between ($m)"
		fixed[$k]+="rev.$key=$labels,"
		spec[$k]=${spec[$k]:-}
	done
	for k in "${!spec[@]}"; do
		case $k in ''|*[!0-9]*) die "up: --impair LINK:SPEC, LINK 1 to $((n + 1)) ($k)" ;; esac
		[ "$k" -ge 1 ] && [ "$k" -le $((n + 1)) ] || die "up: --impair LINK:SPEC, LINK 1 to $((n + 1)) ($k)"
	done
	if [ -n "$dstfw" ] || [ "$web" = 1 ] || [ "$mode" = perpacket ] || [ ${#silent[@]} -gt 0 ] || [ "$nat" = 1 ]; then
		command -v nft >/dev/null || die "up: --block-dst, --reject-dst, --web-dst, --perpacket, --silent and --nat need nft (apt-get install nftables)"
	fi
	cmd_down "$lab"
	local s
	s=$(state "$lab")
	mkdir -p "$s"
	echo "$n" >"$s/routers"
	[ "$twin" -gt 0 ] && echo "$twin $mode" >"$s/twin"
	[ "$pool" = 1 ] && : >"$s/pool"
	[ "$nat" = 1 ] && : >"$s/nat"
	trap 'cmd_down "$lab"' ERR
	# Nodes: 0..N+1, and the twin as index T.
	local -a nss=()
	local -A batch=()
	local i ns
	for i in $(seq 0 $((n + 1))); do nss+=("$(node_ns "$lab" "$i" "$n")"); done
	[ "$twin" -gt 0 ] && nss+=("$lab-r${twin}b")
	for ns in "${nss[@]}"; do
		local -a ctl=(net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
			"net.ipv4.ping_group_range=1 0" net.ipv4.icmp_errors_use_inbound_ifaddr=1
			net.ipv6.conf.all.keep_addr_on_down=1 net.ipv6.conf.default.keep_addr_on_down=1)
		ip netns add "$ns"
		if [ "$ratelimit" = 0 ]; then
			ctl+=(net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
				net.ipv4.icmp_msgs_per_sec=100000)
		fi
		case $ns in
		"$lab-c"|"$lab-d") ;;
		*) ctl+=(net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1) ;;
		esac
		if [ "$twin" -gt 0 ] && [ "$ns" = "$(node_ns "$lab" $((twin - 1)) "$n")" ]; then
			ctl+=(net.ipv4.fib_multipath_hash_policy=1 net.ipv6.fib_multipath_hash_policy=1)
		fi
		ns_exec "$ns" sysctl -qw "${ctl[@]}" >/dev/null
		batch[$ns]="link set lo up"$'\n'
	done
	# link_addrs UPNS UPDEV DNNS DNDEV SUBNET: addresses, link up.
	link_addrs() {
		local up=$1 ua=$2 dn=$3 da=$4 sn=$5
		batch[$up]+="addr add $(a4 "$sn" 1)/24 dev $ua"$'\n'"addr add $(a6 "$sn" 1)/64 dev $ua nodad"$'\n'"link set $ua up"$'\n'"ntable change name ndisc_cache dev $ua retrans 100"$'\n'
		batch[$dn]+="addr add $(a4 "$sn" 2)/24 dev $da"$'\n'"addr add $(a6 "$sn" 2)/64 dev $da nodad"$'\n'"link set $da up"$'\n'"ntable change name ndisc_cache dev $da retrans 100"$'\n'
	}
	# Links.
	local rt=""
	chrt -f 10 true 2>/dev/null && rt="chrt -f 10"
	for i in $(seq 1 $((n + 1))); do
		local up dn ua da
		up=$(node_ns "$lab" $((i - 1)) "$n")
		dn=$(node_ns "$lab" "$i" "$n")
		if [ -n "${spec[$i]+set}" ]; then
			[ -x "$impair" ] || die "pp-impair not built (make, or PP_IMPAIR=...)"
			ua="t${i}a"; da="t${i}b"
			echo "${spec[$i]}" >"$s/link$i.spec"
			echo "${fixed[$i]:-}" >"$s/link$i.fixed"
			write_conf "$lab" "$i"
			# Real-time priority where allowed: on a busy machine a
			# descheduled pp-impair would hold packets back in bursts.
			$rt "$impair" -a "$up:$ua" -b "$dn:$da" -c "$s/link$i.conf" -s "$i" \
				-l "$s/link$i.drops" >"$s/link$i.out" 2>"$s/link$i.err" &
			echo $! >"$s/link$i.pid"
			for t in $(seq 100); do grep -q ready "$s/link$i.out" 2>/dev/null && break; sleep 0.02; done
			grep -q ready "$s/link$i.out" || die "pp-impair on link $i: $(cat "$s/link$i.err")"
		else
			ua="v${i}a"; da="v${i}b"
			ip link add "$ua" netns "$up" type veth peer name "$da" netns "$dn"
		fi
		link_addrs "$up" "$ua" "$dn" "$da" "$i"
		echo "$ua $da" >"$s/link$i.devs"
	done
	if [ "$twin" -gt 0 ]; then
		local tw=$lab-r${twin}b sp mg
		sp=$(node_ns "$lab" $((twin - 1)) "$n")
		mg=$(node_ns "$lab" $((twin + 1)) "$n")
		ip link add "x${twin}a" netns "$sp" type veth peer name "x${twin}b" netns "$tw"
		ip link add "y${twin}a" netns "$tw" type veth peer name "y${twin}b" netns "$mg"
		link_addrs "$sp" "x${twin}a" "$tw" "x${twin}b" $((100 + twin))
		link_addrs "$tw" "y${twin}a" "$mg" "y${twin}b" $((200 + twin))
		batch[$tw]+=$(twin_routes)$'\n'
	fi
	for i in $(seq 0 $((n + 1))); do
		ns=$(node_ns "$lab" "$i" "$n")
		batch[$ns]+=$(node_routes "$i" add)$'\n'
	done
	if [ "$mode" = perpacket ]; then
		ns=$(node_ns "$lab" $((twin - 1)) "$n")
		batch[$ns]+=$(perpacket_routes)$'\n'"rule add fwmark 1 table 100 pref 100"$'\n'
	fi
	if [ "$pool" = 1 ]; then
		batch[$lab-d]+="route add local $pool4 dev lo"$'\n'"route add local $pool6 dev lo"$'\n'
	fi
	for ns in "${nss[@]}"; do
		printf '%s' "${batch[$ns]}" | grep -v '^$' | ip -n "$ns" -batch - ||
			die "configuring $ns failed"
	done
	# IPv6 neighbour discovery on a new link fails for the first half
	# second or so; wait until every link's downstream neighbour resolves
	# (from the node upstream of it), so that the lab works at once.
	local -a warm=()
	for i in $(seq 1 $((n + 1))); do
		warm_nd "$(node_ns "$lab" $((i - 1)) "$n")" "$(a6 "$i" 2)" &
		warm+=($!)
	done
	if [ "$twin" -gt 0 ]; then
		warm_nd "$(node_ns "$lab" $((twin - 1)) "$n")" "$(a6 $((100 + twin)) 2)" &
		warm+=($!)
		warm_nd "$lab-r${twin}b" "$(a6 $((200 + twin)) 2)" &
		warm+=($!)
	fi
	wait "${warm[@]}" || true
	# Destination services.
	local d
	d=$(node_ns "$lab" $((n + 1)) "$n")
	local ports=7
	[ "$web" = 1 ] && ports="7 80 443"
	ns_exec "$d" python3 -c '
import socket, sys, threading
def serve(fam, addr, port):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port)); s.listen(1024)
    while True:
        c, _ = s.accept(); c.close()
for p in sys.argv[1:]:
    for fam, addr in ((socket.AF_INET6, "::"), (socket.AF_INET, "0.0.0.0")):
        threading.Thread(target=serve, args=(fam, addr, int(p)), daemon=True).start()
threading.Event().wait()' $ports >/dev/null 2>&1 &
	echo $! >"$s/listener.pid"
	if command -v nft >/dev/null; then
		local last=""
		[ -n "$dstfw" ] && last="iifname != \"lo\" $dstfw"
		[ "$web" = 1 ] && last="iifname != \"lo\" tcp dport { 80, 443 } accept
				iifname != \"lo\" drop"
		ns_exec "$d" nft -f - <<-NFT
		table inet lab {
			chain input {
				type filter hook input priority 0; policy accept;
				icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } accept
				tcp dport 10 drop
				$last
			}
		}
		NFT
	else
		ns_exec "$d" iptables -A INPUT -p tcp --dport 10 -j DROP
		ns_exec "$d" ip6tables -A INPUT -p tcp --dport 10 -j DROP
	fi
	# The internet's habits in the routers.
	if [ "$mode" = perpacket ]; then
		ns=$(node_ns "$lab" $((twin - 1)) "$n")
		ip -n "$ns" -6 rule add fwmark 1 table 100 pref 100
		ns_exec "$ns" nft -f - <<-NFT
		table inet lab {
			chain pre {
				type filter hook prerouting priority mangle; policy accept;
				iifname "$(link_dev $((twin - 1)) b)" meta mark set numgen random mod 2
			}
		}
		NFT
	fi
	for k in "${silent[@]}"; do
		ns_exec "$lab-r$k" nft -f - <<-NFT
		table inet lab {
			chain out {
				type filter hook output priority 0; policy accept;
				icmp type time-exceeded drop
				icmpv6 type time-exceeded drop
			}
		}
		NFT
	done
	if [ "$nat" = 1 ]; then
		ns_exec "$lab-r1" nft -f - <<-NFT
		table inet lab {
			chain post {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "$(link_dev 2 a)" masquerade fully-random
			}
		}
		NFT
	fi
	for t in $(seq 100); do
		ns_exec "$d" ss -ltn 2>/dev/null | grep -q ':7 ' && break
		sleep 0.02
	done
	trap - ERR
}

# reroute LAB main|spare|ecmp: which way the twin's splitter sends traffic
# (and, for spare, which way the merge sends it back).
cmd_reroute() {
	local lab=$1 to=$2 s
	s=$(state "$lab")
	load_state "$lab"
	[ "$twin" -gt 0 ] || die "reroute: lab $lab has no twin router (up --spare or --ecmp)"
	[ "$mode" != perpacket ] || die "reroute: lab $lab balances per packet (up --perpacket)"
	case $to in main|spare|ecmp) ;; *) die "reroute: main, spare or ecmp" ;; esac
	mode=$to
	echo "$twin $mode" >"$s/twin"
	node_routes $((twin - 1)) replace | ip -n "$(node_ns "$lab" $((twin - 1)) "$n")" -batch -
	node_routes $((twin + 1)) replace | ip -n "$(node_ns "$lab" $((twin + 1)) "$n")" -batch -
}

# pool LAB COUNT [4|6]: COUNT addresses of the destination's pool.
cmd_pool() {
	local lab=$1 count=$2 fam=${3:-4}
	load_state "$lab"
	[ "$pool" = 1 ] || die "pool: lab $lab has no pool (up --pool)"
	case $count in ''|*[!0-9]*) die "pool: COUNT is a number" ;; esac
	[ "$count" -le 1020 ] || die "pool: 1020 addresses at most"
	awk -v c="$count" -v f="$fam" 'BEGIN {
		for (x = 1; n < c; x++) {
			if (f == 6) { printf "fd00:0:1::%x\n", x; n++; continue }
			if (x % 256 == 0 || x % 256 == 255) continue
			printf "198.19.%d.%d\n", int(x / 256), x % 256; n++
		}
	}'
}

cmd_impair() {
	local lab=$1 link=$2 spec=$3 s
	s=$(state "$lab")
	[ -f "$s/link$link.pid" ] || die "link $link is not impaired"
	echo "$spec" >"$s/link$link.spec"
	write_conf "$lab" "$link"
}

# cut LAB LINK DUR [AT]: the link cut for DUR from AT (an absolute time,
# so that reading the control file again does not start it again).
cmd_cut() {
	local lab=$1 link=$2 dur=${3:-} at=${4:-} s before t
	s=$(state "$lab")
	[ -f "$s/link$link.pid" ] || die "cut: link $link is not impaired (up --impair $link:)"
	echo "$dur" | grep -qE '^[0-9]+(\.[0-9]+)?(us|ms|s)?$' || die "cut: DUR as 2s, 500ms or 1.5"
	[ -n "$at" ] || at=$(awk -v t="$(date +%s.%N)" 'BEGIN { printf "%.6f", t + 0.1 }')
	echo "$at" | grep -qE '^[0-9]+(\.[0-9]+)?$' || die "cut: AT in seconds since the epoch"
	before=$(grep -c '^cut ' "$s/link$link.out" || true)
	echo "cut=$dur@$at" >"$s/link$link.cut"
	write_conf "$lab" "$link"
	for t in $(seq 200); do
		[ "$(grep -c '^cut ' "$s/link$link.out" || true)" -ge $((before + 2)) ] && break
		sleep 0.01
	done
	grep '^cut ' "$s/link$link.out" | tail -n +$((before + 1))
}

# counters LAB LINK: pp-impair's counters line, now.
cmd_counters() {
	local lab=$1 link=$2 s before t
	s=$(state "$lab")
	[ -f "$s/link$link.pid" ] || die "counters: link $link is not impaired"
	before=$(grep -c '^counters ' "$s/link$link.out" || true)
	kill -USR1 "$(cat "$s/link$link.pid")"
	for t in $(seq 200); do
		[ "$(grep -c '^counters ' "$s/link$link.out" || true)" -gt "$before" ] && break
		sleep 0.01
	done
	grep '^counters ' "$s/link$link.out" | tail -1
}

cmd_drops() {
	local lab=$1 link=$2 s
	s=$(state "$lab")
	[ -f "$s/link$link.pid" ] || die "drops: link $link is not impaired"
	cat "$s/link$link.drops" 2>/dev/null || true
}

cmd_link() {
	local lab=$1 link=$2 how=$3 s n
	s=$(state "$lab")
	n=$(cat "$s/routers")
	if [ -f "$s/link$link.pid" ]; then
		if [ "$how" = down ]; then
			: >"$s/link$link.down"
		else
			rm -f "$s/link$link.down"
		fi
		write_conf "$lab" "$link"
	else
		read -r ua da <"$s/link$link.devs"
		ip -n "$(node_ns "$lab" $((link - 1)) "$n")" link set "$ua" "$how"
		ip -n "$(node_ns "$lab" "$link" "$n")" link set "$da" "$how"
		if [ "$how" = up ]; then
			# The kernel drops the routes through a link that goes
			# down; put back both ends' routes once the link's own
			# prefixes are back (IPv6 takes a moment).
			load_state "$lab"
			local i t
			for i in $((link - 1)) "$link"; do
				for t in $(seq 50); do
					node_routes "$i" replace | ip -n "$(node_ns "$lab" "$i" "$n")" -batch - 2>/dev/null && break
					sleep 0.02
				done
				[ "$t" -lt 50 ] || die "link $link up: the routes of node $i"
			done
			warm_nd "$(node_ns "$lab" $((link - 1)) "$n")" "$(a6 "$link" 2)"
		fi
	fi
}

cmd_exec() {
	local lab=$1 node=$2; shift 2
	ns_exec "$lab-$node" "$@"
}

[ $# -ge 2 ] || die "usage: lab.sh up|down|impair|link|cut|counters|drops|reroute|pool|exec LAB ..."
cmd=$1; shift
case $cmd in
up) cmd_up "$@" ;;
down) cmd_down "$1" ;;
impair) cmd_impair "$@" ;;
cut) cmd_cut "$@" ;;
counters) cmd_counters "$@" ;;
drops) cmd_drops "$@" ;;
link) cmd_link "$@" ;;
reroute) cmd_reroute "$@" ;;
pool) cmd_pool "$@" ;;
exec) cmd_exec "$@" ;;
*) die "unknown command $cmd" ;;
esac
