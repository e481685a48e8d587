// SPDX-License-Identifier: MIT
/*
 * loss — ways for a process to end or multiply while it logs, for the
 * log-loss tests. Each "unit" is socket + setsockopt + close: 3 records
 * from the program (plus whatever the policy adds).
 *
 *   loss kill N            N units, print "ready PID", wait to be killed
 *   loss _exit N           N units, then _exit(0)
 *   loss exec N M          N units, exec itself to do M more, exit
 *   loss plain N           N units, exit normally
 *   loss threads T N F K   T threads × N units; the main thread forks F
 *                          children meanwhile, each doing K units
 *   loss procs P N         P processes × N units, all at once
 */
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void units(long n)
{
	int one = 1;

	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0) {
			perror("socket");
			exit(2);
		}
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		close(fd);
	}
}

static long units_per_thread;

static void *thread_main(void *arg)
{
	(void)arg;
	units(units_per_thread);
	return NULL;
}

static int reap(int children)
{
	int bad = 0, status;

	for (int i = 0; i < children; i++)
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			bad++;
	return bad;
}

static int threads(int t, long n, int forks, long k)
{
	pthread_t tid[64];

	units_per_thread = n;
	if (t > 64)
		t = 64;
	for (int i = 0; i < t; i++)
		pthread_create(&tid[i], NULL, thread_main, NULL);
	/* Fork while the other threads are inside their calls. */
	for (int i = 0; i < forks; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			units(k);
			_exit(0);
		}
		usleep(2000);
	}
	for (int i = 0; i < t; i++)
		pthread_join(tid[i], NULL);
	return reap(forks) ? 1 : 0;
}

static int procs(int p, long n)
{
	for (int i = 0; i < p; i++)
		if (fork() == 0) {
			units(n);
			exit(0);
		}
	return reap(p) ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	long n = argc > 2 ? atol(argv[2]) : 0;

	if (strcmp(mode, "kill") == 0) {
		units(n);
		printf("ready %d\n", (int)getpid());
		fflush(stdout);
		pause();
	} else if (strcmp(mode, "_exit") == 0) {
		units(n);
		_exit(0);
	} else if (strcmp(mode, "exec") == 0 && argc > 3) {
		units(n);
		execl("/proc/self/exe", argv[0], "plain", argv[3], (char *)NULL);
		perror("execl");
		return 2;
	} else if (strcmp(mode, "plain") == 0) {
		units(n);
	} else if (strcmp(mode, "threads") == 0 && argc > 5) {
		return threads(atoi(argv[2]), atol(argv[3]), atoi(argv[4]),
			       atol(argv[5]));
	} else if (strcmp(mode, "procs") == 0 && argc > 3) {
		return procs(atoi(argv[2]), atol(argv[3]));
	} else {
		fprintf(stderr, "usage: see the comment at the top of loss.c\n");
		return 2;
	}
	return 0;
}
