// SPDX-License-Identifier: MIT
/*
 * cli_host — `sockshim host enable|disable|status`: the whole host under
 * the shim through /etc/ld.so.preload, which the loader reads for every
 * program it starts, set-id ones included. Such processes get no
 * environment of ours: they read the system policy, so enable checks it
 * (and installs -c CONFIG there), refuses what would disturb every
 * program (records or warnings on their stderr: a log to stderr or to a
 * file other users cannot open; on_error = "abort"; a policy others may
 * write), proves the library loads and runs in a test process, then
 * rewrites /etc/ld.so.preload in one rename, keeping the other entries.
 * disable removes only the library's entry. cli_host.h says which room
 * holds what.
 */
#include "build-config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_host.h"
#include "config.h"

static int host_enable(const char *cfg_arg)
{
	char cfg[PATH_MAX], sys[PATH_MAX], lib[PATH_MAX], libabs[PATH_MAX];
	char *probe_argv[] = { (char *)cli_name, (char *)"host", (char *)"probe",
			       libabs, NULL };
	char *true_argv[] = { (char *)"/bin/true", NULL };
	struct policy p;
	struct stat st;
	bool existed, is_system;
	char *old, *new;
	int found;

	if (!realpath(cfg_arg, cfg)) {
		fprintf(stderr, "%s: %s: %s\n", cli_name, cfg_arg, strerror(errno));
		return 1;
	}
	is_system = realpath(SYSTEM_POLICY, sys) && strcmp(sys, cfg) == 0;
	if (!host_load_checked(cfg, &p))
		return 1;
	if (!host_fit(cfg, &p)) {
		policy_free(&p);
		return 1;
	}
	policy_free(&p);
	if (is_system && !host_safe_owner(cfg))
		return 1;
	if (!cli_find_library(lib, sizeof(lib)) || !realpath(lib, libabs)) {
		fprintf(stderr, "%s: cannot find " LIB_NAME " (looked for %s; "
				"set SOCKSHIM_LIB)\n", cli_name, lib);
		return 1;
	}
	if (strpbrk(libabs, ": \t\n")) {
		fprintf(stderr, "%s: %s: the loader splits %s on blanks and "
				"colons; the library's path must have none\n",
			cli_name, libabs, PRELOAD_FILE);
		return 1;
	}
	/* Before anything changes: the library loads and runs. */
	if (!host_try("/proc/self/exe", probe_argv, libabs, cfg) ||
	    !host_try(true_argv[0], true_argv, libabs, cfg)) {
		fprintf(stderr, "%s: %s left as it was\n", cli_name, PRELOAD_FILE);
		return 1;
	}
	if (!is_system && !host_install_policy(cfg))
		return 1;

	old = host_read_preload(&existed, &st);
	if (!old)
		return 1;
	new = host_edit_preload(old, libabs, &found);
	if (!new) {
		free(old);
		return 1;
	}
	if (strcmp(old, new) == 0) {
		printf("%s: already enabled: %s in %s\n", cli_name, libabs,
		       PRELOAD_FILE);
		free(old);
		free(new);
		return 0;
	}
	if (!host_write_preload(new, existed, &st)) {
		free(old);
		free(new);
		return 1;
	}
	/* Now every new process loads it: one more, with no help of ours. */
	if (!host_try(true_argv[0], true_argv, NULL, NULL)) {
		fprintf(stderr, "%s: /bin/true fails with the library in %s: "
				"putting the file back\n", cli_name, PRELOAD_FILE);
		if (existed)
			host_write_preload(old, true, &st);
		else
			unlink(PRELOAD_FILE);
		free(old);
		free(new);
		return 1;
	}
	printf("%s: enabled: %s in %s, policy %s\n", cli_name, libabs,
	       PRELOAD_FILE, SYSTEM_POLICY);
	free(old);
	free(new);
	return 0;
}

static int host_disable(void)
{
	struct stat st;
	bool existed;
	char *old = host_read_preload(&existed, &st), *new;
	int found;

	if (!old)
		return 1;
	new = host_edit_preload(old, NULL, &found);
	free(old);
	if (!new)
		return 1;
	if (!found) {
		printf("%s: not enabled (no %s in %s)\n", cli_name, LIB_NAME,
		       PRELOAD_FILE);
		free(new);
		return 0;
	}
	if (!host_write_preload(new, existed, &st)) {
		free(new);
		return 1;
	}
	printf("%s: disabled: %s%s\n", cli_name, PRELOAD_FILE,
	       host_has_entries(new) ? " keeps its other entries" : " removed");
	free(new);
	return 0;
}

static int host_status(void)
{
	struct stat st;
	bool existed;
	char *old = host_read_preload(&existed, &st), *new;
	int found;

	if (!old)
		return 1;
	new = host_edit_preload(old, NULL, &found);
	free(old);
	free(new);
	printf("%s: %s (%s), policy %s\n", cli_name,
	       found ? "enabled" : "disabled", PRELOAD_FILE, SYSTEM_POLICY);
	return found ? 0 : 3;
}

static int host_usage(FILE *f)
{
	fprintf(f,
		"Usage: sockshim host enable [-c CONFIG]\n"
		"       sockshim host disable\n"
		"       sockshim host status\n"
		"\n"
		"Every program the host starts, under the system policy %s:\n"
		"enable checks the policy (-c CONFIG is checked, then installed\n"
		"there), tries the library in a test process, then adds it to\n"
		"%s; disable takes it out again (other entries stay).\n"
		"status exits 0 when enabled, 3 when not.\n",
		SYSTEM_POLICY, PRELOAD_FILE);
	return f == stdout ? 0 : EXIT_USAGE;
}

int cli_host(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cfg = SYSTEM_POLICY, *verb;
	bool given = false;
	int c;

	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cfg = optarg;
			given = true;
			break;
		case 'h':
			return host_usage(stdout);
		default:
			return cli_usage_error("host: bad option", "");
		}
	}
	if (optind >= argc)
		return host_usage(stderr);
	verb = argv[optind++];
	if (strcmp(verb, "probe") == 0 && optind + 1 == argc && !given)
		return host_probe(argv[optind]);
	if (optind < argc)
		return cli_usage_error("host: unexpected '%s'", argv[optind]);
	if (strcmp(verb, "enable") == 0)
		return host_enable(cfg);
	if (given)
		return cli_usage_error("host %s: takes no -c", verb);
	if (strcmp(verb, "disable") == 0)
		return host_disable();
	if (strcmp(verb, "status") == 0)
		return host_status();
	return cli_usage_error("host: unknown action '%s'", verb);
}
