// SPDX-License-Identifier: MIT
/*
 * errno_kept — a successful call leaves errno as the program set it.
 *
 * Before each call errno holds a sentinel; after a call that succeeded
 * it must still hold it (libc never writes errno on success). One line
 * per call: "what ok", "what LEAK errno=NAME" or "what failed NAME".
 * The last line is "done N" with N the number of leaks. Run under a
 * policy whose own setsockopt calls fail at every event, so the shim
 * has an errno of its own to leak.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SENTINEL 12345

static int leaks;

static long check(const char *what, long ret, int err)
{
	if (ret < 0)
		printf("%s failed %s\n", what, strerrorname_np(err));
	else if (err != SENTINEL) {
		const char *name = strerrorname_np(err);

		printf("%s LEAK errno=%s\n", what, name ? name : "?");
		leaks++;
	} else {
		printf("%s ok\n", what);
	}
	return ret;
}

#define CALL(what, expr)                                 \
	({                                               \
		long r_;                                 \
		errno = SENTINEL;                        \
		r_ = (long)(expr);                       \
		check(what, r_, errno);                  \
	})

static struct sockaddr_in loopback(unsigned short port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	return a;
}

int main(void)
{
	struct sockaddr_in a = loopback(0), peer;
	socklen_t len = sizeof(a);
	int one = 1, v, l, c, s, r, d, sv[2];

	setvbuf(stdout, NULL, _IOLBF, 0);
	l = CALL("socket", socket(AF_INET, SOCK_STREAM, 0));
	CALL("setsockopt SO_REUSEADDR",
	     setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	CALL("bind", bind(l, (struct sockaddr *)&a, sizeof(a)));
	CALL("listen", listen(l, 8));
	if (getsockname(l, (struct sockaddr *)&a, &len) != 0) {
		perror("getsockname");
		return 2;
	}
	c = CALL("socket client", socket(AF_INET, SOCK_STREAM, 0));
	CALL("connect", connect(c, (struct sockaddr *)&a, sizeof(a)));
	len = sizeof(peer);
	s = CALL("accept", accept(l, (struct sockaddr *)&peer, &len));
	len = sizeof(v);
	CALL("getsockopt SO_TYPE", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len));
	CALL("setsockopt TCP_NODELAY",
	     setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));
	d = CALL("dup", dup(s));
	CALL("dup2", dup2(s, d));
	CALL("dup3", dup3(s, d, O_CLOEXEC));
	CALL("fcntl F_DUPFD", fcntl(s, F_DUPFD, 100));
	CALL("close_range", close_range(100, 100, 0));
	CALL("close dup", close(d));
	CALL("close accepted", close(s));
	CALL("close client", close(c));

	/* A socket the shim did not see made: it asks the kernel before the
	 * call (getpeername on an unconnected socket fails). */
	r = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	if (r < 0) {
		perror("SYS_socket");
		return 2;
	}
	a = loopback(0);
	CALL("bind unseen", bind(r, (struct sockaddr *)&a, sizeof(a)));
	CALL("listen unseen", listen(r, 8));
	len = sizeof(a);
	getsockname(r, (struct sockaddr *)&a, &len);
	c = CALL("socket client 2", socket(AF_INET, SOCK_STREAM, 0));
	CALL("connect 2", connect(c, (struct sockaddr *)&a, sizeof(a)));
	s = CALL("accept4", accept4(r, NULL, NULL, SOCK_CLOEXEC));
	CALL("close accepted 2", close(s));
	CALL("close client 2", close(c));
	CALL("close unseen", close(r));
	CALL("close listener", close(l));

	CALL("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CALL("close pair", close(sv[1]));
	errno = SENTINEL;
	closefrom(sv[0]);
	check("closefrom", 0, errno);
	printf("done %d\n", leaks);
	return leaks ? 1 : 0;
}
