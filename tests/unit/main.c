/* SPDX-License-Identifier: BSD-2-Clause */
/* main.c: runs every unit test, or those named on the command line, and
 * prints "N passed, N failed" (checks).  Exit 1 if any check failed. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/check.h"

struct pp_unit_test {
	const char *name;
	void (*fn)(void);
};
extern const struct pp_unit_test pp_unit_tests[];

unsigned long pp_check_passed;
unsigned long pp_check_failed;

void
pp_check_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	pp_check_failed++;
	fprintf(stderr, "FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
main(int argc, char **argv)
{
	for (const struct pp_unit_test *t = pp_unit_tests; t->name != NULL;
	    t++) {
		int run = argc < 2;
		for (int i = 1; i < argc; i++)
			run = run || strcmp(argv[i], t->name) == 0;
		if (!run)
			continue;
		unsigned long before = pp_check_failed;
		t->fn();
		printf("%s %s\n", pp_check_failed == before ? "ok  " : "FAIL",
		    t->name);
	}
	printf("unit: %lu passed, %lu failed\n", pp_check_passed,
	    pp_check_failed);
	return pp_check_failed == 0 ? 0 : 1;
}
