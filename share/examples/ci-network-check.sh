#!/bin/sh
# ci-network-check.sh: a CI step that fails when a network path is lossy
# or slow.  It probes the targets (or checks an archive given as operand),
# prints an mtr-style report, and exits 1 when pp-alert raised an alert.
#
#   ci-network-check.sh                  probe $PP_TARGETS now
#   ci-network-check.sh probes.ndjson.gz check a recorded archive
#
# Settings (environment):
#   PP_TARGETS   targets to probe (default 127.0.0.1; put your own hosts,
#                such as example.net, in your CI configuration)
#   PP_COUNT     probes per target (default 20)
#   PP_INTERVAL  between probes (default 100ms)
#   PP_MAX_LOSS  alert at this loss, percent (default 5)
#   PP_MAX_RTT   alert at this median RTT, ms (default 100)
#   PP_ARCHIVE   where the probes are kept for the CI's artifacts
#                (default: a temporary file, removed)
# Exit status: 0 no alert; 1 an alert (or the probes failed); 2 usage.
set -eu

targets=${PP_TARGETS:-127.0.0.1}
count=${PP_COUNT:-20}
interval=${PP_INTERVAL:-100ms}
max_loss=${PP_MAX_LOSS:-5}
max_rtt=${PP_MAX_RTT:-100}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case $# in
0)
	archive=${PP_ARCHIVE:-$tmp/probes.ndjson.gz}
	# A target that never answers makes pp-probe exit 1: its timeouts
	# are in the archive, and pp-alert judges them below.
	# shellcheck disable=SC2086  # one target a word
	pp-probe -c "$count" -i "$interval" -o "$archive" $targets >/dev/null ||
	    echo "ci-network-check: pp-probe exited $?" >&2
	;;
1)
	archive=$1
	;;
*)
	echo "usage: ci-network-check.sh [archive]" >&2
	exit 2
	;;
esac

pp-stats -f table "$archive"
status=0
pp-alert --loss "$max_loss" --latency "$max_rtt" --window "$count" --fail \
    "$archive" >"$tmp/alerts" || status=$?
if [ "$status" -eq 0 ]; then
	echo "network check passed: loss below $max_loss %, median RTT" \
	    "below $max_rtt ms"
	exit 0
fi
cat "$tmp/alerts"
echo "network check failed (pp-alert exit $status)" >&2
exit 1
