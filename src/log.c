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
#include "logmap.h"
#include "real.h"

/* ---- a bounded string builder: never overflows, truncates silently ---- */

struct sb {
	char *p;
	size_t len, cap;	/* cap excludes room kept for "\n" */
};

static void sb_putc(struct sb *b, char c)
{
	if (b->len < b->cap)
		b->p[b->len++] = c;
}

static void sb_putn(struct sb *b, const char *s, size_t n)
{
	if (n > b->cap - b->len)
		n = b->cap - b->len;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void sb_puts(struct sb *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

static void sb_ulong(struct sb *b, unsigned long long v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	while (n)
		sb_putc(b, tmp[--n]);
}

static void sb_long(struct sb *b, long long v)
{
	if (v < 0) {
		sb_putc(b, '-');
		sb_ulong(b, 0ULL - (unsigned long long)v, 0);
	} else {
		sb_ulong(b, (unsigned long long)v, 0);
	}
}

static void sb_hex(struct sb *b, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		sb_putc(b, digits[p[i] >> 4]);
		sb_putc(b, digits[p[i] & 15]);
	}
}

/* Length of the valid UTF-8 sequence at s (NUL-terminated), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned int cp;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * JSON string body; also used for text so control bytes never leak.
 * Paths and names are bytes, not text: a byte that is not part of valid
 * UTF-8 becomes \u00XX, or the record would not be JSON at all.
 */
static void sb_escaped(struct sb *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t n;

		if (c == '"' || c == '\\') {
			sb_putc(b, '\\');
			sb_putc(b, (char)c);
		} else if (c < 0x20 || c == 0x7f ||
			   !(n = utf8_len((const unsigned char *)s))) {
			sb_puts(b, "\\u00");
			sb_hex(b, &c, 1);
		} else {
			sb_putn(b, s, n);
			s += n - 1;
		}
	}
}

static void sb_jstr(struct sb *b, const char *s)
{
	sb_putc(b, '"');
	sb_escaped(b, s);
	sb_putc(b, '"');
}

/* Keys are literals: their length is known at compile time. */
#define json_key(b, k) sb_putn((b), ",\"" k "\":", sizeof(",\"" k "\":") - 1)

/* A name from our own tables: nothing in it needs escaping. */
static void sb_name(struct sb *b, const char *s)
{
	sb_putc(b, '"');
	sb_puts(b, s);
	sb_putc(b, '"');
}

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
};

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

static struct sb sb_init(char *buf, size_t len)
{
	struct sb b = { .p = buf, .len = 0, .cap = len ? len - 2 : 0 };
	return b;
}

static size_t sb_finish(struct sb *b)
{
	b->p[b->len++] = '\n';
	b->p[b->len] = '\0';
	return b->len;
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

/* ---- the sink ---- */

/*
 * SINK_FD writes to a descriptor of our own: a file, or a copy of the
 * stderr the program started with (so a daemon that later puts a socket
 * at fd 2 never receives our records). Per-process files (%p) go through
 * the shared mapping of logmap.c; others get one O_APPEND write each.
 */
enum sink { SINK_NONE, SINK_FD, SINK_SYSLOG };
enum { FILE_CLOSED, FILE_OPENING, FILE_OPEN, FILE_FAILED };

#define PROG_MAX 64
#define RECORD_MAX 1024
/* Our file descriptor lives high, out of the way of programs that expect
 * the lowest free numbers (and of their close-everything loops' cost). */
#define LOG_FD_FLOOR 1000

static enum sink sink;
bool log_on;
bool log_only_policy;

/* log_on mirrors the sink for the inline test every hook makes. */
static void set_sink(enum sink to)
{
	sink = to;
	log_on = to != SINK_NONE;
}
static enum log_format format;
static atomic_int log_fd = -1;
static atomic_int file_state = FILE_CLOSED;
static bool is_file;		/* a path, opened on the first record */
static bool per_process;	/* the path names the pid: mapped, reopened
				   after fork */
static bool mapped;
static bool is_pipe;		/* a pipe or socket: guard against SIGPIPE */
static char path_tmpl[LOG_PATH_MAX];
static mode_t file_mode = 0600;
static char prog[PROG_MAX + 1];
static pid_t cached_pid;
static __thread pid_t cached_tid __attribute__((tls_model("initial-exec")));
static __thread bool opening __attribute__((tls_model("initial-exec")));

static int fd_floor(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return LOG_FD_FLOOR;
	if (rl.rlim_cur > 2 * LOG_FD_FLOOR)
		return LOG_FD_FLOOR;
	return (int)(rl.rlim_cur / 2);
}

/* A close-on-exec copy of fd above the floor (fd itself is left open). */
static int dup_high(int fd)
{
	return real.fcntl(fd, F_DUPFD_CLOEXEC, fd_floor());
}

static bool pipe_like(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 &&
	       (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

static int open_file(void)
{
	char path[LOG_PATH_MAX];
	struct stat st;
	int fd, high;

	if (!log_expand_path(path_tmpl, cached_pid, prog, path, sizeof(path))) {
		log_warn("sockshim: log path too long: %s", path_tmpl);
		return -1;
	}
	/* O_NONBLOCK: a FIFO at the path must not block the program here. */
	/* Read access too: a shared writable mapping needs it. */
	fd = open(path, (per_process ? O_RDWR : O_WRONLY) | O_APPEND | O_CREAT |
				O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, file_mode);
	if (fd < 0) {
		log_warn("sockshim: cannot open log %s: %s", path,
			 strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))) {
		log_warn("sockshim: log %s is not a regular file", path);
		real.close(fd);
		return -1;
	}
	real.fcntl(fd, F_SETFL, O_APPEND);
	high = dup_high(fd);
	if (high >= 0) {
		real.close(fd);
		fd = high;
	}
	mapped = per_process && S_ISREG(st.st_mode) && logmap_start(fd);
	return fd;
}

/* The log file on first use, so processes that never touch a socket
 * leave no empty file behind. */
static int file_fd(void)
{
	int st = atomic_load_explicit(&file_state, memory_order_acquire);
	int expected = FILE_CLOSED;

	if (st == FILE_OPEN)
		return atomic_load_explicit(&log_fd, memory_order_relaxed);
	if (st == FILE_FAILED || opening)
		return -1;
	if (atomic_compare_exchange_strong(&file_state, &expected,
					   FILE_OPENING)) {
		int fd;

		opening = true;
		fd = open_file();
		atomic_store(&log_fd, fd);
		atomic_store_explicit(&file_state,
				      fd >= 0 ? FILE_OPEN : FILE_FAILED,
				      memory_order_release);
		opening = false;
		return fd;
	}
	for (int i = 0; i < 100000; i++) {
		st = atomic_load_explicit(&file_state, memory_order_acquire);
		if (st == FILE_OPEN)
			return atomic_load(&log_fd);
		if (st == FILE_FAILED)
			return -1;
		sched_yield();
	}
	return -1;
}

/*
 * syslog without libc's syslog(3): it takes a lock and formats local
 * time under another, and a fork while a thread holds either would
 * leave the child stuck. Our own datagram socket to the log daemon,
 * high and close-on-exec like the file; never blocking, never SIGPIPE.
 */
static char syslog_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static char syslog_tag[64];	/* "<PRI>ident[" */
static size_t syslog_tag_len;
static atomic_bool syslog_reconnecting;

/* Point our datagram socket at the daemon's; a datagram socket may be
 * connected again when the daemon comes back with a new one. */
static bool syslog_connect(int fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	strcpy(sa.sun_path, syslog_path);
	return real.connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
}

static int syslog_socket(void)
{
	int fd = real.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			     0);
	int high;

	if (fd < 0)
		return -1;
	high = dup_high(fd);
	if (high >= 0) {
		real.close(fd);
		fd = high;
	}
	return fd;
}

static void syslog_open(const struct policy *p, const char *socket_path)
{
	struct sb b = { .p = syslog_tag, .len = 0,
			.cap = sizeof(syslog_tag) - 1 };
	int fd;

	if (strlen(socket_path) >= sizeof(syslog_path)) {
		log_warn("sockshim: syslog socket path too long: %s",
			 socket_path);
		set_sink(SINK_NONE);
		return;
	}
	strcpy(syslog_path, socket_path);
	sb_putc(&b, '<');
	sb_ulong(&b, (unsigned long long)(p->log.facility | LOG_INFO), 0);
	sb_putc(&b, '>');
	sb_puts(&b, p->log.ident);
	sb_putc(&b, '[');
	syslog_tag_len = b.len;
	fd = syslog_socket();
	if (fd < 0) {
		log_warn("sockshim: no socket for syslog: %s", strerror(errno));
		set_sink(SINK_NONE);
		return;
	}
	if (!syslog_connect(fd))
		log_warn("sockshim: cannot reach syslog at %s: %s (will retry)",
			 syslog_path, strerror(errno));
	atomic_store(&log_fd, fd);
	set_sink(SINK_SYSLOG);
}

/*
 * A daemon's queue is short: when it is full, wait for room a little
 * (syslog(3) would wait for ever), then drop the record rather than hold
 * the program up.
 */
#define SYSLOG_WAIT_MS 200

static bool send_waiting(int fd, const char *msg, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	for (int waited = 0;; waited += 10) {
		if (send(fd, msg, len, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0)
			return true;
		if ((errno != EAGAIN && errno != EINTR) ||
		    waited >= SYSLOG_WAIT_MS)
			return false;
		poll(&pfd, 1, 10);
	}
}

/* "<PRI>ident[pid]: record"; the daemon adds time and host. */
static void syslog_send(const char *rec, size_t n)
{
	char msg[RECORD_MAX + 96];
	struct sb b = { .p = msg, .len = 0, .cap = sizeof(msg) };
	int fd = atomic_load_explicit(&log_fd, memory_order_relaxed);

	sb_putn(&b, syslog_tag, syslog_tag_len);
	sb_ulong(&b, (unsigned long long)cached_pid, 0);
	sb_puts(&b, "]: ");
	sb_putn(&b, rec, n);
	if (fd < 0 || send_waiting(fd, msg, b.len))
		return;
	if (errno != ECONNREFUSED && errno != ENOTCONN && errno != ENOENT)
		return;
	/* The daemon restarted, or was not up yet: one thread reconnects
	 * (the descriptor stays the same), the others drop their record. */
	if (atomic_exchange(&syslog_reconnecting, true))
		return;
	if (syslog_connect(fd))
		send_waiting(fd, msg, b.len);
	atomic_store(&syslog_reconnecting, false);
}

void log_open(const struct policy *p, const char *progname)
{
	const char *path = p->log.path;

	snprintf(prog, sizeof(prog), "%s", progname && *progname ? progname : "?");
	cached_pid = getpid();
	format = p->log.format;
	log_only_policy = p->log.calls == LOGC_POLICY;
	file_mode = p->log.file_mode;
	snprintf(path_tmpl, sizeof(path_tmpl), "%s", path);
	if (strcmp(path, "none") == 0) {
		set_sink(SINK_NONE);
	} else if (strcmp(path, "stderr") == 0) {
		int fd = dup_high(STDERR_FILENO);

		is_pipe = fd >= 0 && pipe_like(fd);
		atomic_store(&log_fd, fd);
		atomic_store(&file_state, fd >= 0 ? FILE_OPEN : FILE_FAILED);
		set_sink(fd >= 0 ? SINK_FD : SINK_NONE);
	} else if (strcmp(path, "syslog") == 0 ||
		   strncmp(path, "syslog:", 7) == 0) {
		syslog_open(p, path[6] == ':' ? path + 7 : "/dev/log");
	} else {
		is_file = true;
		per_process = strstr(path, "%p") != NULL;
		set_sink(SINK_FD);
	}
}



static pid_t current_tid(void)
{
	if (!cached_tid)
		cached_tid = (pid_t)syscall(SYS_gettid);
	return cached_tid;
}

/*
 * A reader that went away must not kill the program with SIGPIPE: block
 * it around the write and swallow the one our write raised.
 */
static void write_pipe(int fd, const char *buf, size_t n)
{
	sigset_t pipe_set, old, pending;
	bool was_pending;
	ssize_t w;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	w = write(fd, buf, n);
	if (w < 0 && errno == EPIPE && !was_pending) {
		struct timespec zero = { 0, 0 };

		sigtimedwait(&pipe_set, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void write_fd(const char *buf, size_t n)
{
	int fd = is_file ? file_fd() :
			   atomic_load_explicit(&log_fd, memory_order_relaxed);
	ssize_t w;

	if (fd < 0)
		return;
	if (mapped) {
		enum logmap_result r = logmap_append(fd, buf, n);

		if (r != LM_NOT_MAPPED)
			return;
	}
	if (is_pipe) {
		write_pipe(fd, buf, n);
		return;
	}
	w = write(fd, buf, n);
	(void)w; /* a full disk must not become the program's problem */
}

void log_emit(const struct log_rec *r)
{
	struct log_ctx c = { .pid = cached_pid, .tid = current_tid(),
			     .prog = prog };
	char buf[RECORD_MAX];
	size_t n;

	if (sink == SINK_NONE)
		return;
	clock_gettime(CLOCK_REALTIME, &c.ts);
	n = format == LOGF_JSON ? log_format_json(&c, r, buf, sizeof(buf)) :
				  log_format_text(&c, r, buf, sizeof(buf));
	if (sink == SINK_SYSLOG)
		syslog_send(buf, n - 1);
	else
		write_fd(buf, n);
}

void log_warn(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, (size_t)n) < 0)
		return;
}

bool log_owns_fd(int fd)
{
	return fd >= 0 && sink != SINK_NONE &&
	       fd == atomic_load_explicit(&log_fd, memory_order_relaxed);
}

int log_fd_number(void)
{
	return sink != SINK_NONE ? atomic_load(&log_fd) : -1;
}

void log_move_fd(void)
{
	int old = atomic_load(&log_fd);
	int fd;

	if (old < 0)
		return;
	fd = real.fcntl(old, F_DUPFD_CLOEXEC, old + 1);
	/* Nothing free above (RLIMIT_NOFILE): the highest free one below. */
	for (int below = old - 1; fd < 0 && below > STDERR_FILENO; below--)
		fd = real.fcntl(old, F_DUPFD_CLOEXEC, below);
	if (fd < 0) {
		/*
		 * No descriptor left at all. Writing on after the program's
		 * dup2 would put records into its file or socket (SIGPIPE on
		 * an unconnected one): stop logging instead.
		 */
		atomic_store(&log_fd, -1);
		set_sink(SINK_NONE);
		real.close(old);
		log_warn("sockshim: no file descriptor left for the log; "
			 "logging stops");
		return;
	}
	atomic_store(&log_fd, fd);
	real.close(old);
}

void log_close(void)
{
	int fd = atomic_load(&log_fd);

	/* A vfork child shares our memory and our mapping: hands off. */
	if (mapped && fd >= 0 && getpid() == cached_pid)
		logmap_finish(fd);
}

void log_after_fork_child(void)
{
	cached_pid = getpid();
	cached_tid = 0;
	opening = false;
	if (sink != SINK_FD || !is_file)
		return;
	/*
	 * Forked while another thread was opening the file: that thread is
	 * not in the child, so open afresh here.
	 */
	if (atomic_load(&file_state) == FILE_OPENING) {
		atomic_store(&log_fd, -1);
		atomic_store(&file_state, FILE_CLOSED);
	}
	if (!per_process)
		return;	/* one shared file: the inherited O_APPEND fd serves */
	/* The parent's file and mapping are the parent's: start our own on
	 * the first record. */
	logmap_drop();
	mapped = false;
	if (atomic_load(&log_fd) >= 0)
		real.close(atomic_load(&log_fd));
	atomic_store(&log_fd, -1);
	atomic_store(&file_state, FILE_CLOSED);
}
