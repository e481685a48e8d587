// SPDX-License-Identifier: MIT
/*
 * shim_opts — setsockopt and getsockopt: the program's setsockopt judged
 * by the policy (set as asked, rewritten, clamped or denied), every call
 * logged with its value decoded by the option catalogue.
 */
#include "build-config.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "fdtab.h"
#include "log.h"
#include "optcat.h"
#include "policy.h"
#include "real.h"
#include "shim.h"
#include "shim_int.h"

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
	if (!facts_read(buf, optval, n)) {
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
	const struct policy *p = pol();	/* one policy for the whole call */
	const struct directive *d;
	struct sockinfo si;
	struct verdict v;
	const void *buf;
	socklen_t len;
	int ret;

	/* Odd lengths and unreadable values: the kernel answers, not us. */
	if (!facts_known(fd, &si) || !(d = policy_lookup(p, &si, idx)))
		return INT_MIN;
	if (need ? optlen < need : optlen > OPTVAL_STR_MAX)
		return INT_MIN;
	if (!facts_read(raw, optval, need ? need : optlen))
		return INT_MIN;
	if (!optval_decode(e->type, raw, optlen, app))
		return INT_MIN;
	policy_judge_dir(p, d, app, &v);
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

	if (!call_begin_socket(&f))
		return real.setsockopt(fd, level, optname, optval, optlen);
	idx = optcat_find(level, optname);
	/* A call the policy does not judge goes to the kernel as it is. */
	judged = pol()->mode != MODE_TRACE && policy_names(pol(), idx);
	if (judged) {
		r = (struct log_rec){ .call = LC_SETSOCKOPT, .fd = fd,
				      .level = level, .optname = optname,
				      .has_opt = true, .opt = idx };
		ret = setsockopt_judged(fd, level, optname, idx, optval, optlen,
					&r, &app, &eff);
	}
	if (ret == INT_MIN)
		ret = real.setsockopt(fd, level, optname, optval, optlen);
	call_done(&f, ret);
	if (!logging(judged ? r.action : ACT_NONE))
		return call_end(&f, NULL);
	if (!judged)
		r = (struct log_rec){ .call = LC_SETSOCKOPT, .fd = fd,
				      .level = level, .optname = optname,
				      .has_opt = true, .opt = idx };
	if (!r.val) {
		app_value(idx, optval, optlen, ret == 0, &app);
		r.val = &app;
	}
	return call_end(&f, &r);
}

int shim_getsockopt(int fd, int level, int optname, void *optval,
		    socklen_t *optlen)
{
	struct log_rec r;
	struct optval val;
	struct frame f;

	if (!call_begin_socket(&f))
		return real.getsockopt(fd, level, optname, optval, optlen);
	call_done(&f, real.getsockopt(fd, level, optname, optval, optlen));
	if (!logging(ACT_NONE))
		return call_end(&f, NULL);
	r = (struct log_rec){ .call = LC_GETSOCKOPT, .fd = fd, .level = level,
			      .optname = optname, .has_opt = true,
			      .opt = optcat_find(level, optname) };
	/* On success the kernel wrote *optlen bytes there: readable. */
	if (!f.failed) {
		optval_decode(r.opt >= 0 ? optcat_table[r.opt].type :
					   OT_OPAQUE,
			      optval, *optlen, &val);
		r.val = &val;
	}
	return call_end(&f, &r);
}
