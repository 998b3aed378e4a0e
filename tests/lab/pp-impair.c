/* SPDX-License-Identifier: BSD-2-Clause */
/* pp-impair: the lab's link impairment (the kernel here has no netem).
 * One process joins two network namespaces with a TUN device in each and
 * forwards IP packets between them, with, per direction, a one-way delay,
 * jitter, random or bursty loss, reordering, the link down or up or cut
 * for a set time, and the habits of internet routers in the ICMP errors
 * the node at the sending end makes (quotes cut to 8 bytes, MPLS labels).
 *
 * usage: pp-impair -a NETNS:DEV -b NETNS:DEV -c CONTROL-FILE [-s seed]
 *                  [-l DROP-LOG]
 *
 * The control file holds the settings, re-read on SIGHUP: one line of
 * comma-separated items, each for both directions or, prefixed "fwd."
 * (a to b) or "rev." (b to a), for one:
 *   delay=20ms  jitter=2ms  loss=1%  burst=4  reorder=5%  down  up
 *   cut=2s[@T]  quote=8  mpls=L1/L2/...  mpls-nolen=L1/L2/...
 * Jitter is uniform in [-jitter, +jitter] around the delay, and never
 * reorders: a packet leaves no earlier than the one before it.  Loss with
 * burst=N follows a two-state Gilbert model with mean loss run N and the
 * same long-run loss; without, each packet is lost independently.  A
 * reordered packet takes half the delay, overtaking those queued.
 *
 * cut=DUR@T: every packet that enters the link from T (CLOCK_REALTIME,
 * seconds since the epoch, e.g. 1712345678.25) for DUR is lost (those
 * already on the link still arrive); without @T, or with a T already
 * past, from the moment the file is read.  A cut is kept across reloads
 * until another replaces it (the same absolute item again changes
 * nothing), and is reported on stdout as "cut DIR FROM TO" (realtime).
 *
 * ICMP errors made by the node at the sending end of a direction itself
 * (TTL or hop limit still 64, the kernel's default: errors relayed from
 * further away have less) can be rewritten, lengths and checksums fixed:
 *   quote=N      the quoted datagram is cut to its IP header and N bytes
 *                (RFC 792's 8: the ports or the ICMP id and sequence);
 *   mpls=LABELS  time-exceeded messages get an RFC 4950 MPLS label stack
 *                (LABELS top first, "/" between, 0 to 1048575, each entry
 *                TC 0, TTL 1, S on the last) in an RFC 4884 extension: the
 *                quoted datagram zero-padded or cut to 128 bytes, its
 *                length in the header (byte 5 of ICMPv4, in 32-bit words;
 *                byte 4 of ICMPv6, in 64-bit words);
 *   mpls-nolen=LABELS  the same without the length (0), as routers from
 *                before RFC 4884 do: a reader finds the extension at 128.
 *
 * Counters (per direction: passed, lost to loss, down, cut, the queue
 * full, quotes cut, label stacks added) go to stdout as one "counters"
 * line on SIGUSR1 and at exit.  -l FILE logs every packet dropped, one
 * line each: realtime, direction (fwd, rev), reason (loss, down, cut,
 * full), source, destination, IP protocol (next header), TTL (hop limit)
 * as the packet entered the link, and the ICMP type or "-".
 * SIGTERM or SIGINT end it (the TUN devices go with it).
 *
 * Packets leave on time: the wait blocks until a margin before a packet's
 * time, learnt from the lateness of earlier wake-ups, and spins for the
 * rest (lib/pace.h, at most a fifth of a core); lab.sh runs it at
 * real-time priority where it may.  Its own cost, measured here (2 vCPUs,
 * ping -c 300 -i 0.01 through one router): a link with no delay has a mean
 * round trip of 0.15 ms against 0.045 ms for a plain veth pair, so about
 * 50 us each way for the two TUN hops; with delay=5ms the mean is
 * 10.12 ms; it takes about 3 % of a core at 100 packets a second. */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "lib/pace.h"
#include "lib/pkt.h"

#define MTU 65536
#define ROOM 256		/* bytes a rewrite may add to a packet */
#define QUEUE 8192		/* packets held per direction */
#define MPLS_MAX 8		/* labels in a stack */
#define OWN_TTL 64		/* the TTL of a node's own packets */

struct dir {
	const char *name;	/* "fwd" or "rev" */
	double delay;		/* s */
	double jitter;		/* s */
	double loss;		/* 0..1 */
	double burst;		/* mean loss run, 0 or 1: independent */
	double reorder;		/* 0..1 */
	bool down;
	int quote;		/* > 0: own errors quote this much past the IP header */
	int nmpls;		/* > 0: own time-exceeded get these labels */
	uint32_t mpls[MPLS_MAX];
	bool mpls_len;		/* with the RFC 4884 length */
	double cut_from, cut_to;	/* s, monotonic: a cut, kept over reloads */
	bool bad;		/* Gilbert state */
	double last_departure;	/* s, monotonic */
	/* A heap of packets by departure time. */
	struct pkt {
		double due;
		unsigned long long order;
		size_t len;
		unsigned char *data;
	} *heap;
	size_t n;
	unsigned long long order;
	unsigned long long passed, lost, downed, cut, full, quoted, labelled;
	int out;		/* the TUN fd packets leave by */
};

static volatile sig_atomic_t reload = 1;
static volatile sig_atomic_t report;
static volatile sig_atomic_t stop;
static uint64_t rng = 88172645463325252ULL;
static FILE *droplog;

static double
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static double
clock_s(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static void
on_hup(int sig)
{
	(void)sig;
	reload = 1;
}

static void
on_usr1(int sig)
{
	(void)sig;
	report = 1;
}

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static uint16_t
get16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* Open /dev/net/tun as dev inside netns (a name under /var/run/netns). */
static int
open_tun(const char *spec)
{
	char ns[256], path[512];
	const char *colon = strchr(spec, ':');
	struct ifreq ifr;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof(ns)) {
		fprintf(stderr, "pp-impair: NETNS:DEV expected: %s\n", spec);
		exit(2);
	}
	memcpy(ns, spec, (size_t)(colon - spec));
	ns[colon - spec] = '\0';
	snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int target = open(path, O_RDONLY | O_CLOEXEC);
	if (self == -1 || target == -1 || setns(target, CLONE_NEWNET) == -1) {
		fprintf(stderr, "pp-impair: cannot enter %s: %s\n", path,
		    strerror(errno));
		exit(1);
	}
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", colon + 1);
	if (fd == -1 || ioctl(fd, TUNSETIFF, &ifr) == -1) {
		fprintf(stderr, "pp-impair: cannot make TUN %s in %s: %s\n",
		    colon + 1, ns, strerror(errno));
		exit(1);
	}
	if (setns(self, CLONE_NEWNET) == -1) {
		fprintf(stderr, "pp-impair: cannot come back: %s\n",
		    strerror(errno));
		exit(1);
	}
	close(self);
	close(target);
	return fd;
}

static double
duration(const char *v)
{
	char *end = NULL;
	double x = strtod(v, &end);

	if (strcmp(end, "us") == 0)
		return x / 1e6;
	if (strcmp(end, "ms") == 0)
		return x / 1e3;
	if (strcmp(end, "s") == 0 || *end == '\0')
		return x;
	return NAN;
}

/* LABELS: "L1/L2/..." into d's stack; false when malformed. */
static bool
labels(struct dir *d, const char *v)
{
	d->nmpls = 0;
	while (*v != '\0') {
		char *end = NULL;
		unsigned long l = strtoul(v, &end, 10);
		if (end == v || l > 1048575 || d->nmpls == MPLS_MAX ||
		    (*end != '/' && *end != '\0'))
			return false;
		d->mpls[d->nmpls++] = (uint32_t)l;
		v = *end == '/' ? end + 1 : end;
	}
	return d->nmpls > 0;
}

/* cut=DUR[@T]: d's cut window. */
static bool
cut(struct dir *d, const char *v)
{
	char buf[64];
	const char *at = strchr(v, '@');
	size_t n = at != NULL ? (size_t)(at - v) : strlen(v);

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	double dur = duration(buf);
	double t = now(), from = t;
	if (at != NULL) {
		char *end = NULL;
		double real = strtod(at + 1, &end);
		if (end == at + 1 || *end != '\0')
			return false;
		from = real - clock_s(CLOCK_REALTIME) + t;
	}
	if (!(dur >= 0) || !isfinite(from))
		return false;
	double to = from + dur;
	if (to <= t)
		return true;	/* over already (an item read again) */
	if (from < t)
		from = t;	/* a start already past: from now */
	if (at != NULL && fabs(to - d->cut_to) < 1e-3)
		return true;	/* the same cut, read again */
	d->cut_from = from;
	d->cut_to = to;
	double off = clock_s(CLOCK_REALTIME) - now();
	printf("cut %s %.6f %.6f\n", d->name, from + off, to + off);
	fflush(stdout);
	return true;
}

static void
set(struct dir *d, const char *key, const char *val)
{
	bool ok = true;

	if (strcmp(key, "delay") == 0)
		d->delay = duration(val);
	else if (strcmp(key, "jitter") == 0)
		d->jitter = duration(val);
	else if (strcmp(key, "loss") == 0)
		d->loss = strtod(val, NULL) / 100.0;
	else if (strcmp(key, "burst") == 0)
		d->burst = strtod(val, NULL);
	else if (strcmp(key, "reorder") == 0)
		d->reorder = strtod(val, NULL) / 100.0;
	else if (strcmp(key, "down") == 0)
		d->down = true;
	else if (strcmp(key, "up") == 0)
		d->down = false;
	else if (strcmp(key, "cut") == 0)
		ok = cut(d, val);
	else if (strcmp(key, "quote") == 0)
		ok = (d->quote = atoi(val)) > 0;
	else if (strcmp(key, "mpls") == 0 || strcmp(key, "mpls-nolen") == 0) {
		ok = labels(d, val);
		d->mpls_len = strcmp(key, "mpls") == 0;
	} else {
		fprintf(stderr, "pp-impair: unknown setting '%s'\n", key);
		return;
	}
	if (!ok)
		fprintf(stderr, "pp-impair: bad value for %s: '%s'\n", key, val);
}

/* Read the control file: a fresh setting for both directions (a cut
 * stays until another replaces it). */
static void
configure(const char *path, struct dir *fwd, struct dir *rev)
{
	char line[4096] = "";
	FILE *f = fopen(path, "r");

	if (f != NULL) {
		if (fgets(line, sizeof(line), f) == NULL)
			line[0] = '\0';
		fclose(f);
	}
	struct dir *dirs[2] = { fwd, rev };
	for (int i = 0; i < 2; i++) {
		dirs[i]->delay = dirs[i]->jitter = dirs[i]->loss = 0;
		dirs[i]->burst = dirs[i]->reorder = 0;
		dirs[i]->down = false;
		dirs[i]->quote = dirs[i]->nmpls = 0;
	}
	line[strcspn(line, "\r\n")] = '\0';
	for (char *tok = strtok(line, ", "); tok != NULL;
	    tok = strtok(NULL, ", ")) {
		struct dir *only = NULL;
		if (strncmp(tok, "fwd.", 4) == 0) {
			only = fwd;
			tok += 4;
		} else if (strncmp(tok, "rev.", 4) == 0) {
			only = rev;
			tok += 4;
		}
		char *eq = strchr(tok, '=');
		const char *val = "";
		if (eq != NULL) {
			*eq = '\0';
			val = eq + 1;
		}
		if (only != NULL) {
			set(only, tok, val);
		} else {
			set(fwd, tok, val);
			set(rev, tok, val);
		}
	}
}

/* Why a packet entering d at t is lost, or NULL. */
static const char *
lost(struct dir *d, double t)
{
	if (d->down)
		return "down";
	if (t >= d->cut_from && t < d->cut_to)
		return "cut";
	if (d->loss <= 0)
		return NULL;
	if (d->burst <= 1)
		return rnd() < d->loss ? "loss" : NULL;
	/* Gilbert: bad -> good with 1/burst; good -> bad keeps the loss. */
	double q = 1.0 / d->burst;
	double p = d->loss * q / (1.0 - d->loss);
	if (d->bad)
		d->bad = rnd() >= q;
	else
		d->bad = rnd() < p;
	return d->bad ? "loss" : NULL;
}

/* One line of the drop log for packet p, which entered at t (monotonic,
 * s): the log says when the packet entered, the time the decision was
 * made on, not when the line was written (the two differ when this
 * process is held up). */
static void
log_drop(const struct dir *d, const char *why, const unsigned char *p,
    size_t len, double t)
{
	char src[INET6_ADDRSTRLEN] = "-", dst[INET6_ADDRSTRLEN] = "-";
	char type[8] = "-";
	int proto = -1, ttl = -1;

	if (droplog == NULL)
		return;
	if (len >= 20 && p[0] >> 4 == 4) {
		size_t ihl = (size_t)(p[0] & 15) * 4;
		inet_ntop(AF_INET, p + 12, src, sizeof(src));
		inet_ntop(AF_INET, p + 16, dst, sizeof(dst));
		proto = p[9];
		ttl = p[8];
		if (proto == 1 && len > ihl)
			snprintf(type, sizeof(type), "%d", p[ihl]);
	} else if (len >= 40 && p[0] >> 4 == 6) {
		inet_ntop(AF_INET6, p + 8, src, sizeof(src));
		inet_ntop(AF_INET6, p + 24, dst, sizeof(dst));
		proto = p[6];
		ttl = p[7];
		if (proto == 58 && len > 40)
			snprintf(type, sizeof(type), "%d", p[40]);
	}
	fprintf(droplog, "%.6f %s %s %s %s %d %d %s\n",
	    t + clock_s(CLOCK_REALTIME) - now(), d->name, why, src, dst, proto, ttl, type);
}

/* The offset of the ICMP header of an ICMP error the sending node made
 * itself (see OWN_TTL), or 0; *v6 its family. */
static size_t
own_error(const unsigned char *p, size_t len, bool *v6)
{
	if (len >= 20 && p[0] >> 4 == 4) {
		size_t ihl = (size_t)(p[0] & 15) * 4;
		if (ihl < 20 || get16(p + 2) != len || len < ihl + 8 + 20 ||
		    p[9] != 1 || p[8] != OWN_TTL || (get16(p + 6) & 0x3fff) != 0)
			return 0;
		int t = p[ihl];
		if (t != 3 && t != 11 && t != 12)
			return 0;
		*v6 = false;
		return ihl;
	}
	if (len >= 40 + 8 + 40 && p[0] >> 4 == 6) {
		if ((size_t)get16(p + 4) + 40 != len || p[6] != 58 ||
		    p[7] != OWN_TTL || p[40] < 1 || p[40] > 4)
			return 0;
		*v6 = true;
		return 40;
	}
	return 0;
}

/* New length len of the packet whose ICMP message starts at off: the
 * IP length and the checksums. */
static void
finish(unsigned char *p, size_t len, size_t off, bool v6)
{
	size_t ilen = len - off;

	p[off + 2] = p[off + 3] = 0;
	if (v6) {
		/* The pseudo-header and the message, for one checksum. */
		unsigned char *c = malloc(40 + ilen);
		if (c == NULL)
			return;
		put16(p + 4, (unsigned)ilen);
		memcpy(c, p + 8, 32);
		memset(c + 32, 0, 8);
		put16(c + 34, (unsigned)ilen);
		c[39] = 58;
		memcpy(c + 40, p + off, ilen);
		put16(p + off + 2, pp_pkt_cksum(c, 40 + ilen));
		free(c);
		return;
	}
	put16(p + 2, (unsigned)len);
	p[10] = p[11] = 0;
	put16(p + 10, pp_pkt_cksum(p, off));
	put16(p + off + 2, pp_pkt_cksum(p + off, ilen));
}

/* quote=N: the quoted datagram cut to its IP header and N bytes. */
static bool
cut_quote(const struct dir *d, unsigned char *p, size_t *len, size_t off,
    bool v6)
{
	size_t q = off + 8;
	size_t qh = v6 ? 40 : (size_t)(p[q] & 15) * 4;

	if (qh < 20 || *len <= q + qh + (size_t)d->quote)
		return false;
	*len = q + qh + (size_t)d->quote;
	finish(p, *len, off, v6);
	return true;
}

/* mpls=...: an RFC 4884 extension with an RFC 4950 label stack after the
 * quoted datagram, padded or cut to 128 bytes. */
static bool
add_labels(const struct dir *d, unsigned char *p, size_t *len, size_t off,
    bool v6)
{
	size_t q = off + 8, have = *len - q;
	size_t elen = 8 + 4 * (size_t)d->nmpls;

	if (p[off] != (v6 ? 3 : 11))
		return false;	/* time-exceeded only */
	if (have > 128)
		have = 128;
	memset(p + q + have, 0, 128 - have);
	unsigned char *e = p + q + 128;
	memset(e, 0, elen);
	e[0] = 2 << 4;		/* version 2 */
	put16(e + 4, 4 + 4 * (unsigned)d->nmpls);
	e[6] = 1;		/* class: MPLS label stack */
	e[7] = 1;		/* c-type: incoming stack */
	for (int i = 0; i < d->nmpls; i++) {
		uint32_t v = d->mpls[i] << 12 | (i == d->nmpls - 1 ? 1u << 8 : 0) | 1;
		unsigned char *x = e + 8 + 4 * i;
		x[0] = (unsigned char)(v >> 24);
		x[1] = (unsigned char)(v >> 16);
		x[2] = (unsigned char)(v >> 8);
		x[3] = (unsigned char)v;
	}
	put16(e + 2, pp_pkt_cksum(e, elen));
	p[off + 4] = p[off + 5] = 0;
	if (d->mpls_len)
		p[off + (v6 ? 4 : 5)] = v6 ? 128 / 8 : 128 / 4;
	*len = q + 128 + elen;
	finish(p, *len, off, v6);
	return true;
}

/* The node's own ICMP errors as the settings of d say. */
static void
rewrite(struct dir *d, unsigned char *p, size_t *len)
{
	bool v6 = false;
	size_t off;

	if ((d->quote == 0 && d->nmpls == 0) ||
	    (off = own_error(p, *len, &v6)) == 0)
		return;
	if (d->quote > 0 && cut_quote(d, p, len, off, v6))
		d->quoted++;
	if (d->nmpls > 0 && add_labels(d, p, len, off, v6))
		d->labelled++;
}

static bool
before(const struct pkt *a, const struct pkt *b)
{
	return a->due < b->due || (a->due == b->due && a->order < b->order);
}

static void
push(struct dir *d, double due, const unsigned char *data, size_t len)
{
	if (d->n == QUEUE) {
		d->full++;
		log_drop(d, "full", data, len, now());
		return;
	}
	struct pkt p = { .due = due, .order = d->order++, .len = len };
	p.data = malloc(len);
	if (p.data == NULL)
		return;
	memcpy(p.data, data, len);
	size_t i = d->n++;
	while (i > 0 && before(&p, &d->heap[(i - 1) / 2])) {
		d->heap[i] = d->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	d->heap[i] = p;
}

static void
pop(struct dir *d)
{
	struct pkt last = d->heap[--d->n];
	size_t i = 0;

	for (;;) {
		size_t l = 2 * i + 1;
		if (l >= d->n)
			break;
		size_t m = l;
		if (l + 1 < d->n && before(&d->heap[l + 1], &d->heap[l]))
			m = l + 1;
		if (!before(&d->heap[m], &last))
			break;
		d->heap[i] = d->heap[m];
		i = m;
	}
	if (d->n > 0)
		d->heap[i] = last;
}

/* A packet arrived for direction d (data has ROOM bytes to spare). */
static void
arrive(struct dir *d, unsigned char *data, size_t len, double t)
{
	const char *why = lost(d, t);
	if (why != NULL) {
		if (why[0] == 'd')
			d->downed++;
		else if (why[0] == 'c')
			d->cut++;
		else
			d->lost++;
		log_drop(d, why, data, len, t);
		return;
	}
	rewrite(d, data, &len);
	double delay = d->delay;
	if (d->jitter > 0)
		delay += (2 * rnd() - 1) * d->jitter;
	if (delay < 0)
		delay = 0;
	double due;
	if (d->reorder > 0 && rnd() < d->reorder) {
		due = t + d->delay / 2;		/* overtakes */
	} else {
		due = t + delay;
		if (due < d->last_departure)
			due = d->last_departure;	/* no reordering */
		d->last_departure = due;
	}
	if (due <= t && d->n == 0) {
		if (write(d->out, data, len) == (ssize_t)len)
			d->passed++;
		return;
	}
	push(d, due, data, len);
}

static void
depart(struct dir *d, double t)
{
	while (d->n > 0 && d->heap[0].due <= t) {
		struct pkt p = d->heap[0];
		pop(d);
		if (write(d->out, p.data, p.len) == (ssize_t)p.len)
			d->passed++;
		free(p.data);
	}
}

static void
counters(const struct dir *fwd, const struct dir *rev)
{
	const struct dir *dirs[2] = { fwd, rev };

	printf("counters");
	for (int i = 0; i < 2; i++) {
		const struct dir *d = dirs[i];
		printf(" %s passed=%llu lost=%llu down=%llu cut=%llu full=%llu "
		    "quoted=%llu mpls=%llu", d->name, d->passed, d->lost,
		    d->downed, d->cut, d->full, d->quoted, d->labelled);
	}
	printf("\n");
	fflush(stdout);
	if (droplog != NULL)
		fflush(droplog);
}

static void
usage(void)
{
	fprintf(stderr, "usage: pp-impair -a NETNS:DEV -b NETNS:DEV "
	    "-c CONTROL-FILE [-s seed] [-l DROP-LOG]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *a = NULL, *b = NULL, *control = NULL, *logpath = NULL;
	struct dir fwd, rev;
	unsigned char *buf = malloc(MTU + ROOM);
	int ch;

	while ((ch = getopt(argc, argv, "a:b:c:l:s:")) != -1) {
		switch (ch) {
		case 'a': a = optarg; break;
		case 'b': b = optarg; break;
		case 'c': control = optarg; break;
		case 'l': logpath = optarg; break;
		case 's': rng = strtoull(optarg, NULL, 10) * 2654435761ULL + 1;
			break;
		default:
			usage();
		}
	}
	if (a == NULL || b == NULL || control == NULL || buf == NULL)
		usage();
	if (logpath != NULL) {
		droplog = fopen(logpath, "a");
		if (droplog == NULL) {
			fprintf(stderr, "pp-impair: cannot open %s: %s\n",
			    logpath, strerror(errno));
			return 1;
		}
		setvbuf(droplog, NULL, _IOLBF, 0);
	}
	memset(&fwd, 0, sizeof(fwd));
	memset(&rev, 0, sizeof(rev));
	fwd.name = "fwd";
	rev.name = "rev";
	fwd.heap = calloc(QUEUE, sizeof(*fwd.heap));
	rev.heap = calloc(QUEUE, sizeof(*rev.heap));
	/* Wake at the due time, not up to 50 us later (the default slack). */
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	int fa = open_tun(a);
	int fb = open_tun(b);
	fwd.out = fb;		/* a -> b */
	rev.out = fa;
	signal(SIGHUP, on_hup);
	signal(SIGUSR1, on_usr1);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	/* A packet leaves on time, not when the VM gets round to waking us:
	 * block until a learnt margin before its time, then spin (at most a
	 * fifth of a core). */
	struct pp_pace pace;
	pp_pace_init(&pace, 0.2, 2000000);
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		if (reload) {
			reload = 0;
			configure(control, &fwd, &rev);
		}
		if (report) {
			report = 0;
			counters(&fwd, &rev);
		}
		double t = now();
		depart(&fwd, t);
		depart(&rev, t);
		double next = INFINITY;
		if (fwd.n > 0)
			next = fwd.heap[0].due;
		if (rev.n > 0 && rev.heap[0].due < next)
			next = rev.heap[0].due;
		struct pollfd pfd[2] = { { fa, POLLIN, 0 }, { fb, POLLIN, 0 } };
		struct timespec ts, *tsp = NULL;
		long long due_ns = 0, stop_ns = 0;
		if (isfinite(next)) {
			due_ns = (long long)(next * 1e9);
			stop_ns = pp_pace_wake(&pace, due_ns);
			double w = (double)stop_ns / 1e9 - now();
			if (w < 0)
				w = 0;
			ts.tv_sec = (time_t)w;
			ts.tv_nsec = (long)((w - (double)ts.tv_sec) * 1e9);
			tsp = &ts;
		}
		int rc = ppoll(pfd, 2, tsp, NULL);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc == 0 && tsp != NULL) {
			long long woke = (long long)(now() * 1e9);
			if (ts.tv_sec > 0 || ts.tv_nsec > 0)
				pp_pace_note(&pace, stop_ns, woke);
			(void)pp_pace_spin(&pace, due_ns);
		}
		for (int i = 0; i < 2 && rc > 0; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			for (int k = 0; k < 64; k++) {
				ssize_t n = read(pfd[i].fd, buf, MTU);
				if (n <= 0)
					break;
				arrive(i == 0 ? &fwd : &rev, buf, (size_t)n,
				    now());
			}
		}
	}
	counters(&fwd, &rev);
	fprintf(stderr, "pp-impair: fwd %llu passed %llu dropped, rev %llu "
	    "passed %llu dropped\n", fwd.passed, fwd.lost + fwd.downed +
	    fwd.cut + fwd.full, rev.passed, rev.lost + rev.downed + rev.cut +
	    rev.full);
	return 0;
}
