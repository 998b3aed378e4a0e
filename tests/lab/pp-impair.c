/* pp-impair: the lab's link impairment (the kernel here has no netem).
 * One process joins two network namespaces with a TUN device in each and
 * forwards IP packets between them, with, per direction, a one-way delay,
 * jitter, random or bursty loss, reordering, and the link down or up.
 *
 * usage: pp-impair -a NETNS:DEV -b NETNS:DEV -c CONTROL-FILE [-s seed]
 *
 * The control file holds the settings, re-read on SIGHUP: one line of
 * comma-separated items, each for both directions or, prefixed "fwd."
 * (a to b) or "rev." (b to a), for one:
 *   delay=20ms  jitter=2ms  loss=1%  burst=4  reorder=5%  down  up
 * Jitter is uniform in [-jitter, +jitter] around the delay, and never
 * reorders: a packet leaves no earlier than the one before it.  Loss with
 * burst=N follows a two-state Gilbert model with mean loss run N and the
 * same long-run loss; without, each packet is lost independently.  A
 * reordered packet takes half the delay, overtaking those queued.
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

#define MTU 65536
#define QUEUE 8192		/* packets held per direction */

struct dir {
	double delay;		/* s */
	double jitter;		/* s */
	double loss;		/* 0..1 */
	double burst;		/* mean loss run, 0 or 1: independent */
	double reorder;		/* 0..1 */
	bool down;
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
	unsigned long long passed, dropped, queued_full;
	int out;		/* the TUN fd packets leave by */
};

static volatile sig_atomic_t reload = 1;
static volatile sig_atomic_t stop;
static uint64_t rng = 88172645463325252ULL;

static double
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
on_hup(int sig)
{
	(void)sig;
	reload = 1;
}

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
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

static void
set(struct dir *d, const char *key, const char *val)
{
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
	else
		fprintf(stderr, "pp-impair: unknown setting '%s'\n", key);
}

/* Read the control file: a fresh setting for both directions. */
static void
configure(const char *path, struct dir *fwd, struct dir *rev)
{
	char line[1024] = "";
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

static bool
lost(struct dir *d)
{
	if (d->down)
		return true;
	if (d->loss <= 0)
		return false;
	if (d->burst <= 1)
		return rnd() < d->loss;
	/* Gilbert: bad -> good with 1/burst; good -> bad keeps the loss. */
	double q = 1.0 / d->burst;
	double p = d->loss * q / (1.0 - d->loss);
	if (d->bad)
		d->bad = rnd() >= q;
	else
		d->bad = rnd() < p;
	return d->bad;
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
		d->queued_full++;
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

/* A packet arrived for direction d. */
static void
arrive(struct dir *d, const unsigned char *data, size_t len, double t)
{
	if (lost(d)) {
		d->dropped++;
		return;
	}
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

int
main(int argc, char **argv)
{
	const char *a = NULL, *b = NULL, *control = NULL;
	struct dir fwd, rev;
	unsigned char *buf = malloc(MTU);
	int ch;

	while ((ch = getopt(argc, argv, "a:b:c:s:")) != -1) {
		switch (ch) {
		case 'a': a = optarg; break;
		case 'b': b = optarg; break;
		case 'c': control = optarg; break;
		case 's': rng = strtoull(optarg, NULL, 10) * 2654435761ULL + 1;
			break;
		default:
			fprintf(stderr, "usage: pp-impair -a NETNS:DEV -b "
			    "NETNS:DEV -c CONTROL-FILE [-s seed]\n");
			return 2;
		}
	}
	if (a == NULL || b == NULL || control == NULL || buf == NULL) {
		fprintf(stderr, "usage: pp-impair -a NETNS:DEV -b NETNS:DEV "
		    "-c CONTROL-FILE [-s seed]\n");
		return 2;
	}
	memset(&fwd, 0, sizeof(fwd));
	memset(&rev, 0, sizeof(rev));
	fwd.heap = calloc(QUEUE, sizeof(*fwd.heap));
	rev.heap = calloc(QUEUE, sizeof(*rev.heap));
	/* Wake at the due time, not up to 50 us later (the default slack). */
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	int fa = open_tun(a);
	int fb = open_tun(b);
	fwd.out = fb;		/* a -> b */
	rev.out = fa;
	signal(SIGHUP, on_hup);
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
	fprintf(stderr, "pp-impair: fwd %llu passed %llu dropped, rev %llu "
	    "passed %llu dropped\n", fwd.passed, fwd.dropped, rev.passed,
	    rev.dropped);
	return 0;
}
