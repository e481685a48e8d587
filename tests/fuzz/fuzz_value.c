// SPDX-License-Identifier: MIT
/*
 * fuzz_value — bytes as option values and call records: decode a value
 * as every type, then format a record built from the bytes (addresses of
 * every family and length, names with any byte) as text and JSON into
 * buffers of every size. A record must fit its buffer, end in '\n', and
 * a JSON record that was not cut short must be one valid JSON object.
 */
#include "build-config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "log.h"
#include "optcat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fuzzer bytes, consumed from the front; zeros once they run out. */
struct in {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct in *in, size_t bytes)
{
	uint64_t v = 0;

	for (size_t i = 0; i < bytes; i++) {
		v = v << 8 | (in->n ? *in->p : 0);
		if (in->n) {
			in->p++;
			in->n--;
		}
	}
	return v;
}

/* A NUL-terminated string of up to max bytes from the input. */
static char *take_str(struct in *in, size_t max)
{
	size_t len = (size_t)take(in, 2) % (max + 1);
	char *s;

	if (len > in->n)
		len = in->n;
	s = malloc(len + 1);
	if (!s)
		abort();
	memcpy(s, in->p, len);
	s[len] = '\0';
	in->p += len;
	in->n -= len;
	return s;
}

/* ---- a strict JSON checker: one object, nothing after it ---- */

static const char *ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return s;
}

static const char *value(const char *s, int depth);

static const char *string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	while (*s != '"') {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			s++;
			if (*s == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", s[i]) ||
					    !s[i])
						return NULL;
				s += 5;
				continue;
			}
			if (!*s || !strchr("\"\\/bfnrt", *s))
				return NULL;
		}
		s++;
	}
	return s + 1;
}

static const char *number(const char *s)
{
	const char *start;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return NULL;
	if (*s == '.') {
		start = ++s;
		while (*s >= '0' && *s <= '9')
			s++;
		if (s == start)
			return NULL;
	}
	return s;
}

static const char *aggregate(const char *s, char close, bool keys, int depth)
{
	s = ws(s + 1);
	if (*s == close)
		return s + 1;
	for (;;) {
		if (keys) {
			s = string(ws(s));
			if (!s)
				return NULL;
			s = ws(s);
			if (*s++ != ':')
				return NULL;
		}
		s = value(ws(s), depth + 1);
		if (!s)
			return NULL;
		s = ws(s);
		if (*s == close)
			return s + 1;
		if (*s++ != ',')
			return NULL;
	}
}

static const char *value(const char *s, int depth)
{
	if (depth > 16)
		return NULL;
	switch (*s) {
	case '{':
		return aggregate(s, '}', true, depth);
	case '[':
		return aggregate(s, ']', false, depth);
	case '"':
		return string(s);
	case 't':
		return strncmp(s, "true", 4) ? NULL : s + 4;
	case 'f':
		return strncmp(s, "false", 5) ? NULL : s + 5;
	case 'n':
		return strncmp(s, "null", 4) ? NULL : s + 4;
	default:
		return number(s);
	}
}

static bool json_object(const char *s)
{
	s = ws(s);
	if (*s != '{')
		return false;
	s = value(s, 0);
	return s && *ws(s) == '\0';
}

/* ---- the record ---- */

static struct sockaddr *take_addr(struct in *in, socklen_t *len)
{
	static const int families[] = { AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC,
					AF_NETLINK, AF_PACKET };
	int pick = (int)take(in, 1);
	struct sockaddr_storage ss;
	struct sockaddr *sa;

	memset(&ss, 0, sizeof(ss));
	*len = (socklen_t)(take(in, 1) % (sizeof(ss) + 1));
	for (size_t i = 0; i < *len; i++)
		((uint8_t *)&ss)[i] = (uint8_t)take(in, 1);
	if (*len >= sizeof(sa_family_t) && pick < 0xf0)
		ss.ss_family = (sa_family_t)families[pick % 6];
	/* Exactly len bytes: reading past them is a finding. */
	sa = malloc(*len ? *len : 1);
	if (!sa)
		abort();
	memcpy(sa, &ss, *len);
	return sa;
}

static void check(size_t n, const char *buf, size_t len, bool json)
{
	if (len < 3) {
		if (n != 0)
			abort();
		return;
	}
	if (n == 0 || n >= len || buf[n - 1] != '\n' || buf[n] != '\0' ||
	    strlen(buf) != n)
		abort();
	for (size_t i = 0; i + 1 < n; i++)
		if ((unsigned char)buf[i] < 0x20 && buf[i] != '\t')
			abort();
	/* Cut short only when it filled the buffer. */
	if (json && n + 2 < len && !json_object(buf))
		abort();
}

static void format_all(const struct log_ctx *c, const struct log_rec *r,
		       size_t small)
{
	static char big[8192];
	char *buf;
	size_t n;

	n = log_format_json(c, r, big, sizeof(big));
	check(n, big, sizeof(big), true);
	n = log_format_text(c, r, big, sizeof(big));
	check(n, big, sizeof(big), false);
	/* And a buffer of any size, allocated exactly. */
	buf = malloc(small ? small : 1);
	if (!buf)
		abort();
	n = log_format_json(c, r, buf, small);
	check(n, buf, small, true);
	n = log_format_text(c, r, buf, small);
	check(n, buf, small, false);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct optval vals[OT_OPAQUE + 1], *val, *app;
	struct log_rec r;
	struct log_ctx c;
	struct sockaddr *sa;
	char *prog, *rule, *tmpl, path[128];
	size_t vlen = (size_t)take(&in, 1), small;
	const void *enc;
	uint8_t *vbuf;

	/* A value: vlen bytes, decoded as every type. */
	if (vlen > in.n)
		vlen = in.n;
	vbuf = malloc(vlen ? vlen : 1);
	if (!vbuf)
		abort();
	memcpy(vbuf, in.p, vlen);
	in.p += vlen;
	in.n -= vlen;
	for (int t = OT_BOOL; t <= OT_OPAQUE; t++) {
		if (!optval_decode((enum optcat_type)t, vbuf, (socklen_t)vlen,
				   &vals[t])) {
			/* Too short: what the log then shows, a bare length. */
			continue;
		}
		if (optval_encode(&vals[t], &enc) > sizeof(vals[t]))
			abort();
		if (!optval_equal(&vals[t], &vals[t]) && t != OT_OPAQUE)
			abort();
	}
	free(vbuf);

	memset(&r, 0, sizeof(r));
	r.call = (enum log_call)(take(&in, 1) % (LC_CLOSEFROM + 1));
	r.by_policy = take(&in, 1) & 1;
	r.fd = (int)take(&in, 4);
	r.ret = (long)take(&in, 8);
	r.err = (int)take(&in, 2) - 0x100;
	r.action = (enum pol_action)(take(&in, 1) % (ACT_GRACEFUL + 1));
	r.enforce = take(&in, 1) & 1;
	r.family = (int)take(&in, 2) - 2;
	r.type = (int)take(&in, 4);
	r.protocol = (int)take(&in, 2) - 1;
	if (take(&in, 1) & 1) {
		size_t i = (size_t)take(&in, 1) % optcat_count;

		r.level = optcat_table[i].level;
		r.optname = optcat_table[i].optname;
	} else {
		r.level = (int)take(&in, 4);
		r.optname = (int)take(&in, 4);
	}
	val = &vals[take(&in, 1) % (OT_OPAQUE + 1)];
	app = &vals[take(&in, 1) % (OT_OPAQUE + 1)];
	/* A value that failed to decode is all zeros but its type and len. */
	for (int t = OT_BOOL; t <= OT_OPAQUE; t++)
		if (vals[t].type != (enum optcat_type)t) {
			memset(&vals[t], 0, sizeof(vals[t]));
			vals[t].type = (enum optcat_type)t;
		}
	r.val = take(&in, 1) & 1 ? val : NULL;
	r.app_val = take(&in, 1) & 1 ? app : NULL;
	r.listen_fd = (int)take(&in, 4);
	r.arg = (int)take(&in, 4);
	r.lo = (unsigned int)take(&in, 4);
	r.hi = (unsigned int)take(&in, 4);
	small = (size_t)take(&in, 2) % 1200;
	sa = take_addr(&in, &r.addrlen);
	r.addr = take(&in, 1) & 1 ? sa : NULL;

	memset(&c, 0, sizeof(c));
	/* As log_emit passes them: real ids, a name of at most 64 bytes. */
	c.pid = (pid_t)(take(&in, 4) & 0x3fffffff);
	c.tid = take(&in, 1) & 1 ? c.pid : (pid_t)(take(&in, 4) & 0x3fffffff);
	c.ts.tv_sec = (time_t)take(&in, 5);
	c.ts.tv_nsec = (long)(take(&in, 4) % 1000000000);
	rule = take_str(&in, 300);
	r.rule = take(&in, 1) & 1 ? rule : NULL;
	prog = take_str(&in, 64);
	c.prog = prog;

	format_all(&c, &r, small);

	/* Log paths: %p, %n and %% into buffers of every size. */
	tmpl = take_str(&in, 200);
	{
		size_t len = (size_t)take(&in, 1) % sizeof(path);

		memset(path, 'x', sizeof(path));
		if (log_expand_path(tmpl, c.pid, prog, path, len) &&
		    (len == 0 || strnlen(path, len) >= len))
			abort();
	}
	free(tmpl);
	free(rule);
	free(prog);
	free(sa);
	return 0;
}
