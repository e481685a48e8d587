// SPDX-License-Identifier: MIT
/*
 * h_forkloop — fork while other threads are inside socket calls.
 *
 *   h_forkloop [FORKS [THREADS]]     (default 50 4)
 *
 * THREADS threads loop socket + setsockopt + close until the main thread
 * has forked FORKS times. Each child (its parent's other threads frozen
 * wherever they were, maybe inside a hook) makes one socket, a
 * setsockopt and a close, and _exit(0)s; a child that fails exits 1 and
 * one that hangs never returns (the test's timeout). Prints
 * "children=N ok=N" and "child pid=P" for each child.
 */
#include "build-config.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static atomic_bool stop;
static atomic_long rounds;

static void *spin(void *arg)
{
	int one = 1;

	(void)arg;
	while (!atomic_load(&stop)) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		close(fd);
		atomic_fetch_add(&rounds, 1);
	}
	return NULL;
}

static void child(void)
{
	int off = 0, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &off, sizeof(off)) ||
	    close(fd))
		_exit(1);
	_exit(0);
}

int main(int argc, char **argv)
{
	int forks = argc > 1 ? atoi(argv[1]) : 50;
	int nthreads = argc > 2 ? atoi(argv[2]) : 4;
	pthread_t *t = calloc((size_t)nthreads, sizeof(*t));
	int ok = 0;

	for (int i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, spin, NULL);
	/* Let the threads get going, so forks land inside their calls. */
	while (atomic_load(&rounds) < 100)
		sched_yield();
	for (int i = 0; i < forks; i++) {
		pid_t pid = fork();
		int st;

		if (pid == 0)
			child();
		if (pid < 0) {
			perror("fork");
			break;
		}
		printf("child pid=%d\n", (int)pid);
		if (waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
		    WEXITSTATUS(st) == 0)
			ok++;
	}
	atomic_store(&stop, true);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	printf("children=%d ok=%d rounds=%ld\n", forks, ok,
	       atomic_load(&rounds));
	free(t);
	return ok == forks ? 0 : 1;
}
