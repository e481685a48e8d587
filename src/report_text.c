// SPDX-License-Identifier: MIT
/*
 * report_text — the report as tables for people: all records, then a
 * section per program (or per host), busiest first.
 */
#include "build-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

#define VALUES_SHOWN 8

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
		n = xasprintf("%s%s%s %lu", s, *s ? ", " : "",
			      report_action_names[a], c->actions[a]);
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
	const struct report_counts *c = &rep->grp[p].c;
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

/* "alpha 20, beta 13, +2 more": a group's hosts, or programs. */
static char *names_text(const struct rows *rs, uint32_t g)
{
	size_t lo = rs->off[g], hi = rs->off[g + 1];
	char *s = xasprintf("%s", "");

	for (size_t i = lo; i < hi && i - lo < VALUES_SHOWN; i++) {
		char *n = xasprintf("%s%s%s %lu", s, *s ? ", " : "",
				    rs->v[i].a, rs->v[i].n);
		free(s);
		s = n;
	}
	if (hi - lo > VALUES_SHOWN) {
		char *n = xasprintf("%s, +%zu more", s, hi - lo - VALUES_SHOWN);
		free(s);
		s = n;
	}
	return s;
}

static void text_dropped(const struct view *vw, uint32_t g, FILE *f,
			 unsigned long total)
{
	char *s;

	if (!total)
		return;
	s = names_text(&vw->drops, g);
	fprintf(f, "  dropped: %lu records the log could not write (%s)\n",
		total, s);
	free(s);
}

/* "only: host a* or b*; option SO_LINGER (12 records left out)" */
static void text_filter(const struct report *rep, FILE *f)
{
	static const char *const what[REPORT_FILTERS] = {
		[REPORT_HOST] = "host", [REPORT_PROGRAM] = "program",
		[REPORT_OPTION] = "option",
	};
	bool any = false;

	for (int k = 0; k < REPORT_FILTERS; k++) {
		if (!rep->filter[k].n)
			continue;
		fprintf(f, "%s%s", any ? "; " : "  only: ", what[k]);
		for (size_t i = 0; i < rep->filter[k].n; i++)
			fprintf(f, "%s %s", i ? " or" : "",
				rep->filter[k].glob[i]);
		any = true;
	}
	if (any)
		fprintf(f, " (%lu records left out)\n", rep->excluded);
}

static void text_group(const struct report *rep, const struct view *vw,
		       uint32_t g, FILE *f)
{
	const struct group *gr = &rep->grp[g];
	const struct report_counts *c = &gr->c;
	char *s = NULL;

	if (g) {
		fprintf(f, "\n%s: %lu records, %lu processes\n",
			strtab_str(&rep->str, gr->name), c->records,
			c->processes);
	} else {
		fprintf(f, "all programs (%zu): %lu records, %lu processes, "
			   "%lu lines skipped\n", rep->nprogs, c->records,
			c->processes, rep->skipped);
		text_filter(rep, f);
	}
	if (gr->kind == G_HOST) {
		s = names_text(&vw->progs_of, g);
		fprintf(f, "  programs: %s\n", s);
	} else if (rep->hosts_named && gr->kind == G_PROG) {
		s = names_text(&vw->hosts_of, g);
		fprintf(f, "  hosts: %s\n", s);
	} else if (rep->hosts_named) {
		s = names_text(&vw->hosts, 0);
		fprintf(f, "  hosts (%zu): %s\n", rep->nhosts, s);
	}
	free(s);
	text_dropped(vw, g, f, c->dropped);
	text_sockets(rep, vw, g, f);
	text_options(vw, g, f, rep);
	text_failures(vw, g, f, c->failures);
}

void report_print_text(const struct report *rep, FILE *f)
{
	const struct rows *by;
	struct view vw;

	view_build(rep, &vw);
	by = rep->by == REPORT_BY_HOST ? &vw.hosts : &vw.progs;
	text_group(rep, &vw, 0, f);
	for (size_t i = 0; i < by->n; i++)
		text_group(rep, &vw, by->v[i].idx, f);
	view_free(&vw);
}
