// SPDX-License-Identifier: MIT
/*
 * cli_service — `sockshim service UNIT`: a systemd drop-in,
 * UNIT.d/sockshim.conf, whose Environment= lines preload the library with
 * a policy, so that `systemctl daemon-reload && systemctl restart UNIT`
 * puts the service under sockshim; --remove takes it away again. Also the
 * one file writer the host command shares: a new file in place of the
 * old in one rename.
 */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"

#define SYSTEMD_SYSTEM_DIR "/etc/systemd/system"
#define DROPIN_NAME "sockshim.conf"

int cli_write_atomic(const char *path, const char *data, size_t len,
		     mode_t mode, uid_t uid, gid_t gid)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, err, dfd;
	size_t off = 0;

	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path + 1), path);
	else
		snprintf(dir, sizeof(dir), "./");
	/* A dot file next to the target: same file system, so rename works. */
	if (snprintf(tmp, sizeof(tmp), "%s.%s.XXXXXX", dir,
		     slash ? slash + 1 : path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if ((uid != (uid_t)-1 && fchown(fd, uid, gid) != 0) ||
	    fchmod(fd, mode) != 0 || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = err;
	return -1;
}

/* A unit name systemd would take: no path, no quoting needed. */
static bool unit_name_ok(const char *u)
{
	size_t n = strlen(u);

	if (n == 0 || n > 255 || u[0] == '.' || u[0] == '-')
		return false;
	for (const char *p = u; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr(":-_.@\\", *p)))
			return false;
	return true;
}

/*
 * NAME=VALUE as one double-quoted word of an Environment= line: \ and "
 * escaped, % (systemd's specifiers) doubled. Returns false when it does
 * not fit or holds a character a unit file cannot carry.
 */
static bool env_word(char *out, size_t len, const char *name, const char *val)
{
	size_t o = 0;
	int n = snprintf(out, len, "\"%s=", name);

	if (n < 0 || (size_t)n >= len)
		return false;
	o = (size_t)n;
	for (const char *p = val; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f)
			return false;
		if (o + 3 >= len)
			return false;
		if (c == '\\' || c == '"')
			out[o++] = '\\';
		else if (c == '%')
			out[o++] = '%';
		out[o++] = (char)c;
	}
	if (o + 2 > len)
		return false;
	out[o++] = '"';
	out[o] = '\0';
	return true;
}

static int load_policy(const char *path)
{
	struct config_errors errs;
	struct policy p;
	char line[768];

	if (config_load(path, &p, &errs) == 0) {
		policy_free(&p);
		return 0;
	}
	for (int i = 0; i < errs.n && i < CONFIG_MAX_ERRORS; i++) {
		config_error_format(&errs.e[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	fprintf(stderr, "%s: %s: %d error%s\n", cli_name, path, errs.n,
		errs.n == 1 ? "" : "s");
	return -1;
}

static int service_usage(FILE *f)
{
	fprintf(f,
		"Usage: sockshim service UNIT [-c CONFIG] [--audit] [--print]\n"
		"       sockshim service UNIT --remove\n"
		"\n"
		"Write %s/UNIT.d/" DROPIN_NAME ", a drop-in that\n"
		"runs the service under sockshim with CONFIG (default\n"
		"%s/sockshim.conf); then systemctl daemon-reload and restart UNIT.\n"
		"\n"
		"  -c, --config CONFIG  the policy (checked first)\n"
		"      --audit          log what the policy would change, change nothing\n"
		"      --print          print the drop-in instead of writing it\n"
		"      --remove         delete the drop-in\n"
		"\n"
		"SOCKSHIM_SYSTEMD_DIR replaces %s.\n",
		SYSTEMD_SYSTEM_DIR, SOCKSHIM_SYSCONFDIR, SYSTEMD_SYSTEM_DIR);
	return f == stdout ? 0 : EXIT_USAGE;
}

static int remove_dropin(const char *dir, const char *file, const char *unit)
{
	if (unlink(file) != 0) {
		if (errno == ENOENT) {
			printf("%s: no drop-in for %s (%s)\n", cli_name, unit, file);
			return 0;
		}
		fprintf(stderr, "%s: %s: %s\n", cli_name, file, strerror(errno));
		return 1;
	}
	/* The directory goes too if nothing else was in it. */
	if (rmdir(dir) != 0 && errno != ENOTEMPTY && errno != EEXIST)
		fprintf(stderr, "%s: warning: %s: %s\n", cli_name, dir,
			strerror(errno));
	printf("%s: removed %s\n"
	       "  systemctl daemon-reload && systemctl restart %s\n",
	       cli_name, file, unit);
	return 0;
}

int cli_service(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "audit", no_argument, NULL, 'A' },
		{ "print", no_argument, NULL, 'P' },
		{ "remove", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cfg_arg = SOCKSHIM_SYSCONFDIR "/sockshim.conf";
	const char *sysdir, *unit;
	char unitbuf[300], cfg[PATH_MAX], lib[PATH_MAX], libabs[PATH_MAX];
	char dir[PATH_MAX], file[PATH_MAX];
	char w_lib[2 * PATH_MAX + 16], w_cfg[2 * PATH_MAX + 24];
	char text[6 * PATH_MAX];
	bool audit = false, print = false, remove = false, given = false;
	int c, n;

	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cfg_arg = optarg;
			given = true;
			break;
		case 'A':
			audit = true;
			break;
		case 'P':
			print = true;
			break;
		case 'R':
			remove = true;
			break;
		case 'h':
			return service_usage(stdout);
		default:
			return cli_usage_error("service: bad option", "");
		}
	}
	if (optind >= argc)
		return cli_usage_error("service: no unit given%s", "");
	if (optind + 1 < argc)
		return cli_usage_error("service: one unit at a time, not '%s'",
				       argv[optind + 1]);
	unit = argv[optind];
	if (!unit_name_ok(unit))
		return cli_usage_error("service: '%s' is not a unit name", unit);
	/* A bare name is a service, as systemctl takes it. */
	if (!strchr(unit, '.')) {
		snprintf(unitbuf, sizeof(unitbuf), "%s.service", unit);
		unit = unitbuf;
	}
	if (remove && (audit || print || given))
		return cli_usage_error("service: --remove takes no other option%s", "");

	sysdir = secure_getenv("SOCKSHIM_SYSTEMD_DIR");
	if (!sysdir || !*sysdir)
		sysdir = SYSTEMD_SYSTEM_DIR;
	if (snprintf(dir, sizeof(dir), "%s/%s.d", sysdir, unit) >= (int)sizeof(dir) ||
	    snprintf(file, sizeof(file), "%s/" DROPIN_NAME, dir) >= (int)sizeof(file)) {
		fprintf(stderr, "%s: %s: path too long\n", cli_name, sysdir);
		return 1;
	}
	if (remove)
		return remove_dropin(dir, file, unit);

	if (!realpath(cfg_arg, cfg)) {
		fprintf(stderr, "%s: %s: %s\n", cli_name, cfg_arg, strerror(errno));
		return 1;
	}
	if (load_policy(cfg) != 0)
		return 1;
	if (!cli_find_library(lib, sizeof(lib)) || !realpath(lib, libabs)) {
		fprintf(stderr, "%s: cannot find libsockshim.so (looked for %s; "
				"set SOCKSHIM_LIB)\n", cli_name, lib);
		return 1;
	}
	if (!env_word(w_lib, sizeof(w_lib), "LD_PRELOAD", libabs) ||
	    !env_word(w_cfg, sizeof(w_cfg), "SOCKSHIM_CONFIG", cfg)) {
		fprintf(stderr, "%s: a path holds a control character\n", cli_name);
		return 1;
	}
	n = snprintf(text, sizeof(text),
		     "# Written by `sockshim service %s`: the service runs under\n"
		     "# sockshim's policy. Remove with `sockshim service %s --remove`,\n"
		     "# then systemctl daemon-reload && systemctl restart %s.\n"
		     "# LD_PRELOAD here replaces one the unit itself sets.\n"
		     "[Service]\n"
		     "Environment=%s %s\n"
		     "%s",
		     unit, unit, unit, w_lib, w_cfg,
		     audit ? "Environment=SOCKSHIM_MODE=audit\n" : "");
	if (n < 0 || (size_t)n >= sizeof(text)) {
		fprintf(stderr, "%s: drop-in too long\n", cli_name);
		return 1;
	}
	if (print) {
		fputs(text, stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "%s: %s: %s\n", cli_name, dir, strerror(errno));
		return 1;
	}
	if (cli_write_atomic(file, text, (size_t)n, 0644, (uid_t)-1, (gid_t)-1) != 0) {
		fprintf(stderr, "%s: %s: %s\n", cli_name, file, strerror(errno));
		return 1;
	}
	printf("%s: wrote %s\n"
	       "  systemctl daemon-reload && systemctl restart %s\n",
	       cli_name, file, unit);
	return 0;
}
