# SPDX-License-Identifier: BSD-2-Clause
# pp's mtr-packet helper beside Debian's /usr/bin/mtr-packet: the same
# requests to both in the same run, every answer compared.  What is masked,
# and only that: round-trip times (two programs never time alike) and the
# version each answers to `check-support feature version`.  Answers are
# compared as sorted lines (both answer out of order by design).

MP_REF_BIN=${MP_REF_BIN:-/usr/bin/mtr-packet}

# mp_need: skip unless the reference helper is here.
mp_need() {
	[ -x "$MP_REF_BIN" ] || skip "no $MP_REF_BIN (apt-get install mtr-tiny)"
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
}

# mp_pp: the command that runs pp's helper.
mp_pp() {
	echo "$PP_BIN/pp-probe --mtr-packet"
}

# mp_helper: a one-word program for MTR_PACKET (mtr runs it with execlp,
# no arguments): a script running pp's helper from PP_BIN.
mp_helper() {
	local h=$BATS_TEST_TMPDIR/pp-mtr-packet
	printf '#!/bin/sh\nexec "%s/pp-probe" --mtr-packet "$@"\n' "$PP_BIN" >"$h"
	chmod 755 "$h"
	echo "$h"
}

# mp_ns_up: an isolated network namespace (MP_NS) with loopback and a
# link whose neighbours never answer: a veth pair, both ends here, the far
# one without addresses, and static neighbours 198.18.250.9 and fd00:250::9
# on it (their frames are dropped by the far end: probes there time out,
# and never leave the namespace; the kernel here has no dummy links).
mp_ns_up() {
	MP_NS="ppmp$(( $$ % 100000 ))"
	ip netns add "$MP_NS" 2>/dev/null || skip "network namespaces not allowed here"
	ip -n "$MP_NS" -batch - <<-EOF
	link set lo up
	link add d0a type veth peer name d0b
	addr add 198.18.250.1/24 dev d0a
	addr add fd00:250::1/64 dev d0a nodad
	link set d0a up
	link set d0b up
	neigh add 198.18.250.9 lladdr 02:00:00:00:00:09 dev d0a nud permanent
	neigh add fd00:250::9 lladdr 02:00:00:00:00:09 dev d0a nud permanent
	EOF
	export MP_NS
}

mp_ns_down() {
	[ -n "${MP_NS:-}" ] && ip netns del "$MP_NS" 2>/dev/null || true
}

# mp_norm: the masks, then sorted.
mp_norm() {
	sed -E -e 's/ round-trip-time -?[0-9]+/ round-trip-time RTT/' \
		-e 's/^(-?[0-9]+ feature-support support) [0-9][^ ]*$/\1 VERSION/' |
		LC_ALL=C sort
}

# mp_compare REQFILE [PREFIX...]: run "$MP_REF" (default the reference)
# and "$MP_PP" (default pp's) at once, each under PREFIX (e.g. ip netns exec
# NS), on the same requests; MP_OUT/ref and MP_OUT/pp hold the normalised
# answers.  Returns 0 when they are the same, else prints the difference
# and returns 1.  Fails when either helper ends badly or answers nothing.
mp_compare() {
	local req=$1
	shift
	MP_OUT=${MP_OUT:-$BATS_TEST_TMPDIR}
	local try
	# Where the answers differ, both run once more and the second
	# comparison decides: Debian's mtr-packet itself has answered an
	# IPv6 probe with an IPv4 router's time-exceeded once in many runs
	# (CI, both helpers probing the lab at once). A difference that
	# comes back is pp's.
	for try in 1 2; do
		_mp_compare_once "$req" "$@" && return 0
		[ -s "$MP_OUT/diff" ] || return 1
		[ "$try" = 1 ] && echo "(comparing once more)" >&2
	done
	return 1
}

_mp_compare_once() {
	local req=$1
	shift
	local ref=${MP_REF:-$MP_REF_BIN} pp=${MP_PP:-$(mp_pp)}
	local rs=0 ps=0
	rm -f "$MP_OUT/diff"
	timeout 120 "$@" sh -c "$ref" <"$req" >"$MP_OUT/ref.raw" 2>"$MP_OUT/ref.err" &
	local rp=$!
	timeout 120 "$@" sh -c "$pp" <"$req" >"$MP_OUT/pp.raw" 2>"$MP_OUT/pp.err" &
	local pq=$!
	wait "$rp" || rs=$?
	wait "$pq" || ps=$?
	mp_norm <"$MP_OUT/ref.raw" >"$MP_OUT/ref"
	mp_norm <"$MP_OUT/pp.raw" >"$MP_OUT/pp"
	if [ "$rs" -ne 0 ] || [ "$ps" -ne 0 ] || [ ! -s "$MP_OUT/ref" ]; then
		echo "reference: status $rs, $(wc -l <"$MP_OUT/ref") answers; pp: status $ps" >&2
		cat "$MP_OUT/ref.err" "$MP_OUT/pp.err" >&2
		return 1
	fi
	if ! diff -u "$MP_OUT/ref" "$MP_OUT/pp" >"$MP_OUT/diff"; then
		echo "answers differ (- $ref, + pp):" >&2
		cat "$MP_OUT/diff" >&2
		return 1
	fi
	[ -s "$MP_OUT/pp.err" ] && { echo "pp wrote to stderr:" >&2; cat "$MP_OUT/pp.err" >&2; return 1; }
	return 0
}

# mp_answers N: both transcripts hold N answers (so that a comparison is
# never one of two empty files).
mp_answers() {
	local n
	n=$(wc -l <"$MP_OUT/ref")
	[ "$n" -eq "$1" ] || _pp_fail "reference gave $n answers, wanted $1" \
		"$(cat "$MP_OUT/ref")"
}

# mp_client MODE ARGS...: tests/mtrpkt_client.py against both helpers at
# once (under MP_PREFIX, e.g. ip netns exec NS), outputs compared the same
# way.
mp_client() {
	local mode=$1
	shift
	MP_OUT=${MP_OUT:-$BATS_TEST_TMPDIR}
	local ref=${MP_REF:-$MP_REF_BIN} pp=${MP_PP:-$(mp_pp)}
	local -a pre=()
	[ -n "${MP_PREFIX:-}" ] && read -r -a pre <<<"$MP_PREFIX"
	timeout 120 "${pre[@]}" python3 "$PP_TOP/tests/mtrpkt_client.py" "$mode" "$ref" "$@" \
		>"$MP_OUT/ref" 2>"$MP_OUT/ref.err" &
	local rp=$!
	timeout 120 "${pre[@]}" python3 "$PP_TOP/tests/mtrpkt_client.py" "$mode" "$pp" "$@" \
		>"$MP_OUT/pp" 2>"$MP_OUT/pp.err" &
	local pq=$!
	local rs=0 ps=0
	wait "$rp" || rs=$?
	wait "$pq" || ps=$?
	if [ "$rs" -ne 0 ] || [ "$ps" -ne 0 ] || [ ! -s "$MP_OUT/ref" ]; then
		echo "client: reference status $rs, pp status $ps" >&2
		cat "$MP_OUT/ref" "$MP_OUT/ref.err" "$MP_OUT/pp" "$MP_OUT/pp.err" >&2
		return 1
	fi
	if ! diff -u "$MP_OUT/ref" "$MP_OUT/pp" >"$MP_OUT/diff"; then
		echo "client transcripts differ (- $ref, + pp):" >&2
		cat "$MP_OUT/diff" >&2
		return 1
	fi
	return 0
}

# mp_lab_up ARGS...: lab_up, then no global ICMP burst limit on any node:
# the lab leaves net.ipv4.icmp_msgs_burst at 50, and two helpers probing a
# rejecting destination at once (100 and more errors within a
# millisecond) would lose answers to it, at random.
mp_lab_up() {
	lab_up "$@"
	local ns
	for ns in $(ip netns list | awk '{print $1}' | grep "^$LAB-"); do
		ip netns exec "$ns" sysctl -qw net.ipv4.icmp_msgs_burst=100000
	done
}
