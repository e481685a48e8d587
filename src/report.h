/* SPDX-License-Identifier: MIT */
/*
 * report — `sockshim report`: a summary of option usage from JSON call
 * logs (the record format: README "The log", doc/ARCHITECTURE.md), from
 * one host or many.
 *
 * Lines are fed one at a time, in any mix of formats: a JSON record; a
 * JSON record after a syslog header (as rsyslog writes files, or RFC
 * 5424); a `journalctl -o json` entry whose MESSAGE is one. Anything else
 * is counted as skipped, except blank lines (a log file's padding). A
 * record has pid, prog and call, and ret for a socket call; a "dropped"
 * record a count.
 *
 * Every record belongs to a host: its own "host" field, else the host its
 * syslog header or journal entry names, else REPORT_NO_HOST. Counts are
 * kept for all records, per program and per host: queries take a name, or
 * NULL for the totals.
 */
#ifndef SOCKSHIM_REPORT_H
#define SOCKSHIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct report;

/* The host of records that name none. */
#define REPORT_NO_HOST "(unknown)"

/* What the printed report has a section for. */
enum report_by { REPORT_BY_PROGRAM, REPORT_BY_HOST };

/* Records counted only when they match (globs, fnmatch(3)). */
enum report_filter { REPORT_HOST, REPORT_PROGRAM, REPORT_OPTION,
		     REPORT_FILTERS };

/* The policy's actions, in the order the report shows them. */
enum report_action {
	RA_SET,
	RA_FORCED,
	RA_CLAMPED,
	RA_DENIED,
	RA_GRACEFUL,
	RA_WOULD_SET,
	RA_WOULD_FORCE,
	RA_WOULD_CLAMP,
	RA_WOULD_DENY,
	RA_WOULD_GRACEFUL,
	RA_OTHER,		/* an action name this version does not know */
	RA_COUNT
};

struct report_counts {
	unsigned long records;
	unsigned long processes;	/* distinct pids, per source and host */
	unsigned long sockets;		/* socket, 2 per socketpair */
	unsigned long listeners;	/* successful listen calls */
	unsigned long accepted;		/* successful accept/accept4 */
	unsigned long clients;		/* connect: done or in progress */
	unsigned long accepts, accept_failed;
	unsigned long connects, connect_inprogress, connect_failed;
	unsigned long failures;		/* records with an errno */
	unsigned long dropped;		/* records the log lost, by its word */
};

struct report_opt_counts {
	unsigned long app_set;		/* setsockopt by the program */
	unsigned long policy_set;	/* setsockopt by the policy */
	unsigned long get;		/* getsockopt */
	unsigned long actions[RA_COUNT];
	unsigned long values;		/* distinct values set */
};

struct report *report_new(void);
void report_free(struct report *rep);

/*
 * Process ids are told apart per source (one file, stdin) and host: logs
 * from many hosts reuse them. Call before the first line of each source.
 */
void report_begin_source(struct report *rep);

/*
 * Count only the records that match: any glob of a kind, every kind
 * given. REPORT_OPTION keeps setsockopt and getsockopt records of the
 * options named. Before the first line. -1: out of memory.
 */
int report_add_filter(struct report *rep, enum report_filter what,
		      const char *glob);
void report_set_by(struct report *rep, enum report_by by);

/*
 * One line, with or without its newline: 0 counted, 1 skipped (not a
 * record), 2 blank (the padding a log file may end with: neither), -1
 * out of memory.
 */
int report_add_line(struct report *rep, const char *line, size_t len);

/*
 * A whole source: a file, or "-" for standard input, plain or gzip
 * (detected by its first bytes, streamed). Lines that are skipped are
 * noted on err, with the first one's number. 0: read to its end; -1: it
 * could not be (said on err, naming it), what was read is counted.
 */
int report_read(struct report *rep, const char *path, FILE *err);

unsigned long report_skipped(const struct report *rep);
/* Records the filters left out. */
unsigned long report_excluded(const struct report *rep);
unsigned long report_programs(const struct report *rep);
unsigned long report_hosts(const struct report *rep);
const char *report_action_name(enum report_action a);

/* False (and zeros) when the program, host or option never appeared. */
bool report_get_counts(const struct report *rep, const char *prog,
		       struct report_counts *out);
bool report_get_host_counts(const struct report *rep, const char *host,
			    struct report_counts *out);
/* Records of prog on host. */
unsigned long report_pair_count(const struct report *rep, const char *host,
				const char *prog);
/* Lost records by the reason the log gave. */
unsigned long report_dropped_count(const struct report *rep,
				   const char *prog, const char *reason);
bool report_get_opt(const struct report *rep, const char *prog,
		    const char *level, const char *opt,
		    struct report_opt_counts *out);

/* value as the log writes it, compacted: 1, [1,5], 0.25, "cubic". */
unsigned long report_value_count(const struct report *rep, const char *prog,
				 const char *level, const char *opt,
				 const char *value);
/* type without its |SOCK_* flags. */
unsigned long report_socket_count(const struct report *rep, const char *prog,
				  const char *family, const char *type);
unsigned long report_failure_count(const struct report *rep, const char *prog,
				   const char *call, const char *err);

void report_print_text(const struct report *rep, FILE *f);
void report_print_json(const struct report *rep, FILE *f);

/* The command; argv[0] is "report". */
int report_main(int argc, char **argv);

#endif
