/* SPDX-License-Identifier: MIT */
/*
 * policy — an immutable policy and the pure decisions made from it.
 *
 * No I/O here: given what is known about a socket and an event, say what
 * to set, and given a program's setsockopt, say whether to pass, rewrite,
 * clamp or refuse it. The hooks carry the decisions out.
 */
#ifndef SOCKSHIM_POLICY_H
#define SOCKSHIM_POLICY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "fdtab.h"
#include "log_conf.h"
#include "optcat.h"

enum pol_mode { MODE_ENFORCE, MODE_AUDIT, MODE_TRACE };
enum pol_on_error { ONERR_PASSTHROUGH, ONERR_ABORT };
enum abortive { AB_ALLOW, AB_GRACEFUL, AB_DENY };

enum {
	DIR_SET = 1 << 0,
	DIR_FORCE = 1 << 1,
	DIR_MIN = 1 << 2,
	DIR_MAX = 1 << 3,
	DIR_DENY = 1 << 4,
	DIR_ABORTIVE = 1 << 5,
};

/* What a policy says about one option. */
struct directive {
	int opt;		/* index into optcat_table */
	unsigned int has;	/* DIR_* */
	enum abortive abortive;
	int deny_errno;
	struct optval val;	/* for set / force */
	long long min, max;	/* int: value; linger: s; timeval: µs */
	int line;		/* where it was written, for messages */
	const char *rule;	/* name of the rule it belongs to, or NULL */
};

struct optset {
	struct directive *d;
	size_t n;
};

#define POLICY_MAX_RULES 64	/* one bit each in sockinfo.rules_applied */

struct port_range {
	uint16_t lo, hi;
};

struct cidr {
	struct in6_addr addr;	/* IPv4 as v4-mapped */
	uint8_t prefix;		/* 0..128, IPv4 prefixes plus 96 */
};

enum {
	M_PROGRAM = 1 << 0,
	M_FAMILY = 1 << 1,
	M_TYPE = 1 << 2,
	M_ROLE = 1 << 3,
	M_LOCAL_PORT = 1 << 4,
	M_REMOTE_PORT = 1 << 5,
	M_LOCAL_ADDR = 1 << 6,
	M_REMOTE_ADDR = 1 << 7,
};

/* A rule's match: every key named must hold (AND); a list is an OR. */
struct match {
	unsigned int has;	/* M_* */
	char **programs;	/* globs on the short program name */
	size_t nprograms;
	unsigned int families;	/* bits: 1 << AF_INET, 1 << AF_INET6, ... */
	unsigned int types;	/* bits: 1 << SOCK_STREAM, ... */
	unsigned int roles;	/* bits: 1 << ROLE_LISTENER, ... */
	struct port_range *lports, *rports;
	size_t nlports, nrports;
	struct cidr *laddrs, *raddrs;
	size_t nladdrs, nraddrs;
};

struct rule {
	char name[64];
	int line;
	struct match m;
	struct optset opts;
	bool program_ok;	/* the program clause holds for this process */
};

struct policy {
	enum pol_mode mode;
	enum pol_on_error on_error;
	bool strict_perms;	/* as root: refuse a file others could write */
	struct log_conf log;	/* the log's settings: the log module
				   sees these, never the policy */
	struct optset site;
	struct rule *rules;
	size_t nrules;
	unsigned int match_keys;	/* M_* named by any rule */
	/* Per catalogue index: does any directive name the option? */
	unsigned char *named;
	int *named_list;		/* the same, as a list of indexes */
	size_t nnamed;
	int *set_list;			/* named with set or force somewhere */
	size_t nset;
	char source[LOG_PATH_MAX];		/* the file it came from */
};

/* The policy used when there is no file: log every call, change nothing. */
void policy_defaults(struct policy *p);
void policy_free(struct policy *p);

/* Decide program clauses once: the program's name does not change. */
void policy_set_program(struct policy *p, const char *prog);

enum match_result { MATCH_NO, MATCH_YES, MATCH_UNKNOWN };

/*
 * Does a rule match a socket? UNKNOWN while a fact it names is not
 * known yet (the role before listen/connect, a port before bind...).
 */
enum match_result policy_match(const struct rule *r, const struct sockinfo *si);

/*
 * Effective directive for an option on a socket, or NULL: the last rule
 * that matches what is known now, else the site-wide options.
 */
const struct directive *policy_lookup(const struct policy *p,
				      const struct sockinfo *si, int opt);

enum pol_event { EV_CREATED, EV_BOUND, EV_LISTENING, EV_CONNECTING,
		 EV_ACCEPTED };

/* An option the policy sets on a socket when an event happens. */
struct pol_apply {
	int opt;
	bool forced;
	struct optval val;
	const char *rule;	/* the rule that asked, or NULL: site-wide */
};

/*
 * Call fn for each option to set now that the socket's facts are si. At
 * creation (and for an accepted socket) that is the site-wide options
 * and the rules that match; later, the options of rules that match for
 * the first time. Only options that fit the socket are given.
 * si->rules_applied records the rules carried out. Returns the count.
 */
typedef void (*pol_apply_fn)(const struct pol_apply *a, void *ctx);
size_t policy_on_event(const struct policy *p, struct sockinfo *si,
		       enum pol_event ev, pol_apply_fn fn, void *ctx);

enum pol_action {
	ACT_NONE,
	ACT_SET,	/* policy set an option at an event */
	ACT_FORCED,	/* program's value rewritten to the forced one */
	ACT_CLAMPED,	/* program's value brought into [min, max] */
	ACT_DENIED,	/* program's call refused */
	ACT_GRACEFUL,	/* abortive linger turned into a graceful close */
};

struct verdict {
	enum pol_action action;
	const char *rule;	/* the rule whose directive decided, or NULL */
	bool enforce;		/* false in audit mode: log, change nothing */
	int err;		/* errno for ACT_DENIED */
	struct optval val;	/* value to hand the kernel */
};

/* Judge a program's setsockopt of option opt with value app. */
void policy_judge_set(const struct policy *p, const struct sockinfo *si,
		      int opt, const struct optval *app, struct verdict *v);
/* The same, with the directive the caller already looked up (or NULL):
 * one lookup per call on the hot path. */
void policy_judge_dir(const struct policy *p, const struct directive *d,
		      const struct optval *app, struct verdict *v);

/* Does the policy need to see values of this option at all (hot path)? */
static inline bool policy_names(const struct policy *p, int opt)
{
	return opt >= 0 && p->named && p->named[opt];
}

const char *policy_action_name(enum pol_action a, bool enforce);
const char *policy_mode_name(enum pol_mode m);

#endif
