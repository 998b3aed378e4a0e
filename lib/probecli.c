/* probecli.c: the probers' shared command line (see probecli.h). */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cli.h"
#include "lib/exit.h"
#include "lib/jsonw.h"
#include "lib/probecli.h"
#include "lib/util.h"

void
pp_probecli_init(struct pp_probecli *c)
{
	memset(c, 0, sizeof(*c));
	c->eo.proto = PP_ICMP;
	c->eo.tos = -1;
	c->eo.timeout = 2;
	c->eo.max_inflight = 60000;
	c->ao.keep = 5;
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

bool
pp_probecli_option(struct pp_probecli *c, int ch, const char *arg)
{
	const char *errstr = NULL;

	switch (ch) {
	case '4':
		c->family = 4;
		break;
	case '6':
		c->family = 6;
		break;
	case 'I':
		c->eo.iface = arg;
		break;
	case 'm':
		c->eo.mark = (unsigned)pp_strtonum(arg, 0, 4294967295LL,
		    &errstr);
		if (errstr != NULL)
			pp_errx(PP_EXIT_USAGE, "-m: mark must be 0 to "
			    "4294967295: %s", arg);
		break;
	case 'o':
		c->outfile = arg;
		break;
	case 'p':
		c->eo.port = pp_probecli_int("-p", "port", arg, 1, 65535);
		c->port_set = true;
		break;
	case 'Q':
		c->eo.tos = pp_probecli_int("-Q", "tos", arg, 0, 255);
		break;
	case 'S':
		c->source = arg;
		break;
	case 's':
		c->eo.size = pp_probecli_int("-s", "size", arg, 24, 65000);
		break;
	case 'W':
		if (pp_parse_duration(arg, &c->eo.timeout, &errstr) == -1 ||
		    c->eo.timeout < 0.001 || c->eo.timeout > 3600)
			pp_errx(PP_EXIT_USAGE, "-W: timeout must be 1ms to 1h: "
			    "%s", arg);
		break;
	case PP_OPT_ICMP:
		c->eo.proto = PP_ICMP;
		break;
	case PP_OPT_KEEP:
		c->ao.keep = pp_probecli_int("--keep", "count", arg, 0, 1000);
		c->keep_set = true;
		break;
	case PP_OPT_ROTATE:
		if (pp_parse_size(arg, &c->ao.rotate, &errstr) == -1 ||
		    c->ao.rotate < 4096 || c->ao.rotate > (1ULL << 40))
			pp_errx(PP_EXIT_USAGE, "--rotate: size must be 4k to "
			    "1024G: %s", arg);
		break;
	case PP_OPT_PATTERN:
		c->eo.fill = (unsigned char)pp_probecli_int("--pattern", "byte", arg, 0,
		    255);
		break;
	case PP_OPT_TCP:
		c->eo.proto = PP_TCP;
		break;
	case PP_OPT_UDP:
		c->eo.proto = PP_UDP;
		break;
	default:
		return false;
	}
	return true;
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
pp_probecli_targets(struct pp_probecli *c, const char *file, int argc,
    char **argv, int max)
{
	if (file != NULL) {
		FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
		char *line = NULL;
		size_t cap = 0;
		if (f == NULL)
			pp_errx(PP_EXIT_USAGE, "-f: cannot open '%s': %s", file,
			    strerror(errno));
		while (getline(&line, &cap, f) != -1) {
			char *p = line + strspn(line, " \t");
			p[strcspn(p, "#\r\n")] = '\0';
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
			pp_errx(PP_EXIT_USAGE, "-f: cannot read '%s'", file);
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
	if (c->eo.proto != PP_ICMP && !c->port_set)
		c->eo.port = c->eo.proto == PP_TCP ? 80 : 33434;
	if (c->source != NULL) {
		const char *why = NULL;
		socklen_t len = 0;
		if (pp_probecli_resolve(c->source, c->family, &c->src, &len,
		    &why) == -1)
			pp_errx(PP_EXIT_USAGE, "-S: %s: %s", c->source, why);
		c->eo.source = (struct sockaddr *)&c->src;
		c->eo.source_len = len;
	}
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
	if (!c->reader_gone && !c->io_error &&
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
			pp_warnx("the archive '%s' lacks %llu records",
			    c->outfile, c->ar.lost);
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

void
pp_probecli_release(struct pp_probecli *c)
{
	for (int i = 0; i < c->nnames; i++)
		free(c->names[i]);
	free(c->names);
	c->names = NULL;
	c->nnames = 0;
}
