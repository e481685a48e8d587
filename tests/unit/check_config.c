// SPDX-License-Identifier: MIT
/* check_config — policy files: the default, good and bad fixtures. */
#include "build-config.h"

#include <check.h>
#include <netinet/in.h>
#include <syslog.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define DEFAULT_CONF FIXTURES "/../../conf/sockshim.conf"
#define GOOD FIXTURES "/good/"
#define BAD_DIR FIXTURES "/bad"

static struct policy pol;
static struct config_errors errs;

static void teardown(void)
{
	policy_free(&pol);
}

/* Fail with every error the loader reported, not just "rc != 0". */
static void expect_loaded(int rc)
{
	char msg[512];

	if (rc == 0 && errs.n == 0)
		return;
	config_error_format(&errs.e[0], msg, sizeof(msg));
	ck_abort_msg("load failed (%d errors), first: %s", errs.n, msg);
}

static void load_file(const char *path)
{
	expect_loaded(config_load(path, &pol, &errs));
	ck_assert_str_eq(pol.source, path);
}

static void load_text(const char *text)
{
	expect_loaded(config_load_string(text, "test.conf", &pol, &errs));
}

/* The directive naming an option; fails the test when there is none. */
static const struct directive *dir(const char *name)
{
	int idx = optcat_find_name(name);

	ck_assert_msg(idx >= 0, "%s not in catalogue", name);
	for (size_t i = 0; i < pol.site.n; i++)
		if (pol.site.d[i].opt == idx)
			return &pol.site.d[i];
	ck_abort_msg("no directive for %s", name);
	return NULL;
}

static bool has_dir(const char *name)
{
	int idx = optcat_find_name(name);

	for (size_t i = 0; i < pol.site.n; i++)
		if (pol.site.d[i].opt == idx)
			return true;
	return false;
}

/* ---- the default policy ---- */

START_TEST(test_default_conf)
{
	const struct directive *d;

	load_file(DEFAULT_CONF);
	ck_assert_int_eq(pol.mode, MODE_ENFORCE);
	ck_assert_int_eq(pol.on_error, ONERR_PASSTHROUGH);
	ck_assert_str_eq(pol.log.path, "stderr");
	ck_assert_int_eq(pol.log.format, LOGF_TEXT);
	ck_assert_int_eq(pol.log.calls, LOGC_ALL);
	ck_assert_uint_eq(pol.site.n, 3);
	d = dir("SO_REUSEADDR");
	ck_assert_uint_eq(d->has, DIR_FORCE);
	ck_assert_int_eq(d->val.type, OT_BOOL);
	ck_assert_int_eq(d->val.i, 1);
	ck_assert_uint_eq(d->val.len, sizeof(int));
	d = dir("TCP_NODELAY");
	ck_assert_uint_eq(d->has, DIR_FORCE);
	ck_assert_int_eq(d->val.i, 1);
	d = dir("SO_LINGER");
	ck_assert_uint_eq(d->has, DIR_MAX | DIR_ABORTIVE);
	ck_assert_int_eq(d->max, 5);
	ck_assert_int_eq(d->abortive, AB_GRACEFUL);
	ck_assert(policy_names(&pol, optcat_find_name("SO_LINGER")));
	ck_assert(!policy_names(&pol, optcat_find_name("SO_KEEPALIVE")));
}
END_TEST

/* ---- good fixtures ---- */

START_TEST(test_good_full)
{
	const struct directive *d;

	load_file(GOOD "full.conf");
	ck_assert_int_eq(pol.mode, MODE_AUDIT);
	ck_assert_int_eq(pol.on_error, ONERR_ABORT);
	ck_assert_str_eq(pol.log.path, "/var/log/sockshim/%n-%p.log");
	ck_assert_int_eq(pol.log.format, LOGF_JSON);
	ck_assert_int_eq(pol.log.calls, LOGC_POLICY);
	/* SO_PRIORITY's deny = false says nothing. */
	ck_assert_uint_eq(pol.site.n, 13);
	ck_assert(!has_dir("SO_PRIORITY"));
	ck_assert(!policy_names(&pol, optcat_find_name("SO_PRIORITY")));

	d = dir("SO_REUSEADDR");
	ck_assert_uint_eq(d->has, DIR_FORCE);
	ck_assert_int_eq(d->val.i, 1);
	d = dir("TCP_NODELAY");
	ck_assert_uint_eq(d->has, DIR_SET);
	ck_assert_int_eq(d->val.i, 1);
	d = dir("SO_KEEPALIVE");
	ck_assert_uint_eq(d->has, DIR_FORCE);
	ck_assert_int_eq(d->val.i, 1);
	d = dir("TCP_KEEPIDLE");
	ck_assert_uint_eq(d->has, DIR_SET);
	ck_assert_int_eq(d->val.type, OT_INT);
	ck_assert_int_eq(d->val.i, 60);
	d = dir("TCP_KEEPCNT");
	ck_assert_uint_eq(d->has, DIR_MIN | DIR_MAX);
	ck_assert_int_eq(d->min, 3);
	ck_assert_int_eq(d->max, 10);
	d = dir("SO_RCVBUF");
	ck_assert_int_eq(d->min, 4096);
	ck_assert_int_eq(d->max, 1 << 20);
}
END_TEST

START_TEST(test_good_full_units)
{
	const struct directive *d;

	load_file(GOOD "full.conf");
	/* Linger bounds are seconds of l_linger. */
	d = dir("SO_LINGER");
	ck_assert_uint_eq(d->has, DIR_MIN | DIR_MAX | DIR_ABORTIVE);
	ck_assert_int_eq(d->min, 1);
	ck_assert_int_eq(d->max, 30);
	ck_assert_int_eq(d->abortive, AB_DENY);
	ck_assert_int_eq(d->deny_errno, EACCES);
	/* Timeout bounds are microseconds. */
	d = dir("SO_RCVTIMEO");
	ck_assert_uint_eq(d->has, DIR_MIN | DIR_MAX);
	ck_assert_int_eq(d->min, 500000);
	ck_assert_int_eq(d->max, 2750000);
	d = dir("SO_SNDTIMEO");
	ck_assert_uint_eq(d->has, DIR_SET);
	ck_assert_int_eq(d->val.type, OT_TIMEVAL);
	ck_assert_int_eq(d->val.tv.tv_sec, 1);
	ck_assert_int_eq(d->val.tv.tv_usec, 500000);
	ck_assert_uint_eq(d->val.len, sizeof(struct timeval));
	d = dir("SO_BINDTODEVICE");
	ck_assert_int_eq(d->val.type, OT_STRING);
	ck_assert_str_eq(d->val.s, "eth0");
	ck_assert_uint_eq(d->val.len, 4);
	d = dir("TCP_CONGESTION");
	ck_assert_uint_eq(d->has, DIR_FORCE);
	ck_assert_str_eq(d->val.s, "cubic");
	d = dir("IP_TTL");
	ck_assert_uint_eq(d->has, DIR_DENY);
	ck_assert_int_eq(d->deny_errno, 0);	/* EPERM is the policy's */
	d = dir("IP_TOS");
	ck_assert_uint_eq(d->has, DIR_DENY);
	ck_assert_int_eq(d->deny_errno, ENOPROTOOPT);
}
END_TEST

START_TEST(test_good_minimal)
{
	load_file(GOOD "minimal.conf");
	ck_assert_int_eq(pol.mode, MODE_TRACE);
	ck_assert_int_eq(pol.on_error, ONERR_PASSTHROUGH);
	ck_assert_str_eq(pol.log.path, "none");
	ck_assert_int_eq(pol.log.format, LOGF_TEXT);
	ck_assert_uint_eq(pol.site.n, 0);
	for (size_t i = 0; i < optcat_count; i++)
		ck_assert(!policy_names(&pol, (int)i));
}
END_TEST

START_TEST(test_good_linger)
{
	const struct directive *d;

	load_file(GOOD "linger.conf");
	ck_assert_int_eq(pol.mode, MODE_ENFORCE);
	ck_assert_str_eq(pol.log.path, "syslog");
	ck_assert_int_eq(pol.log.format, LOGF_TEXT);
	ck_assert_int_eq(pol.log.calls, LOGC_ALL);
	ck_assert_uint_eq(pol.site.n, 3);
	d = dir("SO_LINGER");
	ck_assert_uint_eq(d->has, DIR_SET | DIR_ABORTIVE);
	ck_assert_int_eq(d->val.type, OT_LINGER);
	ck_assert_int_eq(d->val.l.l_onoff, 1);
	ck_assert_int_eq(d->val.l.l_linger, 10);
	ck_assert_uint_eq(d->val.len, sizeof(struct linger));
	ck_assert_int_eq(d->abortive, AB_GRACEFUL);
	ck_assert_int_eq(d->line, 9);
	d = dir("SO_SNDTIMEO");
	ck_assert_uint_eq(d->has, DIR_FORCE);
	ck_assert_int_eq(d->val.tv.tv_sec, 0);
	ck_assert_int_eq(d->val.tv.tv_usec, 0);
	d = dir("SO_RCVTIMEO");
	ck_assert_uint_eq(d->has, DIR_MAX);
	ck_assert_int_eq(d->max, 7000000);
}
END_TEST

START_TEST(test_good_include)
{
	const struct directive *d;

	load_file(GOOD "include.conf");
	ck_assert_str_eq(pol.log.path, "/tmp/sockshim-%%-%p.log");
	ck_assert_uint_eq(pol.site.n, 1);
	d = dir("TCP_NODELAY");
	ck_assert_uint_eq(d->has, DIR_FORCE);
	ck_assert_int_eq(d->val.i, 0);
}
END_TEST

/* ---- values, from text ---- */

START_TEST(test_values_inline)
{
	const struct directive *d;

	load_text("options = {\n"
		  "  SO_SNDTIMEO = { set = 0.000001; };\n"
		  "  SO_RCVTIMEO = { min = 0; max = 2; };\n"
		  "  SO_KEEPALIVE = { set = false; };\n"
		  "  TCP_NODELAY = { force = 0; };\n"
		  "  SO_SNDBUF = { set = 0x7fffffff; };\n"
		  "  IP_TTL = { min = 1; max = 255; };\n"
		  "  SO_LINGER = { force = [0, 0]; };\n"
		  "};\n");
	ck_assert_uint_eq(pol.site.n, 7);
	d = dir("SO_SNDTIMEO");
	ck_assert_int_eq(d->val.tv.tv_sec, 0);
	ck_assert_int_eq(d->val.tv.tv_usec, 1);
	d = dir("SO_RCVTIMEO");
	ck_assert_int_eq(d->min, 0);
	ck_assert_int_eq(d->max, 2000000);
	d = dir("SO_KEEPALIVE");
	ck_assert_uint_eq(d->has, DIR_SET);
	ck_assert_int_eq(d->val.i, 0);
	ck_assert_int_eq(dir("TCP_NODELAY")->val.i, 0);
	ck_assert_int_eq(dir("SO_SNDBUF")->val.i, 0x7fffffff);
	ck_assert_int_eq(dir("IP_TTL")->min, 1);
	ck_assert_int_eq(dir("IP_TTL")->max, 255);
	d = dir("SO_LINGER");
	ck_assert_int_eq(d->val.l.l_onoff, 0);
	ck_assert_int_eq(d->val.l.l_linger, 0);
	ck_assert_int_eq(d->line, 8);
}
END_TEST

START_TEST(test_errno_with_abortive_deny)
{
	const struct directive *d;

	/* errno goes with abortive = "deny" as well as with deny = true. */
	load_text("options = { SO_LINGER = { abortive = \"deny\"; "
		  "errno = \"EACCES\"; }; };");
	d = dir("SO_LINGER");
	ck_assert_uint_eq(d->has, DIR_ABORTIVE);
	ck_assert_int_eq(d->abortive, AB_DENY);
	ck_assert_int_eq(d->deny_errno, EACCES);
}
END_TEST

START_TEST(test_errno_values)
{
	ck_assert_int_eq(config_errno_value("EPERM"), EPERM);
	ck_assert_int_eq(config_errno_value("ENOPROTOOPT"), ENOPROTOOPT);
	ck_assert_int_eq(config_errno_value("EACCES"), EACCES);
	ck_assert_int_eq(config_errno_value("eperm"), 0);
	ck_assert_int_eq(config_errno_value("EWHATEVER"), 0);
	ck_assert_int_eq(config_errno_value(""), 0);
}
END_TEST

START_TEST(test_empty_text)
{
	load_text("");
	ck_assert_int_eq(pol.mode, MODE_ENFORCE);
	ck_assert_str_eq(pol.log.path, "stderr");
	ck_assert_uint_eq(pol.site.n, 0);
	ck_assert_str_eq(pol.source, "test.conf");
}
END_TEST

/* ---- errors ---- */

START_TEST(test_missing_file)
{
	const char *path = FIXTURES "/no/such/file.conf";

	ck_assert_int_eq(config_load(path, &pol, &errs), -1);
	ck_assert_int_eq(errs.n, 1);
	ck_assert_str_eq(errs.e[0].file, path);
	ck_assert_int_eq(errs.e[0].line, 0);
	ck_assert_str_eq(errs.e[0].key, "");
	ck_assert_ptr_nonnull(strstr(errs.e[0].msg, strerror(ENOENT)));
	ck_assert_int_eq(pol.on_error, ONERR_PASSTHROUGH);
	ck_assert_uint_eq(pol.site.n, 0);
	ck_assert_str_eq(pol.source, path);
}
END_TEST

START_TEST(test_directory)
{
	const char *path = FIXTURES "/good";

	ck_assert_int_eq(config_load(path, &pol, &errs), -1);
	ck_assert_int_eq(errs.n, 1);
	ck_assert_str_eq(errs.e[0].file, path);
	ck_assert_int_eq(errs.e[0].line, 0);
}
END_TEST

START_TEST(test_on_error_abort_syntax_file)
{
	const char *path = BAD_DIR "/syntax-on-error-abort.conf";

	/* The stray brace on line 4 closes options; line 5's is the error. */
	ck_assert_int_eq(config_load(path, &pol, &errs), -1);
	ck_assert_int_eq(errs.e[0].line, 5);
	ck_assert_int_eq(pol.on_error, ONERR_ABORT);
}
END_TEST

START_TEST(test_on_error_abort_syntax_text)
{
	/* The syntax error comes first: libconfig never reaches on_error. */
	ck_assert_int_eq(config_load_string("mode = = \"enforce\";\n"
					    "on_error = \"abort\";\n",
					    "t.conf", &pol, &errs), -1);
	ck_assert_int_eq(errs.n, 1);
	ck_assert_str_eq(errs.e[0].file, "t.conf");
	ck_assert_int_eq(errs.e[0].line, 1);
	ck_assert_str_eq(errs.e[0].key, "");
	ck_assert_int_eq(pol.on_error, ONERR_ABORT);
}
END_TEST

START_TEST(test_on_error_commented_out)
{
	ck_assert_int_eq(config_load_string("# on_error = \"abort\";\n"
					    "// on_error = \"abort\";\n"
					    "mode = = 1;\n",
					    "t.conf", &pol, &errs), -1);
	ck_assert_int_eq(errs.e[0].line, 3);
	ck_assert_int_eq(pol.on_error, ONERR_PASSTHROUGH);
}
END_TEST

START_TEST(test_on_error_abort_semantic)
{
	/* A later error resets the policy but keeps what on_error said. */
	ck_assert_int_eq(config_load_string("mode = \"audit\";\n"
					    "options = { SO_BOGUS = "
					    "{ set = 1; }; };\n"
					    "on_error = \"abort\";\n",
					    "t.conf", &pol, &errs), -1);
	ck_assert_int_eq(errs.n, 1);
	ck_assert_str_eq(errs.e[0].key, "options.SO_BOGUS");
	ck_assert_int_eq(errs.e[0].line, 2);
	ck_assert_int_eq(pol.on_error, ONERR_ABORT);
	ck_assert_int_eq(pol.mode, MODE_ENFORCE);
	ck_assert_uint_eq(pol.site.n, 0);
}
END_TEST

START_TEST(test_every_error_reported)
{
	ck_assert_int_eq(config_load_string("mode = \"x\";\n"
					    "log = { format = \"y\"; };\n"
					    "options = {\n"
					    "  IP_TTL = { set = 0; };\n"
					    "  SO_BOGUS = { };\n"
					    "};\n",
					    "t.conf", &pol, &errs), -1);
	ck_assert_int_eq(errs.n, 4);
	ck_assert_int_eq(errs.e[0].line, 1);
	ck_assert_str_eq(errs.e[0].key, "mode");
	ck_assert_int_eq(errs.e[1].line, 2);
	ck_assert_str_eq(errs.e[1].key, "log.format");
	ck_assert_int_eq(errs.e[2].line, 4);
	ck_assert_str_eq(errs.e[2].key, "options.IP_TTL.set");
	ck_assert_int_eq(errs.e[3].line, 5);
	ck_assert_str_eq(errs.e[3].key, "options.SO_BOGUS");
}
END_TEST

START_TEST(test_many_errors_counted)
{
	char text[8192] = "options = {\n";
	size_t n = strlen(text);

	for (int i = 0; i < CONFIG_MAX_ERRORS + 8; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "  SO_BOGUS_%d = { set = 1; };\n", i);
	snprintf(text + n, sizeof(text) - n, "};\n");
	ck_assert_int_eq(config_load_string(text, "t.conf", &pol, &errs), -1);
	ck_assert_int_eq(errs.n, CONFIG_MAX_ERRORS + 8);
	ck_assert_int_eq(errs.e[CONFIG_MAX_ERRORS - 1].line,
			 CONFIG_MAX_ERRORS + 1);
}
END_TEST

START_TEST(test_error_format)
{
	struct config_error e = { .file = "/etc/sockshim.conf", .line = 12,
				  .key = "options.IP_TTL.set",
				  .msg = "300 is out of range [1, 255]" };
	char buf[256];

	config_error_format(&e, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/etc/sockshim.conf:12: options.IP_TTL.set: "
			      "300 is out of range [1, 255]");
	e.key[0] = '\0';
	config_error_format(&e, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/etc/sockshim.conf:12: 300 is out of range "
			      "[1, 255]");
	e.line = 0;
	config_error_format(&e, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/etc/sockshim.conf: 300 is out of range "
			      "[1, 255]");
	/* Truncated, never overflowed. */
	memset(buf, 'Z', sizeof(buf));
	config_error_format(&e, buf, 8);
	ck_assert_str_eq(buf, "/etc/so");
	ck_assert_int_eq(buf[8], 'Z');
}
END_TEST

/* ---- bad fixtures: one loop iteration per file ---- */

#define MAX_BAD 128
static char *bad_files[MAX_BAD];
static int n_bad;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_bad_fixtures(void)
{
	DIR *d = opendir(BAD_DIR);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) && n_bad < MAX_BAD) {
		size_t n = strlen(de->d_name);

		if (n > 5 && strcmp(de->d_name + n - 5, ".conf") == 0)
			bad_files[n_bad++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(bad_files, (size_t)n_bad, sizeof(*bad_files), by_name);
}

/* First line: "# expect: LINE KEY" (KEY "-": no key). */
static void read_expectation(const char *path, int *line, char *key,
			     size_t keylen)
{
	char first[256], fmt[32];
	FILE *f = fopen(path, "re");

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_msg(fgets(first, sizeof(first), f) != NULL, "%s empty", path);
	fclose(f);
	snprintf(fmt, sizeof(fmt), "# expect: %%d %%%zus", keylen - 1);
	ck_assert_msg(sscanf(first, fmt, line, key) == 2,
		      "%s: first line is not '# expect: LINE KEY'", path);
	if (strcmp(key, "-") == 0)
		key[0] = '\0';
}

START_TEST(test_bad_fixture)
{
	char path[512], key[128], msg[512];
	int line;

	snprintf(path, sizeof(path), "%s/%s", BAD_DIR, bad_files[_i]);
	read_expectation(path, &line, key, sizeof(key));
	ck_assert_msg(config_load(path, &pol, &errs) == -1,
		      "%s loaded without error", bad_files[_i]);
	ck_assert_int_ge(errs.n, 1);
	config_error_format(&errs.e[0], msg, sizeof(msg));
	ck_assert_msg(strcmp(errs.e[0].file, path) == 0 &&
			      errs.e[0].line == line &&
			      strcmp(errs.e[0].key, key) == 0,
		      "%s: expected line %d key '%s', got: %s", bad_files[_i],
		      line, key, msg);
	ck_assert_msg(errs.e[0].msg[0], "%s: empty message", bad_files[_i]);
	/* A failed load leaves the do-nothing policy behind. */
	ck_assert_uint_eq(pol.site.n, 0);
	ck_assert_uint_eq(pol.nrules, 0);
	ck_assert_ptr_null(pol.named);
	ck_assert_str_eq(pol.source, path);
}
END_TEST

/* A name at two levels (MCAST_JOIN_GROUP) gives a directive for each. */
START_TEST(test_name_at_two_levels)
{
	load_text("options = { MCAST_JOIN_GROUP = { deny = true; }; };\n");
	ck_assert_uint_eq(pol.site.n, 2);
	ck_assert_int_eq(optcat_table[pol.site.d[0].opt].level, IPPROTO_IP);
	ck_assert_int_eq(optcat_table[pol.site.d[1].opt].level, IPPROTO_IPV6);
	ck_assert(pol.site.d[1].has & DIR_DENY);
}
END_TEST

/* In a file that does not parse, only on_error itself means abort. */
START_TEST(test_on_error_word_boundary)
{
	ck_assert_int_ne(config_load_string("xon_error = \"abort\";\n"
					    "options = {\n",
					    "t.conf", &pol, &errs), 0);
	ck_assert_int_eq(pol.on_error, ONERR_PASSTHROUGH);
	ck_assert_int_ne(config_load_string("on_error = \"abort\";\n"
					    "options = {\n",
					    "t.conf", &pol, &errs), 0);
	ck_assert_int_eq(pol.on_error, ONERR_ABORT);
}
END_TEST

/* The log keys added for syslog and file permissions. */
START_TEST(test_log_ident_facility_mode)
{
	load_text("log = { path = \"syslog\"; ident = \"web-1\";\n"
		  "        facility = \"local3\"; file_mode = \"0640\"; };\n");
	ck_assert_str_eq(pol.log.ident, "web-1");
	ck_assert_int_eq(pol.log.facility, LOG_LOCAL3);
	ck_assert_uint_eq(pol.log.file_mode, 0640);
	policy_free(&pol);
	load_text("mode = \"trace\";\n");
	ck_assert_str_eq(pol.log.ident, "sockshim");
	ck_assert_int_eq(pol.log.facility, LOG_USER);
	ck_assert_uint_eq(pol.log.file_mode, 0600);
	ck_assert_int_eq(pol.log.syslog_format, LOGS_RFC3164);
	ck_assert_str_eq(pol.log.host, "");
}

/* log.host (a name, %h, true) and log.syslog_format. */
START_TEST(test_log_host_syslog_format)
{
	load_text("log = { host = \"web-7.dc1\";\n"
		  "        syslog_format = \"rfc5424\"; };");
	ck_assert_str_eq(pol.log.host, "web-7.dc1");
	ck_assert_int_eq(pol.log.syslog_format, LOGS_RFC5424);
	policy_free(&pol);
	load_text("log = { host = \"%h.dc1\"; syslog_format = \"rfc3164\"; };");
	ck_assert_str_eq(pol.log.host, "%h.dc1");
	ck_assert_int_eq(pol.log.syslog_format, LOGS_RFC3164);
	policy_free(&pol);
	load_text("log = { host = true; };");
	ck_assert_str_eq(pol.log.host, "%h");
	policy_free(&pol);
	load_text("log = { host = false; };");
	ck_assert_str_eq(pol.log.host, "");
}
END_TEST

START_TEST(test_bad_fixture_count)
{
	ck_assert_int_ge(n_bad, 25);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("good");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_default_conf);
	tcase_add_test(tc, test_good_full);
	tcase_add_test(tc, test_good_full_units);
	tcase_add_test(tc, test_good_minimal);
	tcase_add_test(tc, test_good_linger);
	tcase_add_test(tc, test_good_include);
	tcase_add_test(tc, test_values_inline);
	tcase_add_test(tc, test_errno_with_abortive_deny);
	tcase_add_test(tc, test_errno_values);
	tcase_add_test(tc, test_empty_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_directory);
	tcase_add_test(tc, test_on_error_abort_syntax_file);
	tcase_add_test(tc, test_on_error_abort_syntax_text);
	tcase_add_test(tc, test_on_error_commented_out);
	tcase_add_test(tc, test_on_error_abort_semantic);
	tcase_add_test(tc, test_every_error_reported);
	tcase_add_test(tc, test_many_errors_counted);
	tcase_add_test(tc, test_error_format);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad-fixtures");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_bad_fixture_count);
	tcase_add_test(tc, test_name_at_two_levels);
	tcase_add_test(tc, test_on_error_word_boundary);
	tcase_add_test(tc, test_log_ident_facility_mode);
	tcase_add_test(tc, test_log_host_syslog_format);
	tcase_add_loop_test(tc, test_bad_fixture, 0, n_bad);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	list_bad_fixtures();
	sr = srunner_create(config_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	for (int i = 0; i < n_bad; i++)
		free(bad_files[i]);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
