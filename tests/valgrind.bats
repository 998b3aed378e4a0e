#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# The probers under a memory checker: short runs to loopback must end with
# status 0, no memory error and no definite leak.  pp-probe: ICMP (IPv4 and
# IPv6, root only), UDP to a closed port, TCP to a listener and to a closed
# port, and --mtr-packet fed malformed requests; pp-trace the same.  The
# checker is valgrind (memcheck) in an ordinary build; in a sanitizer build
# (make asan), which valgrind cannot run, the same runs are checked by
# AddressSanitizer and UndefinedBehaviorSanitizer themselves.

setup() {
	load 'test_helper/common'
	pp_setup
	listener=
	if grep -qa __asan_init "$PP_BIN/pp-probe"; then
		MC=()
	elif command -v valgrind >/dev/null; then
		MC=(valgrind -q --error-exitcode=99 --leak-check=full
			--errors-for-leak-kinds=definite --show-leak-kinds=definite)
	else
		skip "valgrind is not installed"
	fi
}

teardown() {
	if [ -n "${listener:-}" ]; then
		kill "$listener" 2>/dev/null || true
		wait "$listener" 2>/dev/null || true
	fi
}

# vg CMD...: run CMD under the checker; fail unless it exits 0 and the
# checker reported nothing (99 is valgrind's own status for an error or a
# leak; sanitizers abort).
vg() {
	PP_TIMEOUT=120 pp_run 0 "${MC[@]}" "$@"
	if [[ "$stderr" =~ ==[0-9]+==|runtime\ error|Sanitizer ]]; then
		_pp_fail "the memory checker reported:" "$stderr"
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

@test "memcheck: pp-probe ICMP to 127.0.0.1 and ::1" {
	[ "$(id -u)" = 0 ] || skip "ICMP needs root here"
	vg "$PP_BIN/pp-probe" -c 3 -i 50ms -W 500ms 127.0.0.1 ::1
	count_status 6 reply
}

@test "memcheck: pp-probe UDP to a closed port, TCP to a listener and a closed port" {
	vg "$PP_BIN/pp-probe" --udp -P 9 -c 3 -i 50ms -W 500ms 127.0.0.1
	count_status 3 reply
	listen_tcp
	vg "$PP_BIN/pp-probe" --tcp -P "$port" -c 3 -i 50ms -W 500ms 127.0.0.1
	count_status 3 reply
	vg "$PP_BIN/pp-probe" --tcp -P 9 -c 3 -i 50ms -W 500ms 127.0.0.1
	count_status 3 reply
	# The gzip writer and the live summary too.
	vg "$PP_BIN/pp-probe" --udp -P 9 -c 3 -i 20ms -W 500ms \
		-o "$BATS_TEST_TMPDIR/p.ndjson.gz" 127.0.0.1
	[ "$(zcat "$BATS_TEST_TMPDIR/p.ndjson.gz" | grep -c '"type":"probe"')" -eq 3 ]
}

@test "memcheck: pp-trace ICMP to 127.0.0.1" {
	[ -x "$PP_BIN/pp-trace" ] || skip "pp-trace is not built"
	[ "$(id -u)" = 0 ] || skip "ICMP needs root here"
	vg "$PP_BIN/pp-trace" -c 3 -i 100ms -W 500ms 127.0.0.1
	count_status 3 reply
}

@test "memcheck: pp-trace UDP and TCP to 127.0.0.1" {
	[ -x "$PP_BIN/pp-trace" ] || skip "pp-trace is not built"
	[ "$(id -u)" = 0 ] || skip "pp-trace needs root here"
	vg "$PP_BIN/pp-trace" --udp -c 3 -i 100ms -W 500ms 127.0.0.1
	count_status 3 reply
	listen_tcp
	vg "$PP_BIN/pp-trace" --tcp -P "$port" -c 3 -i 100ms -W 500ms 127.0.0.1
	count_status 3 reply
	vg "$PP_BIN/pp-trace" --tcp -P 9 -c 3 -i 100ms -W 500ms 127.0.0.1
	count_status 3 reply
}

@test "memcheck: pp-probe --mtr-packet survives malformed requests, answers each" {
	[ "$(id -u)" = 0 ] || skip "--mtr-packet needs root here"
	[ -x /usr/bin/mtr-packet ] || skip "no /usr/bin/mtr-packet to count the answers"
	# Requests from a fixed-seed generator: every address is loopback or
	# not an address at all, so nothing leaves the machine.
	python3 - >"$BATS_TEST_TMPDIR/req" <<'PY'
import random
r = random.Random(4884)
addrs = ["127.0.0.1", "::1", "127.0.0.1x", "999.1.1.1", "::g", "-", "0x7f.1"]
keys = ["ttl", "protocol", "port", "timeout", "size", "bit-pattern", "tos",
        "mark", "feature", "bogus", "ttl", "ttl"]
vals = ["1", "2", "64", "255", "0", "256", "-1", "65535", "65536", "icmp",
        "udp", "tcp", "sctp", "0.5", "1e9", "nan", "inf", "0x10", "",
        "9" * 40, "version", "send-probe", "ip-4", "ip-6", "a" * 300]
cmds = ["send-probe", "send-probe", "send-probe", "check-support", "bogus"]
out = []
for i in range(160):
    tok = str(1000 + i) if r.random() < 0.9 else r.choice(
        ["x", "-5", "99999999999999999999999", "+7", "0x10"])
    words = [tok, r.choice(cmds)]
    if r.random() < 0.85 and words[1] == "send-probe":
        fam = r.choice(["ip-4", "ip-6"])
        words += [fam, r.choice(addrs) if r.random() < 0.3 else
                  ("127.0.0.1" if fam == "ip-4" else "::1")]
    for _ in range(r.randrange(0, 6)):
        words += [r.choice(keys), r.choice(vals)]
    if r.random() < 0.1 and len(words) > 2:
        words.pop()                 # a key without a value
    if words[1] == "send-probe":
        words += ["timeout", "1"]
    line = " ".join(words)
    if r.random() < 0.05:
        line += "\r"
    out.append(line)
out += ["", "   ", "7", "\t\t", "8 \x00 send-probe", "9 check-support",
        "10 check-support feature", "11 check-support feature ip-4",
        "12 send-probe ip-4 127.0.0.1 ip-6 ::1", "13 send-probe",
        "14 " + "z" * 70000, "15 check-support feature ip-6"]
print("\n".join(out))
PY
	# As many answers as mtr-packet gives (tests/mtr-packet.bats compares
	# them one by one).
	want=$(/usr/bin/mtr-packet <"$BATS_TEST_TMPDIR/req" | grep -c .)
	[ "$want" -gt 150 ]
	vg "$PP_BIN/pp-probe" --mtr-packet <"$BATS_TEST_TMPDIR/req"
	got=$(printf '%s\n' "$output" | grep -c .)
	[ "$got" -eq "$want" ] || _pp_fail "$got answers, mtr-packet gives $want" \
		"--- output" "$output"
	# Probes went out and came back, under their own tokens; the NUL
	# line hid the lines after it until the buffer overflowed (as in
	# mtr-packet), the line after the long one was read.
	printf '%s\n' "$output" | grep -qE '^[0-9]+ reply ip-4 127\.0\.0\.1 '
	printf '%s\n' "$output" | grep -qE '^[0-9]+ reply ip-6 ::1 '
	! printf '%s\n' "$output" | grep -q ' no-reply$'
	printf '%s\n' "$output" | grep -q '^0 command-buffer-overflow$'
	printf '%s\n' "$output" | grep -q '^15 feature-support support ok$'
	! printf '%s\n' "$output" | grep -q '^11 '
}
