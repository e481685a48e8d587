// SPDX-License-Identifier: MIT
/*
 * closeall — fd housekeeping that would silence a careless logger.
 *
 *   closeall [LOGPATH]
 *
 * Phases, each followed by a few socket + setsockopt(SO_PRIORITY = phase)
 * + close rounds whose records the test counts in the log:
 *   1  close(fd) for every fd in 3..1023
 *   2  close_range(3, ~0U, 0)
 *   3  closefrom(3)
 *   4  dup2(s, fd) for every fd in 3..1100, then closefrom(3)
 * With LOGPATH, the fd pointing at it (the shim's log) is looked up in
 * /proc/self/fd and closed; those lines start with "logfd" and are the
 * only ones that differ from a run without the shim.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ROUNDS 5
#define DUP_LAST 1100

static const char *logpath;

/* The fd whose target is the log file, or -1. */
static int find_log_fd(void)
{
	char link[300], target[PATH_MAX];
	struct dirent *de;
	int found = -1;
	DIR *d;

	if (!logpath)
		return -1;
	d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%s", de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, logpath) == 0)
			found = atoi(de->d_name);
	}
	closedir(d);
	return found;
}

static void check_log_fd(const char *when)
{
	int fd = find_log_fd(), r, err;

	if (!logpath)
		return;
	if (fd < 0) {
		printf("logfd %s none\n", when);
		return;
	}
	errno = 0;
	r = close(fd);
	err = errno;
	printf("logfd %s %d close=%d %s still=%s\n", when, fd, r,
	       r ? strerrorname_np(err) : "-",
	       find_log_fd() == fd ? "yes" : "no");
}

static void rounds(int phase)
{
	int ok = 0;

	for (int i = 0; i < ROUNDS; i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (s < 0) {
			printf("phase %d socket failed %s\n", phase,
			       strerrorname_np(errno));
			continue;
		}
		if (setsockopt(s, SOL_SOCKET, SO_PRIORITY, &phase,
			       sizeof(phase)) == 0)
			ok++;
		close(s);
	}
	printf("phase %d rounds %d/%d\n", phase, ok, ROUNDS);
}

int main(int argc, char **argv)
{
	int closed = 0, s, dup_ok = 0, dup_fail = 0, first_err = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	logpath = argc > 1 ? argv[1] : NULL;
	check_log_fd("start");
	rounds(0);

	for (int fd = 3; fd < 1024; fd++)
		closed += close(fd) == 0;
	printf("phase 1 close loop closed some=%d\n", closed > 0);
	rounds(1);

	errno = 0;
	printf("phase 2 close_range = %d\n", close_range(3, ~0U, 0));
	rounds(2);

	closefrom(3);
	printf("phase 3 closefrom\n");
	rounds(3);

	s = socket(AF_INET, SOCK_STREAM, 0);
	printf("phase 4 socket = %d\n", s);
	for (int fd = 3; fd <= DUP_LAST; fd++) {
		if (fd == s)
			continue;
		errno = 0;
		if (dup2(s, fd) == fd) {
			dup_ok++;
		} else {
			dup_fail++;
			if (!first_err)
				first_err = fd;
		}
	}
	printf("phase 4 dup2 ok=%d failed=%d first_failed=%d\n", dup_ok,
	       dup_fail, first_err);
	check_log_fd("after-dup2");
	closefrom(3);
	rounds(4);
	check_log_fd("end");
	puts("done");
	return 0;
}
