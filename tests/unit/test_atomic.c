/* SPDX-License-Identifier: BSD-2-Clause */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/atomic.h"
#include "tests/unit/check.h"

void test_atomic(void);

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK_ERRNO(f != NULL, path);
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static const char *
get(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f != NULL) {
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fclose(f);
	}
	return buf;
}

/* Files in dir, "." and ".." aside. */
static int
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
replace(const char *dir)
{
	char path[512];
	char tmp[1024];
	struct pp_atomic a;
	struct stat st;

	(void)snprintf(path, sizeof(path), "%s/pp.prom", dir);
	put(path, "old\n");
	CHECK_ERRNO(chmod(path, 0640) == 0, "chmod");
	int fd = pp_atomic_open(&a, path);
	CHECK_ERRNO(fd != -1 && fd == a.fd, "open");
	(void)snprintf(tmp, sizeof(tmp), "%s/%s", dir, a.tmp);
	CHECK(strncmp(a.tmp, ".pp.prom.tmp-", 13) == 0 &&
	    strlen(a.tmp) == 13 + 16, "a dot file beside it, 16 random "
	    "digits: %s", a.tmp);
	CHECK(lstat(tmp, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 0777) == 0640, "the replaced file's mode: %o",
	    (unsigned)st.st_mode);
	CHECK(write(fd, "new\n", 4) == 4, "write");
	CHECK_STR(get(path), "old\n", "old content until the commit");
	CHECK_ERRNO(pp_atomic_commit(&a) == 0, "commit");
	CHECK_STR(get(path), "new\n", "new content after it");
	CHECK(access(tmp, F_OK) == -1, "temporary gone");
	CHECK(a.fd == -1 && a.dirfd == -1 && a.tmp[0] == '\0', "released");
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640,
	    "mode kept: %o", (unsigned)st.st_mode);

	/* Abort: the file stays, the temporary goes. */
	fd = pp_atomic_open(&a, path);
	CHECK_ERRNO(fd != -1, "open 2");
	CHECK(write(fd, "partial", 7) == 7, "write 2");
	pp_atomic_abort(&a);
	CHECK_STR(get(path), "new\n", "content kept on abort");
	CHECK(entries(dir) == 1, "only the file left: %d", entries(dir));
	pp_atomic_abort(&a);	/* twice: harmless */

	/* Discard (the signal handler's part) removes only the temporary. */
	fd = pp_atomic_open(&a, path);
	CHECK_ERRNO(fd != -1, "open 3");
	pp_atomic_discard(&a);
	CHECK(entries(dir) == 1, "discarded: %d", entries(dir));
	pp_atomic_abort(&a);

	/* Names differ from one call to the next. */
	struct pp_atomic b;
	CHECK_ERRNO(pp_atomic_open(&a, path) != -1, "open a");
	CHECK_ERRNO(pp_atomic_open(&b, path) != -1, "open b");
	CHECK(strcmp(a.tmp, b.tmp) != 0, "two names: %s %s", a.tmp, b.tmp);
	pp_atomic_abort(&a);
	pp_atomic_abort(&b);

	/* A new file: 0666 less the umask. */
	char fresh[512];
	(void)snprintf(fresh, sizeof(fresh), "%s/fresh.svg", dir);
	mode_t mask = umask(027);
	CHECK_ERRNO(pp_atomic_write(fresh, "<svg/>", 6) == 0, "one shot");
	(void)umask(mask);
	CHECK_STR(get(fresh), "<svg/>", "one-shot content");
	CHECK(stat(fresh, &st) == 0 && (st.st_mode & 0777) == 0640,
	    "new file mode under umask 027: %o", (unsigned)st.st_mode);
	(void)unlink(fresh);

	/* A symlink at the target is replaced, its target untouched. */
	char victim[512];
	(void)snprintf(victim, sizeof(victim), "%s/victim", dir);
	put(victim, "precious\n");
	(void)unlink(path);
	CHECK_ERRNO(symlink(victim, path) == 0, "symlink");
	CHECK_ERRNO(pp_atomic_write(path, "svg\n", 4) == 0, "over a link");
	CHECK(lstat(path, &st) == 0 && S_ISREG(st.st_mode), "link replaced");
	CHECK_STR(get(victim), "precious\n", "link target untouched");
	(void)unlink(victim);
	(void)unlink(path);

	/* A relative name: the current directory. */
	char cwd[512];
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL, "getcwd");
	CHECK_ERRNO(chdir(dir) == 0, "chdir");
	CHECK_ERRNO(pp_atomic_write("rel", "r", 1) == 0, "relative");
	CHECK_ERRNO(chdir(cwd) == 0, "chdir back");
	char rel[512];
	(void)snprintf(rel, sizeof(rel), "%s/rel", dir);
	CHECK_STR(get(rel), "r", "relative name written in its directory");
	(void)unlink(rel);
}

static void
errors(const char *dir)
{
	struct pp_atomic a;
	char p[512];
	char longname[400];

	(void)snprintf(p, sizeof(p), "%s/none/x.svg", dir);
	errno = 0;
	CHECK(pp_atomic_open(&a, p) == -1 && errno == ENOENT,
	    "missing directory: %s", strerror(errno));
	(void)snprintf(p, sizeof(p), "%s/", dir);
	errno = 0;
	CHECK(pp_atomic_open(&a, p) == -1 && errno == EISDIR, "ends in /");
	errno = 0;
	CHECK(pp_atomic_open(&a, dir) == -1 && errno == EISDIR,
	    "a directory");
	errno = 0;
	CHECK(pp_atomic_open(&a, "") == -1 && errno == ENOENT, "empty");
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	(void)snprintf(p, sizeof(p), "%s/%s", dir, longname);
	errno = 0;
	CHECK(pp_atomic_open(&a, p) == -1 && errno == ENAMETOOLONG,
	    "name too long");
	/* A long name (250 bytes) still gets a temporary beside it. */
	longname[250] = '\0';
	(void)snprintf(p, sizeof(p), "%s/%s", dir, longname);
	CHECK_ERRNO(pp_atomic_write(p, "l", 1) == 0, "250-byte name");
	CHECK_STR(get(p), "l", "long name written");
	(void)unlink(p);
	errno = 0;
	CHECK(pp_atomic_commit(&a) == -1 && errno == EBADF,
	    "commit of nothing");
	CHECK(entries(dir) == 0, "nothing left: %d", entries(dir));
}

static void
output_open(const char *dir)
{
	char path[512];
	struct stat st;

	/* A new file; an existing one of ours truncated. */
	(void)snprintf(path, sizeof(path), "%s/out.gz", dir);
	int fd = pp_output_open(path, 0);
	CHECK_ERRNO(fd != -1, "create");
	CHECK(write(fd, "abc", 3) == 3, "write");
	close(fd);
	fd = pp_output_open(path, 0);
	CHECK(fd != -1 && fstat(fd, &st) == 0 && st.st_size == 0,
	    "truncated");
	close(fd);
	errno = 0;
	CHECK(pp_output_open(path, 1) == -1 && errno == EEXIST,
	    "excl: exists");
	/* excl never follows a (dangling) symlink. */
	char link[512];
	(void)snprintf(link, sizeof(link), "%s/link", dir);
	char target[512];
	(void)snprintf(target, sizeof(target), "%s/target", dir);
	CHECK_ERRNO(symlink(target, link) == 0, "symlink");
	errno = 0;
	CHECK(pp_output_open(link, 1) == -1 && errno == EEXIST,
	    "excl: a dangling link is not followed");
	CHECK(access(target, F_OK) == -1, "nothing created through it");
	/* Our own symlink outside a shared directory is followed. */
	fd = pp_output_open(link, 0);
	CHECK_ERRNO(fd != -1, "own link followed");
	if (fd != -1)
		close(fd);
	CHECK(access(target, F_OK) == 0, "created through our own link");
	(void)unlink(link);
	(void)unlink(target);
	(void)unlink(path);
}

void
test_atomic(void)
{
	char dir[] = "/tmp/pp-atomic-XXXXXX";

	CHECK_ERRNO(mkdtemp(dir) != NULL, "mkdtemp");
	replace(dir);
	errors(dir);
	output_open(dir);
	CHECK_ERRNO(rmdir(dir) == 0, "only our files were left");
}
