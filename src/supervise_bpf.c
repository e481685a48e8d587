// SPDX-License-Identifier: MIT
/*
 * supervise_bpf — the seccomp filter of `sockshim run --via seccomp`.
 *
 * Shape, all jumps short (no jump spans more than one level's options):
 *
 *   arch other than ours            -> allow
 *   (x86_64) an x32 system call     -> allow
 *   bind, connect, listen (events)  -> notify
 *   io_uring_setup, execve(at)      -> notify
 *   not setsockopt                  -> allow
 *   for each level L the policy names:
 *     level == L: optname one of L's named options -> notify, else allow
 *   -> allow
 *
 * Only the low 32 bits of level and optname are compared: the kernel
 * reads them as int.
 */
#include "build-config.h"

#include <endian.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

#include "optcat.h"
#include "supervise.h"

#if defined(__x86_64__)
#define SV_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SV_ARCH AUDIT_ARCH_AARCH64
#endif

#if __BYTE_ORDER == __LITTLE_ENDIAN
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#else
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#endif

#define MAX_INSNS 1024

struct prog {
	struct sock_filter *f;
	unsigned int n;
	bool overflow;
};

static void emit(struct prog *p, unsigned short code, unsigned char jt,
		 unsigned char jf, unsigned int k)
{
	if (p->n >= MAX_INSNS) {
		p->overflow = true;
		return;
	}
	p->f[p->n++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
}

static void stmt(struct prog *p, unsigned short code, unsigned int k)
{
	emit(p, code, 0, 0, k);
}

/* nr == k: notify; else fall through. */
static void notify_if(struct prog *p, unsigned int k)
{
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, k);
	stmt(p, BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
}

static int by_level(const void *a, const void *b)
{
	const struct optcat_entry *x = &optcat_table[*(const int *)a];
	const struct optcat_entry *y = &optcat_table[*(const int *)b];

	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	return x->optname < y->optname ? -1 : x->optname > y->optname;
}

static void setsockopt_tests(struct prog *p, const struct policy *pol)
{
	int *idx;
	size_t n = pol->nnamed;

	idx = malloc((n ? n : 1) * sizeof(*idx));
	if (!idx) {
		/* No list: stop every setsockopt, the judge sorts them out. */
		stmt(p, BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
		return;
	}
	memcpy(idx, pol->named_list, n * sizeof(*idx));
	qsort(idx, n, sizeof(*idx), by_level);
	stmt(p, BPF_LD | BPF_W | BPF_ABS, ARG_LO(1));
	for (size_t i = 0; i < n;) {
		int level = optcat_table[idx[i]].level;
		size_t j = i;

		while (j < n && optcat_table[idx[j]].level == level)
			j++;
		if (2 * (j - i) + 2 > 255) {
			/* Too many to jump over: the whole level is stopped. */
			emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (unsigned)level);
			stmt(p, BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
		} else {
			emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0,
			     (unsigned char)(2 * (j - i) + 2), (unsigned)level);
			stmt(p, BPF_LD | BPF_W | BPF_ABS, ARG_LO(2));
			for (size_t k = i; k < j; k++)
				notify_if(p, (unsigned)optcat_table[idx[k]].optname);
			stmt(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		}
		i = j;
	}
	stmt(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	free(idx);
}

bool svbpf_build(const struct policy *pol, const struct sv_filter_spec *spec,
		 struct sock_fprog *out)
{
#ifdef SV_ARCH
	struct prog p = { .f = calloc(MAX_INSNS, sizeof(struct sock_filter)) };

	if (!p.f)
		return false;
	stmt(&p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, SV_ARCH);
	stmt(&p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	stmt(&p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#ifdef __x86_64__
	emit(&p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, 0x40000000);	/* x32 */
	stmt(&p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
#endif
	if (spec->events) {
		notify_if(&p, SYS_bind);
		notify_if(&p, SYS_connect);
		notify_if(&p, SYS_listen);
	}
	notify_if(&p, SYS_io_uring_setup);
	/* A new program: the names we keep for its threads are stale. */
	notify_if(&p, SYS_execve);
	notify_if(&p, SYS_execveat);
	emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, SYS_setsockopt);
	stmt(&p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (spec->all_setsockopt)
		stmt(&p, BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
	else
		setsockopt_tests(&p, pol);
	if (p.overflow) {
		free(p.f);
		return false;
	}
	out->filter = p.f;
	out->len = (unsigned short)p.n;
	return true;
#else
	(void)pol;
	(void)spec;
	(void)out;
	return false;
#endif
}
