// SPDX-License-Identifier: MIT
/*
 * logsink — where records go, and the log as the program's guest.
 *
 * SINK_FD writes to a descriptor of our own: a file, or a copy of the
 * stderr the program started with (so a daemon that later puts a socket
 * at fd 2 never receives our records). Per-process files (%p) go through
 * the shared mapping of logmap.c; others get one O_APPEND write each.
 *
 * Whatever happens to the file, the disk or the process, the program
 * goes on as it would without us: what cannot be written is counted and
 * said in a "dropped" record as soon as the log can write again; once a
 * second (on a logged call) the file is checked for rotation (renamed:
 * reopen the path), truncation (map again at the new end) and a changed
 * size limit. Swapping the descriptor or the mapping happens behind a
 * gate: writers pass it with one atomic add, the swapper shuts it and
 * waits for them to leave.
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
#include "real.h"
#include "sandbox.h"
#include "sigguard.h"

enum sink { SINK_NONE, SINK_FD, SINK_SYSLOG };
enum { FILE_CLOSED, FILE_OPENING, FILE_OPEN, FILE_FAILED };

#define PROG_MAX 64
/* Our file descriptor lives high, out of the way of programs that expect
 * the lowest free numbers (and of their close-everything loops' cost). */
#define LOG_FD_FLOOR 1000

static enum sink sink, sink_before_sandbox;
bool log_on;
bool log_only_policy;

/* log_on mirrors the sink for the inline test every hook makes. */
static void set_sink(enum sink to)
{
	sink = to;
	log_on = to != SINK_NONE;
}

static enum log_format format;
static atomic_int log_fd = -1;
static atomic_int file_state = FILE_CLOSED;
static bool is_file;		/* a path, opened on the first record */
static bool per_process;	/* the path names the pid: mapped, reopened
				   after fork */
static atomic_bool mapped;	/* records go through logmap */
static bool append_only;	/* no mapping: children may share the file */
static bool dropped_privileges;	/* since, our children may not create */
static int parent_fd = -1;	/* fork child: the parent's shared file */
static bool is_pipe;		/* a pipe or socket: guard against SIGPIPE */
static char path_tmpl[LOG_PATH_MAX];
static char path_now[LOG_PATH_MAX];	/* the path of the open file */
static mode_t file_mode = 0600;
static char prog[PROG_MAX + 1];
static pid_t cached_pid;
static __thread pid_t cached_tid __attribute__((tls_model("initial-exec")));
static __thread bool opening __attribute__((tls_model("initial-exec")));
static atomic_ullong fsize_limit;	/* RLIMIT_FSIZE; 0: none */

static void say_dropped(void);
static atomic_long next_check;	/* CLOCK_MONOTONIC_COARSE second */

pid_t log_pid(void)
{
	return cached_pid;
}

static pid_t current_tid(void)
{
	if (!cached_tid)
		cached_tid = sandbox_allows(SBX_GETTID) ? gettid() : cached_pid;
	return cached_tid;
}

/* ------------------------------------------------------------ the gate */

static atomic_int gate_users;
static atomic_bool gate_shut;
static __thread bool gate_keeper __attribute__((tls_model("initial-exec")));

/* A writer passes; false: a swap is under way for too long (or this
 * thread is the swapper, interrupted by a signal handler that logs). */
static bool gate_enter(void)
{
	for (int spins = 0;; spins++) {
		if (!atomic_load(&gate_shut)) {
			atomic_fetch_add(&gate_users, 1);
			if (!atomic_load(&gate_shut))
				return true;
			atomic_fetch_sub(&gate_users, 1);
		}
		if (gate_keeper || spins > 20000)
			return false;
		sched_yield();
	}
}

static void gate_leave(void)
{
	atomic_fetch_sub(&gate_users, 1);
}

/* Shut the gate and wait for the writers inside (about a second at
 * most); false: the gate is not ours, try another time. */
static bool gate_close(void)
{
	struct timespec t0, t;

	if (atomic_exchange(&gate_shut, true))
		return false;
	gate_keeper = true;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (atomic_load(&gate_users) > 0) {
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 1) {
			gate_keeper = false;
			atomic_store(&gate_shut, false);
			return false;
		}
	}
	return true;
}

static void gate_open(void)
{
	gate_keeper = false;
	atomic_store(&gate_shut, false);
}

/* ----------------------------------------------------- dropped records */

static const char *const reasons[] = {
	"no space", "file size limit", "truncated", "write error",
	"cannot open", "interrupted", "busy", "syslog unavailable",
};
#define NREASONS (sizeof(reasons) / sizeof(reasons[0]))
static atomic_ulong dropped[NREASONS];
static atomic_bool any_dropped;
static __thread bool saying __attribute__((tls_model("initial-exec")));

static void count_drop(const char *why)
{
	size_t i;

	for (i = 0; i < NREASONS - 1; i++)
		if (why == reasons[i] || (why && strcmp(why, reasons[i]) == 0))
			break;
	if (i == NREASONS - 1 && why && strcmp(why, reasons[i]) != 0)
		i = 3;	/* "write error" */
	atomic_fetch_add_explicit(&dropped[i], 1, memory_order_relaxed);
	atomic_store_explicit(&any_dropped, true, memory_order_relaxed);
}

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

static bool pipe_like(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 &&
	       (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

#define DROPPED_ROOM 256

static void refresh_limit(void)
{
	struct rlimit rl;
	unsigned long long lim = 0;

	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		lim = (unsigned long long)rl.rlim_cur;
	atomic_store(&fsize_limit, lim);
	/* Records stop short of the limit by room for the one that says
	 * how many did not fit. */
	logmap_set_limit(lim > 2 * DROPPED_ROOM ? lim - DROPPED_ROOM : lim);
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

	if (!log_expand_path(path_tmpl, cached_pid, prog, path, len)) {
		if (warn && first_time(W_PATH))
			log_warn("sockshim: log path too long: %s", path_tmpl);
		errno = ENAMETOOLONG;
		return -1;
	}
	/* O_NONBLOCK: a FIFO at the path must not block the program here.
	 * Read access too: a shared writable mapping needs it. */
	fd = open(path, (per_process ? O_RDWR : O_WRONLY) | O_APPEND | O_CREAT |
				O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, file_mode);
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

static bool start_mapping(int fd)
{
	struct stat st;

	const char *why = NULL;

	if (!per_process || append_only || !sandbox_allows(SBX_FILES) ||
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

		if (parent_fd >= 0) {
			/* A child that may not create its own file (it dropped
			 * privileges, or its parent did): its records go on in
			 * the parent's file, one O_APPEND write each. */
			fd = parent_fd;
			parent_fd = -1;
			append_only = true;
			return fd;
		}
		if (err != ENAMETOOLONG && err != EINVAL && first_time(W_OPEN))
			log_warn("sockshim: cannot open log %s: %s (records are "
				 "counted; the path is tried again every "
				 "second)", path, strerror(err));
		return -1;
	}
	snprintf(path_now, sizeof(path_now), "%s", path);
	if (parent_fd >= 0) {
		real.close(parent_fd);
		parent_fd = -1;
	}
	atomic_store(&mapped, start_mapping(fd));
	return fd;
}

/* The log file on first use, so processes that never touch a socket
 * leave no empty file behind. */
static int file_fd(void)
{
	int st = atomic_load_explicit(&file_state, memory_order_acquire);
	int expected = FILE_CLOSED;

	if (st == FILE_OPEN)
		return atomic_load_explicit(&log_fd, memory_order_relaxed);
	if (st == FILE_FAILED || opening)
		return -1;
	if (atomic_compare_exchange_strong(&file_state, &expected,
					   FILE_OPENING)) {
		int fd;

		opening = true;
		fd = open_file();
		atomic_store(&log_fd, fd);
		atomic_store_explicit(&file_state,
				      fd >= 0 ? FILE_OPEN : FILE_FAILED,
				      memory_order_release);
		opening = false;
		return fd;
	}
	for (int i = 0; i < 100000; i++) {
		st = atomic_load_explicit(&file_state, memory_order_acquire);
		if (st == FILE_OPEN)
			return atomic_load(&log_fd);
		if (st == FILE_FAILED)
			return -1;
		sched_yield();
	}
	return -1;
}

/* ------------------------------------------------------- once a second */

/* The path now names another file (logrotate's create), or none. */
static bool rotated(int fd)
{
	struct stat at_path, ours;

	if (fstat(fd, &ours) != 0 || !S_ISREG(ours.st_mode))
		return false;
	if (stat(path_now, &at_path) != 0)
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
		snprintf(path_now, sizeof(path_now), "%s", "");
		return;
	}
	if (atomic_load(&mapped)) {
		logmap_finish(fd, true);
		atomic_store(&mapped, false);
	}
	if (real.dup3(nfd, fd, O_CLOEXEC) >= 0)
		snprintf(path_now, sizeof(path_now), "%s", path);
	real.close(nfd);
	atomic_store(&mapped, start_mapping(fd));
}

static void check_file(void)
{
	int fd = atomic_load(&log_fd);
	int st = atomic_load(&file_state);

	if (st == FILE_FAILED) {
		if (!gate_close())
			return;
		fd = open_file();
		if (fd >= 0) {
			atomic_store(&log_fd, fd);
			atomic_store(&file_state, FILE_OPEN);
		}
		gate_open();
		return;
	}
	if (st != FILE_OPEN || fd < 0 || !path_now[0])
		return;
	if (rotated(fd)) {
		if (gate_close()) {
			reopen(fd);
			gate_open();
		}
		return;
	}
	if (atomic_load(&mapped)) {
		struct stat s;
		const char *why;

		if (!logmap_broken() &&
		    (fstat(fd, &s) != 0 || (size_t)s.st_size >= logmap_end()))
			return;
		/* Truncated (copytruncate), or out of space or size: map
		 * again at the end of the file's records. */
		if (gate_close()) {
			logmap_restart(fd, &why);
			if (!logmap_active())
				atomic_store(&mapped, false);
			gate_open();
		}
	}
}

static void maybe_check(void)
{
	struct timespec t;
	long due = atomic_load_explicit(&next_check, memory_order_relaxed);

	clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
	if (t.tv_sec < due)
		return;
	if (!atomic_compare_exchange_strong(&next_check, &due, t.tv_sec + 1))
		return;
	/* Under a program's own sandbox, no upkeep: those calls may kill. */
	if (!sandbox_allows(SBX_FILES) || opening)
		return;
	refresh_limit();
	if (sink == SINK_FD && is_file)
		check_file();
}

/* ------------------------------------------------------------- writing */

static const char *errno_reason(int err)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT:
		return "no space";
	case EFBIG:
		return "file size limit";
	default:
		return "write error";
	}
}

/*
 * One write(2), never a signal: SIGPIPE (a reader that went away) and
 * SIGXFSZ (a size limit) are blocked around it and the one our write
 * raised is taken back. Only paid for pipes and limited files.
 */
static bool write_guarded(int fd, const char *buf, size_t n, int sig)
{
	sigset_t set, old, pending;
	bool was_pending;
	ssize_t w;
	int err;

	sigemptyset(&set);
	sigaddset(&set, sig);
	real.pthread_sigmask(SIG_BLOCK, &set, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, sig);
	w = write(fd, buf, n);
	err = errno;
	if (w < 0 && (err == EPIPE || err == EFBIG) && !was_pending) {
		struct timespec zero = { 0, 0 };

		sigtimedwait(&set, NULL, &zero);
	}
	real.pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = err;
	return w == (ssize_t)n;
}

static bool write_plain(int fd, const char *buf, size_t n, const char **why)
{
	unsigned long long lim = atomic_load_explicit(&fsize_limit,
						      memory_order_relaxed);
	bool ok;

	if (is_pipe && sandbox_allows(SBX_SIGMASK)) {
		ok = write_guarded(fd, buf, n, SIGPIPE);
	} else if (lim && is_file) {
		struct stat st;

		/* Stay under the limit: the record whole or not at all. */
		if (!saying && lim > 2 * DROPPED_ROOM)
			lim -= DROPPED_ROOM;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    (unsigned long long)st.st_size + n > lim) {
			*why = "file size limit";
			return false;
		}
		ok = write_guarded(fd, buf, n, SIGXFSZ);
	} else {
		ssize_t w = write(fd, buf, n);

		ok = w == (ssize_t)n;
		if (w > 0 && !ok && per_process) {
			/* Part of a record (a full disk): take it back, our
			 * file has no other writer. */
			struct stat st;
			int err = errno ? errno : ENOSPC;

			if (fstat(fd, &st) == 0 && st.st_size >= w &&
			    ftruncate(fd, st.st_size - w) != 0)
				err = EIO;
			errno = err;
		}
	}
	if (!ok)
		*why = errno_reason(errno);
	return ok;
}

/* Write one record where the sink says; false: dropped, *why says why. */
static bool write_record(const char *buf, size_t n, const char **why)
{
	int fd;

	if (sink == SINK_SYSLOG) {
		*why = "syslog unavailable";
		return logsys_send(atomic_load_explicit(&log_fd,
							memory_order_relaxed),
				   buf, n - 1);
	}
	fd = is_file ? file_fd() :
		       atomic_load_explicit(&log_fd, memory_order_relaxed);
	if (fd < 0) {
		*why = "cannot open";
		return false;
	}
	if (atomic_load_explicit(&mapped, memory_order_relaxed)) {
		switch (logmap_append(fd, buf, n, why)) {
		case LM_WRITTEN:
			return true;
		case LM_DROPPED:
			/* Truncated under us: map again at once, on the next
			 * record, not a second later. */
			if (*why && strcmp(*why, "truncated") == 0)
				atomic_store(&next_check, 0);
			return false;
		case LM_NOT_MAPPED:
			break;
		}
	}
	return write_plain(fd, buf, n, why);
}

static size_t format_record(const struct log_rec *r, char *buf, size_t len)
{
	struct log_ctx c = { .pid = cached_pid, .tid = current_tid(),
			     .prog = prog };

	clock_gettime(CLOCK_REALTIME, &c.ts);
	return format == LOGF_JSON ? log_format_json(&c, r, buf, len) :
				     log_format_text(&c, r, buf, len);
}

/* Emit one record through the gate; false: it was dropped (counted). */
static bool emit_now(const struct log_rec *r)
{
	char buf[RECORD_MAX];
	const char *why = "busy";
	size_t n = format_record(r, buf, sizeof(buf));
	bool ok = false;

	if (gate_enter()) {
		ok = write_record(buf, n, &why);
		gate_leave();
	}
	if (!ok)
		count_drop(why);
	return ok;
}

/* Say what was lost, once the log writes again. */
static void say_dropped(void)
{
	if (saying || !atomic_exchange(&any_dropped, false))
		return;
	saying = true;
	for (size_t i = 0; i < NREASONS; i++) {
		unsigned long n = atomic_exchange(&dropped[i], 0);
		struct log_rec r = { .call = LC_DROPPED, .fd = -1,
				     .note = reasons[i] };

		if (!n)
			continue;
		r.ret = (long)n;
		if (!emit_now(&r)) {
			/* Still failing: this one is lost too. */
			atomic_fetch_add(&dropped[i], n);
			atomic_store(&any_dropped, true);
		}
	}
	saying = false;
}

void log_emit(const struct log_rec *r)
{
	if (sink == SINK_NONE)
		return;
	maybe_check();
	if (emit_now(r) &&
	    atomic_load_explicit(&any_dropped, memory_order_relaxed))
		say_dropped();
}

/* ---------------------------------------------------------- open, warn */

void log_open(const struct policy *p, const char *progname)
{
	const char *path = p->log.path;

	snprintf(prog, sizeof(prog), "%s", progname && *progname ? progname : "?");
	cached_pid = getpid();
	format = p->log.format;
	log_only_policy = p->log.calls == LOGC_POLICY;
	file_mode = p->log.file_mode;
	snprintf(path_tmpl, sizeof(path_tmpl), "%s", path);
	refresh_limit();
	if (strcmp(path, "none") == 0) {
		set_sink(SINK_NONE);
	} else if (strcmp(path, "stderr") == 0) {
		int fd = log_dup_high(STDERR_FILENO);

		is_pipe = fd >= 0 && pipe_like(fd);
		atomic_store(&log_fd, fd);
		atomic_store(&file_state, fd >= 0 ? FILE_OPEN : FILE_FAILED);
		set_sink(fd >= 0 ? SINK_FD : SINK_NONE);
	} else if (strcmp(path, "syslog") == 0 ||
		   strncmp(path, "syslog:", 7) == 0) {
		int fd = logsys_open(path[6] == ':' ? path + 7 : "/dev/log",
				     p->log.facility, p->log.ident);

		atomic_store(&log_fd, fd);
		set_sink(fd >= 0 ? SINK_SYSLOG : SINK_NONE);
	} else {
		is_file = true;
		per_process = strstr(path, "%p") != NULL;
		set_sink(SINK_FD);
		/* A mapped file needs its SIGBUS guard before any thread
		 * can block the signal; fatal signals trim the file. */
		if (per_process)
			sigguard_arm(log_fatal_signal);
	}
}

/* Where the program's stderr goes nowhere (a daemon's /dev/null, or
 * closed), a warning would be lost: it goes to syslog as well. */
static bool stderr_nowhere(void)
{
	struct stat st;

	if (fstat(STDERR_FILENO, &st) != 0)
		return true;
	return S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

void log_warn(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	if (sandbox_entered())
		return;
	if (stderr_nowhere())
		logsys_warn(buf, (size_t)n);
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, (size_t)n) < 0)
		return;
}

/* --------------------------------------------------------- descriptors */

bool log_owns_fd(int fd)
{
	return fd >= 0 && sink != SINK_NONE &&
	       (fd == atomic_load_explicit(&log_fd, memory_order_relaxed) ||
		fd == parent_fd);
}

int log_fd_number(void)
{
	return sink != SINK_NONE ? atomic_load(&log_fd) : -1;
}

void log_move_fd(void)
{
	int old = atomic_load(&log_fd);
	bool shut;
	int fd;

	if (old < 0)
		return;
	/* Writers holding the old number must be out before it closes. */
	shut = gate_close();
	fd = real.fcntl(old, F_DUPFD_CLOEXEC, old + 1);
	/* Nothing free above (RLIMIT_NOFILE): the highest free one below. */
	for (int below = old - 1; fd < 0 && below > STDERR_FILENO; below--)
		fd = real.fcntl(old, F_DUPFD_CLOEXEC, below);
	if (fd < 0) {
		/*
		 * No descriptor left at all. Writing on after the program's
		 * dup2 would put records into its file or socket (SIGPIPE on
		 * an unconnected one): stop logging instead.
		 */
		atomic_store(&log_fd, -1);
		set_sink(SINK_NONE);
		real.close(old);
		if (shut)
			gate_open();
		log_warn("sockshim: no file descriptor left for the log; "
			 "logging stops");
		return;
	}
	atomic_store(&log_fd, fd);
	real.close(old);
	if (shut)
		gate_open();
}

/* ------------------------------------------------- the process's life */

/* Stop mapping (the file trimmed, O_APPEND again): before exec, a
 * sandbox, or at exit. */
static void finish_mapping(void)
{
	int fd = atomic_load(&log_fd);
	bool shut;

	if (!atomic_load(&mapped) || fd < 0)
		return;
	shut = gate_close();
	logmap_finish(fd, true);
	atomic_store(&mapped, false);
	if (shut)
		gate_open();
}

static bool our_process(void)
{
	/* A vfork child shares our memory and our mapping: hands off.
	 * (Under a sandbox there is no mapping, and getpid may be refused.) */
	return sandbox_entered() || getpid() == cached_pid;
}

void log_close(void)
{
	if (sink == SINK_NONE || !our_process())
		return;
	finish_mapping();
	say_dropped();	/* with write(2): the mapping may be what failed */
}

void log_before_exec(void)
{
	if (sink == SINK_NONE || !our_process())
		return;
	sigguard_before_exec();
	say_dropped();
	finish_mapping();
}

void log_exec_failed(void)
{
	int fd = atomic_load(&log_fd);

	if (sink == SINK_NONE || !our_process())
		return;
	sigguard_exec_failed();
	if (!is_file || atomic_load(&file_state) != FILE_OPEN || fd < 0 ||
	    atomic_load(&mapped))
		return;
	if (gate_close()) {
		atomic_store(&mapped, start_mapping(fd));
		gate_open();
	}
}

void log_prepare_drop(void)
{
	if (sink == SINK_FD && is_file && sandbox_allows(SBX_FILES))
		file_fd();	/* while we still may */
}

void log_after_drop(void)
{
	dropped_privileges = true;
}

void log_before_fork(void)
{
	/*
	 * After a privilege drop a child may not create its own file: it
	 * will append to ours, so ours stops being mapped (a mapping and
	 * O_APPEND writes cannot share a file).
	 */
	if (!dropped_privileges || !per_process || !atomic_load(&mapped))
		return;
	append_only = true;
	finish_mapping();
}

void log_before_sandbox(unsigned int allowed)
{
	struct log_rec r = { .call = LC_SECCOMP, .fd = -1 };
	bool can;

	if (sink == SINK_NONE)
		return;
	finish_mapping();
	append_only = true;
	if (is_file)
		file_fd();	/* later we may not open anything */
	can = sink == SINK_SYSLOG ? allowed & (1U << SBX_SEND) :
				    allowed & (1U << SBX_WRITE);
	r.note = can ? "continues" : "stops";
	emit_now(&r);
	say_dropped();
	sink_before_sandbox = sink;
	if (!can)
		set_sink(SINK_NONE);
}

void log_sandbox_failed(void)
{
	if (sink_before_sandbox != SINK_NONE && sink == SINK_NONE)
		set_sink(sink_before_sandbox);
}

void log_limits_changed(void)
{
	if (sandbox_allows(SBX_FILES))
		refresh_limit();
}

void log_fatal_signal(int sig)
{
	int fd = atomic_load(&log_fd);

	(void)sig;
	if (fd >= 0 && atomic_load(&mapped) && getpid() == cached_pid)
		logmap_fatal(fd);
}

void log_after_fork_child(void)
{
	int fd = atomic_load(&log_fd);

	cached_pid = getpid();
	cached_tid = 0;
	opening = false;
	atomic_store(&gate_users, 0);
	atomic_store(&gate_shut, false);
	gate_keeper = false;
	for (size_t i = 0; i < NREASONS; i++)
		atomic_store(&dropped[i], 0);	/* the parent's to say */
	atomic_store(&any_dropped, false);
	if (sink != SINK_FD || !is_file)
		return;
	/*
	 * Forked while another thread was opening the file: that thread is
	 * not in the child, so open afresh here.
	 */
	if (atomic_load(&file_state) == FILE_OPENING) {
		atomic_store(&log_fd, -1);
		atomic_store(&file_state, FILE_CLOSED);
		fd = -1;
	}
	if (!per_process)
		return;	/* one shared file: the inherited O_APPEND fd serves */
	/* The parent's file and mapping are the parent's: start our own on
	 * the first record. A parent appending with write(2) lends us its
	 * file in case ours cannot be created. */
	logmap_drop();
	if (parent_fd >= 0 && parent_fd != fd)
		real.close(parent_fd);
	parent_fd = -1;
	if (fd >= 0) {
		if (atomic_load(&mapped) || atomic_load(&file_state) != FILE_OPEN)
			real.close(fd);
		else
			parent_fd = fd;
	}
	atomic_store(&mapped, false);
	append_only = false;
	atomic_store(&log_fd, -1);
	atomic_store(&file_state, FILE_CLOSED);
}
