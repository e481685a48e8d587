// SPDX-License-Identifier: MIT
/*
 * report_out — the report printed: tables for people, one JSON document
 * for programs. Rows are grouped by owner (a program, or an option) and
 * sorted busiest first, then by name, so the same input prints the same.
 */
#include "build-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

#define VALUES_SHOWN 8

/* ---- output: rows grouped by owner (a program, or an option) ---- */

/* Printing runs once, at the end: running out of memory there is fatal. */
static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("sockshim report: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

struct row {
	uint32_t owner, idx;
	const char *a, *b;
	unsigned long n;
};

struct rows {
	struct row *v;
	size_t n, max;
	size_t *off;		/* owner o's rows: [off[o], off[o + 1]) */
};

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

struct view {
	struct rows progs, opts, vals, socks, fails;
};

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
		default:
			continue;
		}
		rows_push(r, e->k.a, 0, strtab_str(s, e->k.b),
			  strtab_str(s, e->k.c), e->v);
	}
}

static void view_build(const struct report *rep, struct view *vw)
{
	const struct strtab *s = &rep->str;

	memset(vw, 0, sizeof(*vw));
	for (uint32_t p = 1; p < rep->nprog; p++)
		rows_push(&vw->progs, 0, p, strtab_str(s, rep->prog[p].name),
			  "", rep->prog[p].c.records);
	for (uint32_t i = 0; i < rep->nopt; i++) {
		const struct opt *o = &rep->opt[i];

		rows_push(&vw->opts, o->prog, i, strtab_str(s, o->level),
			  strtab_str(s, o->opt),
			  o->c.app_set + o->c.policy_set + o->c.get);
	}
	view_tab(rep, vw);
	rows_index(&vw->progs, 1);
	rows_index(&vw->opts, rep->nprog);
	rows_index(&vw->vals, rep->nopt);
	rows_index(&vw->socks, rep->nprog);
	rows_index(&vw->fails, rep->nprog);
}

static void view_free(struct view *vw)
{
	rows_free(&vw->progs);
	rows_free(&vw->opts);
	rows_free(&vw->vals);
	rows_free(&vw->socks);
	rows_free(&vw->fails);
}

/* ---- text ---- */

#define TABLE_COLS 7

/* Cells are built first so that every column gets its widest width. */
struct table {
	size_t ncol, nrow, max;
	const char *align;	/* 'l' or 'r', per column */
	char **cell;
};

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fputs("sockshim report: out of memory\n", stderr);
		exit(1);
	}
	return s;
}

/* ncol strings, taken over. */
static void table_add(struct table *t, ...)
{
	va_list ap;

	if (t->nrow == t->max) {
		t->max = t->max ? t->max * 2 : 16;
		t->cell = xrealloc(t->cell,
				   t->max * t->ncol * sizeof(*t->cell));
	}
	va_start(ap, t);
	for (size_t c = 0; c < t->ncol; c++)
		t->cell[t->nrow * t->ncol + c] = va_arg(ap, char *);
	va_end(ap);
	t->nrow++;
}

static void table_print(struct table *t, FILE *f)
{
	size_t w[TABLE_COLS] = { 0 };

	for (size_t i = 0; i < t->nrow * t->ncol; i++) {
		size_t n = strlen(t->cell[i]);

		if (n > w[i % t->ncol])
			w[i % t->ncol] = n;
	}
	for (size_t r = 0; r < t->nrow; r++) {
		fputs("  ", f);
		for (size_t c = 0; c < t->ncol; c++) {
			const char *s = t->cell[r * t->ncol + c];
			bool last = c + 1 == t->ncol;

			if (t->align[c] == 'r')
				fprintf(f, "  %*s", (int)w[c], s);
			else if (last)
				fprintf(f, "  %s", s);
			else
				fprintf(f, "  %-*s", (int)w[c], s);
			free(t->cell[r * t->ncol + c]);
		}
		fputc('\n', f);
	}
	free(t->cell);
}

static char *actions_text(const struct report_opt_counts *c)
{
	char *s = xasprintf("%s", "");

	for (int a = 0; a < RA_COUNT; a++) {
		char *n;

		if (!c->actions[a])
			continue;
		n = xasprintf("%s%s%s %lu", s, *s ? ", " : "", report_action_name(a),
			      c->actions[a]);
		free(s);
		s = n;
	}
	return *s ? s : (free(s), xasprintf("-"));
}

static char *values_text(const struct view *vw, uint32_t opt)
{
	size_t lo = vw->vals.off[opt], hi = vw->vals.off[opt + 1];
	char *s = xasprintf("%s", "");

	for (size_t i = lo; i < hi && i - lo < VALUES_SHOWN; i++) {
		char *n = xasprintf("%s%s%s (%lu)", s, *s ? ", " : "",
				    vw->vals.v[i].a, vw->vals.v[i].n);
		free(s);
		s = n;
	}
	if (hi - lo > VALUES_SHOWN) {
		char *n = xasprintf("%s, +%zu more", s, hi - lo - VALUES_SHOWN);
		free(s);
		s = n;
	}
	return *s ? s : (free(s), xasprintf("-"));
}

static void text_sockets(const struct report *rep, const struct view *vw,
			 uint32_t p, FILE *f)
{
	const struct report_counts *c = &rep->prog[p].c;
	struct table t = { .ncol = 3, .align = "llr" };

	fprintf(f, "  sockets: %lu created; %lu listeners, %lu accepted, "
		   "%lu clients\n", c->sockets, c->listeners, c->accepted,
		c->clients);
	fprintf(f, "  accept: %lu calls, %lu failed; connect: %lu calls, "
		   "%lu in progress, %lu failed\n", c->accepts,
		c->accept_failed, c->connects, c->connect_inprogress,
		c->connect_failed);
	if (vw->socks.off[p] == vw->socks.off[p + 1])
		return;
	table_add(&t, xasprintf("family"), xasprintf("type"),
		  xasprintf("sockets"));
	for (size_t i = vw->socks.off[p]; i < vw->socks.off[p + 1]; i++) {
		const struct row *r = &vw->socks.v[i];

		table_add(&t, xasprintf("%s", r->a), xasprintf("%s", r->b),
			  xasprintf("%lu", r->n));
	}
	table_print(&t, f);
}

static void text_options(const struct view *vw, uint32_t p, FILE *f,
			 const struct report *rep)
{
	struct table t = { .ncol = 7, .align = "llrrrll" };

	if (vw->opts.off[p] == vw->opts.off[p + 1])
		return;
	fputs("  options:\n", f);
	table_add(&t, xasprintf("level"), xasprintf("option"),
		  xasprintf("set"), xasprintf("policy"), xasprintf("get"),
		  xasprintf("actions"), xasprintf("values set (calls)"));
	for (size_t i = vw->opts.off[p]; i < vw->opts.off[p + 1]; i++) {
		const struct row *r = &vw->opts.v[i];
		const struct report_opt_counts *c = &rep->opt[r->idx].c;

		table_add(&t, xasprintf("%s", r->a), xasprintf("%s", r->b),
			  xasprintf("%lu", c->app_set),
			  xasprintf("%lu", c->policy_set),
			  xasprintf("%lu", c->get), actions_text(c),
			  values_text(vw, r->idx));
	}
	table_print(&t, f);
}

static void text_failures(const struct view *vw, uint32_t p, FILE *f,
			  unsigned long total)
{
	struct table t = { .ncol = 3, .align = "llr" };

	if (!total)
		return;
	fprintf(f, "  failures: %lu\n", total);
	table_add(&t, xasprintf("call"), xasprintf("errno"),
		  xasprintf("count"));
	for (size_t i = vw->fails.off[p]; i < vw->fails.off[p + 1]; i++) {
		const struct row *r = &vw->fails.v[i];

		table_add(&t, xasprintf("%s", r->a), xasprintf("%s", r->b),
			  xasprintf("%lu", r->n));
	}
	table_print(&t, f);
}

static void text_prog(const struct report *rep, const struct view *vw,
		      uint32_t p, FILE *f)
{
	const struct report_counts *c = &rep->prog[p].c;

	if (p)
		fprintf(f, "\n%s: %lu records, %lu processes\n",
			strtab_str(&rep->str, rep->prog[p].name), c->records,
			c->processes);
	else
		fprintf(f, "all programs (%zu): %lu records, %lu processes, "
			   "%lu lines skipped\n", rep->nprog - 1, c->records,
			c->processes, rep->skipped);
	text_sockets(rep, vw, p, f);
	text_options(vw, p, f, rep);
	text_failures(vw, p, f, c->failures);
}

void report_print_text(const struct report *rep, FILE *f)
{
	struct view vw;

	view_build(rep, &vw);
	text_prog(rep, &vw, 0, f);
	for (size_t i = 0; i < vw.progs.n; i++)
		text_prog(rep, &vw, vw.progs.v[i].idx, f);
	view_free(&vw);
}

/* ---- JSON: names are the logs' own JSON string bodies, values raw ---- */

static void json_opt(const struct report *rep, const struct view *vw,
		     const struct row *r, FILE *f)
{
	const struct report_opt_counts *c = &rep->opt[r->idx].c;
	size_t lo = vw->vals.off[r->idx], hi = vw->vals.off[r->idx + 1];
	const char *sep = "";

	fprintf(f, "{\"level\":\"%s\",\"opt\":\"%s\",\"setsockopt\":%lu,"
		   "\"policy_setsockopt\":%lu,\"getsockopt\":%lu,\"actions\":{",
		r->a, r->b, c->app_set, c->policy_set, c->get);
	for (int a = 0; a < RA_COUNT; a++) {
		if (!c->actions[a])
			continue;
		fprintf(f, "%s\"%s\":%lu", sep, report_action_name(a), c->actions[a]);
		sep = ",";
	}
	fprintf(f, "},\"distinct_values\":%lu,\"values\":[", c->values);
	for (size_t i = lo; i < hi; i++)
		fprintf(f, "%s{\"val\":%s,\"count\":%lu}", i > lo ? "," : "",
			vw->vals.v[i].a, vw->vals.v[i].n);
	fputs("]}", f);
}

static void json_rows(const struct rows *rs, uint32_t p, const char *ka,
		      const char *kb, FILE *f)
{
	for (size_t i = rs->off[p]; i < rs->off[p + 1]; i++)
		fprintf(f, "%s{\"%s\":\"%s\",\"%s\":\"%s\",\"count\":%lu}",
			i > rs->off[p] ? "," : "", ka, rs->v[i].a, kb,
			rs->v[i].b, rs->v[i].n);
}

static void json_prog(const struct report *rep, const struct view *vw,
		      uint32_t p, FILE *f)
{
	const struct report_counts *c = &rep->prog[p].c;

	if (p)
		fprintf(f, "{\"prog\":\"%s\",",
			strtab_str(&rep->str, rep->prog[p].name));
	else
		fprintf(f, "{\"programs\":%zu,", rep->nprog - 1);
	fprintf(f, "\"records\":%lu,\"processes\":%lu,"
		   "\"sockets\":{\"created\":%lu,\"by_type\":[",
		c->records, c->processes, c->sockets);
	json_rows(&vw->socks, p, "family", "type", f);
	fprintf(f, "]},\"roles\":{\"listeners\":%lu,\"accepted\":%lu,"
		   "\"clients\":%lu},\"accept\":{\"calls\":%lu,\"failed\":%lu},"
		   "\"connect\":{\"calls\":%lu,\"in_progress\":%lu,"
		   "\"failed\":%lu},\"options\":[",
		c->listeners, c->accepted, c->clients, c->accepts,
		c->accept_failed, c->connects, c->connect_inprogress,
		c->connect_failed);
	for (size_t i = vw->opts.off[p]; i < vw->opts.off[p + 1]; i++) {
		if (i > vw->opts.off[p])
			fputc(',', f);
		json_opt(rep, vw, &vw->opts.v[i], f);
	}
	fprintf(f, "],\"failures\":{\"total\":%lu,\"by_errno\":[",
		c->failures);
	json_rows(&vw->fails, p, "call", "errno", f);
	fputs("]}}", f);
}

void report_print_json(const struct report *rep, FILE *f)
{
	struct view vw;

	view_build(rep, &vw);
	fprintf(f, "{\"skipped\":%lu,\n\"totals\":", rep->skipped);
	json_prog(rep, &vw, 0, f);
	fputs(",\n\"programs\":[", f);
	for (size_t i = 0; i < vw.progs.n; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_prog(rep, &vw, vw.progs.v[i].idx, f);
	}
	fputs("]}\n", f);
	view_free(&vw);
}
