/* SPDX-License-Identifier: MIT */
/*
 * log_conf — the log's settings, as the policy file's `log` group gives
 * them. The log is opened with these alone: it knows nothing of the
 * policy, and a policy loaded again later (or a supervisor's) leaves the
 * open log as it is.
 */
#ifndef SOCKSHIM_LOG_CONF_H
#define SOCKSHIM_LOG_CONF_H

#define LOG_PATH_MAX 512

enum log_format { LOGF_TEXT, LOGF_JSON };
enum log_calls { LOGC_ALL, LOGC_POLICY };
enum log_syslog_format { LOGS_RFC3164, LOGS_RFC5424 };

struct log_conf {
	char path[LOG_PATH_MAX];	/* "stderr", "none", "syslog",
					   "syslog:SOCKET", file */
	enum log_format format;
	enum log_calls calls;
	char ident[32];			/* syslog tag */
	unsigned int file_mode;		/* permissions of a new file */
	int facility;			/* syslog facility, LOG_USER... */
	enum log_syslog_format syslog_format;	/* of datagrams */
	char host[64];			/* "host" of JSON records: a name, %h
					   the machine's; "" none */
};

#endif
