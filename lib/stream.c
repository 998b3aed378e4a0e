/* SPDX-License-Identifier: BSD-2-Clause */
/* stream.c: the filter input loop (see stream.h). */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/cli.h"
#include "lib/exit.h"
#include "lib/jscan.h"
#include "lib/stream.h"
#include "lib/util.h"

/* ------------------------------------------------------------ batches */

/* One line, or one other result of the reader, in a batch. */
struct entry {
	enum pp_read rd;	/* what pp_reader_next gave */
	const char *source;	/* the operand (borrowed from the reader) */
	unsigned long lineno;	/* its line number then */
	int operand;		/* the operand's index */
	size_t off;		/* PP_READ_OK: the line at text + off */
	size_t len;		/* its length */
	size_t doff;		/* its decoded copy at dec + doff */
	int prc;		/* PP_READ_OK: pp_record_parse's result */
	struct pp_error *err;	/* the message, when there is one (owned) */
};

enum { B_FREE, B_FILLING, B_PARSED };

struct batch {
	int state;		/* B_* */
	bool eof;		/* the reader's last batch */
	size_t n;		/* entries */
	struct entry e[PP_BATCH_LINES];	/* in input order */
	struct pp_record rec[PP_BATCH_LINES];	/* decoded lines (their
						 * json owned here) */
	char *text;		/* the lines, each followed by a NUL */
	size_t tlen;		/* bytes of text used */
	size_t tcap;		/* its size */
	char *dec;		/* the lines' decoded copies */
	size_t dcap;		/* its size */
};

struct pp_pipe {
	pthread_mutex_t mu;	/* guards the states, seqs and stop */
	pthread_cond_t cv;	/* any change of those */
	pthread_mutex_t rmu;	/* held while a thread fills a batch: the
				 * reader is read by one thread at a time,
				 * batches filled in sequence order */
	int nb;			/* batches in the ring */
	struct batch *b;	/* the ring: batch k at b[k % nb] */
	unsigned long rseq;	/* the next batch to fill */
	unsigned long cseq;	/* the batch the consumer is in */
	bool stop;		/* close: every thread ends */
	bool read_done;		/* the reader's last batch was filled */
	bool rd_eof;		/* the same, under rmu */
	int nworkers;		/* worker threads */
	pthread_t *workers;	/* the workers */
	struct pp_stream *s;	/* the stream (its s->rd read under rmu) */
	size_t ci;		/* the consumer's next entry in its batch */
	bool in_batch;		/* the consumer holds batch cseq */
};

/* Forget a consumed batch's records and messages. */
static void
batch_clear(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->e[i].err);
		b->e[i].err = NULL;
		if (b->e[i].rd == PP_READ_OK) {
			json_decref(b->rec[i].json);
			b->rec[i].json = NULL;
		}
	}
	b->n = 0;
	b->tlen = 0;
	b->eof = false;
}

/* Append a copy of a message to entry x; false when out of memory. */
static bool
keep_err(struct entry *x, const struct pp_error *e)
{
	x->err = malloc(sizeof(*x->err));
	if (x->err == NULL)
		return false;
	*x->err = *e;
	return true;
}

/* Fill b from the reader.  Out of memory, b ends there as the last
 * batch, with an I/O error entry saying so. */
static void
batch_fill(struct pp_pipe *pp, struct batch *b)
{
	struct pp_reader *rd = &pp->s->rd;
	struct pp_error e;

	while (b->n < PP_BATCH_LINES && b->tlen < PP_BATCH_BYTES) {
		struct entry *x = &b->e[b->n];
		pp_error_clear(&e);
		x->rd = pp_reader_next(rd, &e);
		x->source = rd->source;
		x->lineno = rd->lineno;
		x->operand = rd->next - 1;
		x->err = NULL;
		x->prc = 0;
		if (x->rd == PP_READ_EOF) {
			b->n++;
			b->eof = true;
			return;
		}
		if (x->rd != PP_READ_OK) {
			if (!keep_err(x, &e))
				goto oom;
			b->n++;
			continue;
		}
		if (b->tcap - b->tlen < rd->len + 1) {
			size_t ncap = b->tcap * 2 + rd->len + 1;
			char *nt = realloc(b->text, ncap);
			if (nt == NULL)
				goto oom;
			b->text = nt;
			b->tcap = ncap;
		}
		memcpy(b->text + b->tlen, rd->line, rd->len);
		b->text[b->tlen + rd->len] = '\0';
		x->off = b->tlen;
		x->len = rd->len;
		b->tlen += rd->len + 1;
		b->n++;
	}
	return;
oom:
	/* The batch ends with the error (the entry being filled), and the
	 * stream with it. */
	b->e[b->n].rd = PP_READ_IOERR;
	b->e[b->n].err = NULL;
	b->n++;
	b->eof = true;
}

/* Decode every line of b with rec (the worker's). */
static void
batch_parse(struct batch *b, struct pp_record *rec)
{
	struct pp_error e;
	size_t need = 0;
	char last[64];		/* the last target hashed, */
	size_t last_len = SIZE_MAX;	/* its length (SIZE_MAX: none) */
	uint64_t last_hash = 0;	/* and its hash */

	for (size_t i = 0; i < b->n; i++)
		if (b->e[i].rd == PP_READ_OK)
			need += b->e[i].len + PP_JSCAN_PAD;
	if (b->dcap < need) {
		char *nd = realloc(b->dec, need);
		if (nd != NULL) {
			b->dec = nd;
			b->dcap = need;
		}
	}
	size_t doff = 0;
	for (size_t i = 0; i < b->n; i++) {
		struct entry *x = &b->e[i];
		if (x->rd != PP_READ_OK)
			continue;
		pp_error_clear(&e);
		if (b->dcap < need) {
			x->prc = -1;
			pp_error_set(&e, "out of memory decoding the line");
		} else {
			x->prc = pp_record_parse(rec, b->text + x->off, x->len,
			    &e);
			/* The consumer's name table needs the target's
			 * hash when the target changes (lib/intern.h
			 * pp_intern_hashed): worked out here, off its
			 * thread, once for a run of lines of one target
			 * (compared with a copy of the last, in this CPU's
			 * cache); the responder's it looks up itself,
			 * rarely (its key's last responder is compared
			 * first). */
			if (x->prc == 0 && rec->type == PP_REC_PROBE) {
				const char *t = rec->probe.target;
				size_t tl = strlen(t);
				if (tl != last_len ||
				    memcmp(t, last, tl) != 0) {
					last_hash = pp_hash_str(t);
					last_len = tl < sizeof(last) ? tl :
					    SIZE_MAX;
					if (last_len == tl)
						memcpy(last, t, tl);
				}
				rec->probe.target_hash = last_hash;
			}
			if (x->prc == 0)
				pp_record_keep(rec, b->dec + doff);
			doff += x->len + PP_JSCAN_PAD;
		}
		b->rec[i] = *rec;
		rec->json = NULL;	/* the batch's now */
		b->rec[i].scan = NULL;
		b->rec[i].strs = NULL;
		b->rec[i].strs_cap = 0;
		if (x->prc != 0 && !keep_err(x, &e))
			x->err = NULL;
	}
}

/* Take the next batch to fill, fill it from the reader and decode it
 * with rec, all on the calling thread (the lines are decoded where they
 * were just copied, in that CPU's cache).  Called with pp->mu held and
 * the batch pp->rseq free; returns with pp->mu held.  The reader is read
 * by one thread at a time, in sequence order: rmu is taken before mu is
 * let go, so batches are filled in the order they were taken. */
static void
fill_and_parse(struct pp_pipe *pp, struct pp_record *rec)
{
	struct batch *b = &pp->b[pp->rseq % (unsigned long)pp->nb];

	b->state = B_FILLING;
	pp->rseq++;
	pthread_mutex_lock(&pp->rmu);
	pthread_mutex_unlock(&pp->mu);
	if (pp->rd_eof) {
		/* Taken as the reader ended: an empty last batch, never
		 * reached (the consumer ends at the first). */
		b->n = 0;
		b->eof = true;
	} else {
		batch_fill(pp, b);
		pp->rd_eof = b->eof;
	}
	pthread_mutex_unlock(&pp->rmu);
	batch_parse(b, rec);
	pthread_mutex_lock(&pp->mu);
	if (b->eof)
		pp->read_done = true;
	b->state = B_PARSED;
	pthread_cond_broadcast(&pp->cv);
}

/* Whether the next batch may be taken for filling now (pp->mu held): it
 * is free and the reader has more.  A thread still reading the batch
 * before it is waited for on rmu (a batch's copy; that thread takes mu
 * again only after letting rmu go). */
static bool
can_fill(struct pp_pipe *pp)
{
	struct batch *b = &pp->b[pp->rseq % (unsigned long)pp->nb];

	return !pp->stop && !pp->read_done && b->state == B_FREE;
}

static void *
worker_main(void *arg)
{
	struct pp_pipe *pp = arg;
	struct pp_record rec;

	pp_record_init(&rec);
	pthread_mutex_lock(&pp->mu);
	for (;;) {
		while (!pp->stop && !pp->read_done && !can_fill(pp))
			pthread_cond_wait(&pp->cv, &pp->mu);
		if (pp->stop || pp->read_done)
			break;
		fill_and_parse(pp, &rec);
	}
	pthread_mutex_unlock(&pp->mu);
	pp_record_release(&rec);
	return NULL;
}

/* Worker threads for s, or 0 for none: one less than PP_THREADS, else
 * than the CPUs this process may run on (the consumer decodes too, and
 * the reader mostly waits for the disk or inflates); none when an operand
 * may block (not a regular file). */
static int
workers_wanted(const struct pp_stream *s)
{
	long n = 0;
	const char *env = getenv("PP_THREADS");

	if (env != NULL && *env != '\0') {
		char *end;
		errno = 0;
		n = strtol(env, &end, 10);
		if (errno != 0 || *end != '\0' || n < 1)
			n = 0;
		if (n > PP_STREAM_WORKERS + 1)
			n = PP_STREAM_WORKERS + 1;
		if (n == 1)
			return 0;
		n--;
	}
	if (n == 0) {
		/* The CPUs of the affinity mask (taskset), else those
		 * online. */
		unsigned long mask[16];
		int cpus = 0;
		long got = syscall(SYS_sched_getaffinity, 0, sizeof(mask),
		    mask);
		if (got > 0) {
			for (size_t i = 0; i < (size_t)got / sizeof(mask[0]);
			    i++)
				cpus += __builtin_popcountl(mask[i]);
		} else {
			cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
		}
		if (cpus < 2)
			return 0;
		n = cpus > PP_STREAM_WORKERS ? PP_STREAM_WORKERS : cpus - 1;
	}
	int ops = s->rd.npaths > 0 ? s->rd.npaths : 1;
	for (int i = 0; i < ops; i++) {
		const char *p = s->rd.npaths > 0 ? s->rd.paths[i] : "-";
		struct stat sb;
		int rc = strcmp(p, "-") == 0 ? fstat(0, &sb) : stat(p, &sb);
		if (rc == 0 && !S_ISREG(sb.st_mode))
			return 0;
		if (rc == -1 && strcmp(p, "-") == 0)
			return 0;
	}
	return (int)n;
}

/* Start the threads (s->pipe), or leave s without (no error: the stream
 * then reads without threads). */
static void
pipe_start(struct pp_stream *s, int nworkers)
{
	struct pp_pipe *pp = calloc(1, sizeof(*pp));

	if (pp == NULL)
		return;
	pp->s = s;
	pp->nb = 2 * nworkers + 2;
	pp->b = calloc((size_t)pp->nb, sizeof(*pp->b));
	pp->workers = calloc((size_t)nworkers, sizeof(*pp->workers));
	if (pp->b == NULL || pp->workers == NULL) {
		free(pp->b);
		free(pp->workers);
		free(pp);
		return;
	}
	pthread_mutex_init(&pp->mu, NULL);
	pthread_mutex_init(&pp->rmu, NULL);
	pthread_cond_init(&pp->cv, NULL);
	/* Regular files never block: nothing to flush or poll for while
	 * waiting, and the caller's callback is not run on a worker's
	 * thread (set before they start; put back if none does). */
	void (*would_block)(void *) = s->rd.opts.would_block;
	s->rd.opts.would_block = NULL;
	/* Without a worker the stream reads without threads, nothing read
	 * yet. */
	for (int i = 0; i < nworkers; i++) {
		if (pthread_create(&pp->workers[i], NULL, worker_main, pp) != 0)
			break;
		pp->nworkers++;
	}
	if (pp->nworkers == 0) {
		s->rd.opts.would_block = would_block;
		s->nworkers = 0;
		pthread_cond_destroy(&pp->cv);
		pthread_mutex_destroy(&pp->rmu);
		pthread_mutex_destroy(&pp->mu);
		free(pp->b);
		free(pp->workers);
		free(pp);
		return;
	}
	s->pipe = pp;
}

/* Stop and join the threads, free the batches. */
static void
pipe_free(struct pp_pipe *pp)
{
	pthread_mutex_lock(&pp->mu);
	pp->stop = true;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
	for (int i = 0; i < pp->nworkers; i++)
		pthread_join(pp->workers[i], NULL);
	for (int i = 0; i < pp->nb; i++) {
		struct batch *b = &pp->b[i];
		batch_clear(b);	/* in any state: json NULL or owned */
		free(b->text);
		free(b->dec);
	}
	pthread_cond_destroy(&pp->cv);
	pthread_mutex_destroy(&pp->rmu);
	pthread_mutex_destroy(&pp->mu);
	free(pp->b);
	free(pp->workers);
	free(pp);
}

/* The next entry in input order (its record decoded), or NULL after the
 * last.  While the batch it is in is not decoded yet, the consumer fills
 * and decodes the next batch no worker took (with own, its record). */
static struct entry *
pipe_next(struct pp_pipe *pp, struct pp_record *own, struct pp_record **rec)
{
	for (;;) {
		struct batch *b = &pp->b[pp->cseq % (unsigned long)pp->nb];
		if (!pp->in_batch) {
			pthread_mutex_lock(&pp->mu);
			while (b->state != B_PARSED) {
				if (can_fill(pp)) {
					fill_and_parse(pp, own);
					continue;
				}
				pthread_cond_wait(&pp->cv, &pp->mu);
			}
			pthread_mutex_unlock(&pp->mu);
			pp->in_batch = true;
			pp->ci = 0;
		}
		if (pp->ci < b->n) {
			*rec = &b->rec[pp->ci];
			return &b->e[pp->ci++];
		}
		if (b->eof)
			return NULL;
		/* Past this batch: the reader may fill it again. */
		batch_clear(b);
		pthread_mutex_lock(&pp->mu);
		b->state = B_FREE;
		pp->cseq++;
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
		pp->in_batch = false;
	}
}

int
pp_stream_open(struct pp_stream *s, char *const *paths, int n, bool strict)
{
	struct pp_reader_opts o = {
		.max_line = 0,
		.would_block = pp_flush_stdout,
		.arg = NULL,
	};

	s->strict = strict;
	s->failed = false;
	s->bad = 0;
	s->bad_shown = 0;
	s->records = 0;
	s->source = NULL;
	s->lineno = 0;
	s->operand = 0;
	s->range = NULL;
	s->vantage = NULL;
	s->vantage_op = -1;
	s->skip_op = -1;
	s->warned_op = -1;
	s->order = NULL;
	s->pipe = NULL;
	s->started = false;
	pp_record_init(&s->rec);
	if (pp_reader_init(&s->rd, paths, n, &o) == -1)
		return -1;
	s->nworkers = workers_wanted(s);
	return 0;
}

bool
pp_stream_threaded(const struct pp_stream *s)
{
	return s->nworkers > 0;
}

void
pp_stream_set_range(struct pp_stream *s, struct pp_trange *r)
{
	struct pp_error e;

	pp_error_clear(&e);
	if (!pp_trange_active(r))
		return;
	if (pp_trange_resolve(r, s->rd.paths, s->rd.npaths, &e) == -1)
		pp_errx(PP_EXIT_USAGE, "--from/--to: %s", e.msg);
	s->range = r;
}

static void
bad_line(struct pp_stream *s, const struct pp_error *e)
{
	s->bad++;
	if (s->strict || s->bad_shown < PP_BADLINES_SHOWN) {
		s->bad_shown++;
		pp_warn_input(e);
	}
}

const char *
pp_stream_vantage(const struct pp_stream *s)
{
	return s->vantage;
}

/* The vantage point a meta record names (its vantage, else a prober's
 * host), owned, or NULL. */
static char *
meta_vantage(struct pp_record *r)
{
	struct pp_error e;
	json_t *o = pp_record_json(r, &e);
	json_t *v = o != NULL ? json_object_get(o, "vantage") : NULL;
	const char *tool = o != NULL ? json_string_value(json_object_get(o,
	    "tool")) : NULL;
	if (!json_is_string(v) && tool != NULL && (strcmp(tool,
	    "pp-trace") == 0 || strcmp(tool, "pp-probe") == 0))
		v = json_object_get(o, "host");
	return json_is_string(v) && json_string_length(v) > 0 ?
	    strdup(json_string_value(v)) : NULL;
}

/* Follow the vantage point of the operand (pp_stream_vantage) through
 * record r (s->operand is its operand); a probe without one gets it.
 * Runs on the consumer's side, in input order. */
static void
follow_vantage(struct pp_stream *s, struct pp_record *r)
{
	if (s->vantage_op != s->operand) {
		free(s->vantage);
		s->vantage = NULL;
		s->vantage_op = s->operand;
	}
	if (r->type == PP_REC_PROBE) {
		if (r->probe.vantage == NULL)
			r->probe.vantage = s->vantage;
		return;
	}
	struct pp_error e;
	if (r->type != PP_REC_META) {
		/* The result records a reader takes (lib/model.h) name it
		 * too: one without gets the operand's. */
		if (s->vantage == NULL || r->type == PP_REC_OTHER)
			return;
		json_t *o = pp_record_json(r, &e);
		if (json_is_object(o) && json_object_get(o, "vantage") == NULL)
			(void)json_object_set_new(o, "vantage",
			    json_string(s->vantage));
		return;
	}
	free(s->vantage);
	s->vantage = meta_vantage(r);
}

/* Whether record rec of reader step x is read: an operand's records from
 * a meta record of a schema we do not read (pp_meta_schema_check) to its
 * next meta record of ours are not (pp_stream_next); said once per
 * operand. */
static bool
schema_ok(struct pp_stream *s, const struct entry *x, struct pp_record *rec)
{
	if (rec->type != PP_REC_META)
		return s->skip_op != x->operand;

	struct pp_error e;
	pp_error_clear(&e);
	json_t *o = pp_record_json(rec, &e);
	if (o == NULL || pp_meta_schema_check(o, &e) == 0) {
		s->skip_op = -1;
		return true;
	}
	s->skip_op = x->operand;
	s->failed = true;
	if (s->warned_op != x->operand) {
		s->warned_op = x->operand;
		e.source = x->source;
		e.line = x->lineno;
		pp_warn_input(&e);
	}
	return false;
}

/* Act on one reader step x (rec is its record when x->rd is PP_READ_OK
 * and x->prc is 0; e its message): 1 when rec is the next record, -1 at
 * the end of the stream (or the stop --strict asks for), 0 to read on.
 * An I/O error without a message (x->err NULL) is out of memory. */
static int
take(struct pp_stream *s, const struct entry *x, struct pp_record *rec,
    struct pp_error *e)
{
	switch (x->rd) {
	case PP_READ_OK:
		if (x->prc == 0) {
			if (!schema_ok(s, x, rec))
				break;
			if (s->range != NULL && !pp_trange_keep(s->range, rec))
				break;
			s->records++;
			s->source = x->source;
			s->lineno = x->lineno;
			s->operand = x->operand;
			follow_vantage(s, rec);
			return 1;
		}
		e->source = x->source;
		e->line = x->lineno;
		bad_line(s, e);
		break;
	case PP_READ_BAD:
		bad_line(s, e);
		break;
	case PP_READ_NOTE:
		pp_warn_input(e);
		break;
	case PP_READ_WARN:
		pp_warn_input(e);
		if (s->strict)
			s->failed = true;
		break;
	case PP_READ_IOERR:
		if (x->err != NULL)
			pp_warn_input(e);
		else
			pp_warnx("%s: out of memory", x->source != NULL ?
			    x->source : "<stdin>");
		s->failed = true;
		break;
	case PP_READ_EOF:
		return -1;
	}
	if (s->strict && (s->bad > 0 || s->failed)) {
		s->failed = true;
		return -1;
	}
	return 0;
}

/* pp_stream_next with threads: the same, from the batches. */
static struct pp_record *
next_piped(struct pp_stream *s)
{
	struct pp_record *rec;
	struct pp_error e;

	for (;;) {
		struct entry *x = pipe_next(s->pipe, &s->rec, &rec);
		if (x == NULL)
			return NULL;
		if (x->err != NULL)
			e = *x->err;
		else
			pp_error_clear(&e);
		int r = take(s, x, rec, &e);
		if (r != 0)
			return r > 0 ? rec : NULL;
	}
}

struct pp_record *
pp_stream_next(struct pp_stream *s)
{
	struct pp_error e;

	if (s->strict && s->bad > 0)
		return NULL;
	if (!s->started) {
		s->started = true;
		if (s->nworkers > 0)
			pipe_start(s, s->nworkers);
	}
	if (s->pipe != NULL)
		return next_piped(s);
	for (;;) {
		struct entry x = { .err = &e };

		pp_error_clear(&e);
		x.rd = pp_reader_next(&s->rd, &e);
		if (x.rd == PP_READ_OK)
			x.prc = pp_record_parse(&s->rec, s->rd.line,
			    s->rd.len, &e);
		x.source = s->rd.source;
		x.lineno = s->rd.lineno;
		x.operand = s->rd.next - 1;
		int r = take(s, &x, &s->rec, &e);
		if (r != 0)
			return r > 0 ? &s->rec : NULL;
	}
}

/* Whether operand i is a file an earlier operand named too. */
static bool
is_dup(const struct stat *sb, int i)
{
	for (int j = 0; j < i; j++)
		if (sb[j].st_dev == sb[i].st_dev && sb[j].st_ino == sb[i].st_ino)
			return true;
	return false;
}

/* Operand paths[0]'s vantage point (owned, NULL unknown) and first record
 * time (NAN none), from its first lines. */
static void
peek(char *const *paths, char **vantage, double *t0)
{
	struct pp_reader rd;
	struct pp_record rec;
	struct pp_error e;

	*vantage = NULL;
	*t0 = NAN;
	if (pp_reader_init(&rd, paths, 1, NULL) == -1)
		return;
	pp_record_init(&rec);
	for (int i = 0; i < 1000; i++) {
		enum pp_read st = pp_reader_next(&rd, &e);
		if (st == PP_READ_EOF || st == PP_READ_IOERR)
			break;
		double a, b;
		if (st != PP_READ_OK ||
		    pp_record_parse(&rec, rd.line, rd.len, &e) != 0)
			continue;
		if (rec.type == PP_REC_META) {
			free(*vantage);
			*vantage = meta_vantage(&rec);
			continue;
		}
		if (pp_record_span(&rec, &a, &b) != 0 || !isfinite(a))
			continue;
		const char *own = NULL;
		if (rec.type == PP_REC_PROBE) {
			own = rec.probe.vantage;
		} else {
			json_t *o = pp_record_json(&rec, &e);
			own = o != NULL ? json_string_value(json_object_get(o,
			    "vantage")) : NULL;
		}
		if (own != NULL) {
			free(*vantage);
			*vantage = strdup(own);
		}
		*t0 = a;
		break;
	}
	pp_record_release(&rec);
	pp_reader_release(&rd);
}

int
pp_stream_time_order(struct pp_stream *s)
{
	int n = s->rd.npaths;
	char *const *paths = s->rd.paths;

	if (n < 2 || s->order != NULL || s->started)
		return 0;
	struct stat *sb = calloc((size_t)n, sizeof(*sb));
	if (sb == NULL)
		return 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(paths[i], "-") == 0 || stat(paths[i], &sb[i]) == -1 ||
		    !S_ISREG(sb[i].st_mode)) {
			free(sb);
			return 0;
		}
	}
	char **v = calloc((size_t)n, sizeof(*v));
	double *t = calloc((size_t)n, sizeof(*t));
	int *ord = calloc((size_t)n, sizeof(*ord));
	int *grp = calloc((size_t)n, sizeof(*grp));
	bool *done = calloc((size_t)n, sizeof(*done));
	int moved = 0;
	if (v == NULL || t == NULL || ord == NULL || grp == NULL ||
	    done == NULL)
		goto out;
	/* A file given twice (trace*.gz trace.gz) is read once: its
	 * records are not the network's twice. */
	int ndup = 0;
	for (int i = 0; i < n; i++) {
		ord[i] = i;
		if (is_dup(sb, i)) {
			done[i] = true;
			t[i] = NAN;
			ndup++;
			pp_warnx("%s given twice: read once", paths[i]);
		} else {
			peek(paths + i, &v[i], &t[i]);
		}
	}
	/* Each vantage point's operands with a time, sorted by it (then
	 * as given) into the places they hold. */
	for (int i = 0; i < n; i++) {
		if (done[i] || !isfinite(t[i]))
			continue;
		int m = 0;
		for (int j = i; j < n; j++)
			if (!done[j] && isfinite(t[j]) && ((v[i] == NULL &&
			    v[j] == NULL) || (v[i] != NULL && v[j] != NULL &&
			    strcmp(v[i], v[j]) == 0))) {
				done[j] = true;
				grp[m++] = j;
			}
		/* The members in time order (an insertion sort, stable:
		 * equal times as given), placed in the slots they hold (grp
		 * is in slot order). */
		int *sorted = malloc((size_t)m * sizeof(*sorted));
		if (sorted == NULL)
			goto out;
		for (int a = 0; a < m; a++) {
			int k = a;
			while (k > 0 && t[sorted[k - 1]] > t[grp[a]]) {
				sorted[k] = sorted[k - 1];
				k--;
			}
			sorted[k] = grp[a];
		}
		for (int a = 0; a < m; a++)
			ord[grp[a]] = sorted[a];
		free(sorted);
	}
	int first = -1;
	for (int i = 0; i < n; i++)
		if (ord[i] != i) {
			moved++;
			if (first == -1)
				first = i;
		}
	if (moved > 0 || ndup > 0) {
		s->order = malloc((size_t)n * sizeof(*s->order));
		if (s->order == NULL) {
			moved = 0;
			goto out;
		}
		int k = 0;
		for (int i = 0; i < n; i++) {
			/* A repeat (never grouped: its slot is its own). */
			if (is_dup(sb, ord[i]))
				continue;
			s->order[k++] = paths[ord[i]];
		}
		struct pp_reader_opts o = s->rd.opts;
		pp_reader_release(&s->rd);
		if (pp_reader_init(&s->rd, s->order, k, &o) == -1)
			pp_errx(PP_EXIT_FAIL, "out of memory");
		if (moved > 0)
			pp_warnx("%s read before %s, its records being older "
			    "(the inputs of a vantage point are read in time "
			    "order)%s", paths[ord[first]], paths[first],
			    moved > 2 ? "; others reordered too" : "");
		moved += ndup;
	}
out:
	for (int i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
	free(t);
	free(ord);
	free(grp);
	free(done);
	free(sb);
	return moved;
}

int
pp_stream_close(struct pp_stream *s)
{
	if (s->bad > s->bad_shown)
		pp_warnx("%lu more bad lines skipped (%lu in all)",
		    s->bad - s->bad_shown, s->bad);
	if (s->range != NULL && s->range->kept == 0 &&
	    s->range->outside > 0) {
		char a[40];
		char b[40];
		char c[40];
		char d[40];
		const struct pp_trange *r = s->range;
		pp_warnx("no record from %s to %s: the input's records run "
		    "from %s to %s", isfinite(r->lo) ? pp_iso_time(r->lo, 3, a,
		    sizeof(a)) : "its start", isfinite(r->hi) ?
		    pp_iso_time(r->hi, 3, b, sizeof(b)) : "its end",
		    pp_iso_time(r->seen_lo, 3, c, sizeof(c)),
		    pp_iso_time(r->seen_hi, 3, d, sizeof(d)));
	}
	if (s->pipe != NULL)
		pipe_free(s->pipe);
	s->pipe = NULL;
	pp_reader_release(&s->rd);
	pp_record_release(&s->rec);
	free(s->vantage);
	s->vantage = NULL;
	free(s->order);
	s->order = NULL;
	return s->failed ? 1 : 0;
}
