// SPDX-License-Identifier: MIT
/*
 * report_tables — the report's storage: strings interned once (the raw
 * JSON text, NUL-terminated, by a small integer id) and one open-addressing
 * table of counts keyed by tuples of ids.
 */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "report_int.h"

/* ---- interned strings ---- */

static uint32_t str_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return (uint32_t)(h ^ h >> 32);
}

bool strtab_init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
	t->mask = 63;
	t->slot = calloc(t->mask + 1, sizeof(*t->slot));
	t->nmax = 64;
	t->ref = calloc(t->nmax, sizeof(*t->ref));
	t->n = 1;
	return t->slot && t->ref;
}

void strtab_free(struct strtab *t)
{
	free(t->buf);
	free(t->ref);
	free(t->slot);
}

const char *strtab_str(const struct strtab *t, uint32_t id)
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

uint32_t strtab_get(struct strtab *t, const char *s, size_t n, bool add)
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

static size_t key_hash(const struct ckey *k)
{
	uint64_t x = ((uint64_t)k->kind << 32 | k->a) * 0x9e3779b97f4a7c15ULL;

	x ^= (uint64_t)k->b << 32 | k->c;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= k->d;
	x ^= x >> 29;
	x *= 0x94d049bb133111ebULL;
	return (size_t)(x ^ x >> 32);
}

static bool key_eq(const struct ckey *x, const struct ckey *y)
{
	return x->kind == y->kind && x->a == y->a && x->b == y->b &&
	       x->c == y->c && x->d == y->d;
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

unsigned long *ctab_get(struct ctab *t, struct ckey k, bool add,
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

/* ---- arrays ---- */

bool grow_array(void **v, size_t *max, size_t n, size_t size)
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
