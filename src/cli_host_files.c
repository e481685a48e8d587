// SPDX-License-Identifier: MIT
/*
 * cli_host_files — the files `sockshim host` changes. /etc/ld.so.preload
 * is edited line by line: a line without an entry of ours stays as it
 * is, a shared line keeps its other entries, and the library goes on a
 * line of its own; the file is replaced in one rename with the mode and
 * owner it had. The system policy is replaced the same way, the previous
 * one kept as .old. See cli_host.h for the other rooms.
 */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_host.h"

/* The separators the loader splits /etc/ld.so.preload on. */
static const char preload_seps[] = ": \t";

/* A whole (small) file into a NUL-terminated buffer; NULL, errno. */
static char *read_file(const char *path, size_t max, size_t *lenp,
		       struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	size_t len = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, st) != 0)
		goto out;
	if (st->st_size < 0 || (size_t)st->st_size > max) {
		errno = EFBIG;
		goto out;
	}
	buf = malloc((size_t)st->st_size + 1);
	if (!buf)
		goto out;
	for (;;) {
		ssize_t n = read(fd, buf + len, (size_t)st->st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			buf = NULL;
			goto out;
		}
		if (n == 0 || len + (size_t)n == (size_t)st->st_size) {
			len += (size_t)n;
			break;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	*lenp = len;
out:
	{
		int err = errno;

		close(fd);
		errno = err;
	}
	return buf;
}

static bool is_ours(const char *tok, size_t n)
{
	size_t k = strlen(LIB_NAME);

	return n >= k && memcmp(tok + n - k, LIB_NAME, k) == 0 &&
	       (n == k || tok[n - k - 1] == '/');
}

/* The next entry of a line of LEN bytes, from *at on: *at moves to its
 * start; its length is returned (0: the line has no more). */
static size_t next_entry(const char *line, size_t len, size_t *at)
{
	size_t n;

	*at += strspn(line + *at, preload_seps);
	if (*at >= len) {
		*at = len;
		return 0;
	}
	n = strcspn(line + *at, ": \t\n");
	return n > len - *at ? len - *at : n;
}

/*
 * OLD without the library's entries, then LIB on a line of its own when
 * LIB is given. Lines without an entry of ours are kept as they are.
 * *found counts the entries taken out. Returns a malloc'd string.
 */
char *host_edit_preload(const char *old, const char *lib, int *found)
{
	size_t cap = strlen(old) + (lib ? strlen(lib) : 0) + 4;
	char *out = malloc(cap), *o = out;
	const char *line = old;

	*found = 0;
	if (!out)
		return NULL;
	while (*line) {
		size_t len = strcspn(line, "\n");
		bool ours = false;

		for (size_t i = 0, n; i < len; i += n)
			if ((n = next_entry(line, len, &i)) && is_ours(line + i, n))
				ours = true;
		if (!ours) {
			memcpy(o, line, len);
			o += len;
			if (line[len] == '\n')
				*o++ = '\n';
		} else {
			/* Keep the other entries of a shared line. */
			const char *sep = "";
			bool any = false;

			for (size_t i = 0, n; i < len; i += n) {
				n = next_entry(line, len, &i);
				if (n && is_ours(line + i, n))
					(*found)++;
				else if (n) {
					o += sprintf(o, "%s%.*s", sep, (int)n, line + i);
					sep = " ";
					any = true;
				}
			}
			if (any)
				*o++ = '\n';
		}
		line += len + (line[len] == '\n');
	}
	if (lib) {
		if (o > out && o[-1] != '\n')
			*o++ = '\n';
		o += sprintf(o, "%s\n", lib);
	}
	*o = '\0';
	return out;
}

/* Does TEXT hold anything but separators? */
bool host_has_entries(const char *text)
{
	return text[strspn(text, ": \t\n")] != '\0';
}

char *host_read_preload(bool *existed, struct stat *st)
{
	size_t len;
	char *text = read_file(PRELOAD_FILE, 1 << 20, &len, st);

	*existed = text != NULL;
	if (!text && errno == ENOENT)
		return strdup("");
	if (!text)
		fprintf(stderr, "%s: %s: %s\n", cli_name, PRELOAD_FILE,
			strerror(errno));
	return text;
}

/* Write NEW as /etc/ld.so.preload (or remove the file when it holds
 * nothing and did not exist before). */
bool host_write_preload(const char *text, bool existed,
			const struct stat *st)
{
	if (!host_has_entries(text) && !existed)
		return true;
	if (!host_has_entries(text) && *text == '\0') {
		if (unlink(PRELOAD_FILE) != 0 && errno != ENOENT) {
			fprintf(stderr, "%s: %s: %s\n", cli_name, PRELOAD_FILE,
				strerror(errno));
			return false;
		}
		return true;
	}
	if (cli_write_atomic(PRELOAD_FILE, text, strlen(text),
			     existed ? st->st_mode & 07777 : 0644,
			     existed ? st->st_uid : 0,
			     existed ? st->st_gid : 0) != 0) {
		fprintf(stderr, "%s: %s: %s%s\n", cli_name, PRELOAD_FILE,
			strerror(errno),
			errno == EBUSY ? " (a mount point: cannot be replaced)" : "");
		return false;
	}
	return true;
}

/* CFG's text becomes the system policy; the old one is kept as .old. */
bool host_install_policy(const char *cfg)
{
	struct stat st, sst;
	size_t len, slen;
	char *text = read_file(cfg, 1 << 20, &len, &st), *cur;

	if (!text) {
		fprintf(stderr, "%s: %s: %s\n", cli_name, cfg, strerror(errno));
		return false;
	}
	cur = read_file(SYSTEM_POLICY, 1 << 20, &slen, &sst);
	if (cur && slen == len && memcmp(cur, text, len) == 0 &&
	    sst.st_uid == 0 && !(sst.st_mode & 022)) {
		free(cur);
		free(text);
		return true;
	}
	free(cur);
	if (access(SYSTEM_POLICY, F_OK) == 0) {
		unlink(SYSTEM_POLICY ".old");
		if (link(SYSTEM_POLICY, SYSTEM_POLICY ".old") == 0)
			printf("%s: kept the previous policy as %s.old\n",
			       cli_name, SYSTEM_POLICY);
	}
	if (cli_write_atomic(SYSTEM_POLICY, text, len, 0644, 0, 0) != 0) {
		fprintf(stderr, "%s: %s: %s\n", cli_name, SYSTEM_POLICY,
			strerror(errno));
		free(text);
		return false;
	}
	free(text);
	printf("%s: installed %s as %s\n", cli_name, cfg, SYSTEM_POLICY);
	return true;
}
