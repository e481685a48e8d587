/* SPDX-License-Identifier: MIT */
/* logwords — a record's parts in words, shared by the text and JSON
 * formatters of log.c. */
#ifndef SOCKSHIM_LOGWORDS_H
#define SOCKSHIM_LOGWORDS_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "log.h"
#include "strbuf.h"

const char *logw_type_name(int type);
const char *logw_proto_name(int proto);
const char *logw_fcntl_name(int cmd);
/* The protocol a socket gets (0 asks for the family's default). */
int logw_effective_proto(const struct log_rec *r);
/* A symbolic name, or the number when there is none. */
void logw_sym(struct sb *b, const char *name, long long v, bool json);
void logw_type(struct sb *b, int type, bool json);
void logw_seconds(struct sb *b, const struct timeval *tv);
void logw_value(struct sb *b, const struct optval *v, bool json);
void logw_addr(struct sb *b, const struct sockaddr *sa, socklen_t len);
void logw_opt(struct sb *b, const struct log_rec *r, bool json);
/* The policy changed the program's value. */
bool logw_app_changed(const struct log_rec *r);

#endif
