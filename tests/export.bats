#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# pp-stats -f prom and -f influx against the real engines: promtool,
# node_exporter's textfile collector, an InfluxDB server on loopback; -o;
# the share/examples recipes.

setup() {
	load 'test_helper/common'
	load 'test_helper/servers'
	pp_setup
	# The synthetic 12-hop trace, whose figures these tests know (the
	# bundled sample is a lab recording).
	SAMPLE="$PP_TOP/tests/fixtures/pp-alert/synthetic.ndjson.gz"
	EX="$PP_TOP/share/examples"
	T="$BATS_TEST_TMPDIR"
}

teardown() {
	if [ -n "${SMALL:-}" ]; then
		umount "$SMALL" 2>/dev/null || true
	fi
	stop_servers
}

# prom_json < exposition: the samples as a JSON array of {name, labels,
# value} (label values unescaped, NaN as null), by a parser of the text
# format written from its specification.
prom_json() {
	python3 -c '
import json, re, sys
NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)=\"")
UNESC = {"\\": "\\", "\"": "\"", "n": "\n"}
out = []
for line in sys.stdin.read().split("\n"):
    if not line or line.startswith("#"):
        continue
    m = NAME.match(line)
    i = m.end()
    labels = {}
    if line[i] == "{":
        i += 1
        while line[i] != "}":
            m = LABEL.match(line, i)
            key, i, v = m.group(1), m.end(), []
            while line[i] != "\"":
                if line[i] == "\\":
                    v.append(UNESC[line[i + 1]])
                    i += 2
                else:
                    v.append(line[i])
                    i += 1
            labels[key] = "".join(v)
            i += 1
            if line[i] == ",":
                i += 1
        i += 1
    fields = line[i:].split()
    assert len(fields) == 1, "timestamp or junk: " + line
    val = float(fields[0])
    out.append({"name": m and NAME.match(line).group(0), "labels": labels,
                "value": None if val != val else val})
json.dump(out, sys.stdout)
'
}

# probes TARGET...: three answered probes and a lost one per target, as
# NDJSON (targets given as JSON strings, so any string can be written).
probes() {
	local t
	for t in "$@"; do
		printf '{"type":"probe","ts":1764000000.0,"target":%s,"dst":"198.18.9.2","proto":"icmp","seq":0,"status":"reply","from":"198.18.9.2","rtt":10.0}\n' "$t"
		printf '{"type":"probe","ts":1764000001.0,"target":%s,"dst":"198.18.9.2","proto":"icmp","seq":1,"status":"reply","from":"198.18.9.2","rtt":12.5}\n' "$t"
		printf '{"type":"probe","ts":1764000002.0,"target":%s,"dst":"198.18.9.2","proto":"icmp","seq":2,"status":"timeout"}\n' "$t"
		printf '{"type":"probe","ts":1764000003.0,"target":%s,"dst":"198.18.9.2","proto":"icmp","seq":3,"status":"reply","from":"198.18.9.2","rtt":11.0}\n' "$t"
	done
}

# Targets no exposition may break: quotes, backslashes (one at the end),
# newline, carriage return, tab, commas, spaces, equals signs, braces,
# UTF-8 and a character beyond the BMP.
WEIRD=('"plain.example"' '"say \"hi\""' '"back\\slash\\"' '"new\nline"'
	'"cr\rtab\t"' '"a, b=c d"' '"{x=\"}\"}"' '"caf\u00e9 \u2603 \ud83d\ude00"'
	'"# HELP not a comment"' '"\\\\,\\ \\="')

@test "pp-stats -f prom: promtool accepts the sample; every figure equals the NDJSON stats" {
	need promtool prometheus
	pp_run 0 pp-stats -f prom "$SAMPLE"
	printf '%s\n' "$output" >"$T/pp.prom"
	pp_run 0 promtool check metrics <"$T/pp.prom"
	[ -z "$output$stderr" ]
	# HELP and TYPE before each family, names pp_*, no timestamps.
	[ "$(grep -c '^# TYPE ' "$T/pp.prom")" -eq 19 ]
	[ "$(grep -c '^# HELP ' "$T/pp.prom")" -eq 19 ]
	! grep -v '^#' "$T/pp.prom" | grep -v '^pp_'
	grep -qx '# TYPE pp_rtt_seconds summary' "$T/pp.prom"
	grep -qx '# TYPE pp_probes_sent_total counter' "$T/pp.prom"
	prom_json <"$T/pp.prom" >"$T/prom.json"
	pp-stats "$SAMPLE" | jq -c 'select(.type == "stats")' >"$T/stats.ndjson"
	[ "$(wc -l <"$T/stats.ndjson")" -eq 12 ]
	# Each figure, record by record (RTTs from s to ms; ratios to %).
	jq -n -e --slurpfile p "$T/prom.json" --slurpfile s "$T/stats.ndjson" '
		def near($a; $b; $tol): ($a == null and $b == null) or
			($a != null and $b != null and (($a - $b) | fabs) <= $tol);
		def v($st; $n; $q): [$p[0][] | select(.name == $n and
			.labels.target == $st.target and
			.labels.ttl == ($st.ttl | tostring) and
			.labels.addr == $st.addr and
			.labels.quantile == $q) | .value];
		def one($st; $n; $q): v($st; $n; $q) as $x |
			if ($x | length) == 1 then $x[0] else error("\($n) \($q) of \($st.ttl): \($x)") end;
		def ms($st; $n): one($st; $n; null) as $x | if $x == null then null else $x * 1000 end;
		[$s[] as $st |
			one($st; "pp_probes_sent_total"; null) == $st.sent and
			one($st; "pp_probes_received_total"; null) == $st.recv and
			one($st; "pp_rtt_seconds_count"; null) == $st.recv and
			near(one($st; "pp_loss_ratio"; null) * 100; $st.loss; 0.0005) and
			near(one($st; "pp_forwarding_loss_ratio"; null) * 100; $st.fwd_loss; 0.0005) and
			near(one($st; "pp_loss_ratio_lower"; null) * 100; $st.loss_ci[0]; 0.0005) and
			near(one($st; "pp_loss_ratio_upper"; null) * 100; $st.loss_ci[1]; 0.0005) and
			near(one($st; "pp_forwarding_loss_ratio_lower"; null) * 100; $st.fwd_loss_ci[0]; 0.0005) and
			near(one($st; "pp_forwarding_loss_ratio_upper"; null) * 100; $st.fwd_loss_ci[1]; 0.0005) and
			near(one($st; "pp_rtt_seconds"; "0.5") * 1000; $st.p50; 0.0005) and
			near(one($st; "pp_rtt_seconds"; "0.9") * 1000; $st.p90; 0.0005) and
			near(one($st; "pp_rtt_seconds"; "0.95") * 1000; $st.p95; 0.0005) and
			near(one($st; "pp_rtt_seconds"; "0.99") * 1000; $st.p99; 0.0005) and
			near(one($st; "pp_rtt_seconds_sum"; null) * 1000; $st.avg * $st.recv; 0.0005 * $st.recv + 0.001) and
			near(ms($st; "pp_rtt_last_seconds"); $st.last; 0.0005) and
			near(ms($st; "pp_rtt_min_seconds"); $st.min; 0.0005) and
			near(ms($st; "pp_rtt_avg_seconds"); $st.avg; 0.0005) and
			near(ms($st; "pp_rtt_max_seconds"); $st.max; 0.0005) and
			near(ms($st; "pp_rtt_stdev_seconds"); $st.stdev; 0.0005) and
			near(ms($st; "pp_jitter_seconds"); $st.jitter; 0.0005) and
			near(ms($st; "pp_jitter_max_seconds"); $st.jmax; 0.0005) and
			near(ms($st; "pp_interarrival_jitter_seconds"); $st.jint; 0.0005) and
			one($st; "pp_window_start_timestamp_seconds"; null) == $st.start and
			one($st; "pp_window_end_timestamp_seconds"; null) == $st.end
		] | length == 12 and all' >/dev/null
	# 12 series in each of 18 families, 6 samples in the summary.
	[ "$(jq length "$T/prom.json")" -eq $((12 * 18 + 12 * 6)) ]
}

@test "pp-stats -f prom: seconds and ratios are the records' figures divided, not rounded again" {
	# Averages on a half microsecond (1.137 and 1.138 ms: 1.1375) and
	# losses on a half thousandth of a percent (1 of 320: 0.3125%): the
	# records say 1.137 and 0.312, the exposition said 0.001138 and
	# 0.00313 for some of them.
	awk 'BEGIN {
		print "{\"type\":\"meta\",\"tool\":\"pp-probe\",\"version\":\"0.1.0\",\"schema\":1,\"ts\":1764000000.0,\"host\":\"vp\",\"argv\":[\"pp-probe\"],\"settings\":{\"proto\":\"icmp\",\"interval\":1.0,\"timeout\":1.0}}"
		p = "{\"type\":\"probe\",\"ts\":%d.0,\"target\":\"%s\",\"dst\":\"198.18.0.9\",\"proto\":\"icmp\",\"seq\":%d,%s}\n"
		for (i = 0; i < 30; i++) {
			a = 1 + i * 0.137
			for (j = 0; j < 2; j++)
				printf p, 1764000000 + j, "a" i, j, sprintf("\"status\":\"reply\",\"from\":\"198.18.0.9\",\"rtt\":%.3f", a + j * 0.001)
		}
		split("64 128 160 320 640", ns, " ")
		for (k = 1; k <= 5; k++)
			for (j = 0; j < ns[k]; j++)
				printf p, 1764000000 + j, "n" ns[k], j, j == 0 ? "\"status\":\"timeout\"" : "\"status\":\"reply\",\"from\":\"198.18.0.9\",\"rtt\":1.0"
	}' >"$T/half.ndjson"
	pp-stats "$T/half.ndjson" | jq -r 'select(.type == "stats") | "\(.target) \(.avg) \(.loss) \(.loss_ci[0]) \(.loss_ci[1])"' |
	    awk '{ printf "%s %.6f %.5f %.5f %.5f\n", $1, $2 / 1000, $3 / 100, $4 / 100, $5 / 100 }' >"$T/want"
	[ "$(wc -l <"$T/want")" -eq 35 ]
	pp_run 0 pp-stats -f prom "$T/half.ndjson"
	for f in pp_rtt_avg_seconds pp_loss_ratio pp_loss_ratio_lower pp_loss_ratio_upper; do
		printf '%s\n' "$output" | awk -v f="$f" 'index($0, f "{") == 1 {
			match($0, /target="[^"]*"/)
			printf "%s %.6f\n", substr($0, RSTART + 8, RLENGTH - 9), $NF }' |
		    LC_ALL=C sort >"$T/got.$f"
	done
	LC_ALL=C join "$T/got.pp_rtt_avg_seconds" "$T/got.pp_loss_ratio" |
	    LC_ALL=C join - "$T/got.pp_loss_ratio_lower" |
	    LC_ALL=C join - "$T/got.pp_loss_ratio_upper" | awk '{ printf "%s %.6f %.5f %.5f %.5f\n", $1, $2, $3, $4, $5 }' >"$T/got"
	LC_ALL=C sort "$T/want" >"$T/want.s"
	diff "$T/want.s" "$T/got"
}

@test "pp-stats -f prom --every: gauges of each series' latest window, counters and _sum/_count over all" {
	need promtool prometheus
	pp_run 0 pp-stats -f prom --every 5m "$SAMPLE"
	printf '%s\n' "$output" >"$T/pp.prom"
	promtool check metrics <"$T/pp.prom"
	prom_json <"$T/pp.prom" >"$T/prom.json"
	pp-stats --every 5m "$SAMPLE" | jq -c 'select(.type == "stats")' >"$T/stats.ndjson"
	jq -n -e --slurpfile p "$T/prom.json" --slurpfile s "$T/stats.ndjson" '
		def get($n; $ttl; $q): [$p[0][] | select(.name == $n and
			.labels.ttl == ($ttl | tostring) and .labels.quantile == $q) | .value] |
			if length == 1 then .[0] else error("\($n) \($ttl): \(.)") end;
		[$s[] | select(.ttl == 5)] as $w |
		($w | length) == 5 and ($w[-1]) as $last |
		get("pp_probes_sent_total"; 5; null) == ($w | map(.sent) | add) and
		get("pp_probes_received_total"; 5; null) == ($w | map(.recv) | add) and
		get("pp_rtt_seconds_count"; 5; null) == ($w | map(.recv) | add) and
		((get("pp_rtt_seconds_sum"; 5; null) * 1000 - ($w | map(.avg * .recv) | add)) | fabs) < 1 and
		((get("pp_rtt_avg_seconds"; 5; null) * 1000 - $last.avg) | fabs) < 0.0005 and
		((get("pp_rtt_seconds"; 5; "0.99") * 1000 - $last.p99) | fabs) < 0.0005 and
		get("pp_window_start_timestamp_seconds"; 5; null) == $last.start and
		((get("pp_loss_ratio"; 5; null) * 100 - $last.loss) | fabs) < 0.0005' >/dev/null
}

@test "pp-stats -f prom: any target string gives a valid exposition and reads back unchanged" {
	need promtool prometheus
	probes "${WEIRD[@]}" >"$T/weird.ndjson"
	pp_run 0 pp-stats -f prom "$T/weird.ndjson"
	printf '%s\n' "$output" >"$T/weird.prom"
	pp_run 0 promtool check metrics <"$T/weird.prom"
	[ -z "$output$stderr" ]
	grep -qF 'pp_probes_sent_total{target="say \"hi\"",addr="198.18.9.2"} 4' "$T/weird.prom"
	grep -qF 'pp_probes_sent_total{target="back\\slash\\",addr="198.18.9.2"} 4' "$T/weird.prom"
	grep -qF 'pp_probes_sent_total{target="new\nline",addr="198.18.9.2"} 4' "$T/weird.prom"
	# The targets the parser reads back are the ones of the records.
	printf '%s\n' "${WEIRD[@]}" | jq -s -c 'sort' >"$T/want"
	prom_json <"$T/weird.prom" | jq -c '[.[] | select(.name == "pp_probes_sent_total") | .labels.target] | sort' >"$T/got"
	cmp "$T/want" "$T/got"
	# Figures of the fixture: 4 sent, 3 answered, avg 11.167 ms.
	grep -qF 'pp_loss_ratio{target="plain.example",addr="198.18.9.2"} 0.25' "$T/weird.prom"
	grep -qF 'pp_rtt_avg_seconds{target="plain.example",addr="198.18.9.2"} 0.011167' "$T/weird.prom"
	grep -qF 'pp_rtt_seconds_sum{target="plain.example",addr="198.18.9.2"} 0.0335' "$T/weird.prom"
}

@test "pp-stats -f prom: MOS and R from pp-mos's records, equal to pp-mos's figures" {
	need promtool prometheus
	pp-mos "$SAMPLE" >"$T/mos.ndjson"
	pp-mos -m simplified --every 10m "$SAMPLE" >"$T/mos-windows.ndjson"
	pp_run 0 pp-stats -f prom "$SAMPLE" "$T/mos.ndjson" "$T/mos-windows.ndjson"
	printf '%s\n' "$output" >"$T/pp.prom"
	pp_run 0 promtool check metrics <"$T/pp.prom"
	grep -qx '# TYPE pp_mos gauge' "$T/pp.prom"
	grep -qx '# TYPE pp_r_factor gauge' "$T/pp.prom"
	grep -q '^pp_probes_sent_total{' "$T/pp.prom"
	prom_json <"$T/pp.prom" >"$T/prom.json"
	# One series per target, codec and model: the emodel run's figures,
	# and the simplified model's latest window.
	jq -n -e --slurpfile p "$T/prom.json" --slurpfile m "$T/mos.ndjson" --slurpfile w "$T/mos-windows.ndjson" '
		def get($n; $model): [$p[0][] | select(.name == $n and .labels.model == $model and
			.labels.target == "target0.example" and .labels.codec == "g711-plc") | .value] |
			if length == 1 then .[0] else error("\($n) \($model): \(.)") end;
		($m | map(select(.type == "mos"))[0]) as $e |
		($w | map(select(.type == "mos"))[-1]) as $s |
		get("pp_mos"; "emodel") == $e.mos and get("pp_r_factor"; "emodel") == $e.r and
		get("pp_mos"; "simplified") == $s.mos and get("pp_r_factor"; "simplified") == $s.r and
		([$p[0][] | select(.name == "pp_mos")] | length) == 2' >/dev/null
	# A stream of mos records alone (pp-mos keeps the stats records):
	# only the MOS gauges.
	pp_sh 0 "pp-stats '$SAMPLE' | pp-mos | pp-stats -f prom"
	printf '%s\n' "$output" >"$T/mos.prom"
	promtool check metrics <"$T/mos.prom"
	[ "$(grep -c '^# TYPE' "$T/mos.prom")" -eq 2 ]
	# (The mos records carry the archive's vantage point through pp-mos.)
	grep -q '^pp_mos{vantage="synthetic",target="target0.example",codec="g711-plc",model="emodel"} 4\.' "$T/mos.prom"
	# The other formats ignore mos records, as before.
	pp_run 0 pp-stats "$T/mos.ndjson"
	[ -z "$output" ]
}

@test "pp-stats -f prom and -f influx: an empty input gives empty output" {
	pp_run 0 pp-stats -f prom /dev/null
	[ -z "$output" ]
	pp_run 0 pp-stats -f influx /dev/null
	[ -z "$output" ]
	echo '{"type":"meta","tool":"pp-probe"}' >"$T/meta"
	pp_run 0 pp-stats -f prom "$T/meta"
	[ -z "$output" ]
}

@test "pp-stats -o: the file is replaced atomically, kept as it was on failure" {
	d="$T/textfile"
	mkdir "$d"
	# A new file: 0666 less the umask.
	pp_run 0 sh -c "umask 027 && pp-stats -f prom -o '$d/pp.prom' '$SAMPLE'"
	[ "$(stat -c %a "$d/pp.prom")" = 640 ]
	# A replaced file keeps its permission bits.
	echo 'old 1' >"$d/pp.prom"
	chmod 604 "$d/pp.prom"
	pp_run 0 sh -c "umask 027 && pp-stats -f prom -o '$d/pp.prom' '$SAMPLE'"
	[ -z "$output" ]
	grep -q '^pp_probes_sent_total{vantage="synthetic",target="target0.example",ttl="1",addr="198.18.1.2"} 1250$' "$d/pp.prom"
	[ "$(stat -c %a "$d/pp.prom")" = 604 ]
	[ "$(ls -A "$d")" = pp.prom ]
	cp "$d/pp.prom" "$T/good"
	# A missing input: exit 1, the old file stays, no temporary file.
	pp_run 1 pp-stats -f prom -o "$d/pp.prom" "$SAMPLE" "$T/missing.ndjson.gz"
	assert_stderr --partial "missing.ndjson.gz"
	assert_stderr --partial "'$d/pp.prom' not replaced"
	cmp "$T/good" "$d/pp.prom"
	[ "$(ls -A "$d")" = pp.prom ]
	# --strict and a bad line: the same.
	{ zcat "$SAMPLE" | head -100; echo '{bad'; } >"$T/bad.ndjson"
	pp_run 1 pp-stats -f prom --strict -o "$d/pp.prom" "$T/bad.ndjson"
	cmp "$T/good" "$d/pp.prom"
	[ "$(ls -A "$d")" = pp.prom ]
	# Any format; a directory that does not exist.
	pp_run 0 pp-stats -f csv -o "$d/x.csv" "$SAMPLE"
	[ "$(pp-stats -f csv "$SAMPLE")" = "$(cat "$d/x.csv")" ]
	pp_run 1 pp-stats -f prom -o "$T/none/pp.prom" "$SAMPLE"
	assert_stderr --partial "cannot create a temporary file for '$T/none/pp.prom': No such file or directory"
	pp_run 2 pp-stats -o ''
	# A full file system (a small tmpfs, as root): exit 1, old file kept.
	if [ "$(id -u)" = 0 ] && mkdir "$T/small" &&
	    mount -t tmpfs -o size=8k tmpfs "$T/small" 2>/dev/null; then
		SMALL="$T/small"
		echo 'old 2' >"$SMALL/pp.prom"
		pp_run 1 pp-stats -f prom -o "$SMALL/pp.prom" "$SAMPLE"
		assert_stderr --partial "write error: No space left on device"
		assert_stderr --partial "'$SMALL/pp.prom' not replaced"
		[ "$(cat "$SMALL/pp.prom")" = 'old 2' ]
		[ "$(ls -A "$SMALL")" = pp.prom ]
	fi
	# A reader polling during many rewrites never sees a partial file.
	for i in $(seq 20); do pp-stats -f prom -o "$d/pp.prom" "$SAMPLE"; done &
	w=$!
	while kill -0 "$w" 2>/dev/null; do
		cmp -s "$T/good" "$d/pp.prom" || { echo "partial file seen" >&2; false; }
	done
	wait "$w"
	[ "$(ls -A "$d" | tr "\n" " ")" = "pp.prom x.csv " ]
}

@test "textfile collector recipe: node_exporter serves pp-stats' metrics on loopback" {
	need prometheus-node-exporter prometheus-node-exporter
	need curl curl
	d="$T/textfile"
	mkdir "$d"
	# The recipe of pp-stats(1) and share/examples, with a temp directory.
	pp-stats -f prom --every 1m -o "$d/pp.prom" "$SAMPLE"
	probes "${WEIRD[@]}" | pp-stats -f prom -o "$d/weird.prom"
	port=$(free_port)
	prometheus-node-exporter --web.listen-address="127.0.0.1:$port" \
		--collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$d" >"$T/ne.log" 2>&1 &
	echo $! >"$T/node-exporter.pid"
	for _ in $(seq 100); do
		curl -fsS -o "$T/metrics" "http://127.0.0.1:$port/metrics" 2>/dev/null && break
		sleep 0.1
	done
	[ -s "$T/metrics" ] || { cat "$T/ne.log" >&2; false; }
	grep -q '^node_textfile_scrape_error 0$' "$T/metrics" || { grep textfile "$T/metrics" "$T/ne.log" >&2; false; }
	grep -q '^pp_probes_sent_total{addr="198.18.100.1",target="target0.example",ttl="12",vantage="synthetic"} 1250$' "$T/metrics"
	grep -q '^pp_rtt_seconds{addr="198.18.1.2",target="target0.example",ttl="1",vantage="synthetic",quantile="0.99"} ' "$T/metrics"
	grep -q '^# TYPE pp_rtt_seconds summary$' "$T/metrics"
	# node_exporter parsed the label values and wrote them again: the
	# targets read back are still those of the records.
	printf '%s\n' "${WEIRD[@]}" | jq -s -c 'sort' >"$T/want"
	prom_json <"$T/metrics" | jq -c '[.[] | select(.name == "pp_probes_sent_total" and .labels.addr == "198.18.9.2" and .labels.ttl == null) | .labels.target] | sort' >"$T/got"
	cmp "$T/want" "$T/got"
	# A rewrite is seen at the next scrape.
	pp-stats -f prom -o "$d/pp.prom" "$PP_TOP/tests/fixtures/pp-stats/hand.ndjson"
	curl -fsS -o "$T/metrics2" "http://127.0.0.1:$port/metrics"
	grep -q '^pp_probes_sent_total{addr="198.18.9.2",target="h",vantage="vp1"} 6$' "$T/metrics2"
	! grep -q 'target0.example' "$T/metrics2"
}

@test "pp-stats -f influx: line protocol, tags escaped, integers, nanosecond start times" {
	pp_run 0 pp-stats -f influx --every 5m "$SAMPLE"
	printf '%s\n' "$output" >"$T/s.lp"
	[ "$(grep -c '^pp_stats,' "$T/s.lp")" -eq 60 ]
	[ "$(grep -c '^pp_outage,' "$T/s.lp")" -eq "$(pp-stats --every 5m "$SAMPLE" | grep -c '"type":"outage"')" ]
	grep -qx 'pp_stats,vantage=synthetic,target=target0.example,ttl=1,addr=198.18.1.2 sent=300i,recv=300i,loss=0.0,loss_lo=0.0,loss_hi=1.264,fwd_loss=0.0,fwd_lo=0.0,fwd_hi=1.264,fwd_sent=300i,fwd_lost=0i,last=0.44,min=0.4,avg=0.499,max=11.917,stdev=0.694,p50=0.436,p90=0.512,p95=0.543,p99=0.719,jitter=0.143,jmax=11.457,jint=0.039,end_ts=1764000300.0 1764000000000000000' "$T/s.lp"
	grep -qx 'pp_outage,vantage=synthetic,target=target0.example,ttl=12 duration_ms=8000.0,sent=8i,recv=0i,loss=100.0,ongoing=false,end_ts=1764001008.0055 1764001000005500000' "$T/s.lp"
	probes '"a, b=c d"' '"end\\"' '"new\nline"' >"$T/w.ndjson"
	pp_run 0 pp-stats -f influx "$T/w.ndjson"
	assert_line 'pp_stats,target=a\,\ b\=c\ d,addr=198.18.9.2 sent=4i,recv=3i,loss=25.0,loss_lo=4.559,loss_hi=69.936,last=11.0,min=10.0,avg=11.167,max=12.5,stdev=1.258,p50=10.9,p90=12.5,p95=12.5,p99=12.5,jitter=2.0,jmax=2.5,jint=0.24,end_ts=1764000003.0 1764000000000000000'
	assert_line --partial 'pp_stats,target=end⧵,addr='
	assert_line --partial 'pp_stats,target=new\nline,addr='
	# -u: each line flushed as it is made (the window closes while the
	# input is still open).
	(zcat "$SAMPLE" | head -2000; sleep 3) | timeout 2 pp-stats -u -f influx --every 10s >"$T/live" || true
	[ -s "$T/live" ]
}

# InfluxDB 1.x on loopback (test_helper/servers) with the database pp;
# sets INFLUX (the base URL).
start_influxd_pp() {
	start_influxd
	curl -fsS -XPOST "$INFLUX/query" --data-urlencode 'q=CREATE DATABASE pp' >/dev/null
}

# influx_query 'InfluxQL': the rows as JSON objects, one a line, times in
# microseconds.
influx_query() {
	curl -fsS -G "$INFLUX/query" --data-urlencode db=pp --data-urlencode epoch=u \
		--data-urlencode "q=$1" |
		jq -c '.results[0].series[]? | .columns as $c | .values[] |
			[$c, .] | transpose | map({(.[0]): .[1]}) | add'
}

influx_write() {
	curl -fsS -w '%{http_code}\n' -XPOST "$INFLUX/write?db=pp&precision=ns" --data-binary "@$1"
}

@test "InfluxDB: a replayed archive written and queried back equals pp-stats' NDJSON" {
	start_influxd_pp
	pp-mos --every 10m "$SAMPLE" >"$T/mos.ndjson"
	pp-stats -f influx --every 5m "$SAMPLE" "$T/mos.ndjson" >"$T/s.lp"
	[ "$(influx_write "$T/s.lp")" = 204 ]
	influx_query 'SELECT * FROM "pp_stats"' >"$T/rows"
	pp-stats --every 5m "$SAMPLE" >"$T/s.ndjson"
	jq -c 'select(.type == "stats")' "$T/s.ndjson" >"$T/stats"
	[ "$(wc -l <"$T/rows")" -eq 60 ]
	jq -n -e --slurpfile r "$T/rows" --slurpfile s "$T/stats" '
		($r | map({key: "\(.time) \(.target) \(.ttl)", value: .}) | from_entries) as $by |
		[$s[] as $st | $by["\(($st.start * 1e6) | round) \($st.target) \($st.ttl)"] as $row |
			if $row == null then error("no row for \($st)") else . end |
			([["sent", "recv", "loss", "fwd_loss", "last", "min", "avg", "max",
			   "stdev", "p50", "p90", "p95", "p99", "jitter", "jmax", "jint",
			   "addr"][] | $row[.] == $st[.]] | all) and $row.end_ts == $st.end
			or error("differs: \($row) \($st)")
		] | length == 60 and all' >/dev/null
	# Sums over the archive agree too (InfluxQL does the adding).
	influx_query 'SELECT sum("sent") AS sent, sum("recv") AS recv FROM "pp_stats" WHERE "ttl" = '"'12'" >"$T/sum"
	[ "$(jq -c '[.sent, .recv]' "$T/sum")" = "$(jq -s -c '[map(select(.ttl == 12)) | (map(.sent) | add), (map(.recv) | add)]' "$T/stats")" ]
	# Outages and mos records.
	influx_query 'SELECT * FROM "pp_outage"' >"$T/outages"
	jq -c 'select(.type == "outage")' "$T/s.ndjson" >"$T/want-outages"
	[ "$(wc -l <"$T/outages")" -eq "$(wc -l <"$T/want-outages")" ]
	jq -n -e --slurpfile r "$T/outages" --slurpfile o "$T/want-outages" '
		[range($o | length) as $i | $r[$i] as $a | $o[$i] as $b |
			$a.time == (($b.start * 1e6) | round) and $a.sent == $b.sent and
			$a.recv == $b.recv and $a.loss == $b.loss and
			$a.duration_ms == $b.duration and $a.end_ts == $b.end] | all' >/dev/null
	influx_query 'SELECT * FROM "pp_mos"' >"$T/mos"
	jq -c 'select(.type == "mos")' "$T/mos.ndjson" >"$T/want-mos"
	[ "$(wc -l <"$T/mos")" -eq "$(wc -l <"$T/want-mos")" ]
	jq -n -e --slurpfile r "$T/mos" --slurpfile m "$T/want-mos" '
		[range($m | length) as $i | $r[$i] as $a | $m[$i] as $b |
			$a.time == (($b.start * 1e6) | round) and $a.mos == $b.mos and
			$a.r == $b.r and $a.rtt == $b.rtt and $a.loss == $b.loss and
			$a.codec == $b.codec and $a.model == $b.model and
			$a.sent == $b.sent] | all' >/dev/null
	# Writing the replay again rewrites the same points.
	[ "$(influx_write "$T/s.lp")" = 204 ]
	[ "$(influx_query 'SELECT count("sent") FROM "pp_stats"' | jq .count)" -eq 60 ]
}

@test "InfluxDB: tags with commas, spaces, equals, quotes, backslashes, newlines; a quoted note" {
	start_influxd_pp
	probes "${WEIRD[@]}" >"$T/w.ndjson"
	printf '%s\n' '{"type":"mos","target":"t","codec":"g711","model":"emodel","start":1764000000.0,"r":80.0,"mos":4.0,"note":"say \"no\", a\\b\nnext line"}' >>"$T/w.ndjson"
	pp-stats -f influx "$T/w.ndjson" >"$T/w.lp"
	[ "$(influx_write "$T/w.lp")" = 204 ]
	influx_query 'SELECT "sent", "target" FROM "pp_stats"' | jq -s -c 'map(.target) | sort' >"$T/got"
	[ "$(jq -s 'map(select(.sent == 4)) | length' < <(influx_query 'SELECT * FROM "pp_stats"'))" -eq ${#WEIRD[@]} ]
	# What InfluxDB stored: every target, but newline and carriage return
	# as \n and \r, and a backslash before , = space or at the end as ⧵.
	printf '%s\n' "${WEIRD[@]}" | jq -s -c 'map(gsub("\n"; "\\n") | gsub("\r"; "\\r") |
		gsub("\\\\(?<c>[, =]|$)"; "⧵\(.c)")) | sort' >"$T/want"
	cmp "$T/want" "$T/got" || { cat "$T/want" "$T/got" >&2; false; }
	# A string field's newline too (the line protocol has none inside a
	# value; a line-based reader would take the rest for another point).
	[ "$(influx_query 'SELECT "note" FROM "pp_mos"' | jq -r .note)" = "$(printf 'say "no", a\\b\\nnext line')" ]
}

# ex_paths FILE: FILE with the installed paths replaced by this test's
# (binaries, the archive, the textfile directory, the targets).
ex_paths() {
	sed -e "s|/usr/local/bin/|$PP_BIN/|g" \
		-e "s|/var/lib/prometheus/node-exporter|$T/textfile|g" \
		-e "s|/var/lib/pp/trace.ndjson.gz|$ARCHIVE|g" \
		-e "s|/var/lib/pp/trace.prev.ndjson.gz|$T/trace.prev.ndjson.gz|g" \
		-e "s|/etc/pp/targets|$EX/targets|g" \
		-e "s|127.0.0.1:8086|${INFLUX#http://}|g" "$1"
}

@test "share/examples: the systemd units verify, and their commands work on loopback" {
	need systemd-analyze systemd
	need promtool prometheus
	mkdir "$T/units" "$T/textfile"
	ARCHIVE="$T/trace.ndjson.gz"
	for u in pp-trace.service pp-stats-prom.service pp-stats-prom.timer; do
		ex_paths "$EX/$u" >"$T/units/$u"
	done
	pp_run 0 systemd-analyze verify --man=no "$T/units/pp-trace.service" \
		"$T/units/pp-stats-prom.service" "$T/units/pp-stats-prom.timer"
	# The check can fail: a unit naming a missing program is refused.
	sed 's|^ExecStart=[^ ]*|ExecStart=/nonexistent/pp-stats|' "$T/units/pp-stats-prom.service" >"$T/bad.service"
	pp_run 1 systemd-analyze verify --man=no "$T/bad.service"
	pp_run 0 systemd-analyze calendar "$(sed -n 's/^OnCalendar=//p' "$EX/pp-stats-prom.timer")"
	# The targets file names loopback only.
	[ "$(grep -v '^#' "$EX/targets")" = 127.0.0.1 ]
	# pp-trace.service's command, bounded to three rounds (root, for
	# the raw sockets the unit grants with CAP_NET_RAW).
	if [ "$(id -u)" = 0 ]; then
		cmd=$(sed -n 's/^ExecStart=//p' "$T/units/pp-trace.service")
		pp_run 0 sh -c "$cmd -c 3 -i 100ms >/dev/null"
		[ "$(zcat "$ARCHIVE" | jq -s 'map(select(.type == "probe" and .target == "127.0.0.1")) | length')" -ge 3 ]
	else
		cp "$SAMPLE" "$ARCHIVE"
	fi
	# pp-stats-prom.service's command, as written.
	cmd=$(sed -n 's/^ExecStart=//p' "$T/units/pp-stats-prom.service")
	pp_run 0 sh -c "$cmd"
	pp_run 0 promtool check metrics <"$T/textfile/pp.prom"
	grep -q '^pp_probes_sent_total{vantage="[^"]*",target="' "$T/textfile/pp.prom"
	[ "$(ls -A "$T/textfile")" = pp.prom ]
}

@test "share/examples: the cron lines run as written against loopback servers" {
	need promtool prometheus
	start_influxd_pp
	mkdir "$T/textfile"
	ARCHIVE="$SAMPLE"
	ex_paths "$EX/pp-stats.cron" | grep -v '^#' | grep . >"$T/cron"
	[ "$(wc -l <"$T/cron")" -eq 2 ]
	while read -r m h dom mon dow user cmd; do
		# Five time fields, the user, a command without cron's %.
		for f in "$m" "$h" "$dom" "$mon" "$dow"; do
			[[ $f =~ ^(\*|[0-9]+)(/[0-9]+)?$ ]]
		done
		[ "$user" = pp ]
		[[ $cmd != *%* ]]
		pp_run 0 sh -c "$cmd"
	done <"$T/cron"
	pp_run 0 promtool check metrics <"$T/textfile/pp.prom"
	[ "$(pp-stats -f prom --every 1m "$SAMPLE")" = "$(cat "$T/textfile/pp.prom")" ]
	want=$(pp-stats --every 1m "$SAMPLE" | grep -c '"type":"stats"')
	[ "$(influx_query 'SELECT count("sent") FROM "pp_stats"' | jq .count)" -eq "$want" ]
	# Again: the same points, rewritten.
	sh -c "$(tail -1 "$T/cron" | cut -d' ' -f7-)"
	[ "$(influx_query 'SELECT count("sent") FROM "pp_stats"' | jq .count)" -eq "$want" ]
}

@test "share/examples: the CI check passes on loopback and fails on a lossy archive" {
	ci="$EX/ci-network-check.sh"
	[ -x "$ci" ]
	pp_run 0 sh -n "$ci"
	# A clean archive (20 probes, no loss, one spike): exit 0 and the
	# report.  (hand.ndjson, used here before, loses 1 probe of 6: its
	# short window is judged now, 16.7 % >= 5 %, and fails.)
	head -21 "$PP_TOP/tests/fixtures/pp-alert/plain.ndjson" >"$T/clean.ndjson"
	pp_run 0 "$ci" "$T/clean.ndjson"
	assert_output --partial "network check passed"
	assert_output --partial "HOST: vp"
	pp_run 1 "$ci" "$PP_TOP/tests/fixtures/pp-stats/hand.ndjson"
	# The sample has loss bursts: exit 1, the alerts printed.
	pp_run 1 "$ci" "$SAMPLE"
	assert_output --partial '"kind":"loss","state":"raise"'
	assert_stderr --partial "network check failed (pp-alert exit 1)"
	pp_run 2 "$ci" a b
	# A missing or empty archive: it says so (no pp-probe ran).
	pp_run 1 "$ci" "$T/nope.ndjson"
	assert_stderr --partial "network check failed: $T/nope.ndjson is missing or empty"
	: >"$T/empty.ndjson"
	pp_run 1 "$ci" "$T/empty.ndjson"
	assert_stderr --partial "is missing or empty"
	# Probing loopback for real, the archive kept.
	if [ "$(id -u)" = 0 ]; then
		PP_COUNT=10 PP_INTERVAL=20ms PP_ARCHIVE="$T/ci.ndjson.gz" pp_run 0 "$ci"
		assert_output --partial "network check passed"
		[ "$(zcat "$T/ci.ndjson.gz" | grep -c '"type":"probe"')" -eq 10 ]
		# An impossible bound makes it fail.
		PP_COUNT=10 PP_INTERVAL=20ms PP_MAX_RTT=0.000001 pp_run 1 "$ci"
	fi
	# The workflow runs that script, with placeholder targets only.
	grep -q 'sh /usr/local/share/pp/examples/ci-network-check.sh' "$EX/github-actions.yml"
	! grep -E '([0-9]{1,3}\.){3}[0-9]{1,3}' "$EX/github-actions.yml"
	if python3 -c 'import yaml' 2>/dev/null; then
		python3 -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); assert d["jobs"]["network"]["steps"]' "$EX/github-actions.yml"
	fi
}

@test "pp-stats completions offer prom, influx and -o" {
	run bash -c "source '$PP_TOP/completions/bash/pp-stats'; COMP_WORDS=(pp-stats -f ''); COMP_CWORD=2; _pp_stats; echo \"\${COMPREPLY[*]}\""
	[ "$output" = "ndjson table csv prom influx" ]
	run bash -c "source '$PP_TOP/completions/bash/pp-stats'; COMP_WORDS=(pp-stats --o); COMP_CWORD=1; _pp_stats; echo \"\${COMPREPLY[*]}\""
	[[ $output == *--output* ]]
	grep -q "prom influx" "$PP_TOP/completions/zsh/_pp-stats" "$PP_TOP/completions/fish/pp-stats.fish"
	grep -q -- "--output" "$PP_TOP/completions/zsh/_pp-stats"
	grep -q -- "-l output" "$PP_TOP/completions/fish/pp-stats.fish"
}

@test "vantage label and tag: from the prober's meta record (vantage, else host), escaped; none from a derived tool" {
	need promtool prometheus
	# Three vantage points' archives of the same target; a weird name.
	for v in '"vp-a"' '"site \"b\", x=y\\"' '"caf\u00e9\nz"'; do
		{ printf '{"type":"meta","tool":"pp-probe","host":%s,"settings":{"timeout":1}}\n' "$v"
		  probes '"t"'; } >"$T/$(echo "$v" | md5sum | cut -c1-8).ndjson"
	done
	for f in "$T"/*.ndjson; do
		pp-stats -f prom "$f"
	done >"$T/all.prom.raw"
	# One exposition of the three (HELP/TYPE once per family, as a
	# textfile collector merges them).
	awk '/^#/ { if (seen[$0]++) next } { print }' "$T/all.prom.raw" >"$T/all.prom"
	pp_run 0 promtool check metrics <"$T/all.prom"
	prom_json <"$T/all.prom" | jq -c '[.[] | select(.name == "pp_probes_sent_total") | [.labels.vantage, .value]] | sort' >"$T/got"
	[ "$(cat "$T/got")" = '[["café\nz",4],["site \"b\", x=y\\",4],["vp-a",4]]' ]
	# InfluxDB: the first tag, escaped.
	for f in "$T"/*.ndjson; do
		pp-stats -f influx "$f"
	done >"$T/all.lp"
	grep -q '^pp_stats,vantage=site\\ "b"\\,\\ x\\=y⧵,target=t,' "$T/all.lp"
	grep -q '^pp_stats,vantage=café\\nz,target=t,' "$T/all.lp"
	[ "$(grep -c '^pp_stats,vantage=' "$T/all.lp")" -eq 3 ]
	# "vantage" wins over "host"; a pp-stats or pp-mos meta is no vantage point.
	{ echo '{"type":"meta","tool":"pp-trace","host":"h","vantage":"v1","settings":{}}'; probes '"t"'; } >"$T/v.nd"
	pp_run 0 pp-stats -f influx "$T/v.nd"
	assert_output --partial 'pp_stats,vantage=v1,target=t,'
	pp_sh 0 "pp-stats '$T/v.nd' | pp-mos | pp-stats -f prom"
	assert_output --partial 'pp_mos{'
	refute_output --partial "vantage=\"$(hostname)\""
}

@test "pp-stats -f prom and influx: a mos record with a score out of range is said and not exported" {
	{
		echo '{"type":"mos","target":"v","start":1,"end":2,"codec":"g711","model":"emodel","r":90,"mos":9}'
		echo '{"type":"mos","target":"v","start":2,"end":3,"codec":"g711","model":"emodel","r":90,"mos":4.1}'
	} >"$T/bm.ndjson"
	for f in prom influx; do
		pp_run 0 pp-stats -f "$f" "$T/bm.ndjson"
		assert_stderr --partial 'bm.ndjson:1: mos record: field "mos" out of range (1 to 4.5): 9'
		refute_output --partial '9.0'
		assert_output --partial '4.1'
	done
}
