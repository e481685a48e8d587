// SPDX-License-Identifier: MIT
/*
 * errors — calls that fail in known ways, one line each: "what ret errno".
 * The shim must pass every failure through unchanged and never crash on
 * the bad pointers and lengths given here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, long ret, int err)
{
	printf("%s %ld %s\n", what, ret, ret < 0 ? strerrorname_np(err) : "-");
}

#define TRY(what, expr)                         \
	do {                                    \
		long r_;                        \
		errno = 0;                      \
		r_ = (long)(expr);              \
		show(what, r_, errno);          \
	} while (0)

/* An address the kernel refuses (EFAULT), hidden from the compiler. */
static void *wild(void)
{
	volatile uintptr_t p = 8;

	return (void *)p;
}

static struct sockaddr_in loopback(unsigned short port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	return a;
}

static unsigned short port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		return 0;
	return ntohs(a.sin_port);
}

int main(int argc, char **argv)
{
	const char *file = argc > 1 ? argv[1] : "/dev/null";
	struct sockaddr_in a = loopback(0);
	struct linger lg = { 1, 2 };
	int one = 1, v, reg, s, l, u, t, d;
	socklen_t len;

	setvbuf(stdout, NULL, _IOLBF, 0);
	reg = open(file, O_RDONLY | O_CLOEXEC);
	if (reg < 0) {
		perror(file);
		return 2;
	}
	s = socket(AF_INET, SOCK_STREAM, 0);
	u = socket(AF_INET, SOCK_DGRAM, 0);

	/* Bad descriptors. */
	TRY("setsockopt fd=-1 SO_REUSEADDR",
	    setsockopt(-1, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	TRY("setsockopt fd=9999 TCP_NODELAY",
	    setsockopt(9999, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));
	len = sizeof(v);
	TRY("getsockopt fd=9999 SO_TYPE",
	    getsockopt(9999, SOL_SOCKET, SO_TYPE, &v, &len));
	TRY("setsockopt regular-file SO_REUSEADDR",
	    setsockopt(reg, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	len = sizeof(v);
	TRY("getsockopt regular-file SO_TYPE",
	    getsockopt(reg, SOL_SOCKET, SO_TYPE, &v, &len));
	TRY("bind regular-file", bind(reg, (struct sockaddr *)&a, sizeof(a)));
	TRY("listen fd=-1", listen(-1, 1));
	TRY("connect fd=9999", connect(9999, (struct sockaddr *)&a, sizeof(a)));
	TRY("accept regular-file", accept(reg, NULL, NULL));

	/* Levels, options, lengths and pointers. */
	TRY("setsockopt level=12345",
	    setsockopt(s, 12345, 1, &one, sizeof(one)));
	TRY("setsockopt SOL_SOCKET opt=9999",
	    setsockopt(s, SOL_SOCKET, 9999, &one, sizeof(one)));
	len = sizeof(v);
	TRY("getsockopt IPPROTO_TCP opt=9999",
	    getsockopt(s, IPPROTO_TCP, 9999, &v, &len));
	TRY("setsockopt SO_LINGER optlen=1",
	    setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, 1));
	TRY("setsockopt SO_REUSEADDR optlen=0",
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, 0));
	TRY("setsockopt TCP_NODELAY optval=NULL",
	    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, NULL, sizeof(int)));
	TRY("setsockopt SO_LINGER optval=NULL",
	    setsockopt(s, SOL_SOCKET, SO_LINGER, NULL, sizeof(lg)));
	TRY("setsockopt SO_REUSEADDR optval=8",
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, wild(), sizeof(int)));
	TRY("setsockopt SO_LINGER optval=8",
	    setsockopt(s, SOL_SOCKET, SO_LINGER, wild(), sizeof(lg)));
	TRY("setsockopt SO_RCVBUF optval=8",
	    setsockopt(s, SOL_SOCKET, SO_RCVBUF, wild(), sizeof(int)));
	len = sizeof(v);
	TRY("getsockopt SO_REUSEADDR optval=8",
	    getsockopt(s, SOL_SOCKET, SO_REUSEADDR, wild(), &len));
	TRY("getsockopt SO_REUSEADDR optlen=NULL",
	    getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, NULL));
	TRY("getsockopt SO_REUSEADDR optlen=8",
	    getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, wild()));
	len = (socklen_t)-1;
	TRY("getsockopt SO_LINGER optlen=-1",
	    getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &len));
	/* Success with a short buffer: the kernel writes one byte. */
	len = 1;
	v = 0;
	TRY("getsockopt SO_TYPE optlen=1",
	    getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len));
	printf("  len=%u byte=%d\n", len, v & 0xff);
	len = 0;
	TRY("getsockopt SO_LINGER optval=NULL optlen=0",
	    getsockopt(s, SOL_SOCKET, SO_LINGER, NULL, &len));
	printf("  len=%u\n", len);
	TRY("bind addr=8", bind(s, wild(), sizeof(a)));
	TRY("connect addr=8", connect(s, wild(), sizeof(a)));
	TRY("bind addrlen=1", bind(s, (struct sockaddr *)&a, 1));

	/* Wrong state. */
	TRY("accept non-listener", accept(s, NULL, NULL));
	TRY("accept4 bad flags", accept4(s, NULL, NULL, 0x7fff0000));
	TRY("listen udp", listen(u, 1));

	/* socket() itself. */
	TRY("socket family=12345", socket(12345, SOCK_STREAM, 0));
	TRY("socket type=12345", socket(AF_INET, 12345, 0));
	TRY("socket stream proto=udp",
	    socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
	TRY("socketpair inet", socketpair(AF_INET, SOCK_STREAM, 0, (int *)&lg));
	TRY("socketpair sv=8", socketpair(AF_UNIX, SOCK_STREAM, 0, wild()));

	/* Addresses. */
	l = socket(AF_INET, SOCK_STREAM, 0);
	TRY("bind listener", bind(l, (struct sockaddr *)&a, sizeof(a)));
	TRY("listen listener", listen(l, 1));
	TRY("bind twice", bind(l, (struct sockaddr *)&a, sizeof(a)));
	a = loopback(port_of(l));
	TRY("bind port in use", bind(s, (struct sockaddr *)&a, sizeof(a)));
	/* A port held by a socket that does not listen refuses connections. */
	t = socket(AF_INET, SOCK_STREAM, 0);
	a = loopback(0);
	TRY("bind closed-port holder", bind(t, (struct sockaddr *)&a,
					    sizeof(a)));
	a = loopback(port_of(t));
	TRY("connect closed port", connect(s, (struct sockaddr *)&a,
					   sizeof(a)));
	TRY("connect again after refusal", connect(s, (struct sockaddr *)&a,
						   sizeof(a)));
	a.sin_family = AF_UNIX;
	TRY("connect wrong family", connect(u, (struct sockaddr *)&a,
					    sizeof(a)));

	/* Descriptors. */
	d = dup(s);
	TRY("close dup", close(d));
	TRY("close dup again", close(d));
	TRY("close fd=-1", close(-1));
	TRY("dup fd=-1", dup(-1));
	TRY("dup2 to -1", dup2(s, -1));
	TRY("dup2 from 9999", dup2(9999, 40));
	TRY("dup2 to 1<<30", dup2(s, 1 << 30));
	TRY("dup3 same fds", dup3(s, s, 0));
	TRY("dup3 bad flags", dup3(s, 41, 0x4000));
	TRY("fcntl F_DUPFD fd=-1", fcntl(-1, F_DUPFD, 0));
	TRY("fcntl F_DUPFD arg=-1", fcntl(s, F_DUPFD, -1));
	TRY("fcntl F_DUPFD_CLOEXEC fd=9999", fcntl(9999, F_DUPFD_CLOEXEC, 0));
	TRY("close_range lo>hi", close_range(10, 5, 0));
	TRY("close_range bad flags", close_range(100, 200, 0x40));
	/* A failed close_range closed nothing: s is still a socket. */
	TRY("close_range s bad flags", close_range(s, s, 0x40));

	/* Everything above left no stray descriptor behind. */
	TRY("close t", close(t));
	TRY("close l", close(l));
	TRY("close u", close(u));
	TRY("close s", close(s));
	TRY("close reg", close(reg));
	s = socket(AF_INET, SOCK_STREAM, 0);
	TRY("next socket", s);
	TRY("close next", close(s));
	puts("done");
	return 0;
}
