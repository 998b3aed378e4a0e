/* SPDX-License-Identifier: BSD-2-Clause */
/* test_probecli.c: the probers' shared start: which command lines keep
 * CAP_NET_ADMIN for a mark (pp_probecli_wants_mark), with pp-trace's and
 * pp-probe's option letters. */
#include <stdbool.h>
#include <string.h>

#include "lib/probecli.h"
#include "tests/unit/check.h"

void test_probecli(void);

/* line split at spaces into argv (argv[0] the command), then asked. */
static bool
wants(const struct pp_probecli_start *s, const char *line)
{
	char buf[256];
	char *argv[32];
	int argc = 0;

	(void)strcpy(buf, "cmd ");
	(void)strncat(buf, line, sizeof(buf) - 5);
	for (char *w = strtok(buf, " "); w != NULL && argc < 31;
	    w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	return pp_probecli_wants_mark(s, argc, argv);
}

void
test_probecli(void)
{
	static const struct pp_probecli_start trace = {
		.shortopts = "46a:B:bCc:D:E:eF:f:G:ghI:i:jL:lM:m:no:P:pQ:rSs:"
		    "TtU:uVvW:wxy:Z:z",
		.mark = 'M', .mark_long = "--mark",
	};
	static const struct pp_probecli_start probe = {
		.shortopts = "46AaBbCc:Ddef:F:gH:hI:i:Llm:MN:nO:o:P:p:Q:qRrS:s:"
		    "T:t:UuVvW:w:Xx",
		.mark = 'm', .mark_long = "--mtr-packet",
	};
	static const struct {
		const struct pp_probecli_start *s;
		const char *line;
		bool want;
	} t[] = {
		/* The option as its own word, as before. */
		{ &trace, "-M 5 host", true },
		{ &trace, "-M5 host", true },
		{ &trace, "--mark 5 host", true },
		{ &trace, "--mark=5 host", true },
		{ &trace, "-c 2 -n host", false },
		{ &trace, "-m 5 host", false },
		{ &trace, "--max-ttl 5 host", false },
		{ &trace, "host", false },
		{ &trace, "", false },
		{ &trace, "- -- host", false },
		/* In a group of short options, up to one with an argument. */
		{ &trace, "-nM 5 host", true },
		{ &trace, "-nM5 host", true },
		{ &trace, "-rnM 0x2a host", true },
		{ &trace, "-cM host", false },
		{ &trace, "-c2M host", false },
		{ &trace, "-n:M host", false },
		{ &trace, "-nkM host", false },
		/* A long option's unique prefix, as getopt_long takes it. */
		{ &trace, "--mar 5 host", true },
		{ &trace, "--mar=5 host", true },
		{ &trace, "--marks 5 host", false },
		{ &trace, "--x 5 host", false },
		/* pp-probe: -m, and --mtr-packet whose requests carry
		 * marks. */
		{ &probe, "-m 5 host", true },
		{ &probe, "-qm 5 host", true },
		{ &probe, "-cm host", false },
		{ &probe, "-M host", false },
		{ &probe, "--mtr-packet", true },
		{ &probe, "--mtr", true },
		{ &probe, "--mt", true },
		{ &probe, "--count 5 host", false },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK(wants(t[i].s, t[i].line) == t[i].want,
		    "wants_mark '%s': got %d", t[i].line, !t[i].want);
}
