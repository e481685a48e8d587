/* SPDX-License-Identifier: MIT */
/*
 * sandbox — what a seccomp filter the program installs will still let
 * sockshim do.
 *
 * Programs such as sshd's privilege-separated child install a filter
 * that kills the process on any system call they did not expect. Before
 * such a filter goes in, the shim runs it (classic BPF, the kernel's
 * semantics) over each kind of call it might make on its own behalf
 * afterwards, and from then on makes only the calls every filter so far
 * allows. Calls the program makes itself are its business.
 */
#ifndef SOCKSHIM_SANDBOX_H
#define SOCKSHIM_SANDBOX_H

#include <stdatomic.h>
#include <stdbool.h>

struct sock_fprog;

/* The kinds of call the shim makes on its own. */
enum sbx_kind {
	SBX_WRITE,	 /* write(2) to the log descriptor */
	SBX_SEND,	 /* send(2) to the syslog socket */
	SBX_GETSOCKOPT,	 /* discovering an unknown socket, reading values */
	SBX_SETSOCKOPT,	 /* the policy's own settings */
	SBX_SOCKNAME,	 /* getsockname/getpeername when discovering */
	SBX_READMEM,	 /* process_vm_readv: reading the program's buffers */
	SBX_GETTID,	 /* a new thread's id */
	SBX_SIGMASK,	 /* blocking SIGPIPE around a write to a pipe */
	SBX_CLOCK,	 /* clock_gettime, when not answered by the vDSO */
	SBX_FILES,	 /* open, fstat, stat, ftruncate: the log file's upkeep */
	SBX_KINDS
};

/* Bit k set: kind k still allowed. All set until a filter goes in. */
extern atomic_uint sandbox_allowed_calls;

static inline bool sandbox_allows(enum sbx_kind k)
{
	return atomic_load_explicit(&sandbox_allowed_calls,
				    memory_order_relaxed) & (1U << k);
}

static inline bool sandbox_entered(void)
{
	return atomic_load_explicit(&sandbox_allowed_calls,
				    memory_order_relaxed) != (1U << SBX_KINDS) - 1;
}

/* What a filter would leave allowed (bit per kind); log_fd is the
 * descriptor our write(2) would use. A filter we cannot read or run
 * allows nothing. */
unsigned int sandbox_judge(const struct sock_fprog *prog, int log_fd);
/* SECCOMP_MODE_STRICT: read, write, _exit and sigreturn only. */
unsigned int sandbox_strict(void);
/* The filter is in: restrict what we do from now on. */
void sandbox_enter(unsigned int allowed);
/* At start: is there a filter the process inherited (one we cannot
 * read)? If so, sandbox_blind is set: the program's buffers are checked
 * with a call a service's filter allows, not process_vm_readv. */
bool sandbox_inherited(void);
extern atomic_bool sandbox_blind;

#endif
