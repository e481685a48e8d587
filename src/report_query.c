// SPDX-License-Identifier: MIT
/*
 * report_query — the counts of one program or host (or of all), by name:
 * what the unit tests check.
 */
#include "build-config.h"

#include <string.h>

#include "report_int.h"

/* ---- queries ---- */

static struct report *mut(const struct report *rep)
{
	/* Lookups without add never change the tables. */
	return (struct report *)rep;
}

static uint32_t find_str(const struct report *rep, const char *s)
{
	return s ? strtab_get(&mut(rep)->str, s, strlen(s), false) : 0;
}

/* A program's or host's group; NULL means all records (group 0). */
static bool find_group(const struct report *rep, enum kind k,
		       const char *name, uint32_t *g)
{
	unsigned long *v;

	*g = 0;
	if (!name)
		return true;
	v = ctab_get(&mut(rep)->tab, key(k, find_str(rep, name), 0, 0),
		     false, NULL);
	if (v)
		*g = (uint32_t)*v;
	return v != NULL;
}

static bool find_prog(const struct report *rep, const char *prog, uint32_t *p)
{
	return find_group(rep, K_PROG, prog, p);
}

static unsigned long find_count(const struct report *rep, struct ckey k)
{
	unsigned long *v = ctab_get(&mut(rep)->tab, k, false, NULL);

	return v ? *v : 0;
}

bool report_get_counts(const struct report *rep, const char *prog,
		       struct report_counts *out)
{
	uint32_t p;

	memset(out, 0, sizeof(*out));
	if (!find_prog(rep, prog, &p))
		return false;
	*out = rep->grp[p].c;
	return true;
}

bool report_get_host_counts(const struct report *rep, const char *host,
			    struct report_counts *out)
{
	uint32_t h;

	memset(out, 0, sizeof(*out));
	if (!find_group(rep, K_HOST, host, &h))
		return false;
	*out = rep->grp[h].c;
	return true;
}

unsigned long report_pair_count(const struct report *rep, const char *host,
				const char *prog)
{
	uint32_t h, p;

	if (!host || !prog || !find_group(rep, K_HOST, host, &h) ||
	    !find_prog(rep, prog, &p))
		return 0;
	return find_count(rep, key(K_PAIR, h, p, 0));
}

unsigned long report_dropped_count(const struct report *rep,
				   const char *prog, const char *reason)
{
	uint32_t p;

	if (!find_prog(rep, prog, &p))
		return 0;
	return find_count(rep, key(K_DROP, p, find_str(rep, reason), 0));
}

static const struct opt *find_opt(const struct report *rep, const char *prog,
				  const char *level, const char *opt)
{
	uint32_t p;
	unsigned long *v;

	if (!find_prog(rep, prog, &p))
		return NULL;
	v = ctab_get(&mut(rep)->tab,
		     key(K_OPT, p, find_str(rep, level), find_str(rep, opt)),
		     false, NULL);
	return v ? &rep->opt[*v] : NULL;
}

bool report_get_opt(const struct report *rep, const char *prog,
		    const char *level, const char *opt,
		    struct report_opt_counts *out)
{
	const struct opt *o = find_opt(rep, prog, level, opt);

	memset(out, 0, sizeof(*out));
	if (o)
		*out = o->c;
	return o != NULL;
}

unsigned long report_value_count(const struct report *rep, const char *prog,
				 const char *level, const char *opt,
				 const char *value)
{
	const struct opt *o = find_opt(rep, prog, level, opt);

	if (!o)
		return 0;
	return find_count(rep, key(K_VAL, (uint32_t)(o - rep->opt),
				   find_str(rep, value), 0));
}

unsigned long report_socket_count(const struct report *rep, const char *prog,
				  const char *family, const char *type)
{
	uint32_t p;

	if (!find_prog(rep, prog, &p))
		return 0;
	return find_count(rep, key(K_SOCK, p, find_str(rep, family),
				   find_str(rep, type)));
}

unsigned long report_failure_count(const struct report *rep, const char *prog,
				   const char *call, const char *err)
{
	uint32_t p;

	if (!find_prog(rep, prog, &p))
		return 0;
	return find_count(rep, key(K_FAIL, p, find_str(rep, call),
				   find_str(rep, err)));
}
