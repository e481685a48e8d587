// SPDX-License-Identifier: MIT
/*
 * supervise_child — the program's start. After fork the child (still
 * sockshim) installs the filter, which gives it the listener; it sends
 * that to the parent over a socket pair (SCM_RIGHTS) and waits for one
 * byte: the supervisor is listening, or has given up. Then it execs the
 * program, whose stopped calls the parent answers from then on.
 * sv_recv_fd is the parent's end. See supervise_int.h for the other
 * rooms.
 */
#include "build-config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "supervise_int.h"

#define EX_SOFTWARE 70

static bool send_fd(int sock, int fd, int err)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &err, sizeof(err) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(cbuf, 0, sizeof(cbuf));
		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &m, MSG_NOSIGNAL) == (ssize_t)sizeof(err);
}

/* -1 and *err: no listener (the child said why, or said nothing). */
int sv_recv_fd(int sock, int *err)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { err, sizeof(*err) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t got;
	int fd = -1;

	*err = 0;
	do
		got = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (got < 0 && errno == EINTR);
	if (got != (ssize_t)sizeof(*err)) {
		*err = got < 0 ? errno : EPIPE;
		return -1;
	}
	c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

void sv_child_main(const struct sv_child *cs, char **argv)
{
	unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER;
	char ack;
	int fd, err = 0;

	/* The supervisor gone, nobody would answer: go with it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != cs->parent)
		_exit(EX_SOFTWARE);
	sigaction(SIGPIPE, cs->pipe_act, NULL);
	sigprocmask(SIG_SETMASK, cs->mask, NULL);
	/* Unprivileged filters need no_new_privs; root's do not, and then
	 * set-id programs the program runs keep working. */
	if (!sv_have_cap_sys_admin())
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (cs->killable)
		flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	fd = (int)sv_seccomp(SECCOMP_SET_MODE_FILTER, flags, cs->prog);
	if (fd < 0 && cs->killable && errno == EINVAL)
		fd = (int)sv_seccomp(SECCOMP_SET_MODE_FILTER,
				     SECCOMP_FILTER_FLAG_NEW_LISTENER, cs->prog);
	if (fd < 0)
		err = errno;
	if (!send_fd(cs->sock, fd, err))
		_exit(EX_SOFTWARE);
	if (fd >= 0)
		close(fd);
	/* Wait for the supervisor to be listening (or to give up). */
	if (read(cs->sock, &ack, 1) != 1)
		_exit(EX_SOFTWARE);
	close(cs->sock);
	execvp(argv[0], argv);
	err = errno;
	fprintf(stderr, "sockshim: %s: %s\n", argv[0], strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}
