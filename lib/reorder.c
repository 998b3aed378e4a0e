/* reorder.c: a min-heap on (send time, arrival order). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/reorder.h"

struct entry_head {
	double ts;
	unsigned long long order;
};

#define HEAD (sizeof(struct entry_head))

int
pp_reorder_init(struct pp_reorder *ro, size_t item_size, size_t cap,
    double horizon)
{
	memset(ro, 0, sizeof(*ro));
	if (item_size == 0 || cap == 0) {
		errno = EINVAL;
		return -1;
	}
	ro->item_size = item_size;
	ro->esize = (HEAD + item_size + 7) & ~(size_t)7;
	ro->cap = cap;
	ro->horizon = horizon > 0 ? horizon : 0;
	return 0;
}

static struct entry_head *
at(const struct pp_reorder *ro, size_t i)
{
	return (struct entry_head *)(void *)(ro->heap + i * ro->esize);
}

static bool
before(const struct entry_head *a, const struct entry_head *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->order < b->order);
}

static void
swap(struct pp_reorder *ro, size_t i, size_t j)
{
	unsigned char tmp[512];
	unsigned char *a = ro->heap + i * ro->esize;
	unsigned char *b = ro->heap + j * ro->esize;
	size_t left = ro->esize;

	while (left > 0) {
		size_t k = left < sizeof(tmp) ? left : sizeof(tmp);
		memcpy(tmp, a, k);
		memcpy(a, b, k);
		memcpy(b, tmp, k);
		a += k;
		b += k;
		left -= k;
	}
}

static void
sift_up(struct pp_reorder *ro, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!before(at(ro, i), at(ro, parent)))
			break;
		swap(ro, i, parent);
		i = parent;
	}
}

static void
sift_down(struct pp_reorder *ro, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1;
		size_t r = l + 1;
		size_t m = i;
		if (l < ro->n && before(at(ro, l), at(ro, m)))
			m = l;
		if (r < ro->n && before(at(ro, r), at(ro, m)))
			m = r;
		if (m == i)
			break;
		swap(ro, i, m);
		i = m;
	}
}

/* Release the oldest item. */
static void
pop(struct pp_reorder *ro,
    void (*emit)(void *arg, double ts, const void *item), void *arg)
{
	struct entry_head *top = at(ro, 0);

	ro->last_out = top->ts;
	ro->any_out = true;
	emit(arg, top->ts, (unsigned char *)top + HEAD);
	ro->n--;
	if (ro->n > 0) {
		swap(ro, 0, ro->n);
		sift_down(ro, 0);
	}
}

int
pp_reorder_push(struct pp_reorder *ro, double ts, const void *item,
    void (*emit)(void *arg, double ts, const void *item), void *arg)
{
	if (ro->any_out && ts < ro->last_out) {
		ro->late++;
		emit(arg, ts, item);
		return 0;
	}
	if (ro->n == ro->cap) {
		if (ts <= at(ro, 0)->ts) {
			/* Older than all it holds: it goes first. */
			ro->last_out = ts;
			ro->any_out = true;
			emit(arg, ts, item);
			return 0;
		}
		pop(ro, emit, arg);
	}
	if (ro->n == ro->alloc) {
		size_t nalloc = ro->alloc != 0 ? ro->alloc * 2 : 16;
		if (nalloc > ro->cap)
			nalloc = ro->cap;
		unsigned char *nheap = realloc(ro->heap, nalloc * ro->esize);
		if (nheap == NULL) {
			emit(arg, ts, item);
			errno = ENOMEM;
			return -1;
		}
		ro->heap = nheap;
		ro->alloc = nalloc;
	}
	struct entry_head *e = at(ro, ro->n);
	e->ts = ts;
	e->order = ro->order++;
	memcpy((unsigned char *)e + HEAD, item, ro->item_size);
	ro->n++;
	sift_up(ro, ro->n - 1);
	if (ro->n == 1 || ts > ro->newest)
		ro->newest = ts > ro->newest || ro->n == 1 ? ts : ro->newest;
	pp_reorder_advance(ro, ro->newest, emit, arg);
	return 0;
}

void
pp_reorder_advance(struct pp_reorder *ro, double now,
    void (*emit)(void *arg, double ts, const void *item), void *arg)
{
	if (now > ro->newest)
		ro->newest = now;
	while (ro->n > 0 && at(ro, 0)->ts < now - ro->horizon)
		pop(ro, emit, arg);
}

void
pp_reorder_flush(struct pp_reorder *ro,
    void (*emit)(void *arg, double ts, const void *item), void *arg)
{
	while (ro->n > 0)
		pop(ro, emit, arg);
}

size_t
pp_reorder_count(const struct pp_reorder *ro)
{
	return ro->n;
}

void
pp_reorder_release(struct pp_reorder *ro)
{
	free(ro->heap);
	ro->heap = NULL;
	ro->n = ro->alloc = 0;
}
