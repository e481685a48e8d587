// SPDX-License-Identifier: MIT
/*
 * report_tally — `sockshim report`'s counting: a line's facts, and the
 * counts they add to, for its program and for all programs.
 *
 * A log of a busy host holds millions of records, so the common path
 * allocates nothing: a line is scanned in place, its strings are interned
 * once, and every count lives in one open-addressing table keyed by small
 * integer tuples.
 */
#include "build-config.h"

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
	    !grow_array((void **)&rep->prog, &rep->maxprog, 0,
			sizeof(*rep->prog)) ||
	    !(rep->unknown = strtab_get(&rep->str, "?", 1, true))) {
		report_free(rep);
		return NULL;
	}
	memset(&rep->prog[0], 0, sizeof(rep->prog[0]));
	rep->nprog = 1;
	return rep;
}

void report_free(struct report *rep)
{
	if (!rep)
		return;
	strtab_free(&rep->str);
	free(rep->tab.e);
	free(rep->prog);
	free(rep->opt);
	free(rep);
}

void report_begin_source(struct report *rep)
{
	rep->source++;
}

unsigned long report_skipped(const struct report *rep)
{
	return rep->skipped;
}

unsigned long report_programs(const struct report *rep)
{
	return rep->nprog - 1;
}

static const char *const action_names[RA_COUNT] = {
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
	return (unsigned)a < RA_COUNT ? action_names[a] : NULL;
}

/* ---- a record's facts ---- */

enum call {
	C_OTHER, C_SOCKET, C_SOCKETPAIR, C_SETSOCKOPT, C_GETSOCKOPT,
	C_LISTEN, C_CONNECT, C_ACCEPT
};

struct facts {
	enum call call;
	uint32_t call_id;	/* only for a failure */
	uint32_t pid;
	long long ret;
	uint32_t err;		/* 0: the call did not fail */
	bool inprogress;	/* EINPROGRESS: a connect under way */
	bool policy;
	uint32_t family, type;
	uint32_t level, opt, val;
	int action;		/* -1: none */
};

static enum call call_of(const struct jval *v)
{
	static const struct {
		const char *name;
		enum call call;
	} calls[] = {
		{ "socket", C_SOCKET },
		{ "socketpair", C_SOCKETPAIR },
		{ "setsockopt", C_SETSOCKOPT },
		{ "getsockopt", C_GETSOCKOPT },
		{ "listen", C_LISTEN },
		{ "connect", C_CONNECT },
		{ "accept", C_ACCEPT },
		{ "accept4", C_ACCEPT },
	};

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (jv_is(v, calls[i].name))
			return calls[i].call;
	return C_OTHER;
}

static int action_of(const struct jval *v)
{
	if (v->t == J_NONE)
		return -1;
	for (int i = 0; i < RA_OTHER; i++)
		if (jv_is(v, action_names[i]))
			return i;
	return RA_OTHER;
}

/* The text a value is counted under: JSON as the log writes it. */
static uint32_t intern_value(struct report *rep, const struct jval *v)
{
	char buf[256];
	size_t n = 0;

	if (v->t == J_STR)
		return strtab_get(&rep->str, v->p - 1, v->n + 2, true);
	if (v->t != J_ARR || !v->ws || v->n > sizeof(buf))
		return strtab_get(&rep->str, v->p, v->n, true);
	/* Numbers only inside: every blank can go. */
	for (size_t i = 0; i < v->n; i++)
		if (v->p[i] != ' ' && v->p[i] != '\t' && v->p[i] != '\n' &&
		    v->p[i] != '\r')
			buf[n++] = v->p[i];
	return strtab_get(&rep->str, buf, n, true);
}

/* A name (or a number the log had no name for); "?" when absent. */
static uint32_t intern_name(struct report *rep, const struct jval *v)
{
	if (v->t == J_NONE)
		return rep->unknown;
	return strtab_get(&rep->str, v->p, v->n, true);
}

/* SOCK_STREAM|SOCK_CLOEXEC counts as SOCK_STREAM. */
static uint32_t intern_type(struct report *rep, const struct jval *v)
{
	const char *bar = v->t == J_STR ? memchr(v->p, '|', v->n) : NULL;
	struct jval t = *v;

	if (bar)
		t.n = (size_t)(bar - v->p);
	return intern_name(rep, &t);
}

static bool facts_names(struct report *rep, const struct jval *f,
			struct facts *x)
{
	if (x->err) {
		x->call_id = intern_name(rep, &f[F_CALL]);
		if (!x->call_id)
			return false;
	}
	switch (x->call) {
	case C_SOCKET:
	case C_SOCKETPAIR:
		x->family = intern_name(rep, &f[F_FAMILY]);
		x->type = intern_type(rep, &f[F_TYPE]);
		return x->family && x->type;
	case C_SETSOCKOPT:
	case C_GETSOCKOPT:
		if (f[F_LEVEL].t == J_NONE || f[F_OPT].t == J_NONE)
			return true;
		x->level = intern_name(rep, &f[F_LEVEL]);
		x->opt = intern_name(rep, &f[F_OPT]);
		if (f[F_VAL].t != J_NONE) {
			x->val = intern_value(rep, &f[F_VAL]);
			if (!x->val)
				return false;
		}
		return x->level && x->opt;
	default:
		return true;
	}
}

/* 1: not a record, -1: out of memory. */
static int facts_of(struct report *rep, const struct jval *f, struct facts *x)
{
	long long pid;

	memset(x, 0, sizeof(*x));
	if (!jv_int(&f[F_PID], &pid) || !jv_int(&f[F_RET], &x->ret) ||
	    f[F_PROG].t != J_STR || f[F_CALL].t != J_STR)
		return 1;
	x->pid = (uint32_t)pid;
	x->call = call_of(&f[F_CALL]);
	x->policy = jv_is(&f[F_ORIGIN], "policy");
	x->action = action_of(&f[F_ACTION]);
	if (f[F_ERRNO].t != J_NONE || x->ret < 0) {
		x->err = intern_name(rep, &f[F_ERRNO]);
		if (!x->err)
			return -1;
		x->inprogress = jv_is(&f[F_ERRNO], "EINPROGRESS");
	}
	return facts_names(rep, f, x) ? 0 : -1;
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

static int prog_index(struct report *rep, uint32_t name, uint32_t *idx)
{
	bool fresh;
	unsigned long *v = ctab_get(&rep->tab, key(K_PROG, name, 0, 0), true,
				    &fresh);

	if (!v)
		return -1;
	if (fresh) {
		if (!grow_array((void **)&rep->prog, &rep->maxprog, rep->nprog,
			  sizeof(*rep->prog)))
			return -1;
		memset(&rep->prog[rep->nprog], 0, sizeof(*rep->prog));
		rep->prog[rep->nprog].name = name;
		*v = rep->nprog++;
	}
	*idx = (uint32_t)*v;
	return 0;
}

static int opt_index(struct report *rep, uint32_t p, const struct facts *x,
		     uint32_t *idx)
{
	bool fresh;
	unsigned long *v = ctab_get(&rep->tab, key(K_OPT, p, x->level, x->opt),
				    true, &fresh);

	if (!v)
		return -1;
	if (fresh) {
		if (!grow_array((void **)&rep->opt, &rep->maxopt, rep->nopt,
			  sizeof(*rep->opt)))
			return -1;
		memset(&rep->opt[rep->nopt], 0, sizeof(*rep->opt));
		rep->opt[rep->nopt].prog = p;
		rep->opt[rep->nopt].level = x->level;
		rep->opt[rep->nopt].opt = x->opt;
		*v = rep->nopt++;
	}
	*idx = (uint32_t)*v;
	return 0;
}

static int tally_opt(struct report *rep, uint32_t p, const struct facts *x)
{
	struct report_opt_counts *c;
	unsigned long *v;
	uint32_t i;
	bool fresh;

	if (opt_index(rep, p, x, &i))
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

static int tally_socket(struct report *rep, uint32_t p, const struct facts *x)
{
	unsigned long n = x->call == C_SOCKETPAIR ? 2 : 1;

	if (x->ret < 0)
		return 0;
	rep->prog[p].c.sockets += n;
	return count(rep, key(K_SOCK, p, x->family, x->type), n);
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

static int tally(struct report *rep, uint32_t p, const struct facts *x)
{
	struct report_counts *c = &rep->prog[p].c;
	bool fresh;

	c->records++;
	tally_role(c, x);
	if (x->err)
		c->failures++;
	if (!ctab_get(&rep->tab, key(K_PROC, p, rep->source, x->pid), true,
		      &fresh))
		return -1;
	if (fresh)
		rep->prog[p].c.processes++;
	if (x->err && count(rep, key(K_FAIL, p, x->call_id, x->err), 1))
		return -1;
	switch (x->call) {
	case C_SOCKET:
	case C_SOCKETPAIR:
		return tally_socket(rep, p, x);
	case C_SETSOCKOPT:
	case C_GETSOCKOPT:
		return x->level ? tally_opt(rep, p, x) : 0;
	default:
		return 0;
	}
}

/*
 * A log file is grown ahead of its writers and newline-filled; a process
 * that ends without closing its log leaves that padding (or, past a crash,
 * zero bytes). Not a record, and nothing to warn about.
 */
static bool is_padding(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] != '\n' && line[i] != '\0' && line[i] != ' ' &&
		    line[i] != '\t' && line[i] != '\r')
			return false;
	return true;
}

int report_add_line(struct report *rep, const char *line, size_t len)
{
	struct jval f[F_COUNT];
	struct facts x;
	uint32_t name, p;
	int ret;

	if (!rep->source)
		rep->source = 1;
	if (is_padding(line, len))
		return 2;
	if (!scan_record(line, len, f)) {
		rep->skipped++;
		return 1;
	}
	ret = facts_of(rep, f, &x);
	if (ret > 0)
		rep->skipped++;
	if (ret)
		return ret;
	name = intern_name(rep, &f[F_PROG]);
	if (!name || prog_index(rep, name, &p))
		return -1;
	if (tally(rep, 0, &x) || tally(rep, p, &x))
		return -1;
	return 0;
}
