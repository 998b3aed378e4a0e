/* spawn.c: programs per event (see spawn.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
	return s->jobs == NULL ? -1 : 0;
}

static void
event_free(struct pp_spawn_event *e)
{
	free(e->json);
	e->json = NULL;
	for (int i = 0; e->env[i] != NULL; i++) {
		free(e->env[i]);
		e->env[i] = NULL;
	}
}

/* Write all of buf to fd, with SIGPIPE held back (the program may have
 * exited without reading: that is its business, not a reason to die). */
static void
write_quietly(int fd, const char *buf, size_t len)
{
	sigset_t pipe_set;
	sigset_t old;
	struct timespec zero = { 0, 0 };

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	(void)sigprocmask(SIG_BLOCK, &pipe_set, &old);
	while (len > 0) {
		ssize_t w = write(fd, buf, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		buf += w;
		len -= (size_t)w;
	}
	while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
		;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Start e in a free slot. */
static void
start(struct pp_spawn *s, struct pp_spawn_event *e)
{
	int fds[2];
	posix_spawn_file_actions_t fa;
	pid_t pid;
	size_t nenv = 0;

	while (environ[nenv] != NULL)
		nenv++;
	char **envp = calloc(nenv + PP_SPAWN_ENV + 1, sizeof(*envp));
	if (envp == NULL || pipe(fds) == -1) {
		char why[256];
		free(envp);
		s->failed++;
		(void)snprintf(why, sizeof(why), "cannot run %s: %s",
		    s->argv[0], strerror(errno));
		say(s, why);
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < nenv; i++)
		if (strncmp(environ[i], "PP_", 3) != 0)
			envp[k++] = environ[i];
	for (int i = 0; e->env[i] != NULL; i++)
		envp[k++] = e->env[i];
	envp[k] = NULL;
	(void)fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	(void)fcntl(fds[1], F_SETFL, O_NONBLOCK);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	posix_spawn_file_actions_adddup2(&fa, 2, 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	int rc = posix_spawnp(&pid, s->argv[0], &fa, NULL, s->argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	free(envp);
	(void)close(fds[0]);
	if (rc != 0) {
		(void)close(fds[1]);
		s->failed++;
		char why[256];
		(void)snprintf(why, sizeof(why), "cannot run %s: %s",
		    s->argv[0], strerror(rc));
		say(s, why);
		return;
	}
	size_t jl = strlen(e->json);
	char *line = malloc(jl + 1);
	if (line != NULL) {
		memcpy(line, e->json, jl);
		line[jl] = '\n';
		write_quietly(fds[1], line, jl + 1);
		free(line);
	}
	(void)close(fds[1]);
	struct pp_spawn_job *j = &s->jobs[s->njobs++];
	j->pid = pid;
	j->deadline = pp_mono_ns() + (long long)(s->timeout * 1e9);
	j->killed = false;
	s->started++;
}

void
pp_spawn_poll(struct pp_spawn *s)
{
	long long now = pp_mono_ns();

	for (int i = 0; i < s->njobs;) {
		struct pp_spawn_job *j = &s->jobs[i];
		int status;
		pid_t r = waitpid(j->pid, &status, WNOHANG);
		if (r == j->pid || (r == -1 && errno == ECHILD)) {
			char why[256];
			if (r == j->pid && j->killed) {
				s->timed_out++;
				(void)snprintf(why, sizeof(why), "%s (pid %ld) "
				    "ran past its timeout of %g s and was "
				    "killed", s->argv[0], (long)j->pid,
				    s->timeout);
				say(s, why);
			} else if (r == j->pid && WIFEXITED(status) &&
			    WEXITSTATUS(status) != 0) {
				s->failed++;
				(void)snprintf(why, sizeof(why), "%s (pid %ld) "
				    "exited with status %d", s->argv[0],
				    (long)j->pid, WEXITSTATUS(status));
				say(s, why);
			} else if (r == j->pid && WIFSIGNALED(status)) {
				s->failed++;
				(void)snprintf(why, sizeof(why), "%s (pid %ld) "
				    "killed by signal %d", s->argv[0],
				    (long)j->pid, WTERMSIG(status));
				say(s, why);
			}
			s->jobs[i] = s->jobs[--s->njobs];
			continue;
		}
		if (!j->killed && now >= j->deadline) {
			(void)kill(j->pid, SIGKILL);
			j->killed = true;
		}
		i++;
	}
	while (s->qlen > 0 && s->njobs < s->max) {
		struct pp_spawn_event *e = &s->queue[s->qhead];
		start(s, e);
		event_free(e);
		s->qhead = (s->qhead + 1) % PP_SPAWN_QUEUE;
		s->qlen--;
	}
}

void
pp_spawn_event(struct pp_spawn *s, const char *json, size_t len,
    char *const *env)
{
	pp_spawn_poll(s);
	if (s->qlen == PP_SPAWN_QUEUE) {
		s->dropped++;
		return;
	}
	struct pp_spawn_event *e = &s->queue[(s->qhead + s->qlen) %
	    PP_SPAWN_QUEUE];
	memset(e, 0, sizeof(*e));
	e->json = malloc(len + 1);
	if (e->json == NULL) {
		s->dropped++;
		return;
	}
	memcpy(e->json, json, len);
	e->json[len] = '\0';
	for (int i = 0; env != NULL && env[i] != NULL && i < PP_SPAWN_ENV;
	    i++)
		e->env[i] = strdup(env[i]);
	s->qlen++;
	pp_spawn_poll(s);
}

void
pp_spawn_finish(struct pp_spawn *s)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };

	for (;;) {
		pp_spawn_poll(s);
		if (s->njobs == 0 && s->qlen == 0)
			break;
		(void)nanosleep(&pause, NULL);
	}
}

void
pp_spawn_release(struct pp_spawn *s)
{
	while (s->qlen > 0) {
		event_free(&s->queue[s->qhead]);
		s->qhead = (s->qhead + 1) % PP_SPAWN_QUEUE;
		s->qlen--;
	}
	free(s->jobs);
	s->jobs = NULL;
}
