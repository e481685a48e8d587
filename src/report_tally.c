// SPDX-License-Identifier: MIT
/*
 * report_tally — `sockshim report`'s counts: a record's facts added to
 * the counts of all records, of its program and of its host; the filters
 * that decide which records count.
 *
 * A log of a busy host holds millions of records, so the common path
 * allocates nothing: a line is scanned in place, its strings are interned
 * once, and every count lives in one open-addressing table keyed by small
 * integer tuples.
 */
#include "build-config.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

/* ---- the report ---- */

struct report *report_new(void)
{
	struct report *rep = calloc(1, sizeof(*rep));

	if (!rep)
		return NULL;
	if (!strtab_init(&rep->str) ||
	    !grow_array((void **)&rep->grp, &rep->maxgrp, 0,
			sizeof(*rep->grp)) ||
	    !(rep->unknown = strtab_get(&rep->str, "?", 1, true)) ||
	    !(rep->nohost = strtab_get(&rep->str, REPORT_NO_HOST,
				       strlen(REPORT_NO_HOST), true))) {
		report_free(rep);
		return NULL;
	}
	memset(&rep->grp[0], 0, sizeof(rep->grp[0]));
	rep->ngrp = 1;
	return rep;
}

void report_free(struct report *rep)
{
	if (!rep)
		return;
	strtab_free(&rep->str);
	free(rep->tab.e);
	free(rep->grp);
	free(rep->opt);
	for (int i = 0; i < REPORT_FILTERS; i++) {
		for (size_t j = 0; j < rep->filter[i].n; j++)
			free(rep->filter[i].glob[j]);
		free(rep->filter[i].glob);
	}
	free(rep->scratch);
	free(rep);
}

void report_begin_source(struct report *rep)
{
	rep->source++;
}

void report_set_by(struct report *rep, enum report_by by)
{
	rep->by = by;
}

int report_add_filter(struct report *rep, enum report_filter what,
		      const char *glob)
{
	struct filter *f = &rep->filter[what];
	char **v = realloc(f->glob, (f->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	f->glob = v;
	v[f->n] = strdup(glob);
	if (!v[f->n])
		return -1;
	f->n++;
	return 0;
}

unsigned long report_skipped(const struct report *rep)
{
	return rep->skipped;
}

unsigned long report_excluded(const struct report *rep)
{
	return rep->excluded;
}

unsigned long report_programs(const struct report *rep)
{
	return rep->nprogs;
}

unsigned long report_hosts(const struct report *rep)
{
	return rep->nhosts;
}

const char *const report_action_names[RA_COUNT] = {
	[RA_SET] = "set",
	[RA_FORCED] = "forced",
	[RA_CLAMPED] = "clamped",
	[RA_DENIED] = "denied",
	[RA_GRACEFUL] = "graceful",
	[RA_WOULD_SET] = "would-set",
	[RA_WOULD_FORCE] = "would-force",
	[RA_WOULD_CLAMP] = "would-clamp",
	[RA_WOULD_DENY] = "would-deny",
	[RA_WOULD_GRACEFUL] = "would-graceful",
	[RA_OTHER] = "other",
};

const char *report_action_name(enum report_action a)
{
	return (unsigned)a < RA_COUNT ? report_action_names[a] : NULL;
}

/* ---- filters: a name's verdict is found once, then looked up ---- */

static int matches(struct report *rep, enum report_filter what, uint32_t s)
{
	const struct filter *f = &rep->filter[what];
	const char *name = strtab_str(&rep->str, s);
	bool fresh;
	unsigned long *v;

	if (!f->n)
		return 1;
	v = ctab_get(&rep->tab, key(K_MATCH, what, s, 0), true, &fresh);
	if (!v)
		return -1;
	if (fresh) {
		*v = 2;
		for (size_t i = 0; i < f->n && *v == 2; i++)
			if (fnmatch(f->glob[i], name, 0) == 0)
				*v = 1;
	}
	return *v == 1;
}

int report_wanted(struct report *rep, const struct facts *x)
{
	int r = matches(rep, REPORT_HOST, x->host);

	if (r == 1)
		r = matches(rep, REPORT_PROGRAM, x->prog);
	if (r == 1 && rep->filter[REPORT_OPTION].n) {
		if ((x->call != C_SETSOCKOPT && x->call != C_GETSOCKOPT) ||
		    !x->opt)
			return 0;
		r = matches(rep, REPORT_OPTION, x->opt);
	}
	return r;
}

/* ---- counting ---- */

static int count(struct report *rep, struct ckey k, unsigned long n)
{
	unsigned long *v = ctab_get(&rep->tab, k, true, NULL);

	if (!v)
		return -1;
	*v += n;
	return 0;
}

/* A program's or host's group, made on first sight. */
static int group_index(struct report *rep, enum kind k, uint32_t name,
		       uint32_t *idx)
{
	bool fresh;
	unsigned long *v = ctab_get(&rep->tab, key(k, name, 0, 0), true,
				    &fresh);

	if (!v)
		return -1;
	if (fresh) {
		struct group *g;

		if (!grow_array((void **)&rep->grp, &rep->maxgrp, rep->ngrp,
				sizeof(*rep->grp)))
			return -1;
		g = &rep->grp[rep->ngrp];
		memset(g, 0, sizeof(*g));
		g->name = name;
		g->kind = k == K_PROG ? G_PROG : G_HOST;
		if (k == K_PROG)
			rep->nprogs++;
		else
			rep->nhosts++;
		*v = rep->ngrp++;
	}
	*idx = (uint32_t)*v;
	return 0;
}

static int opt_index(struct report *rep, uint32_t g, const struct facts *x,
		     uint32_t *idx)
{
	bool fresh;
	unsigned long *v = ctab_get(&rep->tab, key(K_OPT, g, x->level, x->opt),
				    true, &fresh);

	if (!v)
		return -1;
	if (fresh) {
		if (!grow_array((void **)&rep->opt, &rep->maxopt, rep->nopt,
				sizeof(*rep->opt)))
			return -1;
		memset(&rep->opt[rep->nopt], 0, sizeof(*rep->opt));
		rep->opt[rep->nopt].group = g;
		rep->opt[rep->nopt].level = x->level;
		rep->opt[rep->nopt].opt = x->opt;
		*v = rep->nopt++;
	}
	*idx = (uint32_t)*v;
	return 0;
}

static int tally_opt(struct report *rep, uint32_t g, const struct facts *x)
{
	struct report_opt_counts *c;
	unsigned long *v;
	uint32_t i;
	bool fresh;

	if (opt_index(rep, g, x, &i))
		return -1;
	c = &rep->opt[i].c;
	if (x->action >= 0)
		c->actions[x->action]++;
	if (x->call == C_GETSOCKOPT) {
		c->get++;
		return 0;
	}
	if (x->policy)
		c->policy_set++;
	else
		c->app_set++;
	/* Values that took effect: a denied call set nothing. */
	if (!x->val || x->ret != 0)
		return 0;
	v = ctab_get(&rep->tab, key(K_VAL, i, x->val, 0), true, &fresh);
	if (!v)
		return -1;
	(*v)++;
	if (fresh)
		rep->opt[i].c.values++;
	return 0;
}

static int tally_socket(struct report *rep, uint32_t g, const struct facts *x)
{
	unsigned long n = x->call == C_SOCKETPAIR ? 2 : 1;

	if (x->ret < 0)
		return 0;
	rep->grp[g].c.sockets += n;
	return count(rep, key(K_SOCK, g, x->family, x->type), n);
}

static void tally_role(struct report_counts *c, const struct facts *x)
{
	switch (x->call) {
	case C_LISTEN:
		if (x->ret == 0)
			c->listeners++;
		break;
	case C_ACCEPT:
		c->accepts++;
		if (x->ret >= 0)
			c->accepted++;
		else
			c->accept_failed++;
		break;
	case C_CONNECT:
		c->connects++;
		if (x->ret == 0 || x->inprogress)
			c->clients++;
		if (x->inprogress)
			c->connect_inprogress++;
		else if (x->err)
			c->connect_failed++;
		break;
	default:
		break;
	}
}

static int tally(struct report *rep, uint32_t g, const struct facts *x)
{
	struct report_counts *c = &rep->grp[g].c;
	struct ckey proc = key(K_PROC, g, rep->source, x->host);
	bool fresh;

	c->records++;
	proc.d = x->pid;
	if (!ctab_get(&rep->tab, proc, true, &fresh))
		return -1;
	if (fresh)
		rep->grp[g].c.processes++;
	if (x->call == C_DROPPED) {
		rep->grp[g].c.dropped += x->dropped;
		return count(rep, key(K_DROP, g, x->reason, 0), x->dropped);
	}
	tally_role(c, x);
	if (x->err)
		c->failures++;
	if (x->err && count(rep, key(K_FAIL, g, x->call_id, x->err), 1))
		return -1;
	switch (x->call) {
	case C_SOCKET:
	case C_SOCKETPAIR:
		return tally_socket(rep, g, x);
	case C_SETSOCKOPT:
	case C_GETSOCKOPT:
		return x->level ? tally_opt(rep, g, x) : 0;
	default:
		return 0;
	}
}

int report_tally(struct report *rep, const struct facts *x)
{
	uint32_t p, h;

	if (group_index(rep, K_PROG, x->prog, &p) ||
	    group_index(rep, K_HOST, x->host, &h))
		return -1;
	if (x->host != rep->nohost)
		rep->hosts_named = true;
	if (tally(rep, 0, x) || tally(rep, p, x) || tally(rep, h, x))
		return -1;
	return count(rep, key(K_PAIR, h, p, 0), 1);
}
