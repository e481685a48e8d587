// SPDX-License-Identifier: MIT
/*
 * seccomp_exec — run a program under a seccomp filter it inherits, as
 * systemd's SystemCallFilter= does for a service: the filter kills the
 * process on the system calls named (by number or name below), allows
 * everything else, and is in place before the program's first
 * instruction.
 *
 *   seccomp_exec [-k NAME]... -- PROGRAM [ARGS...]
 *
 * Names known: process_vm_readv, mincore, madvise, fallocate. Exit 77
 * when the architecture has no filter here.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp_arch.h"

static const struct {
	const char *name;
	int nr;
} known[] = {
	{ "process_vm_readv", SYS_process_vm_readv },
	{ "mincore", SYS_mincore },
	{ "madvise", SYS_madvise },
	{ "fallocate", SYS_fallocate },
};

int main(int argc, char **argv)
{
	struct sock_filter f[64];
	struct sock_fprog prog;
	int n = 0, i = 1;

	if (ARCH == 0)
		return 77;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				offsetof(struct seccomp_data, nr));
	for (; i + 1 < argc && strcmp(argv[i], "-k") == 0; i += 2) {
		size_t k;

		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strcmp(argv[i + 1], known[k].name) == 0)
				break;
		if (k == sizeof(known) / sizeof(known[0]) || n > 58) {
			fprintf(stderr, "seccomp_exec: unknown call %s\n", argv[i + 1]);
			return 2;
		}
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					(unsigned int)known[k].nr, 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					SECCOMP_RET_KILL_PROCESS);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (i >= argc || strcmp(argv[i], "--") != 0 || i + 1 >= argc) {
		fprintf(stderr, "usage: seccomp_exec [-k NAME]... -- PROGRAM [ARGS...]\n");
		return 2;
	}
	prog.len = (unsigned short)n;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		perror("seccomp_exec: filter");
		return 1;
	}
	execvp(argv[i + 1], argv + i + 1);
	perror(argv[i + 1]);
	return 127;
}
