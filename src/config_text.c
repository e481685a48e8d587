// SPDX-License-Identifier: MIT
/*
 * config_text — a policy file's bytes before libconfig sees them: read
 * only from a regular file, and pre-lexed for what libconfig would read
 * differently from what is written (NUL bytes, integers it would wrap,
 * includes of anything but a regular file).
 */
#include "build-config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_loader.h"
#include "real.h"

/*
 * When the file cannot be parsed, on_error cannot be read from it. Look
 * for the line by hand so that `on_error = "abort"` still means abort.
 */
void cfg_scan_on_error(const char *text, struct policy *p)
{
	for (const char *s = text; (s = strstr(s, "on_error")); s += 8) {
		const char *line = s, *q = s + 8;

		while (line > text && line[-1] != '\n')
			line--;
		if (memchr(line, '#', (size_t)(s - line)) ||
		    memmem(line, (size_t)(s - line), "//", 2) ||
		    (s > line && (isalnum((unsigned char)s[-1]) ||
				  s[-1] == '_' || s[-1] == '-')))
			continue;
		q += strspn(q, " \t");
		if (*q != '=' && *q != ':')
			continue;
		q += 1 + strspn(q + 1, " \t");
		if (strncmp(q, "\"abort\"", 7) == 0)
			p->on_error = ONERR_ABORT;
	}
}

#define INCLUDE_DEPTH 10		/* libconfig's own limit */

/* A whole regular file, NUL-terminated; NULL with errno on failure. */
char *cfg_read_all(int fd, size_t max, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1), *more;
	ssize_t r;

	if (!buf)
		return NULL;
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			cap = cap * 2 > max ? max : cap * 2;
			more = realloc(buf, cap + 1);
			if (!more) {
				free(buf);
				return NULL;
			}
			buf = more;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * Open path only if it is a regular file: never a FIFO (open would
 * block) or a device (opening one may do something). EINVAL otherwise.
 */
int cfg_open_regular(const char *path, struct stat *st)
{
	int fd;

	if (stat(path, st) != 0)
		return -1;
	if (!S_ISREG(st->st_mode)) {
		errno = EINVAL;
		return -1;
	}
	fd = real.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		real.close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/*
 * libconfig 1.5 reads an integer without an L suffix as 32 bits and wraps
 * what does not fit (4294967296 becomes 0, silently), and saturates a
 * 64-bit one. A number other than the one written is an error here.
 */
static void check_integer(struct loader *ld, const char *file, int line,
			  const char *tok, size_t len)
{
	char num[32];
	bool wide = false, hex, bad;

	while (len && tok[len - 1] == 'L') {
		wide = true;
		len--;
	}
	if (len >= sizeof(num)) {
		cfg_error_at(ld, file, line, "integer %.20s... does not fit in "
			     "64 bits", tok);
		return;
	}
	memcpy(num, tok, len);
	num[len] = '\0';
	hex = strpbrk(num, "xX") != NULL;
	errno = 0;
	if (hex) {
		unsigned long long v = strtoull(num, NULL, 16);

		bad = errno == ERANGE || (!wide && v > 0xffffffffULL);
	} else {
		long long v = strtoll(num, NULL, 10);

		bad = errno == ERANGE || (!wide && (v < INT_MIN || v > INT_MAX));
	}
	if (bad && (wide || errno == ERANGE))
		cfg_error_at(ld, file, line, "integer %s does not fit in 64 "
			     "bits", num);
	else if (bad)
		cfg_error_at(ld, file, line, "integer %s does not fit in 32 "
			     "bits (libconfig would change it); write %sL for "
			     "a 64-bit integer", num, num);
}

/*
 * @include "path" (libconfig: at the start of a line, the path taken as
 * include_dir/path). libconfig opens whatever is there and exits the
 * process if it cannot read it (a directory), or blocks on a FIFO: only
 * regular files may be included, and they are checked like the file.
 */
static const char *check_include(struct loader *ld, const char *s,
				 const char *end, const char *file, int line,
				 const char *dir, int depth)
{
	char path[LOG_PATH_MAX], full[2 * LOG_PATH_MAX];
	struct stat st;
	size_t n = 0, len;
	char *text;
	int fd;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s >= end || *s != '"')
		return s;	/* not an include: libconfig's error to give */
	for (s++; s < end && *s != '"' && *s != '\n'; s++) {
		if (*s == '\\' && s + 1 < end)
			s++;
		if (n < sizeof(path) - 1)
			path[n++] = *s;
	}
	path[n] = '\0';
	if (s < end && *s == '"')
		s++;
	snprintf(full, sizeof(full), "%s%s%s", dir ? dir : "", dir ? "/" : "",
		 path);
	if (stat(full, &st) != 0)
		return s;	/* libconfig says it cannot open it */
	if (!S_ISREG(st.st_mode)) {
		cfg_error_at(ld, file, line, "@include \"%s\": not a regular "
			     "file", path);
		ld->unsafe = true;
		return s;
	}
	if (depth >= INCLUDE_DEPTH)
		return s;	/* libconfig: nested too deep */
	fd = cfg_open_regular(full, &st);
	text = fd < 0 ? NULL : cfg_read_all(fd, CONFIG_MAX_BYTES, &len);
	if (fd >= 0)
		real.close(fd);
	if (!text) {
		cfg_error_at(ld, file, line, "@include \"%s\": %s", path,
			     strerror(errno));
		ld->unsafe = true;
		return s;
	}
	cfg_check_text(ld, text, len, full, dir, depth + 1);
	free(text);
	return s;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '*' || c == '-';
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A number: its extent; *is_int when it is an integer literal. */
static const char *number_end(const char *s, const char *end, bool *is_int)
{
	*is_int = true;
	if (*s == '-' || *s == '+')
		s++;
	if (end - s > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (s += 2; s < end && (digit(*s) || (*s >= 'a' && *s <= 'f') ||
					 (*s >= 'A' && *s <= 'F'));)
			s++;
	} else {
		while (s < end && digit(*s))
			s++;
		while (s < end && (*s == '.' || *s == 'e' || *s == 'E' ||
				   digit(*s) || ((*s == '-' || *s == '+') &&
						 (s[-1] == 'e' || s[-1] == 'E')))) {
			*is_int = false;
			s++;
		}
	}
	while (s < end && *s == 'L')
		s++;
	return s;
}

/*
 * What libconfig would read differently from what is written, or not
 * safely at all: NUL bytes (the rest of the file silently dropped),
 * integers it would change, includes of anything but a regular file.
 */
void cfg_check_text(struct loader *ld, const char *text, size_t len,
		    const char *file, const char *dir, int depth)
{
	const char *s = text, *end = text + len, *nul = memchr(text, 0, len);
	bool bol = true;	/* nothing but blanks yet on this line */
	int line = 1;

	if (nul) {
		for (const char *c = text; c < nul; c++)
			line += *c == '\n';
		cfg_error_at(ld, file, line, "a NUL byte: not a text file");
		ld->unsafe = true;
		return;
	}
	while (s < end) {
		const char *t = s;
		bool is_int;

		if (*s == '\n') {
			line++;
			bol = true;
			s++;
		} else if (*s == ' ' || *s == '\t' || *s == '\r') {
			s++;
		} else if (*s == '#' || (*s == '/' && s + 1 < end && s[1] == '/')) {
			while (s < end && *s != '\n')
				s++;
		} else if (*s == '/' && s + 1 < end && s[1] == '*') {
			for (s += 2; s < end && !(*s == '*' && s + 1 < end &&
						  s[1] == '/'); s++)
				line += *s == '\n';
			s = s < end ? s + 2 : end;
			bol = false;
		} else if (*s == '"') {
			for (s++; s < end && *s != '"'; s++) {
				if (*s == '\\' && s + 1 < end)
					s++;
				line += *s == '\n';
			}
			s = s < end ? s + 1 : end;
			bol = false;
		} else if (bol && end - s >= 8 && memcmp(s, "@include", 8) == 0) {
			s = check_include(ld, s + 8, end, file, line, dir, depth);
			bol = false;
		} else if (digit(*s) || ((*s == '-' || *s == '+') &&
					 s + 1 < end && digit(s[1]))) {
			s = number_end(s, end, &is_int);
			if (is_int)
				check_integer(ld, file, line, t, (size_t)(s - t));
			bol = false;
		} else if (name_char(*s)) {
			while (s < end && name_char(*s))
				s++;
			bol = false;
		} else {
			s++;
			bol = false;
		}
	}
}
