/* SPDX-License-Identifier: BSD-2-Clause */
/* probecli.c: the probers' shared command line (see probecli.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cli.h"
#include "lib/exit.h"
#include "lib/jsonw.h"
#include "lib/net_linux.h"
#include "lib/pace.h"
#include "lib/probecli.h"
#include "lib/util.h"

void
pp_probecli_init(struct pp_probecli *c)
{
	memset(c, 0, sizeof(*c));
	pp_engine_probe_init(&c->po);
	c->eo.max_inflight = 60000;
	c->ao.keep = 5;
	pp_jw_host(c->vantage, sizeof(c->vantage));
}

/* --vantage NAME: 1 to 255 bytes of UTF-8 text without control
 * characters (it is a label in tables, CSV and databases). */
static void
vantage_option(struct pp_probecli *c, const char *opt, const char *arg)
{
	size_t n = strlen(arg);
	const unsigned char *p = (const unsigned char *)arg;

	if (n == 0 || n >= sizeof(c->vantage))
		pp_errx(PP_EXIT_USAGE, "%s: name must be 1 to %zu "
		    "bytes", opt, sizeof(c->vantage) - 1);
	for (size_t i = 0; i < n; ) {
		size_t k = p[i] < 0x80 ? 1 : pp_utf8_len(p + i, n - i);
		if (k == 0 || p[i] < 0x20 || p[i] == 0x7f)
			pp_errx(PP_EXIT_USAGE, "%s: name must be text "
			    "without control characters", opt);
		i += k;
	}
	memcpy(c->vantage, arg, n + 1);
}

int
pp_probecli_int(const char *opt, const char *what, const char *arg,
    long long lo, long long hi)
{
	const char *errstr = NULL;
	long long v = pp_strtonum(arg, lo, hi, &errstr);

	if (errstr != NULL)
		pp_errx(PP_EXIT_USAGE, "%s: %s must be %lld to %lld: %s", opt,
		    what, lo, hi, arg);
	return (int)v;
}

long long
pp_probecli_num(const char *opt, const char *what, const char *arg,
    long long lo, long long hi, bool hex)
{
	const char *errstr = NULL;
	long long v;

	if (hex && arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X')) {
		const char *p = arg + 2;
		v = 0;
		if (*p == '\0')
			errstr = "invalid";
		for (; *p != '\0' && errstr == NULL; p++) {
			int d = *p >= '0' && *p <= '9' ? *p - '0' :
			    *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 :
			    *p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;
			if (d < 0 || v > (hi - d) / 16)
				errstr = "invalid";
			else
				v = v * 16 + d;
		}
		if (errstr == NULL && v < lo)
			errstr = "too small";
	} else {
		v = pp_strtonum(arg, lo, hi, &errstr);
	}
	if (errstr != NULL)
		pp_errx(PP_EXIT_USAGE, "%s: %s must be %lld to %lld%s: %s", opt,
		    what, lo, hi, hex ? " (or 0x hex)" : "", arg);
	return v;
}

bool
pp_probecli_option(struct pp_probecli *c, int ch, const char *opt,
    const char *arg)
{
	const char *errstr = NULL;

	switch (ch) {
	case '4':
		c->family = 4;
		break;
	case '6':
		c->family = 6;
		break;
	case 'o':
		/* "-o -c 5": fping's -o (outage) takes no file. */
		if (arg[0] == '-' && arg[1] != '\0')
			pp_errx(PP_EXIT_USAGE, "%s: '%s' is not taken for a "
			    "file name: -o FILE writes the records to FILE "
			    "(fping's -o, the outage time, is pp-stats' "
			    "outage records); for a file of that name say "
			    "./%s", opt, arg, arg);
		c->outfile = arg;
		break;
	case 'P':
		c->po.port = pp_probecli_int(opt, "port", arg, 1, 65535);
		c->port_set = true;
		c->port_opt = opt;
		break;
	case 'Q':
		c->po.tos = (int)pp_probecli_num(opt, "tos", arg, 0, 255,
		    true);
		break;
	case 'W':
		if (pp_parse_duration(arg, &c->po.timeout, &errstr) == -1 ||
		    c->po.timeout < 0.001 || c->po.timeout > 3600)
			pp_errx(PP_EXIT_USAGE, "%s: timeout must be 1ms to 1h: "
			    "%s", opt, arg);
		break;
	case PP_OPT_ICMP:
		c->po.proto = PP_ICMP;
		break;
	case PP_OPT_KEEP:
		c->ao.keep = pp_probecli_int(opt, "count", arg, 0, 1000);
		c->keep_set = true;
		break;
	case PP_OPT_ROTATE:
		if (pp_parse_size(arg, &c->ao.rotate, &errstr) == -1 ||
		    c->ao.rotate < 4096 || c->ao.rotate > (1ULL << 40))
			pp_errx(PP_EXIT_USAGE, "%s: size must be 4k to "
			    "1024G: %s", opt, arg);
		break;
	case PP_OPT_PATTERN:
		pp_probecli_pattern(c, opt, arg);
		break;
	case PP_OPT_TCP:
		c->po.proto = PP_TCP;
		break;
	case PP_OPT_UDP:
		c->po.proto = PP_UDP;
		break;
	case PP_OPT_VANTAGE:
		vantage_option(c, opt, arg);
		break;
	default:
		return false;
	}
	return true;
}

void
pp_probecli_mark(struct pp_probecli *c, const char *opt, const char *arg)
{
	c->po.mark = (unsigned)pp_probecli_num(opt, "mark", arg, 0,
	    4294967295LL, true);
	c->mark_opt = opt;
}

void
pp_probecli_source(struct pp_probecli *c, const char *opt, const char *arg)
{
	c->source = arg;
	c->source_opt = opt;
}

void
pp_probecli_iface(struct pp_probecli *c, const char *opt, const char *arg,
    bool or_address)
{
	unsigned char a[16];

	if (or_address && (inet_pton(AF_INET, arg, a) == 1 ||
	    inet_pton(AF_INET6, arg, a) == 1)) {
		pp_probecli_source(c, opt, arg);
		return;
	}
	if (arg[0] == '\0' || strlen(arg) >= IF_NAMESIZE)
		pp_errx(PP_EXIT_USAGE, "%s: not an interface name: '%s'", opt,
		    arg);
	c->eo.iface = arg;
	c->iface_opt = opt;
}

void
pp_probecli_size(struct pp_probecli *c, const char *opt, const char *arg,
    bool ip)
{
	if (ip && arg[0] == '-')
		pp_errx(PP_EXIT_USAGE, "%s: mtr's negative size (a random size "
		    "for each probe) is not supported: %s", opt, arg);
	if (ip)
		c->po.size = pp_probecli_int(opt, "size (the whole IP packet, "
		    "bytes)", arg, PP_ENGINE_HDR4 + PP_ENGINE_DATA_MIN, 65535);
	else
		c->po.size = pp_probecli_int(opt, "size (data bytes after the "
		    "8-byte header)", arg, PP_ENGINE_DATA_MIN, 65535 -
		    PP_ENGINE_HDR4);
	c->po.size_ip = ip;
	c->size_opt = opt;
}

void
pp_probecli_pattern(struct pp_probecli *c, const char *opt, const char *arg)
{
	c->po.pattern = (unsigned char)pp_probecli_num(opt, "byte", arg, 0, 255,
	    true);
	c->fill_set = true;
}

void
pp_probecli_alien(const struct pp_probecli_alien *t, int ch)
{
	for (; t->ch != 0; t++)
		if (t->ch == ch)
			pp_errx(PP_EXIT_USAGE, "%s: %s", t->opt, t->why);
}

static void
add_name(struct pp_probecli *c, const char *name, int max)
{
	if (c->nnames == max)
		pp_errx(PP_EXIT_USAGE, "more than %d targets", max);
	if (c->nnames % 64 == 0)
		c->names = pp_xrealloc(c->names, (size_t)(c->nnames + 64) *
		    sizeof(*c->names));
	c->names[c->nnames++] = pp_xstrdup(name);
}

void
pp_probecli_targets(struct pp_probecli *c, const char *opt, const char *file,
    bool first_word, int argc, char **argv, int max)
{
	if (file != NULL) {
		FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
		char *line = NULL;
		size_t cap = 0;
		if (f == NULL)
			pp_errx(PP_EXIT_USAGE, "%s: cannot open '%s': %s", opt,
			    file, strerror(errno));
		while (getline(&line, &cap, f) != -1) {
			char *p = line + strspn(line, " \t");
			p[strcspn(p, first_word ? "# \t\r\n" : "#\r\n")] =
			    '\0';
			char *end = p + strlen(p);
			while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
				*--end = '\0';
			if (*p != '\0')
				add_name(c, p, max);
		}
		bool bad = ferror(f) != 0;
		free(line);
		if (f != stdin)
			fclose(f);
		if (bad)
			pp_errx(PP_EXIT_USAGE, "%s: cannot read '%s'", opt,
			    file);
	}
	for (int i = 0; i < argc; i++)
		add_name(c, argv[i], max);
}

int
pp_probecli_resolve(const char *name, int family, struct sockaddr_storage *ss,
    socklen_t *len, const char **why)
{
	struct addrinfo hints, *res = NULL;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 :
	    AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	int rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc != 0) {
		*why = gai_strerror(rc);
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

void
pp_probecli_finish(struct pp_probecli *c)
{
	if ((c->ao.rotate > 0 || c->keep_set) && c->outfile == NULL)
		pp_errx(PP_EXIT_USAGE, "--rotate and --keep need -o");
	if (c->keep_set && c->ao.rotate == 0)
		pp_errx(PP_EXIT_USAGE, "--keep needs --rotate");
	if (c->po.proto == PP_TCP && c->po.size > 0)
		pp_errx(PP_EXIT_USAGE, "%s: TCP probes are SYNs, which carry "
		    "no data: no size with TCP", c->size_opt);
	if (c->po.proto == PP_TCP && c->fill_set)
		pp_errx(PP_EXIT_USAGE, "a payload pattern with TCP: SYNs carry "
		    "no data");
	if (c->po.proto != PP_ICMP && !c->port_set)
		c->po.port = c->po.proto == PP_TCP ? 80 : 33434;
	if (c->po.proto == PP_ICMP && c->port_set)
		pp_errx(PP_EXIT_USAGE, "%s: a port needs --udp or --tcp",
		    c->port_opt);
	if (c->source != NULL) {
		const char *why = NULL;
		socklen_t len = 0;
		if (pp_probecli_resolve(c->source, c->family, &c->src, &len,
		    &why) == -1)
			pp_errx(PP_EXIT_USAGE, "%s %s: %s", c->source_opt,
			    c->source, why);
		c->po.src = (struct sockaddr *)&c->src;
		c->po.srclen = len;
		/* The targets are of the source's family. */
		c->family = c->src.ss_family == AF_INET6 ? 6 : 4;
		pp_probecli_addr_text(c->po.src, c->src_text,
		    sizeof(c->src_text));
	}
}

void
pp_probecli_check(const struct pp_probecli *c, bool need4, bool need6)
{
	if (need6 && c->po.size_ip && c->po.size > 0 && c->po.size <
	    PP_ENGINE_HDR6 + PP_ENGINE_DATA_MIN)
		pp_errx(PP_EXIT_USAGE, "%s %d: an IPv6 probe needs at least %d "
		    "bytes (the IPv6 header is 40)", c->size_opt, c->po.size,
		    PP_ENGINE_HDR6 + PP_ENGINE_DATA_MIN);
	for (int k = 0; k < 2; k++) {
		int fam = k == 0 ? AF_INET : AF_INET6;
		if (!(k == 0 ? need4 : need6))
			continue;
		enum pp_net_setting bad = pp_net_try(fam, c->eo.iface,
		    c->po.mark, c->po.tos, c->po.src, c->po.srclen);
		const char *why = strerror(errno);
		switch (bad) {
		case PP_NET_OK:
		case PP_NET_SOCKET:	/* the engine says, per probe */
			break;
		case PP_NET_IFACE:
			pp_errx(PP_EXIT_USAGE, "%s %s: cannot send through "
			    "this interface: %s", c->iface_opt, c->eo.iface,
			    why);
		case PP_NET_MARK:
			pp_errx(PP_EXIT_USAGE, "%s %u: cannot set this mark: "
			    "%s%s", c->mark_opt, c->po.mark, why, errno ==
			    EPERM ? " (a mark needs CAP_NET_ADMIN: run as "
			    "root or 'setcap cap_net_admin,cap_net_raw+ep' "
			    "the binary)" : "");
		case PP_NET_TOS:
			pp_errx(PP_EXIT_USAGE, "-Q %d: cannot set this TOS: %s",
			    c->po.tos, why);
		case PP_NET_SOURCE:
			pp_errx(PP_EXIT_USAGE, "%s %s: cannot send from this "
			    "address: %s", c->source_opt, c->source, why);
		}
	}
}

void
pp_probecli_settings(const struct pp_probecli *c, struct pp_jw *w,
    bool need4, bool need6)
{
	const struct pp_engine_probe *po = &c->po;

	pp_jw_kstr(w, "proto", po->proto == PP_ICMP ? "icmp" :
	    po->proto == PP_TCP ? "tcp" : "udp");
	if (c->family != 0)
		pp_jw_kint(w, "family", c->family);
	if (c->eo.iface != NULL)
		pp_jw_kstr(w, "interface", c->eo.iface);
	if (po->src != NULL)
		pp_jw_kstr(w, "src", c->src_text);
	if (po->mark != 0)
		pp_jw_kint(w, "mark", po->mark);
	if (po->tos >= 0)
		pp_jw_kint(w, "tos", po->tos);
	if (po->proto != PP_ICMP)
		pp_jw_kint(w, "port", po->port);
	if (c->fill_set)
		pp_jw_kint(w, "pattern", po->pattern);
	pp_jw_knum(w, "timeout", po->timeout, PP_DEC_TS);
	if (po->proto == PP_TCP)
		return;
	/* The size as the probe records count it, and the data. */
	int data = po->proto == PP_ICMP ? 56 : PP_ENGINE_DATA_MIN;
	if (po->size > 0)
		data = po->size_ip ? po->size - (need4 ? PP_ENGINE_HDR4 :
		    PP_ENGINE_HDR6) : po->size;
	if (data < PP_ENGINE_DATA_MIN)
		data = PP_ENGINE_DATA_MIN;
	bool one_size = !(need4 && need6) || (po->size_ip && po->size > 0);
	bool one_data = !(need4 && need6) || !po->size_ip || po->size == 0;
	if (one_size)
		pp_jw_kint(w, "size", po->size_ip && po->size > 0 ? po->size :
		    data + (need4 ? PP_ENGINE_HDR4 : PP_ENGINE_HDR6));
	if (one_data)
		pp_jw_kint(w, "data", data);
}

void
pp_probecli_plan(struct pp_engine *e, double rate, double timeout)
{
	const char *rb = getenv("PP_RCVBUF");
	const char *errstr = NULL;

	if (rb == NULL || rb[0] == '\0') {
		(void)pp_engine_plan(e, rate, timeout);
		return;
	}
	long long b = pp_strtonum(rb, 256, PP_NET_RCVBUF_MAX, &errstr);
	if (errstr != NULL)
		pp_errx(PP_EXIT_USAGE, "PP_RCVBUF: bytes must be 256 to %d: %s",
		    PP_NET_RCVBUF_MAX, rb);
	(void)pp_engine_rcvbuf(e, (int)b);
}

void
pp_probecli_need_icmp(const struct pp_net *n, bool need4, bool need6,
    const char *tool)
{
	if ((need4 && n->icmp4 < 0) || (need6 && n->icmp6 < 0))
		pp_errx(PP_EXIT_FAIL, "cannot open an ICMP socket: %s; run as "
		    "root, give the binary the capability ('setcap "
		    "cap_net_raw+ep %s'), allow ICMP datagram sockets "
		    "('sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"'), "
		    "or probe with --udp or --tcp", strerror(need4 &&
		    n->icmp4 < 0 ? n->err4 : n->err6), tool);
}

void
pp_probecli_addr_text(const struct sockaddr *sa, char *buf, size_t size)
{
	socklen_t len = sa->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);

	if (getnameinfo(sa, len, buf, (socklen_t)size, NULL, 0,
	    NI_NUMERICHOST) != 0 && size > 0)
		buf[0] = '\0';
}

static double
mono_s(void)
{
	return (double)pp_mono_ns() / 1e9;
}

void
pp_probecli_open_output(struct pp_probecli *c)
{
	if (c->outfile == NULL)
		return;
	if (pp_archive_open(&c->ar, c->outfile, &c->ao) == -1)
		pp_errx(errno == EINVAL ? PP_EXIT_USAGE : PP_EXIT_FAIL, "%s",
		    c->ar.err.msg);
	c->ar_open = true;
}

static void
archive_failed(struct pp_probecli *c)
{
	if (!c->ar_failed)
		pp_warnx("%s; probing goes on%s", c->ar.err.msg,
		    c->ar.incomplete ? ", the archive is incomplete" : "");
	c->ar_failed = true;
}

/* A write to stdout failed: its reader went away (EPIPE), or an error. */
static void
stdout_failed(struct pp_probecli *c)
{
	if (errno == EPIPE) {
		c->reader_gone = true;
	} else if (!c->io_error) {
		c->io_error = true;
		c->io_errno = errno;
	}
}

void
pp_probecli_flush(struct pp_probecli *c)
{
	if (!c->reader_gone && !c->io_error && fflush(stdout) == EOF)
		stdout_failed(c);
}

void
pp_probecli_emit(struct pp_probecli *c, struct pp_jw *w, bool head)
{
	if (!c->quiet && !c->reader_gone && !c->io_error &&
	    pp_jw_write(w, stdout) == -1)
		stdout_failed(c);
	if (!c->ar_open || w->oom)
		return;
	int rc = head ? pp_archive_head(&c->ar, w->buf, w->len, mono_s()) :
	    pp_archive_write(&c->ar, w->buf, w->len, mono_s());
	if (rc == -1)
		archive_failed(c);
}

void
pp_probecli_tick(struct pp_probecli *c, bool force)
{
	if (!c->ar_open)
		return;
	if ((force ? pp_archive_flush(&c->ar, mono_s()) :
	    pp_archive_tick(&c->ar, mono_s())) == -1)
		archive_failed(c);
}

bool
pp_probecli_close_output(struct pp_probecli *c)
{
	if (c->ar_open) {
		if (pp_archive_close(&c->ar) == -1 && !c->ar_failed)
			pp_warnx("%s", c->ar.err.msg);
		c->ar_failed = c->ar_failed || c->ar.err.msg[0] != '\0';
		if (c->ar.lost > 0)
			pp_warnx("the archive '%s' lacks %llu record%s",
			    c->outfile, c->ar.lost, pp_plural(c->ar.lost, "",
			    "s"));
		c->ar_open = false;
	}
	if (c->io_error)
		pp_warnx("write error: %s", strerror(c->io_errno));
	/* A reader that went away is no write error: what stdout still
	 * holds goes nowhere, quietly (pp_close_stdout takes EPIPE). */
	if (c->reader_gone && !c->io_error)
		clearerr(stdout);
	return !c->io_error && !c->ar_failed;
}

bool
pp_probecli_wants_mark(const struct pp_probecli_start *s, int argc,
    char *const *argv)
{
	size_t nl = s->mark_long != NULL ? strlen(s->mark_long) : 0;

	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		if (w[0] != '-' || w[1] == '\0')
			continue;
		if (w[1] == '-') {
			/* getopt_long takes a long option's unique
			 * prefix; an ambiguous one is refused later. */
			size_t n = strcspn(w, "=");
			if (n > 2 && n <= nl && strncmp(w, s->mark_long, n) ==
			    0)
				return true;
			continue;
		}
		/* A group of short options: up to the mark's letter, or to
		 * one that takes an argument (the rest of the word is it). */
		for (const char *c = w + 1; *c != '\0'; c++) {
			if (*c == s->mark)
				return true;
			const char *o = *c != ':' ? strchr(s->shortopts, *c) :
			    NULL;
			if (o == NULL || o[1] == ':')
				break;
		}
	}
	return false;
}

void
pp_probecli_start(const struct pp_probecli_start *s, struct pp_net *n,
    int argc, char *const *argv)
{
	signal(SIGINT, s->on_signal);
	signal(SIGTERM, s->on_signal);
	signal(SIGHUP, s->on_signal);
	/* Sockets first, then no privilege at all, then the options. */
	bool want_mark = pp_probecli_wants_mark(s, argc, argv);
	pp_net_open_privileged(n, 0);
	if ((s->flags & PP_PROBECLI_RAW_TCP) != 0)
		pp_net_open_raw_tcp(n);
	if ((s->flags & PP_PROBECLI_RAW_UDP) != 0)
		pp_net_open_raw_udp(n);
	/* Real-time scheduling where it is allowed (root, 'chrt -f 1' or
	 * 'ulimit -r 1'; not with PP_REALTIME=0), so that busy neighbours
	 * never delay a send; else the normal scheduler, silently.  The one
	 * thing besides the sockets done with privilege: the policy stays
	 * when the privileges go. */
	const char *rt = getenv("PP_REALTIME");
	if ((s->flags & PP_PROBECLI_REALTIME) != 0 && (rt == NULL ||
	    strcmp(rt, "0") != 0))
		(void)pp_pace_realtime();
	if (pp_net_drop_privileges(want_mark) == -1)
		pp_errx(PP_EXIT_FAIL, "cannot drop privileges: %s",
		    strerror(errno));
}

void
pp_probecli_release(struct pp_probecli *c)
{
	for (int i = 0; i < c->nnames; i++)
		free(c->names[i]);
	free(c->names);
	c->names = NULL;
	c->nnames = 0;
}
