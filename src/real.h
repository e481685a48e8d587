/* SPDX-License-Identifier: MIT */
/*
 * real — the libc functions our hooks replace, each looked up once.
 *
 * Every pointer is always callable: a symbol that is missing, or that
 * dlsym resolves back into sockshim itself, is replaced by a direct
 * system call, so a hook can never recurse into itself or jump to NULL.
 */
#ifndef SOCKSHIM_REAL_H
#define SOCKSHIM_REAL_H

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

struct real_fns {
	int (*socket)(int, int, int);
	int (*socketpair)(int, int, int, int[2]);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	int (*getsockopt)(int, int, int, void *, socklen_t *);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*listen)(int, int);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*accept)(int, struct sockaddr *, socklen_t *);
	int (*accept4)(int, struct sockaddr *, socklen_t *, int);
	int (*close)(int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*fcntl)(int, int, ...);
	int (*fcntl64)(int, int, ...);
	int (*close_range)(unsigned int, unsigned int, int);
	void (*closefrom)(int);
	void (*_exit)(int);
	int (*execve)(const char *, char *const[], char *const[]);
	int (*execv)(const char *, char *const[]);
	int (*execvp)(const char *, char *const[]);
	int (*execvpe)(const char *, char *const[], char *const[]);
	/* Signals: the SIGBUS guard and the fatal-signal trim (sigguard.c). */
	int (*sigaction)(int, const struct sigaction *, struct sigaction *);
	int (*sigprocmask)(int, const sigset_t *, sigset_t *);
	int (*pthread_sigmask)(int, const sigset_t *, sigset_t *);
	/* Sandboxes the program enters itself. */
	int (*prctl)(int, unsigned long, unsigned long, unsigned long,
		     unsigned long);
	long (*syscall)(long, ...);
	/* Credentials and the root: the log opens its file before them. */
	int (*setuid)(uid_t);
	int (*setgid)(gid_t);
	int (*seteuid)(uid_t);
	int (*setegid)(gid_t);
	int (*setreuid)(uid_t, uid_t);
	int (*setregid)(gid_t, gid_t);
	int (*setresuid)(uid_t, uid_t, uid_t);
	int (*setresgid)(gid_t, gid_t, gid_t);
	int (*setgroups)(size_t, const gid_t *);
	int (*initgroups)(const char *, gid_t);
	int (*chroot)(const char *);
	/* Calls that hand out fd numbers (a stale socket fact is dropped). */
	int (*open)(const char *, int, ...);
	int (*open64)(const char *, int, ...);
	int (*openat)(int, const char *, int, ...);
	int (*openat64)(int, const char *, int, ...);
	int (*__open_2)(const char *, int);
	int (*__open64_2)(const char *, int);
	int (*__openat_2)(int, const char *, int);
	int (*__openat64_2)(int, const char *, int);
	int (*creat)(const char *, mode_t);
	int (*creat64)(const char *, mode_t);
	int (*pipe)(int[2]);
	int (*pipe2)(int[2], int);
	int (*eventfd)(unsigned int, int);
	int (*timerfd_create)(int, int);
	int (*signalfd)(int, const sigset_t *, int);
	int (*epoll_create)(int);
	int (*epoll_create1)(int);
	int (*memfd_create)(const char *, unsigned int);
	int (*inotify_init)(void);
	int (*inotify_init1)(int);
	/* A stream's fd closes inside libc, where no hook sees it. */
	int (*fclose)(FILE *);
};

extern struct real_fns real;

/*
 * What a variadic call may have been passed, read as libc reads it: the
 * third argument of fcntl (an int, a long or a pointer: all fit a long),
 * open's mode only when the flags create a file.
 */
#define REAL_VA_ARG(last, type, out)            \
	do {                                    \
		va_list ap_;                    \
                                                \
		va_start(ap_, last);            \
		(out) = va_arg(ap_, type);      \
		va_end(ap_);                    \
	} while (0)
/* syscall's: six longs, whatever the call takes, as libc's syscall reads
 * them (a[0..5]). */
#define REAL_SYSCALL_ARGS(nr, a)                        \
	do {                                            \
		va_list ap_;                            \
                                                        \
		va_start(ap_, nr);                      \
		for (int i_ = 0; i_ < 6; i_++)          \
			(a)[i_] = va_arg(ap_, long);    \
		va_end(ap_);                            \
	} while (0)
#define REAL_OPEN_MODE(flags, mode)                                   \
	do {                                                          \
		(mode) = 0;                                           \
		if (((flags) & O_CREAT) ||                            \
		    ((flags) & O_TMPFILE) == O_TMPFILE)               \
			REAL_VA_ARG(flags, mode_t, mode);             \
	} while (0)

/*
 * Each pointer is callable from the start: until its function is looked
 * up (on its first call), it points at a stub that looks it up.
 *
 * real_start: in the constructor, find our own object and look up what a
 * signal handler may call first (_exit, close, the signal calls), so no
 * lookup ever runs inside a handler for those.
 * real_init: look up everything now (the shim starting); cheap after
 * the first call, safe from any thread.
 */
void real_start(void);
void real_init(void);

/* Names of symbols that had to fall back to a system call (for `check`). */
const char *real_fallbacks(void);

#endif
