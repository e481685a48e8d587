// SPDX-License-Identifier: MIT
/*
 * opts — set socket options and read back what the kernel holds.
 *
 *   opts KIND OPT [VALUE] [OPT [VALUE]]...
 *
 * KIND is tcp, udp, unix, unix-dgram or accepted (the server side of a
 * loopback TCP connection). For each OPT it prints the value read right
 * after the socket was made, then, when a VALUE follows, the setsockopt
 * result and the value read back:
 *
 *   SO_RCVBUF initial 212992
 *   SO_RCVBUF set 4096 = 0
 *   SO_RCVBUF now 8192
 *
 * Values: integers; SO_LINGER as onoff,seconds ("1,0"); SO_RCVTIMEO and
 * SO_SNDTIMEO as seconds ("1.5").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

enum kind { K_INT, K_LINGER, K_TIMEVAL };

static const struct opt {
	const char *name;
	int level, opt;
	enum kind kind;
} opts[] = {
	{ "SO_REUSEADDR", SOL_SOCKET, SO_REUSEADDR, K_INT },
	{ "SO_REUSEPORT", SOL_SOCKET, SO_REUSEPORT, K_INT },
	{ "SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE, K_INT },
	{ "SO_BROADCAST", SOL_SOCKET, SO_BROADCAST, K_INT },
	{ "SO_RCVBUF", SOL_SOCKET, SO_RCVBUF, K_INT },
	{ "SO_SNDBUF", SOL_SOCKET, SO_SNDBUF, K_INT },
	{ "SO_RCVLOWAT", SOL_SOCKET, SO_RCVLOWAT, K_INT },
	{ "SO_PRIORITY", SOL_SOCKET, SO_PRIORITY, K_INT },
	{ "SO_PASSCRED", SOL_SOCKET, SO_PASSCRED, K_INT },
	{ "SO_LINGER", SOL_SOCKET, SO_LINGER, K_LINGER },
	{ "SO_RCVTIMEO", SOL_SOCKET, SO_RCVTIMEO, K_TIMEVAL },
	{ "SO_SNDTIMEO", SOL_SOCKET, SO_SNDTIMEO, K_TIMEVAL },
	{ "IP_TOS", IPPROTO_IP, IP_TOS, K_INT },
	{ "IP_TTL", IPPROTO_IP, IP_TTL, K_INT },
	{ "TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY, K_INT },
	{ "TCP_CORK", IPPROTO_TCP, TCP_CORK, K_INT },
	{ "TCP_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE, K_INT },
	{ "TCP_KEEPINTVL", IPPROTO_TCP, TCP_KEEPINTVL, K_INT },
	{ "TCP_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT, K_INT },
	{ "TCP_USER_TIMEOUT", IPPROTO_TCP, TCP_USER_TIMEOUT, K_INT },
	{ "TCP_MAXSEG", IPPROTO_TCP, TCP_MAXSEG, K_INT },
};

static const struct opt *find(const char *name)
{
	for (size_t i = 0; i < sizeof(opts) / sizeof(*opts); i++)
		if (strcmp(opts[i].name, name) == 0)
			return &opts[i];
	return NULL;
}

union val {
	int i;
	struct linger l;
	struct timeval tv;
};

static socklen_t val_len(const struct opt *o)
{
	switch (o->kind) {
	case K_LINGER:
		return sizeof(struct linger);
	case K_TIMEVAL:
		return sizeof(struct timeval);
	default:
		return sizeof(int);
	}
}

static void print_val(const struct opt *o, const union val *v)
{
	switch (o->kind) {
	case K_INT:
		printf("%d", v->i);
		break;
	case K_LINGER:
		printf("[%d,%d]", v->l.l_onoff, v->l.l_linger);
		break;
	case K_TIMEVAL:
		printf("%ld.%06ld", (long)v->tv.tv_sec, (long)v->tv.tv_usec);
		break;
	}
}

static int parse_val(const struct opt *o, const char *s, union val *v)
{
	char *end;

	memset(v, 0, sizeof(*v));
	switch (o->kind) {
	case K_INT:
		v->i = (int)strtol(s, &end, 0);
		return *end ? -1 : 0;
	case K_LINGER:
		if (sscanf(s, "%d,%d", &v->l.l_onoff, &v->l.l_linger) != 2)
			return -1;
		return 0;
	case K_TIMEVAL: {
		double d = strtod(s, &end);
		long long us = (long long)(d * 1e6 + 0.5);

		if (*end)
			return -1;
		v->tv.tv_sec = us / 1000000;
		v->tv.tv_usec = us % 1000000;
		return 0;
	}
	}
	return -1;
}

static void get(const char *when, int fd, const struct opt *o)
{
	union val v;
	socklen_t len = val_len(o);

	memset(&v, 0, sizeof(v));
	printf("%s %s ", o->name, when);
	if (getsockopt(fd, o->level, o->opt, &v, &len) != 0)
		printf("error %s\n", strerrorname_np(errno));
	else {
		print_val(o, &v);
		putchar('\n');
	}
}

static void set(int fd, const struct opt *o, const union val *v)
{
	int r;

	errno = 0;
	r = setsockopt(fd, o->level, o->opt, v, val_len(o));
	printf("%s set ", o->name);
	print_val(o, v);
	if (r)
		printf(" = %d %s\n", r, strerrorname_np(errno));
	else
		printf(" = 0\n");
}

/* The server end of a loopback connection, to see what accept() gets. */
static int accepted(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	int fd;

	if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(l, 1) || getsockname(l, (struct sockaddr *)&a, &len) ||
	    connect(c, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	fd = accept(l, NULL, NULL);
	close(l);
	/* c stays open: the connection lives until we exit. */
	return fd;
}

static int make(const char *kind)
{
	if (strcmp(kind, "tcp") == 0)
		return socket(AF_INET, SOCK_STREAM, 0);
	if (strcmp(kind, "udp") == 0)
		return socket(AF_INET, SOCK_DGRAM, 0);
	if (strcmp(kind, "unix") == 0)
		return socket(AF_UNIX, SOCK_STREAM, 0);
	if (strcmp(kind, "unix-dgram") == 0)
		return socket(AF_UNIX, SOCK_DGRAM, 0);
	if (strcmp(kind, "accepted") == 0)
		return accepted();
	fprintf(stderr, "opts: unknown kind %s\n", kind);
	exit(2);
}

int main(int argc, char **argv)
{
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3) {
		fprintf(stderr, "usage: opts KIND OPT [VALUE]...\n");
		return 2;
	}
	fd = make(argv[1]);
	if (fd < 0) {
		printf("socket error %s\n", strerrorname_np(errno));
		return 1;
	}
	/* First every initial value, then the changes: creation is one event. */
	for (int i = 2; i < argc; i++) {
		const struct opt *o = find(argv[i]);

		if (!o) {
			fprintf(stderr, "opts: unknown option %s\n", argv[i]);
			return 2;
		}
		get("initial", fd, o);
		if (i + 1 < argc && !find(argv[i + 1]))
			i++;
	}
	for (int i = 2; i < argc; i++) {
		const struct opt *o = find(argv[i]);
		union val v;

		if (i + 1 >= argc || find(argv[i + 1]))
			continue;
		if (parse_val(o, argv[++i], &v)) {
			fprintf(stderr, "opts: bad value %s for %s\n", argv[i],
				o->name);
			return 2;
		}
		set(fd, o, &v);
		get("now", fd, o);
	}
	close(fd);
	return 0;
}
