// SPDX-License-Identifier: MIT
/*
 * h_sigclose — a signal handler that closes sockets while the main loop
 * is inside socket calls.
 *
 *   h_sigclose [MILLISECONDS]     (default 1000)
 *
 * An interval timer fires every 200 µs; its handler close()s the socket
 * the main loop is working on. The main loop makes sockets, sets
 * options and closes them (EBADF when the handler was first) until the
 * time is up. Prints "loops=N signals=N handler_closed=N max_ms=N", the
 * last the longest one round of the loop took.
 */
#include "build-config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t current = -1;
static volatile sig_atomic_t signals, closed;

static void on_alarm(int sig)
{
	int saved = errno, fd = current;

	(void)sig;
	signals++;
	if (fd >= 0 && close(fd) == 0)
		closed++;
	errno = saved;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	long long end = now_ms() + (argc > 1 ? atoi(argv[1]) : 1000);
	struct itimerval it = { { 0, 200 }, { 0, 200 } };
	struct sigaction sa;
	long loops = 0;
	long long max_ms = 0;
	int one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	if (setitimer(ITIMER_REAL, &it, NULL) != 0)
		return 1;
	while (now_ms() < end) {
		long long t0 = now_ms();
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		current = fd;
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		current = -1;
		close(fd);
		loops++;
		if (now_ms() - t0 > max_ms)
			max_ms = now_ms() - t0;
	}
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	printf("loops=%ld signals=%d handler_closed=%d max_ms=%lld\n", loops,
	       (int)signals, (int)closed, max_ms);
	return 0;
}
