// SPDX-License-Identifier: MIT
/*
 * supervise_probe — before a run: what the kernel offers the supervisor,
 * and the rules of a policy it cannot carry out as written (also said by
 * `sockshim check`). See supervise_int.h for the other rooms.
 */
#include "build-config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "supervise_int.h"

bool supervise_probe(struct sv_features *f)
{
	uint32_t action = SECCOMP_RET_USER_NOTIF;
	int pfd, fd;

	memset(f, 0, sizeof(*f));
	f->user_notif = sv_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
	pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	f->pidfd_open = pfd >= 0;
	if (pfd >= 0) {
		fd = (int)syscall(SYS_pidfd_getfd, pfd, 2, 0);
		f->pidfd_getfd = fd >= 0 || errno != ENOSYS;
		if (fd >= 0)
			close(fd);
		close(pfd);
	}
	pfd = (int)syscall(SYS_pidfd_open, gettid(), PIDFD_THREAD);
	f->thread_pidfd = pfd >= 0;
	if (pfd >= 0)
		close(pfd);
	/* Flags are checked before the (missing) program is read. */
	f->wait_killable =
		sv_seccomp(SECCOMP_SET_MODE_FILTER,
			   SECCOMP_FILTER_FLAG_NEW_LISTENER |
				   SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
			   NULL) != 0 && errno == EFAULT;
#if defined(__x86_64__) || defined(__aarch64__)
	f->arch = true;
#endif
	return f->user_notif && f->pidfd_open && f->pidfd_getfd && f->arch;
}

void supervise_missing(const struct sv_features *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s",
		 f->user_notif ? "" : " seccomp user notification (Linux 5.0)",
		 f->pidfd_open ? "" : " pidfd_open (Linux 5.3)",
		 f->pidfd_getfd ? "" : " pidfd_getfd (Linux 5.6)",
		 f->arch ? "" : " a filter for this architecture");
}

int supervise_unreachable_rules(const struct policy *p, FILE *f,
				const char *prefix)
{
	int n = 0;

	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];

		if ((r->m.has & M_ROLE) && (r->m.roles & (1u << ROLE_ACCEPTED))) {
			fprintf(f, "%srule \"%s\" (line %d) matches accepted "
				   "sockets: the supervisor does not see accept, "
				   "so its options reach them only when the "
				   "program sets an option the policy names on "
				   "them\n",
				prefix, r->name, r->line);
			n++;
		}
		if (r->m.has & M_PROGRAM) {
			fprintf(f, "%srule \"%s\" (line %d) names programs: it "
				   "is matched against the program run starts, "
				   "for every program that one executes too\n",
				prefix, r->name, r->line);
			n++;
		}
	}
	return n;
}
