/* SPDX-License-Identifier: MIT */
/* logint — what the log's own files share: the sink, the syslog client. */
#ifndef SOCKSHIM_LOGINT_H
#define SOCKSHIM_LOGINT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "log.h"
#include "policy.h"

#define RECORD_MAX 1024
#define PROG_MAX 64
/* Records stop short of a file size limit by room for the one that says
 * how many did not fit. */
#define DROPPED_ROOM 256
/* Our file descriptor lives high, out of the way of programs that expect
 * the lowest free numbers (and of their close-everything loops' cost). */
#define LOG_FD_FLOOR 1000

enum sink { SINK_NONE, SINK_FD, SINK_SYSLOG };
enum { FILE_CLOSED, FILE_OPENING, FILE_OPEN, FILE_FAILED };

/* The sink's state, shared by logsink.c, logfile.c and loglife.c. */
struct sink_state {
	enum sink sink, sink_before_sandbox;
	enum log_format format;
	atomic_int log_fd;
	atomic_int file_state;
	bool is_file;		/* a path, opened on the first record */
	bool per_process;	/* the path names the pid: mapped, reopened
				   after fork */
	atomic_bool mapped;	/* records go through logmap */
	bool append_only;	/* no mapping: children may share the file */
	bool dropped_privileges; /* since, our children may not create */
	int parent_fd;		/* fork child: the parent's shared file */
	bool is_pipe;		/* a pipe or socket: guard against SIGPIPE */
	char path_tmpl[LOG_PATH_MAX];
	char path_now[LOG_PATH_MAX];	/* the path of the open file */
	mode_t file_mode;
	char prog[PROG_MAX + 1];
	char host[128];		/* log.host expanded; "" none */
	pid_t cached_pid;
	atomic_ullong fsize_limit;	/* RLIMIT_FSIZE; LOGMAP_NO_LIMIT: none */
	atomic_long next_check;		/* CLOCK_MONOTONIC_COARSE second */
};
extern struct sink_state lg;

/* logsink.c */
void sink_set(enum sink to);
/* Shut the gate and wait (bounded) for writers; false: not now. */
bool sink_gate_close(void);
void sink_gate_open(void);
/* Emit one record now; false: dropped (and counted). */
bool sink_emit_now(const struct log_rec *r);
/* The dropped records so far, as records, once the log writes. */
void sink_say_dropped(void);
void sink_after_fork(void);

/* logfile.c */
#define SINK_BUSY (-2)
int sink_file_fd(void);
bool sink_start_mapping(int fd);
void sink_refresh_limit(void);
void sink_maybe_check(void);
void file_after_fork(void);

/* A close-on-exec copy of fd out of the program's way (fd stays open). */
int log_dup_high(int fd);
/* The pid the records carry (refreshed after fork). */
pid_t log_pid(void);

/* syslog without libc's syslog(3): our own datagram socket. */
/*
 * Connect to socket_path; datagrams "<PRI>ident[pid]: record" (RFC 3164),
 * or with rfc5424 "<PRI>1 TIME HOST ident pid - - record" (host: the
 * machine's name when NULL or empty); our fd or -1.
 */
int logsys_open(const char *socket_path, int facility, const char *ident,
		bool rfc5424, const char *host);
/* One record (no newline); false: not delivered. */
bool logsys_send(int fd, const char *rec, size_t n);
/* A warning to /dev/log, for a program whose stderr goes nowhere. */
void logsys_warn(const char *msg, size_t n);

#endif
