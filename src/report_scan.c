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

/* Keys by length, so that most keys of a line cost one comparison. */
static int field_of(const struct jval *k)
{
	static const struct {
		const char *name;
		enum field f;
	} names[] = {
		{ "pid", F_PID }, { "ret", F_RET }, { "opt", F_OPT },
		{ "val", F_VAL }, { "prog", F_PROG }, { "call", F_CALL },
		{ "type", F_TYPE }, { "host", F_HOST }, { "errno", F_ERRNO },
		{ "level", F_LEVEL }, { "count", F_NUM },
		{ "origin", F_ORIGIN }, { "family", F_FAMILY },
		{ "action", F_ACTION }, { "reason", F_REASON },
		{ "MESSAGE", F_MESSAGE }, { "_HOSTNAME", F_HOSTNAME },
	};
	/* names[first[n]] is the first of length n; lengths 3 to 9. */
	static const unsigned char first[11] = { 0, 0, 0, 0, 4, 8, 11, 15,
						 16, 16, 17 };

	if (k->n < 3 || k->n > 9)
		return -1;
	for (unsigned i = first[k->n]; i < first[k->n + 1]; i++)
		if (memcmp(names[i].name, k->p, k->n) == 0)
			return (int)names[i].f;
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
	const char *p, *end;
	bool neg = false;
	long long n = 0;

	/* An absent field has no text at all: no pointer to offset. */
	if (v->t != J_NUM)
		return false;
	p = v->p;
	end = v->p + v->n;
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


static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return (c | 0x20) - 'a' + 10;
}

static unsigned int hex4(const char *p)
{
	return (unsigned int)(hex_val(p[0]) << 12 | hex_val(p[1]) << 8 |
			      hex_val(p[2]) << 4 | hex_val(p[3]));
}

static size_t put_utf8(char *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* \uXXXX at p (a pair when it is a high surrogate): its length. */
static size_t unescape_u(const char *p, const char *end, unsigned int *cp)
{
	unsigned int lo;

	/* A lone surrogate becomes U+FFFD rather than invalid UTF-8. */
	*cp = hex4(p + 2);
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		*cp = 0xfffd;
	if (*cp < 0xd800 || *cp > 0xdbff)
		return 6;
	if (end - p < 12 || p[6] != '\\' || p[7] != 'u' ||
	    (lo = hex4(p + 8)) < 0xdc00 || lo > 0xdfff) {
		*cp = 0xfffd;
		return 6;
	}
	*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
	return 12;
}

/* The scanner has checked every escape: only their meaning is left. */
static long decode_string(const struct jval *v, char *out)
{
	const char *p = v->p, *end = v->p + v->n;
	static const char plain[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	char *o = out;

	while (p < end) {
		const char *e = memchr(p, '\\', (size_t)(end - p));
		unsigned int cp;

		if (!e)
			e = end;
		memcpy(o, p, (size_t)(e - p));
		o += e - p;
		if ((p = e) == end)
			break;
		if (p[1] == 'u') {
			size_t n = unescape_u(p, end, &cp);

			o += put_utf8(o, cp);
			p += n;
			continue;
		}
		for (size_t i = 0; i < sizeof(plain) - 1; i += 2)
			if (plain[i] == p[1])
				*o++ = plain[i + 1];
		p += 2;
	}
	return o - out;
}

/* journald's form of a message that is not valid UTF-8. */
static long decode_bytes(const struct jval *v, char *out)
{
	const char *p = v->p + 1, *end = v->p + v->n - 1;
	long n = 0;

	while (p < end) {
		int b = 0, digits = 0;

		while (p < end && (*p == ' ' || *p == ',' || *p == '\t' ||
				   *p == '\n' || *p == '\r'))
			p++;
		if (p == end)
			break;
		for (; p < end && *p >= '0' && *p <= '9' && digits < 4; p++)
			b = b * 10 + (*p - '0'), digits++;
		if (!digits || b > 255 || (p < end && *p != ',' && *p != ' '))
			return -1;
		out[n++] = (char)b;
	}
	return n;
}

long jv_decode(const struct jval *v, char *out)
{
	if (v->t == J_STR)
		return decode_string(v, out);
	if (v->t == J_ARR)
		return decode_bytes(v, out);
	return -1;
}
