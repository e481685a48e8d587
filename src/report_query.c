// SPDX-License-Identifier: MIT
/*
 * report_query — the counts of one program (or of all), by name: what the
 * unit tests check.
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

/* The program's index; NULL means all programs (index 0). */
static bool find_prog(const struct report *rep, const char *prog, uint32_t *p)
{
	unsigned long *v;

	*p = 0;
	if (!prog)
		return true;
	v = ctab_get(&mut(rep)->tab, key(K_PROG, find_str(rep, prog), 0, 0),
		     false, NULL);
	if (v)
		*p = (uint32_t)*v;
	return v != NULL;
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
	*out = rep->prog[p].c;
	return true;
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
