// SPDX-License-Identifier: MIT
/*
 * shim_fds — fd numbers: close, the dup family, fcntl's F_DUPFD,
 * close_range and closefrom keep the table of socket facts in step with
 * the kernel's fd table, and keep the log's own fd out of the program's
 * reach; every other call that hands out a number (open, pipe, ...)
 * drops what the table still says about it.
 */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <unistd.h>

#include "fdtab.h"
#include "log.h"
#include "real.h"
#include "shim.h"
#include "shim_int.h"

int shim_close(int fd)
{
	struct sockinfo si;
	struct frame f;
	bool was_socket;

	if (!call_begin(&f))
		return real.close(fd);
	/* The log's fd is not the program's: without us it would not be open. */
	if (log_owns_fd(fd)) {
		call_refuse(&f, EBADF);
		return call_end(&f, NULL);
	}
	/* Forget first: once closed, another thread may get the number. */
	was_socket = fdtab_take(fd, &si);
	call_done(&f, real.close(fd));
	if (was_socket && logging(ACT_NONE)) {
		struct log_rec r = { .call = LC_CLOSE, .fd = fd };

		return call_end(&f, &r);
	}
	return call_end(&f, NULL);
}

int shim_dup(int fd)
{
	struct log_rec r = { .call = LC_DUP, .fd = fd };
	struct sockinfo si;
	struct frame f;

	if (!call_begin(&f))
		return real.dup(fd);
	if (log_owns_fd(fd)) {
		call_refuse(&f, EBADF);
		return call_end(&f, NULL);
	}
	call_done(&f, real.dup(fd));
	if (!f.failed)
		fdtab_copy(fd, (int)f.ret);
	return call_end(&f, fdtab_get(fd, &si) ? &r : NULL);
}

int shim_dup3(int oldfd, int newfd, int flags, bool is_dup3)
{
	struct log_rec r = { .call = is_dup3 ? LC_DUP3 : LC_DUP2, .fd = oldfd,
			     .arg = newfd };
	struct sockinfo si;
	struct frame f;
	bool involved;

	if (!call_begin(&f))
		return is_dup3 ? real.dup3(oldfd, newfd, flags) :
				 real.dup2(oldfd, newfd);
	if (log_owns_fd(oldfd)) {
		call_refuse(&f, EBADF);
		return call_end(&f, NULL);
	}
	if (log_owns_fd(newfd) && oldfd != newfd)
		log_move_fd();
	involved = fdtab_get(oldfd, &si) || fdtab_get(newfd, &si);
	call_done(&f, is_dup3 ? real.dup3(oldfd, newfd, flags) :
				real.dup2(oldfd, newfd));
	if (!f.failed && oldfd != newfd)
		fdtab_copy(oldfd, newfd);
	return call_end(&f, involved ? &r : NULL);
}

int shim_fcntl(int fd, int cmd, unsigned long arg, bool is64)
{
	int (*fn)(int, int, ...) = is64 ? real.fcntl64 : real.fcntl;
	struct log_rec r = { .call = LC_FCNTL, .fd = fd, .arg = cmd,
			     .lo = (unsigned int)arg };
	struct sockinfo si;
	struct frame f;

	if (!call_begin(&f))
		return fn(fd, cmd, arg);
	if (log_owns_fd(fd)) {
		call_refuse(&f, EBADF);
		return call_end(&f, NULL);
	}
	call_done(&f, fn(fd, cmd, arg));
	/* F_GETOWN answers a process group as a negative number. */
	if (f.failed && f.ret != -1) {
		f.failed = false;
		f.err = 0;
	}
	if ((cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC) || f.failed)
		return call_end(&f, NULL);
	fdtab_copy(fd, (int)f.ret);
	return call_end(&f, fdtab_get(fd, &si) ? &r : NULL);
}

/*
 * close_range over a span that holds the log's fd closes around it, so
 * a program that closes everything at start-up does not silence us.
 */
static int close_range_around(unsigned int lo, unsigned int hi, int flags)
{
	int own = log_fd_number();
	int ret = 0;

	if (own < 0 || (unsigned int)own < lo || (unsigned int)own > hi)
		return real.close_range(lo, hi, flags);
	if ((unsigned int)own > lo)
		ret = real.close_range(lo, (unsigned int)own - 1, flags);
	if (ret == 0 && (unsigned int)own < hi)
		ret = real.close_range((unsigned int)own + 1, hi, flags);
	return ret;
}

int shim_close_range(unsigned int lo, unsigned int hi, int flags)
{
	struct log_rec r = { .call = LC_CLOSE_RANGE, .fd = -1, .lo = lo,
			     .hi = hi, .arg = flags };
	size_t sockets = 0;
	struct frame f;

	if (!call_begin(&f))
		return real.close_range(lo, hi, flags);
	/* Only a call that will close: bad flags leave every fd open, and
	 * CLOSE_RANGE_CLOEXEC only marks them (still worth a record). */
	if (lo <= hi && (flags & ~CLOSE_RANGE_UNSHARE) == 0)
		sockets = fdtab_clear_range(lo, hi);
	else if (lo <= hi && (flags & ~(int)(CLOSE_RANGE_UNSHARE |
					     CLOSE_RANGE_CLOEXEC)) == 0)
		sockets = fdtab_count_range(lo, hi);
	call_done(&f, close_range_around(lo, hi, flags));
	return call_end(&f, sockets ? &r : NULL);
}

void shim_closefrom(int lo)
{
	struct log_rec r = { .call = LC_CLOSEFROM, .fd = -1,
			     .lo = lo < 0 ? 0 : (unsigned int)lo, .hi = ~0U };
	struct frame f;
	int own;

	if (!call_begin(&f)) {
		real.closefrom(lo);
		return;
	}
	own = log_fd_number();
	call_done(&f, 0);	/* closefrom cannot fail */
	if (fdtab_clear_range(r.lo, r.hi))
		call_emit(&f, &r);
	if (own < 0 || own < lo) {
		real.closefrom(lo);
	} else if (close_range_around(r.lo, r.hi, 0) != 0) {
		/* No close_range (old kernel): the slow way, around our fd. */
		for (long fd = r.lo, max = sysconf(_SC_OPEN_MAX); fd < max; fd++)
			if (fd != own)
				real.close((int)fd);
	}
	call_end(&f, NULL);
}

/*
 * Hot for some programs (open, pipe): no initialisation, no log, one
 * load when the table never had a socket at that number.
 */
int shim_fd_new(int fd)
{
	if (fd >= 0)
		fdtab_clear(fd);
	return fd;
}

int shim_fd_pair(int ret, const int fds[2])
{
	if (ret == 0) {
		fdtab_clear(fds[0]);
		fdtab_clear(fds[1]);
	}
	return ret;
}

/* Forget first: once closed, another thread may get the number. */
void shim_stream_closing(FILE *stream)
{
	int err = errno;
	int fd = stream ? fileno_unlocked(stream) : -1;

	if (fd >= 0)
		fdtab_clear(fd);
	errno = err;
}
