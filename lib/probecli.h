/* SPDX-License-Identifier: BSD-2-Clause */
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
#include "lib/jsonw.h"

/* getopt_long codes of the shared long options. */
enum {
	PP_OPT_ICMP = 0x300, PP_OPT_KEEP, PP_OPT_PATTERN, PP_OPT_ROTATE,
	PP_OPT_TCP, PP_OPT_UDP, PP_OPT_VANTAGE
};

/* The short options pp_probecli_option handles, for the command's option
 * string: the letters both probers give one meaning (-P the port, as in
 * mtr; -Q the TOS, as in mtr and ping; -W the timeout, as in ping). */
#define PP_PROBECLI_SHORT "46o:P:Q:W:"

/* What the shared options set.  Caller-provided storage. */
struct pp_probecli {
	struct pp_engine_opts eo;	/* engine settings (interface) */
	struct pp_engine_probe po;	/* every probe's settings (the
					 * command sets the destination, TTL
					 * and what the record says per
					 * probe); po.src points at src once
					 * resolved */
	int family;		/* -4 / -6: 4 or 6, 0 either */
	bool port_set;		/* -P given */
	const char *port_opt;	/* the option that gave it */
	bool fill_set;		/* a payload pattern given */
	const char *source;	/* source address as given (borrowed argv),
				 * or NULL */
	const char *source_opt;	/* the option that gave it ("-a", "-S",
				 * "-I") */
	struct sockaddr_storage src;	/* source resolved */
	char src_text[64];	/* its numeric text */
	const char *iface_opt;	/* the option that gave eo.iface */
	const char *mark_opt;	/* ... po.mark */
	const char *size_opt;	/* ... po.size */
	char **names;		/* targets (owned, each and the array) */
	int nnames;
	/* Output: stdout, and -o FILE[.gz] (lib/archive.h). */
	const char *outfile;	/* -o (borrowed argv), or NULL */
	struct pp_archive_opts ao;	/* --rotate, --keep */
	bool keep_set;		/* --keep given */
	struct pp_archive ar;	/* the -o archive, while ar_open */
	bool ar_open;
	bool ar_failed;		/* an -o write failed (reported once) */
	bool quiet;		/* records to -o only, not stdout */
	char vantage[256];	/* --vantage NAME, or this host's name: in
				 * the meta and every probe record */
	bool io_error;		/* stdout could not be written */
	int io_errno;		/* why */
	bool reader_gone;	/* stdout's reader closed it (EPIPE; the
				 * prober ignores SIGPIPE): stop cleanly */
};

/* A letter (or long option) of a peer tool (mtr, ping, fping) that a
 * prober does not take, and why: it is an error with a hint, never a
 * different meaning. */
struct pp_probecli_alien {
	int ch;			/* its getopt code */
	const char *opt;	/* as the user may have written it ("-r,
				 * --report") */
	const char *why;	/* what it is there, and what to use here */
};

/* A whole-number option value from lo to hi (decimal); anything else
 * exits 2 with "OPT: WHAT must be LO to HI: ARG". */
int pp_probecli_int(const char *opt, const char *what, const char *arg,
    long long lo, long long hi);

/* A whole number for opt, in decimal or, with hex, also as 0x... hex
 * (ping's -Q, mtr's -Q and -M), from lo to hi; anything else exits 2 with
 * "OPT: WHAT must be LO to HI: ARG". */
long long pp_probecli_num(const char *opt, const char *what, const char *arg,
    long long lo, long long hi, bool hex);

/* What pp_probecli_start does besides the ICMP sockets. */
enum {
	PP_PROBECLI_RAW_TCP = 1 << 0,	/* raw TCP sockets too
					 * (pp_net_open_raw_tcp) */
	PP_PROBECLI_RAW_UDP = 1 << 1,	/* raw UDP sockets too
					 * (pp_net_open_raw_udp) */
	PP_PROBECLI_REALTIME = 1 << 2	/* real-time scheduling where it is
					 * allowed, unless PP_REALTIME=0
					 * (lib/pace.h pp_pace_realtime) */
};

/* How a prober starts, before its options are read. */
struct pp_probecli_start {
	void (*on_signal)(int);	/* SIGINT, SIGTERM and SIGHUP's handler */
	const char *shortopts;	/* the command's getopt option string */
	int mark;		/* the letter of the option that needs
				 * CAP_NET_ADMIN (a mark), or 0 */
	const char *mark_long;	/* its long option, "--" included (or an
				 * option whose run may set marks), or
				 * NULL */
	unsigned flags;		/* PP_PROBECLI_RAW_TCP, ... */
};

/* Whether the words argv[1..argc-1] may give s's mark option: a word
 * that begins with "-" and the letter ("-M", "-M5"), a group of short
 * options with the letter in it before a letter that takes an argument
 * ("-nM", "-nM5"; not "-cM", -c's argument), or the long option or a
 * prefix of it ("--mark", "--mar", "--mark=5").  Any word counts,
 * operands and option arguments too: too many keep a capability that is
 * not used, too few refuse the mark. */
bool pp_probecli_wants_mark(const struct pp_probecli_start *s, int argc,
    char *const *argv);

/* The probers' start, in this order: s->on_signal for SIGINT, SIGTERM
 * and SIGHUP (a signal from the start on is a clean stop: a shell starts
 * background jobs with SIGINT ignored until this); the sockets that need
 * privilege into n (pp_net_open_privileged, and what s->flags ask); the
 * real-time policy when asked (it stays when the privileges go); then
 * every privilege dropped, CAP_NET_ADMIN kept when
 * pp_probecli_wants_mark.  Exits 1 when the drop fails. */
void pp_probecli_start(const struct pp_probecli_start *s, struct pp_net *n,
    int argc, char *const *argv);

/* Defaults: ICMP, timeout 2 s, TOS unset, no targets, the vantage point
 * this host's name (lib/jsonw.h pp_jw_host). */
void pp_probecli_init(struct pp_probecli *c);

/* Handle one shared option (short letters of PP_PROBECLI_SHORT, or a
 * PP_OPT_ code); opt is the option as the user typed it, for messages
 * (pp_cli_optname: "-W", "--timeout", pp-trace's "-Z").  Returns true
 * when ch was one of them. */
bool pp_probecli_option(struct pp_probecli *c, int ch, const char *opt,
    const char *arg);

/* The options whose letter differs between the probers; opt is the
 * option as typed (pp_cli_optname), for messages.  mark: decimal or 0x hex (SO_MARK). */
void pp_probecli_mark(struct pp_probecli *c, const char *opt,
    const char *arg);
/* The source address (a name or a numeric address). */
void pp_probecli_source(struct pp_probecli *c, const char *opt,
    const char *arg);
/* The interface (SO_BINDTODEVICE); with or_address, as ping's -I: a
 * numeric address is the source address instead. */
void pp_probecli_iface(struct pp_probecli *c, const char *opt,
    const char *arg, bool or_address);
/* The probe size: the whole IP packet (ip, mtr's count) or the data after
 * the 8-byte ICMP or UDP header (ping's count); at least what a probe
 * needs (PP_ENGINE_DATA_MIN of data). */
void pp_probecli_size(struct pp_probecli *c, const char *opt,
    const char *arg, bool ip);
/* The payload fill byte, 0 to 255. */
void pp_probecli_pattern(struct pp_probecli *c, const char *opt,
    const char *arg);

/* When ch is one of the table's (ended by ch 0), exit 2 with
 * "OPT: WHY". */
void pp_probecli_alien(const struct pp_probecli_alien *t, int ch);

/* Add target names: those of file ("-" stdin; one a line, '#' comments,
 * blank lines skipped; given with option opt) when file is not NULL, then
 * the operands argv[0..argc-1].  With first_word, a line's name is its
 * first word, the rest ignored, as fping reads -f (a note may follow the
 * host); else the whole line, as mtr reads -F.  More than max targets, or
 * an unreadable file, is a usage error. */
void pp_probecli_targets(struct pp_probecli *c, const char *opt,
    const char *file, bool first_word, int argc, char **argv, int max);

/* After the options: the default port of --tcp (80) or --udp (33434)
 * when -P was not given, the source resolved into po.src (and the
 * family restricted to the source's), and what does not go together
 * (a size with TCP, whose SYNs carry no data) a usage error. */
void pp_probecli_finish(struct pp_probecli *c);

/* Before the first probe, with the targets resolved (need4, need6: the
 * families probed): a size too small for IPv6, and every setting the
 * kernel refuses for a family probed (an interface that does not exist,
 * a source address this host does not have, a mark without the
 * privilege: lib/net_linux.h pp_net_try) exit 2 with the kernel's
 * reason. */
void pp_probecli_check(const struct pp_probecli *c, bool need4, bool need6);

/* Write into w, inside the open "settings" object of a meta record, the
 * shared settings that change what was measured: proto, family,
 * interface, src, mark, tos, port, pattern, timeout, and the probe size as
 * "size" (the whole IP packet, as the probe records' size) and "data"
 * (bytes after the ICMP or UDP header), each when the same for every
 * probe of the run (need4, need6: the families probed). */
void pp_probecli_settings(const struct pp_probecli *c, struct pp_jw *w,
    bool need4, bool need6);

/* Resolve name (family 0 any, 4, 6) to its first address, once.
 * Returns 0, or -1 with *why a static message. */
int pp_probecli_resolve(const char *name, int family,
    struct sockaddr_storage *ss, socklen_t *len, const char **why);

/* The one-line error when ICMP sockets are needed for the resolved
 * families and missing: exits 1 with what to do (setcap, the sysctl, or
 * --udp/--tcp).  tool: the command's name for the setcap line. */
void pp_probecli_need_icmp(const struct pp_net *n, bool need4, bool need6,
    const char *tool);

/* Size the engine's receive buffers for about rate probes a second, each
 * waiting timeout seconds at most (pp_engine_plan).  The environment's
 * PP_RCVBUF=BYTES (256 to PP_NET_RCVBUF_MAX) sets them instead, to see
 * how a run behaves when the kernel drops answers; exits 2 when it is no
 * such number. */
void pp_probecli_plan(struct pp_engine *e, double rate, double timeout);

/* The numeric text of an address into buf (empty on failure). */
void pp_probecli_addr_text(const struct sockaddr *sa, char *buf, size_t size);

/* Open -o (exits 1 when it cannot be opened).  Nothing without -o. */
void pp_probecli_open_output(struct pp_probecli *c);

/* Write the record in w to stdout (unless quiet) and to -o; head: the
 * meta record, which
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
