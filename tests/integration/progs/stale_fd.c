// SPDX-License-Identifier: MIT
/*
 * stale_fd — a socket's number closed where no close() hook sees it
 * (fclose of an fdopen()ed socket, a raw close system call), then handed
 * out again by a call that makes no socket. The new fd is dup()ed and
 * both copies closed: none of that is a socket's doing.
 *
 * One line per case: "CASE fd=N reused" when the new fd got the
 * socket's number (the case tests what it means to), or "CASE fd=N
 * other=M" when it did not. At the end, a real socket is dup()ed and
 * closed: the only dup and close the shim may log. Usage: stale_fd DIR
 * (a directory to create a file in).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

/* What a _FORTIFY_SOURCE build calls for open(path, flags). */
extern int __open_2(const char *path, int flags);
extern int open64(const char *path, int flags, ...);

static const char *dir;
static int failures;

/* A socket, gone without close(): its number is free again. */
static int vanished_socket(int by_fclose)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0) {
		perror("socket");
		exit(2);
	}
	if (by_fclose) {
		FILE *f = fdopen(s, "r+");

		if (!f) {
			perror("fdopen");
			exit(2);
		}
		fclose(f);
	} else {
		syscall(SYS_close, s);
	}
	return s;
}

/* The new fd is used as programs do: a copy made, both closed. */
static void use(const char *what, int was, int fd)
{
	int d;

	if (fd < 0) {
		printf("%s failed: %s\n", what, strerror(errno));
		failures++;
		return;
	}
	if (fd == was)
		printf("%s fd=%d reused\n", what, fd);
	else
		printf("%s fd=%d other=%d\n", what, was, fd);
	d = dup(fd);
	if (d < 0 || close(d) != 0 || close(fd) != 0) {
		printf("%s: dup/close failed: %s\n", what, strerror(errno));
		failures++;
	}
}

static void pair(const char *what, int was, int ret, int fds[2])
{
	if (ret != 0) {
		printf("%s failed: %s\n", what, strerror(errno));
		failures++;
		return;
	}
	close(fds[1]);
	use(what, was, fds[0]);
}

int main(int argc, char **argv)
{
	char path[4096];
	sigset_t mask;
	int s, fds[2];
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: stale_fd DIR\n");
		return 2;
	}
	dir = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(path, sizeof(path), "%s/stale_fd.file", dir);
	sigemptyset(&mask);

	/* Closed inside libc by fclose: the case. */
	s = vanished_socket(1);
	use("fclose+open", s, open("/dev/null", O_RDONLY));
	s = vanished_socket(1);
	f = fopen("/dev/null", "r");	/* libc's own open: not seen */
	if (!f) {
		perror("fopen");
		return 2;
	}
	printf("fclose+fopen fd=%d %s\n", s,
	       fileno(f) == s ? "reused" : "other");
	fds[0] = dup(fileno(f));
	if (fds[0] < 0 || close(fds[0]) != 0 || fclose(f) != 0) {
		printf("fclose+fopen: dup/close failed: %s\n", strerror(errno));
		failures++;
	}

	/* Closed by a raw system call; each call that hands out a number. */
	s = vanished_socket(0);
	use("open", s, open("/dev/null", O_RDONLY));
	s = vanished_socket(0);
	use("open64", s, open64("/dev/null", O_RDONLY));
	s = vanished_socket(0);
	use("openat", s, openat(AT_FDCWD, "/dev/null", O_RDONLY));
	s = vanished_socket(0);
	use("__open_2", s, __open_2("/dev/null", O_RDONLY));
	s = vanished_socket(0);
	use("creat", s, creat(path, 0600));
	s = vanished_socket(0);
	pair("pipe", s, pipe(fds), fds);
	s = vanished_socket(0);
	pair("pipe2", s, pipe2(fds, O_CLOEXEC), fds);
	s = vanished_socket(0);
	use("eventfd", s, eventfd(0, 0));
	s = vanished_socket(0);
	use("timerfd_create", s, timerfd_create(CLOCK_MONOTONIC, 0));
	s = vanished_socket(0);
	use("signalfd", s, signalfd(-1, &mask, 0));
	s = vanished_socket(0);
	use("epoll_create", s, epoll_create(1));
	s = vanished_socket(0);
	use("epoll_create1", s, epoll_create1(0));
	s = vanished_socket(0);
	use("memfd_create", s, memfd_create("stale_fd", 0));
	s = vanished_socket(0);
	use("inotify_init", s, inotify_init());
	s = vanished_socket(0);
	use("inotify_init1", s, inotify_init1(0));
	unlink(path);

	/* A socket after all that: its dup and close are the socket's. */
	s = socket(AF_INET, SOCK_STREAM, 0);
	use("socket", s, s);
	printf("done %d\n", failures);
	return failures ? 1 : 0;
}
