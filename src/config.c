// SPDX-License-Identifier: MIT
/* config — libconfig file to struct policy, with file:line:key errors. */
#include "build-config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"

/* The file being read, for messages about settings without a file. */
struct loader {
	const char *name;
	struct policy *p;
	struct config_errors *errs;
	bool unsafe;		/* not to be handed to libconfig at all */
	const char *dir;	/* where @include paths start, or NULL */
};

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

static void add_error(struct loader *ld, const config_setting_t *s,
		      const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd_error(ld, s ? config_setting_source_file(s) : NULL,
		   s ? (int)config_setting_source_line(s) : 0, key, fmt, ap);
	va_end(ap);
}

/* An error found in the text itself, before libconfig reads it. */
static void add_error_at(struct loader *ld, const char *file, int line,
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

static const struct {
	const char *name;
	int value;
} errno_names[] = {
	{ "EPERM", EPERM },	      { "EACCES", EACCES },
	{ "EINVAL", EINVAL },	      { "ENOPROTOOPT", ENOPROTOOPT },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "ENOTSUP", ENOTSUP },
	{ "ENOBUFS", ENOBUFS },	      { "ENOMEM", ENOMEM },
	{ "EFAULT", EFAULT },	      { "ENOTSOCK", ENOTSOCK },
	{ "EBADF", EBADF },	      { "EAFNOSUPPORT", EAFNOSUPPORT },
	{ "EPROTONOSUPPORT", EPROTONOSUPPORT },
	{ "EADDRINUSE", EADDRINUSE }, { "ENODEV", ENODEV },
	{ "EBUSY", EBUSY },	      { "EAGAIN", EAGAIN },
};

int config_errno_value(const char *name)
{
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(*errno_names); i++)
		if (strcmp(errno_names[i].name, name) == 0)
			return errno_names[i].value;
	return 0;
}

/* Pick one of names[] for a string setting; -1 (error added) otherwise. */
static int get_enum(struct loader *ld, const config_setting_t *s,
		    const char *key, const char *const *names, int n)
{
	const char *v;
	char list[160] = "";

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		add_error(ld, s, key, "expected a string");
		return -1;
	}
	v = config_setting_get_string(s);
	for (int i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0)
			return i;
	for (int i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s\"%s\"", i ? ", " : "", names[i]);
	add_error(ld, s, key, "unknown value \"%s\" (expected %s)", v, list);
	return -1;
}

static bool get_int(struct loader *ld, const config_setting_t *s,
		    const char *key, long long lo, long long hi,
		    long long *out)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		*out = config_setting_get_int64(s);
		break;
	case CONFIG_TYPE_BOOL:
		*out = config_setting_get_bool(s);
		break;
	default:
		add_error(ld, s, key, "expected an integer");
		return false;
	}
	if (*out < lo || *out > hi) {
		add_error(ld, s, key, "%lld is out of range [%lld, %lld]", *out,
			  lo, hi);
		return false;
	}
	return true;
}

/* Seconds, integer or fractional, as microseconds. */
static bool get_seconds(struct loader *ld, const config_setting_t *s,
			const char *key, long long hi_s, long long *us)
{
	double v;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		v = (double)config_setting_get_int64(s);
		break;
	case CONFIG_TYPE_FLOAT:
		v = config_setting_get_float(s);
		break;
	default:
		add_error(ld, s, key, "expected seconds (a number)");
		return false;
	}
	if (!(v >= 0 && v <= (double)hi_s)) {	/* NaN fails both */
		add_error(ld, s, key, "%g seconds is out of range [0, %lld]", v,
			  hi_s);
		return false;
	}
	/* Rounded by hand: libm would cost every process half a MiB. */
	*us = (long long)(v * 1e6 + 0.5);
	return true;
}

static bool get_bool(struct loader *ld, const config_setting_t *s,
		     const char *key, bool *out)
{
	long long v;

	if (!get_int(ld, s, key, 0, 1, &v))
		return false;
	*out = v;
	return true;
}

/* A set/force value for option e. */
static bool get_value(struct loader *ld, const config_setting_t *s,
		      const char *key, const struct optcat_entry *e,
		      struct optval *v)
{
	long long n, us;

	memset(v, 0, sizeof(*v));
	v->type = e->type;
	switch (e->type) {
	case OT_BOOL:
	case OT_INT:
		if (!get_int(ld, s, key, e->lo, e->hi, &n))
			return false;
		v->i = (int)n;
		v->len = sizeof(int);
		return true;
	case OT_LINGER: {
		const config_setting_t *on, *secs;

		if (!(config_setting_is_array(s) || config_setting_is_list(s)) ||
		    config_setting_length(s) != 2) {
			add_error(ld, s, key,
				  "expected [onoff, seconds], e.g. [1, 5]");
			return false;
		}
		on = config_setting_get_elem(s, 0);
		secs = config_setting_get_elem(s, 1);
		if (!get_int(ld, on, key, 0, 1, &n))
			return false;
		v->l.l_onoff = (int)n;
		if (!get_int(ld, secs, key, e->lo, e->hi, &n))
			return false;
		v->l.l_linger = (int)n;
		v->len = sizeof(v->l);
		return true;
	}
	case OT_TIMEVAL:
		if (!get_seconds(ld, s, key, e->hi, &us))
			return false;
		v->tv.tv_sec = us / 1000000;
		v->tv.tv_usec = us % 1000000;
		v->len = sizeof(v->tv);
		return true;
	case OT_STRING: {
		const char *str;

		if (config_setting_type(s) != CONFIG_TYPE_STRING) {
			add_error(ld, s, key, "expected a string");
			return false;
		}
		str = config_setting_get_string(s);
		if ((long long)strlen(str) > e->hi || strlen(str) > OPTVAL_STR_MAX) {
			add_error(ld, s, key, "\"%s\" is longer than %lld bytes",
				  str, e->hi);
			return false;
		}
		strcpy(v->s, str);
		v->len = (socklen_t)strlen(str);
		return true;
	}
	case OT_OPAQUE:
		break;
	}
	add_error(ld, s, key, "%s takes a structure; only deny is possible",
		  e->name);
	return false;
}

/* min/max bound, in the unit the policy compares in. */
static bool get_bound(struct loader *ld, const config_setting_t *s,
		      const char *key, const struct optcat_entry *e,
		      long long *out)
{
	switch (e->type) {
	case OT_INT:
	case OT_LINGER:
		return get_int(ld, s, key, e->lo, e->hi, out);
	case OT_TIMEVAL:
		return get_seconds(ld, s, key, e->hi, out);
	default:
		add_error(ld, s, key, "min/max need an integer, linger or "
				      "timeout option; %s is %s",
			  e->name, optcat_type_name(e->type));
		return false;
	}
}

static const char *const abortive_names[] = { "allow", "graceful", "deny" };

static void load_directive_key(struct loader *ld, config_setting_t *s,
			       const char *key, const struct optcat_entry *e,
			       struct directive *d)
{
	const char *k = config_setting_name(s);
	bool b;

	if (strcmp(k, "set") == 0 || strcmp(k, "force") == 0) {
		if (get_value(ld, s, key, e, &d->val))
			d->has |= k[0] == 's' ? DIR_SET : DIR_FORCE;
	} else if (strcmp(k, "min") == 0) {
		if (get_bound(ld, s, key, e, &d->min))
			d->has |= DIR_MIN;
	} else if (strcmp(k, "max") == 0) {
		if (get_bound(ld, s, key, e, &d->max))
			d->has |= DIR_MAX;
	} else if (strcmp(k, "deny") == 0) {
		if (get_bool(ld, s, key, &b) && b)
			d->has |= DIR_DENY;
	} else if (strcmp(k, "errno") == 0) {
		if (config_setting_type(s) != CONFIG_TYPE_STRING)
			add_error(ld, s, key, "expected an errno name, e.g. "
					      "\"ENOPROTOOPT\"");
		else if (!(d->deny_errno = config_errno_value(
				   config_setting_get_string(s))))
			add_error(ld, s, key, "unknown errno name \"%s\"",
				  config_setting_get_string(s));
	} else if (strcmp(k, "abortive") == 0) {
		int a;

		if (e->type != OT_LINGER) {
			add_error(ld, s, key, "abortive applies to SO_LINGER only");
			return;
		}
		a = get_enum(ld, s, key, abortive_names, 3);
		if (a >= 0) {
			d->abortive = (enum abortive)a;
			d->has |= DIR_ABORTIVE;
		}
	} else {
		add_error(ld, s, key, "unknown directive (expected set, force, "
				      "min, max, deny, errno or abortive)");
	}
}

/* Combinations that cannot mean anything are errors, not guesses. */
static void check_directive(struct loader *ld, config_setting_t *s,
			    const char *key, const struct optcat_entry *e,
			    const struct directive *d)
{
	unsigned int h = d->has;

	if (e->access == OA_GET && h)
		add_error(ld, s, key, "%s is read-only: nothing to set or deny",
			  e->name);
	else if ((h & DIR_SET) && (h & DIR_FORCE))
		add_error(ld, s, key, "set and force exclude each other");
	else if ((h & DIR_DENY) && (h & (DIR_FORCE | DIR_MIN | DIR_MAX)))
		add_error(ld, s, key, "deny excludes force, min and max");
	else if ((h & DIR_FORCE) && (h & (DIR_MIN | DIR_MAX)))
		add_error(ld, s, key, "force excludes min and max");
	else if ((h & DIR_MIN) && (h & DIR_MAX) && d->min > d->max)
		add_error(ld, s, key, "min (%lld) is greater than max (%lld)",
			  d->min, d->max);
	else if (d->deny_errno && !(h & DIR_DENY) &&
		 !((h & DIR_ABORTIVE) && d->abortive == AB_DENY))
		add_error(ld, s, key, "errno needs deny = true or "
				      "abortive = \"deny\"");
}

static bool named_twice(struct loader *ld, config_setting_t *s,
			const char *key, const struct optset *set, int idx)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->d[i].opt == idx) {
			add_error(ld, s, key, "named twice (also line %d)",
				  set->d[i].line);
			return true;
		}
	return false;
}

static void load_option(struct loader *ld, config_setting_t *s,
			const char *prefix, struct optset *set)
{
	const char *name = config_setting_name(s);
	char key[128], dkey[160];
	int idx = optcat_find_name(name);
	const struct optcat_entry *e;
	struct directive d = { 0 };

	snprintf(key, sizeof(key), "%s.%s", prefix, name);
	if (idx < 0) {
		add_error(ld, s, key, "unknown socket option (see `sockshim "
				      "options`)");
		return;
	}
	e = &optcat_table[idx];
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		add_error(ld, s, key, "expected a group, e.g. %s = { force = "
				      "...; }",
			  e->name);
		return;
	}
	d.opt = idx;
	d.line = (int)config_setting_source_line(s);
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *c = config_setting_get_elem(s, (unsigned)i);

		snprintf(dkey, sizeof(dkey), "%s.%s", key, config_setting_name(c));
		load_directive_key(ld, c, dkey, e, &d);
	}
	check_directive(ld, s, key, e, &d);
	if (named_twice(ld, s, key, set, idx) || !d.has)
		return;
	set->d[set->n++] = d;
	/* A name at two levels (MCAST_JOIN_GROUP for IPv4 and IPv6) means
	 * both: the sockets each fits decide which applies. */
	for (size_t i = (size_t)idx + 1; i < optcat_count; i++)
		if (strcmp(optcat_table[i].name, e->name) == 0 &&
		    optcat_table[i].type == e->type) {
			d.opt = (int)i;
			set->d[set->n++] = d;
		}
}

static void load_options(struct loader *ld, config_setting_t *s,
			 const char *prefix, struct optset *set)
{
	int n;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		add_error(ld, s, prefix, "expected a group of options");
		return;
	}
	n = config_setting_length(s);
	/* A name may stand for an option at two levels: two directives. */
	set->d = calloc(2 * (size_t)n + 1, sizeof(*set->d));
	if (!set->d) {
		add_error(ld, s, prefix, "out of memory");
		return;
	}
	for (int i = 0; i < n; i++)
		load_option(ld, config_setting_get_elem(s, (unsigned)i), prefix,
			    set);
}

/* ---- rules ---- */

/* A scalar or a list of scalars: call fn on each element. */
typedef bool (*elem_fn)(struct loader *ld, config_setting_t *s,
			const char *key, void *out, size_t i);

static size_t for_each_elem(struct loader *ld, config_setting_t *s,
			    const char *key, elem_fn fn, void *out,
			    size_t elem_size, void **array)
{
	bool list = config_setting_is_aggregate(s);
	size_t n = list ? (size_t)config_setting_length(s) : 1;
	size_t ok = 0;

	if (list && config_setting_type(s) == CONFIG_TYPE_GROUP) {
		add_error(ld, s, key, "expected a value or a list of values");
		return 0;
	}
	if (!n) {
		add_error(ld, s, key, "empty list matches nothing");
		return 0;
	}
	if (array) {
		*array = calloc(n, elem_size);
		if (!*array) {
			add_error(ld, s, key, "out of memory");
			return 0;
		}
		out = *array;
	}
	for (size_t i = 0; i < n; i++) {
		config_setting_t *e = list ? config_setting_get_elem(s, (unsigned)i) : s;

		if (fn(ld, e, key, out, ok))
			ok++;
	}
	return ok;
}

static bool word_bit(struct loader *ld, config_setting_t *s, const char *key,
		     const struct word_list *w, unsigned int *bits)
{
	int i = get_enum(ld, s, key, w->names, w->n);

	if (i < 0)
		return false;
	*bits |= 1U << w->values[i];
	return true;
}

static bool family_elem(struct loader *ld, config_setting_t *s,
			const char *key, void *out, size_t i)
{
	(void)i;
	return word_bit(ld, s, key, &policy_families, out);
}

static bool type_elem(struct loader *ld, config_setting_t *s,
		      const char *key, void *out, size_t i)
{
	(void)i;
	return word_bit(ld, s, key, &policy_types, out);
}

static bool role_elem(struct loader *ld, config_setting_t *s,
		      const char *key, void *out, size_t i)
{
	(void)i;
	return word_bit(ld, s, key, &policy_roles, out);
}

static bool program_elem(struct loader *ld, config_setting_t *s,
			 const char *key, void *out, size_t i)
{
	char **progs = out;

	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    !*config_setting_get_string(s)) {
		add_error(ld, s, key, "expected a program name or glob, e.g. "
				      "\"redis-*\"");
		return false;
	}
	progs[i] = strdup(config_setting_get_string(s));
	return progs[i] != NULL;
}

/* 80, or "1024-65535" */
static bool port_elem(struct loader *ld, config_setting_t *s,
		      const char *key, void *out, size_t i)
{
	struct port_range *pr = (struct port_range *)out + i;
	long long lo, hi;

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		const char *v = config_setting_get_string(s);
		char *end;

		errno = 0;
		lo = strtoll(v, &end, 10);
		hi = lo;
		if (*end == '-' && end != v) {
			const char *h = end + 1;

			hi = strtoll(h, &end, 10);
			if (end == h)
				end = (char *)h - 1;	/* "80-": not a range */
		}
		if (errno || *end || end == v || !*v) {
			add_error(ld, s, key, "\"%s\" is not a port or a "
					      "range \"lo-hi\"", v);
			return false;
		}
	} else if (!get_int(ld, s, key, 0, 65535, &lo)) {
		return false;
	} else {
		hi = lo;
	}
	if (lo < 0 || hi > 65535 || lo > 65535 || hi < 0) {
		add_error(ld, s, key, "port out of range [0, 65535]");
		return false;
	}
	if (lo > hi) {
		add_error(ld, s, key, "range %lld-%lld is inverted", lo, hi);
		return false;
	}
	pr->lo = (uint16_t)lo;
	pr->hi = (uint16_t)hi;
	return true;
}

/* "10.0.0.0/8", "::1", "fe80::/10"; IPv4 kept v4-mapped. */
static bool cidr_elem(struct loader *ld, config_setting_t *s,
		      const char *key, void *out, size_t i)
{
	struct cidr *c = (struct cidr *)out + i;
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	struct in_addr a4;
	long prefix = -1;
	int max;

	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    strlen(config_setting_get_string(s)) >= sizeof(buf)) {
		add_error(ld, s, key, "expected an address or CIDR string, "
				      "e.g. \"10.0.0.0/8\"");
		return false;
	}
	strcpy(buf, config_setting_get_string(s));
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		errno = 0;
		prefix = strtol(slash + 1, &end, 10);
		if (errno || *end || end == slash + 1 || prefix < 0) {
			add_error(ld, s, key, "bad prefix length in \"%s\"",
				  config_setting_get_string(s));
			return false;
		}
	}
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, buf, &a4) == 1) {
		c->addr.s6_addr[10] = c->addr.s6_addr[11] = 0xff;
		memcpy(&c->addr.s6_addr[12], &a4, 4);
		max = 32;
	} else if (inet_pton(AF_INET6, buf, &c->addr) == 1) {
		max = 128;
	} else {
		add_error(ld, s, key, "\"%s\" is not an IPv4 or IPv6 address",
			  buf);
		return false;
	}
	if (prefix > max) {
		add_error(ld, s, key, "prefix /%ld is longer than %d bits",
			  prefix, max);
		return false;
	}
	c->prefix = (uint8_t)((prefix < 0 ? max : prefix) + (max == 32 ? 96 : 0));
	return true;
}

static void load_match(struct loader *ld, config_setting_t *s,
		       const char *prefix, struct match *m)
{
	char key[160];

	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		snprintf(key, sizeof(key), "%s.match", prefix);
		add_error(ld, s, key, "expected a group, e.g. match = { "
				      "program = \"nginx\"; };");
		return;
	}
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *c = config_setting_get_elem(s, (unsigned)i);
		const char *k = config_setting_name(c);

		snprintf(key, sizeof(key), "%s.match.%s", prefix, k);
		if (strcmp(k, "program") == 0) {
			m->nprograms = for_each_elem(ld, c, key, program_elem,
						     NULL, sizeof(char *),
						     (void **)&m->programs);
			m->has |= M_PROGRAM;
		} else if (strcmp(k, "family") == 0) {
			for_each_elem(ld, c, key, family_elem, &m->families, 0,
				      NULL);
			m->has |= M_FAMILY;
		} else if (strcmp(k, "type") == 0) {
			for_each_elem(ld, c, key, type_elem, &m->types, 0, NULL);
			m->has |= M_TYPE;
		} else if (strcmp(k, "role") == 0) {
			for_each_elem(ld, c, key, role_elem, &m->roles, 0, NULL);
			m->has |= M_ROLE;
		} else if (strcmp(k, "local_port") == 0) {
			m->nlports = for_each_elem(ld, c, key, port_elem, NULL,
						   sizeof(*m->lports),
						   (void **)&m->lports);
			m->has |= M_LOCAL_PORT;
		} else if (strcmp(k, "remote_port") == 0) {
			m->nrports = for_each_elem(ld, c, key, port_elem, NULL,
						   sizeof(*m->rports),
						   (void **)&m->rports);
			m->has |= M_REMOTE_PORT;
		} else if (strcmp(k, "local_addr") == 0) {
			m->nladdrs = for_each_elem(ld, c, key, cidr_elem, NULL,
						   sizeof(*m->laddrs),
						   (void **)&m->laddrs);
			m->has |= M_LOCAL_ADDR;
		} else if (strcmp(k, "remote_addr") == 0) {
			m->nraddrs = for_each_elem(ld, c, key, cidr_elem, NULL,
						   sizeof(*m->raddrs),
						   (void **)&m->raddrs);
			m->has |= M_REMOTE_ADDR;
		} else {
			add_error(ld, c, key, "unknown match key (expected "
					      "program, family, type, role, "
					      "local_port, remote_port, "
					      "local_addr or remote_addr)");
		}
	}
}

static void load_rule(struct loader *ld, config_setting_t *s, size_t idx,
		      struct rule *r)
{
	char prefix[96];
	config_setting_t *opts = NULL;

	snprintf(prefix, sizeof(prefix), "rules.[%zu]", idx);
	r->line = (int)config_setting_source_line(s);
	snprintf(r->name, sizeof(r->name), "rule %zu", idx + 1);
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		add_error(ld, s, prefix, "expected a group: { name = ...; "
					 "match = { ... }; options = { ... }; }");
		return;
	}
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *c = config_setting_get_elem(s, (unsigned)i);
		const char *k = config_setting_name(c);
		char key[128];

		snprintf(key, sizeof(key), "%s.%s", prefix, k);
		if (strcmp(k, "name") == 0) {
			if (config_setting_type(c) != CONFIG_TYPE_STRING)
				add_error(ld, c, key, "expected a string");
			else
				snprintf(r->name, sizeof(r->name), "%s",
					 config_setting_get_string(c));
		} else if (strcmp(k, "match") == 0) {
			load_match(ld, c, prefix, &r->m);
		} else if (strcmp(k, "options") == 0) {
			opts = c;
		} else {
			add_error(ld, c, key, "unknown key (expected name, "
					      "match or options)");
		}
	}
	r->program_ok = !(r->m.has & M_PROGRAM);
	if (!opts) {
		add_error(ld, s, prefix, "rule has no options");
		return;
	}
	snprintf(prefix + strlen(prefix), sizeof(prefix) - strlen(prefix),
		 ".options");
	load_options(ld, opts, prefix, &r->opts);
}

static void load_rules(struct loader *ld, config_setting_t *s)
{
	struct policy *p = ld->p;
	size_t n;

	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		add_error(ld, s, "rules", "expected a list: rules = ( { ... }, "
					  "{ ... } );");
		return;
	}
	n = (size_t)config_setting_length(s);
	if (n > POLICY_MAX_RULES) {
		add_error(ld, s, "rules", "%zu rules; at most %d are supported",
			  n, POLICY_MAX_RULES);
		return;
	}
	p->rules = calloc(n + 1, sizeof(*p->rules));
	if (!p->rules) {
		add_error(ld, s, "rules", "out of memory");
		return;
	}
	p->nrules = n;
	for (size_t i = 0; i < n; i++)
		load_rule(ld, config_setting_get_elem(s, (unsigned)i), i,
			  &p->rules[i]);
}

static const char *const format_names[] = { "text", "json" };

#define FACILITIES 17
static const char *const facility_names[FACILITIES] = {
	"user", "daemon", "auth", "authpriv", "syslog", "local0", "local1",
	"local2", "local3", "local4", "local5", "local6", "local7", "mail",
	"news", "cron", "ftp",
};
static const int facility_codes[FACILITIES] = {
	LOG_USER, LOG_DAEMON, LOG_AUTH, LOG_AUTHPRIV, LOG_SYSLOG, LOG_LOCAL0,
	LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6,
	LOG_LOCAL7, LOG_MAIL, LOG_NEWS, LOG_CRON, LOG_FTP,
};

/* "0640": octal as chmod takes it (libconfig has no octal numbers). */
static void load_file_mode(struct loader *ld, config_setting_t *c,
			   const char *key, struct policy *p)
{
	const char *v;
	char *end;
	unsigned long m;

	if (config_setting_type(c) != CONFIG_TYPE_STRING) {
		add_error(ld, c, key, "expected an octal mode as a string, "
				      "e.g. \"0640\"");
		return;
	}
	v = config_setting_get_string(c);
	errno = 0;
	m = strtoul(v, &end, 8);
	if (errno || end == v || *end || *v == '-' || m > 0777) {
		add_error(ld, c, key, "\"%s\" is not a mode from \"0000\" to "
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
		add_error(ld, c, key, "expected a string");
		return;
	}
	v = config_setting_get_string(c);
	if (!*v || strlen(v) >= sizeof(p->log.ident)) {
		add_error(ld, c, key, "expected 1 to %zu characters",
			  sizeof(p->log.ident) - 1);
		return;
	}
	for (const char *q = v; *q; q++)
		if (*q <= ' ' || *q == ':' || *q == '[' || *q == 0x7f) {
			add_error(ld, c, key, "no spaces, colons, brackets or "
					      "control characters in a tag");
			return;
		}
	strcpy(p->log.ident, v);
}
static const char *const calls_names[] = { "all", "policy" };

static void load_log(struct loader *ld, config_setting_t *s)
{
	struct policy *p = ld->p;
	int v;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		add_error(ld, s, "log", "expected a group: log = { path = ...; }");
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
				add_error(ld, c, key, "expected \"stderr\", "
						      "\"syslog\", \"none\" or "
						      "a file path");
			} else if (strlen(path) >= sizeof(p->log.path)) {
				add_error(ld, c, key, "path longer than %zu bytes",
					  sizeof(p->log.path) - 1);
			} else {
				strcpy(p->log.path, path);
			}
		} else if (strcmp(k, "format") == 0) {
			if ((v = get_enum(ld, c, key, format_names, 2)) >= 0)
				p->log.format = (enum log_format)v;
		} else if (strcmp(k, "calls") == 0) {
			if ((v = get_enum(ld, c, key, calls_names, 2)) >= 0)
				p->log.calls = (enum log_calls)v;
		} else if (strcmp(k, "ident") == 0) {
			load_ident(ld, c, key, p);
		} else if (strcmp(k, "file_mode") == 0) {
			load_file_mode(ld, c, key, p);
		} else if (strcmp(k, "facility") == 0) {
			if ((v = get_enum(ld, c, key, facility_names,
					  FACILITIES)) >= 0)
				p->log.facility = facility_codes[v];
		} else {
			add_error(ld, c, key, "unknown key (expected path, "
					      "format, calls, file_mode, ident "
					      "or facility)");
		}
	}
}

static const char *const mode_names[] = { "enforce", "audit", "trace" };
static const char *const onerr_names[] = { "passthrough", "abort" };

static void load_root(struct loader *ld, config_setting_t *root)
{
	struct policy *p = ld->p;
	int v;

	/* on_error first: it decides what happens to every other error. */
	config_setting_t *oe = config_setting_get_member(root, "on_error");

	if (oe && (v = get_enum(ld, oe, "on_error", onerr_names, 2)) >= 0)
		p->on_error = (enum pol_on_error)v;
	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *c = config_setting_get_elem(root, (unsigned)i);
		const char *k = config_setting_name(c);

		if (strcmp(k, "on_error") == 0)
			continue;
		if (strcmp(k, "mode") == 0) {
			if ((v = get_enum(ld, c, k, mode_names, 3)) >= 0)
				p->mode = (enum pol_mode)v;
		} else if (strcmp(k, "log") == 0) {
			load_log(ld, c);
		} else if (strcmp(k, "options") == 0) {
			load_options(ld, c, "options", &p->site);
		} else if (strcmp(k, "rules") == 0) {
			load_rules(ld, c);
		} else if (strcmp(k, "strict_perms") == 0) {
			get_bool(ld, c, k, &p->strict_perms);
		} else {
			add_error(ld, c, k, "unknown key (expected mode, on_error, "
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
 * When the file cannot be parsed, on_error cannot be read from it. Look
 * for the line by hand so that `on_error = "abort"` still means abort.
 */
static void scan_on_error(const char *text, struct policy *p)
{
	for (const char *s = text; (s = strstr(s, "on_error")); s += 8) {
		const char *line = s, *q = s + 8;

		while (line > text && line[-1] != '\n')
			line--;
		if (memchr(line, '#', (size_t)(s - line)) ||
		    memmem(line, (size_t)(s - line), "//", 2) ||
		    (s > line && (isalnum((unsigned char)s[-1]) ||
				  s[-1] == '_' || s[-1] == '-')))
			continue;
		q += strspn(q, " \t");
		if (*q != '=' && *q != ':')
			continue;
		q += 1 + strspn(q + 1, " \t");
		if (strncmp(q, "\"abort\"", 7) == 0)
			p->on_error = ONERR_ABORT;
	}
}

#define CONFIG_MAX_BYTES (8 << 20)	/* a policy is small; this is not */
#define INCLUDE_DEPTH 10		/* libconfig's own limit */

/* A whole regular file, NUL-terminated; NULL with errno on failure. */
static char *read_all(int fd, size_t max, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1), *more;
	ssize_t r;

	if (!buf)
		return NULL;
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			cap = cap * 2 > max ? max : cap * 2;
			more = realloc(buf, cap + 1);
			if (!more) {
				free(buf);
				return NULL;
			}
			buf = more;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * Open path only if it is a regular file: never a FIFO (open would
 * block) or a device (opening one may do something). EINVAL otherwise.
 */
static int open_regular(const char *path, struct stat *st)
{
	int fd;

	if (stat(path, st) != 0)
		return -1;
	if (!S_ISREG(st->st_mode)) {
		errno = EINVAL;
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/*
 * libconfig 1.5 reads an integer without an L suffix as 32 bits and wraps
 * what does not fit (4294967296 becomes 0, silently), and saturates a
 * 64-bit one. A number other than the one written is an error here.
 */
static void check_integer(struct loader *ld, const char *file, int line,
			  const char *tok, size_t len)
{
	char num[32];
	bool wide = false, hex, bad;

	while (len && tok[len - 1] == 'L') {
		wide = true;
		len--;
	}
	if (len >= sizeof(num)) {
		add_error_at(ld, file, line, "integer %.20s... does not fit in "
			     "64 bits", tok);
		return;
	}
	memcpy(num, tok, len);
	num[len] = '\0';
	hex = strpbrk(num, "xX") != NULL;
	errno = 0;
	if (hex) {
		unsigned long long v = strtoull(num, NULL, 16);

		bad = errno == ERANGE || (!wide && v > 0xffffffffULL);
	} else {
		long long v = strtoll(num, NULL, 10);

		bad = errno == ERANGE || (!wide && (v < INT_MIN || v > INT_MAX));
	}
	if (bad && (wide || errno == ERANGE))
		add_error_at(ld, file, line, "integer %s does not fit in 64 "
			     "bits", num);
	else if (bad)
		add_error_at(ld, file, line, "integer %s does not fit in 32 "
			     "bits (libconfig would change it); write %sL for "
			     "a 64-bit integer", num, num);
}

static void check_text(struct loader *ld, const char *text, size_t len,
		       const char *file, const char *dir, int depth);

/*
 * @include "path" (libconfig: at the start of a line, the path taken as
 * include_dir/path). libconfig opens whatever is there and exits the
 * process if it cannot read it (a directory), or blocks on a FIFO: only
 * regular files may be included, and they are checked like the file.
 */
static const char *check_include(struct loader *ld, const char *s,
				 const char *end, const char *file, int line,
				 const char *dir, int depth)
{
	char path[LOG_PATH_MAX], full[2 * LOG_PATH_MAX];
	struct stat st;
	size_t n = 0, len;
	char *text;
	int fd;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s >= end || *s != '"')
		return s;	/* not an include: libconfig's error to give */
	for (s++; s < end && *s != '"' && *s != '\n'; s++) {
		if (*s == '\\' && s + 1 < end)
			s++;
		if (n < sizeof(path) - 1)
			path[n++] = *s;
	}
	path[n] = '\0';
	if (s < end && *s == '"')
		s++;
	snprintf(full, sizeof(full), "%s%s%s", dir ? dir : "", dir ? "/" : "",
		 path);
	if (stat(full, &st) != 0)
		return s;	/* libconfig says it cannot open it */
	if (!S_ISREG(st.st_mode)) {
		add_error_at(ld, file, line, "@include \"%s\": not a regular "
			     "file", path);
		ld->unsafe = true;
		return s;
	}
	if (depth >= INCLUDE_DEPTH)
		return s;	/* libconfig: nested too deep */
	fd = open_regular(full, &st);
	text = fd < 0 ? NULL : read_all(fd, CONFIG_MAX_BYTES, &len);
	if (fd >= 0)
		close(fd);
	if (!text) {
		add_error_at(ld, file, line, "@include \"%s\": %s", path,
			     strerror(errno));
		ld->unsafe = true;
		return s;
	}
	check_text(ld, text, len, full, dir, depth + 1);
	free(text);
	return s;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '*' || c == '-';
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A number: its extent; *is_int when it is an integer literal. */
static const char *number_end(const char *s, const char *end, bool *is_int)
{
	*is_int = true;
	if (*s == '-' || *s == '+')
		s++;
	if (end - s > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (s += 2; s < end && (digit(*s) || (*s >= 'a' && *s <= 'f') ||
					 (*s >= 'A' && *s <= 'F'));)
			s++;
	} else {
		while (s < end && digit(*s))
			s++;
		while (s < end && (*s == '.' || *s == 'e' || *s == 'E' ||
				   digit(*s) || ((*s == '-' || *s == '+') &&
						 (s[-1] == 'e' || s[-1] == 'E')))) {
			*is_int = false;
			s++;
		}
	}
	while (s < end && *s == 'L')
		s++;
	return s;
}

/*
 * What libconfig would read differently from what is written, or not
 * safely at all: NUL bytes (the rest of the file silently dropped),
 * integers it would change, includes of anything but a regular file.
 */
static void check_text(struct loader *ld, const char *text, size_t len,
		       const char *file, const char *dir, int depth)
{
	const char *s = text, *end = text + len, *nul = memchr(text, 0, len);
	bool bol = true;	/* nothing but blanks yet on this line */
	int line = 1;

	if (nul) {
		for (const char *c = text; c < nul; c++)
			line += *c == '\n';
		add_error_at(ld, file, line, "a NUL byte: not a text file");
		ld->unsafe = true;
		return;
	}
	while (s < end) {
		const char *t = s;
		bool is_int;

		if (*s == '\n') {
			line++;
			bol = true;
			s++;
		} else if (*s == ' ' || *s == '\t' || *s == '\r') {
			s++;
		} else if (*s == '#' || (*s == '/' && s + 1 < end && s[1] == '/')) {
			while (s < end && *s != '\n')
				s++;
		} else if (*s == '/' && s + 1 < end && s[1] == '*') {
			for (s += 2; s < end && !(*s == '*' && s + 1 < end &&
						  s[1] == '/'); s++)
				line += *s == '\n';
			s = s < end ? s + 2 : end;
			bol = false;
		} else if (*s == '"') {
			for (s++; s < end && *s != '"'; s++) {
				if (*s == '\\' && s + 1 < end)
					s++;
				line += *s == '\n';
			}
			s = s < end ? s + 1 : end;
			bol = false;
		} else if (bol && end - s >= 8 && memcmp(s, "@include", 8) == 0) {
			s = check_include(ld, s + 8, end, file, line, dir, depth);
			bol = false;
		} else if (digit(*s) || ((*s == '-' || *s == '+') &&
					 s + 1 < end && digit(s[1]))) {
			s = number_end(s, end, &is_int);
			if (is_int)
				check_integer(ld, file, line, t, (size_t)(s - t));
			bol = false;
		} else if (name_char(*s)) {
			while (s < end && name_char(*s))
				s++;
			bol = false;
		} else {
			s++;
			bol = false;
		}
	}
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
		add_error(ld, s, "strict_perms", "the file is owned by uid %u, "
			  "not root: refused for a process running as root",
			  (unsigned int)st->st_uid);
	else if (st->st_mode & (S_IWGRP | S_IWOTH))
		add_error(ld, s, "strict_perms", "the file is writable by %s "
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

	add_error_at(ld, config_error_file(cfg), config_error_line(cfg), "%s",
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
	config_t cfg;
	bool ok = false;

	ld->dir = dir;
	check_text(ld, text, len, ld->name, dir, 0);
	config_init(&cfg);
	if (dir)
		config_set_include_dir(&cfg, dir);
	if (!ld->unsafe) {
		ok = config_read_string(&cfg, text) == CONFIG_TRUE;
		if (!ok)
			parse_error(ld, &cfg);
	}
	if (!ok)
		scan_on_error(text, ld->p);
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
	fd = open_regular(path, &st);
	if (fd < 0) {
		add_error(&ld, NULL, NULL, errno == EINVAL ?
			  "not a regular file" : "cannot read: %s",
			  strerror(errno));
		return -1;
	}
	text = read_all(fd, CONFIG_MAX_BYTES, &len);
	if (!text) {
		add_error(&ld, NULL, NULL, "cannot read: %s", strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
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
