/* SPDX-License-Identifier: BSD-2-Clause */
/* cli.c: program name, diagnostics, checked allocation, stdout. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/atomic.h"
#include "lib/cli.h"
#include "lib/exit.h"
#include "lib/util.h"
#include "lib/pp.h"
#include "lib/sanitize.h"
#include "lib/trange.h"

static const char *progname = "pp";

static void
on_sigpipe(int sig)
{
	(void)sig;
	_exit(PP_EXIT_OK);
}

void
pp_cli_init(const char *argv0)
{
	if (argv0 != NULL && *argv0 != '\0') {
		const char *slash = strrchr(argv0, '/');
		progname = slash != NULL ? slash + 1 : argv0;
	}
	/* Descriptors 0-2 must be open, or a later open() would take one. */
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
			int nfd = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
			if (nfd == -1)
				exit(PP_EXIT_FAIL);
			if (nfd != fd) {
				(void)dup2(nfd, fd);
				(void)close(nfd);
			}
		}
	}
	/* A reader that goes away (| head) ends the command quietly with
	 * status 0 (DESIGN), not 141: nothing more can be delivered.  The
	 * probers ignore SIGPIPE instead once running, to close their
	 * archives (lib/probecli). */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigpipe;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGPIPE, &sa, NULL);
}

const char *
pp_progname(void)
{
	return progname;
}

/* Print "prog: " and the message on stderr, shown safely (lib/sanitize):
 * messages quote names and lines from the input, which may hold terminal
 * escapes. */
static void
say(const char *fmt, va_list ap)
{
	char stack[1024];
	char *heap = NULL;
	va_list copy;

	va_copy(copy, ap);
	int n = vsnprintf(stack, sizeof(stack), fmt, copy);
	va_end(copy);
	const char *msg = stack;
	if (n >= (int)sizeof(stack)) {
		heap = malloc((size_t)n + 1);
		if (heap != NULL) {
			(void)vsnprintf(heap, (size_t)n + 1, fmt, ap);
			msg = heap;
		}
	}
	fprintf(stderr, "%s: ", progname);
	(void)pp_sanitize_term_fputs(n < 0 ? fmt : msg, stderr);
	fputc('\n', stderr);
	free(heap);
}

static void __attribute__((format(printf, 1, 2)))
sayf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
}

const char *
pp_cli_optname(int ch, const char *longname)
{
	static char shorts[256][3];
	static struct {
		const char *name;
		char *text;
	} *longs;
	static size_t nlongs;

	if (longname == NULL) {
		char *t = shorts[(unsigned char)ch];
		t[0] = '-';
		t[1] = (char)ch;
		return t;
	}
	for (size_t i = 0; i < nlongs; i++)
		if (longs[i].name == longname)
			return longs[i].text;
	longs = pp_xrealloc(longs, (nlongs + 1) * sizeof(*longs));
	size_t n = strlen(longname);
	char *t = pp_xmalloc(n + 3);
	t[0] = t[1] = '-';
	memcpy(t + 2, longname, n + 1);
	longs[nlongs].name = longname;
	longs[nlongs++].text = t;
	return t;
}

void
pp_warn_input(const struct pp_error *e)
{
	if (e->line > 0)
		sayf("%s:%lu: %s", e->source != NULL ? e->source : "<stdin>",
		    e->line, e->msg);
	else if (e->source != NULL)
		sayf("%s: %s", e->source, e->msg);
	else
		sayf("%s", e->msg);
}

void
pp_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
}

void
pp_errx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	exit(status);
}

void
pp_bad_optval(const char *opt, const char *what, const char *errstr,
    const char *value)
{
	(void)errstr;
	pp_errx(PP_EXIT_USAGE, "%s: %s: %s", opt, what, value);
}

static void
oom(void)
{
	fprintf(stderr, "%s: out of memory\n", progname);
	exit(PP_EXIT_FAIL);
}

void *
pp_xmalloc(size_t n)
{
	void *p = malloc(n != 0 ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
pp_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n != 0 ? n : 1, size != 0 ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
pp_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n != 0 ? n : 1);

	if (q == NULL)
		oom();
	return q;
}

char *
pp_xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		oom();
	return d;
}

int
pp_close_stdout(int status)
{
	int ferr = ferror(stdout);
	int fl = fflush(stdout);
	int saved = errno;

	if (fl == 0 && !ferr && fclose(stdout) == 0)
		return status;
	if (fl != 0 && saved == EPIPE)
		return status;
	if (fl == 0)
		saved = errno;
	if (saved == EPIPE)
		return status;
	fprintf(stderr, "%s: write error: %s\n", progname,
	    saved != 0 ? strerror(saved) : "unknown error");
	return PP_EXIT_FAIL;
}

void
pp_print_version(void)
{
	printf("%s %s\n", progname, PP_VERSION);
}

int
pp_isatty(int fd)
{
	return isatty(fd);
}

void
pp_flush_stdout(void *unused)
{
	(void)unused;
	(void)fflush(stdout);
}

double
pp_duration_optarg(const char *opt, const char *s, double min)
{
	double v = 0;
	const char *errstr = NULL;

	if (pp_parse_duration(s, &v, &errstr) == -1 || v < min)
		pp_errx(PP_EXIT_USAGE, "%s: invalid duration: %s", opt, s);
	return v;
}

void
pp_tbound_optarg(const char *opt, const char *s, struct pp_tbound *b)
{
	struct pp_error e;

	pp_error_clear(&e);
	if (pp_tbound_parse(s, b, &e) == -1)
		pp_errx(PP_EXIT_USAGE, "%s: %s", opt, e.msg);
}

void
pp_catch_fatal_signals(void (*handler)(int))
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction sa;
		struct sigaction old;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = handler;
		sigemptyset(&sa.sa_mask);
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			(void)sigaction(sigs[i], &sa, NULL);
	}
}

/* A temporary file beside path: its descriptor (owned by a). */
static int
replace_open(struct pp_atomic *a, const char *path)
{
	int fd = pp_atomic_open(a, path);

	if (fd == -1)
		pp_errx(PP_EXIT_FAIL, "cannot create a temporary file for "
		    "'%s': %s", path, strerror(errno));
	return fd;
}

void
pp_replace_stdout(struct pp_atomic *a, const char *path)
{
	int fd = replace_open(a, path);

	if (dup2(fd, 1) == -1) {
		int saved = errno;
		pp_atomic_abort(a);
		pp_errx(PP_EXIT_FAIL, "cannot write to a temporary file for "
		    "'%s': %s", path, strerror(saved));
	}
}

FILE *
pp_replace_fopen(struct pp_atomic *a, const char *path)
{
	int fd = replace_open(a, path);
	int fd2 = dup(fd);
	FILE *f = fd2 != -1 ? fdopen(fd2, "w") : NULL;

	if (f == NULL) {
		int saved = errno;
		if (fd2 != -1)
			(void)close(fd2);
		pp_atomic_abort(a);
		pp_errx(PP_EXIT_FAIL, "cannot write to a temporary file for "
		    "'%s': %s", path, strerror(saved));
	}
	return f;
}

int
pp_replace_fclose(FILE *f, const char *path)
{
	bool bad = ferror(f) != 0;

	if (fclose(f) != 0)
		bad = true;
	if (!bad)
		return 0;
	pp_warnx("cannot write '%s': %s", path, strerror(errno));
	return -1;
}

int
pp_replace_commit(struct pp_atomic *a, const char *path, int status)
{
	if (path == NULL)
		return status;
	if (status != PP_EXIT_OK && !a->direct) {
		pp_atomic_abort(a);
		pp_warnx("'%s' not replaced", path);
	} else if (pp_atomic_commit(a) == -1) {
		pp_warnx("cannot replace '%s': %s", path, strerror(errno));
		status = PP_EXIT_FAIL;
	}
	return status;
}
