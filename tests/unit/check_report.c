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
