// SPDX-License-Identifier: MIT
/* check_logmap — the mapped log file under truncation and size limits. */
#include "build-config.h"

#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "logmap.h"
#include "real.h"
#include "sigguard.h"

static char path[64];
static int fd = -1;

static void setup(void)
{
	real_init();
	sigguard_arm(NULL);
	snprintf(path, sizeof(path), "/tmp/check_logmap.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_SETFL, O_APPEND), 0);
}

static void teardown(void)
{
	logmap_drop();
	logmap_set_limit(LOGMAP_NO_LIMIT);
	close(fd);
	unlink(path);
}

/* The file's bytes; the caller frees. */
static char *contents(size_t *len)
{
	struct stat st;
	char *buf;

	ck_assert_int_eq(fstat(fd, &st), 0);
	buf = calloc(1, (size_t)st.st_size + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	*len = (size_t)st.st_size;
	return buf;
}

static enum logmap_result put(const char *rec, const char **why)
{
	*why = NULL;
	return logmap_append(fd, rec, strlen(rec), why);
}

START_TEST(appends_and_trims)
{
	const char *why;
	size_t len;
	char *buf;

	ck_assert(logmap_start(fd, &why));
	ck_assert_int_eq(put("one\n", &why), LM_WRITTEN);
	ck_assert_int_eq(put("two\n", &why), LM_WRITTEN);
	logmap_finish(fd, true);
	buf = contents(&len);
	ck_assert_str_eq(buf, "one\ntwo\n");
	/* O_APPEND is back for write(2). */
	ck_assert(fcntl(fd, F_GETFL) & O_APPEND);
	free(buf);
}
END_TEST

START_TEST(truncation_is_survived)
{
	const char *why;
	size_t len;
	char *buf;

	ck_assert(logmap_start(fd, &why));
	ck_assert_int_eq(put("before\n", &why), LM_WRITTEN);
	/* Someone else truncates the file: the next store faults in our
	 * window, the guard swaps memory in, the record is counted lost. */
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	ck_assert_int_eq(put("lost\n", &why), LM_DROPPED);
	ck_assert_str_eq(why, "truncated");
	ck_assert(logmap_broken());
	ck_assert_int_eq(put("lost too\n", &why), LM_DROPPED);
	ck_assert(logmap_restart(fd, &why));
	ck_assert_int_eq(put("after\n", &why), LM_WRITTEN);
	logmap_finish(fd, true);
	buf = contents(&len);
	ck_assert_str_eq(buf, "after\n");
	ck_assert_uint_eq(memchr(buf, '\0', len) == NULL, 1);
	free(buf);
}
END_TEST

START_TEST(copytruncate_goes_on_at_new_end)
{
	const char *why;
	size_t len;
	char *buf;

	ck_assert(logmap_start(fd, &why));
	ck_assert_int_eq(put("a\n", &why), LM_WRITTEN);
	/* Truncated to a length that is not ours either. */
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	ck_assert_int_eq(pwrite(fd, "kept\n", 5, 0), 5);
	ck_assert(logmap_restart(fd, &why));
	ck_assert_int_eq(put("b\n", &why), LM_WRITTEN);
	logmap_finish(fd, true);
	buf = contents(&len);
	ck_assert_str_eq(buf, "kept\nb\n");
	free(buf);
}
END_TEST

START_TEST(size_limit_breaks_without_signal)
{
	char rec[1000];
	const char *why = NULL;
	size_t len, written = 0;
	int dropped = 0;
	char *buf;

	memset(rec, 'x', sizeof(rec) - 1);
	rec[sizeof(rec) - 1] = '\n';
	logmap_set_limit(LOGMAP_GROW + 1000);
	ck_assert(logmap_start(fd, &why));
	for (int i = 0; i < 200; i++) {
		enum logmap_result r = logmap_append(fd, rec, sizeof(rec), &why);

		if (r == LM_WRITTEN)
			written += sizeof(rec);
		else
			dropped++;
	}
	ck_assert_int_gt(dropped, 0);
	ck_assert_str_eq(why, "file size limit");
	logmap_finish(fd, true);
	buf = contents(&len);
	ck_assert_uint_le(len, LOGMAP_GROW + 1000);
	ck_assert_uint_eq(len, written);
	free(buf);
}
END_TEST

START_TEST(padding_from_a_killed_image_is_reused)
{
	const char *why;
	size_t len;
	char *buf;

	/* What a process killed mid-extension leaves: records, then blank
	 * lines (and NULs from a crash in between). */
	ck_assert_int_eq(write(fd, "old\n\n\n\n", 7), 7);
	ck_assert_int_eq(pwrite(fd, "\0\0\n", 3, 7), 3);
	ck_assert(logmap_start(fd, &why));
	ck_assert_int_eq(put("new\n", &why), LM_WRITTEN);
	logmap_finish(fd, true);
	buf = contents(&len);
	ck_assert_str_eq(buf, "old\nnew\n");
	free(buf);
}
END_TEST

static volatile sig_atomic_t got;

static void handler(int sig)
{
	(void)sig;
	got = 1;
}

START_TEST(other_sigbus_reaches_the_program)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	got = 0;
	/* The program's handler, set through the guard, sees its own. */
	sa.sa_handler = handler;
	ck_assert_int_eq(sigguard_sigaction(SIGBUS, &sa, &old), 0);
	raise(SIGBUS);
	ck_assert_int_eq(got, 1);
	ck_assert_int_eq(sigguard_sigaction(SIGBUS, NULL, &old), 0);
	ck_assert(old.sa_handler == handler);
}
END_TEST

START_TEST(sigbus_stays_unblocked_but_looks_blocked)
{
	sigset_t bus, now, real_now;

	sigemptyset(&bus);
	sigaddset(&bus, SIGBUS);
	ck_assert_int_eq(sigguard_mask(SIG_BLOCK, &bus, NULL, true), 0);
	ck_assert_int_eq(sigguard_mask(SIG_BLOCK, NULL, &now, true), 0);
	ck_assert_int_eq(sigismember(&now, SIGBUS), 1);
	ck_assert_int_eq(real.pthread_sigmask(SIG_BLOCK, NULL, &real_now), 0);
	ck_assert_int_eq(sigismember(&real_now, SIGBUS), 0);
	ck_assert_int_eq(sigguard_mask(SIG_UNBLOCK, &bus, NULL, true), 0);
	ck_assert_int_eq(sigguard_mask(SIG_BLOCK, NULL, &now, true), 0);
	ck_assert_int_eq(sigismember(&now, SIGBUS), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("logmap");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, appends_and_trims);
	tcase_add_test(tc, truncation_is_survived);
	tcase_add_test(tc, copytruncate_goes_on_at_new_end);
	tcase_add_test(tc, size_limit_breaks_without_signal);
	tcase_add_test(tc, padding_from_a_killed_image_is_reused);
	tcase_add_test(tc, other_sigbus_reaches_the_program);
	tcase_add_test(tc, sigbus_stays_unblocked_but_looks_blocked);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
