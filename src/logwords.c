// SPDX-License-Identifier: MIT
/* logwords — a record's parts in words: calls, errnos, families, types,
 * protocols, option values and addresses, for the text and JSON lines. */
#include "build-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "logwords.h"
#include "strbuf.h"

/* ---- symbolic names ---- */

static const char *const call_names[] = {
	[LC_SOCKET] = "socket",		[LC_SOCKETPAIR] = "socketpair",
	[LC_SETSOCKOPT] = "setsockopt", [LC_GETSOCKOPT] = "getsockopt",
	[LC_BIND] = "bind",		[LC_LISTEN] = "listen",
	[LC_CONNECT] = "connect",	[LC_ACCEPT] = "accept",
	[LC_ACCEPT4] = "accept4",	[LC_CLOSE] = "close",
	[LC_DUP] = "dup",		[LC_DUP2] = "dup2",
	[LC_DUP3] = "dup3",		[LC_FCNTL] = "fcntl",
	[LC_CLOSE_RANGE] = "close_range", [LC_CLOSEFROM] = "closefrom",
	[LC_DROPPED] = "dropped",	[LC_SECCOMP] = "seccomp",
	[LC_POLICY] = "policy",
};

const char *log_call_name(enum log_call call)
{
	return call_names[call];
}

const char *log_errno_name(int err)
{
	const char *n = strerrorname_np(err);

	return n ? n : "E?";
}

const char *log_family_name(int family)
{
	switch (family) {
	case AF_UNIX:
		return "AF_UNIX";
	case AF_INET:
		return "AF_INET";
	case AF_INET6:
		return "AF_INET6";
	case AF_NETLINK:
		return "AF_NETLINK";
	case AF_PACKET:
		return "AF_PACKET";
	case AF_UNSPEC:
		return "AF_UNSPEC";
	default:
		return NULL;
	}
}

const char *logw_type_name(int type)
{
	switch (type) {
	case SOCK_STREAM:
		return "SOCK_STREAM";
	case SOCK_DGRAM:
		return "SOCK_DGRAM";
	case SOCK_RAW:
		return "SOCK_RAW";
	case SOCK_SEQPACKET:
		return "SOCK_SEQPACKET";
	case SOCK_RDM:
		return "SOCK_RDM";
	default:
		return NULL;
	}
}

const char *logw_proto_name(int proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "IPPROTO_TCP";
	case IPPROTO_UDP:
		return "IPPROTO_UDP";
	case IPPROTO_ICMP:
		return "IPPROTO_ICMP";
	case IPPROTO_ICMPV6:
		return "IPPROTO_ICMPV6";
	case IPPROTO_SCTP:
		return "IPPROTO_SCTP";
	case IPPROTO_MPTCP:
		return "IPPROTO_MPTCP";
	case IPPROTO_RAW:
		return "IPPROTO_RAW";
	default:
		return NULL;
	}
}

const char *logw_fcntl_name(int cmd)
{
	switch (cmd) {
	case F_DUPFD:
		return "F_DUPFD";
	case F_DUPFD_CLOEXEC:
		return "F_DUPFD_CLOEXEC";
	default:
		return NULL;
	}
}

int logw_effective_proto(const struct log_rec *r)
{
	int type = r->type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (r->protocol || (r->family != AF_INET && r->family != AF_INET6))
		return r->protocol;
	return type == SOCK_STREAM ? IPPROTO_TCP :
	       type == SOCK_DGRAM  ? IPPROTO_UDP : 0;
}

/* A name, or the number when there is none (quoted in JSON only if name). */
void logw_sym(struct sb *b, const char *name, long long v, bool json)
{
	if (!name)
		sb_long(b, v);
	else if (json)
		sb_name(b, name);
	else
		sb_puts(b, name);
}

void logw_type(struct sb *b, int type, bool json)
{
	const char *n = logw_type_name(type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK));

	if (json)
		sb_putc(b, '"');
	if (n)
		sb_puts(b, n);
	else
		sb_long(b, type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK));
	if (type & SOCK_NONBLOCK)
		sb_puts(b, "|SOCK_NONBLOCK");
	if (type & SOCK_CLOEXEC)
		sb_puts(b, "|SOCK_CLOEXEC");
	if (json)
		sb_putc(b, '"');
}

/*
 * Seconds with up to six decimals and no trailing zeros: 5, 0.25, -1.75.
 * The value may be a program's, anything at all: tv_usec outside [0, 1s)
 * is carried into the seconds, and nothing may overflow (a sum past the
 * range of long long shows as its limit).
 */
void logw_seconds(struct sb *b, const struct timeval *tv)
{
	long long sec, us = tv->tv_usec % 1000000;
	unsigned long long whole;
	char frac[7];
	int n = 6;

	if (__builtin_add_overflow((long long)tv->tv_sec,
				   (long long)tv->tv_usec / 1000000, &sec))
		sec = tv->tv_sec < 0 ? LLONG_MIN : LLONG_MAX;
	if (us < 0 && sec > LLONG_MIN) {
		us += 1000000;
		sec--;
	} else if (us < 0) {
		us = 0;
	}
	if (sec < 0) {
		/* -2 s + 0.25 s is -1.75 s. */
		sb_putc(b, '-');
		whole = 0ULL - (unsigned long long)sec;
		if (us) {
			whole--;
			us = 1000000 - us;
		}
	} else {
		whole = (unsigned long long)sec;
	}
	sb_ulong(b, whole, 0);
	if (!us)
		return;
	for (int i = 5; i >= 0; i--, us /= 10)
		frac[i] = (char)('0' + us % 10);
	while (n > 0 && frac[n - 1] == '0')
		n--;
	sb_putc(b, '.');
	sb_putn(b, frac, (size_t)n);
}

void logw_value(struct sb *b, const struct optval *v, bool json)
{
	switch (v->type) {
	case OT_BOOL:
	case OT_INT:
		sb_long(b, v->i);
		break;
	case OT_LINGER:
		sb_putc(b, '[');
		sb_long(b, v->l.l_onoff);
		sb_putc(b, ',');
		sb_long(b, v->l.l_linger);
		sb_putc(b, ']');
		break;
	case OT_TIMEVAL:
		logw_seconds(b, &v->tv);
		break;
	case OT_STRING:
		sb_jstr(b, v->s);
		break;
	case OT_OPAQUE:
		sb_puts(b, json ? "\"" : "<");
		sb_ulong(b, v->len, 0);
		sb_puts(b, " bytes");
		if (v->len) {
			sb_puts(b, ": ");
			sb_hex(b, v->raw, v->len < OPTVAL_RAW_MAX ?
						  v->len : OPTVAL_RAW_MAX);
			if (v->len > OPTVAL_RAW_MAX)
				sb_puts(b, "...");
		}
		sb_puts(b, json ? "\"" : ">");
		break;
	}
}

/* ip:port, [ip6]:port, a path, @abstract, or the family number. */
void logw_addr(struct sb *b, const struct sockaddr *sa, socklen_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (!sa || len < sizeof(sa_family_t)) {
		sb_puts(b, "?");
		return;
	}
	switch (sa->sa_family) {
	case AF_INET: {
		const struct sockaddr_in *in = (const void *)sa;
		const unsigned char *q = (const unsigned char *)&in->sin_addr;

		if (len < sizeof(*in))
			break;
		/* Every accept logs one: four numbers, no inet_ntop. */
		for (int i = 0; i < 4; i++) {
			if (i)
				sb_putc(b, '.');
			sb_ulong(b, q[i], 0);
		}
		sb_putc(b, ':');
		sb_ulong(b, ntohs(in->sin_port), 0);
		return;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		if (len < sizeof(*in6) ||
		    !inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip)))
			break;
		sb_putc(b, '[');
		sb_puts(b, ip);
		sb_puts(b, "]:");
		sb_ulong(b, ntohs(in6->sin6_port), 0);
		return;
	}
	case AF_UNIX: {
		const struct sockaddr_un *un = (const void *)sa;
		size_t n = len - offsetof(struct sockaddr_un, sun_path);
		char path[sizeof(un->sun_path) + 1];

		if (len <= offsetof(struct sockaddr_un, sun_path)) {
			sb_puts(b, "unnamed");
			return;
		}
		if (n > sizeof(un->sun_path))
			n = sizeof(un->sun_path);
		memcpy(path, un->sun_path, n);
		path[n] = '\0';
		if (path[0] == '\0') {
			/* Abstract names may hold any byte: show the printable. */
			sb_putc(b, '@');
			for (size_t i = 1; i < n; i++)
				path[i - 1] = (unsigned char)path[i] >= 0x20 ? path[i] : '?';
			path[n - 1] = '\0';
		}
		sb_escaped(b, path);
		return;
	}
	default:
		break;
	}
	sb_puts(b, "family=");
	sb_ulong(b, sa->sa_family, 0);
}

void logw_opt(struct sb *b, const struct log_rec *r, bool json)
{
	int idx = r->has_opt ? r->opt : optcat_find(r->level, r->optname);

	logw_sym(b, optcat_level_name(r->level), r->level, json);
	sb_puts(b, json ? ",\"opt\":" : ", ");
	logw_sym(b, idx >= 0 ? optcat_table[idx].name : NULL, r->optname, json);
}

/* Did the policy change the program's value (so both are shown)? */
bool logw_app_changed(const struct log_rec *r)
{
	return r->app_val && r->action != ACT_NONE && r->action != ACT_SET;
}

