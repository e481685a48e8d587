// SPDX-License-Identifier: MIT
/*
 * logfile — the log's file: opened on the first record (or before a
 * privilege drop), mapped when it is a process's own, and looked after
 * once a second on a logged call: renamed by logrotate (open the path
 * again), truncated or out of space (map again at the end of its
 * records), a changed size limit.
 */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "logint.h"
#include "logmap.h"
#include "patience.h"
#include "real.h"
#include "sandbox.h"
#include "sigguard.h"

static __thread bool opening __attribute__((tls_model("initial-exec")));

/* ------------------------------------------------------------- the file */

static int fd_floor(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return LOG_FD_FLOOR;
	if (rl.rlim_cur > 2 * LOG_FD_FLOOR)
		return LOG_FD_FLOOR;
	return (int)(rl.rlim_cur / 2);
}

int log_dup_high(int fd)
{
	return real.fcntl(fd, F_DUPFD_CLOEXEC, fd_floor());
}


void sink_refresh_limit(void)
{
	struct rlimit rl;
	unsigned long long lim = LOGMAP_NO_LIMIT;

	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		lim = (unsigned long long)rl.rlim_cur;
	atomic_store(&lg.fsize_limit, lim);
	/* Records stop short of the limit by room for the one that says
	 * how many did not fit. */
	logmap_set_limit(lim != LOGMAP_NO_LIMIT && lim > 2 * DROPPED_ROOM ?
				 lim - DROPPED_ROOM : lim);
}

/* Each warning once per process: a program must not drown in ours. */
enum { W_OPEN, W_REOPEN, W_TYPE, W_PATH, W_COUNT };
static atomic_bool warned[W_COUNT];

static bool first_time(int w)
{
	return !atomic_exchange(&warned[w], true);
}

/* Open the path (as it expands now) for us; -1 on failure, with errno. */
static int open_path(char *path, size_t len, bool warn)
{
	struct stat st;
	int fd, high, err;

	if (!log_expand_path(lg.path_tmpl, lg.cached_pid, lg.prog, path, len)) {
		if (warn && first_time(W_PATH))
			log_warn("sockshim: log path too long: %s", lg.path_tmpl);
		errno = ENAMETOOLONG;
		return -1;
	}
	/* O_NONBLOCK: a FIFO at the path must not block the program here.
	 * Read access too: a shared writable mapping needs it. */
	fd = real.open(path, (lg.per_process ? O_RDWR : O_WRONLY) | O_APPEND | O_CREAT |
				O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, lg.file_mode);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 ||
	    !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))) {
		if (warn && first_time(W_TYPE))
			log_warn("sockshim: log %s is not a regular file", path);
		real.close(fd);
		errno = EINVAL;
		return -1;
	}
	real.fcntl(fd, F_SETFL, O_APPEND);
	high = log_dup_high(fd);
	if (high >= 0) {
		err = errno;
		real.close(fd);
		fd = high;
		errno = err;
	}
	return fd;
}

bool sink_start_mapping(int fd)
{
	struct stat st;

	const char *why = NULL;

	if (!lg.per_process || lg.append_only || !sandbox_allows(SBX_FILES) ||
	    fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	/* Broken from the start (no space yet) still counts as mapped:
	 * the once-a-second check maps it when it can. */
	return logmap_start(fd, &why) || why;
}

static int open_file(void)
{
	char path[LOG_PATH_MAX];
	int fd = open_path(path, sizeof(path), true);

	if (fd < 0) {
		int err = errno;

		if (lg.parent_fd >= 0) {
			/* A child that may not create its own file (it dropped
			 * privileges, or its parent did): its records go on in
			 * the parent's file, one O_APPEND write each. */
			fd = lg.parent_fd;
			lg.parent_fd = -1;
			lg.append_only = true;
			return fd;
		}
		if (err != ENAMETOOLONG && err != EINVAL && first_time(W_OPEN))
			log_warn("sockshim: cannot open log %s: %s (records are "
				 "counted; the path is tried again every "
				 "second)", path, strerror(err));
		return -1;
	}
	snprintf(lg.path_now, sizeof(lg.path_now), "%s", path);
	if (lg.parent_fd >= 0) {
		real.close(lg.parent_fd);
		lg.parent_fd = -1;
	}
	atomic_store(&lg.mapped, sink_start_mapping(fd));
	return fd;
}

/* The log file on first use, so processes that never touch a socket
 * leave no empty file behind. -1: it cannot be opened; SINK_BUSY: another
 * thread is still opening it, after a second or two of waiting. */
int sink_file_fd(void)
{
	int st = atomic_load_explicit(&lg.file_state, memory_order_acquire);
	int expected = FILE_CLOSED;

	if (st == FILE_OPEN)
		return atomic_load_explicit(&lg.log_fd, memory_order_relaxed);
	if (st == FILE_FAILED || opening)
		return -1;
	if (atomic_compare_exchange_strong(&lg.file_state, &expected,
					   FILE_OPENING)) {
		int fd;

		opening = true;
		fd = open_file();
		atomic_store(&lg.log_fd, fd);
		atomic_store_explicit(&lg.file_state,
				      fd >= 0 ? FILE_OPEN : FILE_FAILED,
				      memory_order_release);
		opening = false;
		return fd;
	}
	/* Another thread opens it: wait for it (it may sleep in the
	 * kernel a while, on a slow disk), but not for ever. */
	struct patience p = PATIENCE_INIT;

	do {
		st = atomic_load_explicit(&lg.file_state, memory_order_acquire);
		if (st == FILE_OPEN)
			return atomic_load(&lg.log_fd);
		if (st == FILE_FAILED)
			return -1;
	} while (patience_wait(&p));
	return SINK_BUSY;
}

/* ------------------------------------------------------- once a second */

/* The path now names another file (logrotate's create), or none. */
static bool rotated(int fd)
{
	struct stat at_path, ours;

	if (fstat(fd, &ours) != 0 || !S_ISREG(ours.st_mode))
		return false;
	if (stat(lg.path_now, &at_path) != 0)
		return errno == ENOENT;
	return at_path.st_ino != ours.st_ino || at_path.st_dev != ours.st_dev;
}

/* Open the configured path again and put it under our descriptor
 * number, so writers holding the number go on in the new file. */
static void reopen(int fd)
{
	char path[LOG_PATH_MAX];
	int nfd = open_path(path, sizeof(path), false);

	if (nfd < 0) {
		if (first_time(W_REOPEN))
			log_warn("sockshim: cannot reopen log %s after it was "
				 "moved: %s (records go on in the moved file)",
				 path, strerror(errno));
		snprintf(lg.path_now, sizeof(lg.path_now), "%s", "");
		return;
	}
	if (atomic_load(&lg.mapped)) {
		logmap_finish(fd, true);
		atomic_store(&lg.mapped, false);
	}
	if (real.dup3(nfd, fd, O_CLOEXEC) >= 0)
		snprintf(lg.path_now, sizeof(lg.path_now), "%s", path);
	real.close(nfd);
	atomic_store(&lg.mapped, sink_start_mapping(fd));
}

/* What the file needs, judged on descriptor fd. */
enum upkeep { UP_NONE, UP_OPEN, UP_REOPEN, UP_REMAP };

static enum upkeep upkeep_due(int fd, int st)
{
	struct stat s;

	if (st == FILE_FAILED)
		return UP_OPEN;
	if (st != FILE_OPEN || fd < 0 || !lg.path_now[0])
		return UP_NONE;
	if (rotated(fd))
		return UP_REOPEN;
	/* Truncated (copytruncate), or out of space or size: map again
	 * at the end of the file's records. */
	if (atomic_load(&lg.mapped) &&
	    (logmap_broken() ||
	     (fstat(fd, &s) == 0 && (size_t)s.st_size < logmap_end())))
		return UP_REMAP;
	return UP_NONE;
}

/*
 * Judged without the gate (cheap, and writers never wait for it), acted
 * on behind it after judging again on the descriptor read inside: the
 * program may dup2 over our number at any moment (we then move the log
 * to another one), and a number read outside may already be its file,
 * taken for a rotated or truncated log.
 */
static void check_file(void)
{
	const char *why;
	int fd;

	if (upkeep_due(atomic_load(&lg.log_fd),
		       atomic_load(&lg.file_state)) == UP_NONE)
		return;
	if (!sink_gate_close())
		return;		/* moving or swapping: next second */
	fd = atomic_load(&lg.log_fd);
	switch (upkeep_due(fd, atomic_load(&lg.file_state))) {
	case UP_OPEN:
		fd = open_file();
		if (fd >= 0) {
			atomic_store(&lg.log_fd, fd);
			atomic_store(&lg.file_state, FILE_OPEN);
		}
		break;
	case UP_REOPEN:
		reopen(fd);
		break;
	case UP_REMAP:
		logmap_restart(fd, &why);
		if (!logmap_active())
			atomic_store(&lg.mapped, false);
		break;
	case UP_NONE:
		break;
	}
	sink_gate_open();
}

void sink_maybe_check(void)
{
	struct timespec t;
	long due = atomic_load_explicit(&lg.next_check, memory_order_relaxed);

	clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
	if (t.tv_sec < due)
		return;
	if (!atomic_compare_exchange_strong(&lg.next_check, &due, t.tv_sec + 1))
		return;
	/* Under a program's own sandbox, no upkeep: those calls may kill. */
	if (!sandbox_allows(SBX_FILES) || opening)
		return;
	sink_refresh_limit();
	if (lg.sink == SINK_FD && lg.is_file)
		check_file();
}

/* In a fork child: no thread of ours is opening the file any more. */
void file_after_fork(void)
{
	opening = false;
}
