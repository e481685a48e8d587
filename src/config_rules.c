// SPDX-License-Identifier: MIT
/* config_rules — the rules list: names, match keys and their values. */
#include "build-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include "cfglib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_loader.h"

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
		cfg_error(ld, s, key, "expected a value or a list of values");
		return 0;
	}
	if (!n) {
		cfg_error(ld, s, key, "empty list matches nothing");
		return 0;
	}
	if (array) {
		*array = calloc(n, elem_size);
		if (!*array) {
			cfg_error(ld, s, key, "out of memory");
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

/* Match words are bits of a set: 1 << AF_INET6, 1 << SOCK_DGRAM... */
static bool word_bit(struct loader *ld, config_setting_t *s, const char *key,
		     enum vocab_id id, unsigned int *bits)
{
	int v;

	if (!cfg_enum(ld, s, key, id, &v))
		return false;
	*bits |= 1U << v;
	return true;
}

static bool family_elem(struct loader *ld, config_setting_t *s,
			const char *key, void *out, size_t i)
{
	(void)i;
	return word_bit(ld, s, key, VOCAB_FAMILY, out);
}

static bool type_elem(struct loader *ld, config_setting_t *s,
		      const char *key, void *out, size_t i)
{
	(void)i;
	return word_bit(ld, s, key, VOCAB_SOCK_TYPE, out);
}

static bool role_elem(struct loader *ld, config_setting_t *s,
		      const char *key, void *out, size_t i)
{
	(void)i;
	return word_bit(ld, s, key, VOCAB_ROLE, out);
}

static bool program_elem(struct loader *ld, config_setting_t *s,
			 const char *key, void *out, size_t i)
{
	char **progs = out;

	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    !*config_setting_get_string(s)) {
		cfg_error(ld, s, key, "expected a program name or glob, e.g. "
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
			cfg_error(ld, s, key, "\"%s\" is not a port or a "
					      "range \"lo-hi\"", v);
			return false;
		}
	} else if (!cfg_int(ld, s, key, 0, 65535, &lo)) {
		return false;
	} else {
		hi = lo;
	}
	if (lo < 0 || hi > 65535 || lo > 65535 || hi < 0) {
		cfg_error(ld, s, key, "port out of range [0, 65535]");
		return false;
	}
	if (lo > hi) {
		cfg_error(ld, s, key, "range %lld-%lld is inverted", lo, hi);
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
		cfg_error(ld, s, key, "expected an address or CIDR string, "
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
			cfg_error(ld, s, key, "bad prefix length in \"%s\"",
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
		cfg_error(ld, s, key, "\"%s\" is not an IPv4 or IPv6 address",
			  buf);
		return false;
	}
	if (prefix > max) {
		cfg_error(ld, s, key, "prefix /%ld is longer than %d bits",
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
		cfg_error(ld, s, key, "expected a group, e.g. match = { "
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
			cfg_error(ld, c, key, "unknown match key (expected "
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
		cfg_error(ld, s, prefix, "expected a group: { name = ...; "
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
				cfg_error(ld, c, key, "expected a string");
			else
				snprintf(r->name, sizeof(r->name), "%s",
					 config_setting_get_string(c));
		} else if (strcmp(k, "match") == 0) {
			load_match(ld, c, prefix, &r->m);
		} else if (strcmp(k, "options") == 0) {
			opts = c;
		} else {
			cfg_error(ld, c, key, "unknown key (expected name, "
					      "match or options)");
		}
	}
	r->program_ok = !(r->m.has & M_PROGRAM);
	if (!opts) {
		cfg_error(ld, s, prefix, "rule has no options");
		return;
	}
	snprintf(prefix + strlen(prefix), sizeof(prefix) - strlen(prefix),
		 ".options");
	cfg_options(ld, opts, prefix, &r->opts);
}

void cfg_rules(struct loader *ld, config_setting_t *s)
{
	struct policy *p = ld->p;
	size_t n;

	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		cfg_error(ld, s, "rules", "expected a list: rules = ( { ... }, "
					  "{ ... } );");
		return;
	}
	n = (size_t)config_setting_length(s);
	if (n > POLICY_MAX_RULES) {
		cfg_error(ld, s, "rules", "%zu rules; at most %d are supported",
			  n, POLICY_MAX_RULES);
		return;
	}
	p->rules = calloc(n + 1, sizeof(*p->rules));
	if (!p->rules) {
		cfg_error(ld, s, "rules", "out of memory");
		return;
	}
	p->nrules = n;
	for (size_t i = 0; i < n; i++)
		load_rule(ld, config_setting_get_elem(s, (unsigned)i), i,
			  &p->rules[i]);
}
