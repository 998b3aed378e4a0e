#!/usr/bin/env bash
# The network lab: a client, a chain of kernel routers and a destination,
# each in its own network namespace, IPv4 and IPv6, with the project's own
# impairment tool on any link (the kernel here has no netem).  Root only.
#
#   lab.sh up LAB [--routers N] [--impair LINK:SPEC]... [--ratelimit]
#   lab.sh impair LAB LINK SPEC     change an impaired link's settings
#   lab.sh link LAB LINK down|up    take a link down or up
#   lab.sh exec LAB NODE CMD...     run CMD in node c, r1..rN or d
#   lab.sh down LAB                 remove everything (idempotent)
#
# Namespaces LAB-c, LAB-r1..LAB-rN, LAB-d.  Link i (1..N+1) joins node i-1
# and node i (node 0 = c, node N+1 = d): upstream side 198.18.i.1/24 and
# fd00:0:0:i::1/64, downstream side 198.18.i.2 and fd00:0:0:i::2.  So hop
# k answers from 198.18.k.2 and the destination is 198.18.(N+1).2.  Routes
# stay inside the lab.  ICMP error rate limits are off (accurate hops)
# unless --ratelimit keeps the kernel's defaults.  The destination has TCP
# port 7 open (accepts and closes), 9 closed (RST), 10 silently dropped,
# and no UDP listener.  SPEC: see tests/lab/pp-impair.c (delay=20ms,
# jitter=2ms, loss=1%, burst=4, reorder=5%, fwd./rev. prefixes).
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

cmd_up() {
	local lab=$1; shift
	local n=3 ratelimit=0
	local -A spec=()
	while [ $# -gt 0 ]; do
		case $1 in
		--routers) n=$2; shift 2 ;;
		--impair) spec[${2%%:*}]=${2#*:}; shift 2 ;;
		--ratelimit) ratelimit=1; shift ;;
		*) die "up: unknown option $1" ;;
		esac
	done
	[ ${#lab} -le 8 ] || die "lab name too long (8 at most): $lab"
	cmd_down "$lab"
	local s
	s=$(state "$lab")
	mkdir -p "$s"
	echo "$n" >"$s/routers"
	trap 'cmd_down "$lab"' ERR
	for i in $(seq 0 $((n + 1))); do
		local ns
		ns=$(node_ns "$lab" "$i" "$n")
		ip netns add "$ns"
		ns_exec "$ns" ip link set lo up
		ns_exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
		if [ "$ratelimit" = 0 ]; then
			ns_exec "$ns" sysctl -qw net.ipv4.icmp_ratelimit=0 \
				net.ipv6.icmp.ratelimit=0 \
				net.ipv4.icmp_msgs_per_sec=100000
		fi
		ns_exec "$ns" sysctl -qw net.ipv4.ping_group_range="1 0"
		if [ "$i" -ge 1 ] && [ "$i" -le "$n" ]; then
			ns_exec "$ns" sysctl -qw net.ipv4.ip_forward=1 \
				net.ipv6.conf.all.forwarding=1
		fi
	done
	# Links.
	for i in $(seq 1 $((n + 1))); do
		local up dn ua da
		up=$(node_ns "$lab" $((i - 1)) "$n")
		dn=$(node_ns "$lab" "$i" "$n")
		if [ -n "${spec[$i]:-}" ]; then
			[ -x "$impair" ] || die "pp-impair not built (make, or PP_IMPAIR=...)"
			ua="t${i}a"; da="t${i}b"
			echo "${spec[$i]}" | tr ' ' ',' >"$s/link$i.conf"
			"$impair" -a "$up:$ua" -b "$dn:$da" -c "$s/link$i.conf" -s "$i" \
				>"$s/link$i.out" 2>"$s/link$i.err" &
			echo $! >"$s/link$i.pid"
			for t in $(seq 100); do grep -q ready "$s/link$i.out" 2>/dev/null && break; sleep 0.02; done
			grep -q ready "$s/link$i.out" || die "pp-impair on link $i: $(cat "$s/link$i.err")"
		else
			ua="v${i}a"; da="v${i}b"
			ip link add "$ua" netns "$up" type veth peer name "$da" netns "$dn"
		fi
		ns_exec "$up" ip addr add "198.18.$i.1/24" dev "$ua"
		ns_exec "$dn" ip addr add "198.18.$i.2/24" dev "$da"
		ns_exec "$up" ip addr add "fd00:0:0:$i::1/64" dev "$ua" nodad
		ns_exec "$dn" ip addr add "fd00:0:0:$i::2/64" dev "$da" nodad
		ns_exec "$up" ip link set "$ua" up
		ns_exec "$dn" ip link set "$da" up
		echo "$ua $da" >"$s/link$i.devs"
	done
	# Routes: towards d by the downstream neighbour, towards c by the
	# upstream one; nothing else.
	for i in $(seq 0 $((n + 1))); do
		local ns
		ns=$(node_ns "$lab" "$i" "$n")
		for j in $(seq 1 $((n + 1))); do
			[ "$j" -eq "$i" ] || [ "$j" -eq $((i + 1)) ] && continue
			if [ "$j" -gt "$i" ]; then
				ns_exec "$ns" ip route add "198.18.$j.0/24" via "198.18.$((i + 1)).2"
				ns_exec "$ns" ip -6 route add "fd00:0:0:$j::/64" via "fd00:0:0:$((i + 1))::2"
			else
				ns_exec "$ns" ip route add "198.18.$j.0/24" via "198.18.$i.1"
				ns_exec "$ns" ip -6 route add "fd00:0:0:$j::/64" via "fd00:0:0:$i::1"
			fi
		done
	done
	# Destination services.
	local d
	d=$(node_ns "$lab" $((n + 1)) "$n")
	ns_exec "$d" python3 -c '
import socket, threading
def serve(fam, addr):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, 7)); s.listen(1024)
    while True:
        c, _ = s.accept(); c.close()
threading.Thread(target=serve, args=(socket.AF_INET6, "::"), daemon=True).start()
serve(socket.AF_INET, "0.0.0.0")' >/dev/null 2>&1 &
	echo $! >"$s/listener.pid"
	if command -v nft >/dev/null; then
		ns_exec "$d" nft -f - <<-NFT
		table inet lab {
			chain input {
				type filter hook input priority 0; policy accept;
				tcp dport 10 drop
			}
		}
		NFT
	else
		ns_exec "$d" iptables -A INPUT -p tcp --dport 10 -j DROP
		ns_exec "$d" ip6tables -A INPUT -p tcp --dport 10 -j DROP
	fi
	for t in $(seq 100); do
		ns_exec "$d" ss -ltn 2>/dev/null | grep -q ':7 ' && break
		sleep 0.02
	done
	trap - ERR
}

cmd_impair() {
	local lab=$1 link=$2 spec=$3 s
	s=$(state "$lab")
	[ -f "$s/link$link.pid" ] || die "link $link is not impaired"
	echo "$spec" | tr ' ' ',' >"$s/link$link.conf"
	kill -HUP "$(cat "$s/link$link.pid")"
}

cmd_link() {
	local lab=$1 link=$2 how=$3 s n
	s=$(state "$lab")
	n=$(cat "$s/routers")
	if [ -f "$s/link$link.pid" ]; then
		local conf
		conf=$(grep -v -e '^down$' -e '^up$' "$s/link$link.conf" | tr ',' '\n' | grep -v -e '^down$' -e '^up$' | paste -sd, - || true)
		if [ "$how" = down ]; then
			echo "${conf:+$conf,}down" >"$s/link$link.conf"
		else
			echo "$conf" >"$s/link$link.conf"
		fi
		kill -HUP "$(cat "$s/link$link.pid")"
	else
		read -r ua da <"$s/link$link.devs"
		ns_exec "$(node_ns "$lab" $((link - 1)) "$n")" ip link set "$ua" "$how"
		ns_exec "$(node_ns "$lab" "$link" "$n")" ip link set "$da" "$how"
	fi
}

cmd_exec() {
	local lab=$1 node=$2; shift 2
	ns_exec "$lab-$node" "$@"
}

[ $# -ge 2 ] || die "usage: lab.sh up|down|impair|link|exec LAB ..."
cmd=$1; shift
case $cmd in
up) cmd_up "$@" ;;
down) cmd_down "$1" ;;
impair) cmd_impair "$@" ;;
link) cmd_link "$@" ;;
exec) cmd_exec "$@" ;;
*) die "unknown command $cmd" ;;
esac
