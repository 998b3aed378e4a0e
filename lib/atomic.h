/* SPDX-License-Identifier: BSD-2-Clause */
/* atomic.h: the one way a command replaces a file (pp-plot's SVG and HTML
 * report, pp-stats -o, --refresh rewrites): the new contents go to a
 * temporary file in the target's directory, created with O_CREAT|O_EXCL|
 * O_NOFOLLOW under an unpredictable name (".BASE.tmp-" and 16 random hex
 * digits, a dot file, so a directory's readers such as node_exporter's
 * textfile collector never see it), then fsync, rename over the target,
 * fsync of the directory.  A reader of the target sees the old file or the
 * new one, never a part; nobody else's file is ever followed or written:
 * a symlink or file planted at the temporary name makes the create fail
 * (EEXIST) and another random name is tried.  The directory is opened once
 * and every later step is relative to it, so swapping a path component
 * meanwhile changes nothing.
 *
 * The new file gets mode 0666 less the umask, or the permission bits
 * (0777) of the regular file it replaces.  A symlink at the target itself
 * is replaced, never followed (like mv).
 *
 * What is not a file is written, never replaced: a character device, a
 * FIFO or a socket at the target (-o /dev/null, a named pipe), and the
 * names of open files (/dev/stdout, /dev/stderr, /dev/fd/N,
 * /proc/self/fd/N: symlinks in /proc, or into /proc from a directory only
 * root can write) are opened for writing as a shell's `>` opens them
 * (a regular file behind such a name is truncated), and committing closes
 * them.  A block device is refused (EOPNOTSUPP).
 *
 * Also here: pp_output_open(), for files written as a stream (the
 * probers' -o archive), which refuses what the kernel's
 * fs.protected_symlinks and fs.protected_regular refuse, whatever they
 * are set to. */
#ifndef PP_ATOMIC_H
#define PP_ATOMIC_H

#include <stddef.h>
#include <sys/types.h>

#define PP_ATOMIC_NAME 256	/* bytes for a file name in a directory */

/* A replacement in progress.  Caller-provided storage; every field is
 * set by pp_atomic_open. */
struct pp_atomic {
	int dirfd;		/* the target's directory, -1 when none */
	int fd;			/* the temporary file, for writing; -1 none */
	mode_t mode;		/* permission bits for the new file */
	char base[PP_ATOMIC_NAME];	/* the target's name in dirfd */
	char tmp[PP_ATOMIC_NAME];	/* the temporary's name, "" none */
	int direct;		/* 1: fd is the target itself (a device,
				 * FIFO or socket), written in place */
};

/* Create the temporary file for replacing path.  Returns its descriptor
 * (also in a->fd; owned by a: write to it, never close it), or -1 with
 * errno (ENOENT/EACCES for the directory, EISDIR when path names a
 * directory, ENAMETOOLONG, or what getrandom/open said). */
int pp_atomic_open(struct pp_atomic *a, const char *path);

/* Flush the temporary to disk, close it and rename it over the target,
 * then flush the directory.  Returns 0, or -1 with errno; on failure the
 * temporary is removed and the target left as it was.  a is released
 * either way.  Termination signals are held back meanwhile. */
int pp_atomic_commit(struct pp_atomic *a);

/* Close and remove the temporary, leaving the target as it was; a is
 * released.  Harmless on a released a.  Keeps errno. */
void pp_atomic_abort(struct pp_atomic *a);

/* Remove the temporary and nothing else: async-signal-safe, for a
 * command's handler of a fatal signal (which then re-raises it). */
void pp_atomic_discard(const struct pp_atomic *a);

/* Replace path with buf[0..len-1] in one call (open, write, commit), with
 * the termination signals (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM,
 * SIGUSR1, SIGUSR2, SIGPIPE, SIGXFSZ) held back until the temporary is
 * renamed or removed: a signal never leaves one behind.  Returns 0, or
 * -1 with errno, the target untouched. */
int pp_atomic_write(const char *path, const void *buf, size_t len);

/* Open path for writing as a stream (created with mode 0666 less the
 * umask, or truncated), refusing like the kernel's protections do in a
 * sticky directory that others may write to (such as /tmp): a symlink
 * there is followed only when it belongs to the caller or to the
 * directory's owner, and an existing file there is truncated only when it
 * belongs to one of them (else EACCES).  Elsewhere symlinks are followed
 * (-o /dev/stdout works).  excl: the file must not exist yet (O_EXCL,
 * never following a symlink).  Returns the descriptor (O_CLOEXEC), or -1
 * with errno. */
int pp_output_open(const char *path, int excl);

#endif /* PP_ATOMIC_H */
