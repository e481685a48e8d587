// SPDX-License-Identifier: MIT
/*
 * real_sys — the kernel's own entry points, each standing in for a libc
 * function dlsym cannot find (or finds inside sockshim itself): a hook
 * can never recurse into itself or jump to NULL.
 */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "real.h"
#include "real_int.h"

int sys_socket(int d, int t, int p)
{
	return (int)real.syscall(SYS_socket, d, t, p);
}

int sys_socketpair(int d, int t, int p, int sv[2])
{
	return (int)real.syscall(SYS_socketpair, d, t, p, sv);
}

int sys_setsockopt(int fd, int l, int o, const void *v, socklen_t n)
{
	return (int)real.syscall(SYS_setsockopt, fd, l, o, v, n);
}

int sys_getsockopt(int fd, int l, int o, void *v, socklen_t *n)
{
	return (int)real.syscall(SYS_getsockopt, fd, l, o, v, n);
}

int sys_bind(int fd, const struct sockaddr *a, socklen_t n)
{
	return (int)real.syscall(SYS_bind, fd, a, n);
}

int sys_listen(int fd, int b)
{
	return (int)real.syscall(SYS_listen, fd, b);
}

int sys_connect(int fd, const struct sockaddr *a, socklen_t n)
{
	return (int)real.syscall(SYS_connect, fd, a, n);
}

int sys_accept(int fd, struct sockaddr *a, socklen_t *n)
{
	return (int)real.syscall(SYS_accept, fd, a, n);
}

int sys_accept4(int fd, struct sockaddr *a, socklen_t *n, int f)
{
	return (int)real.syscall(SYS_accept4, fd, a, n, f);
}

int sys_close(int fd)
{
	return (int)real.syscall(SYS_close, fd);
}

int sys_dup(int fd)
{
	return (int)real.syscall(SYS_dup, fd);
}

int sys_dup2(int o, int n)
{
	return (int)real.syscall(SYS_dup2, o, n);
}

int sys_dup3(int o, int n, int f)
{
	return (int)real.syscall(SYS_dup3, o, n, f);
}

int sys_fcntl(int fd, int cmd, ...)
{
	unsigned long arg;

	REAL_VA_ARG(cmd, unsigned long, arg);
	return (int)real.syscall(SYS_fcntl, fd, cmd, arg);
}

int sys_close_range(unsigned int lo, unsigned int hi, int flags)
{
#ifdef SYS_close_range
	return (int)real.syscall(SYS_close_range, lo, hi, flags);
#else
	(void)lo, (void)hi, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

void sys_closefrom(int lo)
{
	if (sys_close_range((unsigned int)lo, ~0U, 0) == 0)
		return;
	/* Old kernels: close what /proc/self/fd would list, the slow way. */
	for (long fd = lo, max = sysconf(_SC_OPEN_MAX); fd < max; fd++)
		sys_close((int)fd);
}

void sys__exit(int status)
{
	for (;;)
		real.syscall(SYS_exit_group, status);
}

int sys_execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)real.syscall(SYS_execve, path, argv, envp);
}

/* Without libc's execv/execvp: execve with our environment (no PATH
 * search: a missing libc symbol is already a broken system). */
int sys_execv(const char *path, char *const argv[])
{
	return sys_execve(path, argv, environ);
}

int sys_execvp(const char *file, char *const argv[])
{
	return sys_execve(file, argv, environ);
}

int sys_execvpe(const char *file, char *const argv[],
		       char *const envp[])
{
	return sys_execve(file, argv, envp);
}

int sys_sigaction(int sig, const struct sigaction *sa,
			 struct sigaction *old)
{
	(void)sig, (void)sa, (void)old;
	errno = ENOSYS;	/* a libc without sigaction: nothing to guard */
	return -1;
}

int sys_sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return (int)real.syscall(SYS_rt_sigprocmask, how, set, old, _NSIG / 8);
}

int sys_pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	return sys_sigprocmask(how, set, old) == 0 ? 0 : errno;
}

int sys_prctl(int op, unsigned long a, unsigned long b,
		     unsigned long c, unsigned long d)
{
	return (int)real.syscall(SYS_prctl, op, a, b, c, d);
}

long sys_syscall(long nr, ...)
{
	(void)nr;
	errno = ENOSYS;
	return -1;
}

int sys_setuid(uid_t u)
{
	return (int)real.syscall(SYS_setuid, u);
}

int sys_setgid(gid_t g)
{
	return (int)real.syscall(SYS_setgid, g);
}

int sys_seteuid(uid_t u)
{
	return (int)real.syscall(SYS_setresuid, -1, u, -1);
}

int sys_setegid(gid_t g)
{
	return (int)real.syscall(SYS_setresgid, -1, g, -1);
}

int sys_setreuid(uid_t r, uid_t e)
{
	return (int)real.syscall(SYS_setreuid, r, e);
}

int sys_setregid(gid_t r, gid_t e)
{
	return (int)real.syscall(SYS_setregid, r, e);
}

int sys_setresuid(uid_t r, uid_t e, uid_t s)
{
	return (int)real.syscall(SYS_setresuid, r, e, s);
}

int sys_setresgid(gid_t r, gid_t e, gid_t s)
{
	return (int)real.syscall(SYS_setresgid, r, e, s);
}

int sys_setgroups(size_t n, const gid_t *g)
{
	return (int)real.syscall(SYS_setgroups, n, g);
}

int sys_initgroups(const char *user, gid_t g)
{
	(void)user, (void)g;
	errno = ENOSYS;
	return -1;
}

int sys_chroot(const char *path)
{
	return (int)real.syscall(SYS_chroot, path);
}

/* open(2) and its relatives: openat with AT_FDCWD is in every kernel. */
int sys_openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode;

	REAL_VA_ARG(flags, mode_t, mode);
	return (int)real.syscall(SYS_openat, dirfd, path, flags, mode);
}

int sys_open(const char *path, int flags, ...)
{
	mode_t mode;

	REAL_VA_ARG(flags, mode_t, mode);
	return sys_openat(AT_FDCWD, path, flags, mode);
}

int sys___openat_2(int dirfd, const char *path, int flags)
{
	return sys_openat(dirfd, path, flags, 0);
}

int sys___open_2(const char *path, int flags)
{
	return sys_openat(AT_FDCWD, path, flags, 0);
}

int sys_creat(const char *path, mode_t mode)
{
	return sys_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

int sys_pipe2(int fds[2], int flags)
{
	return (int)real.syscall(SYS_pipe2, fds, flags);
}

int sys_pipe(int fds[2])
{
	return sys_pipe2(fds, 0);
}

int sys_eventfd(unsigned int count, int flags)
{
	return (int)real.syscall(SYS_eventfd2, count, flags);
}

int sys_timerfd_create(int clock, int flags)
{
	return (int)real.syscall(SYS_timerfd_create, clock, flags);
}

int sys_signalfd(int fd, const sigset_t *mask, int flags)
{
	return (int)real.syscall(SYS_signalfd4, fd, mask, _NSIG / 8, flags);
}

int sys_epoll_create1(int flags)
{
	return (int)real.syscall(SYS_epoll_create1, flags);
}

int sys_epoll_create(int size)
{
	if (size <= 0) {
		errno = EINVAL;
		return -1;
	}
	return sys_epoll_create1(0);
}

int sys_memfd_create(const char *name, unsigned int flags)
{
#ifdef SYS_memfd_create
	return (int)real.syscall(SYS_memfd_create, name, flags);
#else
	(void)name, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

int sys_inotify_init1(int flags)
{
	return (int)real.syscall(SYS_inotify_init1, flags);
}

int sys_inotify_init(void)
{
	return sys_inotify_init1(0);
}

int sys_fclose(FILE *f)
{
	(void)f;
	errno = ENOSYS;	/* a libc without fclose: nothing to close with */
	return EOF;
}
