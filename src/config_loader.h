/* SPDX-License-Identifier: MIT */
/*
 * config_loader — what the rooms of the config loader share; private to
 * src/config*.c.
 *
 *   config.c          entry points, errors, the root keys and log settings,
 *                     the finished policy
 *   config_text.c     the file's bytes: read safely, pre-lexed for what
 *                     libconfig would misread
 *   config_values.c   one setting to one typed value (enum words, integers,
 *                     seconds, option values, bounds)
 *   config_options.c  an options group to directives
 *   config_rules.c    the rules list: match keys and their values
 *
 * The prefix is cfg_, not config_: libconfig owns config_*.
 */
#ifndef SOCKSHIM_CONFIG_LOADER_H
#define SOCKSHIM_CONFIG_LOADER_H

#include "cfglib.h"
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "config.h"
#include "vocab.h"

#define CONFIG_MAX_BYTES (8 << 20)	/* a policy is small; this is not */

/* The file being read, for messages about settings without a file. */
struct loader {
	const char *name;
	struct policy *p;
	struct config_errors *errs;
	bool unsafe;		/* not to be handed to libconfig at all */
	const char *dir;	/* where @include paths start, or NULL */
};

/* config.c: an error about setting s (NULL: the file) under key. */
void cfg_error(struct loader *ld, const config_setting_t *s,
	       const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* An error found in the text itself, before libconfig reads it. */
void cfg_error_at(struct loader *ld, const char *file, int line,
		  const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* config_values.c: each adds an error and fails on a bad value. */
/* One word of vocabulary id, its value into *out. */
bool cfg_enum(struct loader *ld, const config_setting_t *s,
	      const char *key, enum vocab_id id, int *out);
bool cfg_int(struct loader *ld, const config_setting_t *s,
	     const char *key, long long lo, long long hi, long long *out);
bool cfg_seconds(struct loader *ld, const config_setting_t *s,
		 const char *key, long long hi_s, long long *us);
bool cfg_bool(struct loader *ld, const config_setting_t *s,
	      const char *key, bool *out);
bool cfg_value(struct loader *ld, const config_setting_t *s,
	       const char *key, const struct optcat_entry *e,
	       struct optval *v);
bool cfg_bound(struct loader *ld, const config_setting_t *s,
	       const char *key, const struct optcat_entry *e,
	       long long *out);

/* config_options.c: an options group (prefix names it) into set. */
void cfg_options(struct loader *ld, config_setting_t *s,
		 const char *prefix, struct optset *set);

/* config_rules.c: the rules list into ld->p. */
void cfg_rules(struct loader *ld, config_setting_t *s);

/* config_text.c */
int cfg_open_regular(const char *path, struct stat *st);
char *cfg_read_all(int fd, size_t max, size_t *len);
void cfg_check_text(struct loader *ld, const char *text, size_t len,
		    const char *file, const char *dir, int depth);
void cfg_scan_on_error(const char *text, struct policy *p);

#endif
