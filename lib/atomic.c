/* SPDX-License-Identifier: BSD-2-Clause */
/* atomic.c: replacing a file atomically, opening an output safely (see
 * atomic.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif
#include <unistd.h>
#ifdef HAVE_GETRANDOM
#include <sys/random.h>
#endif

#include "lib/atomic.h"

/* The longest part of the target's name kept in the temporary's name:
 * "." + this + ".tmp-" + 16 digits fits in NAME_MAX (255). */
#define BASE_KEEP 200

/* Hold back the signals that end a process by default and that a user or
 * the system sends from outside (never the synchronous ones). */
static void
hold_signals(sigset_t *old)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM,
	    SIGUSR1, SIGUSR2, SIGPIPE, SIGXFSZ };
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	(void)sigprocmask(SIG_BLOCK, &set, old);
}

static void
release_signals(const sigset_t *old)
{
	int saved = errno;

	(void)sigprocmask(SIG_SETMASK, old, NULL);
	errno = saved;
}

/* n random bytes from the kernel.  Returns 0, or -1 with errno. */
static int
random_bytes(unsigned char *p, size_t n)
{
#ifdef HAVE_GETRANDOM
	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOSYS)
				break;
			return -1;
		}
		p += got;
		n -= (size_t)got;
	}
	if (n == 0)
		return 0;
#endif
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	while (n > 0) {
		ssize_t got = read(fd, p, n);
		if (got <= 0) {
			if (got < 0 && errno == EINTR)
				continue;
			int saved = got == 0 ? EIO : errno;
			(void)close(fd);
			errno = saved;
			return -1;
		}
		p += got;
		n -= (size_t)got;
	}
	(void)close(fd);
	return 0;
}

static void
release(struct pp_atomic *a)
{
	if (a->fd != -1)
		(void)close(a->fd);
	a->fd = -1;
	if (a->dirfd != -1)
		(void)close(a->dirfd);
	a->dirfd = -1;
	a->tmp[0] = '\0';
	a->direct = 0;
}

/* How name in dirfd is written: 0 replaced (a regular file, a directory,
 * nothing, any other symlink), 1 written in place (a character device,
 * FIFO or socket, or a name of an open file: a symlink in /proc, or one
 * into /proc in a directory only root can write, as /dev/stdout ->
 * /proc/self/fd/1, to a device, FIFO or socket), 2 in place and truncated
 * (such a name of a regular file: `>/dev/stdout` when stdout is a file),
 * -1 refused (a block device, however reached). */
static int
write_in_place(int dirfd, const char *name)
{
	struct stat st, dst;
	struct statfs fs;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return 0;
	if (S_ISLNK(st.st_mode)) {
		if (fstat(dirfd, &dst) == -1)
			return 0;
		char to[16];
		ssize_t n = readlinkat(dirfd, name, to, sizeof(to));
		bool root_only = dst.st_uid == 0 &&
		    (dst.st_mode & (S_IWOTH | S_IWGRP)) == 0;
		bool proc = fstatfs(dirfd, &fs) == 0 &&
		    fs.f_type == PROC_SUPER_MAGIC;
		bool to_proc = n >= 6 && memcmp(to, "/proc/", 6) == 0;
		if (!(proc || (root_only && to_proc)) ||
		    fstatat(dirfd, name, &st, 0) == -1)
			return 0;
		if (S_ISREG(st.st_mode))
			return 2;
	}
	if (S_ISBLK(st.st_mode))
		return -1;
	return S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) ||
	    S_ISSOCK(st.st_mode) ? 1 : 0;
}

int
pp_atomic_open(struct pp_atomic *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL ? slash + 1 : path;
	size_t blen = strlen(base);
	struct stat st;

	memset(a, 0, sizeof(*a));
	a->dirfd = -1;
	a->fd = -1;
	if (path[0] == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (blen == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		errno = EISDIR;
		return -1;
	}
	if (blen >= sizeof(a->base)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(a->base, base, blen + 1);
	if (slash == NULL) {
		a->dirfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else {
		size_t dlen = slash == path ? 1 : (size_t)(slash - path);
		char *dir = malloc(dlen + 1);
		if (dir == NULL)
			return -1;
		memcpy(dir, path, dlen);
		dir[dlen] = '\0';
		a->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		free(dir);
	}
	if (a->dirfd == -1)
		return -1;
	int how = write_in_place(a->dirfd, a->base);
	switch (how) {
	case 1:
	case 2:
		a->fd = openat(a->dirfd, a->base, O_WRONLY | O_NOCTTY |
		    O_CLOEXEC | (how == 2 ? O_TRUNC : 0));
		if (a->fd == -1) {
			int saved = errno;
			release(a);
			errno = saved;
			return -1;
		}
		a->direct = 1;
		return a->fd;
	case -1:
		release(a);
		errno = EOPNOTSUPP;	/* "Operation not supported" */
		return -1;
	default:
		break;
	}
	bool keep_mode = fstatat(a->dirfd, a->base, &st,
	    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
	if (keep_mode) {
		a->mode = st.st_mode & 0777;
	} else if (fstatat(a->dirfd, a->base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode)) {
		release(a);
		errno = EISDIR;
		return -1;
	}
	int keep = blen > BASE_KEEP ? BASE_KEEP : (int)blen;
	for (int i = 0; i < 100; i++) {
		unsigned char r[8];
		if (random_bytes(r, sizeof(r)) == -1)
			break;
		(void)snprintf(a->tmp, sizeof(a->tmp), "%s%.*s.tmp-"
		    "%02x%02x%02x%02x%02x%02x%02x%02x",
		    base[0] == '.' ? "" : ".", keep, base, r[0], r[1], r[2],
		    r[3], r[4], r[5], r[6], r[7]);
		a->fd = openat(a->dirfd, a->tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, keep_mode ? 0600 : 0666);
		if (a->fd != -1)
			break;
		a->tmp[0] = '\0';
		if (errno != EEXIST)
			break;
	}
	if (a->fd == -1) {
		int saved = errno;
		release(a);
		errno = saved;
		return -1;
	}
	if (keep_mode && fchmod(a->fd, a->mode) == -1) {
		pp_atomic_abort(a);
		return -1;
	}
	return a->fd;
}

int
pp_atomic_commit(struct pp_atomic *a)
{
	sigset_t old;

	if (a->fd == -1 || (a->tmp[0] == '\0' && !a->direct)) {
		errno = EBADF;
		return -1;
	}
	if (a->direct && a->fd != -1) {
		int rc = close(a->fd);
		a->fd = -1;
		int saved = errno;
		release(a);
		errno = saved;
		return rc == -1 && errno != EINTR ? -1 : 0;
	}
	hold_signals(&old);
	if (fsync(a->fd) == -1)
		goto fail;
	int fd = a->fd;
	a->fd = -1;
	if (close(fd) == -1)
		goto fail;
	if (renameat(a->dirfd, a->tmp, a->dirfd, a->base) == -1)
		goto fail;
	a->tmp[0] = '\0';
	/* The new name is on disk only when the directory is; a file
	 * system that cannot sync a directory says EINVAL. */
	int rc = 0;
	if (fsync(a->dirfd) == -1 && errno != EINVAL)
		rc = -1;
	int saved = errno;
	release(a);
	errno = saved;
	release_signals(&old);
	return rc;
fail:
	pp_atomic_abort(a);
	release_signals(&old);
	return -1;
}

void
pp_atomic_abort(struct pp_atomic *a)
{
	int saved = errno;

	if (a->tmp[0] != '\0' && a->dirfd != -1)
		(void)unlinkat(a->dirfd, a->tmp, 0);
	release(a);
	errno = saved;
}

void
pp_atomic_discard(const struct pp_atomic *a)
{
	if (a->tmp[0] != '\0' && a->dirfd != -1)
		(void)unlinkat(a->dirfd, a->tmp, 0);
}

int
pp_atomic_write(const char *path, const void *buf, size_t len)
{
	struct pp_atomic a;
	sigset_t old;
	const char *p = buf;

	hold_signals(&old);
	if (pp_atomic_open(&a, path) == -1) {
		release_signals(&old);
		return -1;
	}
	while (len > 0) {
		ssize_t w = write(a.fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			pp_atomic_abort(&a);
			release_signals(&old);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	int rc = pp_atomic_commit(&a);
	release_signals(&old);
	return rc;
}

/* Whether st is a sticky directory that others may write to. */
static bool
shared_dir(const struct stat *st)
{
	return (st->st_mode & S_ISVTX) != 0 &&
	    (st->st_mode & (S_IWOTH | S_IWGRP)) != 0;
}

/* The directory holding path, by stat.  Returns 0, or -1 with errno. */
static int
stat_dir(const char *path, struct stat *st)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return stat(".", st);
	if (slash == path)
		return stat("/", st);
	size_t n = (size_t)(slash - path);
	char *dir = malloc(n + 1);
	if (dir == NULL)
		return -1;
	memcpy(dir, path, n);
	dir[n] = '\0';
	int rc = stat(dir, st);
	free(dir);
	return rc;
}

int
pp_output_open(const char *path, int excl)
{
	struct stat dst;
	struct stat st;
	uid_t me = geteuid();

	if (excl)
		return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0666);
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd == -1 && errno == ELOOP) {
		/* A symlink: follow it unless it sits in a shared sticky
		 * directory and belongs to someone else. */
		if (lstat(path, &st) == -1 || stat_dir(path, &dst) == -1)
			return -1;
		if (S_ISLNK(st.st_mode) && shared_dir(&dst) &&
		    st.st_uid != me && st.st_uid != dst.st_uid) {
			errno = EACCES;
			return -1;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	}
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (S_ISREG(st.st_mode) && st.st_uid != me) {
		/* Someone else's file in a shared sticky directory is not
		 * ours to fill (fs.protected_regular). */
		if (stat_dir(path, &dst) == -1)
			goto fail;
		if (shared_dir(&dst) && st.st_uid != dst.st_uid) {
			errno = EACCES;
			goto fail;
		}
	}
	if (S_ISREG(st.st_mode) && ftruncate(fd, 0) == -1)
		goto fail;
	return fd;
fail:;
	int saved = errno;
	(void)close(fd);
	errno = saved;
	return -1;
}
