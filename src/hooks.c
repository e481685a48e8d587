// SPDX-License-Identifier: MIT
/*
 * hooks — the only symbols libsockshim.so exports: the socket calls it
 * interposes. Each forwards to shim.c, which keeps the real call's
 * contract; nothing else happens here.
 */
#include "build-config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "real.h"
#include "shim.h"
#include "sigguard.h"

#define HOOK __attribute__((visibility("default")))

/* _exit must not return, even if libc's could not be found. */
static __attribute__((noreturn)) void real__exit(int status)
{
	real._exit(status);
	for (;;)
		real.syscall(SYS_exit_group, status);
}

static atomic_bool hooks_ready;

/* Before main, so on_error = "abort" stops a program before it starts. */
__attribute__((constructor(101))) static void hooks_init(void)
{
	shim_construct();
	atomic_store(&hooks_ready, true);
}

/* After everything else, so records made by other destructors count. */
__attribute__((destructor(101))) static void hooks_fini(void)
{
	shim_fini();
}

HOOK int socket(int domain, int type, int protocol)
{
	return shim_socket(domain, type, protocol);
}

HOOK int socketpair(int domain, int type, int protocol, int sv[2])
{
	return shim_socketpair(domain, type, protocol, sv);
}

HOOK int setsockopt(int fd, int level, int optname, const void *optval,
		    socklen_t optlen)
{
	return shim_setsockopt(fd, level, optname, optval, optlen);
}

HOOK int getsockopt(int fd, int level, int optname, void *optval,
		    socklen_t *optlen)
{
	return shim_getsockopt(fd, level, optname, optval, optlen);
}

HOOK int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	return shim_bind(fd, addr, len);
}

HOOK int listen(int fd, int backlog)
{
	return shim_listen(fd, backlog);
}

HOOK int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	return shim_connect(fd, addr, len);
}

HOOK int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return shim_accept4(fd, addr, len, 0, false);
}

HOOK int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	return shim_accept4(fd, addr, len, flags, true);
}

HOOK int close(int fd)
{
	return shim_close(fd);
}

HOOK int dup(int fd)
{
	return shim_dup(fd);
}

HOOK int dup2(int oldfd, int newfd)
{
	return shim_dup3(oldfd, newfd, 0, false);
}

HOOK int dup3(int oldfd, int newfd, int flags)
{
	return shim_dup3(oldfd, newfd, flags, true);
}

/* The third argument is an int, a long or a pointer: all fit a long. */
HOOK int fcntl(int fd, int cmd, ...)
{
	unsigned long arg;

	REAL_VA_ARG(cmd, unsigned long, arg);
	return shim_fcntl(fd, cmd, arg, false);
}

/* Programs built with _FILE_OFFSET_BITS=64 call this name instead. */
HOOK int fcntl64(int fd, int cmd, ...);

HOOK int fcntl64(int fd, int cmd, ...)
{
	unsigned long arg;

	REAL_VA_ARG(cmd, unsigned long, arg);
	return shim_fcntl(fd, cmd, arg, true);
}

HOOK int close_range(unsigned int lo, unsigned int hi, int flags)
{
	return shim_close_range(lo, hi, flags);
}

HOOK void closefrom(int lo)
{
	shim_closefrom(lo);
}

/*
 * Calls that hand out fd numbers: a number we knew as a socket that was
 * closed where no hook saw it (fclose of an fdopen()ed socket, a raw
 * system call) is not a socket any more. No initialisation beyond libc's
 * symbols and no log: the dynamic loader's and libc's own opens never
 * come here, but every other library's do.
 */

HOOK int open(const char *path, int flags, ...)
{
	mode_t mode;

	REAL_OPEN_MODE(flags, mode);
	return shim_fd_new(real.open(path, flags, mode));
}

HOOK int open64(const char *path, int flags, ...)
{
	mode_t mode;

	REAL_OPEN_MODE(flags, mode);
	return shim_fd_new(real.open64(path, flags, mode));
}

HOOK int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode;

	REAL_OPEN_MODE(flags, mode);
	return shim_fd_new(real.openat(dirfd, path, flags, mode));
}

HOOK int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode;

	REAL_OPEN_MODE(flags, mode);
	return shim_fd_new(real.openat64(dirfd, path, flags, mode));
}

/* What a program built with _FORTIFY_SOURCE calls for open(path, flags)
 * when the compiler cannot see the flags. */
HOOK int __open_2(const char *path, int flags);
HOOK int __open64_2(const char *path, int flags);
HOOK int __openat_2(int dirfd, const char *path, int flags);
HOOK int __openat64_2(int dirfd, const char *path, int flags);

HOOK int __open_2(const char *path, int flags)
{
	return shim_fd_new(real.__open_2(path, flags));
}

HOOK int __open64_2(const char *path, int flags)
{
	return shim_fd_new(real.__open64_2(path, flags));
}

HOOK int __openat_2(int dirfd, const char *path, int flags)
{
	return shim_fd_new(real.__openat_2(dirfd, path, flags));
}

HOOK int __openat64_2(int dirfd, const char *path, int flags)
{
	return shim_fd_new(real.__openat64_2(dirfd, path, flags));
}

HOOK int creat(const char *path, mode_t mode)
{
	return shim_fd_new(real.creat(path, mode));
}

HOOK int creat64(const char *path, mode_t mode)
{
	return shim_fd_new(real.creat64(path, mode));
}

HOOK int pipe(int fds[2])
{
	return shim_fd_pair(real.pipe(fds), fds);
}

HOOK int pipe2(int fds[2], int flags)
{
	return shim_fd_pair(real.pipe2(fds, flags), fds);
}

HOOK int eventfd(unsigned int count, int flags)
{
	return shim_fd_new(real.eventfd(count, flags));
}

HOOK int timerfd_create(int clock, int flags)
{
	return shim_fd_new(real.timerfd_create(clock, flags));
}

HOOK int signalfd(int fd, const sigset_t *mask, int flags)
{
	return shim_fd_new(real.signalfd(fd, mask, flags));
}

HOOK int epoll_create(int size)
{
	return shim_fd_new(real.epoll_create(size));
}

HOOK int epoll_create1(int flags)
{
	return shim_fd_new(real.epoll_create1(flags));
}

HOOK int memfd_create(const char *name, unsigned int flags)
{
	return shim_fd_new(real.memfd_create(name, flags));
}

HOOK int inotify_init(void)
{
	return shim_fd_new(real.inotify_init());
}

HOOK int inotify_init1(int flags)
{
	return shim_fd_new(real.inotify_init1(flags));
}

/* fopen, popen and the like open inside libc: only the close is seen. */
HOOK int fclose(FILE *stream)
{
	shim_stream_closing(stream);
	return real.fclose(stream);
}

/*
 * Leaving without exit(): no destructor runs, so finish the log here. A
 * mapped log file would otherwise keep its blank reserve at the end.
 */
HOOK void _exit(int status)
{
	shim_leaving();
	real__exit(status);
}

HOOK void _Exit(int status)
{
	shim_leaving();
	real__exit(status);
}

HOOK int execve(const char *path, char *const argv[], char *const envp[])
{
	int ret;

	shim_exec_begin();
	ret = real.execve(path, argv, envp);
	shim_exec_failed();
	return ret;
}

HOOK int execv(const char *path, char *const argv[])
{
	int ret;

	shim_exec_begin();
	ret = real.execv(path, argv);
	shim_exec_failed();
	return ret;
}

HOOK int execvp(const char *file, char *const argv[])
{
	int ret;

	shim_exec_begin();
	ret = real.execvp(file, argv);
	shim_exec_failed();
	return ret;
}

HOOK int execvpe(const char *file, char *const argv[], char *const envp[])
{
	int ret;

	shim_exec_begin();
	ret = real.execvpe(file, argv, envp);
	shim_exec_failed();
	return ret;
}

/*
 * Signals: the log's SIGBUS guard and the trim on a fatal signal keep out
 * of the program's way (sigguard.h): it sees the dispositions and masks
 * it set.
 */
HOOK int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return sigguard_sigaction(sig, act, old);
}

HOOK sighandler_t signal(int sig, sighandler_t handler)
{
	return sigguard_signal(sig, handler);
}

/* The older interfaces: libc makes them from its internal sigaction and
 * sigprocmask, which no hook sees. */
HOOK sighandler_t bsd_signal(int sig, sighandler_t handler);
HOOK sighandler_t bsd_signal(int sig, sighandler_t handler)
{
	return sigguard_signal(sig, handler);
}

HOOK sighandler_t sysv_signal(int sig, sighandler_t handler)
{
	return sigguard_sysv_signal(sig, handler);
}

HOOK sighandler_t sigset(int sig, sighandler_t disp)
{
	return sigguard_sigset(sig, disp);
}

HOOK int sighold(int sig)
{
	return sigguard_hold(sig, true);
}

HOOK int sigrelse(int sig)
{
	return sigguard_hold(sig, false);
}

HOOK int sigignore(int sig)
{
	return sigguard_ignore(sig);
}

HOOK int siginterrupt(int sig, int flag)
{
	return sigguard_interrupt(sig, flag);
}

HOOK int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return sigguard_mask(how, set, old, false);
}

HOOK int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	return sigguard_mask(how, set, old, true);
}

/* A seccomp filter the program installs itself (sshd's sandbox). */
HOOK int prctl(int op, ...)
{
	unsigned long a, b, c, d;
	va_list ap;

	va_start(ap, op);
	a = va_arg(ap, unsigned long);
	b = va_arg(ap, unsigned long);
	c = va_arg(ap, unsigned long);
	d = va_arg(ap, unsigned long);
	va_end(ap);
	return shim_prctl(op, a, b, c, d);
}

HOOK long syscall(long nr, ...)
{
	long a[6];

	REAL_SYSCALL_ARGS(nr, a);
	return shim_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/*
 * Credentials and the root: the log opens this process's file while it
 * still may (a worker that drops to www-data keeps its records).
 */
#define CRED_HOOK(name, params, args)          \
	HOOK int name params                   \
	{                                      \
		int ret;                       \
                                               \
		shim_cred_begin();             \
		ret = real.name args;          \
		shim_cred_end(ret);            \
		return ret;                    \
	}

CRED_HOOK(setuid, (uid_t u), (u))
CRED_HOOK(setgid, (gid_t g), (g))
CRED_HOOK(seteuid, (uid_t u), (u))
CRED_HOOK(setegid, (gid_t g), (g))
CRED_HOOK(setreuid, (uid_t r, uid_t e), (r, e))
CRED_HOOK(setregid, (gid_t r, gid_t e), (r, e))
CRED_HOOK(setresuid, (uid_t r, uid_t e, uid_t s), (r, e, s))
CRED_HOOK(setresgid, (gid_t r, gid_t e, gid_t s), (r, e, s))
CRED_HOOK(setgroups, (size_t n, const gid_t *g), (n, g))
CRED_HOOK(initgroups, (const char *user, gid_t g), (user, g))
CRED_HOOK(chroot, (const char *path), (path))

/*
 * The file size limit the log stays under. A sanitizer runtime sets
 * limits while it starts, before its own memory (and anything of ours
 * that it checks) is ready: until our constructor has run, these go
 * straight to libc, touching nothing of ours.
 */
#define RAW __attribute__((no_sanitize("address", "undefined")))

RAW static void *libc_fn(void *volatile *slot, const char *name)
{
	void *fn = *slot;

	if (!fn) {
		fn = dlsym(RTLD_NEXT, name);
		*slot = fn;
	}
	return fn;
}

#define LIMIT_HOOK(name, params, args, res, applies)                          \
	RAW HOOK int name params                                              \
	{                                                                     \
		static void *volatile slot;                                   \
		int (*fn) params = (int(*) params)libc_fn(&slot, #name);      \
		int ret;                                                      \
                                                                              \
		if (!fn) {                                                    \
			errno = ENOSYS;                                       \
			return -1;                                            \
		}                                                             \
		ret = fn args;                                                \
		if (atomic_load_explicit(&hooks_ready, memory_order_relaxed)) \
			shim_limits_end((applies) ? ret : -1, (int)(res));    \
		return ret;                                                   \
	}

LIMIT_HOOK(setrlimit, (__rlimit_resource_t res, const struct rlimit *rl),
	   (res, rl), res, true)
LIMIT_HOOK(setrlimit64, (__rlimit_resource_t res, const struct rlimit64 *rl),
	   (res, rl), res, true)
LIMIT_HOOK(prlimit, (pid_t pid, __rlimit_resource_t res,
		     const struct rlimit *rl, struct rlimit *old),
	   (pid, res, rl, old), res, rl && (pid == 0 || pid == getpid()))
LIMIT_HOOK(prlimit64, (pid_t pid, __rlimit_resource_t res,
		       const struct rlimit64 *rl, struct rlimit64 *old),
	   (pid, res, rl, old), res, rl && (pid == 0 || pid == getpid()))
