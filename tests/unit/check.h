/* SPDX-License-Identifier: BSD-2-Clause */
/* check.h: the unit-test harness.  CHECK logs file:line and a message on
 * failure and carries on; main.c counts passes and failures. */
#ifndef PP_CHECK_H
#define PP_CHECK_H

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

extern unsigned long pp_check_passed;
extern unsigned long pp_check_failed;

void pp_check_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CHECK(cond, ...) do { \
	if (cond) \
		pp_check_passed++; \
	else \
		pp_check_fail(__FILE__, __LINE__, __VA_ARGS__); \
} while (0)

#define CHECK_ERRNO(cond, what) \
	CHECK(cond, "%s: %s", what, strerror(errno))

/* |a - b| <= tol, NaN only equal to NaN. */
#define CHECK_NEAR(a, b, tol, what) do { \
	double ca_ = (a); \
	double cb_ = (b); \
	CHECK((isnan(ca_) && isnan(cb_)) || fabs(ca_ - cb_) <= (tol), \
	    "%s: got %.9g, want %.9g (tol %g)", what, ca_, cb_, \
	    (double)(tol)); \
} while (0)

#define CHECK_STR(a, b, what) do { \
	const char *ca_ = (a); \
	const char *cb_ = (b); \
	CHECK(ca_ != NULL && cb_ != NULL && strcmp(ca_, cb_) == 0, \
	    "%s: got \"%s\", want \"%s\"", what, ca_ ? ca_ : "(null)", \
	    cb_ ? cb_ : "(null)"); \
} while (0)

#endif /* PP_CHECK_H */
