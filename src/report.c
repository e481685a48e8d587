// SPDX-License-Identifier: MIT
/*
 * report — the `sockshim report` command: its options, the logs read
 * (report_input.c) into the report (report_tally.c) and printed
 * (report_text.c, report_json.c).
 */
#include "build-config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define EXIT_USAGE 2

static void report_usage(FILE *f)
{
	fputs("Usage: sockshim report [--json] [--by program|host] [--host GLOB]\n"
	      "                       [--program GLOB] [--option GLOB] LOG... | -\n"
	      "\n"
	      "Summarise JSON call logs (- reads standard input): per\n"
	      "program or host, the options set and read with their values and\n"
	      "the policy's actions, sockets by family, type and role, failed\n"
	      "calls and records the log lost. A log may be plain or gzip, and\n"
	      "its lines plain JSON records, records after a syslog header\n"
	      "(RFC 3164, RFC 3339 or RFC 5424 time, as rsyslog writes them),\n"
	      "or `journalctl -o json` entries, in any mix.\n"
	      "\n"
	      "      --json            one JSON document instead of tables\n"
	      "      --by host         a section per host instead of per program\n"
	      "      --host GLOB       count only records from matching hosts\n"
	      "      --program GLOB    count only matching programs' records\n"
	      "      --option GLOB     count only set/getsockopt of these options\n"
	      "                        (each may be given more than once)\n"
	      "  -h, --help            this text\n", f);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("sockshim report: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'sockshim report --help'.\n", stderr);
	return EXIT_USAGE;
}

static int parse_by(struct report *rep, const char *arg)
{
	if (strcmp(arg, "program") == 0)
		report_set_by(rep, REPORT_BY_PROGRAM);
	else if (strcmp(arg, "host") == 0)
		report_set_by(rep, REPORT_BY_HOST);
	else
		return -1;
	return 0;
}

/* 0: go on; else the exit status. */
static int parse_args(struct report *rep, int argc, char **argv, bool *json)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "by", required_argument, NULL, 'b' },
		{ "host", required_argument, NULL, 'H' },
		{ "program", required_argument, NULL, 'P' },
		{ "option", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r = 0;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = true;
			break;
		case 'b':
			if (parse_by(rep, optarg))
				return usage_error("--by: '%s' is not program "
						   "or host", optarg);
			break;
		case 'H':
			r = report_add_filter(rep, REPORT_HOST, optarg);
			break;
		case 'P':
			r = report_add_filter(rep, REPORT_PROGRAM, optarg);
			break;
		case 'O':
			r = report_add_filter(rep, REPORT_OPTION, optarg);
			break;
		case 'h':
			report_usage(stdout);
			return -1;
		default:
			fputs("Try 'sockshim report --help'.\n", stderr);
			return EXIT_USAGE;
		}
		if (r) {
			fputs("sockshim report: out of memory\n", stderr);
			return 1;
		}
	}
	if (optind >= argc)
		return usage_error("%s", "no log given (- reads standard "
				   "input)");
	return 0;
}

int report_main(int argc, char **argv)
{
	struct report *rep = report_new();
	bool json = false;
	int status;

	if (!rep) {
		fputs("sockshim report: out of memory\n", stderr);
		return 1;
	}
	status = parse_args(rep, argc, argv, &json);
	if (status) {
		report_free(rep);
		return status < 0 ? 0 : status;
	}
	for (int i = optind; i < argc; i++)
		if (report_read(rep, argv[i], stderr))
			status = 1;
	if (json)
		report_print_json(rep, stdout);
	else
		report_print_text(rep, stdout);
	report_free(rep);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "sockshim report: writing: %s\n",
			strerror(errno));
		status = 1;
	}
	return status;
}
