/* SPDX-License-Identifier: MIT */
/*
 * strbuf — a bounded string builder for records: never overflows, never
 * allocates, truncates silently. cap keeps room for the closing "\n".
 */
#ifndef SOCKSHIM_STRBUF_H
#define SOCKSHIM_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct sb {
	char *p;
	size_t len, cap;	/* cap excludes room kept for "\n" */
};

static inline void sb_putc(struct sb *b, char c)
{
	if (b->len < b->cap)
		b->p[b->len++] = c;
}

/*
 * Most pieces of a record are a few bytes (a key, a name, a number): they
 * are copied inline, as two overlapping words that read and write only
 * the n bytes, not by a call to memcpy each.
 */
static inline void sb_copy_short(char *d, const char *s, size_t n)
{
	if (n >= 8) {
		unsigned long long a, z;

		memcpy(&a, s, 8);
		memcpy(&z, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &z, 8);
	} else if (n >= 4) {
		unsigned int a, z;

		memcpy(&a, s, 4);
		memcpy(&z, s + n - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &z, 4);
	} else if (n) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}

static inline void sb_putn(struct sb *b, const char *s, size_t n)
{
	if (n > b->cap - b->len)
		n = b->cap - b->len;
	if (n <= 16)
		sb_copy_short(b->p + b->len, s, n);
	else
		memcpy(b->p + b->len, s, n);
	b->len += n;
}

static inline void sb_puts(struct sb *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

static const char sb_pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233"
	"34353637383940414243444546474849505152535455565758596061626364656667"
	"6869707172737475767778798081828384858687888990919293949596979899";

/* v in decimal, zero-padded to width; two digits a division. */
static inline void sb_ulong(struct sb *b, unsigned long long v, int width)
{
	char tmp[24];
	size_t start = sizeof(tmp);

	if (v < 10 && width <= 1) {	/* fds, 0 and 1: most numbers */
		sb_putc(b, (char)('0' + v));
		return;
	}
	while (v >= 100) {
		const char *p = sb_pairs + 2 * (v % 100);

		v /= 100;
		tmp[--start] = p[1];
		tmp[--start] = p[0];
	}
	if (v >= 10) {
		tmp[--start] = sb_pairs[2 * v + 1];
		tmp[--start] = sb_pairs[2 * v];
	} else {
		tmp[--start] = (char)('0' + v);
	}
	while (start > 0 && width > 0 && sizeof(tmp) - start < (size_t)width)
		tmp[--start] = '0';
	sb_putn(b, tmp + start, sizeof(tmp) - start);
}

static inline void sb_long(struct sb *b, long long v)
{
	if (v < 0) {
		sb_putc(b, '-');
		sb_ulong(b, 0ULL - (unsigned long long)v, 0);
	} else {
		sb_ulong(b, (unsigned long long)v, 0);
	}
}

static inline void sb_hex(struct sb *b, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		sb_putc(b, digits[p[i] >> 4]);
		sb_putc(b, digits[p[i] & 15]);
	}
}

/* Length of the valid UTF-8 sequence at s (NUL-terminated), or 0. */
static inline size_t utf8_len(const unsigned char *s)
{
	unsigned int cp;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * JSON string body; also used for text so control bytes never leak.
 * Paths and names are bytes, not text: a byte that is not part of valid
 * UTF-8 becomes \u00XX, or the record would not be JSON at all.
 */
static inline void sb_escaped(struct sb *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t n;

		if (c == '"' || c == '\\') {
			sb_putc(b, '\\');
			sb_putc(b, (char)c);
		} else if (c < 0x20 || c == 0x7f ||
			   !(n = utf8_len((const unsigned char *)s))) {
			sb_puts(b, "\\u00");
			sb_hex(b, &c, 1);
		} else {
			sb_putn(b, s, n);
			s += n - 1;
		}
	}
}

static inline void sb_jstr(struct sb *b, const char *s)
{
	sb_putc(b, '"');
	sb_escaped(b, s);
	sb_putc(b, '"');
}

/* Keys are literals: their length is known at compile time. */
#define json_key(b, k) sb_putn((b), ",\"" k "\":", sizeof(",\"" k "\":") - 1)

/* A name from our own tables: nothing in it needs escaping. */
static inline void sb_name(struct sb *b, const char *s)
{
	sb_putc(b, '"');
	sb_puts(b, s);
	sb_putc(b, '"');
}

static inline struct sb sb_init(char *buf, size_t len)
{
	struct sb b = { .p = buf, .len = 0, .cap = len ? len - 2 : 0 };
	return b;
}

static inline size_t sb_finish(struct sb *b)
{
	b->p[b->len++] = '\n';
	b->p[b->len] = '\0';
	return b->len;
}

#endif
