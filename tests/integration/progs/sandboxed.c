// SPDX-License-Identifier: MIT
/*
 * sandboxed — a program that sandboxes itself the way sshd's
 * pre-authentication child does: a seccomp filter that kills the
 * process on any system call it did not list. Usage:
 *   sandboxed write|nowrite prctl|syscall [first]
 * "write" lists write(2), so a log can go on; "nowrite" does not.
 * After the filter: a setsockopt and a close, then exit(7) through the
 * destructors. "first": the filter goes in before the program's first
 * socket call, and the socket is made under it.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp_arch.h"

#define ALLOW(nr) \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

int main(int argc, char **argv)
{
	int one = 1, s;
	int allow_write = argc > 1 && strcmp(argv[1], "write") == 0;
	int via_syscall = argc > 2 && strcmp(argv[2], "syscall") == 0;
	int filter_first = argc > 3 && strcmp(argv[3], "first") == 0;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		ALLOW(SYS_close), ALLOW(SYS_exit_group), ALLOW(SYS_exit),
		ALLOW(SYS_rt_sigreturn), ALLOW(SYS_setsockopt),
		ALLOW(SYS_munmap), ALLOW(SYS_brk), ALLOW(SYS_socket),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_write, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, allow_write ? SECCOMP_RET_ALLOW :
						       SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (ARCH == 0)
		return 77;
	s = filter_first ? -1 : socket(AF_INET, SOCK_STREAM, 0);
	if (!filter_first &&
	    (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one,
				 sizeof(one)) != 0)) {
		perror("socket");
		return 1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		perror("no_new_privs");
		return 1;
	}
	if (via_syscall ? syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0,
				  &prog) != 0 :
			  prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		perror("seccomp");
		return 1;
	}
	if (filter_first) {
		s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0)
			return 4;
	}
	if (setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) != 0)
		return 2;
	if (close(s) != 0)
		return 3;
	exit(7);
}
