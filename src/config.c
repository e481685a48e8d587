// SPDX-License-Identifier: MIT
/*
 * config — the loader's entry points: a file or a string to a struct
 * policy. Errors, the root keys, the log settings and the finishing of
 * the policy live here; the other rooms are named in config_loader.h.
 */
#include "build-config.h"

#include <errno.h>
#include "cfglib.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "config_loader.h"
#include "real.h"

static void vadd_error(struct loader *ld, const char *file, int line,
		       const char *key, const char *fmt, va_list ap)
{
	struct config_error *e;

	if (ld->errs->n++ >= CONFIG_MAX_ERRORS)
		return;
	e = &ld->errs->e[ld->errs->n - 1];
	/* libconfig names an included file as the @include wrote it. */
	if (file && file[0] != '/' && ld->dir && strcmp(file, ld->name) != 0 &&
	    !(strncmp(file, ld->dir, strlen(ld->dir)) == 0 &&
	      file[strlen(ld->dir)] == '/'))
		snprintf(e->file, sizeof(e->file), "%s/%s", ld->dir, file);
	else
		snprintf(e->file, sizeof(e->file), "%s", file ? file : ld->name);
	e->line = line;
	snprintf(e->key, sizeof(e->key), "%s", key ? key : "");
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	/* Messages quote the file: its control bytes must not reach a tty. */
	for (char *c = e->msg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
}

void cfg_error(struct loader *ld, const config_setting_t *s,
	       const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd_error(ld, s ? config_setting_source_file(s) : NULL,
		   s ? (int)config_setting_source_line(s) : 0, key, fmt, ap);
	va_end(ap);
}

/* An error found in the text itself, before libconfig reads it. */
void cfg_error_at(struct loader *ld, const char *file, int line,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd_error(ld, file, line, NULL, fmt, ap);
	va_end(ap);
}

void config_error_format(const struct config_error *e, char *buf, size_t len)
{
	if (e->line > 0 && e->key[0])
		snprintf(buf, len, "%s:%d: %s: %s", e->file, e->line, e->key,
			 e->msg);
	else if (e->line > 0)
		snprintf(buf, len, "%s:%d: %s", e->file, e->line, e->msg);
	else if (e->key[0])
		snprintf(buf, len, "%s: %s: %s", e->file, e->key, e->msg);
	else
		snprintf(buf, len, "%s: %s", e->file, e->msg);
}

/* "0640": octal as chmod takes it (libconfig has no octal numbers). */
static void load_file_mode(struct loader *ld, config_setting_t *c,
			   const char *key, struct policy *p)
{
	const char *v;
	char *end;
	unsigned long m;

	if (config_setting_type(c) != CONFIG_TYPE_STRING) {
		cfg_error(ld, c, key, "expected an octal mode as a string, "
				      "e.g. \"0640\"");
		return;
	}
	v = config_setting_get_string(c);
	errno = 0;
	m = strtoul(v, &end, 8);
	if (errno || end == v || *end || *v == '-' || m > 0777) {
		cfg_error(ld, c, key, "\"%s\" is not a mode from \"0000\" to "
				      "\"0777\"", v);
		return;
	}
	p->log.file_mode = (unsigned int)m;
}

/* A syslog tag: short, printable, no space or colon (they end it). */
static void load_ident(struct loader *ld, config_setting_t *c,
		       const char *key, struct policy *p)
{
	const char *v;

	if (config_setting_type(c) != CONFIG_TYPE_STRING) {
		cfg_error(ld, c, key, "expected a string");
		return;
	}
	v = config_setting_get_string(c);
	if (!*v || strlen(v) >= sizeof(p->log.ident)) {
		cfg_error(ld, c, key, "expected 1 to %zu characters",
			  sizeof(p->log.ident) - 1);
		return;
	}
	for (const char *q = v; *q; q++)
		if (*q <= ' ' || *q == ':' || *q == '[' || *q == 0x7f) {
			cfg_error(ld, c, key, "no spaces, colons, brackets or "
					      "control characters in a tag");
			return;
		}
	strcpy(p->log.ident, v);
}

/* The host records are from: a name, %h for the machine's, true for %h. */
static void load_host(struct loader *ld, config_setting_t *c,
		      const char *key, struct policy *p)
{
	const char *v;

	if (config_setting_type(c) == CONFIG_TYPE_BOOL) {
		strcpy(p->log.host, config_setting_get_bool(c) ? "%h" : "");
		return;
	}
	if (config_setting_type(c) != CONFIG_TYPE_STRING) {
		cfg_error(ld, c, key, "expected a host name, \"%%h\" (this "
				      "machine's) or true");
		return;
	}
	v = config_setting_get_string(c);
	if (!*v || strlen(v) >= sizeof(p->log.host)) {
		cfg_error(ld, c, key, "expected 1 to %zu characters",
			  sizeof(p->log.host) - 1);
		return;
	}
	for (const char *q = v; *q; q++) {
		if (*q <= ' ' || *q >= 0x7f || *q == '"' || *q == '\\' ||
		    (*q == '%' && *++q != 'h')) {
			cfg_error(ld, c, key, "no spaces, quotes, backslashes "
					      "or control characters, and %%h "
					      "the only %% word, in a host");
			return;
		}
	}
	strcpy(p->log.host, v);
}

static void load_log(struct loader *ld, config_setting_t *s)
{
	struct policy *p = ld->p;
	int v;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		cfg_error(ld, s, "log", "expected a group: log = { path = ...; }");
		return;
	}
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *c = config_setting_get_elem(s, (unsigned)i);
		const char *k = config_setting_name(c);
		char key[64];

		snprintf(key, sizeof(key), "log.%s", k);
		if (strcmp(k, "path") == 0) {
			const char *path;

			if (config_setting_type(c) != CONFIG_TYPE_STRING ||
			    !*(path = config_setting_get_string(c))) {
				cfg_error(ld, c, key, "expected \"stderr\", "
						      "\"syslog\", \"none\" or "
						      "a file path");
			} else if (strlen(path) >= sizeof(p->log.path)) {
				cfg_error(ld, c, key, "path longer than %zu bytes",
					  sizeof(p->log.path) - 1);
			} else {
				strcpy(p->log.path, path);
			}
		} else if (strcmp(k, "format") == 0) {
			if (cfg_enum(ld, c, key, VOCAB_LOG_FORMAT, &v))
				p->log.format = (enum log_format)v;
		} else if (strcmp(k, "calls") == 0) {
			if (cfg_enum(ld, c, key, VOCAB_LOG_CALLS, &v))
				p->log.calls = (enum log_calls)v;
		} else if (strcmp(k, "ident") == 0) {
			load_ident(ld, c, key, p);
		} else if (strcmp(k, "file_mode") == 0) {
			load_file_mode(ld, c, key, p);
		} else if (strcmp(k, "facility") == 0) {
			if (cfg_enum(ld, c, key, VOCAB_FACILITY, &v))
				p->log.facility = v;
		} else if (strcmp(k, "syslog_format") == 0) {
			if (cfg_enum(ld, c, key, VOCAB_SYSLOG_FORMAT, &v))
				p->log.syslog_format = (enum log_syslog_format)v;
		} else if (strcmp(k, "host") == 0) {
			load_host(ld, c, key, p);
		} else {
			cfg_error(ld, c, key, "unknown key (expected path, "
					      "format, calls, file_mode, ident, "
					      "facility, syslog_format or "
					      "host)");
		}
	}
}

static void load_root(struct loader *ld, config_setting_t *root)
{
	struct policy *p = ld->p;
	int v;

	/* on_error first: it decides what happens to every other error. */
	config_setting_t *oe = config_setting_get_member(root, "on_error");

	if (oe && cfg_enum(ld, oe, "on_error", VOCAB_ON_ERROR, &v))
		p->on_error = (enum pol_on_error)v;
	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *c = config_setting_get_elem(root, (unsigned)i);
		const char *k = config_setting_name(c);

		if (strcmp(k, "on_error") == 0)
			continue;
		if (strcmp(k, "mode") == 0) {
			if (cfg_enum(ld, c, k, VOCAB_MODE, &v))
				p->mode = (enum pol_mode)v;
		} else if (strcmp(k, "log") == 0) {
			load_log(ld, c);
		} else if (strcmp(k, "options") == 0) {
			cfg_options(ld, c, "options", &p->site);
		} else if (strcmp(k, "rules") == 0) {
			cfg_rules(ld, c);
		} else if (strcmp(k, "strict_perms") == 0) {
			cfg_bool(ld, c, k, &p->strict_perms);
		} else {
			cfg_error(ld, c, k, "unknown key (expected mode, on_error, "
					    "strict_perms, log, options or "
					    "rules)");
		}
	}
}

static void mark(struct policy *p, const struct directive *d,
		 unsigned char *sets)
{
	p->named[d->opt] = 1;
	if (d->has & (DIR_SET | DIR_FORCE))
		sets[d->opt] = 1;
}

static void mark_named(struct policy *p)
{
	unsigned char *sets = calloc(optcat_count, 1);

	p->named = calloc(optcat_count, 1);
	p->named_list = calloc(optcat_count, sizeof(*p->named_list));
	p->set_list = calloc(optcat_count, sizeof(*p->set_list));
	if (!sets || !p->named || !p->named_list || !p->set_list) {
		free(sets);
		return;
	}
	for (size_t i = 0; i < p->site.n; i++)
		mark(p, &p->site.d[i], sets);
	for (size_t i = 0; i < p->nrules; i++) {
		struct optset *os = &p->rules[i].opts;

		p->match_keys |= p->rules[i].m.has;
		for (size_t j = 0; j < os->n; j++) {
			mark(p, &os->d[j], sets);
			os->d[j].rule = p->rules[i].name;
		}
	}
	/* Catalogue order: the order options are applied in. */
	for (size_t i = 0; i < optcat_count; i++) {
		if (p->named[i])
			p->named_list[p->nnamed++] = (int)i;
		if (sets[i])
			p->set_list[p->nset++] = (int)i;
	}
	free(sets);
}

/*
 * strict_perms: a process running as root takes its socket policy only
 * from a file that root owns and nobody else may write; anyone who could
 * write it could otherwise steer root's sockets.
 */
static void check_perms(struct loader *ld, config_t *cfg,
			const struct stat *st)
{
	config_setting_t *s;

	if (!ld->p->strict_perms || geteuid() != 0)
		return;
	s = config_setting_get_member(config_root_setting(cfg), "strict_perms");
	if (st->st_uid != 0)
		cfg_error(ld, s, "strict_perms", "the file is owned by uid %u, "
			  "not root: refused for a process running as root",
			  (unsigned int)st->st_uid);
	else if (st->st_mode & (S_IWGRP | S_IWOTH))
		cfg_error(ld, s, "strict_perms", "the file is writable by %s "
			  "(mode %04o): refused for a process running as root",
			  (st->st_mode & S_IWOTH) ? "others" : "its group",
			  (unsigned int)(st->st_mode & 07777));
}

static int finish(struct loader *ld, config_t *cfg, bool parsed,
		  const struct stat *st)
{
	if (parsed)
		load_root(ld, config_root_setting(cfg));
	if (parsed && st)
		check_perms(ld, cfg, st);
	config_destroy(cfg);
	if (ld->errs->n) {
		enum pol_on_error oe = ld->p->on_error;

		policy_free(ld->p);
		policy_defaults(ld->p);
		ld->p->on_error = oe;
		/* Messages still name the file the defaults stand in for. */
		snprintf(ld->p->source, sizeof(ld->p->source), "%s", ld->name);
		return -1;
	}
	mark_named(ld->p);
	return 0;
}

static void parse_error(struct loader *ld, config_t *cfg)
{
	const char *text = config_error_text(cfg);

	cfg_error_at(ld, config_error_file(cfg), config_error_line(cfg), "%s",
		     text ? text : "parse error");
}

/* @include paths are relative to the including file's directory. */
static const char *include_dir(const char *path, char *dir, size_t len)
{
	char *slash;

	snprintf(dir, len, "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return NULL;
	if (slash == dir)
		return "/";
	*slash = '\0';
	return dir;
}

/* Check the text, and hand it to libconfig unless that is unsafe. */
static int load_text(struct loader *ld, const char *text, size_t len,
		     const struct stat *st)
{
	char buf[LOG_PATH_MAX];
	const char *dir = include_dir(ld->name, buf, sizeof(buf));
	const char *why;
	config_t cfg;
	bool ok = false;

	ld->dir = dir;
	if (!cfglib_load(&why)) {
		cfg_error(ld, NULL, NULL, "cannot read policies: %s", why);
		/* on_error as the file says, as for a file that does not
		 * parse: abort means no program runs unpoliced. */
		cfg_scan_on_error(text, ld->p);
		return -1;
	}
	cfg_check_text(ld, text, len, ld->name, dir, 0);
	config_init(&cfg);
	if (dir)
		config_set_include_dir(&cfg, dir);
	if (!ld->unsafe) {
		ok = config_read_string(&cfg, text) == CONFIG_TRUE;
		if (!ok)
			parse_error(ld, &cfg);
	}
	if (!ok)
		cfg_scan_on_error(text, ld->p);
	return finish(ld, &cfg, ok, st);
}

int config_load(const char *path, struct policy *p, struct config_errors *errs)
{
	struct loader ld = { .name = path, .p = p, .errs = errs };
	struct stat st;
	size_t len;
	char *text;
	int fd, ret;

	policy_defaults(p);
	memset(errs, 0, sizeof(*errs));
	snprintf(p->source, sizeof(p->source), "%s", path);
	/*
	 * One open, one read: the file judged (type, owner, mode, content)
	 * is the file used, and a FIFO at the path cannot stall the program.
	 */
	fd = cfg_open_regular(path, &st);
	if (fd < 0) {
		cfg_error(&ld, NULL, NULL, errno == EINVAL ?
			  "not a regular file" : "cannot read: %s",
			  strerror(errno));
		return -1;
	}
	text = cfg_read_all(fd, CONFIG_MAX_BYTES, &len);
	if (!text) {
		cfg_error(&ld, NULL, NULL, "cannot read: %s", strerror(errno));
		real.close(fd);
		return -1;
	}
	real.close(fd);
	ret = load_text(&ld, text, len, &st);
	free(text);
	return ret;
}

int config_load_string(const char *text, const char *name, struct policy *p,
		       struct config_errors *errs)
{
	struct loader ld = { .name = name, .p = p, .errs = errs };

	policy_defaults(p);
	memset(errs, 0, sizeof(*errs));
	snprintf(p->source, sizeof(p->source), "%s", name);
	return load_text(&ld, text, strlen(text), NULL);
}
