#!/usr/bin/env bats
# The network lab and its impairment tool (root; skipped elsewhere).

setup() {
	load 'test_helper/common'
	load 'test_helper/lab'
	pp_setup
}

teardown() { lab_down; }

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# ping_rtts NODE ARGS...: one RTT per line, ms
ping_rtts() {
	local node=$1
	shift
	lab_exec "$node" ping -n "$@" 2>/dev/null | sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p'
}

@test "lab: a chain of routers, IPv4 and IPv6; hops in order; torn down cleanly" {
	lab_up --routers 3
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null
	lab_exec c ping -6 -c 2 -W 3 "$LAB_DST6" >/dev/null
	command -v traceroute >/dev/null || skip "traceroute not installed"
	run lab_exec c traceroute -n -q 1 -w 1 "$LAB_DST4"
	[ "$status" -eq 0 ]
	for k in 1 2 3 4; do
		assert_line --regexp "^ *$k +${LAB_HOP4[$((k - 1))]//./\\.} "
	done
	# Nothing leaves the lab: no default route anywhere.
	for n in c r1 r2 r3 d; do
		[ -z "$(lab_exec "$n" ip route show default)" ]
	done
	lab_down
	[ -z "$(ip netns list | grep "^$LAB-" || true)" ]
	LAB=
}

@test "lab: delay on a link shows in ping's median RTT, within 0.5 ms" {
	lab_up --routers 2 --impair 2:delay=20ms
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null
	# ping's user-space send stamp adds 0.1 to 0.4 ms of its own here;
	# pp-probe.bats holds pp-probe to 0.3 ms on the same kind of path.
	m=$(ping_rtts c -c 200 -i 0.01 "$LAB_DST4" | median)
	awk -v m="$m" 'BEGIN { exit !(m >= 40 && m <= 40.5) }'
	# The hop before the delayed link does not see it.
	m1=$(ping_rtts c -c 50 -i 0.01 198.18.1.2 | median)
	awk -v m="$m1" 'BEGIN { exit !(m < 1) }'
}

@test "lab: random loss within statistical bounds; bursts of the mean length" {
	lab_up --routers 1 --impair 2:fwd.loss=10%
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null || true
	got=$(ping_rtts c -c 2000 -i 0.002 -W 1 "$LAB_DST4" | wc -l)
	lost=$((2000 - got))
	# 200 expected, binomial sigma 13.4: 4 sigma either side.
	[ "$lost" -ge 146 ] && [ "$lost" -le 254 ]
	tests/lab/lab.sh impair "$LAB" 2 fwd.loss=10%,fwd.burst=5
	out=$(lab_exec c ping -n -c 2000 -i 0.002 -W 1 "$LAB_DST4" 2>/dev/null | sed -n 's/.*icmp_seq=\([0-9]*\) .*/\1/p')
	# Mean run of missing sequence numbers near 5 (3 to 8).
	printf '%s\n' "$out" | awk 'NR > 1 && $1 > prev + 1 { runs++; lost += $1 - prev - 1 } { prev = $1 }
		END { m = lost / runs; exit !(runs > 10 && m >= 3 && m <= 8) }'
}

@test "lab: a link taken down for 2 s is a gap of that length in the replies" {
	lab_up --routers 1 --impair 2:delay=1ms
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null
	( sleep 1; "$PP_TOP/tests/lab/lab.sh" link "$LAB" 2 down; sleep 2; "$PP_TOP/tests/lab/lab.sh" link "$LAB" 2 up ) &
	# -D: the receive time of each reply; the longest silence is the outage.
	gap=$(lab_exec c ping -D -n -c 200 -i 0.02 -W 1 "$LAB_DST4" 2>/dev/null |
		sed -n 's/^\[\([0-9.]*\)\].*time=.*/\1/p' |
		awk 'NR > 1 && $1 - prev > max { max = $1 - prev } { prev = $1 } END { print max }')
	wait
	# 2 s, give or take the time lab.sh takes to change the link.
	awk -v g="$gap" 'BEGIN { exit !(g >= 1.8 && g <= 2.3) }'
}

@test "lab: the impairment changes at run time" {
	lab_up --routers 1 --impair 2:delay=5ms
	lab_exec c ping -c 1 -W 2 "$LAB_DST4" >/dev/null
	m=$(ping_rtts c -c 20 -i 0.01 "$LAB_DST4" | median)
	awk -v m="$m" 'BEGIN { exit !(m >= 10 && m < 10.5) }'
	tests/lab/lab.sh impair "$LAB" 2 delay=15ms
	sleep 0.1
	m=$(ping_rtts c -c 20 -i 0.01 "$LAB_DST4" | median)
	awk -v m="$m" 'BEGIN { exit !(m >= 30 && m < 30.5) }'
}
