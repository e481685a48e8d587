/* SPDX-License-Identifier: MIT */
/* logint — what the log's own files share: the sink, the syslog client. */
#ifndef SOCKSHIM_LOGINT_H
#define SOCKSHIM_LOGINT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define RECORD_MAX 1024

/* A close-on-exec copy of fd out of the program's way (fd stays open). */
int log_dup_high(int fd);
/* The pid the records carry (refreshed after fork). */
pid_t log_pid(void);

/* syslog without libc's syslog(3): our own datagram socket. */
/* Connect to socket_path with "<PRI>ident[" as the tag; our fd or -1. */
int logsys_open(const char *socket_path, int facility, const char *ident);
/* One record (no newline); false: not delivered. */
bool logsys_send(int fd, const char *rec, size_t n);
/* A warning to /dev/log, for a program whose stderr goes nowhere. */
void logsys_warn(const char *msg, size_t n);

#endif
