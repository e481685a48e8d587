// SPDX-License-Identifier: MIT
/*
 * supervise_task — the threads whose calls stop: each known by a pidfd
 * (one per thread where the kernel has PIDFD_THREAD, else the process's,
 * opened afresh each time), through which we reach its descriptors, and
 * its memory through process_vm_readv. A process that keeps us out is
 * named once on stderr. See supervise_int.h for the other rooms.
 */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "supervise_int.h"

/* Name, thread group and effective capabilities from /proc/TID/status. */
bool sv_task_status(pid_t tid, char *comm, size_t clen, pid_t *tgid,
		    uint64_t *capeff)
{
	char path[64], buf[2048], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	if (comm && (p = strstr(buf, "Name:\t"))) {
		p += 6;
		snprintf(comm, clen, "%.*s", (int)strcspn(p, "\n"), p);
	}
	if (tgid) {
		p = strstr(buf, "\nTgid:\t");
		if (!p)
			return false;
		*tgid = (pid_t)strtol(p + 7, NULL, 10);
	}
	if (capeff) {
		p = strstr(buf, "\nCapEff:\t");
		if (!p)
			return false;
		*capeff = strtoull(p + 9, NULL, 16);
	}
	return true;
}

bool sv_notif_valid(const struct sv *s, uint64_t id)
{
	return ioctl(s->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* Open a pidfd for the caller of notification n, proven to be it. */
static bool task_fill(struct sv *s, struct sv_task *t,
		      const struct seccomp_notif *n)
{
	if (t->pidfd >= 0)
		close(t->pidfd);
	t->pidfd = -1;
	t->tid = 0;
	if (!sv_task_status((pid_t)n->pid, t->comm, sizeof(t->comm), &t->tgid,
			    NULL))
		return false;
	/* A thread's own pidfd reaches its own fd table; without one, the
	 * process's (and nothing is kept: the number may move on). */
	if (s->feat.thread_pidfd)
		t->pidfd = (int)syscall(SYS_pidfd_open, n->pid, PIDFD_THREAD);
	else
		t->pidfd = (int)syscall(SYS_pidfd_open, t->tgid, 0);
	if (t->pidfd < 0 || !sv_notif_valid(s, n->id)) {
		if (t->pidfd >= 0)
			close(t->pidfd);
		t->pidfd = -1;
		return false;
	}
	t->tid = (pid_t)n->pid;
	t->stale = !s->feat.thread_pidfd;
	return true;
}

struct sv_task *sv_task_get(struct sv *s, const struct seccomp_notif *n)
{
	struct sv_task *t = &s->tasks[n->pid % TASK_SLOTS];

	if (t->tid == (pid_t)n->pid && t->pidfd >= 0 && !t->stale)
		return t;
	return task_fill(s, t, n) ? t : NULL;
}

/*
 * A process that keeps us out (not dumpable, for one): its calls go on
 * as it makes them. Say so once per process.
 */
static void say_refused(struct sv *s, const struct sv_task *t)
{
	for (unsigned int i = 0; i < 32; i++)
		if (s->refused[i] == t->tgid)
			return;
	s->refused[s->nrefused++ % 32] = t->tgid;
	fprintf(stderr, "sockshim: warning: %s (pid %d) does not let the "
			"supervisor read its memory or descriptors (not "
			"dumpable?): its socket calls go on as it makes them\n",
		t->comm, (int)t->tgid);
}

/* The caller's socket fd, as a descriptor of ours; -1 if none. */
int sv_task_getfd(struct sv *s, struct sv_task *t,
		  const struct seccomp_notif *n, int fd)
{
	int dup = (int)syscall(SYS_pidfd_getfd, t->pidfd, fd, 0);

	/* A kept pidfd of a thread that has gone: the number is someone
	 * else's now. Open it afresh, once. */
	if (dup < 0 && errno == ESRCH && task_fill(s, t, n))
		dup = (int)syscall(SYS_pidfd_getfd, t->pidfd, fd, 0);
	if (dup < 0 && errno == EPERM)
		say_refused(s, t);
	return dup;
}

bool sv_read_mem(struct sv *s, const struct sv_task *t, pid_t pid,
		 uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };

	if (!addr)
		return false;
	if (process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len)
		return true;
	if (errno == EPERM && t)
		say_refused(s, t);
	return false;
}

/* An exec: the names kept for this process's threads are stale. */
void sv_task_exec(struct sv *s, const struct seccomp_notif *n)
{
	const struct sv_task *t = &s->tasks[n->pid % TASK_SLOTS];
	pid_t tgid = t->tid == (pid_t)n->pid ? t->tgid : 0;

	for (int i = 0; i < TASK_SLOTS; i++)
		if (s->tasks[i].tid == (pid_t)n->pid ||
		    (tgid && s->tasks[i].tgid == tgid))
			s->tasks[i].stale = true;
}
