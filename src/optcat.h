/* SPDX-License-Identifier: MIT */
/*
 * optcat — the option catalogue.
 *
 * One table (optcat.def) describes every socket option sockshim knows:
 * level, name, number, value type, direction, which sockets it fits,
 * the range of values a policy may name, and a one-line description.
 * The config loader, the policy, the logger and `sockshim options` all
 * read this table; nothing else hard-codes option numbers.
 */
#ifndef SOCKSHIM_OPTCAT_H
#define SOCKSHIM_OPTCAT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/time.h>

enum optcat_type {
	OT_BOOL,	/* int, 0 or non-zero */
	OT_INT,		/* int */
	OT_LINGER,	/* struct linger */
	OT_TIMEVAL,	/* struct timeval, shown and configured as seconds */
	OT_STRING,	/* char[], e.g. an interface name */
	OT_OPAQUE,	/* a structure we log as bytes only */
};

enum optcat_access {
	OA_RW,		/* getsockopt and setsockopt */
	OA_GET,		/* getsockopt only */
	OA_SET,		/* setsockopt only */
};

/* Which sockets an option fits: policy sets an option only where it fits. */
enum optcat_scope {
	OS_ANY,		/* every socket, AF_UNIX included */
	OS_INET,	/* AF_INET or AF_INET6, any type */
	OS_INET_STREAM,	/* AF_INET or AF_INET6, SOCK_STREAM */
	OS_INET_DGRAM,	/* AF_INET or AF_INET6, SOCK_DGRAM */
	OS_IPV4,	/* AF_INET */
	OS_IPV6,	/* AF_INET6 */
	OS_TCP,		/* AF_INET or AF_INET6, SOCK_STREAM, TCP */
	OS_UDP,		/* AF_INET or AF_INET6, SOCK_DGRAM, UDP */
	OS_UNIX,	/* AF_UNIX */
};

struct optcat_entry {
	int level;
	int optname;
	/* Names kept in the entry, not pointed at: a table of pointers
	 * would be relocated (written) by the loader in every process the
	 * library is preloaded into, a few page faults of every exec. */
	char level_name[16];	/* "SOL_SOCKET" */
	char name[28];		/* "SO_REUSEADDR" */
	enum optcat_type type;
	enum optcat_access access;
	enum optcat_scope scope;
	long long lo, hi;	/* values a policy may name (seconds for
				   linger/timeval, max length for strings) */
	char desc[72];
};

extern const struct optcat_entry optcat_table[];
extern const size_t optcat_count;

#define OPTVAL_STR_MAX	64	/* longest string value we keep */
#define OPTVAL_RAW_MAX	16	/* bytes of an opaque value we log */

/* A decoded option value; which member is meaningful follows the type. */
struct optval {
	enum optcat_type type;
	socklen_t len;		/* length as passed to or from the kernel */
	union {
		int i;				/* OT_BOOL, OT_INT */
		struct linger l;		/* OT_LINGER */
		struct timeval tv;		/* OT_TIMEVAL */
		char s[OPTVAL_STR_MAX + 1];	/* OT_STRING, NUL-terminated */
		unsigned char raw[OPTVAL_RAW_MAX]; /* OT_OPAQUE prefix */
	};
};

/*
 * Decode len bytes the kernel read or wrote; false when too short for the
 * type (the kernel then answers EINVAL itself, and we log no value).
 */
bool optval_decode(enum optcat_type t, const void *buf, socklen_t len,
		   struct optval *out);
/* Point at the bytes to hand the kernel for v; returns their length. */
socklen_t optval_encode(const struct optval *v, const void **buf);
bool optval_equal(const struct optval *a, const struct optval *b);

/* Index into optcat_table, or -1. Lookups are O(1)/O(log n): hot path. */
int optcat_find(int level, int optname);
int optcat_find_name(const char *name);

const char *optcat_level_name(int level);	/* NULL if unknown */
const char *optcat_type_name(enum optcat_type t);
const char *optcat_access_name(enum optcat_access a);
const char *optcat_scope_name(enum optcat_scope s);

/* Size of the value the kernel reads or writes for this type (0: varies). */
size_t optcat_value_size(enum optcat_type t);

/* Does the option fit a socket of this family, type (masked) and protocol? */
bool optcat_fits(const struct optcat_entry *e, int family, int type,
		 int protocol);

#endif
