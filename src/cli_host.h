/* SPDX-License-Identifier: MIT */
/*
 * cli_host — what the rooms of `sockshim host` share, private to
 * src/cli_host*.c (the command's entry point is cli_host() in cli.h).
 *
 *   cli_host.c        the command: its options and verbs; enable, disable
 *                     and status in the order they do things
 *   cli_host_files.c  the two files the host command changes:
 *                     /etc/ld.so.preload (the library's entry put in or
 *                     taken out, the other entries kept, written in one
 *                     rename) and the system policy (installed, the old
 *                     one kept as .old)
 *   cli_host_trial.c  what enable proves before anything changes: the
 *                     policy loads and suits every process of the host,
 *                     and the library loads and runs in a test process
 *                     (`sockshim host probe` is that process's side)
 *
 * Shared names start with host_.
 */
#ifndef SOCKSHIM_CLI_HOST_H
#define SOCKSHIM_CLI_HOST_H

#include <stdbool.h>
#include <sys/stat.h>

#include "cli.h"
#include "policy.h"

#define PRELOAD_FILE "/etc/ld.so.preload"
#define SYSTEM_POLICY SOCKSHIM_SYSCONFDIR "/sockshim.conf"
#define LIB_NAME "libsockshim.so"

/* ------------------------------------------------- cli_host_files.c */

/* /etc/ld.so.preload's text ("" when missing, *existed false); NULL on
 * an error, said on stderr. */
char *host_read_preload(bool *existed, struct stat *st);
/* OLD without the library's entries, LIB appended when given; *found
 * counts the entries taken out. A malloc'd string, NULL. */
char *host_edit_preload(const char *old, const char *lib, int *found);
/* Does TEXT hold anything but separators? */
bool host_has_entries(const char *text);
/* TEXT as /etc/ld.so.preload, with the mode and owner it had (st) if it
 * existed; false on an error, said on stderr. */
bool host_write_preload(const char *text, bool existed,
			const struct stat *st);
/* CFG's text becomes the system policy; the old one is kept as .old. */
bool host_install_policy(const char *cfg);

/* ------------------------------------------------- cli_host_trial.c */

/* Load the policy at path, its errors on stderr. */
bool host_load_checked(const char *path, struct policy *p);
/* What would make a policy wrong for every process of the host, said. */
bool host_fit(const char *path, const struct policy *p);
/* The system policy belongs to root and only root may write it. */
bool host_safe_owner(const char *path);
/* Run ARGV (at path) under LIB with policy CFG: true when it exits 0
 * and says nothing on stderr. */
bool host_try(const char *path, char *const argv[], const char *lib,
	      const char *cfg);
/* `sockshim host probe LIB`: the exit status. */
int host_probe(const char *lib);

#endif
