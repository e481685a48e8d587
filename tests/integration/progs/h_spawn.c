// SPDX-License-Identifier: MIT
/*
 * h_spawn — children started by vfork + exec and by posix_spawn from a
 * program whose sockets the shim is handling.
 *
 *   h_spawn            the parent: a socket, then the children below
 *   h_spawn child N    a child: a socket, prints what SO_REUSEADDR
 *                      reads, exits N
 *
 * The parent runs itself as "child 3" via vfork + execv and as
 * "child 5" via posix_spawn, and /bin/sh -c 'echo ...; exit 7' via
 * posix_spawnp, then prints each exit status.
 */
#include "build-config.h"

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int child(int code)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), v = -1;
	socklen_t len = sizeof(v);

	getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &len);
	printf("child %d: pid=%d reuseaddr=%d\n", code, (int)getpid(), v);
	fflush(stdout);
	close(fd);
	return code;
}

static int status_of(pid_t pid)
{
	int st;

	if (pid <= 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	char self[4096];
	char *vf_argv[] = { self, "child", "3", NULL };
	char *ps_argv[] = { self, "child", "5", NULL };
	char *sh_argv[] = { "sh", "-c", "echo shell child; exit 7", NULL };
	int fd;
	ssize_t n;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "child") == 0)
		return child(atoi(argv[2]));
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	fd = socket(AF_INET, SOCK_STREAM, 0);
	printf("parent: socket %d\n", fd);
	fflush(stdout);

	pid = vfork();
	if (pid == 0) {
		execv(self, vf_argv);
		_exit(127);
	}
	printf("vfork: exit %d\n", status_of(pid));

	if (posix_spawn(&pid, self, NULL, NULL, ps_argv, environ) != 0)
		pid = -1;
	printf("posix_spawn: exit %d\n", status_of(pid));
	fflush(stdout);

	if (posix_spawnp(&pid, "sh", NULL, NULL, sh_argv, environ) != 0)
		pid = -1;
	printf("posix_spawnp: exit %d\n", status_of(pid));
	close(fd);
	return 0;
}
