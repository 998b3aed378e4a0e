/* spawn.h: run a program for each event, directly (posix_spawnp, never a
 * shell: hostnames and other text from the network are untrusted), with
 * the event's JSON on its standard input, PP_* variables in its
 * environment, its standard output sent to our standard error (never into
 * the record stream), a timeout after which it is killed, and at most a
 * few running at once; events beyond that wait in a bounded queue, and
 * beyond the queue are dropped and counted.  Nothing here blocks: the
 * caller polls between records. */
#ifndef PP_SPAWN_H
#define PP_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PP_SPAWN_QUEUE 256	/* events waiting for a slot, at most */
#define PP_SPAWN_ENV 16		/* PP_* variables per event, at most */

/* A waiting event. */
struct pp_spawn_event {
	char *json;		/* the event's JSON line (owned) */
	char *env[PP_SPAWN_ENV + 1];	/* "PP_X=..." (owned), NULL-ended */
};

/* A running program. */
struct pp_spawn_job {
	pid_t pid;		/* its process */
	long long deadline;	/* monotonic ns after which it is killed */
	bool killed;		/* SIGKILL sent */
};

/* The runner. Caller-provided storage. */
struct pp_spawn {
	char *const *argv;	/* program and arguments (borrowed) */
	double timeout;		/* seconds a program may run */
	int max;		/* programs at once */
	struct pp_spawn_job *jobs;	/* running (owned) */
	int njobs;		/* running now */
	struct pp_spawn_event queue[PP_SPAWN_QUEUE];	/* waiting */
	int qhead;		/* oldest waiting */
	int qlen;		/* waiting now */
	unsigned long started;	/* programs started */
	unsigned long failed;	/* could not start, or exited non-zero */
	unsigned long timed_out;	/* killed at the timeout */
	unsigned long dropped;	/* events lost to a full queue */
	void (*report)(void *arg, const char *msg);	/* problems, one line
							 * each (may be NULL) */
	void *arg;		/* for report */
};

/* Set up s to run argv (argv[0] searched in PATH).  Returns 0 or -1. */
int pp_spawn_init(struct pp_spawn *s, char *const *argv, double timeout,
    int max);

/* Queue an event: json (len bytes, without a newline) and env (NULL-ended
 * "NAME=value" strings, copied).  Starts it when a slot is free. */
void pp_spawn_event(struct pp_spawn *s, const char *json, size_t len,
    char *const *env);

/* Reap finished programs, kill late ones, start waiting events.  Never
 * blocks. */
void pp_spawn_poll(struct pp_spawn *s);

/* Wait for every queued and running program (each up to its timeout). */
void pp_spawn_finish(struct pp_spawn *s);

/* Free s's memory (programs still running are left to run). */
void pp_spawn_release(struct pp_spawn *s);

#endif /* PP_SPAWN_H */
