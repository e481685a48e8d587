// SPDX-License-Identifier: MIT
/*
 * check_vocab — the shared word tables: vocab.def (policy, log and
 * command words) and log_fields.def (JSON record keys), and that the
 * config loader, the policy and the JSON writer agree with them.
 */
#include "build-config.h"

#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>

#include "config.h"
#include "log.h"
#include "log_fields.h"
#include "optvals.h"
#include "policy.h"
#include "vocab.h"

START_TEST(test_vocab_table)
{
	for (int id = 0; id < VOCAB_COUNT; id++) {
		const struct vocab *v = &vocab_table[id];

		ck_assert_msg(v->what && *v->what, "vocabulary %d unnamed", id);
		ck_assert_msg(v->n > 0, "%s: no words", v->what);
		for (int i = 0; i < v->n; i++) {
			const struct vocab_word *w = &v->words[i];
			int value = -12345;
			const char *first = NULL;

			ck_assert_msg(w->text && *w->text, "%s: empty word",
				      v->what);
			for (int j = 0; j < i; j++)
				ck_assert_msg(strcmp(v->words[j].text, w->text),
					      "%s: \"%s\" twice", v->what,
					      w->text);
			ck_assert(vocab_value(id, w->text, &value));
			ck_assert_int_eq(value, w->value);
			/* A value is named by its first word. */
			for (int j = 0; j <= i && !first; j++)
				if (v->words[j].value == w->value)
					first = v->words[j].text;
			ck_assert_str_eq(vocab_name(id, w->value), first);
		}
	}
}
END_TEST

START_TEST(test_vocab_words)
{
	int v = -1;

	ck_assert_str_eq(vocab_name(VOCAB_MODE, MODE_ENFORCE), "enforce");
	ck_assert_str_eq(vocab_name(VOCAB_MODE, MODE_AUDIT), "audit");
	ck_assert_str_eq(vocab_name(VOCAB_MODE, MODE_TRACE), "trace");
	ck_assert_str_eq(vocab_name(VOCAB_ON_ERROR, ONERR_ABORT), "abort");
	ck_assert_str_eq(vocab_name(VOCAB_LOG_FORMAT, LOGF_JSON), "json");
	ck_assert_str_eq(vocab_name(VOCAB_LOG_CALLS, LOGC_POLICY), "policy");
	ck_assert_str_eq(vocab_name(VOCAB_ABORTIVE, AB_GRACEFUL), "graceful");
	ck_assert_str_eq(vocab_name(VOCAB_FACILITY, LOG_LOCAL3), "local3");
	ck_assert_str_eq(vocab_name(VOCAB_FACILITY, LOG_USER), "user");
	ck_assert_str_eq(vocab_name(VOCAB_FAMILY, AF_INET6), "inet6");
	ck_assert_str_eq(vocab_name(VOCAB_SOCK_TYPE, SOCK_DGRAM), "dgram");
	ck_assert_str_eq(vocab_name(VOCAB_ROLE, ROLE_CLIENT), "client");
	ck_assert_str_eq(vocab_name(VOCAB_ACTION, ACT_CLAMPED), "clamped");
	ck_assert_str_eq(vocab_name(VOCAB_AUDIT_ACTION, ACT_DENIED),
			 "would-deny");
	ck_assert_str_eq(vocab_name(VOCAB_ORIGIN, 1), "policy");
	/* ENOTSUP and EOPNOTSUPP are one number on Linux: named once. */
	ck_assert_str_eq(vocab_name(VOCAB_DENY_ERRNO, ENOTSUP), "EOPNOTSUPP");
	ck_assert(vocab_value(VOCAB_DENY_ERRNO, "ENOTSUP", &v));
	ck_assert_int_eq(v, ENOTSUP);

	/* Not words: absent values, other cases, other vocabularies. */
	ck_assert_ptr_null(vocab_name(VOCAB_MODE, 42));
	ck_assert_ptr_null(vocab_name(VOCAB_MODE, -1));
	ck_assert_ptr_null(vocab_name(VOCAB_ACTION, ACT_NONE));
	ck_assert_ptr_null(vocab_name(VOCAB_FACILITY, 0x7fffffff));
	ck_assert_ptr_null(vocab_name(VOCAB_COUNT, 0));
	v = -1;
	ck_assert(!vocab_value(VOCAB_MODE, "Audit", &v));
	ck_assert(!vocab_value(VOCAB_MODE, "audit ", &v));
	ck_assert(!vocab_value(VOCAB_MODE, "", &v));
	ck_assert(!vocab_value(VOCAB_MODE, NULL, &v));
	ck_assert(!vocab_value(VOCAB_ABORTIVE, "abort", &v));
	ck_assert(!vocab_value(VOCAB_COUNT, "audit", &v));
	ck_assert_int_eq(v, -1);
}
END_TEST

/* Match words are bits of an unsigned int. */
START_TEST(test_vocab_match_bits)
{
	static const enum vocab_id sets[] = { VOCAB_FAMILY, VOCAB_SOCK_TYPE,
					      VOCAB_ROLE };

	for (size_t i = 0; i < sizeof(sets) / sizeof(*sets); i++)
		for (int j = 0; j < vocab_table[sets[i]].n; j++)
			ck_assert_int_lt(vocab_table[sets[i]].words[j].value,
					 32);
}
END_TEST

START_TEST(test_vocab_list)
{
	char buf[64];

	vocab_list(VOCAB_LOG_FORMAT, buf, sizeof(buf));
	ck_assert_str_eq(buf, "\"text\", \"json\"");
	vocab_list(VOCAB_MODE, buf, sizeof(buf));
	ck_assert_str_eq(buf, "\"enforce\", \"audit\", \"trace\"");
	/* Cut short, still a string, a prefix of the whole. */
	vocab_list(VOCAB_MODE, buf, 12);
	ck_assert_str_eq(buf, "\"enforce\", ");
	vocab_list(VOCAB_FACILITY, buf, sizeof(buf));
	ck_assert_uint_eq(strlen(buf), sizeof(buf) - 1);
	ck_assert_int_eq(strncmp(buf, "\"user\", \"daemon\", ", 18), 0);
	buf[0] = 'x';
	vocab_list(VOCAB_MODE, buf, 0);
	ck_assert_int_eq(buf[0], 'x');
	vocab_list(VOCAB_COUNT, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
}
END_TEST

/* ---- the config loader reads every word of its vocabularies ---- */

static struct policy pol;
static struct config_errors errs;

static int got_mode(void) { return pol.mode; }
static int got_on_error(void) { return pol.on_error; }
static int got_format(void) { return pol.log.format; }
static int got_calls(void) { return pol.log.calls; }
static int got_facility(void) { return pol.log.facility; }
static int got_syslog_format(void) { return (int)pol.log.syslog_format; }
static int got_abortive(void) { return pol.site.d[0].abortive; }
static int got_errno(void) { return pol.site.d[0].deny_errno; }

/* The bit number set in a match word set. */
static int bit_of(unsigned int bits)
{
	ck_assert_msg(bits && !(bits & (bits - 1)), "bits %#x", bits);
	return __builtin_ctz(bits);
}

static int got_family(void) { return bit_of(pol.rules[0].m.families); }
static int got_type(void) { return bit_of(pol.rules[0].m.types); }
static int got_role(void) { return bit_of(pol.rules[0].m.roles); }

#define RULE(k) "rules = ( { match = { " k " = \"%s\"; }; options = { " \
		"SO_KEEPALIVE = { set = true; }; }; } );"

static const struct {
	enum vocab_id id;
	const char *fmt;	/* the policy text, %s for the word */
	int (*got)(void);	/* what the loaded policy holds */
} readers[] = {
	{ VOCAB_MODE, "mode = \"%s\";", got_mode },
	{ VOCAB_ON_ERROR, "on_error = \"%s\";", got_on_error },
	{ VOCAB_LOG_FORMAT, "log = { format = \"%s\"; };", got_format },
	{ VOCAB_LOG_CALLS, "log = { calls = \"%s\"; };", got_calls },
	{ VOCAB_FACILITY, "log = { facility = \"%s\"; };", got_facility },
	{ VOCAB_SYSLOG_FORMAT, "log = { syslog_format = \"%s\"; };",
	  got_syslog_format },
	{ VOCAB_ABORTIVE, "options = { SO_LINGER = { abortive = \"%s\"; }; };",
	  got_abortive },
	{ VOCAB_DENY_ERRNO,
	  "options = { SO_DEBUG = { deny = true; errno = \"%s\"; }; };",
	  got_errno },
	{ VOCAB_FAMILY, RULE("family"), got_family },
	{ VOCAB_SOCK_TYPE, RULE("type"), got_type },
	{ VOCAB_ROLE, RULE("role"), got_role },
};

START_TEST(test_config_reads_vocab)
{
	char text[256], msg[512], list[160];
	const struct vocab *v = &vocab_table[readers[_i].id];

	for (int i = 0; i < v->n; i++) {
		snprintf(text, sizeof(text), readers[_i].fmt, v->words[i].text);
		if (config_load_string(text, "vocab.conf", &pol, &errs) != 0) {
			config_error_format(&errs.e[0], msg, sizeof(msg));
			ck_abort_msg("%s: %s", text, msg);
		}
		ck_assert_msg(readers[_i].got() == v->words[i].value,
			      "%s: got %d, want %d", text, readers[_i].got(),
			      v->words[i].value);
		policy_free(&pol);
	}
	/* A word from no vocabulary: the error lists the vocabulary's. */
	snprintf(text, sizeof(text), readers[_i].fmt, "no-such-word");
	ck_assert_int_ne(config_load_string(text, "vocab.conf", &pol, &errs), 0);
	policy_free(&pol);
	config_error_format(&errs.e[0], msg, sizeof(msg));
	if (readers[_i].id == VOCAB_DENY_ERRNO)
		return;		/* its message names the one word */
	vocab_list(readers[_i].id, list, sizeof(list));
	ck_assert_msg(strstr(msg, list) != NULL, "'%s' not in '%s'", list,
		      msg);
}
END_TEST

START_TEST(test_policy_names)
{
	for (int a = ACT_SET; a <= ACT_GRACEFUL; a++) {
		ck_assert_str_eq(policy_action_name(a, true),
				 vocab_name(VOCAB_ACTION, a));
		ck_assert_str_eq(policy_action_name(a, false),
				 vocab_name(VOCAB_AUDIT_ACTION, a));
	}
	ck_assert_str_eq(policy_mode_name((enum pol_mode)7), "?");
}
END_TEST

/* ---- log_fields.def ---- */

START_TEST(test_log_fields_table)
{
	char key[64];

	for (int i = 0; i < LOG_FIELD_COUNT; i++) {
		const struct log_field_info *f = &log_fields[i];

		ck_assert_msg(f->name && *f->name && f->meaning && *f->meaning,
			      "field %d", i);
		snprintf(key, sizeof(key), ",\"%s\":", f->name);
		ck_assert_str_eq(f->key, key);
		ck_assert_uint_eq(f->keylen, strlen(key));
		ck_assert_int_eq(log_field_find(f->name, strlen(f->name)), i);
		for (int j = 0; j < i; j++)
			ck_assert_msg(strcmp(log_fields[j].name, f->name),
				      "\"%s\" twice", f->name);
	}
	/* The reader hands in keys that are not NUL-terminated. */
	ck_assert_int_eq(log_field_find("pidx", 3), LF_PID);
	ck_assert_int_eq(log_field_find("app_val\":1", 7), LF_APP_VAL);
	ck_assert_int_eq(log_field_find("pi", 2), -1);
	ck_assert_int_eq(log_field_find("", 0), -1);
	ck_assert_int_eq(log_field_find("PID", 3), -1);
	/* The fields the documented log format promises. */
	static const char *const documented[] = {
		"ts", "pid", "tid", "prog", "call", "fd", "listen_fd", "ret",
		"errno", "origin", "family", "type", "proto", "level", "opt",
		"val", "action", "app_val", "addr", "peer",
	};
	for (size_t i = 0; i < sizeof(documented) / sizeof(*documented); i++)
		ck_assert_msg(log_field_find(documented[i],
					     strlen(documented[i])) >= 0,
			      "%s missing", documented[i]);
}
END_TEST

/* The keys of one flat JSON line, each checked against the table. */
static int check_keys(const char *line, unsigned char *seen)
{
	const char *s = line;
	int n = 0;

	ck_assert_int_eq(*s, '{');
	while (*s == '{' || *s == ',') {
		const char *k = ++s + 1;
		int depth = 0, f;

		ck_assert_msg(*s == '"', "no key at '%s'", s);
		s = strchr(k, '"');
		ck_assert_ptr_nonnull(s);
		f = log_field_find(k, (size_t)(s - k));
		ck_assert_msg(f >= 0, "key \"%.*s\" is not in log_fields.def: %s",
			      (int)(s - k), k, line);
		seen[f] = 1;
		n++;
		ck_assert_int_eq(*++s, ':');
		/* Skip the value: strings, nested lists, scalars. */
		for (s++; *s && (depth || (*s != ',' && *s != '}')); s++) {
			if (*s == '"') {
				for (s++; *s && *s != '"'; s++)
					if (*s == '\\' && s[1])
						s++;
			} else if (*s == '[') {
				depth++;
			} else if (*s == ']') {
				depth--;
			}
		}
	}
	ck_assert_str_eq(s, "}\n");
	return n;
}

START_TEST(test_log_writer_keys)
{
	static const struct log_ctx ctx = { .pid = 7, .tid = 8, .prog = "p" };
	static const struct log_ctx hctx = { .pid = 7, .tid = 8, .prog = "p",
					     .host = "alpha" };
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(80) };
	struct optval lin = linger(1, 0), gra = linger(0, 0), wv = ival(5);
	unsigned char seen[LOG_FIELD_COUNT] = { 0 };
	char out[1024];
	const struct log_rec recs[] = {
		{ .call = LC_SOCKET, .fd = 3, .ret = 3, .family = AF_INET,
		  .type = SOCK_STREAM, .protocol = 0 },
		{ .call = LC_SETSOCKOPT, .fd = 3, .level = SOL_SOCKET,
		  .optname = SO_LINGER, .val = &gra, .app_val = &lin,
		  .would_val = &wv, .action = ACT_GRACEFUL, .enforce = true,
		  .rule = "r" },
		{ .call = LC_BIND, .fd = 3, .ret = -1, .err = EADDRINUSE,
		  .addr = (struct sockaddr *)&sin, .addrlen = sizeof(sin) },
		{ .call = LC_LISTEN, .fd = 3, .arg = 128 },
		{ .call = LC_ACCEPT4, .fd = 4, .ret = 4, .listen_fd = 3,
		  .addr = (struct sockaddr *)&sin, .addrlen = sizeof(sin),
		  .arg = SOCK_CLOEXEC },
		{ .call = LC_DUP3, .fd = 4, .ret = 9, .arg = 9 },
		{ .call = LC_FCNTL, .fd = 4, .arg = 0, .lo = 10 },
		{ .call = LC_CLOSE_RANGE, .fd = -1, .lo = 3, .hi = 9 },
		{ .call = LC_CLOSEFROM, .fd = -1, .lo = 3 },
		{ .call = LC_CLOSE, .fd = 4, .by_policy = true },
		{ .call = LC_DROPPED, .ret = 3, .note = "file full" },
		{ .call = LC_SECCOMP, .note = "continues" },
		{ .call = LC_CONNECT, .fd = 3, .via = "seccomp", .pid = 9,
		  .tid = 10, .prog = "q", .ret_unknown = true,
		  .addr = (struct sockaddr *)&sin, .addrlen = sizeof(sin) },
	};

	for (size_t i = 0; i < sizeof(recs) / sizeof(*recs); i++) {
		ck_assert_uint_gt(log_format_json(&ctx, &recs[i], out,
						  sizeof(out)), 0);
		/* ts, pid, tid, prog, call at least */
		ck_assert_int_ge(check_keys(out, seen), 5);
	}
	/* log.host: its field after prog. */
	ck_assert_uint_gt(log_format_json(&hctx, &recs[0], out, sizeof(out)),
			  0);
	ck_assert_int_ge(check_keys(out, seen), 6);
	/* Seen from outside: the caller named, no result claimed. */
	log_format_json(&ctx, &recs[sizeof(recs) / sizeof(*recs) - 1], out,
			sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "\"pid\":9,\"tid\":10,\"prog\":\"q\""));
	ck_assert_ptr_null(strstr(out, "\"ret\""));
	ck_assert_ptr_nonnull(strstr(out, ",\"via\":\"seccomp\"}"));
	/* And the records above use every field the table has. */
	for (int f = 0; f < LOG_FIELD_COUNT; f++)
		ck_assert_msg(seen[f], "no record wrote \"%s\"",
			      log_fields[f].name);
}
END_TEST

static Suite *vocab_suite(void)
{
	Suite *s = suite_create("vocab");
	TCase *tc = tcase_create("vocab");

	tcase_add_test(tc, test_vocab_table);
	tcase_add_test(tc, test_vocab_words);
	tcase_add_test(tc, test_vocab_match_bits);
	tcase_add_test(tc, test_vocab_list);
	tcase_add_loop_test(tc, test_config_reads_vocab, 0,
			    (int)(sizeof(readers) / sizeof(*readers)));
	tcase_add_test(tc, test_policy_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("log_fields");
	tcase_add_test(tc, test_log_fields_table);
	tcase_add_test(tc, test_log_writer_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(vocab_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
