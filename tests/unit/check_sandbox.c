// SPDX-License-Identifier: MIT
/* check_sandbox — seccomp filters judged as the kernel would run them. */
#include "build-config.h"

#include <check.h>
#include <stddef.h>
#include <stdlib.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

#include "sandbox.h"

#define LOAD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, \
			 offsetof(struct seccomp_data, nr))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
/* if nr == n: return v; else fall through */
#define ON(n, v) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (n), 0, 1), RET(v)

#define BIT(k) (1U << (k))

static unsigned int judge(struct sock_filter *f, size_t n, int fd)
{
	struct sock_fprog p = { .len = (unsigned short)n, .filter = f };

	return sandbox_judge(&p, fd);
}

START_TEST(allow_all)
{
	struct sock_filter f[] = { RET(SECCOMP_RET_ALLOW) };

	ck_assert_uint_eq(judge(f, 1, 5), BIT(SBX_KINDS) - 1);
}
END_TEST

START_TEST(kill_all)
{
	struct sock_filter f[] = { RET(SECCOMP_RET_KILL_PROCESS) };

	ck_assert_uint_eq(judge(f, 1, 5), 0);
}
END_TEST

/* sshd's shape: a list of allowed calls, everything else killed. */
START_TEST(allow_list)
{
	struct sock_filter f[] = {
		LOAD_NR,
		ON(SYS_write, SECCOMP_RET_ALLOW),
		ON(SYS_getsockopt, SECCOMP_RET_ERRNO | 13),
		ON(SYS_clock_gettime, SECCOMP_RET_LOG),
		RET(SECCOMP_RET_KILL_PROCESS),
	};
	unsigned int got = judge(f, sizeof(f) / sizeof(f[0]), 5);

	ck_assert_uint_eq(got, BIT(SBX_WRITE) | BIT(SBX_CLOCK));
	ck_assert(!(got & BIT(SBX_FILES)));
	ck_assert(!(got & BIT(SBX_GETSOCKOPT)));	/* errno: not for us */
}
END_TEST

/* Reading the program's buffers is judged by the call that does it:
 * process_vm_readv, or madvise under a filter inherited from the parent. */
START_TEST(read_memory_by_its_call)
{
	struct sock_filter f[] = {
		LOAD_NR,
		ON(SYS_madvise, SECCOMP_RET_KILL_PROCESS),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_filter g[] = {
		LOAD_NR,
		ON(SYS_process_vm_readv, SECCOMP_RET_KILL_PROCESS),
		RET(SECCOMP_RET_ALLOW),
	};

	ck_assert(judge(f, sizeof(f) / sizeof(f[0]), 5) & BIT(SBX_READMEM));
	ck_assert(!(judge(g, sizeof(g) / sizeof(g[0]), 5) & BIT(SBX_READMEM)));
	atomic_store(&sandbox_blind, true);
	ck_assert(!(judge(f, sizeof(f) / sizeof(f[0]), 5) & BIT(SBX_READMEM)));
	ck_assert(judge(g, sizeof(g) / sizeof(g[0]), 5) & BIT(SBX_READMEM));
	atomic_store(&sandbox_blind, false);
}
END_TEST

/* write allowed only to stderr: our descriptor is not. */
START_TEST(arguments_count)
{
	struct sock_filter f[] = {
		LOAD_NR,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_write, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1),
		RET(SECCOMP_RET_ALLOW),
		RET(SECCOMP_RET_KILL_PROCESS),
	};

	ck_assert_uint_eq(judge(f, sizeof(f) / sizeof(f[0]), 1000), 0);
	ck_assert_uint_eq(judge(f, sizeof(f) / sizeof(f[0]), 2),
			  BIT(SBX_WRITE));
}
END_TEST

/* A filter that checks the architecture first, as every real one does. */
START_TEST(architecture_checked)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xdeadbeef, 1, 0),
		RET(SECCOMP_RET_ALLOW),
		RET(SECCOMP_RET_KILL_PROCESS),
	};

	ck_assert_uint_eq(judge(f, 4, 3), BIT(SBX_KINDS) - 1);
}
END_TEST

/* Arithmetic, scratch memory and X: nr & ~0 via mem[0] and X. */
START_TEST(alu_and_scratch)
{
	struct sock_filter f[] = {
		LOAD_NR,
		BPF_STMT(BPF_ST, 0),
		BPF_STMT(BPF_LDX | BPF_MEM, 0),
		BPF_STMT(BPF_MISC | BPF_TXA, 0),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_write + 1, 0, 1),
		RET(SECCOMP_RET_ALLOW),
		RET(SECCOMP_RET_TRAP),
	};

	ck_assert_uint_eq(judge(f, sizeof(f) / sizeof(f[0]), 3),
			  BIT(SBX_WRITE));
}
END_TEST

/* What we cannot run, we do not trust. */
START_TEST(malformed)
{
	struct sock_filter off_end[] = { LOAD_NR };
	struct sock_filter bad_load[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),	/* unaligned */
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_filter bad_jump[] = {
		BPF_STMT(BPF_JMP | BPF_JA, 7),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_filter div0[] = {
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0),
		RET(SECCOMP_RET_ALLOW),
	};

	ck_assert_uint_eq(judge(off_end, 1, 3), 0);
	ck_assert_uint_eq(judge(bad_load, 2, 3), 0);
	ck_assert_uint_eq(judge(bad_jump, 2, 3), 0);
	ck_assert_uint_eq(judge(div0, 2, 3), 0);
	ck_assert_uint_eq(sandbox_judge(NULL, 3), 0);
}
END_TEST

START_TEST(enter_only_narrows)
{
	ck_assert(!sandbox_entered());
	sandbox_enter(BIT(SBX_WRITE) | BIT(SBX_SEND));
	ck_assert(sandbox_entered());
	ck_assert(sandbox_allows(SBX_WRITE));
	ck_assert(!sandbox_allows(SBX_FILES));
	sandbox_enter(BIT(SBX_KINDS) - 1);	/* a later, wider filter */
	ck_assert(!sandbox_allows(SBX_FILES));
	sandbox_enter(BIT(SBX_SEND));
	ck_assert(!sandbox_allows(SBX_WRITE));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("judge");

	tcase_add_test(tc, allow_all);
	tcase_add_test(tc, kill_all);
	tcase_add_test(tc, allow_list);
	tcase_add_test(tc, arguments_count);
	tcase_add_test(tc, read_memory_by_its_call);
	tcase_add_test(tc, architecture_checked);
	tcase_add_test(tc, alu_and_scratch);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, enter_only_narrows);
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
