// SPDX-License-Identifier: MIT
/*
 * loglife — the log through the process's life: exit, exec, fork,
 * privilege drops, the program's own seccomp sandbox, size limits and
 * fatal signals. Each keeps the records and costs the program nothing.
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

/* ------------------------------------------------- the process's life */

/* Stop mapping (the file trimmed, O_APPEND again): before exec, a
 * sandbox, or at exit. */
static void finish_mapping(void)
{
	int fd = atomic_load(&lg.log_fd);
	bool shut;

	if (!atomic_load(&lg.mapped) || fd < 0)
		return;
	shut = sink_gate_close();
	logmap_finish(fd, true);
	atomic_store(&lg.mapped, false);
	if (shut)
		sink_gate_open();
}

static bool our_process(void)
{
	/* A vfork child shares our memory and our mapping: hands off.
	 * (Under a sandbox there is no mapping, and getpid may be refused.) */
	return sandbox_entered() || getpid() == lg.cached_pid;
}

void log_close(void)
{
	if (lg.sink == SINK_NONE || !our_process())
		return;
	finish_mapping();
	sink_say_dropped();	/* with write(2): the mapping may be what failed */
}

void log_before_exec(void)
{
	/* The new image gets the signal mask the program asked for, also
	 * from a vfork child (the mask is the child's own). */
	sigguard_before_exec();
	if (lg.sink == SINK_NONE || !our_process())
		return;
	sink_say_dropped();
	finish_mapping();
}

void log_exec_failed(void)
{
	int fd = atomic_load(&lg.log_fd);

	sigguard_exec_failed();
	if (lg.sink == SINK_NONE || !our_process())
		return;
	if (!lg.is_file || atomic_load(&lg.file_state) != FILE_OPEN || fd < 0 ||
	    atomic_load(&lg.mapped))
		return;
	if (sink_gate_close()) {
		atomic_store(&lg.mapped, sink_start_mapping(fd));
		sink_gate_open();
	}
}

void log_prepare_drop(void)
{
	if (lg.sink == SINK_FD && lg.is_file && sandbox_allows(SBX_FILES))
		sink_file_fd();	/* while we still may */
}

void log_after_drop(void)
{
	lg.dropped_privileges = true;
}

void log_before_fork(void)
{
	/*
	 * After a privilege drop a child may not create its own file: it
	 * will append to ours, so ours stops being mapped (a mapping and
	 * O_APPEND writes cannot share a file).
	 */
	if (!lg.dropped_privileges || !lg.per_process || !atomic_load(&lg.mapped))
		return;
	lg.append_only = true;
	finish_mapping();
}

void log_before_sandbox(unsigned int allowed)
{
	struct log_rec r = { .call = LC_SECCOMP, .fd = -1 };
	bool can;

	if (lg.sink == SINK_NONE)
		return;
	finish_mapping();
	lg.append_only = true;
	if (lg.is_file)
		sink_file_fd();	/* later we may not open anything */
	can = lg.sink == SINK_SYSLOG ? allowed & (1U << SBX_SEND) :
				    allowed & (1U << SBX_WRITE);
	r.note = can ? "continues" : "stops";
	sink_emit_now(&r);
	sink_say_dropped();
	lg.sink_before_sandbox = lg.sink;
	if (!can)
		sink_set(SINK_NONE);
}

void log_sandbox_failed(void)
{
	if (lg.sink_before_sandbox != SINK_NONE && lg.sink == SINK_NONE)
		sink_set(lg.sink_before_sandbox);
}

void log_limits_changed(void)
{
	if (sandbox_allows(SBX_FILES))
		sink_refresh_limit();
}

void log_fatal_signal(int sig)
{
	int fd = atomic_load(&lg.log_fd);

	(void)sig;
	if (fd >= 0 && atomic_load(&lg.mapped) && getpid() == lg.cached_pid)
		logmap_fatal(fd);
}

void log_after_fork_child(void)
{
	int fd = atomic_load(&lg.log_fd);

	lg.cached_pid = getpid();
	sink_after_fork();
	file_after_fork();
	if (lg.sink != SINK_FD || !lg.is_file)
		return;
	/*
	 * Forked while another thread was opening the file: that thread is
	 * not in the child, so open afresh here.
	 */
	if (atomic_load(&lg.file_state) == FILE_OPENING) {
		atomic_store(&lg.log_fd, -1);
		atomic_store(&lg.file_state, FILE_CLOSED);
		fd = -1;
	}
	if (!lg.per_process)
		return;	/* one shared file: the inherited O_APPEND fd serves */
	/* The parent's file and mapping are the parent's: start our own on
	 * the first record. A parent appending with write(2) lends us its
	 * file in case ours cannot be created. */
	logmap_drop();
	if (lg.parent_fd >= 0 && lg.parent_fd != fd)
		real.close(lg.parent_fd);
	lg.parent_fd = -1;
	if (fd >= 0) {
		if (atomic_load(&lg.mapped) || atomic_load(&lg.file_state) != FILE_OPEN)
			real.close(fd);
		else
			lg.parent_fd = fd;
	}
	atomic_store(&lg.mapped, false);
	lg.append_only = false;
	atomic_store(&lg.log_fd, -1);
	atomic_store(&lg.file_state, FILE_CLOSED);
}
