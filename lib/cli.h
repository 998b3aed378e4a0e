/* SPDX-License-Identifier: BSD-2-Clause */
/* cli.h: what every command's main() shares: program name, diagnostics,
 * checked allocation, standard descriptors and closing stdout.  Only cmd/
 * code calls these (they print and may exit). */
#ifndef PP_CLI_H
#define PP_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "lib/error.h"

/* Record the program name (basename of argv0) for messages, make sure
 * descriptors 0-2 are open (reopening /dev/null), and make SIGPIPE end
 * the command at once, quietly, with status 0: a reader that closed
 * standard output (| head) wants nothing more. */
void pp_cli_init(const char *argv0);

/* The program name set by pp_cli_init ("pp" before). Static storage. */
const char *pp_progname(void);

/* The option as the user typed it, for messages: "--NAME" when getopt
 * matched the long option longname (longopts[longindex].name when
 * pp_getopt_long set longindex, else NULL), else "-C" for ch.  So
 * "-Z 0", "-W 0" and "--timeout 0" each say their own.  Static storage,
 * valid for the life of the process (one string per option). */
const char *pp_cli_optname(int ch, const char *longname);

/* Print "prog: source:line: message" on stderr for a bad input line. */
void pp_warn_input(const struct pp_error *e);

/* Print "prog: message" on stderr. */
void pp_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "prog: message" on stderr and exit with status. */
void pp_errx(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Print "prog: opt: what must be lo to hi: value" and exit 2, for option
 * values rejected by pp_strtonum and friends. */
void pp_bad_optval(const char *opt, const char *what, const char *errstr,
    const char *value) __attribute__((noreturn));

/* A duration option value (see pp_parse_duration) of at least min
 * seconds; otherwise "prog: opt: invalid duration: value" and exit 2. */
double pp_duration_optarg(const char *opt, const char *s, double min);

/* --from or --to (opt) of a reader (lib/trange.h): parse s into b;
 * otherwise "prog: opt: why" and exit 2. */
struct pp_tbound;
void pp_tbound_optarg(const char *opt, const char *s, struct pp_tbound *b);

/* Allocation that prints "prog: out of memory" and exits 1 on failure. */
void *pp_xmalloc(size_t n);
void *pp_xcalloc(size_t n, size_t size);
void *pp_xrealloc(void *p, size_t n);
char *pp_xstrdup(const char *s);

/* Flush and close stdout; on failure print "prog: write error: reason"
 * and return 1, else return status unchanged.  EPIPE counts as success
 * (the reader went away: end quietly). */
int pp_close_stdout(int status);

/* Make handler the action of SIGINT, SIGTERM and SIGHUP, the signals
 * that end a command from outside, except those ignored (a command run
 * under nohup goes on ignoring SIGHUP).  The handler of a command that
 * must clean up before such an end (a temporary file, children) does so,
 * then restores the default action and raises the signal again. */
void pp_catch_fatal_signals(void (*handler)(int));

/* The end of a command's replacement of path (lib/atomic.h): when status
 * is 0, rename it over path (a device, FIFO or open file's name was
 * written in place: it is only closed), else remove the temporary and
 * say "'path' not replaced" (in place: nothing to say).  Returns status,
 * or 1 when the rename failed (said).  path NULL: nothing to do. */
struct pp_atomic;
int pp_replace_commit(struct pp_atomic *a, const char *path, int status);

/* The start of a command's replacement of path (-o FILE): a temporary
 * file beside it (pp_atomic_open, owned by a) becomes standard output
 * (descriptor 1; close it with pp_close_stdout before pp_replace_commit),
 * or, pp_replace_fopen, a stream of its own (the caller's to fclose
 * first).  On failure says "cannot create a temporary file for 'path':
 * reason" (or "cannot write to a temporary file"), removes what it
 * made and exits 1.  A command that must not leave the temporary behind
 * when a signal or pp_errx ends it removes it with pp_atomic_discard
 * from its atexit and fatal-signal handlers (pp_catch_fatal_signals). */
void pp_replace_stdout(struct pp_atomic *a, const char *path);
FILE *pp_replace_fopen(struct pp_atomic *a, const char *path);

/* Close f, a stream of pp_replace_fopen for path; when a write failed,
 * say "cannot write 'path': reason".  Returns 0, or -1 (said). */
int pp_replace_fclose(FILE *f, const char *path);

/* Print "prog VERSION" on stdout (for -V/--version). */
void pp_print_version(void);

/* Returns 1 when fd refers to a terminal. */
int pp_isatty(int fd);

/* fflush(stdout): the would_block hook of readers, so a live pipeline sees
 * each record at once while a replay runs at full buffered speed. */
void pp_flush_stdout(void *unused);

#endif /* PP_CLI_H */
