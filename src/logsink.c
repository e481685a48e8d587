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
#include "patience.h"
#include "real.h"
#include "sandbox.h"
#include "sigguard.h"

struct sink_state lg = {
	.log_fd = -1,
	.file_state = FILE_CLOSED,
	.parent_fd = -1,
	.file_mode = 0600,
};
bool log_on;
bool log_only_policy;

/* fd 2 was closed when the log opened: whatever has the number since is
 * the program's, not a standard error. */
static bool stderr_closed_at_start;
static __thread pid_t cached_tid __attribute__((tls_model("initial-exec")));

/* log_on mirrors the sink for the inline test every hook makes. */
void sink_set(enum sink to)
{
	lg.sink = to;
	log_on = to != SINK_NONE;
}

pid_t log_pid(void)
{
	return lg.cached_pid;
}

static pid_t current_tid(void)
{
	if (!cached_tid)
		cached_tid = sandbox_allows(SBX_GETTID) ? gettid() : lg.cached_pid;
	return cached_tid;
}

/* ------------------------------------------------------------ the gate */

static atomic_int gate_users;
static atomic_bool gate_shut;
static __thread bool gate_keeper __attribute__((tls_model("initial-exec")));
/* This thread is inside (a signal handler may have interrupted it there):
 * it must not wait for the gate to empty, it would wait for itself. */
static __thread unsigned int gate_inside __attribute__((tls_model("initial-exec")));

/* A writer passes; false: a swap is under way for too long (or this
 * thread is the swapper, interrupted by a signal handler that logs). */
static bool gate_enter(void)
{
	/* A swap takes microseconds; a program that swaps our descriptor
	 * in a loop may keep us waiting longer, but never more than about
	 * a second. */
	for (struct patience p = PATIENCE_INIT;;) {
		if (!atomic_load(&gate_shut)) {
			atomic_fetch_add(&gate_users, 1);
			if (!atomic_load(&gate_shut)) {
				gate_inside++;
				return true;
			}
			atomic_fetch_sub(&gate_users, 1);
		}
		if (gate_keeper || !patience_wait(&p))
			return false;
	}
}

static void gate_leave(void)
{
	gate_inside--;
	atomic_fetch_sub(&gate_users, 1);
}

/* Shut the gate and wait for the writers inside (about a second at
 * most); false: the gate is not ours, try another time. A signal handler
 * that interrupted this thread inside the gate gets false at once. */
bool sink_gate_close(void)
{
	struct patience p = PATIENCE_INIT;

	if (gate_inside || atomic_exchange(&gate_shut, true))
		return false;
	gate_keeper = true;
	while (atomic_load(&gate_users) > 0)
		if (!patience_wait(&p)) {
			gate_keeper = false;
			atomic_store(&gate_shut, false);
			return false;
		}
	return true;
}

void sink_gate_open(void)
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

static bool pipe_like(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 &&
	       (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

/* ------------------------------------------------------------- writing */


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
	unsigned long long lim = atomic_load_explicit(&lg.fsize_limit,
						      memory_order_relaxed);
	ssize_t w;
	int err;

	if (lg.is_pipe && sandbox_allows(SBX_SIGMASK)) {
		if (write_guarded(fd, buf, n, SIGPIPE))
			return true;
		*why = logmap_errno_reason(errno);
		return false;
	}
	if (lim != LOGMAP_NO_LIMIT && lg.is_file) {
		struct stat st;

		/* Stay under the limit: the record whole or not at all, and
		 * never a SIGXFSZ. Without the calls that make sure of it
		 * (a sandbox), not at all. */
		if (!sandbox_allows(SBX_SIGMASK)) {
			*why = "file size limit";
			return false;
		}
		if (!saying && lim > 2 * DROPPED_ROOM)
			lim -= DROPPED_ROOM;
		if (sandbox_allows(SBX_FILES) && fstat(fd, &st) == 0 &&
		    S_ISREG(st.st_mode) &&
		    (unsigned long long)st.st_size + n > lim) {
			*why = "file size limit";
			return false;
		}
		if (write_guarded(fd, buf, n, SIGXFSZ))
			return true;
		*why = logmap_errno_reason(errno);
		return false;
	}
	w = write(fd, buf, n);
	if (w == (ssize_t)n)
		return true;
	err = w < 0 ? errno : ENOSPC;	/* short: the disk filled up */
	if (w > 0 && lg.is_file && sandbox_allows(SBX_FILES)) {
		/*
		 * Part of a record: take it back, so the next one does not
		 * start mid-line. On a full disk no other writer can extend
		 * the file meanwhile, so its end is still this fragment's.
		 */
		struct stat st;

		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_size >= w && ftruncate(fd, st.st_size - w) != 0)
			err = EIO;
	}
	*why = logmap_errno_reason(err);
	return false;
}

/* Write one record where the sink says; false: dropped, *why says why. */
static bool write_record(const char *buf, size_t n, const char **why)
{
	int fd;

	if (lg.sink == SINK_SYSLOG) {
		*why = "syslog unavailable";
		return logsys_send(atomic_load_explicit(&lg.log_fd,
							memory_order_relaxed),
				   buf, n - 1);
	}
	fd = lg.is_file ? sink_file_fd() :
		       atomic_load_explicit(&lg.log_fd, memory_order_relaxed);
	if (fd < 0) {
		*why = fd == SINK_BUSY ? "busy" : "cannot open";
		return false;
	}
	if (atomic_load_explicit(&lg.mapped, memory_order_relaxed)) {
		switch (logmap_append(fd, buf, n, why)) {
		case LM_WRITTEN:
			return true;
		case LM_DROPPED:
			/* Truncated under us: map again at once, on the next
			 * record, not a second later. */
			if (*why && strcmp(*why, "truncated") == 0)
				atomic_store(&lg.next_check, 0);
			return false;
		case LM_NOT_MAPPED:
			break;
		}
	}
	return write_plain(fd, buf, n, why);
}

static size_t format_record(const struct log_rec *r, char *buf, size_t len)
{
	struct log_ctx c = { .pid = lg.cached_pid, .tid = current_tid(),
			     .prog = lg.prog,
			     .host = lg.host[0] ? lg.host : NULL };

	clock_gettime(CLOCK_REALTIME, &c.ts);
	return lg.format == LOGF_JSON ? log_format_json(&c, r, buf, len) :
				     log_format_text(&c, r, buf, len);
}

/* Emit one record through the gate; false: it was dropped (counted). */
bool sink_emit_now(const struct log_rec *r)
{
	char buf[RECORD_MAX];
	const char *why = "busy";
	size_t n = format_record(r, buf, sizeof(buf));
	bool ok = false;

	if (gate_enter()) {
		ok = write_record(buf, n, &why);
		gate_leave();
	}
	if (!ok && !gate_keeper && why && strcmp(why, "truncated") == 0) {
		/* The file was cut under us: map it again at its new end
		 * now, and the record goes there instead of being lost. */
		sink_maybe_check();
		if (gate_enter()) {
			ok = write_record(buf, n, &why);
			gate_leave();
		}
	}
	if (!ok)
		count_drop(why);
	return ok;
}

/* Say what was lost, once the log writes again. */
void sink_say_dropped(void)
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
		if (!sink_emit_now(&r)) {
			/* Still failing: this one is lost too. */
			atomic_fetch_add(&dropped[i], n);
			atomic_store(&any_dropped, true);
		}
	}
	saying = false;
}

void log_emit(const struct log_rec *r)
{
	if (lg.sink == SINK_NONE)
		return;
	sink_maybe_check();
	if (sink_emit_now(r) &&
	    atomic_load_explicit(&any_dropped, memory_order_relaxed))
		sink_say_dropped();
}

/* ---------------------------------------------------------- open, warn */

void log_open(const struct log_conf *conf, const char *progname)
{
	const char *path = conf->path;

	snprintf(lg.prog, sizeof(lg.prog), "%s", progname && *progname ? progname : "?");
	stderr_closed_at_start = real.fcntl(STDERR_FILENO, F_GETFD) < 0;
	lg.cached_pid = getpid();
	lg.format = conf->format;
	log_only_policy = conf->calls == LOGC_POLICY;
	lg.file_mode = conf->file_mode;
	if (conf->host[0] &&
	    !log_expand_host(conf->host, lg.host, sizeof(lg.host)))
		lg.host[0] = '\0';
	snprintf(lg.path_tmpl, sizeof(lg.path_tmpl), "%s", path);
	sink_refresh_limit();
	if (strcmp(path, "none") == 0) {
		sink_set(SINK_NONE);
	} else if (strcmp(path, "stderr") == 0) {
		int fd = log_dup_high(STDERR_FILENO);

		lg.is_pipe = fd >= 0 && pipe_like(fd);
		atomic_store(&lg.log_fd, fd);
		atomic_store(&lg.file_state, fd >= 0 ? FILE_OPEN : FILE_FAILED);
		sink_set(fd >= 0 ? SINK_FD : SINK_NONE);
	} else if (strcmp(path, "syslog") == 0 ||
		   strncmp(path, "syslog:", 7) == 0) {
		int fd = logsys_open(path[6] == ':' ? path + 7 : "/dev/log",
				     conf->facility, conf->ident,
				     conf->syslog_format == LOGS_RFC5424,
				     lg.host);

		atomic_store(&lg.log_fd, fd);
		sink_set(fd >= 0 ? SINK_SYSLOG : SINK_NONE);
	} else {
		lg.is_file = true;
		lg.per_process = strstr(path, "%p") != NULL;
		sink_set(SINK_FD);
		/* A mapped file needs its SIGBUS guard before any thread
		 * can block the signal; fatal signals trim the file. */
		if (lg.per_process)
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

/* In .data, as shim_lazy (shim.c): written in every process's start. */
__attribute__((section(".data"))) static bool warn_syslog_only;

__attribute__((cold)) void log_warn_syslog_only(void)
{
	warn_syslog_only = true;
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
	if (warn_syslog_only || stderr_closed_at_start || stderr_nowhere())
		logsys_warn(buf, (size_t)n);
	/* A program started without fd 2 has since given the number to a
	 * file or socket of its own: not ours to write to. Nor is the
	 * stderr of a program that never asked for us (a host-wide
	 * preload). */
	if (stderr_closed_at_start || warn_syslog_only)
		return;
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, (size_t)n) < 0)
		return;
}

/* --------------------------------------------------------- descriptors */

bool log_owns_fd(int fd)
{
	return fd >= 0 && lg.sink != SINK_NONE &&
	       (fd == atomic_load_explicit(&lg.log_fd, memory_order_relaxed) ||
		fd == lg.parent_fd);
}

int log_fd_number(void)
{
	return lg.sink != SINK_NONE ? atomic_load(&lg.log_fd) : -1;
}

void log_move_fd(void)
{
	int old = atomic_load(&lg.log_fd);
	bool shut;
	int fd;

	if (old < 0)
		return;
	/* Writers holding the old number must be out before it closes. */
	shut = sink_gate_close();
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
		atomic_store(&lg.log_fd, -1);
		sink_set(SINK_NONE);
		real.close(old);
		if (shut)
			sink_gate_open();
		log_warn("sockshim: no file descriptor left for the log; "
			 "logging stops");
		return;
	}
	atomic_store(&lg.log_fd, fd);
	real.close(old);
	if (shut)
		sink_gate_open();
}

/* In a fork child: what was the parent's threads' is not ours. */
void sink_after_fork(void)
{
	cached_tid = 0;
	/* The other threads are gone; this one may be inside the gate (a
	 * handler that forked), and will leave it. */
	atomic_store(&gate_users, (int)gate_inside);
	atomic_store(&gate_shut, false);
	gate_keeper = false;
	for (size_t i = 0; i < NREASONS; i++)
		atomic_store(&dropped[i], 0);	/* the parent's to say */
	atomic_store(&any_dropped, false);
}
