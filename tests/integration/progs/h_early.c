// SPDX-License-Identifier: MIT
/*
 * h_early — a library whose constructor makes a socket, as some
 * libraries do: preloaded next to sockshim (before or after it), its
 * calls may come before sockshim's own constructor has run.
 *
 * Prints "early: fd=N set=R reuseaddr=V" on stdout: the program tries
 * to turn SO_REUSEADDR off; under a policy forcing it, it reads 1.
 */
#include "build-config.h"

#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

__attribute__((constructor)) static void early(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int off = 0, v = -1, r;
	socklen_t len = sizeof(v);

	r = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &off, sizeof(off));
	getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &len);
	printf("early: fd=%d set=%d reuseaddr=%d\n", fd, r, v);
	fflush(stdout);
	close(fd);
}
