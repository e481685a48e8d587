// SPDX-License-Identifier: MIT
/* policy — pure decisions from an immutable policy. */
#include "build-config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policy.h"
#include "vocab.h"

void policy_defaults(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = MODE_ENFORCE;
	p->on_error = ONERR_PASSTHROUGH;
	strcpy(p->log.path, "stderr");
	p->log.format = LOGF_TEXT;
	p->log.calls = LOGC_ALL;
	strcpy(p->log.ident, "sockshim");
	p->log.file_mode = 0600;
	p->log.facility = 1 << 3;	/* LOG_USER */
}

static void match_free(struct match *m)
{
	for (size_t i = 0; i < m->nprograms; i++)
		free(m->programs[i]);
	free(m->programs);
	free(m->lports);
	free(m->rports);
	free(m->laddrs);
	free(m->raddrs);
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nrules; i++) {
		match_free(&p->rules[i].m);
		free(p->rules[i].opts.d);
	}
	free(p->rules);
	free(p->site.d);
	free(p->named);
	free(p->named_list);
	free(p->set_list);
	p->named_list = NULL;
	p->set_list = NULL;
	p->nnamed = 0;
	p->nset = 0;
	p->rules = NULL;
	p->nrules = 0;
	p->site.d = NULL;
	p->site.n = 0;
	p->named = NULL;
}

void policy_set_program(struct policy *p, const char *prog)
{
	for (size_t i = 0; i < p->nrules; i++) {
		struct rule *r = &p->rules[i];

		r->program_ok = !(r->m.has & M_PROGRAM);
		for (size_t j = 0; j < r->m.nprograms && !r->program_ok; j++)
			r->program_ok = fnmatch(r->m.programs[j], prog, 0) == 0;
	}
}

static bool port_in(const struct port_range *pr, size_t n, uint16_t port)
{
	for (size_t i = 0; i < n; i++)
		if (port >= pr[i].lo && port <= pr[i].hi)
			return true;
	return false;
}

static bool cidr_has(const struct cidr *c, const struct in6_addr *a)
{
	unsigned int bits = c->prefix;

	for (unsigned int i = 0; i < 16 && bits; i++) {
		unsigned int n = bits < 8 ? bits : 8;
		uint8_t mask = (uint8_t)(0xff00 >> n);

		if ((c->addr.s6_addr[i] ^ a->s6_addr[i]) & mask)
			return false;
		bits -= n;
	}
	return true;
}

static bool addr_in(const struct cidr *c, size_t n, const struct in6_addr *a)
{
	for (size_t i = 0; i < n; i++)
		if (cidr_has(&c[i], a))
			return true;
	return false;
}

static bool bit(unsigned int set, unsigned int v)
{
	return v < 32 && (set & (1U << v));
}

/* Facts known at creation: program, family, type. */
static bool static_match(const struct rule *r, const struct sockinfo *si)
{
	const struct match *m = &r->m;

	return r->program_ok &&
	       (!(m->has & M_FAMILY) || bit(m->families, si->family)) &&
	       (!(m->has & M_TYPE) || bit(m->types, si->type));
}

enum match_result policy_match(const struct rule *r, const struct sockinfo *si)
{
	const struct match *m = &r->m;
	bool unknown = false;

	if (!static_match(r, si))
		return MATCH_NO;
	if (m->has & M_ROLE) {
		if (si->role == ROLE_NONE)
			unknown = true;
		else if (!bit(m->roles, si->role))
			return MATCH_NO;
	}
	if (m->has & (M_LOCAL_PORT | M_LOCAL_ADDR)) {
		if (!si->has_local)
			unknown = true;
		else if (((m->has & M_LOCAL_PORT) &&
			  !port_in(m->lports, m->nlports, si->local_port)) ||
			 ((m->has & M_LOCAL_ADDR) &&
			  !addr_in(m->laddrs, m->nladdrs, &si->local_addr)))
			return MATCH_NO;
	}
	if (m->has & (M_REMOTE_PORT | M_REMOTE_ADDR)) {
		if (!si->has_remote)
			unknown = true;
		else if (((m->has & M_REMOTE_PORT) &&
			  !port_in(m->rports, m->nrports, si->remote_port)) ||
			 ((m->has & M_REMOTE_ADDR) &&
			  !addr_in(m->raddrs, m->nraddrs, &si->remote_addr)))
			return MATCH_NO;
	}
	return unknown ? MATCH_UNKNOWN : MATCH_YES;
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
	/* Last matching rule wins: search from the end. */
	for (size_t i = p->nrules; i-- > 0;) {
		const struct directive *d = optset_find(&p->rules[i].opts, opt);

		if (d && policy_match(&p->rules[i], si) == MATCH_YES)
			return d;
	}
	return optset_find(&p->site, opt);
}

static size_t add_apply(const struct directive *d, pol_apply_fn fn,
			void *ctx, size_t n)
{
	struct pol_apply a;

	if (!(d->has & (DIR_SET | DIR_FORCE)))
		return n;
	a.opt = d->opt;
	a.forced = d->has & DIR_FORCE;
	a.val = d->val;
	a.rule = d->rule;
	fn(&a, ctx);
	return n + 1;
}

/* Is d the directive in effect, and did it just come into effect? */
static bool newly_effective(const struct policy *p, const struct sockinfo *si,
			    const struct directive *d, uint64_t before)
{
	if (policy_lookup(p, si, d->opt) != d)
		return false;
	if (!d->rule)
		return false;
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].name == d->rule)
			return !(before & (1ULL << i));
	return false;
}

size_t policy_on_event(const struct policy *p, struct sockinfo *si,
		       enum pol_event ev, pol_apply_fn fn, void *ctx)
{
	uint64_t before = si->rules_applied, now = before;
	size_t n = 0;

	if (p->mode == MODE_TRACE)
		return 0;
	for (size_t i = 0; i < p->nrules && i < POLICY_MAX_RULES; i++)
		if (policy_match(&p->rules[i], si) == MATCH_YES)
			now |= 1ULL << i;
	if (ev == EV_CREATED || ev == EV_ACCEPTED) {
		/* A new socket: whatever is in effect now is set now. Only
		 * options some directive sets can be set: a policy of clamps
		 * and denies costs nothing here. */
		for (size_t i = 0; i < p->nset; i++) {
			const struct directive *d;

			d = policy_lookup(p, si, p->set_list[i]);
			if (d)
				n = add_apply(d, fn, ctx, n);
		}
	} else if (now != before) {
		for (size_t i = 0; i < p->nrules && i < POLICY_MAX_RULES; i++) {
			const struct optset *os = &p->rules[i].opts;

			if (!(now & ~before & (1ULL << i)))
				continue;
			for (size_t j = 0; j < os->n; j++)
				if (newly_effective(p, si, &os->d[j], before))
					n = add_apply(&os->d[j], fn, ctx, n);
		}
	}
	si->rules_applied = now;
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
	long long us;
	bool changed = false;

	/*
	 * The program's value may be anything. As the kernel reads it: a
	 * bad tv_usec is its EDOM to give, a negative time waits not at
	 * all (the shortest timeout), and one too long to count is forever.
	 * Zero means "wait forever": above any maximum, and never below a
	 * minimum (left as it is unless a maximum brings it down).
	 */
	if (tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return;
	if (tv->tv_sec < 0)
		us = 1;
	else if (tv->tv_sec >= LLONG_MAX / 1000000)
		us = LLONG_MAX;
	else
		us = (long long)tv->tv_sec * 1000000 + tv->tv_usec;
	if (us == 0)
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
	policy_judge_dir(p, p->mode == MODE_TRACE ? NULL :
			    policy_lookup(p, si, opt), app, v);
}

void policy_judge_dir(const struct policy *p, const struct directive *d,
		      const struct optval *app, struct verdict *v)
{
	bool changed = false;

	memset(v, 0, sizeof(*v));
	v->val = *app;
	v->enforce = p->mode == MODE_ENFORCE;
	if (p->mode == MODE_TRACE || !d)
		return;
	v->rule = d->rule;
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
		/* Options such as SO_MARK are unsigned 32-bit values. */
		v->val.i = (int)clamp(optcat_table[d->opt].hi > INT_MAX ?
					      (long long)(unsigned int)app->i :
					      app->i,
				      d, &changed);
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

/* Per record: most have no action, and the rest are found by index. */
const char *policy_action_name(enum pol_action a, bool enforce)
{
	if (a == ACT_NONE)
		return NULL;
	return vocab_name(enforce ? VOCAB_ACTION : VOCAB_AUDIT_ACTION, (int)a);
}

const char *policy_mode_name(enum pol_mode m)
{
	const char *name = vocab_name(VOCAB_MODE, (int)m);

	return name ? name : "?";
}
