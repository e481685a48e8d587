// SPDX-License-Identifier: MIT
/*
 * shim — the lifecycle of the shim in a process: the policy loaded once
 * (on the first call or in our constructor, whichever comes first), the
 * log opened, the sockets the process inherited, fork. What each call
 * does is in the other shim_*.c rooms (shim_int.h).
 */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "fdtab.h"
#include "log.h"
#include "real.h"
#include "sandbox.h"
#include "shim.h"
#include "shim_int.h"
#include "vocab.h"

#ifndef SOCKSHIM_SYSCONFDIR
#define SOCKSHIM_SYSCONFDIR "/etc"
#endif
#define EX_CONFIG 78		/* sysexits.h: configuration error */

/* The policy loaded at start; later ones come from shim_reload.c. */
static struct policy first_pol;
_Atomic(const struct policy *) shim_pol_now = &first_pol;
atomic_long shim_reload_due;
atomic_bool shim_on;
/* In .data, not .bss: the constructor of every process writes it, and
 * .data's page is written by the loader anyway (a page of .bss would be
 * one more page fault per exec host-wide). */
__attribute__((section(".data"))) atomic_bool shim_lazy;
atomic_bool shim_ready;
__thread int shim_depth __attribute__((tls_model("initial-exec")));

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* ---------------------------------------------------------------- init */

static void report_errors(const struct config_errors *errs, const char *prog)
{
	char line[768];

	for (int i = 0; i < errs->n && i < CONFIG_MAX_ERRORS; i++) {
		config_error_format(&errs->e[i], line, sizeof(line));
		log_warn("sockshim: %s", line);
	}
	if (errs->n > CONFIG_MAX_ERRORS)
		log_warn("sockshim: ... and %d more errors",
			 errs->n - CONFIG_MAX_ERRORS);
	if (first_pol.on_error == ONERR_ABORT) {
		log_warn("sockshim: invalid configuration; stopping %s "
			 "(on_error = \"abort\")", prog);
		real._exit(EX_CONFIG);
	}
	log_warn("sockshim: no valid configuration; running %s without "
		 "sockshim (on_error = \"passthrough\")", prog);
}

static int env_mode = -1;

static bool apply_env(const char *prog)
{
	const char *mode = secure_getenv("SOCKSHIM_MODE");
	const char *path = secure_getenv("SOCKSHIM_LOG");
	int m;

	if (path && *path)
		snprintf(first_pol.log.path, sizeof(first_pol.log.path), "%s",
			 path);
	if (!mode || !*mode)
		return true;
	if (vocab_value(VOCAB_MODE, mode, &m)) {
		first_pol.mode = (enum pol_mode)m;
		env_mode = m;
		return true;
	}
	{
		struct config_errors errs = { .n = 1 };

		snprintf(errs.e[0].file, sizeof(errs.e[0].file), "environment");
		snprintf(errs.e[0].key, sizeof(errs.e[0].key), "SOCKSHIM_MODE");
		snprintf(errs.e[0].msg, sizeof(errs.e[0].msg),
			 "unknown mode \"%s\" (expected enforce, audit or "
			 "trace)", mode);
		report_errors(&errs, prog);
	}
	return false;
}

static void atfork_prepare(void)
{
	log_before_fork();
}

static void atfork_child(void)
{
	log_after_fork_child();
}

/*
 * Sockets the process inherited (across exec, from inetd or systemd):
 * known from the start, so even a first close of one is a socket's.
 */
static void find_inherited(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct sockinfo si;
	struct dirent *e;
	struct stat st;

	if (!d) {
		for (int fd = 0; fd < 256; fd++)
			if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
			    !log_owns_fd(fd))
				facts_discover(fd, &si);
		return;
	}
	while ((e = readdir(d))) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);

		if (*end || end == e->d_name || fd == dirfd(d) || fd > INT_MAX)
			continue;
		if (fstat((int)fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
		    !log_owns_fd((int)fd))
			facts_discover((int)fd, &si);
	}
	closedir(d);
}

static void shim_init_once(void)
{
	const char *prog = program_invocation_short_name;
	const char *path = secure_getenv("SOCKSHIM_CONFIG");
	struct config_errors errs;
	int saved = errno;

	shim_depth++;
	real_init();
	if (!path || !*path)
		path = SOCKSHIM_SYSCONFDIR "/sockshim.conf";
	if (config_load(path, &first_pol, &errs) != 0) {
		report_errors(&errs, prog);
	} else if (apply_env(prog)) {
		policy_set_program(&first_pol, prog);
		log_open(&first_pol.log, prog);
		shim_reload_setup(path, prog, env_mode);
		find_inherited();
		sandbox_inherited();
		pthread_atfork(atfork_prepare, NULL, atfork_child);
		atomic_store(&shim_on, true);
	}
	atomic_store_explicit(&shim_ready, true, memory_order_release);
	shim_depth--;
	errno = saved;
}

/*
 * In the constructor: start now when we were asked for by name (sockshim
 * run, a service's environment: SOCKSHIM_* set, or LD_PRELOAD naming us),
 * so on_error = "abort" stops a program before main. Preloaded for the
 * whole host (/etc/ld.so.preload), start on the first socket call: a
 * process that never makes one pays for nothing but the loading.
 */
/* cold: placed with the loader's other start-up code, on pages the
 * process touches anyway. */
__attribute__((cold)) void shim_construct(void)
{
	const char *preload = secure_getenv("LD_PRELOAD");

	/* Every hook reaches libc through real, started or not; its
	 * functions are looked up on first use (what a signal handler
	 * may call first, now). Started, the shim looks them all up. */
	real_start();
	if (secure_getenv("SOCKSHIM_CONFIG") || secure_getenv("SOCKSHIM_LOG") ||
	    secure_getenv("SOCKSHIM_MODE") ||
	    (preload && strstr(preload, "libsockshim"))) {
		shim_init();
		return;
	}
	atomic_store(&shim_lazy, true);
	log_warn_syslog_only();
}

void shim_init(void)
{
	real_init();
	if (shim_depth)
		return;
	pthread_once(&init_once, shim_init_once);
}

void shim_fini(void)
{
	if (shim_active())
		log_close();
}

void shim_leaving(void)
{
	int err = errno;

	/* Never initialise here: a process leaving needs nothing of us. */
	if (shim_active() && !shim_depth)
		log_close();
	errno = err;
}

const struct policy *shim_policy(void)
{
	return pol();
}

bool shim_active(void)
{
	return atomic_load_explicit(&shim_on, memory_order_acquire);
}
