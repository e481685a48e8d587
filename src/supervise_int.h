/* SPDX-License-Identifier: MIT */
/*
 * supervise_int — what the supervisor's rooms share, private to
 * src/supervise*.c (the entry points are in supervise.h).
 *
 * supervise.c        the run: the policy, the program started as our
 *                    child, the loop that serves it (signals, reaping,
 *                    notifications), its end passed on as ours.
 * supervise_probe.c  before a run: what the kernel offers, and the rules
 *                    the supervisor cannot carry out as written.
 * supervise_child.c  the child's side until exec: the filter installed,
 *                    its listener handed to the parent over a socket pair
 *                    (the parent's end of it too).
 * supervise_calls.c  one stopped call: bind, connect, listen, setsockopt,
 *                    io_uring_setup, exec; the policy applied, the record.
 * supervise_task.c   the calling threads: their pidfds, descriptors and
 *                    memory; processes that keep us out.
 * supervise_sock.c   sockets known by SO_COOKIE and what we know of them.
 * supervise_caps.c   capabilities: setsockopt on the caller's behalf with
 *                    none it lacks.
 * supervise_bpf.c    the filter (declared in supervise.h: the unit test
 *                    builds it).
 *
 * Shared names start with sv_.
 */
#ifndef SOCKSHIM_SUPERVISE_INT_H
#define SOCKSHIM_SUPERVISE_INT_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "policy.h"
#include "supervise.h"

/* What older kernel headers lack. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif

#define TASK_SLOTS 256
#define SOCK_SLOTS (1u << 16)

enum { SEEN_CREATED = 1, SEEN_BIND = 2, SEEN_LISTEN = 4, SEEN_CONNECT = 8 };

/* A thread of the program: its pidfd, and what the log calls it. */
struct sv_task {
	pid_t tid, tgid;
	int pidfd;
	bool stale;
	char comm[17];
};

/* A socket we have seen, by SO_COOKIE (unique while the system runs). */
struct sv_sock {
	uint64_t cookie;
	struct sockinfo si;
	unsigned char seen;
};

/* The supervisor: one per run. */
struct sv {
	struct policy pol;
	struct sv_features feat;
	char prog[64];
	int listener, sigfd;
	pid_t child;
	bool child_done;
	int child_status;
	bool privileged;	/* we hold capabilities the program may lack */
	unsigned char *needs_cap;	/* by catalogue index: privileged_opts */
	struct seccomp_notif *notif;
	struct seccomp_notif_resp *resp;
	size_t notif_size, resp_size;
	struct sv_task tasks[TASK_SLOTS];
	struct sv_sock *socks;
	pid_t refused[32];	/* processes said to keep us out, a ring */
	unsigned int nrefused;
};

/* seccomp(2), which libc does not wrap. */
static inline long sv_seccomp(unsigned int op, unsigned long flags, void *arg)
{
	return syscall(SYS_seccomp, op, flags, arg);
}

/* ---------------------------------------------- supervise_child.c */

/* What the child needs from the parent to start the program. */
struct sv_child {
	pid_t parent;
	int sock;
	const sigset_t *mask;
	const struct sigaction *pipe_act;
	struct sock_fprog *prog;
	bool killable;
};

/* In the child after fork: install the filter, hand over its listener,
 * wait for the go-ahead and exec argv; never returns. */
void sv_child_main(const struct sv_child *cs, char **argv)
	__attribute__((noreturn));
/* The parent's end: the child's listener; -1 and *err: none. */
int sv_recv_fd(int sock, int *err);

/* ---------------------------------------------- supervise_calls.c */

/* Receive one stopped call and answer it. */
void sv_serve_one(struct sv *s);

/* ----------------------------------------------- supervise_task.c */

/* Name, thread group and effective capabilities from /proc/TID/status. */
bool sv_task_status(pid_t tid, char *comm, size_t clen, pid_t *tgid,
		    uint64_t *capeff);
/* Is notification id still waiting for its answer? */
bool sv_notif_valid(const struct sv *s, uint64_t id);
/* The caller of notification n, with a pidfd proven to be it; NULL. */
struct sv_task *sv_task_get(struct sv *s, const struct seccomp_notif *n);
/* The caller's socket fd, as a descriptor of ours; -1 if none. */
int sv_task_getfd(struct sv *s, struct sv_task *t,
		  const struct seccomp_notif *n, int fd);
/* len bytes of pid's memory at addr (t, if known, is told off once). */
bool sv_read_mem(struct sv *s, const struct sv_task *t, pid_t pid,
		 uint64_t addr, void *buf, size_t len);
/* An exec: the names kept for this process's threads are stale. */
void sv_task_exec(struct sv *s, const struct seccomp_notif *n);

/* ----------------------------------------------- supervise_sock.c */

/* The socket behind dup (ours), discovered on first sight; NULL. */
struct sv_sock *sv_sock_get(struct sv *s, int dup);
/* An IPv4 or IPv6 address and port from sa (v4 as v4-mapped). */
void sv_addr_facts(const struct sockaddr *sa, socklen_t len,
		   struct in6_addr *addr, uint16_t *port);
/* The local address, once the kernel has given one. */
void sv_local_facts(int dup, struct sockinfo *si);

/* ----------------------------------------------- supervise_caps.c */

/* Do we hold capabilities, and which options need one (s->needs_cap). */
void sv_caps_init(struct sv *s);
/* CAP_SYS_ADMIN in our effective set. */
bool sv_have_cap_sys_admin(void);
/* setsockopt of catalogue option opt on dup as thread tid could make it;
 * INT_MIN when we cannot act as the caller (nothing was done). */
int sv_set_as_caller(const struct sv *s, pid_t tid, int dup, int opt,
		     const void *buf, socklen_t len);

#endif
