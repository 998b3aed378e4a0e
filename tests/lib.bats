#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# The build itself: headers, lint, install layout.

setup() { load 'test_helper/common'; pp_setup; }

@test "every lib header compiles on its own" {
	pp_run 0 make -C "$PP_TOP" -s hdrcheck
}
