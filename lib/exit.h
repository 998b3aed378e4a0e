/* SPDX-License-Identifier: BSD-2-Clause */
/* exit.h: the exit statuses every pp command uses (DESIGN.md, STYLE E). */
#ifndef PP_EXIT_H
#define PP_EXIT_H

/* Process exit statuses, documented under EXIT STATUS in every man page. */
enum pp_exit {
	PP_EXIT_OK = 0,		/* success */
	PP_EXIT_FAIL = 1,	/* runtime failure, unreadable input, failed check */
	PP_EXIT_USAGE = 2	/* bad option, operand or option value */
};

#endif /* PP_EXIT_H */
