/* SPDX-License-Identifier: MIT */
/*
 * shim — what each interposed call does around the real one.
 *
 * Each shim_X has the signature and the contract of X: same return value,
 * same errno, same fd numbers, unless the policy says otherwise. The
 * exported hooks (hooks.c) only forward here.
 */
#ifndef SOCKSHIM_SHIM_H
#define SOCKSHIM_SHIM_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>

#include "policy.h"

/* Load the policy and open the log; idempotent, thread-safe. */
void shim_init(void);
/* From the constructor: start now, or on the first socket call. */
void shim_construct(void);
/* At exit: finish the log. */
void shim_fini(void);
/* Before _exit or exec: the same, unless we are a vfork child. */
void shim_leaving(void);
/* The policy in force (defaults when passing through). */
const struct policy *shim_policy(void);
/* False when an invalid or missing config made us step aside. */
bool shim_active(void);

int shim_socket(int domain, int type, int protocol);
int shim_socketpair(int domain, int type, int protocol, int sv[2]);
int shim_setsockopt(int fd, int level, int optname, const void *optval,
		    socklen_t optlen);
int shim_getsockopt(int fd, int level, int optname, void *optval,
		    socklen_t *optlen);
int shim_bind(int fd, const struct sockaddr *addr, socklen_t len);
int shim_listen(int fd, int backlog);
int shim_connect(int fd, const struct sockaddr *addr, socklen_t len);
int shim_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags,
		 bool is_accept4);
int shim_close(int fd);
int shim_dup(int fd);
int shim_dup3(int oldfd, int newfd, int flags, bool is_dup3);
int shim_fcntl(int fd, int cmd, unsigned long arg, bool is64);
int shim_close_range(unsigned int lo, unsigned int hi, int flags);
void shim_closefrom(int lo);

/*
 * A call that is not a socket's handed out fd (fd < 0: it failed): the
 * number is not a socket now, whatever we knew of it. A socket can be
 * closed where no hook sees it (inside libc, by a raw system call), and
 * its number handed out again. These keep errno and log nothing.
 */
int shim_fd_new(int fd);
/* The same for the pair a pipe-like call filled when it returned 0. */
int shim_fd_pair(int ret, const int fds[2]);
/* A stream is about to be closed, and its fd with it. */
void shim_stream_closing(FILE *stream);

/* Copy from a pointer the program gave us; false if unreadable. */
bool shim_safe_read(void *dst, const void *src, size_t len);

/* The process around the sockets (shim_life.c): exec, credentials,
 * sandboxes, limits. Each keeps the real call's result and errno. */
void shim_exec_begin(void);
void shim_exec_failed(void);
void shim_cred_begin(void);
void shim_cred_end(int ret);
int shim_prctl(int op, unsigned long a, unsigned long b, unsigned long c,
	       unsigned long d);
long shim_syscall(long nr, long a, long b, long c, long d, long e, long f);
void shim_limits_end(int ret, int resource);

#endif
