// SPDX-License-Identifier: MIT
/*
 * cli_check — `sockshim check`: load a policy and report its errors, or
 * print the policy in effect, or explain which rules and directives a
 * socket with given facts would meet.
 */
#include "build-config.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "supervise.h"
#include "config.h"
#include "optcat.h"
#include "policy.h"
#include "vocab.h"

static void print_value(const struct optval *v)
{
	switch (v->type) {
	case OT_BOOL:
		printf("%s", v->i ? "true" : "false");
		break;
	case OT_INT:
		printf("%d", v->i);
		break;
	case OT_LINGER:
		printf("[%d, %d]", v->l.l_onoff, v->l.l_linger);
		break;
	case OT_TIMEVAL:
		printf("%g", (double)v->tv.tv_sec + v->tv.tv_usec / 1e6);
		break;
	case OT_STRING:
		printf("\"%s\"", v->s);
		break;
	case OT_OPAQUE:
		printf("?");
		break;
	}
}

static void print_bound(const char *k, const struct directive *d, long long b)
{
	if (optcat_table[d->opt].type == OT_TIMEVAL)
		printf(" %s = %g;", k, (double)b / 1e6);
	else
		printf(" %s = %lld;", k, b);
}

static void print_directive(const struct directive *d, const char *indent)
{
	const struct optcat_entry *e = &optcat_table[d->opt];

	printf("%s%s = {", indent, e->name);
	if (d->has & (DIR_SET | DIR_FORCE)) {
		printf(" %s = ", d->has & DIR_SET ? "set" : "force");
		print_value(&d->val);
		printf(";");
	}
	if (d->has & DIR_MIN)
		print_bound("min", d, d->min);
	if (d->has & DIR_MAX)
		print_bound("max", d, d->max);
	if (d->has & DIR_DENY)
		printf(" deny = true;");
	if (d->has & DIR_ABORTIVE)
		printf(" abortive = \"%s\";",
		       vocab_name(VOCAB_ABORTIVE, (int)d->abortive));
	if (d->deny_errno)
		printf(" errno = \"%s\";",
		       vocab_name(VOCAB_DENY_ERRNO, d->deny_errno));
	printf(" };   # %s, fits %s sockets\n", e->level_name,
	       optcat_scope_name(e->scope));
}

static void print_words(const char *key, unsigned int bits, enum vocab_id id)
{
	const struct vocab *v = &vocab_table[id];
	const char *sep = "";

	printf(" %s = (", key);
	for (int i = 0; i < v->n; i++)
		if (bits & (1U << v->words[i].value)) {
			printf("%s\"%s\"", sep, v->words[i].text);
			sep = ", ";
		}
	printf(");");
}

static void print_ports(const char *key, const struct port_range *pr,
			size_t n)
{
	printf(" %s = (", key);
	for (size_t i = 0; i < n; i++) {
		if (pr[i].lo == pr[i].hi)
			printf("%s%u", i ? ", " : "", pr[i].lo);
		else
			printf("%s\"%u-%u\"", i ? ", " : "", pr[i].lo, pr[i].hi);
	}
	printf(");");
}

static void print_cidrs(const char *key, const struct cidr *c, size_t n)
{
	char buf[INET6_ADDRSTRLEN];

	printf(" %s = (", key);
	for (size_t i = 0; i < n; i++) {
		bool v4 = IN6_IS_ADDR_V4MAPPED(&c[i].addr) && c[i].prefix >= 96;

		if (v4)
			inet_ntop(AF_INET, &c[i].addr.s6_addr[12], buf, sizeof(buf));
		else
			inet_ntop(AF_INET6, &c[i].addr, buf, sizeof(buf));
		printf("%s\"%s/%u\"", i ? ", " : "", buf,
		       c[i].prefix - (v4 ? 96 : 0));
	}
	printf(");");
}

static void print_match(const struct match *m)
{
	printf("    match = {");
	if (m->has & M_PROGRAM) {
		printf(" program = (");
		for (size_t i = 0; i < m->nprograms; i++)
			printf("%s\"%s\"", i ? ", " : "", m->programs[i]);
		printf(");");
	}
	if (m->has & M_FAMILY)
		print_words("family", m->families, VOCAB_FAMILY);
	if (m->has & M_TYPE)
		print_words("type", m->types, VOCAB_SOCK_TYPE);
	if (m->has & M_ROLE)
		print_words("role", m->roles, VOCAB_ROLE);
	if (m->has & M_LOCAL_PORT)
		print_ports("local_port", m->lports, m->nlports);
	if (m->has & M_REMOTE_PORT)
		print_ports("remote_port", m->rports, m->nrports);
	if (m->has & M_LOCAL_ADDR)
		print_cidrs("local_addr", m->laddrs, m->nladdrs);
	if (m->has & M_REMOTE_ADDR)
		print_cidrs("remote_addr", m->raddrs, m->nraddrs);
	printf(" };\n");
}

static void print_policy(const struct policy *p)
{
	printf("# effective policy from %s\n", p->source);
	printf("mode = \"%s\";\n", policy_mode_name(p->mode));
	printf("on_error = \"%s\";\n",
	       vocab_name(VOCAB_ON_ERROR, (int)p->on_error));
	printf("log = { path = \"%s\"; format = \"%s\"; calls = \"%s\"; };\n",
	       p->log.path, vocab_name(VOCAB_LOG_FORMAT, (int)p->log.format),
	       vocab_name(VOCAB_LOG_CALLS, (int)p->log.calls));
	printf("options = {\n");
	for (size_t i = 0; i < p->site.n; i++)
		print_directive(&p->site.d[i], "  ");
	printf("};\n");
	if (!p->nrules)
		return;
	printf("rules = (\n");
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];

		printf("  { name = \"%s\";   # line %d\n", r->name, r->line);
		print_match(&r->m);
		printf("    options = {\n");
		for (size_t j = 0; j < r->opts.n; j++)
			print_directive(&r->opts.d[j], "      ");
		printf("    }; }%s\n", i + 1 < p->nrules ? "," : "");
	}
	printf(");\n");
	/* Static and Go programs are governed by the supervisor, which
	 * sees fewer facts than the preload: say which rules it cannot
	 * carry out as written. */
	supervise_unreachable_rules(p, stdout,
				    "# with sockshim run --via seccomp: ");
}

/* ---- check --explain "program=nginx role=listener local_port=80" ---- */

static bool parse_addr(const char *v, struct in6_addr *a)
{
	struct in_addr a4;

	if (inet_pton(AF_INET, v, &a4) == 1) {
		memset(a, 0, sizeof(*a));
		a->s6_addr[10] = a->s6_addr[11] = 0xff;
		memcpy(&a->s6_addr[12], &a4, 4);
		return true;
	}
	return inet_pton(AF_INET6, v, a) == 1;
}

static bool parse_port(const char *v, uint16_t *port)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*end || end == v || n < 0 || n > 65535)
		return false;
	*port = (uint16_t)n;
	return true;
}

/* One "key=value" fact; false (with a message) when it makes no sense. */
static bool parse_fact(char *kv, struct sockinfo *si, const char **prog)
{
	char *v = strchr(kv, '=');
	int w;

	if (!v)
		goto bad;
	*v++ = '\0';
	if (strcmp(kv, "program") == 0) {
		*prog = v;
	} else if (strcmp(kv, "family") == 0) {
		if (!vocab_value(VOCAB_FAMILY, v, &w))
			goto bad;
		si->family = (uint16_t)w;
	} else if (strcmp(kv, "type") == 0) {
		if (!vocab_value(VOCAB_SOCK_TYPE, v, &w))
			goto bad;
		si->type = (uint16_t)w;
	} else if (strcmp(kv, "role") == 0) {
		if (!vocab_value(VOCAB_ROLE, v, &w))
			goto bad;
		si->role = (uint8_t)w;
	} else if (strcmp(kv, "local_port") == 0) {
		if (!parse_port(v, &si->local_port))
			goto bad;
		si->has_local = 1;
	} else if (strcmp(kv, "remote_port") == 0) {
		if (!parse_port(v, &si->remote_port))
			goto bad;
		si->has_remote = 1;
	} else if (strcmp(kv, "local_addr") == 0) {
		if (!parse_addr(v, &si->local_addr))
			goto bad;
		si->has_local = 1;
	} else if (strcmp(kv, "remote_addr") == 0) {
		if (!parse_addr(v, &si->remote_addr))
			goto bad;
		si->has_remote = 1;
	} else {
		goto bad;
	}
	return true;
bad:
	fprintf(stderr, "%s: --explain: cannot use '%s%s%s' (keys: program, "
			"family, type, role, local_port, remote_port, "
			"local_addr, remote_addr)\n",
		cli_name, kv, v ? "=" : "", v ? v : "");
	return false;
}

static const char *match_word(enum match_result m)
{
	return m == MATCH_YES ? "matches" :
	       m == MATCH_NO  ? "does not match" :
				"undecided (a fact it names is not given)";
}

static int explain(struct policy *p, const char *facts)
{
	struct sockinfo si = { .family = AF_INET, .type = SOCK_STREAM };
	char *copy = strdup(facts), *save = NULL;
	const char *prog = "";
	int shown = 0;

	if (!copy)
		return 1;
	for (char *kv = strtok_r(copy, " \t,", &save); kv;
	     kv = strtok_r(NULL, " \t,", &save))
		if (!parse_fact(kv, &si, &prog)) {
			free(copy);
			return EXIT_USAGE;
		}
	policy_set_program(p, prog);
	printf("socket: %s\n", facts);
	for (size_t i = 0; i < p->nrules; i++)
		printf("  rule %zu \"%s\" (line %d): %s\n", i + 1,
		       p->rules[i].name, p->rules[i].line,
		       match_word(policy_match(&p->rules[i], &si)));
	printf("in effect:\n");
	for (size_t i = 0; i < optcat_count; i++) {
		const struct directive *d = policy_lookup(p, &si, (int)i);

		if (!d)
			continue;
		print_directive(d, "  ");
		if (d->rule)
			printf("      from rule \"%s\"\n", d->rule);
		else
			printf("      from the site-wide options\n");
		shown++;
	}
	if (!shown)
		printf("  nothing: the program's calls go to the kernel as they are\n");
	free(copy);
	return 0;
}

int cli_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "explain", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = SOCKSHIM_SYSCONFDIR "/sockshim.conf";
	const char *facts = NULL;
	int rc = 0;
	struct config_errors errs;
	struct policy p;
	bool quiet = false;
	int c;

	while ((c = getopt_long(argc, argv, "+qe:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case 'e':
			facts = optarg;
			break;
		case 'h':
			cli_usage(stdout);
			return 0;
		default:
			return cli_usage_error("check: bad option", "");
		}
	}
	if (optind < argc)
		path = argv[optind++];
	if (optind < argc)
		return cli_usage_error("check: one file at a time, not '%s'",
				       argv[optind]);
	if (config_load(path, &p, &errs) != 0) {
		char line[768];

		for (int i = 0; i < errs.n && i < CONFIG_MAX_ERRORS; i++) {
			config_error_format(&errs.e[i], line, sizeof(line));
			fprintf(stderr, "%s\n", line);
		}
		fprintf(stderr, "%s: %s: %d error%s\n", cli_name, path, errs.n,
			errs.n == 1 ? "" : "s");
		return 1;
	}
	if (facts)
		rc = explain(&p, facts);
	else if (!quiet)
		print_policy(&p);
	policy_free(&p);
	return rc;
}
