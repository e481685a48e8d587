// SPDX-License-Identifier: MIT
/*
 * cli — the sockshim command: run a program under the shim, check a
 * policy, list the option catalogue.
 */
#include "build-config.h"

#include <arpa/inet.h>
#include <elf.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "config.h"
#include "optcat.h"
#include "policy.h"
#include "report.h"

#ifndef SOCKSHIM_PKGLIBDIR
#define SOCKSHIM_PKGLIBDIR "/usr/local/lib/sockshim"
#endif
#ifndef SOCKSHIM_SYSCONFDIR
#define SOCKSHIM_SYSCONFDIR "/etc"
#endif

#define EXIT_USAGE 2

static const char *progname = "sockshim";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sockshim run [-c CONFIG] [-o LOG] [--audit|--trace] [--] PROGRAM [ARGS...]\n"
		"       sockshim check [--explain FACTS] [CONFIG]\n"
		"       sockshim options [--level LEVEL] [PATTERN]\n"
		"       sockshim report [--json] LOG... | -\n"
		"       sockshim --help | --version\n"
		"\n"
		"  run      run PROGRAM with libsockshim.so preloaded\n"
		"  check    validate a policy (default %s/sockshim.conf)\n"
		"           and print the policy in effect\n"
		"  options  the socket options sockshim knows\n"
		"  report   summarise JSON logs: options, values, actions,\n"
		"           sockets and failures per program\n"
		"\n"
		"See sockshim(1) and sockshim.conf(5).\n",
		SOCKSHIM_SYSCONFDIR);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", progname);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'sockshim --help'.\n");
	return EXIT_USAGE;
}

/* ----------------------------------------------------------------- run */

/* The library next to us in a build tree, else the installed one. */
static bool find_library(char *out, size_t len)
{
	const char *env = getenv("SOCKSHIM_LIB");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(out, len, "%s", env);
		return access(out, R_OK) == 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash && (size_t)(slash - self) + 22 < len) {
			*slash = '\0';
			snprintf(out, len, "%.*s/.libs/libsockshim.so",
				 (int)(len - 22), self);
			if (access(out, R_OK) == 0)
				return true;
		}
	}
	snprintf(out, len, "%s/libsockshim.so", SOCKSHIM_PKGLIBDIR);
	return access(out, R_OK) == 0;
}

/* Resolve PROGRAM the way execvp will. */
static bool find_program(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");

	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return access(out, F_OK) == 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");

		snprintf(out, len, "%.*s/%s", (int)n, n ? p : ".", name);
		if (access(out, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

/* What the ELF file says about how it makes system calls. */
struct elf_facts {
	bool elf, interp, go;
};

static bool read_at(FILE *f, long off, void *buf, size_t len)
{
	return fseek(f, off, SEEK_SET) == 0 && fread(buf, 1, len, f) == len;
}

static void go_sections(FILE *f, const Elf64_Ehdr *eh, struct elf_facts *ef)
{
	Elf64_Shdr strsh, sh;
	char name[32];

	if (eh->e_shstrndx == SHN_UNDEF || eh->e_shentsize != sizeof(sh) ||
	    !read_at(f, (long)(eh->e_shoff + eh->e_shstrndx * sizeof(sh)),
		     &strsh, sizeof(strsh)))
		return;
	for (int i = 0; i < eh->e_shnum && i < 4096; i++) {
		if (!read_at(f, (long)(eh->e_shoff + (Elf64_Off)i * sizeof(sh)),
			     &sh, sizeof(sh)) ||
		    !read_at(f, (long)(strsh.sh_offset + sh.sh_name), name,
			     sizeof(name)))
			continue;
		name[sizeof(name) - 1] = '\0';
		if (strcmp(name, ".go.buildinfo") == 0 ||
		    strcmp(name, ".note.go.buildid") == 0 ||
		    strcmp(name, ".gopclntab") == 0)
			ef->go = true;
	}
}

static struct elf_facts inspect_elf(const char *path)
{
	struct elf_facts ef = { 0 };
	FILE *f = fopen(path, "rbe");
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (!f)
		return ef;
	if (!read_at(f, 0, &eh, sizeof(eh)) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64) {
		fclose(f);
		return ef;
	}
	ef.elf = true;
	for (int i = 0; i < eh.e_phnum && i < 256; i++)
		if (read_at(f, (long)(eh.e_phoff + (Elf64_Off)i * sizeof(ph)),
			    &ph, sizeof(ph)) && ph.p_type == PT_INTERP)
			ef.interp = true;
	go_sections(f, &eh, &ef);
	fclose(f);
	return ef;
}

/* A script's interpreter: "#!/usr/bin/env python3" gives python3's path. */
static bool script_interpreter(const char *path, char *out, size_t len)
{
	char line[256], *p, *arg;
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	if (!p || strncmp(line, "#!", 2) != 0)
		return false;
	p = line + 2 + strspn(line + 2, " \t");
	p[strcspn(p, " \t\n")] = '\0';
	arg = p + strlen(p) + 1;
	if (strcmp(p, "/usr/bin/env") == 0 && arg < line + sizeof(line)) {
		arg += strspn(arg, " \t");
		arg[strcspn(arg, " \t\n")] = '\0';
		return *arg && find_program(arg, out, len);
	}
	snprintf(out, len, "%s", p);
	return true;
}

/* Warn, never refuse: the user may know better (a wrapper script...). */
static void warn_unreachable(const char *name)
{
	char path[PATH_MAX], interp[PATH_MAX];
	struct elf_facts ef;
	struct stat st;

	if (!find_program(name, path, sizeof(path)))
		return;
	if (stat(path, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)))
		fprintf(stderr, "%s: warning: %s is set%cid: the dynamic loader "
				"ignores LD_PRELOAD for it, so sockshim will not "
				"run in it\n",
			progname, path, st.st_mode & S_ISUID ? 'u' : 'g');
	if (getxattr(path, "security.capability", NULL, 0) > 0)
		fprintf(stderr, "%s: warning: %s has file capabilities: the "
				"dynamic loader ignores LD_PRELOAD for it\n",
			progname, path);
	if (script_interpreter(path, interp, sizeof(interp)))
		snprintf(path, sizeof(path), "%s", interp);
	ef = inspect_elf(path);
	if (!ef.elf)
		return;
	if (ef.go)
		fprintf(stderr, "%s: warning: %s is a Go program: it makes system "
				"calls directly, so sockshim sees none of its "
				"socket calls\n",
			progname, path);
	else if (!ef.interp)
		fprintf(stderr, "%s: warning: %s is statically linked: it makes "
				"system calls directly, so sockshim sees none of "
				"its socket calls\n",
			progname, path);
}

static int set_preload(const char *lib)
{
	const char *old = getenv("LD_PRELOAD");
	char *val;
	int rc;

	if (old && *old) {
		size_t n = strlen(lib) + strlen(old) + 2;

		val = malloc(n);
		if (!val)
			return -1;
		snprintf(val, n, "%s:%s", lib, old);
	} else {
		val = strdup(lib);
		if (!val)
			return -1;
	}
	rc = setenv("LD_PRELOAD", val, 1);
	free(val);
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "log", required_argument, NULL, 'o' },
		{ "audit", no_argument, NULL, 'A' },
		{ "trace", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char lib[PATH_MAX], cfg[PATH_MAX];
	int c;

	while ((c = getopt_long(argc, argv, "+c:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (!realpath(optarg, cfg)) {
				fprintf(stderr, "%s: %s: %s\n", progname, optarg,
					strerror(errno));
				return EXIT_USAGE;
			}
			setenv("SOCKSHIM_CONFIG", cfg, 1);
			break;
		case 'o':
			setenv("SOCKSHIM_LOG", optarg, 1);
			break;
		case 'A':
			setenv("SOCKSHIM_MODE", "audit", 1);
			break;
		case 'T':
			setenv("SOCKSHIM_MODE", "trace", 1);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return usage_error("run: bad option", "");
		}
	}
	if (optind >= argc)
		return usage_error("run: no program given%s", "");
	if (!find_library(lib, sizeof(lib))) {
		fprintf(stderr, "%s: cannot find libsockshim.so (looked for %s; "
				"set SOCKSHIM_LIB)\n",
			progname, lib);
		return 1;
	}
	warn_unreachable(argv[optind]);
	if (set_preload(lib) != 0) {
		fprintf(stderr, "%s: %s\n", progname, strerror(errno));
		return 1;
	}
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "%s: %s: %s\n", progname, argv[optind], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

/* --------------------------------------------------------------- check */

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
	static const char *const ab[] = { "allow", "graceful", "deny" };
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
		printf(" abortive = \"%s\";", ab[d->abortive]);
	if (d->deny_errno)
		printf(" errno = \"%s\";", strerrorname_np(d->deny_errno));
	printf(" };   # %s, fits %s sockets\n", e->level_name,
	       optcat_scope_name(e->scope));
}

static void print_words(const char *key, unsigned int bits,
			const struct word_list *w)
{
	const char *sep = "";

	printf(" %s = (", key);
	for (int i = 0; i < w->n; i++)
		if (bits & (1U << w->values[i])) {
			printf("%s\"%s\"", sep, w->names[i]);
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
		print_words("family", m->families, &policy_families);
	if (m->has & M_TYPE)
		print_words("type", m->types, &policy_types);
	if (m->has & M_ROLE)
		print_words("role", m->roles, &policy_roles);
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
	static const char *const fmt[] = { "text", "json" };
	static const char *const calls[] = { "all", "policy" };

	printf("# effective policy from %s\n", p->source);
	printf("mode = \"%s\";\n", policy_mode_name(p->mode));
	printf("on_error = \"%s\";\n",
	       p->on_error == ONERR_ABORT ? "abort" : "passthrough");
	printf("log = { path = \"%s\"; format = \"%s\"; calls = \"%s\"; };\n",
	       p->log.path, fmt[p->log.format], calls[p->log.calls]);
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

static int word_value(const char *v, const struct word_list *w)
{
	for (int i = 0; i < w->n; i++)
		if (strcmp(v, w->names[i]) == 0)
			return w->values[i];
	return -1;
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
		if ((w = word_value(v, &policy_families)) < 0)
			goto bad;
		si->family = (uint16_t)w;
	} else if (strcmp(kv, "type") == 0) {
		if ((w = word_value(v, &policy_types)) < 0)
			goto bad;
		si->type = (uint16_t)w;
	} else if (strcmp(kv, "role") == 0) {
		if ((w = word_value(v, &policy_roles)) < 0)
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
		progname, kv, v ? "=" : "", v ? v : "");
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

static int cmd_check(int argc, char **argv)
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
			usage(stdout);
			return 0;
		default:
			return usage_error("check: bad option", "");
		}
	}
	if (optind < argc)
		path = argv[optind++];
	if (optind < argc)
		return usage_error("check: one file at a time, not '%s'",
				   argv[optind]);
	if (config_load(path, &p, &errs) != 0) {
		char line[768];

		for (int i = 0; i < errs.n && i < CONFIG_MAX_ERRORS; i++) {
			config_error_format(&errs.e[i], line, sizeof(line));
			fprintf(stderr, "%s\n", line);
		}
		fprintf(stderr, "%s: %s: %d error%s\n", progname, path, errs.n,
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

/* ------------------------------------------------------------- options */

static int level_filter(const char *arg)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = {
		{ "socket", SOL_SOCKET },   { "sol_socket", SOL_SOCKET },
		{ "ip", IPPROTO_IP },	    { "ipproto_ip", IPPROTO_IP },
		{ "ipv6", IPPROTO_IPV6 },   { "ipproto_ipv6", IPPROTO_IPV6 },
		{ "tcp", IPPROTO_TCP },	    { "ipproto_tcp", IPPROTO_TCP },
	};
	for (size_t i = 0; i < sizeof(levels) / sizeof(*levels); i++)
		if (strcasecmp(arg, levels[i].name) == 0)
			return levels[i].level;
	return -1;
}

static bool name_matches(const char *pattern, const char *name)
{
	if (!pattern)
		return true;
	if (strpbrk(pattern, "*?["))
		return fnmatch(pattern, name, FNM_CASEFOLD) == 0;
	return strcasestr(name, pattern) != NULL;
}

/* The values a policy may name, in a few characters. */
static const char *range_text(const struct optcat_entry *e)
{
	static char buf[32];

	switch (e->type) {
	case OT_BOOL:
		return "0|1";
	case OT_INT:
		if (e->hi >= INT_MAX)
			snprintf(buf, sizeof(buf), "%lld..", e->lo);
		else
			snprintf(buf, sizeof(buf), "%lld..%lld", e->lo, e->hi);
		return buf;
	case OT_LINGER:
		return "[0|1,s]";
	case OT_TIMEVAL:
		return "seconds";
	case OT_STRING:
		snprintf(buf, sizeof(buf), "<=%lld ch", e->hi);
		return buf;
	default:
		return "-";
	}
}

/* The catalogue as man page source, for sockshim.conf(5) at build time. */
static void print_roff(void)
{
	int level = -1;

	for (size_t i = 0; i < optcat_count; i++) {
		const struct optcat_entry *e = &optcat_table[i];

		if (e->level != level) {
			level = e->level;
			printf(".SS %s\n", e->level_name);
		}
		printf(".TP\n.B %s\n", e->name);
		printf("%s; %s; fits %s sockets; ", optcat_type_name(e->type),
		       optcat_access_name(e->access),
		       optcat_scope_name(e->scope));
		if (e->access == OA_GET)
			printf("read-only: no directive applies.\n");
		else if (e->type == OT_OPAQUE)
			printf("a structure: only deny applies.\n");
		else
			printf("policy values %s.\n", range_text(e));
		/* A leading dot or quote would be read as a request. */
		printf("%s%s.\n", e->desc[0] == '.' || e->desc[0] == '\'' ?
					  "\\&" : "", e->desc);
	}
}

static int cmd_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "level", required_argument, NULL, 'l' },
		{ "roff", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pattern = NULL;
	int level = -1, c, shown = 0;

	while ((c = getopt_long(argc, argv, "+l:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'R':
			print_roff();
			return 0;
		case 'l':
			level = level_filter(optarg);
			if (level < 0)
				return usage_error("options: unknown level '%s' "
						   "(socket, ip, ipv6, tcp)",
						   optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return usage_error("options: bad option", "");
		}
	}
	if (optind < argc)
		pattern = argv[optind];
	printf("%-12s %-26s %-7s %-7s %-11s %-9s %s\n", "LEVEL", "NAME",
	       "TYPE", "ACCESS", "FITS", "VALUES", "DESCRIPTION");
	for (size_t i = 0; i < optcat_count; i++) {
		const struct optcat_entry *e = &optcat_table[i];

		if ((level >= 0 && e->level != level) ||
		    !name_matches(pattern, e->name))
			continue;
		printf("%-12s %-26s %-7s %-7s %-11s ", e->level_name, e->name,
		       optcat_type_name(e->type), optcat_access_name(e->access),
		       optcat_scope_name(e->scope));
		printf("%-9s %s\n", range_text(e), e->desc);
		shown++;
	}
	if (!shown) {
		fprintf(stderr, "%s: no option matches '%s'\n", progname,
			pattern ? pattern : "");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("sockshim %s\n", PACKAGE_VERSION);
		return 0;
	}
	argc--;
	argv++;
	optind = 1;
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc, argv);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc, argv);
	if (strcmp(cmd, "options") == 0)
		return cmd_options(argc, argv);
	if (strcmp(cmd, "report") == 0)
		return report_main(argc, argv);
	return usage_error("unknown command '%s'", cmd);
}
