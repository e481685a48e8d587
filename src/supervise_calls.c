// SPDX-License-Identifier: MIT
/*
 * supervise_calls — one stopped call, received and answered: bind,
 * connect and listen reveal facts (the policy's options for them are set
 * before the kernel goes on with the call), setsockopt of an option the
 * policy names is judged as the shim would (set for the caller, or
 * refused), io_uring_setup is recorded, exec makes the names we keep
 * stale. Every record says via "seccomp". See supervise_int.h for the
 * other rooms.
 */
#include "build-config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "optcat.h"
#include "supervise_int.h"

#define VIA "seccomp"

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
		int ret = sv_set_as_caller(ac->s, (pid_t)ac->n->pid,
					   ac->dup, a->opt, buf, len);

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
	struct sv_task *t = sv_task_get(s, n);
	struct apply_ctx ac = { .s = s, .n = n, .t = t, .fd = fd, .dup = -1,
				.enforce = s->pol.mode == MODE_ENFORCE };
	struct log_rec r = seen_rec(call, n, t, fd);
	struct sv_sock *k = NULL;
	unsigned char bit;

	if (call != LC_LISTEN) {
		uint64_t len = n->data.args[2];

		if (len >= sizeof(sa_family_t) && len <= sizeof(ss) &&
		    sv_read_mem(s, t, (pid_t)n->pid, n->data.args[1], &ss,
				(size_t)len)) {
			alen = (socklen_t)len;
			r.addr = (struct sockaddr *)&ss;
			r.addrlen = alen;
		}
	} else {
		r.arg = (int)n->data.args[1];
	}
	if (t)
		ac.dup = sv_task_getfd(s, t, n, fd);
	if (ac.dup >= 0)
		k = sv_sock_get(s, ac.dup);
	if (!k || !sv_notif_valid(s, n->id))
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
		sv_addr_facts(r.addr, alen, &k->si.local_addr,
			      &k->si.local_port);
		k->si.has_local = 1;
		apply_event(&ac, k, EV_BOUND);
		break;
	case LC_LISTEN:
		k->si.role = ROLE_LISTENER;
		if (!k->si.has_local)
			sv_local_facts(ac.dup, &k->si);
		apply_event(&ac, k, EV_LISTENING);
		break;
	default:
		if (alen && (r.addr->sa_family == AF_INET ||
			     r.addr->sa_family == AF_INET6)) {
			sv_addr_facts(r.addr, alen, &k->si.remote_addr,
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
	if (!sv_read_mem(s, ac->t, (pid_t)n->pid, n->data.args[3], raw,
			 need ? need : (size_t)optlen) ||
	    !optval_decode(e->type, raw, (socklen_t)optlen, app))
		return false;
	r->val = app;
	ac->dup = sv_task_getfd(s, (struct sv_task *)ac->t, n, ac->fd);
	if (ac->dup < 0 || !(k = sv_sock_get(s, ac->dup)))
		return false;
	if (!sv_notif_valid(s, n->id))
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
	ret = sv_set_as_caller(s, (pid_t)n->pid, ac->dup, idx, buf, len);
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
	struct sv_task *t = sv_task_get(s, n);
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
	struct sv_task *t = sv_task_get(s, n);
	struct log_rec r = seen_rec(LC_IO_URING_SETUP, n, t, -1);

	r.arg = (int)n->data.args[0];
	if (log_enabled())
		log_emit(&r);
}


void sv_serve_one(struct sv *s)
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
		sv_task_exec(s, n);
		break;
	default:
		break;
	}
	/* ENOENT: the caller was killed meanwhile; nothing to answer. */
	ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
}
