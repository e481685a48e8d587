// SPDX-License-Identifier: MIT
/*
 * cli_host_trial — what `sockshim host enable` proves before it changes
 * anything: the policy loads, suits every process of the host (nothing
 * on their stderr, no abort on a broken edit) and, as the system policy,
 * belongs to root; the library loads and runs in test processes (this
 * command as `host probe`, then /bin/true), each given at most
 * PROBE_SECONDS and failed by anything it writes on stderr. See
 * cli_host.h for the other rooms.
 */
#include "build-config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_host.h"
#include "config.h"

#define PROBE_SECONDS 10

bool host_load_checked(const char *path, struct policy *p)
{
	struct config_errors errs;
	char line[768];

	if (config_load(path, p, &errs) == 0)
		return true;
	for (int i = 0; i < errs.n && i < CONFIG_MAX_ERRORS; i++) {
		config_error_format(&errs.e[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	fprintf(stderr, "%s: %s: %d error%s\n", cli_name, path, errs.n,
		errs.n == 1 ? "" : "s");
	return false;
}

/* What would make a policy wrong for every process of the host. */
bool host_fit(const char *path, const struct policy *p)
{
	bool ok = true;

	if (strcmp(p->log.path, "stderr") == 0) {
		fprintf(stderr, "%s: %s logs to stderr: every program on the host "
				"would get sockshim's lines on its standard error; "
				"set log.path to \"syslog\" or \"none\"\n",
			cli_name, path);
		ok = false;
	}
	else if (strcmp(p->log.path, "none") != 0 &&
		 strncmp(p->log.path, "syslog", 6) != 0) {
		fprintf(stderr, "%s: %s logs to the file %s: the processes of "
				"other users could not open it and would say so on "
				"their standard error; use \"syslog\" (the daemon "
				"takes every user's records) or \"none\"\n",
			cli_name, path, p->log.path);
		ok = false;
	}
	if (p->on_error == ONERR_ABORT) {
		fprintf(stderr, "%s: %s has on_error = \"abort\": a broken edit "
				"would stop every program the host starts; use "
				"\"passthrough\"\n", cli_name, path);
		ok = false;
	}
	return ok;
}

/* The system policy decides for set-id programs: root's, and only root's. */
bool host_safe_owner(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: %s: %s\n", cli_name, path, strerror(errno));
		return false;
	}
	if (st.st_uid != 0 || (st.st_mode & 022)) {
		fprintf(stderr, "%s: %s must belong to root and be writable by "
				"root only (it is the policy of set-id programs)\n",
			cli_name, path);
		return false;
	}
	return true;
}

/*
 * Run ARGV with LD_PRELOAD=LIB and SOCKSHIM_CONFIG=CFG (none of our other
 * variables), at most PROBE_SECONDS: true when it exits 0 and writes
 * nothing on stderr (the library's warnings go there).
 */
bool host_try(const char *path, char *const argv[], const char *lib,
	      const char *cfg)
{
	char err[1024];
	size_t elen = 0;
	int pfd[2], status = 0;
	pid_t pid;
	struct timespec t0, now;
	bool done = false, eof = false;

	if (pipe2(pfd, O_CLOEXEC) != 0)
		return false;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return false;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
		}
		dup2(pfd[1], 2);
		unsetenv("SOCKSHIM_LOG");
		unsetenv("SOCKSHIM_MODE");
		if (lib)
			setenv("LD_PRELOAD", lib, 1);
		else
			unsetenv("LD_PRELOAD");
		if (cfg)
			setenv("SOCKSHIM_CONFIG", cfg, 1);
		else
			unsetenv("SOCKSHIM_CONFIG");
		execv(path, argv);
		_exit(127);
	}
	close(pfd[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!done || !eof) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };

		if (!eof && poll(&p, 1, 100) > 0) {
			char buf[256];
			ssize_t n = read(pfd[0], buf, sizeof(buf));

			if (n <= 0) {
				eof = true;
			} else {
				size_t k = (size_t)n;

				if (k > sizeof(err) - 1 - elen)
					k = sizeof(err) - 1 - elen;
				memcpy(err + elen, buf, k);
				elen += k;
			}
		} else if (eof) {
			usleep(10000);
		}
		if (!done && waitpid(pid, &status, WNOHANG) == pid)
			done = true;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec > PROBE_SECONDS) {
			if (!done) {
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
			}
			fprintf(stderr, "%s: %s did not finish in %d s under the library\n",
				cli_name, argv[0], PROBE_SECONDS);
			close(pfd[0]);
			return false;
		}
	}
	close(pfd[0]);
	err[elen] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFSIGNALED(status))
			fprintf(stderr, "%s: %s under the library: killed by signal %d\n",
				cli_name, argv[0], WTERMSIG(status));
		else
			fprintf(stderr, "%s: %s under the library: exit status %d\n",
				cli_name, argv[0], WEXITSTATUS(status));
		if (elen)
			fprintf(stderr, "%s", err);
		return false;
	}
	if (elen) {
		fprintf(stderr, "%s: %s under the library wrote on stderr:\n%s",
			cli_name, argv[0], err);
		return false;
	}
	return true;
}

/*
 * `sockshim host probe LIB`, run by enable under the library: the socket
 * call resolves to the library, and a TCP socket is made and closed.
 */
int host_probe(const char *lib)
{
	void *sym = dlsym(RTLD_DEFAULT, "socket");
	char got[PATH_MAX];
	Dl_info info;
	int fd;

	if (!sym || !dladdr(sym, &info) || !info.dli_fname ||
	    !realpath(info.dli_fname, got) || strcmp(got, lib) != 0) {
		fprintf(stderr, "socket() resolves to %s, not %s\n",
			sym && dladdr(sym, &info) && info.dli_fname ?
			info.dli_fname : "nothing", lib);
		return 3;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 && errno != EAFNOSUPPORT) {
		fprintf(stderr, "socket: %s\n", strerror(errno));
		return 3;
	}
	if (fd >= 0)
		close(fd);
	return 0;
}
