/* probecli.h: what the probers (pp-probe, pp-trace) share on their
 * command lines: the options that mean the same in both, the target list
 * (operands and -f FILE), and name resolution.  Command-support code: it
 * prints diagnostics and exits with status 2 on a bad value, like cli.h. */
#ifndef PP_PROBECLI_H
#define PP_PROBECLI_H

#include <stdbool.h>
#include <sys/socket.h>

#include "lib/archive.h"
#include "lib/engine.h"

/* getopt_long codes of the shared long options. */
enum {
	PP_OPT_ICMP = 0x300, PP_OPT_KEEP, PP_OPT_PATTERN, PP_OPT_ROTATE,
	PP_OPT_TCP, PP_OPT_UDP
};

/* The short options handled here, for the command's option string. */
#define PP_PROBECLI_SHORT "46I:m:o:p:Q:S:s:W:"

/* What the shared options set.  Caller-provided storage. */
struct pp_probecli {
	struct pp_engine_opts eo;	/* engine settings; eo.source points
					 * at src once resolved */
	int family;		/* -4 / -6: 4 or 6, 0 either */
	bool port_set;		/* -p given */
	const char *source;	/* -S as given (borrowed argv), or NULL */
	struct sockaddr_storage src;	/* -S resolved */
	char **names;		/* targets (owned, each and the array) */
	int nnames;
	/* Output: stdout, and -o FILE[.gz] (lib/archive.h). */
	const char *outfile;	/* -o (borrowed argv), or NULL */
	struct pp_archive_opts ao;	/* --rotate, --keep */
	bool keep_set;		/* --keep given */
	struct pp_archive ar;	/* the -o archive, while ar_open */
	bool ar_open;
	bool ar_failed;		/* an -o write failed (reported once) */
	bool io_error;		/* stdout could not be written */
	int io_errno;		/* why */
	bool reader_gone;	/* stdout's reader closed it (EPIPE; the
				 * prober ignores SIGPIPE): stop cleanly */
};

/* A whole-number option value from lo to hi; anything else exits 2 with
 * "OPT: WHAT must be LO to HI: ARG". */
int pp_probecli_int(const char *opt, const char *what, const char *arg,
    long long lo, long long hi);

/* Defaults: ICMP, timeout 2 s, TOS unset, no targets. */
void pp_probecli_init(struct pp_probecli *c);

/* Handle one shared option (short letters of PP_PROBECLI_SHORT, or a
 * PP_OPT_ code).  Returns true when ch was one of them. */
bool pp_probecli_option(struct pp_probecli *c, int ch, const char *arg);

/* Add target names: -f FILE ("-" stdin; one a line, '#' comments, blank
 * lines skipped) when file is not NULL, then the operands argv[0..argc-1].
 * More than max targets, or an unreadable file, is a usage error. */
void pp_probecli_targets(struct pp_probecli *c, const char *file, int argc,
    char **argv, int max);

/* After the options: the default port of --tcp (80) or --udp (33434)
 * when -p was not given, and -S resolved into eo.source. */
void pp_probecli_finish(struct pp_probecli *c);

/* Resolve name (family 0 any, 4, 6) to its first address, once.
 * Returns 0, or -1 with *why a static message. */
int pp_probecli_resolve(const char *name, int family,
    struct sockaddr_storage *ss, socklen_t *len, const char **why);

/* The one-line error when ICMP sockets are needed for the resolved
 * families and missing: exits 1 with what to do (setcap, the sysctl, or
 * --udp/--tcp).  tool: the command's name for the setcap line. */
void pp_probecli_need_icmp(const struct pp_net *n, bool need4, bool need6,
    const char *tool);

/* The numeric text of an address into buf (empty on failure). */
void pp_probecli_addr_text(const struct sockaddr *sa, char *buf, size_t size);

/* Open -o (exits 1 when it cannot be opened).  Nothing without -o. */
void pp_probecli_open_output(struct pp_probecli *c);

/* Write the record in w to stdout and to -o; head: the meta record, which
 * begins every -o file, rotated ones too.  A failure of -o is reported
 * once ("probing goes on, the archive is incomplete"); of stdout, noted in
 * io_error, or in reader_gone when the reader closed it (stdout is not
 * written after that; -o still is). */
void pp_probecli_emit(struct pp_probecli *c, struct pp_jw *w, bool head);

/* Flush stdout (before the event loop waits), noting a failure as
 * pp_probecli_emit does. */
void pp_probecli_flush(struct pp_probecli *c);

/* From the event loop, at least once a second: -o flushed when a second
 * has passed (force: now), so a crash loses at most that second. */
void pp_probecli_tick(struct pp_probecli *c, bool force);

/* Flush and close -o, reporting what it lacks.  Returns true when
 * everything was written (stdout, unless its reader went away, and
 * -o). */
bool pp_probecli_close_output(struct pp_probecli *c);

/* Free the names. */
void pp_probecli_release(struct pp_probecli *c);

#endif /* PP_PROBECLI_H */
