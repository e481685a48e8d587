// SPDX-License-Identifier: MIT
/*
 * h_highfd — a socket moved to a high descriptor number.
 *
 *   h_highfd FD
 *
 * Raises RLIMIT_NOFILE past FD, dup2()s a TCP socket there, closes the
 * original, then setsockopt()s SO_REUSEADDR off and SO_RCVBUF to 1 MiB
 * on FD and prints what getsockopt reads back:
 *   "fd=FD reuseaddr=V rcvbuf=N". Exit 77 when the limit cannot rise.
 */
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int target = argc > 1 ? atoi(argv[1]) : 60000;
	struct rlimit rl;
	int fd, off = 0, big = 1 << 20, v = -1, buf = -1;
	socklen_t len = sizeof(v);

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1;
	if (rl.rlim_cur <= (rlim_t)target) {
		rl.rlim_cur = (rlim_t)target + 1;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
			perror("setrlimit");
			return 77;
		}
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || dup2(fd, target) != target) {
		perror("dup2");
		return 1;
	}
	close(fd);
	if (setsockopt(target, SOL_SOCKET, SO_REUSEADDR, &off, sizeof(off)) ||
	    setsockopt(target, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big))) {
		perror("setsockopt");
		return 1;
	}
	getsockopt(target, SOL_SOCKET, SO_REUSEADDR, &v, &len);
	len = sizeof(buf);
	getsockopt(target, SOL_SOCKET, SO_RCVBUF, &buf, &len);
	printf("fd=%d reuseaddr=%d rcvbuf=%d\n", target, v, buf);
	return close(target) != 0;
}
