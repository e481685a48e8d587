// SPDX-License-Identifier: MIT
/*
 * supervise_prog — a program sockshim's supervisor governs when built
 * static: it sets options the test policy judges, reads back what the
 * kernel holds, and prints one "key=value" line per fact.
 *
 *   supervise_prog opts [EXIT]     the options on a listener, a client and
 *                                  the accepted socket; exit with EXIT
 *   supervise_prog hold SECONDS    as opts, then keep the connection open
 *   supervise_prog threads N       opts in N threads at once
 *   supervise_prog spawn           opts in a fork+exec'd copy of itself
 *   supervise_prog uring           io_uring_setup, as a raw system call
 *   supervise_prog mark            SO_MARK 1 (a capability's option)
 *   supervise_prog undumpable      opts, after PR_SET_DUMPABLE 0
 *   supervise_prog alarm N [norestart]  N rounds of option calls under a
 *                                  SIGALRM every 100 us (SA_RESTART unless
 *                                  norestart): counts EINTR, wrong values
 *                                  and descriptors left open
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <dirent.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static int geti(int fd, int level, int opt)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, opt, &v, &len) != 0)
		return -1;
	return v;
}

static void say(const char *who, const char *key, const char *fmt, int a,
		int b)
{
	flockfile(stdout);
	printf("%s.%s=", who, key);
	printf(fmt, a, b);
	putchar('\n');
	funlockfile(stdout);
}

/* One round; returns the three sockets (listener, client, accepted). */
static int round_trip(const char *who, int fds[3])
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t slen = sizeof(sa);
	struct linger l = { 1, 60 }, got;
	socklen_t llen = sizeof(got);
	int zero = 0, one = 1, r, lfd, cfd, afd;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		return -1;
	r = setsockopt(lfd, IPPROTO_TCP, TCP_NODELAY, &zero, sizeof(zero));
	say(who, "nodelay_ret", "%d", r, 0);
	say(who, "nodelay", "%d", geti(lfd, IPPROTO_TCP, TCP_NODELAY), 0);
	r = setsockopt(lfd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	getsockopt(lfd, SOL_SOCKET, SO_LINGER, &got, &llen);
	say(who, "linger", "%d,%d", got.l_onoff, got.l_linger);
	errno = 0;
	r = setsockopt(lfd, SOL_SOCKET, SO_DEBUG, &one, sizeof(one));
	say(who, "debug", "%d,%d", r, r ? errno : 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(lfd, 8) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &slen) != 0)
		return -1;
	say(who, "reuseaddr", "%d", geti(lfd, SOL_SOCKET, SO_REUSEADDR), 0);
	say(who, "port", "%d", ntohs(sa.sin_port), 0);
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return -1;
	afd = accept(lfd, NULL, NULL);
	if (afd < 0)
		return -1;
	say(who, "client_keepalive", "%d", geti(cfd, SOL_SOCKET, SO_KEEPALIVE), 0);
	say(who, "client_nodelay", "%d", geti(cfd, IPPROTO_TCP, TCP_NODELAY), 0);
	say(who, "accepted_keepalive", "%d", geti(afd, SOL_SOCKET, SO_KEEPALIVE), 0);
	say(who, "accepted_keepidle", "%d", geti(afd, IPPROTO_TCP, TCP_KEEPIDLE), 0);
	fds[0] = lfd;
	fds[1] = cfd;
	fds[2] = afd;
	return 0;
}

static void *thread_main(void *arg)
{
	char who[16];
	int fds[3];

	snprintf(who, sizeof(who), "t%ld", (long)(intptr_t)arg);
	if (round_trip(who, fds) != 0)
		say(who, "error", "%d", errno, 0);
	return NULL;
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* Option calls under a storm of signals; a call may fail with EINTR only
 * as the kernel allows, never run twice or leave a value half-set. */
static int alarm_rounds(long n, bool restart)
{
	struct sigaction sa = { .sa_handler = on_alarm,
				.sa_flags = restart ? SA_RESTART : 0 };
	struct itimerval it = { { 0, 100 }, { 0, 100 } };
	struct sockaddr_in sa_in = { .sin_family = AF_INET };
	long eintr = 0, bad = 0, other = 0;
	int before = open_fds(), zero = 0, r;

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	sa_in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct linger l = { 1, 60 }, got = { 0, 0 };
		socklen_t len = sizeof(got);

		if (fd < 0) {
			other++;
			continue;
		}
		r = setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &zero, sizeof(zero));
		if (r && errno == EINTR)
			eintr++;
		else if (r)
			other++;
		else if (geti(fd, IPPROTO_TCP, TCP_NODELAY) != 1)
			bad++;
		r = setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		if (r && errno == EINTR)
			eintr++;
		else if (r)
			other++;
		else if (getsockopt(fd, SOL_SOCKET, SO_LINGER, &got, &len) != 0 ||
			 got.l_linger != 5)
			bad++;
		r = bind(fd, (struct sockaddr *)&sa_in, sizeof(sa_in));
		if (r && errno == EINTR)
			eintr++;
		else if (r)
			other++;
		close(fd);
	}
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	printf("alarms=%d\n", alarms > 0);
	printf("eintr=%ld\nbad=%ld\nother=%ld\nleaked=%d\n", eintr, bad, other,
	       open_fds() - before);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "opts";
	int fds[3];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "threads") == 0) {
		int n = argc > 2 ? atoi(argv[2]) : 4;
		pthread_t t[64];

		for (int i = 0; i < n && i < 64; i++)
			pthread_create(&t[i], NULL, thread_main,
				       (void *)(intptr_t)i);
		for (int i = 0; i < n && i < 64; i++)
			pthread_join(t[i], NULL);
		return 0;
	}
	if (strcmp(mode, "alarm") == 0)
		return alarm_rounds(argc > 2 ? atol(argv[2]) : 1000,
				    !(argc > 3 && strcmp(argv[3], "norestart") == 0));
	if (strcmp(mode, "mark") == 0) {
		int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1, r;

		errno = 0;
		r = setsockopt(fd, SOL_SOCKET, SO_MARK, &one, sizeof(one));
		printf("mark=%d,%d\n", r, r ? errno : 0);
		printf("mark_val=%d\n", geti(fd, SOL_SOCKET, SO_MARK));
		return 0;
	}
	if (strcmp(mode, "uring") == 0) {
		long params[30] = { 0 };	/* struct io_uring_params */
		long fd = syscall(SYS_io_uring_setup, 4, params);

		printf("uring=%s\n", fd >= 0 ? "ok" : strerror(errno));
		return 0;
	}
	if (strcmp(mode, "spawn") == 0) {
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			execl("/proc/self/exe", argv[0], "opts", "5", (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			return 1;
		printf("child.exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return 0;
	}
	if (strcmp(mode, "undumpable") == 0)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (round_trip("main", fds) != 0) {
		printf("error=%s\n", strerror(errno));
		return 99;
	}
	if (strcmp(mode, "hold") == 0) {
		printf("ready\n");
		sleep(argc > 2 ? (unsigned)atoi(argv[2]) : 5);
	}
	return argc > 2 && strcmp(mode, "opts") == 0 ? atoi(argv[2]) : 0;
}
