#!/usr/bin/env bats
# The probers under valgrind (memcheck): short runs to loopback must end
# with status 0, no memory error and no definite leak.  pp-probe: ICMP
# (IPv4 and IPv6, root only), UDP to a closed port, TCP to a listener and
# to a closed port; pp-trace the same.  Skipped where valgrind is missing
# and in sanitizer builds (valgrind cannot run ASan binaries).

setup() {
	load 'test_helper/common'
	pp_setup
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	if grep -qa __asan_init "$PP_BIN/pp-probe"; then
		skip "sanitizer build: valgrind cannot run it"
	fi
	listener=
}

teardown() {
	if [ -n "${listener:-}" ]; then
		kill "$listener" 2>/dev/null || true
		wait "$listener" 2>/dev/null || true
	fi
}

# vg CMD...: run CMD under memcheck; fail unless it exits 0 and valgrind
# reported nothing (exit 99 is valgrind's own: an error or a leak).
vg() {
	PP_TIMEOUT=120 pp_run 0 valgrind -q --error-exitcode=99 \
		--leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite "$@"
	if [[ "$stderr" =~ ==[0-9]+== ]]; then
		_pp_fail "valgrind reported:" "$stderr"
	fi
}

# A TCP listener on 127.0.0.1 (python3); sets $port and $listener.
listen_tcp() {
	local pf="$BATS_TEST_TMPDIR/port"
	python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
s.settimeout(0.2)
end = time.time() + 120
while time.time() < end:
    try:
        c, _ = s.accept()
        c.close()
    except socket.timeout:
        pass
' >"$pf" &
	listener=$!
	for _ in $(seq 50); do
		[ -s "$pf" ] && break
		sleep 0.1
	done
	port=$(cat "$pf")
	[ -n "$port" ]
}

# count_status N STATUS: N probe records, all with this status.
count_status() {
	printf '%s\n' "$output" | jq -e -s --argjson n "$1" --arg st "$2" \
		'map(select(.type == "probe")) | length == $n and
		 all(.status == $st)' >/dev/null ||
		_pp_fail "wanted $1 probes with status $2" "--- got" "$output"
}

@test "valgrind: pp-probe ICMP to 127.0.0.1 and ::1" {
	[ "$(id -u)" = 0 ] || skip "ICMP needs root here"
	vg "$PP_BIN/pp-probe" -c 3 -i 50ms -W 500ms 127.0.0.1 ::1
	count_status 6 reply
}

@test "valgrind: pp-probe UDP to a closed port, TCP to a listener and a closed port" {
	vg "$PP_BIN/pp-probe" --udp -p 9 -c 3 -i 50ms -W 500ms 127.0.0.1
	count_status 3 reply
	listen_tcp
	vg "$PP_BIN/pp-probe" --tcp -p "$port" -c 3 -i 50ms -W 500ms 127.0.0.1
	count_status 3 reply
	vg "$PP_BIN/pp-probe" --tcp -p 9 -c 3 -i 50ms -W 500ms 127.0.0.1
	count_status 3 reply
	# The gzip writer and the live summary too.
	vg "$PP_BIN/pp-probe" --udp -p 9 -c 3 -i 20ms -W 500ms \
		-o "$BATS_TEST_TMPDIR/p.ndjson.gz" 127.0.0.1
	[ "$(zcat "$BATS_TEST_TMPDIR/p.ndjson.gz" | grep -c '"type":"probe"')" -eq 3 ]
}

@test "valgrind: pp-trace ICMP to 127.0.0.1" {
	[ -x "$PP_BIN/pp-trace" ] || skip "pp-trace is not built"
	[ "$(id -u)" = 0 ] || skip "ICMP needs root here"
	vg "$PP_BIN/pp-trace" -c 3 -i 100ms -W 500ms 127.0.0.1
	count_status 3 reply
}

@test "valgrind: pp-trace UDP and TCP to 127.0.0.1" {
	[ -x "$PP_BIN/pp-trace" ] || skip "pp-trace is not built"
	[ "$(id -u)" = 0 ] || skip "pp-trace needs root here"
	vg "$PP_BIN/pp-trace" --udp -c 3 -i 100ms -W 500ms 127.0.0.1
	count_status 3 reply
	listen_tcp
	vg "$PP_BIN/pp-trace" --tcp -p "$port" -c 3 -i 100ms -W 500ms 127.0.0.1
	count_status 3 reply
	vg "$PP_BIN/pp-trace" --tcp -p 9 -c 3 -i 100ms -W 500ms 127.0.0.1
	count_status 3 reply
}
