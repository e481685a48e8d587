// SPDX-License-Identifier: MIT
/* shim — each interposed call: the real call, our bookkeeping, the log. */
#include "build-config.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "config.h"
#include "fdtab.h"
#include "log.h"
#include "real.h"
#include "sandbox.h"
#include "shim.h"

#ifndef SOCKSHIM_SYSCONFDIR
#define SOCKSHIM_SYSCONFDIR "/etc"
#endif
#define EX_CONFIG 78		/* sysexits.h: configuration error */

static struct policy policy;
static atomic_bool active;
static atomic_bool ready;	/* initialisation finished, either way */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/*
 * Depth of shim code on this thread. Anything libc does on our behalf
 * that lands in a hook again (or a hook called from a signal handler
 * while another is running) goes straight to the real call.
 */
static __thread int depth __attribute__((tls_model("initial-exec")));

/* ---------------------------------------------------------------- init */

static void report_errors(const struct config_errors *errs, const char *prog)
{
	char line[768];

	for (int i = 0; i < errs->n && i < CONFIG_MAX_ERRORS; i++) {
		config_error_format(&errs->e[i], line, sizeof(line));
		log_warn("sockshim: %s", line);
	}
	if (errs->n > CONFIG_MAX_ERRORS)
		log_warn("sockshim: ... and %d more errors",
			 errs->n - CONFIG_MAX_ERRORS);
	if (policy.on_error == ONERR_ABORT) {
		log_warn("sockshim: invalid configuration; stopping %s "
			 "(on_error = \"abort\")", prog);
		real._exit(EX_CONFIG);
	}
	log_warn("sockshim: no valid configuration; running %s without "
		 "sockshim (on_error = \"passthrough\")", prog);
}

static bool apply_env(const char *prog)
{
	const char *mode = secure_getenv("SOCKSHIM_MODE");
	const char *path = secure_getenv("SOCKSHIM_LOG");
	static const char *const modes[] = { "enforce", "audit", "trace" };

	if (path && *path)
		snprintf(policy.log.path, sizeof(policy.log.path), "%s", path);
	if (!mode || !*mode)
		return true;
	for (int i = 0; i < 3; i++)
		if (strcmp(mode, modes[i]) == 0) {
			policy.mode = (enum pol_mode)i;
			return true;
		}
	{
		struct config_errors errs = { .n = 1 };

		snprintf(errs.e[0].file, sizeof(errs.e[0].file), "environment");
		snprintf(errs.e[0].key, sizeof(errs.e[0].key), "SOCKSHIM_MODE");
		snprintf(errs.e[0].msg, sizeof(errs.e[0].msg),
			 "unknown mode \"%s\" (expected enforce, audit or "
			 "trace)", mode);
		report_errors(&errs, prog);
	}
	return false;
}

static void atfork_prepare(void)
{
	log_before_fork();
}

static void atfork_child(void)
{
	log_after_fork_child();
}

static bool discover(int fd, struct sockinfo *si);

/*
 * Sockets the process inherited (across exec, from inetd or systemd):
 * known from the start, so even a first close of one is a socket's.
 */
static void find_inherited(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct sockinfo si;
	struct dirent *e;
	struct stat st;

	if (!d) {
		for (int fd = 0; fd < 256; fd++)
			if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
			    !log_owns_fd(fd))
				discover(fd, &si);
		return;
	}
	while ((e = readdir(d))) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);

		if (*end || end == e->d_name || fd == dirfd(d) || fd > INT_MAX)
			continue;
		if (fstat((int)fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
		    !log_owns_fd((int)fd))
			discover((int)fd, &si);
	}
	closedir(d);
}

static void shim_init_once(void)
{
	const char *prog = program_invocation_short_name;
	const char *path = secure_getenv("SOCKSHIM_CONFIG");
	struct config_errors errs;
	int saved = errno;

	depth++;
	real_init();
	if (!path || !*path)
		path = SOCKSHIM_SYSCONFDIR "/sockshim.conf";
	if (config_load(path, &policy, &errs) != 0) {
		report_errors(&errs, prog);
	} else if (apply_env(prog)) {
		policy_set_program(&policy, prog);
		log_open(&policy.log, prog);
		find_inherited();
		pthread_atfork(atfork_prepare, NULL, atfork_child);
		atomic_store(&active, true);
	}
	atomic_store_explicit(&ready, true, memory_order_release);
	depth--;
	errno = saved;
}

void shim_init(void)
{
	real_init();
	if (depth)
		return;
	pthread_once(&init_once, shim_init_once);
}

void shim_fini(void)
{
	if (shim_active())
		log_close();
}

void shim_leaving(void)
{
	int err = errno;

	/* Never initialise here: a process leaving needs nothing of us. */
	if (shim_active() && !depth)
		log_close();
	errno = err;
}

const struct policy *shim_policy(void)
{
	return &policy;
}

bool shim_active(void)
{
	return atomic_load_explicit(&active, memory_order_acquire);
}

/* Enter shim code, or say the caller must just make the real call. */
static bool enter(void)
{
	/* Every call comes here: one load once initialised. */
	if (!atomic_load_explicit(&ready, memory_order_acquire))
		shim_init();
	if (depth || !atomic_load_explicit(&active, memory_order_relaxed))
		return false;
	depth++;
	return true;
}

static void leave(void)
{
	depth--;
}

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

static inline bool call_begin(struct frame *f)
{
	if (!enter())
		return false;
	f->caller_errno = errno;
	return true;
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

static void emit(struct log_rec *r);

/* The record of this call, as the program saw it. */
static inline void call_emit(const struct frame *f, struct log_rec *r)
{
	r->ret = f->ret;
	r->err = f->err;
	emit(r);
}

/* Log r if given, leave, and return what the program sees. */
static inline long call_end(struct frame *f, struct log_rec *r)
{
	if (r)
		call_emit(f, r);
	leave();
	errno = f->failed ? f->err : f->caller_errno;
	return f->ret;
}

/* ------------------------------------------------------------- helpers */

static bool logging(enum pol_action action)
{
	return log_enabled() && (action != ACT_NONE || !log_policy_only());
}

static void emit(struct log_rec *r)
{
	if (logging(r->action))
		log_emit(r);
}

/*
 * Copy from a pointer the program gave us without trusting it: the
 * kernel checks the address, so a wild pointer is an error, not a crash.
 */
static bool safe_read(void *dst, const void *src, size_t len)
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
	bool ok = safe_read(dst, src, len);

	errno = err;
	return ok;
}

static int default_protocol(int family, int type, int protocol)
{
	if (protocol || (family != AF_INET && family != AF_INET6))
		return protocol;
	if (type == SOCK_STREAM)
		return IPPROTO_TCP;
	if (type == SOCK_DGRAM)
		return IPPROTO_UDP;
	return protocol;
}

static void addr_facts(const struct sockaddr *sa, socklen_t len,
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
		addr_facts((struct sockaddr *)&ss, slen, &si->local_addr,
			   &si->local_port);
		si->has_local = 1;
	}
	slen = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &slen) == 0) {
		addr_facts((struct sockaddr *)&ss, slen, &si->remote_addr,
			   &si->remote_port);
		si->has_remote = 1;
		if (si->role == ROLE_NONE)
			si->role = ROLE_CLIENT;
	}
	fdtab_set(fd, si);
	return true;
}

/* As ask_kernel; its failed questions leave errno as it was. */
static bool discover(int fd, struct sockinfo *si)
{
	int err = errno;
	bool ok = ask_kernel(fd, si);

	errno = err;
	return ok;
}

static bool known(int fd, struct sockinfo *si)
{
	return fdtab_get(fd, si) || discover(fd, si);
}

/*
 * Carry out what the policy sets when an event happens to a socket, and
 * remember which rules have been carried out.
 */
struct apply_ctx {
	int fd;
	bool enforce;
};

static void apply_one(const struct pol_apply *a, void *arg)
{
	const struct apply_ctx *ac = arg;
	const struct optcat_entry *e = &optcat_table[a->opt];
	struct log_rec r = {
		.call = LC_SETSOCKOPT, .by_policy = true, .fd = ac->fd,
		.level = e->level, .optname = e->optname, .val = &a->val,
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

static void apply_event(int fd, struct sockinfo *si, enum pol_event ev)
{
	struct apply_ctx ac = { .fd = fd,
				.enforce = policy.mode == MODE_ENFORCE };

	policy_on_event(&policy, si, ev, apply_one, &ac);
	fdtab_set(fd, si);
}

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

/* What we know of fd, to be changed by the caller, or false. */
static bool tentative_begin(int fd, struct tentative *t)
{
	t->have = known(fd, &t->si);
	if (t->have)
		t->before = t->si;
	return t->have;
}

/* The caller changed t->si: apply the rules it makes match, store it. */
static void tentative_apply(int fd, struct tentative *t, enum pol_event ev)
{
	apply_event(fd, &t->si, ev);
}

/* After the real call: the facts hold, or go back to what they were. */
static void tentative_end(int fd, struct tentative *t, bool holds)
{
	if (!t->have || holds)
		return;
	t->before.rules_applied = t->si.rules_applied;
	fdtab_set(fd, &t->before);
}

/* ------------------------------------------------------------ creation */

/* The facts of a new socket (the caller stores them). */
static void created(int family, int type, int protocol, struct sockinfo *si)
{
	memset(si, 0, sizeof(*si));
	si->family = (uint16_t)family;
	si->type = (uint16_t)(type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK));
	si->protocol = (uint16_t)default_protocol(family, si->type, protocol);
}

int shim_socket(int domain, int type, int protocol)
{
	struct frame f;
	struct sockinfo si;
	int fd;

	if (!call_begin(&f))
		return real.socket(domain, type, protocol);
	fd = real.socket(domain, type, protocol);
	call_done(&f, fd);
	if (logging(ACT_NONE)) {
		struct log_rec r = { .call = LC_SOCKET, .family = domain,
				     .type = type, .protocol = protocol,
				     .fd = fd };

		call_emit(&f, &r);
	}
	if (fd >= 0) {
		created(domain, type, protocol, &si);
		apply_event(fd, &si, EV_CREATED);	/* stores si */
	}
	return (int)call_end(&f, NULL);
}

int shim_socketpair(int domain, int type, int protocol, int sv[2])
{
	struct log_rec r = { .call = LC_SOCKETPAIR, .family = domain,
			     .type = type, .protocol = protocol, .fd = -1 };
	struct frame f;

	if (!call_begin(&f))
		return real.socketpair(domain, type, protocol, sv);
	call_done(&f, real.socketpair(domain, type, protocol, sv));
	if (!f.failed) {
		struct sockinfo si;

		created(domain, type, protocol, &si);
		fdtab_set(sv[0], &si);
		fdtab_set(sv[1], &si);
		r.fd = sv[0];
		r.arg = sv[1];
	}
	return (int)call_end(&f, &r);
}

/* ------------------------------------------------------------- options */

/* The program's value as the log shows it; safe for any pointer. */
static void app_value(int idx, const void *optval, socklen_t optlen,
		      bool kernel_read, struct optval *out)
{
	enum optcat_type t = idx >= 0 ? optcat_table[idx].type : OT_OPAQUE;
	unsigned char buf[OPTVAL_STR_MAX];
	size_t n = optlen < sizeof(buf) ? optlen : sizeof(buf);
	size_t fixed = optcat_value_size(t);

	/* After a success the kernel has read these bytes: no check needed. */
	if (kernel_read && fixed && optlen >= fixed) {
		optval_decode(t, optval, optlen, out);
		return;
	}
	if (!shim_safe_read(buf, optval, n)) {
		memset(out, 0, sizeof(*out));
		out->type = t;
		out->len = optlen;
		return;
	}
	optval_decode(t, buf, optlen, out);
}

/*
 * The policy's judgement of the program's setsockopt, carried out; or
 * INT_MIN when the policy has nothing to say (the caller makes the call).
 */
static int setsockopt_judged(int fd, int level, int optname, int idx,
			     const void *optval, socklen_t optlen,
			     struct log_rec *r, struct optval *app,
			     struct optval *eff)
{
	const struct optcat_entry *e = &optcat_table[idx];
	unsigned char raw[OPTVAL_STR_MAX + 1];
	size_t need = optcat_value_size(e->type);
	struct sockinfo si;
	struct verdict v;
	const void *buf;
	socklen_t len;
	int ret;

	/* Odd lengths and unreadable values: the kernel answers, not us. */
	if (!known(fd, &si) || !policy_lookup(&policy, &si, idx))
		return INT_MIN;
	if (need ? optlen < need : optlen > OPTVAL_STR_MAX)
		return INT_MIN;
	if (!shim_safe_read(raw, optval, need ? need : optlen))
		return INT_MIN;
	if (!optval_decode(e->type, raw, optlen, app))
		return INT_MIN;
	policy_judge_set(&policy, &si, idx, app, &v);
	if (v.action == ACT_NONE)
		return INT_MIN;
	r->action = v.action;
	r->enforce = v.enforce;
	r->rule = v.rule;
	r->app_val = app;
	*eff = v.val;
	r->val = eff;
	if (!v.enforce) {
		/* Audit: the program's value takes effect; say what enforce
		 * would have made of it. */
		r->val = app;
		r->app_val = NULL;
		if (v.action != ACT_DENIED)
			r->would_val = eff;
		return real.setsockopt(fd, level, optname, optval, optlen);
	}
	if (v.action == ACT_DENIED) {
		int type;

		/* A bad fd is still EBADF/ENOTSOCK, as without us. */
		len = sizeof(type);
		ret = real.getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
		if (ret == 0) {
			errno = v.err;
			ret = -1;
		}
		return ret;
	}
	len = optval_encode(eff, &buf);
	return real.setsockopt(fd, level, optname, buf, len);
}

int shim_setsockopt(int fd, int level, int optname, const void *optval,
		    socklen_t optlen)
{
	struct optval app, eff;
	struct log_rec r;
	struct frame f;
	int idx, ret = INT_MIN;
	bool judged;

	if (!call_begin(&f))
		return real.setsockopt(fd, level, optname, optval, optlen);
	idx = optcat_find(level, optname);
	/* A call the policy does not judge goes to the kernel as it is. */
	judged = policy.mode != MODE_TRACE && policy_names(&policy, idx);
	if (judged) {
		r = (struct log_rec){ .call = LC_SETSOCKOPT, .fd = fd,
				      .level = level, .optname = optname };
		ret = setsockopt_judged(fd, level, optname, idx, optval, optlen,
					&r, &app, &eff);
	}
	if (ret == INT_MIN)
		ret = real.setsockopt(fd, level, optname, optval, optlen);
	call_done(&f, ret);
	if (!logging(judged ? r.action : ACT_NONE))
		return (int)call_end(&f, NULL);
	if (!judged)
		r = (struct log_rec){ .call = LC_SETSOCKOPT, .fd = fd,
				      .level = level, .optname = optname };
	if (!r.val) {
		app_value(idx, optval, optlen, ret == 0, &app);
		r.val = &app;
	}
	return (int)call_end(&f, &r);
}

int shim_getsockopt(int fd, int level, int optname, void *optval,
		    socklen_t *optlen)
{
	struct log_rec r;
	struct optval val;
	struct frame f;

	if (!call_begin(&f))
		return real.getsockopt(fd, level, optname, optval, optlen);
	call_done(&f, real.getsockopt(fd, level, optname, optval, optlen));
	if (!logging(ACT_NONE))
		return (int)call_end(&f, NULL);
	r = (struct log_rec){ .call = LC_GETSOCKOPT, .fd = fd, .level = level,
			      .optname = optname };
	/* On success the kernel wrote *optlen bytes there: readable. */
	if (!f.failed) {
		int idx = optcat_find(level, optname);

		optval_decode(idx >= 0 ? optcat_table[idx].type : OT_OPAQUE,
			      optval, *optlen, &val);
		r.val = &val;
	}
	return (int)call_end(&f, &r);
}

/* --------------------------------------------------- addresses, roles */

/* Copy an address the program passed, or fail as the kernel would. */
static bool copy_addr(const struct sockaddr *addr, socklen_t len,
		      struct sockaddr_storage *copy)
{
	return len <= sizeof(*copy) && shim_safe_read(copy, addr, len);
}

/*
 * Bound to port 0 (or implicitly by listen): the kernel chose the port.
 * Ask it, but only when a rule names local facts.
 */
static void local_facts(int fd, struct sockinfo *si)
{
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);

	if (!(policy.match_keys & (M_LOCAL_PORT | M_LOCAL_ADDR)) ||
	    (si->has_local && si->local_port))
		return;
	if (getsockname(fd, (struct sockaddr *)&ss, &slen) == 0 &&
	    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)) {
		addr_facts((struct sockaddr *)&ss, slen, &si->local_addr,
			   &si->local_port);
		si->has_local = si->local_port != 0;
	}
}

int shim_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct log_rec r = { .call = LC_BIND, .fd = fd };
	struct sockaddr_storage copy;
	struct tentative t;
	struct frame f;

	if (!call_begin(&f))
		return real.bind(fd, addr, len);
	t.have = false;
	if (copy_addr(addr, len, &copy)) {
		r.addr = (struct sockaddr *)&copy;
		r.addrlen = len;
	}
	if (r.addr && tentative_begin(fd, &t)) {
		addr_facts(r.addr, len, &t.si.local_addr, &t.si.local_port);
		t.si.has_local = 1;
		tentative_apply(fd, &t, EV_BOUND);
	}
	call_done(&f, real.bind(fd, addr, len));
	tentative_end(fd, &t, !f.failed);
	return (int)call_end(&f, &r);
}

int shim_listen(int fd, int backlog)
{
	struct log_rec r = { .call = LC_LISTEN, .fd = fd, .arg = backlog };
	struct tentative t;
	struct frame f;

	if (!call_begin(&f))
		return real.listen(fd, backlog);
	if (tentative_begin(fd, &t)) {
		t.si.role = ROLE_LISTENER;
		local_facts(fd, &t.si);
		tentative_apply(fd, &t, EV_LISTENING);
	}
	call_done(&f, real.listen(fd, backlog));
	tentative_end(fd, &t, !f.failed);
	return (int)call_end(&f, &r);
}

int shim_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct log_rec r = { .call = LC_CONNECT, .fd = fd };
	struct sockaddr_storage copy;
	struct tentative t;
	struct frame f;

	if (!call_begin(&f))
		return real.connect(fd, addr, len);
	t.have = false;
	if (copy_addr(addr, len, &copy)) {
		r.addr = (struct sockaddr *)&copy;
		r.addrlen = len;
	}
	if (r.addr && tentative_begin(fd, &t)) {
		addr_facts(r.addr, len, &t.si.remote_addr, &t.si.remote_port);
		t.si.has_remote = 1;
		if (t.si.role == ROLE_NONE)
			t.si.role = ROLE_CLIENT;
		tentative_apply(fd, &t, EV_CONNECTING);
	}
	call_done(&f, real.connect(fd, addr, len));
	/* EINPROGRESS is a connection under way: the facts hold. */
	tentative_end(fd, &t, !f.failed || f.err == EINPROGRESS ||
				      f.err == EALREADY || f.err == EISCONN);
	return (int)call_end(&f, &r);
}

/* An accepted socket is its listener's kind, with a peer of its own. */
static void accepted_facts(int lfd, int nfd, const struct log_rec *r,
			   struct sockinfo *si)
{
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);

	if (!known(lfd, si) && !discover(nfd, si))
		memset(si, 0, sizeof(*si));
	si->role = ROLE_ACCEPTED;
	si->rules_applied = 0;
	si->has_remote = 0;
	if (r->addr) {
		addr_facts(r->addr, r->addrlen, &si->remote_addr,
			   &si->remote_port);
		si->has_remote = 1;
	} else if ((policy.match_keys & (M_REMOTE_PORT | M_REMOTE_ADDR)) &&
		   getpeername(nfd, (struct sockaddr *)&ss, &slen) == 0) {
		/* accept(fd, NULL, NULL): ask only when a rule needs it. */
		addr_facts((struct sockaddr *)&ss, slen, &si->remote_addr,
			   &si->remote_port);
		si->has_remote = 1;
	}
}

int shim_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags,
		 bool is_accept4)
{
	struct log_rec r = { .call = is_accept4 ? LC_ACCEPT4 : LC_ACCEPT,
			     .listen_fd = fd, .arg = flags };
	struct sockinfo si;
	socklen_t given = 0;
	struct frame f;
	int nfd;

	if (!call_begin(&f))
		return is_accept4 ? real.accept4(fd, addr, len, flags) :
				    real.accept(fd, addr, len);
	/* The buffer's size: *len comes back as the peer's, maybe larger. */
	if (addr && len && !shim_safe_read(&given, len, sizeof(given)))
		given = 0;
	nfd = is_accept4 ? real.accept4(fd, addr, len, flags) :
			   real.accept(fd, addr, len);
	call_done(&f, nfd);
	r.fd = nfd;
	if (nfd < 0)
		return (int)call_end(&f, &r);
	if (addr && len) {
		r.addr = addr;	/* the kernel wrote what fits */
		r.addrlen = *len < given ? *len : given;
	}
	accepted_facts(fd, nfd, &r, &si);
	call_emit(&f, &r);	/* before the records of what the policy sets */
	apply_event(nfd, &si, EV_ACCEPTED);
	return (int)call_end(&f, NULL);
}

/* ------------------------------------------------------ fd lifetimes */

int shim_close(int fd)
{
	struct sockinfo si;
	struct frame f;
	bool was_socket;

	if (!call_begin(&f))
		return real.close(fd);
	/* The log's fd is not the program's: without us it would not be open. */
	if (log_owns_fd(fd)) {
		call_refuse(&f, EBADF);
		return (int)call_end(&f, NULL);
	}
	/* Forget first: once closed, another thread may get the number. */
	was_socket = fdtab_take(fd, &si);
	call_done(&f, real.close(fd));
	if (was_socket && logging(ACT_NONE)) {
		struct log_rec r = { .call = LC_CLOSE, .fd = fd };

		return (int)call_end(&f, &r);
	}
	return (int)call_end(&f, NULL);
}

int shim_dup(int fd)
{
	struct log_rec r = { .call = LC_DUP, .fd = fd };
	struct sockinfo si;
	struct frame f;

	if (!call_begin(&f))
		return real.dup(fd);
	if (log_owns_fd(fd)) {
		call_refuse(&f, EBADF);
		return (int)call_end(&f, NULL);
	}
	call_done(&f, real.dup(fd));
	if (!f.failed)
		fdtab_copy(fd, (int)f.ret);
	return (int)call_end(&f, fdtab_get(fd, &si) ? &r : NULL);
}

int shim_dup3(int oldfd, int newfd, int flags, bool is_dup3)
{
	struct log_rec r = { .call = is_dup3 ? LC_DUP3 : LC_DUP2, .fd = oldfd,
			     .arg = newfd };
	struct sockinfo si;
	struct frame f;
	bool involved;

	if (!call_begin(&f))
		return is_dup3 ? real.dup3(oldfd, newfd, flags) :
				 real.dup2(oldfd, newfd);
	if (log_owns_fd(oldfd)) {
		call_refuse(&f, EBADF);
		return (int)call_end(&f, NULL);
	}
	if (log_owns_fd(newfd) && oldfd != newfd)
		log_move_fd();
	involved = fdtab_get(oldfd, &si) || fdtab_get(newfd, &si);
	call_done(&f, is_dup3 ? real.dup3(oldfd, newfd, flags) :
				real.dup2(oldfd, newfd));
	if (!f.failed && oldfd != newfd)
		fdtab_copy(oldfd, newfd);
	return (int)call_end(&f, involved ? &r : NULL);
}

int shim_fcntl(int fd, int cmd, unsigned long arg, bool is64)
{
	int (*fn)(int, int, ...) = is64 ? real.fcntl64 : real.fcntl;
	struct log_rec r = { .call = LC_FCNTL, .fd = fd, .arg = cmd,
			     .lo = (unsigned int)arg };
	struct sockinfo si;
	struct frame f;

	if (!call_begin(&f))
		return fn(fd, cmd, arg);
	if (log_owns_fd(fd)) {
		call_refuse(&f, EBADF);
		return (int)call_end(&f, NULL);
	}
	call_done(&f, fn(fd, cmd, arg));
	/* F_GETOWN answers a process group as a negative number. */
	if (f.failed && f.ret != -1) {
		f.failed = false;
		f.err = 0;
	}
	if ((cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC) || f.failed)
		return (int)call_end(&f, NULL);
	fdtab_copy(fd, (int)f.ret);
	return (int)call_end(&f, fdtab_get(fd, &si) ? &r : NULL);
}

/*
 * close_range over a span that holds the log's fd closes around it, so
 * a program that closes everything at start-up does not silence us.
 */
static int close_range_around(unsigned int lo, unsigned int hi, int flags)
{
	int own = log_fd_number();
	int ret = 0;

	if (own < 0 || (unsigned int)own < lo || (unsigned int)own > hi)
		return real.close_range(lo, hi, flags);
	if ((unsigned int)own > lo)
		ret = real.close_range(lo, (unsigned int)own - 1, flags);
	if (ret == 0 && (unsigned int)own < hi)
		ret = real.close_range((unsigned int)own + 1, hi, flags);
	return ret;
}

int shim_close_range(unsigned int lo, unsigned int hi, int flags)
{
	struct log_rec r = { .call = LC_CLOSE_RANGE, .fd = -1, .lo = lo,
			     .hi = hi, .arg = flags };
	size_t sockets = 0;
	struct frame f;

	if (!call_begin(&f))
		return real.close_range(lo, hi, flags);
	/* Only a call that will close: bad flags leave every fd open, and
	 * CLOSE_RANGE_CLOEXEC only marks them (still worth a record). */
	if (lo <= hi && (flags & ~CLOSE_RANGE_UNSHARE) == 0)
		sockets = fdtab_clear_range(lo, hi);
	else if (lo <= hi && (flags & ~(int)(CLOSE_RANGE_UNSHARE |
					     CLOSE_RANGE_CLOEXEC)) == 0)
		sockets = fdtab_count_range(lo, hi);
	call_done(&f, close_range_around(lo, hi, flags));
	return (int)call_end(&f, sockets ? &r : NULL);
}

void shim_closefrom(int lo)
{
	struct log_rec r = { .call = LC_CLOSEFROM, .fd = -1,
			     .lo = lo < 0 ? 0 : (unsigned int)lo, .hi = ~0U };
	struct frame f;
	int own;

	if (!call_begin(&f)) {
		real.closefrom(lo);
		return;
	}
	own = log_fd_number();
	call_done(&f, 0);	/* closefrom cannot fail */
	if (fdtab_clear_range(r.lo, r.hi))
		call_emit(&f, &r);
	if (own < 0 || own < lo) {
		real.closefrom(lo);
	} else if (close_range_around(r.lo, r.hi, 0) != 0) {
		/* No close_range (old kernel): the slow way, around our fd. */
		for (long fd = r.lo, max = sysconf(_SC_OPEN_MAX); fd < max; fd++)
			if (fd != own)
				real.close((int)fd);
	}
	call_end(&f, NULL);
}
