#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run libFuzzer harnesses, each for a bounded time over its seed corpus
# (tests/fuzz/corpus/NAME/, read only) and a working corpus kept in the
# build directory.  Prints one line per harness; exits 1 when any harness
# found a crash, a leak, a timeout or a failed invariant (its input is
# saved as DIR/crashes/NAME-*, its log is DIR/NAME.log).
# Usage: tests/fuzz/run.sh DIR SECONDS NAME...
dir=$1
secs=$2
shift 2
failed=0
mkdir -p "$dir/crashes"
for name in "$@"; do
	short=${name#fuzz_}
	work=$dir/corpus/$short
	mkdir -p "$work"
	log=$dir/$name.log
	"$dir/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$dir/crashes/$name-" \
		"$work" "tests/fuzz/corpus/$short" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz: $short: ${runs:-?} runs in ${secs} s, ${cov:-cov: ?}, no crash"
	else
		echo "fuzz: $short: FAILED (exit $rc); log $log" >&2
		grep -E 'ERROR|invariant failed|SUMMARY|Test unit written' "$log" | head -8 >&2
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ]
