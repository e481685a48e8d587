// SPDX-License-Identifier: MIT
/*
 * report_record — a line to a record's facts: where its JSON is (plain,
 * after a syslog header, or inside a journal entry), which host it is
 * from, and what it says.
 */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "report_int.h"

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
		{ "dropped", C_DROPPED },
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
		if (jv_is(v, report_action_names[i]))
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

/* A host's name from a syslog header, escaped for the JSON output. */
static uint32_t intern_text(struct report *rep, const char *s, size_t n)
{
	char buf[6 * 256];

	if (n > 256)
		return 0;
	return strtab_get(&rep->str, buf, json_escape(s, n, buf), true);
}

/* The record's own "host", else the one its frame names. */
static uint32_t host_of(struct report *rep, const struct jval *f,
			const struct frame *fr)
{
	if (f[F_HOST].t == J_STR && f[F_HOST].n)
		return strtab_get(&rep->str, f[F_HOST].p, f[F_HOST].n, true);
	if (!fr->host || !fr->hostlen)
		return rep->nohost;
	if (fr->host_json)
		return strtab_get(&rep->str, fr->host, fr->hostlen, true);
	return intern_text(rep, fr->host, fr->hostlen);
}

/* A record without a result: what the log lost, and why. */
static int facts_dropped(struct report *rep, const struct jval *f,
			 struct facts *x)
{
	long long n;

	if (!jv_int(&f[F_NUM], &n) || n < 0)
		return 1;
	x->dropped = (unsigned long)n;
	x->reason = f[F_REASON].t == J_STR ? intern_name(rep, &f[F_REASON])
					   : rep->unknown;
	return x->reason ? 0 : -1;
}

/* 1: not a record, -1: out of memory. */
static int facts_of(struct report *rep, const struct jval *f,
		    const struct frame *fr, struct facts *x)
{
	long long pid;

	memset(x, 0, sizeof(*x));
	if (!jv_int(&f[F_PID], &pid) || f[F_PROG].t != J_STR ||
	    f[F_CALL].t != J_STR)
		return 1;
	x->pid = (uint32_t)pid;
	x->call = call_of(&f[F_CALL]);
	/* A socket call has a result; other records may not. */
	if (!jv_int(&f[F_RET], &x->ret) &&
	    ((x->call != C_OTHER && x->call != C_DROPPED) ||
	     f[F_RET].t != J_NONE))
		return 1;
	x->prog = intern_name(rep, &f[F_PROG]);
	x->host = host_of(rep, f, fr);
	if (!x->prog || !x->host)
		return -1;
	if (x->call == C_DROPPED)
		return facts_dropped(rep, f, x);
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

/*
 * `journalctl -o json`: the record is the entry's MESSAGE, a JSON string
 * (or an array of bytes), the host its _HOSTNAME. f is refilled with the
 * record's fields, which point into rep->scratch. 1: not a record.
 */
static int journal_entry(struct report *rep, struct jval *f,
			 struct frame *fr)
{
	struct jval msg = f[F_MESSAGE];
	long n;

	if (msg.n + 1 > rep->scratch_cap) {
		char *p = realloc(rep->scratch, msg.n + 1);

		if (!p)
			return -1;
		rep->scratch = p;
		rep->scratch_cap = msg.n + 1;
	}
	n = jv_decode(&msg, rep->scratch);
	if (n < 0)
		return 1;
	fr->host = NULL;
	if (f[F_HOSTNAME].t == J_STR) {
		fr->host = f[F_HOSTNAME].p;
		fr->hostlen = f[F_HOSTNAME].n;
		fr->host_json = true;
	}
	fr->rec = rep->scratch;
	fr->len = (size_t)n;
	return scan_record(fr->rec, fr->len, f) && f[F_CALL].t != J_NONE
		       ? 0 : 1;
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

static int skip(struct report *rep)
{
	rep->skipped++;
	return 1;
}

int report_add_line(struct report *rep, const char *line, size_t len)
{
	struct jval f[F_COUNT];
	struct frame fr;
	struct facts x;
	int ret;

	if (!rep->source)
		rep->source = 1;
	if (is_padding(line, len))
		return 2;
	if (!frame_line(line, len, &fr) || !scan_record(fr.rec, fr.len, f))
		return skip(rep);
	if (f[F_CALL].t == J_NONE && f[F_MESSAGE].t != J_NONE) {
		ret = journal_entry(rep, f, &fr);
		if (ret)
			return ret > 0 ? skip(rep) : -1;
	}
	ret = facts_of(rep, f, &fr, &x);
	if (ret)
		return ret > 0 ? skip(rep) : -1;
	ret = report_wanted(rep, &x);
	if (ret <= 0) {
		rep->excluded++;
		return ret ? -1 : 3;
	}
	return report_tally(rep, &x) ? -1 : 0;
}
