#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# Fleet recipes against real servers on loopback (issue 14.6): several
# vantage points' per-minute stats into VictoriaMetrics over line protocol
# (pp-stats --influx-url, its spool) and into Prometheus through
# node_exporter's textfile collector, queried back over their HTTP APIs
# and compared with pp-stats' own records; a database restart mid-run
# loses no window; GNU parallel's map step over files.

setup() {
	load 'test_helper/common'
	load 'test_helper/servers'
	pp_setup
	SAMPLE="$PP_TOP/tests/fixtures/pp-alert/synthetic.ndjson.gz"
	T="$BATS_TEST_TMPDIR"
}

teardown() {
	stop_servers
}

# wait_http URL: until it answers 2xx (10 s at most).
wait_http() {
	for _ in $(seq 100); do
		curl -fs -o /dev/null "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# start_vm [PORT]: VictoriaMetrics on loopback, data in $T/vm (kept
# across a restart), retention long enough for the fixtures' 2025 times;
# sets VM (the base URL).
start_vm() {
	need victoria-metrics victoria-metrics
	need curl curl
	VM_PORT=${1:-$(free_port)}
	victoria-metrics -storageDataPath="$T/vm" -httpListenAddr="127.0.0.1:$VM_PORT" \
		-retentionPeriod=100y -loggerLevel=ERROR -search.disableCache \
		>>"$T/vm.log" 2>&1 &
	echo $! >"$T/vm.pid"
	VM="http://127.0.0.1:$VM_PORT"
	wait_http "$VM/health" || { cat "$T/vm.log" >&2; false; }
}

stop_vm() {
	local pid
	pid=$(cat "$T/vm.pid")
	kill "$pid"
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$pid" 2>/dev/null
	rm -f "$T/vm.pid"
}

# vm_export MATCH: VictoriaMetrics' /api/v1/export of the series
# matching MATCH (JSON lines), after a flush so that everything written
# is searchable.
vm_export() {
	curl -fsS "$VM/internal/force_flush" >/dev/null
	curl -fsS "$VM/api/v1/export" --data-urlencode "match[]=$1"
}

# vantages: three vantage points' archives of the same targets, $T/vp-a,
# vp-b, vp-c (.ndjson): the meta record's host set; different spans of
# the synthetic trace, so their figures differ.
vantages() {
	zcat "$SAMPLE" >"$T/all.ndjson"
	sed '1s/"host":"synthetic"/"host":"vp-a"/' "$T/all.ndjson" >"$T/vp-a.ndjson"
	{ head -1 "$T/all.ndjson" | sed 's/"host":"synthetic"/"host":"vp-b"/'
	  sed -n '2,6001p' "$T/all.ndjson"; } >"$T/vp-b.ndjson"
	{ head -1 "$T/all.ndjson" | sed 's/"host":"synthetic"/"host":"vp c, \\"x\\"=1"/'
	  sed -n '3001,12000p' "$T/all.ndjson"; } >"$T/vp-c.ndjson"
}

# want_stats FILE...: pp-stats --every 1m's stats records of each file,
# with the vantage point of its meta record, as JSON lines.
want_stats() {
	local f v
	for f in "$@"; do
		v=$(head -1 "$f" | jq -r .host)
		pp-stats --every 1m "$f" | jq -c --arg v "$v" 'select(.type == "stats") | . + {vantage: $v}'
	done
}

# check_vm EXPORT WANT: every figure of every stats record of WANT is in
# VictoriaMetrics' export EXPORT, once, at the window's start (ms), under
# its vantage, target and ttl; and nothing else is there.
check_vm() {
	jq -n -e --slurpfile x "$1" --slurpfile s "$2" '
		def key($v; $t; $ttl; $f; $ms): "\($v)|\($t)|\($ttl)|\($f)|\($ms)";
		# Every sample of the export, by key: a key seen twice is a
		# window written twice.
		([$x[] | .metric as $m | range(.values | length) as $i |
			{key: key($m.vantage; $m.target; $m.ttl // "";
			    $m.__name__ | sub("^pp_stats_"; ""); .timestamps[$i]),
			 value: .values[$i]}] | group_by(.key)) as $groups |
		([$groups[] | select(length > 1) | .[0].key]) as $dup |
		if ($dup | length) > 0 then error("written twice: \($dup[:5])") else . end |
		([$groups[] | .[0]] | from_entries) as $got |
		# The fields of -f influx and where the record has each.
		def val($st; $f): {loss_lo: $st.loss_ci[0]?, loss_hi: $st.loss_ci[1]?,
			fwd_lo: $st.fwd_loss_ci[0]?, fwd_hi: $st.fwd_loss_ci[1]?} as $ci |
			if $ci | has($f) then $ci[$f] else $st[$f] end;
		["sent", "recv", "loss", "loss_lo", "loss_hi", "fwd_loss", "fwd_lo",
		 "fwd_hi", "fwd_sent", "fwd_lost", "fwd_ttl", "last", "min", "avg", "max",
		 "stdev", "p50", "p90", "p95", "p99", "jitter", "jmax", "jint",
		 "unreachable", "open", "refused", "local_drop"] as $fields |
		[$got | keys[] | split("|")[3] | select(. as $f | $fields | index($f) | not)] as $unknown |
		if ($unknown | length) > 0 then error("fields this test does not check: \($unknown | unique)") else . end |
		[$s[] as $st | $fields[] as $f | val($st; $f) as $want | select($want != null) |
			key($st.vantage; $st.target; ($st.ttl // 0 | if . == 0 then "" else tostring end);
			    $f; (($st.start * 1e6 | round) / 1000 | floor)) as $k |
			if $got[$k] == null then error("missing \($k)")
			elif ($got[$k] - $want | fabs) > 1e-9 * ($want | fabs) then
				error("\($k): \($got[$k]) != \($want)")
			else $k end] as $checked |
		($checked | length) as $n |
		# Nothing more: every sample of the export was checked.
		if $n != ($got | length) then error("\($got | length) samples, \($n) expected") else true end' >/dev/null
}

@test "VictoriaMetrics: three vantage points' per-minute stats over line protocol, queried back equal to pp-stats' records" {
	need jq jq
	start_vm
	vantages
	for v in a b c; do
		pp_run 0 pp-stats --every 1m --influx-url "$VM/write" --spool "$T/spool-$v" "$T/vp-$v.ndjson"
		[ -z "$stderr" ]
		# Sent and removed: the spool is empty.
		[ -z "$(ls "$T/spool-$v")" ]
	done
	want_stats "$T"/vp-[abc].ndjson >"$T/want"
	# 21, 9 and 13 minutes of 12 hops.
	[ "$(wc -l <"$T/want")" -eq 516 ]
	vm_export '{__name__=~"pp_stats_.*",__name__!="pp_stats_end_ts"}' >"$T/export"
	check_vm "$T/export" "$T/want"
	# The three vantage points apart, the weird name whole.
	curl -fsS "$VM/api/v1/label/vantage/values" | jq -e '.data == ["vp c, \"x\"=1", "vp-a", "vp-b"]' >/dev/null
	# A query over the API: the sum of one hop's sent per vantage point
	# equals the records' (VictoriaMetrics' MetricsQL does the adding).
	curl -fsS "$VM/api/v1/query" --data-urlencode 'query=sum by (vantage) (sum_over_time(pp_stats_sent{ttl="12"}[1h]))' \
		--data-urlencode time=1764003000 |
		jq -c '[.data.result[] | [.metric.vantage, (.value[1] | tonumber)]] | sort' >"$T/sums"
	jq -s -c 'map(select(.ttl == 12)) | group_by(.vantage) | map([.[0].vantage, (map(.sent) | add)]) | sort' "$T/want" >"$T/want-sums"
	cmp "$T/want-sums" "$T/sums" || { cat "$T/want-sums" "$T/sums" >&2; false; }
	# Outages too, under their vantage point: their sent at their start
	# (VictoriaMetrics keeps milliseconds of the nanoseconds sent).
	for v in a b c; do
		pp-stats --every 1m "$T/vp-$v.ndjson" | jq -c --arg v "$(head -1 "$T/vp-$v.ndjson" | jq -r .host)" \
			'select(.type == "outage") | [$v, ((.start * 1e6 | round) / 1000 | floor), .sent]'
	done | jq -s -c 'sort' >"$T/want-outages"
	vm_export 'pp_outage_sent' | jq -s -c '[.[] | .metric.vantage as $v | range(.values | length) as $i |
		[$v, .timestamps[$i], .values[$i]]] | sort' >"$T/outages"
	[ "$(jq length "$T/outages")" -ge 1 ]
	cmp "$T/want-outages" "$T/outages" || { cat "$T/want-outages" "$T/outages" >&2; false; }
}

@test "Prometheus: three vantage points through node_exporter's textfile collector, scraped by a real prometheus, equal to pp-stats' records" {
	need prometheus-node-exporter prometheus-node-exporter
	need prometheus prometheus
	need promtool prometheus
	need curl curl
	vantages
	mkdir "$T/textfile"
	for v in a b c; do
		pp-stats -f prom --every 1m -o "$T/textfile/vp-$v.prom" "$T/vp-$v.ndjson"
	done
	ne=$(free_port)
	prometheus-node-exporter --web.listen-address="127.0.0.1:$ne" \
		--collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$T/textfile" >"$T/ne.log" 2>&1 &
	echo $! >"$T/node-exporter.pid"
	wait_http "http://127.0.0.1:$ne/metrics" || { cat "$T/ne.log" >&2; false; }
	curl -fsS "http://127.0.0.1:$ne/metrics" >"$T/metrics"
	grep -q '^node_textfile_scrape_error 0$' "$T/metrics"
	grep -v '^node_\|^# [A-Z]* node_\|^promhttp_\|^# [A-Z]* promhttp_\|^go_\|^# [A-Z]* go_\|^process_\|^# [A-Z]* process_' "$T/metrics" >"$T/pp-metrics"
	pp_run 0 promtool check metrics <"$T/pp-metrics"
	pp=$(free_port)
	cat >"$T/prometheus.yml" <<-EOF
	global:
	  scrape_interval: 1s
	  scrape_timeout: 1s
	scrape_configs:
	  - job_name: pp
	    static_configs:
	      - targets: ['127.0.0.1:$ne']
	EOF
	prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/prom" \
		--web.listen-address="127.0.0.1:$pp" >"$T/prom.log" 2>&1 &
	echo $! >"$T/prometheus.pid"
	P="http://127.0.0.1:$pp"
	wait_http "$P/-/ready" || { tail "$T/prom.log" >&2; false; }
	# The first scrape: every series there (20 s at most).
	for _ in $(seq 200); do
		n=$(curl -fsS "$P/api/v1/query" --data-urlencode 'query=count(pp_probes_sent_total)' | jq -r '.data.result[0].value[1] // 0')
		[ "$n" = 36 ] && break
		sleep 0.1
	done
	[ "$n" = 36 ]
	# Counters: every window's sent added up; gauges: the latest
	# window's; per vantage point, target and hop.
	want_stats "$T"/vp-[abc].ndjson >"$T/want"
	jq -s -c 'group_by([.vantage, .ttl]) | map({v: .[0].vantage, ttl: (.[0].ttl | tostring),
		sent: (map(.sent) | add), avg: (.[-1].avg / 1000), p99: (.[-1].p99 / 1000)}) | sort_by(.v, .ttl)' "$T/want" >"$T/want-prom"
	for q in pp_probes_sent_total pp_rtt_avg_seconds 'pp_rtt_seconds{quantile="0.99"}'; do
		curl -fsS "$P/api/v1/query" --data-urlencode "query=$q" >"$T/q.json"
		jq -c '.data.result[] | {v: .metric.vantage, ttl: .metric.ttl, x: (.value[1] | tonumber)}' "$T/q.json"
	done | jq -s -c 'group_by([.v, .ttl]) | map({v: .[0].v, ttl: .[0].ttl, sent: .[0].x, avg: .[1].x, p99: .[2].x}) | sort_by(.v, .ttl)' >"$T/got-prom"
	jq -n -e --slurpfile w "$T/want-prom" --slurpfile g "$T/got-prom" '
		($w[0] | length) == 36 and ($g[0] | length) == 36 and
		([range(36) as $i | $w[0][$i] as $a | $g[0][$i] as $b |
			$a.v == $b.v and $a.ttl == $b.ttl and $a.sent == $b.sent and
			(($a.avg - $b.avg) | fabs) < 5e-7 and (($a.p99 - $b.p99) | fabs) < 5e-7] | all)' >/dev/null ||
		{ diff "$T/want-prom" "$T/got-prom" >&2; false; }
}

# feed N RATE: N seconds of probes (one target, 10 a second, every 7th
# lost), written at RATE simulated seconds per real second, after a meta
# record of vantage point "live".
feed() {
	python3 -c '
import json, sys, time
n, rate = int(sys.argv[1]), float(sys.argv[2])
print(json.dumps({"type": "meta", "tool": "pp-probe", "host": "live",
    "settings": {"proto": "icmp", "interval": 0.1, "timeout": 0.2}}), flush=True)
t0 = 1764000000.0
start = time.monotonic()
for i in range(n * 10):
    ts = t0 + i / 10
    due = start + (i / 10) / rate
    d = due - time.monotonic()
    if d > 0:
        time.sleep(d)
    rec = {"type": "probe", "ts": round(ts, 6), "target": "live.example",
           "dst": "198.18.9.2", "proto": "icmp", "seq": i}
    if i % 7 == 3:
        rec["status"] = "timeout"
    else:
        rec.update(status="reply", rtt=10 + (i * 37 % 50) / 10)
    print(json.dumps(rec), flush=True)
' "$@"
}

@test "VictoriaMetrics restarted mid-run: the sender spools and retries, every window present exactly once" {
	start_vm
	# 60 one-second windows over 6 s; the database down from about 1.5 s
	# to 3.5 s into the run.
	feed 60 10 | tee "$T/in.ndjson" |
		pp-stats --every 1s --influx-url "$VM/write" --spool "$T/spool" 2>"$T/err" &
	run_pid=$!
	sleep 1.5
	stop_vm
	sleep 2
	# Windows closed meanwhile wait in the spool.
	n=$(ls "$T/spool" | grep -c '\.lp$' || true)
	[ "$n" -ge 5 ] || { echo "spooled: $n" >&2; cat "$T/err" >&2; false; }
	start_vm "$VM_PORT"
	wait "$run_pid"
	cat "$T/err" >&2
	grep -q "cannot send to $VM/write: connect 127.0.0.1:$VM_PORT: Connection refused; [0-9]* batch\(es\)\? kept in $T/spool, retried" "$T/err"
	grep -q "sending to $VM/write again after [0-9.]* s" "$T/err"
	[ "$(grep -c . "$T/err")" -eq 2 ]
	[ -z "$(ls "$T/spool")" ]
	# pp-stats' own records of the same input: 60 windows.
	pp-stats --every 1s "$T/in.ndjson" | jq -c 'select(.type == "stats") | . + {vantage: "live"}' >"$T/want"
	[ "$(wc -l <"$T/want")" -eq 60 ]
	vm_export '{__name__=~"pp_stats_.*",__name__!="pp_stats_end_ts"}' >"$T/export"
	check_vm "$T/export" "$T/want"
	[ "$(vm_export 'pp_stats_sent' | jq '.timestamps | length')" -eq 60 ]
}

@test "pp-stats --influx-url: a server down for the whole run leaves the windows in the spool, the next run sends them first" {
	need victoria-metrics victoria-metrics
	port=$(free_port)
	vantages
	# The archive cut at a minute: the probes sent before it (four
	# minutes), then the rest, each with the meta record.
	jq -c 'select(.type == "meta" or .ts < 1764000240)' "$T/vp-a.ndjson" >"$T/first.ndjson"
	pp_run 1 pp-stats --every 1m --send-wait 1s --influx-url "http://127.0.0.1:$port/write" --spool "$T/spool" "$T/first.ndjson"
	assert_stderr --partial "cannot send to http://127.0.0.1:$port/write: connect 127.0.0.1:$port: Connection refused"
	assert_stderr --regexp "pp-stats: [0-9]+ batch(es)? \([0-9]+ bytes\) not sent to http://127.0.0.1:$port/write \(connect 127.0.0.1:$port: Connection refused\): kept in $T/spool for the next run"
	[ -z "$output" ]
	n=$(ls "$T/spool" | grep -c '\.lp$')
	[ "$n" -ge 3 ]
	# The lines spooled are -f influx's, byte for byte.
	pp-stats -f influx --every 1m "$T/first.ndjson" >"$T/first.lp"
	cat "$T/spool"/*.lp | cmp - "$T/first.lp"
	# The next run (the server up): the old batches first, then its own.
	start_vm "$port"
	jq -c 'select(.type == "meta" or .ts >= 1764000240)' "$T/vp-a.ndjson" >"$T/second.ndjson"
	pp_run 0 pp-stats --every 1m --influx-url "$VM/write" --spool "$T/spool" "$T/second.ndjson"
	[ -z "$stderr" ]
	[ -z "$(ls "$T/spool")" ]
	{ want_stats "$T/first.ndjson"; want_stats "$T/second.ndjson"; } >"$T/want"
	vm_export '{__name__=~"pp_stats_.*",__name__!="pp_stats_end_ts"}' >"$T/export"
	# (A minute cut in two by the runs would be two points of one series
	# and start: the archive is split at a minute.)
	[ "$(wc -l <"$T/want")" -eq 252 ]
	check_vm "$T/export" "$T/want"
}

@test "pp-stats --influx-url: a server refusing a batch's content, a full spool, one process per spool; bad options" {
	port_file="$T/port"
	# A server answering 400 to everything.
	python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(400)
        self.send_header("Content-Length", "24")
        self.end_headers()
        self.wfile.write(b"cannot parse line\n\x1b[31m!!")
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write("%d\n" % s.server_address[1])
s.serve_forever()
' "$port_file" &
	echo $! >"$T/sink.pid"
	for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
	url="http://127.0.0.1:$(cat "$port_file")/write"
	printf '%s\n' '{"type":"meta","tool":"pp-probe","host":"v","settings":{"timeout":1}}' >"$T/p.ndjson"
	zcat "$SAMPLE" | sed -n '2,200p' >>"$T/p.ndjson"
	pp_run 1 pp-stats --influx-url "$url" --spool "$T/spool" "$T/p.ndjson"
	assert_stderr --partial "pp-stats: $url refused a batch (HTTP 400: cannot parse line  [31m!!): kept aside in $T/spool as *.rejected, not sent again"
	[ "$(ls "$T/spool")" = 00000000000000000001.rejected ]
	# A full spool (4 KiB, the server down): what does not fit is lost,
	# said, exit 1; the spool never passes its bound.
	kill "$(cat "$T/sink.pid")"
	rm -rf "$T/spool"
	zcat "$SAMPLE" >"$T/all.ndjson"
	pp_run 1 pp-stats --every 1m --send-wait 0 --spool-max 4k --influx-url "$url" --spool "$T/spool" "$T/all.ndjson"
	assert_stderr --partial "pp-stats: the spool $T/spool is full ("
	assert_stderr --regexp "pp-stats: [0-9]+ batch(es)? \([0-9]+ bytes\) lost: the spool $T/spool was full \(--spool-max 4096\)"
	[ "$(cat "$T/spool"/*.lp | wc -c)" -le 4096 ]
	# One process per spool.
	exec 9>"$T/spool/.lock"
	flock -n 9
	pp_run 1 pp-stats --influx-url "$url" --spool "$T/spool" /dev/null
	assert_stderr "pp-stats: --spool: $T/spool: in use by another process"
	exec 9>&-
	# Usage errors.
	pp_run 2 pp-stats --influx-url "$url" /dev/null
	assert_stderr "pp-stats: --influx-url: needs --spool DIR, where batches wait until the server took them"
	pp_run 2 pp-stats --influx-url "https://x/write" --spool "$T/s2" /dev/null
	assert_stderr --partial "pp-stats: --influx-url: not an http:// URL"
	pp_run 2 pp-stats -f prom --influx-url "$url" --spool "$T/s2" /dev/null
	pp_run 2 pp-stats -o "$T/x" --influx-url "$url" --spool "$T/s2" /dev/null
	pp_run 2 pp-stats --spool "$T/s2" /dev/null
	pp_run 2 pp-stats --spool-max 1k --influx-url "$url" --spool "$T/s2" /dev/null
	pp_run 2 pp-stats --send-wait x --influx-url "$url" --spool "$T/s2" /dev/null
	[ ! -e "$T/s2" ]
}

@test "GNU parallel: the map step (pp-stats near each file) gives what one run per file gives" {
	need parallel parallel
	vantages
	mkdir "$T/out"
	# The recipe of pp-stats(1), EXAMPLES, over local files.
	pp_run 0 parallel --will-cite -j 2 "pp-stats --every 1m {} >$T/out/{/.}.ndjson" ::: "$T"/vp-[abc].ndjson
	for v in a b c; do
		pp-stats --every 1m "$T/vp-$v.ndjson" | jq -c 'select(.type != "meta")' >"$T/want-$v"
		jq -c 'select(.type != "meta")' "$T/out/vp-$v.ndjson" | cmp - "$T/want-$v"
	done
	# Several machines (--sshlogin, --nonall: pp-stats runs where each
	# archive is and only its records come back), through an ssh that
	# runs the command in the "host's" own directory.
	mkdir -p "$T/hosts/probe1" "$T/hosts/probe2" "$T/hosts/probe3"
	for h in 1 2 3; do
		v=$(echo abc | cut -c$h)
		gzip -c "$T/vp-$v.ndjson" >"$T/hosts/probe$h/trace.ndjson.gz"
	done
	cat >"$T/ssh" <<-EOF
	#!/bin/sh
	# ssh [options] host [--] command...: the command in $T/hosts/host
	while [ \$# -gt 0 ]; do case \$1 in -*) shift;; *) break;; esac; done
	host=\$1; shift
	[ "\$1" = -- ] && shift
	echo "\$host" >>"$T/ssh.log"
	# sshd sets SHELL to the login shell; parallel's remote wrapper
	# runs the job with \$SHELL and, without it, runs nothing and
	# exits 0 (CI's environment has no SHELL).
	SHELL=\$(getent passwd "\$(id -un)" | cut -d: -f7)
	export SHELL=\${SHELL:-/bin/sh}
	cd "$T/hosts/\$host" && exec sh -c "\$*"
	EOF
	chmod +x "$T/ssh"
	pp_run 0 parallel --will-cite --ssh "$T/ssh" --nonall --sshlogin probe1,probe2,probe3 \
		pp-stats --every 1m trace.ndjson.gz
	[ "$(sort "$T/ssh.log" | tr '\n' ' ')" = "probe1 probe2 probe3 " ]
	printf '%s\n' "$output" >"$T/sites.ndjson"
	# Each host's output whole, after its own meta record; together the
	# records of the three runs.
	[ "$(grep -c '"type":"meta"' "$T/sites.ndjson")" -eq 3 ] || {
		# Seen once in CI, not reproduced: say what came back.
		echo "meta records: $(grep -c '"type":"meta"' "$T/sites.ndjson"), lines: $(wc -l <"$T/sites.ndjson")" >&2
		grep -n '"type":"meta"' "$T/sites.ndjson" | cut -c1-200 >&2
		jq -R -r 'fromjson? // "NOT JSON" | if type == "object" then .type else . end' "$T/sites.ndjson" | sort | uniq -c >&2
		printf 'stderr: %s\n' "$stderr" >&2
		false
	}
	jq -c 'select(.type != "meta")' "$T/sites.ndjson" | sort >"$T/got-sites"
	cat "$T"/want-[abc] | sort | cmp - "$T/got-sites"
	# pp-stats(1)'s recipe whole, where pp-stats has --merge: the
	# hourly records of the three hosts' minutes, one per vantage point
	# and hop, sent as one pass over each host's probes.
	if pp-stats --help | grep -q -- '--merge'; then
		pp_run 0 parallel --will-cite --ssh "$T/ssh" --nonall --sshlogin probe1,probe2,probe3 \
			pp-stats --parts --every 1m trace.ndjson.gz
		printf '%s\n' "$output" >"$T/sites.1m"
		pp-stats --merge --every 1h "$T/sites.1m" | jq -c 'select(.type == "stats") | [.vantage, .ttl, .sent]' | sort >"$T/hourly"
		for v in a b c; do
			pp-stats --every 1h "$T/vp-$v.ndjson" | jq -c 'select(.type == "stats") | [.vantage, .ttl, .sent]'
		done | sort | cmp - "$T/hourly"
	fi
}

@test "GNU parallel: map (pp-stats --parts near each file) and reduce (pp-stats --merge) equal one pass per vantage point" {
	need parallel parallel
	pp-stats --help | grep -q -- '--merge' || skip "pp-stats has no --merge (issue 14.2) in this build"
	vantages
	mkdir "$T/out"
	pp_run 0 parallel --will-cite -j 2 "pp-stats --parts --every 1m {} >$T/out/{/.}.1m" ::: "$T"/vp-[abc].ndjson
	# Per vantage point, hourly: the same counts, loss, min and max as
	# one pass over its probes, exactly; the mean to its printed digit.
	pp_run 0 pp-stats --merge --every 1h "$T"/out/vp-[abc].1m
	printf '%s\n' "$output" | jq -c 'select(.type == "stats") | del(.parts)' >"$T/merged"
	for v in a b c; do
		pp-stats --every 1h "$T/vp-$v.ndjson" | jq -c 'select(.type == "stats")'
	done >"$T/one-pass"
	[ "$(wc -l <"$T/one-pass")" -eq 36 ]
	jq -n -e --slurpfile m "$T/merged" --slurpfile o "$T/one-pass" '
		def k: "\(.vantage) \(.target) \(.ttl) \(.start)";
		($m | map({key: k, value: .}) | from_entries) as $by |
		($m | length) == 36 and
		([$o[] as $r | $by[$r | k] as $g |
			if $g == null then error("no merged record for \($r | k)") else . end |
			($g.sent == $r.sent and $g.recv == $r.recv and $g.loss == $r.loss and
			 $g.min == $r.min and $g.max == $r.max and $g.avg == $r.avg) or
			error("differs: \($g) \($r)")] | all)' >/dev/null
}

@test "InfluxDB 1.x: --influx-url with ?db=; a database not yet created keeps the windows (404), sent once it is" {
	start_influxd
	I=$INFLUX
	vantages
	url="$I/write?db=pp&precision=ns"
	pp_run 1 pp-stats --every 5m --send-wait 0 --influx-url "$url" --spool "$T/spool" "$T/vp-a.ndjson"
	assert_stderr --partial "cannot send to $url: HTTP 404: {\"error\":\"database not found: \\\"pp\\\"\"}"
	assert_stderr --partial "not sent to $url (HTTP 404: "
	n=$(ls "$T/spool" | grep -c '\.lp$')
	[ "$n" -ge 2 ]
	curl -fsS -XPOST "$I/query" --data-urlencode 'q=CREATE DATABASE pp' >/dev/null
	# The next run, with nothing new to add, sends what waited.
	pp_run 0 pp-stats --influx-url "$url" --spool "$T/spool" /dev/null
	[ -z "$stderr" ]
	[ -z "$(ls "$T/spool")" ]
	curl -fsS -G "$I/query" --data-urlencode db=pp --data-urlencode epoch=u \
		--data-urlencode 'q=SELECT "sent", "recv", "p95" FROM "pp_stats" WHERE "vantage" = '"'vp-a'" |
		jq -c '.results[0].series[0].values[] | [.[0] / 1e6, .[1], .[2], .[3]]' >"$T/got"
	pp-stats --every 5m "$T/vp-a.ndjson" | jq -c 'select(.type == "stats") | [.start, .sent, .recv, .p95]' |
		sort >"$T/want"
	[ "$(wc -l <"$T/want")" -eq 60 ]
	sort "$T/got" | cmp - "$T/want"
}
