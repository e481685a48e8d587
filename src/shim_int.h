/* SPDX-License-Identifier: MIT */
/*
 * shim_int — what the shim's rooms share, private to them.
 *
 * shim.c       the lifecycle: loading the policy, opening the log, the
 *              state every call reads (below), fork.
 * shim_facts.c what we know about a socket and how we learn it: the
 *              kernel asked, addresses read from the program's memory,
 *              the policy's own setsockopt calls when a fact appears.
 * shim_opts.c  setsockopt and getsockopt.
 * shim_conn.c  a socket's life until it is connected: socket, socketpair,
 *              bind, listen, connect, accept.
 * shim_fds.c   fd numbers: close, the dup family, fcntl, close_range,
 *              closefrom, and the calls that hand out fd numbers.
 *
 * Every interposed call has the same shape:
 *
 *	struct frame f;
 *
 *	if (!call_begin(&f))
 *		return real.X(...);		   (not ours to handle)
 *	... facts, policy before the call ...
 *	call_done(&f, real.X(...));
 *	... facts after the call ...
 *	return call_end(&f, record or NULL);
 */
#ifndef SOCKSHIM_SHIM_INT_H
#define SOCKSHIM_SHIM_INT_H

#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "fdtab.h"
#include "log.h"
#include "policy.h"

#pragma GCC visibility push(hidden)

/* The policy in force: immutable, swapped whole when the file changes
 * (shim_reload.c), never freed while a reader may hold it. */
extern _Atomic(const struct policy *) shim_pol_now;
/* When the policy file is next looked at (CLOCK_MONOTONIC_COARSE
 * seconds); 0: never. */
extern atomic_long shim_reload_due;
extern atomic_bool shim_on;	/* a valid policy: the shim acts */
extern atomic_bool shim_ready;	/* initialisation finished, either way */

/*
 * Depth of shim code on this thread. Anything libc does on our behalf
 * that lands in a hook again (or a hook called from a signal handler
 * while another is running) goes straight to the real call.
 */
extern __thread int shim_depth __attribute__((tls_model("initial-exec")));

/* Start on the first socket call, not in the constructor (shim.c). */
extern atomic_bool shim_lazy;

/*
 * Enter shim code, or say the caller must just make the real call. A
 * call on descriptors (close, dup, fcntl...) does not start a lazy shim:
 * only a socket call does.
 */
static inline bool shim_enter_as(bool socket_call)
{
	/* Every call comes here: one load once initialised. */
	if (!atomic_load_explicit(&shim_ready, memory_order_acquire)) {
		if (!socket_call &&
		    atomic_load_explicit(&shim_lazy, memory_order_relaxed))
			return false;
		shim_init();
	}
	if (shim_depth || !atomic_load_explicit(&shim_on, memory_order_relaxed))
		return false;
	shim_depth++;
	return true;
}

static inline bool shim_enter(void)
{
	return shim_enter_as(false);
}

static inline void shim_leave(void)
{
	shim_depth--;
}

static inline const struct policy *pol(void)
{
	return atomic_load_explicit(&shim_pol_now, memory_order_acquire);
}

/* At most once a second, on a socket call: has the policy file changed? */
void shim_reload_check(void);

static inline void reload_maybe(void)
{
	long due = atomic_load_explicit(&shim_reload_due, memory_order_relaxed);
	struct timespec t;

	if (!due)
		return;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
	if (t.tv_sec >= due)
		shim_reload_check();
}

/* Whether a record with this action is written at all. */
static inline bool logging(enum pol_action action)
{
	return log_enabled() && (action != ACT_NONE || !log_policy_only());
}

static inline void emit(const struct log_rec *r)
{
	if (logging(r->action))
		log_emit(r);
}

/* ------------------------------------------------------------- frame */

/*
 * One interposed call, from entry to return. call_begin enters shim code
 * and keeps the program's errno; call_done takes the real call's result;
 * call_end logs, leaves and hands errno back as libc would have left it:
 * the program's own after a success (whatever the shim's calls did to
 * it), the real call's after a failure.
 */
struct frame {
	int caller_errno;
	bool failed;
	int err;	/* errno of the real call when it failed */
	long ret;
};

static inline bool call_begin_as(struct frame *f, bool socket_call)
{
	if (!shim_enter_as(socket_call))
		return false;
	f->caller_errno = errno;
	if (socket_call)	/* descriptor calls never pay for it */
		reload_maybe();
	return true;
}

/* A call on descriptors. */
static inline bool call_begin(struct frame *f)
{
	return call_begin_as(f, false);
}

/* A socket call: the one that starts a lazy shim. */
static inline bool call_begin_socket(struct frame *f)
{
	return call_begin_as(f, true);
}

/* Right after the real call, before anything else touches errno. */
static inline void call_done(struct frame *f, long ret)
{
	f->ret = ret;
	f->failed = ret < 0;
	f->err = f->failed ? errno : 0;
}

/* The call fails without reaching libc. */
static inline void call_refuse(struct frame *f, int err)
{
	f->ret = -1;
	f->failed = true;
	f->err = err;
}

/* The record of this call, as the program saw it. */
static inline void call_emit(const struct frame *f, struct log_rec *r)
{
	r->ret = f->ret;
	r->err = f->err;
	emit(r);
}

/* Log r if given, leave, and return what the program sees. */
static inline int call_end(struct frame *f, struct log_rec *r)
{
	if (r)
		call_emit(f, r);
	shim_leave();
	errno = f->failed ? f->err : f->caller_errno;
	return (int)f->ret;
}

/* ------------------------------------------------- facts (shim_facts.c) */

/* shim_safe_read inside a frame, where errno is the frame's to restore. */
bool facts_read(void *dst, const void *src, size_t len);

/* Ask the kernel and remember; errno is left as it was. */
bool facts_discover(int fd, struct sockinfo *si);

/* What we know of fd, asking the kernel if we never saw it made. */
static inline bool facts_known(int fd, struct sockinfo *si)
{
	return fdtab_get(fd, si) || facts_discover(fd, si);
}

/* A new socket's facts (the caller stores them). */
static inline void facts_created(int family, int type, int protocol,
				 struct sockinfo *si)
{
	int bare = type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK);

	/* The protocol the kernel picks for 0, as rules and the log name it. */
	if (!protocol && (family == AF_INET || family == AF_INET6))
		protocol = bare == SOCK_STREAM ? IPPROTO_TCP :
			   bare == SOCK_DGRAM	 ? IPPROTO_UDP :
						   0;
	memset(si, 0, sizeof(*si));
	si->family = (uint16_t)family;
	si->type = (uint16_t)bare;
	si->protocol = (uint16_t)protocol;
}
/* An address as facts: IPv4 as v4-mapped; other families leave them. */
void facts_from_addr(const struct sockaddr *sa, socklen_t len,
		     struct in6_addr *addr, uint16_t *port);
/* The port the kernel chose, when a rule names local facts. */
void facts_local(int fd, struct sockinfo *si);
/* An accepted socket: its listener's kind, a peer of its own. */
void facts_accepted(int lfd, int nfd, const struct sockaddr *peer,
		    socklen_t peerlen, struct sockinfo *si);
/* Set up the once-a-second look at the policy file (shim_reload.c);
 * env_mode: SOCKSHIM_MODE's mode, or -1. */
void shim_reload_setup(const char *path, const char *prog, int env_mode);

/*
 * Carry out what the policy sets when an event happens to a socket (its
 * own setsockopt calls, each logged), remember which rules have been
 * carried out, and store si.
 */
struct facts_apply_ctx {
	int fd;
	bool enforce;
};

void facts_apply_one(const struct pol_apply *a, void *arg);

static inline void facts_apply(int fd, struct sockinfo *si,
			       enum pol_event ev)
{
	const struct policy *p = pol();
	struct facts_apply_ctx ac = {
		.fd = fd, .enforce = p->mode == MODE_ENFORCE
	};

	policy_on_event(p, si, ev, facts_apply_one, &ac);
	fdtab_set(fd, si);
}
/* Copy an address the program passed; false if it cannot be read. */
bool facts_copy_addr(const struct sockaddr *addr, socklen_t len,
		     struct sockaddr_storage *copy);

/*
 * bind, listen and connect each reveal a fact rules may name. The rules
 * that now match are applied before the real call, when the kernel still
 * needs them (SO_REUSEADDR before bind, buffer sizes before listen and
 * connect); if the call fails, the fact is withdrawn again, keeping the
 * record of the rules that ran (their options stay set).
 */
struct tentative {
	bool have;
	struct sockinfo si, before;
};

/* What we know of fd, for the caller to change in t->si; or false. */
bool tentative_begin(int fd, struct tentative *t);
/* The caller changed t->si: apply the rules it makes match, store it. */
void tentative_apply(int fd, struct tentative *t, enum pol_event ev);
/* After the real call: the facts hold, or go back to what they were. */
void tentative_end(int fd, struct tentative *t, bool holds);

#pragma GCC visibility pop

#endif
