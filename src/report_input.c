// SPDX-License-Identifier: MIT
/*
 * report_input — a log read into the report line by line: a file or
 * standard input, plain or gzip-compressed (rotated logs), told apart by
 * the first bytes, not the name. Compressed input is inflated as it is
 * read, one buffer at a time: a log of any size takes the same memory.
 */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "report_int.h"

#define CHUNK (1u << 20)
/* A longer line is no record: skipped without being held whole. */
#define LINE_LIMIT (64u << 20)

struct source {
	int fd;
	const char *name;
	FILE *err;
	bool gz, eof, member_end, discard;
	z_stream z;
	unsigned char *in;		/* compressed bytes */
	char *buf;			/* text, lines */
	size_t cap, len;
	unsigned long lineno, skipped, first;
};

static void say(struct source *s, const char *what, const char *why)
{
	fprintf(s->err, "sockshim report: %s: %s%s%s\n", s->name, what,
		why ? ": " : "", why ? why : "");
}

static ssize_t read_some(struct source *s, void *p, size_t n)
{
	ssize_t r;

	do
		r = read(s->fd, p, n);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		say(s, "cannot read", strerror(errno));
	return r;
}

/* More compressed input; 0 at the end of the file. */
static ssize_t gz_input(struct source *s)
{
	ssize_t n;

	if (s->eof)
		return 0;
	n = read_some(s, s->in, CHUNK);
	if (n == 0)
		s->eof = true;
	if (n > 0) {
		s->z.next_in = s->in;
		s->z.avail_in = (uInt)n;
	}
	return n;
}

/*
 * Text inflated into buf after len: its length, 0 at the end, -1 on an
 * error (said). Members of a concatenated file follow one another.
 */
static ssize_t gz_fill(struct source *s)
{
	size_t room = s->cap - s->len;

	s->z.next_out = (Bytef *)s->buf + s->len;
	s->z.avail_out = (uInt)room;
	while (s->z.avail_out == room) {
		int r;

		if (!s->z.avail_in) {
			ssize_t n = gz_input(s);

			if (n < 0)
				return -1;
			if (n == 0 && s->member_end)
				return 0;
			if (n == 0) {
				say(s, "truncated gzip data, the lines before "
				       "its end are counted", NULL);
				return -1;
			}
		}
		if (s->member_end) {
			inflateReset(&s->z);
			s->member_end = false;
		}
		r = inflate(&s->z, Z_NO_FLUSH);
		if (r == Z_STREAM_END) {
			s->member_end = true;
		} else if (r != Z_OK && r != Z_BUF_ERROR) {
			say(s, "bad gzip data", s->z.msg ? s->z.msg : "?");
			return -1;
		}
	}
	return (ssize_t)(room - s->z.avail_out);
}

static ssize_t fill(struct source *s)
{
	if (s->gz)
		return gz_fill(s);
	return read_some(s, s->buf + s->len, s->cap - s->len);
}

static int line(struct report *rep, struct source *s, const char *p,
		size_t n)
{
	int r;

	s->lineno++;
	if (s->discard) {
		s->discard = false;
		return 0;
	}
	r = report_add_line(rep, p, n);
	if (r < 0) {
		say(s, "out of memory", NULL);
		return -1;
	}
	if (r == 1 && !s->skipped++)
		s->first = s->lineno;
	return 0;
}

/* The whole lines in buf; what is left of the last moves to the front. */
static int lines(struct report *rep, struct source *s)
{
	char *p = s->buf, *end = s->buf + s->len, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		if (line(rep, s, p, (size_t)(nl + 1 - p)))
			return -1;
		p = nl + 1;
	}
	s->len = (size_t)(end - p);
	memmove(s->buf, p, s->len);
	return 0;
}

/* A line that fills the buffer: a bigger buffer, or give up on it. */
static int long_line(struct report *rep, struct source *s)
{
	char *b;

	if (s->cap < LINE_LIMIT) {
		b = realloc(s->buf, s->cap * 2);
		if (!b) {
			say(s, "out of memory", NULL);
			return -1;
		}
		s->buf = b;
		s->cap *= 2;
		return 0;
	}
	if (!s->discard) {
		/* Counted as the one skipped line it is. */
		report_add_line(rep, "?", 1);
		if (!s->skipped++)
			s->first = s->lineno + 1;
		s->discard = true;
	}
	s->len = 0;
	return 0;
}

static int detect(struct source *s)
{
	ssize_t n = 0, r = 1;

	/* A pipe may hand over a single byte first. */
	while (n < 2 && r > 0) {
		r = read_some(s, s->buf + n, s->cap - (size_t)n);
		if (r < 0)
			return -1;
		n += r;
	}
	s->len = (size_t)n;
	if (n < 2 || (unsigned char)s->buf[0] != 0x1f ||
	    (unsigned char)s->buf[1] != 0x8b)
		return 0;
	s->gz = true;
	s->in = malloc(CHUNK);
	if (!s->in || inflateInit2(&s->z, 15 + 16) != Z_OK) {
		say(s, "out of memory", NULL);
		return -1;
	}
	memcpy(s->in, s->buf, s->len);
	s->z.next_in = s->in;
	s->z.avail_in = (uInt)s->len;
	s->len = 0;
	return 0;
}

static int read_source(struct report *rep, struct source *s)
{
	ssize_t n;

	if (detect(s))
		return -1;
	do {
		n = 1;
		if (s->len == s->cap && long_line(rep, s))
			return -1;
		if (s->len < s->cap && (n = fill(s)) < 0)
			return -1;
		s->len += (size_t)n;
		if (lines(rep, s))
			return -1;
	} while (n > 0);
	/* The last line, without its newline. */
	if (s->len && line(rep, s, s->buf, s->len))
		return -1;
	return 0;
}

int report_read(struct report *rep, const char *path, FILE *err)
{
	bool std = strcmp(path, "-") == 0;
	struct source s = { .err = err, .cap = CHUNK };
	int ret;

	s.name = std ? "(stdin)" : path;
	s.fd = std ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (s.fd < 0) {
		say(&s, strerror(errno), NULL);
		return -1;
	}
	report_begin_source(rep);
	s.buf = malloc(s.cap);
	if (s.buf) {
		ret = read_source(rep, &s);
	} else {
		say(&s, "out of memory", NULL);
		ret = -1;
	}
	if (s.skipped)
		fprintf(err, "sockshim report: %s: %lu lines skipped (not JSON "
			     "records), the first at line %lu\n", s.name,
			s.skipped, s.first);
	if (s.gz)
		inflateEnd(&s.z);
	free(s.in);
	free(s.buf);
	if (!std)
		close(s.fd);
	return ret;
}
