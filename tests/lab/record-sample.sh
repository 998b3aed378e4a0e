#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Record the bundled sample archive (share/samples/sample.ndjson.gz) from
# the network lab: pp-trace over a real path of kernel routers with delay,
# loss, a route change, an outage and a latency step.  Root only; takes
# DUR seconds (default 180).
#
#   record-sample.sh OUT.ndjson.gz [PP_BIN]
#
# The path: client, routers r1..r5, destination 198.18.6.2; link 2 (r1-r2)
# delays 8 ms with 1 ms of jitter, link 6 (r5-destination) loses 2 % of
# packets.  Router 3 has a spare twin (lab.sh --spare 3).  At 1/3 of the run
# traffic moves onto the twin (hop 3 then answers from 198.18.103.2, hop 4
# from 198.18.203.2); at 5/9 the last link goes down for 8 s (an outage of
# the destination: hop 5 still answers); at 2/3 the route goes back; at 7/9
# link 2's delay steps up to 25 ms.  pp-trace: ICMP, one round every
# 500 ms, 1 s timeout.
set -eu

out=${1:?usage: record-sample.sh OUT.ndjson.gz [PP_BIN]}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${2:-$top/bin}
dur=${DUR:-180}
lab=ppsmp
[ "$(id -u)" = 0 ] || { echo "record-sample.sh: needs root (network namespaces)" >&2; exit 1; }
case $out in /*) ;; *) out=$PWD/$out ;; esac

trap '"$here/lab.sh" down $lab >/dev/null 2>&1 || true' EXIT
"$here/lab.sh" up $lab --routers 5 --spare 3 --impair 2:delay=8ms,jitter=1ms \
	--impair 6:loss=2%
# Warm the neighbour caches so the first round is not an ARP round.
ip netns exec $lab-c ping -c 2 -i 0.2 -W 2 198.18.6.2 >/dev/null || true

tmp=$(mktemp)
PP_HOST=pp-lab ip netns exec $lab-c "$bin/pp-trace" -i 500ms -W 1s 198.18.6.2 \
	>"$tmp" 2>/dev/null &
pid=$!
t0=$(date +%s.%N)
until_s() {	# until_s T: sleep until T seconds after the start
	sleep "$(awk -v t0="$t0" -v t="$1" -v now="$(date +%s.%N)" \
		'BEGIN { d = t0 + t - now; print (d > 0 ? d : 0) }')"
}
until_s $((dur / 3)); "$here/lab.sh" reroute $lab spare
until_s $((dur * 5 / 9)); "$here/lab.sh" link $lab 6 down
until_s $((dur * 5 / 9 + 8)); "$here/lab.sh" link $lab 6 up
until_s $((dur * 2 / 3)); "$here/lab.sh" reroute $lab main
until_s $((dur * 7 / 9)); "$here/lab.sh" impair $lab 2 delay=25ms,jitter=1ms
until_s "$dur"
kill -INT $pid
wait $pid || true
gzip -9n <"$tmp" >"$out"
rm -f "$tmp"
echo "record-sample.sh: $(($(zcat "$out" | wc -l) - 1)) records in $out"
