// SPDX-License-Identifier: MIT
/*
 * report_line — where a line's record is. Collectors put a header before
 * each message; the formats below are the ones rsyslog writes to files
 * and forwards, and RFC 5424:
 *
 *   {"ts":...}                                        a JSON record
 *   Nov 28 04:03:29 alpha sockshim[7832]: {...}       RFC 3164 time
 *   2026-11-28T04:03:29.106226+00:00 alpha tag: {...} RFC 3339 time
 *   <14>Nov 28 04:03:29 alpha tag: {...}              either, with PRI
 *   <14>1 2026-11-28T04:03:29Z alpha app 7832 - - {...}         RFC 5424
 *   <14>1 - alpha app - - [id k="v\"]"] {...}         structured data
 *
 * A header is checked field by field: a line that only looks like one
 * must not give its words to the report as a host.
 */
#include "build-config.h"

#include <string.h>

#include "report_int.h"

#define HOST_MAX 255

struct cur {
	const char *p, *end;
};

static bool digits(struct cur *c, size_t n)
{
	if ((size_t)(c->end - c->p) < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (c->p[i] < '0' || c->p[i] > '9')
			return false;
	c->p += n;
	return true;
}

static bool lit(struct cur *c, char ch)
{
	if (c->p >= c->end || *c->p != ch)
		return false;
	c->p++;
	return true;
}

/* <PRI>: facility * 8 + severity, at most 191. */
static bool pri(struct cur *c)
{
	unsigned int v = 0;
	size_t n = 0;

	if (!lit(c, '<'))
		return false;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && n < 3) {
		v = v * 10 + (unsigned int)(*c->p++ - '0');
		n++;
	}
	return n && v <= 191 && lit(c, '>');
}

/* 2026-11-28T04:03:29[.106226](Z|+00:00) */
static bool time_rfc3339(struct cur *c)
{
	if (!digits(c, 4) || !lit(c, '-') || !digits(c, 2) ||
	    !lit(c, '-') || !digits(c, 2) ||
	    (!lit(c, 'T') && !lit(c, 't')) || !digits(c, 2) ||
	    !lit(c, ':') || !digits(c, 2) || !lit(c, ':') || !digits(c, 2))
		return false;
	if (lit(c, '.')) {
		size_t n = 0;

		while (n < 9 && digits(c, 1))
			n++;
		if (!n)
			return false;
	}
	if (lit(c, 'Z') || lit(c, 'z'))
		return true;
	if (!lit(c, '+') && !lit(c, '-'))
		return false;
	return digits(c, 2) && lit(c, ':') && digits(c, 2);
}

/* Nov 28 04:03:29, the day padded with a blank: Nov  8. */
static bool time_rfc3164(struct cur *c)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	bool month = false;

	if (c->end - c->p < 15)
		return false;
	for (size_t i = 0; i < sizeof(months) - 1 && !month; i += 3)
		month = memcmp(c->p, months + i, 3) == 0;
	if (!month)
		return false;
	c->p += 3;
	if (!lit(c, ' '))
		return false;
	if (!lit(c, ' ') && !digits(c, 1))
		return false;
	return digits(c, 1) && lit(c, ' ') && digits(c, 2) && lit(c, ':') &&
	       digits(c, 2) && lit(c, ':') && digits(c, 2);
}

/* A header field: printable ASCII up to the next blank, not empty. */
static bool field(struct cur *c, const char **s, size_t *n)
{
	const char *p = c->p;

	while (c->p < c->end && *c->p > ' ' && *c->p < 0x7f)
		c->p++;
	if (c->p == p || c->p == c->end || *c->p != ' ')
		return false;
	if (s) {
		*s = p;
		*n = (size_t)(c->p - p);
	}
	c->p++;
	return true;
}

static bool host_field(struct cur *c, struct frame *fr)
{
	if (!field(c, &fr->host, &fr->hostlen) || fr->hostlen > HOST_MAX)
		return false;
	/* RFC 5424's nil value: no host named. */
	if (fr->hostlen == 1 && fr->host[0] == '-')
		fr->host = NULL;
	return true;
}

static bool at_record(const struct cur *c, struct frame *fr)
{
	if (c->p >= c->end || *c->p != '{')
		return false;
	fr->rec = c->p;
	fr->len = (size_t)(c->end - c->p);
	return true;
}

/* One or more [id name="value" ...], values with \" \\ \] escapes. */
static bool structured_data(struct cur *c)
{
	if (lit(c, '-'))
		return true;
	if (c->p >= c->end || *c->p != '[')
		return false;
	while (lit(c, '[')) {
		bool quoted = false;

		for (;;) {
			char ch;

			if (c->p >= c->end)
				return false;
			ch = *c->p++;
			if (quoted && ch == '\\') {
				if (c->p++ >= c->end)
					return false;
			} else if (ch == '"') {
				quoted = !quoted;
			} else if (ch == ']' && !quoted) {
				break;
			}
		}
	}
	return true;
}

/* After "<PRI>1 ": TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]. */
static bool rfc5424(struct cur *c, struct frame *fr)
{
	static const char bom[] = "\xef\xbb\xbf";

	if (!lit(c, '-') && !time_rfc3339(c))
		return false;
	if (!lit(c, ' ') || !host_field(c, fr) || !field(c, NULL, NULL) ||
	    !field(c, NULL, NULL) || !field(c, NULL, NULL) ||
	    !structured_data(c) || !lit(c, ' '))
		return false;
	/* rsyslog keeps the blank a message began with: "- -  {...}". */
	while (c->p < c->end && *c->p == ' ')
		c->p++;
	if (c->end - c->p >= 3 && memcmp(c->p, bom, 3) == 0)
		c->p += 3;
	return at_record(c, fr);
}

/* The tag (sockshim[7832]:) and the blanks before the message. */
static void skip_tag(struct cur *c)
{
	if (c->p < c->end && *c->p == '{')
		return;
	while (c->p < c->end && *c->p != ' ') {
		if (*c->p++ == ':' && c->p < c->end && *c->p == '{')
			return;
	}
	while (c->p < c->end && *c->p == ' ')
		c->p++;
}

bool frame_line(const char *line, size_t len, struct frame *fr)
{
	struct cur c = { line, line + len }, t;

	memset(fr, 0, sizeof(*fr));
	/* Blanks, and the record separator of `journalctl -o json-seq`. */
	while (c.p < c.end && (*c.p == ' ' || *c.p == '\t' || *c.p == 0x1e))
		c.p++;
	if (at_record(&c, fr))
		return true;
	if (c.p < c.end && *c.p == '<') {
		if (!pri(&c))
			return false;
		if (c.end - c.p >= 2 && c.p[0] == '1' && c.p[1] == ' ') {
			c.p += 2;
			return rfc5424(&c, fr);
		}
	}
	t = c;
	if (!time_rfc3339(&c)) {
		c = t;
		if (!time_rfc3164(&c))
			return false;
	}
	if (!lit(&c, ' ') || !host_field(&c, fr))
		return false;
	skip_tag(&c);
	return at_record(&c, fr);
}

size_t json_escape(const char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	char *o = out;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\') {
			*o++ = '\\';
			*o++ = (char)ch;
		} else if (ch < 0x20 || ch >= 0x7f) {
			memcpy(o, "\\u00", 4);
			o[4] = hex[ch >> 4];
			o[5] = hex[ch & 15];
			o += 6;
		} else {
			*o++ = (char)ch;
		}
	}
	return (size_t)(o - out);
}
