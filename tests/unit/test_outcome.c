/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdlib.h>

#include "lib/outcome.h"
#include "tests/unit/check.h"

void test_outcome(void);

#define D4 "198.18.4.2"
#define R4 "198.18.3.2"
#define D6 "fd00:0:0:4::2"
#define R6 "fd00:0:0:3::2"

void
test_outcome(void)
{
	/* status x protocol x who answered -> outcome (pp-records(5)). */
	static const struct {
		const char *what;
		enum pp_status st;
		const char *proto;
		const char *dst;
		const char *from;
		int ttl;		/* -1 none */
		int round;		/* -1 none: a plain probe */
		int code;		/* -1 none */
		enum pp_conn conn;
		bool local;		/* local_drop */
		bool refused_down;
		enum pp_outcome want;
		enum pp_loss why;
	} cases[] = {
		{ "echo reply", PP_ST_REPLY, "icmp", D4, D4, -1, -1, -1,
		  PP_CONN_NONE, false, false, PP_ANSWER_DEST, PP_LOSS_NONE },
		{ "echo reply, traced", PP_ST_REPLY, "icmp", D4, D4, 4, 0, -1,
		  PP_CONN_NONE, false, false, PP_ANSWER_DEST, PP_LOSS_NONE },
		{ "tcp open", PP_ST_REPLY, "tcp", D4, D4, -1, -1, -1,
		  PP_CONN_OPEN, false, true, PP_ANSWER_DEST, PP_LOSS_NONE },
		{ "tcp, old record (no conn)", PP_ST_REPLY, "tcp", D4, D4, -1,
		  -1, -1, PP_CONN_NONE, false, true, PP_ANSWER_DEST,
		  PP_LOSS_NONE },
		{ "tcp refused (host up)", PP_ST_REPLY, "tcp", D4, D4, -1, -1,
		  -1, PP_CONN_REFUSED, false, false, PP_ANSWER_DEST,
		  PP_LOSS_NONE },
		{ "tcp refused, --refused-down", PP_ST_REPLY, "tcp", D4, D4, -1,
		  -1, -1, PP_CONN_REFUSED, false, true, PP_LOST,
		  PP_LOSS_REFUSED },
		{ "udp port unreachable (engine: reply)", PP_ST_REPLY, "udp",
		  D4, D4, -1, -1, -1, PP_CONN_NONE, false, false,
		  PP_ANSWER_DEST, PP_LOSS_NONE },
		{ "udp port unreachable from dst", PP_ST_UNREACHABLE, "udp", D4,
		  D4, -1, -1, 3, PP_CONN_NONE, false, false, PP_ANSWER_DEST,
		  PP_LOSS_NONE },
		{ "udp port unreachable from dst, v6", PP_ST_UNREACHABLE, "udp",
		  D6, D6, -1, -1, 4, PP_CONN_NONE, false, false,
		  PP_ANSWER_DEST, PP_LOSS_NONE },
		{ "udp v6 code 3 is address unreachable", PP_ST_UNREACHABLE,
		  "udp", D6, D6, -1, -1, 3, PP_CONN_NONE, false, false,
		  PP_LOST, PP_LOSS_UNREACHABLE },
		{ "udp port unreachable from a router", PP_ST_UNREACHABLE,
		  "udp", D4, R4, -1, -1, 3, PP_CONN_NONE, false, false,
		  PP_LOST, PP_LOSS_UNREACHABLE },
		{ "icmp port unreachable from dst", PP_ST_UNREACHABLE, "icmp",
		  D4, D4, -1, -1, 3, PP_CONN_NONE, false, false, PP_LOST,
		  PP_LOSS_UNREACHABLE },
		{ "host unreachable from a router", PP_ST_UNREACHABLE, "icmp",
		  D4, R4, -1, -1, 1, PP_CONN_NONE, false, false, PP_LOST,
		  PP_LOSS_UNREACHABLE },
		{ "host unreachable, traced", PP_ST_UNREACHABLE, "icmp", D4, R4,
		  4, 2, 1, PP_CONN_NONE, false, false, PP_LOST,
		  PP_LOSS_UNREACHABLE },
		{ "admin prohibited from dst", PP_ST_UNREACHABLE, "icmp", D4, D4,
		  -1, -1, 13, PP_CONN_NONE, false, false, PP_LOST,
		  PP_LOSS_UNREACHABLE },
		{ "address unreachable v6", PP_ST_UNREACHABLE, "icmp", D6, R6,
		  -1, -1, 3, PP_CONN_NONE, false, false, PP_LOST,
		  PP_LOSS_UNREACHABLE },
		{ "tcp connect unreachable (no from)", PP_ST_UNREACHABLE, "tcp",
		  D4, NULL, -1, -1, -1, PP_CONN_NONE, false, false, PP_LOST,
		  PP_LOSS_UNREACHABLE },
		{ "ttl-expired at a traced hop", PP_ST_TTL_EXPIRED, "icmp", D4,
		  R4, 3, 0, -1, PP_CONN_NONE, false, false, PP_ANSWER_HOP,
		  PP_LOSS_NONE },
		{ "ttl-expired of a plain probe", PP_ST_TTL_EXPIRED, "icmp", D4,
		  R4, -1, -1, -1, PP_CONN_NONE, false, false, PP_LOST,
		  PP_LOSS_TTL_EXPIRED },
		{ "ttl-expired of pp-probe -t 3", PP_ST_TTL_EXPIRED, "udp", D4,
		  R4, 3, -1, -1, PP_CONN_NONE, false, false, PP_LOST,
		  PP_LOSS_TTL_EXPIRED },
		{ "timeout", PP_ST_TIMEOUT, "icmp", D4, NULL, -1, -1, -1,
		  PP_CONN_NONE, false, false, PP_LOST, PP_LOSS_TIMEOUT },
		{ "timeout, traced", PP_ST_TIMEOUT, "icmp", D4, NULL, 2, 5, -1,
		  PP_CONN_NONE, false, false, PP_LOST, PP_LOSS_TIMEOUT },
		{ "timeout, local drop", PP_ST_TIMEOUT, "icmp", D4, NULL, -1,
		  -1, -1, PP_CONN_NONE, true, false, PP_LOCAL, PP_LOSS_NONE },
		{ "error", PP_ST_ERROR, "icmp", D4, NULL, -1, -1, -1,
		  PP_CONN_NONE, false, false, PP_LOST, PP_LOSS_ERROR },
		{ "error with local_drop is still lost", PP_ST_ERROR, "udp", D4,
		  NULL, -1, -1, -1, PP_CONN_NONE, true, false, PP_LOST,
		  PP_LOSS_ERROR },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pp_probe p;
		struct pp_outcome_opts o = {
			.refused_down = cases[i].refused_down
		};
		memset(&p, 0, sizeof(p));
		p.ts = 1;
		p.target = "t";
		p.status = cases[i].st;
		p.proto = cases[i].proto;
		p.dst = cases[i].dst;
		p.from = cases[i].from;
		p.ttl = cases[i].ttl;
		p.round = cases[i].round;
		p.seq = p.flow = -1;
		p.code = cases[i].code;
		p.reply_ttl = p.port = p.size = -1;
		p.conn = cases[i].conn;
		p.local_drop = cases[i].local;
		p.rtt = p.status == PP_ST_TIMEOUT || p.status == PP_ST_ERROR ?
		    NAN : 1.5;
		enum pp_outcome got = pp_probe_outcome(&p, &o);
		CHECK(got == cases[i].want, "%s: outcome %d, want %d",
		    cases[i].what, (int)got, (int)cases[i].want);
		CHECK(pp_probe_loss(&p, &o) == cases[i].why,
		    "%s: loss %s, want %s", cases[i].what,
		    pp_loss_name(pp_probe_loss(&p, &o)),
		    pp_loss_name(cases[i].why));
		CHECK(pp_probe_answered(&p, &o) ==
		    (cases[i].want == PP_ANSWER_DEST ||
		    cases[i].want == PP_ANSWER_HOP), "%s: answered",
		    cases[i].what);
		/* NULL options: the defaults (refused is an answer). */
		if (!cases[i].refused_down)
			CHECK(pp_probe_outcome(&p, NULL) == cases[i].want,
			    "%s: outcome with NULL opts", cases[i].what);
	}

	/* Hops: a ttl is a hop only on a traced probe. */
	static const struct {
		int ttl;
		int round;
		int hop;
	} hops[] = {
		{ -1, -1, 0 }, { 5, -1, 0 }, { 5, 0, 5 }, { 1, 7, 1 },
		{ -1, 3, 0 },
	};
	for (size_t i = 0; i < sizeof(hops) / sizeof(hops[0]); i++) {
		struct pp_probe p;
		memset(&p, 0, sizeof(p));
		p.ttl = hops[i].ttl;
		p.round = hops[i].round;
		CHECK(pp_probe_hop(&p) == hops[i].hop, "hop of ttl %d round %d: "
		    "%d", hops[i].ttl, hops[i].round, pp_probe_hop(&p));
	}

	/* Unreachable code names. */
	static const struct {
		int code;
		bool v6;
		const char *name;
	} names[] = {
		{ 0, false, "net-unreachable" },
		{ 1, false, "host-unreachable" },
		{ 3, false, "port-unreachable" },
		{ 13, false, "admin-prohibited" },
		{ 10, false, "host-prohibited" },
		{ 16, false, "other" },
		{ 0, true, "no-route" },
		{ 1, true, "admin-prohibited" },
		{ 3, true, "address-unreachable" },
		{ 4, true, "port-unreachable" },
		{ 200, true, "other" },
		{ -1, false, "unreachable" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CHECK_STR(pp_unreach_name(names[i].code, names[i].v6),
		    names[i].name, "unreachable code name");

	/* The meta setting. */
	json_t *set = json_pack("{s:s}", "refused", "down");
	CHECK(pp_outcome_meta_refused_down(set), "refused down in meta");
	json_decref(set);
	set = json_pack("{s:s}", "refused", "up");
	CHECK(!pp_outcome_meta_refused_down(set), "refused up in meta");
	json_decref(set);
	CHECK(!pp_outcome_meta_refused_down(NULL), "no settings");

	/* Each prober's meta rules its own run's records: a later run
	 * without the setting is read with the option alone, whatever the
	 * order of the inputs; another tool's meta only adds "down". */
	struct pp_probe rst = { .status = PP_ST_REPLY, .proto = "tcp",
	    .dst = D4, .from = D4, .rtt = 0.4, .conn = PP_CONN_REFUSED,
	    .code = -1 };
	struct pp_outcome_opts oo = { 0 };
	json_t *down = json_pack("{s:s,s:s}", "proto", "tcp", "refused",
	    "down");
	json_t *up = json_pack("{s:s}", "proto", "tcp");
	json_t *other = json_pack("{s:f}", "loss", 20.0);
	pp_outcome_meta(&oo, down);
	CHECK(pp_probe_outcome(&rst, &oo) == PP_LOST, "run said down");
	pp_outcome_meta(&oo, other);
	CHECK(pp_probe_outcome(&rst, &oo) == PP_LOST, "other meta keeps it");
	pp_outcome_meta(&oo, up);
	CHECK(pp_probe_outcome(&rst, &oo) == PP_ANSWER_DEST,
	    "a later run without the setting: refused is an answer");
	oo.refused_down = true;
	pp_outcome_meta(&oo, up);
	CHECK(pp_probe_outcome(&rst, &oo) == PP_LOST,
	    "the option: down in every run");
	json_decref(down);
	json_decref(up);
	json_decref(other);
}
