// SPDX-License-Identifier: MIT
/* real — the libc functions the hooks replace: looked up on first use, or
 * all at once when the shim starts (the fallbacks: real_sys.c). */
#include "build-config.h"

#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "real.h"
#include "real_int.h"

static pthread_once_t real_once = PTHREAD_ONCE_INIT;
static char fallbacks[256];
static atomic_flag fallbacks_busy = ATOMIC_FLAG_INIT;

/*
 * dlsym(RTLD_NEXT) normally finds libc. If it finds nothing, or finds a
 * symbol inside our own object (a second copy of sockshim preloaded, or an
 * odd link order), calling it would recurse forever: use the system call.
 */
/* Our own object's loaded segments: a symbol found inside them is ours. */
struct self_range {
	uintptr_t lo, hi;
};

static int find_self(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct self_range *r = arg;
	uintptr_t me = (uintptr_t)(void *)find_self, lo = UINTPTR_MAX, hi = 0;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD)
			continue;
		if (a < lo)
			lo = a;
		if (a + ph->p_memsz > hi)
			hi = a + ph->p_memsz;
	}
	if (me < lo || me >= hi)
		return 0;
	r->lo = lo;
	r->hi = hi;
	return 1;
}

static struct self_range self;

static void note_fallback(const char *name)
{
	size_t len;

	while (atomic_flag_test_and_set(&fallbacks_busy))
		;
	len = strlen(fallbacks);
	if (len + strlen(name) + 2 < sizeof(fallbacks)) {
		if (len)
			fallbacks[len++] = ' ';
		strcpy(fallbacks + len, name);
	}
	atomic_flag_clear(&fallbacks_busy);
}

static void *resolve(const char *name, void *fallback)
{
	int saved = errno;
	void *sym = dlsym(RTLD_NEXT, name);

	/* One walk of the loaded objects for all symbols, not a dladdr
	 * each: that cost every process start more than half a millisecond. */
	if (sym && (uintptr_t)sym >= self.lo && (uintptr_t)sym < self.hi)
		sym = NULL;
	errno = saved;
	if (!sym) {
		note_fallback(name);
		return fallback;
	}
	return sym;
}

/*
 * Every pointer starts at a stub that finds its function on the first
 * call, stores it and makes the call: a process pays for the lookups of
 * the calls it makes (a dlsym is about a quarter of a microsecond, and a
 * host-wide preload is in every process). Two threads racing to the
 * first call store the same address.
 */
#define STORE(fn, sym) __atomic_store_n(&real.fn, (sym), __ATOMIC_RELEASE)
#define FIND(fn, fallback) \
	STORE(fn, (__typeof__(real.fn))resolve(#fn, (void *)(fallback)))

#define STUB(type, fn, params, args)          \
	static type first_##fn params         \
	{                                     \
		FIND(fn, sys_##fn);           \
		return real.fn args;          \
	}
/* fn64: the same call where off_t is 64 bits; without it, the other. */
#define STUB64(type, fn, base, params, args)  \
	static type first_##fn params         \
	{                                     \
		FIND(fn, real.base);          \
		return real.fn args;          \
	}

FIXED_CALLS(STUB)
ALIAS_CALLS(STUB64)

static void first_closefrom(int lo)
{
	FIND(closefrom, sys_closefrom);
	real.closefrom(lo);
}

static void first__exit(int status)
{
	FIND(_exit, sys__exit);
	real._exit(status);
	for (;;)
		real.syscall(SYS_exit_group, status);
}

/* The calls that take more than their fixed arguments read what a caller
 * may have passed, as libc's own do: the third of fcntl (an int or a
 * pointer), the mode of open when the flags create, six of syscall. */
static int first_fcntl(int fd, int cmd, ...)
{
	unsigned long arg;

	REAL_VA_ARG(cmd, unsigned long, arg);
	FIND(fcntl, sys_fcntl);
	return real.fcntl(fd, cmd, arg);
}

static int first_fcntl64(int fd, int cmd, ...)
{
	unsigned long arg;

	REAL_VA_ARG(cmd, unsigned long, arg);
	FIND(fcntl64, real.fcntl);
	return real.fcntl64(fd, cmd, arg);
}

static int first_open(const char *path, int flags, ...)
{
	mode_t mode;

	REAL_OPEN_MODE(flags, mode);
	FIND(open, sys_open);
	return real.open(path, flags, mode);
}

static int first_open64(const char *path, int flags, ...)
{
	mode_t mode;

	REAL_OPEN_MODE(flags, mode);
	FIND(open64, real.open);
	return real.open64(path, flags, mode);
}

static int first_openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode;

	REAL_OPEN_MODE(flags, mode);
	FIND(openat, sys_openat);
	return real.openat(dirfd, path, flags, mode);
}

static int first_openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode;

	REAL_OPEN_MODE(flags, mode);
	FIND(openat64, real.openat);
	return real.openat64(dirfd, path, flags, mode);
}

static long first_syscall(long nr, ...)
{
	long a[6];

	REAL_SYSCALL_ARGS(nr, a);
	FIND(syscall, sys_syscall);
	return real.syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

#define FIRST(type, fn, ...) .fn = first_##fn,
struct real_fns real = {
	FIXED_CALLS(FIRST)
	ALIAS_CALLS(FIRST)
	.closefrom = first_closefrom,
	._exit = first__exit,
	.fcntl = first_fcntl,
	.fcntl64 = first_fcntl64,
	.open = first_open,
	.open64 = first_open64,
	.openat = first_openat,
	.openat64 = first_openat64,
	.syscall = first_syscall,
};

/* Look up what is still at its stub (each name once: a missing one is
 * named once in real_fallbacks). */
#define FIND_ONCE(fn, fallback)                   \
	do {                                      \
		if (real.fn == first_##fn)        \
			FIND(fn, fallback);       \
	} while (0)
#define FIND_NOW(type, fn, ...) FIND_ONCE(fn, sys_##fn);
#define FIND64_NOW(type, fn, base, ...) FIND_ONCE(fn, real.base);

/* Our own segments, before any lookup (dl_iterate_phdr takes the
 * loader's lock, which a first call from a signal handler must not). */
static void find_self_range(void)
{
	if (!self.hi)
		dl_iterate_phdr(find_self, &self);
}

static void resolve_all(void)
{
	int saved = errno;

	find_self_range();
	/* First: the fallbacks make their system calls through it. */
	FIND_ONCE(syscall, sys_syscall);
	FIXED_CALLS(FIND_NOW)
	FIND_ONCE(closefrom, sys_closefrom);
	FIND_ONCE(_exit, sys__exit);
	FIND_ONCE(fcntl, sys_fcntl);
	FIND_ONCE(fcntl64, real.fcntl);
	FIND_ONCE(open, sys_open);
	FIND_ONCE(openat, sys_openat);
	FIND_ONCE(open64, real.open);
	FIND_ONCE(openat64, real.openat);
	ALIAS_CALLS(FIND64_NOW)
	errno = saved;
}

__attribute__((cold)) void real_start(void)
{
	int saved = errno;

	find_self_range();
	/* What a signal handler may call first (a lookup there would be
	 * made inside whatever the handler interrupted). */
	FIND_ONCE(syscall, sys_syscall);
	FIND_ONCE(_exit, sys__exit);
	FIND_ONCE(close, sys_close);
	FIND_ONCE(sigaction, sys_sigaction);
	FIND_ONCE(sigprocmask, sys_sigprocmask);
	FIND_ONCE(pthread_sigmask, sys_pthread_sigmask);
	errno = saved;
}

void real_init(void)
{
	pthread_once(&real_once, resolve_all);
}

const char *real_fallbacks(void)
{
	real_init();
	return fallbacks;
}
