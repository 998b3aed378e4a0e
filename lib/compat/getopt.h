/* SPDX-License-Identifier: BSD-2-Clause */
/* compat/getopt.h: getopt_long for every command.  Where the libc has
 * getopt_long (HAVE_GETOPT_LONG, set by the Makefile) the pp_ names map
 * onto it; elsewhere onto the bundled copy, whose symbols are prefixed
 * (pp_compat_) so they never interpose on the libc's getopt.  The bundled
 * copy is always built and unit-tested. Include only this header. */
#ifndef PP_COMPAT_GETOPT_H
#define PP_COMPAT_GETOPT_H

/* The bundled implementation (GNU semantics: operands are permuted to the
 * end, "--" ends options, long options may be abbreviated when unique,
 * "--name=value" and "--name value" both work). */
struct pp_compat_option {
	const char *name;	/* long name without "--" */
	int has_arg;		/* 0 none, 1 required, 2 optional */
	int *flag;		/* when not NULL, *flag = val and return 0 */
	int val;		/* returned (or stored) when matched */
};

extern char *pp_compat_optarg;	/* argument of the last option */
extern int pp_compat_optind;	/* index of the next argv element */
extern int pp_compat_opterr;	/* print errors on stderr when nonzero */
extern int pp_compat_optopt;	/* the offending option character */

/* As GNU getopt_long: returns the option's value, '?' for an unknown
 * option or missing argument, ':' for a missing argument when optstring
 * starts with ':', -1 at the end of options.  Permutes argv. */
int pp_compat_getopt_long(int argc, char *const argv[], const char *optstring,
    const struct pp_compat_option *longopts, int *longindex);

/* Start over with a new argv (sets pp_compat_optind to 1). */
void pp_compat_getopt_reset(void);

#if defined(HAVE_GETOPT_LONG) && HAVE_GETOPT_LONG
#include <getopt.h>
#define pp_option option
#define pp_getopt_long getopt_long
#define pp_optarg optarg
#define pp_optind optind
#define pp_opterr opterr
#define pp_optopt optopt
#else
#define pp_option pp_compat_option
#define pp_getopt_long pp_compat_getopt_long
#define pp_optarg pp_compat_optarg
#define pp_optind pp_compat_optind
#define pp_opterr pp_compat_opterr
#define pp_optopt pp_compat_optopt
#endif

#define PP_NO_ARG 0
#define PP_REQ_ARG 1
#define PP_OPT_ARG 2

#endif /* PP_COMPAT_GETOPT_H */
