// SPDX-License-Identifier: MIT
/* log — call records: formatting and the sink. */
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

static const char *type_name(int type)
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

static const char *proto_name(int proto)
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

static const char *fcntl_name(int cmd)
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

static int effective_proto(const struct log_rec *r)
{
	int type = r->type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (r->protocol || (r->family != AF_INET && r->family != AF_INET6))
		return r->protocol;
	return type == SOCK_STREAM ? IPPROTO_TCP :
	       type == SOCK_DGRAM  ? IPPROTO_UDP : 0;
}

/* A name, or the number when there is none (quoted in JSON only if name). */
static void sb_sym(struct sb *b, const char *name, long long v, bool json)
{
	if (!name)
		sb_long(b, v);
	else if (json)
		sb_name(b, name);
	else
		sb_puts(b, name);
}

static void sb_type(struct sb *b, int type, bool json)
{
	const char *n = type_name(type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK));

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
static void sb_seconds(struct sb *b, const struct timeval *tv)
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

static void sb_value(struct sb *b, const struct optval *v, bool json)
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
		sb_seconds(b, &v->tv);
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
static void sb_addr(struct sb *b, const struct sockaddr *sa, socklen_t len)
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

static void sb_opt(struct sb *b, const struct log_rec *r, bool json)
{
	int idx = optcat_find(r->level, r->optname);

	sb_sym(b, optcat_level_name(r->level), r->level, json);
	sb_puts(b, json ? ",\"opt\":" : ", ");
	sb_sym(b, idx >= 0 ? optcat_table[idx].name : NULL, r->optname, json);
}

/* Did the policy change the program's value (so both are shown)? */
static bool app_changed(const struct log_rec *r)
{
	return r->app_val && r->action != ACT_NONE && r->action != ACT_SET;
}

/* ---- text: sockshim[pid prog] call(args) = ret ---- */

static void text_args(struct sb *b, const struct log_rec *r)
{
	const char *act = policy_action_name(r->action, r->enforce);

	switch (r->call) {
	case LC_SOCKET:
	case LC_SOCKETPAIR:
		sb_sym(b, log_family_name(r->family), r->family, false);
		sb_puts(b, ", ");
		sb_type(b, r->type, false);
		sb_puts(b, ", ");
		sb_sym(b, r->protocol ? proto_name(r->protocol) : "0",
		       r->protocol, false);
		return;
	case LC_SETSOCKOPT:
	case LC_GETSOCKOPT:
		sb_long(b, r->fd);
		sb_puts(b, ", ");
		sb_opt(b, r, false);
		sb_puts(b, ", ");
		/* What was asked -> what took effect; in audit mode, what
		 * took effect -> what the policy would have made of it. */
		if (app_changed(r)) {
			sb_value(b, r->app_val, false);
			sb_puts(b, " -> ");
		}
		if (r->val)
			sb_value(b, r->val, false);
		else
			sb_puts(b, "?");
		if (!app_changed(r) && r->would_val) {
			sb_puts(b, " -> ");
			sb_value(b, r->would_val, false);
		}
		if (act) {
			sb_putc(b, ' ');
			sb_puts(b, act);
		}
		return;
	case LC_BIND:
	case LC_CONNECT:
		sb_long(b, r->fd);
		sb_puts(b, ", ");
		sb_addr(b, r->addr, r->addrlen);
		return;
	case LC_LISTEN:
		sb_long(b, r->fd);
		sb_puts(b, ", ");
		sb_long(b, r->arg);
		return;
	case LC_ACCEPT:
	case LC_ACCEPT4:
		sb_long(b, r->listen_fd);
		if (r->addr) {
			sb_puts(b, ", ");
			sb_addr(b, r->addr, r->addrlen);
		}
		return;
	case LC_DUP2:
	case LC_DUP3:
		sb_long(b, r->fd);
		sb_puts(b, ", ");
		sb_long(b, r->arg);
		return;
	case LC_FCNTL:
		sb_long(b, r->fd);
		sb_puts(b, ", ");
		sb_sym(b, fcntl_name(r->arg), r->arg, false);
		sb_puts(b, ", ");
		sb_ulong(b, r->lo, 0);
		return;
	case LC_CLOSE_RANGE:
		sb_ulong(b, r->lo, 0);
		sb_puts(b, ", ");
		sb_ulong(b, r->hi, 0);
		sb_puts(b, ", ");
		sb_long(b, r->arg);
		return;
	case LC_CLOSEFROM:
		sb_ulong(b, r->lo, 0);
		return;
	default:
		sb_long(b, r->fd);
		return;
	}
}

size_t log_format_text(const struct log_ctx *c, const struct log_rec *r,
		       char *buf, size_t len)
{
	struct sb b = sb_init(buf, len);

	if (len < 3)
		return 0;
	sb_puts(&b, "sockshim[");
	sb_ulong(&b, (unsigned long long)c->pid, 0);
	if (c->tid != c->pid) {
		sb_putc(&b, '/');
		sb_ulong(&b, (unsigned long long)c->tid, 0);
	}
	sb_putc(&b, ' ');
	sb_escaped(&b, c->prog);
	if (r->call == LC_DROPPED) {
		sb_puts(&b, "] dropped ");
		sb_long(&b, r->ret);
		sb_puts(&b, r->ret == 1 ? " record (" : " records (");
		sb_puts(&b, r->note ? r->note : "?");
		sb_putc(&b, ')');
		return sb_finish(&b);
	}
	if (r->call == LC_SECCOMP) {
		sb_puts(&b, "] seccomp filter installed: log ");
		sb_puts(&b, r->note ? r->note : "?");
		return sb_finish(&b);
	}
	sb_puts(&b, r->by_policy ? "] policy " : "] ");
	sb_puts(&b, call_names[r->call]);
	sb_putc(&b, '(');
	text_args(&b, r);
	sb_puts(&b, ") = ");
	sb_long(&b, r->ret);
	if (r->err) {
		const char *desc = strerrordesc_np(r->err);

		sb_putc(&b, ' ');
		sb_puts(&b, log_errno_name(r->err));
		if (desc) {
			sb_puts(&b, " (");
			sb_puts(&b, desc);
			sb_putc(&b, ')');
		}
	}
	if (r->rule && r->action != ACT_NONE) {
		sb_puts(&b, " [rule: ");
		sb_escaped(&b, r->rule);
		sb_putc(&b, ']');
	}
	return sb_finish(&b);
}

/* ---- JSON lines ---- */



/* "YYYY-MM-DDTHH:MM:SS." for the second last asked, per thread: records
 * come many to a second, and breaking a time down is not free. */
struct stamp_cache {
	time_t sec;
	bool valid;
	char text[24];
};

static __thread struct stamp_cache stamp
	__attribute__((tls_model("initial-exec")));

/*
 * UTC date of a day count since 1970-01-01, by arithmetic on 400-year
 * eras (March-based years put the leap day last). Not gmtime_r: it takes
 * glibc's tzset lock, and a fork while another thread holds it would
 * leave the child stuck in its first record.
 */
static void civil_date(long long days, long long *y, unsigned int *m,
		       unsigned int *d)
{
	long long z = days + 719468;	/* days since 0000-03-01 */
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned int doe = (unsigned int)(z - era * 146097);
	unsigned int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static void stamp_fill(time_t t)
{
	struct sb b = { .p = stamp.text, .len = 0, .cap = sizeof(stamp.text) };
	long long days = t / 86400, secs = t % 86400, year;
	unsigned int month, day;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_date(days, &year, &month, &day);
	sb_ulong(&b, (unsigned long long)(year < 0 ? 0 : year), 4);
	sb_putc(&b, '-');
	sb_ulong(&b, month, 2);
	sb_putc(&b, '-');
	sb_ulong(&b, day, 2);
	sb_putc(&b, 'T');
	sb_ulong(&b, (unsigned long long)secs / 3600, 2);
	sb_putc(&b, ':');
	sb_ulong(&b, (unsigned long long)secs / 60 % 60, 2);
	sb_putc(&b, ':');
	sb_ulong(&b, (unsigned long long)secs % 60, 2);
	sb_putc(&b, '.');
	stamp.text[b.len] = '\0';
	stamp.sec = t;
	stamp.valid = true;
}

static void sb_timestamp(struct sb *b, const struct timespec *ts)
{
	if (!stamp.valid || stamp.sec != ts->tv_sec)
		stamp_fill(ts->tv_sec);
	sb_putc(b, '"');
	sb_puts(b, stamp.text);
	sb_ulong(b, (unsigned long long)ts->tv_nsec / 1000, 6);
	sb_puts(b, "Z\"");
}

/* ,"pid":N,"tid":N,"prog":"..." is the same for every record of a
 * thread: keep it formatted. */
struct who_cache {
	pid_t pid, tid;
	const char *prog;
	size_t len;
	/* Two numbers, and a name of up to 64 bytes each of which may be
	 * escaped to six (\u00XX): cut short, it would not be JSON. */
	char text[64 + 6 * 64 + 2];
};

static __thread struct who_cache who
	__attribute__((tls_model("initial-exec")));

static void sb_who(struct sb *b, const struct log_ctx *c)
{
	if (who.pid != c->pid || who.tid != c->tid || who.prog != c->prog ||
	    !who.len) {
		struct sb w = { .p = who.text, .len = 0,
				.cap = sizeof(who.text) };

		json_key(&w, "pid");
		sb_ulong(&w, (unsigned long long)c->pid, 0);
		json_key(&w, "tid");
		sb_ulong(&w, (unsigned long long)c->tid, 0);
		json_key(&w, "prog");
		sb_jstr(&w, c->prog);
		who.len = w.len;
		who.pid = c->pid;
		who.tid = c->tid;
		who.prog = c->prog;
	}
	sb_putn(b, who.text, who.len);
}

static void json_args(struct sb *b, const struct log_rec *r)
{
	const char *act = policy_action_name(r->action, r->enforce);

	switch (r->call) {
	case LC_SOCKET:
	case LC_SOCKETPAIR:
		json_key(b, "family");
		sb_sym(b, log_family_name(r->family), r->family, true);
		json_key(b, "type");
		sb_type(b, r->type, true);
		json_key(b, "proto");
		/* 0 asks for the family's default: name the one it gets. */
		sb_sym(b, proto_name(effective_proto(r)), r->protocol, true);
		break;
	case LC_SETSOCKOPT:
	case LC_GETSOCKOPT:
		json_key(b, "level");
		sb_opt(b, r, true);
		if (r->val) {
			json_key(b, "val");
			sb_value(b, r->val, true);
		}
		if (app_changed(r)) {
			json_key(b, "app_val");
			sb_value(b, r->app_val, true);
		}
		if (r->would_val) {
			json_key(b, "would_val");
			sb_value(b, r->would_val, true);
		}
		break;
	case LC_BIND:
	case LC_CONNECT:
		json_key(b, "addr");
		sb_putc(b, '"');
		sb_addr(b, r->addr, r->addrlen);
		sb_putc(b, '"');
		break;
	case LC_LISTEN:
		json_key(b, "backlog");
		sb_long(b, r->arg);
		break;
	case LC_ACCEPT:
	case LC_ACCEPT4:
		json_key(b, "listen_fd");
		sb_long(b, r->listen_fd);
		if (r->addr) {
			json_key(b, "peer");
			sb_putc(b, '"');
			sb_addr(b, r->addr, r->addrlen);
			sb_putc(b, '"');
		}
		if (r->call == LC_ACCEPT4) {
			json_key(b, "flags");
			sb_long(b, r->arg);
		}
		break;
	case LC_DUP2:
	case LC_DUP3:
		json_key(b, "arg");
		sb_long(b, r->arg);
		break;
	case LC_FCNTL:
		json_key(b, "cmd");
		sb_sym(b, fcntl_name(r->arg), r->arg, true);
		json_key(b, "arg");
		sb_ulong(b, r->lo, 0);
		break;
	case LC_CLOSE_RANGE:
		json_key(b, "first");
		sb_ulong(b, r->lo, 0);
		json_key(b, "last");
		sb_ulong(b, r->hi, 0);
		json_key(b, "flags");
		sb_long(b, r->arg);
		break;
	case LC_CLOSEFROM:
		json_key(b, "first");
		sb_ulong(b, r->lo, 0);
		break;
	default:
		break;
	}
	if (act) {
		json_key(b, "action");
		sb_name(b, act);
	}
	if (act && r->rule) {
		json_key(b, "rule");
		sb_jstr(b, r->rule);
	}
}

size_t log_format_json(const struct log_ctx *c, const struct log_rec *r,
		       char *buf, size_t len)
{
	struct sb b = sb_init(buf, len);

	if (len < 3)
		return 0;
	sb_puts(&b, "{\"ts\":");
	sb_timestamp(&b, &c->ts);
	sb_who(&b, c);
	json_key(&b, "call");
	sb_name(&b, call_names[r->call]);
	if (r->call == LC_DROPPED || r->call == LC_SECCOMP) {
		if (r->call == LC_DROPPED) {
			json_key(&b, "count");
			sb_long(&b, r->ret);
			json_key(&b, "reason");
		} else {
			json_key(&b, "log");
		}
		sb_jstr(&b, r->note ? r->note : "?");
		sb_putc(&b, '}');
		return sb_finish(&b);
	}
	json_key(&b, "fd");
	sb_long(&b, r->fd);
	json_key(&b, "ret");
	sb_long(&b, r->ret);
	if (r->err) {
		json_key(&b, "errno");
		sb_name(&b, log_errno_name(r->err));
	}
	json_key(&b, "origin");
	sb_name(&b, r->by_policy ? "policy" : "app");
	json_args(&b, r);
	sb_putc(&b, '}');
	return sb_finish(&b);
}

bool log_expand_path(const char *tmpl, pid_t pid, const char *prog,
		     char *out, size_t len)
{
	struct sb b = sb_init(out, len + 1);

	if (!len)
		return false;
	/* Room for len characters: filling them all leaves none for NUL. */
	b.cap = len;
	for (const char *s = tmpl; *s; s++) {
		if (*s != '%' || !s[1]) {
			sb_putc(&b, *s);
			continue;
		}
		switch (*++s) {
		case 'p':
			sb_ulong(&b, (unsigned long long)pid, 0);
			break;
		case 'n':
			/* A program name never adds a directory level. */
			for (const char *q = prog; *q; q++)
				sb_putc(&b, *q == '/' ? '_' : *q);
			break;
		default:
			sb_putc(&b, *s);
			break;
		}
	}
	if (b.len >= len)
		return false;
	out[b.len] = '\0';
	return true;
}

