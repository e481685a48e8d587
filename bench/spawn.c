// SPDX-License-Identifier: MIT
/*
 * spawn — process start-up: posix_spawn and wait for PROGRAM, N times,
 * with this process's environment. Prints microseconds per start.
 *
 *   spawn N PROGRAM [ARGS...]
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

int main(int argc, char **argv)
{
	struct timespec a, b;
	long n;

	if (argc < 3 || (n = atol(argv[1])) < 1) {
		fprintf(stderr, "usage: spawn N PROGRAM [ARGS...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		pid_t pid;
		int st;

		if (posix_spawn(&pid, argv[2], NULL, NULL, argv + 2,
				environ) != 0 ||
		    waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0) {
			fprintf(stderr, "spawn: %s failed\n", argv[2]);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 +
			  (b.tv_nsec - a.tv_nsec)) / n / 1000);
	return 0;
}
