// SPDX-License-Identifier: MIT
/*
 * report — the `sockshim report` command: its options, and the logs read
 * line by line into the report (report_tally.c) and printed
 * (report_out.c).
 */
#include "build-config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define EXIT_USAGE 2

/* ---- the command ---- */

static void report_usage(FILE *f)
{
	fputs("Usage: sockshim report [--json] LOG... | -\n"
	      "\n"
	      "Summarise JSON call logs (- reads standard input): per\n"
	      "program, the options set and read with their values and the\n"
	      "policy's actions, sockets by family, type and role, and\n"
	      "failed calls.\n"
	      "\n"
	      "      --json  one JSON document instead of tables\n"
	      "  -h, --help  this text\n", f);
}

/* Lines that are not records are only counted: say where the first is. */
static int read_log(struct report *rep, FILE *in, const char *name)
{
	unsigned long lineno = 0, skipped = 0, first = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;

	setvbuf(in, NULL, _IOFBF, 1 << 20);
	report_begin_source(rep);
	while ((n = getline(&line, &cap, in)) >= 0) {
		int r = report_add_line(rep, line, (size_t)n);

		lineno++;
		if (r < 0) {
			fprintf(stderr, "sockshim report: %s: out of memory\n",
				name);
			ret = -1;
			break;
		}
		if (r == 1 && !skipped++)
			first = lineno;
	}
	if (!ret && ferror(in)) {
		fprintf(stderr, "sockshim report: %s: %s\n", name,
			strerror(errno));
		ret = -1;
	}
	if (skipped)
		fprintf(stderr, "sockshim report: %s: %lu lines skipped "
				"(not JSON records), the first at line %lu\n",
			name, skipped, first);
	free(line);
	return ret;
}

static int read_logs(struct report *rep, int n, char **names)
{
	int status = 0;

	for (int i = 0; i < n; i++) {
		bool std = strcmp(names[i], "-") == 0;
		FILE *in = std ? stdin : fopen(names[i], "r");

		if (!in) {
			fprintf(stderr, "sockshim report: %s: %s\n", names[i],
				strerror(errno));
			status = 1;
			continue;
		}
		if (read_log(rep, in, std ? "(stdin)" : names[i]))
			status = 1;
		if (!std)
			fclose(in);
	}
	return status;
}

int report_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report *rep;
	bool json = false;
	int c, status;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			report_usage(stdout);
			return 0;
		default:
			fputs("Try 'sockshim report --help'.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs("sockshim report: no log given (- reads standard input)\n"
		      "Try 'sockshim report --help'.\n", stderr);
		return EXIT_USAGE;
	}
	rep = report_new();
	if (!rep) {
		fputs("sockshim report: out of memory\n", stderr);
		return 1;
	}
	status = read_logs(rep, argc - optind, argv + optind);
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
