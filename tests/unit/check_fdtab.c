// SPDX-License-Identifier: MIT
/* check_fdtab — per-fd socket facts. */
#include "build-config.h"

#include <check.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "fdtab.h"

/* Facts that say which fd (and which writer) they were stored for. */
static struct sockinfo info_for(int fd, int tag)
{
	struct sockinfo si = {
		.family = AF_INET6, .type = SOCK_STREAM,
		.protocol = (uint16_t)tag, .role = ROLE_CLIENT,
		.has_local = 1, .has_remote = 1,
		.local_port = (uint16_t)fd, .remote_port = (uint16_t)(fd >> 16),
		.rules_applied = ((uint64_t)tag << 32) | (uint32_t)fd,
	};

	si.local_addr.s6_addr[15] = 1;
	si.remote_addr.s6_addr[0] = (uint8_t)tag;
	return si;
}

static void expect_info(int fd, int tag)
{
	struct sockinfo want = info_for(fd, tag), got;

	memset(&got, 0, sizeof(got));
	ck_assert_msg(fdtab_get(fd, &got), "fd %d not known", fd);
	ck_assert_msg(memcmp(&want, &got, sizeof(got)) == 0,
		      "fd %d: wrong facts", fd);
}

static bool known(int fd)
{
	struct sockinfo si;

	return fdtab_get(fd, &si);
}

START_TEST(test_set_get_clear)
{
	struct sockinfo si = info_for(5, 1), got;

	ck_assert(!known(5));
	fdtab_set(5, &si);
	expect_info(5, 1);
	ck_assert(!known(4));
	ck_assert(!known(6));
	si = info_for(5, 2);
	fdtab_set(5, &si);		/* overwrite */
	expect_info(5, 2);
	fdtab_clear(5);
	ck_assert(!fdtab_get(5, &got));
	fdtab_clear(5);			/* twice is harmless */
	fdtab_clear(77);		/* never known */
	ck_assert(!known(5));
	si = info_for(0, 3);
	fdtab_set(0, &si);
	expect_info(0, 3);
}
END_TEST

START_TEST(test_copy)
{
	struct sockinfo si = info_for(5, 1), other = info_for(9, 7);

	fdtab_set(5, &si);
	fdtab_copy(5, 9);
	ck_assert(known(9));
	/* The copy has the old fd's facts, byte for byte. */
	{
		struct sockinfo a, b;

		ck_assert(fdtab_get(5, &a));
		ck_assert(fdtab_get(9, &b));
		ck_assert_mem_eq(&a, &b, sizeof(a));
	}
	fdtab_clear(5);
	ck_assert(known(9));
	/* Copying an unknown fd over a known one forgets it. */
	fdtab_set(9, &other);
	fdtab_copy(11, 9);
	ck_assert(!known(9));
	/* Far away, into a chunk not yet mapped. */
	fdtab_set(5, &si);
	fdtab_copy(5, 70000);
	ck_assert(known(70000));
	fdtab_copy(5, -1);
	fdtab_copy(-1, 5);
	ck_assert(!known(5));
}
END_TEST

START_TEST(test_clear_range_count)
{
	const int fds[] = { 3, 4, 5, 255, 256, 300, 1000, 70000 };
	struct sockinfo si;

	for (size_t i = 0; i < sizeof(fds) / sizeof(*fds); i++) {
		si = info_for(fds[i], 1);
		fdtab_set(fds[i], &si);
	}
	/* 4, 5, 255, 256 and 300: five known sockets in [4, 300]. */
	ck_assert_uint_eq(fdtab_clear_range(4, 300), 5);
	ck_assert(known(3));
	ck_assert(!known(4));
	ck_assert(!known(256));
	ck_assert(!known(300));
	expect_info(1000, 1);
	expect_info(70000, 1);
	ck_assert_uint_eq(fdtab_clear_range(4, 300), 0);
	ck_assert_uint_eq(fdtab_clear_range(301, 999), 0);
	ck_assert(known(1000));
	ck_assert_uint_eq(fdtab_clear_range(1000, 1000), 1);
	ck_assert_uint_eq(fdtab_clear_range(10, 5), 0);	/* empty range */
	ck_assert(known(3));
	ck_assert(known(70000));
	ck_assert_uint_eq(fdtab_clear_range(0, UINT_MAX), 2);
	ck_assert(!known(3));
	ck_assert(!known(70000));
}
END_TEST

START_TEST(test_clear_range_edges)
{
	struct sockinfo si = info_for(FDTAB_MAX_FD - 1, 1);

	fdtab_set(FDTAB_MAX_FD - 1, &si);
	expect_info(FDTAB_MAX_FD - 1, 1);
	ck_assert_uint_eq(fdtab_clear_range(FDTAB_MAX_FD, UINT_MAX), 0);
	ck_assert(known(FDTAB_MAX_FD - 1));
	ck_assert_uint_eq(fdtab_clear_range(UINT_MAX, UINT_MAX), 0);
	ck_assert_uint_eq(fdtab_clear_range(FDTAB_MAX_FD - 1, UINT_MAX), 1);
	ck_assert(!known(FDTAB_MAX_FD - 1));
}
END_TEST

START_TEST(test_clear_range_sparse)
{
	struct sockinfo si = info_for(3, 1), out;
	size_t mapped;

	fdtab_set(3, &si);
	fdtab_set(500000, &si);
	mapped = fdtab_mapped_bytes();
	/*
	 * close_range(3, ~0U) is what many programs do before exec: it
	 * must walk the chunks in use, never map the others (which a walk
	 * over every fd would). What it costs is for bench/, not here.
	 */
	ck_assert_uint_eq(fdtab_clear_range(3, UINT_MAX), 2);
	ck_assert_uint_eq(fdtab_mapped_bytes(), mapped);
	ck_assert(!fdtab_get(3, &out));
	ck_assert(!fdtab_get(500000, &out));
	ck_assert_uint_eq(fdtab_clear_range(3, UINT_MAX), 0);
}
END_TEST

START_TEST(test_mapped_by_chunk)
{
	size_t base = fdtab_mapped_bytes(), chunk;
	struct sockinfo si = info_for(1, 1);

	fdtab_set(200000, &si);
	chunk = fdtab_mapped_bytes() - base;
	ck_assert_uint_ge(chunk, FDTAB_CHUNK * sizeof(struct sockinfo));
	ck_assert_uint_lt(chunk, 4 * FDTAB_CHUNK * sizeof(struct sockinfo) +
					 4096);
	/* The same chunk: nothing more. */
	fdtab_set(200001, &si);
	fdtab_set(200000 / FDTAB_CHUNK * FDTAB_CHUNK, &si);
	ck_assert_uint_eq(fdtab_mapped_bytes() - base, chunk);
	/* Reads and clears never map. */
	ck_assert(!known(600000));
	fdtab_clear(700000);
	fdtab_clear_range(800000, 900000);
	ck_assert_uint_eq(fdtab_mapped_bytes() - base, chunk);
	/* Two far fds: one chunk each, not the span between them. */
	fdtab_set(400000, &si);
	fdtab_set(950000, &si);
	ck_assert_uint_eq(fdtab_mapped_bytes() - base, 3 * chunk);
	ck_assert(known(200000));
}
END_TEST

START_TEST(test_out_of_range)
{
	size_t base = fdtab_mapped_bytes();
	struct sockinfo si = info_for(1, 1);
	const int bad[] = { -1, -1000, INT_MIN, FDTAB_MAX_FD,
			    FDTAB_MAX_FD + 1, INT_MAX };

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		fdtab_set(bad[i], &si);
		ck_assert_msg(!known(bad[i]), "fd %d known", bad[i]);
		fdtab_clear(bad[i]);
		fdtab_copy(bad[i], bad[i]);
	}
	ck_assert_uint_eq(fdtab_mapped_bytes(), base);
}
END_TEST

/* ---- threads: each hammers its own fds, sharing chunks ---- */

#define THREADS 4
#define PER_THREAD 200
#define ROUNDS 300

static pthread_barrier_t start;

/* Interleaved so that threads race on the same chunks. */
static int thread_fd(int t, int i)
{
	return 10 + i * THREADS + t;
}

static void *hammer(void *arg)
{
	int t = (int)(intptr_t)arg;
	long bad = 0;

	pthread_barrier_wait(&start);
	for (int round = 0; round < ROUNDS; round++) {
		for (int i = 0; i < PER_THREAD; i++) {
			int fd = thread_fd(t, i);
			struct sockinfo si = info_for(fd, t + 1), got;

			fdtab_set(fd, &si);
			if (!fdtab_get(fd, &got) || memcmp(&si, &got, sizeof(si)))
				bad++;
			if ((i + round) % 3 == 0) {
				fdtab_clear(fd);
				if (fdtab_get(fd, &got))
					bad++;
			}
		}
	}
	/* End state: every third fd cleared, the others set. */
	for (int i = 0; i < PER_THREAD; i++) {
		int fd = thread_fd(t, i);
		struct sockinfo si = info_for(fd, t + 1);

		if (i % 2)
			fdtab_set(fd, &si);
		else
			fdtab_clear(fd);
	}
	return (void *)bad;
}

START_TEST(test_threads)
{
	pthread_t th[THREADS];
	size_t set = 0;

	pthread_barrier_init(&start, NULL, THREADS);
	for (int t = 0; t < THREADS; t++)
		ck_assert_int_eq(pthread_create(&th[t], NULL, hammer,
						(void *)(intptr_t)t), 0);
	for (int t = 0; t < THREADS; t++) {
		void *bad;

		ck_assert_int_eq(pthread_join(th[t], &bad), 0);
		ck_assert_msg(bad == NULL, "thread %d saw %ld inconsistencies",
			      t, (long)(intptr_t)bad);
	}
	pthread_barrier_destroy(&start);
	for (int t = 0; t < THREADS; t++)
		for (int i = 0; i < PER_THREAD; i++) {
			int fd = thread_fd(t, i);

			if (i % 2) {
				expect_info(fd, t + 1);
				set++;
			} else {
				ck_assert(!known(fd));
			}
		}
	ck_assert_uint_eq(fdtab_clear_range(0, UINT_MAX), set);
}
END_TEST

/* Tests run in their own process, but not under CK_FORK=no. */
static void forget_all(void)
{
	fdtab_clear_range(0, UINT_MAX);
}

static Suite *fdtab_suite(void)
{
	Suite *s = suite_create("fdtab");
	TCase *tc = tcase_create("basics");

	tcase_add_checked_fixture(tc, forget_all, NULL);
	tcase_add_test(tc, test_set_get_clear);
	tcase_add_test(tc, test_copy);
	tcase_add_test(tc, test_clear_range_count);
	tcase_add_test(tc, test_clear_range_edges);
	tcase_add_test(tc, test_clear_range_sparse);
	tcase_add_test(tc, test_mapped_by_chunk);
	tcase_add_test(tc, test_out_of_range);
	suite_add_tcase(s, tc);
	tc = tcase_create("threads");
	tcase_add_checked_fixture(tc, forget_all, NULL);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fdtab_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
