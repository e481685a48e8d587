// SPDX-License-Identifier: MIT
/*
 * report_scan — a JSON object scanner for flat records: a line is
 * checked and its fields found in place, nothing copied or decoded.
 */
#include "build-config.h"

#include <string.h>

#include "report_int.h"

/* ---- a JSON object scanner for flat records ---- */

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

bool scan_record(const char *line, size_t len, struct jval f[F_COUNT])
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

bool jv_int(const struct jval *v, long long *out)
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

bool jv_is(const struct jval *v, const char *s)
{
	return v->t == J_STR && strncmp(s, v->p, v->n) == 0 && !s[v->n];
}

