// SPDX-License-Identifier: MIT
/* real — resolve the real libc socket calls once. */
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

static pthread_once_t real_once = PTHREAD_ONCE_INIT;
static char fallbacks[256];
static atomic_flag fallbacks_busy = ATOMIC_FLAG_INIT;

/* Fallbacks: the kernel's own entry points, used when libc has no symbol. */
static int sys_socket(int d, int t, int p)
{
	return (int)real.syscall(SYS_socket, d, t, p);
}

static int sys_socketpair(int d, int t, int p, int sv[2])
{
	return (int)real.syscall(SYS_socketpair, d, t, p, sv);
}

static int sys_setsockopt(int fd, int l, int o, const void *v, socklen_t n)
{
	return (int)real.syscall(SYS_setsockopt, fd, l, o, v, n);
}

static int sys_getsockopt(int fd, int l, int o, void *v, socklen_t *n)
{
	return (int)real.syscall(SYS_getsockopt, fd, l, o, v, n);
}

static int sys_bind(int fd, const struct sockaddr *a, socklen_t n)
{
	return (int)real.syscall(SYS_bind, fd, a, n);
}

static int sys_listen(int fd, int b)
{
	return (int)real.syscall(SYS_listen, fd, b);
}

static int sys_connect(int fd, const struct sockaddr *a, socklen_t n)
{
	return (int)real.syscall(SYS_connect, fd, a, n);
}

static int sys_accept(int fd, struct sockaddr *a, socklen_t *n)
{
	return (int)real.syscall(SYS_accept, fd, a, n);
}

static int sys_accept4(int fd, struct sockaddr *a, socklen_t *n, int f)
{
	return (int)real.syscall(SYS_accept4, fd, a, n, f);
}

static int sys_close(int fd)
{
	return (int)real.syscall(SYS_close, fd);
}

static int sys_dup(int fd)
{
	return (int)real.syscall(SYS_dup, fd);
}

static int sys_dup2(int o, int n)
{
	return (int)real.syscall(SYS_dup2, o, n);
}

static int sys_dup3(int o, int n, int f)
{
	return (int)real.syscall(SYS_dup3, o, n, f);
}

static int sys_fcntl(int fd, int cmd, ...)
{
	unsigned long arg;

	REAL_VA_ARG(cmd, unsigned long, arg);
	return (int)real.syscall(SYS_fcntl, fd, cmd, arg);
}

static int sys_close_range(unsigned int lo, unsigned int hi, int flags)
{
#ifdef SYS_close_range
	return (int)real.syscall(SYS_close_range, lo, hi, flags);
#else
	(void)lo, (void)hi, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static void sys_closefrom(int lo)
{
	if (sys_close_range((unsigned int)lo, ~0U, 0) == 0)
		return;
	/* Old kernels: close what /proc/self/fd would list, the slow way. */
	for (long fd = lo, max = sysconf(_SC_OPEN_MAX); fd < max; fd++)
		sys_close((int)fd);
}

static void sys__exit(int status)
{
	for (;;)
		real.syscall(SYS_exit_group, status);
}

static int sys_execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)real.syscall(SYS_execve, path, argv, envp);
}

/* Without libc's execv/execvp: execve with our environment (no PATH
 * search: a missing libc symbol is already a broken system). */
static int sys_execv(const char *path, char *const argv[])
{
	return sys_execve(path, argv, environ);
}

static int sys_execvp(const char *file, char *const argv[])
{
	return sys_execve(file, argv, environ);
}

static int sys_execvpe(const char *file, char *const argv[],
		       char *const envp[])
{
	return sys_execve(file, argv, envp);
}

static int sys_sigaction(int sig, const struct sigaction *sa,
			 struct sigaction *old)
{
	(void)sig, (void)sa, (void)old;
	errno = ENOSYS;	/* a libc without sigaction: nothing to guard */
	return -1;
}

static int sys_sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return (int)real.syscall(SYS_rt_sigprocmask, how, set, old, _NSIG / 8);
}

static int sys_pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	return sys_sigprocmask(how, set, old) == 0 ? 0 : errno;
}

static int sys_prctl(int op, unsigned long a, unsigned long b,
		     unsigned long c, unsigned long d)
{
	return (int)real.syscall(SYS_prctl, op, a, b, c, d);
}

static long sys_syscall(long nr, ...)
{
	(void)nr;
	errno = ENOSYS;
	return -1;
}

static int sys_setuid(uid_t u)
{
	return (int)real.syscall(SYS_setuid, u);
}

static int sys_setgid(gid_t g)
{
	return (int)real.syscall(SYS_setgid, g);
}

static int sys_seteuid(uid_t u)
{
	return (int)real.syscall(SYS_setresuid, -1, u, -1);
}

static int sys_setegid(gid_t g)
{
	return (int)real.syscall(SYS_setresgid, -1, g, -1);
}

static int sys_setreuid(uid_t r, uid_t e)
{
	return (int)real.syscall(SYS_setreuid, r, e);
}

static int sys_setregid(gid_t r, gid_t e)
{
	return (int)real.syscall(SYS_setregid, r, e);
}

static int sys_setresuid(uid_t r, uid_t e, uid_t s)
{
	return (int)real.syscall(SYS_setresuid, r, e, s);
}

static int sys_setresgid(gid_t r, gid_t e, gid_t s)
{
	return (int)real.syscall(SYS_setresgid, r, e, s);
}

static int sys_setgroups(size_t n, const gid_t *g)
{
	return (int)real.syscall(SYS_setgroups, n, g);
}

static int sys_initgroups(const char *user, gid_t g)
{
	(void)user, (void)g;
	errno = ENOSYS;
	return -1;
}

static int sys_chroot(const char *path)
{
	return (int)real.syscall(SYS_chroot, path);
}

/* open(2) and its relatives: openat with AT_FDCWD is in every kernel. */
static int sys_openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode;

	REAL_VA_ARG(flags, mode_t, mode);
	return (int)real.syscall(SYS_openat, dirfd, path, flags, mode);
}

static int sys_open(const char *path, int flags, ...)
{
	mode_t mode;

	REAL_VA_ARG(flags, mode_t, mode);
	return sys_openat(AT_FDCWD, path, flags, mode);
}

static int sys___openat_2(int dirfd, const char *path, int flags)
{
	return sys_openat(dirfd, path, flags, 0);
}

static int sys___open_2(const char *path, int flags)
{
	return sys_openat(AT_FDCWD, path, flags, 0);
}

static int sys_creat(const char *path, mode_t mode)
{
	return sys_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

static int sys_pipe2(int fds[2], int flags)
{
	return (int)real.syscall(SYS_pipe2, fds, flags);
}

static int sys_pipe(int fds[2])
{
	return sys_pipe2(fds, 0);
}

static int sys_eventfd(unsigned int count, int flags)
{
	return (int)real.syscall(SYS_eventfd2, count, flags);
}

static int sys_timerfd_create(int clock, int flags)
{
	return (int)real.syscall(SYS_timerfd_create, clock, flags);
}

static int sys_signalfd(int fd, const sigset_t *mask, int flags)
{
	return (int)real.syscall(SYS_signalfd4, fd, mask, _NSIG / 8, flags);
}

static int sys_epoll_create1(int flags)
{
	return (int)real.syscall(SYS_epoll_create1, flags);
}

static int sys_epoll_create(int size)
{
	if (size <= 0) {
		errno = EINVAL;
		return -1;
	}
	return sys_epoll_create1(0);
}

static int sys_memfd_create(const char *name, unsigned int flags)
{
#ifdef SYS_memfd_create
	return (int)real.syscall(SYS_memfd_create, name, flags);
#else
	(void)name, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static int sys_inotify_init1(int flags)
{
	return (int)real.syscall(SYS_inotify_init1, flags);
}

static int sys_inotify_init(void)
{
	return sys_inotify_init1(0);
}

static int sys_fclose(FILE *f)
{
	(void)f;
	errno = ENOSYS;	/* a libc without fclose: nothing to close with */
	return EOF;
}

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

#define FIXED_CALLS(X)                                                       \
	X(int, socket, (int d, int t, int p), (d, t, p))                     \
	X(int, socketpair, (int d, int t, int p, int sv[2]), (d, t, p, sv))  \
	X(int, setsockopt, (int fd, int l, int o, const void *v,            \
			    socklen_t n), (fd, l, o, v, n))                  \
	X(int, getsockopt, (int fd, int l, int o, void *v, socklen_t *n),   \
	  (fd, l, o, v, n))                                                  \
	X(int, bind, (int fd, const struct sockaddr *a, socklen_t n),       \
	  (fd, a, n))                                                        \
	X(int, listen, (int fd, int b), (fd, b))                             \
	X(int, connect, (int fd, const struct sockaddr *a, socklen_t n),    \
	  (fd, a, n))                                                        \
	X(int, accept, (int fd, struct sockaddr *a, socklen_t *n), (fd, a, n)) \
	X(int, accept4, (int fd, struct sockaddr *a, socklen_t *n, int f),  \
	  (fd, a, n, f))                                                     \
	X(int, close, (int fd), (fd))                                        \
	X(int, dup, (int fd), (fd))                                          \
	X(int, dup2, (int o, int n), (o, n))                                 \
	X(int, dup3, (int o, int n, int f), (o, n, f))                       \
	X(int, close_range, (unsigned int lo, unsigned int hi, int f),      \
	  (lo, hi, f))                                                       \
	X(int, execve, (const char *p, char *const a[], char *const e[]),   \
	  (p, a, e))                                                         \
	X(int, execv, (const char *p, char *const a[]), (p, a))              \
	X(int, execvp, (const char *p, char *const a[]), (p, a))             \
	X(int, execvpe, (const char *p, char *const a[], char *const e[]),  \
	  (p, a, e))                                                         \
	X(int, sigaction, (int s, const struct sigaction *a,                 \
			   struct sigaction *o), (s, a, o))                  \
	X(int, sigprocmask, (int h, const sigset_t *s, sigset_t *o),        \
	  (h, s, o))                                                         \
	X(int, pthread_sigmask, (int h, const sigset_t *s, sigset_t *o),    \
	  (h, s, o))                                                         \
	X(int, prctl, (int op, unsigned long a, unsigned long b,            \
		       unsigned long c, unsigned long d), (op, a, b, c, d))  \
	X(int, setuid, (uid_t u), (u))                                       \
	X(int, setgid, (gid_t g), (g))                                       \
	X(int, seteuid, (uid_t u), (u))                                      \
	X(int, setegid, (gid_t g), (g))                                      \
	X(int, setreuid, (uid_t r, uid_t e), (r, e))                         \
	X(int, setregid, (gid_t r, gid_t e), (r, e))                         \
	X(int, setresuid, (uid_t r, uid_t e, uid_t s), (r, e, s))            \
	X(int, setresgid, (gid_t r, gid_t e, gid_t s), (r, e, s))            \
	X(int, setgroups, (size_t n, const gid_t *g), (n, g))                \
	X(int, initgroups, (const char *u, gid_t g), (u, g))                 \
	X(int, chroot, (const char *p), (p))                                 \
	X(int, __open_2, (const char *p, int f), (p, f))                     \
	X(int, __openat_2, (int d, const char *p, int f), (d, p, f))         \
	X(int, creat, (const char *p, mode_t m), (p, m))                     \
	X(int, pipe, (int fds[2]), (fds))                                    \
	X(int, pipe2, (int fds[2], int f), (fds, f))                         \
	X(int, eventfd, (unsigned int c, int f), (c, f))                     \
	X(int, timerfd_create, (int c, int f), (c, f))                       \
	X(int, signalfd, (int fd, const sigset_t *m, int f), (fd, m, f))     \
	X(int, epoll_create, (int n), (n))                                   \
	X(int, epoll_create1, (int f), (f))                                  \
	X(int, memfd_create, (const char *n, unsigned int f), (n, f))        \
	X(int, inotify_init, (void), ())                                     \
	X(int, inotify_init1, (int f), (f))                                  \
	X(int, fclose, (FILE *f), (f))

#define ALIAS_CALLS(X)                                                       \
	X(int, __open64_2, __open_2, (const char *p, int f), (p, f))          \
	X(int, __openat64_2, __openat_2, (int d, const char *p, int f),      \
	  (d, p, f))                                                         \
	X(int, creat64, creat, (const char *p, mode_t m), (p, m))

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

#define FIND_NOW(type, fn, ...) FIND(fn, sys_##fn);
#define FIND64_NOW(type, fn, base, ...) FIND(fn, real.base);

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
	FIND(syscall, sys_syscall);
	FIXED_CALLS(FIND_NOW)
	FIND(closefrom, sys_closefrom);
	FIND(_exit, sys__exit);
	FIND(fcntl, sys_fcntl);
	FIND(fcntl64, real.fcntl);
	FIND(open, sys_open);
	FIND(openat, sys_openat);
	FIND(open64, real.open);
	FIND(openat64, real.openat);
	ALIAS_CALLS(FIND64_NOW)
	errno = saved;
}

__attribute__((cold)) void real_start(void)
{
	int saved = errno;

	find_self_range();
	/* What a signal handler may call first (a lookup there would be
	 * made inside whatever the handler interrupted). */
	FIND(syscall, sys_syscall);
	FIND(_exit, sys__exit);
	FIND(close, sys_close);
	FIND(sigaction, sys_sigaction);
	FIND(sigprocmask, sys_sigprocmask);
	FIND(pthread_sigmask, sys_pthread_sigmask);
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
