# SPDX-License-Identifier: BSD-2-Clause
# Shell completions (issue 13.7): every option of every command's usage,
# in bash, zsh and fish; file names with spaces and quotes completed whole,
# in a real interactive bash.

setup() {
	load 'test_helper/common'
	pp_setup
	TOOLS="pp-stats pp-mos pp-alert pp-plot pp-geo pp-probe pp-trace"
}

@test "completions: every option in each command's usage is offered by its bash, zsh and fish completions" {
	local t o c u missing=
	for t in $TOOLS; do
		u=$("$t" -h | awk 'NF == 0 { exit } { print }')
		for o in $(printf '%s\n' "$u" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
			grep -qe "$o\\b" "$PP_TOP/completions/bash/$t" || missing+=" bash:$t:$o"
			grep -qe "$o\\b" "$PP_TOP/completions/zsh/_$t" || missing+=" zsh:$t:$o"
			grep -qe "-l ${o#--}\\b" "$PP_TOP/completions/fish/$t.fish" || missing+=" fish:$t:$o"
		done
		for c in $( { printf '%s\n' "$u" | grep -o '\[-[A-Za-z0-9]*\]' | tr -d '[]-' | fold -w1
			printf '%s\n' "$u" | grep -o '\[-[A-Za-z0-9] ' | cut -c3; } | sort -u); do
			grep -qe "[[:space:]'|(]-$c\\b" "$PP_TOP/completions/bash/$t" || missing+=" bash:$t:-$c"
			grep -qe "-$c\\b" "$PP_TOP/completions/zsh/_$t" || missing+=" zsh:$t:-$c"
			grep -qe "-s $c\\b" "$PP_TOP/completions/fish/$t.fish" || missing+=" fish:$t:-$c"
		done
	done
	[ -z "$missing" ] || _pp_fail "not offered:$missing"
}

@test "completions: bash's file names are taken out of their quotes and come back whole (compgen harness)" {
	cd "$BATS_TEST_TMPDIR"
	touch "my file.ndjson" "my other.gz" plain.ndjson "it's.ndjson"
	local t w
	for t in pp-stats pp-mos pp-alert pp-plot pp-geo; do
		for w in 'my' 'my\ f' '"my f' "'my f" 'my\ fi'; do
			run bash -c 'source "$1"; COMP_WORDS=("$2" "$3"); COMP_CWORD=1; _${2//-/_};
				printf "%s\n" "${COMPREPLY[@]}"' _ "$PP_TOP/completions/bash/$t" "$t" "$w"
			assert_line "my file.ndjson"
		done
		run bash -c 'source "$1"; COMP_WORDS=("$2" "it\\'"'"'s"); COMP_CWORD=1; _${2//-/_};
			printf "%s\n" "${COMPREPLY[@]}"' _ "$PP_TOP/completions/bash/$t" "$t"
		assert_output "it's.ndjson"
	done
	# -o of pp-stats, --html of pp-plot, --db of pp-geo: file names too.
	run bash -c 'source "$1"; COMP_WORDS=(pp-stats -o "my\\ o"); COMP_CWORD=2; _pp_stats;
		printf "%s\n" "${COMPREPLY[@]}"' _ "$PP_TOP/completions/bash/pp-stats"
	assert_output "my other.gz"
}

@test "completions: an interactive bash completes a file name with spaces to one quoted word" {
	command -v python3 >/dev/null || skip "python3 needed for the pseudo-terminal"
	cd "$BATS_TEST_TMPDIR"
	touch "my file.ndjson" "other.ndjson"
	# A pseudo-terminal running bash -i with the completion loaded; Ctrl-T
	# prints the line readline holds after <Tab>.
	cat >rc <<-EOF
	PS1='$ '
	source "$PP_TOP/completions/bash/pp-stats"
	bind -x '"\C-t": printf "\nLINE<%s>\n" "\$READLINE_LINE"'
	EOF
	run python3 - "$BATS_TEST_TMPDIR/rc" <<-'PY'
	import os, pty, select, sys, time
	pid, fd = pty.fork()
	if pid == 0:
	    os.execvp("bash", ["bash", "--noprofile", "--rcfile", sys.argv[1], "-i"])
	def read_for(secs):
	    out, end = b"", time.time() + secs
	    while time.time() < end:
	        r, _, _ = select.select([fd], [], [], 0.1)
	        if r:
	            try:
	                out += os.read(fd, 4096)
	            except OSError:
	                break
	    return out
	read_for(1.0)
	for line in (b"pp-stats my\t\x14", b"\x15pp-stats -o \"my\t\x14", b"\x15pp-stats --from -2h my\\ f\t\x14"):
	    os.write(fd, line)
	    sys.stdout.write(read_for(1.0).decode(errors="replace"))
	os.write(fd, b"\x15exit\n")
	read_for(0.5)
	PY
	assert_line --partial 'LINE<pp-stats my\ file.ndjson >'
	assert_line --partial 'LINE<pp-stats -o "my file.ndjson" >'
	assert_line --partial 'LINE<pp-stats --from -2h my\ file.ndjson >'
}
