/* SPDX-License-Identifier: BSD-2-Clause */
/* test_tsdb.c: lib/http (URLs, a POST against a scripted server in a
 * child process) and lib/tsdb (the spool: order, bound, resume, lock,
 * retries with backoff, rejected batches). */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/http.h"
#include "lib/tsdb.h"
#include "tests/unit/check.h"

void test_tsdb(void);

static void
urls(void)
{
	static const struct {
		const char *in;
		int ok;
		const char *host, *port, *target, *authority;
	} cases[] = {
		{ "http://127.0.0.1:8428/write", 1, "127.0.0.1", "8428",
		    "/write", "127.0.0.1:8428" },
		{ "http://h/write?db=pp&precision=ns", 1, "h", "80",
		    "/write?db=pp&precision=ns", "h" },
		{ "http://[::1]:8086?db=x", 1, "::1", "8086", "/?db=x",
		    "[::1]:8086" },
		{ "http://[fd00::1]", 1, "fd00::1", "80", "/", "[fd00::1]" },
		{ "https://h/write", 0, NULL, NULL, NULL, NULL },
		{ "http://", 0, NULL, NULL, NULL, NULL },
		{ "http://h:0/", 0, NULL, NULL, NULL, NULL },
		{ "http://h:65536/", 0, NULL, NULL, NULL, NULL },
		{ "http://h:/", 0, NULL, NULL, NULL, NULL },
		{ "http://h:8x/", 0, NULL, NULL, NULL, NULL },
		{ "http://u:p@h/", 0, NULL, NULL, NULL, NULL },
		{ "http://h/a b", 0, NULL, NULL, NULL, NULL },
		{ "http://h/a\r\nX: y", 0, NULL, NULL, NULL, NULL },
		{ "http://h/#frag", 0, NULL, NULL, NULL, NULL },
		{ "http://[::1/", 0, NULL, NULL, NULL, NULL },
		{ "http://[::1]x/", 0, NULL, NULL, NULL, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pp_url u;
		struct pp_error e;
		pp_error_clear(&e);
		int r = pp_url_parse(cases[i].in, &u, &e);
		CHECK((r == 0) == cases[i].ok, "url %s: %d %s", cases[i].in, r,
		    e.msg);
		if (r != 0 || !cases[i].ok)
			continue;
		CHECK_STR(u.host, cases[i].host, cases[i].in);
		CHECK_STR(u.port, cases[i].port, cases[i].in);
		CHECK_STR(u.target, cases[i].target, cases[i].in);
		CHECK_STR(u.authority, cases[i].authority, cases[i].in);
	}
}

/* A scripted server: a child answering connection k with the status
 * statuses[k] (0: close without a word), after reading the request's
 * head and body; it appends each body to log.  Returns the child's pid
 * and the port. */
static pid_t
server(const int *statuses, int n, const char *log, int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 16) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == -1)
		return -1;
	*port = ntohs(sin.sin_port);
	pid_t pid = fork();
	if (pid != 0) {
		(void)close(fd);
		return pid;
	}
	for (int k = 0; k < n; k++) {
		int c = accept(fd, NULL, NULL);
		if (c == -1)
			_exit(1);
		char buf[65536];
		size_t got = 0;
		const char *eoh = NULL;
		size_t want = 0;
		while (got < sizeof(buf)) {
			ssize_t r = read(c, buf + got, sizeof(buf) - got);
			if (r <= 0)
				break;
			got += (size_t)r;
			if (eoh == NULL) {
				for (size_t i = 0; i + 4 <= got; i++)
					if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
						eoh = buf + i + 4;
						break;
					}
				if (eoh != NULL) {
					const char *cl = strstr(buf,
					    "Content-Length: ");
					want = cl != NULL ? (size_t)strtoul(cl +
					    16, NULL, 10) : 0;
				}
			}
			if (eoh != NULL && got - (size_t)(eoh - buf) >= want)
				break;
		}
		if (statuses[k] != 0) {
			FILE *f = fopen(log, "a");
			if (f != NULL && eoh != NULL) {
				fwrite(eoh, 1, want, f);
				fputs("--\n", f);
			}
			if (f != NULL)
				fclose(f);
			char resp[128];
			int m = snprintf(resp, sizeof(resp), "HTTP/1.1 %d X\r\n"
			    "Content-Length: 5\r\n\r\nbad\nx", statuses[k]);
			if (write(c, resp, (size_t)m) != m)
				_exit(1);
		}
		(void)close(c);
	}
	_exit(0);
}

static char *
slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* A port nothing listens on (bound, then closed). */
static int
closed_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == -1)
		return 9;
	(void)close(fd);
	return ntohs(sin.sin_port);
}

static void
spool(void)
{
	char dir[] = "/tmp/pp-tsdb-XXXXXX";
	char sp[256];
	char url[128];
	char log[300];
	struct pp_tsdb t;
	struct pp_tsdb t2;
	struct pp_error e;

	if (mkdtemp(dir) == NULL) {
		CHECK(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	(void)snprintf(sp, sizeof(sp), "%s/spool", dir);
	(void)snprintf(log, sizeof(log), "%s/log", dir);
	(void)snprintf(url, sizeof(url), "http://127.0.0.1:%d/write",
	    closed_port());
	struct pp_tsdb_opts o = {
		.url = url, .spool = sp, .spool_max = 20, .timeout_ms = 2000,
		.backoff_min = 0.5, .backoff_max = 2,
	};
	pp_error_clear(&e);
	CHECK(pp_tsdb_open(&t, &o, &e) == 0, "open: %s", e.msg);
	CHECK(pp_tsdb_add(&t, "a 1\n", 4) == 0, "add a");
	CHECK(pp_tsdb_add(&t, "b 2\n", 4) == 0, "add b");
	CHECK(pp_tsdb_add(&t, "", 0) == 0 && t.n == 2, "empty: nothing");
	/* The bound: 8 of 20 bytes held; 13 more would pass it. */
	errno = 0;
	CHECK(pp_tsdb_add(&t, "ccccccccccccc", 13) == -1 && errno == ENOSPC &&
	    t.refused == 1 && t.refused_bytes == 13 && t.n == 2,
	    "full: refused, counted");
	CHECK(pp_tsdb_add(&t, "c 3\n", 4) == 0 && t.bytes == 12, "add c");
	/* A second process: the spool is locked. */
	pp_error_clear(&e);
	CHECK(pp_tsdb_open(&t2, &o, &e) == -1 && strstr(e.msg,
	    "in use by another process") != NULL, "locked: %s", e.msg);
	/* Nothing listens: failures, the delay doubling to its cap. */
	static const double delays[] = { 0.5, 1, 2, 2 };
	double now = 100;
	for (int i = 0; i < 4; i++) {
		CHECK(pp_tsdb_due(&t, now), "due %d", i);
		CHECK(pp_tsdb_pump(&t, now) == PP_TSDB_FAILED && t.n == 3,
		    "failed %d", i);
		CHECK_NEAR(t.backoff, delays[i], 1e-9, "backoff");
		CHECK(!pp_tsdb_due(&t, now + delays[i] - 0.01) &&
		    pp_tsdb_pump(&t, now + delays[i] - 0.01) == PP_TSDB_IDLE,
		    "not due before the delay");
		now += delays[i];
	}
	CHECK(strstr(t.err, "Connection refused") != NULL, "why: %s", t.err);
	pp_tsdb_close(&t);

	/* Resumed by the next run, oldest first; a server answering 500,
	 * then 400 (rejected, set aside), then 204s. */
	int port = 0;
	int st[] = { 500, 204, 400, 204, 0, 204 };
	pid_t pid = server(st, 6, log, &port);
	CHECK(pid > 0, "server");
	(void)snprintf(url, sizeof(url), "http://127.0.0.1:%d/write?db=pp",
	    port);
	pp_error_clear(&e);
	CHECK(pp_tsdb_open(&t, &o, &e) == 0 && t.n == 3 && t.resumed == 3 &&
	    t.bytes == 12 && t.next_seq == 4, "resume: %s %zu", e.msg, t.n);
	CHECK(pp_tsdb_pump(&t, 0) == PP_TSDB_FAILED && t.last_status == 500 &&
	    strncmp(t.err, "HTTP 500: bad x", 15) == 0, "500: kept: %s",
	    t.err);
	CHECK(pp_tsdb_pump(&t, 1) == PP_TSDB_SENT && t.n == 2 &&
	    t.backoff == 0 && !t.failing, "sent a");
	CHECK(pp_tsdb_pump(&t, 1) == PP_TSDB_REJECTED && t.n == 1 &&
	    t.rejected == 1, "400: rejected b");
	CHECK(pp_tsdb_add(&t, "d 4\n", 4) == 0, "add d");
	CHECK(pp_tsdb_pump(&t, 1) == PP_TSDB_SENT, "sent c");
	CHECK(pp_tsdb_pump(&t, 1) == PP_TSDB_FAILED &&
	    strstr(t.err, "closed before the status line") != NULL,
	    "closed without a word: %s", t.err);
	CHECK(pp_tsdb_pump(&t, 2) == PP_TSDB_SENT && t.n == 0 &&
	    t.bytes == 0 && t.sent == 3, "sent d");
	CHECK(pp_tsdb_pump(&t, 3) == PP_TSDB_IDLE, "empty: idle");
	int ws = -1;
	CHECK(waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) &&
	    WEXITSTATUS(ws) == 0, "server done");
	/* Each batch once in order (the 500's and the silent close's
	 * attempts were logged too: a, b, c, d in between). */
	CHECK_STR(slurp(log), "a 1\n--\na 1\n--\nb 2\n--\nc 3\n--\nd 4\n--\n",
	    "bodies");
	char p[400];
	struct stat sb;
	(void)snprintf(p, sizeof(p), "%s/00000000000000000002.rejected", sp);
	CHECK(stat(p, &sb) == 0 && sb.st_size == 4, "rejected kept aside");
	(void)snprintf(p, sizeof(p), "%s/00000000000000000001.lp", sp);
	CHECK(stat(p, &sb) == -1, "sent removed");
	pp_tsdb_close(&t);
	/* A bad URL. */
	o.url = "https://x/";
	pp_error_clear(&e);
	CHECK(pp_tsdb_open(&t, &o, &e) == -1 && strstr(e.msg, "http://") !=
	    NULL, "bad url: %s", e.msg);
	(void)snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	CHECK(system(p) == 0, "cleanup");
}

/* The sender's messages, each line ended. */
static char said_buf[4096];

static void
collect(void *arg, const char *msg)
{
	size_t used = strlen(said_buf);

	(void)arg;
	(void)snprintf(said_buf + used, sizeof(said_buf) - used, "%s\n", msg);
}

static void
sender(void)
{
	char dir[] = "/tmp/pp-tsdb-XXXXXX";
	char sp[256];
	char url[128];
	char log[300];
	char want[1024];
	struct pp_tsdb t;
	struct pp_error e;

	if (mkdtemp(dir) == NULL) {
		CHECK(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	(void)snprintf(sp, sizeof(sp), "%s/spool", dir);
	(void)snprintf(log, sizeof(log), "%s/log", dir);
	/* A server answering 500, then 204: the failure said once, the
	 * recovery said, the drain waits for the retry. */
	int port = 0;
	int st[] = { 500, 204, 204, 204 };
	pid_t pid = server(st, 4, log, &port);
	CHECK(pid > 0, "server");
	(void)snprintf(url, sizeof(url), "http://127.0.0.1:%d/write", port);
	struct pp_tsdb_opts o = {
		.url = url, .spool = sp, .spool_max = 20, .timeout_ms = 2000,
		.backoff_min = 0.05, .backoff_max = 0.1, .report = collect,
	};
	pp_error_clear(&e);
	CHECK(pp_tsdb_open(&t, &o, &e) == 0, "open: %s", e.msg);
	said_buf[0] = '\0';
	CHECK(pp_tsdb_ship(&t, "a 1\n", 4) == 0 && t.n == 1, "ship a");
	(void)snprintf(want, sizeof(want), "cannot send to %s: HTTP 500: "
	    "bad x; 1 batch kept in %s, retried\n", url, sp);
	CHECK_STR(said_buf, want, "failure said");
	said_buf[0] = '\0';
	CHECK(pp_tsdb_ship(&t, "b 2\n", 4) == 0 && t.n == 2,
	    "ship b: not due yet");
	CHECK_STR(said_buf, "", "nothing more said while failing");
	CHECK(pp_tsdb_drain(&t, pp_tsdb_clock() + 5) == 0 && t.n == 0 &&
	    t.sent == 2, "drained: %zu left", t.n);
	(void)snprintf(want, sizeof(want), "sending to %s again after ", url);
	CHECK(strncmp(said_buf, want, strlen(want)) == 0 &&
	    strstr(said_buf, " s (1 attempts failed meanwhile)\n") != NULL &&
	    strchr(said_buf, '\n')[1] == '\0', "recovery said: %s",
	    said_buf);
	/* Full: said once until a batch is kept again, counted, and the
	 * drain says it and fails. */
	said_buf[0] = '\0';
	CHECK(pp_tsdb_ship(&t, "cccccccccccccccccccccc", 22) == 0 &&
	    pp_tsdb_ship(&t, "dddddddddddddddddddddd", 22) == 0 &&
	    t.refused == 2, "full: refused");
	(void)snprintf(want, sizeof(want), "the spool %s is full (0 bytes, "
	    "--spool-max 20): newer windows are not kept until the server "
	    "takes the older\n", sp);
	CHECK_STR(said_buf, want, "full said once");
	CHECK(pp_tsdb_ship(&t, "e 5\n", 4) == 0 && t.n == 0 && !t.said_full,
	    "kept and sent again: %zu", t.n);
	said_buf[0] = '\0';
	CHECK(pp_tsdb_drain(&t, pp_tsdb_clock()) == -1, "refused: fails");
	(void)snprintf(want, sizeof(want), "2 batches (44 bytes) lost: the "
	    "spool %s was full (--spool-max 20)\n", sp);
	CHECK_STR(said_buf, want, "lost said");
	int ws = -1;
	CHECK(waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) &&
	    WEXITSTATUS(ws) == 0, "server done");
	CHECK_STR(slurp(log), "a 1\n--\na 1\n--\nb 2\n--\ne 5\n--\n",
	    "bodies");
	pp_tsdb_close(&t);
	/* Nothing listens: left in the spool at the deadline, said. */
	(void)snprintf(url, sizeof(url), "http://127.0.0.1:%d/write",
	    closed_port());
	pp_error_clear(&e);
	CHECK(pp_tsdb_open(&t, &o, &e) == 0, "reopen: %s", e.msg);
	said_buf[0] = '\0';
	CHECK(pp_tsdb_ship(&t, "f 6\n", 4) == 0, "ship f");
	CHECK(pp_tsdb_drain(&t, pp_tsdb_clock() + 0.2) == -1 && t.n == 1,
	    "left: fails");
	(void)snprintf(want, sizeof(want), "cannot send to %s: connect "
	    "127.0.0.1:%s: Connection refused; 1 batch kept in %s, retried\n"
	    "1 batch (4 bytes) not sent to %s (connect 127.0.0.1:%s: "
	    "Connection refused): kept in %s for the next run\n", url,
	    t.url.port, sp, url, t.url.port, sp);
	CHECK_STR(said_buf, want, "left said");
	pp_tsdb_close(&t);
	char p[400];
	(void)snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	CHECK(system(p) == 0, "cleanup");
}

void
test_tsdb(void)
{
	urls();
	spool();
	sender();
}
