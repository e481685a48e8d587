// SPDX-License-Identifier: MIT
/* check_fdtab — per-fd socket facts. */
#include "build-config.h"

#include <check.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
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

/* ---- threads: several writers on the same slots, and readers ---- */

/*
 * Writers store, take and clear the same few slots; each store is facts
 * whose every field follows from one tag, so a copy mixing two stores
 * (a reader racing a writer, two writers interleaving their bytes) shows.
 */
#define SHARED_FDS 1
#define WRITERS 3
#define READERS 2
#define WRITER_OPS 500000
#define SHARED_ROUNDS 4

static atomic_int writers_left;
static uint32_t writer_ops;
static atomic_long torn, seen;

static struct sockinfo tagged(int fd, uint32_t tag)
{
	struct sockinfo si = {
		.family = AF_INET6, .type = SOCK_STREAM,
		.protocol = (uint16_t)tag, .role = (uint8_t)(tag % 3 + 1),
		.has_local = tag & 1, .has_remote = !(tag & 1),
		.local_port = (uint16_t)(tag >> 16),
		.remote_port = (uint16_t)~tag,
		.rules_applied = ((uint64_t)tag << 32) | (uint32_t)fd,
	};

	for (int i = 0; i < 16; i++) {
		si.local_addr.s6_addr[i] = (uint8_t)(tag >> (i % 4 * 8));
		si.remote_addr.s6_addr[i] = (uint8_t)~(tag >> (i % 4 * 8));
	}
	return si;
}

/* The facts are one store's, for this fd. */
static void judge(int fd, const struct sockinfo *got)
{
	struct sockinfo want = tagged(fd, (uint32_t)(got->rules_applied >> 32));

	atomic_fetch_add_explicit(&seen, 1, memory_order_relaxed);
	if (memcmp(&want, got, sizeof(want)) != 0)
		atomic_fetch_add_explicit(&torn, 1, memory_order_relaxed);
}

#define TAGS 64

static void *shared_writer(void *arg)
{
	uint32_t t = (uint32_t)(intptr_t)arg;
	uint32_t x = t * 2654435761u + 1;
	static __thread struct sockinfo mine[SHARED_FDS][TAGS];

	/* Made beforehand: the loop does little but race the others. */
	for (int fd = 0; fd < SHARED_FDS; fd++)
		for (uint32_t i = 0; i < TAGS; i++)
			mine[fd][i] = tagged(40 + fd, (t << 24) | (i + 1));
	pthread_barrier_wait(&start);
	for (uint32_t i = 0; i < writer_ops; i++) {
		int fd = 40 + (int)(i % SHARED_FDS);
		struct sockinfo got;

		x = x * 1103515245u + 12345u;	/* which operation: mixed */
		switch (x >> 29) {
		case 0:
			if (fdtab_take(fd, &got))
				judge(fd, &got);
			break;
		case 1:
			fdtab_clear(fd);
			break;
		default:
			fdtab_set(fd, &mine[fd - 40][i % TAGS]);
			if (fdtab_get(fd, &got))
				judge(fd, &got);
		}
	}
	atomic_fetch_sub(&writers_left, 1);
	return NULL;
}

static void *shared_reader(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&start);
	while (atomic_load(&writers_left) > 0)
		for (int fd = 40; fd < 40 + SHARED_FDS; fd++) {
			struct sockinfo got;

			if (fdtab_get(fd, &got))
				judge(fd, &got);
		}
	return NULL;
}

/*
 * Under valgrind, threads take turns on one core: the races these tests
 * look for cannot happen there, and the full counts take minutes. A
 * short run of each is still a memory check of the code.
 */
static bool under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p && strstr(p, "/vgpreload");
}

/* One round: writers and readers at once on the shared slots. */
static void shared_round(void)
{
	pthread_t th[WRITERS + READERS];

	atomic_store(&writers_left, WRITERS);
	pthread_barrier_init(&start, NULL, WRITERS + READERS);
	for (int t = 0; t < WRITERS + READERS; t++)
		ck_assert_int_eq(pthread_create(&th[t], NULL,
						t < WRITERS ? shared_writer :
							      shared_reader,
						(void *)(intptr_t)(t + 1)),
				 0);
	for (int t = 0; t < WRITERS + READERS; t++)
		ck_assert_int_eq(pthread_join(th[t], NULL), 0);
	pthread_barrier_destroy(&start);
}

START_TEST(test_shared_slots)
{
	atomic_store(&torn, 0);
	atomic_store(&seen, 0);
	/* How often two threads overlap depends on the machine's load:
	 * rounds until a mixed copy shows, or enough of them. */
	writer_ops = under_valgrind() ? WRITER_OPS / 100 : WRITER_OPS;
	for (int round = 0, rounds = under_valgrind() ? 1 : SHARED_ROUNDS;
	     round < rounds && !atomic_load(&torn); round++)
		shared_round();
	/* What is left in each slot is one store's facts, or nothing. */
	for (int fd = 40; fd < 40 + SHARED_FDS; fd++) {
		struct sockinfo got;

		if (fdtab_get(fd, &got))
			judge(fd, &got);
	}
	ck_assert_msg(atomic_load(&torn) == 0,
		      "%ld of %ld copies mixed two stores", atomic_load(&torn),
		      atomic_load(&seen));
	ck_assert_int_gt(atomic_load(&seen), 0);
}
END_TEST

/* ---- a signal handler storing into the slot its thread is storing to ---- */

#define SIGNALS 600

static pthread_t victim;
static atomic_bool victim_done;
static atomic_long handled;

static void on_signal(int sig)
{
	static const uint32_t tag = 0xabcdefu;
	struct sockinfo si = tagged(50, tag), got;

	(void)sig;
	fdtab_set(50, &si);
	if (fdtab_get(50, &got))
		judge(50, &got);
	atomic_fetch_add(&handled, 1);
}

static long signals;

static void *interrupter(void *arg)
{
	(void)arg;
	for (long sent = 0; sent < signals && !atomic_load(&victim_done);
	     sent++) {
		long before = atomic_load(&handled);

		pthread_kill(victim, SIGUSR1);
		while (atomic_load(&handled) == before &&
		       !atomic_load(&victim_done))
			sched_yield();
	}
	return NULL;
}

START_TEST(test_signal_mid_store)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct sockinfo mine[TAGS], got;
	pthread_t th;

	atomic_store(&torn, 0);
	atomic_store(&seen, 0);
	atomic_store(&handled, 0);
	atomic_store(&victim_done, false);
	for (uint32_t i = 0; i < TAGS; i++)
		mine[i] = tagged(50, i + 1);
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGUSR1, &sa, NULL), 0);
	victim = pthread_self();
	signals = under_valgrind() ? 5 : SIGNALS;
	ck_assert_int_eq(pthread_create(&th, NULL, interrupter, NULL), 0);
	while (atomic_load(&handled) < signals)
		for (uint32_t i = 0; i < TAGS; i++) {
			fdtab_set(50, &mine[i]);
			/* Mine, the handler's, or nothing. */
			if (fdtab_get(50, &got) &&
			    memcmp(&got, &mine[i], sizeof(got)) != 0)
				judge(50, &got);
		}
	atomic_store(&victim_done, true);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_msg(atomic_load(&torn) == 0,
		      "%ld of %ld copies mixed two stores", atomic_load(&torn),
		      atomic_load(&seen));
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
	tcase_add_test(tc, test_shared_slots);
	tcase_add_test(tc, test_signal_mid_store);
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
