// SPDX-License-Identifier: MIT
/* config_options — an options group to directives, and their sanity. */
#include "build-config.h"

#include "cfglib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_loader.h"

static void load_directive_key(struct loader *ld, config_setting_t *s,
			       const char *key, const struct optcat_entry *e,
			       struct directive *d)
{
	const char *k = config_setting_name(s);
	bool b;

	if (strcmp(k, "set") == 0 || strcmp(k, "force") == 0) {
		if (cfg_value(ld, s, key, e, &d->val))
			d->has |= k[0] == 's' ? DIR_SET : DIR_FORCE;
	} else if (strcmp(k, "min") == 0) {
		if (cfg_bound(ld, s, key, e, &d->min))
			d->has |= DIR_MIN;
	} else if (strcmp(k, "max") == 0) {
		if (cfg_bound(ld, s, key, e, &d->max))
			d->has |= DIR_MAX;
	} else if (strcmp(k, "deny") == 0) {
		if (cfg_bool(ld, s, key, &b) && b)
			d->has |= DIR_DENY;
	} else if (strcmp(k, "errno") == 0) {
		if (config_setting_type(s) != CONFIG_TYPE_STRING)
			cfg_error(ld, s, key, "expected an errno name, e.g. "
					      "\"ENOPROTOOPT\"");
		else if (!(d->deny_errno = config_errno_value(
				   config_setting_get_string(s))))
			cfg_error(ld, s, key, "unknown errno name \"%s\"",
				  config_setting_get_string(s));
	} else if (strcmp(k, "abortive") == 0) {
		int a;

		if (e->type != OT_LINGER) {
			cfg_error(ld, s, key, "abortive applies to SO_LINGER only");
			return;
		}
		if (cfg_enum(ld, s, key, VOCAB_ABORTIVE, &a)) {
			d->abortive = (enum abortive)a;
			d->has |= DIR_ABORTIVE;
		}
	} else {
		cfg_error(ld, s, key, "unknown directive (expected set, force, "
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
		cfg_error(ld, s, key, "%s is read-only: nothing to set or deny",
			  e->name);
	else if ((h & DIR_SET) && (h & DIR_FORCE))
		cfg_error(ld, s, key, "set and force exclude each other");
	else if ((h & DIR_DENY) && (h & (DIR_FORCE | DIR_MIN | DIR_MAX)))
		cfg_error(ld, s, key, "deny excludes force, min and max");
	else if ((h & DIR_FORCE) && (h & (DIR_MIN | DIR_MAX)))
		cfg_error(ld, s, key, "force excludes min and max");
	else if ((h & DIR_MIN) && (h & DIR_MAX) && d->min > d->max)
		cfg_error(ld, s, key, "min (%lld) is greater than max (%lld)",
			  d->min, d->max);
	else if (d->deny_errno && !(h & DIR_DENY) &&
		 !((h & DIR_ABORTIVE) && d->abortive == AB_DENY))
		cfg_error(ld, s, key, "errno needs deny = true or "
				      "abortive = \"deny\"");
}

static bool named_twice(struct loader *ld, config_setting_t *s,
			const char *key, const struct optset *set, int idx)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->d[i].opt == idx) {
			cfg_error(ld, s, key, "named twice (also line %d)",
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
		cfg_error(ld, s, key, "unknown socket option (see `sockshim "
				      "options`)");
		return;
	}
	e = &optcat_table[idx];
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		cfg_error(ld, s, key, "expected a group, e.g. %s = { force = "
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

void cfg_options(struct loader *ld, config_setting_t *s,
		 const char *prefix, struct optset *set)
{
	int n;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		cfg_error(ld, s, prefix, "expected a group of options");
		return;
	}
	n = config_setting_length(s);
	/* A name may stand for an option at two levels: two directives. */
	set->d = calloc(2 * (size_t)n + 1, sizeof(*set->d));
	if (!set->d) {
		cfg_error(ld, s, prefix, "out of memory");
		return;
	}
	for (int i = 0; i < n; i++)
		load_option(ld, config_setting_get_elem(s, (unsigned)i), prefix,
			    set);
}
