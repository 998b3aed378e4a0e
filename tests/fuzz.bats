#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# The fuzz harnesses (tests/fuzz/) replayed over their seed corpus with the
# ordinary build (and the sanitizer build in make asan): every invariant a
# harness checks holds for every seed, and inputs of past crashes, kept in
# the corpus, stay fixed.  make fuzz runs the same harnesses under
# libFuzzer for new inputs.

setup() {
	load 'test_helper/common'
	pp_setup
}

# replay NAME: run replay_NAME over tests/fuzz/corpus/NAME/*.
replay() {
	local r="$PP_TOP/${BUILD:-build}/tests/fuzz/replay_$1"
	[ -x "$r" ] || skip "replay_$1 is not built (make check builds it)"
	local n
	n=$(find "$PP_TOP/tests/fuzz/corpus/$1" -type f | wc -l)
	[ "$n" -gt 0 ] || _pp_fail "no seeds in tests/fuzz/corpus/$1"
	PP_TIMEOUT=120 pp_run 0 "$r" "$PP_TOP/tests/fuzz/corpus/$1"/*
	assert_output "replay: $n inputs, no failure"
}

@test "fuzz corpus: the record reader and decoder (plain vs gzip, round trips)" {
	replay reader
}

@test "fuzz corpus: the flat-object scanner against jansson" {
	replay jscan
}

@test "fuzz corpus: the ICMP reply and error parser, MPLS extensions" {
	replay pkt
}

@test "fuzz corpus: IP range files and address lookups" {
	replay geo
}

@test "fuzz corpus: durations, sizes, ranged numbers, UTF-8" {
	replay util
}

@test "fuzz corpus: charts and the report from hostile record text" {
	replay plot
}

@test "fuzz corpus: mtr-packet requests, the line cutter and the replies" {
	replay mtrpkt
}

@test "fuzz corpus: text for terminals, CSV and --exec's environment" {
	replay sanitize
}

@test "fuzz corpus: Prometheus and InfluxDB exports of hostile names" {
	replay export
}
