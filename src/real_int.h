/* SPDX-License-Identifier: MIT */
/*
 * real_int — what real.c (the look-ups and first-call stubs) and
 * real_sys.c (the system-call fallbacks) share: the table of the calls
 * with fixed arguments, as X-macros, and the fallbacks' declarations.
 */
#ifndef SOCKSHIM_REAL_INT_H
#define SOCKSHIM_REAL_INT_H

#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>

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

/* sys_NAME: the fallback of each call (real_sys.c). */
#define SYS_DECLARE(type, fn, params, args) type sys_##fn params;
FIXED_CALLS(SYS_DECLARE)
#undef SYS_DECLARE
void sys_closefrom(int lo);
void sys__exit(int status);
int sys_fcntl(int fd, int cmd, ...);
int sys_open(const char *path, int flags, ...);
int sys_openat(int dirfd, const char *path, int flags, ...);
long sys_syscall(long nr, ...);

#endif
