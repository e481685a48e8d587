// SPDX-License-Identifier: MIT
/*
 * sockloop — the benchmark's unit of work: socket + 2 setsockopt + close,
 * N times. Prints nanoseconds per iteration. Optional threads split the
 * iterations.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long iterations;

static void *loop(void *arg)
{
	int one = 1;

	(void)arg;
	for (long i = 0; i < iterations; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0) {
			perror("socket");
			exit(1);
		}
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		close(fd);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = argc > 2 ? atoi(argv[2]) : 1;
	pthread_t tid[64];
	struct timespec a, b;

	iterations = argc > 1 ? atol(argv[1]) : 100000;
	if (threads < 1 || threads > 64)
		threads = 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int t = 0; t < threads; t++)
		pthread_create(&tid[t], NULL, loop, NULL);
	for (int t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) /
				 ((double)iterations * threads));
	return 0;
}
