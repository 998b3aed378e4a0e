#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# screenshot.sh PAGE.html OUT.png [WIDTH HEIGHT]: a picture of a page as
# headless Chromium draws it, with no network at all (a network namespace
# of its own: needs root).  Used by `make pictures` and tests/pp-plot.bats.
set -eu
page=$1
out=$2
w=${3:-1100}
h=${4:-1900}
prof=$(mktemp -d)
trap 'rm -rf "$prof"' EXIT
timeout 90 unshare -n chromium --headless --no-sandbox --disable-gpu \
	--disable-quic --no-first-run --disable-background-networking \
	--disable-component-update --disable-sync --hide-scrollbars \
	--force-device-scale-factor=1 --user-data-dir="$prof" \
	--window-size="$w,$h" --screenshot="$out" \
	"file://$(realpath "$page")" >/dev/null 2>&1 || true
test -s "$out"
