# SPDX-License-Identifier: BSD-2-Clause
# Shared set-up for every bats file: PATH, fixtures, pp_run, assertions
# with the bats-assert names and semantics (so only bats-core is needed).

pp_setup() {
	bats_require_minimum_version 1.5.0
	PP_TOP="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
	PP_BIN="${PP_BIN:-$PP_TOP/bin}"
	PATH="$PP_BIN:$PATH"
	export PP_TOP PP_BIN PATH
	export PP_NOW=1764000000.000000 PP_HOST=testhost
	export LC_ALL=C
}

# median: the median of the numbers on stdin, one a line (the lower of
# the two middle ones for an even count).
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# fixture TOOL NAME: path of tests/fixtures/TOOL/NAME
fixture() {
	printf '%s\n' "$PP_TOP/tests/fixtures/$1/$2"
}

# pp_run RC CMD...: run under a 30 s timeout with stderr kept apart, and
# fail (showing command, stdout, stderr) unless the exit status is RC.
# CMD may be a shell function of the test file (run without timeout(1),
# which cannot run functions).
# option_errors CMD: each line "OPTION VALUE WHAT" of standard input
# ('' for an empty VALUE) must make CMD exit 2 saying "CMD: OPTION: WHAT",
# the option named as typed; a long OPTION also as --long=VALUE.
option_errors() {
	local cmd=$1 opt val what
	while read -r opt val what; do
		[ -n "$opt" ] || continue
		[ "$val" = "''" ] && val=
		pp_run 2 "$cmd" "$opt" "$val" 127.0.0.1
		assert_stderr --partial "$cmd: $opt: $what"
		case $opt in --*)
			pp_run 2 "$cmd" "$opt=$val" 127.0.0.1
			assert_stderr --partial "$cmd: $opt: $what" ;;
		esac
	done
}

pp_run() {
	local want=$1
	shift
	if declare -F "$1" >/dev/null; then
		run --separate-stderr "$@"
	else
		run --separate-stderr timeout "${PP_TIMEOUT:-30}" "$@"
	fi
	if [ "$status" -ne "$want" ]; then
		{
			echo "command: $*"
			echo "status: $status (wanted $want)"
			echo "--- stdout"; printf '%s\n' "$output"
			echo "--- stderr"; printf '%s\n' "$stderr"
		} >&2
		return 1
	fi
}

# pp_sh RC 'shell pipeline': pp_run through sh -c (for pipes).
pp_sh() {
	local want=$1
	shift
	pp_run "$want" sh -c "$*"
}

_pp_fail() {
	{ printf '%s\n' "$@"; } >&2
	return 1
}

assert_success() {
	[ "$status" -eq 0 ] || _pp_fail "expected success, status $status" \
		"--- output" "$output" "--- stderr" "${stderr:-}"
}

assert_failure() {
	if [ $# -gt 0 ]; then
		[ "$status" -eq "$1" ] || _pp_fail "expected status $1, got $status" \
			"--- output" "$output"
	else
		[ "$status" -ne 0 ] || _pp_fail "expected failure, status 0" \
			"--- output" "$output"
	fi
}

# assert_output [--partial|--regexp] TEXT, or assert_output - (stdin)
assert_output() {
	local mode=exact
	case "${1:-}" in
	--partial|-p) mode=partial; shift ;;
	--regexp|-e) mode=regexp; shift ;;
	esac
	local want
	if [ "${1:-}" = - ]; then want=$(cat); else want=$1; fi
	case $mode in
	exact) [ "$output" = "$want" ] || _pp_fail "output differs" \
		"--- want" "$want" "--- got" "$output" ;;
	partial) case "$output" in *"$want"*) ;; *) _pp_fail \
		"output lacks: $want" "--- got" "$output" ;; esac ;;
	regexp) [[ "$output" =~ $want ]] || _pp_fail \
		"output does not match: $want" "--- got" "$output" ;;
	esac
}

refute_output() {
	local mode=exact
	case "${1:-}" in
	--partial|-p) mode=partial; shift ;;
	--regexp|-e) mode=regexp; shift ;;
	esac
	if [ $# -eq 0 ]; then
		[ -z "$output" ] || _pp_fail "expected no output" "--- got" "$output"
		return
	fi
	case $mode in
	exact) [ "$output" != "$1" ] || _pp_fail "output equals: $1" ;;
	partial) case "$output" in *"$1"*) _pp_fail "output contains: $1" \
		"--- got" "$output" ;; esac ;;
	regexp) if [[ "$output" =~ $1 ]]; then _pp_fail \
		"output matches: $1"; fi ;;
	esac
}

assert_stderr() {
	local mode=exact
	case "${1:-}" in
	--partial|-p) mode=partial; shift ;;
	--regexp|-e) mode=regexp; shift ;;
	esac
	case $mode in
	exact) [ "$stderr" = "$1" ] || _pp_fail "stderr differs" \
		"--- want" "$1" "--- got" "$stderr" ;;
	partial) case "$stderr" in *"$1"*) ;; *) _pp_fail \
		"stderr lacks: $1" "--- got" "$stderr" ;; esac ;;
	regexp) [[ "$stderr" =~ $1 ]] || _pp_fail \
		"stderr does not match: $1" "--- got" "$stderr" ;;
	esac
}

# assert_line [--partial|--regexp] [--index N] TEXT
assert_line() {
	local mode=exact idx=
	while :; do
		case "${1:-}" in
		--partial|-p) mode=partial; shift ;;
		--regexp|-e) mode=regexp; shift ;;
		--index|-n) idx=$2; shift 2 ;;
		*) break ;;
		esac
	done
	local want=$1 l
	if [ -n "$idx" ]; then
		l=${lines[$idx]:-}
		case $mode in
		exact) [ "$l" = "$want" ] ;;
		partial) [[ "$l" == *"$want"* ]] ;;
		regexp) [[ "$l" =~ $want ]] ;;
		esac || _pp_fail "line $idx differs" "--- want" "$want" "--- got" "$l"
		return
	fi
	for l in "${lines[@]}"; do
		case $mode in
		exact) [ "$l" = "$want" ] && return 0 ;;
		partial) [[ "$l" == *"$want"* ]] && return 0 ;;
		regexp) [[ "$l" =~ $want ]] && return 0 ;;
		esac
	done
	_pp_fail "no line matches: $want" "--- output" "$output"
}

refute_line() {
	local mode=exact
	case "${1:-}" in
	--partial|-p) mode=partial; shift ;;
	--regexp|-e) mode=regexp; shift ;;
	esac
	local l
	for l in "${lines[@]}"; do
		case $mode in
		exact) [ "$l" = "$1" ] ;;
		partial) [[ "$l" == *"$1"* ]] ;;
		regexp) [[ "$l" =~ $1 ]] ;;
		esac && _pp_fail "a line matches: $1" "--- output" "$output"
	done
	return 0
}

# assert_ndjson: every stdout line is a JSON object (checked with jq).
assert_ndjson() {
	[ -z "$output" ] && return 0
	printf '%s\n' "$output" | jq -e -c 'if type == "object" then . else error("not an object") end' \
		>/dev/null 2>&1 || _pp_fail "stdout is not NDJSON objects" "--- got" "$output"
}

# usage_matches_man TOOL: `TOOL -h`'s usage (up to the first blank line)
# says the same as the man page SYNOPSIS, compared as one line with runs
# of white space folded (the two wrap lines in different places).
usage_matches_man() {
	local tool=$1
	local man="$PP_TOP/man/$tool.1"
	local want got
	want=$(MANWIDTH=200 mandoc -T utf8 -O width=200 "$man" 2>/dev/null | col -b | \
		awk '/^SYNOPSIS/{f=1;next} /^[A-Z]/{f=0} f' | tr -s ' \t\n' ' ' | sed 's/^ //; s/ $//')
	got=$("$tool" -h | awk 'NF==0{exit} {print}' | sed 's/^usage: //' | \
		tr -s ' \t\n' ' ' | sed 's/^ //; s/ $//')
	[ -n "$want" ] || _pp_fail "no SYNOPSIS in $man (is mandoc installed?)"
	[ "$want" = "$got" ] || _pp_fail "usage differs from the man SYNOPSIS" \
		"--- man" "$want" "--- usage" "$got"
}

# sanitized TOOL: TOOL is a sanitizer build (make asan); timing bounds
# that measure our own precision then allow for the instrumentation, the
# lab's impairment tool included.
sanitized() {
	grep -qa __asan_init "$PP_BIN/$1"
}

# need_root: skip unless root with network namespaces.
need_netns() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
	ip netns add "pp-probe-$$" 2>/dev/null || skip "network namespaces not allowed here"
	ip netns del "pp-probe-$$"
}

# completions_cover TOOL: every option of TOOL's usage synopsis is offered
# by its bash completion and named in its zsh and fish completions.
completions_cover() {
	local tool=$1 fn opts o
	fn=_${tool//-/_}
	opts=$("$tool" -h | awk 'NF==0{exit} {print}' | grep -o '\[-[^] ]*' | tr -d '[' |
		awk '/^--/ { print; next } /^-[^-]/ { n = split(substr($0, 2), c, ""); if ($0 ~ /^-[A-Za-z0-9]$/ || n == 1) print; else for (i = 1; i <= n; i++) print "-" c[i] }')
	[ -n "$opts" ] || _pp_fail "no options in $tool -h"
	local words
	words=$(bash -c "source '$PP_TOP/completions/bash/$tool'; COMP_WORDS=($tool -); COMP_CWORD=1; $fn; echo \"\${COMPREPLY[*]}\"")
	for o in $opts; do
		[[ " $words " == *" $o "* ]] || _pp_fail "bash completion of $tool lacks $o"
		case $o in
		--*)
			grep -q -- "$o\[\|{.*$o[,}]" "$PP_TOP/completions/zsh/_$tool" || _pp_fail "zsh completion of $tool lacks $o"
			grep -q -- "-l ${o#--}\b" "$PP_TOP/completions/fish/$tool.fish" || _pp_fail "fish completion of $tool lacks $o"
			;;
		*)
			grep -q -- "'$o\[\|{$o,\|,$o[,}]\|)$o\[" "$PP_TOP/completions/zsh/_$tool" || _pp_fail "zsh completion of $tool lacks $o"
			grep -q -- "-s ${o#-}\b" "$PP_TOP/completions/fish/$tool.fish" || _pp_fail "fish completion of $tool lacks $o"
			;;
		esac
	done
}

# no_esc: $output holds no ESC byte (no escape sequence reached a pipe).
no_esc() {
	if printf '%s' "$output" | LC_ALL=C grep -q $'\e'; then
		printf '%s' "$output" | od -c | head -20 >&2
		_pp_fail "an escape sequence reached the output"
	fi
}
