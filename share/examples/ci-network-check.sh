#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ci-network-check.sh: a CI step that fails when a network path is lossy,
# slow or down.  It probes the targets (or checks an archive given as
# operand), prints an mtr-style report, and exits 1 when a target did not
# resolve or never answered (pp-probe's exit status, as fping's) or
# pp-alert raised an alert.
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
# Exit status: 0 every target answered and no alert; 1 the check failed (a
# target did not resolve or never answered, an alert, nothing to judge);
# 2 usage.
set -eu

targets=${PP_TARGETS:-127.0.0.1}
count=${PP_COUNT:-20}
interval=${PP_INTERVAL:-100ms}
max_loss=${PP_MAX_LOSS:-5}
max_rtt=${PP_MAX_RTT:-100}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
probe_status=0
case $# in
0)
	archive=${PP_ARCHIVE:-$tmp/probes.ndjson.gz}
	# pp-probe exits 1 when a target never answered and 2 when one does
	# not resolve (it names them on stderr); the answers of the others
	# are in the archive all the same, and pp-alert judges them below.
	# shellcheck disable=SC2086  # one target a word
	pp-probe -c "$count" -i "$interval" -o "$archive" $targets >/dev/null ||
	    probe_status=$?
	;;
1)
	archive=$1
	;;
*)
	echo "usage: ci-network-check.sh [archive]" >&2
	exit 2
	;;
esac

if [ ! -s "$archive" ]; then
	if [ $# -eq 1 ]; then
		echo "network check failed: $archive is missing or empty" >&2
	else
		echo "network check failed: no probe records in $archive" \
		    "(pp-probe exit $probe_status)" >&2
	fi
	exit 1
fi
pp-stats -f table "$archive" || true
status=0
pp-alert --loss "$max_loss" --latency "$max_rtt" --window "$count" --fail \
    "$archive" >"$tmp/alerts" || status=$?
if [ "$status" -eq 0 ] && [ "$probe_status" -eq 0 ]; then
	echo "network check passed: loss below $max_loss %, median RTT" \
	    "below $max_rtt ms"
	exit 0
fi
cat "$tmp/alerts"
if [ "$probe_status" -ne 0 ]; then
	echo "network check failed (pp-probe exit $probe_status: a target" \
	    "did not resolve or never answered)" >&2
else
	echo "network check failed (pp-alert exit $status)" >&2
fi
exit 1
