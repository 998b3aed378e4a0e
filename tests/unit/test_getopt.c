/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <string.h>

#include "lib/cli.h"
#include "lib/compat/getopt.h"
#include "tests/unit/check.h"

void test_getopt(void);

void
test_getopt(void)
{
	static const struct pp_compat_option lo[] = {
		{ "every", PP_REQ_ARG, NULL, 'e' },
		{ "format", PP_REQ_ARG, NULL, 'f' },
		{ "strict", PP_NO_ARG, NULL, 's' },
		{ "help", PP_NO_ARG, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char a0[] = "pp", a1[] = "in1", a2[] = "-f", a3[] = "table";
	char a4[] = "--every=1m", a5[] = "in2", a6[] = "--str", a7[] = "-hc3";
	char a8[] = "--", a9[] = "-x";
	char *argv[] = { a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, NULL };
	int argc = 10;
	char seen[64] = "";
	int c;

	pp_compat_getopt_reset();
	pp_compat_opterr = 0;
	while ((c = pp_compat_getopt_long(argc, argv, "c:e:f:hs", lo,
	    NULL)) != -1) {
		char tmp[24];
		snprintf(tmp, sizeof(tmp), "%c%s,", c,
		    pp_compat_optarg ? pp_compat_optarg : "");
		strncat(seen, tmp, sizeof(seen) - strlen(seen) - 1);
	}
	CHECK_STR(seen, "ftable,e1m,s,h,c3,", "options in order");
	CHECK(argc - pp_compat_optind == 3, "three operands, got %d",
	    argc - pp_compat_optind);
	CHECK_STR(argv[pp_compat_optind], "in1", "operand 1");
	CHECK_STR(argv[pp_compat_optind + 1], "in2", "operand 2");
	CHECK_STR(argv[pp_compat_optind + 2], "-x", "after --");

	char b1[] = "--bogus", b2[] = "-q", b3[] = "--format";
	char *bv[] = { a0, b1, b2, b3, NULL };
	pp_compat_getopt_reset();
	CHECK(pp_compat_getopt_long(4, bv, "f:", lo, NULL) == '?', "unknown");
	CHECK(pp_compat_getopt_long(4, bv, "f:", lo, NULL) == '?', "bad short");
	CHECK(pp_compat_getopt_long(4, bv, "f:", lo, NULL) == '?', "no arg");
	CHECK(pp_compat_getopt_long(4, bv, "f:", lo, NULL) == -1, "end");
	pp_compat_getopt_reset();
}

void test_cli_optname(void);

void
test_cli_optname(void)
{
	static const char timeout[] = "timeout";
	static const char tos[] = "tos";

	CHECK_STR(pp_cli_optname('Z', NULL), "-Z", "short");
	CHECK_STR(pp_cli_optname('W', NULL), "-W", "another short");
	const char *a = pp_cli_optname('Z', timeout);
	CHECK_STR(a, "--timeout", "long");
	CHECK_STR(pp_cli_optname('Q', tos), "--tos", "another long");
	/* Kept: the same string each time, and still "--timeout". */
	CHECK(pp_cli_optname('Z', timeout) == a, "one string per option");
	CHECK_STR(a, "--timeout", "long kept");
	CHECK_STR(pp_cli_optname('Z', NULL), "-Z", "short again");
}
