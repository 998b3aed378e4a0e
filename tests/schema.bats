#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# The JSON Schemas of share/schema/ against what the commands write.

setup() {
	load 'test_helper/common'
	pp_setup
	# Debian's python3 (python3-jsonschema), else whatever python3 is.
	PY=python3
	[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import jsonschema' 2>/dev/null && PY=/usr/bin/python3
	$PY -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema not installed"
	GEN="${BUILD:-build}/tests/bench/gen"
	case $GEN in /*) ;; *) GEN="$PP_TOP/$GEN" ;; esac
	S="$PP_TOP/share/schema"
	CHECK="$PP_TOP/tests/schema_check.py"
}

@test "schemas: every record type of DESIGN.md has a valid schema" {
	for t in meta probe stats outage mos alert route; do
		[ -f "$S/$t.schema.json" ]
	done
	pp_run 0 $PY "$CHECK" "$S" /dev/null
}

@test "schemas: the fixtures and the generator's records are valid" {
	pp_run 0 $PY "$CHECK" "$S" "$PP_TOP"/tests/fixtures/*/*.ndjson
	assert_output --partial " 0 invalid"
	"$GEN" -n 20000 -t 3 --events >"$BATS_TEST_TMPDIR/g.ndjson"
	pp_run 0 $PY "$CHECK" "$S" "$BATS_TEST_TMPDIR/g.ndjson"
	assert_output --partial "20001 records checked, 0 invalid"
}

@test "schemas: pp-stats, pp-mos output and the bundled sample are valid" {
	f="$PP_TOP/tests/fixtures/pp-plot/trace.ndjson"
	pp-stats "$f" "$PP_TOP/tests/fixtures/pp-stats/outage.ndjson" >"$BATS_TEST_TMPDIR/s.ndjson"
	pp-stats --every 30s "$f" >>"$BATS_TEST_TMPDIR/s.ndjson"
	pp-stats --parts --every 30s "$f" >"$BATS_TEST_TMPDIR/p.ndjson"
	pp-stats --merge --every 1m "$BATS_TEST_TMPDIR/p.ndjson" >>"$BATS_TEST_TMPDIR/p.ndjson"
	cat "$BATS_TEST_TMPDIR/p.ndjson" >>"$BATS_TEST_TMPDIR/s.ndjson"
	[ "$(grep -c '"parts":{"v":1,' "$BATS_TEST_TMPDIR/s.ndjson")" -ge 4 ]
	pp-mos "$f" "$PP_TOP/tests/fixtures/pp-mos/burst.ndjson" >"$BATS_TEST_TMPDIR/m.ndjson"
	pp-mos -c g726-32 "$PP_TOP/tests/fixtures/pp-mos/burst.ndjson" >>"$BATS_TEST_TMPDIR/m.ndjson" 2>/dev/null
	grep -q '"type":"outage"' "$BATS_TEST_TMPDIR/s.ndjson"
	pp_run 0 $PY "$CHECK" "$S" "$BATS_TEST_TMPDIR/s.ndjson" "$BATS_TEST_TMPDIR/m.ndjson"
	assert_output --partial " 0 invalid"
	pp_run 0 $PY "$CHECK" "$S" "$PP_TOP/share/samples/sample.ndjson.gz"
}

@test "schemas: invalid records are caught" {
	cat >"$BATS_TEST_TMPDIR/bad.ndjson" <<-'X'
	{"type":"probe","ts":1,"target":"h","status":"bogus"}
	{"type":"probe","ts":1,"target":"h","status":"reply"}
	{"type":"probe","ts":1,"target":"h","status":"reply","rtt":-1}
	{"type":"probe","ts":1,"target":"h","status":"timeout","ttl":0}
	{"type":"stats","target":"h","start":1,"end":2,"sent":1,"recv":1,"loss":150}
	{"type":"mos","target":"h","codec":"g711","model":"emodel","r":90,"mos":5.5}
	{"type":"meta","tool":"other","version":"1","schema":2,"ts":1}
	{"type":"alert","ts":1,"target":"h","kind":"loss","state":"maybe"}
	X
	pp_run 1 $PY "$CHECK" "$S" "$BATS_TEST_TMPDIR/bad.ndjson"
	assert_output --partial "8 records checked, 8 invalid"
}
