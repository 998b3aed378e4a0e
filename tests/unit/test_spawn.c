/* SPDX-License-Identifier: BSD-2-Clause */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/spawn.h"
#include "lib/util.h"
#include "tests/unit/check.h"

void test_spawn(void);

static int reports;

static void
count(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
	reports++;
}

static char *
slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

void
test_spawn(void)
{
	char dir[] = "/tmp/pp-spawn-XXXXXX";
	char log[256];
	char script[512];
	struct pp_spawn s;

	CHECK_ERRNO(mkdtemp(dir) != NULL, "mkdtemp");
	(void)snprintf(log, sizeof(log), "%s/log", dir);
	/* Each program: its input's first word and PP_N, after a pause
	 * that makes the first event of a key the slowest. */
	(void)snprintf(script, sizeof(script),
	    "read w; [ \"$PP_N\" = 1 ] && sleep 0.3; "
	    "echo \"$w $PP_N ${#PP_LONG}\" >>%s", log);
	char sh[] = "/bin/sh";
	char dash_c[] = "-c";
	char *argv[] = { sh, dash_c, script, NULL };
	CHECK(pp_spawn_init(&s, argv, 5, 4) == 0, "init");
	s.report = count;
	static const struct {
		const char *key;
		const char *json;
		const char *n;
	} ev[] = {
		{ "a", "a1", "PP_N=1" }, { "b", "b1", "PP_N=1" },
		{ "a", "a2", "PP_N=2" }, { "a", "a3", "PP_N=3" },
		{ "b", "b2", "PP_N=2" },
	};
	char *longv = malloc(PP_SPAWN_VALUE_MAX + 100);
	CHECK(longv != NULL, "malloc");
	memcpy(longv, "PP_LONG=", 8);
	memset(longv + 8, 'x', PP_SPAWN_VALUE_MAX + 50);
	longv[8 + PP_SPAWN_VALUE_MAX + 50] = '\0';
	long long t0 = pp_mono_ns();
	for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++) {
		char *env[] = { (char *)(size_t)ev[i].n, i == 0 ? longv : NULL,
		    NULL };
		pp_spawn_event(&s, ev[i].key, ev[i].json, strlen(ev[i].json),
		    env);
	}
	pp_spawn_finish(&s);
	long long ms = (pp_mono_ns() - t0) / 1000000;
	CHECK(s.started == 5 && s.failed == 0 && s.qlen == 0 && s.njobs == 0,
	    "started %lu failed %lu", s.started, s.failed);
	CHECK(s.cut == 1 && reports == 1, "one value cut, reported: %lu %d",
	    s.cut, reports);
	const char *got = slurp(log);
	/* Per key in order; a1's value cut to the documented length. */
	char want_a[64];
	(void)snprintf(want_a, sizeof(want_a), "a1 1 %d\n",
	    PP_SPAWN_VALUE_MAX);
	const char *a1 = strstr(got, want_a);
	const char *a2 = strstr(got, "a2 2 0\n");
	const char *a3 = strstr(got, "a3 3 0\n");
	const char *b1 = strstr(got, "b1 1 0\n");
	const char *b2 = strstr(got, "b2 2 0\n");
	CHECK(a1 != NULL && a2 != NULL && a3 != NULL && b1 != NULL &&
	    b2 != NULL && a1 < a2 && a2 < a3 && b1 < b2, "order: %s", got);
	/* a and b side by side: about 0.3 s, not 0.6 s. */
	CHECK(ms < 550, "keys ran side by side: %lld ms", ms);
	pp_spawn_release(&s);
	free(longv);

	/* A program that runs past its timeout is killed with its group. */
	char pidf[256];
	(void)snprintf(pidf, sizeof(pidf), "%s/child", dir);
	(void)snprintf(script, sizeof(script),
	    "sleep 30 & echo $! >%s; exec sleep 30", pidf);
	CHECK(pp_spawn_init(&s, argv, 0.3, 1) == 0, "init 2");
	reports = 0;
	s.report = count;
	pp_spawn_event(&s, "k", "x", 1, NULL);
	pp_spawn_finish(&s);
	CHECK(s.timed_out == 1 && reports == 1, "timed out: %lu",
	    s.timed_out);
	long child = strtol(slurp(pidf), NULL, 10);
	char stat[64];
	(void)snprintf(stat, sizeof(stat), "/proc/%ld/stat", child);
	char *st = slurp(stat);
	const char *state = strrchr(st, ')');
	for (int i = 0; i < 100 && state != NULL && state[2] != 'Z'; i++) {
		/* SIGKILL was sent; let the kernel finish it. */
		usleep(10000);
		st = slurp(stat);
		state = strrchr(st, ')');
	}
	CHECK(child > 0 && (state == NULL || state[2] == 'Z'),
	    "the program's child %ld is gone: %s", child, st);
	pp_spawn_release(&s);
	(void)unlink(pidf);
	(void)unlink(log);
	CHECK_ERRNO(rmdir(dir) == 0, "only our files");
}
