// SPDX-License-Identifier: MIT
/*
 * shim_life — the process around its sockets: exec, credentials, the
 * root, seccomp sandboxes and file size limits. None of these is logged
 * as a call; each tells the log what it must do so it keeps its records
 * and never costs the program anything (see logsink.c).
 */
#include "build-config.h"

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "log.h"
#include "real.h"
#include "sandbox.h"
#include "shim.h"

void shim_exec_begin(void)
{
	int err = errno;

	if (shim_active())
		log_before_exec();
	errno = err;
}

void shim_exec_failed(void)
{
	int err = errno;

	if (shim_active())
		log_exec_failed();
	errno = err;
}

void shim_cred_begin(void)
{
	int err = errno;

	shim_init();
	if (shim_active())
		log_prepare_drop();
	errno = err;
}

void shim_cred_end(int ret)
{
	if (ret == 0 && shim_active())
		log_after_drop();
}

void shim_limits_end(int ret, int resource)
{
	int err = errno;

	if (ret == 0 && resource == RLIMIT_FSIZE && shim_active())
		log_limits_changed();
	errno = err;
}

/* The filter the program passes, copied out of its memory. */
#define FILTER_MAX 4096
static struct sock_filter filter_copy[FILTER_MAX];
static atomic_flag filter_busy = ATOMIC_FLAG_INIT;

/* What a filter at prog (the program's pointer) leaves us. */
static unsigned int judge(const void *prog)
{
	struct sock_fprog fp, copy;
	unsigned int allowed = 0;

	if (!shim_safe_read(&fp, prog, sizeof(fp)) || !fp.len ||
	    fp.len > FILTER_MAX)
		return 0;
	if (atomic_flag_test_and_set(&filter_busy))
		return 0;	/* two threads at once: assume the worst */
	if (shim_safe_read(filter_copy, fp.filter,
			   fp.len * sizeof(struct sock_filter))) {
		copy.len = fp.len;
		copy.filter = filter_copy;
		allowed = sandbox_judge(&copy, log_fd_number());
	}
	atomic_flag_clear(&filter_busy);
	return allowed;
}

/*
 * Before the filter goes in, the log finishes what needs calls the
 * filter may forbid; after it, we make only the calls it allows.
 */
static unsigned int before_seccomp(unsigned long mode, const void *prog)
{
	unsigned int allowed;

	if (mode == SECCOMP_MODE_STRICT)
		allowed = sandbox_strict();
	else if (mode == SECCOMP_MODE_FILTER)
		allowed = judge(prog);
	else
		return ~0U;	/* the kernel will refuse it */
	log_before_sandbox(allowed);
	return allowed;
}

static void after_seccomp(long ret, unsigned int allowed)
{
	if (ret >= 0)	/* a listener's descriptor for NEW_LISTENER */
		sandbox_enter(allowed);
	else
		log_sandbox_failed();
}

/*
 * Preloaded host-wide, the shim starts on the first socket call; one that
 * comes after the filter would read the policy (and load libconfig) under
 * it, and such a filter may kill the process for an open. A process
 * sandboxing itself starts the shim first, as one dropping privileges does.
 */
static void start_before_sandbox(void)
{
	int err = errno;

	shim_init();
	errno = err;
}

int shim_prctl(int op, unsigned long a, unsigned long b, unsigned long c,
	       unsigned long d)
{
	unsigned int allowed;
	int ret, err;

	if (op == PR_SET_SECCOMP)
		start_before_sandbox();
	if (op != PR_SET_SECCOMP || !shim_active())
		return real.prctl(op, a, b, c, d);
	err = errno;
	allowed = before_seccomp(a, (const void *)b);
	errno = err;
	ret = real.prctl(op, a, b, c, d);
	err = errno;
	after_seccomp(ret, allowed);
	errno = err;
	return ret;
}

long shim_syscall(long nr, long a, long b, long c, long d, long e, long f)
{
	unsigned int allowed;
	unsigned long mode;
	long ret;
	int err;

	if (nr == SYS_seccomp && (a == SECCOMP_SET_MODE_STRICT ||
				  a == SECCOMP_SET_MODE_FILTER))
		start_before_sandbox();
	if (nr != SYS_seccomp || !shim_active() ||
	    (a != SECCOMP_SET_MODE_STRICT && a != SECCOMP_SET_MODE_FILTER))
		return real.syscall(nr, a, b, c, d, e, f);
	mode = a == SECCOMP_SET_MODE_STRICT ? SECCOMP_MODE_STRICT :
					      SECCOMP_MODE_FILTER;
	err = errno;
	allowed = before_seccomp(mode, (const void *)c);
	errno = err;
	ret = real.syscall(nr, a, b, c, d, e, f);
	err = errno;
	after_seccomp(ret, allowed);
	errno = err;
	return ret;
}
