// SPDX-License-Identifier: MIT
/*
 * supervise — `sockshim run --via seccomp` (see supervise.h).
 *
 * Who is who: sockshim stays the parent and supervisor; the program is
 * its child, in the same process group (a terminal's signals reach both;
 * signals sent to sockshim itself are passed on to the program). The
 * supervisor is also the subreaper of everything the program starts, so
 * it stays their ancestor (what ptrace checks such as Yama's want for
 * pidfd_getfd and process_vm_readv) and learns when the last one is gone.
 *
 * If the supervisor dies anyway (SIGKILL, a crash), the program's
 * stopped calls would fail with ENOSYS from then on: the program is
 * killed with it instead (PR_SET_PDEATHSIG). Processes the program
 * started are not: they see ENOSYS for the calls the filter stops.
 *
 * `run` returns when the program and every process it started under the
 * filter have ended; its exit status is the program's.
 */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "optcat.h"
#include "real.h"
#include "supervise.h"
#include "vocab.h"

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
#ifndef SOCKSHIM_SYSCONFDIR
#define SOCKSHIM_SYSCONFDIR "/etc"
#endif

#define EX_CONFIG 78
#define EX_SOFTWARE 70
#define VIA "seccomp"

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

/*
 * Options whose setsockopt the kernel lets through only with a capability
 * (CAP_NET_ADMIN, CAP_NET_RAW) or on a limit a capability lifts: a
 * privileged supervisor sets these with no capability the program lacks.
 * Checking the program's capabilities costs a read of /proc, so other
 * options are set as they are.
 */
static const char *const privileged_opts[] = {
	"SO_DEBUG", "SO_MARK", "SO_PRIORITY", "SO_RCVBUFFORCE",
	"SO_SNDBUFFORCE", "SO_BINDTODEVICE", "SO_BINDTOIFINDEX",
	"SO_BUSY_POLL", "SO_BUSY_POLL_BUDGET", "SO_PREFER_BUSY_POLL",
	"SO_RESERVE_MEM", "SO_ATTACH_BPF", "SO_ATTACH_REUSEPORT_EBPF",
	"IP_TRANSPARENT", "IPV6_TRANSPARENT", "IP_HDRINCL", "IPV6_HDRINCL",
	"IP_IPSEC_POLICY", "IP_XFRM_POLICY", "IPV6_IPSEC_POLICY",
	"IPV6_XFRM_POLICY", "IPV6_ROUTER_ALERT", "TCP_REPAIR",
	"TCP_REPAIR_QUEUE", "TCP_REPAIR_OPTIONS", "TCP_REPAIR_WINDOW",
	"TCP_QUEUE_SEQ", "TCP_CONGESTION", "TCP_ULP", "TCP_FASTOPEN_KEY",
};

/* Signals sent to sockshim that are the program's business. */
static const int passed_on[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1,
				 SIGUSR2, SIGWINCH, SIGALRM };

/* --------------------------------------------------------------- probe */

static long sys_seccomp(unsigned int op, unsigned long flags, void *arg)
{
	return syscall(SYS_seccomp, op, flags, arg);
}

bool supervise_probe(struct sv_features *f)
{
	uint32_t action = SECCOMP_RET_USER_NOTIF;
	int pfd, fd;

	memset(f, 0, sizeof(*f));
	f->user_notif = sys_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
	pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	f->pidfd_open = pfd >= 0;
	if (pfd >= 0) {
		fd = (int)syscall(SYS_pidfd_getfd, pfd, 2, 0);
		f->pidfd_getfd = fd >= 0 || errno != ENOSYS;
		if (fd >= 0)
			close(fd);
		close(pfd);
	}
	pfd = (int)syscall(SYS_pidfd_open, gettid(), PIDFD_THREAD);
	f->thread_pidfd = pfd >= 0;
	if (pfd >= 0)
		close(pfd);
	/* Flags are checked before the (missing) program is read. */
	f->wait_killable =
		sys_seccomp(SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_NEW_LISTENER |
				    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
			    NULL) != 0 && errno == EFAULT;
#if defined(__x86_64__) || defined(__aarch64__)
	f->arch = true;
#endif
	return f->user_notif && f->pidfd_open && f->pidfd_getfd && f->arch;
}

void supervise_missing(const struct sv_features *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s",
		 f->user_notif ? "" : " seccomp user notification (Linux 5.0)",
		 f->pidfd_open ? "" : " pidfd_open (Linux 5.3)",
		 f->pidfd_getfd ? "" : " pidfd_getfd (Linux 5.6)",
		 f->arch ? "" : " a filter for this architecture");
}

int supervise_unreachable_rules(const struct policy *p, FILE *f,
				const char *prefix)
{
	int n = 0;

	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];

		if ((r->m.has & M_ROLE) && (r->m.roles & (1u << ROLE_ACCEPTED))) {
			fprintf(f, "%srule \"%s\" (line %d) matches accepted "
				   "sockets: the supervisor does not see accept, "
				   "so its options reach them only when the "
				   "program sets an option the policy names on "
				   "them\n",
				prefix, r->name, r->line);
			n++;
		}
		if (r->m.has & M_PROGRAM) {
			fprintf(f, "%srule \"%s\" (line %d) names programs: it "
				   "is matched against the program run starts, "
				   "for every program that one executes too\n",
				prefix, r->name, r->line);
			n++;
		}
	}
	return n;
}

/* -------------------------------------------------------------- policy */

static void config_say(const struct config_errors *errs)
{
	char line[768];

	for (int i = 0; i < errs->n && i < CONFIG_MAX_ERRORS; i++) {
		config_error_format(&errs->e[i], line, sizeof(line));
		fprintf(stderr, "sockshim: %s\n", line);
	}
}

/* 0: loaded; 1: run without us (passthrough); EX_CONFIG: stop. */
static int load_policy(struct sv *s)
{
	const char *path = secure_getenv("SOCKSHIM_CONFIG");
	const char *mode = secure_getenv("SOCKSHIM_MODE");
	const char *log = secure_getenv("SOCKSHIM_LOG");
	struct config_errors errs;

	if (!path || !*path)
		path = SOCKSHIM_SYSCONFDIR "/sockshim.conf";
	if (config_load(path, &s->pol, &errs) != 0) {
		config_say(&errs);
		if (s->pol.on_error == ONERR_ABORT) {
			fprintf(stderr, "sockshim: invalid configuration; stopping "
					"%s (on_error = \"abort\")\n", s->prog);
			return EX_CONFIG;
		}
		fprintf(stderr, "sockshim: no valid configuration; running %s "
				"without sockshim (on_error = \"passthrough\")\n",
			s->prog);
		return 1;
	}
	if (log && *log)
		snprintf(s->pol.log.path, sizeof(s->pol.log.path), "%s", log);
	if (mode && *mode) {
		int i;

		if (!vocab_value(VOCAB_MODE, mode, &i)) {
			fprintf(stderr, "sockshim: environment: SOCKSHIM_MODE: "
					"unknown mode \"%s\" (expected enforce, "
					"audit or trace)\n", mode);
			return s->pol.on_error == ONERR_ABORT ? EX_CONFIG : 1;
		}
		s->pol.mode = (enum pol_mode)i;
	}
	policy_set_program(&s->pol, s->prog);
	return 0;
}

/* -------------------------------------------------------------- tasks */

/* Name, thread group and effective capabilities from /proc/TID/status. */
static bool task_status(pid_t tid, char *comm, size_t clen, pid_t *tgid,
			uint64_t *capeff)
{
	char path[64], buf[2048], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	if (comm && (p = strstr(buf, "Name:\t"))) {
		p += 6;
		snprintf(comm, clen, "%.*s", (int)strcspn(p, "\n"), p);
	}
	if (tgid) {
		p = strstr(buf, "\nTgid:\t");
		if (!p)
			return false;
		*tgid = (pid_t)strtol(p + 7, NULL, 10);
	}
	if (capeff) {
		p = strstr(buf, "\nCapEff:\t");
		if (!p)
			return false;
		*capeff = strtoull(p + 9, NULL, 16);
	}
	return true;
}

static bool notif_valid(const struct sv *s, uint64_t id)
{
	return ioctl(s->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* Open a pidfd for the caller of notification n, proven to be it. */
static bool task_fill(struct sv *s, struct sv_task *t,
		      const struct seccomp_notif *n)
{
	if (t->pidfd >= 0)
		close(t->pidfd);
	t->pidfd = -1;
	t->tid = 0;
	if (!task_status((pid_t)n->pid, t->comm, sizeof(t->comm), &t->tgid,
			 NULL))
		return false;
	/* A thread's own pidfd reaches its own fd table; without one, the
	 * process's (and nothing is kept: the number may move on). */
	if (s->feat.thread_pidfd)
		t->pidfd = (int)syscall(SYS_pidfd_open, n->pid, PIDFD_THREAD);
	else
		t->pidfd = (int)syscall(SYS_pidfd_open, t->tgid, 0);
	if (t->pidfd < 0 || !notif_valid(s, n->id)) {
		if (t->pidfd >= 0)
			close(t->pidfd);
		t->pidfd = -1;
		return false;
	}
	t->tid = (pid_t)n->pid;
	t->stale = !s->feat.thread_pidfd;
	return true;
}

static struct sv_task *task_get(struct sv *s, const struct seccomp_notif *n)
{
	struct sv_task *t = &s->tasks[n->pid % TASK_SLOTS];

	if (t->tid == (pid_t)n->pid && t->pidfd >= 0 && !t->stale)
		return t;
	return task_fill(s, t, n) ? t : NULL;
}

/*
 * A process that keeps us out (not dumpable, for one): its calls go on
 * as it makes them. Say so once per process.
 */
static void say_refused(struct sv *s, const struct sv_task *t)
{
	for (unsigned int i = 0; i < 32; i++)
		if (s->refused[i] == t->tgid)
			return;
	s->refused[s->nrefused++ % 32] = t->tgid;
	fprintf(stderr, "sockshim: warning: %s (pid %d) does not let the "
			"supervisor read its memory or descriptors (not "
			"dumpable?): its socket calls go on as it makes them\n",
		t->comm, (int)t->tgid);
}

/* The caller's socket fd, as a descriptor of ours; -1 if none. */
static int task_getfd(struct sv *s, struct sv_task *t,
		      const struct seccomp_notif *n, int fd)
{
	int dup = (int)syscall(SYS_pidfd_getfd, t->pidfd, fd, 0);

	/* A kept pidfd of a thread that has gone: the number is someone
	 * else's now. Open it afresh, once. */
	if (dup < 0 && errno == ESRCH && task_fill(s, t, n))
		dup = (int)syscall(SYS_pidfd_getfd, t->pidfd, fd, 0);
	if (dup < 0 && errno == EPERM)
		say_refused(s, t);
	return dup;
}

static bool read_mem(struct sv *s, const struct sv_task *t, pid_t pid,
		     uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };

	if (!addr)
		return false;
	if (process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len)
		return true;
	if (errno == EPERM && t)
		say_refused(s, t);
	return false;
}

/* -------------------------------------------------------- credentials */

struct caps {
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];
};

static bool caps_get(struct caps *c)
{
	memset(c, 0, sizeof(*c));
	c->h.version = _LINUX_CAPABILITY_VERSION_3;
	return syscall(SYS_capget, &c->h, c->d) == 0;
}

static bool caps_set(struct caps *c)
{
	c->h.version = _LINUX_CAPABILITY_VERSION_3;
	c->h.pid = 0;
	return syscall(SYS_capset, &c->h, c->d) == 0;
}

/*
 * setsockopt on the caller's behalf, with no capability it lacks: a
 * privileged supervisor must not let SO_MARK or SO_RCVBUFFORCE through
 * where the program would get EPERM. Returns the call's result, or
 * INT_MIN when we cannot act as the caller (nothing was done).
 */
static int set_as_caller(const struct sv *s, pid_t tid, int dup, int opt,
			 const void *buf, socklen_t len)
{
	int level = optcat_table[opt].level, optname = optcat_table[opt].optname;
	struct caps saved, lowered;
	uint64_t eff;
	int ret, err;

	if (!s->privileged || !s->needs_cap || !s->needs_cap[opt])
		return setsockopt(dup, level, optname, buf, len);
	if (!task_status(tid, NULL, 0, NULL, &eff) || !caps_get(&saved))
		return INT_MIN;
	lowered = saved;
	lowered.d[0].effective &= (uint32_t)eff;
	lowered.d[1].effective &= (uint32_t)(eff >> 32);
	if (!caps_set(&lowered))
		return INT_MIN;
	ret = setsockopt(dup, level, optname, buf, len);
	err = errno;
	if (!caps_set(&saved)) {
		/* Unable to take them back: go on without them. */
		struct caps cur;

		if (caps_get(&cur))
			((struct sv *)s)->privileged =
				cur.d[0].effective || cur.d[1].effective;
	}
	errno = err;
	return ret;
}

/* ------------------------------------------------------------- sockets */

static void addr_facts(const struct sockaddr *sa, socklen_t len,
		       struct in6_addr *addr, uint16_t *port)
{
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const void *)sa;

		memset(addr, 0, sizeof(*addr));
		addr->s6_addr[10] = addr->s6_addr[11] = 0xff;
		memcpy(&addr->s6_addr[12], &in->sin_addr, 4);
		*port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6 &&
		   len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		*addr = in6->sin6_addr;
		*port = ntohs(in6->sin6_port);
	}
}

static void local_facts(int dup, struct sockinfo *si)
{
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);
	uint16_t port = 0;

	if (getsockname(dup, (struct sockaddr *)&ss, &slen) == 0 &&
	    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)) {
		addr_facts((struct sockaddr *)&ss, slen, &si->local_addr, &port);
		if (port) {
			si->local_port = port;
			si->has_local = 1;
		}
	}
}

/*
 * What the kernel says about a socket we see for the first time. One
 * already connected that we did not see connect was accepted: connect
 * is stopped whenever rules could care.
 */
static void discover(const struct policy *p, int dup, struct sockinfo *si)
{
	struct sockaddr_storage ss;
	socklen_t len, slen;
	int v;

	memset(si, 0, sizeof(*si));
	len = sizeof(v);
	if (getsockopt(dup, SOL_SOCKET, SO_DOMAIN, &v, &len) == 0)
		si->family = (uint16_t)v;
	len = sizeof(v);
	if (getsockopt(dup, SOL_SOCKET, SO_TYPE, &v, &len) == 0)
		si->type = (uint16_t)v;
	len = sizeof(v);
	if (getsockopt(dup, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0)
		si->protocol = (uint16_t)v;
	/* Which option fits is known now; the rest only rules ask about. */
	if (!(p->match_keys & (M_ROLE | M_LOCAL_PORT | M_LOCAL_ADDR |
			       M_REMOTE_PORT | M_REMOTE_ADDR)))
		return;
	len = sizeof(v);
	if (getsockopt(dup, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v)
		si->role = ROLE_LISTENER;
	local_facts(dup, si);
	slen = sizeof(ss);
	if (getpeername(dup, (struct sockaddr *)&ss, &slen) == 0) {
		addr_facts((struct sockaddr *)&ss, slen, &si->remote_addr,
			   &si->remote_port);
		si->has_remote = 1;
		if (si->role == ROLE_NONE)
			si->role = ROLE_ACCEPTED;
	}
}

static struct sv_sock *sock_get(struct sv *s, int dup)
{
	uint64_t cookie;
	socklen_t len = sizeof(cookie);
	struct sv_sock *k;

	if (!s->socks ||
	    getsockopt(dup, SOL_SOCKET, SO_COOKIE, &cookie, &len) != 0)
		return NULL;
	/* Direct-mapped: a slot is reused only after 64K newer sockets. */
	k = &s->socks[cookie & (SOCK_SLOTS - 1)];
	if (k->cookie != cookie) {
		k->cookie = cookie;
		k->seen = 0;
		discover(&s->pol, dup, &k->si);
	}
	return k;
}

/* ------------------------------------------------------------- the log */

static bool logging(enum pol_action action)
{
	return log_enabled() && (action != ACT_NONE || !log_policy_only());
}

static struct log_rec seen_rec(enum log_call call, const struct seccomp_notif *n,
			       const struct sv_task *t, int fd)
{
	return (struct log_rec){
		.call = call, .fd = fd, .via = VIA, .ret_unknown = true,
		.pid = t ? t->tgid : (pid_t)n->pid, .tid = (pid_t)n->pid,
		.prog = t ? t->comm : NULL,
	};
}

/* ------------------------------------------------------ policy events */

struct apply_ctx {
	struct sv *s;
	const struct seccomp_notif *n;
	const struct sv_task *t;
	int fd, dup;
	bool enforce;
};

static void apply_one(const struct pol_apply *a, void *arg)
{
	const struct apply_ctx *ac = arg;
	const struct optcat_entry *e = &optcat_table[a->opt];
	struct log_rec r = seen_rec(LC_SETSOCKOPT, ac->n, ac->t, ac->fd);
	const void *buf;
	socklen_t len = optval_encode(&a->val, &buf);

	r.by_policy = true;
	r.level = e->level;
	r.optname = e->optname;
	r.has_opt = true;
	r.opt = a->opt;
	r.val = &a->val;
	r.action = ACT_SET;
	r.enforce = ac->enforce;
	r.rule = a->rule;
	if (ac->enforce) {
		int ret = set_as_caller(ac->s, (pid_t)ac->n->pid, ac->dup,
					a->opt, buf, len);

		r.ret_unknown = false;
		r.ret = ret == INT_MIN ? -1 : ret;
		r.err = ret == INT_MIN ? EPERM : ret ? errno : 0;
	} else {
		r.ret_unknown = false;
	}
	if (logging(ACT_SET))
		log_emit(&r);
}

static void apply_event(struct apply_ctx *ac, struct sv_sock *k,
			enum pol_event ev)
{
	policy_on_event(&ac->s->pol, &k->si, ev, apply_one, ac);
}

/* Options a new socket gets, before anything else is done to it. */
static void first_sight(struct apply_ctx *ac, struct sv_sock *k)
{
	if (k->seen & SEEN_CREATED)
		return;
	k->seen |= SEEN_CREATED;
	apply_event(ac, k, k->si.role == ROLE_ACCEPTED ? EV_ACCEPTED :
							 EV_CREATED);
}

/* bind, connect, listen: apply what the new facts bring, then go on. */
static void on_event(struct sv *s, const struct seccomp_notif *n)
{
	int nr = n->data.nr, fd = (int)n->data.args[0];
	enum log_call call = nr == SYS_bind ? LC_BIND :
			     nr == SYS_listen ? LC_LISTEN : LC_CONNECT;
	struct sockaddr_storage ss;
	socklen_t alen = 0;
	struct sv_task *t = task_get(s, n);
	struct apply_ctx ac = { .s = s, .n = n, .t = t, .fd = fd, .dup = -1,
				.enforce = s->pol.mode == MODE_ENFORCE };
	struct log_rec r = seen_rec(call, n, t, fd);
	struct sv_sock *k = NULL;
	unsigned char bit;

	if (call != LC_LISTEN) {
		uint64_t len = n->data.args[2];

		if (len >= sizeof(sa_family_t) && len <= sizeof(ss) &&
		    read_mem(s, t, (pid_t)n->pid, n->data.args[1], &ss,
			     (size_t)len)) {
			alen = (socklen_t)len;
			r.addr = (struct sockaddr *)&ss;
			r.addrlen = alen;
		}
	} else {
		r.arg = (int)n->data.args[1];
	}
	if (t)
		ac.dup = task_getfd(s, t, n, fd);
	if (ac.dup >= 0)
		k = sock_get(s, ac.dup);
	if (!k || !notif_valid(s, n->id))
		goto out;
	first_sight(&ac, k);
	bit = call == LC_BIND ? SEEN_BIND : call == LC_LISTEN ? SEEN_LISTEN :
							      SEEN_CONNECT;
	if (k->seen & bit)
		goto out;
	k->seen |= bit;
	switch (call) {
	case LC_BIND:
		if (!alen)
			goto out;
		addr_facts(r.addr, alen, &k->si.local_addr, &k->si.local_port);
		k->si.has_local = 1;
		apply_event(&ac, k, EV_BOUND);
		break;
	case LC_LISTEN:
		k->si.role = ROLE_LISTENER;
		if (!k->si.has_local)
			local_facts(ac.dup, &k->si);
		apply_event(&ac, k, EV_LISTENING);
		break;
	default:
		if (alen && (r.addr->sa_family == AF_INET ||
			     r.addr->sa_family == AF_INET6)) {
			addr_facts(r.addr, alen, &k->si.remote_addr,
				   &k->si.remote_port);
			k->si.has_remote = 1;
		}
		if (k->si.role == ROLE_NONE)
			k->si.role = ROLE_CLIENT;
		apply_event(&ac, k, EV_CONNECTING);
		break;
	}
out:
	if (ac.dup >= 0)
		close(ac.dup);
	if (logging(ACT_NONE))
		log_emit(&r);
}

/* ---------------------------------------------------------- setsockopt */

/*
 * The program's setsockopt of an option the policy names. Returns true
 * when we answered it (resp filled), false: the kernel goes on with it.
 */
static bool judge(struct sv *s, const struct seccomp_notif *n,
		  struct apply_ctx *ac, struct log_rec *r, struct optval *app,
		  struct optval *eff, struct seccomp_notif_resp *resp)
{
	int idx = r->has_opt ? r->opt : -1;
	uint64_t optlen = n->data.args[4];
	const struct optcat_entry *e;
	unsigned char raw[OPTVAL_STR_MAX + 1];
	struct sv_sock *k;
	struct verdict v;
	size_t need;
	const void *buf;
	socklen_t len;
	int ret;

	if (idx < 0 || !policy_names(&s->pol, idx) || !ac->t)
		return false;
	e = &optcat_table[idx];
	need = optcat_value_size(e->type);
	/* Odd lengths and unreadable values: the kernel answers, not us. */
	if (optlen > INT_MAX || (need ? optlen < need : optlen > OPTVAL_STR_MAX))
		return false;
	if (!read_mem(s, ac->t, (pid_t)n->pid, n->data.args[3], raw,
		      need ? need : (size_t)optlen) ||
	    !optval_decode(e->type, raw, (socklen_t)optlen, app))
		return false;
	r->val = app;
	ac->dup = task_getfd(s, (struct sv_task *)ac->t, n, ac->fd);
	if (ac->dup < 0 || !(k = sock_get(s, ac->dup)))
		return false;
	if (!notif_valid(s, n->id))
		return false;
	first_sight(ac, k);
	if (!policy_lookup(&s->pol, &k->si, idx))
		return false;
	policy_judge_set(&s->pol, &k->si, idx, app, &v);
	if (v.action == ACT_NONE)
		return false;
	r->action = v.action;
	r->enforce = v.enforce;
	r->rule = v.rule;
	*eff = v.val;
	if (!v.enforce) {
		/* Audit: the program's value goes through; say what
		 * enforce would have made of it. */
		if (v.action != ACT_DENIED)
			r->would_val = eff;
		return false;
	}
	if (v.action == ACT_DENIED) {
		r->ret_unknown = false;
		r->ret = -1;
		r->err = v.err;
		resp->error = -v.err;
		resp->flags = 0;
		return true;
	}
	len = optval_encode(eff, &buf);
	ret = set_as_caller(s, (pid_t)n->pid, ac->dup, idx, buf, len);
	if (ret == INT_MIN) {
		/* Not as the caller: its own call, its own value. */
		r->action = ACT_NONE;
		r->rule = NULL;
		return false;
	}
	r->ret_unknown = false;
	r->ret = ret;
	r->err = ret ? errno : 0;
	r->app_val = app;
	r->val = eff;
	resp->error = ret ? -errno : 0;
	resp->val = ret;
	resp->flags = 0;
	return true;
}

static void on_setsockopt(struct sv *s, const struct seccomp_notif *n,
			  struct seccomp_notif_resp *resp)
{
	int level = (int)n->data.args[1], optname = (int)n->data.args[2];
	int fd = (int)n->data.args[0];
	struct sv_task *t = task_get(s, n);
	struct apply_ctx ac = { .s = s, .n = n, .t = t, .fd = fd, .dup = -1,
				.enforce = s->pol.mode == MODE_ENFORCE };
	struct log_rec r = seen_rec(LC_SETSOCKOPT, n, t, fd);
	struct optval app, eff;
	int idx = optcat_find(level, optname);

	r.level = level;
	r.optname = optname;
	r.has_opt = idx >= 0;
	r.opt = idx;
	judge(s, n, &ac, &r, &app, &eff, resp);
	if (ac.dup >= 0)
		close(ac.dup);
	if (logging(r.action))
		log_emit(&r);
}

/* ----------------------------------------------------- other calls */

static void on_io_uring(struct sv *s, const struct seccomp_notif *n)
{
	struct sv_task *t = task_get(s, n);
	struct log_rec r = seen_rec(LC_IO_URING_SETUP, n, t, -1);

	r.arg = (int)n->data.args[0];
	if (log_enabled())
		log_emit(&r);
}

/* An exec: the names kept for this process's threads are stale. */
static void on_exec(struct sv *s, const struct seccomp_notif *n)
{
	const struct sv_task *t = &s->tasks[n->pid % TASK_SLOTS];
	pid_t tgid = t->tid == (pid_t)n->pid ? t->tgid : 0;

	for (int i = 0; i < TASK_SLOTS; i++)
		if (s->tasks[i].tid == (pid_t)n->pid ||
		    (tgid && s->tasks[i].tgid == tgid))
			s->tasks[i].stale = true;
}

static void serve_one(struct sv *s)
{
	struct seccomp_notif *n = s->notif;
	struct seccomp_notif_resp *resp = s->resp;

	memset(n, 0, s->notif_size);
	if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_RECV, n) != 0)
		return;	/* EINTR, or the caller went away (ENOENT) */
	memset(resp, 0, s->resp_size);
	resp->id = n->id;
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	switch (n->data.nr) {
	case SYS_setsockopt:
		on_setsockopt(s, n, resp);
		break;
	case SYS_bind:
	case SYS_connect:
	case SYS_listen:
		on_event(s, n);
		break;
	case SYS_io_uring_setup:
		on_io_uring(s, n);
		break;
	case SYS_execve:
	case SYS_execveat:
		on_exec(s, n);
		break;
	default:
		break;
	}
	/* ENOENT: the caller was killed meanwhile; nothing to answer. */
	ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
}

/* ------------------------------------------------- the child's side */

static bool send_fd(int sock, int fd, int err)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &err, sizeof(err) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(cbuf, 0, sizeof(cbuf));
		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &m, MSG_NOSIGNAL) == (ssize_t)sizeof(err);
}

/* -1 and *err: no listener (the child said why, or said nothing). */
static int recv_fd(int sock, int *err)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { err, sizeof(*err) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t got;
	int fd = -1;

	*err = 0;
	do
		got = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (got < 0 && errno == EINTR);
	if (got != (ssize_t)sizeof(*err)) {
		*err = got < 0 ? errno : EPIPE;
		return -1;
	}
	c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

struct child_setup {
	pid_t parent;
	int sock;
	const sigset_t *mask;
	const struct sigaction *pipe_act;
	struct sock_fprog *prog;
	bool killable;
};

static bool have_cap_sys_admin(void)
{
	struct caps c;

	return caps_get(&c) && (c.d[0].effective & (1u << CAP_SYS_ADMIN));
}

static void child_main(const struct child_setup *cs, char **argv)
{
	unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER;
	char ack;
	int fd, err = 0;

	/* The supervisor gone, nobody would answer: go with it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != cs->parent)
		_exit(EX_SOFTWARE);
	sigaction(SIGPIPE, cs->pipe_act, NULL);
	sigprocmask(SIG_SETMASK, cs->mask, NULL);
	/* Unprivileged filters need no_new_privs; root's do not, and then
	 * set-id programs the program runs keep working. */
	if (!have_cap_sys_admin())
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (cs->killable)
		flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	fd = (int)sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, cs->prog);
	if (fd < 0 && cs->killable && errno == EINVAL)
		fd = (int)sys_seccomp(SECCOMP_SET_MODE_FILTER,
				      SECCOMP_FILTER_FLAG_NEW_LISTENER, cs->prog);
	if (fd < 0)
		err = errno;
	if (!send_fd(cs->sock, fd, err))
		_exit(EX_SOFTWARE);
	if (fd >= 0)
		close(fd);
	/* Wait for the supervisor to be listening (or to give up). */
	if (read(cs->sock, &ack, 1) != 1)
		_exit(EX_SOFTWARE);
	close(cs->sock);
	execvp(argv[0], argv);
	err = errno;
	fprintf(stderr, "sockshim: %s: %s\n", argv[0], strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

/* ------------------------------------------------- the parent's side */

static void reap(struct sv *s)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (pid == s->child) {
			s->child_done = true;
			s->child_status = status;
		}
}

static void on_signals(struct sv *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			reap(s);
			continue;
		}
		/* From the terminal (no sender) the program has it already:
		 * it is in our process group. */
		if (si.ssi_code == SI_KERNEL || (si.ssi_pid == 0 &&
						 si.ssi_code != SI_USER))
			continue;
		if (!s->child_done)
			kill(s->child, (int)si.ssi_signo);
	}
}

static void serve(struct sv *s)
{
	while (!s->child_done || s->listener >= 0) {
		struct pollfd pf[2] = {
			{ .fd = s->sigfd, .events = POLLIN },
			{ .fd = s->listener, .events = POLLIN },
		};
		int np = s->listener >= 0 ? 2 : 1;

		if (poll(pf, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[0].revents)
			on_signals(s);
		if (np < 2)
			continue;
		if (pf[1].revents & POLLIN)
			serve_one(s);
		else if (pf[1].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			/* Nobody under the filter any more. */
			close(s->listener);
			s->listener = -1;
		}
	}
}

static bool notif_buffers(struct sv *s)
{
	struct seccomp_notif_sizes sz;

	if (sys_seccomp(SECCOMP_GET_NOTIF_SIZES, 0, &sz) != 0)
		return false;
	s->notif_size = sz.seccomp_notif > sizeof(*s->notif) ?
				sz.seccomp_notif : sizeof(*s->notif);
	s->resp_size = sz.seccomp_notif_resp > sizeof(*s->resp) ?
			       sz.seccomp_notif_resp : sizeof(*s->resp);
	s->notif = calloc(1, s->notif_size);
	s->resp = calloc(1, s->resp_size);
	return s->notif && s->resp;
}

/* The program's end, as our own. */
static int pass_status(int status)
{
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		sigset_t set;

		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		/* No core of ours for the program's crash. */
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		raise(sig);
		return 128 + sig;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int supervise_run(char **argv, const struct sv_features *f)
{
	static struct sv sv;
	struct sv *s = &sv;
	struct sv_filter_spec spec = { 0 };
	struct sock_fprog prog = { 0 };
	struct sigaction ign = { .sa_handler = SIG_IGN }, pipe_act;
	struct child_setup cs;
	sigset_t block, old;
	struct caps caps;
	int sp[2], rc, err;
	char ack = 1;

	s->feat = *f;
	s->listener = -1;
	for (int i = 0; i < TASK_SLOTS; i++)
		s->tasks[i].pidfd = -1;
	snprintf(s->prog, sizeof(s->prog), "%s", base_name(argv[0]));
	policy_defaults(&s->pol);
	rc = load_policy(s);
	if (rc == EX_CONFIG)
		return EX_CONFIG;
	if (rc != 0)
		goto unsupervised;
	spec.events = s->pol.nset > 0 ||
		      (s->pol.match_keys & (M_ROLE | M_LOCAL_PORT | M_LOCAL_ADDR |
					    M_REMOTE_PORT | M_REMOTE_ADDR));
	if (!svbpf_build(&s->pol, &spec, &prog) || !notif_buffers(s)) {
		fprintf(stderr, "sockshim: cannot build the seccomp filter; "
				"running %s without sockshim\n", s->prog);
		goto unsupervised;
	}
	s->socks = calloc(SOCK_SLOTS, sizeof(*s->socks));
	s->privileged = caps_get(&caps) &&
			(caps.d[0].effective || caps.d[1].effective);
	s->needs_cap = calloc(optcat_count ? optcat_count : 1, 1);
	for (size_t i = 0; s->needs_cap && i < sizeof(privileged_opts) /
					       sizeof(privileged_opts[0]); i++) {
		int opt = optcat_find_name(privileged_opts[i]);

		if (opt >= 0)
			s->needs_cap[opt] = 1;
	}
	supervise_unreachable_rules(&s->pol, stderr, "sockshim: note: ");

	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	for (size_t i = 0; i < sizeof(passed_on) / sizeof(passed_on[0]); i++)
		sigaddset(&block, passed_on[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGPIPE, &ign, &pipe_act);
	s->sigfd = signalfd(-1, &block, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s->sigfd < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0) {
		fprintf(stderr, "sockshim: %s; running %s without sockshim\n",
			strerror(errno), s->prog);
		sigprocmask(SIG_SETMASK, &old, NULL);
		sigaction(SIGPIPE, &pipe_act, NULL);
		goto unsupervised;
	}
	/* Orphans of the program stay ours: we keep answering for them. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	fflush(NULL);
	cs = (struct child_setup){ .parent = getpid(), .sock = sp[1],
				   .mask = &old, .pipe_act = &pipe_act,
				   .prog = &prog, .killable = f->wait_killable };
	s->child = fork();
	if (s->child == 0)
		child_main(&cs, argv);
	close(sp[1]);
	if (s->child < 0) {
		fprintf(stderr, "sockshim: fork: %s\n", strerror(errno));
		return 1;
	}
	s->listener = recv_fd(sp[0], &err);
	if (s->listener < 0 && err == EPIPE) {
		/* The child is gone before it could say anything. */
		close(sp[0]);
		serve(s);
		return pass_status(s->child_status);
	}
	if (s->listener < 0)
		fprintf(stderr, "sockshim: cannot install the seccomp filter "
				"(%s); %s runs without sockshim\n",
			strerror(err), s->prog);
	else if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		       SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) != 0)
		fprintf(stderr, "sockshim: note: this kernel has no synchronous "
				"wake-up for seccomp notifications (Linux 6.6): "
				"each stopped call costs some 20-35 us more\n");
	if (s->listener >= 0 && !f->wait_killable)
		fprintf(stderr, "sockshim: note: this kernel cannot make a "
				"stopped call wait killable (Linux 5.19): a signal "
				"during a stopped call may make the supervisor "
				"act on it twice\n");
	if (s->listener >= 0) {
		real_init();
		log_open(&s->pol.log, s->prog);
	}
	if (write(sp[0], &ack, 1) != 1) {
		/* The child cannot go on: it exits, we reap it below. */
	}
	close(sp[0]);
	serve(s);
	if (s->listener >= 0)
		close(s->listener);
	log_close();
	free(prog.filter);
	return pass_status(s->child_status);

unsupervised:
	free(prog.filter);
	execvp(argv[0], argv);
	err = errno;
	fprintf(stderr, "sockshim: %s: %s\n", argv[0], strerror(err));
	return err == ENOENT ? 127 : 126;
}
