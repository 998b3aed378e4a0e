#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Probe rate (issue 16): pp-probe beside fping in the same run, 100 lab
# targets (the lab's --pool) at each rate of RATES probes/s in total, then
# one target at ONE probes/s.  The truth is the kernel's: the client
# namespace's ICMP counters (IcmpOutEchos, IcmpInEchoReps) and its raw
# sockets' drop counters, sampled while each run goes (sample-snmp.py).
# For each tool and rate: the rate achieved (echo requests the kernel sent
# over the time it sent them), the echo replies the kernel received, the
# share of them the tool matched to its probes, the probes pp-probe marked
# local_drop (its reply maybe lost inside this host), the socket drops, and
# CPU (user + system) per probe.  The lab has no impairment: every request
# is answered, so a reply the kernel received and the tool missed is the
# tool's (or this host's) loss, never the network's.  Both tools run under
# SCHED_FIFO (pp-probe's default as root; fping through chrt), with the
# same timeout; fping 5.1 keeps each of its 65,535 sequence numbers 10 s,
# so its runs stop at 60,000 probes (shorter than pp-probe's at the higher
# rates).  The lab's routers forward on the same machine, in the prober's
# own context mostly: most of the CPU per probe is theirs, for both tools.
#
# Then pp-trace's send schedule through a link cut (issue 16.3): a second
# lab of 2 routers, the link to the destination cut for CUT seconds (2)
# while pp-trace -i 0.1 -W 1 runs 50 rounds, ping and mtr at the same
# interval in the same run: the rounds started during the cut (the cut's
# length / the interval, 20, on schedule), the largest and smallest gap
# between round starts, the rounds the destination lost, beside ping's
# and mtr's losses.
#
#   bash tests/bench/rate.sh BIN BUILD
#   env: RATES (default "10000 20000 40000 80000"), ONE (one target,
#   default 50000; empty: none), DUR (seconds a run, default 3), TIMEOUT
#   (ms, default 500), LAB (the lab's name), CUT (seconds, default 2;
#   empty: no pp-trace run), RPS (1: the lab's packets steered to every
#   CPU, see below; default 0)
# A run takes at most DUR + TIMEOUT + about 1 s, the cut's 6 s: the whole
# script some 55 s with the defaults.
set -eu
bin=$(cd "${1:-build/bin}" && pwd)
build=${2:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
rates=${RATES-10000 20000 40000 80000}
one=${ONE-50000}
dur=${DUR:-3}
to=${TIMEOUT:-500}
cut=${CUT-2}
[ "$(id -u)" -eq 0 ] || { echo "rate.sh: needs root (network namespaces)"; exit 0; }
export PP_IMPAIR="$top/$build/tests/lab/pp-impair"
lab=${LAB:-pr$(($$ % 100000))}
tmp=$(mktemp -d)
cp "$top/tests/lab/lab.sh" "$tmp/lab.sh"
lab_sh="$tmp/lab.sh"
sampler=
cleanup() {
	[ -z "$sampler" ] || kill "$sampler" 2>/dev/null || true
	"$lab_sh" down "$lab" >/dev/null 2>&1 || true
	"$lab_sh" down "${lab}t" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
"$lab_sh" up "$lab" --routers 1 --pool >/dev/null
# RPS=1: the lab's veths steer received packets to every CPU (receive
# packet steering), as a NIC's interrupts spread over a real host's CPUs;
# else the routers' and the destination's work all runs on the sending
# CPU, in the prober's own time, and one core caps both tools.
if [ "${RPS:-0}" = 1 ]; then
	all=$(printf '%x' $(((1 << $(nproc)) - 1)))
	for ns in $(ip netns list | awk '{print $1}' | grep "^$lab-"); do
		ip netns exec "$ns" sh -c "for q in /sys/class/net/*/queues/rx-*; do
			case \$q in */lo/*) continue ;; esac
			echo $all >\$q/rps_cpus; done"
	done
fi
"$lab_sh" pool "$lab" 100 >"$tmp/targets"
x() { ip netns exec "$lab-c" "$@"; }
x fping -q -c 1 -t 1000 -f "$tmp/targets" 2>/dev/null || true
have_fping=1
command -v fping >/dev/null || have_fping=0
# pp-probe run by root takes SCHED_FIFO (its default where allowed): fping
# gets the same through chrt, else a busy machine starves it, not its code.
rt=
if chrt -f 1 true 2>/dev/null; then
	rt="chrt -f 1"
fi

# measure TOOL RATE CMD...: run CMD in the client namespace with the
# sampler beside it; prints one row.
measure() {
	local tool=$1 asked=$2
	shift 2
	rm -f "$tmp/s"
	x python3 "$top/tests/bench/sample-snmp.py" "$tmp/s" 0.02 &
	sampler=$!
	# Its first samples are the counters before the run.
	local k
	for k in $(seq 200); do
		[ -s "$tmp/s" ] && [ "$(wc -l <"$tmp/s")" -ge 3 ] && break
		sleep 0.02
	done
	/usr/bin/time -f '%U %S' -o "$tmp/cpu" ip netns exec "$lab-c" "$@" >"$tmp/o" 2>"$tmp/e" || true
	sleep 0.1
	kill "$sampler" 2>/dev/null || true
	wait "$sampler" 2>/dev/null || true
	sampler=
	local matched ld
	if [ "$tool" = fping ]; then
		matched=$(awk -F'[ /]+' '/xmt\/rcv/ { r += $8 } END { print r + 0 }' "$tmp/e")
		ld=-
	else
		matched=$(grep -c '"status":"reply"' "$tmp/o" || true)
		ld=$(grep -c '"local_drop":true' "$tmp/o" || true)
	fi
	awk -v tool="$tool" -v asked="$asked" -v matched="$matched" -v ld="$ld" \
	    -v cpu="$(awk '{ print $1 + $2 }' "$tmp/cpu")" '
		{ t[NR] = $1; o[NR] = $2 + $4; r[NR] = $3 + $5; if ($6 > d) d = $6 }
		END {
			n = NR; sent = o[n] - o[1]; rep = r[n] - r[1]
			for (i = 2; i <= n && o[i] == o[1]; i++) ;
			for (j = n; j > 1 && o[j - 1] == o[n]; j--) ;
			span = (t[j] + t[j - 1]) / 2 - (t[i] + t[i - 1]) / 2
			printf "  %-8s %7d %9.0f %8d %8d %8d %8.3f%% %6s %6d %7.2f\n", tool, asked,
			    (span > 0 ? sent / span : 0), sent, rep, matched,
			    (rep > 0 ? 100 * matched / rep : 0), ld, d, (sent > 0 ? 1e6 * cpu / sent : 0)
		}' "$tmp/s"
}

# fcount N TARGETS: fping's count per target, at most 60,000 probes in
# all (fping 5.1 keeps each sequence number 10 s: it stops with "not
# enough sequence numbers" past 65,535 in that time).
fcount() { local m=$((60000 / $2)); echo $(($1 < m ? $1 : m)); }

header() {
	printf '  %-8s %7s %9s %8s %8s %8s %9s %6s %6s %7s\n' tool asked "probes/s" sent \
	    "k.reps" matched "matched" "ldrop" "sdrop" "us/pr"
}

if [ -n "$rates" ]; then
	echo "== 100 lab targets, ${dur} s a rate, timeout $to ms (k.reps: echo replies the kernel received; sdrop: raw socket drops)"
	header
fi
for rate in $rates; do
	n=$((rate * dur / 100))
	iv=$(awk -v r="$rate" 'BEGIN { printf "%.6f", 100 / r }')
	measure pp-probe "$rate" "$bin/pp-probe" -c "$n" -i "$iv" -W "${to}ms" -f "$tmp/targets"
	if [ $have_fping = 1 ]; then
		p=$(awk -v r="$rate" 'BEGIN { printf "%.4f", 100000 / r }')
		i=$(awk -v r="$rate" 'BEGIN { printf "%.5f", 1000 / r }')
		measure fping "$rate" $rt fping -q -c "$(fcount "$n" 100)" -p "$p" -i "$i" -t "$to" -f "$tmp/targets"
	fi
done
if [ -n "$one" ]; then
	echo "== one target at $one probes/s, ${dur} s"
	header
	n=$((one * dur))
	t1=$(head -1 "$tmp/targets")
	iv=$(awk -v r="$one" 'BEGIN { printf "%.6f", 1 / r }')
	measure pp-probe "$one" "$bin/pp-probe" -c "$n" -i "$iv" -W "${to}ms" "$t1"
	if [ $have_fping = 1 ]; then
		p=$(awk -v r="$one" 'BEGIN { printf "%.5f", 1000 / r }')
		measure fping "$one" $rt fping -q -c "$(fcount "$n" 1)" -p "$p" -i "$p" -t "$to" "$t1"
	fi
fi

[ -n "$cut" ] || exit 0
# pp-trace through a link cut, beside ping and mtr (issue 16.3).
"$lab_sh" down "$lab" >/dev/null 2>&1 || true
tl=${lab}t
"$lab_sh" up "$tl" --routers 2 --impair 3: >/dev/null
dst=198.18.3.2
ip netns exec "$tl-c" ping -c 1 -W 1 "$dst" >/dev/null
n=50 iv=0.1 w=1
at=$(awk -v t="$(date +%s.%N)" 'BEGIN { printf "%.6f", t + 1 }')
"$lab_sh" cut "$tl" 3 "${cut}s" "$at" >"$tmp/cut"
read -r _ _ from to <"$tmp/cut"
ip netns exec "$tl-c" ping -n -q -c "$n" -i "$iv" -W "$w" "$dst" >"$tmp/ping" 2>&1 &
have_mtr=0
if command -v mtr >/dev/null; then
	have_mtr=1
	ip netns exec "$tl-c" mtr -n -r -c "$n" -i "$iv" -G "$w" "$dst" >"$tmp/mtr" 2>&1 &
fi
ip netns exec "$tl-c" "$bin/pp-trace" -c "$n" -i "$iv" -W "$w" "$dst" >"$tmp/t" 2>"$tmp/t.err" || true
wait
ping_lost=$(awk '/packets transmitted/ { print $1 - $4 }' "$tmp/ping")
mtr_lost=-
[ $have_mtr = 0 ] ||
	mtr_lost=$(awk -v d="$dst" '$2 == d { sub(/%/, "", $3); printf "%d", $3 * $4 / 100 + 0.5 }' "$tmp/mtr")
echo "== pp-trace -c $n -i $iv -W $w through a ${cut} s cut of the destination's link (ping, mtr beside)"
jq -c 'select(.type == "probe")' "$tmp/t" | jq -s -r --argjson from "$from" --argjson to "$to" \
	--argjson iv "$iv" --arg ping "$ping_lost" --arg mtr "$mtr_lost" '
	(group_by(.round) | map(map(.ts) | min)) as $s |
	([range(1; $s | length)] | map($s[.] - $s[. - 1])) as $gap |
	(map(select(.ttl == 3))) as $d |
	"  rounds written \($s | length), started during the cut \($s | map(select(. >= $from and . < $to)) | length) (on schedule: \((($to - $from) / $iv + 0.5) | floor))",
	"  gap between round starts: largest \($gap | max * 1000 | round) ms, smallest \($gap | min * 1000 | round) ms (interval \($iv * 1000) ms)",
	"  destination lost: pp-trace \($d | map(select(.status == "timeout")) | length), ping \($ping), mtr \($mtr)"'
