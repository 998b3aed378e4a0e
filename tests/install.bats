# SPDX-License-Identifier: BSD-2-Clause
# Set-up (issue 13.7): the README's first command as root on a machine
# with no sudo and as a user with sudo; make install's file capability and
# what a user gets from it; the docs and the licence installed; every
# source file naming its licence.

setup() {
	load 'test_helper/common'
	pp_setup
}

# fake_tools DIR: apt-get, npm (and sudo when asked) that log how they were
# called, with the uid, into DIR/log; and DIR/path: only the tools the
# deps recipe needs, as links (so no sudo but a fake one is in PATH).
fake_tools() {
	local d=$1 t
	mkdir -p "$d/fake" "$d/path"
	for t in apt-get npm; do
		printf '#!/bin/sh\necho "$(id -u) %s $*" >>"%s/log"\n' "$t" "$d" >"$d/fake/$t"
	done
	chmod 755 "$d/fake/"*
	for t in sh make id tee chmod rm cat printf env; do
		ln -s "$(command -v "$t")" "$d/path/$t"
	done
	chmod 755 "$d" "$d/fake" "$d/path"
}

# Skip when the user nobody cannot read the checkout (a clone in a private
# directory such as mktemp -d's): the test runs make in it as nobody.
nobody_reads_checkout() {
	setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$PP_TOP/Makefile" ||
		skip "the user nobody cannot read $PP_TOP (a private checkout)"
}

@test "make deps as root on a machine with no sudo: apt-get and npm run directly, policy-rc.d put back" {
	[ "$(id -u)" = 0 ] || skip "needs root"
	local d=$BATS_TEST_TMPDIR
	fake_tools "$d"
	! PATH="$d/fake:$d/path" command -v sudo >/dev/null || _pp_fail "sudo in the test PATH"
	pp_run 0 env PATH="$d/fake:$d/path" make -C "$PP_TOP" --no-print-directory deps POLICY_RC="$d/policy-rc.d"
	run cat "$d/log"
	assert_line --index 0 "0 apt-get update -qq"
	assert_line --index 1 --regexp '^0 apt-get install -y -qq --no-install-recommends build-essential .* libcap2-bin .* python3-pandas libreoffice-calc-nogui python3-pyte$'
	assert_line --index 2 --regexp '^0 npm install -g .*@duckdb/node-api@'
	[ ! -e "$d/policy-rc.d" ] || _pp_fail "policy-rc.d left behind"
	# A failing apt-get fails the target.
	printf '#!/bin/sh\nexit 100\n' >"$d/fake/apt-get"
	pp_run 2 env PATH="$d/fake:$d/path" make -C "$PP_TOP" --no-print-directory deps POLICY_RC="$d/policy-rc.d"
	[ ! -e "$d/policy-rc.d" ]
}

@test "make deps as a user: every privileged step through sudo" {
	[ "$(id -u)" = 0 ] || skip "needs root (to run as nobody)"
	command -v setpriv >/dev/null || skip "setpriv not installed"
	nobody_reads_checkout
	local d
	d=$(mktemp -d /tmp/ppdeps.XXXXXX)
	fake_tools "$d"
	# sudo: log, then run the command (as the user: the log is what counts).
	printf '#!/bin/sh\necho "$(id -u) sudo $*" >>"%s/log"\nexec "$@"\n' "$d" >"$d/fake/sudo"
	chmod 755 "$d/fake/sudo"
	touch "$d/log"
	chown 65534 "$d" "$d/log"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		env PATH="$d/fake:$d/path" HOME="$d" make -C "$PP_TOP" --no-print-directory deps \
		POLICY_RC="$d/policy-rc.d"
	local st=$status
	run cat "$d/log"
	rm -rf "$d"
	[ "$st" -eq 0 ]
	assert_line --index 0 "65534 sudo tee $d/policy-rc.d"
	assert_line --index 1 "65534 sudo chmod 755 $d/policy-rc.d"
	assert_line --index 2 "65534 sudo apt-get update -qq"
	assert_line --index 3 "65534 apt-get update -qq"
	assert_line --index 4 --regexp '^65534 sudo apt-get install -y '
	assert_line --index 6 "65534 sudo rm -f $d/policy-rc.d"
	assert_line --index 7 --regexp '^65534 sudo npm install -g '
}

@test "README: the first command is make deps && make demo, with no sudo of its own" {
	run sed -n '/^```sh$/{n;p;q}' "$PP_TOP/README.md"
	assert_output --regexp '^make deps && make demo +#'
	grep -q 'sudo make deps' "$PP_TOP/README.md" && _pp_fail "README still says sudo make deps"
	true
}

@test "make install as root: pp-probe and pp-trace get cap_net_raw, and nobody probes ICMP with raw sockets; docs, licence, uninstall" {
	[ "$(id -u)" = 0 ] || skip "needs root (setcap)"
	command -v setcap >/dev/null || skip "no setcap (libcap2-bin)"
	command -v setpriv >/dev/null || skip "setpriv not installed"
	local d p
	d=$(mktemp -d /tmp/ppinst.XXXXXX)
	chmod 755 "$d"
	p=$d/prefix
	run --separate-stderr make -C "$PP_TOP" --no-print-directory install-files BIN="$PP_BIN" PREFIX="$p"
	[ "$status" -eq 0 ] || { rm -rf "$d"; _pp_fail "install failed: $stderr"; }
	if [[ "$stderr" == *"no cap_net_raw"* ]]; then
		rm -rf "$d"
		skip "file capabilities not allowed here"
	fi
	assert_line "setcap cap_net_raw+ep $p/bin/pp-probe"
	run getcap "$p/bin/pp-probe" "$p/bin/pp-trace" "$p/bin/pp-stats"
	assert_line --regexp "^$p/bin/pp-probe (cap_net_raw=ep|= cap_net_raw\\+ep)$"
	assert_line --regexp "^$p/bin/pp-trace (cap_net_raw=ep|= cap_net_raw\\+ep)$"
	refute_line --partial "pp-stats"
	[ -s "$p/share/doc/pp/LICENSE" ] && [ -s "$p/share/doc/pp/README.md" ] || _pp_fail "docs not installed"
	[ -s "$p/share/man/man7/pp.7" ] && [ -s "$p/share/man/man5/pp-records.5" ] || _pp_fail "man pages"
	[ -s "$p/share/bash-completion/completions/pp-stats" ] || _pp_fail "completions"
	# nobody: raw ICMP sockets through the capability, then none kept.
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$p/bin/pp-probe" -c 1 127.0.0.1
	local st1=$status out1=$output
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$p/bin/pp-trace" -c 1 127.0.0.1
	local st2=$status out2=$output
	# The same binaries without the capability: what a user gets from a
	# non-root install (datagram ICMP where ping_group_range allows).
	cp "$p/bin/pp-probe" "$d/plain-probe"
	chmod 755 "$d/plain-probe"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$d/plain-probe" -c 1 127.0.0.1
	local st3=$status out3=$output err3=$stderr
	pp_run 0 make -C "$PP_TOP" --no-print-directory uninstall PREFIX="$p"
	run find "$p" -type f
	local left=$output
	rm -rf "$d"
	[ -z "$left" ] || _pp_fail "left after uninstall: $left"
	[ "$st1" -eq 0 ] && [ "$st2" -eq 0 ] || _pp_fail "nobody could not probe: $st1 $st2"
	printf '%s\n' "$out1" | head -1 | jq -e '.settings.socket == "raw"' >/dev/null
	printf '%s\n' "$out1" | tail -1 | jq -e '.status == "reply"' >/dev/null
	printf '%s\n' "$out2" | tail -1 | jq -e '.status == "reply" and .ttl == 1' >/dev/null
	if [ "$st3" -eq 0 ]; then
		printf '%s\n' "$out3" | head -1 | jq -e '.settings.socket == "datagram"' >/dev/null
	else
		[[ "$err3" == *"cannot open an ICMP socket"*"setcap cap_net_raw+ep"* ]]
	fi
}

@test "make install as a user: no capability, said so; SETCAP= leaves it out as root" {
	[ "$(id -u)" = 0 ] || skip "needs root (to run as nobody)"
	command -v setpriv >/dev/null || skip "setpriv not installed"
	nobody_reads_checkout
	local d
	d=$(mktemp -d /tmp/ppinst.XXXXXX)
	chown 65534 "$d"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		make -C "$PP_TOP" --no-print-directory install-files BIN="$PP_BIN" PREFIX="$d/p"
	local st=$status out=$output caps
	caps=$(getcap "$d/p/bin/pp-probe" 2>/dev/null)
	run --separate-stderr make -C "$PP_TOP" --no-print-directory install-files BIN="$PP_BIN" \
		PREFIX="$d/q" SETCAP=
	local out2=$output caps2
	caps2=$(getcap "$d/q/bin/pp-probe" 2>/dev/null)
	rm -rf "$d"
	[ "$st" -eq 0 ]
	[[ "$out" == *"pp: not root: pp-probe and pp-trace installed without cap_net_raw"* ]]
	[ -z "$caps" ] && [ -z "$caps2" ]
	[[ "$out2" == *"SETCAP empty"* ]]
}

@test "LICENSE is BSD-2-Clause and every source file says so (make spdx)" {
	head -1 "$PP_TOP/LICENSE" | grep -qx 'BSD 2-Clause License'
	pp_run 0 make -C "$PP_TOP" --no-print-directory -s spdx
	assert_output "spdx: ok"
	# A file without the line is named (in a copy of the tree's outline).
	local t=$BATS_TEST_TMPDIR/tree
	mkdir -p "$t/.ci" "$t/share/examples" "$t/cmd" "$t/lib" "$t/tests/unit" "$t/man" \
		"$t/completions/zsh"
	cp "$PP_TOP/Makefile" "$t/"
	cp "$PP_TOP/.ci/run" "$t/.ci/"
	cp "$PP_TOP/share/mtr-packet" "$t/share/"
	cp "$PP_TOP/cmd/pp-stats.c" "$PP_TOP/tests/unit/test_trange.c" "$t/cmd/"
	printf '/* no licence line */\n' >"$t/tests/unit/test_x.c"
	printf '#compdef pp-x\n# zsh completion\n' >"$t/completions/zsh/_pp-x"
	printf '.Dd December 3, 2026\n' >"$t/man/pp-x.1"
	run --separate-stderr make -C "$t" --no-print-directory -s spdx
	[ "$status" -ne 0 ]
	assert_stderr --partial "lint: no SPDX-License-Identifier line in:"
	[[ "$stderr" == *" tests/unit/test_x.c"* && "$stderr" == *" completions/zsh/_pp-x"* &&
		"$stderr" == *" man/pp-x.1"* ]]
	[[ "$stderr" != *"pp-stats.c"* ]]
}
