// SPDX-License-Identifier: MIT
/*
 * cli — the sockshim command: the command word, the usage text, and the
 * hand-off to one subcommand (see cli.h for the rooms).
 */
#include "build-config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "report.h"

const char cli_name[] = "sockshim";

void cli_usage(FILE *f)
{
	fprintf(f,
		"Usage: sockshim run [-c CONFIG] [-o LOG] [--audit|--trace] [--via auto|preload|seccomp]\n"
		"                    [--] PROGRAM [ARGS...]\n"
		"       sockshim check [--explain FACTS] [CONFIG]\n"
		"       sockshim options [--level LEVEL] [PATTERN]\n"
		"       sockshim report [--json] [--by program|host] [--host GLOB]\n"
		"                       [--program GLOB] [--option GLOB] LOG... | -\n"
		"       sockshim service UNIT [-c CONFIG] [--audit] [--print] | --remove\n"
		"       sockshim host enable [-c CONFIG] | disable | status\n"
		"       sockshim --help | --version\n"
		"\n"
		"  run      run PROGRAM with libsockshim.so preloaded, or under\n"
		"           a seccomp supervisor (static and Go programs)\n"
		"  check    validate a policy (default %s/sockshim.conf)\n"
		"           and print the policy in effect\n"
		"  options  the socket options sockshim knows\n"
		"  report   summarise JSON logs (files, syslog, journal, gzip):\n"
		"           options, values, actions, sockets and failures per\n"
		"           program or host\n"
		"  service  a systemd drop-in running UNIT under the shim\n"
		"  host     every program of the host under the system policy\n"
		"           (/etc/ld.so.preload)\n"
		"\n"
		"See sockshim(1) and sockshim.conf(5).\n",
		SOCKSHIM_SYSCONFDIR);
}

int cli_usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", cli_name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'sockshim --help'.\n");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		cli_usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		cli_usage(stdout);
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
		return cli_run(argc, argv);
	if (strcmp(cmd, "check") == 0)
		return cli_check(argc, argv);
	if (strcmp(cmd, "options") == 0)
		return cli_options(argc, argv);
	if (strcmp(cmd, "host") == 0)
		return cli_host(argc, argv);
	if (strcmp(cmd, "service") == 0)
		return cli_service(argc, argv);
	if (strcmp(cmd, "report") == 0)
		return report_main(argc, argv);
	return cli_usage_error("unknown command '%s'", cmd);
}
