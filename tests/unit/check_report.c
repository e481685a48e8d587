// SPDX-License-Identifier: MIT
/*
 * check_report — `sockshim report`'s counts, on a hand-written log
 * (tests/fixtures/report/sample.json) whose every count is known.
 */
#include "build-config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include "report.h"

#define SAMPLE FIXTURES "/report/sample.json"

static struct report *rep;

/* The whole fixture, line by line, as the command reads a file. */
static struct report *load(const char *path)
{
	struct report *r = report_new();
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	ck_assert_ptr_nonnull(r);
	ck_assert_msg(f != NULL, "cannot open %s", path);
	report_begin_source(r);
	while ((n = getline(&line, &cap, f)) >= 0)
		ck_assert_int_ge(report_add_line(r, line, (size_t)n), 0);
	free(line);
	fclose(f);
	return r;
}

static void setup(void)
{
	rep = load(SAMPLE);
}

static void teardown(void)
{
	report_free(rep);
	rep = NULL;
}

static struct report_counts counts(const char *prog)
{
	struct report_counts c;

	ck_assert_msg(report_get_counts(rep, prog, &c), "no program %s",
		      prog ? prog : "(all)");
	return c;
}

static struct report_opt_counts opt(const char *prog, const char *level,
				    const char *name)
{
	struct report_opt_counts c;

	ck_assert_msg(report_get_opt(rep, prog, level, name, &c),
		      "%s: no option %s %s", prog ? prog : "(all)", level,
		      name);
	return c;
}

START_TEST(test_totals)
{
	struct report_counts c = counts(NULL);

	ck_assert_uint_eq(report_skipped(rep), 7);
	ck_assert_uint_eq(report_programs(rep), 3);
	ck_assert_uint_eq(c.records, 33);
	ck_assert_uint_eq(c.processes, 4);
	ck_assert_uint_eq(c.sockets, 7);
	ck_assert_uint_eq(c.failures, 5);
	ck_assert_uint_eq(counts("nginx").records, 20);
	ck_assert_uint_eq(counts("nginx").processes, 2);
	ck_assert_uint_eq(counts("python3").records, 10);
	ck_assert_uint_eq(counts("curl").records, 3);
	ck_assert(!report_get_counts(rep, "x", &c));
	ck_assert_uint_eq(c.records, 0);
}
END_TEST

START_TEST(test_sockets_and_roles)
{
	struct report_counts n = counts("nginx"), p = counts("python3");

	/* Flags are stripped; a socketpair is two sockets. */
	ck_assert_uint_eq(report_socket_count(rep, "nginx", "AF_INET",
					      "SOCK_STREAM"), 2);
	ck_assert_uint_eq(report_socket_count(rep, "nginx", "AF_UNIX",
					      "SOCK_DGRAM"), 1);
	ck_assert_uint_eq(report_socket_count(rep, "python3", "AF_UNIX",
					      "SOCK_STREAM"), 2);
	ck_assert_uint_eq(report_socket_count(rep, NULL, "AF_INET",
					      "SOCK_STREAM"), 3);
	ck_assert_uint_eq(report_socket_count(rep, NULL, "AF_INET6",
					      "SOCK_STREAM"), 1);
	ck_assert_uint_eq(report_socket_count(rep, NULL, "AF_INET",
					      "SOCK_STREAM|SOCK_CLOEXEC"), 0);

	ck_assert_uint_eq(n.listeners, 1);
	ck_assert_uint_eq(n.accepts, 3);
	ck_assert_uint_eq(n.accepted, 2);
	ck_assert_uint_eq(n.accept_failed, 1);
	ck_assert_uint_eq(n.connects, 0);
	ck_assert_uint_eq(n.clients, 0);

	/* EINPROGRESS is a client under way, not a failed connect. */
	ck_assert_uint_eq(p.connects, 3);
	ck_assert_uint_eq(p.clients, 2);
	ck_assert_uint_eq(p.connect_inprogress, 1);
	ck_assert_uint_eq(p.connect_failed, 1);
	ck_assert_uint_eq(counts(NULL).accepted, 2);
	ck_assert_uint_eq(counts(NULL).clients, 2);
}
END_TEST

START_TEST(test_failures)
{
	ck_assert_uint_eq(report_failure_count(rep, "nginx", "bind",
					       "EADDRINUSE"), 1);
	ck_assert_uint_eq(report_failure_count(rep, "nginx", "accept4",
					       "EAGAIN"), 1);
	ck_assert_uint_eq(report_failure_count(rep, "nginx", "setsockopt",
					       "EPERM"), 1);
	ck_assert_uint_eq(report_failure_count(rep, "python3", "connect",
					       "ECONNREFUSED"), 1);
	ck_assert_uint_eq(report_failure_count(rep, NULL, "connect",
					       "EINPROGRESS"), 1);
	ck_assert_uint_eq(report_failure_count(rep, "curl", "bind",
					       "EADDRINUSE"), 0);
	ck_assert_uint_eq(counts("nginx").failures, 3);
}
END_TEST

START_TEST(test_actions)
{
	struct report_opt_counts c = opt("nginx", "SOL_SOCKET", "SO_REUSEADDR");

	ck_assert_uint_eq(c.app_set, 1);
	ck_assert_uint_eq(c.policy_set, 1);
	ck_assert_uint_eq(c.actions[RA_SET], 1);
	ck_assert_uint_eq(c.actions[RA_FORCED], 1);

	c = opt("nginx", "SOL_SOCKET", "SO_LINGER");
	ck_assert_uint_eq(c.app_set, 2);
	ck_assert_uint_eq(c.actions[RA_CLAMPED], 1);
	ck_assert_uint_eq(c.actions[RA_GRACEFUL], 1);

	c = opt("nginx", "SOL_SOCKET", "SO_KEEPALIVE");
	ck_assert_uint_eq(c.actions[RA_DENIED], 1);
	ck_assert_uint_eq(c.values, 0);	/* denied: nothing took effect */

	c = opt("python3", "SOL_SOCKET", "SO_REUSEADDR");
	ck_assert_uint_eq(c.actions[RA_WOULD_FORCE], 1);
	ck_assert_uint_eq(c.actions[RA_FORCED], 0);
	c = opt("python3", "SOL_SOCKET", "SO_LINGER");
	ck_assert_uint_eq(c.actions[RA_WOULD_CLAMP], 1);

	c = opt(NULL, "SOL_SOCKET", "SO_REUSEADDR");
	ck_assert_uint_eq(c.app_set, 2);
	ck_assert_uint_eq(c.policy_set, 1);
	ck_assert_uint_eq(c.actions[RA_SET], 1);
	ck_assert_uint_eq(c.actions[RA_FORCED], 1);
	ck_assert_uint_eq(c.actions[RA_WOULD_FORCE], 1);
	ck_assert_str_eq(report_action_name(RA_WOULD_GRACEFUL),
			 "would-graceful");
}
END_TEST

START_TEST(test_values)
{
	struct report_opt_counts c = opt("nginx", "SOL_SOCKET", "SO_RCVBUF");

	/* getsockopt's 212992 is what was read, not set. */
	ck_assert_uint_eq(c.get, 1);
	ck_assert_uint_eq(c.app_set, 3);
	ck_assert_uint_eq(c.values, 2);
	ck_assert_uint_eq(report_value_count(rep, "nginx", "SOL_SOCKET",
					     "SO_RCVBUF", "65536"), 2);
	ck_assert_uint_eq(report_value_count(rep, "nginx", "SOL_SOCKET",
					     "SO_RCVBUF", "131072"), 1);
	ck_assert_uint_eq(report_value_count(rep, "nginx", "SOL_SOCKET",
					     "SO_RCVBUF", "212992"), 0);
	ck_assert_uint_eq(report_value_count(rep, "nginx", "SOL_SOCKET",
					     "SO_LINGER", "[1,5]"), 1);
	ck_assert_uint_eq(report_value_count(rep, "nginx", "SOL_SOCKET",
					     "SO_LINGER", "[0,0]"), 1);
	/* [1, 30] in the log: counted compacted. */
	ck_assert_uint_eq(report_value_count(rep, "python3", "SOL_SOCKET",
					     "SO_LINGER", "[1,30]"), 1);
	ck_assert_uint_eq(report_value_count(rep, "python3", "IPPROTO_TCP",
					     "TCP_CONGESTION", "\"cubic\""), 1);
	ck_assert_uint_eq(report_value_count(rep, "python3", "SOL_SOCKET",
					     "SO_RCVTIMEO", "0.25"), 1);
	/* An option the log had no name for: its number. */
	ck_assert_uint_eq(report_value_count(rep, "python3", "IPPROTO_TCP",
					     "99", "1"), 1);
	ck_assert_uint_eq(report_value_count(rep, NULL, "SOL_SOCKET",
					     "SO_REUSEADDR", "1"), 2);
	ck_assert_uint_eq(report_value_count(rep, NULL, "SOL_SOCKET",
					     "SO_REUSEADDR", "0"), 1);
	ck_assert_uint_eq(report_value_count(rep, NULL, "IPPROTO_TCP",
					     "TCP_NODELAY", "1"), 2);
}
END_TEST

/* Whatever a line holds, it is counted or skipped, never a crash. */
START_TEST(test_skips)
{
	static const char *const bad[] = {
		"{", "}", "{}", "[]", "null", "\"x\"",
		"{\"pid\":1,\"prog\":\"a\",\"call\":\"socket\"}",
		"{\"pid\":1.5,\"prog\":\"a\",\"call\":\"socket\",\"ret\":0}",
		"{\"pid\":\"1\",\"prog\":\"a\",\"call\":\"socket\",\"ret\":0}",
		"{\"pid\":1,\"prog\":\"a\",\"call\":\"socket\",\"ret\":0,}",
		"{\"pid\":1,\"prog\":\"a\",\"call\":\"socket\",\"ret\":01}",
		"{\"pid\":1,\"prog\":\"a\",\"call\":\"socket\",\"ret\":-}",
		"{\"pid\":1,\"prog\":\"a\xff\",\"call\":\"socket\",\"ret\":0}",
		"{\"pid\":1,\"prog\":\"a\",\"call\":\"socket\",\"ret\":0,"
		"\"val\":[[1]]}",
		"{\"pid\":1,\"prog\":\"a\",\"call\":\"socket\",\"ret\":0,"
		"\"val\":[1,]}",
		"{\"pid\":1,\"prog\":\"a\",\"call\":\"socket\",\"ret\":0,"
		"\"x\":\"\\u12\"}",
		"{\"pid\":1,\"prog\":\"a\",\"call\":\"socket\",\"ret\":0}}",
		"{\"pid\":1,\"prog\":\"a\",\"call\":\"socket\",\"ret\":0",
		"{\"pid\":1,\"prog\":\"a\",\"call\":\"socket\",\"ret\":tru}",
	};
	struct report *r = report_new();
	static const char nul[] = "{\"pid\":1,\"prog\":\"a\0\",\"call\":"
				  "\"socket\",\"ret\":0}";
	const char *good = "{\"pid\":1,\"prog\":\"a\\u00e9\\\"\","
			   "\"call\":\"socket\",\"ret\":3,\"ok\":true,"
			   "\"n\":-1.5e+3,\"e\":null,\"a\":[ ]}\r\n";

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(report_add_line(r, bad[i], strlen(bad[i])) == 1,
			      "not skipped: %s", bad[i]);
	ck_assert_int_eq(report_add_line(r, nul, sizeof(nul) - 1), 1);
	/* A log's padding: newlines, blanks, zero bytes. Not skipped. */
	ck_assert_int_eq(report_add_line(r, "", 0), 2);
	ck_assert_int_eq(report_add_line(r, "\n", 1), 2);
	ck_assert_int_eq(report_add_line(r, " \t\r\n", 4), 2);
	ck_assert_int_eq(report_add_line(r, "\0\0\0\n", 4), 2);
	ck_assert_int_eq(report_add_line(r, good, strlen(good)), 0);
	ck_assert_uint_eq(report_skipped(r), sizeof(bad) / sizeof(bad[0]) + 1);
	ck_assert_uint_eq(report_programs(r), 1);
	report_free(r);
}
END_TEST

/* Process ids are per source: pid 100 in two logs is two processes. */
START_TEST(test_sources)
{
	const char *line = "{\"pid\":100,\"prog\":\"a\",\"call\":\"close\","
			   "\"ret\":0}";
	struct report *r = report_new();
	struct report_counts c;

	report_begin_source(r);
	ck_assert_int_eq(report_add_line(r, line, strlen(line)), 0);
	ck_assert_int_eq(report_add_line(r, line, strlen(line)), 0);
	report_begin_source(r);
	ck_assert_int_eq(report_add_line(r, line, strlen(line)), 0);
	ck_assert(report_get_counts(r, "a", &c));
	ck_assert_uint_eq(c.records, 3);
	ck_assert_uint_eq(c.processes, 2);
	report_free(r);
}
END_TEST

/* Both outputs hold what the counts say; the JSON one is checked whole
 * by the integration test with a real parser. */
START_TEST(test_output)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_print_text(rep, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "all programs (3): 33 records, "
					  "4 processes, 7 lines skipped"));
	ck_assert_ptr_nonnull(strstr(buf, "\nnginx: 20 records"));
	ck_assert_ptr_nonnull(strstr(buf, "forced 1"));
	ck_assert_ptr_nonnull(strstr(buf, "65536 (2), 131072 (1)"));
	/* Programs by record count. */
	ck_assert(strstr(buf, "\nnginx:") < strstr(buf, "\npython3:"));
	ck_assert(strstr(buf, "\npython3:") < strstr(buf, "\ncurl:"));
	free(buf);

	f = open_memstream(&buf, &len);
	report_print_json(rep, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "\"skipped\":7"));
	ck_assert_ptr_nonnull(strstr(buf, "{\"val\":\"cubic\",\"count\":1}"));
	ck_assert_ptr_nonnull(strstr(buf, "{\"val\":[1,5],\"count\":1}"));
	ck_assert_ptr_nonnull(strstr(buf, "{\"call\":\"bind\",\"errno\":"
					  "\"EADDRINUSE\",\"count\":1}"));
	free(buf);
}
END_TEST

/* Past the shown values, the rest is a count. */
START_TEST(test_many_values)
{
	struct report *r = report_new();
	char *buf = NULL, line[200];
	size_t len = 0;
	FILE *f;

	for (int i = 0; i < 20; i++) {
		int n = snprintf(line, sizeof(line),
				 "{\"pid\":1,\"prog\":\"a\",\"call\":"
				 "\"setsockopt\",\"ret\":0,\"level\":"
				 "\"SOL_SOCKET\",\"opt\":\"SO_SNDBUF\","
				 "\"val\":%d}", 1000 + i);

		ck_assert_int_eq(report_add_line(r, line, (size_t)n), 0);
	}
	f = open_memstream(&buf, &len);
	report_print_text(r, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "+12 more"));
	free(buf);
	report_free(r);
}
END_TEST


/* ---- line formats ---- */

#define REC(pid, call) "{\"ts\":\"2026-11-28T04:03:29.106226Z\",\"pid\":" \
	#pid ",\"tid\":" #pid ",\"prog\":\"nginx\",\"call\":\"" call "\"," \
	"\"fd\":3,\"ret\":0,\"origin\":\"app\"}"

static int add(struct report *r, const char *line)
{
	return report_add_line(r, line, strlen(line));
}

static unsigned long host_records(struct report *r, const char *host)
{
	struct report_counts c;

	return report_get_host_counts(r, host, &c) ? c.records : 0;
}

/* Every format a collector writes, each line's host as it names it. */
START_TEST(test_formats)
{
	static const struct {
		const char *line, *host;
	} lines[] = {
		{ REC(1, "close") "\n", REPORT_NO_HOST },
		{ "  " REC(1, "close") "\r\n", REPORT_NO_HOST },
		/* RSYSLOG_TraditionalFileFormat, the day padded */
		{ "Nov 28 04:03:29 alpha sockshim[7832]: " REC(2, "close") "\n",
		  "alpha" },
		{ "Nov  8 04:03:29 alpha sockshim[7832]: " REC(2, "close"),
		  "alpha" },
		/* RSYSLOG_FileFormat */
		{ "2026-11-28T04:03:29.106226+00:00 beta sockshim[7]: "
		  REC(3, "close") "\n", "beta" },
		{ "2026-11-28T04:03:29Z beta sockshim: " REC(3, "close"),
		  "beta" },
		{ "2026-11-28T04:03:29-05:30 beta sockshim:" REC(3, "close"),
		  "beta" },
		/* with PRI, as forwarded; a tag without a blank after it */
		{ "<14>Nov 28 04:03:29 gamma sockshim[9]:" REC(4, "close"),
		  "gamma" },
		{ "<191>2026-11-28T04:03:29.1+01:00 gamma x " REC(4, "close"),
		  "gamma" },
		/* RFC 5424: nil and bracketed structured data, BOM, nil host */
		{ "<14>1 2026-11-28T04:03:29.106226+00:00 delta sockshim 7832 "
		  "- - " REC(5, "close") "\n", "delta" },
		{ "<14>1 - delta sockshim - ID47 [x@1 a=\"q\\\"]\\\\\" b=\"]\"]"
		  "[y@1] " REC(5, "close"), "delta" },
		{ "<14>1 - delta sockshim - - - \xef\xbb\xbf" REC(5, "close"),
		  "delta" },
		/* as rsyslog's RSYSLOG_SyslogProtocol23Format writes it */
		{ "<14>1 2026-12-02T15:46:21+00:00 delta sockshim 123 - -  "
		  REC(5, "close") "\n", "delta" },
		{ "<14>1 - - sockshim - - - " REC(5, "close"),
		  REPORT_NO_HOST },
		/* the record's own host wins over the header's */
		{ "Nov 28 04:03:29 relay sockshim[1]: {\"pid\":6,\"prog\":"
		  "\"nginx\",\"call\":\"close\",\"ret\":0,\"host\":\"epsilon\"}",
		  "epsilon" },
		{ "{\"host\":\"epsilon\",\"pid\":6,\"prog\":\"nginx\",\"call\":"
		  "\"close\",\"ret\":0}", "epsilon" },
		/* journalctl -o json, and json-seq's separator */
		{ "{\"__CURSOR\":\"s=1\",\"_HOSTNAME\":\"zeta\",\"MESSAGE\":"
		  "\"{\\\"pid\\\":7,\\\"prog\\\":\\\"nginx\\\",\\\"call\\\":"
		  "\\\"close\\\",\\\"ret\\\":0,\\\"x\\\":\\\"\\\\u00e9\\\"}\","
		  "\"SYSLOG_IDENTIFIER\":\"sockshim\"}\n", "zeta" },
		{ "\x1e{\"MESSAGE\":[123,34,112,105,100,34,58,55,44,34,112,114,"
		  "111,103,34,58,34,110,34,44,34,99,97,108,108,34,58,34,99,108,"
		  "111,115,101,34,125],\"_HOSTNAME\":\"zeta\"}", "zeta" },
	};
	struct report *r = report_new();
	size_t n = sizeof(lines) / sizeof(lines[0]);

	report_begin_source(r);
	for (size_t i = 0; i < n; i++) {
		unsigned long before = host_records(r, lines[i].host);

		ck_assert_msg(add(r, lines[i].line) == 0, "not counted: %s",
			      lines[i].line);
		ck_assert_msg(host_records(r, lines[i].host) == before + 1,
			      "not from %s: %s", lines[i].host, lines[i].line);
	}
	ck_assert_uint_eq(report_skipped(r), 0);
	ck_assert_uint_eq(report_hosts(r), 7);
	ck_assert_uint_eq(report_pair_count(r, "zeta", "n"), 1);
	ck_assert_uint_eq(report_pair_count(r, "alpha", "nginx"), 2);
	report_free(r);
}
END_TEST

/* A header that does not parse, or carries no record: skipped. */
START_TEST(test_bad_headers)
{
	static const char *const bad[] = {
		"Nov 28 04:03:29 alpha sshd[1]: Accepted publickey for x",
		"Nov 28 04:03:29 alpha sockshim[1]:",
		"Nov 28 04:03:29 alpha sockshim[1]: ",
		"Nov 28 04:03:29 alpha",
		"Nov 28 04:03:29 ",
		"Nov 28 04:03:29",
		"Nox 28 04:03:29 alpha s: " REC(1, "close"),
		"Nov 28 04:03 alpha s: " REC(1, "close"),
		"Nov 280 04:03:29 alpha s: " REC(1, "close"),
		"Nov 28 04:03:29  alpha s: " REC(1, "close"),
		"2026-11-28T04:03:29 alpha s: " REC(1, "close"),
		"2026-11-28 04:03:29+00:00 alpha s: " REC(1, "close"),
		"2026-11-28T04:03:29.+00:00 alpha s: " REC(1, "close"),
		"2026-11-28T04:03:29+0000 alpha s: " REC(1, "close"),
		"<192>Nov 28 04:03:29 alpha s: " REC(1, "close"),
		"<14Nov 28 04:03:29 alpha s: " REC(1, "close"),
		"<>Nov 28 04:03:29 alpha s: " REC(1, "close"),
		"<14>2 - alpha s - - - " REC(1, "close"),
		"<14>1 - alpha s - - " REC(1, "close"),
		"<14>1 - alpha s - - -" REC(1, "close"),
		"<14>1 - alpha s - - [x@1 a=\"]" REC(1, "close"),
		"<14>1 - alpha s - - [x@1 a=\"\\\"] " REC(1, "close"),
		"<14>1 - alpha s - - - ",
		"<14>1 - alpha s - - -",
		"<14>1 nope alpha s - - - " REC(1, "close"),
		"<14>1 - alpha s - - - hello",
		"<14>1 - alpha s - - x " REC(1, "close"),
		"Nov 28 04:03:29 alpha s: {\"pid\":1,\"prog\":\"a\"}",
		"Nov 28 04:03:29 alpha s: " REC(1, "close") " trailing",
		"Nov 28 04:03:29 al\x01pha s: " REC(1, "close"),
		/* journal entries whose MESSAGE is no record */
		"{\"_HOSTNAME\":\"h\",\"MESSAGE\":\"Started cron.\"}",
		"{\"_HOSTNAME\":\"h\",\"MESSAGE\":null}",
		"{\"_HOSTNAME\":\"h\",\"MESSAGE\":[256,1]}",
		"{\"_HOSTNAME\":\"h\",\"MESSAGE\":\"{\\\"pid\\\":1}\"}",
	};
	struct report *r = report_new();
	char host[600];
	size_t n = sizeof(bad) / sizeof(bad[0]);

	for (size_t i = 0; i < n; i++)
		ck_assert_msg(add(r, bad[i]) == 1, "not skipped: %s", bad[i]);
	/* A host name longer than DNS allows is no header. */
	memset(host, 'h', 300);
	strcpy(host + 300, " s: " REC(1, "close"));
	ck_assert_int_eq(add(r, host), 1);
	ck_assert_uint_eq(report_skipped(r), n + 1);
	ck_assert_uint_eq(report_programs(r), 0);
	report_free(r);
}
END_TEST

/* "dropped" records carry a count, not a result: summed. */
START_TEST(test_dropped)
{
	struct report *r = report_new();
	struct report_counts c;

	ck_assert_int_eq(add(r, "{\"ts\":\"t\",\"pid\":1,\"tid\":1,\"prog\":"
			    "\"a\",\"call\":\"dropped\",\"count\":5,"
			    "\"reason\":\"no space\"}"), 0);
	ck_assert_int_eq(add(r, "Nov 28 04:03:29 alpha s[2]: {\"pid\":2,"
			    "\"prog\":\"b\",\"call\":\"dropped\",\"count\":7,"
			    "\"reason\":\"no space\"}"), 0);
	ck_assert_int_eq(add(r, "{\"pid\":2,\"prog\":\"b\",\"call\":"
			    "\"dropped\",\"count\":1}"), 0);
	ck_assert_int_eq(add(r, "{\"pid\":2,\"prog\":\"b\",\"call\":"
			    "\"dropped\",\"count\":-1}"), 1);
	ck_assert_int_eq(add(r, "{\"pid\":2,\"prog\":\"b\",\"call\":"
			    "\"dropped\"}"), 1);
	ck_assert_int_eq(add(r, REC(1, "close")), 0);
	ck_assert(report_get_counts(r, NULL, &c));
	ck_assert_uint_eq(c.records, 4);
	ck_assert_uint_eq(c.dropped, 13);
	ck_assert(report_get_counts(r, "b", &c));
	ck_assert_uint_eq(c.dropped, 8);
	ck_assert(report_get_host_counts(r, "alpha", &c));
	ck_assert_uint_eq(c.dropped, 7);
	ck_assert_uint_eq(report_dropped_count(r, NULL, "no space"), 12);
	ck_assert_uint_eq(report_dropped_count(r, "b", "?"), 1);
	report_free(r);
}
END_TEST

/* Filters decide what is counted; the totals are of what is left. */
START_TEST(test_filters)
{
	struct report *r = report_new();
	struct report_counts c;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(report_add_filter(r, REPORT_HOST, "a*"), 0);
	ck_assert_int_eq(report_add_filter(r, REPORT_HOST, "beta"), 0);
	ck_assert_int_eq(report_add_filter(r, REPORT_OPTION, "SO_LING*"), 0);
	ck_assert_int_eq(add(r, "Nov 28 04:03:29 alpha s: {\"pid\":1,\"prog\":"
			    "\"a\",\"call\":\"setsockopt\",\"ret\":0,\"level\":"
			    "\"SOL_SOCKET\",\"opt\":\"SO_LINGER\",\"val\":[1,0]}"),
			 0);
	ck_assert_int_eq(add(r, "Nov 28 04:03:29 beta s: {\"pid\":1,\"prog\":"
			    "\"a\",\"call\":\"getsockopt\",\"ret\":0,\"level\":"
			    "\"SOL_SOCKET\",\"opt\":\"SO_LINGER\",\"val\":[1,0]}"),
			 0);
	ck_assert_int_eq(add(r, "Nov 28 04:03:29 gamma s: {\"pid\":1,\"prog\":"
			    "\"a\",\"call\":\"setsockopt\",\"ret\":0,\"level\":"
			    "\"SOL_SOCKET\",\"opt\":\"SO_LINGER\",\"val\":[1,0]}"),
			 3);
	ck_assert_int_eq(add(r, "Nov 28 04:03:29 alpha s: {\"pid\":1,\"prog\":"
			    "\"a\",\"call\":\"setsockopt\",\"ret\":0,\"level\":"
			    "\"SOL_SOCKET\",\"opt\":\"SO_RCVBUF\",\"val\":1}"), 3);
	ck_assert_int_eq(add(r, "Nov 28 04:03:29 alpha s: " REC(1, "close")),
			 3);
	ck_assert_int_eq(add(r, REC(1, "close")), 3);
	ck_assert(report_get_counts(r, NULL, &c));
	ck_assert_uint_eq(c.records, 2);
	ck_assert_uint_eq(report_excluded(r), 4);
	ck_assert_uint_eq(report_hosts(r), 2);
	ck_assert_uint_eq(report_value_count(r, NULL, "SOL_SOCKET",
					     "SO_LINGER", "[1,0]"), 1);
	f = open_memstream(&buf, &len);
	report_print_text(r, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "\n  only: host a* or beta; option "
					  "SO_LING* (4 records left out)\n"));
	free(buf);
	report_free(r);

	r = report_new();
	ck_assert_int_eq(report_add_filter(r, REPORT_PROGRAM, "ngi?x"), 0);
	ck_assert_int_eq(add(r, REC(1, "close")), 0);
	ck_assert_int_eq(add(r, "{\"pid\":1,\"prog\":\"nginx2\",\"call\":"
			    "\"close\",\"ret\":0}"), 3);
	ck_assert_uint_eq(report_programs(r), 1);
	report_free(r);
}
END_TEST

/* Per host: records, processes (pids per host), programs, sections. */
START_TEST(test_hosts)
{
	struct report *r = report_new();
	struct report_counts c;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	report_begin_source(r);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(add(r, "Nov 28 04:03:29 alpha s: "
				    REC(100, "close")), 0);
	ck_assert_int_eq(add(r, "Nov 28 04:03:29 beta s: " REC(100, "close")),
			 0);
	ck_assert_int_eq(add(r, "Nov 28 04:03:29 beta s: {\"pid\":100,"
			    "\"prog\":\"curl\",\"call\":\"close\",\"ret\":0}"),
			 0);
	ck_assert(report_get_counts(r, NULL, &c));
	ck_assert_uint_eq(c.processes, 2);	/* pid 100 on two hosts */
	ck_assert(report_get_counts(r, "nginx", &c));
	ck_assert_uint_eq(c.processes, 2);
	ck_assert(report_get_host_counts(r, "alpha", &c));
	ck_assert_uint_eq(c.records, 3);
	ck_assert_uint_eq(c.processes, 1);
	ck_assert(report_get_host_counts(r, "beta", &c));
	ck_assert_uint_eq(c.records, 2);
	ck_assert(!report_get_host_counts(r, REPORT_NO_HOST, &c));
	ck_assert_uint_eq(report_pair_count(r, "beta", "curl"), 1);
	ck_assert_uint_eq(report_pair_count(r, "alpha", "curl"), 0);

	report_set_by(r, REPORT_BY_HOST);
	f = open_memstream(&buf, &len);
	report_print_text(r, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "  hosts (2): alpha 3, beta 2\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nalpha: 3 records, 1 processes\n"
					  "  programs: nginx 3\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nbeta: 2 records, 1 processes\n"
					  "  programs: curl 1, nginx 1\n"));
	ck_assert_ptr_null(strstr(buf, "\nnginx:"));
	free(buf);

	f = open_memstream(&buf, &len);
	report_print_json(r, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "\"hosts\":[\n{\"host\":\"alpha\","
					  "\"programs\":[{\"prog\":\"nginx\","
					  "\"records\":3}],\"records\":3,"
					  "\"processes\":1,"));
	ck_assert_ptr_nonnull(strstr(buf, "{\"prog\":\"nginx\",\"hosts\":["
					  "{\"host\":\"alpha\",\"records\":3},"
					  "{\"host\":\"beta\",\"records\":1}]"));
	free(buf);
	report_free(r);
}
END_TEST

/* ---- whole sources: plain, gzip, truncated gzip, standard input ---- */

static char tmpdir[] = "/tmp/check_report.XXXXXX";

static void tmp_setup(void)
{
	strcpy(tmpdir, "/tmp/check_report.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void tmp_teardown(void)
{
	char *cmd;

	ck_assert_int_ne(asprintf(&cmd, "rm -rf '%s'", tmpdir), -1);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static char *tmp(const char *name)
{
	static char path[4][256];
	static int i;
	char *p = path[i++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
	return p;
}

/* n records; every 10th after a syslog header. */
static void write_gz(const char *path, int n, const char *mode)
{
	gzFile z = gzopen(path, mode);

	ck_assert_ptr_nonnull(z);
	for (int i = 0; i < n; i++)
		ck_assert_int_gt(gzprintf(z, "%s{\"pid\":%d,\"prog\":\"p\","
					  "\"call\":\"close\",\"ret\":0}\n",
					  i % 10 ? "" : "Nov 28 04:03:29 h s: ",
					  i % 7), 0);
	ck_assert_int_eq(gzclose(z), Z_OK);
}

static unsigned long records(struct report *r)
{
	struct report_counts c;

	report_get_counts(r, NULL, &c);
	return c.records;
}

START_TEST(test_gzip)
{
	struct report *r = report_new();
	char *err = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&err, &len);

	write_gz(tmp("a.gz"), 50000, "wb");
	ck_assert_int_eq(report_read(r, tmp("a.gz"), f), 0);
	ck_assert_uint_eq(records(r), 50000);
	ck_assert_uint_eq(host_records(r, "h"), 5000);
	/* Two members, as `cat a.gz b.gz` makes. */
	write_gz(tmp("b.gz"), 30, "ab");
	write_gz(tmp("b.gz"), 12, "ab");
	ck_assert_int_eq(report_read(r, tmp("b.gz"), f), 0);
	ck_assert_uint_eq(records(r), 50042);
	fclose(f);
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(report_skipped(r), 0);
	free(err);
	report_free(r);
}
END_TEST

/* Cut short: an error naming the file; the lines before it count. */
START_TEST(test_gzip_truncated)
{
	struct report *r = report_new();
	char *err = NULL, *cmd;
	size_t len = 0;
	FILE *f = open_memstream(&err, &len);
	unsigned long n;

	write_gz(tmp("c.gz"), 200000, "wb");
	ck_assert_int_ne(asprintf(&cmd, "head -c 40000 %s >%s", tmp("c.gz"),
				  tmp("cut.gz")), -1);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	ck_assert_int_eq(report_read(r, tmp("cut.gz"), f), -1);
	fclose(f);
	ck_assert_msg(strstr(err, tmp("cut.gz")) &&
		      strstr(err, "truncated gzip"), "error: %s", err);
	n = records(r);
	ck_assert_msg(n > 1000 && n < 200000, "%lu records", n);
	/* Whole lines only: the cut one is neither counted nor skipped. */
	ck_assert_uint_eq(report_skipped(r), 0);
	free(err);

	/* Not gzip past the header: bad data, named. */
	err = NULL;
	f = open_memstream(&err, &len);
	ck_assert_int_ne(asprintf(&cmd, "printf '\\037\\213xxxxxxxxxxxxxxxx' "
				  ">%s", tmp("bad.gz")), -1);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	ck_assert_int_eq(report_read(r, tmp("bad.gz"), f), -1);
	fclose(f);
	ck_assert_msg(strstr(err, "bad.gz: bad gzip data"), "error: %s", err);
	free(err);
	report_free(r);
}
END_TEST

START_TEST(test_stdin_and_errors)
{
	struct report *r = report_new();
	char *err = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&err, &len);
	int fd;

	write_gz(tmp("d.gz"), 1000, "wb");
	fd = open(tmp("d.gz"), O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, 0), 0);
	ck_assert_int_eq(report_read(r, "-", f), 0);
	ck_assert_uint_eq(records(r), 1000);
	ck_assert_int_eq(report_read(r, tmp("missing"), f), -1);
	ck_assert_int_eq(report_read(r, tmpdir, f), -1);
	fclose(f);
	ck_assert_msg(strstr(err, "missing: No such file"), "%s", err);
	ck_assert_msg(strstr(err, "cannot read: Is a directory"), "%s", err);
	free(err);
	report_free(r);
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("sample");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_totals);
	tcase_add_test(tc, test_sockets_and_roles);
	tcase_add_test(tc, test_failures);
	tcase_add_test(tc, test_actions);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_output);
	suite_add_tcase(s, tc);
	tc = tcase_create("lines");
	tcase_add_test(tc, test_skips);
	tcase_add_test(tc, test_sources);
	tcase_add_test(tc, test_many_values);
	suite_add_tcase(s, tc);
	tc = tcase_create("formats");
	tcase_add_test(tc, test_formats);
	tcase_add_test(tc, test_bad_headers);
	tcase_add_test(tc, test_dropped);
	tcase_add_test(tc, test_filters);
	tcase_add_test(tc, test_hosts);
	suite_add_tcase(s, tc);
	tc = tcase_create("sources");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_gzip);
	tcase_add_test(tc, test_gzip_truncated);
	tcase_add_test(tc, test_stdin_and_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
