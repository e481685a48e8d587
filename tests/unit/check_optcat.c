// SPDX-License-Identifier: MIT
/* check_optcat — the option catalogue and option values. */
#include "build-config.h"

#include <check.h>
#include <ctype.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "optcat.h"

static const struct optcat_entry *entry(const char *name)
{
	int i = optcat_find_name(name);

	ck_assert_msg(i >= 0, "%s is not in the catalogue", name);
	return &optcat_table[i];
}

/* ---- the table ---- */

START_TEST(test_table_size)
{
	ck_assert_uint_ge(optcat_count, 60);
}
END_TEST

START_TEST(test_no_duplicates)
{
	for (size_t i = 0; i < optcat_count; i++)
		for (size_t j = i + 1; j < optcat_count; j++) {
			const struct optcat_entry *a = &optcat_table[i];
			const struct optcat_entry *b = &optcat_table[j];

			ck_assert_msg(a->level != b->level ||
					      a->optname != b->optname,
				      "%s and %s share (%d, %d)", a->name,
				      b->name, a->level, a->optname);
			/*
			 * The protocol-independent MCAST_* options exist at
			 * both IP levels; any other name is unique.
			 */
			if (strcasecmp(a->name, b->name) == 0)
				ck_assert_msg(strncmp(a->name, "MCAST_", 6) == 0 &&
						      a->level == IPPROTO_IP &&
						      b->level == IPPROTO_IPV6,
					      "%s named twice", a->name);
		}
}
END_TEST

/* The name says the level: SO_ is SOL_SOCKET, TCP_ is IPPROTO_TCP, ... */
static bool prefix_fits(const struct optcat_entry *e)
{
	const char *n = e->name;

	switch (e->level) {
	case SOL_SOCKET:
		return strncmp(n, "SO_", 3) == 0;
	case IPPROTO_IP:
		return strncmp(n, "IP_", 3) == 0 || strncmp(n, "MCAST_", 6) == 0;
	case IPPROTO_IPV6:
		return strncmp(n, "IPV6_", 5) == 0 ||
		       strncmp(n, "MCAST_", 6) == 0;
	case IPPROTO_TCP:
		return strncmp(n, "TCP_", 4) == 0;
	default:
		return false;
	}
}

START_TEST(test_entries_described)
{
	for (size_t i = 0; i < optcat_count; i++) {
		const struct optcat_entry *e = &optcat_table[i];

		/* The texts live in the entry: each must end inside it (a
		 * literal exactly as long as the array would lose its NUL). */
		ck_assert_msg(memchr(e->name, '\0', sizeof(e->name)),
			      "entry %zu: name too long for the entry", i);
		ck_assert_msg(memchr(e->desc, '\0', sizeof(e->desc)),
			      "%s: description too long for the entry", e->name);
		ck_assert_msg(memchr(e->level_name, '\0', sizeof(e->level_name)),
			      "%s: level name too long for the entry", e->name);
		ck_assert_msg(e->name[0], "entry %zu has no name", i);
		ck_assert_msg(strlen(e->desc) > 10, "%s has no description",
			      e->name);
		ck_assert_msg(e->level_name[0], "%s has no level name", e->name);
		ck_assert_ptr_nonnull(optcat_level_name(e->level));
		ck_assert_str_eq(e->level_name, optcat_level_name(e->level));
		ck_assert_msg(prefix_fits(e), "%s at level %s", e->name,
			      e->level_name);
		ck_assert_str_ne(optcat_type_name(e->type), "?");
		ck_assert_str_ne(optcat_access_name(e->access), "?");
		ck_assert_str_ne(optcat_scope_name(e->scope), "?");
		ck_assert_msg(e->lo <= e->hi, "%s: lo %lld > hi %lld",
			      e->name, e->lo, e->hi);
		if (e->type == OT_BOOL)
			ck_assert_msg(e->lo == 0 && e->hi == 1, "%s", e->name);
		if (e->type == OT_STRING)
			ck_assert_msg(e->hi > 0 && e->hi <= OPTVAL_STR_MAX,
				      "%s", e->name);
	}
}
END_TEST

START_TEST(test_known_numbers)
{
	ck_assert_int_eq(entry("SO_REUSEADDR")->level, SOL_SOCKET);
	ck_assert_int_eq(entry("SO_REUSEADDR")->optname, SO_REUSEADDR);
	ck_assert_int_eq(entry("TCP_NODELAY")->level, IPPROTO_TCP);
	ck_assert_int_eq(entry("TCP_NODELAY")->optname, TCP_NODELAY);
	ck_assert_int_eq(entry("IP_TTL")->level, IPPROTO_IP);
	ck_assert_int_eq(entry("IP_TTL")->optname, IP_TTL);
	ck_assert_int_eq(entry("IPV6_V6ONLY")->level, IPPROTO_IPV6);
	ck_assert_int_eq(entry("IPV6_V6ONLY")->optname, IPV6_V6ONLY);
	ck_assert_int_eq(entry("SO_LINGER")->type, OT_LINGER);
	ck_assert_int_eq(entry("SO_RCVTIMEO")->type, OT_TIMEVAL);
	ck_assert_int_eq(entry("SO_SNDTIMEO")->type, OT_TIMEVAL);
	ck_assert_int_eq(entry("SO_BINDTODEVICE")->type, OT_STRING);
	ck_assert_int_eq(entry("SO_BINDTODEVICE")->hi, 15);
	ck_assert_int_eq(entry("SO_TYPE")->access, OA_GET);
	ck_assert_int_eq(entry("IP_ADD_MEMBERSHIP")->type, OT_OPAQUE);
	ck_assert_int_eq(entry("IP_TTL")->lo, 1);
	ck_assert_int_eq(entry("IP_TTL")->hi, 255);
}
END_TEST

/* ---- lookups ---- */

START_TEST(test_lookup_agrees)
{
	for (size_t i = 0; i < optcat_count; i++) {
		const struct optcat_entry *e = &optcat_table[i];
		char lower[64];
		int want = (int)i;
		size_t n;

		/* A name shared by two levels finds the IPPROTO_IP one. */
		if (e->level == IPPROTO_IPV6 && strncmp(e->name, "MCAST_", 6) == 0)
			want = optcat_find(IPPROTO_IP, e->optname);
		ck_assert_int_ge(want, 0);
		ck_assert_int_eq(optcat_find(e->level, e->optname), (int)i);
		ck_assert_int_eq(optcat_find_name(e->name), want);
		n = strlen(e->name);
		ck_assert_uint_lt(n, sizeof(lower));
		for (size_t k = 0; k <= n; k++)
			lower[k] = (char)tolower((unsigned char)e->name[k]);
		ck_assert_int_eq(optcat_find_name(lower), want);
	}
}
END_TEST

START_TEST(test_lookup_misses)
{
	ck_assert_int_eq(optcat_find_name("SO_BOGUS"), -1);
	ck_assert_int_eq(optcat_find_name(""), -1);
	ck_assert_int_eq(optcat_find_name("SO_REUSEADDR "), -1);
	ck_assert_int_eq(optcat_find(SOL_SOCKET, 9999), -1);
	ck_assert_int_eq(optcat_find(SOL_SOCKET, -1), -1);
	ck_assert_int_eq(optcat_find(12345, SO_REUSEADDR), -1);
	ck_assert_int_eq(optcat_find(IPPROTO_UDP, 1), -1);
	/* The same number at another level is another option. */
	ck_assert_int_ne(optcat_find(IPPROTO_TCP, TCP_NODELAY),
			 optcat_find(SOL_SOCKET, TCP_NODELAY));
	ck_assert_int_eq(optcat_find(IPPROTO_IP, IP_TTL),
			 optcat_find_name("ip_ttl"));
}
END_TEST

START_TEST(test_level_names)
{
	ck_assert_str_eq(optcat_level_name(SOL_SOCKET), "SOL_SOCKET");
	ck_assert_str_eq(optcat_level_name(IPPROTO_TCP), "IPPROTO_TCP");
	ck_assert_str_eq(optcat_level_name(IPPROTO_IPV6), "IPPROTO_IPV6");
	ck_assert_ptr_null(optcat_level_name(4242));
	ck_assert_str_eq(optcat_type_name(OT_TIMEVAL), "timeval");
	ck_assert_str_eq(optcat_type_name((enum optcat_type)99), "?");
	ck_assert_str_eq(optcat_access_name(OA_GET), "get");
	ck_assert_str_eq(optcat_scope_name(OS_TCP), "tcp");
	ck_assert_str_eq(optcat_scope_name((enum optcat_scope)99), "?");
}
END_TEST

/* ---- which sockets an option fits ---- */

static bool fits(const char *name, int family, int type, int proto)
{
	return optcat_fits(entry(name), family, type, proto);
}

START_TEST(test_fits_tcp)
{
	ck_assert(fits("TCP_NODELAY", AF_INET, SOCK_STREAM, 0));
	ck_assert(fits("TCP_NODELAY", AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ck_assert(fits("TCP_NODELAY", AF_INET6, SOCK_STREAM, 0));
	ck_assert(fits("TCP_NODELAY", AF_INET6, SOCK_STREAM, IPPROTO_TCP));
	ck_assert(!fits("TCP_NODELAY", AF_INET, SOCK_DGRAM, 0));
	ck_assert(!fits("TCP_NODELAY", AF_INET6, SOCK_DGRAM, IPPROTO_UDP));
	ck_assert(!fits("TCP_NODELAY", AF_INET, SOCK_STREAM, IPPROTO_SCTP));
	ck_assert(!fits("TCP_NODELAY", AF_UNIX, SOCK_STREAM, 0));
	ck_assert(!fits("TCP_KEEPIDLE", AF_UNIX, SOCK_STREAM, 0));
	ck_assert(!fits("TCP_KEEPCNT", AF_INET, SOCK_DGRAM, 0));
	ck_assert(!fits("TCP_NODELAY", AF_INET, SOCK_RAW, IPPROTO_TCP));
}
END_TEST

START_TEST(test_fits_socket_level)
{
	ck_assert(fits("SO_REUSEADDR", AF_INET, SOCK_STREAM, 0));
	ck_assert(fits("SO_REUSEADDR", AF_INET6, SOCK_DGRAM, 0));
	ck_assert(!fits("SO_REUSEADDR", AF_UNIX, SOCK_STREAM, 0));
	ck_assert(!fits("SO_REUSEADDR", AF_UNIX, SOCK_DGRAM, 0));
	ck_assert(fits("SO_RCVBUF", AF_UNIX, SOCK_STREAM, 0));
	ck_assert(fits("SO_RCVBUF", AF_UNIX, SOCK_DGRAM, 0));
	ck_assert(fits("SO_RCVBUF", AF_INET, SOCK_DGRAM, 0));
	ck_assert(fits("SO_PASSCRED", AF_UNIX, SOCK_STREAM, 0));
	ck_assert(!fits("SO_PASSCRED", AF_INET, SOCK_STREAM, 0));
	ck_assert(fits("SO_BROADCAST", AF_INET, SOCK_DGRAM, 0));
	ck_assert(!fits("SO_BROADCAST", AF_INET, SOCK_STREAM, 0));
	ck_assert(fits("SO_LINGER", AF_INET6, SOCK_STREAM, 0));
	ck_assert(!fits("SO_LINGER", AF_INET, SOCK_DGRAM, 0));
}
END_TEST

START_TEST(test_fits_ip_levels)
{
	ck_assert(fits("IP_TTL", AF_INET, SOCK_STREAM, 0));
	ck_assert(fits("IP_TTL", AF_INET, SOCK_DGRAM, 0));
	ck_assert(!fits("IP_TTL", AF_UNIX, SOCK_DGRAM, 0));
	ck_assert(fits("IPV6_V6ONLY", AF_INET6, SOCK_STREAM, 0));
	ck_assert(!fits("IPV6_V6ONLY", AF_INET, SOCK_STREAM, 0));
	ck_assert(fits("SO_NO_CHECK", AF_INET, SOCK_DGRAM, IPPROTO_UDP));
	ck_assert(fits("SO_NO_CHECK", AF_INET, SOCK_DGRAM, 0));
	ck_assert(!fits("SO_NO_CHECK", AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
	ck_assert(!fits("SO_NO_CHECK", AF_INET, SOCK_STREAM, 0));
}
END_TEST

/* ---- values ---- */

START_TEST(test_value_sizes)
{
	ck_assert_uint_eq(optcat_value_size(OT_BOOL), sizeof(int));
	ck_assert_uint_eq(optcat_value_size(OT_INT), sizeof(int));
	ck_assert_uint_eq(optcat_value_size(OT_LINGER), sizeof(struct linger));
	ck_assert_uint_eq(optcat_value_size(OT_TIMEVAL),
			  sizeof(struct timeval));
	ck_assert_uint_eq(optcat_value_size(OT_STRING), 0);
	ck_assert_uint_eq(optcat_value_size(OT_OPAQUE), 0);
}
END_TEST

/* Decode raw bytes, encode the result, and expect the same bytes back. */
static void round_trip(enum optcat_type t, const void *raw, socklen_t len,
		       socklen_t want_len)
{
	struct optval v, w;
	const void *buf = NULL;
	socklen_t n;

	ck_assert(optval_decode(t, raw, len, &v));
	ck_assert_int_eq(v.type, t);
	ck_assert_uint_eq(v.len, len);
	n = optval_encode(&v, &buf);
	ck_assert_uint_eq(n, want_len);
	ck_assert_ptr_nonnull(buf);
	ck_assert_mem_eq(buf, raw, n);
	ck_assert(optval_decode(t, buf, n, &w));
	ck_assert(optval_equal(&v, &w));
}

START_TEST(test_round_trip_int)
{
	int i = 42, neg = -7;

	round_trip(OT_INT, &i, sizeof(i), sizeof(i));
	round_trip(OT_INT, &neg, sizeof(neg), sizeof(neg));
	round_trip(OT_BOOL, &i, sizeof(i), sizeof(i));
}
END_TEST

START_TEST(test_round_trip_linger)
{
	struct linger l = { .l_onoff = 1, .l_linger = 7 };

	round_trip(OT_LINGER, &l, sizeof(l), sizeof(l));
}
END_TEST

START_TEST(test_round_trip_timeval)
{
	struct timeval tv = { .tv_sec = 3, .tv_usec = 250000 };

	round_trip(OT_TIMEVAL, &tv, sizeof(tv), sizeof(tv));
}
END_TEST

START_TEST(test_round_trip_string)
{
	struct optval v;
	const void *buf;

	round_trip(OT_STRING, "eth0", 4, 4);
	/* With the NUL counted in the length the name is the same. */
	ck_assert(optval_decode(OT_STRING, "eth0", 5, &v));
	ck_assert_str_eq(v.s, "eth0");
	ck_assert_uint_eq(optval_encode(&v, &buf), 4);
	/* Longer than we keep: truncated, still terminated. */
	char big[100];

	memset(big, 'x', sizeof(big));
	ck_assert(optval_decode(OT_STRING, big, sizeof(big), &v));
	ck_assert_uint_eq(strlen(v.s), OPTVAL_STR_MAX);
}
END_TEST

START_TEST(test_round_trip_opaque)
{
	unsigned char raw[24];
	struct optval v;
	const void *buf;

	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)(i * 11 + 1);
	round_trip(OT_OPAQUE, raw, 8, 8);
	/* Only a prefix is kept, but the length is the real one. */
	ck_assert(optval_decode(OT_OPAQUE, raw, sizeof(raw), &v));
	ck_assert_uint_eq(v.len, sizeof(raw));
	ck_assert_mem_eq(v.raw, raw, OPTVAL_RAW_MAX);
	ck_assert_uint_eq(optval_encode(&v, &buf), OPTVAL_RAW_MAX);
}
END_TEST

START_TEST(test_decode_one_byte_int)
{
	unsigned char b = 200;
	struct optval v;

	/* IPPROTO_IP options such as IP_TOS accept a single byte. */
	ck_assert(optval_decode(OT_INT, &b, 1, &v));
	ck_assert_int_eq(v.i, 200);
	ck_assert_uint_eq(v.len, 1);
}
END_TEST

START_TEST(test_decode_short)
{
	char zero[sizeof(struct timeval)] = { 0 };
	struct optval v;

	ck_assert(!optval_decode(OT_INT, zero, 0, &v));
	ck_assert(!optval_decode(OT_INT, zero, 2, &v));
	ck_assert(!optval_decode(OT_BOOL, zero, 3, &v));
	ck_assert(!optval_decode(OT_LINGER, zero, sizeof(struct linger) - 1,
				 &v));
	ck_assert(!optval_decode(OT_LINGER, zero, 0, &v));
	ck_assert(!optval_decode(OT_TIMEVAL, zero,
				 sizeof(struct timeval) - 1, &v));
	ck_assert(!optval_decode(OT_INT, NULL, sizeof(int), &v));
	ck_assert(!optval_decode(OT_STRING, NULL, 4, &v));
}
END_TEST

static struct optval make_int(enum optcat_type t, int i)
{
	struct optval v = { .type = t, .len = sizeof(int), .i = i };
	return v;
}

static struct optval make_linger(int on, int secs)
{
	struct optval v = { .type = OT_LINGER, .len = sizeof(struct linger) };

	v.l.l_onoff = on;
	v.l.l_linger = secs;
	return v;
}

START_TEST(test_equal)
{
	struct optval a = make_int(OT_BOOL, 1), b = make_int(OT_BOOL, 5);
	struct optval c = make_int(OT_INT, 1), d = make_int(OT_INT, 5);
	struct optval t1 = { .type = OT_TIMEVAL }, t2 = { .type = OT_TIMEVAL };
	struct optval s1 = { .type = OT_STRING }, s2 = { .type = OT_STRING };
	struct optval l1 = make_linger(0, 5), l2 = make_linger(0, 9);
	struct optval l3 = make_linger(1, 5), l4 = make_linger(1, 9);

	ck_assert(optval_equal(&a, &b));	/* both "on" */
	ck_assert(!optval_equal(&c, &d));
	ck_assert(!optval_equal(&a, &c));	/* types differ */
	ck_assert(optval_equal(&l1, &l2));	/* off: time irrelevant */
	ck_assert(!optval_equal(&l3, &l4));
	ck_assert(!optval_equal(&l1, &l3));
	t1.tv.tv_sec = t2.tv.tv_sec = 2;
	t2.tv.tv_usec = 1;
	ck_assert(!optval_equal(&t1, &t2));
	t2.tv.tv_usec = 0;
	ck_assert(optval_equal(&t1, &t2));
	strcpy(s1.s, "eth0");
	strcpy(s2.s, "eth1");
	ck_assert(!optval_equal(&s1, &s2));
	strcpy(s2.s, "eth0");
	ck_assert(optval_equal(&s1, &s2));
}
END_TEST

static Suite *optcat_suite(void)
{
	Suite *s = suite_create("optcat");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, test_table_size);
	tcase_add_test(tc, test_no_duplicates);
	tcase_add_test(tc, test_entries_described);
	tcase_add_test(tc, test_known_numbers);
	suite_add_tcase(s, tc);
	tc = tcase_create("lookup");
	tcase_add_test(tc, test_lookup_agrees);
	tcase_add_test(tc, test_lookup_misses);
	tcase_add_test(tc, test_level_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("fits");
	tcase_add_test(tc, test_fits_tcp);
	tcase_add_test(tc, test_fits_socket_level);
	tcase_add_test(tc, test_fits_ip_levels);
	suite_add_tcase(s, tc);
	tc = tcase_create("values");
	tcase_add_test(tc, test_value_sizes);
	tcase_add_test(tc, test_round_trip_int);
	tcase_add_test(tc, test_round_trip_linger);
	tcase_add_test(tc, test_round_trip_timeval);
	tcase_add_test(tc, test_round_trip_string);
	tcase_add_test(tc, test_round_trip_opaque);
	tcase_add_test(tc, test_decode_one_byte_int);
	tcase_add_test(tc, test_decode_short);
	tcase_add_test(tc, test_equal);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(optcat_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
