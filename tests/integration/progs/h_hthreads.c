// SPDX-License-Identifier: MIT
/*
 * h_hthreads — a small threaded program for helgrind under the shim:
 * THREADS threads each make LOOPS sockets, set and read options, bind,
 * listen and close, sharing nothing but the shim.
 *
 *   h_hthreads [THREADS [LOOPS]]     (default 4 50)
 */
#include "build-config.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static int loops = 50;

static void *work(void *arg)
{
	long bad = 0;

	(void)arg;
	for (int i = 0; i < loops; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		int fd = socket(AF_INET, SOCK_STREAM, 0), off = 0, v = -1;
		socklen_t len = sizeof(v);

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &off, sizeof(off));
		getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &len);
		if (v != 1 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
		    listen(fd, 1))
			bad++;
		close(fd);
	}
	return (void *)bad;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	long bad = 0;

	loops = argc > 2 ? atoi(argv[2]) : 50;
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, work, NULL);
	for (int i = 0; i < n; i++) {
		void *r;

		pthread_join(t[i], &r);
		bad += (long)r;
	}
	printf("threads=%d loops=%d bad=%ld\n", n, loops, bad);
	free(t);
	return bad != 0;
}
