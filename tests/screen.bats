#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# The probers on a terminal (a pseudo-terminal: tests/pty-run.py) in the
# lab: pp-trace's live hop table redrawn in place, checked against the
# records it wrote with -o in the same run; the table printed again at the
# end; keys as mtr's; colour, NO_COLOR and --color; names by reverse DNS
# (a dnsmasq in the client's namespace, its resolv.conf through
# /etc/netns); -r beside mtr -r; nothing but NDJSON into a pipe.

setup() {
	load 'test_helper/common'
	load 'test_helper/lab'
	pp_setup
	T=$BATS_TEST_TMPDIR
	PTY="python3 $PP_TOP/tests/pty-run.py"
	CHK="python3 $PP_TOP/tests/screen-check.py"
}

teardown() {
	[ -n "${DNS_PID:-}" ] && kill "$DNS_PID" 2>/dev/null || true
	[ -n "${LAB:-}" ] && rm -rf "/etc/netns/$LAB-c"
	lab_down
}

# tty ARGS... -- COMMAND...: COMMAND on a pseudo-terminal in the client's
# namespace, the terminal's bytes in $T/tty.
# quit_within FILE S: the command ended within S seconds of its last key
# (FILE: pty-run.py --ended).  Timed from the key, not from the start, so
# that Python's and the namespace's start on a loaded machine do not count
# (CI once took 9.3 s to the end of a run whose q came at 7.5 s).
quit_within() {
	awk -v s="$2" '{ exit !($1 >= 0 && $1 < s) }' "$1" || _pp_fail "quit $(cat "$1") s after its key, not within $2 s"
}

tty() {
	lab_exec c $PTY --out "$T/tty" "$@"
}

# no_sgr FILE: no colour (SGR) sequence in FILE.
no_sgr() {
	! LC_ALL=C grep -q $'\e\\[[0-9;]*m' "$1" || _pp_fail "a colour sequence in $1"
}

@test "pp-trace on a terminal (lab): a live hop table redrawn in place, the figures of its own -o records; the table once more at the end" {
	lab_up --routers 3 --impair 2:loss=20%
	run tty --cols 100 --rows 30 --key "4:q" -- pp-trace -n -i 100ms -Z 500ms -o "$T/rec.ndjson" "$LAB_DST4"
	[ "$status" -eq 0 ] || _pp_fail "status $status" "$(cat "$T/tty")"
	# Redrawn in place: frames from the top left, each a whole table.
	n=$($CHK frames "$T/tty")
	[ "$n" -ge 5 ] || _pp_fail "only $n frames"
	$CHK frame "$T/tty" >"$T/last"
	grep -q "^pp-trace: .* -> $LAB_DST4 " "$T/last" || _pp_fail "no title" "$(cat "$T/last")"
	grep -qE '^HOST: .* +Loss%  Fwd%   Snt  Last   Avg  Best  Wrst StDev  Jttr$' "$T/last"
	for k in 1 2 3 4; do
		grep -qE "^  $k\\.\\|-- ${LAB_HOP4[$((k - 1))]//./\\.} " "$T/last" || _pp_fail "hop $k missing" "$(cat "$T/last")"
	done
	# Cumulative: every hop's Snt grows frame after frame.
	for i in $(seq 0 $((n - 1))); do
		$CHK frame "$T/tty" "$i" | awk '$1 == "4.|--" { print $5 }'
	done | awk 'NR > 1 && $1 < last { bad = 1 } { last = $1 } END { exit bad }' || _pp_fail "Snt went down"
	# The table left on the terminal at the end: the figures of the
	# records written with -o in the same run (Snt, Loss%, Best and Wrst
	# within the printed precision).
	$CHK after "$T/tty" >"$T/after"
	head -1 "$T/after" | grep -qE '^Start: [0-9-]{10}T'
	run $CHK table normal "$T/after" "$T/rec.ndjson"
	[ "$status" -eq 0 ] || _pp_fail "$output" "$(cat "$T/after")"
	assert_output --partial "4 hops checked, 0 differences"
	# The lossy link shows: loss from hop 2 on.
	awk '$1 == "2.|--" { sub("%", "", $3); exit !($3 > 0) }' "$T/after" || _pp_fail "no loss at hop 2" "$(cat "$T/after")"
	grep -q -- "--- $LAB_DST4 pp-trace statistics ---" "$T/after"
	# The records: NDJSON only, no escape sequence.
	output=$(cat "$T/rec.ndjson")
	assert_ndjson
	no_esc
	[ "$(jq -s 'map(select(.type == "meta")) | length' "$T/rec.ndjson")" -eq 1 ]
}

@test "pp-trace and pp-probe piped (lab): only NDJSON reaches the pipe, even with a terminal on stderr; no status line on it" {
	lab_up --routers 2
	tty -- sh -c "pp-trace -n -c 5 -i 50ms $LAB_DST4 >'$T/out.ndjson'"
	output=$(cat "$T/out.ndjson")
	assert_ndjson
	no_esc
	[ "$(jq -s 'map(select(.type == "probe")) | length' "$T/out.ndjson")" -eq 15 ]
	# The terminal (stderr) got the summary and nothing that moves the
	# cursor or clears.
	! LC_ALL=C grep -q $'\e' "$T/tty" || _pp_fail "escape sequences on stderr" "$(od -c "$T/tty" | head)"
	grep -q "pp-trace statistics" "$T/tty"
	tty -- sh -c "pp-probe -c 5 -i 50ms $LAB_DST4 | cat >'$T/out.ndjson'"
	output=$(cat "$T/out.ndjson")
	assert_ndjson
	no_esc
	[ "$(jq -s 'map(select(.type == "probe")) | length' "$T/out.ndjson")" -eq 5 ]
	! LC_ALL=C grep -q $'\e' "$T/tty" || _pp_fail "escape sequences on stderr"
	grep -q "pp-probe statistics" "$T/tty"
}

@test "pp-trace on a terminal (lab): mtr's keys: p pauses, SPACE resumes, r resets, d and j switch views, ? helps, q quits" {
	lab_up --routers 2
	run tty --ended "$T/ended" --cols 90 --rows 24 --key "1.5:p" --key "2.5: " --key "3.0:r" --key "4.0:d" --key "4.8:d" --key "5.0:d" \
		--key "5.2:j" --key "5.8:?" --key "6.4:x" --key "6.9:q" -- pp-trace -n -i 100ms "$LAB_DST4"
	[ "$status" -eq 0 ] || _pp_fail "status $status"
	# q quits at once: not at the next round, nor at the 2 s timeout of
	# the probes in flight (from q typed to the end, pty-run.py --ended).
	quit_within "$T/ended" 1.0
	n=$($CHK frames "$T/tty")
	for i in $(seq 0 $((n - 1))); do
		f=$($CHK frame "$T/tty" "$i")
		case $f in
		*"Keys (as mtr's):"*) echo "$i help" ;;
		*PAUSED*) echo "$i paused" ;;
		*"last answers (newest right)"*) echo "$i history" ;;
		*"  Drop   Rcv   Avg Gmean  Jttr  Javg  Jmax  Jint"*) echo "$i jitter" ;;
		*) echo "$i table $(awk '$1 == "3.|--" { print $5 }' <<<"$f")" ;;
		esac
	done >"$T/kinds"
	# Paused: the display stands still (one frame, not five a second).
	p=$(grep -c paused "$T/kinds")
	[ "$p" -ge 1 ] && [ "$p" -le 2 ] || _pp_fail "$p paused frames" "$(cat "$T/kinds")"
	# Reset: the figures start again.
	awk '$2 == "table" && $3 != "" { if (prev != "" && $3 < prev) r = 1; prev = $3 } END { exit !r }' "$T/kinds" ||
		_pp_fail "no reset seen" "$(cat "$T/kinds")"
	# d: each hop's last answers (plain, then on mtr's scale), and back; j:
	# the jitter columns; ?: the keys; in that order.
	order=$(awk '{ print $2 }' "$T/kinds" | grep -E 'paused|history|jitter|help' | awk '!seen[$0]++' | paste -sd' ')
	[ "$order" = "paused history jitter help" ] || _pp_fail "views: $order" "$(cat "$T/kinds")"
	# The history line of hop 1: answers, none lost (10 rounds of 100 ms
	# from r to d; CI under load drew fewer than 5 at 0.6 s).  An answer is
	# '.' under 1.5 times the hop's best, 'o', 'O' or '#' slower (a
	# sanitizer build's answer at 0.28 ms against a best of 0.05 was an
	# 'O'); a lost one '?'.
	for i in $(seq 0 $((n - 1))); do $CHK frame "$T/tty" "$i"; done | grep -qE '^  1\.\|-- 198\.18\.1\.2 +[.oO#]{5,}$' ||
		_pp_fail "no history line" "$(cat "$T/kinds"; for i in $(seq 0 $((n - 1))); do $CHK frame "$T/tty" "$i"; done | grep -E '^  1\.\|-- ' | sort | uniq -c)"
	# The table printed at the end, screen left.
	$CHK after "$T/tty" | grep -qE '^  3\.\|-- '
	tail -c 200 "$T/tty" | grep -q "pp-trace statistics"
}

@test "pp-trace (lab): colour on loss on a terminal; none with NO_COLOR, --color=never or in a pipe; --color=always" {
	lab_up --routers 2 --impair 1:loss=30%
	TERM=xterm NO_COLOR= tty --key "2.5:q" -- pp-trace -n -i 50ms "$LAB_DST4"
	LC_ALL=C grep -q $'\e\\[3[13]m' "$T/tty" || _pp_fail "no colour on the lossy hops"
	NO_COLOR=1 tty --key "2:q" -- pp-trace -n -i 50ms "$LAB_DST4"
	no_sgr "$T/tty"
	$CHK frames "$T/tty" | grep -qv '^0$'
	NO_COLOR= tty --key "2:q" -- pp-trace -n --color=never -i 50ms "$LAB_DST4"
	no_sgr "$T/tty"
	TERM=dumb tty --key "2:q" -- pp-trace -n -c 3 -i 50ms "$LAB_DST4"
	no_sgr "$T/tty"
	! LC_ALL=C grep -q $'\e\\[?1049h' "$T/tty" || _pp_fail "a screen on a dumb terminal"
	lab_exec c pp-trace -n -r -c 10 -i 50ms "$LAB_DST4" >"$T/r"
	no_sgr "$T/r"
	lab_exec c pp-trace -n -r --color=always -c 10 -i 50ms "$LAB_DST4" >"$T/r"
	LC_ALL=C grep -q $'\e\\[3[13]m' "$T/r" || _pp_fail "--color=always: no colour"
}

@test "pp-trace -r (lab): mtr -r's layout, column for column, and the figures of its -o records" {
	command -v mtr >/dev/null || skip "mtr not installed"
	lab_up --routers 3 --impair 3:loss=10%
	lab_exec c mtr -n -r -c 5 -i 0.2 "$LAB_DST4" >"$T/mtr"
	lab_exec c pp-trace -n -r -c 5 -i 200ms -o "$T/rec.ndjson" "$LAB_DST4" >"$T/pp"
	# The same lines: Start, HOST (the same, byte for byte), a row a hop.
	[ "$(wc -l <"$T/mtr")" -eq "$(wc -l <"$T/pp")" ] || _pp_fail "line counts" "$(cat "$T/mtr" "$T/pp")"
	[ "$(sed -n 2p "$T/mtr")" = "$(sed -n 2p "$T/pp")" ] || _pp_fail "HOST lines differ" "$(cat "$T/mtr" "$T/pp")"
	head -1 "$T/pp" | grep -qE '^Start: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[-+][0-9]{4}$'
	# Each row: the same hop and address, and every column ending where
	# mtr's ends (the right edges of the fields).
	edges() { tail -n +3 "$1" | awk '{ s = $0; e = ""; p = 0; while (match(s, /[^ ]+/)) { p += RSTART + RLENGTH - 1; e = e " " p; s = substr(s, RSTART + RLENGTH) } print $1, $2, e }'; }
	[ "$(edges "$T/mtr")" = "$(edges "$T/pp")" ] || _pp_fail "columns differ" "$(cat "$T/mtr" "$T/pp")"
	run $CHK table report "$T/pp" "$T/rec.ndjson"
	[ "$status" -eq 0 ] || _pp_fail "$output" "$(cat "$T/pp")"
}

# screens WHO: the screens of $T/WHO.cap (pty-run.py --marks) just before
# each key was typed, into $T/WHO.0, $T/WHO.1, ... (a terminal emulator
# draws them: tests/term-screen.py).
screens() {
	local i=0 off k
	while read -r off k; do
		/usr/bin/python3 "$PP_TOP/tests/term-screen.py" 100 16 "$T/$1.cap" "$off" >"$T/$1.$i"
		i=$((i + 1))
	done <"$T/$1.marks"
}

# titles WHO N: the column titles of screen N, one a line.
titles() {
	grep -E '^ *(Host|HOST:)' "$T/$1.$2" | head -1 | awk '{ for (i = 2; i <= NF; i++) print $i }' |
		grep -vx 'vm\|Host' | grep -v '^HOST:'
}

# snt WHO N HOP: hop HOP's Snt on screen N.
snt() {
	awk -v h="$3." '$1 == h || $1 == h "|--" { for (i = 2; i <= NF; i++) if ($i ~ /%$/) { while ($i ~ /%$/) i++; print $i; exit } }' "$T/$1.$2"
}

@test "pp-trace on a terminal beside mtr's own screen (lab): the same hops, mtr's columns in mtr's order, and its keys j, p, SPACE, d, q" {
	command -v mtr >/dev/null || skip "mtr not installed"
	/usr/bin/python3 -c 'import pyte' 2>/dev/null || skip "no pyte (Debian python3-pyte: make deps)"
	lab_up --routers 2 --impair 2:loss=20%
	local keys=(--key "2.5:j" --key "3.5:j" --key "4.0:p" --key "5.0: " --key "5.5:d" --key "6.5:d" --key "7.5:q")
	lab_exec c $PTY --cols 100 --rows 16 --out "$T/mtr.cap" --marks "$T/mtr.marks" "${keys[@]}" -- mtr -n -i 0.1 "$LAB_DST4"
	lab_exec c $PTY --cols 100 --rows 16 --out "$T/pp.cap" --marks "$T/pp.marks" --ended "$T/ended" "${keys[@]}" -- pp-trace -n -i 100ms -Z 500ms "$LAB_DST4"
	screens mtr
	screens pp
	# Screen 0, the table: the same hops and addresses (mtr " 1. ADDR",
	# pp "  1.|-- ADDR").
	hoplist() { awk '$1 ~ /^[0-9]+\.(\|--)?$/ { sub(/\|--/, "", $1); print $1, $2 }' "$T/$1.0"; }
	[ "$(hoplist mtr)" = "$(hoplist pp)" ] || _pp_fail "hops differ" "$(cat "$T/mtr.0" "$T/pp.0")"
	[ "$(hoplist pp | wc -l)" -eq 3 ]
	# mtr's column titles, in mtr's order, among pp's (pp adds Fwd% and
	# Jttr, the mean |dRTT| that mtr's j view calls Javg).
	sub() { # sub A B: the lines of file A, in order, among those of B
		awk 'BEGIN { k = 0; n = 0 } NR == FNR { want[n++] = $0; next } k < n && $0 == want[k] { k++ } END { exit (k != n) }' "$1" "$2"; }
	titles mtr 0 >"$T/mtr.t0"; titles pp 0 >"$T/pp.t0"
	sub "$T/mtr.t0" "$T/pp.t0" || _pp_fail "table titles" "$(cat "$T/mtr.0" "$T/pp.0")"
	[ "$(paste -sd' ' "$T/mtr.t0")" = "Loss% Snt Last Avg Best Wrst StDev" ]
	# Screen 1, after j: mtr's jitter columns, the same, in its order.
	titles mtr 1 >"$T/mtr.t1"; titles pp 1 >"$T/pp.t1"
	diff "$T/mtr.t1" "$T/pp.t1" || _pp_fail "j view titles" "$(cat "$T/mtr.1" "$T/pp.1")"
	# Screens 2 and 3: p freezes both for a second (Snt as when p was
	# typed, within the round then in flight); screen 4: SPACE resumed.
	# (pp's frame at p may be up to a frame, 0.2 s, older than p: two
	# rounds more.)
	for who in mtr pp; do
		a=$(snt "$who" 2 3) b=$(snt "$who" 3 3) c=$(snt "$who" 4 3)
		more=1
		[ "$who" = pp ] && more=3
		[ -n "$a" ] && [ "$b" -ge "$a" ] && [ "$b" -le $((a + more)) ] || _pp_fail "$who: p: Snt $a then $b" "$(cat "$T/$who.2" "$T/$who.3")"
		[ "$c" -gt "$b" ] || _pp_fail "$who: SPACE: Snt $b then $c" "$(cat "$T/$who.4")"
	done
	# Screen 5, after d: each hop's recent probes as a line of marks
	# (lost ones "?" in both), the hops in the same order.
	# (Every screen drawn while in that view: mtr may be caught halfway
	# through a redraw at any one moment.)
	for who in mtr pp; do
		from=$(sed -n 5p "$T/$who.marks" | cut -d' ' -f1)
		to=$(sed -n 6p "$T/$who.marks" | cut -d' ' -f1)
		/usr/bin/python3 "$PP_TOP/tests/term-screen.py" 100 16 "$T/$who.cap" "$from" "$to" >"$T/$who.d"
		awk 'BEGIN { RS = "\f\n" } {
			n = 0; q = 0; k = split($0, l, "\n")
			for (i = 1; i <= k; i++) {
				split(l[i], f, " ")
				if (f[1] !~ /^[0-9]+\.(\|--)?$/)
					continue
				rest = substr(l[i], index(l[i], f[2]) + length(f[2]))
				if (rest ~ /[.?>0-9a-zoO#][.?>0-9a-zoO#][.?>0-9a-zoO#][.?>0-9a-zoO#][.?>0-9a-zoO#][.?>0-9a-zoO#][.?>0-9a-zoO#][.?>0-9a-zoO#][.?>0-9a-zoO#][.?>0-9a-zoO#]/) {
					n++
					if (rest ~ /\?/ && f[1] !~ /^1\./)
						q = 1
				}
			}
			if (n == 3 && q) ok = 1
		} END { exit !ok }' "$T/$who.d" || _pp_fail "$who: d view" "$(cat "$T/$who.5")"
	done
	# q: pp-trace quits at once, as mtr (the probes in flight are left
	# out: the next test).
	quit_within "$T/ended" 1.0
}

# hops FILE: each hop of a -r table and every address shown for it (its
# row's and the lines under it), sorted: "N ADDR ADDR...".
hops() {
	awk '/^ *[0-9]+\.\|-- / { if (h != "") print h; h = $1 " " $2; next }
		h != "" && /^        [0-9a-f:.]+( |$)/ { h = h " " $1 } END { if (h != "") print h }' "$1" |
		while read -r n a; do echo "${n%%.|--} $(tr ' ' '\n' <<<"$a" | sort | paste -sd' ')"; done
}

@test "pp-trace -r (lab): a silent hop as mtr's ???, every responder of a balanced hop under its row, beside mtr -r" {
	command -v mtr >/dev/null || skip "mtr not installed"
	lab_up --routers 4 --perpacket 2 --silent 4
	# Per packet over two routers at hop 2 (and so two addresses at hop 3):
	# 20 rounds see both with odds of 1 - 2^-19 each.
	lab_exec c mtr -n -r -c 20 -i 0.1 "$LAB_DST4" >"$T/mtr"
	lab_exec c pp-trace -n -r -c 20 -i 100ms -o "$T/rec.ndjson" "$LAB_DST4" >"$T/pp"
	hops "$T/mtr" >"$T/mtr.hops"
	hops "$T/pp" >"$T/pp.hops"
	diff "$T/mtr.hops" "$T/pp.hops" || _pp_fail "responders differ" "$(cat "$T/mtr" "$T/pp")"
	grep -qx "2 198.18.102.2 198.18.2.2" "$T/pp.hops" || _pp_fail "hop 2 balanced?" "$(cat "$T/pp")"
	grep -qx "4 ???" "$T/pp.hops" || _pp_fail "no silent hop 4" "$(cat "$T/pp")"
	# The silent hop: 100 % loss at mtr's column edges, no figures made up.
	grep -qE '^  4\.\|-- \?\?\? +100\.0%    20 +- +- +- +- +-$' "$T/pp" || _pp_fail "silent row" "$(cat "$T/pp")"
	# Rows at mtr's column edges (the lines under a row are pp's own: a
	# responder's replies and times, where mtr prints the address alone).
	# (The address on a balanced hop's row may be either: mtr shows the
	# latest, pp the one that answered most.)
	edges() { grep -E '^ *[0-9]+\.\|-- ' "$1" | awk '{ s = $0; e = ""; p = 0; k = 0; while (match(s, /[^ ]+/)) { p += RSTART + RLENGTH - 1; if (++k != 2) e = e " " p; s = substr(s, RSTART + RLENGTH) } print $1, e }'; }
	[ "$(edges "$T/mtr")" = "$(edges "$T/pp")" ] || _pp_fail "columns differ" "$(cat "$T/mtr" "$T/pp")"
	# Each responder's replies under its row add up to the hop's answers
	# in the records.
	run $CHK table report "$T/pp" "$T/rec.ndjson"
	[ "$status" -eq 0 ] || _pp_fail "$output" "$(cat "$T/pp")"
}

@test "pp-trace -r (lab): a destination that never answers is one ??? row after the last hop that did, as mtr -r shows it" {
	command -v mtr >/dev/null || skip "mtr not installed"
	lab_up --routers 2 --block-dst
	lab_exec c mtr -n -r -c 3 -i 0.1 "$LAB_DST4" >"$T/mtr"
	lab_exec c pp-trace -n -r -c 3 -i 100ms -o "$T/rec.ndjson" "$LAB_DST4" >"$T/pp" || true
	hops "$T/mtr" >"$T/mtr.hops"
	hops "$T/pp" >"$T/pp.hops"
	diff "$T/mtr.hops" "$T/pp.hops" || _pp_fail "hops differ" "$(cat "$T/mtr" "$T/pp")"
	[ "$(cat "$T/pp.hops")" = "$(printf '1 %s\n2 %s\n3 ???' "${LAB_HOP4[0]}" "${LAB_HOP4[1]}")" ]
	# The records keep every hop probed (--max-unknown 10: 12 of them).
	[ "$(jq -s '[.[] | select(.type == "probe" and .status == "timeout") | .ttl] | unique | length' "$T/rec.ndjson")" -eq 12 ]
}

# dns NAME...: a dnsmasq answering the lab hops' PTR queries in the
# client's namespace, which asks it (/etc/netns/LAB-c/resolv.conf).
dns() {
	command -v dnsmasq >/dev/null || skip "dnsmasq not installed"
	mkdir -p "/etc/netns/$LAB-c"
	echo "nameserver 127.0.0.1" >"/etc/netns/$LAB-c/resolv.conf"
	lab_exec c ip link set lo up
	ip netns exec "$LAB-c" dnsmasq --no-daemon --port=53 --listen-address=127.0.0.1 --bind-interfaces \
		--no-resolv --no-hosts --conf-file=/dev/null --log-queries "$@" 2>"$T/dnsmasq.log" &
	DNS_PID=$!
	for i in $(seq 50); do grep -q 'started' "$T/dnsmasq.log" && break; sleep 0.1; done
}

@test "pp-trace (lab): names by reverse DNS on the screen and in the report, never cut; -b, -n, the n key; a silent server is said" {
	lab_up --routers 2
	dns --ptr-record=2.1.18.198.in-addr.arpa,gw.lab.example \
		--ptr-record=2.2.18.198.in-addr.arpa,a-rather-long-router-name.core.isp.example
	lab_exec c pp-trace -r -c 2 -i 50ms "$LAB_DST4" >"$T/r"
	grep -qE '^  1\.\|-- gw\.lab\.example +0\.0% ' "$T/r" || _pp_fail "$(cat "$T/r")"
	# Longer than its column: a line of its own, the figures under it.
	grep -qx '  2.|-- a-rather-long-router-name.core.isp.example' "$T/r" || _pp_fail "$(cat "$T/r")"
	grep -qE '^ {33} +0\.0%     2 ' "$T/r"
	grep -qE "^  3\\.\\|-- ${LAB_DST4//./\\.} " "$T/r"
	lab_exec c pp-trace -r -b -c 2 -i 50ms "$LAB_DST4" >"$T/r"
	grep -qx '  1.|-- gw.lab.example (198.18.1.2)' "$T/r" || _pp_fail "$(cat "$T/r")"
	lab_exec c pp-trace -r -n -c 2 -i 50ms "$LAB_DST4" >"$T/r"
	! grep -q example "$T/r"
	# The live screen: names, then n: addresses.
	tty --key "2:n" --key "3.5:q" -- pp-trace -i 100ms "$LAB_DST4"
	n=$($CHK frames "$T/tty")
	$CHK frame "$T/tty" 3 | grep -q '  1.|-- gw.lab.example '
	$CHK frame "$T/tty" | grep -qE '^  1\.\|-- 198\.18\.1\.2 '
	$CHK frame "$T/tty" | grep -q 'names off'
	# A server that never answers: the status line says so.
	kill "$DNS_PID"
	wait "$DNS_PID" 2>/dev/null || true
	DNS_PID=
	ip netns exec "$LAB-c" python3 -c 'import socket,time; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",53)); time.sleep(20)' &
	DNS_PID=$!
	sleep 0.3
	tty --key "3.5:q" -- pp-trace -i 100ms "$LAB_DST4"
	$CHK frame "$T/tty" | grep -q 'reverse DNS: no answer from the server'
}

# lines FILE: the probe lines of a ping-like output, sequence numbers as N
# and times as T.
lines() {
	tr -d '\r' <"$1" | grep -E 'icmp_seq=|bytes of data|data bytes' |
		sed -E 's/icmp_seq=[0-9]+/icmp_seq=N/; s/time=[0-9.]+ ms/time=T ms/'
}

@test "pp-probe on a terminal (lab): ping's lines beside ping's own, answers, time exceeded, unreachables, timeouts; NDJSON to -o" {
	command -v ping >/dev/null || skip "ping not installed"
	lab_up --routers 2 --reject-dst host-unreachable
	for a in "$LAB_DST4" "$LAB_DST6"; do
		# Time exceeded at hop 1, as ping -t 1 says it.
		tty -- ping -n -c 2 -i 0.2 -t 1 "$a" || true
		lines "$T/tty" | sort -u >"$T/ping"
		tty -- pp-probe -c 2 -i 200ms -t 1 "$a" || true
		lines "$T/tty" | sort -u >"$T/pp"
		diff "$T/ping" "$T/pp" || _pp_fail "time exceeded differs for $a"
		grep -q "From ${LAB_HOP4[0]} icmp_seq=N Time to live exceeded\|From ${LAB_HOP6[0]} icmp_seq=N Time exceeded: Hop limit" "$T/pp"
		# The destination's unreachables.
		tty -- ping -n -c 2 -i 0.2 "$a" || true
		lines "$T/tty" | sort -u >"$T/ping"
		tty -- pp-probe -c 2 -i 200ms -o "$T/rec.ndjson" "$a" || true
		lines "$T/tty" | sort -u >"$T/pp"
		diff "$T/ping" "$T/pp" || _pp_fail "unreachables differ for $a"
		grep -q 'Destination Host Unreachable\|Address unreachable' "$T/pp"
		# The records went to -o, not to the terminal.
		! grep -q '"type"' "$T/tty"
		[ "$(jq -s 'map(select(.type == "probe" and .status == "unreachable")) | length' "$T/rec.ndjson")" -eq 2 ]
	done
	lab_down
	lab_up --routers 2
	# Answers: the header and every reply line as ping's.
	for a in "$LAB_DST4" "$LAB_DST6"; do
		tty -- ping -n -c 3 -i 0.2 "$a"
		lines "$T/tty" | sort -u >"$T/ping"
		tty -- pp-probe -c 3 -i 200ms "$a"
		lines "$T/tty" | sort -u >"$T/pp"
		diff "$T/ping" "$T/pp" || _pp_fail "answers differ for $a"
		grep -qx "64 bytes from $a: icmp_seq=N ttl=6[0-9] time=T ms" "$T/pp"
		grep -q "pp-probe statistics" "$T/tty"
	done
	# Timeouts, as ping -O says them.
	lab_down
	lab_up --routers 1 --block-dst
	tty -- ping -n -O -c 3 -i 0.5 -W 1 "$LAB_DST4" || true
	lines "$T/tty" | grep 'no answer' | sort -u >"$T/ping"
	tty -- pp-probe -c 3 -i 500ms -W 300ms "$LAB_DST4" || true
	lines "$T/tty" | grep 'no answer' | sort -u >"$T/pp"
	[ -s "$T/pp" ] && diff "$T/ping" "$T/pp" || _pp_fail "timeouts differ" "$(cat "$T/ping" "$T/pp")"
	# -q: the summary alone, as ping -q.
	tty -- pp-probe -q -c 2 -i 100ms 127.0.0.1
	! grep -q 'icmp_seq' "$T/tty"
	grep -q "pp-probe statistics" "$T/tty"
}

@test "the probers' summaries (lab): the run's duration, outages and the longest, the outages pp-stats finds in their -o records" {
	lab_up --routers 2 --impair 2:
	# A 4 s cut of link 2, a second into each run.
	(sleep 1; "$PP_TOP/tests/lab/lab.sh" cut "$LAB" 2 4s >/dev/null) &
	run --separate-stderr lab_exec c pp-probe -c 80 -i 100ms -W 500ms -o "$T/p.ndjson" "$LAB_DST4"
	wait
	want=$(pp-stats "$T/p.ndjson" | jq -r 'select(.type == "outage") | "\(.duration / 1000 | . * 1000 | round / 1000)"' | head -1)
	[ -n "$want" ] || _pp_fail "pp-stats found no outage"
	printf '%s\n' "$stderr" | grep -qE "^run [78]\\.[0-9] s, 1 outage \\(loss >= 30% for >= 3 s\\), the longest $(printf '%.3f' "$want") s from [0-9T:-]+Z$" ||
		_pp_fail "summary" "$stderr" "pp-stats: $want"
	(sleep 1; "$PP_TOP/tests/lab/lab.sh" cut "$LAB" 2 4s >/dev/null) &
	run --separate-stderr lab_exec c pp-trace -n -c 80 -i 100ms -Z 500ms -o "$T/t.ndjson" "$LAB_DST4"
	wait
	want=$(pp-stats "$T/t.ndjson" | jq -r 'select(.type == "outage") | .duration / 1000' | head -1)
	[ -n "$want" ] || _pp_fail "pp-stats found no outage"
	printf '%s\n' "$stderr" | grep -qE "^run [78]\\.[0-9] s, 1 outage \\(loss >= 30% for >= 3 s\\), the longest $(printf '%.3f' "$want") s from " ||
		_pp_fail "summary" "$stderr" "pp-stats: $want"
	# No outage: said so.
	run --separate-stderr lab_exec c pp-probe -c 5 -i 50ms "$LAB_DST4"
	printf '%s\n' "$stderr" | grep -qx "run 0\\.[0-9] s, no outage (loss >= 30% for >= 3 s)"
}

@test "pp-trace on a terminal beside mtr on a lossy path (lab): Snt counts a probe when sent, as mtr's, the lost ones not waited for; q quits at once, the probes in flight not in -o" {
	command -v mtr >/dev/null || skip "mtr not installed"
	/usr/bin/python3 -c 'import pyte' 2>/dev/null || skip "no pyte (Debian python3-pyte: make deps)"
	lab_up --routers 2 --impair 2:loss=20%
	# p at 2.5 s: the screen as it stood then; q at 3 s.
	local keys=(--key "2.5:p" --key "3.0:q")
	lab_exec c $PTY --cols 100 --rows 16 --out "$T/mtr.cap" --marks "$T/mtr.marks" "${keys[@]}" -- mtr -n -i 0.1 "$LAB_DST4"
	# A timeout far beyond the run: a lost probe's outcome never comes
	# before q (before, a round reached the screen only once its lost
	# probe timed out: Snt 5 where mtr's was 25).
	lab_exec c $PTY --cols 100 --rows 16 --out "$T/pp.cap" --marks "$T/pp.marks" --ended "$T/ended" "${keys[@]}" -- pp-trace -n -i 100ms -Z 20s -o "$T/rec.ndjson" "$LAB_DST4"
	screens mtr
	screens pp
	# Snt of every hop within 3 of mtr's after the same time (a round's
	# probes leave 1 ms or an answer apart, mtr's all at once).
	for h in 1 2 3; do
		m=$(snt mtr 0 "$h") p=$(snt pp 0 "$h")
		[ -n "$m" ] && [ -n "$p" ] && [ "$m" -ge 20 ] && [ $((p - m)) -le 3 ] && [ $((m - p)) -le 3 ] ||
			_pp_fail "hop $h: Snt pp $p, mtr $m" "$(cat "$T/mtr.0" "$T/pp.0")"
	done
	# Loss% counts only the probes whose outcome is known (mtr's rule): a
	# lost probe is still in flight here, so hops 2 and 3 show no loss
	# while their Snt runs ahead of what has answered.
	grep -E '^ +3\.\|-- ' "$T/pp.0" | grep -q ' 0\.0% ' || _pp_fail "hop 3: loss before any outcome" "$(cat "$T/pp.0")"
	# q quits at once, not after the 20 s timeout of the probes in flight.
	quit_within "$T/ended" 1.0
	# They are not in the archive: no probe written as lost (none could
	# time out), hop 1 (no loss) and the last rounds' answers are.
	[ "$(jq -c 'select(.type == "probe" and .status != "reply" and .status != "ttl-expired")' "$T/rec.ndjson" | wc -l)" -eq 0 ] ||
		_pp_fail "a probe in flight written" "$(grep -v '"reply"\|"ttl-expired"' "$T/rec.ndjson")"
	n1=$(jq -c 'select(.type == "probe" and .ttl == 1)' "$T/rec.ndjson" | wc -l)
	[ "$n1" -ge 25 ] || _pp_fail "hop 1: $n1 records"
	# The table printed at the end is the archive's figures.
	$CHK after "$T/pp.cap" >"$T/after"
	$CHK table normal "$T/after" "$T/rec.ndjson" || _pp_fail "table after q" "$(cat "$T/after")"
}

@test "pp-trace on a terminal beside mtr (lab): d cycles mtr's three views, the table, the last answers, the same on mtr's scale, and back" {
	command -v mtr >/dev/null || skip "mtr not installed"
	/usr/bin/python3 -c 'import pyte' 2>/dev/null || skip "no pyte (Debian python3-pyte: make deps)"
	lab_up --routers 2 --impair 2:loss=20%
	local keys=(--key "2.5:d" --key "3.5:d" --key "4.5:d" --key "5.5:q")
	lab_exec c $PTY --cols 100 --rows 16 --out "$T/mtr.cap" --marks "$T/mtr.marks" "${keys[@]}" -- mtr -n -i 0.1 "$LAB_DST4"
	lab_exec c $PTY --cols 100 --rows 16 --out "$T/pp.cap" --marks "$T/pp.marks" "${keys[@]}" -- pp-trace -n -i 100ms -Z 500ms "$LAB_DST4"
	screens mtr
	screens pp
	# After two d: mtr's scaled map in both, a line of marks per hop (only
	# mtr's marks, losses "?" beyond hop 1), and the "Scale:" line naming
	# the same marks in the same order.  (Every screen drawn while in that
	# view: mtr may be caught halfway through a redraw at any one moment;
	# and one of mtr's rows may keep bits of the table drawn before: curses
	# updates only what it thinks changed, which the emulator does not
	# always follow.)
	for who in mtr pp; do
		need=3
		[ "$who" = mtr ] && need=2
		from=$(sed -n 2p "$T/$who.marks" | cut -d' ' -f1)
		to=$(sed -n 3p "$T/$who.marks" | cut -d' ' -f1)
		/usr/bin/python3 "$PP_TOP/tests/term-screen.py" 100 16 "$T/$who.cap" "$from" "$to" >"$T/$who.d2"
		awk -v need="$need" 'BEGIN { RS = "\f\n" } {
			n = 0; q = 0; sc = ""; k = split($0, l, "\n")
			for (i = 1; i <= k; i++) {
				if (l[i] ~ /^Scale:/) sc = l[i]
				split(l[i], f, " ")
				if (f[1] !~ /^[0-9]+\.(\|--)?$/)
					continue
				rest = substr(l[i], index(l[i], f[2]) + length(f[2])); gsub(/ /, "", rest)
				if (rest !~ /^[.123abc>?]+$/ || length(rest) < 10)
					continue
				n++
				if (f[1] !~ /^1\./ && rest ~ /\?/) q = 1
			}
			if (n >= need && q && sc != "") { ok = 1; scale = sc }
		} END { if (!ok) exit 1; print scale }' "$T/$who.d2" >"$T/$who.sc" || _pp_fail "$who: scaled view" "$(cat "$T/$who.2")"
		grep -oE '(^|  )[^ ]:' "$T/$who.sc" | tr -d ' :' | paste -sd' ' >"$T/$who.scale"
	done
	[ "$(cat "$T/pp.scale")" = ". 1 2 3 a b c" ] && diff "$T/mtr.scale" "$T/pp.scale" || _pp_fail "Scale lines" "$(cat "$T/mtr.sc" "$T/pp.sc")"
	# Screen 1: the plain map (no Scale line in pp's); screen 3: the table
	# again, with its titles, in both.
	! grep -q '^Scale:' "$T/pp.1"
	for who in mtr pp; do
		titles "$who" 3 | grep -qx 'Loss%' || _pp_fail "$who: third d" "$(cat "$T/$who.3")"
	done
}
