#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# pp-trace benchmarks in the lab (root), side by side with the peer tools
# in the same run on the same lab:
#   1. mtr --report -c 10 -n against pp-trace -c 10 | pp-stats -f table:
#      the same hops, per-hop medians (mtr --raw for mtr's), wall time;
#   2. time to the first complete path of a 30-hop lab: pp-trace -c 1,
#      traceroute -n, mtr --report -c 1; and of 5 hops of it, pp-trace
#      and traceroute in turn (medians of 9);
#   3. 100 targets at 1 round a second for DUR seconds: every round
#      complete, CPU;
#   4. 1,000 targets of the lab's pool traced once each at --rate PPS,
#      against scamper (trace -P icmp-paris) at the same -p PPS: wall time,
#      CPU, paths complete.
#
#   bash tests/bench/trace.sh BIN BUILD
#   env: DUR (section 3, default 60 s), PPS (section 4, default 1000),
#   ONLY (sections to run, default 1234)
set -eu
bin=$(cd "${1:-build/bin}" && pwd)
build=${2:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
dur=${DUR:-60}
pps=${PPS:-1000}
only=${ONLY:-1234}	# the sections to run, e.g. ONLY=24
[ "$(id -u)" -eq 0 ] || { echo "trace.sh: needs root (network namespaces)"; exit 0; }
[ -x "$bin/pp-trace" ] || { echo "trace.sh: $bin/pp-trace not built"; exit 0; }
export PP_IMPAIR="$top/$build/tests/lab/pp-impair"
lab=ppt$(($$ % 100000))
lab_sh="$top/tests/lab/lab.sh"
tmp=$(mktemp -d)
trap '"$lab_sh" down $lab >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
x() { ip netns exec "$lab-c" "$@"; }
have() { command -v "$1" >/dev/null; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
# cpu CMD...: run CMD, its CPU seconds (user + system) into $tmp/cpu.
cpu() { /usr/bin/time -f '%U %S' -o "$tmp/cpu" "$@"; }
cpus() { awk '{printf "%.2f", $1 + $2}' "$tmp/cpu"; }
med() { sort -n | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]; else print "-"}'; }
# txp: packets the client has sent so far (its link to r1, a veth).
txp() { ip netns exec "$lab-c" cat /sys/class/net/v1a/statistics/tx_packets; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }


section1() {
	echo "== 1. mtr --report -c 10 -n vs pp-trace -c 10 | pp-stats -f table (5 routers, 5 ms each way on link 3)"
	"$lab_sh" up $lab --routers 5 --impair 3:delay=5ms >/dev/null
	dst=198.18.6.2
	x ping -c 1 -W 2 $dst >/dev/null
	if have mtr; then
		t=$(now)
		x mtr --report -c 10 -n $dst >"$tmp/mtr" 2>&1
		mt=$(since "$t")
		x mtr --raw -c 10 -n $dst >"$tmp/mtr.raw" 2>&1
	fi
	t=$(now)
	x "$bin/pp-trace" -c 10 $dst 2>/dev/null | tee "$tmp/rec" | "$bin/pp-stats" -f table >"$tmp/table"
	pt=$(since "$t")
	"$bin/pp-stats" "$tmp/rec" >"$tmp/stats"
	sed 's/^/  /' "$tmp/table"
	if have mtr; then
		sed 's/^/  /' "$tmp/mtr"
		# Hop by hop: mtr's address, Avg and median; pp-trace's.
		awk '/\|--/ { sub(/\..*/, "", $1); print $1, $2, $6 }' "$tmp/mtr" >"$tmp/m.hops"
		same=yes
		maxd=0
		printf '  %-4s %-14s %-14s %9s %9s %9s %9s %8s\n' hop mtr pp-trace "mtr avg" "pp avg" "mtr p50" "pp p50" "p50 diff"
		while read -r hop addr avg; do
			pa=$(jq -r --argjson t "$hop" 'select(.type == "stats" and .ttl == $t) | .addr // "???"' "$tmp/stats")
			pv=$(jq -r --argjson t "$hop" 'select(.type == "stats" and .ttl == $t) | .avg // "-"' "$tmp/stats")
			pm=$(jq -r --argjson t "$hop" 'select(.type == "probe" and .ttl == $t and .rtt) | .rtt' "$tmp/rec" | med)
			mm=$(awk -v h=$((hop - 1)) '$1 == "p" && $2 == h { print $3 / 1000 }' "$tmp/mtr.raw" | med)
			[ "$pa" = "$addr" ] || same=no
			d=$(awk -v a="$pm" -v b="$mm" 'BEGIN { d = a - b; printf "%+.3f", d }')
			maxd=$(awk -v a="$maxd" -v d="$d" 'BEGIN { d = d < 0 ? -d : d; print (d > a ? d : a) }')
			printf '  %-4s %-14s %-14s %9s %9.3f %9s %9s %8s\n' "$hop" "$addr" "$pa" "$avg" "$pv" "$mm" "$pm" "$d"
		done <"$tmp/m.hops"
		echo "  same hop addresses: $same; largest median difference $maxd ms (bound 0.3)"
		echo "  wall time: pp-trace+pp-stats $pt s, mtr $mt s; ratio pp-trace/mtr $(ratio "$pt" "$mt")"
	else
		echo "  mtr not installed (apt-get install mtr-tiny): pp-trace alone, $pt s"
	fi
	"$lab_sh" down $lab
}


section2() {
	echo "== 2. time to the first complete path, 30 hops (29 routers, 1 ms each way on link 2)"
	t=$(now)
	"$lab_sh" up $lab --routers 29 --impair 2:delay=1ms >/dev/null
	echo "  lab.sh up --routers 29: $(since "$t") s"
	dst=198.18.30.2
	x ping -c 1 -W 2 $dst >/dev/null
	x ping -6 -c 1 -W 2 fd00:0:0:30::2 >/dev/null || true
	t=$(now)
	x "$bin/pp-trace" -c 1 $dst >"$tmp/p30" 2>/dev/null
	p30=$(since "$t")
	ph=$(jq -s '[.[] | select(.type == "probe" and .from)] | length' "$tmp/p30")
	printf '  %-26s %7s s  %s hops answered\n' "pp-trace -c 1" "$p30" "$ph"
	if have traceroute; then
		t=$(now)
		x traceroute -n $dst >"$tmp/t30" 2>&1
		t30=$(since "$t")
		th=$(grep -cE '^ *[0-9]+ +[0-9]' "$tmp/t30" || true)
		printf '  %-26s %7s s  %s hops answered; ratio traceroute/pp-trace %s\n' "traceroute -n" "$t30" "$th" "$(ratio "$t30" "$p30")"
	fi
	# A 5-hop path (router 5 of the same lab), the two in turn, medians
	# of 9 (issue 16: within 10 ms of traceroute's time).
	if have traceroute; then
		for k in 1 2 3 4 5 6 7 8 9; do
			t=$(now)
			x "$bin/pp-trace" -c 1 198.18.5.2 >/dev/null 2>&1
			a=$(since "$t")
			t=$(now)
			x traceroute -n 198.18.5.2 >/dev/null 2>&1
			echo "$a $(since "$t")"
		done >"$tmp/p5"
		p5=$(awk '{ print $1 }' "$tmp/p5" | med)
		t5=$(awk '{ print $2 }' "$tmp/p5" | med)
		printf '  %-26s %7s s  (5 hops, median of 9; traceroute -n %s s, difference %s ms)\n' "pp-trace -c 1" "$p5" "$t5" \
			"$(awk -v a="$p5" -v b="$t5" 'BEGIN { printf "%+.1f", (a - b) * 1000 }')"
	fi
	if have mtr; then
		t=$(now)
		x mtr --report -c 1 -n $dst >"$tmp/m30" 2>&1
		m30=$(since "$t")
		mh=$(grep -c '|-- [0-9]' "$tmp/m30" || true)
		printf '  %-26s %7s s  %s hops answered; ratio mtr/pp-trace %s\n' "mtr --report -c 1 -n" "$m30" "$mh" "$(ratio "$m30" "$p30")"
	fi
	"$lab_sh" down $lab
}


section3() {
	echo "== 3. 100 targets at 1 round a second for $dur s (3 routers, 2 ms each way on link 2)"
	"$lab_sh" up $lab --routers 3 --pool --impair 2:delay=2ms >/dev/null
	"$lab_sh" pool $lab 100 >"$tmp/t100"
	x ping -c 1 -W 2 198.19.0.1 >/dev/null
	cpu ip netns exec "$lab-c" "$bin/pp-trace" -c "$dur" -i 1s -F "$tmp/t100" >"$tmp/r100" 2>/dev/null
	c=$(cpus)
	jq -c 'select(.type == "probe")' "$tmp/r100" | jq -s --argjson d "$dur" --argjson c "$c" -r '
		length as $n |
		(group_by(.target) | map(group_by(.round) |
			map(select(.[-1].status == "reply" and (map(.ttl) == [range(1; length + 1)]))) | length) | add) as $ok |
		(group_by(.target) | map(map(.round) | unique | length) | add) as $rounds |
		"  rounds present \($rounds) of \(100 * $d), complete (every TTL, the destination a reply) \($ok); \($n) probes; CPU \($c) s, \(($c / $d * 1000 | round) / 10) % of a core, \(($c / $n * 1e7 | round) / 10) us a probe"'
	"$lab_sh" down $lab
}


section4() {
	echo "== 4. 1,000 targets once each at $pps probes/s: pp-trace --rate vs scamper -p (3 routers, 5 ms each way on link 2)"
	"$lab_sh" up $lab --routers 3 --pool --impair 2:delay=5ms >/dev/null
	"$lab_sh" pool $lab 1000 >"$tmp/t1000"
	x ping -c 1 -W 2 198.19.0.1 >/dev/null
	t=$(now)
	p0=$(txp)
	cpu ip netns exec "$lab-c" "$bin/pp-trace" -c 1 -W 2s --rate "$pps" -F "$tmp/t1000" >"$tmp/r1000" 2>/dev/null || true
	pw=$(since "$t")
	pp=$(($(txp) - p0))
	pc=$(cpus)
	read -r pn pok < <(jq -c 'select(.type == "probe")' "$tmp/r1000" | jq -s -r '
		[length, (group_by(.target) | map(select(.[-1].status == "reply" and length == 4)) | length)] | @tsv')
	printf '  %-28s %7s s wall, %5s s CPU, %4d of 1000 paths complete (4 hops), %5d probes written, %5d packets sent\n' \
		"pp-trace -c 1 --rate $pps" "$pw" "$pc" "$pok" "$pn" "$pp"
	if have scamper; then
		t=$(now)
		p0=$(txp)
		cpu ip netns exec "$lab-c" scamper -p "$pps" -c "trace -P icmp-paris -q 1 -w 2" -f "$tmp/t1000" >"$tmp/s1000" 2>"$tmp/s1000.err" || true
		sw=$(since "$t")
		sp=$(($(txp) - p0))
		sc=$(cpus)
		# Text output: "traceroute from A to B", then " N  addr  rtt ms".
		read -r sok sn < <(awk '/^traceroute/ { if (d != "") { n++; if (last == d) ok++ } d = $5; last = "" }
			/^ *[0-9]+ +[0-9]/ { last = $2; p++ }
			END { if (d != "") { n++; if (last == d) ok++ } print ok + 0, p + 0 }' "$tmp/s1000")
		printf '  %-28s %7s s wall, %5s s CPU, %4d of 1000 paths complete (4 hops), %5d hops answered, %5d packets sent\n' \
			"scamper -p $pps icmp-paris" "$sw" "$sc" "$sok" "$sn" "$sp"
		echo "  ratios pp-trace/scamper: wall $(ratio "$pw" "$sw"), CPU $(ratio "$pc" "$sc"), packets $(ratio "$pp" "$sp")"
	else
		echo "  scamper not installed (apt-get install scamper)"
	fi
}

for k in $(echo "$only" | grep -o '[1-4]'); do
	"section$k"
done
