// SPDX-License-Identifier: MIT
/*
 * calls — every call sockshim interposes, once, on real sockets: a
 * loopback TCP pair, a UDP socket, AF_UNIX stream sockets and a
 * socketpair. One line per observation; the output must be the same
 * with and without the shim (fd numbers included), so nothing that
 * varies between runs (ports, pids) is printed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* fcntl64 is the name programs built with _FILE_OFFSET_BITS=64 call. */
extern int fcntl64(int fd, int cmd, ...);

static void show(const char *what, long ret, int err)
{
	if (ret < 0)
		printf("%s = %ld %s\n", what, ret, strerrorname_np(err));
	else
		printf("%s = %ld\n", what, ret);
	fflush(stdout);
}

#define CALL(what, expr)                        \
	({                                      \
		long r_;                        \
		errno = 0;                      \
		r_ = (long)(expr);              \
		show(what, r_, errno);          \
		r_;                             \
	})

static void get_int(const char *what, int fd, int level, int opt)
{
	int v = -12345;
	socklen_t len = sizeof(v);
	int r = getsockopt(fd, level, opt, &v, &len);

	if (r)
		printf("getsockopt %s = %d %s\n", what, r, strerrorname_np(errno));
	else
		printf("getsockopt %s = 0 val=%d len=%u\n", what, v, len);
}

static void set_int(const char *what, int fd, int level, int opt, int v)
{
	char buf[96];

	snprintf(buf, sizeof(buf), "setsockopt %s %d", what, v);
	CALL(buf, setsockopt(fd, level, opt, &v, sizeof(v)));
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

static void fd_state(const char *what, int fd)
{
	int fl = fcntl(fd, F_GETFD);

	if (fl < 0)
		printf("fd %s closed %s\n", what, strerrorname_np(errno));
	else
		printf("fd %s open cloexec=%d\n", what, !!(fl & FD_CLOEXEC));
}

static void pingpong(const char *what, int a, int b)
{
	char buf[8] = "";
	ssize_t w = write(a, "ping", 4);
	ssize_t r = read(b, buf, sizeof(buf) - 1);

	printf("data %s wrote=%zd read=%zd '%s'\n", what, w, r,
	       r > 0 ? buf : "");
}

static void tcp_part(int *lfd, int *cfd, int *afd, int *c2, int *a2)
{
	struct sockaddr_in a = loopback(0), peer;
	socklen_t plen = sizeof(peer);
	struct linger lg = { 1, 3 }, got;
	socklen_t glen = sizeof(got);

	*lfd = CALL("socket tcp listener", socket(AF_INET, SOCK_STREAM, 0));
	set_int("SO_REUSEADDR", *lfd, SOL_SOCKET, SO_REUSEADDR, 1);
	get_int("SO_REUSEADDR", *lfd, SOL_SOCKET, SO_REUSEADDR);
	CALL("bind tcp 127.0.0.1:0", bind(*lfd, (struct sockaddr *)&a,
					  sizeof(a)));
	CALL("listen tcp", listen(*lfd, 8));
	get_int("SO_ACCEPTCONN", *lfd, SOL_SOCKET, SO_ACCEPTCONN);
	a = loopback(port_of(*lfd));

	*cfd = CALL("socket tcp client cloexec",
		    socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP));
	fd_state("client", *cfd);
	set_int("TCP_NODELAY", *cfd, IPPROTO_TCP, TCP_NODELAY, 1);
	get_int("TCP_NODELAY", *cfd, IPPROTO_TCP, TCP_NODELAY);
	set_int("SO_RCVBUF", *cfd, SOL_SOCKET, SO_RCVBUF, 8192);
	get_int("SO_RCVBUF", *cfd, SOL_SOCKET, SO_RCVBUF);
	CALL("setsockopt SO_LINGER [1,3]",
	     setsockopt(*cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	memset(&got, 0, sizeof(got));
	CALL("getsockopt SO_LINGER",
	     getsockopt(*cfd, SOL_SOCKET, SO_LINGER, &got, &glen));
	printf("linger = [%d,%d] len=%u\n", got.l_onoff, got.l_linger, glen);
	CALL("connect tcp", connect(*cfd, (struct sockaddr *)&a, sizeof(a)));

	*afd = CALL("accept", accept(*lfd, (struct sockaddr *)&peer, &plen));
	printf("accept peer family=%d len=%u\n", peer.sin_family, plen);
	fd_state("accepted", *afd);
	pingpong("client->accepted", *cfd, *afd);

	*c2 = CALL("socket tcp client 2", socket(AF_INET, SOCK_STREAM, 0));
	CALL("connect tcp 2", connect(*c2, (struct sockaddr *)&a, sizeof(a)));
	*a2 = CALL("accept4 SOCK_CLOEXEC",
		   accept4(*lfd, NULL, NULL, SOCK_CLOEXEC));
	fd_state("accept4", *a2);
	pingpong("accepted2->client2", *a2, *c2);
	get_int("SO_TYPE accepted", *a2, SOL_SOCKET, SO_TYPE);
}

/*
 * accept() with an address buffer too small for the peer: the kernel
 * fills what fits and sets *len to the full size. The buffer ends where
 * a PROT_NONE page begins, so reading past what the kernel wrote faults.
 */
static void short_accept(void)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t alen = sizeof(a), *len;
	long psz = sysconf(_SC_PAGESIZE);
	char *page;
	int l, c, fd;

	page = mmap(NULL, 2 * (size_t)psz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || mprotect(page + psz, (size_t)psz, PROT_NONE))
		return;
	l = socket(AF_INET6, SOCK_STREAM, 0);
	c = socket(AF_INET6, SOCK_STREAM, 0);
	if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(l, 1) || getsockname(l, (struct sockaddr *)&a, &alen) ||
	    connect(c, (struct sockaddr *)&a, sizeof(a))) {
		/* No IPv6 loopback: say so the same way with or without us. */
		printf("short accept: no IPv6 loopback\n");
	} else {
		len = (socklen_t *)(page + psz - sizeof(struct sockaddr_in) -
				    sizeof(socklen_t));
		*len = sizeof(struct sockaddr_in);
		fd = CALL("accept6 short buffer",
			  accept(l, (struct sockaddr *)(len + 1), len));
		printf("short accept len=%u family=%d\n", *len,
		       ((struct sockaddr *)(len + 1))->sa_family);
		close(fd);
	}
	close(c);
	close(l);
	munmap(page, 2 * (size_t)psz);
}

static int udp_part(void)
{
	struct sockaddr_in a = loopback(0);
	int u = CALL("socket udp", socket(AF_INET, SOCK_DGRAM, 0));

	set_int("SO_REUSEADDR udp", u, SOL_SOCKET, SO_REUSEADDR, 1);
	get_int("SO_REUSEADDR udp", u, SOL_SOCKET, SO_REUSEADDR);
	CALL("bind udp", bind(u, (struct sockaddr *)&a, sizeof(a)));
	a = loopback(port_of(u));
	CALL("connect udp self", connect(u, (struct sockaddr *)&a, sizeof(a)));
	pingpong("udp self", u, u);
	get_int("SO_PROTOCOL udp", u, SOL_SOCKET, SO_PROTOCOL);
	return u;
}

static void unix_part(int *ul, int *uc, int *ua, int sv[2])
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len;

	const char *dir = getenv("TMPDIR");

	/* Names are bytes, not text: the 0xff must not break the JSON log. */
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/sockshim-calls-\xff-%d",
		 dir && *dir && strlen(dir) < 64 ? dir : "/tmp", (int)getpid());
	len = (socklen_t)sizeof(a);
	unlink(a.sun_path);
	*ul = CALL("socket unix", socket(AF_UNIX, SOCK_STREAM, 0));
	get_int("SO_REUSEADDR unix", *ul, SOL_SOCKET, SO_REUSEADDR);
	CALL("bind unix", bind(*ul, (struct sockaddr *)&a, len));
	CALL("listen unix", listen(*ul, 4));
	*uc = CALL("socket unix client", socket(AF_UNIX, SOCK_STREAM, 0));
	CALL("connect unix", connect(*uc, (struct sockaddr *)&a, len));
	*ua = CALL("accept4 unix", accept4(*ul, NULL, NULL, 0));
	pingpong("unix", *uc, *ua);
	CALL("socketpair unix", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	printf("socketpair fds %d %d\n", sv[0], sv[1]);
	pingpong("socketpair", sv[0], sv[1]);
	get_int("SO_TYPE socketpair", sv[1], SOL_SOCKET, SO_TYPE);
	unlink(a.sun_path);
}

static void dup_part(int s)
{
	int d = CALL("dup", dup(s));

	get_int("SO_TYPE dup", d, SOL_SOCKET, SO_TYPE);
	CALL("dup2 ->50", dup2(s, 50));
	CALL("dup2 50->50", dup2(50, 50));
	CALL("dup3 ->51 O_CLOEXEC", dup3(s, 51, O_CLOEXEC));
	fd_state("51", 51);
	CALL("fcntl F_DUPFD 60", fcntl(s, F_DUPFD, 60));
	CALL("fcntl F_DUPFD_CLOEXEC 70", fcntl(s, F_DUPFD_CLOEXEC, 70));
	fd_state("70", 70);
	CALL("fcntl64 F_DUPFD 80", fcntl64(s, F_DUPFD, 80));
	get_int("SO_TYPE 80", 80, SOL_SOCKET, SO_TYPE);
	CALL("close dup", close(d));
	get_int("SO_TYPE closed dup", d, SOL_SOCKET, SO_TYPE);
	CALL("close_range 50..51 CLOEXEC", close_range(50, 51,
						       CLOSE_RANGE_CLOEXEC));
	fd_state("50", 50);
	CALL("close_range 50..59", close_range(50, 59, 0));
	fd_state("50", 50);
	fd_state("51", 51);
	fd_state("60", 60);
	errno = 0;
	closefrom(60);
	printf("closefrom 60 errno=%s\n", errno ? strerrorname_np(errno) : "0");
	fd_state("60", 60);
	fd_state("70", 70);
	fd_state("80", 80);
	get_int("SO_TYPE 80 after closefrom", 80, SOL_SOCKET, SO_TYPE);
}

int main(void)
{
	int lfd, cfd, afd, c2, a2, u, ul, uc, ua, sv[2];

	setvbuf(stdout, NULL, _IOLBF, 0);
	tcp_part(&lfd, &cfd, &afd, &c2, &a2);
	short_accept();
	u = udp_part();
	unix_part(&ul, &uc, &ua, sv);
	dup_part(cfd);
	get_int("SO_TYPE client after dups", cfd, SOL_SOCKET, SO_TYPE);

	CALL("close client", close(cfd));
	CALL("close accepted", close(afd));
	CALL("close client2", close(c2));
	CALL("close accepted2", close(a2));
	CALL("close listener", close(lfd));
	CALL("close udp", close(u));
	CALL("close unix listener", close(ul));
	CALL("close unix client", close(uc));
	CALL("close unix accepted", close(ua));
	CALL("close socketpair 0", close(sv[0]));
	CALL("close socketpair 1", close(sv[1]));
	/* The lowest free number tells whether every close really closed. */
	u = CALL("socket after closes", socket(AF_INET, SOCK_DGRAM, 0));
	CALL("close last", close(u));
	puts("done");
	return 0;
}
