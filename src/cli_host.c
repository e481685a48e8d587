// SPDX-License-Identifier: MIT
/*
 * cli_host — `sockshim host enable|disable|status`: the whole host under
 * the shim through /etc/ld.so.preload, which the loader reads for every
 * program it starts, set-id ones included. Such processes get no
 * environment of ours: they read the system policy, so enable checks it
 * (and installs -c CONFIG there), refuses what would disturb every
 * program (records or warnings on their stderr: a log to stderr or to a
 * file other users cannot open; on_error = "abort"; a policy others may
 * write), proves the library loads and runs in a test process, then
 * rewrites /etc/ld.so.preload in one rename, keeping the other entries.
 * disable removes only the library's entry.
 */
#include "build-config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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

#include "cli.h"
#include "config.h"

#define PRELOAD_FILE "/etc/ld.so.preload"
#define SYSTEM_POLICY SOCKSHIM_SYSCONFDIR "/sockshim.conf"
#define LIB_NAME "libsockshim.so"
#define PROBE_SECONDS 10

/* The separators the loader splits /etc/ld.so.preload on. */
static const char preload_seps[] = ": \t";

/* A whole (small) file into a NUL-terminated buffer; NULL, errno. */
static char *read_file(const char *path, size_t max, size_t *lenp,
		       struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	size_t len = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, st) != 0)
		goto out;
	if (st->st_size < 0 || (size_t)st->st_size > max) {
		errno = EFBIG;
		goto out;
	}
	buf = malloc((size_t)st->st_size + 1);
	if (!buf)
		goto out;
	for (;;) {
		ssize_t n = read(fd, buf + len, (size_t)st->st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			buf = NULL;
			goto out;
		}
		if (n == 0 || len + (size_t)n == (size_t)st->st_size) {
			len += (size_t)n;
			break;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	*lenp = len;
out:
	{
		int err = errno;

		close(fd);
		errno = err;
	}
	return buf;
}

static bool is_ours(const char *tok, size_t n)
{
	size_t k = strlen(LIB_NAME);

	return n >= k && memcmp(tok + n - k, LIB_NAME, k) == 0 &&
	       (n == k || tok[n - k - 1] == '/');
}

/*
 * OLD without the library's entries, then LIB on a line of its own when
 * LIB is given. Lines without an entry of ours are kept as they are.
 * *found counts the entries taken out. Returns a malloc'd string.
 */
static char *edit_preload(const char *old, const char *lib, int *found)
{
	size_t cap = strlen(old) + (lib ? strlen(lib) : 0) + 4;
	char *out = malloc(cap), *o = out;
	const char *line = old;

	*found = 0;
	if (!out)
		return NULL;
	while (*line) {
		size_t len = strcspn(line, "\n");
		bool ours = false;

		for (size_t i = 0; i < len;) {
			size_t n;

			i += strspn(line + i, preload_seps);
			n = strcspn(line + i, ": \t\n");
			if (n > len - i)
				n = len - i;
			if (n && is_ours(line + i, n))
				ours = true;
			i += n;
		}
		if (!ours) {
			memcpy(o, line, len);
			o += len;
			if (line[len] == '\n')
				*o++ = '\n';
		} else {
			/* Keep the other entries of a shared line. */
			const char *sep = "";
			bool any = false;

			for (size_t i = 0; i < len;) {
				size_t n;

				i += strspn(line + i, preload_seps);
				n = strcspn(line + i, ": \t\n");
				if (n > len - i)
					n = len - i;
				if (n && is_ours(line + i, n))
					(*found)++;
				else if (n) {
					o += sprintf(o, "%s%.*s", sep, (int)n, line + i);
					sep = " ";
					any = true;
				}
				i += n;
			}
			if (any)
				*o++ = '\n';
		}
		line += len + (line[len] == '\n');
	}
	if (lib) {
		if (o > out && o[-1] != '\n')
			*o++ = '\n';
		o += sprintf(o, "%s\n", lib);
	}
	*o = '\0';
	return out;
}

/* Does TEXT hold anything but separators? */
static bool has_entries(const char *text)
{
	return text[strspn(text, ": \t\n")] != '\0';
}

/*
 * Run ARGV with LD_PRELOAD=LIB and SOCKSHIM_CONFIG=CFG (none of our other
 * variables), at most PROBE_SECONDS: true when it exits 0 and writes
 * nothing on stderr (the library's warnings go there).
 */
static bool probe(const char *path, char *const argv[], const char *lib,
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
static int host_probe(const char *lib)
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

static bool load_checked(const char *path, struct policy *p)
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
static bool fit_for_host(const char *path, const struct policy *p)
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
static bool safe_owner(const char *path)
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

/* CFG's text becomes the system policy; the old one is kept as .old. */
static bool install_policy(const char *cfg)
{
	struct stat st, sst;
	size_t len, slen;
	char *text = read_file(cfg, 1 << 20, &len, &st), *cur;

	if (!text) {
		fprintf(stderr, "%s: %s: %s\n", cli_name, cfg, strerror(errno));
		return false;
	}
	cur = read_file(SYSTEM_POLICY, 1 << 20, &slen, &sst);
	if (cur && slen == len && memcmp(cur, text, len) == 0 &&
	    sst.st_uid == 0 && !(sst.st_mode & 022)) {
		free(cur);
		free(text);
		return true;
	}
	free(cur);
	if (access(SYSTEM_POLICY, F_OK) == 0) {
		unlink(SYSTEM_POLICY ".old");
		if (link(SYSTEM_POLICY, SYSTEM_POLICY ".old") == 0)
			printf("%s: kept the previous policy as %s.old\n",
			       cli_name, SYSTEM_POLICY);
	}
	if (cli_write_atomic(SYSTEM_POLICY, text, len, 0644, 0, 0) != 0) {
		fprintf(stderr, "%s: %s: %s\n", cli_name, SYSTEM_POLICY,
			strerror(errno));
		free(text);
		return false;
	}
	free(text);
	printf("%s: installed %s as %s\n", cli_name, cfg, SYSTEM_POLICY);
	return true;
}

/* Write NEW as /etc/ld.so.preload (or remove the file when it holds
 * nothing and did not exist before). */
static bool write_preload(const char *text, bool existed, const struct stat *st)
{
	if (!has_entries(text) && !existed)
		return true;
	if (!has_entries(text) && *text == '\0') {
		if (unlink(PRELOAD_FILE) != 0 && errno != ENOENT) {
			fprintf(stderr, "%s: %s: %s\n", cli_name, PRELOAD_FILE,
				strerror(errno));
			return false;
		}
		return true;
	}
	if (cli_write_atomic(PRELOAD_FILE, text, strlen(text),
			     existed ? st->st_mode & 07777 : 0644,
			     existed ? st->st_uid : 0,
			     existed ? st->st_gid : 0) != 0) {
		fprintf(stderr, "%s: %s: %s%s\n", cli_name, PRELOAD_FILE,
			strerror(errno),
			errno == EBUSY ? " (a mount point: cannot be replaced)" : "");
		return false;
	}
	return true;
}

static char *read_preload(bool *existed, struct stat *st)
{
	size_t len;
	char *text = read_file(PRELOAD_FILE, 1 << 20, &len, st);

	*existed = text != NULL;
	if (!text && errno == ENOENT)
		return strdup("");
	if (!text)
		fprintf(stderr, "%s: %s: %s\n", cli_name, PRELOAD_FILE,
			strerror(errno));
	return text;
}

static int host_enable(const char *cfg_arg)
{
	char cfg[PATH_MAX], sys[PATH_MAX], lib[PATH_MAX], libabs[PATH_MAX];
	char *probe_argv[] = { (char *)cli_name, (char *)"host", (char *)"probe",
			       libabs, NULL };
	char *true_argv[] = { (char *)"/bin/true", NULL };
	struct policy p;
	struct stat st;
	bool existed, is_system;
	char *old, *new;
	int found;

	if (!realpath(cfg_arg, cfg)) {
		fprintf(stderr, "%s: %s: %s\n", cli_name, cfg_arg, strerror(errno));
		return 1;
	}
	is_system = realpath(SYSTEM_POLICY, sys) && strcmp(sys, cfg) == 0;
	if (!load_checked(cfg, &p))
		return 1;
	if (!fit_for_host(cfg, &p)) {
		policy_free(&p);
		return 1;
	}
	policy_free(&p);
	if (is_system && !safe_owner(cfg))
		return 1;
	if (!cli_find_library(lib, sizeof(lib)) || !realpath(lib, libabs)) {
		fprintf(stderr, "%s: cannot find " LIB_NAME " (looked for %s; "
				"set SOCKSHIM_LIB)\n", cli_name, lib);
		return 1;
	}
	if (strpbrk(libabs, ": \t\n")) {
		fprintf(stderr, "%s: %s: the loader splits %s on blanks and "
				"colons; the library's path must have none\n",
			cli_name, libabs, PRELOAD_FILE);
		return 1;
	}
	/* Before anything changes: the library loads and runs. */
	if (!probe("/proc/self/exe", probe_argv, libabs, cfg) ||
	    !probe(true_argv[0], true_argv, libabs, cfg)) {
		fprintf(stderr, "%s: %s left as it was\n", cli_name, PRELOAD_FILE);
		return 1;
	}
	if (!is_system && !install_policy(cfg))
		return 1;

	old = read_preload(&existed, &st);
	if (!old)
		return 1;
	new = edit_preload(old, libabs, &found);
	if (!new) {
		free(old);
		return 1;
	}
	if (strcmp(old, new) == 0) {
		printf("%s: already enabled: %s in %s\n", cli_name, libabs,
		       PRELOAD_FILE);
		free(old);
		free(new);
		return 0;
	}
	if (!write_preload(new, existed, &st)) {
		free(old);
		free(new);
		return 1;
	}
	/* Now every new process loads it: one more, with no help of ours. */
	if (!probe(true_argv[0], true_argv, NULL, NULL)) {
		fprintf(stderr, "%s: /bin/true fails with the library in %s: "
				"putting the file back\n", cli_name, PRELOAD_FILE);
		if (existed)
			write_preload(old, true, &st);
		else
			unlink(PRELOAD_FILE);
		free(old);
		free(new);
		return 1;
	}
	printf("%s: enabled: %s in %s, policy %s\n", cli_name, libabs,
	       PRELOAD_FILE, SYSTEM_POLICY);
	free(old);
	free(new);
	return 0;
}

static int host_disable(void)
{
	struct stat st;
	bool existed;
	char *old = read_preload(&existed, &st), *new;
	int found;

	if (!old)
		return 1;
	new = edit_preload(old, NULL, &found);
	free(old);
	if (!new)
		return 1;
	if (!found) {
		printf("%s: not enabled (no %s in %s)\n", cli_name, LIB_NAME,
		       PRELOAD_FILE);
		free(new);
		return 0;
	}
	if (!write_preload(new, existed, &st)) {
		free(new);
		return 1;
	}
	printf("%s: disabled: %s%s\n", cli_name, PRELOAD_FILE,
	       has_entries(new) ? " keeps its other entries" : " removed");
	free(new);
	return 0;
}

static int host_status(void)
{
	struct stat st;
	bool existed;
	char *old = read_preload(&existed, &st), *new;
	int found;

	if (!old)
		return 1;
	new = edit_preload(old, NULL, &found);
	free(old);
	free(new);
	printf("%s: %s (%s), policy %s\n", cli_name,
	       found ? "enabled" : "disabled", PRELOAD_FILE, SYSTEM_POLICY);
	return found ? 0 : 3;
}

static int host_usage(FILE *f)
{
	fprintf(f,
		"Usage: sockshim host enable [-c CONFIG]\n"
		"       sockshim host disable\n"
		"       sockshim host status\n"
		"\n"
		"Every program the host starts, under the system policy %s:\n"
		"enable checks the policy (-c CONFIG is checked, then installed\n"
		"there), tries the library in a test process, then adds it to\n"
		"%s; disable takes it out again (other entries stay).\n"
		"status exits 0 when enabled, 3 when not.\n",
		SYSTEM_POLICY, PRELOAD_FILE);
	return f == stdout ? 0 : EXIT_USAGE;
}

int cli_host(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cfg = SYSTEM_POLICY, *verb;
	bool given = false;
	int c;

	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cfg = optarg;
			given = true;
			break;
		case 'h':
			return host_usage(stdout);
		default:
			return cli_usage_error("host: bad option", "");
		}
	}
	if (optind >= argc)
		return host_usage(stderr);
	verb = argv[optind++];
	if (strcmp(verb, "probe") == 0 && optind + 1 == argc && !given)
		return host_probe(argv[optind]);
	if (optind < argc)
		return cli_usage_error("host: unexpected '%s'", argv[optind]);
	if (strcmp(verb, "enable") == 0)
		return host_enable(cfg);
	if (given)
		return cli_usage_error("host %s: takes no -c", verb);
	if (strcmp(verb, "disable") == 0)
		return host_disable();
	if (strcmp(verb, "status") == 0)
		return host_status();
	return cli_usage_error("host: unknown action '%s'", verb);
}
