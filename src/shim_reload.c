// SPDX-License-Identifier: MIT
/*
 * shim_reload — a policy changed under a running program.
 *
 * At most once a second, on a socket call (no thread, no signal handler
 * of ours), the thread that finds the second due looks at the policy
 * file. If it changed (inode, size, times), the file is loaded into a new
 * policy; a valid one is published with one atomic store and is what the
 * next calls judge by; the old one is never freed, since a call in
 * another thread may still be reading it. A file that does not load
 * leaves the last good policy in force and is reported once, with its
 * file:line errors, to stderr (or syslog) and to the log.
 *
 * Sockets made before keep the options they were given. The log's own
 * settings and on_error = "abort" belong to the start, not to reloads.
 */
#include "build-config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "log.h"
#include "real.h"
#include "sandbox.h"
#include "shim.h"
#include "shim_int.h"

static char source[LOG_PATH_MAX];
static const char *progname;
static int mode_from_env = -1;
static struct stat seen;	/* the file as last loaded (or refused) */

void shim_reload_setup(const char *path, const char *prog, int env_mode)
{
	struct timespec t;

	snprintf(source, sizeof(source), "%s", path);
	progname = prog;
	mode_from_env = env_mode;
	if (stat(source, &seen) != 0)
		memset(&seen, 0, sizeof(seen));
	clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
	atomic_store(&shim_reload_due, (long)t.tv_sec + 1);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static void say(const char *what)
{
	struct log_rec r = { .call = LC_POLICY, .fd = -1, .note = what };

	if (log_enabled())
		log_emit(&r);
}

static void refused(const struct config_errors *errs)
{
	char line[768], note[900];

	for (int i = 0; i < errs->n && i < CONFIG_MAX_ERRORS; i++) {
		config_error_format(&errs->e[i], line, sizeof(line));
		log_warn("sockshim: %s", line);
		if (i == 0) {
			snprintf(note, sizeof(note),
				 "kept the last good policy: %s", line);
			say(note);
		}
	}
	log_warn("sockshim: %s: the policy in force stays until the file "
		 "loads", source);
}

/* Load the changed file; publish it if it is valid. */
static void reload(void)
{
	struct policy *np = calloc(1, sizeof(*np));
	struct config_errors errs;
	char note[LOG_PATH_MAX + 32];

	if (!np)
		return;
	if (config_load(source, np, &errs) != 0) {
		refused(&errs);
		policy_free(np);
		free(np);
		return;
	}
	if (mode_from_env >= 0)
		np->mode = (enum pol_mode)mode_from_env;
	np->log = pol()->log;	/* the log is the start's */
	policy_set_program(np, progname);
	atomic_store_explicit(&shim_pol_now, np, memory_order_release);
	snprintf(note, sizeof(note), "loaded %s", source);
	say(note);
}

void shim_reload_check(void)
{
	long due = atomic_load(&shim_reload_due);
	struct timespec t;
	struct stat st;
	sigset_t all, old;
	int err = errno;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
	if (!due || t.tv_sec < due ||
	    !atomic_compare_exchange_strong(&shim_reload_due, &due,
					    (long)t.tv_sec + 1))
		return;
	/* Under the program's own sandbox, no file of ours is opened. */
	if (!sandbox_allows(SBX_FILES) || stat(source, &st) != 0 ||
	    same_file(&st, &seen)) {
		errno = err;
		return;
	}
	seen = st;
	/* No handler of the program's runs while the loader allocates. */
	sigfillset(&all);
	real.pthread_sigmask(SIG_SETMASK, &all, &old);
	reload();
	real.pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = err;
}
