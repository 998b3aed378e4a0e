# SPDX-License-Identifier: BSD-2-Clause
# pp-stats -f csv read unchanged (issue 13.6): Python's csv.DictReader,
# pandas, DuckDB's read_csv and LibreOffice, each with its defaults, get
# the header row, numbers as numbers, times as times, and the same figures
# as the NDJSON records; outages and settings in their own files.

setup() {
	load 'test_helper/common'
	pp_setup
	SAMPLE=$PP_TOP/share/samples/sample.ndjson.gz
	D=$BATS_TEST_TMPDIR
	pp-stats -f csv --every 1m --outages "$D/outages.csv" --meta "$D/meta.json" \
		-o "$D/stats.csv" "$SAMPLE"
	pp-stats --every 1m "$SAMPLE" >"$D/stats.ndjson"
	# Debian's python3 (python3-pandas is a Debian package).
	PY=/usr/bin/python3
	[ -x "$PY" ] || PY=python3
}

@test "CSV: Python's csv.DictReader takes the header row and the same figures as the records" {
	"$PY" - "$D" <<-'PY'
	import csv, datetime, json, math, sys
	d = sys.argv[1]
	recs = [json.loads(l) for l in open(d + "/stats.ndjson")]
	stats = [r for r in recs if r["type"] == "stats"]
	outages = [r for r in recs if r["type"] == "outage"]
	rows = list(csv.DictReader(open(d + "/stats.csv", newline="")))
	assert len(rows) == len(stats) == 24, (len(rows), len(stats))
	for row, r in zip(rows, stats):
	    assert row["target"] == r["target"] and int(row["ttl"]) == r["ttl"]
	    assert row["host"] == "pp-lab"
	    for k in ("sent", "recv", "unreachable"):
	        assert int(row[k]) == r.get(k, 0), (k, row[k], r.get(k))
	    for k in ("start", "end", "loss", "avg", "min", "max", "p50", "p95", "p99"):
	        if r.get(k) is None:
	            assert row[k] == "", (k, row[k])
	        else:
	            assert math.isclose(float(row[k]), r[k], abs_tol=5e-4), (k, row[k], r[k])
	    for k in ("start", "end"):
	        t = datetime.datetime.fromisoformat(row[k + "_utc"]).replace(
	            tzinfo=datetime.timezone.utc).timestamp()
	        assert abs(t - float(row[k])) <= 0.0005, (k, row[k + "_utc"], row[k])
	orows = list(csv.DictReader(open(d + "/outages.csv", newline="")))
	assert [float(o["start"]) for o in orows] == [o["start"] for o in outages]
	assert [float(o["duration"]) for o in orows] == [o["duration"] for o in outages]
	assert len(orows) == 1
	meta = json.load(open(d + "/meta.json"))
	assert meta["tool"] == "pp-stats" and meta["settings"]["every"] == "1m"
	assert meta["settings"]["source"]["interval"] == 0.5
	PY
}

@test "CSV: pandas read_csv, no options: numbers as numbers, times convert, booleans" {
	"$PY" -c 'import pandas' 2>/dev/null || skip "pandas is not installed (Debian python3-pandas: make deps)"
	"$PY" - "$D" <<-'PY'
	import json, sys
	import pandas as pd
	d = sys.argv[1]
	df = pd.read_csv(d + "/stats.csv")
	recs = [json.loads(l) for l in open(d + "/stats.ndjson")]
	stats = [r for r in recs if r["type"] == "stats"]
	assert list(df.columns)[:5] == ["start", "start_utc", "end", "end_utc", "host"]
	assert len(df) == len(stats)
	for k in ("sent", "recv", "ttl", "local_drop"):
	    assert df[k].dtype.kind == "i", (k, df[k].dtype)
	for k in ("start", "loss", "avg", "p50", "p95", "p99", "jitter"):
	    assert df[k].dtype.kind == "f", (k, df[k].dtype)
	assert int(df["sent"].sum()) == sum(r["sent"] for r in stats)
	utc = pd.to_datetime(df["start_utc"], utc=True)
	epoch = pd.to_datetime(df["start"], unit="s", utc=True)
	assert ((utc - epoch).abs() <= pd.Timedelta(milliseconds=1)).all()
	o = pd.read_csv(d + "/outages.csv")
	assert o["ongoing"].dtype == bool and len(o) == 1
	assert o["duration"].dtype.kind == "f" and o["loss"].dtype.kind == "f"
	PY
}

@test "CSV: DuckDB's read_csv detects every column's type" {
	command -v node >/dev/null || skip "no node for DuckDB's Node API (npm @duckdb/node-api: make deps)"
	NODE_PATH=$(npm root -g 2>/dev/null) node -e "require('@duckdb/node-api')" 2>/dev/null ||
		skip "DuckDB is not installed (npm @duckdb/node-api: make deps installs it)"
	cat >"$D/duck.cjs" <<-'JS'
	const { DuckDBInstance } = require('@duckdb/node-api');
	(async () => {
	  const con = await (await DuckDBInstance.create(':memory:')).connect();
	  for (const f of process.argv.slice(2)) {
	    const t = await con.runAndReadAll(`DESCRIBE SELECT * FROM read_csv('${f}')`);
	    console.log(t.getRowObjects().map(o => o.column_name + ':' + o.column_type).join(' '));
	  }
	  const r = await con.runAndReadAll(`SELECT count(*)::INT AS n, sum(sent)::INT AS sent,
	    max(abs(epoch(start_utc) - start))::DOUBLE AS skew FROM read_csv('${process.argv[2]}')`);
	  console.log(JSON.stringify(r.getRowObjects()));
	})().catch(e => { console.error(e); process.exit(1); });
	JS
	NODE_PATH=$(npm root -g) pp_run 0 node "$D/duck.cjs" "$D/stats.csv" "$D/outages.csv"
	assert_line --index 0 --partial "start:DOUBLE start_utc:TIMESTAMP end:DOUBLE end_utc:TIMESTAMP host:VARCHAR target:VARCHAR ttl:BIGINT addr:VARCHAR sent:BIGINT recv:BIGINT loss:DOUBLE"
	assert_line --index 0 --partial "p50:DOUBLE p90:DOUBLE p95:DOUBLE p99:DOUBLE"
	assert_line --index 1 "start:DOUBLE start_utc:TIMESTAMP end:DOUBLE end_utc:TIMESTAMP host:VARCHAR target:VARCHAR ttl:BIGINT duration:DOUBLE sent:BIGINT recv:BIGINT loss:DOUBLE ongoing:BOOLEAN"
	local want
	want=$(jq -s '[.[] | select(.type == "stats") | .sent] | add' "$D/stats.ndjson")
	printf '%s\n' "${lines[2]}" | jq -e ".[0].n == 24 and .[0].sent == $want and .[0].skew < 0.0006" >/dev/null
}

# lo_cells FILE.fods ROW: "type value" per cell of a row of a converted
# sheet, and "formula" for any cell LibreOffice would compute.
lo_cells() {
	"$PY" - "$1" "$2" <<-'PY'
	import html, re, sys
	s = open(sys.argv[1]).read()
	rows = re.findall(r"<table:table-row[^>]*>(.*?)</table:table-row>", s, re.S)
	for r in rows:
	    if "table:formula" in r:
	        print("formula")
	row = rows[int(sys.argv[2])]
	for a, c in re.findall(r"<table:table-cell([^>]*?)(?:/>|>(.*?)</table:table-cell>)", row, re.S):
	    t = re.search(r'office:value-type="(\w+)"', a)
	    v = re.search(r'office:(?:date-)?value="([^"]*)"', a)
	    txt = re.sub(r"<[^>]+>", "", c or "").strip()
	    print(t.group(1) if t else "empty", html.unescape(v.group(1) if v else txt))
	PY
}

@test "CSV: LibreOffice's headless conversion reads dates, numbers and text, and runs no formula" {
	command -v soffice >/dev/null || skip "LibreOffice is not installed (Debian libreoffice-calc-nogui: make deps)"
	# A hostile archive too: every cell that could start a formula defused.
	{
		printf '%s\n' '{"type":"meta","tool":"pp-probe","version":"0.1.0","schema":1,"ts":1764000000.0,"host":"=1+1","argv":["pp-probe"],"settings":{"proto":"icmp"}}'
		printf '%s\n' '{"type":"probe","ts":1764000000.0,"target":"=HYPERLINK(\"http://x\",\"y\")","seq":0,"status":"reply","from":"@SUM(1)","rtt":1.5}'
		printf '%s\n' '{"type":"probe","ts":1764000001.0,"target":"+cmd|x","seq":1,"status":"reply","from":"-2+3","rtt":2.5}'
	} >"$D/evil.ndjson"
	pp-stats -f csv -o "$D/evil.csv" "$D/evil.ndjson"
	(cd "$D" && HOME="$D" timeout 120 soffice -env:UserInstallation="file://$D/lo" --headless \
		--convert-to fods --outdir "$D" "$D/stats.csv" "$D/evil.csv" >/dev/null 2>&1)
	[ -s "$D/stats.fods" ] && [ -s "$D/evil.fods" ] || _pp_fail "LibreOffice converted nothing"
	run lo_cells "$D/stats.fods" 0
	assert_line --index 0 "string start"
	assert_line --index 1 "string start_utc"
	run lo_cells "$D/stats.fods" 1
	refute_line "formula"
	assert_line --index 0 "float 1796171640"
	assert_line --index 1 "date 2026-12-02T00:34:00"
	assert_line --index 4 "string pp-lab"
	assert_line --index 6 "float 1"
	assert_line --index 8 "float 106"
	run lo_cells "$D/evil.fods" 1
	refute_line "formula"
	assert_line --index 4 "string '=1+1"
	assert_line --index 5 "string '=HYPERLINK(\"http://x\",\"y\")"
	assert_line --index 7 "string '@SUM(1)"
	run lo_cells "$D/evil.fods" 2
	refute_line "formula"
	assert_line --index 5 "string '+cmd|x"
	assert_line --index 7 "string '-2+3"
}
