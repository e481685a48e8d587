/* SPDX-License-Identifier: MIT */
/*
 * log — call records: formatting (text, JSON lines) and the sink.
 *
 * Formatting (log.c) is pure and hand-rolled (no stdio on the hot path).
 * The sink (logsink.c) writes a file shared by processes with one write(2)
 * per record to an O_APPEND descriptor, so lines never interleave, and a
 * per-process file through a mapping (logmap.c); syslog goes through
 * logsyslog.c. The file descriptor is the shim's: the program's
 * close/dup2/close_range cannot take it away (see log_owns_fd).
 */
#ifndef SOCKSHIM_LOG_H
#define SOCKSHIM_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include "optcat.h"
#include "policy.h"

enum log_call {
	LC_SOCKET, LC_SOCKETPAIR, LC_SETSOCKOPT, LC_GETSOCKOPT, LC_BIND,
	LC_LISTEN, LC_CONNECT, LC_ACCEPT, LC_ACCEPT4, LC_CLOSE, LC_DUP,
	LC_DUP2, LC_DUP3, LC_FCNTL, LC_CLOSE_RANGE, LC_CLOSEFROM,
	/* The log's own events: records lost (ret: how many, note: why),
	 * a seccomp filter went in (note: "continues" or "stops"). */
	LC_DROPPED, LC_SECCOMP,
	/* The policy file changed: note says what became of it. */
	LC_POLICY,
	/* Seen only by the seccomp supervisor: io_uring, which no way in
	 * governs (arg: the entries asked for). */
	LC_IO_URING_SETUP,
};

struct log_rec {
	enum log_call call;
	bool by_policy;		/* origin: the shim's own call */
	int fd;			/* the socket; for accept, the new one */
	long ret;
	int err;		/* errno when the call failed, else 0 */
	enum pol_action action;
	bool enforce;		/* false: audit, action is a would-* */
	const char *rule;	/* the rule that decided, or NULL: site-wide */
	/* socket, socketpair */
	int family, type, protocol;
	/* setsockopt, getsockopt */
	int level, optname;
	bool has_opt;		/* opt is the catalogue index, looked up once */
	int opt;
	const struct optval *val;	/* what took effect / was read */
	const struct optval *app_val;	/* what the program asked for */
	const struct optval *would_val;	/* audit: what enforce would set */
	/* bind, connect: addr; accept: peer */
	const struct sockaddr *addr;
	socklen_t addrlen;
	int listen_fd;		/* accept: the listener */
	int arg;		/* listen backlog, accept4/dup3 flags, ... */
	unsigned int lo, hi;	/* close_range */
	const char *note;	/* dropped: the reason; seccomp: the outcome */
	/* A call seen from outside the process (sockshim run --via
	 * seccomp): how it was seen, and whose call it was. */
	const char *via;	/* "seccomp", or NULL: seen in the process */
	pid_t pid, tid;		/* with via: the caller (0: the logger's) */
	const char *prog;	/* with via: the caller's name, or NULL */
	bool ret_unknown;	/* the kernel ran the call after it was seen:
				   no ret, no errno */
};

/* Who and when: passed in so formatting stays pure and testable. */
struct log_ctx {
	pid_t pid, tid;
	const char *prog;
	const char *host;	/* log.host expanded; NULL: no host field */
	struct timespec ts;
};

/* Format one record, newline-terminated; returns its length (< len). */
size_t log_format_text(const struct log_ctx *c, const struct log_rec *r,
		       char *buf, size_t len);
size_t log_format_json(const struct log_ctx *c, const struct log_rec *r,
		       char *buf, size_t len);

/* log.host: %h becomes the machine's name (uname nodename); false if
 * it does not fit. */
bool log_expand_host(const char *tmpl, char *out, size_t len);

/* Expand %p, %n and %% in a path; false if it does not fit. */
bool log_expand_path(const char *tmpl, pid_t pid, const char *prog,
		     char *out, size_t len);

/* Sink. log_open is called once, with the log's settings. */
void log_open(const struct log_conf *conf, const char *prog);
extern bool log_on, log_only_policy;

static inline bool log_enabled(void)
{
	return log_on;
}

static inline bool log_policy_only(void)
{
	return log_only_policy;
}
void log_emit(const struct log_rec *r);
/* Write a line to stderr, bypassing the sink (warnings). */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Warnings go to syslog alone: the program's stderr is not ours (the
 * library was preloaded for the whole host, not asked for by name). */
void log_warn_syslog_only(void);

/* The log's own fd must survive the program's fd housekeeping. */
bool log_owns_fd(int fd);
/* The log file's descriptor, or -1 when the sink is not a file. */
int log_fd_number(void);
/* Move our fd out of the way before the program dup2()s onto it. */
void log_move_fd(void);
/* At exit: say what was dropped, trim a mapped file to its records. */
void log_close(void);
/* In a fork child: refresh pid/tid, reopen per-process (%p) files. */
void log_after_fork_child(void);
/* In the parent, before fork. */
void log_before_fork(void);
/* exec: the file is finished before, mapped again if exec failed. */
void log_before_exec(void);
void log_exec_failed(void);
/* Before setuid/setgid/setgroups/chroot...: open the file while we may;
 * after one that succeeded. */
void log_prepare_drop(void);
void log_after_drop(void);
/* A seccomp filter allowing the SBX_* kinds in allowed goes in: finish
 * the mapping, say whether the log continues; it failed: undo. */
void log_before_sandbox(unsigned int allowed);
void log_sandbox_failed(void);
/* The program changed RLIMIT_FSIZE. */
void log_limits_changed(void);
/* A fatal signal with the default action is about to kill the process
 * (async-signal-safe): trim the mapped file. */
void log_fatal_signal(int sig);

const char *log_call_name(enum log_call call);
const char *log_errno_name(int err);
const char *log_family_name(int family);

#endif
