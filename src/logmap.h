/* SPDX-License-Identifier: MIT */
/*
 * logmap — append records to a per-process log file through a shared
 * file mapping instead of one write(2) each.
 *
 * Threads reserve bytes with one atomic add and copy their record into
 * the mapping; the kernel owns the pages, so nothing is lost when the
 * process is killed. The file is extended ahead of the writers in
 * LOGMAP_GROW steps filled with newlines, so a process that dies leaves
 * blank lines at the end at worst, never NUL bytes; a normal exit trims
 * the file to its records.
 *
 * Only for a file one process writes: a file shared by processes keeps
 * O_APPEND writes, which the kernel serialises into whole lines.
 */
#ifndef SOCKSHIM_LOGMAP_H
#define SOCKSHIM_LOGMAP_H

#include <stdbool.h>
#include <stddef.h>

#define LOGMAP_GROW (64 * 1024)
#define LOGMAP_WINDOW (1UL << 30)	/* address space reserved, not memory */

/* Map fd (a regular file open for writing); false: keep using write(2). */
bool logmap_start(int fd);
enum logmap_result {
	LM_WRITTEN,	/* in the mapping */
	LM_NOT_MAPPED,	/* not started, finished or full: use write(2) */
	LM_DROPPED,	/* the file could not grow (or a signal handler
			   interrupted this thread's own extension): lost,
			   because a write(2) now could be overwritten */
};

enum logmap_result logmap_append(int fd, const char *buf, size_t len);
/* Records dropped so far. */
size_t logmap_dropped(void);
/* Normal exit: trim the file to what was written, and stop mapping. */
void logmap_finish(int fd);
/* In a fork child: the mapping is the parent's; forget it, touch nothing. */
void logmap_drop(void);
/* Bytes of records written through the mapping (tests, benchmarks). */
size_t logmap_written(void);

#endif
