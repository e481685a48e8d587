// SPDX-License-Identifier: MIT
/*
 * threads — socket calls from several threads at once, and a fork in
 * the middle of them.
 *
 *   threads [NTHREADS [LOOPS [CHILD_LOOPS]]]     (default 4 1000 10)
 *
 * Each thread loops socket + setsockopt(SO_KEEPALIVE) + close. When the
 * threads are half-way, the main thread forks; the child (one thread,
 * the others' state frozen mid-call) makes CHILD_LOOPS rounds of the same
 * calls and exits. Prints what succeeded, so the test can count records.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int loops = 1000;
static atomic_int progress;
static atomic_int failures;

struct counts {
	int sockets, setsockopts, closes;
};

static void round_trip(struct counts *c)
{
	int one = 1;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0) {
		atomic_fetch_add(&failures, 1);
		return;
	}
	c->sockets++;
	if (setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) == 0)
		c->setsockopts++;
	else
		atomic_fetch_add(&failures, 1);
	if (close(s) == 0)
		c->closes++;
	else
		atomic_fetch_add(&failures, 1);
}

static void *worker(void *arg)
{
	struct counts *c = arg;

	for (int i = 0; i < loops; i++) {
		round_trip(c);
		atomic_fetch_add(&progress, 1);
	}
	return NULL;
}

static int child(int n)
{
	struct counts c = { 0 };

	for (int i = 0; i < n; i++)
		round_trip(&c);
	printf("child pid=%d sockets=%d setsockopts=%d closes=%d\n",
	       (int)getpid(), c.sockets, c.setsockopts, c.closes);
	fflush(stdout);
	return c.sockets == n && c.setsockopts == n && c.closes == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	int nthreads = argc > 1 ? atoi(argv[1]) : 4;
	int child_loops = argc > 3 ? atoi(argv[3]) : 10;
	struct counts c[64], total = { 0 };
	pthread_t t[64];
	int status = -1;
	pid_t pid;

	if (argc > 2)
		loops = atoi(argv[2]);
	if (nthreads < 1 || nthreads > 64 || loops < 1)
		return 2;
	memset(c, 0, sizeof(c));
	for (int i = 0; i < nthreads; i++)
		if (pthread_create(&t[i], NULL, worker, &c[i]) != 0)
			return 2;
	while (atomic_load(&progress) < nthreads * loops / 2)
		sched_yield();
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(child(child_loops));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 2;
	for (int i = 0; i < nthreads; i++) {
		pthread_join(t[i], NULL);
		total.sockets += c[i].sockets;
		total.setsockopts += c[i].setsockopts;
		total.closes += c[i].closes;
	}
	printf("parent pid=%d sockets=%d setsockopts=%d closes=%d "
	       "failures=%d\n", (int)getpid(), total.sockets,
	       total.setsockopts, total.closes, atomic_load(&failures));
	printf("child exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) :
						      128 + WTERMSIG(status));
	return total.sockets == nthreads * loops ? 0 : 1;
}
