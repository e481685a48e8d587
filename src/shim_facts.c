// SPDX-License-Identifier: MIT
/*
 * shim_facts — what we know about each socket and how we learn it: its
 * creation, the addresses the program passes (read without trusting the
 * pointer), the kernel asked when we did not see it made, and the
 * policy's own setsockopt calls when a new fact makes a rule match.
 */
#include "build-config.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fdtab.h"
#include "log.h"
#include "optcat.h"
#include "policy.h"
#include "real.h"
#include "sandbox.h"
#include "shim.h"
#include "shim_int.h"

/*
 * Copy from a pointer the program gave us without trusting it: the
 * kernel checks the address, so a wild pointer is an error, not a crash.
 */
/*
 * Under a filter we cannot read: the pages are mapped if madvise accepts
 * them (a hint with no effect on their contents), then copied. A pointer
 * into a mapping with no read access would still fault: the one case
 * this misses.
 */
static bool mapped_read(void *dst, const void *src, size_t len)
{
	uintptr_t psz = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = (uintptr_t)src & ~(psz - 1);
	uintptr_t end = (uintptr_t)src + len;

	if (end < (uintptr_t)src)
		return false;
	if (madvise((void *)lo, end - lo, MADV_WILLNEED) != 0)
		return false;
	memcpy(dst, src, len);
	return true;
}

bool facts_read(void *dst, const void *src, size_t len)
{
	static atomic_bool no_vm_readv;
	struct iovec local = { dst, len }, remote = { (void *)src, len };
	unsigned char vec[2];
	uintptr_t page;
	long psz;

	if (!src)
		return false;
	if (!len)
		return true;
	if (!sandbox_allows(SBX_READMEM))
		return false;	/* a sandbox: no call of ours to check it */
	if (atomic_load_explicit(&sandbox_blind, memory_order_relaxed))
		return mapped_read(dst, src, len);
	if (!atomic_load_explicit(&no_vm_readv, memory_order_relaxed)) {
		ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);

		if (n == (ssize_t)len)
			return true;
		if (n >= 0 || errno == EFAULT)
			return false;
		/* Filtered by a sandbox: check the pages are mapped instead. */
		atomic_store(&no_vm_readv, true);
	}
	psz = sysconf(_SC_PAGESIZE);
	page = (uintptr_t)src & ~(uintptr_t)(psz - 1);
	if (mincore((void *)page, (uintptr_t)src + len - page, vec) != 0 &&
	    len <= (size_t)psz)
		return false;
	memcpy(dst, src, len);
	return true;
}

/* Called before the real call too: errno stays the program's. */
bool shim_safe_read(void *dst, const void *src, size_t len)
{
	int err = errno;
	bool ok = facts_read(dst, src, len);

	errno = err;
	return ok;
}

bool facts_copy_addr(const struct sockaddr *addr, socklen_t len,
		     struct sockaddr_storage *copy)
{
	return len <= sizeof(*copy) && facts_read(copy, addr, len);
}

void facts_from_addr(const struct sockaddr *sa, socklen_t len,
		     struct in6_addr *addr, uint16_t *port)
{
	if (sa && sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const void *)sa;

		memset(addr, 0, sizeof(*addr));
		addr->s6_addr[10] = addr->s6_addr[11] = 0xff;
		memcpy(&addr->s6_addr[12], &in->sin_addr, 4);
		*port = ntohs(in->sin_port);
	} else if (sa && sa->sa_family == AF_INET6 &&
		   len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		*addr = in6->sin6_addr;
		*port = ntohs(in6->sin6_port);
	}
}

/*
 * A socket we did not see created (inherited across exec, made by a raw
 * system call): ask the kernel once and remember.
 */
static bool ask_kernel(int fd, struct sockinfo *si)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(int), slen;
	int v;

	memset(si, 0, sizeof(*si));
	/* Under the program's own seccomp filter, only calls it allows. */
	if (!sandbox_allows(SBX_GETSOCKOPT) || !sandbox_allows(SBX_SOCKNAME))
		return false;
	if (real.getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) != 0)
		return false;
	si->family = (uint16_t)v;
	len = sizeof(int);
	if (real.getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == 0)
		si->type = (uint16_t)v;
	len = sizeof(int);
	if (real.getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0)
		si->protocol = (uint16_t)v;
	len = sizeof(int);
	if (real.getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v)
		si->role = ROLE_LISTENER;
	slen = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &slen) == 0) {
		facts_from_addr((struct sockaddr *)&ss, slen, &si->local_addr,
				&si->local_port);
		si->has_local = 1;
	}
	slen = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &slen) == 0) {
		facts_from_addr((struct sockaddr *)&ss, slen, &si->remote_addr,
				&si->remote_port);
		si->has_remote = 1;
		if (si->role == ROLE_NONE)
			si->role = ROLE_CLIENT;
	}
	fdtab_set(fd, si);
	return true;
}

bool facts_discover(int fd, struct sockinfo *si)
{
	int err = errno;
	bool ok = ask_kernel(fd, si);

	errno = err;
	return ok;
}

/*
 * Bound to port 0 (or implicitly by listen): the kernel chose the port.
 * Ask it, but only when a rule names local facts.
 */
void facts_local(int fd, struct sockinfo *si)
{
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);

	if (!(pol()->match_keys & (M_LOCAL_PORT | M_LOCAL_ADDR)) ||
	    (si->has_local && si->local_port))
		return;
	if (getsockname(fd, (struct sockaddr *)&ss, &slen) == 0 &&
	    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)) {
		facts_from_addr((struct sockaddr *)&ss, slen, &si->local_addr,
				&si->local_port);
		si->has_local = si->local_port != 0;
	}
}

void facts_accepted(int lfd, int nfd, const struct sockaddr *peer,
		    socklen_t peerlen, struct sockinfo *si)
{
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);

	if (!facts_known(lfd, si) && !facts_discover(nfd, si))
		memset(si, 0, sizeof(*si));
	si->role = ROLE_ACCEPTED;
	si->rules_applied = 0;
	si->has_remote = 0;
	if (peer) {
		facts_from_addr(peer, peerlen, &si->remote_addr,
				&si->remote_port);
		si->has_remote = 1;
	} else if ((pol()->match_keys & (M_REMOTE_PORT | M_REMOTE_ADDR)) &&
		   getpeername(nfd, (struct sockaddr *)&ss, &slen) == 0) {
		/* accept(fd, NULL, NULL): ask only when a rule needs it. */
		facts_from_addr((struct sockaddr *)&ss, slen, &si->remote_addr,
				&si->remote_port);
		si->has_remote = 1;
	}
}

void facts_apply_one(const struct pol_apply *a, void *arg)
{
	const struct facts_apply_ctx *ac = arg;
	const struct optcat_entry *e = &optcat_table[a->opt];
	struct log_rec r = {
		.call = LC_SETSOCKOPT, .by_policy = true, .fd = ac->fd,
		.level = e->level, .optname = e->optname,
		.has_opt = true, .opt = a->opt, .val = &a->val,
		.action = ACT_SET, .enforce = ac->enforce, .rule = a->rule,
	};
	const void *buf;
	socklen_t len = optval_encode(&a->val, &buf);

	if (ac->enforce && !sandbox_allows(SBX_SETSOCKOPT)) {
		/* The program's seccomp filter forbids it: not ours to try. */
		r.ret = -1;
		r.err = EPERM;
	} else if (ac->enforce) {
		r.ret = real.setsockopt(ac->fd, e->level, e->optname, buf, len);
		r.err = r.ret ? errno : 0;
	}
	emit(&r);
}

bool tentative_begin(int fd, struct tentative *t)
{
	t->have = facts_known(fd, &t->si);
	if (t->have)
		t->before = t->si;
	return t->have;
}

void tentative_apply(int fd, struct tentative *t, enum pol_event ev)
{
	facts_apply(fd, &t->si, ev);
}

void tentative_end(int fd, struct tentative *t, bool holds)
{
	if (!t->have || holds)
		return;
	t->before.rules_applied = t->si.rules_applied;
	fdtab_set(fd, &t->before);
}
