// SPDX-License-Identifier: MIT
/*
 * cli_options — `sockshim options`: the option catalogue as a table,
 * filtered by level and name, or as roff for sockshim.conf(5).
 */
#include "build-config.h"

#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "cli.h"
#include "optcat.h"

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

int cli_options(int argc, char **argv)
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
				return cli_usage_error(
					"options: unknown level '%s' "
					"(socket, ip, ipv6, tcp)", optarg);
			break;
		case 'h':
			cli_usage(stdout);
			return 0;
		default:
			return cli_usage_error("options: bad option", "");
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
		fprintf(stderr, "%s: no option matches '%s'\n", cli_name,
			pattern ? pattern : "");
		return 1;
	}
	return 0;
}
