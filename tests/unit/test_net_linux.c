#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/net_linux.h"
#include "tests/unit/check.h"

void test_net_linux(void);

/* pp_net_try: each setting the kernel refuses is named with its reason;
 * what it takes passes.  (The mark needs CAP_NET_ADMIN: checked for the
 * reason only when this run lacks it; the bats tests run it as nobody.) */
void
test_net_linux(void)
{
	struct sockaddr_in lo4 = { .sin_family = AF_INET, .sin_port = 0 };
	struct sockaddr_in far4 = { .sin_family = AF_INET };
	struct sockaddr_in6 lo6 = { .sin6_family = AF_INET6 };

	inet_pton(AF_INET, "127.0.0.1", &lo4.sin_addr);
	/* TEST-NET-2: never an address of a test host. */
	inet_pton(AF_INET, "198.51.100.77", &far4.sin_addr);
	lo6.sin6_addr = in6addr_loopback;

	CHECK(pp_net_try(AF_INET, NULL, 0, -1, NULL, 0) == PP_NET_OK,
	    "nothing to try");
	CHECK(pp_net_try(AF_INET, "lo", 0, 0xb8, (struct sockaddr *)&lo4,
	    sizeof(lo4)) == PP_NET_OK, "lo, tos 0xb8, 127.0.0.1");
	errno = 0;
	CHECK(pp_net_try(AF_INET, "pp-no-such-if0", 0, -1, NULL, 0) ==
	    PP_NET_IFACE && errno == ENODEV, "no such interface: ENODEV "
	    "(errno %d)", errno);
	errno = 0;
	CHECK(pp_net_try(AF_INET, NULL, 0, -1, (struct sockaddr *)&far4,
	    sizeof(far4)) == PP_NET_SOURCE && errno == EADDRNOTAVAIL,
	    "a source not on this host: EADDRNOTAVAIL (errno %d)", errno);
	/* The interface is tried before the source. */
	CHECK(pp_net_try(AF_INET, "pp-no-such-if0", 0, -1,
	    (struct sockaddr *)&far4, sizeof(far4)) == PP_NET_IFACE,
	    "interface first");
	int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	if (s6 >= 0) {
		close(s6);
		CHECK(pp_net_try(AF_INET6, "lo", 0, 0x10, (struct sockaddr *)
		    &lo6, sizeof(lo6)) == PP_NET_OK, "IPv6: lo, ::1");
	}
	/* A mark: taken with CAP_NET_ADMIN, else EPERM, never ignored. */
	errno = 0;
	enum pp_net_setting m = pp_net_try(AF_INET, NULL, 42, -1, NULL, 0);
	CHECK(m == PP_NET_OK || (m == PP_NET_MARK && errno == EPERM),
	    "mark: %d (errno %d)", (int)m, errno);
}
