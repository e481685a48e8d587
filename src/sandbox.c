// SPDX-License-Identifier: MIT
/* sandbox — run a program's seccomp filter over the calls we make. */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "real.h"
#include "sandbox.h"

atomic_uint sandbox_allowed_calls = (1U << SBX_KINDS) - 1;
atomic_bool sandbox_blind;

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define NATIVE_ARCH AUDIT_ARCH_I386
#else
#define NATIVE_ARCH 0
#endif

#define BPF_MAXPROG 4096
#define SCRATCH 16

/* The seccomp_data a call would present: number, arch, arguments. */
static void data_for(struct seccomp_data *d, int nr, uint64_t a0,
		     uint64_t a1, uint64_t a2)
{
	memset(d, 0, sizeof(*d));
	d->nr = nr;
	d->arch = NATIVE_ARCH;
	d->args[0] = a0;
	d->args[1] = a1;
	d->args[2] = a2;
}

static bool load_word(const struct seccomp_data *d, uint32_t off,
		      uint32_t *out)
{
	if (off % 4 || off + 4 > sizeof(*d))
		return false;
	memcpy(out, (const char *)d + off, 4);
	return true;
}

/*
 * Classic BPF as seccomp runs it: 32-bit A and X, 16 scratch words,
 * forward jumps only. Any instruction the kernel would refuse makes the
 * whole verdict "kill" (a filter the kernel refuses never goes in, and
 * one we do not understand must not be trusted).
 */
static uint32_t run(const struct sock_fprog *prog,
		    const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[SCRATCH] = { 0 };
	const uint32_t kill = SECCOMP_RET_KILL_PROCESS;

	for (unsigned int pc = 0; pc < prog->len; pc++) {
		const struct sock_filter *f = &prog->filter[pc];
		uint32_t k = f->k, src = BPF_SRC(f->code) == BPF_X ? x : k;

		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (f->code == (BPF_LD | BPF_W | BPF_ABS)) {
				if (!load_word(d, k, &a))
					return kill;
			} else if (f->code == (BPF_LD | BPF_W | BPF_LEN)) {
				a = sizeof(*d);
			} else if (f->code == (BPF_LD | BPF_IMM)) {
				a = k;
			} else if (f->code == (BPF_LD | BPF_MEM) && k < SCRATCH) {
				a = mem[k];
			} else {
				return kill;
			}
			break;
		case BPF_LDX:
			if (f->code == (BPF_LDX | BPF_W | BPF_LEN))
				x = sizeof(*d);
			else if (f->code == (BPF_LDX | BPF_IMM))
				x = k;
			else if (f->code == (BPF_LDX | BPF_MEM) && k < SCRATCH)
				x = mem[k];
			else
				return kill;
			break;
		case BPF_ST:
		case BPF_STX:
			if (k >= SCRATCH)
				return kill;
			mem[k] = BPF_CLASS(f->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			switch (BPF_OP(f->code)) {
			case BPF_ADD: a += src; break;
			case BPF_SUB: a -= src; break;
			case BPF_MUL: a *= src; break;
			case BPF_DIV:
				if (!src)
					return kill;
				a /= src;
				break;
			case BPF_MOD:
				if (!src)
					return kill;
				a %= src;
				break;
			case BPF_AND: a &= src; break;
			case BPF_OR: a |= src; break;
			case BPF_XOR: a ^= src; break;
			case BPF_LSH: a = src < 32 ? a << src : 0; break;
			case BPF_RSH: a = src < 32 ? a >> src : 0; break;
			case BPF_NEG: a = -a; break;
			default: return kill;
			}
			break;
		case BPF_JMP: {
			bool taken;

			if (BPF_OP(f->code) == BPF_JA) {
				if (k >= prog->len - pc - 1)
					return kill;
				pc += k;
				continue;
			}
			switch (BPF_OP(f->code)) {
			case BPF_JEQ: taken = a == src; break;
			case BPF_JGT: taken = a > src; break;
			case BPF_JGE: taken = a >= src; break;
			case BPF_JSET: taken = (a & src) != 0; break;
			default: return kill;
			}
			pc += taken ? f->jt : f->jf;
			break;
		}
		case BPF_RET:
			if (BPF_RVAL(f->code) == BPF_K)
				return k;
			if (BPF_RVAL(f->code) == BPF_A)
				return a;
			return kill;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else if (BPF_MISCOP(f->code) == BPF_TXA)
				a = x;
			else
				return kill;
			break;
		default:
			return kill;
		}
	}
	return kill;	/* fell off the end: the kernel refuses such a filter */
}

/* Only an allowed (or merely logged) call goes ahead untouched. An
 * errno verdict would not kill us, but the call would not happen. */
static bool allows(const struct sock_fprog *prog, int nr, uint64_t a0,
		   uint64_t a1, uint64_t a2)
{
	struct seccomp_data d;
	uint32_t act;

	if (nr < 0)
		return false;
	data_for(&d, nr, a0, a1, a2);
	act = run(prog, &d) & SECCOMP_RET_ACTION_FULL;
	return act == SECCOMP_RET_ALLOW || act == SECCOMP_RET_LOG;
}

#ifndef SYS_newfstatat
#define SYS_newfstatat -1
#endif
#ifndef SYS_fstat
#define SYS_fstat SYS_newfstatat
#endif
#ifndef SYS_open
#define SYS_open SYS_openat
#endif

unsigned int sandbox_judge(const struct sock_fprog *prog, int log_fd)
{
	unsigned int ok = 0;
	uint64_t fd = (uint64_t)(uint32_t)log_fd;

	if (!prog || !prog->filter || prog->len == 0 ||
	    prog->len > BPF_MAXPROG || NATIVE_ARCH == 0)
		return 0;
	if (allows(prog, SYS_write, fd, 0, 0))
		ok |= 1U << SBX_WRITE;
	if (allows(prog, SYS_sendto, fd, 0, 0))
		ok |= 1U << SBX_SEND;
	if (allows(prog, SYS_getsockopt, 3, SOL_SOCKET, 0))
		ok |= 1U << SBX_GETSOCKOPT;
	if (allows(prog, SYS_setsockopt, 3, SOL_SOCKET, 0))
		ok |= 1U << SBX_SETSOCKOPT;
	if (allows(prog, SYS_getsockname, 3, 0, 0) &&
	    allows(prog, SYS_getpeername, 3, 0, 0))
		ok |= 1U << SBX_SOCKNAME;
	/* Reading the program's buffers: by the call facts_read makes. */
	if (atomic_load(&sandbox_blind) ?
		    allows(prog, SYS_madvise, 0, 0, MADV_WILLNEED) :
		    allows(prog, SYS_process_vm_readv, 0, 0, 0))
		ok |= 1U << SBX_READMEM;
	if (allows(prog, SYS_gettid, 0, 0, 0))
		ok |= 1U << SBX_GETTID;
	if (allows(prog, SYS_rt_sigprocmask, 0, 0, 0) &&
	    allows(prog, SYS_rt_sigtimedwait, 0, 0, 0))
		ok |= 1U << SBX_SIGMASK;
	if (allows(prog, SYS_clock_gettime, 0, 0, 0))
		ok |= 1U << SBX_CLOCK;
	if (allows(prog, SYS_openat, (uint64_t)(uint32_t)AT_FDCWD, 0, 0) &&
	    allows(prog, SYS_fstat, fd, 0, 0) &&
	    allows(prog, SYS_newfstatat, (uint64_t)(uint32_t)AT_FDCWD, 0, 0) &&
	    allows(prog, SYS_ftruncate, fd, 0, 0) &&
	    allows(prog, SYS_fcntl, fd, 0, 0) &&
	    allows(prog, SYS_fallocate, fd, 0, 0) &&
	    allows(prog, SYS_pwrite64, fd, 0, 0) &&
	    allows(prog, SYS_mmap, 0, 0, 0) && allows(prog, SYS_munmap, 0, 0, 0))
		ok |= 1U << SBX_FILES;
	return ok;
}

unsigned int sandbox_strict(void)
{
	return 1U << SBX_WRITE;
}

void sandbox_enter(unsigned int allowed)
{
	atomic_fetch_and(&sandbox_allowed_calls, allowed);
}

/*
 * A filter the process had before we started (systemd's
 * SystemCallFilter=, a sandboxing parent) cannot be read back. The calls
 * the log and the policy need are in what such filters allow for a
 * service (systemd's @system-service has them, service_syscalls.sh checks
 * it); under one, we keep to as few kinds of call as we can: a buffer of
 * the program's is checked with madvise, which the log's mapping needs
 * anyway (sandbox_blind), not read with process_vm_readv (systemd's
 * @ipc, which units drop) or checked with mincore (in no service set).
 */
bool sandbox_inherited(void)
{
	char buf[4096], *p;
	ssize_t n;
	int fd = real.open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	real.close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strstr(buf, "\nSeccomp:");
	if (!p || strtol(p + 9, NULL, 10) == 0)
		return false;
	atomic_store(&sandbox_blind, true);
	return true;
}
