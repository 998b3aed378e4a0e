/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include "lib/overload.h"
#include "tests/unit/check.h"

void test_overload(void);

#define MS 1000000LL
#define S 1000000000LL

void
test_overload(void)
{
	struct pp_overload o;
	struct pp_engine_stats st;
	char line[512];
	long long t = 5 * S;

	memset(&st, 0, sizeof(st));
	pp_overload_init(&o, t);
	/* On time (or late by less than PP_OVERLOAD_LAG): nothing to say. */
	pp_overload_sent(&o, t, t + 3 * MS);
	CHECK(pp_overload_due(&o, t), "a first look at once");
	CHECK(pp_overload_report(&o, &st, t, line, sizeof(line)) == 0,
	    "all well: no line");
	CHECK(!pp_overload_due(&o, t + 50 * MS) &&
	    pp_overload_due(&o, t + PP_OVERLOAD_CHECK), "next look later");
	/* Behind schedule: said, with the worst lateness and the count. */
	pp_overload_sent(&o, t, t + 12 * MS);
	pp_overload_sent(&o, t, t + 250 * MS);
	t += 200 * MS;
	size_t n = pp_overload_report(&o, &st, t, line, sizeof(line));
	CHECK(n == strlen(line) && strcmp(line, "sending behind schedule by "
	    "250 ms (2 probes 10 ms late or more)") == 0, "behind: %s", line);
	CHECK(!pp_overload_due(&o, t + PP_OVERLOAD_PERIOD - 1) &&
	    pp_overload_due(&o, t + PP_OVERLOAD_PERIOD), "a line a period");
	/* The kernel's drops and the probes marked, as the engine counts
	 * them (totals): what came since the last line. */
	st.kernel_drops = 7;
	st.local_drops = 5;
	st.read_lag = 1500 * MS;
	t += PP_OVERLOAD_PERIOD;
	pp_overload_report(&o, &st, t, line, sizeof(line));
	CHECK_STR(line, "7 replies dropped by the kernel (receive queue "
	    "full), 5 probes marked local_drop (not counted as loss); reading "
	    "answers 1.5 s behind", "drops");
	st.kernel_drops = 8;
	st.read_lag = 20 * MS;	/* under PP_OVERLOAD_READ_LAG */
	t += PP_OVERLOAD_PERIOD;
	pp_overload_report(&o, &st, t, line, sizeof(line));
	CHECK_STR(line, "1 reply dropped by the kernel (receive queue full)",
	    "one more drop");
	st.local_drops = 6;
	t += PP_OVERLOAD_PERIOD;
	pp_overload_report(&o, &st, t, line, sizeof(line));
	CHECK_STR(line, "1 probe marked local_drop (not counted as loss)",
	    "one more marked");
	t += PP_OVERLOAD_PERIOD;
	st.read_lag = 0;
	CHECK(pp_overload_report(&o, &st, t, line, sizeof(line)) == 0,
	    "nothing new");
	/* The run: every part, the worst of each. */
	n = pp_overload_summary(&o, &st, line, sizeof(line));
	CHECK(n > 0 && strcmp(line, "the host did not keep up: sending "
	    "behind schedule by 250 ms (2 probes 10 ms late or more); 8 "
	    "replies dropped by the kernel (receive queue full), 6 probes "
	    "marked local_drop (not counted as loss); reading answers 1.5 s "
	    "behind") == 0, "summary: %s", line);
	/* Cut to the buffer, never past it. */
	char small[20];
	memset(small, 'x', sizeof(small));
	n = pp_overload_summary(&o, &st, small, 12);
	CHECK(n == 11 && small[11] == '\0' && small[12] == 'x', "cut: %zu",
	    n);
	/* A run that kept up has no summary. */
	struct pp_overload q;
	struct pp_engine_stats z;
	memset(&z, 0, sizeof(z));
	pp_overload_init(&q, 0);
	pp_overload_sent(&q, 0, PP_OVERLOAD_LAG - 1);
	CHECK(pp_overload_summary(&q, &z, line, sizeof(line)) == 0,
	    "kept up");
}
