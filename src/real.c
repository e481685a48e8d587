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
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "real.h"

struct real_fns real;

static pthread_once_t real_once = PTHREAD_ONCE_INIT;
static char fallbacks[256];

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
	va_list ap;
	unsigned long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
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
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = va_arg(ap, mode_t);
	va_end(ap);
	return (int)real.syscall(SYS_openat, dirfd, path, flags, mode);
}

static int sys_open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = va_arg(ap, mode_t);
	va_end(ap);
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

static void *resolve(const char *name, void *fallback)
{
	void *sym = dlsym(RTLD_NEXT, name);

	/* One walk of the loaded objects for all symbols, not a dladdr
	 * each: that cost every process start more than half a millisecond. */
	if (sym && (uintptr_t)sym >= self.lo && (uintptr_t)sym < self.hi)
		sym = NULL;
	if (!sym) {
		size_t len = strlen(fallbacks);

		if (len + strlen(name) + 2 < sizeof(fallbacks)) {
			if (len)
				fallbacks[len++] = ' ';
			strcpy(fallbacks + len, name);
		}
		return fallback;
	}
	return sym;
}

#define RESOLVE(fn) \
	(real.fn = (__typeof__(real.fn))resolve(#fn, (void *)sys_##fn))

static void real_resolve_all(void)
{
	int saved = errno;

	dl_iterate_phdr(find_self, &self);
	/* First: the fallbacks below make their system calls through it
	 * (calling syscall() by name would bind to our own hook). */
	RESOLVE(syscall);
	RESOLVE(socket);
	RESOLVE(socketpair);
	RESOLVE(setsockopt);
	RESOLVE(getsockopt);
	RESOLVE(bind);
	RESOLVE(listen);
	RESOLVE(connect);
	RESOLVE(accept);
	RESOLVE(accept4);
	RESOLVE(close);
	RESOLVE(dup);
	RESOLVE(dup2);
	RESOLVE(dup3);
	RESOLVE(fcntl);
	real.fcntl64 = (__typeof__(real.fcntl64))resolve("fcntl64",
							  (void *)real.fcntl);
	RESOLVE(close_range);
	RESOLVE(closefrom);
	RESOLVE(_exit);
	RESOLVE(execve);
	RESOLVE(execv);
	RESOLVE(execvp);
	RESOLVE(execvpe);
	RESOLVE(sigaction);
	RESOLVE(sigprocmask);
	RESOLVE(pthread_sigmask);
	RESOLVE(prctl);
	RESOLVE(setuid);
	RESOLVE(setgid);
	RESOLVE(seteuid);
	RESOLVE(setegid);
	RESOLVE(setreuid);
	RESOLVE(setregid);
	RESOLVE(setresuid);
	RESOLVE(setresgid);
	RESOLVE(setgroups);
	RESOLVE(initgroups);
	RESOLVE(chroot);
	RESOLVE(open);
	RESOLVE(openat);
	RESOLVE(__open_2);
	RESOLVE(__openat_2);
	RESOLVE(creat);
	/* The 64 names are the same calls where off_t is 64 bits. */
	real.open64 = (__typeof__(real.open64))resolve("open64",
							(void *)real.open);
	real.openat64 = (__typeof__(real.openat64))resolve(
		"openat64", (void *)real.openat);
	real.__open64_2 = (__typeof__(real.__open64_2))resolve(
		"__open64_2", (void *)real.__open_2);
	real.__openat64_2 = (__typeof__(real.__openat64_2))resolve(
		"__openat64_2", (void *)real.__openat_2);
	real.creat64 = (__typeof__(real.creat64))resolve("creat64",
							  (void *)real.creat);
	RESOLVE(pipe);
	RESOLVE(pipe2);
	RESOLVE(eventfd);
	RESOLVE(timerfd_create);
	RESOLVE(signalfd);
	RESOLVE(epoll_create);
	RESOLVE(epoll_create1);
	RESOLVE(memfd_create);
	RESOLVE(inotify_init);
	RESOLVE(inotify_init1);
	RESOLVE(fclose);
	errno = saved;
}

void real_init(void)
{
	pthread_once(&real_once, real_resolve_all);
}

const char *real_fallbacks(void)
{
	real_init();
	return fallbacks;
}
