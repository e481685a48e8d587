// SPDX-License-Identifier: MIT
/*
 * check_supervise — the seccomp filter of `sockshim run --via seccomp`,
 * run on made-up system calls by a small classic-BPF interpreter: which
 * calls it stops, which it lets through, for policies small and large.
 */
#include "build-config.h"

#include <check.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "config.h"
#include "supervise.h"

#ifdef __x86_64__
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#endif

/* The instructions svbpf_build emits, as the kernel runs them. */
static unsigned int run(const struct sock_fprog *p, const struct seccomp_data *d)
{
	unsigned int a = 0, pc = 0;

	while (pc < p->len) {
		const struct sock_filter *f = &p->filter[pc];

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			ck_assert_uint_le(f->k + 4, sizeof(*d));
			memcpy(&a, (const char *)d + f->k, 4);
			pc++;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += 1 + (a == f->k ? f->jt : f->jf);
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += 1 + (a >= f->k ? f->jt : f->jf);
			break;
		case BPF_RET | BPF_K:
			return f->k;
		default:
			ck_abort_msg("instruction %u: code %#x", pc, f->code);
		}
	}
	ck_abort_msg("ran off the end");
	return 0;
}

static unsigned int call(const struct sock_fprog *p, unsigned int arch, int nr,
			 long a1, long a2)
{
	struct seccomp_data d = { .nr = nr, .arch = arch };

	d.args[0] = 3;
	d.args[1] = (unsigned long)a1;
	d.args[2] = (unsigned long)a2;
	return run(p, &d);
}

static void build(const char *text, bool events, struct policy *pol,
		  struct sock_fprog *p)
{
	struct sv_filter_spec spec = { .events = events };
	struct config_errors errs;

	ck_assert_int_eq(config_load_string(text, "test", pol, &errs), 0);
	ck_assert(svbpf_build(pol, &spec, p));
}

#define NOTIFY SECCOMP_RET_USER_NOTIF
#define ALLOW SECCOMP_RET_ALLOW

START_TEST(test_named_options_only)
{
#ifdef ARCH
	struct policy pol;
	struct sock_fprog p;

	build("options = { SO_LINGER = { max = 5; }; TCP_NODELAY = { force = true; };"
	      " IP_TOS = { deny = true; }; };", true, &pol, &p);
	ck_assert_uint_eq(call(&p, ARCH, SYS_setsockopt, SOL_SOCKET, SO_LINGER), NOTIFY);
	ck_assert_uint_eq(call(&p, ARCH, SYS_setsockopt, IPPROTO_TCP, TCP_NODELAY), NOTIFY);
	ck_assert_uint_eq(call(&p, ARCH, SYS_setsockopt, IPPROTO_IP, IP_TOS), NOTIFY);
	/* Same number, another level; another option of a named level. */
	ck_assert_uint_eq(call(&p, ARCH, SYS_setsockopt, IPPROTO_TCP, SO_LINGER), ALLOW);
	ck_assert_uint_eq(call(&p, ARCH, SYS_setsockopt, SOL_SOCKET, SO_RCVBUF), ALLOW);
	ck_assert_uint_eq(call(&p, ARCH, SYS_setsockopt, IPPROTO_IPV6, IP_TOS), ALLOW);
	/* The kernel reads level and optname as int: high bits don't count. */
	ck_assert_uint_eq(call(&p, ARCH, SYS_setsockopt, SOL_SOCKET | (1L << 32),
			       SO_LINGER), NOTIFY);
	ck_assert_uint_eq(call(&p, ARCH, SYS_getsockopt, SOL_SOCKET, SO_LINGER), ALLOW);
	ck_assert_uint_eq(call(&p, ARCH, SYS_bind, 0, 0), NOTIFY);
	ck_assert_uint_eq(call(&p, ARCH, SYS_connect, 0, 0), NOTIFY);
	ck_assert_uint_eq(call(&p, ARCH, SYS_listen, 0, 0), NOTIFY);
	ck_assert_uint_eq(call(&p, ARCH, SYS_accept4, 0, 0), ALLOW);
	ck_assert_uint_eq(call(&p, ARCH, SYS_socket, 0, 0), ALLOW);
	ck_assert_uint_eq(call(&p, ARCH, SYS_close, 0, 0), ALLOW);
	ck_assert_uint_eq(call(&p, ARCH, SYS_io_uring_setup, 0, 0), NOTIFY);
	ck_assert_uint_eq(call(&p, ARCH, SYS_execve, 0, 0), NOTIFY);
	/* Another architecture's calls go through untouched. */
	ck_assert_uint_eq(call(&p, ARCH ^ 1, SYS_setsockopt, SOL_SOCKET, SO_LINGER), ALLOW);
#ifdef __x86_64__
	ck_assert_uint_eq(call(&p, ARCH, SYS_setsockopt | 0x40000000, SOL_SOCKET,
			       SO_LINGER), ALLOW);
#endif
	free(p.filter);
	policy_free(&pol);
#endif
}
END_TEST

START_TEST(test_no_events)
{
#ifdef ARCH
	struct policy pol;
	struct sock_fprog p;

	build("options = { SO_LINGER = { max = 5; }; };", false, &pol, &p);
	ck_assert_uint_eq(call(&p, ARCH, SYS_bind, 0, 0), ALLOW);
	ck_assert_uint_eq(call(&p, ARCH, SYS_connect, 0, 0), ALLOW);
	ck_assert_uint_eq(call(&p, ARCH, SYS_setsockopt, SOL_SOCKET, SO_LINGER), NOTIFY);
	free(p.filter);
	policy_free(&pol);
	/* Nothing named: no setsockopt is stopped. */
	build("mode = \"trace\";", false, &pol, &p);
	ck_assert_uint_eq(call(&p, ARCH, SYS_setsockopt, SOL_SOCKET, SO_LINGER), ALLOW);
	free(p.filter);
	policy_free(&pol);
#endif
}
END_TEST

/* Every option of the catalogue named: each is stopped, jumps still fit. */
START_TEST(test_whole_catalogue)
{
#ifdef ARCH
	char *text = malloc(optcat_count * 64 + 64), *t = text;
	struct policy pol;
	struct sock_fprog p;

	t += sprintf(t, "options = {");
	for (size_t i = 0; i < optcat_count; i++)
		if (optcat_table[i].access != OA_GET && optcat_table[i].type == OT_BOOL)
			t += sprintf(t, " %s = { deny = true; };", optcat_table[i].name);
	sprintf(t, " };");
	build(text, true, &pol, &p);
	for (size_t i = 0; i < optcat_count; i++) {
		const struct optcat_entry *e = &optcat_table[i];
		unsigned int want = e->access != OA_GET && e->type == OT_BOOL ?
					    NOTIFY : ALLOW;

		/* Unnamed options of a level are allowed unless they share
		 * a number with a named one there. */
		if (want == ALLOW && optcat_find(e->level, e->optname) != (int)i)
			continue;
		ck_assert_msg(call(&p, ARCH, SYS_setsockopt, e->level, e->optname) == want,
			      "%s", e->name);
	}
	free(p.filter);
	policy_free(&pol);
	free(text);
#endif
}
END_TEST

static Suite *supervise_suite(void)
{
	Suite *s = suite_create("supervise");
	TCase *tc = tcase_create("filter");

	tcase_add_test(tc, test_named_options_only);
	tcase_add_test(tc, test_no_events);
	tcase_add_test(tc, test_whole_catalogue);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(supervise_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
