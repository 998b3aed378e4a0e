/* SPDX-License-Identifier: BSD-2-Clause */
/* spawn.c: programs per event (see spawn.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/sanitize.h"
#include "lib/spawn.h"
#include "lib/util.h"

extern char **environ;

static void
say(struct pp_spawn *s, const char *msg)
{
	if (s->report != NULL)
		s->report(s->arg, msg);
}

int
pp_spawn_init(struct pp_spawn *s, char *const *argv, double timeout, int max)
{
	memset(s, 0, sizeof(*s));
	s->argv = argv;
	s->timeout = timeout;
	s->max = max > 0 ? max : 1;
	s->jobs = calloc((size_t)s->max, sizeof(*s->jobs));
	if (s->jobs == NULL) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

static void
event_free(struct pp_spawn_event *e)
{
	free(e->key);
	e->key = NULL;
	free(e->json);
	e->json = NULL;
	for (int i = 0; i < PP_SPAWN_ENV && e->env[i] != NULL; i++) {
		free(e->env[i]);
		e->env[i] = NULL;
	}
}

static void
job_free(struct pp_spawn_job *j)
{
	if (j->fd != -1)
		(void)close(j->fd);
	j->fd = -1;
	free(j->key);
	j->key = NULL;
	free(j->json);
	j->json = NULL;
}

/* write(2) with SIGPIPE held back (a program may end without reading:
 * that is its business, not a reason for us to die).  Returns what
 * write returned, errno kept. */
static ssize_t
write_quietly(int fd, const char *buf, size_t len)
{
	sigset_t pipe_set;
	sigset_t old;
	struct timespec zero = { 0, 0 };
	ssize_t w;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	(void)sigprocmask(SIG_BLOCK, &pipe_set, &old);
	do
		w = write(fd, buf, len);
	while (w < 0 && errno == EINTR);
	int saved = errno;
	while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
		;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return w;
}

/* Write what the pipe takes now; close it when all is written or the
 * program is gone. */
static void
pump(struct pp_spawn_job *j)
{
	while (j->fd != -1 && j->off < j->len) {
		ssize_t w = write_quietly(j->fd, j->json + j->off,
		    j->len - j->off);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			break;	/* EPIPE: it ended without reading it all */
		}
		j->off += (size_t)w;
	}
	if (j->fd != -1) {
		(void)close(j->fd);
		j->fd = -1;
	}
}

/* Start e (whose strings move to the job), or report why it could not. */
static void
start(struct pp_spawn *s, struct pp_spawn_event *e)
{
	int fds[2] = { -1, -1 };
	char why[512];
	size_t nenv = 0;
	char **envp = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid;
	int rc;

	while (environ[nenv] != NULL)
		nenv++;
	envp = calloc(nenv + PP_SPAWN_ENV + 1, sizeof(*envp));
	if (envp == NULL || pipe(fds) == -1) {
		rc = errno;
		goto fail;
	}
	(void)fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	(void)fcntl(fds[1], F_SETFL, O_NONBLOCK);
	size_t k = 0;
	for (size_t i = 0; i < nenv; i++)
		if (strncmp(environ[i], "PP_", 3) != 0)
			envp[k++] = environ[i];
	for (int i = 0; i < PP_SPAWN_ENV && e->env[i] != NULL; i++)
		envp[k++] = e->env[i];
	envp[k] = NULL;

	struct pp_spawn_job *j = &s->jobs[s->njobs];
	memset(j, 0, sizeof(*j));
	j->fd = fds[1];
	j->json = e->json;
	j->len = e->len;
	/* What the pipe takes goes in before the program starts: an event
	 * of up to the pipe's size is all there even for a program that
	 * never reads it. */
	pump(j);

	sigset_t none;
	sigset_t dfl;
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	posix_spawn_file_actions_adddup2(&fa, 2, 1);
	posix_spawnattr_init(&attr);
	/* Its own process group, killed as a whole at the timeout; a
	 * clean signal state whatever ours is. */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	rc = posix_spawnp(&pid, s->argv[0], &fa, &attr, s->argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	(void)close(fds[0]);
	fds[0] = -1;
	if (rc != 0) {
		if (j->fd == -1)
			fds[1] = -1;	/* closed by pump */
		j->fd = -1;
		j->json = NULL;
		goto fail;
	}
	j->pid = pid;
	j->deadline = pp_mono_ns() + (long long)(s->timeout * 1e9);
	j->killed = false;
	j->key = e->key;
	j->hash = e->hash;
	e->key = NULL;
	e->json = NULL;
	s->njobs++;
	s->started++;
	free(envp);
	return;
fail:
	if (fds[0] != -1)
		(void)close(fds[0]);
	if (fds[1] != -1)
		(void)close(fds[1]);
	free(envp);
	s->failed++;
	(void)snprintf(why, sizeof(why), "cannot run %s: %s", s->argv[0],
	    strerror(rc));
	say(s, why);
}

static bool
key_running(const struct pp_spawn *s, const struct pp_spawn_event *e)
{
	for (int i = 0; i < s->njobs; i++)
		if (s->jobs[i].hash == e->hash &&
		    strcmp(s->jobs[i].key, e->key) == 0)
			return true;
	return false;
}

/* Start waiting events, oldest first, each only when no event of its key
 * runs or waits before it. */
static void
start_ready(struct pp_spawn *s)
{
	const struct pp_spawn_event *held[PP_SPAWN_QUEUE];
	int nheld = 0;

	for (int i = 0; i < s->qlen && s->njobs < s->max;) {
		struct pp_spawn_event *e = &s->queue[i];
		bool wait = key_running(s, e);
		for (int h = 0; h < nheld && !wait; h++)
			wait = held[h]->hash == e->hash &&
			    strcmp(held[h]->key, e->key) == 0;
		if (wait) {
			held[nheld++] = e;
			i++;
			continue;
		}
		start(s, e);
		event_free(e);
		memmove(&s->queue[i], &s->queue[i + 1], (size_t)(s->qlen - i -
		    1) * sizeof(s->queue[0]));
		s->qlen--;
		memset(&s->queue[s->qlen], 0, sizeof(s->queue[0]));
		/* The held pointers before i stay valid: only later
		 * entries moved. */
	}
}

/* A job ended (status from waitpid): report what needs saying. */
static void
ended(struct pp_spawn *s, const struct pp_spawn_job *j, int status,
    bool known)
{
	char why[512];

	if (j->killed) {
		s->timed_out++;
		(void)snprintf(why, sizeof(why), "%s (pid %ld) ran past its "
		    "timeout of %g s and was killed with its process group",
		    s->argv[0], (long)j->pid, s->timeout);
		say(s, why);
	} else if (known && WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		s->failed++;
		(void)snprintf(why, sizeof(why), "%s (pid %ld) exited with "
		    "status %d", s->argv[0], (long)j->pid,
		    WEXITSTATUS(status));
		say(s, why);
	} else if (known && WIFSIGNALED(status)) {
		s->failed++;
		(void)snprintf(why, sizeof(why), "%s (pid %ld) killed by "
		    "signal %d", s->argv[0], (long)j->pid, WTERMSIG(status));
		say(s, why);
	}
	if (j->off < j->len) {
		s->unread++;
		(void)snprintf(why, sizeof(why), "%s (pid %ld) ended before "
		    "reading its whole event: %zu of %zu bytes written",
		    s->argv[0], (long)j->pid, j->off, j->len);
		say(s, why);
	}
}

void
pp_spawn_poll(struct pp_spawn *s)
{
	long long now = pp_mono_ns();

	for (int i = 0; i < s->njobs;) {
		struct pp_spawn_job *j = &s->jobs[i];
		int status = 0;
		pump(j);
		pid_t r = waitpid(j->pid, &status, WNOHANG);
		if (r == j->pid || (r == -1 && errno == ECHILD)) {
			ended(s, j, status, r == j->pid);
			job_free(j);
			s->jobs[i] = s->jobs[--s->njobs];
			memset(&s->jobs[s->njobs], 0, sizeof(s->jobs[0]));
			s->jobs[s->njobs].fd = -1;
			s->changed = true;
			continue;
		}
		if (!j->killed && now >= j->deadline) {
			/* The group: whatever it started goes too.  The
			 * leader is not reaped yet, so the id is still its. */
			(void)kill(-j->pid, SIGKILL);
			j->killed = true;
			if (j->fd != -1) {
				(void)close(j->fd);
				j->fd = -1;
			}
		}
		i++;
	}
	if (s->changed) {
		s->changed = false;
		start_ready(s);
	}
}

void
pp_spawn_event(struct pp_spawn *s, const char *key, const char *json,
    size_t len, char *const *env)
{
	pp_spawn_poll(s);
	if (s->qlen == PP_SPAWN_QUEUE) {
		s->dropped++;
		return;
	}
	struct pp_spawn_event *e = &s->queue[s->qlen];
	memset(e, 0, sizeof(*e));
	e->key = strdup(key);
	e->json = malloc(len + 1);
	if (e->key == NULL || e->json == NULL) {
		event_free(e);
		s->dropped++;
		return;
	}
	e->hash = pp_hash_str(key);
	memcpy(e->json, json, len);
	e->json[len] = '\n';
	e->len = len + 1;
	int n = 0;
	for (int i = 0; env != NULL && env[i] != NULL && n < PP_SPAWN_ENV;
	    i++) {
		const char *eq = strchr(env[i], '=');
		if (eq == NULL)
			continue;
		size_t nl = (size_t)(eq - env[i]);
		char *v = malloc(nl + 1 + PP_SPAWN_VALUE_MAX + 1);
		if (v == NULL)
			continue;
		memcpy(v, env[i], nl + 1);
		size_t need = pp_sanitize_term(v + nl + 1,
		    PP_SPAWN_VALUE_MAX + 1, eq + 1);
		if (need > PP_SPAWN_VALUE_MAX) {
			char why[256];
			s->cut++;
			(void)snprintf(why, sizeof(why), "%.*s cut to %d of its "
			    "%zu bytes for %s (the event on its standard input "
			    "holds the whole value)", (int)(nl > 64 ? 64 : nl),
			    env[i], PP_SPAWN_VALUE_MAX, need, s->argv[0]);
			say(s, why);
		}
		e->env[n++] = v;
	}
	s->qlen++;
	s->changed = true;
	pp_spawn_poll(s);
}

void
pp_spawn_wait(struct pp_spawn *s, int fd)
{
	struct pollfd *pfd = calloc((size_t)s->max + 1, sizeof(*pfd));

	if (pfd == NULL) {
		/* No memory to wait with: poll once, let the caller block. */
		pp_spawn_poll(s);
		return;
	}
	for (;;) {
		pp_spawn_poll(s);
		if (fd == -1 && s->njobs == 0 && s->qlen == 0)
			break;
		nfds_t n = 0;
		if (fd >= 0) {
			pfd[n].fd = fd;
			pfd[n].events = POLLIN;
			n++;
		}
		for (int i = 0; i < s->njobs; i++) {
			if (s->jobs[i].fd == -1)
				continue;
			pfd[n].fd = s->jobs[i].fd;
			pfd[n].events = POLLOUT;
			n++;
		}
		/* Ended programs are noticed within a tick; without any,
		 * only the input wakes us. */
		int ms = s->njobs > 0 ? PP_SPAWN_TICK_MS : -1;
		if (n == 0) {
			struct timespec t = { 0, PP_SPAWN_TICK_MS * 1000000L };
			(void)nanosleep(&t, NULL);
			continue;
		}
		int rc = poll(pfd, n, ms);
		if (rc == -1 && errno != EINTR)
			break;
		if (fd >= 0 && rc > 0 && pfd[0].revents != 0) {
			pp_spawn_poll(s);
			break;
		}
	}
	free(pfd);
}

void
pp_spawn_finish(struct pp_spawn *s)
{
	pp_spawn_wait(s, -1);
}

void
pp_spawn_signal(const struct pp_spawn *s, int sig)
{
	for (int i = 0; i < s->njobs; i++)
		if (s->jobs[i].pid > 0)
			(void)kill(-s->jobs[i].pid, sig);
}

void
pp_spawn_release(struct pp_spawn *s)
{
	for (int i = 0; i < s->qlen; i++)
		event_free(&s->queue[i]);
	s->qlen = 0;
	for (int i = 0; i < s->njobs; i++)
		job_free(&s->jobs[i]);
	s->njobs = 0;
	free(s->jobs);
	s->jobs = NULL;
}
