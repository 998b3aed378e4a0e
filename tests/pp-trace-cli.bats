#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# pp-trace: the command contract on loopback (usage, options, records,
# schemas, -o, signals, privileges).  The paths of real routers are in
# tests/pp-trace.bats (the lab).

setup() {
	load 'test_helper/common'
	load 'test_helper/lab'
	pp_setup
	PY=python3
	[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
}

teardown() { lab_down; }

@test "pp-trace -h prints the usage, equal to the man page SYNOPSIS" {
	pp_run 0 pp-trace -h
	assert_line --index 0 --partial "usage: pp-trace [-46behnrTtuVvw]"
	usage_matches_man pp-trace
	# The option table: the mtr column apart from the text (it was
	# glued to two texts too long for theirs: "...records)-e").
	assert_line --regexp '^  -e  +screen, -r: MPLS labels [^-]*[^ -] +-e$'
	assert_line --regexp '^  -t  +the live screen [^-]*[^ -] +-t$'
	! grep -E '^  -.*[^ ]-[A-Za-z]$' <<<"$output"
	pp_run 0 pp-trace -V
	assert_output --partial "0.1.0"
}

@test "pp-trace: bad options exit 2 with the range; a name that does not resolve" {
	pp_run 2 pp-trace --bogus 127.0.0.1
	assert_stderr --partial "usage: pp-trace"
	pp_run 2 pp-trace
	assert_stderr --partial "usage: pp-trace"
	pp_run 2 pp-trace -c 0 127.0.0.1
	assert_stderr --partial "-c: rounds must be 1 to"
	pp_run 2 pp-trace --flows 65 127.0.0.1
	assert_stderr --partial "--flows: count must be 1 to 64"
	pp_run 2 pp-trace --max-ttl 0 127.0.0.1
	pp_run 2 pp-trace --first-ttl 5 --max-ttl 3 127.0.0.1
	assert_stderr --partial "beyond -m 3 (the max TTL)"
	pp_run 2 pp-trace -i 1ms 127.0.0.1
	assert_stderr --partial "-i: interval must be"
	pp_run 2 pp-trace --send-delay 11s 127.0.0.1
	# A schedule that cannot be kept: refused before anything is sent,
	# with the figures and what keeps it.
	pp_run 2 pp-trace -i 10ms -W 1h 127.0.0.1
	assert_stderr "pp-trace: cannot keep the schedule: 360000 rounds in flight (timeout 3600s / interval 0.01s) x 1 target x 1 flow: 360000 probes in flight when nothing answers, 60000 at most; a longer -i, a shorter -W, --rate, fewer targets or flows keep it"
	[ -z "$output" ]
	seq -f '127.0.0.%g' 1 200 >"$BATS_TEST_TMPDIR/targets"
	pp_run 2 pp-trace --rate 100 -i 1s -F "$BATS_TEST_TMPDIR/targets"
	assert_stderr --partial "a rate of 100 probes a second cannot send one probe per flow of 200 targets every 1s (200 a second)"
	pp_run 2 pp-trace --flows 64 -W 10s -F "$BATS_TEST_TMPDIR/targets"
	assert_stderr --partial "x 200 targets x 64 flows: 128000 probes in flight"
	pp_run 2 pp-trace --rate 0 127.0.0.1
	pp_run 2 pp-trace -F "$BATS_TEST_TMPDIR/none" 127.0.0.1
	assert_stderr --partial "-F: cannot open"
	# The other targets are still traced; the status says 2.
	pp_run 2 pp-trace --udp -c 1 -W 300ms no.such.host.invalid 127.0.0.1
	assert_stderr --partial "cannot resolve 'no.such.host.invalid'"
	printf '%s\n' "$output" | tail -n +2 | jq -e -s 'length == 1 and .[0].target == "127.0.0.1" and .[0].status == "reply"' >/dev/null
	pp_run 2 pp-trace --udp -c 1 no.such.host.invalid
}

@test "pp-trace: every value error names the option as typed (-Z, -W, --timeout each their own)" {
	option_errors pp-trace <<-'T'
	-Z 0 timeout must be
	-W 0 timeout must be
	--timeout 0 timeout must be
	-c 0 rounds must be
	--report-cycles 0 rounds must be
	-f 0 first TTL must be
	--first-ttl 0 first TTL must be
	-m 0 max TTL must be
	--max-ttl 0 max TTL must be
	-i 0 interval must be
	--interval 0 interval must be
	-P 0 port must be
	--port 0 port must be
	-Q 999 tos must be
	--tos 999 tos must be
	-M x mark must be
	--mark x mark must be
	-B zz byte must be
	--bitpattern zz byte must be
	--pattern zz byte must be
	-s x size
	--psize x size
	-U 0 count must be
	--max-unknown 0 count must be
	-I '' not an interface name
	--interface '' not an interface name
	-F /nonexistent cannot open
	--filename /nonexistent cannot open
	-o -c '-c' is not taken
	--color x must be never
	--flows 0 count must be
	--keep -1 count must be
	--rate 0 pps must be
	--rotate 1 size must be
	--send-delay 99 must be 0
	--vantage '' name must be
	T
	# A port and ICMP, said by the option that gave the port.
	pp_run 2 pp-trace --port 80 127.0.0.1
	assert_stderr --partial "pp-trace: --port: a port needs --udp or --tcp"
}

@test "pp-trace: ICMP, UDP and TCP on loopback, IPv4 and IPv6; records valid" {
	[ "$(id -u)" = 0 ] || skip "ICMP needs root here"
	$PY -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema not installed"
	: >"$BATS_TEST_TMPDIR/all.ndjson"
	for p in --icmp --udp "--tcp -P 9"; do
		pp_run 0 pp-trace $p -c 3 -i 50ms -W 500ms 127.0.0.1 ::1
		assert_ndjson
		printf '%s\n' "$output" >>"$BATS_TEST_TMPDIR/all.ndjson"
		# One hop: every round of each target is one reply at TTL 1,
		# rounds 0, 1, 2 in order; the meta record says how.
		printf '%s\n' "$output" | jq -e -s --arg p "${p%% *}" '
			.[0].type == "meta" and .[0].tool == "pp-trace" and
			.[0].settings.proto == ($p | ltrimstr("--")) and
			.[0].settings.max_ttl == 30 and .[0].settings.flows == 1 and
			(.[1:] | length == 6 and all(.type == "probe" and .ttl == 1 and
			    .status == "reply" and .flow == 0 and .rtt >= 0 and .rtt < 50)) and
			([.[1:][] | select(.target == "127.0.0.1") | .round] == [0,1,2]) and
			([.[1:][] | select(.target == "::1") | .from] | unique == ["::1"]) and
			(.[1:] | map(.seq) | sort | unique | length == 6)' >/dev/null
		assert_stderr --partial "--- 127.0.0.1 pp-trace statistics ---"
		assert_stderr --partial "3 rounds, destination answered in 3 (0.0% loss), 1 hop,"
	done
	pp_run 0 $PY "$PP_TOP/tests/schema_check.py" "$PP_TOP/share/schema" "$BATS_TEST_TMPDIR/all.ndjson"
	assert_output --partial " 0 invalid"
	# Flows: one record per flow and TTL, flows in order.
	pp_run 0 pp-trace --udp --flows 4 -c 2 -i 50ms 127.0.0.1
	printf '%s\n' "$output" | tail -n +2 | jq -e -s '
		length == 8 and (map(.flow) == [0,1,2,3,0,1,2,3]) and
		(map(.round) == [0,0,0,0,1,1,1,1])' >/dev/null
	# pp-stats reads it as mtr --report would show it.
	pp-trace --udp -c 3 -i 50ms 127.0.0.1 2>/dev/null | pp-stats -f table >"$BATS_TEST_TMPDIR/t"
	grep -Eq '^ +1\.\|-- 127\.0\.0\.1 +0\.0% +0\.0% +3 ' "$BATS_TEST_TMPDIR/t"
}

@test "pp-trace -o FILE.gz holds what stdout shows; a closed reader ends it quietly" {
	pp_run 0 pp-trace --udp -c 4 -i 20ms -o "$BATS_TEST_TMPDIR/t.ndjson.gz" 127.0.0.1
	[ "$(zcat "$BATS_TEST_TMPDIR/t.ndjson.gz")" = "$output" ]
	pp-stats "$BATS_TEST_TMPDIR/t.ndjson.gz" | grep -q '"sent":4'
	pp_run 0 pp-trace --udp -c 2 -i 20ms -o "$BATS_TEST_TMPDIR/t.ndjson" 127.0.0.1
	[ "$(cat "$BATS_TEST_TMPDIR/t.ndjson")" = "$output" ]
	pp_run 1 pp-trace --udp -c 2 -i 20ms -o /dev/full 127.0.0.1
	assert_stderr --partial "write error"
	run bash -c 'set -o pipefail; pp-trace --udp -i 10ms 127.0.0.1 2>/dev/null | head -2 >/dev/null'
	[ "$status" -eq 0 ]
}

@test "pp-trace: SIGINT finishes the round in flight and exits 0; rounds keep their schedule" {
	pp-trace --udp -i 100ms 127.0.0.1 >"$BATS_TEST_TMPDIR/o" 2>"$BATS_TEST_TMPDIR/e" &
	pid=$!
	# From its first round on (a sanitized binary starts slowly).
	for _ in $(seq 100); do [ "$(wc -l <"$BATS_TEST_TMPDIR/o")" -ge 2 ] && break; sleep 0.02; done
	sleep 0.55
	kill -INT "$pid"
	wait "$pid"
	grep -q 'pp-trace statistics' "$BATS_TEST_TMPDIR/e"
	# Rounds 0..n, none missing, one record each; 100 ms apart from
	# round 1 on (round 0's send may come late under load and ASan: the
	# schedule is kept from the start, so round 1 follows it sooner).
	tail -n +2 "$BATS_TEST_TMPDIR/o" | jq -e -s '
		length >= 4 and (map(.round) == [range(0; length)]) and
		(map(.ts) as $t | [range(2; length) | $t[.] - $t[. - 1]] |
		 all(. > 0.09 and . < 0.11))' >/dev/null
}

@test "pp-trace: UDP and TCP need no privilege; ICMP says what to do without it" {
	lab_up --routers 1
	command -v setpriv >/dev/null || skip "setpriv not installed"
	as_nobody() { lab_exec c setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	run --separate-stderr as_nobody "$PP_BIN/pp-trace" -c 1 "$LAB_DST4"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"cannot open an ICMP socket"*"setcap cap_net_raw+ep pp-trace"*"ping_group_range"*"--udp or --tcp"* ]]
	for p in --udp --tcp; do
		run --separate-stderr as_nobody "$PP_BIN/pp-trace" $p -c 2 -i 100ms -W 1s "$LAB_DST4"
		[ "$status" -eq 0 ]
		printf '%s\n' "$output" | tail -n +2 | jq -e -s --arg h "${LAB_HOP4[0]}" --arg d "$LAB_DST4" '
			length == 4 and (map(.from) == [$h, $d, $h, $d]) and
			(map(.status) == ["ttl-expired", "reply", "ttl-expired", "reply"])' >/dev/null
	done
	# ICMP datagram sockets where the sysctl allows them.
	lab_exec c sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	run --separate-stderr as_nobody "$PP_BIN/pp-trace" -c 2 -i 100ms -W 1s "$LAB_DST4"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | tail -n +2 | jq -e -s --arg d "$LAB_DST4" 'length == 4 and .[1].from == $d and .[1].status == "reply"' >/dev/null
}

@test "pp-trace -o: kill -9 loses at most the last second; --rotate keeps every file readable" {
	pp_run 2 pp-trace --rotate 1M 127.0.0.1
	assert_stderr --partial "--rotate and --keep need -o"
	pp_run 2 pp-trace --keep 2 -o "$BATS_TEST_TMPDIR/x" 127.0.0.1
	assert_stderr --partial "--keep needs --rotate"
	f="$BATS_TEST_TMPDIR/k.ndjson.gz"
	pp-trace --udp -i 10ms -o "$f" 127.0.0.1 >"$BATS_TEST_TMPDIR/out" 2>/dev/null &
	pid=$!
	sleep 2.5
	kill -9 "$pid"
	wait "$pid" || true
	sent=$(($(wc -l <"$BATS_TEST_TMPDIR/out") - 1))
	got=$( (zcat "$f" 2>/dev/null || true) | jq -c 'select(.type == "probe")' | wc -l)
	# 100 rounds a second: what the file lacks is at most about a second.
	[ "$got" -ge $((sent - 130)) ] && [ "$got" -le "$sent" ] && [ "$got" -ge 100 ]
	pp_run 0 pp-stats "$f"
	printf '%s\n' "$output" | jq -e --argjson n "$got" 'select(.type == "stats") | .sent == $n' >/dev/null
	# Rotation: 100 records of about 250 bytes in 4k files, two kept, each
	# beginning with meta and read alone by pp-stats.
	pp_run 0 pp-trace --udp -c 100 -i 10ms --rotate 4k --keep 2 -o "$BATS_TEST_TMPDIR/r.ndjson" 127.0.0.1
	[ -f "$BATS_TEST_TMPDIR/r.ndjson" ] && [ -f "$BATS_TEST_TMPDIR/r.ndjson.1" ] && [ -f "$BATS_TEST_TMPDIR/r.ndjson.2" ]
	[ ! -e "$BATS_TEST_TMPDIR/r.ndjson.3" ]
	for g in "$BATS_TEST_TMPDIR"/r.ndjson*; do
		head -1 "$g" | jq -e '.type == "meta" and .tool == "pp-trace"' >/dev/null
		[ "$(stat -c %s "$g")" -le 4700 ]
		pp-stats "$g" | jq -e 'select(.type == "stats") | .sent > 0' >/dev/null
	done
	# The newest holds the last rounds.
	tail -1 "$BATS_TEST_TMPDIR/r.ndjson" | jq -e '.round == 99' >/dev/null
}

@test "pp-trace: mtr's letters mean what they mean in mtr; its others are errors that say what to use" {
	[ "$(id -u)" = 0 ] || skip "ICMP needs root here"
	# -u -f -m -P -Q (hex) -s -B -n -e -Z, and mtr's long names.
	pp_run 0 pp-trace -u -n -e -c 2 -i 50ms -f 1 -m 1 -P 33435 -Q 0xb8 -s 100 -B 0xaa -Z 500ms 127.0.0.1
	printf '%s\n' "$output" | jq -e -s '
		(.[0].settings | .proto == "udp" and .port == 33435 and .tos == 184 and
		 .size == 100 and .data == 72 and .pattern == 170 and .timeout == 0.5 and
		 .first_ttl == 1 and .max_ttl == 1) and
		(.[1:] | length == 2 and all(.proto == "udp" and .port == 33435 and
		 .ttl == 1 and .size == 100 and .status == "reply"))' >/dev/null
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/all.ndjson"
	pp_run 0 pp-trace --udp --report-cycles 1 --first-ttl 1 --max-ttl 1 --port 33436 --psize 64 --tos 16 --bitpattern 7 --timeout 1 --no-dns --mpls 127.0.0.1
	printf '%s\n' "$output" | jq -e -s '
		(.[0].settings | .port == 33436 and .size == 64 and .tos == 16 and
		 .pattern == 7 and .timeout == 1) and .[1].size == 64' >/dev/null
	# -s counts the whole IP packet, as mtr does, in both families.
	pp_run 0 pp-trace -c 1 -s 100 127.0.0.1 ::1
	printf '%s\n' "$output" | jq -e -s '.[0].settings.size == 100 and
		(.[0].settings | has("data") | not) and (.[1:] | all(.size == 100))' >/dev/null
	pp_run 0 pp-trace -c 1 -s 100 ::1
	printf '%s\n' "$output" | jq -e -s '.[0].settings.data == 52 and .[1].size == 100' >/dev/null
	pp_run 2 pp-trace -c 1 -s 50 ::1
	assert_stderr --partial "-s 50: an IPv6 probe needs at least 66 bytes"
	pp_run 0 pp-trace -T -P 9 -c 1 -Z 500ms 127.0.0.1
	printf '%s\n' "$output" | jq -e -s '.[0].settings.proto == "tcp" and .[1].port == 9 and .[1].status == "reply"' >/dev/null
	# -F is the targets file; -a the source; -v the version.
	printf '127.0.0.1\n' >"$BATS_TEST_TMPDIR/t"
	pp_run 0 pp-trace -u -c 1 -a 127.0.0.1 -F "$BATS_TEST_TMPDIR/t"
	printf '%s\n' "$output" | jq -e -s '.[0].settings.src == "127.0.0.1" and .[0].settings.family == 4 and .[1].target == "127.0.0.1"' >/dev/null
	printf '%s\n' "$output" >>"$BATS_TEST_TMPDIR/all.ndjson"
	pp_run 0 pp-trace -v
	assert_output --partial "0.1.0"
	# The settings have the types of the meta schema.
	if $PY -c 'import jsonschema' 2>/dev/null; then
		pp_run 0 $PY "$PP_TOP/tests/schema_check.py" "$PP_TOP/share/schema" "$BATS_TEST_TMPDIR/all.ndjson"
		assert_output --partial " 0 invalid"
	fi
	# mtr's letters that pp-trace does not take: exit 2, why and what to
	# use, nothing on stdout.
	for o in -C "-D 2" "-E 4" "-G 1" -g -j "-L 4000" -l -p -S -x "-y 0" -z \
	    --json --xml --csv --raw --split --gtk \
	    --aslookup "--ipinfo 0" "--order LSD" "--displaymode 1" \
	    "--gracetime 1" --sctp "--localport 4000" "-o LSDR"; do
		pp_run 2 pp-trace $o 127.0.0.1
		assert_stderr --partial "not supported"
		[ -z "$output" ]
	done
	pp_run 2 pp-trace -z 127.0.0.1
	assert_stderr --partial "--asn-db FILE shows AS numbers"
}

@test "pp-trace -r, -w: mtr's report on stdout, records to -o only; -t needs a terminal; -n, -b, --color, --asn-db checked" {
	# (-n: no reverse DNS of this host's addresses to the system's
	# resolver.)
	pp_run 0 pp-trace -n -r -c 2 -i 50ms -o "$BATS_TEST_TMPDIR/r.ndjson" 127.0.0.1
	assert_line --index 0 --regexp '^Start: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[-+][0-9]{4}$'
	assert_line --index 1 --regexp '^HOST: .{28}Loss%   Snt   Last   Avg  Best  Wrst StDev$'
	assert_line --index 2 --regexp '^  1\.\|-- 127\.0\.0\.1 {18}0\.0%     2 '
	[ "${#lines[@]}" -eq 3 ]
	no_esc
	assert_stderr --partial "--- 127.0.0.1 pp-trace statistics ---"
	# Every record went to -o, none to stdout.
	[ "$(jq -s 'map(select(.type == "probe")) | length' "$BATS_TEST_TMPDIR/r.ndjson")" -eq 2 ]
	# Without -c: mtr's 10 rounds.
	pp_run 0 pp-trace -n -r -i 10ms 127.0.0.1
	assert_line --index 2 --regexp '^  1\.\|-- 127\.0\.0\.1 +0\.0% +10 '
	# -w: the wide report; -b without names: the address alone.
	pp_run 0 pp-trace -n -b -w -c 1 -i 50ms ::1
	assert_line --index 2 --regexp '^  1\.\|-- ::1  +0\.0%     1 '
	pp_run 0 pp-trace -n -r --color=always -c 1 127.0.0.1
	no_esc	# nothing to colour: no loss, no latency
	pp_run 2 pp-trace -n -r --color=often -c 1 127.0.0.1
	assert_stderr --partial "--color: must be never, always or auto: often"
	pp_run 2 pp-trace -t -c 1 127.0.0.1
	assert_stderr --partial "-t: the live screen needs a terminal on standard output"
	pp_run 2 pp-trace -t -r -c 1 127.0.0.1
	assert_stderr --partial "do not go together"
	pp_run 2 pp-trace -n -r --asn-db /nonexistent.mmdb -c 1 127.0.0.1
	assert_stderr --partial "cannot open MaxMind DB '/nonexistent.mmdb'"
	# Piped without -r: the records, as ever, whatever -b, -e, -n say.
	pp_run 0 pp-trace -b -e -n -c 1 127.0.0.1
	assert_ndjson
}

@test "pp-trace: an old use of a letter that took mtr's meaning is an error, never another meaning" {
	# -f FILE (now -F), -m MARK (now -M), -p PORT (now -P), -S SOURCE (now -a).
	printf '127.0.0.1\n' >"$BATS_TEST_TMPDIR/targets.txt"
	pp_run 2 pp-trace -u -c 1 -f "$BATS_TEST_TMPDIR/targets.txt"
	assert_stderr --partial "-f: first TTL must be 1 to 255: $BATS_TEST_TMPDIR/targets.txt (the targets file is -F now, as in mtr)"
	pp_run 2 pp-trace -u -c 1 -m 256 127.0.0.1
	assert_stderr --partial "-m: max TTL must be 1 to 255: 256 (the firewall mark is -M now, as in mtr)"
	pp_run 2 pp-trace -u -c 1 -m 0x10 127.0.0.1
	assert_stderr --partial "the firewall mark is -M now"
	pp_run 2 pp-trace --tcp -p 443 -c 1 127.0.0.1
	assert_stderr --partial "the destination port is -P PORT (it was -p before"
	pp_run 2 pp-trace -S 127.0.0.1 -c 1 127.0.0.1
	assert_stderr --partial "the source address is -a ADDRESS (it was -S before"
	[ ! -e "LSD NBAW" ]
	pp_run 2 pp-trace -o "LSD NBAW" -c 1 127.0.0.1
	assert_stderr --partial "mtr's field order is not supported"
	[ ! -e "LSD NBAW" ]
	# -o FILE is still pp's file; fping's "-o" (no file) is caught.
	pp_run 2 pp-trace -o -c 1 127.0.0.1
	assert_stderr --partial "-o: '-c' is not taken for a file name"
	# Hex where mtr takes it, with the range.
	pp_run 2 pp-trace -Q 0x100 127.0.0.1
	assert_stderr --partial "-Q: tos must be 0 to 255 (or 0x hex): 0x100"
	pp_run 2 pp-trace -s -64 127.0.0.1
	assert_stderr --partial "mtr's negative size (a random size for each probe) is not supported"
	pp_run 2 pp-trace -s 45 127.0.0.1
	assert_stderr --partial "-s: size (the whole IP packet, bytes) must be 46 to 65535: 45"
	pp_run 2 pp-trace -T -s 100 127.0.0.1
	assert_stderr --partial "SYNs, which carry no data"
	pp_run 2 pp-trace -P 80 127.0.0.1
	assert_stderr --partial "-P: a port needs --udp or --tcp"
}

@test "pp-trace: a bad interface, a source not on this host, a refused mark: exit 2 with the kernel's reason, nothing probed" {
	pp_run 2 pp-trace -u -c 1 -I pp-no-such-if0 127.0.0.1
	assert_stderr --partial "-I pp-no-such-if0: cannot send through this interface: No such device"
	[ -z "$output" ]
	# TEST-NET-2: never an address of this host.
	pp_run 2 pp-trace -u -c 1 -a 198.51.100.77 127.0.0.1
	assert_stderr --partial "-a 198.51.100.77: cannot send from this address: Cannot assign requested address"
	[ -z "$output" ]
	pp_run 2 pp-trace -u -c 1 -a ::1 127.0.0.1
	assert_stderr --partial "cannot resolve '127.0.0.1'"
	# What the kernel takes is kept in the meta record.
	pp_run 0 pp-trace -u -c 1 -I lo -a 127.0.0.1 127.0.0.1
	printf '%s\n' "$output" | jq -e -s '.[0].settings.interface == "lo" and .[0].settings.src == "127.0.0.1" and .[1].status == "reply"' >/dev/null
	command -v setpriv >/dev/null || skip "setpriv not installed"
	[ "$(id -u)" = 0 ] || skip "needs root to become nobody"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$PP_BIN/pp-trace" -u -c 1 -M 7 127.0.0.1
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"-M 7: cannot set this mark: Operation not permitted"* ]]
	[ -z "$output" ]
	if [ "$(id -u)" = 0 ]; then
		pp_run 0 pp-trace -u -c 1 -M 0x2a 127.0.0.1
		printf '%s\n' "$output" | jq -e -s '.[0].settings.mark == 42' >/dev/null
		# The mark's capability is kept for -M in a group of letters
		# and for a prefix of --mark, as getopt takes them (it was
		# dropped: "cannot set this mark").
		for o in -nM --mar; do
			pp_run 0 pp-trace -u -c 1 $o 0x2a 127.0.0.1
			printf '%s\n' "$output" | jq -e -s '.[0].settings.mark == 42 and .[1].status == "reply"' >/dev/null
		done
	fi
}

@test "pp-trace: the completions offer every option of the usage, with mtr's letter" {
	completions_cover pp-trace
	grep -q "first TTL probed (mtr -f)" "$PP_TOP/completions/zsh/_pp-trace" "$PP_TOP/completions/fish/pp-trace.fish"
}
