/* pp-probe: scheduled probes to one or many targets (ICMP echo, TCP
 * connect, UDP), as a stream of probe records; or, with --mtr-packet, the
 * probe helper protocol of mtr (so mtr runs on this engine).
 *
 * Reads: targets from the command line or -f FILE (--mtr-packet: requests
 * on stdin).  Writes: a meta record, then a probe record per probe when its
 * outcome is known (to stdout, and -o FILE); a summary on stderr.
 * Exit status: 0 success (every target answered), or the reader of stdout
 * went away; 1 a target never answered (as fping: the targets that did
 * not are named on stderr), or output failed; 2 usage error or a target
 * that does not resolve.  What counts as an answer is lib/outcome.h's. */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/compat/getopt.h"
#include "lib/engine.h"
#include "lib/exit.h"
#include "lib/input.h"
#include "lib/intern.h"
#include "lib/jsonw.h"
#include "lib/net_linux.h"
#include "lib/outcome.h"
#include "lib/pace.h"
#include "lib/probecli.h"
#include "lib/sanitize.h"
#include "lib/stats.h"
#include "lib/util.h"

#define MAX_TARGETS 100000
/* Targets that never answered named on stderr, at most. */
#define NEVER_SHOWN 10

enum {
	OPT_MTR = 256, OPT_REFUSED_DOWN, OPT_RESOLVE
};

struct target {
	const char *name;	/* as given (borrowed from pc.names) */
	struct sockaddr_storage addr;	/* resolved */
	socklen_t alen;
	long long sent;		/* probes sent */
	struct pp_stats st;	/* for the summary */
};

struct probe_run {
	struct pp_probecli pc;	/* the shared options, targets, output */
	struct target *t;
	int nt;
	long long count;	/* -c, 0 = until stopped */
	double interval;	/* -i, s */
	double deadline;	/* -w, s, 0 = none */
	double resolve_every;	/* s, 0 = never */
	struct pp_jw w;
	struct pp_outcome_opts outcome;	/* what counts as answered */
	struct pp_intern addrs;	/* responders of unreachables (summary) */
	bool live;		/* stderr is a terminal */
	int live_lines;		/* lines of the live summary drawn */
	unsigned long long seq;
};

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
	(void)sig;
	if (stopping)
		_exit(130);	/* a second signal: at once */
	stopping = 1;
}

static void __attribute__((noreturn))
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fprintf(f,
	    "usage: pp-probe [-46hV] [-c count] [-f file] [-I interface] "
	    "[-i interval]\n"
	    "                [-m mark] [-o file] [-p port] [-Q tos] "
	    "[-S source] [-s size]\n"
	    "                [-t ttl] [-W timeout] [-w deadline] [--icmp] "
	    "[--keep count]\n"
	    "                [--mtr-packet] [--pattern byte] [--refused-down]\n"
	    "                [--resolve-every duration] [--rotate size] "
	    "[--tcp] [--udp]\n"
	    "                [target ...]\n");
	if (status == 0)
		fprintf(f, "\n"
		    "  -4, -6              IPv4 or IPv6 only\n"
		    "  -c COUNT            probes per target (default: until "
		    "stopped)\n"
		    "  -f FILE             targets, one a line (# comments)\n"
		    "  -I IFACE            send through this interface\n"
		    "  -i INTERVAL         between probes to a target (default "
		    "1s, down to 1ms)\n"
		    "  -m MARK             firewall mark (SO_MARK)\n"
		    "  -o FILE             also write the records to FILE "
		    "(.gz: gzip)\n"
		    "  -p PORT             destination port (--tcp, --udp)\n"
		    "  -Q TOS              TOS / traffic class\n"
		    "  -S ADDRESS          source address\n"
		    "  -s SIZE             probe size in bytes\n"
		    "  -t TTL              TTL / hop limit\n"
		    "  -W TIMEOUT          wait for an answer (default 2s)\n"
		    "  -w DEADLINE         stop after this long\n"
		    "  --icmp, --tcp, --udp   the probe (default ICMP echo)\n"
		    "  --keep COUNT        rotated -o files kept (default 5)\n"
		    "  --mtr-packet        speak mtr-packet's protocol on "
		    "stdin/stdout\n"
		    "  --pattern BYTE      payload fill byte\n"
		    "  --refused-down      a refused TCP connection is lost (the "
		    "service is down)\n"
		    "  --resolve-every DUR resolve the names again this often\n"
		    "  --rotate SIZE       start a new -o file at this size "
		    "(FILE.1, ...)\n"
		    "  -h, --help; -V, --version\n");
	exit(status);
}

static void
done(void *arg, const struct pp_engine_result *res)
{
	struct probe_run *r = arg;
	struct target *t = res->user;

	struct pp_probe p;

	pp_engine_result_probe(res, &p);
	pp_probe_write(&r->w, &p);
	pp_probecli_emit(&r->pc, &r->w, false);
	enum pp_loss why;
	enum pp_outcome oc = pp_probe_classify(&p, &r->outcome, &why);
	if (oc == PP_LOCAL) {
		t->st.local_drop++;	/* maybe lost inside this host: not
					 * counted */
		return;
	}
	bool answered = oc == PP_ANSWER_DEST || oc == PP_ANSWER_HOP;
	pp_stats_add(&t->st, res->ts, answered ? res->rtt : NAN, 0);
	if (!answered)
		pp_stats_lost_why(&t->st, why, p.from != NULL ?
		    pp_intern(&r->addrs, p.from) : UINT32_MAX, p.code);
	if (p.proto != NULL && strcmp(p.proto, "tcp") == 0)
		pp_stats_conn(&t->st, p.status != PP_ST_REPLY ? PP_CONN_NONE :
		    p.conn == PP_CONN_REFUSED ? PP_CONN_REFUSED :
		    PP_CONN_OPEN);
}

static void
live_summary(struct probe_run *r)
{
	if (!r->live)
		return;
	if (r->live_lines > 0)
		fprintf(stderr, "\033[%dA", r->live_lines);
	int shown = r->nt < 10 ? r->nt : 10;
	for (int i = 0; i < shown; i++) {
		const struct pp_stats *s = &r->t[i].st;
		char name[128];
		(void)pp_sanitize_term(name, sizeof(name), r->t[i].name);
		fprintf(stderr, "\033[2K%-30.30s sent %lld  loss %5.1f%%  "
		    "last %.3f ms  avg %.3f ms\n", name, r->t[i].sent,
		    s->sent ? pp_stats_loss(s) : 0.0, s->recv ? s->last : 0.0,
		    s->recv ? s->mean : 0.0);
	}
	r->live_lines = shown;
}

/* Each target's figures, as ping and fping end: the answers, the loss
 * (and why: the sources and codes of ICMP unreachables), the RTTs, TCP
 * connections open and refused.  Returns how many resolved targets never
 * answered, and names them. */
static int
final_summary(struct probe_run *r)
{
	int never = 0;

	for (int i = 0; i < r->nt; i++) {
		const struct pp_stats *s = &r->t[i].st;
		char name[512];
		(void)pp_sanitize_term(name, sizeof(name), r->t[i].name);
		fprintf(stderr, "--- %s pp-probe statistics ---\n"
		    "%llu probes sent, %llu answered, %.1f%% loss",
		    name, (unsigned long long)s->sent,
		    (unsigned long long)s->recv, s->sent ?
		    pp_stats_loss(s) : 0.0);
		int order[PP_STATS_UNREACH];
		int n = pp_stats_unreach_order(s, order);
		for (int k = 0; k < n; k++) {
			const struct pp_stats_unreach *u = &s->unreach[order[k]];
			const char *from = u->id != UINT32_MAX ?
			    pp_intern_name(&r->addrs, u->id) : NULL;
			char code[32];
			char fb[128];
			if (u->code >= 0)
				(void)snprintf(code, sizeof(code), ", code %d",
				    u->code);
			else
				code[0] = '\0';
			if (from != NULL)
				(void)pp_sanitize_term(fb, sizeof(fb), from);
			fprintf(stderr, ", %llu unreachable (%s%s)%s%s",
			    (unsigned long long)u->n, pp_unreach_name(u->code,
			    from != NULL && strchr(from, ':') != NULL), code,
			    from != NULL ? " from " : "", from != NULL ? fb :
			    "");
		}
		if (s->unreach_other > 0)
			fprintf(stderr, ", %llu unreachable from others",
			    (unsigned long long)s->unreach_other);
		if (s->recv > 0)
			fprintf(stderr, ", rtt min/avg/max/stdev = "
			    "%.3f/%.3f/%.3f/%.3f ms", s->min, s->mean, s->max,
			    s->recv > 1 ? pp_stats_stdev(s) : 0.0);
		if (s->tcp)
			fprintf(stderr, ", connections %llu open, %llu "
			    "refused%s", (unsigned long long)s->open,
			    (unsigned long long)s->refused,
			    r->outcome.refused_down && s->refused > 0 ?
			    " (counted as down)" : "");
		if (s->local_drop > 0)
			fprintf(stderr, ", %llu timeouts maybe lost inside "
			    "this host (not counted)",
			    (unsigned long long)s->local_drop);
		fputc('\n', stderr);
		if (r->t[i].alen > 0 && s->recv == 0)
			never++;
	}
	if (never == 0)
		return 0;
	/* As fping's "is unreachable": which targets failed. */
	fprintf(stderr, "%s: no answer from", pp_progname());
	int shown = 0;
	for (int i = 0; i < r->nt && shown < NEVER_SHOWN; i++) {
		if (r->t[i].alen == 0 || r->t[i].st.recv > 0)
			continue;
		char name[512];
		(void)pp_sanitize_term(name, sizeof(name), r->t[i].name);
		fprintf(stderr, "%s %s", shown > 0 ? "," : "", name);
		shown++;
	}
	if (never > shown)
		fprintf(stderr, " and %d more", never - shown);
	fputc('\n', stderr);
	return never;
}

/* ---------------------------------------------------- mtr-packet */

struct mtr_probe {
	long long token;
};

static void
mtr_done(void *arg, const struct pp_engine_result *res)
{
	struct mtr_probe *mp = res->user;
	const char *fam = strchr(res->dst, ':') != NULL ? "ip-6" : "ip-4";

	(void)arg;
	switch (res->status) {
	case PP_ST_REPLY:
	case PP_ST_TTL_EXPIRED:
	case PP_ST_UNREACHABLE:
		printf("%lld %s %s %s round-trip-time %.0f", mp->token,
		    res->status == PP_ST_TTL_EXPIRED ? "ttl-expired" :
		    "reply", fam, res->from, res->rtt * 1000.0);
		if (res->nmpls > 0) {
			printf(" mpls ");
			for (int i = 0; i < res->nmpls; i++)
				printf("%s%u,%u,%u,%u", i ? "," : "",
				    res->mpls[i].label, res->mpls[i].tc,
				    res->mpls[i].s, res->mpls[i].ttl);
		}
		putchar('\n');
		break;
	case PP_ST_TIMEOUT:
		printf("%lld no-reply\n", mp->token);
		break;
	case PP_ST_ERROR:
		if (strstr(res->err, "unreachable") != NULL)
			printf("%lld no-route\n", mp->token);
		else if (strstr(res->err, "down") != NULL)
			printf("%lld network-down\n", mp->token);
		else if (strstr(res->err, "ermission") != NULL ||
		    strstr(res->err, "not permitted") != NULL)
			printf("%lld permission-denied\n", mp->token);
		else
			printf("%lld invalid-argument\n", mp->token);
		break;
	}
	free(mp);
}

/* A decimal request argument, or -1. */
static int
intarg(const char *v, int lo, int hi)
{
	const char *errstr = NULL;
	long long x = pp_strtonum(v, lo, hi, &errstr);

	return errstr == NULL ? (int)x : -1;
}

/* One engine per (protocol, port, timeout, size, tos, pattern). */
struct mtr_engine {
	struct pp_engine_opts o;
	struct pp_engine *e;
};

static int
mtr_packet(struct pp_net *net)
{
	struct mtr_engine eng[16];
	int neng = 0;
	char *line = NULL;
	size_t cap = 0;
	bool eof = false;
	struct pp_error err;

	/*
	 * Requests are read with read(2) into our own buffer, not stdio, so
	 * that poll sees every line mtr has sent; answers are written as they
	 * come, one line each.
	 */
	setvbuf(stdout, NULL, _IOLBF, 0);
	size_t have = 0, start = 0;
	for (;;) {
		/* A whole request line buffered: take it. */
		char *nl = have > start ? memchr(line + start, '\n',
		    have - start) : NULL;
		if (nl == NULL && eof && have > start) {
			if (have == cap)
				line = pp_xrealloc(line, cap + 1);
			line[have] = '\n';
			nl = line + have++;
		}
		if (nl == NULL) {
			if (start > 0) {
				memmove(line, line + start, have - start);
				have -= start;
				start = 0;
			}
			bool busy = false;
			for (int i = 0; i < neng; i++)
				busy = busy || pp_engine_inflight(eng[i].e) > 0;
			if (eof && !busy)
				break;
			struct pollfd pfd[17];
			int np = 0;
			if (!eof)
				pfd[np++] = (struct pollfd){ .fd = 0,
				    .events = POLLIN };
			for (int i = 0; i < neng; i++)
				pfd[np++] = (struct pollfd){
				    .fd = pp_engine_fd(eng[i].e),
				    .events = POLLIN };
			(void)fflush(stdout);
			/* Timeouts are due within 10 ms of their time. */
			(void)poll(pfd, (nfds_t)np, busy ? 10 : -1);
			for (int i = 0; i < neng; i++)
				(void)pp_engine_run(eng[i].e, pp_mono_ns());
			if (!eof && (pfd[0].revents & (POLLIN | POLLHUP |
			    POLLERR)) != 0) {
				if (cap - have < 4096) {
					if (cap >= PP_LINE_MAX)
						pp_errx(PP_EXIT_FAIL, "a request "
						    "line longer than %d bytes",
						    PP_LINE_MAX);
					cap = cap ? cap * 2 : 8192;
					line = pp_xrealloc(line, cap);
				}
				ssize_t n = read(0, line + have, cap - have);
				if (n > 0)
					have += (size_t)n;
				else if (n == 0 || (errno != EINTR &&
				    errno != EAGAIN))
					eof = true;
			}
			continue;
		}
		*nl = '\0';
		char *req = line + start;
		start = (size_t)(nl - line) + 1;
		req[strcspn(req, "\r")] = '\0';
		char *save = NULL;
		char *tok = strtok_r(req, " ", &save);
		char *cmd = strtok_r(NULL, " ", &save);
		if (tok == NULL || cmd == NULL)
			continue;
		long long token = strtoll(tok, NULL, 10);
		struct pp_engine_opts o = {
			.proto = PP_ICMP, .port = 80, .size = 0, .fill = 0,
			.tos = -1, .timeout = 10, .max_inflight = 4096,
		};
		const char *ip4 = NULL, *ip6 = NULL, *feature = NULL;
		int ttl = -1;
		bool bad = false;
		for (char *k = strtok_r(NULL, " ", &save); k != NULL;
		    k = strtok_r(NULL, " ", &save)) {
			char *v = strtok_r(NULL, " ", &save);
			if (v == NULL) {
				bad = true;
				break;
			}
			if (strcmp(k, "ip-4") == 0)
				ip4 = v;
			else if (strcmp(k, "ip-6") == 0)
				ip6 = v;
			else if (strcmp(k, "protocol") == 0) {
				if (strcmp(v, "icmp") == 0)
					o.proto = PP_ICMP;
				else if (strcmp(v, "udp") == 0)
					o.proto = PP_UDP;
				else if (strcmp(v, "tcp") == 0)
					o.proto = PP_TCP;
				else
					bad = true;
			} else if (strcmp(k, "port") == 0) {
				o.port = intarg(v, 1, 65535);
				bad = bad || o.port < 0;
			} else if (strcmp(k, "timeout") == 0) {
				const char *es = NULL;
				bad = bad || pp_strtod_range(v, 0.001, 3600,
				    &o.timeout, &es) == -1;
			} else if (strcmp(k, "ttl") == 0) {
				ttl = intarg(v, 1, 255);
				bad = bad || ttl < 0;
			} else if (strcmp(k, "size") == 0) {
				/* mtr's size counts the IP header. */
				int sz = intarg(v, 1, 65000);
				bad = bad || sz < 0;
				o.size = sz - 20 > 24 ? sz - 20 : 0;
			} else if (strcmp(k, "bit-pattern") == 0) {
				int b = intarg(v, 0, 255);
				bad = bad || b < 0;
				o.fill = (unsigned char)(b < 0 ? 0 : b);
			} else if (strcmp(k, "tos") == 0) {
				o.tos = intarg(v, 0, 255);
				bad = bad || o.tos < 0;
			} else if (strcmp(k, "mark") == 0) {
				int m = intarg(v, 0, 2147483647);
				bad = bad || m < 0;
				o.mark = m < 0 ? 0 : (unsigned)m;
			} else if (strcmp(k, "feature") == 0)
				feature = v;
		}
		if (strcmp(cmd, "check-support") == 0) {
			const char *ok = "no";
			if (feature == NULL)
				bad = true;
			else if (strcmp(feature, "version") == 0)
				ok = PP_VERSION;
			else if (strcmp(feature, "send-probe") == 0 ||
			    strcmp(feature, "icmp") == 0 ||
			    strcmp(feature, "udp") == 0 ||
			    strcmp(feature, "tcp") == 0)
				ok = "ok";
			else if (strcmp(feature, "ip-4") == 0)
				ok = net->icmp4 >= 0 ? "ok" : "no";
			else if (strcmp(feature, "ip-6") == 0)
				ok = net->icmp6 >= 0 ? "ok" : "no";
			if (bad)
				printf("%lld invalid-argument\n", token);
			else
				printf("%lld feature-support support %s\n",
				    token, ok);
			continue;
		}
		if (strcmp(cmd, "send-probe") != 0 || bad ||
		    (ip4 == NULL) == (ip6 == NULL)) {
			printf("%lld invalid-argument\n", token);
			continue;
		}
		struct sockaddr_storage ss;
		socklen_t sl;
		memset(&ss, 0, sizeof(ss));
		if (ip4 != NULL) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
			s4->sin_family = AF_INET;
			sl = sizeof(*s4);
			if (inet_pton(AF_INET, ip4, &s4->sin_addr) != 1)
				bad = true;
		} else {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
			s6->sin6_family = AF_INET6;
			sl = sizeof(*s6);
			if (inet_pton(AF_INET6, ip6, &s6->sin6_addr) != 1)
				bad = true;
		}
		if (bad) {
			printf("%lld invalid-argument\n", token);
			continue;
		}
		struct pp_engine *e = NULL;
		for (int i = 0; i < neng; i++)
			if (memcmp(&eng[i].o, &o, sizeof(o)) == 0)
				e = eng[i].e;
		if (e == NULL) {
			if (neng == 16) {
				printf("%lld probes-exhausted\n", token);
				continue;
			}
			eng[neng].o = o;
			eng[neng].e = pp_engine_new(&o, net, mtr_done, NULL,
			    &err);
			if (eng[neng].e == NULL) {
				printf("%lld invalid-argument\n", token);
				continue;
			}
			e = eng[neng++].e;
		}
		struct mtr_probe *mp = pp_xmalloc(sizeof(*mp));
		mp->token = token;
		static unsigned long long mseq;
		if (pp_engine_send(e, (struct sockaddr *)&ss, sl, ttl, -1, -1,
		    mseq++, "mtr", mp) == -1) {
			printf("%lld probes-exhausted\n", token);
			free(mp);
		}
	}
	for (int i = 0; i < neng; i++)
		pp_engine_free(eng[i].e);
	free(line);
	return pp_close_stdout(PP_EXIT_OK);
}

/* -------------------------------------------------------- main */

int
main(int argc, char **argv)
{
	static const struct pp_option longopts[] = {
		{ "icmp", PP_NO_ARG, NULL, PP_OPT_ICMP },
		{ "help", PP_NO_ARG, NULL, 'h' },
		{ "keep", PP_REQ_ARG, NULL, PP_OPT_KEEP },
		{ "mtr-packet", PP_NO_ARG, NULL, OPT_MTR },
		{ "pattern", PP_REQ_ARG, NULL, PP_OPT_PATTERN },
		{ "refused-down", PP_NO_ARG, NULL, OPT_REFUSED_DOWN },
		{ "resolve-every", PP_REQ_ARG, NULL, OPT_RESOLVE },
		{ "rotate", PP_REQ_ARG, NULL, PP_OPT_ROTATE },
		{ "tcp", PP_NO_ARG, NULL, PP_OPT_TCP },
		{ "udp", PP_NO_ARG, NULL, PP_OPT_UDP },
		{ "version", PP_NO_ARG, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct probe_run r;
	struct pp_net net;
	const char *errstr = NULL;
	const char *file = NULL;
	bool mtr = false;
	int ch;

	pp_cli_init(argv[0]);
	/* A signal from the start on is a clean stop (a shell starts
	 * background jobs with SIGINT ignored until this). */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	/* Sockets first, then no privilege at all, then the options. */
	bool want_mark = false;
	for (int i = 1; i < argc; i++)
		want_mark = want_mark || strncmp(argv[i], "-m", 2) == 0;
	pp_net_open_privileged(&net, 0);
	/* Real-time scheduling where it is allowed (root, 'chrt -f 1' or
	 * 'ulimit -r 1'; not with PP_REALTIME=0), so that busy neighbours
	 * never delay a send; else the normal scheduler, silently.  The one
	 * thing besides the sockets done with privilege: the policy stays
	 * when the privileges go. */
	const char *rt = getenv("PP_REALTIME");
	if (rt == NULL || strcmp(rt, "0") != 0)
		(void)pp_pace_realtime();
	if (pp_net_drop_privileges(want_mark) == -1)
		pp_errx(PP_EXIT_FAIL, "cannot drop privileges: %s",
		    strerror(errno));

	pp_probecli_init(&r.pc);
	if (pp_intern_init(&r.addrs, 100000) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	r.interval = 1;
	int ttl = -1;
	while ((ch = pp_getopt_long(argc, argv, "46c:f:hI:i:m:o:p:Q:S:s:t:Vw:W:",
	    longopts, NULL)) != -1) {
		if (pp_probecli_option(&r.pc, ch, pp_optarg))
			continue;
		switch (ch) {
		case 'c':
			r.count = pp_strtonum(pp_optarg, 1, 1000000000000LL,
			    &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "-c: count must be 1 to "
				    "1000000000000: %s", pp_optarg);
			break;
		case 'f':
			file = pp_optarg;
			break;
		case 'h':
			usage(0);
		case 'i':
			if (pp_parse_duration(pp_optarg, &r.interval, &errstr) ==
			    -1 || r.interval < 0.001 || r.interval > 86400)
				pp_errx(PP_EXIT_USAGE, "-i: interval must be 1ms "
				    "to 1d: %s", pp_optarg);
			break;
		case 't':
			ttl = pp_probecli_int("-t", "ttl", pp_optarg, 1, 255);
			break;
		case 'V':
			pp_print_version();
			exit(pp_close_stdout(0));
		case 'w':
			if (pp_parse_duration(pp_optarg, &r.deadline, &errstr)
			    == -1 || r.deadline <= 0)
				pp_errx(PP_EXIT_USAGE, "-w: invalid deadline: "
				    "%s", pp_optarg);
			break;
		case OPT_MTR:
			mtr = true;
			break;
		case OPT_REFUSED_DOWN:
			r.outcome.refused_down = true;
			break;
		case OPT_RESOLVE:
			if (pp_parse_duration(pp_optarg, &r.resolve_every,
			    &errstr) == -1 || r.resolve_every < 1)
				pp_errx(PP_EXIT_USAGE, "--resolve-every: at least "
				    "1s: %s", pp_optarg);
			break;
		default:
			usage(PP_EXIT_USAGE);
		}
	}
	argc -= pp_optind;
	argv += pp_optind;
	pp_probecli_finish(&r.pc);
	if (mtr)
		return mtr_packet(&net);
	pp_probecli_targets(&r.pc, file, argc, argv, MAX_TARGETS);
	if (r.pc.nnames == 0)
		usage(PP_EXIT_USAGE);
	r.nt = r.pc.nnames;
	r.t = pp_xcalloc((size_t)r.nt, sizeof(*r.t));
	for (int i = 0; i < r.nt; i++)
		r.t[i].name = r.pc.names[i];
	if (r.pc.eo.mark != 0) {
		if (net.icmp4 >= 0)
			(void)setsockopt(net.icmp4, SOL_SOCKET, SO_MARK,
			    &r.pc.eo.mark, sizeof(r.pc.eo.mark));
		if (net.icmp6 >= 0)
			(void)setsockopt(net.icmp6, SOL_SOCKET, SO_MARK,
			    &r.pc.eo.mark, sizeof(r.pc.eo.mark));
	}
	/* Names are resolved once, here (and again with --resolve-every). */
	int status = PP_EXIT_OK;
	int ok = 0;
	for (int i = 0; i < r.nt; i++) {
		const char *why = NULL;
		pp_stats_init(&r.t[i].st);
		if (pp_probecli_resolve(r.t[i].name, r.pc.family, &r.t[i].addr,
		    &r.t[i].alen, &why) == -1) {
			pp_warnx("cannot resolve '%s': %s", r.t[i].name, why);
			status = PP_EXIT_USAGE;
			r.t[i].alen = 0;
			continue;
		}
		ok++;
	}
	if (ok == 0)
		exit(PP_EXIT_USAGE);
	if (r.pc.eo.proto == PP_ICMP) {
		bool need4 = false, need6 = false;
		for (int i = 0; i < r.nt; i++) {
			need4 = need4 || (r.t[i].alen > 0 &&
			    r.t[i].addr.ss_family == AF_INET);
			need6 = need6 || (r.t[i].alen > 0 &&
			    r.t[i].addr.ss_family == AF_INET6);
		}
		pp_probecli_need_icmp(&net, need4, need6, "pp-probe");
	}
	struct pp_error err;
	struct pp_engine *e = pp_engine_new(&r.pc.eo, &net, done, &r, &err);
	if (e == NULL)
		pp_errx(PP_EXIT_FAIL, "%s", err.msg);
	pp_probecli_open_output(&r.pc);
	r.live = pp_isatty(2);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	/* A closed reader is an EPIPE (pp_probecli's reader_gone), not a
	 * death: the run stops cleanly, -o is closed whole, the summary
	 * written, the status 0. */
	signal(SIGPIPE, SIG_IGN);

	pp_jw_init(&r.w);
	pp_jw_meta(&r.w, "pp-probe", argc + pp_optind, argv - pp_optind);
	pp_jw_key(&r.w, "settings");
	pp_jw_obj_begin(&r.w);
	pp_jw_kstr(&r.w, "proto", r.pc.eo.proto == PP_ICMP ? "icmp" :
	    r.pc.eo.proto == PP_TCP ? "tcp" : "udp");
	pp_jw_knum(&r.w, "interval", r.interval, PP_DEC_TS);
	pp_jw_knum(&r.w, "timeout", r.pc.eo.timeout, PP_DEC_TS);
	if (r.pc.eo.size > 0)
		pp_jw_kint(&r.w, "size", r.pc.eo.size);
	if (r.pc.eo.proto != PP_ICMP)
		pp_jw_kint(&r.w, "port", r.pc.eo.port);
	if (ttl > 0)
		pp_jw_kint(&r.w, "ttl", ttl);
	if (r.pc.eo.tos >= 0)
		pp_jw_kint(&r.w, "tos", r.pc.eo.tos);
	if (r.outcome.refused_down)
		pp_jw_kstr(&r.w, "refused", "down");
	if (r.pc.eo.proto == PP_ICMP)
		pp_jw_kstr(&r.w, "socket", (net.icmp4 >= 0 ? net.raw4 :
		    net.raw6) ? "raw" : "datagram");
	pp_jw_end(&r.w);
	pp_probecli_emit(&r.pc, &r.w, true);

	/* The schedule: probe k of target i leaves at start + k * interval +
	 * i * interval / targets, whatever happened before.  A cursor walks
	 * the slots (round k, target i) in time order, so a turn costs the
	 * same for 1 target or 100,000; a target not resolved (or done) lets
	 * its slots pass.  Each turn: send what is due, then the work that
	 * may take a while (names, live summary, flushes) -- right after a
	 * send, or when nothing is due for a millisecond, never just before
	 * a send -- then wait until the next slot: pp_engine_run reads
	 * answers, expires timeouts and returns on time for it. */
	long long start = pp_mono_ns();
	long long end = r.deadline > 0 ? start + (long long)(r.deadline * 1e9) :
	    0;
	long long iv = (long long)(r.interval * 1e9);
	long long next_resolve = r.resolve_every > 0 ? start +
	    (long long)(r.resolve_every * 1e9) : 0;
	long long next_live = start;
	long long last_flush = start;
	long long k = 0;	/* the cursor: round k ... */
	int cur = 0;		/* ... target i */
	int active = 0;		/* targets with probes to send */
	for (int i = 0; i < r.nt; i++)
		active += r.t[i].alen > 0;
	for (;;) {
		long long now = pp_mono_ns();
		bool more = !stopping && (end == 0 || now < end) && active > 0;
		bool sent = false;
		long long due = -1;
		while (more) {
			struct target *t = &r.t[cur];
			long long at = start + k * iv + (long long)cur * iv /
			    r.nt;
			if (t->alen > 0 && (r.count == 0 ||
			    t->sent < r.count)) {
				if (at > now) {
					due = at;
					break;
				}
				if (pp_engine_send(e, (struct sockaddr *)
				    &t->addr, t->alen, ttl, -1, -1, r.seq,
				    t->name, t) == -1) {
					due = now + 1000000;	/* full */
					break;
				}
				sent = true;
				r.seq++;
				if (++t->sent == r.count)
					active--;
				more = active > 0;
			}
			if (++cur == r.nt) {
				cur = 0;
				k++;
			}
		}
		if (!more && pp_engine_inflight(e) == 0)
			break;
		bool room = sent || due < 0 || due - now >= 1000000;
		if (room && next_resolve > 0 && now >= next_resolve) {
			active = 0;
			for (int i = 0; i < r.nt; i++) {
				const char *why;
				struct sockaddr_storage ss;
				socklen_t sl;
				if (pp_probecli_resolve(r.t[i].name,
				    r.pc.family, &ss, &sl, &why) == 0) {
					r.t[i].addr = ss;
					r.t[i].alen = sl;
				}
				active += r.t[i].alen > 0 && (r.count == 0 ||
				    r.t[i].sent < r.count);
			}
			now = pp_mono_ns();
			next_resolve = now + (long long)(r.resolve_every * 1e9);
		}
		if (room && now >= next_live) {
			live_summary(&r);
			next_live = now + 1000000000LL;
		}
		long long until = due >= 0 ? due : now + 100000000LL;
		if (end > 0 && more && until > end)
			until = end;
		if (until > next_live)
			until = next_live;
		/* stdout before a wait of a millisecond or more, and at least
		 * every 10 ms (at 1 kHz: a write per ten records, not one). */
		if (room) {
			pp_probecli_tick(&r.pc, false);
			if (until - now >= 1000000 || now - last_flush >=
			    10000000) {
				pp_probecli_flush(&r.pc);
				last_flush = now;
			}
		}
		if (pp_engine_run(e, until) == -1)
			pp_errx(PP_EXIT_FAIL, "event loop failed: %s",
			    strerror(errno));
		if (r.pc.io_error)
			break;
		/* The reader went away (| head): stop as on SIGINT, the
		 * archive still gets the probes in flight. */
		if (r.pc.reader_gone)
			stopping = 1;
	}
	live_summary(&r);
	int never = final_summary(&r);
	bool written = pp_probecli_close_output(&r.pc);
	pp_engine_free(e);
	for (int i = 0; i < r.nt; i++)
		pp_stats_release(&r.t[i].st);
	free(r.t);
	pp_intern_release(&r.addrs);
	pp_probecli_release(&r.pc);
	pp_jw_release(&r.w);
	if (status == PP_EXIT_OK && (!written || (never > 0 &&
	    !r.pc.reader_gone)))
		status = PP_EXIT_FAIL;
	return pp_close_stdout(status);
}
