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
#include <sys/utsname.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "log_fields.h"
#include "logwords.h"
#include "strbuf.h"

/* ,"key": from the one table of record keys (log_fields.def), copied
 * here so the compiler knows each key and its length where it is put. */
#define JSON_KEY_MAX 24
static const struct {
	char text[JSON_KEY_MAX];
	unsigned char len;
} json_keys[LOG_FIELD_COUNT] = {
#define FIELD(id, name, meaning) \
	[LF_##id] = { ",\"" name "\":", sizeof(",\"" name "\":") - 1 },
#include "log_fields.def"
#undef FIELD
};
#define FIELD(id, name, meaning)                                  \
	_Static_assert(sizeof(",\"" name "\":") - 1 <= JSON_KEY_MAX, \
		       "JSON key " name " is too long");
#include "log_fields.def"
#undef FIELD

#define json_field(b, f) sb_putn((b), json_keys[f].text, json_keys[f].len)

/* ---- text: sockshim[pid prog] call(args) = ret ---- */

static void text_args(struct sb *b, const struct log_rec *r)
{
	const char *act = policy_action_name(r->action, r->enforce);

	switch (r->call) {
	case LC_SOCKET:
	case LC_SOCKETPAIR:
		logw_sym(b, log_family_name(r->family), r->family, false);
		sb_puts(b, ", ");
		logw_type(b, r->type, false);
		sb_puts(b, ", ");
		logw_sym(b, r->protocol ? logw_proto_name(r->protocol) : "0",
		       r->protocol, false);
		return;
	case LC_SETSOCKOPT:
	case LC_GETSOCKOPT:
		sb_long(b, r->fd);
		sb_puts(b, ", ");
		logw_opt(b, r, false);
		sb_puts(b, ", ");
		/* What was asked -> what took effect; in audit mode, what
		 * took effect -> what the policy would have made of it. */
		if (logw_app_changed(r)) {
			logw_value(b, r->app_val, false);
			sb_puts(b, " -> ");
		}
		if (r->val)
			logw_value(b, r->val, false);
		else
			sb_puts(b, "?");
		if (!logw_app_changed(r) && r->would_val) {
			sb_puts(b, " -> ");
			logw_value(b, r->would_val, false);
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
		logw_addr(b, r->addr, r->addrlen);
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
			logw_addr(b, r->addr, r->addrlen);
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
		logw_sym(b, logw_fcntl_name(r->arg), r->arg, false);
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
	case LC_IO_URING_SETUP:
		sb_long(b, r->arg);
		return;
	default:
		sb_long(b, r->fd);
		return;
	}
}

/* Calls only a supervisor sees are named here, not in the shim's table. */
static const char *call_name(enum log_call call)
{
	return call == LC_IO_URING_SETUP ? "io_uring_setup" :
					   log_call_name(call);
}

/* A record seen from outside the process names its caller itself. */
static const struct log_ctx *caller_ctx(const struct log_ctx *c,
					const struct log_rec *r,
					struct log_ctx *own)
{
	if (!r->via || !r->pid)
		return c;
	*own = *c;
	own->pid = r->pid;
	own->tid = r->tid ? r->tid : r->pid;
	if (r->prog)
		own->prog = r->prog;
	return own;
}

size_t log_format_text(const struct log_ctx *ctx, const struct log_rec *r,
		       char *buf, size_t len)
{
	struct sb b = sb_init(buf, len);
	struct log_ctx own;
	const struct log_ctx *c = caller_ctx(ctx, r, &own);

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
	if (r->call == LC_POLICY) {
		sb_puts(&b, "] policy file: ");
		sb_escaped(&b, r->note ? r->note : "?");
		return sb_finish(&b);
	}
	sb_puts(&b, r->by_policy ? "] policy " : "] ");
	sb_puts(&b, call_name(r->call));
	sb_putc(&b, '(');
	text_args(&b, r);
	sb_puts(&b, ") = ");
	if (r->ret_unknown)
		sb_putc(&b, '?');
	else
		sb_long(&b, r->ret);
	if (r->err && !r->ret_unknown) {
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
	if (r->via) {
		sb_puts(&b, " (via ");
		sb_puts(&b, r->via);
		sb_putc(&b, ')');
	}
	return sb_finish(&b);
}

/* ---- JSON lines ---- */



/* "YYYY-MM-DDTHH:MM:SS." for the second last asked, per thread: records
 * come many to a second, and breaking a time down is not free. */
struct stamp_cache {
	time_t sec;
	bool valid;
	unsigned char len;
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
	stamp.len = (unsigned char)b.len;
	stamp.sec = t;
	stamp.valid = true;
}

static void sb_timestamp(struct sb *b, const struct timespec *ts)
{
	if (!stamp.valid || stamp.sec != ts->tv_sec)
		stamp_fill(ts->tv_sec);
	sb_putc(b, '"');
	sb_putn(b, stamp.text, stamp.len);
	sb_ulong(b, (unsigned long long)ts->tv_nsec / 1000, 6);
	sb_puts(b, "Z\"");
}

/* ,"pid":N,"tid":N,"prog":"..."[,"host":"..."] is the same for every
 * record of a thread: keep it formatted. */
struct who_cache {
	pid_t pid, tid;
	const char *prog, *host;
	size_t len;
	/* Two numbers, and two names of up to 64 bytes each of which may
	 * be escaped to six (\u00XX): cut short, it would not be JSON. */
	char text[64 + 2 * 6 * 64 + 12];
};

static __thread struct who_cache who
	__attribute__((tls_model("initial-exec")));

static void sb_who(struct sb *b, const struct log_ctx *c)
{
	if (who.pid != c->pid || who.tid != c->tid || who.prog != c->prog ||
	    who.host != c->host || !who.len) {
		struct sb w = { .p = who.text, .len = 0,
				.cap = sizeof(who.text) };

		json_field(&w, LF_PID);
		sb_ulong(&w, (unsigned long long)c->pid, 0);
		json_field(&w, LF_TID);
		sb_ulong(&w, (unsigned long long)c->tid, 0);
		json_field(&w, LF_PROG);
		sb_jstr(&w, c->prog);
		if (c->host) {
			json_key(&w, "host");
			sb_jstr(&w, c->host);
		}
		who.len = w.len;
		who.pid = c->pid;
		who.tid = c->tid;
		who.prog = c->prog;
		who.host = c->host;
	}
	sb_putn(b, who.text, who.len);
}

static void json_args(struct sb *b, const struct log_rec *r)
{
	const char *act = policy_action_name(r->action, r->enforce);

	switch (r->call) {
	case LC_SOCKET:
	case LC_SOCKETPAIR:
		json_field(b, LF_FAMILY);
		logw_sym(b, log_family_name(r->family), r->family, true);
		json_field(b, LF_TYPE);
		logw_type(b, r->type, true);
		json_field(b, LF_PROTO);
		/* 0 asks for the family's default: name the one it gets. */
		logw_sym(b, logw_proto_name(logw_effective_proto(r)), r->protocol, true);
		break;
	case LC_SETSOCKOPT:
	case LC_GETSOCKOPT:
		json_field(b, LF_LEVEL);
		logw_opt(b, r, true);
		if (r->val) {
			json_field(b, LF_VAL);
			logw_value(b, r->val, true);
		}
		if (logw_app_changed(r)) {
			json_field(b, LF_APP_VAL);
			logw_value(b, r->app_val, true);
		}
		if (r->would_val) {
			json_field(b, LF_WOULD_VAL);
			logw_value(b, r->would_val, true);
		}
		break;
	case LC_BIND:
	case LC_CONNECT:
		json_field(b, LF_ADDR);
		sb_putc(b, '"');
		logw_addr(b, r->addr, r->addrlen);
		sb_putc(b, '"');
		break;
	case LC_LISTEN:
		json_field(b, LF_BACKLOG);
		sb_long(b, r->arg);
		break;
	case LC_ACCEPT:
	case LC_ACCEPT4:
		json_field(b, LF_LISTEN_FD);
		sb_long(b, r->listen_fd);
		if (r->addr) {
			json_field(b, LF_PEER);
			sb_putc(b, '"');
			logw_addr(b, r->addr, r->addrlen);
			sb_putc(b, '"');
		}
		if (r->call == LC_ACCEPT4) {
			json_field(b, LF_FLAGS);
			sb_long(b, r->arg);
		}
		break;
	case LC_DUP2:
	case LC_DUP3:
		json_field(b, LF_ARG);
		sb_long(b, r->arg);
		break;
	case LC_FCNTL:
		json_field(b, LF_CMD);
		logw_sym(b, logw_fcntl_name(r->arg), r->arg, true);
		json_field(b, LF_ARG);
		sb_ulong(b, r->lo, 0);
		break;
	case LC_CLOSE_RANGE:
		json_field(b, LF_FIRST);
		sb_ulong(b, r->lo, 0);
		json_field(b, LF_LAST);
		sb_ulong(b, r->hi, 0);
		json_field(b, LF_FLAGS);
		sb_long(b, r->arg);
		break;
	case LC_CLOSEFROM:
		json_field(b, LF_FIRST);
		sb_ulong(b, r->lo, 0);
		break;
	default:
		break;
	}
	if (act) {
		json_field(b, LF_ACTION);
		sb_name(b, act);
	}
	if (act && r->rule) {
		json_field(b, LF_RULE);
		sb_jstr(b, r->rule);
	}
}

size_t log_format_json(const struct log_ctx *ctx, const struct log_rec *r,
		       char *buf, size_t len)
{
	struct sb b = sb_init(buf, len);
	struct log_ctx own;
	const struct log_ctx *c = caller_ctx(ctx, r, &own);

	if (len < 3)
		return 0;
	sb_puts(&b, "{\"ts\":");
	sb_timestamp(&b, &c->ts);
	sb_who(&b, c);
	json_field(&b, LF_CALL);
	sb_name(&b, call_name(r->call));
	if (r->call == LC_DROPPED || r->call == LC_SECCOMP ||
	    r->call == LC_POLICY) {
		if (r->call == LC_DROPPED) {
			json_field(&b, LF_COUNT);
			sb_long(&b, r->ret);
			json_field(&b, LF_REASON);
		} else if (r->call == LC_POLICY) {
			json_field(&b, LF_REASON);
		} else {
			json_field(&b, LF_LOG);
		}
		sb_jstr(&b, r->note ? r->note : "?");
		sb_putc(&b, '}');
		return sb_finish(&b);
	}
	json_field(&b, LF_FD);
	sb_long(&b, r->fd);
	if (!r->ret_unknown) {
		json_field(&b, LF_RET);
		sb_long(&b, r->ret);
	}
	if (r->err && !r->ret_unknown) {
		json_field(&b, LF_ERRNO);
		sb_name(&b, log_errno_name(r->err));
	}
	json_field(&b, LF_ORIGIN);
	sb_name(&b, r->by_policy ? "policy" : "app");
	json_args(&b, r);
	if (r->via) {
		json_field(&b, LF_VIA);
		sb_name(&b, r->via);
	}
	sb_putc(&b, '}');
	return sb_finish(&b);
}

bool log_expand_host(const char *tmpl, char *out, size_t len)
{
	struct sb b = sb_init(out, len + 1);
	struct utsname u;

	if (!len)
		return false;
	b.cap = len;
	for (const char *s = tmpl; *s; s++) {
		if (s[0] == '%' && s[1] == 'h') {
			if (uname(&u) != 0)
				return false;
			sb_puts(&b, u.nodename);
			s++;
		} else {
			sb_putc(&b, *s);
		}
	}
	if (b.len >= len)
		return false;
	out[b.len] = '\0';
	return true;
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

