#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run the C unit tests and every bats file; end with one line
# "N passed, N failed[, N skipped]" summing both.  Exit 1 on any failure.
# Usage: tests/run-all.sh UNIT-BINARY   (PP_BIN, BATS from the Makefile)
unit=$1
BATS=${BATS:-bats}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$unit" >"$tmp/unit" 2>"$tmp/unit.err"
urc=$?
cat "$tmp/unit.err" >&2
grep -v '^unit:' "$tmp/unit"
upass=$(grep -c '^ok ' "$tmp/unit")
ufail=$(grep -c '^FAIL ' "$tmp/unit")
if [ "$urc" -ne 0 ] && [ "$ufail" -eq 0 ]; then
	echo "unit: test binary exited $urc" >&2
	ufail=1
fi

set -- tests/*.bats
"$BATS" --tap "$@" >"$tmp/bats" 2>&1
cat "$tmp/bats"
bpass=$(grep -E '^ok ' "$tmp/bats" | grep -vc '# skip')
bskip=$(grep -E '^ok .*# skip' "$tmp/bats" | wc -l)
bfail=$(grep -c '^not ok ' "$tmp/bats")
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tmp/bats" | head -1)
ran=$((bpass + bskip + bfail))
if [ -n "$planned" ] && [ "$ran" -lt "$planned" ]; then
	echo "bats: only $ran of $planned tests reported" >&2
	bfail=$((bfail + planned - ran))
fi

passed=$((upass + bpass))
failed=$((ufail + bfail))
if [ "$bskip" -gt 0 ]; then
	echo "$passed passed, $failed failed, $bskip skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
