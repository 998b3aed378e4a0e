/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/reorder.h"
#include "tests/unit/check.h"

void test_reorder(void);
void test_reorder_mixed(void);

struct out {
	int got[64];
	int n;
};

static void
collect(void *arg, double ts, const void *item)
{
	struct out *o = arg;
	int v;

	(void)ts;
	memcpy(&v, item, sizeof(v));
	if (o->n < 64)
		o->got[o->n++] = v;
}

static void
joined(const struct out *o, char *buf, size_t size)
{
	buf[0] = '\0';
	for (int i = 0; i < o->n; i++) {
		char tmp[16];
		snprintf(tmp, sizeof(tmp), "%s%d", i ? "," : "", o->got[i]);
		strncat(buf, tmp, size - strlen(buf) - 1);
	}
}

struct order_check {
	double last;
	bool sorted;
	int count;
};

static void
check_order(void *arg, double ts, const void *item)
{
	struct order_check *oc = arg;
	double v;

	memcpy(&v, item, sizeof(v));
	oc->sorted = oc->sorted && ts >= oc->last && v == ts;
	oc->last = ts;
	oc->count++;
}

void
test_reorder(void)
{
	static const struct {
		const char *name;
		size_t cap;
		double horizon;
		double ts[10];
		int n;
		const char *mid;	/* released before the flush */
		const char *all;	/* released in all */
		unsigned long long late;
	} cases[] = {
		/* item i has value i; ts in seconds */
		{ "in order, horizon 2", 16, 2, { 1, 2, 3, 4, 5 }, 5, "0,1",
		  "0,1,2,3,4", 0 },
		{ "timeout after later replies", 16, 2,
		  { 1, 3, 4, 2, 5, 6 }, 6, "0,3,1", "0,3,1,2,4,5", 0 },
		{ "ties keep arrival order", 16, 1, { 1, 1, 1, 3 }, 4,
		  "0,1,2", "0,1,2,3", 0 },
		{ "full buffer releases the oldest", 2, 100, { 5, 4, 3, 2 },
		  4, "2,3", "2,3,1,0", 1 },
		{ "full buffer, newer item", 2, 100, { 1, 2, 3, 4 },
		  4, "0,1", "0,1,2,3", 0 },
		{ "full buffer, then too late", 2, 100, { 5, 6, 7, 1 },
		  4, "0,3", "0,3,1,2", 1 },
		{ "too late is released at once", 16, 1,
		  { 10, 11, 12, 13, 1 }, 5, "0,1,4", "0,1,4,2,3", 1 },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct pp_reorder ro;
		struct out o = { .n = 0 };
		char buf[256];
		CHECK(pp_reorder_init(&ro, sizeof(int), cases[c].cap,
		    cases[c].horizon) == 0, "init");
		for (int i = 0; i < cases[c].n; i++)
			CHECK(pp_reorder_push(&ro, cases[c].ts[i], &i, collect,
			    &o) == 0, "push");
		joined(&o, buf, sizeof(buf));
		CHECK_STR(buf, cases[c].mid, cases[c].name);
		pp_reorder_flush(&ro, collect, &o);
		joined(&o, buf, sizeof(buf));
		CHECK_STR(buf, cases[c].all, cases[c].name);
		CHECK(ro.late == cases[c].late, "%s: late %llu", cases[c].name,
		    ro.late);
		CHECK(pp_reorder_count(&ro) == 0, "empty after flush");
		pp_reorder_release(&ro);
	}

	/* Advance by external event time; big items; many items. */
	struct pp_reorder ro;
	struct out o = { .n = 0 };
	pp_reorder_init(&ro, sizeof(int), 1000, 5);
	for (int i = 0; i < 3; i++)
		pp_reorder_push(&ro, 100 + i, &i, collect, &o);
	CHECK(o.n == 0, "nothing old yet");
	pp_reorder_advance(&ro, 106.5, collect, &o);
	CHECK(o.n == 2, "advance released 2, got %d", o.n);
	pp_reorder_release(&ro);

	CHECK(pp_reorder_init(&ro, 0, 10, 1) == -1, "zero size refused");

	/* 10,000 items shuffled within a window come out sorted. */
	struct order_check oc = { .last = -1, .sorted = true, .count = 0 };
	unsigned seed = 7;
	pp_reorder_init(&ro, sizeof(double), 4096, 3);
	for (int i = 0; i < 10000; i++) {
		seed = seed * 1103515245u + 12345u;
		double ts = i * 0.01 + (double)(seed % 200) / 100.0;
		pp_reorder_push(&ro, ts, &ts, check_order, &oc);
	}
	pp_reorder_flush(&ro, check_order, &oc);
	CHECK(oc.sorted && oc.count == 10000 && ro.late == 0,
	    "shuffled: sorted %d count %d late %llu", oc.sorted, oc.count,
	    ro.late);
	pp_reorder_release(&ro);
}

/* An item of the mixed test: its send time and arrival number. */
struct mixed_item {
	double ts;
	int seq;
};

struct mixed_out {
	struct mixed_item last;
	int count;
	int disorder;
	bool any;
};

static void
mixed_emit(void *arg, double ts, const void *itemp)
{
	struct mixed_out *o = arg;
	struct mixed_item it;

	memcpy(&it, itemp, sizeof(it));
	if (it.ts != ts)
		o->disorder++;
	if (o->any && (ts < o->last.ts || (ts == o->last.ts &&
	    it.seq < o->last.seq)))
		o->disorder++;
	o->last = it;
	o->any = true;
	o->count++;
}

/* Streams mostly in order with some late and some tied items, caps small
 * and large: what comes out is in (send time, arrival) order, every item
 * once; the in-order ring and the heap interleave right. */
void
test_reorder_mixed(void)
{
	static const size_t caps[] = { 1, 3, 16, 100, 5000 };
	unsigned seed = 7;

	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		struct pp_reorder ro;
		struct mixed_out o = { .count = 0 };
		CHECK(pp_reorder_init(&ro, sizeof(struct mixed_item), caps[c],
		    2.0) == 0, "init");
		for (int i = 0; i < 20000; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = (seed >> 16) % 100;
			/* 70% in order, 10% a tie, 20% up to 1.5 s late. */
			double ts = (double)i * 0.01;
			if (r >= 70 && r < 80)
				ts = floor(ts);
			else if (r >= 80)
				ts -= (double)((seed >> 8) % 150) * 0.01;
			struct mixed_item it = { ts, i };
			CHECK(pp_reorder_push(&ro, ts, &it, mixed_emit, &o) == 0,
			    "push");
		}
		pp_reorder_flush(&ro, mixed_emit, &o);
		CHECK(o.count == 20000, "cap %zu: %d out", caps[c], o.count);
		/* Late ones (older than one released) come out at once, out of
		 * order, and are counted: nothing else may be. */
		CHECK(o.disorder <= (int)ro.late, "cap %zu: %d out of order, "
		    "%llu late", caps[c], o.disorder, ro.late);
		if (caps[c] == 5000)
			CHECK(ro.late == 0 && o.disorder == 0, "cap 5000: "
			    "horizon 2 s covers every delay");
		pp_reorder_release(&ro);
	}
}
