// SPDX-License-Identifier: MIT
/*
 * report_out — the counts arranged for printing (report_text.c,
 * report_json.c): rows grouped by owner (a program, a host, or an option)
 * and sorted busiest first, then by name, so the same input prints the
 * same.
 */
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("sockshim report: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

static void rows_push(struct rows *r, uint32_t owner, uint32_t idx,
		      const char *a, const char *b, unsigned long n)
{
	if (r->n == r->max) {
		r->max = r->max ? r->max * 2 : 64;
		r->v = xrealloc(r->v, r->max * sizeof(*r->v));
	}
	r->v[r->n++] = (struct row){ owner, idx, a, b, n };
}

/* Biggest first, then by name: the same input gives the same output. */
static int row_cmp(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	int d;

	if (a->owner != b->owner)
		return a->owner < b->owner ? -1 : 1;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	d = strcmp(a->a, b->a);
	return d ? d : strcmp(a->b, b->b);
}

static void rows_index(struct rows *r, size_t owners)
{
	size_t o = 0;

	if (r->n)
		qsort(r->v, r->n, sizeof(*r->v), row_cmp);
	r->off = xrealloc(NULL, (owners + 1) * sizeof(*r->off));
	for (size_t i = 0; i <= r->n; i++)
		while (o <= owners && (i == r->n || r->v[i].owner >= o))
			r->off[o++] = i;
}

static void rows_free(struct rows *r)
{
	free(r->v);
	free(r->off);
}

static void view_pair(const struct report *rep, struct view *vw,
		      const struct cent *e)
{
	const struct strtab *s = &rep->str;
	uint32_t h = e->k.a, p = e->k.b;

	rows_push(&vw->hosts_of, p, h, strtab_str(s, rep->grp[h].name), "",
		  e->v);
	rows_push(&vw->progs_of, h, p, strtab_str(s, rep->grp[p].name), "",
		  e->v);
}

static void view_tab(const struct report *rep, struct view *vw)
{
	const struct strtab *s = &rep->str;

	for (size_t i = 0; i <= rep->tab.mask && rep->tab.e; i++) {
		const struct cent *e = &rep->tab.e[i];
		struct rows *r;

		switch (e->k.kind) {
		case K_VAL:
			r = &vw->vals;
			break;
		case K_SOCK:
			r = &vw->socks;
			break;
		case K_FAIL:
			r = &vw->fails;
			break;
		case K_DROP:
			r = &vw->drops;
			break;
		case K_PAIR:
			view_pair(rep, vw, e);
			continue;
		default:
			continue;
		}
		rows_push(r, e->k.a, 0, strtab_str(s, e->k.b),
			  strtab_str(s, e->k.c), e->v);
	}
}

void view_build(const struct report *rep, struct view *vw)
{
	const struct strtab *s = &rep->str;

	memset(vw, 0, sizeof(*vw));
	for (uint32_t g = 1; g < rep->ngrp; g++)
		rows_push(rep->grp[g].kind == G_PROG ? &vw->progs : &vw->hosts,
			  0, g, strtab_str(s, rep->grp[g].name), "",
			  rep->grp[g].c.records);
	for (uint32_t i = 0; i < rep->nopt; i++) {
		const struct opt *o = &rep->opt[i];

		rows_push(&vw->opts, o->group, i, strtab_str(s, o->level),
			  strtab_str(s, o->opt),
			  o->c.app_set + o->c.policy_set + o->c.get);
	}
	view_tab(rep, vw);
	rows_index(&vw->progs, 1);
	rows_index(&vw->hosts, 1);
	rows_index(&vw->opts, rep->ngrp);
	rows_index(&vw->vals, rep->nopt);
	rows_index(&vw->socks, rep->ngrp);
	rows_index(&vw->fails, rep->ngrp);
	rows_index(&vw->drops, rep->ngrp);
	rows_index(&vw->hosts_of, rep->ngrp);
	rows_index(&vw->progs_of, rep->ngrp);
}

void view_free(struct view *vw)
{
	rows_free(&vw->progs);
	rows_free(&vw->hosts);
	rows_free(&vw->opts);
	rows_free(&vw->vals);
	rows_free(&vw->socks);
	rows_free(&vw->fails);
	rows_free(&vw->drops);
	rows_free(&vw->hosts_of);
	rows_free(&vw->progs_of);
}
