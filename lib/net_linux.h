/* net_linux.h: the privileged part of the probers, and nothing else: open
 * the ICMP sockets (raw when allowed, else the unprivileged ICMP datagram
 * sockets where net.ipv4.ping_group_range permits), then drop every
 * privilege for good and check that it is gone. */
#ifndef PP_NET_LINUX_H
#define PP_NET_LINUX_H

#include <stdbool.h>
#include <sys/socket.h>

/* The ICMP sockets of a run. */
struct pp_net {
	int icmp4;		/* IPv4 ICMP socket, -1 none */
	int icmp6;		/* IPv6 ICMP socket, -1 none */
	bool raw4;		/* icmp4 is raw (else datagram) */
	bool raw6;		/* icmp6 is raw (else datagram) */
	int err4;		/* errno when neither kind opened, IPv4 */
	int err6;		/* likewise IPv6 */
	int tcp4;		/* raw TCP socket (Paris TCP), -1 none */
	int tcp6;		/* likewise IPv6 */
	int ttl_set[4];		/* TTL last set on icmp4, icmp6, tcp4, tcp6
				 * (0 unknown), kept here because every
				 * engine over these sockets shares them */
};

/* Open the ICMP sockets (raw first, datagram second), and with them the
 * mark when mark != 0 (it needs CAP_NET_ADMIN, so it is set now).  Never
 * fails: what could not be opened is -1 with its errno. */
void pp_net_open_privileged(struct pp_net *n, unsigned mark);

/* Open raw TCP sockets too (root or CAP_NET_RAW), for flow-stable TCP
 * probes built by the engine: n->tcp4 and n->tcp6, -1 where not allowed.
 * Call after pp_net_open_privileged, before the drop. */
void pp_net_open_raw_tcp(struct pp_net *n);

/* Drop every privilege: a set-user-ID run goes back to the real user; a
 * run as root clears all capabilities (bounding set included); then
 * PR_SET_NO_NEW_PRIVS.  keep_net_admin keeps CAP_NET_ADMIN (for --mark on
 * sockets opened later).  Returns 0, or -1 when the drop could not be
 * verified (the caller must stop). */
int pp_net_drop_privileges(bool keep_net_admin);

/* The setting pp_net_try found refused. */
enum pp_net_setting {
	PP_NET_OK,		/* every setting taken */
	PP_NET_SOCKET,		/* no socket of that family at all */
	PP_NET_IFACE,		/* SO_BINDTODEVICE */
	PP_NET_MARK,		/* SO_MARK */
	PP_NET_TOS,		/* IP_TOS / IPV6_TCLASS */
	PP_NET_SOURCE		/* bind to the source address */
};

/* Try the settings the probes' sockets will get on a new unprivileged UDP
 * socket of family (AF_INET or AF_INET6), in the order the engine sets
 * them: the interface iface (NULL none), the mark (0 none), the TOS or
 * traffic class tos (-1 none), then a bind to source (NULL none; its port
 * is ignored).  So a bad interface (ENODEV), a mark without CAP_NET_ADMIN
 * (EPERM) or a source address this host does not have (EADDRNOTAVAIL) is
 * known before the first probe.  Returns PP_NET_OK, or the first setting
 * the kernel refused with errno its reason.  Opens and closes one socket;
 * needs no privilege beyond what the setting itself needs. */
enum pp_net_setting pp_net_try(int family, const char *iface, unsigned mark,
    int tos, const struct sockaddr *source, socklen_t source_len);

/* The source address the routing table gives for dst: a UDP socket is
 * connected to it (no packet leaves) and asked its name; the port is 0.
 * Returns 0 with src and *slen set, or -1 with errno (ENETUNREACH when
 * there is no route, ...). */
int pp_net_route_source(const struct sockaddr *dst, socklen_t dlen,
    struct sockaddr_storage *src, socklen_t *slen);

#endif /* PP_NET_LINUX_H */
