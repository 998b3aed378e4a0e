/* SPDX-License-Identifier: BSD-2-Clause */
/* spawn.h: run a program for each event, directly (posix_spawnp, never a
 * shell: hostnames and other text from the network are untrusted), with
 * the event's JSON line on its standard input, PP_* variables in its
 * environment, its standard output sent to our standard error (never into
 * the record stream), in a process group of its own that is killed as a
 * whole at the timeout, and at most a few running at once.
 *
 * Events carry a key (pp-alert: the target): events of one key run one
 * at a time in the order given, while events of other keys run beside
 * them.  Events that cannot start yet wait in a bounded queue; beyond it
 * they are dropped and counted.
 *
 * The whole event reaches the program however long it is: what the pipe
 * does not take at once is written as the program reads (pp_spawn_poll,
 * pp_spawn_wait); a program that ends or is killed before reading it all
 * is reported with the bytes it got.
 *
 * Environment values are made safe with lib/sanitize (control characters
 * as \xHH) and cut at PP_SPAWN_VALUE_MAX bytes, with a report naming the
 * variable; the event on standard input always holds the whole value.
 *
 * Nothing here blocks except pp_spawn_wait and pp_spawn_finish: the caller
 * calls pp_spawn_poll between records and pp_spawn_wait when its input
 * would block, so timeouts are enforced and queued events started while
 * the input is idle. */
#ifndef PP_SPAWN_H
#define PP_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PP_SPAWN_QUEUE 256	/* events waiting to start, at most */
#define PP_SPAWN_ENV 16		/* PP_* variables per event, at most */
#define PP_SPAWN_VALUE_MAX 4096	/* bytes of an environment value, at most */
#define PP_SPAWN_TICK_MS 10	/* while programs run, how often pp_spawn_wait
				 * looks for ended ones, ms */

/* A waiting event. */
struct pp_spawn_event {
	char *key;		/* its ordering key (owned) */
	uint64_t hash;		/* of key */
	char *json;		/* the event's line with its newline (owned) */
	size_t len;		/* bytes in json */
	char *env[PP_SPAWN_ENV + 1];	/* "PP_X=..." (owned), NULL-ended */
};

/* A running program. */
struct pp_spawn_job {
	pid_t pid;		/* its process, and its process group */
	long long deadline;	/* monotonic ns after which it is killed */
	bool killed;		/* its group got SIGKILL */
	char *key;		/* its event's key (owned) */
	uint64_t hash;		/* of key */
	int fd;			/* its standard input, -1 once closed */
	char *json;		/* the event (owned) */
	size_t len;		/* bytes in json */
	size_t off;		/* bytes written so far */
};

/* The runner.  Caller-provided storage. */
struct pp_spawn {
	char *const *argv;	/* program and arguments (borrowed) */
	double timeout;		/* seconds a program may run */
	int max;		/* programs at once */
	struct pp_spawn_job *jobs;	/* running (owned), njobs of max */
	int njobs;		/* running now */
	struct pp_spawn_event queue[PP_SPAWN_QUEUE];	/* waiting, oldest
							 * first */
	int qlen;		/* waiting now */
	bool changed;		/* a job ended or an event came: look at the
				 * queue again */
	unsigned long started;	/* programs started */
	unsigned long failed;	/* could not start, or exited non-zero */
	unsigned long timed_out;	/* killed at the timeout */
	unsigned long dropped;	/* events lost to a full queue */
	unsigned long unread;	/* programs that ended before reading their
				 * whole event */
	unsigned long cut;	/* environment values cut */
	void (*report)(void *arg, const char *msg);	/* problems, one line
							 * each (may be NULL) */
	void *arg;		/* for report */
};

/* Set up s to run argv (argv[0] searched in PATH), each program for at
 * most timeout seconds, max at once.  Returns 0 or -1 (ENOMEM). */
int pp_spawn_init(struct pp_spawn *s, char *const *argv, double timeout,
    int max);

/* Queue an event: key (events of one key run in order, one at a time),
 * json (len bytes, without a newline) and env (NULL-ended "NAME=value"
 * strings of any length; copied, values made safe and cut as above).
 * Starts it when it may. */
void pp_spawn_event(struct pp_spawn *s, const char *key, const char *json,
    size_t len, char *const *env);

/* Write what programs are waiting to read, reap ended ones, kill late
 * ones' groups, start waiting events.  Never blocks. */
void pp_spawn_poll(struct pp_spawn *s);

/* Wait until fd is readable (or at its end, or in error), running the
 * programs meanwhile as pp_spawn_poll does; returns at once when fd is
 * already readable.  fd -1: wait until every queued and running program
 * is done (each up to its timeout). */
void pp_spawn_wait(struct pp_spawn *s, int fd);

/* Wait for every queued and running program (each up to its timeout). */
void pp_spawn_finish(struct pp_spawn *s);

/* Send sig to the process group of every running program.
 * Async-signal-safe (for a handler of a fatal signal). */
void pp_spawn_signal(const struct pp_spawn *s, int sig);

/* Free s's memory (programs still running are left to run). */
void pp_spawn_release(struct pp_spawn *s);

#endif /* PP_SPAWN_H */
