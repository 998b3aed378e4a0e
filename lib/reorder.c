/* SPDX-License-Identifier: BSD-2-Clause */
/* reorder.c: a min-heap on (send time, arrival order) of small handles;
 * the items themselves stay put in a slab (a free list recycles slots), so
 * sifting moves 24 bytes, never the items.  Items that arrive in order (no
 * older than the last one queued so) go to a FIFO ring instead, already
 * sorted: a stream mostly in order costs a queue, not a heap; the oldest
 * is the older of the ring's head and the heap's top. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/reorder.h"

struct handle {
	double ts;		/* send time */
	unsigned long long order;	/* arrival counter */
	size_t slot;		/* item index in the slab */
};

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
	ro->esize = (item_size + 7) & ~(size_t)7;
	ro->cap = cap;
	ro->horizon = horizon > 0 ? horizon : 0;
	return 0;
}

/* The layout of ro->heap: alloc handles of the heap, alloc handles of the
 * ring, then alloc slot numbers of the free list, then alloc items. */
static struct handle *
handles(const struct pp_reorder *ro)
{
	return (struct handle *)(void *)ro->heap;
}

static struct handle *
ring(const struct pp_reorder *ro)
{
	return handles(ro) + ro->alloc;
}

static size_t *
free_slots(const struct pp_reorder *ro)
{
	return (size_t *)(void *)(ro->heap + ro->alloc * 2 *
	    sizeof(struct handle));
}

static unsigned char *
item_at(const struct pp_reorder *ro, size_t slot)
{
	return ro->heap + ro->alloc * (2 * sizeof(struct handle) +
	    sizeof(size_t)) + slot * ro->esize;
}

/* i mod alloc for i < 2 * alloc (ring indices: a head below alloc plus
 * a count up to alloc), without a division. */
static inline size_t
wrap(const struct pp_reorder *ro, size_t i)
{
	return i >= ro->alloc ? i - ro->alloc : i;
}

static bool
before(const struct handle *a, const struct handle *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->order < b->order);
}

static void
sift_up(struct handle *h, size_t i)
{
	struct handle x = h[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!before(&x, &h[parent]))
			break;
		h[i] = h[parent];
		i = parent;
	}
	h[i] = x;
}

static void
sift_down(struct handle *h, size_t n, size_t i)
{
	struct handle x = h[i];

	for (;;) {
		size_t l = 2 * i + 1;
		if (l >= n)
			break;
		size_t m = l;
		if (l + 1 < n && before(&h[l + 1], &h[l]))
			m = l + 1;
		if (!before(&h[m], &x))
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = x;
}

/* The oldest handle held (n > 0): the ring's head or the heap's top. */
static const struct handle *
oldest(const struct pp_reorder *ro)
{
	const struct handle *r = ro->fn > 0 ? &ring(ro)[ro->fhead] : NULL;

	if (ro->nh == 0 || (r != NULL && before(r, &handles(ro)[0])))
		return r;
	return &handles(ro)[0];
}

/* Release the oldest item. */
static void
pop(struct pp_reorder *ro,
    void (*emit)(void *arg, double ts, const void *item), void *arg)
{
	struct handle top = *oldest(ro);

	if (ro->fn > 0 && ring(ro)[ro->fhead].order == top.order) {
		ro->fhead = wrap(ro, ro->fhead + 1);
		ro->fn--;
	} else {
		struct handle *h = handles(ro);
		ro->nh--;
		if (ro->nh > 0) {
			h[0] = h[ro->nh];
			sift_down(h, ro->nh, 0);
		}
	}
	ro->last_out = top.ts;
	ro->any_out = true;
	ro->n--;
	/* The slot goes back on the free list before the call, which may
	 * not push (emit callbacks only consume). */
	free_slots(ro)[ro->alloc - 1 - ro->n] = top.slot;
	emit(arg, top.ts, item_at(ro, top.slot));
}

/* Grow the storage to nalloc entries, keeping heap, ring (unwrapped to
 * start at 0), free list and items.  Returns 0 or -1. */
static int
grow(struct pp_reorder *ro, size_t nalloc)
{
	size_t per = 2 * sizeof(struct handle) + sizeof(size_t) + ro->esize;
	unsigned char *nh = malloc(nalloc * per);

	if (nh == NULL)
		return -1;
	struct pp_reorder tmp = *ro;
	tmp.heap = nh;
	tmp.alloc = nalloc;
	if (ro->alloc > 0) {
		memcpy(handles(&tmp), handles(ro), ro->nh *
		    sizeof(struct handle));
		for (size_t i = 0; i < ro->fn; i++)
			ring(&tmp)[i] = ring(ro)[(ro->fhead + i) % ro->alloc];
		memcpy(item_at(&tmp, 0), item_at(ro, 0), ro->alloc *
		    ro->esize);
	}
	/* Free list: the slots not in use, the new ones first. */
	size_t *fs = free_slots(&tmp);
	size_t k = 0;
	for (size_t s = nalloc; s-- > ro->alloc;)
		fs[nalloc - 1 - ro->n - k++] = s;
	/* Old free slots (all in use when we grow: n == alloc). */
	free(ro->heap);
	ro->heap = nh;
	ro->alloc = nalloc;
	ro->fhead = 0;
	return 0;
}

void
pp_reorder_restart(struct pp_reorder *ro,
    void (*emit)(void *arg, double ts, const void *item), void *arg)
{
	pp_reorder_flush(ro, emit, arg);
	ro->any_out = false;
	ro->newest = 0;
	ro->last_out = 0;
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
		if (ts < oldest(ro)->ts) {
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
		if (grow(ro, nalloc) == -1) {
			emit(arg, ts, item);
			errno = ENOMEM;
			return -1;
		}
	}
	/* Take a free slot: the free list holds alloc - n slots, the one
	 * to use at index alloc - 1 - n. */
	size_t slot = free_slots(ro)[ro->alloc - 1 - ro->n];
	memcpy(item_at(ro, slot), item, ro->item_size);
	struct handle x = { .ts = ts, .order = ro->order++, .slot = slot };
	if (ro->fn == 0 || ts >= ring(ro)[wrap(ro, ro->fhead + ro->fn -
	    1)].ts) {
		ring(ro)[wrap(ro, ro->fhead + ro->fn)] = x;
		ro->fn++;
	} else {
		struct handle *h = handles(ro);
		h[ro->nh] = x;
		ro->nh++;
		sift_up(h, ro->nh - 1);
	}
	ro->n++;
	if (ro->n == 1 || ts > ro->newest)
		ro->newest = ts;
	pp_reorder_advance(ro, ro->newest, emit, arg);
	return 0;
}

void
pp_reorder_advance(struct pp_reorder *ro, double now,
    void (*emit)(void *arg, double ts, const void *item), void *arg)
{
	if (now > ro->newest)
		ro->newest = now;
	while (ro->n > 0 && oldest(ro)->ts < now - ro->horizon)
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
	ro->n = ro->nh = ro->fn = ro->fhead = ro->alloc = 0;
}
