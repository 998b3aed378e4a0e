/* SPDX-License-Identifier: BSD-2-Clause */
/* pingline.h: a probe record as ping (iputils) shows it on a terminal,
 * for pp-probe there: the header of each target and a line per probe.
 *
 *   PING host (198.18.4.2) 56(84) bytes of data.
 *   PING host(fd00::2) 56 data bytes
 *   64 bytes from 198.18.4.2: icmp_seq=3 ttl=62 time=0.045 ms
 *   From 198.18.2.2 icmp_seq=4 Destination Host Unreachable
 *   From 198.18.1.2 icmp_seq=5 Time to live exceeded
 *   no answer yet for icmp_seq=6
 *
 * Times with ping's digits (0.045, 1.23, 12.3, 123).  TCP and UDP probes
 * read alike: "connected to X port 443: tcp_seq=3 time=0.120 ms", "refused
 * by X port 9: ...", "port unreachable from X port 33434: udp_seq=3 ...".
 * What counts as an answer is lib/outcome's; icmp_seq is the record's seq.
 * Text from the network (responders) is shown through lib/sanitize. */
#ifndef PP_PINGLINE_H
#define PP_PINGLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/outcome.h"
#include "lib/record.h"

/* A time in ms with ping's digits into buf ("0.045", "12.3", "123"). */
void pp_ping_time(char *buf, size_t size, double ms);

/* ping's words for an ICMP destination unreachable code ("Destination
 * Host Unreachable"; IPv6: "Address unreachable", ...). */
const char *pp_ping_unreach(int code, bool v6);

/* The header of a target: name, its address, the probe ("icmp", "udp",
 * "tcp"), the port (TCP, UDP), and the sizes: data bytes after the
 * 8-byte header and the whole IP packet (-1: not known).  Returns what
 * snprintf returns. */
int pp_ping_header(char *buf, size_t size, const char *name,
    const char *addr, const char *proto, int port, int data, int ip);

/* A probe's line (no newline); with_target: name the target in lines
 * that would not say which it was (several targets).  Returns what
 * snprintf returns. */
int pp_ping_line(char *buf, size_t size, const struct pp_probe *p,
    const struct pp_outcome_opts *o, bool with_target);

/* ping's run rules, for pp-probe.
 *
 * Whether a target has probes to send: resolved, and with a
 * count not reached: with a deadline (-w) the count is of answers, as
 * ping's; without, of probes sent.  count 0: no end. */
bool pp_ping_wants(bool resolved, long long count, bool deadline,
    long long sent, long long answered);

/* When sending is over, how long a target's last probe (sent at
 * last_send, monotonic ns) is waited for, as ping lingers: twice the
 * largest RTT it answered with (max_ms; NAN: it never answered: the
 * timeout), at least one interval, at most the timeout (seconds both).
 * Returns the moment, monotonic ns. */
long long pp_ping_linger(long long last_send, double max_ms, double interval,
    double timeout);

#endif /* PP_PINGLINE_H */
