#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# pp-plot's whole report from one command: the figures, outages, alerts,
# route changes and MOS of pp-stats, pp-alert and pp-mos, marked on the
# charts; records of those commands used instead when given; live pages.

setup() {
	load 'test_helper/common'
	pp_setup
	export PP_DATADIR="$PP_TOP/share"
	S="$PP_TOP/share/samples/sample.ndjson.gz"
	CHECK="$PP_TOP/tests/report_check.py"
}

# The report of the sample and its charts (0: latency, 1: timeline), each
# valid XML.
sample_report() {
	pp-plot --html "$BATS_TEST_TMPDIR/r.html" "$@" "$S"
	mkdir -p "$BATS_TEST_TMPDIR/svg"
	python3 "$CHECK" svgs "$BATS_TEST_TMPDIR/r.html" "$BATS_TEST_TMPDIR/svg" >"$BATS_TEST_TMPDIR/svgs"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/svgs")" -eq 2 ]
	while read -r f; do xmllint --noout "$f"; done <"$BATS_TEST_TMPDIR/svgs"
	grep -q '<title>pp-plot latency</title>' "$BATS_TEST_TMPDIR/svg/0.svg"
	grep -q '<title>pp-plot timeline</title>' "$BATS_TEST_TMPDIR/svg/1.svg"
}

# want_mark CHART CLASS TS [TEXT]: a mark of that class at time TS (epoch
# s) on the chart, within half a pixel, its tooltip saying TEXT.
want_mark() {
	python3 "$CHECK" marks "$1" | jq -e --arg cls "$2" --argjson ts "$3" --arg text "${4:-}" '
		[.[] | select(.cls == $cls and ((.t - $ts) * .px_per_s | fabs) < 0.5 and
		    (.title | contains($text)))] | length == 1' >/dev/null ||
		_pp_fail "no $2 mark at $3 saying '${4:-}' on $1" "$(python3 "$CHECK" marks "$1")"
}

@test "report of the sample from raw probes: the outage, the route changes and the latency step, each marked at its time on both charts" {
	# Raw probes only: nothing computed is in the archive.
	[ "$(zcat "$S" | jq -r .type | sort -u | tr '\n' ' ')" = "meta probe " ]
	sample_report
	# The outage of the destination (pp-stats' rule): the 8 s cut of link 6.
	pp-stats -f ndjson "$S" | jq -c 'select(.type == "outage")' >"$BATS_TEST_TMPDIR/outages"
	cut=$(jq -s '[.[] | select(.duration > 8000)][0].start' "$BATS_TEST_TMPDIR/outages")
	[ "$cut" != null ]
	for c in 0 1; do
		want_mark "$BATS_TEST_TMPDIR/svg/$c.svg" ev-outage "$cut" "outage at hop 6"
	done
	# Its shaded span is its length on the time axis.
	python3 "$CHECK" marks "$BATS_TEST_TMPDIR/svg/0.svg" | jq -e --slurpfile o "$BATS_TEST_TMPDIR/outages" '
		[.[] | select(.cls == "ev-outage")] as $m | ($m | length) == ($o | length) and
		all(range(0; $m | length); . as $i | $m[$i].shapes[0] as $r |
		    $r.rect == "outage" and (($r.w - ($o[$i].end - $o[$i].start) * $m[$i].px_per_s) | fabs) < 1)' >/dev/null
	# The two route changes (pp-alert's): to router 3's twin and back.
	pp-alert -f ndjson "$S" | jq -c 'select(.type == "route" and .previous)' >"$BATS_TEST_TMPDIR/routes"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/routes")" -eq 2 ]
	t1=$(jq -s '.[0].ts' "$BATS_TEST_TMPDIR/routes")
	t2=$(jq -s '.[1].ts' "$BATS_TEST_TMPDIR/routes")
	for c in 0 1; do
		want_mark "$BATS_TEST_TMPDIR/svg/$c.svg" ev-route "$t1" "hop 3: 198.18.3.2 -> 198.18.103.2"
		want_mark "$BATS_TEST_TMPDIR/svg/$c.svg" ev-route "$t2" "hop 3: 198.18.103.2 -> 198.18.3.2"
	done
	# On the timeline the hop that changed has a dot on the line.
	python3 "$CHECK" marks "$BATS_TEST_TMPDIR/svg/1.svg" | jq -e '
		[.[] | select(.cls == "ev-route")] | length == 2' >/dev/null
	[ "$(grep -c '<circle [^>]*r="3.5" class="ev-route"' "$BATS_TEST_TMPDIR/svg/1.svg")" -eq 2 ]
	# The latency step (16 to 50 ms at 2:20): pp-alert's latency rise,
	# raised a few seconds after the first slow answer, never cleared.
	step=$(zcat "$S" | jq -s '[.[] | select(.type == "probe" and .status == "reply" and .rtt > 30)][0].ts')
	rise=$(pp-alert -f ndjson --rise 100 --no-route "$S" | jq -s '[.[] | select(.kind == "rise")][0].ts')
	jq -n -e --argjson s "$step" --argjson r "$rise" '$r > $s and $r < $s + 6' >/dev/null
	for c in 0 1; do
		want_mark "$BATS_TEST_TMPDIR/svg/$c.svg" ev-rise "$rise" "latency rise, raised at"
	done
	python3 "$CHECK" marks "$BATS_TEST_TMPDIR/svg/0.svg" | jq -e '
		[.[] | select(.cls == "ev-rise")][0].title | contains("still raised at the end")' >/dev/null
	# Every mark links to its row in the list of events.
	n=$(python3 "$CHECK" marks "$BATS_TEST_TMPDIR/svg/0.svg" | jq length)
	[ "$n" -ge 5 ]
	for i in $(seq "$n"); do
		grep -q "<a href=\"#t1-ev$i\">" "$BATS_TEST_TMPDIR/r.html"
		grep -q "<tr id=\"t1-ev$i\">" "$BATS_TEST_TMPDIR/r.html"
	done
}

@test "report figures: the hop table is pp-stats', the events pp-stats' and pp-alert's, the MOS pp-mos', for the same input and options" {
	sample_report
	python3 "$CHECK" table "$BATS_TEST_TMPDIR/r.html" >"$BATS_TEST_TMPDIR/t.json"
	# Each hop's row as pp-stats -f table prints it (the same digits).
	pp-stats -f table "$S" | awk '$1 ~ /^[0-9]+\.\|--$/ {
		sub(/\.\|--/, "", $1); gsub(/%/, "", $3); gsub(/%/, "", $4);
		print $1, $3, $4, $5, $6, $7, $8, $9, $10, $11 }' >"$BATS_TEST_TMPDIR/want"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/want")" -eq 6 ]
	jq -r '.[0][1:][] | [.[0], .[2], .[3], .[4], .[5], .[6], .[7], .[8], .[9], .[10]] | join(" ")' \
		"$BATS_TEST_TMPDIR/t.json" >"$BATS_TEST_TMPDIR/got"
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	# p95 as pp-stats' records have it.
	pp-stats -f ndjson "$S" | jq -r 'select(.type == "stats") | .p95' >"$BATS_TEST_TMPDIR/want"
	jq -r '.[0][1:][] | .[11]' "$BATS_TEST_TMPDIR/t.json" >"$BATS_TEST_TMPDIR/got"
	diff <(awk '{ printf "%g\n", $1 }' "$BATS_TEST_TMPDIR/want") <(awk '{ printf "%g\n", $1 }' "$BATS_TEST_TMPDIR/got")
	# The events: pp-stats' outages, pp-alert's alerts and route changes at
	# the report's thresholds, at their times.
	pp-stats -f ndjson "$S" | jq -r 'select(.type == "outage") | "outage \(.start | floor)"' >"$BATS_TEST_TMPDIR/want"
	pp-alert -f ndjson --loss 20 --latency 250 --rise 100 "$S" | jq -r '
		(select(.type == "alert" and .state == "raise" and .kind != "route") | "\(.kind) \(.ts | floor)"),
		(select(.type == "route" and .previous) | "route \(.ts | floor)")' >>"$BATS_TEST_TMPDIR/want"
	jq -r '.[1][1:][] | "\({"outage": "outage", "loss alert": "loss", "latency alert": "latency",
		"latency rise": "rise", "route change": "route", "unreachable": "unreachable"}[.[2]])|\(.[1])"' "$BATS_TEST_TMPDIR/t.json" |
		while IFS='|' read -r kind when; do
			printf '%s %s\n' "$kind" "$(date -u -d "$when" +%s)"
		done >"$BATS_TEST_TMPDIR/got"
	diff <(sort "$BATS_TEST_TMPDIR/want") <(sort "$BATS_TEST_TMPDIR/got")
	# The MOS: pp-mos' score of the destination.
	mos=$(pp-mos -f ndjson "$S" | jq -r 'select(.type == "mos") | .mos * 100 | round / 100')
	grep -q "MOS $mos, R " "$BATS_TEST_TMPDIR/r.html"
	python3 "$CHECK" cards "$BATS_TEST_TMPDIR/r.html" | jq -e --arg m "$mos" '
		.[0] | startswith("9.2% loss at the destination, 33 of 360 probes")' >/dev/null
	python3 "$CHECK" cards "$BATS_TEST_TMPDIR/r.html" | jq -e --arg m "$mos" '
		[.[] | select(startswith($m + " MOS"))] | length == 1' >/dev/null
	# Other options, the same as pp-alert's: the same alerts.
	sample_report --loss 5 --latency 0 --rise 0 --window 10 --no-route
	python3 "$CHECK" table "$BATS_TEST_TMPDIR/r.html" | jq -r '.[1][1:][] | select(.[2] == "loss alert") | .[1]' >"$BATS_TEST_TMPDIR/got"
	pp-alert -f ndjson --loss 5 --window 10 --no-route "$S" | jq -r '
		select(.type == "alert" and .state == "raise" and .kind == "loss") | .ts | floor | strftime("%Y-%m-%d %H:%M:%S")' >"$BATS_TEST_TMPDIR/want"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/want")" -ge 3 ]
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	! grep -q 'route change' "$BATS_TEST_TMPDIR/got"
}

@test "report: records of pp-stats, pp-alert and pp-mos in the input are shown instead of computed ones" {
	pp-alert -f ndjson --loss 5 --window 10 --no-route "$S" >"$BATS_TEST_TMPDIR/a.ndjson"
	pp-stats --every 1m "$S" >"$BATS_TEST_TMPDIR/s.ndjson"
	pp-mos -c g729a "$S" >"$BATS_TEST_TMPDIR/m.ndjson"
	pp_run 0 pp-plot --html "$BATS_TEST_TMPDIR/r.html" "$S" "$BATS_TEST_TMPDIR/a.ndjson" \
		"$BATS_TEST_TMPDIR/s.ndjson" "$BATS_TEST_TMPDIR/m.ndjson"
	python3 "$CHECK" table "$BATS_TEST_TMPDIR/r.html" >"$BATS_TEST_TMPDIR/t.json"
	# Alerts: exactly pp-alert's (its --no-route: no route change either).
	[ "$(jq '[.[1][1:][] | select(.[2] == "loss alert")] | length' "$BATS_TEST_TMPDIR/t.json")" -eq \
		"$(jq -s '[.[] | select(.type == "alert" and .state == "raise" and .kind == "loss")] | length' "$BATS_TEST_TMPDIR/a.ndjson")" ]
	[ "$(jq '[.[1][1:][] | select(.[2] == "route change" or .[2] == "latency rise")] | length' "$BATS_TEST_TMPDIR/t.json")" -eq 0 ]
	# Hop rows: the latest window of pp-stats --every 1m (not the 360 probes
	# of the whole input), and its outages.
	last=$(jq -s '[.[] | select(.type == "stats" and .ttl == 6)][-1].sent' "$BATS_TEST_TMPDIR/s.ndjson")
	[ "$last" -lt 360 ]
	[ "$(jq -r '.[0][6][4]' "$BATS_TEST_TMPDIR/t.json")" = "$last" ]
	# MOS: pp-mos' with its codec.
	mos=$(jq -r 'select(.type == "mos") | .mos * 100 | round / 100' "$BATS_TEST_TMPDIR/m.ndjson")
	grep -q "MOS $mos, R [0-9.]* ([a-z ]*): g729a, emodel" "$BATS_TEST_TMPDIR/r.html"
	grep -q 'the mos records of the input' "$BATS_TEST_TMPDIR/r.html"
	# A pp-alert meta record with nothing raised is a finding: nothing
	# computed either.
	pp-alert -f ndjson --loss 99 --no-route --pass "$S" | grep -v '"type":"probe"' >/dev/null || true
	printf '{"type":"meta","tool":"pp-alert","version":"0","schema":1,"ts":1,"host":"h","argv":["pp-alert"],"settings":{}}\n' >"$BATS_TEST_TMPDIR/none.ndjson"
	pp_run 0 pp-plot --html "$BATS_TEST_TMPDIR/r2.html" "$S" "$BATS_TEST_TMPDIR/none.ndjson"
	python3 "$CHECK" table "$BATS_TEST_TMPDIR/r2.html" | jq -e '[.[1][1:][] | select(.[2] != "outage")] | length == 0' >/dev/null
}

@test "summary chart: axes with ticks and a true scale (loss not filling its column)" {
	pp_run 0 pp-plot -c summary -o "$BATS_TEST_TMPDIR/s.svg" "$S" "$(fixture pp-plot trace.ndjson)"
	xmllint --noout "$BATS_TEST_TMPDIR/s.svg"
	python3 - "$BATS_TEST_TMPDIR/s.svg" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
# The loss panel's ticks: the labels under its heading, left of the next.
texts = list(root.iter(ns + "text"))
head = [t for t in texts if t.text == "loss (%)"][0]
nxt = [t for t in texts if (t.text or "").startswith("RTT (ms)")][0]
ticks = {}
for t in texts:
    if t.get("class") == "dim" and float(head.get("x")) <= float(t.get("x")) < float(nxt.get("x")):
        ticks[float(t.text)] = float(t.get("x"))
assert 0 in ticks and len(ticks) >= 3, ticks
top = max(ticks)
x0, x1 = ticks[0], ticks[top]
for g in root.iter(ns + "g"):
    if g.get("class") != "target":
        continue
    title = g.find(ns + "title").text
    loss = float(title.split("loss ")[1].split("%")[0])
    bar = g.find(ns + "rect")
    w = float(bar.get("width"))
    want = loss / top * (x1 - x0)
    assert abs(w - max(want, 1)) < 0.6, (title, w, want)
    # 9.2% on a scale to 10%: the bar ends where the axis says 9.2.
    print(title.split(":")[0], loss, round(w / (x1 - x0) * top, 2))
PY
	# The scales say what they are.
	grep -q '>loss (%)<' "$BATS_TEST_TMPDIR/s.svg"
	grep -q '>RTT (ms): median, p95<' "$BATS_TEST_TMPDIR/s.svg"
	grep -q '>MOS (1 to 4.5)<' "$BATS_TEST_TMPDIR/s.svg"
	for g in 1 2 3 4; do grep -q "class=\"dim\">$g<" "$BATS_TEST_TMPDIR/s.svg"; done
}

@test "narrow charts: at -W 600 (and 320) no legend or label runs off the picture" {
	command -v rsvg-convert >/dev/null || skip "rsvg-convert not installed"
	for w in 600 320; do
		for c in timeline latency heatmap; do
			pp-plot -c "$c" -W "$w" -o "$BATS_TEST_TMPDIR/$c.svg" "$S"
			rsvg-convert "$BATS_TEST_TMPDIR/$c.svg" -o "$BATS_TEST_TMPDIR/$c.png"
			python3 "$CHECK" edge "$BATS_TEST_TMPDIR/$c.png" 3 ||
				_pp_fail "$c at -W $w: ink at the right edge"
		done
	done
}

@test "--refresh: the first page at once, the first probes drawn without waiting for the interval" {
	fifo="$BATS_TEST_TMPDIR/fifo"
	mkfifo "$fifo"
	page="$BATS_TEST_TMPDIR/live.html"
	pp-plot --refresh 30 --html "$page" <"$fifo" &
	pid=$!
	exec 5>"$fifo"
	t0=$(date +%s.%N)
	for i in $(seq 20); do [ -s "$page" ] && break; sleep 0.05; done
	t1=$(date +%s.%N)
	[ -s "$page" ]
	jq -n -e --argjson a "$t0" --argjson b "$t1" '$b - $a < 1' >/dev/null
	grep -q 'No probe records yet' "$page"
	grep -q 'http-equiv="refresh" content="30"' "$page"
	# Records arrive: drawn at once, not 30 s later.
	zcat "$S" | head -100 >&5
	for i in $(seq 20); do grep -q '<svg' "$page" && break; sleep 0.05; done
	grep -Eq '[1-9][0-9]* probes from' "$page"
	exec 5>&-
	wait "$pid"
	! grep -q 'http-equiv="refresh"' "$page"
}

@test "--refresh: each page covers the whole run so far, with MOS and outages computed live" {
	fifo="$BATS_TEST_TMPDIR/fifo"
	mkfifo "$fifo"
	page="$BATS_TEST_TMPDIR/live.html"
	zcat "$S" >"$BATS_TEST_TMPDIR/all"
	pp-plot --refresh 0.2 --html "$page" <"$fifo" &
	pid=$!
	exec 5>"$fifo"
	# Up to 10 s after the 8 s outage (records 0..1500), then wait.
	end=$(jq -s '[.[] | select(.type == "outage" and .duration > 8000)][0].end + 10' <(pp-stats -f ndjson "$BATS_TEST_TMPDIR/all"))
	n=$(jq -r --argjson e "$end" 'select(.type == "meta" or .ts < $e) | 1' "$BATS_TEST_TMPDIR/all" | wc -l)
	head -n "$n" "$BATS_TEST_TMPDIR/all" >&5
	first=$(sed -n 2p "$BATS_TEST_TMPDIR/all" | jq -r '.ts | floor | strftime("%Y-%m-%d %H:%M:%S")')
	last=$(sed -n "${n}p" "$BATS_TEST_TMPDIR/all" | jq -r '.ts | floor | strftime("%Y-%m-%d %H:%M:%S")')
	for i in $(seq 50); do grep -q "$((n - 1)) probes from" "$page" 2>/dev/null && break; sleep 0.1; done
	# The whole run so far, not the last records.
	grep -q "$((n - 1)) probes from $first to $last UTC" "$page"
	# The outage ended: listed and marked; the MOS of the records so far.
	python3 "$CHECK" table "$page" | jq -e '[.[1][1:][] | select(.[2] == "outage" and (.[4] | contains("outage at hop 6")))] | length >= 1' >/dev/null
	head -n "$n" "$BATS_TEST_TMPDIR/all" | pp-mos -f ndjson | jq -r 'select(.type == "mos") | .mos * 100 | round / 100' >"$BATS_TEST_TMPDIR/mos"
	grep -q "MOS $(cat "$BATS_TEST_TMPDIR/mos"), R " "$page"
	# The rest: the final page is the one-shot report.
	tail -n +"$((n + 1))" "$BATS_TEST_TMPDIR/all" >&5
	exec 5>&-
	wait "$pid"
	pp-plot --html "$BATS_TEST_TMPDIR/once.html" "$S"
	cmp "$BATS_TEST_TMPDIR/once.html" "$page"
}

@test "--refresh: memory stays bounded on a long stream (the columns coarsen)" {
	gen="${BUILD:-$PP_TOP/build}/tests/bench/gen"
	[ -x "$gen" ] || skip "tests/bench/gen not built"
	command -v /usr/bin/time >/dev/null || skip "no /usr/bin/time"
	# A sanitizer build keeps freed memory in quarantine: its RSS says
	# nothing of ours (the stream still runs, checked for errors).
	sizes="200000 2000000"
	sanitized pp-plot && sizes=200000
	for n in $sizes; do
		"$gen" -n "$n" -t 2 -i 0.05 | /usr/bin/time -f '%M' -o "$BATS_TEST_TMPDIR/rss$n" \
			pp-plot --refresh 1 --html "$BATS_TEST_TMPDIR/l$n.html"
		# The whole run: the probes of both targets, all of them.
		grep -Eq "^<p>$((n)) probes from .*, 2 targets.</p>" "$BATS_TEST_TMPDIR/l$n.html" ||
			_pp_fail "$n records: $(grep -o '<p>[0-9]* probes from[^<]*' "$BATS_TEST_TMPDIR/l$n.html")"
	done
	sanitized pp-plot && skip "memory not measured in a sanitizer build"
	small=$(tail -1 "$BATS_TEST_TMPDIR/rss200000")
	big=$(tail -1 "$BATS_TEST_TMPDIR/rss2000000")
	echo "peak RSS: $small KB for 200k records, $big KB for 2M" >&3
	# Ten times the records: not ten times the memory (bounded by the
	# picture and the targets' hops), and small in any case.
	[ "$big" -lt $((small * 3 / 2)) ]
	[ "$big" -lt 60000 ]
}
