# The network lab for bats tests (tests/lab/lab.sh).  lab_up skips the test
# cleanly when it cannot run here; call lab_down from teardown.

lab_up() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
	ip netns add "ppchk$$" 2>/dev/null || skip "network namespaces not allowed here"
	ip netns del "ppchk$$"
	[ -c /dev/net/tun ] || skip "no /dev/net/tun"
	LAB="pp$(( $$ % 100000 ))"
	LAB_N=3
	local prev=""
	for a in "$@"; do
		[ "$prev" = --routers ] && LAB_N=$a
		prev=$a
	done
	export PP_IMPAIR="${PP_IMPAIR:-$(lab_impair_bin)}"
	"$PP_TOP/tests/lab/lab.sh" up "$LAB" "$@"
	LAB_DST4="198.18.$((LAB_N + 1)).2"
	LAB_DST6="fd00:0:0:$((LAB_N + 1))::2"
	LAB_HOP4=()
	LAB_HOP6=()
	for k in $(seq 1 $((LAB_N + 1))); do
		LAB_HOP4+=("198.18.$k.2")
		LAB_HOP6+=("fd00:0:0:$k::2")
	done
	export LAB LAB_N LAB_DST4 LAB_DST6
}

lab_impair_bin() {
	local b="${BUILD:-build}"
	case $b in /*) ;; *) b="$PP_TOP/$b" ;; esac
	echo "$b/tests/lab/pp-impair"
}

lab_down() {
	[ -n "${LAB:-}" ] && "$PP_TOP/tests/lab/lab.sh" down "$LAB" || true
}

lab_exec() {
	local node=$1
	shift
	ip netns exec "$LAB-$node" "$@"
}
