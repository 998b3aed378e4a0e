#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Long-run check of the probers (root): pp-trace and pp-probe, side by side
# for DUR seconds at 10 rounds a second to several targets of a 3-router
# lab, their resident memory (VmRSS) and open descriptors sampled every
# few seconds.  Reports first, warm-up, last and largest figures; fails
# when RSS grows by more than RSS_SLACK_KB after the warm-up, when the
# descriptor count grows, or when a prober exits non-zero.  A prober that
# is not built (pp-trace before it lands) is skipped.
#
#   bash tests/bench/longrun.sh BIN BUILD
#   env: DUR (default 600 s), INTERVAL (100ms), SAMPLE (5 s), WARM (DUR/10,
#   at least 10 s, at most 60 s), RSS_SLACK_KB (1536), TOOLS ("pp-trace
#   pp-probe"), LAB (lab name, at most 8 characters)
#
# The slack: lib/engine.c keeps its timeouts in a ring of 60,000 16-byte
# deadlines allocated up front, whose pages the kernel maps as the ring
# advances, one entry a probe: up to 940 kB of RSS growth over the first
# 60,000 probes that is not a leak (it stops when the ring wraps).
set -eu
bin=$(cd "${1:-build/bin}" && pwd)
build=${2:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
dur=${DUR:-600}
interval=${INTERVAL:-100ms}
sample=${SAMPLE:-5}
warm=${WARM:-$((dur / 10))}
[ "$warm" -ge 10 ] || warm=10
[ "$warm" -le 60 ] || warm=60
slack=${RSS_SLACK_KB:-1536}
tools=${TOOLS:-pp-trace pp-probe}
[ "$(id -u)" -eq 0 ] || { echo "longrun.sh: needs root (network namespaces)"; exit 0; }
export PP_IMPAIR="$top/$build/tests/lab/pp-impair"
lab=${LAB:-lr$(($$ % 100000))}	# at most 8 characters (lab.sh)
lab_sh="$top/tests/lab/lab.sh"
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	"$lab_sh" down "$lab" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
"$lab_sh" up "$lab" --routers 3 >/dev/null
# Hop k answers from 198.18.k.2; the destination is 198.18.4.2.
targets=(198.18.2.2 198.18.3.2 198.18.4.2 fd00:0:0:4::2)
ip netns exec "$lab-c" ping -c 1 -W 2 198.18.4.2 >/dev/null

# rounds: DUR seconds at INTERVAL (ms or s suffix).
case $interval in
*ms) ims=${interval%ms} ;;
*s) ims=$(awk -v s="${interval%s}" 'BEGIN { print s * 1000 }') ;;
*) ims=$(awk -v s="$interval" 'BEGIN { print s * 1000 }') ;;
esac
rounds=$(awk -v d="$dur" -v i="$ims" 'BEGIN { printf "%d", d * 1000 / i }')

echo "== longrun: ${tools// /, } for $dur s, $rounds rounds at $interval to ${#targets[@]} targets (${targets[*]}); samples every $sample s, warm-up $warm s"
running=()
for t in $tools; do
	if [ ! -x "$bin/$t" ]; then
		echo "  $t: not built, skipped"
		continue
	fi
	# ip netns exec runs the prober in place: $! is the prober itself.
	ip netns exec "$lab-c" "$bin/$t" -c "$rounds" -i "$interval" -W 1s \
		"${targets[@]}" >"$tmp/$t.out" 2>"$tmp/$t.err" &
	pids+=($!)
	running+=("$t:$!")
done
[ ${#running[@]} -gt 0 ] || { echo "longrun.sh: no prober to run"; exit 1; }

# One sample line per prober: seconds RSS-kB fds (from 1 s on, when the
# probers have replaced ip netns exec).
t0=$(date +%s)
sleep 1
while :; do
	alive=0
	now=$(( $(date +%s) - t0 ))
	for tp in "${running[@]}"; do
		t=${tp%%:*}
		p=${tp#*:}
		[ -d "/proc/$p" ] || continue
		rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null || true)
		fds=$(ls "/proc/$p/fd" 2>/dev/null | wc -l)
		[ -n "$rss" ] || continue
		echo "$now $rss $fds" >>"$tmp/$t.samples"
		alive=1
	done
	[ "$alive" -eq 1 ] || break
	sleep "$sample"
done

fail=0
for tp in "${running[@]}"; do
	t=${tp%%:*}
	p=${tp#*:}
	rc=0
	wait "$p" || rc=$?
	recs=$(grep -c '"type":"probe"' "$tmp/$t.out" || true)
	stats=$(grep -o '"status":"[a-z-]*"' "$tmp/$t.out" | sort | uniq -c |
		awk '{ sub(/"status":/, "", $2); gsub(/"/, "", $2); printf " %s %d", $2, $1 }')
	line=$(awk -v warm="$warm" -v slack="$slack" -v recs="$recs" '
		NR == 1 { r1 = $2; f1 = $3 }
		{ t[NR] = $1; r[NR] = $2 }
		{ rl = $2; fl = $3; if ($2 > rmax) rmax = $2; if ($3 > fmax) fmax = $3; n++ }
		$1 >= warm && !w { rw = $2; fw = $3; w = 1 }
		w && $2 > rwmax { rwmax = $2 }
		w && $3 > fwmax { fwmax = $3 }
		END {
			if (!w) { rw = rl; fw = fl; rwmax = rl; fwmax = fl }
			grow = rwmax - rw
			# Growth over the last quarter of the run: a leak keeps
			# growing to the end, the deadline ring stops.
			for (i = 1; i <= n && t[i] < 0.75 * t[n]; i++)
				;
			late = i <= n ? rl - r[i] : 0
			ok = grow <= slack && fwmax <= fw && fl <= fw
			printf "%d samples; RSS kB first %d, after warm-up %d, last %d, max %d (growth after warm-up %d kB, %.1f bytes a probe, bound %d kB; in the last quarter %d kB); fds first %d, after warm-up %d, last %d, max %d; %s\n",
			    n, r1, rw, rl, rmax, grow, (recs > 0 ? grow * 1024 / recs : 0), slack, late, f1, fw, fl, fmax, ok ? "ok" : "FAIL"
		}' "$tmp/$t.samples")
	echo "  $t: exit $rc, $recs probe records:$stats"
	echo "  $t: $line"
	case $line in *FAIL) fail=1 ;; esac
	if [ "$rc" -ne 0 ]; then
		echo "  $t: exited $rc; stderr:" >&2
		tail -5 "$tmp/$t.err" >&2
		fail=1
	fi
	if [ "$recs" -eq 0 ]; then
		echo "  $t: wrote no probe records" >&2
		fail=1
	fi
done
[ "$fail" -eq 0 ] && echo "longrun: ok" || { echo "longrun: FAILED" >&2; exit 1; }
