// SPDX-License-Identifier: MIT
/* config_values — one libconfig setting to one typed, range-checked value. */
#include "build-config.h"

#include <errno.h>
#include "cfglib.h"
#include <stdio.h>
#include <string.h>

#include "config_loader.h"
#include "vocab.h"

int config_errno_value(const char *name)
{
	int v;

	return vocab_value(VOCAB_DENY_ERRNO, name, &v) ? v : 0;
}

bool cfg_enum(struct loader *ld, const config_setting_t *s,
	      const char *key, enum vocab_id id, int *out)
{
	const char *v;
	char list[160];

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		cfg_error(ld, s, key, "expected a string");
		return false;
	}
	v = config_setting_get_string(s);
	if (vocab_value(id, v, out))
		return true;
	vocab_list(id, list, sizeof(list));
	cfg_error(ld, s, key, "unknown value \"%s\" (expected %s)", v, list);
	return false;
}

bool cfg_int(struct loader *ld, const config_setting_t *s,
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
		cfg_error(ld, s, key, "expected an integer");
		return false;
	}
	if (*out < lo || *out > hi) {
		cfg_error(ld, s, key, "%lld is out of range [%lld, %lld]", *out,
			  lo, hi);
		return false;
	}
	return true;
}

/* Seconds, integer or fractional, as microseconds. */
bool cfg_seconds(struct loader *ld, const config_setting_t *s,
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
		cfg_error(ld, s, key, "expected seconds (a number)");
		return false;
	}
	if (!(v >= 0 && v <= (double)hi_s)) {	/* NaN fails both */
		cfg_error(ld, s, key, "%g seconds is out of range [0, %lld]", v,
			  hi_s);
		return false;
	}
	/* Rounded by hand: libm would cost every process half a MiB. */
	*us = (long long)(v * 1e6 + 0.5);
	return true;
}

bool cfg_bool(struct loader *ld, const config_setting_t *s,
	      const char *key, bool *out)
{
	long long v;

	if (!cfg_int(ld, s, key, 0, 1, &v))
		return false;
	*out = v;
	return true;
}

/* A set/force value for option e. */
bool cfg_value(struct loader *ld, const config_setting_t *s,
	       const char *key, const struct optcat_entry *e,
	       struct optval *v)
{
	long long n, us;

	memset(v, 0, sizeof(*v));
	v->type = e->type;
	switch (e->type) {
	case OT_BOOL:
	case OT_INT:
		if (!cfg_int(ld, s, key, e->lo, e->hi, &n))
			return false;
		v->i = (int)n;
		v->len = sizeof(int);
		return true;
	case OT_LINGER: {
		const config_setting_t *on, *secs;

		if (!(config_setting_is_array(s) || config_setting_is_list(s)) ||
		    config_setting_length(s) != 2) {
			cfg_error(ld, s, key,
				  "expected [onoff, seconds], e.g. [1, 5]");
			return false;
		}
		on = config_setting_get_elem(s, 0);
		secs = config_setting_get_elem(s, 1);
		if (!cfg_int(ld, on, key, 0, 1, &n))
			return false;
		v->l.l_onoff = (int)n;
		if (!cfg_int(ld, secs, key, e->lo, e->hi, &n))
			return false;
		v->l.l_linger = (int)n;
		v->len = sizeof(v->l);
		return true;
	}
	case OT_TIMEVAL:
		if (!cfg_seconds(ld, s, key, e->hi, &us))
			return false;
		v->tv.tv_sec = us / 1000000;
		v->tv.tv_usec = us % 1000000;
		v->len = sizeof(v->tv);
		return true;
	case OT_STRING: {
		const char *str;

		if (config_setting_type(s) != CONFIG_TYPE_STRING) {
			cfg_error(ld, s, key, "expected a string");
			return false;
		}
		str = config_setting_get_string(s);
		if ((long long)strlen(str) > e->hi || strlen(str) > OPTVAL_STR_MAX) {
			cfg_error(ld, s, key, "\"%s\" is longer than %lld bytes",
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
	cfg_error(ld, s, key, "%s takes a structure; only deny is possible",
		  e->name);
	return false;
}

/* min/max bound, in the unit the policy compares in. */
bool cfg_bound(struct loader *ld, const config_setting_t *s,
	       const char *key, const struct optcat_entry *e,
	       long long *out)
{
	switch (e->type) {
	case OT_INT:
	case OT_LINGER:
		return cfg_int(ld, s, key, e->lo, e->hi, out);
	case OT_TIMEVAL:
		return cfg_seconds(ld, s, key, e->hi, out);
	default:
		cfg_error(ld, s, key, "min/max need an integer, linger or "
				      "timeout option; %s is %s",
			  e->name, optcat_type_name(e->type));
		return false;
	}
}
