// SPDX-License-Identifier: MIT
/* check_policy — pure decisions, from policies written as policy files. */
#include "build-config.h"

#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "policy.h"
#include "optvals.h"

static struct policy pol;

static const struct sockinfo tcp4 = { .family = AF_INET, .type = SOCK_STREAM };
static const struct sockinfo tcp6 = { .family = AF_INET6, .type = SOCK_STREAM,
				      .protocol = IPPROTO_TCP };
static const struct sockinfo udp4 = { .family = AF_INET, .type = SOCK_DGRAM };
static const struct sockinfo sctp4 = { .family = AF_INET, .type = SOCK_STREAM,
				       .protocol = IPPROTO_SCTP };
static const struct sockinfo unix_stream = { .family = AF_UNIX,
					     .type = SOCK_STREAM };

static void load(const char *text)
{
	struct config_errors errs;
	char msg[512] = "";

	if (config_load_string(text, "policy.conf", &pol, &errs) != 0)
		config_error_format(&errs.e[0], msg, sizeof(msg));
	ck_assert_msg(msg[0] == '\0', "policy does not load: %s", msg);
}

static void teardown(void)
{
	policy_free(&pol);
}

static int opt(const char *name)
{
	int i = optcat_find_name(name);

	ck_assert_msg(i >= 0, "%s not in catalogue", name);
	return i;
}

static struct verdict judge(const struct sockinfo *si, const char *name,
			    struct optval app)
{
	struct verdict v;

	memset(&v, 0x5a, sizeof(v));
	policy_judge_set(&pol, si, opt(name), &app, &v);
	return v;
}

/* ---- defaults ---- */

START_TEST(test_defaults)
{
	struct verdict v;

	policy_defaults(&pol);
	ck_assert_int_eq(pol.mode, MODE_ENFORCE);
	ck_assert_int_eq(pol.on_error, ONERR_PASSTHROUGH);
	ck_assert_str_eq(pol.log.path, "stderr");
	ck_assert_uint_eq(pol.site.n, 0);
	ck_assert(!policy_names(&pol, opt("TCP_NODELAY")));
	ck_assert(!policy_names(&pol, -1));
	ck_assert_ptr_null(policy_lookup(&pol, &tcp4, opt("TCP_NODELAY")));
	v = judge(&tcp4, "TCP_NODELAY", bval(0));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert_int_eq(v.val.i, 0);
	policy_free(&pol);
	policy_free(&pol);	/* twice is harmless */
	policy_free(NULL);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(policy_mode_name(MODE_ENFORCE), "enforce");
	ck_assert_str_eq(policy_mode_name(MODE_AUDIT), "audit");
	ck_assert_str_eq(policy_mode_name(MODE_TRACE), "trace");
	ck_assert_ptr_null(policy_action_name(ACT_NONE, true));
	ck_assert_ptr_null(policy_action_name(ACT_NONE, false));
	ck_assert_str_eq(policy_action_name(ACT_SET, true), "set");
	ck_assert_str_eq(policy_action_name(ACT_FORCED, true), "forced");
	ck_assert_str_eq(policy_action_name(ACT_CLAMPED, true), "clamped");
	ck_assert_str_eq(policy_action_name(ACT_DENIED, true), "denied");
	ck_assert_str_eq(policy_action_name(ACT_GRACEFUL, true), "graceful");
	ck_assert_str_eq(policy_action_name(ACT_SET, false), "would-set");
	ck_assert_str_eq(policy_action_name(ACT_FORCED, false), "would-force");
	ck_assert_str_eq(policy_action_name(ACT_CLAMPED, false), "would-clamp");
	ck_assert_str_eq(policy_action_name(ACT_DENIED, false), "would-deny");
	ck_assert_str_eq(policy_action_name(ACT_GRACEFUL, false),
			 "would-graceful");
	ck_assert_ptr_null(policy_action_name((enum pol_action)42, true));
}
END_TEST

/* ---- options applied at events ---- */

static const char site_text[] =
	"options = {\n"
	"  SO_REUSEADDR = { force = true; };\n"
	"  TCP_NODELAY  = { force = true; };\n"
	"  TCP_KEEPIDLE = { set = 60; };\n"
	"  SO_RCVBUF    = { set = 65536; };\n"
	"  SO_LINGER    = { max = 5; abortive = \"graceful\"; };\n"
	"};\n";

struct collect {
	struct pol_apply *out;
	size_t max, n;
};

static void collect_one(const struct pol_apply *a, void *arg)
{
	struct collect *c = arg;

	if (c->n < c->max)
		c->out[c->n] = *a;
	c->n++;
}

/* Run an event on a copy of si (the policy records what it applied);
 * keep up to max of the options given, return how many were given. */
static size_t event(const struct sockinfo *si, enum pol_event ev,
		    struct pol_apply *out, size_t max)
{
	struct sockinfo copy = *si;
	struct collect c = { .out = out, .max = max };
	size_t n = policy_on_event(&pol, &copy, ev, collect_one, &c);

	ck_assert_uint_eq(n, c.n);
	return n;
}

/* The option must be among out[0..n), forced or set to i. */
static void expect_apply(const struct pol_apply *out, size_t n,
			 const char *name, bool forced, int i)
{
	for (size_t k = 0; k < n; k++) {
		if (out[k].opt != opt(name))
			continue;
		ck_assert_int_eq(out[k].forced, forced);
		ck_assert_int_eq(out[k].val.i, i);
		ck_assert_ptr_null(out[k].rule);
		return;
	}
	ck_abort_msg("%s not applied", name);
}

START_TEST(test_event_tcp)
{
	struct pol_apply out[8];

	load(site_text);
	/* SO_LINGER has neither set nor force: nothing to apply. */
	ck_assert_uint_eq(event(&tcp4, EV_CREATED, out, 8), 4);
	expect_apply(out, 4, "SO_REUSEADDR", true, 1);
	expect_apply(out, 4, "TCP_NODELAY", true, 1);
	expect_apply(out, 4, "TCP_KEEPIDLE", false, 60);
	expect_apply(out, 4, "SO_RCVBUF", false, 65536);
	ck_assert_uint_eq(event(&tcp6, EV_ACCEPTED, out, 8), 4);
	expect_apply(out, 4, "TCP_NODELAY", true, 1);
	/* Site-wide options were set at creation, not again later. */
	ck_assert_uint_eq(event(&tcp4, EV_BOUND, out, 8), 0);
	ck_assert_uint_eq(event(&tcp4, EV_CONNECTING, out, 8), 0);
}
END_TEST

START_TEST(test_event_not_tcp)
{
	struct pol_apply out[8];

	load(site_text);
	ck_assert_uint_eq(event(&udp4, EV_CREATED, out, 8), 2);
	expect_apply(out, 2, "SO_REUSEADDR", true, 1);
	expect_apply(out, 2, "SO_RCVBUF", false, 65536);
	/* A stream socket of another protocol is not TCP. */
	ck_assert_uint_eq(event(&sctp4, EV_CREATED, out, 8), 2);
	expect_apply(out, 2, "SO_REUSEADDR", true, 1);
	/* AF_UNIX: no SO_REUSEADDR, no TCP_*; SO_RCVBUF fits. */
	ck_assert_uint_eq(event(&unix_stream, EV_CREATED, out, 8), 1);
	expect_apply(out, 1, "SO_RCVBUF", false, 65536);
}
END_TEST

/* No cap on how many options one event sets: every boolean option a TCP
 * socket takes, set at once. */
/* SO_MARK is an unsigned 32-bit value: bounds above INT_MAX compare as
 * such, not as negative ints. */
START_TEST(test_clamp_unsigned)
{
	struct verdict v;

	load("options = { SO_MARK = { min = 1; max = 4000000000L; }; };\n");
	v = judge(&tcp4, "SO_MARK", ival((int)3000000000U));
	ck_assert_int_eq(v.action, ACT_NONE);
	v = judge(&tcp4, "SO_MARK", ival((int)4100000000U));
	ck_assert_int_eq(v.action, ACT_CLAMPED);
	ck_assert_uint_eq((unsigned int)v.val.i, 4000000000U);
	v = judge(&tcp4, "SO_MARK", ival(0));
	ck_assert_int_eq(v.action, ACT_CLAMPED);
	ck_assert_int_eq(v.val.i, 1);
}
END_TEST

START_TEST(test_event_many)
{
	char text[16384] = "options = {\n";
	size_t want = 0;

	for (size_t i = 0; i < optcat_count; i++) {
		const struct optcat_entry *e = &optcat_table[i];

		if (e->type != OT_BOOL || e->access != OA_RW ||
		    !optcat_fits(e, tcp4.family, tcp4.type, tcp4.protocol))
			continue;
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "  %s = { set = 1; };\n", e->name);
		want++;
	}
	strcat(text, "};\n");
	ck_assert_uint_gt(want, 32);
	load(text);
	ck_assert_uint_eq(event(&tcp4, EV_CREATED, NULL, 0), want);
}
END_TEST

START_TEST(test_event_trace)
{
	struct pol_apply out[8];

	load("mode = \"trace\";\n"
	     "options = { TCP_NODELAY = { force = true; }; };\n");
	ck_assert_uint_eq(pol.site.n, 1);
	ck_assert_uint_eq(event(&tcp4, EV_CREATED, out, 8), 0);
	ck_assert_uint_eq(event(&tcp4, EV_ACCEPTED, out, 8), 0);
}
END_TEST

START_TEST(test_event_audit)
{
	struct pol_apply out[8];

	load("mode = \"audit\";\n"
	     "options = { TCP_NODELAY = { force = true; };\n"
	     "  SO_KEEPALIVE = { set = 1; }; };\n");
	/* Audit lists what would be set; the hooks log it as would-set. */
	ck_assert_uint_eq(event(&tcp4, EV_CREATED, out, 8), 2);
	expect_apply(out, 2, "TCP_NODELAY", true, 1);
	expect_apply(out, 2, "SO_KEEPALIVE", false, 1);
	ck_assert_str_eq(policy_action_name(ACT_SET, pol.mode == MODE_ENFORCE),
			 "would-set");
	ck_assert_uint_eq(event(&udp4, EV_CREATED, out, 8), 0);
}
END_TEST

START_TEST(test_lookup)
{
	const struct directive *d;

	load(site_text);
	d = policy_lookup(&pol, &tcp4, opt("TCP_NODELAY"));
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->opt, opt("TCP_NODELAY"));
	ck_assert_ptr_null(policy_lookup(&pol, &udp4, opt("TCP_NODELAY")));
	ck_assert_ptr_null(policy_lookup(&pol, &tcp4, opt("SO_SNDBUF")));
	ck_assert_ptr_null(policy_lookup(&pol, &tcp4, -1));
}
END_TEST

/* ---- judging the program's setsockopt ---- */

START_TEST(test_force)
{
	struct verdict v;

	load("options = { TCP_NODELAY = { force = true; };\n"
	     "  TCP_KEEPIDLE = { force = 60; }; };\n");
	v = judge(&tcp4, "TCP_NODELAY", bval(0));
	ck_assert_int_eq(v.action, ACT_FORCED);
	ck_assert(v.enforce);
	ck_assert_int_eq(v.val.i, 1);
	v = judge(&tcp4, "TCP_NODELAY", bval(1));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert_int_eq(v.val.i, 1);
	/* Any non-zero is "on": the program's own value goes through. */
	v = judge(&tcp4, "TCP_NODELAY", bval(7));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert_int_eq(v.val.i, 7);
	v = judge(&tcp4, "TCP_KEEPIDLE", ival(30));
	ck_assert_int_eq(v.action, ACT_FORCED);
	ck_assert_int_eq(v.val.i, 60);
	v = judge(&tcp4, "TCP_KEEPIDLE", ival(60));
	ck_assert_int_eq(v.action, ACT_NONE);
	/* Not a TCP socket: the option does not fit, nothing to judge. */
	v = judge(&udp4, "TCP_NODELAY", bval(0));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert_int_eq(v.val.i, 0);
}
END_TEST

START_TEST(test_set_does_not_judge)
{
	struct verdict v;

	load("options = { TCP_KEEPIDLE = { set = 60; }; };\n");
	v = judge(&tcp4, "TCP_KEEPIDLE", ival(5));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert_int_eq(v.val.i, 5);
}
END_TEST

START_TEST(test_clamp_int)
{
	struct verdict v;

	load("options = { SO_RCVBUF = { min = 4096; max = 0x100000; };\n"
	     "  TCP_KEEPCNT = { max = 5; }; };\n");
	v = judge(&tcp4, "SO_RCVBUF", ival(1000));
	ck_assert_int_eq(v.action, ACT_CLAMPED);
	ck_assert_int_eq(v.val.i, 4096);
	v = judge(&unix_stream, "SO_RCVBUF", ival(2 << 20));
	ck_assert_int_eq(v.action, ACT_CLAMPED);
	ck_assert_int_eq(v.val.i, 1 << 20);
	v = judge(&tcp4, "SO_RCVBUF", ival(4096));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert_int_eq(v.val.i, 4096);
	v = judge(&tcp4, "SO_RCVBUF", ival(1 << 20));
	ck_assert_int_eq(v.action, ACT_NONE);
	v = judge(&tcp4, "SO_RCVBUF", ival(65536));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert_int_eq(v.val.i, 65536);
	/* Only a max: small values pass. */
	v = judge(&tcp4, "TCP_KEEPCNT", ival(1));
	ck_assert_int_eq(v.action, ACT_NONE);
	v = judge(&tcp4, "TCP_KEEPCNT", ival(9));
	ck_assert_int_eq(v.action, ACT_CLAMPED);
	ck_assert_int_eq(v.val.i, 5);
}
END_TEST

START_TEST(test_linger_clamp)
{
	struct verdict v;

	load("options = { SO_LINGER = { min = 2; max = 5; }; };\n");
	v = judge(&tcp4, "SO_LINGER", linger(1, 30));
	ck_assert_int_eq(v.action, ACT_CLAMPED);
	ck_assert_int_eq(v.val.l.l_onoff, 1);
	ck_assert_int_eq(v.val.l.l_linger, 5);
	v = judge(&tcp4, "SO_LINGER", linger(1, 1));
	ck_assert_int_eq(v.action, ACT_CLAMPED);
	ck_assert_int_eq(v.val.l.l_linger, 2);
	v = judge(&tcp4, "SO_LINGER", linger(1, 3));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert_int_eq(v.val.l.l_linger, 3);
	/* Lingering off: the time means nothing, leave it alone. */
	v = judge(&tcp4, "SO_LINGER", linger(0, 30));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert_int_eq(v.val.l.l_onoff, 0);
	ck_assert_int_eq(v.val.l.l_linger, 30);
}
END_TEST

START_TEST(test_abortive_allow)
{
	struct verdict v;

	/* No abortive directive means allow, also with a min above 0. */
	load("options = { SO_LINGER = { min = 2; max = 5; }; };\n");
	v = judge(&tcp4, "SO_LINGER", linger(1, 0));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert_int_eq(v.val.l.l_onoff, 1);
	ck_assert_int_eq(v.val.l.l_linger, 0);
	policy_free(&pol);
	load("options = { SO_LINGER = { abortive = \"allow\"; }; };\n");
	v = judge(&tcp4, "SO_LINGER", linger(1, 0));
	ck_assert_int_eq(v.action, ACT_NONE);
}
END_TEST

START_TEST(test_abortive_graceful)
{
	struct verdict v;

	load("options = { SO_LINGER = { max = 5; abortive = \"graceful\"; "
	     "}; };\n");
	v = judge(&tcp4, "SO_LINGER", linger(1, 0));
	ck_assert_int_eq(v.action, ACT_GRACEFUL);
	ck_assert(v.enforce);
	ck_assert_int_eq(v.val.l.l_onoff, 0);
	ck_assert_int_eq(v.val.l.l_linger, 0);
	v = judge(&tcp4, "SO_LINGER", linger(1, 9));
	ck_assert_int_eq(v.action, ACT_CLAMPED);
	ck_assert_int_eq(v.val.l.l_linger, 5);
}
END_TEST

START_TEST(test_abortive_deny)
{
	struct verdict v;

	load("options = { SO_LINGER = { abortive = \"deny\"; }; };\n");
	v = judge(&tcp4, "SO_LINGER", linger(1, 0));
	ck_assert_int_eq(v.action, ACT_DENIED);
	ck_assert_int_eq(v.err, EPERM);
	v = judge(&tcp4, "SO_LINGER", linger(1, 3));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert_int_eq(v.err, 0);
	policy_free(&pol);
	load("options = { SO_LINGER = { abortive = \"deny\"; "
	     "errno = \"EACCES\"; }; };\n");
	v = judge(&tcp6, "SO_LINGER", linger(1, 0));
	ck_assert_int_eq(v.action, ACT_DENIED);
	ck_assert_int_eq(v.err, EACCES);
}
END_TEST

START_TEST(test_timeval_clamp)
{
	struct verdict v;

	load("options = { SO_RCVTIMEO = { min = 0.5; max = 2.75; }; };\n");
	v = judge(&tcp4, "SO_RCVTIMEO", tv(0, 100000));
	ck_assert_int_eq(v.action, ACT_CLAMPED);
	ck_assert_int_eq(v.val.tv.tv_sec, 0);
	ck_assert_int_eq(v.val.tv.tv_usec, 500000);
	v = judge(&tcp4, "SO_RCVTIMEO", tv(10, 0));
	ck_assert_int_eq(v.action, ACT_CLAMPED);
	ck_assert_int_eq(v.val.tv.tv_sec, 2);
	ck_assert_int_eq(v.val.tv.tv_usec, 750000);
	v = judge(&tcp4, "SO_RCVTIMEO", tv(2, 750001));
	ck_assert_int_eq(v.action, ACT_CLAMPED);
	ck_assert_int_eq(v.val.tv.tv_usec, 750000);
	v = judge(&tcp4, "SO_RCVTIMEO", tv(1, 0));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert_int_eq(v.val.tv.tv_sec, 1);
	/* {0, 0} waits forever: more than any maximum. */
	v = judge(&unix_stream, "SO_RCVTIMEO", tv(0, 0));
	ck_assert_int_eq(v.action, ACT_CLAMPED);
	ck_assert_int_eq(v.val.tv.tv_sec, 2);
	ck_assert_int_eq(v.val.tv.tv_usec, 750000);
}
END_TEST

START_TEST(test_timeval_min_only)
{
	struct verdict v;

	load("options = { SO_SNDTIMEO = { min = 1; }; };\n");
	v = judge(&tcp4, "SO_SNDTIMEO", tv(0, 250000));
	ck_assert_int_eq(v.action, ACT_CLAMPED);
	ck_assert_int_eq(v.val.tv.tv_sec, 1);
	ck_assert_int_eq(v.val.tv.tv_usec, 0);
	/* Forever is longer than any minimum: not shortened to it. */
	v = judge(&tcp4, "SO_SNDTIMEO", tv(0, 0));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert_int_eq(v.val.tv.tv_sec, 0);
	ck_assert_int_eq(v.val.tv.tv_usec, 0);
}
END_TEST

START_TEST(test_deny)
{
	struct verdict v;

	load("options = { IP_TTL = { deny = true; };\n"
	     "  IP_TOS = { deny = true; errno = \"ENOPROTOOPT\"; };\n"
	     "  SO_BINDTODEVICE = { deny = true; }; };\n");
	v = judge(&udp4, "IP_TTL", ival(64));
	ck_assert_int_eq(v.action, ACT_DENIED);
	ck_assert(v.enforce);
	ck_assert_int_eq(v.err, EPERM);
	v = judge(&tcp4, "IP_TOS", ival(0x10));
	ck_assert_int_eq(v.action, ACT_DENIED);
	ck_assert_int_eq(v.err, ENOPROTOOPT);
	v = judge(&tcp4, "SO_BINDTODEVICE", (struct optval){ .type = OT_STRING,
							   .s = "eth0" });
	ck_assert_int_eq(v.action, ACT_DENIED);
	/* IP_TTL is an IPv4 option: an AF_UNIX socket is not judged. */
	v = judge(&unix_stream, "IP_TTL", ival(64));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert_int_eq(v.err, 0);
}
END_TEST

START_TEST(test_no_directive)
{
	struct verdict v;

	load(site_text);
	v = judge(&tcp4, "SO_SNDBUF", ival(12345));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert(v.enforce);
	ck_assert_int_eq(v.err, 0);
	ck_assert_int_eq(v.val.type, OT_INT);
	ck_assert_int_eq(v.val.i, 12345);
}
END_TEST

START_TEST(test_audit)
{
	struct verdict v;

	load("mode = \"audit\";\n"
	     "options = { TCP_NODELAY = { force = true; };\n"
	     "  SO_RCVBUF = { max = 4096; };\n"
	     "  IP_TTL = { deny = true; };\n"
	     "  SO_LINGER = { abortive = \"graceful\"; }; };\n");
	v = judge(&tcp4, "TCP_NODELAY", bval(0));
	ck_assert_int_eq(v.action, ACT_FORCED);
	ck_assert(!v.enforce);
	ck_assert_int_eq(v.val.i, 1);	/* what enforce would have used */
	ck_assert_str_eq(policy_action_name(v.action, v.enforce),
			 "would-force");
	v = judge(&tcp4, "SO_RCVBUF", ival(8192));
	ck_assert_int_eq(v.action, ACT_CLAMPED);
	ck_assert(!v.enforce);
	ck_assert_str_eq(policy_action_name(v.action, v.enforce),
			 "would-clamp");
	v = judge(&udp4, "IP_TTL", ival(1));
	ck_assert_int_eq(v.action, ACT_DENIED);
	ck_assert(!v.enforce);
	ck_assert_int_eq(v.err, EPERM);
	ck_assert_str_eq(policy_action_name(v.action, v.enforce), "would-deny");
	v = judge(&tcp4, "SO_LINGER", linger(1, 0));
	ck_assert_int_eq(v.action, ACT_GRACEFUL);
	ck_assert(!v.enforce);
	ck_assert_str_eq(policy_action_name(v.action, v.enforce),
			 "would-graceful");
	v = judge(&tcp4, "TCP_NODELAY", bval(1));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert(!v.enforce);
}
END_TEST

START_TEST(test_trace_judges_nothing)
{
	struct verdict v;

	load("mode = \"trace\";\n"
	     "options = { TCP_NODELAY = { force = true; };\n"
	     "  IP_TTL = { deny = true; }; };\n");
	v = judge(&tcp4, "TCP_NODELAY", bval(0));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert_int_eq(v.val.i, 0);
	v = judge(&tcp4, "IP_TTL", ival(1));
	ck_assert_int_eq(v.action, ACT_NONE);
	ck_assert_int_eq(v.err, 0);
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("basics");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_lookup);
	suite_add_tcase(s, tc);

	tc = tcase_create("events");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_event_tcp);
	tcase_add_test(tc, test_event_not_tcp);
	tcase_add_test(tc, test_event_many);
	tcase_add_test(tc, test_clamp_unsigned);
	tcase_add_test(tc, test_event_trace);
	tcase_add_test(tc, test_event_audit);
	suite_add_tcase(s, tc);

	tc = tcase_create("judge");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_force);
	tcase_add_test(tc, test_set_does_not_judge);
	tcase_add_test(tc, test_clamp_int);
	tcase_add_test(tc, test_linger_clamp);
	tcase_add_test(tc, test_abortive_allow);
	tcase_add_test(tc, test_abortive_graceful);
	tcase_add_test(tc, test_abortive_deny);
	tcase_add_test(tc, test_timeval_clamp);
	tcase_add_test(tc, test_timeval_min_only);
	tcase_add_test(tc, test_deny);
	tcase_add_test(tc, test_no_directive);
	tcase_add_test(tc, test_audit);
	tcase_add_test(tc, test_trace_judges_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
