#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# Hostile files, names and races across the commands (issue 15): the one
# atomic writer against a symlink raced by another user, text from the
# network in CSV, terminal tables and --exec's environment, signals and a
# closed reader in the probers, a byte order mark, a corrupt mmdb.

setup() {
	load 'test_helper/common'
	pp_setup
}

teardown() {
	if [ -n "${PP_OLD_SYMLINKS:-}" ]; then
		echo "$PP_OLD_SYMLINKS" >/proc/sys/fs/protected_symlinks
	fi
	if [ -n "${PP_SHARED:-}" ]; then
		rm -rf "$PP_SHARED"
	fi
	if [ -n "${PP_ATTACKER:-}" ]; then
		kill "$PP_ATTACKER" 2>/dev/null || true
		wait "$PP_ATTACKER" 2>/dev/null || true
	fi
}

# A directory like /tmp (sticky, everyone may write), a root-owned victim
# file, and fs.protected_symlinks=0 (restored in teardown), so that only
# the writer's own care keeps the victim safe.  Needs root and setpriv.
shared_dir() {
	[ "$(id -u)" = 0 ] || skip "needs root (the writer runs as root)"
	command -v setpriv >/dev/null || skip "needs setpriv"
	[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3 (the attacker)"
	id nobody >/dev/null 2>&1 || skip "needs the user nobody"
	if [ -w /proc/sys/fs/protected_symlinks ]; then
		PP_OLD_SYMLINKS=$(cat /proc/sys/fs/protected_symlinks)
		echo 0 >/proc/sys/fs/protected_symlinks
	fi
	PP_SHARED=$(mktemp -d /tmp/pp-shared-XXXXXX)
	chmod 1777 "$PP_SHARED"
	mkdir -m 755 "$PP_SHARED/root"
	VICTIM=$PP_SHARED/root/victim
	printf 'precious\n' >"$VICTIM"
	chmod 644 "$VICTIM"
}

# attacker NAME: as nobody, until killed: plant symlinks to the victim at
# the target, at every name the old writers used for the next 300 process
# ids, and over every temporary file seen in the directory; counts each
# attempt in $PP_SHARED/attempts (replaced whole, never read half written).
attacker() {
	local name=$1
	cat >"$PP_SHARED/attack.py" <<-'EOF'
	import os, sys
	d, name, victim = sys.argv[1:4]
	def plant(path, replace=False):
	    try:
	        if replace:
	            os.unlink(path)
	        os.symlink(victim, path)
	    except OSError:
	        pass
	n = 0
	while True:
	    plant(os.path.join(d, name))
	    with open("/proc/sys/kernel/ns_last_pid") as f:
	        last = int(f.read())
	    for p in range(last, last + 300):
	        plant(os.path.join(d, "%s.tmp.%d" % (name, p)))
	        plant(os.path.join(d, ".%s.tmp.%d.0" % (name, p)))
	    for f in os.listdir(d):
	        if ".tmp" in f:
	            plant(os.path.join(d, f), True)
	    n += 1
	    # Replaced whole: a count read between a truncation and its
	    # write (or cut by the kill) was empty.
	    with open(os.path.join(d, "attempts.next"), "w") as f:
	        f.write("%d\n" % n)
	    os.replace(os.path.join(d, "attempts.next"),
	               os.path.join(d, "attempts"))
	EOF
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		/usr/bin/python3 "$PP_SHARED/attack.py" "$PP_SHARED" "$name" "$VICTIM" &
	PP_ATTACKER=$!
	# Let it plant its first round.
	for _ in $(seq 50); do
		[ -s "$PP_SHARED/attempts" ] && break
		sleep 0.1
	done
}

@test "atomic writer: pp-plot -o as root in a shared directory, a symlink raced at its temporary names by nobody" {
	shared_dir
	attacker report.svg
	local f
	f=$(fixture pp-plot small.ndjson)
	for _ in $(seq 40); do
		pp-plot -o "$PP_SHARED/report.svg" "$f" 2>>"$PP_SHARED/err" || true
		pp-plot --html "$PP_SHARED/report.html" "$f" 2>>"$PP_SHARED/err" || true
	done
	kill "$PP_ATTACKER"
	wait "$PP_ATTACKER" 2>/dev/null || true
	PP_ATTACKER=
	[ "$(cat "$PP_SHARED/attempts")" -gt 0 ] || _pp_fail "the attacker never ran"
	ls -la "$PP_SHARED" >&2
	run cat "$VICTIM"
	assert_output "precious"
	[ -f "$PP_SHARED/report.svg" ] && [ ! -L "$PP_SHARED/report.svg" ] ||
		_pp_fail "report.svg is not a regular file"
	grep -q '</svg>' "$PP_SHARED/report.svg" || _pp_fail "report.svg incomplete"
	# No temporary of ours is left behind.
	run find "$PP_SHARED" -maxdepth 1 -user root -name '.*tmp*'
	assert_output ""
}

@test "atomic writer: pp-stats -o as root in a shared directory, raced the same way" {
	shared_dir
	attacker out.csv
	local f
	f=$(fixture pp-stats hand.ndjson)
	for _ in $(seq 40); do
		pp-stats -f csv -o "$PP_SHARED/out.csv" "$f" 2>>"$PP_SHARED/err" || true
	done
	kill "$PP_ATTACKER"
	wait "$PP_ATTACKER" 2>/dev/null || true
	PP_ATTACKER=
	run cat "$VICTIM"
	assert_output "precious"
	[ -f "$PP_SHARED/out.csv" ] && [ ! -L "$PP_SHARED/out.csv" ] ||
		_pp_fail "out.csv is not a regular file"
	grep -q '^start,start_utc,end,end_utc,host,target' "$PP_SHARED/out.csv" || _pp_fail "no CSV"
	run find "$PP_SHARED" -maxdepth 1 -user root -name '.*tmp*'
	assert_output ""
}

@test "atomic writer: a signal during pp-stats -o leaves neither a temporary nor a changed file" {
	local d=$BATS_TEST_TMPDIR
	printf 'old\n' >"$d/out.csv"
	mkfifo "$d/in"
	pp-stats -f csv -o "$d/out.csv" "$d/in" &
	local pid=$!
	exec 7>"$d/in"
	printf '%s\n' "$(head -2 "$(fixture pp-stats hand.ndjson)")" >&7
	# The temporary exists while the run goes on.
	for _ in $(seq 50); do
		[ -n "$(find "$d" -name '.out.csv.tmp-*')" ] && break
		sleep 0.1
	done
	[ -n "$(find "$d" -name '.out.csv.tmp-*')" ] || _pp_fail "no temporary"
	kill -TERM "$pid"
	local rc=0
	wait "$pid" || rc=$?
	exec 7>&-
	[ "$rc" -eq 143 ] || _pp_fail "status $rc, wanted 143 (SIGTERM)"
	run find "$d" -name '.out.csv.tmp-*'
	assert_output ""
	run cat "$d/out.csv"
	assert_output "old"
}

@test "atomic writer: a device, a FIFO and the names of open files are written in place, never replaced; a block device refused" {
	[ "$(id -u)" = 0 ] || skip "needs root (mknod)"
	local d=$BATS_TEST_TMPDIR f
	f=$(fixture pp-stats hand.ndjson)
	# A private null device, as -o /dev/null: still a device afterwards.
	mknod "$d/null" c 1 3
	pp-plot -o "$d/null" "$f"
	pp-stats -o "$d/null" "$f"
	[ -c "$d/null" ] || _pp_fail "the device was replaced"
	[ -z "$(find "$d" -name '.null.tmp-*')" ]
	# A named pipe: its reader gets the chart, the pipe stays.
	mkfifo "$d/fifo"
	cat "$d/fifo" >"$d/got" &
	pp-plot -o "$d/fifo" "$f"
	wait
	[ -p "$d/fifo" ] || _pp_fail "the FIFO was replaced"
	grep -q '</svg>' "$d/got"
	# A link into /proc from a directory only root writes, as /dev/stdout:
	# written through, to a pipe and to a file stdout was sent to.
	chmod 755 "$d"
	ln -s /proc/self/fd/1 "$d/stdout"
	pp-plot -o "$d/stdout" "$f" | grep -q '</svg>'
	pp-stats -f csv -o "$d/stdout" "$f" >"$d/file"
	[ -L "$d/stdout" ] || _pp_fail "the link was replaced"
	grep -q '^start,start_utc,' "$d/file"
	[ "$(wc -l <"$d/file")" -gt 1 ]
	pp-plot --html /proc/self/fd/3 "$f" 3>"$d/fd3.html"
	grep -q '</html>' "$d/fd3.html"
	# The same link in a directory others may write is replaced (mv).
	chmod 1777 "$d"
	ln -s /proc/self/fd/1 "$d/planted"
	pp-plot -o "$d/planted" "$f" >"$d/none"
	[ -f "$d/planted" ] && [ ! -L "$d/planted" ] && [ ! -s "$d/none" ]
	chmod 700 "$d"
	# A block device is refused, nothing written.
	mknod "$d/blk" b 7 200
	run pp-plot -o "$d/blk" "$f"
	[ "$status" -ne 0 ]
	[ -b "$d/blk" ]
	assert_output --partial "$d/blk"
	assert_output --partial "Operation not supported"
	# Written in place on a failed run: the records are there, and no
	# "not replaced" (it was not to be).
	run pp-stats -o "$d/stdout" "$f" "$d/missing.ndjson"
	[ "$status" -eq 1 ]
	refute_output --partial "not replaced"
	assert_output --partial '"type":"stats"'
}

@test "probers' -o: a symlink planted by another user in a shared directory is not followed" {
	shared_dir
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		ln -s "$VICTIM" "$PP_SHARED/x.ndjson"
	pp_run 1 pp-probe -c 1 -o "$PP_SHARED/x.ndjson" 127.0.0.1
	assert_stderr --partial "Permission denied"
	run cat "$VICTIM"
	assert_output "precious"
	# A file of nobody's there is not filled either.
	rm -f "$PP_SHARED/x.ndjson"
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		sh -c "echo mine >'$PP_SHARED/y.ndjson'"
	pp_run 1 pp-probe -c 1 -o "$PP_SHARED/y.ndjson" 127.0.0.1
	run cat "$PP_SHARED/y.ndjson"
	assert_output "mine"
	# Our own file there is fine.
	pp_run 0 pp-probe -c 1 -i 0.01 -o "$PP_SHARED/z.ndjson" 127.0.0.1
	grep -q '"type":"probe"' "$PP_SHARED/z.ndjson" || _pp_fail "no records"
}

# hostile_input FILE: a meta record whose host and settings carry a forged
# CSV row and terminal escapes, probe records whose targets and responders
# do (ESC ] 0 window title, ESC [ 2J, CR, LF, a bidi override), plain and
# traced.
hostile_input() {
	{
		printf '%s\n' '{"type":"meta","tool":"pp-probe","version":"0.1.0","schema":1,"ts":1764000000.0,"host":"vp\n=HYPERLINK(\"http://evil\",\"x\"),-2+3\u001b]0;owned\u0007\u001b[2J","argv":["pp-probe"],"settings":{"proto":"icmp","interval":1.0,"timeout":2.0,"note":"a,=1+1;@x"}}'
		local i
		for i in 0 1 2 3 4 5; do
			printf '{"type":"probe","ts":176400000%d.0,"target":"t\\u001b]0;title\\u0007\\u001b[2J\\r\\n=cmd|x","seq":%d,"status":"reply","from":"198.18.0.1\\u001b[31m","rtt":1.5}\n' "$i" "$i"
			printf '{"type":"probe","ts":176400000%d.1,"target":"rtl\\u202etxt.exe","ttl":1,"round":%d,"seq":%d,"status":"ttl-expired","from":"@evil\\r\\nHOST: forged","rtt":2.5}\n' "$i" "$i" "$i"
			printf '{"type":"probe","ts":176400000%d.2,"target":"rtl\\u202etxt.exe","ttl":2,"round":%d,"seq":%d,"status":"timeout"}\n' "$i" "$i" "$i"
		done
	} >"$1"
}

# no_raw_controls: $output holds no byte below 0x20 but newline, no DEL,
# no C1 control and no bidi override.
no_raw_controls() {
	if printf '%s' "$output" | LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]'; then
		printf '%s' "$output" | od -c | head -40 >&2
		_pp_fail "a raw control character reached the output"
	fi
	if printf '%s' "$output" | grep -q $'\xc2[\x80-\x9f]\|\xe2\x80\xae'; then
		_pp_fail "a C1 control or bidi override reached the output"
	fi
}

@test "CSV: a hostile host, input name, settings and targets never start a row or a cell with a formula" {
	local d=$BATS_TEST_TMPDIR
	local name=$'in\n=HYPERLINK("evil"),+1;-1,@x.ndjson'
	hostile_input "$d/$name"
	pp_run 0 pp-stats -f csv --meta "$d/meta.json" "$d/$name"
	no_raw_controls
	# Every line is the column names or a row of figures.
	while IFS= read -r line; do
		case $line in
		start,start_utc,end,*|[0-9]*) ;;
		*) _pp_fail "a line starts neither with the header nor with a row: $line" ;;
		esac
	done <<<"$output"
	printf '%s\n' "$output" >"$d/out.csv"
	# A spreadsheet's reading: RFC 4180 cells split on commas, and (as
	# some locales do) on semicolons; none may start a formula.
	/usr/bin/python3 - "$d/out.csv" <<-'PY'
	import csv, sys
	bad = []
	for delim in ",;":
	    with open(sys.argv[1], newline="") as f:
	        for row in csv.reader(f, delimiter=delim):
	            for cell in row:
	                c = cell.lstrip(" \"")
	                if c[:1] in ("=", "+", "-", "@"):
	                    bad.append((delim, cell))
	for b in bad:
	    print("formula cell:", b)
	sys.exit(1 if bad else 0)
	PY
	assert_line --partial ',"vp\x0a=HYPERLINK(""http://evil"",""x""),-2+3\x1b]0;owned\x07\x1b[2J",'
	assert_line --partial ',"t\x1b]0;title\x07\x1b[2J\x0d\x0a=cmd|x",'
	assert_line --partial ',"'"'"'@evil\x0d\x0aHOST: forged",'
	# The settings, the host and the input's name went to --meta's JSON.
	jq -e '.settings.source.note == "a,=1+1;@x" and (.argv[-1] | endswith("@x.ndjson"))' "$d/meta.json" >/dev/null
}

@test "terminal tables: pp-stats -f table and pp-mos -f table show escapes, CR and LF visibly, never raw" {
	local d=$BATS_TEST_TMPDIR
	hostile_input "$d/in.ndjson"
	pp_run 0 pp-stats -f table "$d/in.ndjson"
	no_raw_controls
	assert_output --partial 'HOST: vp\x0a=HYPERLINK("http://e'
	assert_output --partial 't\x1b]0;title\x07\x1b[2J\x0d\x0a=cmd|x'
	assert_output --partial '198.18.0.1\x1b[31m'
	assert_output --partial '@evil\x0d\x0aHOST: forged'
	assert_output --partial 'rtl\u202etxt.exe'
	# No forged row: one HOST line only.
	[ "$(grep -c '^HOST:' <<<"$output")" -eq 1 ] || _pp_fail "a forged HOST row"
	pp_run 0 pp-mos -f table "$d/in.ndjson"
	no_raw_controls
	assert_output --partial 't\x1b]0;title\x07\x1b[2J '
	# The header and a row per target (the trace that never reached its
	# destination scores 100% loss at its highest hop): no forged row.
	[ "$(wc -l <<<"$output")" -eq 3 ] || _pp_fail "a forged row"
	assert_output --partial 'rtl\u202etxt.exe '
	assert_output --partial 'no answers: 100% loss'
}

@test "diagnostics: a hostile bad line or name shows its escapes visibly on stderr" {
	local d=$BATS_TEST_TMPDIR
	printf '{"type":"probe","ts":1,"target":"x","status":"\\u001b[2Jbogus"}\n' >"$d/bad.ndjson"
	printf '\033]0;owned\007{\n' >>"$d/bad.ndjson"
	pp_run 1 pp-stats "$d/bad.ndjson" "$d/$(printf 'no\033[2Jfile')"
	output=$stderr
	no_raw_controls
	assert_output --partial 'no\x1b[2Jfile'
	assert_output --partial 'near '"'"'\x1b'"'"
}

# route_trace: four targets whose first hop changes at round 35, past
# the path's first 30 rounds (pp-alert writes per target a route "first",
# a route "change" and a route alert).
route_trace() {
	local t r h ts
	for t in a b c d; do
		for r in $(seq 0 41); do
			h=198.18.0.1
			[ "$r" -ge 35 ] && h=198.18.0.9
			ts=$((1764000000 + r))
			printf '{"type":"probe","ts":%d.1,"target":"%s","dst":"198.18.9.9","ttl":1,"round":%d,"seq":%d,"status":"ttl-expired","from":"%s","rtt":1.0}\n' "$ts" "$t" "$r" $((r * 2)) "$h"
			printf '{"type":"probe","ts":%d.2,"target":"%s","dst":"198.18.9.9","ttl":2,"round":%d,"seq":%d,"status":"reply","from":"198.18.9.9","rtt":2.0}\n' "$ts" "$t" "$r" $((r * 2 + 1))
		done
	done | sort -t: -k3 -n
}

@test "--exec: a target's events run in order, other targets beside them (--exec-max 4)" {
	local d=$BATS_TEST_TMPDIR
	route_trace >"$d/routes.ndjson"
	cat >"$d/hook" <<-'X'
	#!/bin/sh
	case $PP_STATE in first) sleep 0.6 ;; change) sleep 0.3 ;; esac
	echo "$PP_TARGET $PP_KIND $PP_STATE" >>"$HOOK_LOG"
	X
	chmod +x "$d/hook"
	local start end
	start=$(date +%s%N)
	HOOK_LOG=$d/log pp_run 0 pp-alert --exec "$d/hook" --exec-max 4 "$d/routes.ndjson"
	end=$(date +%s%N)
	local t
	for t in a b c d; do
		run grep "^$t " "$d/log"
		assert_output "$(printf '%s route first\n%s route change\n%s route raise' "$t" "$t" "$t")"
	done
	# One target after another would take 4 x 0.9 s.
	[ $(( (end - start) / 1000000 )) -lt 3200 ] ||
		_pp_fail "took $(( (end - start) / 1000000 )) ms: targets did not run side by side"
}

@test "--exec: a program killed at its timeout takes its process group along" {
	local d=$BATS_TEST_TMPDIR
	cat >"$d/hook" <<-'X'
	#!/bin/sh
	sleep 60 &
	echo $! >"$HOOK_DIR/child.$$"
	exec sleep 60
	X
	chmod +x "$d/hook"
	HOOK_DIR=$d pp_run 0 pp-alert --loss 20 --no-route --outage-min 1m \
		--exec "$d/hook" --exec-timeout 1s \
		"$PP_TOP/tests/fixtures/pp-alert/plain.ndjson"
	assert_stderr --partial "was killed with its process group"
	local f n=0
	sleep 0.2
	for f in "$d"/child.*; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		# Alive, not a zombie waiting for init to reap it.
		if [ -n "$(ps -o stat= -p "$(cat "$f")" | grep -v '^Z')" ]; then
			kill "$(cat "$f")"
			_pp_fail "the program's child $(cat "$f") outlived the timeout"
		fi
	done
	[ "$n" -eq 2 ] || _pp_fail "$n programs ran, wanted 2"
}

@test "--exec: timeouts and waiting events go on while the input is idle" {
	local d=$BATS_TEST_TMPDIR
	local f=$PP_TOP/tests/fixtures/pp-alert/plain.ndjson
	# Two targets, p and q, each raising a loss alert.
	{ cat "$f"; sed 's/"target":"p"/"target":"q"/' "$f"; } | sort -t: -k3 -n >"$d/two.ndjson"
	cat >"$d/hook" <<-'X'
	#!/bin/sh
	date +%s%N >>"$HOOK_DIR/started"
	exec sleep 60
	X
	chmod +x "$d/hook"
	mkfifo "$d/in"
	HOOK_DIR=$d pp-alert --loss 20 --no-route --outage-min 1m \
		--exec "$d/hook" --exec-max 1 --exec-timeout 1s "$d/in" \
		>"$d/out" 2>"$d/err" &
	local pid=$!
	exec 7>"$d/in"
	# Everything up to the last alerts, then the input stays open, idle.
	head -n 150 "$d/two.ndjson" >&7
	local t0
	t0=$(date +%s%N)
	for _ in $(seq 60); do
		[ "$(grep -c 'was killed' "$d/err")" -ge 2 ] && break
		sleep 0.1
	done
	local t1
	t1=$(date +%s%N)
	exec 7>&-
	wait "$pid"
	cat "$d/err" >&2
	# Both raises were written while the input was still open; the first
	# program was killed at 1 s and the waiting one started and killed at
	# 2 s, with no input arriving.
	[ "$(grep -c '"state":"raise"' "$d/out")" -eq 2 ] || _pp_fail "raises missing"
	[ "$(wc -l <"$d/started")" -ge 2 ] || _pp_fail "the waiting event never started"
	[ $(( (t1 - t0) / 1000000 )) -lt 4000 ] ||
		_pp_fail "the timeouts waited for input: $(( (t1 - t0) / 1000000 )) ms"
}

@test "--exec: an event of 200 KB reaches the program whole; a long PP_TARGET is cut with a warning" {
	local d=$BATS_TEST_TMPDIR
	/usr/bin/python3 -c 'import sys
for l in open(sys.argv[1]):
    sys.stdout.write(l.replace("\"target\":\"p\"", "\"target\":\"" + "x" * 200000 + "\""))' \
		"$PP_TOP/tests/fixtures/pp-alert/plain.ndjson" >"$d/long.ndjson"
	cat >"$d/hook" <<-'X'
	#!/bin/sh
	sleep 0.3
	cat >"$HOOK_DIR/event.$$"
	printf '%s' "$PP_TARGET" >"$HOOK_DIR/target.$$"
	X
	chmod +x "$d/hook"
	HOOK_DIR=$d pp_run 0 pp-alert --loss 20 --no-route --exec "$d/hook" "$d/long.ndjson"
	assert_stderr --partial "PP_TARGET cut to 4096 of its 200000 bytes"
	local e
	for e in "$d"/event.*; do
		[ "$(wc -c <"$e")" -gt 200000 ] || _pp_fail "event cut: $(wc -c <"$e") bytes"
		printf '%s\n' "$output" >"$d/out"
		grep -qxFf "$e" "$d/out" ||
			_pp_fail "the event differs from the records written"
	done
	for e in "$d"/target.*; do
		[ "$(wc -c <"$e")" -eq 4096 ] || _pp_fail "PP_TARGET is $(wc -c <"$e") bytes"
	done
	# Control characters in a target reach the environment as \xHH.
	sed 's/"target":"p"/"target":"p\\u001b[2J\\nx"/' \
		"$PP_TOP/tests/fixtures/pp-alert/plain.ndjson" >"$d/esc.ndjson"
	rm -f "$d"/target.*
	HOOK_DIR=$d pp_run 0 pp-alert --loss 20 --no-route --exec "$d/hook" "$d/esc.ndjson"
	for e in "$d"/target.*; do
		run cat "$e"
		assert_output 'p\x1b[2J\x0ax'
	done
}

# nobody_dir: a directory nobody may write to (removed in teardown).
nobody_dir() {
	[ "$(id -u)" = 0 ] || skip "needs root to become nobody"
	command -v setpriv >/dev/null || skip "needs setpriv"
	PP_SHARED=$(mktemp -d /tmp/pp-nobody-XXXXXX)
	chmod 777 "$PP_SHARED"
}

@test "probers | head: the archive is a complete gzip, the summary on stderr, status 0 (as nobody)" {
	nobody_dir
	local d=$PP_SHARED prog
	for prog in pp-probe pp-trace; do
		run --separate-stderr bash -c "
			set -o pipefail
			setpriv --reuid=nobody --regid=nogroup --clear-groups \
				$PP_BIN/$prog --udp -i 0.01 -c 3000 -o $d/$prog.gz 127.0.0.1 |
				head -3"
		[ "$status" -eq 0 ] || _pp_fail "$prog | head: status $status" "$stderr"
		[ "${#lines[@]}" -eq 3 ] || _pp_fail "head got ${#lines[@]} lines"
		assert_stderr --partial "$prog statistics ---"
		[[ "$stderr" != *"write error"* ]] || _pp_fail "$stderr"
		run zcat "$d/$prog.gz"
		[ "$status" -eq 0 ] || _pp_fail "zcat $prog.gz: status $status"
		# The records head saw, and the archive's: every probe sent is
		# there, the ones in flight when the reader left included.
		[ "${#lines[@]}" -ge 3 ] && [ "${#lines[@]}" -lt 3000 ] ||
			_pp_fail "$prog archive has ${#lines[@]} lines"
		printf '%s\n' "${lines[@]:1}" | jq -e -s 'all(.type == "probe")' >/dev/null
	done
}

@test "probers: SIGHUP ends a run cleanly, the archive complete, status 0" {
	nobody_dir
	local d=$PP_SHARED prog
	for prog in pp-probe pp-trace; do
		setpriv --reuid=nobody --regid=nogroup --clear-groups \
			"$PP_BIN/$prog" --udp -i 0.05 -o "$d/$prog.gz" 127.0.0.1 \
			>"$d/$prog.out" 2>"$d/$prog.err" &
		local pid=$!
		for _ in $(seq 50); do
			[ "$(wc -l <"$d/$prog.out")" -ge 3 ] && break
			sleep 0.1
		done
		kill -HUP "$pid"
		local rc=0
		wait "$pid" || rc=$?
		[ "$rc" -eq 0 ] || _pp_fail "$prog: status $rc after SIGHUP" "$(cat "$d/$prog.err")"
		grep -q "$prog statistics ---" "$d/$prog.err" || _pp_fail "no summary"
		zcat "$d/$prog.gz" >"$d/$prog.z" || _pp_fail "$prog.gz is not complete"
		cmp "$d/$prog.z" "$d/$prog.out" || _pp_fail "the archive differs from stdout"
	done
}

@test "probers: a closed stdout, and a full one, still close the archive whole" {
	nobody_dir
	local d=$PP_SHARED prog
	for prog in pp-probe pp-trace; do
		# Closed: reopened on /dev/null, the run goes on.
		run bash -c "setpriv --reuid=nobody --regid=nogroup --clear-groups \
			$PP_BIN/$prog --udp -i 0.01 -c 3 -o $d/$prog.gz 127.0.0.1 >&-"
		[ "$status" -eq 0 ] || _pp_fail "$prog >&-: status $status"
		[ "$(zcat "$d/$prog.gz" | wc -l)" -eq 4 ] || _pp_fail "closed: archive"
		# Full: a write error, status 1; the archive is whole.
		run --separate-stderr bash -c "setpriv --reuid=nobody --regid=nogroup --clear-groups \
			$PP_BIN/$prog --udp -i 0.01 -c 3 -o $d/$prog.gz 127.0.0.1 >/dev/full"
		[ "$status" -eq 1 ] || _pp_fail "$prog >/dev/full: status $status"
		assert_stderr --partial "write error: No space left on device"
		zcat "$d/$prog.gz" >/dev/null || _pp_fail "full: archive incomplete"
	done
}

@test "a UTF-8 byte order mark at the start of an input is skipped with a warning; the meta record counts" {
	local d=$BATS_TEST_TMPDIR f
	f=$(fixture pp-stats hand.ndjson)
	{ printf '\357\273\277'; cat "$f"; } >"$d/bom.ndjson"
	pp_run 0 pp-stats "$d/bom.ndjson"
	assert_stderr "pp-stats: $d/bom.ndjson:1: UTF-8 byte order mark at the start skipped"
	# The meta record was read: its settings are the source's.
	printf '%s\n' "${lines[0]}" | jq -e '.settings.source.timeout == 2.0' >/dev/null
	local plain
	plain=$(pp-stats "$f" | tail -n +2)
	[ "$(printf '%s\n' "${lines[@]:1}")" = "$plain" ] || _pp_fail "stats differ"
	# --strict: a note, not a bad line; gzip the same.
	pp_run 0 pp-stats --strict "$d/bom.ndjson"
	gzip -c "$d/bom.ndjson" >"$d/bom.ndjson.gz"
	pp_run 0 pp-stats "$d/bom.ndjson.gz"
	assert_stderr --partial "bom.ndjson.gz:1: UTF-8 byte order mark"
	# pp-alert reads the meta record's timeout through it too.
	pp_run 0 pp-alert --loss 20 "$d/bom.ndjson"
	assert_stderr --partial "byte order mark"
	# A file with one, joined to another with cat: its meta record, and
	# with it its vantage point, is read (h's probes were vp1's, the
	# first file's, with 'invalid JSON ... near '\ufeff'').
	sed 's/"host":"vp1"/"host":"vp2"/' "$d/bom.ndjson" >"$d/bom2.ndjson"
	cat "$(fixture pp-stats fwd.ndjson)" "$d/bom2.ndjson" >"$d/joined.ndjson"
	pp_run 0 pp-stats --strict "$d/joined.ndjson"
	assert_stderr "pp-stats: $d/joined.ndjson:51: UTF-8 byte order mark at the start of the line skipped (a file joined with cat?)"
	[ "$(printf '%s\n' "$output" | jq -c 'select(.type == "stats") | [.vantage, .target]' | sort -u | paste -sd' ')" = \
	    '["vp1","d"] ["vp2","h"]' ]
	for n in 1 3; do
		PP_THREADS=$n pp_run 0 pp-alert --loss 10 -f text "$d/joined.ndjson"
		assert_output --partial "[vp2] h "
	done
}

@test "pp-geo: a corrupt or unreadable MaxMind DB is an error at the start (exit 2), never empty answers" {
	local m=$PP_TOP/tests/data/mmdb d=$BATS_TEST_TMPDIR
	local rec='{"type":"probe","ts":1,"target":"x","status":"reply","from":"2.125.160.216","rtt":1}'
	printf '%s\n' "$rec" >"$d/in.ndjson"
	pp_run 2 pp-geo --db "$m/MaxMind-DB-test-broken-search-tree-24.mmdb" "$d/in.ndjson"
	assert_stderr "pp-geo: MaxMind DB '$m/MaxMind-DB-test-broken-search-tree-24.mmdb' is corrupt: search tree node 0 points outside the file"
	assert_output ""
	# Garbage in the data section of a good file.
	/usr/bin/python3 - "$m/GeoLite2-City-Test.mmdb" "$d/bad.mmdb" <<-'PY'
	import sys
	b = bytearray(open(sys.argv[1], "rb").read())
	start = 1465 * 28 * 2 // 8 + 16
	for i in range(start + 40, start + 400, 7):
	    b[i] = 0xff
	open(sys.argv[2], "wb").write(b)
	PY
	pp_run 2 pp-geo --asn-db "$d/bad.mmdb" "$d/in.ndjson"
	assert_stderr --partial "is corrupt: data record at"
	# Unreadable (as nobody) and missing.
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		cp "$m/GeoLite2-City-Test.mmdb" "$d/private.mmdb"
		chmod 600 "$d/private.mmdb"
		chmod 755 "$d"
		run --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups \
			"$PP_BIN/pp-geo" --db "$d/private.mmdb" /dev/null
		[ "$status" -eq 2 ] || _pp_fail "unreadable: status $status"
		assert_stderr --partial "Permission denied"
	fi
	pp_run 2 pp-geo --db "$d/none.mmdb" "$d/in.ndjson"
	# The good file still answers.
	pp_run 0 pp-geo --db "$m/GeoLite2-City-Test.mmdb" "$d/in.ndjson"
	printf '%s\n' "$output" | jq -e '.from_geo.cc == "GB"' >/dev/null
}

@test "filters | head: a reader that goes away ends each command quietly with status 0" {
	local d=$BATS_TEST_TMPDIR
	local line
	line=$(sed -n 2p "$(fixture pp-stats hand.ndjson)")
	yes "$line" | head -200000 >"$d/many.ndjson"
	local cmd
	for cmd in "pp-geo" "pp-alert --pass" "pp-stats -u" "pp-mos -u" "pp-plot"; do
		run --separate-stderr bash -c "set -o pipefail; $cmd '$d/many.ndjson' | head -c 10 >/dev/null"
		[ "$status" -eq 0 ] || _pp_fail "$cmd | head: status $status"
		[ -z "$stderr" ] || _pp_fail "$cmd | head: $stderr"
	done
}
