// SPDX-License-Identifier: MIT
/* check_log — record formatting (text and JSON) and log path expansion. */
#include "build-config.h"

#include <arpa/inet.h>
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>

#include "log.h"
#include "optvals.h"
#include "strbuf.h"

/* 2024-03-01T12:34:56Z, and a nanosecond part that must be truncated. */
static const struct log_ctx ctx = {
	.pid = 4211, .tid = 4211, .prog = "nginx",
	.ts = { .tv_sec = 1709296496, .tv_nsec = 789012999 },
};

static char out[1024];

static const char *text(const struct log_rec *r)
{
	size_t n = log_format_text(&ctx, r, out, sizeof(out));

	ck_assert_uint_eq(n, strlen(out));
	return out;
}

static const char *json(const struct log_rec *r)
{
	size_t n = log_format_json(&ctx, r, out, sizeof(out));

	ck_assert_uint_eq(n, strlen(out));
	return out;
}

static bool contains(const char *s, const char *part)
{
	return strstr(s, part) != NULL;
}

#define ck_assert_contains(s, part) \
	ck_assert_msg(contains((s), (part)), "'%s' not in '%s'", (part), (s))
#define ck_assert_lacks(s, part) \
	ck_assert_msg(!contains((s), (part)), "'%s' in '%s'", (part), (s))

/* The README's example: an abortive linger turned graceful. */
static const struct optval graceful_val = { .type = OT_LINGER,
					    .len = sizeof(struct linger) };
static struct optval graceful_app;

static struct log_rec graceful(void)
{
	struct log_rec r = {
		.call = LC_SETSOCKOPT, .fd = 7, .ret = 0,
		.action = ACT_GRACEFUL, .enforce = true,
		.level = SOL_SOCKET, .optname = SO_LINGER,
		.val = &graceful_val, .app_val = &graceful_app,
	};

	graceful_app = linger(1, 0);
	return r;
}

/* ---- JSON ---- */

START_TEST(test_json_exact)
{
	struct log_rec r = graceful();

	ck_assert_str_eq(json(&r),
			 "{\"ts\":\"2024-03-01T12:34:56.789012Z\","
			 "\"pid\":4211,\"tid\":4211,\"prog\":\"nginx\","
			 "\"call\":\"setsockopt\",\"fd\":7,\"ret\":0,"
			 "\"origin\":\"app\",\"level\":\"SOL_SOCKET\","
			 "\"opt\":\"SO_LINGER\",\"val\":[0,0],"
			 "\"app_val\":[1,0],\"action\":\"graceful\"}\n");
}
END_TEST

START_TEST(test_json_shape)
{
	struct log_rec r = graceful();
	const char *s;

	r.by_policy = true;
	s = json(&r);
	ck_assert_int_eq(strncmp(s, "{\"ts\":\"", 7), 0);
	ck_assert_int_eq(strcmp(s + strlen(s) - 2, "}\n"), 0);
	ck_assert_ptr_eq(strchr(s, '\n'), s + strlen(s) - 1);
	ck_assert_contains(s, "\"call\":\"setsockopt\"");
	ck_assert_contains(s, "\"origin\":\"policy\"");
	ck_assert_contains(s, "\"level\":\"SOL_SOCKET\",\"opt\":\"SO_LINGER\"");
	ck_assert_contains(s, "\"val\":[0,0]");
	ck_assert_contains(s, "\"app_val\":[1,0]");
	ck_assert_contains(s, "\"action\":\"graceful\"");
	ck_assert_lacks(s, "\"errno\"");
}
END_TEST

START_TEST(test_json_errno)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(8080) };
	struct log_rec r = { .call = LC_BIND, .fd = 3, .ret = -1,
			     .err = EADDRINUSE,
			     .addr = (struct sockaddr *)&sin,
			     .addrlen = sizeof(sin) };
	const char *s;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = json(&r);
	ck_assert_contains(s, "\"ret\":-1,\"errno\":\"EADDRINUSE\"");
	ck_assert_contains(s, "\"addr\":\"127.0.0.1:8080\"");
	ck_assert_lacks(s, "\"action\"");
	r.err = 0;
	r.ret = 0;
	ck_assert_lacks(json(&r), "errno");
}
END_TEST

START_TEST(test_json_no_app_val_without_action)
{
	struct optval v = ival(1);
	struct log_rec r = { .call = LC_SETSOCKOPT, .fd = 4,
			     .level = IPPROTO_TCP, .optname = TCP_NODELAY,
			     .val = &v, .app_val = &v };
	const char *s = json(&r);

	ck_assert_contains(s, "\"level\":\"IPPROTO_TCP\",\"opt\":"
			      "\"TCP_NODELAY\",\"val\":1}");
	ck_assert_lacks(s, "app_val");
	ck_assert_lacks(s, "action");
}
END_TEST

START_TEST(test_json_socket)
{
	struct log_rec r = { .call = LC_SOCKET, .fd = 5, .ret = 5,
			     .family = AF_INET6,
			     .type = SOCK_STREAM | SOCK_CLOEXEC,
			     .protocol = IPPROTO_TCP };

	ck_assert_contains(json(&r), "\"family\":\"AF_INET6\","
				     "\"type\":\"SOCK_STREAM|SOCK_CLOEXEC\","
				     "\"proto\":\"IPPROTO_TCP\"}");
	r.family = 77;
	r.type = SOCK_DGRAM;
	r.protocol = 0;
	ck_assert_contains(json(&r), "\"family\":77,\"type\":\"SOCK_DGRAM\","
				     "\"proto\":0}");
}
END_TEST

START_TEST(test_json_accept)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons(40000) };
	struct log_rec r = { .call = LC_ACCEPT4, .fd = 9, .ret = 9,
			     .listen_fd = 5, .arg = SOCK_CLOEXEC,
			     .addr = (struct sockaddr *)&sin6,
			     .addrlen = sizeof(sin6) };

	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr),
			 1);
	ck_assert_contains(json(&r), "\"call\":\"accept4\",\"fd\":9,"
				     "\"ret\":9,");
	ck_assert_contains(json(&r), "\"listen_fd\":5,"
				     "\"peer\":\"[2001:db8::1]:40000\"");
}
END_TEST

START_TEST(test_json_audit_action)
{
	struct optval v = ival(65536), app = ival(1 << 22);
	struct log_rec r = { .call = LC_SETSOCKOPT, .fd = 4,
			     .level = SOL_SOCKET, .optname = SO_RCVBUF,
			     .val = &app, .app_val = &app,
			     .action = ACT_CLAMPED, .enforce = false };

	ck_assert_contains(json(&r), "\"action\":\"would-clamp\"");
	r.val = &v;
	r.enforce = true;
	ck_assert_contains(json(&r), "\"val\":65536,\"app_val\":4194304,"
				     "\"action\":\"clamped\"");
}
END_TEST

/* Audit: val is what took effect, would_val what enforce would make. */
START_TEST(test_audit_would_val)
{
	struct optval app = bval(0), forced = bval(1);
	struct log_rec r = { .call = LC_SETSOCKOPT, .fd = 3,
			     .level = SOL_SOCKET, .optname = SO_KEEPALIVE,
			     .val = &app, .would_val = &forced,
			     .action = ACT_FORCED, .enforce = false };

	ck_assert_contains(json(&r), "\"val\":0,\"would_val\":1,"
				     "\"action\":\"would-force\"");
	ck_assert_lacks(out, "app_val");
	ck_assert_contains(text(&r), "SO_KEEPALIVE, 0 -> 1 would-force) = 0");
}
END_TEST

/* Protocol 0 is logged as the protocol the family and type give it. */
START_TEST(test_json_socket_default_proto)
{
	struct log_rec r = { .call = LC_SOCKET, .fd = 3, .ret = 3,
			     .family = AF_INET6, .type = SOCK_STREAM };

	ck_assert_contains(json(&r), "\"proto\":\"IPPROTO_TCP\"");
	r.type = SOCK_DGRAM | SOCK_CLOEXEC;
	ck_assert_contains(json(&r), "\"proto\":\"IPPROTO_UDP\"");
	r.family = AF_UNIX;
	ck_assert_contains(json(&r), "\"proto\":0");
	/* Text keeps what the program passed, as strace would. */
	r.family = AF_INET;
	ck_assert_contains(text(&r), "socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, 0)");
}
END_TEST

/* fcntl, closefrom and close_range records say what was asked. */
START_TEST(test_fd_call_records)
{
	struct log_rec r = { .call = LC_FCNTL, .fd = 3, .ret = 12,
			     .arg = F_DUPFD_CLOEXEC, .lo = 10 };

	ck_assert_contains(text(&r), "fcntl(3, F_DUPFD_CLOEXEC, 10) = 12");
	ck_assert_contains(json(&r), "\"cmd\":\"F_DUPFD_CLOEXEC\",\"arg\":10");
	r = (struct log_rec){ .call = LC_CLOSEFROM, .fd = -1, .lo = 3,
			      .hi = ~0U };
	ck_assert_contains(text(&r), "closefrom(3) = 0");
	ck_assert_contains(json(&r), "\"first\":3");
	r = (struct log_rec){ .call = LC_CLOSE_RANGE, .fd = -1, .lo = 3,
			      .hi = ~0U, .arg = 4 };
	ck_assert_contains(text(&r), "close_range(3, 4294967295, 4) = 0");
	ck_assert_contains(json(&r), "\"first\":3,\"last\":4294967295,"
				     "\"flags\":4");
}
END_TEST

START_TEST(test_json_timestamps)
{
	struct log_ctx c = ctx;
	struct log_rec r = { .call = LC_CLOSE, .fd = 3 };

	c.ts.tv_sec = 0;
	c.ts.tv_nsec = 999;
	log_format_json(&c, &r, out, sizeof(out));
	ck_assert_int_eq(strncmp(out, "{\"ts\":\"1970-01-01T00:00:00.000000Z\",",
				 36), 0);
	c.ts.tv_sec = 951827696;	/* 2000-02-29T12:34:56Z */
	c.ts.tv_nsec = 5000;
	log_format_json(&c, &r, out, sizeof(out));
	ck_assert_int_eq(strncmp(out, "{\"ts\":\"2000-02-29T12:34:56.000005Z\",",
				 36), 0);
	/* The date is computed by hand (no gmtime_r): the awkward days. */
	static const struct {
		time_t t;
		const char *want;
	} days[] = {
		{ 86399, "1970-01-01T23:59:59" },
		{ 951782399, "2000-02-28T23:59:59" },
		{ 983404800, "2001-03-01T00:00:00" },
		{ 1709251199, "2024-02-29T23:59:59" },
		{ 1795258429, "2026-11-21T10:53:49" },
		{ 4102444800, "2100-01-01T00:00:00" },
		{ 4107542400, "2100-03-01T00:00:00" },
		{ 253402300799, "9999-12-31T23:59:59" },
	};
	for (size_t i = 0; i < sizeof(days) / sizeof(*days); i++) {
		c.ts.tv_sec = days[i].t;
		c.ts.tv_nsec = 0;
		log_format_json(&c, &r, out, sizeof(out));
		ck_assert_msg(strncmp(out + 7, days[i].want, 19) == 0,
			      "%lld: %.26s", (long long)days[i].t, out);
	}
}
END_TEST

START_TEST(test_json_escapes)
{
	struct log_ctx c = ctx;
	struct optval dev = { .type = OT_STRING, .len = 6, .s = "e\"t\\h\n" };
	struct log_rec r = { .call = LC_SETSOCKOPT, .fd = 4,
			     .level = SOL_SOCKET, .optname = SO_BINDTODEVICE,
			     .val = &dev };

	c.prog = "a\"b\\c\td";
	log_format_json(&c, &r, out, sizeof(out));
	ck_assert_contains(out, "\"prog\":\"a\\\"b\\\\c\\u0009d\"");
	ck_assert_contains(out, "\"val\":\"e\\\"t\\\\h\\u000a\"");
	/* No raw control byte anywhere but the final newline. */
	for (const char *p = out; *p; p++)
		ck_assert(p[1] == '\0' || (unsigned char)*p >= 0x20);
}
END_TEST

START_TEST(test_json_unknown_option)
{
	struct optval v = ival(3);
	struct log_rec r = { .call = LC_GETSOCKOPT, .fd = 4,
			     .level = SOL_SOCKET, .optname = 9999,
			     .val = &v };

	ck_assert_contains(json(&r), "\"level\":\"SOL_SOCKET\",\"opt\":9999,"
				     "\"val\":3");
	r.level = 4242;
	ck_assert_contains(json(&r), "\"level\":4242,\"opt\":9999");
}
END_TEST

/* ---- text ---- */

START_TEST(test_text_design_example)
{
	struct log_rec r = graceful();

	ck_assert_str_eq(text(&r), "sockshim[4211 nginx] setsockopt(7, "
				   "SOL_SOCKET, SO_LINGER, [1,0] -> [0,0] "
				   "graceful) = 0\n");
}
END_TEST

START_TEST(test_text_tid)
{
	struct log_ctx c = ctx;
	struct log_rec r = { .call = LC_LISTEN, .fd = 7, .arg = 128 };

	c.tid = 4212;
	log_format_text(&c, &r, out, sizeof(out));
	ck_assert_str_eq(out, "sockshim[4211/4212 nginx] listen(7, 128) = 0\n");
}
END_TEST

START_TEST(test_text_policy_and_audit)
{
	struct optval on = ival(1), app = ival(0);
	struct log_rec r = { .call = LC_SETSOCKOPT, .by_policy = true, .fd = 7,
			     .level = IPPROTO_TCP, .optname = TCP_NODELAY,
			     .val = &on, .action = ACT_SET, .enforce = true };

	on.type = app.type = OT_BOOL;
	ck_assert_str_eq(text(&r), "sockshim[4211 nginx] policy setsockopt(7, "
				   "IPPROTO_TCP, TCP_NODELAY, 1 set) = 0\n");
	r.by_policy = false;
	r.app_val = &app;
	r.action = ACT_FORCED;
	r.enforce = false;
	ck_assert_str_eq(text(&r), "sockshim[4211 nginx] setsockopt(7, "
				   "IPPROTO_TCP, TCP_NODELAY, 0 -> 1 "
				   "would-force) = 0\n");
	r.action = ACT_NONE;
	r.val = &app;
	ck_assert_str_eq(text(&r), "sockshim[4211 nginx] setsockopt(7, "
				   "IPPROTO_TCP, TCP_NODELAY, 0) = 0\n");
}
END_TEST

START_TEST(test_text_error)
{
	struct log_rec r = graceful();

	r.action = ACT_DENIED;
	r.val = &graceful_app;
	r.ret = -1;
	r.err = EPERM;
	ck_assert_str_eq(text(&r), "sockshim[4211 nginx] setsockopt(7, "
				   "SOL_SOCKET, SO_LINGER, [1,0] -> [1,0] "
				   "denied) = -1 EPERM (Operation not "
				   "permitted)\n");
}
END_TEST

START_TEST(test_text_socket)
{
	struct log_rec r = { .call = LC_SOCKET, .fd = 3, .ret = 3,
			     .family = AF_INET,
			     .type = SOCK_STREAM | SOCK_NONBLOCK |
				     SOCK_CLOEXEC };

	ck_assert_str_eq(text(&r), "sockshim[4211 nginx] socket(AF_INET, "
				   "SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, "
				   "0) = 3\n");
	r.family = AF_UNIX;
	r.type = SOCK_DGRAM;
	r.protocol = 200;
	ck_assert_str_eq(text(&r), "sockshim[4211 nginx] socket(AF_UNIX, "
				   "SOCK_DGRAM, 200) = 3\n");
}
END_TEST

static const char *text_addr(const struct sockaddr *sa, socklen_t len)
{
	struct log_rec r = { .call = LC_CONNECT, .fd = 3, .addr = sa,
			     .addrlen = len };
	static char line[256];
	const char *open, *close;

	text(&r);
	open = strstr(out, "connect(3, ");
	close = strrchr(out, ')');
	ck_assert_ptr_nonnull(open);
	ck_assert_ptr_nonnull(close);
	open += strlen("connect(3, ");
	ck_assert_uint_lt((size_t)(close - open), sizeof(line));
	memcpy(line, open, (size_t)(close - open));
	line[close - open] = '\0';
	return line;
}

START_TEST(test_text_addresses)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(443) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons(8443),
				     .sin6_addr = IN6ADDR_LOOPBACK_INIT };

	ck_assert_int_eq(inet_pton(AF_INET, "192.0.2.10", &sin.sin_addr), 1);
	ck_assert_str_eq(text_addr((struct sockaddr *)&sin, sizeof(sin)),
			 "192.0.2.10:443");
	ck_assert_str_eq(text_addr((struct sockaddr *)&sin6, sizeof(sin6)),
			 "[::1]:8443");
	/* Too short for its family: not decoded from garbage. */
	ck_assert_str_ne(text_addr((struct sockaddr *)&sin, 8),
			 "192.0.2.10:443");
	ck_assert_str_eq(text_addr(NULL, 0), "?");
}
END_TEST

START_TEST(test_text_unix_addresses)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	socklen_t base = offsetof(struct sockaddr_un, sun_path);

	strcpy(un.sun_path, "/run/app.sock");
	ck_assert_str_eq(text_addr((struct sockaddr *)&un, sizeof(un)),
			 "/run/app.sock");
	ck_assert_str_eq(text_addr((struct sockaddr *)&un,
				   base + (socklen_t)strlen(un.sun_path) + 1),
			 "/run/app.sock");
	/* Abstract: a leading NUL, the length says where the name ends. */
	memset(un.sun_path, 0, sizeof(un.sun_path));
	memcpy(un.sun_path, "\0my-svc", 7);
	ck_assert_str_eq(text_addr((struct sockaddr *)&un, base + 7),
			 "@my-svc");
	memcpy(un.sun_path, "\0a\nb", 4);
	ck_assert_str_eq(text_addr((struct sockaddr *)&un, base + 4), "@a?b");
	ck_assert_str_eq(text_addr((struct sockaddr *)&un, base), "unnamed");
	/* A quote in a path is escaped, as everywhere. */
	strcpy(un.sun_path, "/tmp/a\"b");
	ck_assert_str_eq(text_addr((struct sockaddr *)&un, sizeof(un)),
			 "/tmp/a\\\"b");
}
END_TEST

START_TEST(test_text_timeval)
{
	struct optval v = tv(5, 0);
	struct log_rec r = { .call = LC_SETSOCKOPT, .fd = 7,
			     .level = SOL_SOCKET, .optname = SO_RCVTIMEO,
			     .val = &v };

	ck_assert_contains(text(&r), "SO_RCVTIMEO, 5) = 0\n");
	v = tv(0, 250000);
	ck_assert_contains(text(&r), "SO_RCVTIMEO, 0.25) = 0\n");
	v = tv(1, 500);
	ck_assert_contains(text(&r), "SO_RCVTIMEO, 1.0005) = 0\n");
	v = tv(0, 1);
	ck_assert_contains(text(&r), "SO_RCVTIMEO, 0.000001) = 0\n");
	ck_assert_contains(json(&r), "\"val\":0.000001}");
}
END_TEST

START_TEST(test_text_values)
{
	struct optval s = { .type = OT_STRING, .len = 4, .s = "eth0" };
	struct optval o = { .type = OT_OPAQUE, .len = 20 };
	struct log_rec r = { .call = LC_SETSOCKOPT, .fd = 7,
			     .level = SOL_SOCKET, .optname = SO_BINDTODEVICE,
			     .val = &s };

	ck_assert_contains(text(&r), "SO_BINDTODEVICE, \"eth0\") = 0\n");
	r.val = NULL;
	ck_assert_contains(text(&r), "SO_BINDTODEVICE, ?) = 0\n");
	o.raw[0] = 0xab;
	o.raw[15] = 0x01;
	r.val = &o;
	r.level = IPPROTO_IP;
	r.optname = IP_ADD_MEMBERSHIP;
	ck_assert_contains(text(&r), "IP_ADD_MEMBERSHIP, <20 bytes: ab"
				     "000000000000000000000000000001...>");
}
END_TEST

START_TEST(test_text_unknown_option)
{
	struct optval v = ival(1);
	struct log_rec r = { .call = LC_SETSOCKOPT, .fd = 7,
			     .level = IPPROTO_TCP, .optname = 250, .val = &v };

	ck_assert_str_eq(text(&r), "sockshim[4211 nginx] setsockopt(7, "
				   "IPPROTO_TCP, 250, 1) = 0\n");
	r.level = 999;
	ck_assert_contains(text(&r), "setsockopt(7, 999, 250, 1)");
}
END_TEST

START_TEST(test_text_escapes_prog)
{
	struct log_ctx c = ctx;
	struct log_rec r = { .call = LC_CLOSE, .fd = 3 };

	c.prog = "evil\nsockshim[1 x] close(0) = 0";
	log_format_text(&c, &r, out, sizeof(out));
	ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);
	ck_assert_contains(out, "evil\\u000asockshim");
}
END_TEST

/* ---- bounded buffers ---- */

#define CANARY 0xa5

static void check_bounds(size_t (*fmt)(const struct log_ctx *,
					const struct log_rec *, char *, size_t),
			 const struct log_rec *r)
{
	static unsigned char buf[1024 + 64];
	size_t full = fmt(&ctx, r, (char *)buf, 1024);

	ck_assert_uint_gt(full, 10);
	for (size_t len = 0; len <= full + 2; len++) {
		size_t n;

		memset(buf, CANARY, sizeof(buf));
		n = fmt(&ctx, r, (char *)buf, len);
		for (size_t k = len; k < sizeof(buf); k++)
			ck_assert_msg(buf[k] == CANARY,
				      "len %zu: byte %zu written", len, k);
		if (len < 3) {
			ck_assert_uint_eq(n, 0);
			continue;
		}
		ck_assert_uint_lt(n, len);
		ck_assert_uint_eq(strlen((char *)buf), n);
		ck_assert_int_eq(buf[n - 1], '\n');
		if (len > full)
			ck_assert_uint_eq(n, full);
	}
}

START_TEST(test_small_buffers)
{
	struct log_rec r = graceful();

	check_bounds(log_format_text, &r);
	check_bounds(log_format_json, &r);
}
END_TEST

/* Numbers and short copies as printf and memcpy would have them: every
 * width of number, zero padding, the limits, and every length of copy. */
START_TEST(test_numbers_and_copies)
{
	static const long long vals[] = {
		0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 65535, 999999,
		1000000, 4294967295LL, 1709296496, LLONG_MAX, LLONG_MIN,
		-1, -9, -10, -99, -100, -123456789,
	};
	char got[64], want[64];

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		struct sb b = sb_init(got, sizeof(got));

		sb_long(&b, vals[i]);
		got[b.len] = '\0';
		snprintf(want, sizeof(want), "%lld", vals[i]);
		ck_assert_str_eq(got, want);
		for (int w = 0; w <= 8; w++) {
			b = sb_init(got, sizeof(got));
			sb_ulong(&b, (unsigned long long)vals[i], w);
			got[b.len] = '\0';
			snprintf(want, sizeof(want), "%0*llu", w,
				 (unsigned long long)vals[i]);
			ck_assert_str_eq(got, want);
		}
	}
	for (unsigned long long v = 0; v < 100000; v += 7) {
		struct sb b = sb_init(got, sizeof(got));

		sb_ulong(&b, v, 6);
		got[b.len] = '\0';
		snprintf(want, sizeof(want), "%06llu", v);
		ck_assert_str_eq(got, want);
	}
	for (size_t n = 0; n <= 40; n++) {
		const char *src = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH";
		struct sb b;

		memset(got, '#', sizeof(got));
		b = sb_init(got, sizeof(got));
		sb_putc(&b, '<');
		sb_putn(&b, src, n);
		sb_putc(&b, '>');
		ck_assert_uint_eq(b.len, n + 2);
		ck_assert_int_eq(got[0], '<');
		ck_assert_int_eq(memcmp(got + 1, src, n), 0);
		ck_assert_int_eq(got[n + 1], '>');
		ck_assert_int_eq(got[n + 2], '#');	/* nothing past it */
	}
}
END_TEST

/* ---- log path ---- */

START_TEST(test_expand_path)
{
	char p[64];

	ck_assert(log_expand_path("/var/log/s-%n.%p.log", 42, "nginx", p,
				  sizeof(p)));
	ck_assert_str_eq(p, "/var/log/s-nginx.42.log");
	ck_assert(log_expand_path("/tmp/%n-%p", 7, "my/prog", p, sizeof(p)));
	ck_assert_str_eq(p, "/tmp/my_prog-7");
	ck_assert(log_expand_path("/tmp/100%%-%p%%", 9, "x", p, sizeof(p)));
	ck_assert_str_eq(p, "/tmp/100%-9%");
	ck_assert(log_expand_path("plain", 1, "x", p, sizeof(p)));
	ck_assert_str_eq(p, "plain");
	ck_assert(log_expand_path("trailing%", 1, "x", p, sizeof(p)));
	ck_assert_str_eq(p, "trailing%");
}
END_TEST

START_TEST(test_expand_path_overflow)
{
	char p[16 + 8];

	memset(p, CANARY, sizeof(p));
	ck_assert(!log_expand_path("/tmp/%n.log", 1, "a-rather-long-name", p,
				   16));
	for (size_t k = 16; k < sizeof(p); k++)
		ck_assert_int_eq((unsigned char)p[k], CANARY);
	memset(p, CANARY, sizeof(p));
	ck_assert(!log_expand_path("/tmp/%p%p%p", 123456, "x", p, 16));
	for (size_t k = 16; k < sizeof(p); k++)
		ck_assert_int_eq((unsigned char)p[k], CANARY);
	ck_assert(!log_expand_path("x", 1, "x", p, 0));
}
END_TEST

START_TEST(test_expand_path_exact_fit)
{
	char p[16 + 8];

	/* 15 characters and the NUL fill 16 bytes exactly. */
	memset(p, CANARY, sizeof(p));
	ck_assert(log_expand_path("/tmp/%n", 1, "0123456789", p, 16));
	ck_assert_str_eq(p, "/tmp/0123456789");
	ck_assert_int_eq((unsigned char)p[16], CANARY);
	ck_assert(!log_expand_path("/tmp/%n", 1, "0123456789A", p, 16));
}
END_TEST

/* log.host: a host field after prog; %h the machine's name. */
START_TEST(test_host)
{
	struct log_ctx hc = ctx;
	struct log_rec r = graceful();
	struct utsname u;
	char h[128], want[128];

	hc.host = "web-7";
	ck_assert_uint_gt(log_format_json(&hc, &r, out, sizeof(out)), 0);
	ck_assert_contains(out, "\"prog\":\"nginx\",\"host\":\"web-7\","
			   "\"call\":\"setsockopt\"");
	ck_assert_lacks(json(&r), "\"host\"");
	ck_assert_int_eq(uname(&u), 0);
	ck_assert(log_expand_host("%h.dc1", h, sizeof(h)));
	snprintf(want, sizeof(want), "%s.dc1", u.nodename);
	ck_assert_str_eq(h, want);
	ck_assert(log_expand_host("plain", h, sizeof(h)));
	ck_assert_str_eq(h, "plain");
	ck_assert(!log_expand_host("0123456789abcdef", h, 16));
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(log_errno_name(EADDRINUSE), "EADDRINUSE");
	ck_assert_str_eq(log_errno_name(EPERM), "EPERM");
	ck_assert_str_eq(log_family_name(AF_INET6), "AF_INET6");
	ck_assert_ptr_null(log_family_name(12345));
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, test_json_exact);
	tcase_add_test(tc, test_numbers_and_copies);
	tcase_add_test(tc, test_json_shape);
	tcase_add_test(tc, test_json_errno);
	tcase_add_test(tc, test_json_no_app_val_without_action);
	tcase_add_test(tc, test_json_socket);
	tcase_add_test(tc, test_json_accept);
	tcase_add_test(tc, test_json_audit_action);
	tcase_add_test(tc, test_json_timestamps);
	tcase_add_test(tc, test_audit_would_val);
	tcase_add_test(tc, test_json_socket_default_proto);
	tcase_add_test(tc, test_fd_call_records);
	tcase_add_test(tc, test_json_escapes);
	tcase_add_test(tc, test_json_unknown_option);
	tcase_add_test(tc, test_host);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_test(tc, test_text_design_example);
	tcase_add_test(tc, test_text_tid);
	tcase_add_test(tc, test_text_policy_and_audit);
	tcase_add_test(tc, test_text_error);
	tcase_add_test(tc, test_text_socket);
	tcase_add_test(tc, test_text_addresses);
	tcase_add_test(tc, test_text_unix_addresses);
	tcase_add_test(tc, test_text_timeval);
	tcase_add_test(tc, test_text_values);
	tcase_add_test(tc, test_text_unknown_option);
	tcase_add_test(tc, test_text_escapes_prog);
	suite_add_tcase(s, tc);

	tc = tcase_create("bounds");
	tcase_add_test(tc, test_small_buffers);
	tcase_add_test(tc, test_expand_path);
	tcase_add_test(tc, test_expand_path_overflow);
	tcase_add_test(tc, test_expand_path_exact_fit);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(log_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
