/* SPDX-License-Identifier: MIT */
/*
 * report_int — what the parts of `sockshim report` share: the string and
 * count tables (report_tables.c), the JSON scanner (report_scan.c), the
 * line formats (report_line.c), the report itself (report_tally.c,
 * report_query.c), its input (report_input.c) and its output
 * (report_out.c, report_text.c, report_json.c). Not installed, not used
 * outside the report.
 */
#ifndef SOCKSHIM_REPORT_INT_H
#define SOCKSHIM_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"

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

bool strtab_init(struct strtab *t);
void strtab_free(struct strtab *t);
const char *strtab_str(const struct strtab *t, uint32_t id);
/* The id of s; with add, a new one if it is not there yet. 0: none. */
uint32_t strtab_get(struct strtab *t, const char *s, size_t n, bool add);

/* ---- counts keyed by tuples of ids ---- */

enum kind {
	K_EMPTY,
	K_PROG,		/* (name) -> group index of a program */
	K_HOST,		/* (name) -> group index of a host */
	K_PROC,		/* (group, source, host, pid) -> records */
	K_OPT,		/* (group, level, opt) -> index in rep->opt */
	K_VAL,		/* (opt index, value) -> setsockopt calls */
	K_SOCK,		/* (group, family, type) -> sockets */
	K_FAIL,		/* (group, call, errno) -> failed calls */
	K_DROP,		/* (group, reason) -> records the log lost */
	K_PAIR,		/* (host group, program group) -> records */
	K_MATCH,	/* (filter, string) -> 1 matches, 2 does not */
};

struct ckey {
	uint32_t kind, a, b, c, d;
};

struct cent {
	struct ckey k;
	unsigned long v;
};

struct ctab {
	struct cent *e;
	size_t n, mask;
};

/*
 * The count for k; with add, a new zero one if it is not there (and
 * *fresh says so). NULL: not there, or no memory. The pointer is good
 * until the next add.
 */
unsigned long *ctab_get(struct ctab *t, struct ckey k, bool add, bool *fresh);

static inline struct ckey key(enum kind kind, uint32_t a, uint32_t b,
			      uint32_t c)
{
	return (struct ckey){ kind, a, b, c, 0 };
}

/* Room for element n of an array of *max; false: no memory. */
bool grow_array(void **v, size_t *max, size_t n, size_t size);

/* ---- the report ---- */

/* Counts are kept for all records, per program and per host alike. */
enum group_kind { G_ALL, G_PROG, G_HOST };

struct group {
	uint32_t name;
	enum group_kind kind;
	struct report_counts c;
};

struct opt {
	uint32_t group, level, opt;
	struct report_opt_counts c;
};

struct filter {
	char **glob;
	size_t n;
};

struct report {
	struct strtab str;
	struct ctab tab;
	struct group *grp;	/* [0] is all records together */
	size_t ngrp, maxgrp;
	size_t nprogs, nhosts;
	struct opt *opt;
	size_t nopt, maxopt;
	uint32_t source;
	uint32_t unknown;	/* "?", for a field a record lacks */
	uint32_t nohost;	/* REPORT_NO_HOST */
	bool hosts_named;	/* some record had a host */
	enum report_by by;
	struct filter filter[REPORT_FILTERS];
	unsigned long skipped, excluded;
	char *scratch;		/* a journal entry's MESSAGE, decoded */
	size_t scratch_cap;
};

/* ---- a record's facts, what the counts are made of ---- */

enum call {
	C_OTHER, C_SOCKET, C_SOCKETPAIR, C_SETSOCKOPT, C_GETSOCKOPT,
	C_LISTEN, C_CONNECT, C_ACCEPT, C_DROPPED
};

struct facts {
	enum call call;
	uint32_t prog, host;
	uint32_t call_id;	/* only for a failure */
	uint32_t pid;
	long long ret;
	uint32_t err;		/* 0: the call did not fail */
	bool inprogress;	/* EINPROGRESS: a connect under way */
	bool policy;
	uint32_t family, type;
	uint32_t level, opt, val;
	int action;		/* -1: none */
	unsigned long dropped;	/* C_DROPPED: how many, and why */
	uint32_t reason;
};

extern const char *const report_action_names[RA_COUNT];

/* A record counted for all, its program and its host. -1: no memory. */
int report_tally(struct report *rep, const struct facts *x);
/* Whether the filters keep it. -1: no memory. */
int report_wanted(struct report *rep, const struct facts *x);

/* ---- a JSON object scanner for flat records ---- */

enum jtype { J_NONE, J_STR, J_NUM, J_ARR, J_LIT };

/* A value in place: a string's body without its quotes, else the token. */
struct jval {
	const char *p;
	size_t n;
	enum jtype t;
	bool ws;		/* an array with blanks in it */
};

enum field {
	F_PID, F_PROG, F_CALL, F_RET, F_ERRNO, F_ORIGIN, F_FAMILY, F_TYPE,
	F_LEVEL, F_OPT, F_VAL, F_ACTION, F_HOST, F_NUM, F_REASON,
	F_MESSAGE, F_HOSTNAME,	/* a journal entry's */
	F_COUNT
};

/* One flat JSON object, the whole line; the fields we use into f. */
bool scan_record(const char *line, size_t len, struct jval f[F_COUNT]);
bool jv_int(const struct jval *v, long long *out);
bool jv_is(const struct jval *v, const char *s);
/*
 * A string's body, or an array of byte values, decoded into out (room for
 * v->n bytes, which is always enough). Its length; -1 if it is neither.
 */
long jv_decode(const struct jval *v, char *out);

/* ---- lines: where a line's record is, and the host it names ---- */

struct frame {
	const char *rec;	/* the JSON object */
	size_t len;
	const char *host;	/* NULL: the line names none */
	size_t hostlen;
	bool host_json;		/* a JSON string body already */
};

/*
 * A plain JSON line, or a syslog line in one of the formats collectors
 * write (RFC 3164 or RFC 3339 timestamps as rsyslog writes them, RFC
 * 5424). False: a syslog header that does not parse, or no JSON after it.
 */
bool frame_line(const char *line, size_t len, struct frame *fr);

/* ---- output: rows grouped by owner (a group, or an option) ---- */

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

struct view {
	struct rows progs, hosts;	/* owner 0, idx: the group */
	struct rows opts;		/* idx: the option */
	struct rows vals;		/* by option */
	struct rows socks, fails, drops;
	struct rows hosts_of;		/* a program's hosts (K_PAIR) */
	struct rows progs_of;		/* a host's programs (K_PAIR) */
};

void view_build(const struct report *rep, struct view *vw);
void view_free(struct view *vw);
/* Printing runs once, at the end: running out of memory there is fatal. */
void *xrealloc(void *p, size_t n);

/* Text as a JSON string body (quotes and controls escaped) into out, room
 * for 6 * n bytes; its length. */
size_t json_escape(const char *s, size_t n, char *out);

#endif
