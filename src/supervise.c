// SPDX-License-Identifier: MIT
/*
 * supervise — `sockshim run --via seccomp` (see supervise.h); this room
 * is the run itself, supervise_int.h says where the rest is.
 *
 * Who is who: sockshim stays the parent and supervisor; the program is
 * its child, in the same process group (a terminal's signals reach both;
 * signals sent to sockshim itself are passed on to the program). The
 * supervisor is also the subreaper of everything the program starts, so
 * it stays their ancestor (what ptrace checks such as Yama's want for
 * pidfd_getfd and process_vm_readv) and learns when the last one is gone.
 *
 * If the supervisor dies anyway (SIGKILL, a crash), the program's
 * stopped calls would fail with ENOSYS from then on: the program is
 * killed with it instead (PR_SET_PDEATHSIG). Processes the program
 * started are not: they see ENOSYS for the calls the filter stops.
 *
 * `run` returns when the program and every process it started under the
 * filter have ended; its exit status is the program's.
 */
#include "build-config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "real.h"
#include "supervise_int.h"
#include "vocab.h"

#ifndef SOCKSHIM_SYSCONFDIR
#define SOCKSHIM_SYSCONFDIR "/etc"
#endif

#define EX_CONFIG 78

/* Signals sent to sockshim that are the program's business. */
static const int passed_on[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1,
				 SIGUSR2, SIGWINCH, SIGALRM };

/* -------------------------------------------------------------- policy */

static void config_say(const struct config_errors *errs)
{
	char line[768];

	for (int i = 0; i < errs->n && i < CONFIG_MAX_ERRORS; i++) {
		config_error_format(&errs->e[i], line, sizeof(line));
		fprintf(stderr, "sockshim: %s\n", line);
	}
}

/* 0: loaded; 1: run without us (passthrough); EX_CONFIG: stop. */
static int load_policy(struct sv *s)
{
	const char *path = secure_getenv("SOCKSHIM_CONFIG");
	const char *mode = secure_getenv("SOCKSHIM_MODE");
	const char *log = secure_getenv("SOCKSHIM_LOG");
	struct config_errors errs;

	if (!path || !*path)
		path = SOCKSHIM_SYSCONFDIR "/sockshim.conf";
	if (config_load(path, &s->pol, &errs) != 0) {
		config_say(&errs);
		if (s->pol.on_error == ONERR_ABORT) {
			fprintf(stderr, "sockshim: invalid configuration; stopping "
					"%s (on_error = \"abort\")\n", s->prog);
			return EX_CONFIG;
		}
		fprintf(stderr, "sockshim: no valid configuration; running %s "
				"without sockshim (on_error = \"passthrough\")\n",
			s->prog);
		return 1;
	}
	if (log && *log)
		snprintf(s->pol.log.path, sizeof(s->pol.log.path), "%s", log);
	if (mode && *mode) {
		int i;

		if (!vocab_value(VOCAB_MODE, mode, &i)) {
			fprintf(stderr, "sockshim: environment: SOCKSHIM_MODE: "
					"unknown mode \"%s\" (expected enforce, "
					"audit or trace)\n", mode);
			return s->pol.on_error == ONERR_ABORT ? EX_CONFIG : 1;
		}
		s->pol.mode = (enum pol_mode)i;
	}
	policy_set_program(&s->pol, s->prog);
	return 0;
}

/* ------------------------------------------------------------- the run */

static void reap(struct sv *s)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (pid == s->child) {
			s->child_done = true;
			s->child_status = status;
		}
}

static void on_signals(struct sv *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			reap(s);
			continue;
		}
		/* From the terminal (no sender) the program has it already:
		 * it is in our process group. */
		if (si.ssi_code == SI_KERNEL || (si.ssi_pid == 0 &&
						 si.ssi_code != SI_USER))
			continue;
		if (!s->child_done)
			kill(s->child, (int)si.ssi_signo);
	}
}

static void serve(struct sv *s)
{
	while (!s->child_done || s->listener >= 0) {
		struct pollfd pf[2] = {
			{ .fd = s->sigfd, .events = POLLIN },
			{ .fd = s->listener, .events = POLLIN },
		};
		int np = s->listener >= 0 ? 2 : 1;

		if (poll(pf, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[0].revents)
			on_signals(s);
		if (np < 2)
			continue;
		if (pf[1].revents & POLLIN)
			sv_serve_one(s);
		else if (pf[1].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			/* Nobody under the filter any more. */
			close(s->listener);
			s->listener = -1;
		}
	}
}

static bool notif_buffers(struct sv *s)
{
	struct seccomp_notif_sizes sz;

	if (sv_seccomp(SECCOMP_GET_NOTIF_SIZES, 0, &sz) != 0)
		return false;
	s->notif_size = sz.seccomp_notif > sizeof(*s->notif) ?
				sz.seccomp_notif : sizeof(*s->notif);
	s->resp_size = sz.seccomp_notif_resp > sizeof(*s->resp) ?
			       sz.seccomp_notif_resp : sizeof(*s->resp);
	s->notif = calloc(1, s->notif_size);
	s->resp = calloc(1, s->resp_size);
	return s->notif && s->resp;
}

/* The program's end, as our own. */
static int pass_status(int status)
{
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		sigset_t set;

		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		/* No core of ours for the program's crash. */
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		raise(sig);
		return 128 + sig;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int supervise_run(char **argv, const struct sv_features *f)
{
	static struct sv sv;
	struct sv *s = &sv;
	struct sv_filter_spec spec = { 0 };
	struct sock_fprog prog = { 0 };
	struct sigaction ign = { .sa_handler = SIG_IGN }, pipe_act;
	struct sv_child cs;
	sigset_t block, old;
	int sp[2], rc, err;
	char ack = 1;

	s->feat = *f;
	s->listener = -1;
	for (int i = 0; i < TASK_SLOTS; i++)
		s->tasks[i].pidfd = -1;
	snprintf(s->prog, sizeof(s->prog), "%s", base_name(argv[0]));
	policy_defaults(&s->pol);
	rc = load_policy(s);
	if (rc == EX_CONFIG)
		return EX_CONFIG;
	if (rc != 0)
		goto unsupervised;
	spec.events = s->pol.nset > 0 ||
		      (s->pol.match_keys & (M_ROLE | M_LOCAL_PORT | M_LOCAL_ADDR |
					    M_REMOTE_PORT | M_REMOTE_ADDR));
	if (!svbpf_build(&s->pol, &spec, &prog) || !notif_buffers(s)) {
		fprintf(stderr, "sockshim: cannot build the seccomp filter; "
				"running %s without sockshim\n", s->prog);
		goto unsupervised;
	}
	s->socks = calloc(SOCK_SLOTS, sizeof(*s->socks));
	sv_caps_init(s);
	supervise_unreachable_rules(&s->pol, stderr, "sockshim: note: ");

	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	for (size_t i = 0; i < sizeof(passed_on) / sizeof(passed_on[0]); i++)
		sigaddset(&block, passed_on[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGPIPE, &ign, &pipe_act);
	s->sigfd = signalfd(-1, &block, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s->sigfd < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0) {
		fprintf(stderr, "sockshim: %s; running %s without sockshim\n",
			strerror(errno), s->prog);
		sigprocmask(SIG_SETMASK, &old, NULL);
		sigaction(SIGPIPE, &pipe_act, NULL);
		goto unsupervised;
	}
	/* Orphans of the program stay ours: we keep answering for them. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	fflush(NULL);
	cs = (struct sv_child){ .parent = getpid(), .sock = sp[1],
			       .mask = &old, .pipe_act = &pipe_act,
			       .prog = &prog, .killable = f->wait_killable };
	s->child = fork();
	if (s->child == 0)
		sv_child_main(&cs, argv);
	close(sp[1]);
	if (s->child < 0) {
		fprintf(stderr, "sockshim: fork: %s\n", strerror(errno));
		return 1;
	}
	s->listener = sv_recv_fd(sp[0], &err);
	if (s->listener < 0 && err == EPIPE) {
		/* The child is gone before it could say anything. */
		close(sp[0]);
		serve(s);
		return pass_status(s->child_status);
	}
	if (s->listener < 0)
		fprintf(stderr, "sockshim: cannot install the seccomp filter "
				"(%s); %s runs without sockshim\n",
			strerror(err), s->prog);
	else if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		       SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) != 0)
		fprintf(stderr, "sockshim: note: this kernel has no synchronous "
				"wake-up for seccomp notifications (Linux 6.6): "
				"each stopped call costs some 20-35 us more\n");
	if (s->listener >= 0 && !f->wait_killable)
		fprintf(stderr, "sockshim: note: this kernel cannot make a "
				"stopped call wait killable (Linux 5.19): a signal "
				"during a stopped call may make the supervisor "
				"act on it twice\n");
	if (s->listener >= 0) {
		real_init();
		log_open(&s->pol.log, s->prog);
	}
	if (write(sp[0], &ack, 1) != 1) {
		/* The child cannot go on: it exits, we reap it below. */
	}
	close(sp[0]);
	serve(s);
	if (s->listener >= 0)
		close(s->listener);
	log_close();
	free(prog.filter);
	return pass_status(s->child_status);

unsupervised:
	free(prog.filter);
	execvp(argv[0], argv);
	err = errno;
	fprintf(stderr, "sockshim: %s: %s\n", argv[0], strerror(err));
	return err == ENOENT ? 127 : 126;
}
