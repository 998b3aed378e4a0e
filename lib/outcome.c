/* SPDX-License-Identifier: BSD-2-Clause */
/* outcome.c: the outcome of a probe record (see outcome.h). */
#include <math.h>
#include <string.h>

#include "lib/outcome.h"

bool
pp_probe_traced(const struct pp_probe *p)
{
	return p->round >= 0 && p->ttl > 0;
}

int
pp_probe_hop(const struct pp_probe *p)
{
	return pp_probe_traced(p) ? p->ttl : 0;
}

bool
pp_probe_v6(const struct pp_probe *p)
{
	const char *a = p->dst != NULL ? p->dst : p->from;

	return a != NULL && strchr(a, ':') != NULL;
}

bool
pp_unreach_is_port(int code, bool v6)
{
	return code == (v6 ? 4 : 3);
}

/* Whether p is a UDP probe answered by its destination's port
 * unreachable (recorded as unreachable by older writers). */
static bool
udp_port_answer(const struct pp_probe *p)
{
	return p->proto != NULL && strcmp(p->proto, "udp") == 0 &&
	    p->from != NULL && p->dst != NULL &&
	    strcmp(p->from, p->dst) == 0 &&
	    pp_unreach_is_port(p->code, pp_probe_v6(p)) && isfinite(p->rtt);
}

enum pp_outcome
pp_probe_classify(const struct pp_probe *p, const struct pp_outcome_opts *o,
    enum pp_loss *why)
{
	*why = PP_LOSS_NONE;
	switch (p->status) {
	case PP_ST_REPLY:
		if (p->conn == PP_CONN_REFUSED && o != NULL &&
		    (o->refused_down || o->meta_refused_down)) {
			*why = PP_LOSS_REFUSED;
			return PP_LOST;
		}
		return PP_ANSWER_DEST;
	case PP_ST_TTL_EXPIRED:
		if (pp_probe_traced(p))
			return PP_ANSWER_HOP;
		*why = PP_LOSS_TTL_EXPIRED;
		return PP_LOST;
	case PP_ST_UNREACHABLE:
		if (udp_port_answer(p))
			return PP_ANSWER_DEST;
		*why = PP_LOSS_UNREACHABLE;
		return PP_LOST;
	case PP_ST_TIMEOUT:
		if (p->local_drop)
			return PP_LOCAL;
		*why = PP_LOSS_TIMEOUT;
		return PP_LOST;
	case PP_ST_ERROR:
	default:
		*why = PP_LOSS_ERROR;
		return PP_LOST;
	}
}

enum pp_outcome
pp_probe_outcome(const struct pp_probe *p, const struct pp_outcome_opts *o)
{
	enum pp_loss why;

	return pp_probe_classify(p, o, &why);
}

enum pp_loss
pp_probe_loss(const struct pp_probe *p, const struct pp_outcome_opts *o)
{
	enum pp_loss why;

	(void)pp_probe_classify(p, o, &why);
	return why;
}

bool
pp_probe_answered(const struct pp_probe *p, const struct pp_outcome_opts *o)
{
	enum pp_outcome oc = pp_probe_outcome(p, o);

	return oc == PP_ANSWER_DEST || oc == PP_ANSWER_HOP;
}

const char *
pp_loss_name(enum pp_loss l)
{
	static const char *const names[PP_LOSS_N] = {
		[PP_LOSS_NONE] = "none",
		[PP_LOSS_TIMEOUT] = "timeout",
		[PP_LOSS_ERROR] = "error",
		[PP_LOSS_UNREACHABLE] = "unreachable",
		[PP_LOSS_REFUSED] = "refused",
		[PP_LOSS_TTL_EXPIRED] = "ttl-expired",
	};

	if ((unsigned)l >= PP_LOSS_N)
		return "none";
	return names[l];
}

const char *
pp_unreach_name(int code, bool v6)
{
	/* RFC 792 and 1812 (IPv4), RFC 4443 (IPv6). */
	static const char *const v4[] = {
		"net-unreachable", "host-unreachable", "protocol-unreachable",
		"port-unreachable", "frag-needed", "source-route-failed",
		"net-unknown", "host-unknown", "host-isolated",
		"net-prohibited", "host-prohibited", "net-tos-unreachable",
		"host-tos-unreachable", "admin-prohibited",
		"precedence-violation", "precedence-cutoff",
	};
	static const char *const v6n[] = {
		"no-route", "admin-prohibited", "beyond-scope",
		"address-unreachable", "port-unreachable", "source-policy",
		"reject-route",
	};
	if (code < 0)
		return "unreachable";
	if (!v6 && (size_t)code < sizeof(v4) / sizeof(v4[0]))
		return v4[code];
	if (v6 && (size_t)code < sizeof(v6n) / sizeof(v6n[0]))
		return v6n[code];
	return "other";
}

bool
pp_outcome_meta_refused_down(const json_t *settings)
{
	const json_t *v;

	if (!json_is_object(settings))
		return false;
	v = json_object_get(settings, "refused");
	return json_is_string(v) && strcmp(json_string_value(v), "down") == 0;
}

void
pp_outcome_meta(struct pp_outcome_opts *o, const json_t *settings)
{
	bool down = pp_outcome_meta_refused_down(settings);

	if (json_is_object(settings) &&
	    json_is_string(json_object_get(settings, "proto")))
		o->meta_refused_down = down;
	else if (down)
		o->meta_refused_down = true;
}
