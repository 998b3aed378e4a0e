#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# pp-probe benchmarks in the lab (root): send-time precision at 1 kHz (the
# normal scheduler, then SCHED_FIFO through chrt where that is allowed),
# 200 targets at 50 Hz sustained with every probe accounted for, and
# medians, rates and CPU side by side with ping and fping on the same path
# in the same run.  The lab has no impairment: a probe without its reply
# was lost by the tool (or the host), never by the network.
#
#   bash tests/bench/probe.sh BIN BUILD    (DUR=seconds, default 60; LAB=name)
set -eu
bin=$(cd "${1:-build/bin}" && pwd)
build=${2:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
dur=${DUR:-60}
[ "$(id -u)" -eq 0 ] || { echo "probe.sh: needs root (network namespaces)"; exit 0; }
export PP_IMPAIR="$top/$build/tests/lab/pp-impair"
lab=${LAB:-pb$(($$ % 100000))}	# at most 8 characters (lab.sh)
tmp=$(mktemp -d)
# A copy of lab.sh: bash reads a script as it runs, and this runs for
# minutes in a tree where lab.sh may be edited meanwhile.
cp "$top/tests/lab/lab.sh" "$tmp/lab.sh"
lab_sh="$tmp/lab.sh"
trap '"$lab_sh" down $lab >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
"$lab_sh" up $lab --routers 1 >/dev/null
x() { "$lab_sh" exec $lab "$@"; }
dst=198.18.2.2
x c ping -c 1 -W 2 $dst >/dev/null

# CPU seconds (user + system) of a command, into $tmp/cpu.
cpu() { /usr/bin/time -f '%U %S' -o "$tmp/cpu" "$@"; }
cpus() { awk '{print $1 + $2}' "$tmp/cpu"; }

# lag LABEL [WRAPPER...]: one target at 1 kHz for $dur s; the lag of each
# send behind the schedule (first send = time 0, 1 ms steps) in
# microseconds, less the smallest (the realtime stamp's offset).
lag() {
	local label=$1 n=$((dur * 1000)) c ok
	shift
	cpu "$lab_sh" exec $lab c "$@" "$bin/pp-probe" -c $n -i 1ms -W 500ms $dst \
		>"$tmp/p1k" 2>"$tmp/e1k" || { echo "probe.sh: pp-probe failed: $(tail -3 "$tmp/e1k")" >&2; exit 1; }
	c=$(cpus)
	tail -n +2 "$tmp/p1k" | jq -r '[.seq, .ts, .status] | @tsv' >"$tmp/t1k"
	ok=$(awk '$3 == "reply"' "$tmp/t1k" | wc -l)
	awk 'NR == 1 { t0 = $2; s0 = $1 } { print (($2 - t0) - ($1 - s0) * 0.001) * 1e6 }' "$tmp/t1k" |
		sort -g | awk -v n=$n -v ok="$ok" -v dur="$dur" -v c="$c" -v l="$label" '
		NR == 1 { m = $1 } { d[NR] = $1 - m }
		END {
			printf "  %s: probes %d of %d, replies %d; send lag p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %.0f us; CPU %.1f %% of a core\n",
			    l, NR, n, ok, d[int(NR * 0.5)], d[int(NR * 0.99)], d[int(NR * 0.999)], d[NR], 100 * c / dur
		}'
}
echo "== one target at 1 kHz for $dur s"
lag "normal scheduler (PP_REALTIME=0)" env PP_REALTIME=0
if chrt -f 1 true 2>/dev/null; then
	lag "SCHED_FIFO (a root run's default)"
else
	echo "  SCHED_FIFO: not permitted here, skipped"
fi

echo "== 200 targets at 50 Hz each (10,000 probes/s) for $dur s"
for k in $(seq 10 209); do
	a=198.18.2.$k
	x d ip addr add "$a/32" dev lo
	echo "$a"
done >"$tmp/targets"
per=$((dur * 50))
# Where a missing reply went: the backlog drops of the host's softirq
# (all CPUs, /proc/net/softnet_stat), and the drops of the prober's raw
# ICMP socket (its receive buffer full), sampled while it runs.
softnet() { local n=0 l; while read -r l; do set -- $l; n=$((n + 16#$2)); done </proc/net/softnet_stat; echo $n; }
sn=$(softnet)
( while sleep 0.5; do
	ip netns exec "$lab-c" awk 'NR > 1 && $NF > 0 { d = $NF } END { if (d) print d }' /proc/net/raw
done >"$tmp/rawdrops" ) &
sampler=$!
cpu "$lab_sh" exec $lab c "$bin/pp-probe" -f "$tmp/targets" -c $per -i 20ms -W 1s >"$tmp/p200" 2>"$tmp/e200" ||
	{ echo "probe.sh: pp-probe failed: $(tail -3 "$tmp/e200")" >&2; exit 1; }
kill $sampler 2>/dev/null || true
wait $sampler 2>/dev/null || true
sn=$(($(softnet) - sn))
rd=$(tail -n 1 "$tmp/rawdrops" 2>/dev/null || true)
c=$(cpus)
# Every probe accounted for: one record per sequence number 0..N-1, $per a
# target, each with its status.
tail -n +2 "$tmp/p200" | jq -r '[.seq, .dst, .status] | @tsv' >"$tmp/t200"
awk -v want=$((200 * per)) -v per=$per -v c="$c" -v dur="$dur" '
	{ n++; st[$3]++; if (seen[$1]++) dup++; if ($1 < 0 || $1 >= want) bad++; pt[$2]++ }
	END {
		for (t in pt) { nt++; if (pt[t] != per) short++ }
		for (s in st) ss = ss sprintf(" %s %d", s, st[s])
		printf "  %d records of %d expected:%s; duplicates %d, out of range %d, targets %d with other than %d: %d\n",
		    n, want, ss, dup, bad, nt, per, short
		printf "  without a reply: %d (drops meanwhile: the socket %d, the host backlog %d); CPU %.1f us per probe (%.0f %% of a core)\n",
		    want - st["reply"], rd, sn, 1e6 * c / (n ? n : 1), 100 * c / dur
	}' rd="${rd:-0}" sn="$sn" "$tmp/t200"
if command -v fping >/dev/null; then
	# fping at the same load: 200 targets, 20 ms apart each, 0.1 ms apart
	# overall, fewer rounds (its per-target summary on stderr).
	fn=$((per < 1000 ? per : 1000))
	cpu "$lab_sh" exec $lab c fping -q -c $fn -p 20 -i 0.1 -f "$tmp/targets" 2>"$tmp/f200" >/dev/null || true
	c=$(cpus)
	awk -v want=$((200 * fn)) -v c="$c" -F'[ /]+' '/xmt\/rcv/ { x += $7; r += $8 }
		END { printf "  fping, %d rounds: %d sent of %d, %d replies; CPU %.1f us per probe\n",
		    want / 200, x, want, r, 1e6 * c / (x ? x : 1) }' "$tmp/f200"
fi

echo "== side by side on one path: 5000 probes each at 1 kHz (ping -i 0.001, fping -p 1 -i 1)"
med() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
t=$(date +%s.%N)
cpu "$lab_sh" exec $lab c "$bin/pp-probe" -c 5000 -i 1ms $dst >"$tmp/s1" 2>/dev/null
pc=$(cpus)
pm=$(tail -n +2 "$tmp/s1" | jq -r 'select(.status == "reply") | .rtt' | med)
pt=$(echo "$(date +%s.%N) $t" | awk '{print 5000 / ($1 - $2)}')
t=$(date +%s.%N)
cpu "$lab_sh" exec $lab c ping -n -c 5000 -i 0.001 $dst >"$tmp/s2" 2>/dev/null
gc=$(cpus)
gm=$(sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' "$tmp/s2" | med)
gt=$(echo "$(date +%s.%N) $t" | awk '{print 5000 / ($1 - $2)}')
fm=-; ft=-; fc=-
if command -v fping >/dev/null; then
	t=$(date +%s.%N)
	cpu "$lab_sh" exec $lab c fping -C 5000 -p 1 -i 1 -q $dst >"$tmp/s3" 2>&1 || true
	fc=$(cpus)
	fm=$(tr ' ' '\n' <"$tmp/s3" | grep -E '^[0-9.]+$' | med)
	ft=$(echo "$(date +%s.%N) $t" | awk '{print 5000 / ($1 - $2)}')
fi
row() { printf '  %-9s median RTT %8s ms   rate held %6.0f probes/s   CPU %5.1f us per probe\n' \
	"$1" "$2" "$3" "$(awk -v c="$4" 'BEGIN { print 1e6 * c / 5000 }')"; }
row pp-probe "$pm" "$pt" "$pc"
row ping "$gm" "$gt" "$gc"
[ "$fm" = - ] || row fping "$fm" "$ft" "$fc"
awk -v p="$pm" -v g="$gm" -v f="$fm" -v pc="$pc" -v gc="$gc" -v fc="$fc" 'BEGIN {
	printf "  pp-probe - ping %+.3f ms, CPU x%.2f", p - g, pc / (gc > 0 ? gc : 1e-9)
	if (f != "-") printf "; pp-probe - fping %+.3f ms, CPU x%.2f", p - f, pc / (fc > 0 ? fc : 1e-9)
	print ""
}'
