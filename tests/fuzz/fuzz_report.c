// SPDX-License-Identifier: MIT
/*
 * fuzz_report — bytes as the lines of a log given to `sockshim report`:
 * plain records, syslog headers of every kind, journal entries, anything.
 * The first byte chooses how: line by line (each line in a buffer of its
 * own size, so that reading past it is caught), or the whole input as a
 * file through the reader (plain or gzip, whichever it looks like); which
 * filters apply; sections by program or host. Then both outputs are
 * printed. Nothing may crash, leak or read out of bounds.
 */
#define _GNU_SOURCE
#include "build-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void lines(struct report *rep, const char *p, const char *end)
{
	report_begin_source(rep);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl + 1 - p) : (size_t)(end - p);
		char *line = malloc(n ? n : 1);

		if (!line)
			abort();
		memcpy(line, p, n);
		if (report_add_line(rep, line, n) < 0)
			abort();
		free(line);
		p += n;
	}
}

static void as_file(struct report *rep, const uint8_t *data, size_t size)
{
	char path[64], *err = NULL;
	size_t errlen = 0;
	FILE *f;
	int fd = memfd_create("fuzz_report", 0);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	f = open_memstream(&err, &errlen);
	report_read(rep, path, f);
	fclose(f);
	free(err);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report *rep = report_new();
	uint8_t how = size ? data[0] : 0;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;

	if (!rep)
		abort();
	if (how & 2)
		report_add_filter(rep, REPORT_HOST, how & 4 ? "a*" : "(unknown)");
	if (how & 8)
		report_add_filter(rep, REPORT_PROGRAM, "?*");
	if (how & 16)
		report_add_filter(rep, REPORT_OPTION, how & 32 ? "SO_*" : "*");
	if (how & 64)
		report_set_by(rep, REPORT_BY_HOST);
	if (size && (how & 1))
		as_file(rep, data + 1, size - 1);
	else if (size)
		lines(rep, (const char *)data + 1, (const char *)data + size);
	f = open_memstream(&out, &outlen);
	report_print_text(rep, f);
	report_print_json(rep, f);
	fclose(f);
	free(out);
	report_free(rep);
	return 0;
}
