/* SPDX-License-Identifier: MIT */
/*
 * cli — the sockshim command. cli.c reads the command word and hands the
 * rest of the arguments to one subcommand, each in its own room:
 *
 *   cli_run.c      run: preload the library, warn about programs it
 *                  cannot reach (set-id, capabilities, Go, static ELF)
 *   cli_check.c    check: load a policy, print it or explain it
 *   cli_options.c  options: the catalogue as a table or as man source
 *   cli_service.c  service: a systemd drop-in that preloads the library
 *   cli_host.c     host: the library in /etc/ld.so.preload (its rooms:
 *                  cli_host.h)
 *   report.c       report: summarise JSON logs
 *
 * Each subcommand takes argv from its own name on (getopt starts afresh)
 * and returns the exit status.
 */
#ifndef SOCKSHIM_CLI_H
#define SOCKSHIM_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#ifndef SOCKSHIM_PKGLIBDIR
#define SOCKSHIM_PKGLIBDIR "/usr/local/lib/sockshim"
#endif
#ifndef SOCKSHIM_SYSCONFDIR
#define SOCKSHIM_SYSCONFDIR "/etc"
#endif

#define EXIT_USAGE 2

/* The command's name in its messages. */
extern const char cli_name[];

void cli_usage(FILE *f);
/* "sockshim: " fmt (one %s: arg), a hint to --help; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, const char *arg);

int cli_run(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_options(int argc, char **argv);
int cli_service(int argc, char **argv);
int cli_host(int argc, char **argv);

/* The library: $SOCKSHIM_LIB, next to the command in a build tree, else
 * the installed one. Its path goes to out even when it is missing. */
bool cli_find_library(char *out, size_t len);
/* PATH's content replaced by DATA in one rename (a temporary file in the
 * same directory, synced first); uid -1 keeps the owner. 0 or -1, errno. */
int cli_write_atomic(const char *path, const char *data, size_t len,
		     mode_t mode, uid_t uid, gid_t gid);

#endif
