/* net_linux.c: privileged sockets and the privilege drop (see header). */
#define _GNU_SOURCE 1
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/net_linux.h"

static int
open_icmp(int family, bool *raw, int *err, unsigned mark)
{
	int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);

	*raw = fd != -1;
	if (fd == -1) {
		*err = errno;
		fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    proto);
		if (fd == -1)
			return -1;
	}
	if (mark != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark));
	return fd;
}

void
pp_net_open_privileged(struct pp_net *n, unsigned mark)
{
	memset(n, 0, sizeof(*n));
	n->icmp4 = open_icmp(AF_INET, &n->raw4, &n->err4, mark);
	if (n->icmp4 == -1 && n->err4 == 0)
		n->err4 = errno;
	n->icmp6 = open_icmp(AF_INET6, &n->raw6, &n->err6, mark);
	if (n->icmp6 == -1 && n->err6 == 0)
		n->err6 = errno;
	n->tcp4 = n->tcp6 = -1;
}

void
pp_net_open_raw_tcp(struct pp_net *n)
{
	n->tcp4 = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    IPPROTO_TCP);
	n->tcp6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    IPPROTO_TCP);
}

int
pp_net_drop_privileges(bool keep_net_admin)
{
	uid_t ruid = getuid();
	gid_t rgid = getgid();

	if (geteuid() != ruid || getegid() != rgid) {
		/* Set-user-ID or set-group-ID: become the real user. */
		if (geteuid() == 0 && setgroups(0, NULL) == -1)
			return -1;
		if (setresgid(rgid, rgid, rgid) == -1 ||
		    setresuid(ruid, ruid, ruid) == -1)
			return -1;
	} else {
		/* Root, or a file with capabilities: clear them all. */
		for (int cap = 0; cap <= 63; cap++) {
			if (keep_net_admin && cap == CAP_NET_ADMIN)
				continue;
			if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1 &&
			    errno != EINVAL && errno != EPERM)
				return -1;
		}
		struct __user_cap_header_struct h = {
			.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
		struct __user_cap_data_struct d[2];
		memset(d, 0, sizeof(d));
		/* CAP_NET_ADMIN is kept only where the run has it (a
		 * file with cap_net_raw alone must drop to nothing). */
		struct __user_cap_data_struct now[2];
		if (keep_net_admin && syscall(SYS_capget, &h, now) == 0 &&
		    (now[0].permitted & (1u << CAP_NET_ADMIN)) != 0) {
			d[0].effective = d[0].permitted =
			    1u << CAP_NET_ADMIN;
		}
		if (syscall(SYS_capset, &h, d) == -1 && errno != EPERM)
			return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	/* Verify: no way back. */
	if (geteuid() != getuid() || getegid() != getgid())
		return -1;
	if (ruid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return -1;
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) == 0) {
		uint32_t allowed = keep_net_admin ? 1u << CAP_NET_ADMIN : 0;
		if ((d[0].effective & ~allowed) != 0 ||
		    (d[0].permitted & ~allowed) != 0 || d[1].effective != 0 ||
		    d[1].permitted != 0)
			return -1;
	}
	return 0;
}

enum pp_net_setting
pp_net_try(int family, const char *iface, unsigned mark, int tos,
    const struct sockaddr *source, socklen_t source_len)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	enum pp_net_setting bad = PP_NET_OK;

	if (fd == -1)
		return PP_NET_SOCKET;
	if (iface != NULL && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface,
	    (socklen_t)strlen(iface)) == -1)
		bad = PP_NET_IFACE;
	else if (mark != 0 && setsockopt(fd, SOL_SOCKET, SO_MARK, &mark,
	    sizeof(mark)) == -1)
		bad = PP_NET_MARK;
	else if (tos >= 0 && (family == AF_INET6 ? setsockopt(fd,
	    IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos)) : setsockopt(fd,
	    IPPROTO_IP, IP_TOS, &tos, sizeof(tos))) == -1)
		bad = PP_NET_TOS;
	else if (source != NULL) {
		struct sockaddr_storage ss;
		if (source_len > sizeof(ss)) {
			errno = EINVAL;
			bad = PP_NET_SOURCE;
		} else {
			memcpy(&ss, source, source_len);
			if (ss.ss_family == AF_INET6)
				((struct sockaddr_in6 *)&ss)->sin6_port = 0;
			else
				((struct sockaddr_in *)&ss)->sin_port = 0;
			if (bind(fd, (struct sockaddr *)&ss, source_len) == -1)
				bad = PP_NET_SOURCE;
		}
	}
	int keep = errno;
	close(fd);
	errno = keep;
	return bad;
}

int
pp_net_route_source(const struct sockaddr *dst, socklen_t dlen,
    struct sockaddr_storage *src, socklen_t *slen)
{
	struct sockaddr_storage to;

	if (dlen > sizeof(to)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(&to, dst, dlen);
	/* Some systems refuse port 0 here; nothing is sent to it. */
	if (to.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&to)->sin6_port = htons(1);
	else
		((struct sockaddr_in *)&to)->sin_port = htons(1);
	int fd = socket(to.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	*slen = sizeof(*src);
	int rc = connect(fd, (struct sockaddr *)&to, dlen) == -1 ||
	    getsockname(fd, (struct sockaddr *)src, slen) == -1 ? -1 : 0;
	int keep = errno;
	close(fd);
	errno = keep;
	if (rc == 0) {
		if (src->ss_family == AF_INET6)
			((struct sockaddr_in6 *)src)->sin6_port = 0;
		else
			((struct sockaddr_in *)src)->sin_port = 0;
	}
	return rc;
}
