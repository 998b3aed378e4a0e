#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# pp-mos: R-factor and MOS, checked against published vectors end to end.

setup() {
	load 'test_helper/common'
	pp_setup
	F="$PP_TOP/tests/fixtures/pp-mos"
}

# mos ARGS...: the mos records only
mos() { pp-mos "$@" | grep '"type":"mos"'; }

@test "pp-mos -h prints the usage, equal to the man page SYNOPSIS" {
	pp_run 0 pp-mos -h
	assert_line --index 0 --partial "usage: pp-mos [-huV]"
	usage_matches_man pp-mos
}

@test "pp-mos: bad options exit 2; an unknown codec too" {
	pp_run 2 pp-mos --bogus
	assert_stderr --partial "usage: pp-mos"
	[ -z "$output" ]
	pp_run 2 pp-mos -c opus "$F/e30.ndjson"
	assert_stderr --partial "-c: unknown codec 'opus' (pp-mos --list-codecs)"
	pp_run 2 pp-mos -m full
	pp_run 2 pp-mos --packet -1
}

@test "pp-mos: the E-model reproduces vector E-30 from probes (Ta 150 ms, 1% loss, G.711+PLC)" {
	# RTT 260 ms, no jitter, 20 ms packets: Ta = 130 + 0 + 20 = 150 ms.
	pp_run 0 pp-mos "$F/e30.ndjson"
	assert_ndjson
	printf '%s\n' "$output" | tail -1 | jq -e '
		.type == "mos" and .target == "voip" and .codec == "g711-plc" and
		.model == "emodel" and .delay == 150 and .loss == 1 and
		.burst_r == 1 and .ie_eff == 3.64 and .r == 85.899 and
		.mos == 4.226 and .sent == 100 and .recv == 99' >/dev/null
	printf '%s\n' "$output" | head -1 | jq -e '.type == "meta" and .tool == "pp-mos" and .settings.codec == "g711-plc"' >/dev/null
}

@test "pp-mos -m simplified reproduces PingerPlot's S-10 (RTT 50, jitter 5, loss 1%)" {
	pp_run 0 mos -m simplified "$F/s10.ndjson"
	printf '%s\n' "$output" | jq -e '.model == "simplified" and .rtt == 50 and .jitter == 5 and .loss == 1 and .r == 88.95 and .mos == 4.312' >/dev/null
}

@test "pp-mos: BurstR from loss runs in send order; --random-loss" {
	# 5 runs of 4 lost in 1,000: loss 2 %, BurstR 4 x 0.98 = 3.92.
	pp_run 0 mos "$F/burst.ndjson"
	printf '%s\n' "$output" | jq -e '.loss == 2 and .burst_r == 3.92 and .burst_est == "runs" and .ie_eff == 7.419' >/dev/null
	# Random: E-21's Ie,eff 7.0111.
	pp_run 0 mos --random-loss "$F/burst.ndjson"
	printf '%s\n' "$output" | jq -e '.burst_r == 1 and .burst_est == "random" and .ie_eff == 7.011' >/dev/null
	# The same records with each timeout written 1 s late, after the
	# replies to the 50 probes sent since (as probers do): the runs are
	# those of the send order, not of the arrival order.
	[ "$(head -110 "$F/burst-late.ndjson" | grep -c timeout)" -eq 0 ]
	cmp <(sort "$F/burst.ndjson") <(sort "$F/burst-late.ndjson")
	pp_run 0 mos "$F/burst-late.ndjson"
	printf '%s\n' "$output" | jq -e '.burst_r == 3.92' >/dev/null
}

@test "pp-mos: codecs change Ie and Bpl; none is invented" {
	pp_run 0 mos -c g729a --random-loss "$F/burst.ndjson"
	# Ie 11, Bpl 19, Ppl 2: Ie,eff = 11 + 84 * 2 / 21 = 19 (E-28).
	printf '%s\n' "$output" | jq -e '.codec == "g729a" and .ie_eff == 19' >/dev/null
	pp_run 0 pp-mos -c g726-32 "$F/burst.ndjson"
	assert_stderr --partial "codec g726-32 has no published Bpl"
	printf '%s\n' "$output" | tail -1 | jq -e '.r == null and .mos == null and (.note | test("no Bpl"))' >/dev/null
	pp_run 0 pp-mos --list-codecs
	assert_line --regexp '^g711-plc +0 +25\.1 '
	assert_line --regexp '^g726-32 +7 +- '
}

@test "pp-mos: stats records from pp-stats; the deepest hop is the one scored" {
	pp_sh 0 "pp-stats '$PP_TOP/tests/fixtures/pp-stats/fwd.ndjson' | pp-mos -m simplified | grep '\"mos\"'"
	printf '%s\n' "$output" | jq -e -s 'length == 1 and .[0].target == "d" and .[0].rtt == 9 and .[0].loss == 25 and .[0].burst_est == "none"' >/dev/null
	# From probes, the trace's destination (hop 4) is scored.
	pp_run 0 mos -m simplified "$PP_TOP/tests/fixtures/pp-stats/fwd.ndjson"
	printf '%s\n' "$output" | jq -e '.rtt == 9 and .loss == 25 and .sent == 12' >/dev/null
}

@test "pp-mos --every: a score per window" {
	pp_run 0 mos --every 5s "$F/burst.ndjson"
	[ "${#lines[@]}" -eq 4 ]
	printf '%s\n' "$output" | jq -e -s 'map(.start) == [1764000000, 1764000005, 1764000010, 1764000015]' >/dev/null
}

@test "pp-mos -f table" {
	pp_run 0 pp-mos -f table "$F/e30.ndjson"
	assert_line --index 0 --regexp '^Target +Codec +RTT ms'
	assert_line --regexp '^voip +g711-plc +260\.000 +0\.000 +1\.00 +1\.00 +150\.0 +85\.90 +4\.23  satisfied$'
}

@test "pp-mos --every -f table: a Start column, one row per window; and for stats records" {
	local s=$PP_TOP/share/samples/sample.ndjson.gz
	pp_run 0 pp-mos --every 1m -f table "$s"
	assert_line --index 0 --regexp '^Start \(UTC\) +Target +Codec +RTT ms'
	assert_line --index 1 --regexp '^2026-12-02T00:34:00Z 198\.18\.6\.2 +g711-plc '
	assert_line --index 4 --regexp '^2026-12-02T00:37:00Z 198\.18\.6\.2 +g711-plc '
	[ "${#lines[@]}" -eq 5 ]
	# The rows are the records' windows, in order.
	[ "$(pp-mos --every 1m "$s" | jq -r 'select(.type == "mos") | .start' | tr '\n' ' ')" = "1796171640 1796171700 1796171760 1796171820 " ]
	pp_run 0 bash -c "pp-stats --every 1m '$s' | pp-mos -f table"
	assert_line --index 0 --regexp '^Start \(UTC\) +Target'
	assert_line --index 2 --regexp '^2026-12-02T00:35:00Z 198\.18\.6\.2 '
	# Without windows, no time column.
	pp_run 0 pp-mos -f table "$s"
	assert_line --index 0 --regexp '^Target +Codec'
}

@test "pp-mos: bad lines, gzip, missing files, empty input" {
	{ head -30 "$F/e30.ndjson"; echo '{oops'; tail -n +31 "$F/e30.ndjson"; } >"$BATS_TEST_TMPDIR/bad"
	pp_run 0 mos "$BATS_TEST_TMPDIR/bad"
	assert_stderr --partial "bad:31: invalid JSON"
	printf '%s\n' "$output" | jq -e '.r == 85.899' >/dev/null
	pp_run 1 pp-mos --strict "$BATS_TEST_TMPDIR/bad"
	gzip -c "$F/e30.ndjson" >"$BATS_TEST_TMPDIR/e.gz"
	[ "$(mos "$BATS_TEST_TMPDIR/e.gz")" = "$(mos "$F/e30.ndjson")" ]
	pp_run 1 pp-mos "$BATS_TEST_TMPDIR/nope" "$F/e30.ndjson"
	assert_stderr --partial "cannot open '$BATS_TEST_TMPDIR/nope'"
	assert_output --partial '"r":85.899'
	pp_run 0 pp-mos </dev/null
	[ -z "$output" ]
}

@test "pp-mos: a full disk is reported, exit 1" {
	[ -w /dev/full ] || skip "no /dev/full"
	pp_run 1 bash -c "pp-mos '$F/e30.ndjson' >/dev/full"
	assert_stderr --partial "write error: No space left on device"
}

@test "pp-mos: a target that never answered scores R 0, MOS 1 (plain probes and a trace)" {
	pp_run 0 pp-mos -f ndjson "$PP_TOP/tests/fixtures/pp-stats/unreach.ndjson"
	printf '%s\n' "$output" | tail -n +2 | jq -e -s 'length == 1 and .[0].loss == 100 and
		.[0].r == 0 and .[0].mos == 1 and .[0].rtt == null and .[0].sent == 10 and .[0].recv == 0' >/dev/null
	pp_run 0 pp-mos -f ndjson "$(fixture pp-mos trace-dead.ndjson)"
	printf '%s\n' "$output" | tail -n +2 | jq -e -s 'length == 1 and .[0].loss == 100 and
		.[0].mos == 1 and .[0].sent == 5' >/dev/null
	pp_run 0 pp-mos -f table "$(fixture pp-mos trace-dead.ndjson)"
	assert_output --partial "no answers: 100% loss"
	# The same from pp-stats' records.
	pp-stats -f ndjson "$PP_TOP/tests/fixtures/pp-stats/unreach.ndjson" >"$BATS_TEST_TMPDIR/s"
	pp_run 0 pp-mos -f ndjson "$BATS_TEST_TMPDIR/s"
	printf '%s\n' "$output" | tail -n +2 | jq -e '.mos == 1 and .r == 0' >/dev/null
}

@test "pp-mos: one answer measures no jitter: scored as 0 and said, in the record and the table" {
	# Its jitter was written 0.0 and shown 0.000 beside 'very satisfied',
	# where pp-stats says null: no pair of answers, no jitter.
	head -2 "$PP_TOP/tests/fixtures/pp-stats/hand.ndjson" >"$BATS_TEST_TMPDIR/one.ndjson"
	[ "$(jq -s 'map(select(.type == "probe" and .status == "reply")) | length' "$BATS_TEST_TMPDIR/one.ndjson")" -eq 1 ]
	pp-stats "$BATS_TEST_TMPDIR/one.ndjson" | jq -e 'select(.type == "stats") | .jitter == null' >/dev/null
	pp_run 0 pp-mos -f ndjson "$BATS_TEST_TMPDIR/one.ndjson"
	printf '%s\n' "$output" | tail -1 | jq -e '.recv == 1 and .jitter == 0 and
		.note == "one answer: no jitter measured, scored as 0"' >/dev/null
	pp_run 0 pp-mos -f table "$BATS_TEST_TMPDIR/one.ndjson"
	assert_output --regexp 'g711-plc +20\.000 +- +0\.00 .* \(one answer\)$'
	# Two answers: a jitter, no note.
	head -3 "$PP_TOP/tests/fixtures/pp-stats/hand.ndjson" >"$BATS_TEST_TMPDIR/two.ndjson"
	pp_run 0 pp-mos -f ndjson "$BATS_TEST_TMPDIR/two.ndjson"
	printf '%s\n' "$output" | tail -1 | jq -e '.recv == 2 and .jitter == 2 and .note == null' >/dev/null
}
