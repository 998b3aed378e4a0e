#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# pp-plot: charts and the HTML report.

setup() {
	load 'test_helper/common'
	pp_setup
	export PP_DATADIR="$PP_TOP/share"
	TRACE=$(fixture pp-plot trace.ndjson)
	SMALL=$(fixture pp-plot small.ndjson)
}

# xml_ok FILE: well-formed XML (xmllint when present, else python3)
xml_ok() {
	if command -v xmllint >/dev/null; then
		xmllint --noout "$1"
	else
		python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$1"
	fi
}

@test "pp-plot -h prints the usage, equal to the man page SYNOPSIS" {
	pp_run 0 pp-plot -h
	assert_line --index 0 --partial "usage: pp-plot [-hV]"
	usage_matches_man pp-plot
}

@test "pp-plot: bad option and bad values exit 2 with a message" {
	pp_run 2 pp-plot --bogus
	[ -z "$output" ]
	assert_stderr --partial "usage: pp-plot"
	pp_run 2 pp-plot -c pie "$SMALL"
	assert_stderr --partial "unknown chart 'pie'"
	pp_run 2 pp-plot -W 10 "$SMALL"
	assert_stderr --partial "-W: width must be 320 to 20000: 10"
	pp_run 2 pp-plot --refresh 5 "$SMALL"
	assert_stderr --partial "--refresh needs -o or --html"
	pp_run 2 pp-plot --theme blue "$SMALL"
}

@test "pp-plot: golden latency chart, byte for byte" {
	pp_run 0 pp-plot -W 480 -H 240 "$SMALL"
	[ "$output" = "$(cat "$(fixture pp-plot small.latency.expected.svg)")" ]
}

@test "pp-plot --local: times carry their UTC offset, so the hour repeated when summer time ends reads as two" {
	# An hour of probes from 00:30Z to 01:30Z on 2025-10-26, when Central
	# Europe went from +0200 back to +0100 at 01:00Z: both ends are 02:30
	# on the wall; the chart said '02:30:00 to 2025-10-26 02:30:00 local
	# time', an hour as nothing.  (The subtitle ends at the last probe,
	# 01:29:50Z, as the report does.)
	awk 'BEGIN { for (i = 0; i < 360; i++)
		printf "{\"type\":\"probe\",\"ts\":%d.0,\"target\":\"t\",\"dst\":\"198.18.0.9\",\"proto\":\"icmp\",\"seq\":%d,\"status\":\"reply\",\"from\":\"198.18.0.9\",\"rtt\":5.0}\n", 1761438600 + 10 * i, i }' >"$BATS_TEST_TMPDIR/fold.ndjson"
	[ "$(jq -rs 'map(.ts) | [min, max] | map(todate) | join(" ")' "$BATS_TEST_TMPDIR/fold.ndjson")" = "2025-10-26T00:30:00Z 2025-10-26T01:29:50Z" ]
	export TZ='CET-1CEST,M3.5.0,M10.5.0/3'
	pp_run 0 pp-plot --local "$BATS_TEST_TMPDIR/fold.ndjson"
	assert_output --partial ">2025-10-26 02:30:00+0200 to 2025-10-26 02:29:50+0100 local time; 360 sent"
	pp_run 0 pp-plot --local --html "$BATS_TEST_TMPDIR/r.html" -o /dev/null "$BATS_TEST_TMPDIR/fold.ndjson"
	grep -q '360 probes from 2025-10-26 02:30:00+0200 to 2025-10-26 02:29:50+0100 local time' "$BATS_TEST_TMPDIR/r.html"
	# UTC, the default, as before: no offset.
	pp_run 0 pp-plot "$BATS_TEST_TMPDIR/fold.ndjson"
	assert_output --partial ">2025-10-26 00:30:00 to 2025-10-26 01:29:50 UTC; 360 sent"
}

@test "pp-plot: the same input always gives the same bytes; gzip equals plain" {
	gzip -c "$TRACE" >"$BATS_TEST_TMPDIR/t.gz"
	for c in latency heatmap timeline map summary; do
		pp-plot -c "$c" -o "$BATS_TEST_TMPDIR/a.svg" "$TRACE"
		pp-plot -c "$c" -o "$BATS_TEST_TMPDIR/b.svg" "$BATS_TEST_TMPDIR/t.gz"
		cmp "$BATS_TEST_TMPDIR/a.svg" "$BATS_TEST_TMPDIR/b.svg"
	done
}

@test "pp-plot: every chart is valid XML and renders" {
	command -v rsvg-convert >/dev/null || skip "rsvg-convert not installed"
	for c in latency heatmap timeline map summary; do
		pp_run 0 pp-plot -c "$c" -o "$BATS_TEST_TMPDIR/$c.svg" "$TRACE"
		xml_ok "$BATS_TEST_TMPDIR/$c.svg"
		rsvg-convert "$BATS_TEST_TMPDIR/$c.svg" -o "$BATS_TEST_TMPDIR/$c.png"
		[ "$(stat -c %s "$BATS_TEST_TMPDIR/$c.png")" -gt 3000 ]
	done
	for t in light dark; do
		pp_run 0 pp-plot --theme "$t" -o "$BATS_TEST_TMPDIR/$t.svg" "$TRACE"
		xml_ok "$BATS_TEST_TMPDIR/$t.svg"
	done
	grep -q '#15181c' "$BATS_TEST_TMPDIR/dark.svg"
	! grep -q '#15181c' "$BATS_TEST_TMPDIR/light.svg"
}

@test "pp-plot latency: destination by default, one loss mark per column, outage shaded" {
	pp_run 0 pp-plot "$TRACE"
	assert_output --partial "latency: dst.example, hop 4 (198.18.4.2)"
	assert_output --partial "120 sent, 2.5% lost"
	# 1 s columns (the meta's interval): 120 columns, all with probes.
	[ "$(printf '%s\n' "$output" | sed -n '/<g class="loss">/,/<\/g>/p' | grep -c '<rect')" -eq 120 ]
	# Rounds 84-86 lost at the destination: three dark red columns.
	[ "$(printf '%s\n' "$output" | sed -n '/<g class="loss">/,/<\/g>/p' | grep -c 'fill="#a00000"')" -eq 3 ]
	# The outage is shaded, once: the input's outage record and the same
	# outage found in the probes (pp-stats' rule, lib/outage.h); the
	# same without the record.  Lost columns are coloured, not shaded.
	[ "$(printf '%s\n' "$output" | grep -c 'class="outage"')" -eq 1 ]
	shade=$(printf '%s\n' "$output" | grep -o '<rect[^>]*class="outage"/>')
	[ "$(grep -v '"outage"' "$TRACE" | pp-plot | grep -o '<rect[^>]*class="outage"/>')" = "$shade" ]
	[ "$(grep -v '"outage"' "$TRACE" | pp-plot --outage-min 4s | grep -c 'class="outage"')" -eq 0 ]
	! printf '%s\n' "$output" | grep -q 'class="lost"'
	pp_run 0 pp-plot --hop 2 "$TRACE"
	assert_output --partial "hop 2 (198.18.2.2)"
}

@test "pp-plot: gaps stay gaps, never interpolated" {
	# Two bursts of probes 10 minutes apart with fixed 10 s columns.
	{
		for i in 0 1 2; do
			printf '{"type":"probe","ts":%d.0,"target":"g","status":"reply","rtt":5}\n' $((1764000000 + i * 10))
		done
		for i in 0 1 2; do
			printf '{"type":"probe","ts":%d.0,"target":"g","status":"reply","rtt":50}\n' $((1764000600 + i * 10))
		done
	} >"$BATS_TEST_TMPDIR/gap.ndjson"
	pp_run 0 pp-plot --step 10s "$BATS_TEST_TMPDIR/gap.ndjson"
	# The median path has six separate pieces (one per column), each a
	# move then one line: no segment joins 5 ms to 50 ms across the gap.
	med=$(printf '%s\n' "$output" | grep 'class="med" stroke="#26ff00" d=' | head -1)
	[ "$(printf '%s' "$med" | grep -o 'M' | wc -l)" -eq 6 ]
	[ "$(printf '%s' "$med" | grep -o 'L' | wc -l)" -eq 6 ]
	# Only 6 of the 61 columns have loss marks.
	[ "$(printf '%s\n' "$output" | sed -n '/<g class="loss">/,/<\/g>/p' | grep -c '<rect')" -eq 6 ]
}

@test "pp-plot timeline: one row per hop in order, shared scale, labels escaped" {
	pp_run 0 pp-plot -c timeline "$TRACE"
	for h in 2 3 4; do assert_output --partial ">$h  198.18.$h.2<"; done
	assert_output --partial "gw&lt;script&gt;alert(&quot;x&quot;)"
	refute_output --partial "<script"
	assert_output --partial "full row = 40 ms"
}

@test "pp-plot map: located hops drawn and joined, the others listed" {
	pp_run 0 pp-plot -c map "$TRACE"
	[ "$(printf '%s\n' "$output" | grep -c 'class="hop"')" -eq 2 ]
	assert_output --partial "hop 3: 198.18.3.2, Stockholm, SE, AS64500 Example Transit"
	assert_output --partial "198.18.1.2  (not located)"
	assert_output --partial 'class="land"'
	# Without enrichment: a map with a note, not a failure.
	grep -v from_geo "$TRACE" >"$BATS_TEST_TMPDIR/plain.ndjson"
	pp_run 0 pp-plot -c map "$BATS_TEST_TMPDIR/plain.ndjson"
	assert_output --partial "no located hops: enrich the records with pp-geo"
	# Map outlines missing: a clear error.
	PP_DATADIR=/nonexistent pp_run 1 pp-plot -c map "$TRACE"
	assert_stderr --partial "cannot open map outlines '/nonexistent/map/land-110m.rings.txt'"
}

@test "pp-plot summary: several targets side by side with MOS" {
	sed 's/"dst.example"/"other.example"/' "$TRACE" | grep -v '"mos"' >"$BATS_TEST_TMPDIR/o.ndjson"
	pp_run 0 pp-plot -c summary "$TRACE" "$BATS_TEST_TMPDIR/o.ndjson"
	assert_output --partial ">dst.example<"
	assert_output --partial ">other.example<"
	assert_output --partial ">4.29<"
	assert_output --partial ">2.5%<"
	# The other target has no mos record: its MOS is computed (pp-mos').
	want=$(pp-mos -f ndjson "$BATS_TEST_TMPDIR/o.ndjson" | jq -r 'select(.type == "mos") | .mos * 100 | round / 100')
	assert_output --partial ">$want<"
}

@test "pp-plot --html: tables, charts and events, all text escaped" {
	pp_run 0 pp-plot --html "$BATS_TEST_TMPDIR/r.html" "$TRACE"
	[ -z "$output" ]
	r="$BATS_TEST_TMPDIR/r.html"
	grep -q 'Content-Security-Policy" content="default-src '"'"'none'"'"'' "$r"
	[ "$(grep -c '<svg' "$r")" -eq 3 ]
	python3 "$PP_TOP/tests/report_check.py" table "$r" >"$BATS_TEST_TMPDIR/t.json"
	# The hop table: pp-stats' figures, other responders under the host,
	# pp-geo's AS and place.
	jq -e '.[0][4] == ["4","198.18.4.2","AS64501 Example Hosting","Frankfurt, DE","2.5","2.5","120","32.20","23.05","12.02","38.43","10.20","1.618","35.5"]' "$BATS_TEST_TMPDIR/t.json" >/dev/null
	jq -e '.[0][2][1] | test("^198.18.2.2\nalso 198.18.9.2: 29 replies")' "$BATS_TEST_TMPDIR/t.json" >/dev/null
	# The input's outage and alerts (given: none computed), numbered.
	jq -e '.[1] | length == 3 and .[1][2] == "outage" and .[2][2] == "loss alert"' "$BATS_TEST_TMPDIR/t.json" >/dev/null
	grep -q 'loss 100% &gt;= 5% &lt;b&gt;; loss back to 0%' "$r"
	grep -q '3.0 s): 3 sent, 0 answered, 100.0% lost' "$r"
	grep -q 'MOS 4.29, R 88.1 (satisfied): g711-plc, emodel<' "$r"
	grep -q 'gw&lt;script&gt;alert(&quot;x&quot;)' "$r"
	! grep -q '<script' "$r"
	! grep -q '<b>' "$r"
	# No URL that a browser would fetch (the SVG namespace is a name).
	[ "$(grep -o 'https\?://[^"]*' "$r" | grep -vc '^http://www.w3.org/2000/svg$')" -eq 0 ]
}

@test "pp-plot --html loads in headless Chromium with no error and no request; a screenshot of the sample's report" {
	command -v chromium >/dev/null || skip "chromium not installed"
	[ "$(id -u)" = 0 ] || skip "needs root for a network namespace"
	unshare -n true 2>/dev/null || skip "network namespaces not allowed here"
	pp_run 0 pp-plot --html "$BATS_TEST_TMPDIR/r.html" "$TRACE"
	pp_run 0 pp-plot --html "$BATS_TEST_TMPDIR/s.html" "$PP_TOP/share/samples/sample.ndjson.gz"
	# A page that breaks the rules, to show the check can fail.
	printf '%s\n' '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src '"'"'none'"'"'"></head><body><img src="http://198.18.0.1/x.png"><p>bad</p></body></html>' >"$BATS_TEST_TMPDIR/bad.html"
	for page in r s bad; do
		# No network at all in the namespace: nothing can leave.
		timeout 90 unshare -n chromium --headless --no-sandbox --disable-gpu \
			--disable-quic --no-first-run --disable-background-networking \
			--disable-component-update --disable-sync \
			--user-data-dir="$BATS_TEST_TMPDIR/prof-$page" \
			--enable-logging=stderr --v=0 --virtual-time-budget=3000 \
			--dump-dom "file://$BATS_TEST_TMPDIR/$page.html" \
			>"$BATS_TEST_TMPDIR/$page.dom" 2>"$BATS_TEST_TMPDIR/$page.err" || true
	done
	grep -q 'Network path report' "$BATS_TEST_TMPDIR/r.dom"
	grep -q '198.18.4.2' "$BATS_TEST_TMPDIR/r.dom"
	! grep -q ':CONSOLE' "$BATS_TEST_TMPDIR/r.err"
	! grep -q ':CONSOLE' "$BATS_TEST_TMPDIR/s.err"
	grep -q ':CONSOLE.*Content Security Policy' "$BATS_TEST_TMPDIR/bad.err"
	# The browser's DOM has the marks, linked to the list of events.
	grep -q '<a href="#t1-ev1">' "$BATS_TEST_TMPDIR/s.dom"
	grep -q 'id="t1-ev1"' "$BATS_TEST_TMPDIR/s.dom"
	# The README's picture is made this way (make pictures): a page drawn
	# whole, not blank.
	sh "$PP_TOP/tests/screenshot.sh" "$BATS_TEST_TMPDIR/s.html" "$BATS_TEST_TMPDIR/s.png" 1100 1900
	python3 - "$BATS_TEST_TMPDIR/s.png" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
w, h = struct.unpack(">II", d[16:24])
assert (w, h) == (1100, 1900), (w, h)
assert len(d) > 100000, len(d)
PY
}

@test "pp-plot --refresh rewrites the outputs while a live stream is read" {
	fifo="$BATS_TEST_TMPDIR/fifo"
	mkfifo "$fifo"
	pp-plot --refresh 0.2 -o "$BATS_TEST_TMPDIR/live.svg" --html "$BATS_TEST_TMPDIR/live.html" <"$fifo" &
	pid=$!
	exec 5>"$fifo"
	head -200 "$TRACE" >&5
	# The first page is written at once, the first probes drawn as soon
	# as they are read (within a few refreshes, even on a loaded host).
	for i in $(seq 100); do grep -qs '198.18.4.2' "$BATS_TEST_TMPDIR/live.svg" && break; sleep 0.1; done
	grep -q 'http-equiv="refresh" content="1"' "$BATS_TEST_TMPDIR/live.html"
	grep -q '198.18.4.2' "$BATS_TEST_TMPDIR/live.svg"
	first=$(grep -o '[0-9]* sent' "$BATS_TEST_TMPDIR/live.svg")
	tail -n +201 "$TRACE" >&5
	sleep 0.6
	exec 5>&-
	wait "$pid"
	# The final files: full data, and the report no longer reloads.
	grep -q '120 sent' "$BATS_TEST_TMPDIR/live.svg"
	[ "$first" != "120 sent" ]
	! grep -q 'http-equiv="refresh"' "$BATS_TEST_TMPDIR/live.html"
	pp-plot -o "$BATS_TEST_TMPDIR/once.svg" "$TRACE"
	cmp "$BATS_TEST_TMPDIR/once.svg" "$BATS_TEST_TMPDIR/live.svg"
}

@test "pp-plot: bad lines are reported and skipped; --strict stops" {
	{ head -5 "$SMALL"; echo '{"type":"probe","ts":"x"'; echo '[1,2]'; tail -1 "$SMALL"; } >"$BATS_TEST_TMPDIR/bad.ndjson"
	pp_run 0 pp-plot -W 480 -H 240 "$BATS_TEST_TMPDIR/bad.ndjson"
	assert_stderr --partial "bad.ndjson:6: invalid JSON"
	assert_stderr --partial "bad.ndjson:7: not a JSON object"
	[ "$output" = "$(cat "$(fixture pp-plot small.latency.expected.svg)")" ]
	pp_run 1 pp-plot --strict -W 480 -H 240 "$BATS_TEST_TMPDIR/bad.ndjson"
	assert_stderr --partial "bad.ndjson:6:"
}

@test "pp-plot: a missing file is reported, the others still drawn, exit 1" {
	pp_run 1 pp-plot -W 480 -H 240 "$BATS_TEST_TMPDIR/nope.ndjson" "$SMALL"
	assert_stderr --partial "cannot open '$BATS_TEST_TMPDIR/nope.ndjson'"
	[ "$output" = "$(cat "$(fixture pp-plot small.latency.expected.svg)")" ]
}

@test "pp-plot: empty input draws a valid chart saying so" {
	pp_run 0 pp-plot </dev/null
	assert_output --partial "no probe records to plot"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/e.svg"
	xml_ok "$BATS_TEST_TMPDIR/e.svg"
	pp_run 1 pp-plot -t nosuch "$SMALL"
	assert_stderr --partial "no probe records for nosuch"
}

@test "pp-plot: a long input stays small and fast (columns merge)" {
	python3 - "$BATS_TEST_TMPDIR/long.ndjson" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(200000):
        st = "timeout" if i % 97 == 0 else "reply"
        rtt = "" if st == "timeout" else ',"rtt":%.3f' % (10 + (i % 13) * 0.5)
        f.write('{"type":"probe","ts":%.3f,"target":"l","seq":%d,"status":"%s"%s}\n' % (1764000000 + i * 0.01, i, st, rtt))
PY
	pp_run 0 pp-plot -o "$BATS_TEST_TMPDIR/long.svg" "$BATS_TEST_TMPDIR/long.ndjson"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/long.svg")" -lt 400000 ]
	grep -q '200000 sent, 1.0% lost' "$BATS_TEST_TMPDIR/long.svg"
	xml_ok "$BATS_TEST_TMPDIR/long.svg"
}

@test "pp-plot: a full disk is reported, exit 1" {
	[ -w /dev/full ] || skip "no /dev/full"
	pp_run 1 bash -c "pp-plot '$SMALL' >/dev/full"
	assert_stderr --partial "No space left on device"
}

@test "pp-plot: one run, one span: the charts' subtitles and the HTML report both end at the last probe drawn, not at the last column's end" {
	# small.ndjson: probes from 16:00:00.5 to 16:00:21; the subtitles
	# said "to 16:00:30" (the end of the last 10 s column) where the
	# report said "to 16:00:21".
	pp_run 0 pp-plot -W 480 -H 240 "$SMALL"
	assert_output --partial 'class="sub">2025-11-24 16:00:00 to 2025-11-24 16:00:21 UTC<'
	pp_run 0 pp-plot --html "$BATS_TEST_TMPDIR/r.html" "$SMALL"
	local html="$BATS_TEST_TMPDIR/r.html"
	grep -qF '6 probes from 2025-11-24 16:00:00 to 2025-11-24 16:00:21 UTC' "$html"
	# Every chart the report draws says the same span.
	n=$(grep -o 'class="sub">20[0-9][0-9]-[^<]*' "$html" | wc -l)
	[ "$n" -ge 2 ]
	run bash -c "grep -o 'class=\"sub\">20[0-9][0-9]-[^<]*' '$html' | grep -vc '>2025-11-24 16:00:00 to 2025-11-24 16:00:21 UTC'"
	[ "$output" = 0 ] || _pp_fail "a chart says another span" "$(grep -o 'class="sub">20[0-9][0-9]-[^<]*' "$html")"
	# With --step the span starts at the first column shown.
	pp_run 0 pp-plot --step 10s -W 480 -H 240 "$SMALL"
	assert_output --partial 'class="sub">2025-11-24 16:00:00 to 2025-11-24 16:00:21 UTC<'
}
