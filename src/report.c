// SPDX-License-Identifier: MIT
/*
 * report — `sockshim report`: what programs did with their sockets, from
 * JSON call logs.
 *
 * A log of a busy host holds millions of records, so the common path
 * allocates nothing: a line is scanned in place, its strings are interned
 * once, and every count lives in one open-addressing table keyed by small
 * integer tuples.
 */
#include "build-config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define EXIT_USAGE 2
#define VALUES_SHOWN 8

/* ---- interned strings: the raw JSON text, NUL-terminated ---- */

struct strtab {
	char *buf;
	size_t len, cap;
	struct sref {
		uint32_t off, len;
	} *ref;			/* by id; id 0 means "none" */
	uint32_t n, nmax;
	struct sslot {
		uint32_t hash, id;
	} *slot;
	uint32_t mask;
};

static uint32_t str_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return (uint32_t)(h ^ h >> 32);
}

static bool strtab_init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
	t->mask = 63;
	t->slot = calloc(t->mask + 1, sizeof(*t->slot));
	t->nmax = 64;
	t->ref = calloc(t->nmax, sizeof(*t->ref));
	t->n = 1;
	return t->slot && t->ref;
}

static void strtab_free(struct strtab *t)
{
	free(t->buf);
	free(t->ref);
	free(t->slot);
}

static const char *strtab_str(const struct strtab *t, uint32_t id)
{
	return id && id < t->n ? t->buf + t->ref[id].off : "";
}

static bool strtab_grow(struct strtab *t)
{
	uint32_t mask = t->mask * 2 + 1;
	struct sslot *slot = calloc((size_t)mask + 1, sizeof(*slot));

	if (!slot)
		return false;
	for (uint32_t i = 0; i <= t->mask; i++) {
		uint32_t j = t->slot[i].hash & mask;

		if (!t->slot[i].id)
			continue;
		while (slot[j].id)
			j = (j + 1) & mask;
		slot[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->mask = mask;
	return true;
}

/* A new id for s; 0 when memory (or the 4 GiB of offsets) runs out. */
static uint32_t strtab_append(struct strtab *t, const char *s, size_t n)
{
	uint32_t id = t->n;

	if (n >= UINT32_MAX - t->len)
		return 0;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		char *buf;

		while (cap < t->len + n + 1)
			cap *= 2;
		buf = realloc(t->buf, cap);
		if (!buf)
			return 0;
		t->buf = buf;
		t->cap = cap;
	}
	if (t->n == t->nmax) {
		struct sref *ref = realloc(t->ref, t->nmax * 2 * sizeof(*ref));

		if (!ref)
			return 0;
		t->ref = ref;
		t->nmax *= 2;
	}
	memcpy(t->buf + t->len, s, n);
	t->buf[t->len + n] = '\0';
	t->ref[id] = (struct sref){ (uint32_t)t->len, (uint32_t)n };
	t->len += n + 1;
	t->n++;
	return id;
}

/* The id of s; with add, a new one if it is not there yet. 0: none. */
static uint32_t strtab_get(struct strtab *t, const char *s, size_t n, bool add)
{
	uint32_t h = str_hash(s, n), i, id;

	if (add && (t->n + 1) * 2 > t->mask + 1 && !strtab_grow(t))
		return 0;
	for (i = h & t->mask; t->slot[i].id; i = (i + 1) & t->mask) {
		const struct sref *r = &t->ref[t->slot[i].id];

		if (t->slot[i].hash == h && r->len == n &&
		    memcmp(t->buf + r->off, s, n) == 0)
			return t->slot[i].id;
	}
	if (!add)
		return 0;
	id = strtab_append(t, s, n);
	if (id)
		t->slot[i] = (struct sslot){ h, id };
	return id;
}

/* ---- counts keyed by tuples of ids ---- */

enum kind {
	K_EMPTY,
	K_PROG,		/* (name) -> index in rep->prog */
	K_PROC,		/* (prog, source, pid) -> records */
	K_OPT,		/* (prog, level, opt) -> index in rep->opt */
	K_VAL,		/* (opt index, value) -> setsockopt calls */
	K_SOCK,		/* (prog, family, type) -> sockets */
	K_FAIL,		/* (prog, call, errno) -> failed calls */
};

struct ckey {
	uint32_t kind, a, b, c;
};

struct cent {
	struct ckey k;
	unsigned long v;
};

struct ctab {
	struct cent *e;
	size_t n, mask;
};

static size_t key_hash(const struct ckey *k)
{
	uint64_t x = ((uint64_t)k->kind << 32 | k->a) * 0x9e3779b97f4a7c15ULL;

	x ^= (uint64_t)k->b << 32 | k->c;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 29;
	return (size_t)x;
}

static bool key_eq(const struct ckey *x, const struct ckey *y)
{
	return x->kind == y->kind && x->a == y->a && x->b == y->b &&
	       x->c == y->c;
}

static bool ctab_grow(struct ctab *t)
{
	size_t mask = t->mask ? t->mask * 2 + 1 : 1023;
	struct cent *e = calloc(mask + 1, sizeof(*e));

	if (!e)
		return false;
	for (size_t i = 0; t->e && i <= t->mask; i++) {
		size_t j;

		if (t->e[i].k.kind == K_EMPTY)
			continue;
		for (j = key_hash(&t->e[i].k) & mask; e[j].k.kind;
		     j = (j + 1) & mask)
			;
		e[j] = t->e[i];
	}
	free(t->e);
	t->e = e;
	t->mask = mask;
	return true;
}

/*
 * The count for k; with add, a new zero one if it is not there (and
 * *fresh says so). NULL: not there, or no memory. The pointer is good
 * until the next add.
 */
static unsigned long *ctab_get(struct ctab *t, struct ckey k, bool add,
			       bool *fresh)
{
	size_t i;

	if (fresh)
		*fresh = false;
	if (!t->e || (add && (t->n + 1) * 2 > t->mask + 1)) {
		if (!add || !ctab_grow(t))
			return NULL;
	}
	for (i = key_hash(&k) & t->mask; t->e[i].k.kind; i = (i + 1) & t->mask)
		if (key_eq(&t->e[i].k, &k))
			return &t->e[i].v;
	if (!add)
		return NULL;
	t->e[i].k = k;
	t->n++;
	if (fresh)
		*fresh = true;
	return &t->e[i].v;
}

static struct ckey key(enum kind kind, uint32_t a, uint32_t b, uint32_t c)
{
	return (struct ckey){ kind, a, b, c };
}

/* ---- the report ---- */

struct prog {
	uint32_t name;
	struct report_counts c;
};

struct opt {
	uint32_t prog, level, opt;
	struct report_opt_counts c;
};

struct report {
	struct strtab str;
	struct ctab tab;
	struct prog *prog;	/* [0] is all programs together */
	size_t nprog, maxprog;
	struct opt *opt;
	size_t nopt, maxopt;
	uint32_t source;
	uint32_t unknown;	/* "?", for a field a record lacks */
	unsigned long skipped;
};

static bool grow(void **v, size_t *max, size_t n, size_t size)
{
	size_t m = *max ? *max * 2 : 16;
	void *p;

	if (n < *max)
		return true;
	p = realloc(*v, m * size);
	if (!p)
		return false;
	*v = p;
	*max = m;
	return true;
}

struct report *report_new(void)
{
	struct report *rep = calloc(1, sizeof(*rep));

	if (!rep)
		return NULL;
	if (!strtab_init(&rep->str) ||
	    !grow((void **)&rep->prog, &rep->maxprog, 0, sizeof(*rep->prog)) ||
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

/* ---- a JSON object scanner for flat records ---- */

enum jtype { J_NONE, J_STR, J_NUM, J_ARR, J_LIT };

/* A value in place: a string's body without its quotes, else the token. */
struct jval {
	const char *p;
	size_t n;
	enum jtype t;
	bool ws;		/* an array with blanks in it */
};

struct scan {
	const char *p, *end;
};

static bool skip_ws(struct scan *s)
{
	const char *p = s->p;

	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
				 *s->p == '\n' || *s->p == '\r'))
		s->p++;
	return s->p != p;
}

static bool at(const struct scan *s, char c)
{
	return s->p < s->end && *s->p == c;
}

static bool is_digit(const char *p, const char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* Length of a valid UTF-8 sequence of 2-4 bytes at p, or 0. */
static size_t utf8_seq(const unsigned char *p, size_t avail)
{
	unsigned int cp;
	size_t n;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* Escapes are checked, not decoded: the raw body is what we show. */
static bool scan_escape(struct scan *s)
{
	if (++s->p >= s->end)
		return false;
	switch (*s->p) {
	case '"': case '\\': case '/': case 'b':
	case 'f': case 'n': case 'r': case 't':
		s->p++;
		return true;
	case 'u':
		if (s->end - s->p < 5)
			return false;
		for (int i = 1; i <= 4; i++)
			if (!is_hex(s->p[i]))
				return false;
		s->p += 5;
		return true;
	default:
		return false;
	}
}

static bool scan_string(struct scan *s, struct jval *v)
{
	v->p = ++s->p;
	while (s->p < s->end) {
		unsigned char c = (unsigned char)*s->p;
		size_t n;

		if (c == '"') {
			v->n = (size_t)(s->p++ - v->p);
			v->t = J_STR;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			if (!scan_escape(s))
				return false;
		} else if (c < 0x80) {
			s->p++;
		} else {
			n = utf8_seq((const unsigned char *)s->p,
				     (size_t)(s->end - s->p));
			if (!n)
				return false;
			s->p += n;
		}
	}
	return false;
}

static bool scan_digits(struct scan *s)
{
	if (!is_digit(s->p, s->end))
		return false;
	while (is_digit(s->p, s->end))
		s->p++;
	return true;
}

static bool scan_number(struct scan *s, struct jval *v)
{
	v->p = s->p;
	if (at(s, '-'))
		s->p++;
	if (at(s, '0'))
		s->p++;
	else if (!scan_digits(s))
		return false;
	if (at(s, '.')) {
		s->p++;
		if (!scan_digits(s))
			return false;
	}
	if (at(s, 'e') || at(s, 'E')) {
		s->p++;
		if (at(s, '+') || at(s, '-'))
			s->p++;
		if (!scan_digits(s))
			return false;
	}
	v->n = (size_t)(s->p - v->p);
	v->t = J_NUM;
	return true;
}

/* Arrays of numbers only: [onoff,secs] is the one the log writes. */
static bool scan_array(struct scan *s, struct jval *v)
{
	struct jval elem;
	const char *start = s->p++;
	bool ws = skip_ws(s);

	if (at(s, ']')) {
		s->p++;
	} else {
		for (;;) {
			if (!scan_number(s, &elem))
				return false;
			ws |= skip_ws(s);
			if (at(s, ']')) {
				s->p++;
				break;
			}
			if (!at(s, ','))
				return false;
			s->p++;
			ws |= skip_ws(s);
		}
	}
	*v = (struct jval){ start, (size_t)(s->p - start), J_ARR, ws };
	return true;
}

static bool scan_literal(struct scan *s, struct jval *v, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return false;
	*v = (struct jval){ s->p, n, J_LIT, false };
	s->p += n;
	return true;
}

static bool scan_value(struct scan *s, struct jval *v)
{
	if (s->p >= s->end)
		return false;
	switch (*s->p) {
	case '"':
		return scan_string(s, v);
	case '[':
		return scan_array(s, v);
	case 't':
		return scan_literal(s, v, "true");
	case 'f':
		return scan_literal(s, v, "false");
	case 'n':
		return scan_literal(s, v, "null");
	default:
		return scan_number(s, v);
	}
}

enum field {
	F_PID, F_PROG, F_CALL, F_RET, F_ERRNO, F_ORIGIN, F_FAMILY, F_TYPE,
	F_LEVEL, F_OPT, F_VAL, F_ACTION, F_COUNT
};

static int field_of(const struct jval *k)
{
	static const char *const names[F_COUNT] = {
		"pid", "prog", "call", "ret", "errno", "origin", "family",
		"type", "level", "opt", "val", "action",
	};

	for (int i = 0; i < F_COUNT; i++)
		if (strncmp(names[i], k->p, k->n) == 0 && !names[i][k->n])
			return i;
	return -1;
}

/* One flat JSON object, the whole line; the fields we use into f. */
static bool scan_record(const char *line, size_t len, struct jval f[F_COUNT])
{
	struct scan s = { line, line + len };
	struct jval k, v;

	memset(f, 0, F_COUNT * sizeof(*f));
	skip_ws(&s);
	if (!at(&s, '{'))
		return false;
	s.p++;
	skip_ws(&s);
	if (at(&s, '}'))
		goto end;
	for (;;) {
		int i;

		if (!at(&s, '"') || !scan_string(&s, &k))
			return false;
		skip_ws(&s);
		if (!at(&s, ':'))
			return false;
		s.p++;
		skip_ws(&s);
		if (!scan_value(&s, &v))
			return false;
		i = field_of(&k);
		if (i >= 0)
			f[i] = v;
		skip_ws(&s);
		if (at(&s, '}'))
			break;
		if (!at(&s, ','))
			return false;
		s.p++;
		skip_ws(&s);
	}
end:
	s.p++;
	skip_ws(&s);
	return s.p == s.end;
}

static bool jv_int(const struct jval *v, long long *out)
{
	const char *p = v->p, *end = v->p + v->n;
	bool neg = false;
	long long n = 0;

	if (v->t != J_NUM)
		return false;
	if (*p == '-')
		neg = true, p++;
	if (end - p > 18)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		n = n * 10 + (*p - '0');
	}
	*out = neg ? -n : n;
	return true;
}

static bool jv_is(const struct jval *v, const char *s)
{
	return v->t == J_STR && strncmp(s, v->p, v->n) == 0 && !s[v->n];
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
		if (!grow((void **)&rep->prog, &rep->maxprog, rep->nprog,
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
		if (!grow((void **)&rep->opt, &rep->maxopt, rep->nopt,
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
		n = xasprintf("%s%s%s %lu", s, *s ? ", " : "", action_names[a],
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
		fprintf(f, "%s\"%s\":%lu", sep, action_names[a], c->actions[a]);
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

/* ---- the command ---- */

static void report_usage(FILE *f)
{
	fputs("Usage: sockshim report [--json] LOG... | -\n"
	      "\n"
	      "Summarise JSON call logs (- reads standard input): per\n"
	      "program, the options set and read with their values and the\n"
	      "policy's actions, sockets by family, type and role, and\n"
	      "failed calls.\n"
	      "\n"
	      "      --json  one JSON document instead of tables\n"
	      "  -h, --help  this text\n", f);
}

/* Lines that are not records are only counted: say where the first is. */
static int read_log(struct report *rep, FILE *in, const char *name)
{
	unsigned long lineno = 0, skipped = 0, first = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;

	setvbuf(in, NULL, _IOFBF, 1 << 20);
	report_begin_source(rep);
	while ((n = getline(&line, &cap, in)) >= 0) {
		int r = report_add_line(rep, line, (size_t)n);

		lineno++;
		if (r < 0) {
			fprintf(stderr, "sockshim report: %s: out of memory\n",
				name);
			ret = -1;
			break;
		}
		if (r == 1 && !skipped++)
			first = lineno;
	}
	if (!ret && ferror(in)) {
		fprintf(stderr, "sockshim report: %s: %s\n", name,
			strerror(errno));
		ret = -1;
	}
	if (skipped)
		fprintf(stderr, "sockshim report: %s: %lu lines skipped "
				"(not JSON records), the first at line %lu\n",
			name, skipped, first);
	free(line);
	return ret;
}

static int read_logs(struct report *rep, int n, char **names)
{
	int status = 0;

	for (int i = 0; i < n; i++) {
		bool std = strcmp(names[i], "-") == 0;
		FILE *in = std ? stdin : fopen(names[i], "r");

		if (!in) {
			fprintf(stderr, "sockshim report: %s: %s\n", names[i],
				strerror(errno));
			status = 1;
			continue;
		}
		if (read_log(rep, in, std ? "(stdin)" : names[i]))
			status = 1;
		if (!std)
			fclose(in);
	}
	return status;
}

int report_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report *rep;
	bool json = false;
	int c, status;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			report_usage(stdout);
			return 0;
		default:
			fputs("Try 'sockshim report --help'.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs("sockshim report: no log given (- reads standard input)\n"
		      "Try 'sockshim report --help'.\n", stderr);
		return EXIT_USAGE;
	}
	rep = report_new();
	if (!rep) {
		fputs("sockshim report: out of memory\n", stderr);
		return 1;
	}
	status = read_logs(rep, argc - optind, argv + optind);
	if (json)
		report_print_json(rep, stdout);
	else
		report_print_text(rep, stdout);
	report_free(rep);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "sockshim report: writing: %s\n",
			strerror(errno));
		status = 1;
	}
	return status;
}
