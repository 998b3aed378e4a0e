# SPDX-License-Identifier: BSD-2-Clause
# --from and --to (issue 13.3): one implementation (lib/trange) in every
# reader, on the records' own times; what is counted is what is shown.

setup() {
	load 'test_helper/common'
	pp_setup
	W=$(fixture pp-stats windows.ndjson)	# probes at 1764000005..29, rtt 10..34
	SAMPLE=$PP_TOP/share/samples/sample.ndjson.gz
}

# sent RANGE...: the probes pp-stats counts in RANGE of windows.ndjson
sent() {
	pp-stats "$@" "$W" | jq -s '[.[] | select(.type == "stats") | .sent] | add // 0'
}

@test "time range: every reader takes --from and --to; a bad time or an empty range is a usage error naming the option" {
	for t in pp-stats pp-mos pp-alert pp-plot pp-geo; do
		pp_run 2 "$t" --from yesterday "$W"
		assert_stderr --partial "$t: --from: not a time (ISO 8601 like"
		pp_run 2 "$t" --to 2025-02-29T10:00Z "$W"
		assert_stderr --partial "$t: --to: no such date or time: 2025-02-29T10:00Z"
		pp_run 2 "$t" --from 1764000020 --to 2025-11-24T16:00:10Z "$W"
		assert_stderr --partial "$t: --from/--to: --from 2025-11-24T16:00:20.000Z is not before --to 2025-11-24T16:00:10.000Z"
		pp_run 2 "$t" --from -5x "$W"
		assert_stderr --partial "$t: --from: not a duration (250ms, 10s, 5m, 2h, 1d): -5x"
		pp_run 0 "$t" -h
		assert_output --partial "[--from time]"
		assert_output --partial "[--to time]"
	done
}

@test "time range: half-open on probe times; epoch, ISO 8601 with a zone, and local time without one agree" {
	[ "$(sent)" -eq 25 ]
	[ "$(sent --from 1764000010 --to 1764000020)" -eq 10 ]
	[ "$(sent --from 1764000010.000001 --to 1764000020)" -eq 9 ]
	[ "$(sent --from 2025-11-24T16:00:10Z --to 2025-11-24T16:00:20Z)" -eq 10 ]
	[ "$(sent --from '2025-11-24 17:00:10+01:00' --to 2025-11-24T11:00:20-0500)" -eq 10 ]
	[ "$(sent --from 2025-11-24T16:00:10.5Z)" -eq 19 ]
	[ "$(TZ=Europe/Stockholm sent --from 2025-11-24T17:00:10 --to 2025-11-24T17:00:20)" -eq 10 ]
	[ "$(TZ=America/New_York sent --from 2025-11-24T11:00:10 --to 2025-11-24T11:00:20)" -eq 10 ]
	[ "$(TZ=UTC sent --to 2025-11-24)" -eq 0 ]
	# Consecutive ranges split the input without overlap or gap.
	[ $(( $(sent --to 1764000017) + $(sent --from 1764000017) )) -eq 25 ]
	# The stats row covers what it counts: the first and last probe times.
	pp_run 0 pp-stats --from 1764000010 --to 1764000020 "$W"
	printf '%s\n' "$output" | tail -1 | jq -e '.start == 1764000010 and .end == 1764000019 and
		.min == 15 and .max == 24' >/dev/null
	# The meta record says which range was taken.
	printf '%s\n' "$output" | head -1 | jq -e '.settings.from == 1764000010 and .settings.to == 1764000020' >/dev/null
}

@test "time range: a local time summer time repeats or skips is a usage error, never a guess; its offsets are asked for" {
	export TZ='CET-1CEST,M3.5.0,M10.5.0/3'
	for t in pp-stats pp-mos pp-alert pp-plot pp-geo; do
		# 02:30 on 2025-10-26 was 00:30Z and 01:30Z; taken as 01:30Z.
		pp_run 2 "$t" --from 2025-10-26T02:30:00 "$W"
		assert_stderr "$t: --from: local time twice over (summer time ends, TZ): 2025-10-26T02:30:00; give its offset, +02:00 or +01:00"
		# 02:30 on 2025-03-30 never was.
		pp_run 2 "$t" --to "2025-03-30 02:30" "$W"
		assert_stderr "$t: --to: no such local time (summer time begins, TZ): 2025-03-30 02:30"
	done
	# Either offset, given, and the hours beside, as before.
	[ "$(sent --from 2025-10-26T02:30:00+02:00)" -eq 25 ]
	[ "$(sent --from 2025-10-26T02:30:00+01:00)" -eq 25 ]
	[ "$(sent --to 2025-11-24T17:00:20)" -eq 15 ]
	[ "$(sent --from 2025-10-26T01:59:59 --to 2025-10-26T03:00:00)" -eq 0 ]
}

@test "time range: --every windows cut at the range's edges count only the probes inside" {
	pp_run 0 pp-stats --every 10s --from 1764000015 --to 1764000023 "$W"
	printf '%s\n' "$output" | tail -n +2 | jq -e -s '
		map([.start, .end, .sent, .min, .max]) ==
		[[1764000015, 1764000020, 5, 20, 24], [1764000020, 1764000023, 3, 25, 27]]' >/dev/null
	pp_run 0 pp-mos --every 10s --from 1764000015 "$W"
	printf '%s\n' "$output" | tail -n +2 | jq -e -s 'map(.start) == [1764000015, 1764000020]' >/dev/null
	pp_run 0 pp-stats -f table --every 10s --from 1764000015 "$W"
	assert_line --index 0 "Start: 2025-11-24T16:00:15Z  End: 2025-11-24T16:00:20Z"
}

@test "time range: -DUR counts back from the input's latest record, +DUR on from its first, now-DUR from the clock (PP_NOW)" {
	# The last record is at 1764000029: -5s keeps 24..29.
	[ "$(sent --from -5s)" -eq 6 ]
	[ "$(sent --from end-5s --to end)" -eq 6 ]
	[ "$(sent --to -5s)" -eq 19 ]
	# Several operands: the end is the latest of them all, in any order.
	head -10 "$W" >"$BATS_TEST_TMPDIR/a.ndjson"
	tail -n +11 "$W" | gzip >"$BATS_TEST_TMPDIR/b.gz"
	[ "$(pp-stats --from -5s "$BATS_TEST_TMPDIR/b.gz" "$BATS_TEST_TMPDIR/a.ndjson" | jq -s '.[1].sent')" -eq 6 ]
	# Standard input redirected from a file is read twice; a pipe cannot be.
	[ "$(pp-stats --from -5s <"$W" | jq -s '.[1].sent')" -eq 6 ]
	pp_sh 2 "cat '$W' | pp-stats --from -5s"
	assert_stderr --partial "pp-stats: --from/--to: a time before the input's end needs files to read (standard input is a pipe, read only once)"
	# +DUR needs only the first record: a pipe will do, records stream.
	pp_sh 0 "cat '$W' | pp-stats --to +5s"
	printf '%s\n' "$output" | tail -1 | jq -e '.sent == 5 and .end == 1764000009' >/dev/null
	[ "$(sent --from start+20s)" -eq 5 ]
	# now: the wall clock, PP_NOW in tests (1764000000 by common.bash).
	[ "$(PP_NOW=1764000030 sent --from now-10s)" -eq 10 ]
	[ "$(PP_NOW=1764000030 sent --to now)" -eq 25 ]
	[ "$(sent --from now)" -eq 25 ]
	[ "$(sent --to now+10s)" -eq 5 ]
}

@test "time range: an empty selection says what the input covers" {
	pp_run 0 pp-stats --from 2026-01-01T00:00Z "$W"
	[ -z "$output" ]
	assert_stderr "pp-stats: no record from 2026-01-01T00:00:00.000Z to its end: the input's records run from 2025-11-24T16:00:05.000Z to 2025-11-24T16:00:29.000Z"
	pp_run 1 pp-alert --fail --loss 5 --from 2026-01-01T00:00Z "$W"
	assert_stderr --partial "check failed: no probe records in the input between --from and --to: nothing was checked"
}

@test "pp-geo --from/--to: the records of the range as jq selects them (meta kept), enriched" {
	local a=1796171700 b=1796171760
	zcat "$SAMPLE" | jq -c "select(.type == \"meta\" or (.ts >= $a and .ts < $b))" >"$BATS_TEST_TMPDIR/want"
	pp-geo --from "$a" --to "$b" "$SAMPLE" >"$BATS_TEST_TMPDIR/out"
	jq -c 'del(.from_geo, .dst_geo)' "$BATS_TEST_TMPDIR/out" >"$BATS_TEST_TMPDIR/got"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/want")" -gt 700 ]
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	grep -q '"from_geo":{"special":"benchmarking"}' "$BATS_TEST_TMPDIR/out"
}

@test "pp-mos and pp-alert: windowed records by overlap, probes by time; --pass passes only the range" {
	pp-stats --every 10s "$W" >"$BATS_TEST_TMPDIR/s.ndjson"
	# Windows [0,10) [10,20) [20,30): 12..18 overlaps only the second.
	pp_run 0 pp-mos --from 1764000012 --to 1764000018 "$BATS_TEST_TMPDIR/s.ndjson"
	printf '%s\n' "$output" | tail -n +2 | jq -e -s 'length == 1 and .[0].start == 1764000010' >/dev/null
	# Latency (median of 5) passes 25 ms only after 1764000020.
	pp_run 1 pp-alert --latency 25 --window 5 --fail "$W"
	pp_run 0 pp-alert --latency 25 --window 5 --fail --to 1764000020 "$W"
	pp_run 1 pp-alert --latency 25 --window 5 --fail --from 1764000020 "$W"
	printf '%s\n' "$output" | jq -e -s '.[0].settings.from == 1764000020 and
		(.[1] | .type == "alert" and .state == "raise" and .ts >= 1764000020)' >/dev/null
	pp_run 0 pp-alert --pass --from 1764000020 --to 1764000022 "$W"
	[ "$(printf '%s\n' "$output" | jq -r 'select(.type == "probe") | .ts' | tr '\n' ' ')" = "1764000020 1764000021 " ]
}

@test "pp-plot: the range's probes only, in the charts' subtitles and the report; --step counts only the columns shown" {
	pp_run 0 pp-plot "$W"
	assert_output --partial "25 sent, 0.0% lost"
	pp_run 0 pp-plot --from 1764000010 --to 1764000020 "$W"
	assert_output --partial "10 sent, 0.0% lost"
	pp_run 0 pp-plot --from 1764000010 --to 1764000020 --html "$BATS_TEST_TMPDIR/r.html" "$W"
	grep -q '<p>10 probes from 2025-11-24 16:00:10 to 2025-11-24 16:00:19 UTC, 1 target.</p>' "$BATS_TEST_TMPDIR/r.html"
	# --step: a sliding window of 10 one-second columns shows 20..29.
	pp_run 0 pp-plot --step 1s --columns 10 "$W"
	assert_output --partial "10 sent, 0.0% lost, median 29."
	pp_run 0 pp-plot --step 1s --columns 10 --html "$BATS_TEST_TMPDIR/s.html" "$W"
	grep -q '<p>10 probes from 2025-11-24 16:00:20 to 2025-11-24 16:00:29 UTC' "$BATS_TEST_TMPDIR/s.html"
}
