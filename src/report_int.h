/* SPDX-License-Identifier: MIT */
/*
 * report_int — what the parts of `sockshim report` share: the string and
 * count tables (report_tables.c), the JSON scanner (report_scan.c), the
 * report itself (report_tally.c, report_query.c) and its output
 * (report_out.c). Not installed, not used outside the report.
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

/*
 * The count for k; with add, a new zero one if it is not there (and
 * *fresh says so). NULL: not there, or no memory. The pointer is good
 * until the next add.
 */
unsigned long *ctab_get(struct ctab *t, struct ckey k, bool add, bool *fresh);

static inline struct ckey key(enum kind kind, uint32_t a, uint32_t b,
			      uint32_t c)
{
	return (struct ckey){ kind, a, b, c };
}

/* Room for element n of an array of *max; false: no memory. */
bool grow_array(void **v, size_t *max, size_t n, size_t size);

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
	F_LEVEL, F_OPT, F_VAL, F_ACTION, F_COUNT
};

/* One flat JSON object, the whole line; the fields we use into f. */
bool scan_record(const char *line, size_t len, struct jval f[F_COUNT]);
bool jv_int(const struct jval *v, long long *out);
bool jv_is(const struct jval *v, const char *s);

#endif
