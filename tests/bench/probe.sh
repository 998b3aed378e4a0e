#!/bin/bash
# pp-probe benchmarks in the lab (root): send-time precision at 1 kHz,
# 200 targets at 50 Hz, and medians and rates side by side with ping and
# fping on the same path in the same run.
#
#   sh tests/bench/probe.sh BIN BUILD      (DUR=seconds, default 60)
set -eu
bin=$(cd "${1:-build/bin}" && pwd)
build=${2:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
dur=${DUR:-60}
[ "$(id -u)" -eq 0 ] || { echo "probe.sh: needs root (network namespaces)"; exit 0; }
export PP_IMPAIR="$top/$build/tests/lab/pp-impair"
lab=ppb$$
lab_sh="$top/tests/lab/lab.sh"
tmp=$(mktemp -d)
trap '"$lab_sh" down $lab >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
"$lab_sh" up $lab --routers 1 >/dev/null
x() { "$lab_sh" exec $lab "$@"; }
dst=198.18.2.2
x c ping -c 1 -W 2 $dst >/dev/null

# CPU seconds (user + system) of a command, into $tmp/cpu.
cpu() { /usr/bin/time -f '%U %S' -o "$tmp/cpu" "$@"; }
cpus() { awk '{print $1 + $2}' "$tmp/cpu"; }

echo "== one target at 1 kHz for $dur s"
n=$((dur * 1000))
cpu "$lab_sh" exec $lab c "$bin/pp-probe" -c $n -i 1ms -W 500ms $dst >"$tmp/p1k" 2>/dev/null
c=$(cpus)
tail -n +2 "$tmp/p1k" | jq -r '[.seq, .ts, .status] | @tsv' >"$tmp/t1k"
# Lag of each send behind the schedule (first send = time 0, 1 ms steps),
# in microseconds, less the smallest (the realtime stamp's offset).
ok=$(awk '$3 == "reply"' "$tmp/t1k" | wc -l)
awk 'NR == 1 { t0 = $2; s0 = $1 } { print (($2 - t0) - ($1 - s0) * 0.001) * 1e6 }' "$tmp/t1k" |
	sort -g | awk -v n=$n -v ok="$ok" -v dur="$dur" -v c="$c" '
	NR == 1 { m = $1 } { d[NR] = $1 - m }
	END {
		printf "  probes %d of %d, replies %d; send lag p50 %.0f us, p99 %.0f us, max %.0f us; CPU %.1f %% of a core\n",
		    NR, n, ok, d[int(NR * 0.5)], d[int(NR * 0.99)], d[NR], 100 * c / dur
	}'

echo "== 200 targets at 50 Hz each (10,000 probes/s) for $((dur / 4)) s"
dev=$(x d ip -o -4 addr show | awk '$4 ~ /^198\.18\.2\.2\// {print $2}')
for k in $(seq 10 209); do
	a=198.18.2.$((k < 255 ? k : 0))
	x d ip addr add "$a/32" dev lo
	echo "$a"
done >"$tmp/targets"
d4=$((dur / 4))
cpu "$lab_sh" exec $lab c "$bin/pp-probe" -f "$tmp/targets" -c $((d4 * 50)) -i 20ms -W 1s >"$tmp/p200" 2>/dev/null
c=$(cpus)
tail -n +2 "$tmp/p200" | jq -r .status | sort | uniq -c | awk -v want=$((200 * d4 * 50)) -v c="$c" '
	{ n += $1; s = s sprintf(" %s %d", $2, $1) }
	END { printf "  %d records of %d expected:%s; CPU %.1f us per probe\n", n, want, s, 1e6 * c / n }'
: "$dev"

echo "== side by side on one path: 5000 probes each at 1 kHz (ping -i 0.001, fping -p 1 -i 1)"
med() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
t=$(date +%s.%N)
pm=$(x c "$bin/pp-probe" -c 5000 -i 1ms $dst 2>/dev/null | tail -n +2 | jq -r 'select(.status == "reply") | .rtt' | med)
pt=$(echo "$(date +%s.%N) $t" | awk '{print 5000 / ($1 - $2)}')
t=$(date +%s.%N)
gm=$(x c ping -n -c 5000 -i 0.001 $dst 2>/dev/null | sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' | med)
gt=$(echo "$(date +%s.%N) $t" | awk '{print 5000 / ($1 - $2)}')
fm=-; ft=-
if command -v fping >/dev/null; then
	t=$(date +%s.%N)
	fm=$(x c fping -C 5000 -p 1 -i 1 -q $dst 2>&1 | tr ' ' '\n' | grep -E '^[0-9.]+$' | med)
	ft=$(echo "$(date +%s.%N) $t" | awk '{print 5000 / ($1 - $2)}')
fi
printf '  %-9s median RTT %8s ms   rate held %6.0f probes/s\n' pp-probe "$pm" "$pt" ping "$gm" "$gt"
[ "$fm" = - ] || printf '  %-9s median RTT %8s ms   rate held %6.0f probes/s\n' fping "$fm" "$ft"
awk -v p="$pm" -v g="$gm" -v f="$fm" 'BEGIN {
	printf "  pp-probe - ping %+.3f ms", p - g
	if (f != "-") printf ", pp-probe - fping %+.3f ms", p - f
	print ""
}'
