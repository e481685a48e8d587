/* SPDX-License-Identifier: MIT */
/*
 * config — a libconfig file turned into an immutable struct policy.
 *
 * libconfig is not thread-safe and allocates freely: a file is parsed
 * once, checked completely, copied into the policy and freed. Every error
 * carries the file, the line and the key it is about.
 */
#ifndef SOCKSHIM_CONFIG_H
#define SOCKSHIM_CONFIG_H

#include "policy.h"

#define CONFIG_MAX_ERRORS 32

struct config_error {
	char file[256];
	int line;		/* 0 when no line applies (missing file) */
	char key[128];		/* "options.SO_LINGER.max", or "" */
	char msg[256];
};

struct config_errors {
	int n;			/* errors found (may exceed those kept) */
	struct config_error e[CONFIG_MAX_ERRORS];
};

/*
 * Load path into *p (policy_defaults first). Returns 0, or -1 with errs
 * filled; on error p->on_error still tells what the file asked for.
 */
int config_load(const char *path, struct policy *p, struct config_errors *errs);

/* Same, from text in memory (unit tests, fuzzing); name is for messages. */
int config_load_string(const char *text, const char *name, struct policy *p,
		       struct config_errors *errs);

/* "file:line: key: message" */
void config_error_format(const struct config_error *e, char *buf, size_t len);

/* Parse "EPERM" style names; 0 when unknown. */
int config_errno_value(const char *name);

#endif
