// SPDX-License-Identifier: MIT
/* policy — pure decisions from an immutable policy. */
#include "build-config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

void policy_defaults(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = MODE_ENFORCE;
	p->on_error = ONERR_PASSTHROUGH;
	strcpy(p->log.path, "stderr");
	p->log.format = LOGF_TEXT;
	p->log.calls = LOGC_ALL;
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	free(p->site.d);
	free(p->named);
	p->site.d = NULL;
	p->named = NULL;
}

static const struct directive *optset_find(const struct optset *s, int opt)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->d[i].opt == opt)
			return &s->d[i];
	return NULL;
}

const struct directive *policy_lookup(const struct policy *p,
				      const struct sockinfo *si, int opt)
{
	const struct optcat_entry *e;

	if (!policy_names(p, opt))
		return NULL;
	e = &optcat_table[opt];
	if (!optcat_fits(e, si->family, si->type, si->protocol))
		return NULL;
	return optset_find(&p->site, opt);
}

size_t policy_on_event(const struct policy *p, const struct sockinfo *si,
		       enum pol_event ev, struct pol_apply *out, size_t max)
{
	size_t n = 0;

	(void)ev; /* site-wide options apply at creation and to accepted */
	if (p->mode == MODE_TRACE)
		return 0;
	for (size_t i = 0; i < p->site.n; i++) {
		const struct directive *d = &p->site.d[i];

		if (!(d->has & (DIR_SET | DIR_FORCE)))
			continue;
		if (policy_lookup(p, si, d->opt) != d)
			continue;
		if (n < max) {
			out[n].opt = d->opt;
			out[n].forced = d->has & DIR_FORCE;
			out[n].val = d->val;
		}
		n++;
	}
	return n;
}

static long long clamp(long long v, const struct directive *d, bool *changed)
{
	if ((d->has & DIR_MIN) && v < d->min) {
		*changed = true;
		return d->min;
	}
	if ((d->has & DIR_MAX) && v > d->max) {
		*changed = true;
		return d->max;
	}
	return v;
}

static void judge_linger(const struct directive *d, struct verdict *v)
{
	struct linger *l = &v->val.l;
	bool changed = false;

	if (!l->l_onoff)
		return;
	if (l->l_linger == 0) {
		/* {1, 0}: close() sends a reset and drops unsent data. */
		switch (d->has & DIR_ABORTIVE ? d->abortive : AB_ALLOW) {
		case AB_ALLOW:
			return;
		case AB_GRACEFUL:
			l->l_onoff = 0;
			v->action = ACT_GRACEFUL;
			return;
		case AB_DENY:
			v->action = ACT_DENIED;
			v->err = d->deny_errno ? d->deny_errno : EPERM;
			return;
		}
	}
	l->l_linger = (int)clamp(l->l_linger, d, &changed);
	if (changed)
		v->action = ACT_CLAMPED;
}

static void judge_timeval(const struct directive *d, struct verdict *v)
{
	struct timeval *tv = &v->val.tv;
	long long us = (long long)tv->tv_sec * 1000000 + tv->tv_usec;
	bool changed = false;

	/* Zero means "wait forever", which is above any maximum. */
	if (us == 0 && (d->has & DIR_MAX))
		us = LLONG_MAX;
	us = clamp(us, d, &changed);
	if (changed) {
		tv->tv_sec = us / 1000000;
		tv->tv_usec = us % 1000000;
		v->action = ACT_CLAMPED;
	}
}

void policy_judge_set(const struct policy *p, const struct sockinfo *si,
		      int opt, const struct optval *app, struct verdict *v)
{
	const struct directive *d;
	bool changed = false;

	memset(v, 0, sizeof(*v));
	v->val = *app;
	v->enforce = p->mode == MODE_ENFORCE;
	if (p->mode == MODE_TRACE)
		return;
	d = policy_lookup(p, si, opt);
	if (!d)
		return;
	if (d->has & DIR_DENY) {
		v->action = ACT_DENIED;
		v->err = d->deny_errno ? d->deny_errno : EPERM;
		return;
	}
	if (d->has & DIR_FORCE) {
		if (!optval_equal(app, &d->val)) {
			v->val = d->val;
			v->action = ACT_FORCED;
		}
		return;
	}
	switch (app->type) {
	case OT_INT:
		v->val.i = (int)clamp(app->i, d, &changed);
		if (changed)
			v->action = ACT_CLAMPED;
		break;
	case OT_LINGER:
		judge_linger(d, v);
		break;
	case OT_TIMEVAL:
		judge_timeval(d, v);
		break;
	default:
		break;
	}
}

const char *policy_action_name(enum pol_action a, bool enforce)
{
	static const char *const now[] = {
		[ACT_NONE] = NULL,	    [ACT_SET] = "set",
		[ACT_FORCED] = "forced",    [ACT_CLAMPED] = "clamped",
		[ACT_DENIED] = "denied",    [ACT_GRACEFUL] = "graceful",
	};
	static const char *const would[] = {
		[ACT_NONE] = NULL,		  [ACT_SET] = "would-set",
		[ACT_FORCED] = "would-force",	  [ACT_CLAMPED] = "would-clamp",
		[ACT_DENIED] = "would-deny",	  [ACT_GRACEFUL] = "would-graceful",
	};
	if ((unsigned)a > ACT_GRACEFUL)
		return NULL;
	return enforce ? now[a] : would[a];
}

const char *policy_mode_name(enum pol_mode m)
{
	switch (m) {
	case MODE_ENFORCE:
		return "enforce";
	case MODE_AUDIT:
		return "audit";
	case MODE_TRACE:
		return "trace";
	}
	return "?";
}
