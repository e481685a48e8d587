// SPDX-License-Identifier: MIT
/*
 * report_json — the report as one JSON document: the totals, then every
 * program and every host with the same counts. Names are the logs' own
 * JSON string bodies, values as the log wrote them.
 */
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

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
		fprintf(f, "%s\"%s\":%lu", sep, report_action_names[a],
			c->actions[a]);
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

/* [{"host":"alpha","records":20},...]: a group's hosts, or programs. */
static void json_names(const struct rows *rs, uint32_t g, const char *k,
		       FILE *f)
{
	for (size_t i = rs->off[g]; i < rs->off[g + 1]; i++)
		fprintf(f, "%s{\"%s\":\"%s\",\"records\":%lu}",
			i > rs->off[g] ? "," : "", k, rs->v[i].a, rs->v[i].n);
}

static void json_dropped(const struct view *vw, uint32_t g,
			 unsigned long total, FILE *f)
{
	const struct rows *rs = &vw->drops;

	fprintf(f, "\"dropped\":{\"total\":%lu,\"by_reason\":[", total);
	for (size_t i = rs->off[g]; i < rs->off[g + 1]; i++)
		fprintf(f, "%s{\"reason\":\"%s\",\"count\":%lu}",
			i > rs->off[g] ? "," : "", rs->v[i].a, rs->v[i].n);
	fputs("]},", f);
}

static void json_head(const struct report *rep, const struct view *vw,
		      uint32_t g, FILE *f)
{
	const struct group *gr = &rep->grp[g];
	const char *name = strtab_str(&rep->str, gr->name);

	switch (gr->kind) {
	case G_ALL:
		fprintf(f, "{\"programs\":%zu,\"hosts\":%zu,", rep->nprogs,
			rep->nhosts);
		break;
	case G_PROG:
		fprintf(f, "{\"prog\":\"%s\",\"hosts\":[", name);
		json_names(&vw->hosts_of, g, "host", f);
		fputs("],", f);
		break;
	case G_HOST:
		fprintf(f, "{\"host\":\"%s\",\"programs\":[", name);
		json_names(&vw->progs_of, g, "prog", f);
		fputs("],", f);
		break;
	}
}

static void json_group(const struct report *rep, const struct view *vw,
		       uint32_t p, FILE *f)
{
	const struct report_counts *c = &rep->grp[p].c;

	json_head(rep, vw, p, f);
	fprintf(f, "\"records\":%lu,\"processes\":%lu,", c->records,
		c->processes);
	json_dropped(vw, p, c->dropped, f);
	fprintf(f, "\"sockets\":{\"created\":%lu,\"by_type\":[", c->sockets);
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

static void json_filters(const struct report *rep, FILE *f)
{
	static const char *const what[REPORT_FILTERS] = {
		[REPORT_HOST] = "host", [REPORT_PROGRAM] = "program",
		[REPORT_OPTION] = "option",
	};

	fputs("\"only\":{", f);
	for (int k = 0; k < REPORT_FILTERS; k++) {
		fprintf(f, "%s\"%s\":[", k ? "," : "", what[k]);
		for (size_t i = 0; i < rep->filter[k].n; i++) {
			const char *g = rep->filter[k].glob[i];
			char *e = xrealloc(NULL, 6 * strlen(g) + 1);
			size_t n = json_escape(g, strlen(g), e);

			fprintf(f, "%s\"%.*s\"", i ? "," : "", (int)n, e);
			free(e);
		}
		fputc(']', f);
	}
	fputs("},", f);
}

static void json_list(const struct report *rep, const struct view *vw,
		      const struct rows *rs, const char *name, FILE *f)
{
	fprintf(f, ",\n\"%s\":[", name);
	for (size_t i = 0; i < rs->n; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_group(rep, vw, rs->v[i].idx, f);
	}
	fputc(']', f);
}

void report_print_json(const struct report *rep, FILE *f)
{
	struct view vw;

	view_build(rep, &vw);
	fprintf(f, "{\"skipped\":%lu,\"excluded\":%lu,", rep->skipped,
		rep->excluded);
	json_filters(rep, f);
	fputs("\n\"totals\":", f);
	json_group(rep, &vw, 0, f);
	json_list(rep, &vw, &vw.progs, "programs", f);
	json_list(rep, &vw, &vw.hosts, "hosts", f);
	fputs("}\n", f);
	view_free(&vw);
}
