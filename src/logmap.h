/* SPDX-License-Identifier: MIT */
/*
 * logmap — append records to a per-process log file through a shared
 * file mapping instead of one write(2) each.
 *
 * Threads reserve bytes with one atomic add and copy their record into
 * the mapping; the kernel owns the pages, so nothing is lost when the
 * process is killed. The file is extended ahead of the writers in
 * LOGMAP_GROW steps with fallocate and filled with newlines, so a process
 * that dies leaves blank lines at the end at worst, never NUL bytes; a
 * normal exit (or a fatal signal, see sigguard.h) trims the file to its
 * records.
 *
 * The file is the program's guest, and so is the mapping:
 *  - blocks are reserved with fallocate before they are mapped, so a full
 *    disk is an error at extension time, never a SIGBUS on a store;
 *  - extensions stay under RLIMIT_FSIZE and SIGXFSZ is held off around
 *    them, so a file size limit never kills the program;
 *  - if someone truncates the file under us (`: > log`, copytruncate),
 *    the SIGBUS of the store is ours: logmap_fault() swaps anonymous
 *    memory under the window so the store completes harmlessly, the
 *    mapping is marked broken and its records are counted as dropped
 *    until logmap_restart() maps the file again at its new end.
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

enum logmap_result {
	LM_WRITTEN,	/* in the mapping */
	LM_NOT_MAPPED,	/* not started or finished: use write(2) */
	LM_DROPPED,	/* lost; *why says why (see logmap_append) */
};

/* Map fd (a regular file open for writing) from the end of its records.
 * false and *why NULL: not a file we can map, use write(2); false and
 * *why set (no space, size limit): the mapping is broken from the start,
 * records are dropped until logmap_restart succeeds. */
bool logmap_start(int fd, const char **why);
/* Append one record. On LM_DROPPED, *why is a short reason ("no space",
 * "file size limit", "truncated", "write error"). */
enum logmap_result logmap_append(int fd, const char *buf, size_t len,
				 const char **why);
/* True when the mapping is broken and waits for logmap_restart. */
bool logmap_broken(void);
/* True while records go into the mapping. */
bool logmap_active(void);
/* The file offset the next record would take (mapped or broken). */
size_t logmap_end(void);
/* Map the file again at the end of its records (after a truncation, a
 * full disk, a lower size limit). Callers make sure no thread is inside
 * logmap_append (the log's gate). False: still broken. */
bool logmap_restart(int fd, const char **why);
/* Stop mapping for good: trim the file to what was written (trim) and
 * give the descriptor O_APPEND back. Callers hold the gate. */
void logmap_finish(int fd, bool trim);
/* In a fork child: the mapping is the parent's; forget it, touch nothing. */
void logmap_drop(void);
/* The file size limit to stay under (RLIMIT_FSIZE; LOGMAP_NO_LIMIT:
 * none; 0 is a limit: nothing can be written). */
#define LOGMAP_NO_LIMIT (~0ULL)
void logmap_set_limit(unsigned long long limit);
/* From the SIGBUS handler: true if addr is in our window (and handled). */
bool logmap_fault(const void *addr);
/* From a fatal signal's handler: trim if no writer is mid-record.
 * Async-signal-safe. */
void logmap_fatal(int fd);
/* The dropped-record reason for a write's errno: "no space", "file size
 * limit", "write error". */
const char *logmap_errno_reason(int err);

#endif
