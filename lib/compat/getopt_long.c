/* SPDX-License-Identifier: BSD-2-Clause */
/* compat/getopt_long.c: a getopt_long of our own, for libcs that lack
 * one.  Written for pp.  GNU-compatible permutation, done once per argv:
 * the first call moves every option (with its argument) before the
 * operands, keeping both in order; "--" ends the options. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/compat/getopt.h"

char *pp_compat_optarg;
int pp_compat_optind = 1;
int pp_compat_opterr = 1;
int pp_compat_optopt;

static const char *nextchar;	/* inside a cluster of short options */
static bool prepared;		/* argv has been permuted */
static int opts_end;		/* argv[1..opts_end-1] are options */

void
pp_compat_getopt_reset(void)
{
	pp_compat_optind = 1;
	pp_compat_optarg = NULL;
	nextchar = NULL;
	prepared = false;
	opts_end = 0;
}

/* The long option named by arg (without "--", up to '=' or end): an
 * exact match, or the only option it abbreviates.  -1 when none, -2 when
 * ambiguous. */
static int
find_long(const struct pp_compat_option *lo, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	int match = -1;
	bool ambiguous = false;

	for (int i = 0; lo != NULL && lo[i].name != NULL; i++) {
		if (strncmp(lo[i].name, arg, n) != 0)
			continue;
		if (strlen(lo[i].name) == n)
			return i;
		if (match == -1)
			match = i;
		else if (lo[i].has_arg != lo[match].has_arg ||
		    lo[i].flag != lo[match].flag || lo[i].val != lo[match].val)
			ambiguous = true;
	}
	return ambiguous ? -2 : match;
}

/* How many argv elements the option at argv[i] takes (1 or 2). */
static int
option_width(int argc, char *const argv[], int i, const char *os,
    const struct pp_compat_option *lo)
{
	const char *a = argv[i];

	if (a[1] == '-') {
		int k = find_long(lo, a + 2);
		if (k >= 0 && lo[k].has_arg == PP_REQ_ARG &&
		    strchr(a, '=') == NULL && i + 1 < argc)
			return 2;
		return 1;
	}
	for (const char *p = a + 1; *p != '\0'; p++) {
		const char *spec = *p == ':' ? NULL : strchr(os, *p);
		if (spec == NULL || spec[1] != ':')
			continue;
		if (spec[2] == ':' || p[1] != '\0')
			return 1;
		return i + 1 < argc ? 2 : 1;
	}
	return 1;
}

static void
prepare(int argc, char *const argv[], const char *os,
    const struct pp_compat_option *lo)
{
	char **av = (char **)(void *)(size_t)argv;
	char **tmp = malloc(sizeof(*tmp) * (size_t)(argc > 0 ? argc : 1));
	int nopt = 0;
	int nop = 0;
	int i = pp_compat_optind;

	prepared = true;
	if (tmp == NULL) {	/* no permutation: POSIX behaviour */
		opts_end = argc;
		return;
	}
	/* Options first into av, operands into tmp. */
	while (i < argc) {
		const char *a = av[i];
		if (strcmp(a, "--") == 0) {
			av[pp_compat_optind + nopt++] = av[i++];
			while (i < argc)
				tmp[nop++] = av[i++];
			break;
		}
		if (a[0] == '-' && a[1] != '\0') {
			int w = option_width(argc, argv, i, os, lo);
			for (int k = 0; k < w; k++)
				av[pp_compat_optind + nopt++] = av[i++];
		} else {
			tmp[nop++] = av[i++];
		}
	}
	opts_end = pp_compat_optind + nopt;
	for (int k = 0; k < nop; k++)
		av[opts_end + k] = tmp[k];
	free(tmp);
}

/* "prog: before'what'after" on stderr when opterr is set. */
static void
complain(const char *prog, const char *before, const char *what,
    const char *after)
{
	if (pp_compat_opterr)
		fprintf(stderr, "%s: %s'%s'%s\n", prog, before, what, after);
}

static int
long_option(int argc, char *const argv[], const char *os,
    const struct pp_compat_option *lo, int *longindex)
{
	const char *arg = argv[pp_compat_optind] + 2;
	const char *eq = strchr(arg, '=');
	int k = find_long(lo, arg);

	pp_compat_optind++;
	pp_compat_optopt = 0;
	if (k == -1) {
		complain(argv[0], "unrecognized option ", arg, "");
		return '?';
	}
	if (k == -2) {
		complain(argv[0], "option ", arg, " is ambiguous");
		return '?';
	}
	const struct pp_compat_option *o = &lo[k];
	if (eq != NULL) {
		if (o->has_arg == PP_NO_ARG) {
			pp_compat_optopt = o->val;
			complain(argv[0], "option ", o->name,
			    " doesn't allow an argument");
			return '?';
		}
		pp_compat_optarg = (char *)(size_t)(eq + 1);
	} else if (o->has_arg == PP_REQ_ARG) {
		if (pp_compat_optind >= argc) {
			pp_compat_optopt = o->val;
			complain(argv[0], "option ", o->name,
			    " requires an argument");
			return os[0] == ':' ? ':' : '?';
		}
		pp_compat_optarg = argv[pp_compat_optind++];
	}
	if (longindex != NULL)
		*longindex = k;
	if (o->flag != NULL) {
		*o->flag = o->val;
		return 0;
	}
	return o->val;
}

int
pp_compat_getopt_long(int argc, char *const argv[], const char *optstring,
    const struct pp_compat_option *longopts, int *longindex)
{
	const char *os = optstring;

	if (*os == '+' || *os == '-')
		os++;
	if (pp_compat_optind <= 0)
		pp_compat_getopt_reset();
	if (!prepared)
		prepare(argc, argv, os, longopts);
	pp_compat_optarg = NULL;
	if (nextchar == NULL || *nextchar == '\0') {
		nextchar = NULL;
		if (pp_compat_optind >= opts_end)
			return -1;
		if (strcmp(argv[pp_compat_optind], "--") == 0) {
			pp_compat_optind++;
			return -1;
		}
		if (argv[pp_compat_optind][1] == '-')
			return long_option(argc, argv, os, longopts,
			    longindex);
		nextchar = argv[pp_compat_optind] + 1;
	}
	int c = (unsigned char)*nextchar++;
	const char *spec = c == ':' ? NULL : strchr(os, c);
	char s[2] = { (char)c, '\0' };
	if (spec == NULL) {
		complain(argv[0], "invalid option -- ", s, "");
		pp_compat_optopt = c;
		if (*nextchar == '\0')
			pp_compat_optind++;
		return '?';
	}
	if (spec[1] != ':') {
		if (*nextchar == '\0')
			pp_compat_optind++;
		return c;
	}
	if (*nextchar != '\0') {
		pp_compat_optarg = (char *)(size_t)nextchar;
		pp_compat_optind++;
	} else if (spec[2] == ':') {
		pp_compat_optind++;
	} else if (pp_compat_optind + 1 >= argc ||
	    pp_compat_optind + 1 >= opts_end) {
		complain(argv[0], "option requires an argument -- ", s, "");
		pp_compat_optopt = c;
		pp_compat_optind++;
		nextchar = NULL;
		return os[0] == ':' ? ':' : '?';
	} else {
		pp_compat_optarg = argv[pp_compat_optind + 1];
		pp_compat_optind += 2;
	}
	nextchar = NULL;
	return c;
}
