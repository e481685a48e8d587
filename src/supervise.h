/* SPDX-License-Identifier: MIT */
/*
 * supervise — `sockshim run --via seccomp`: the policy for programs the
 * preload cannot reach (static, Go), through seccomp user notification.
 *
 * The program runs as our child under a seccomp filter that stops only
 * the calls the policy needs: setsockopt of the options it names (the
 * filter tests level and optname), and bind, connect and listen when the
 * policy sets options or its rules name facts those calls reveal. We
 * (the parent) receive each stopped call, look at the socket through a
 * pidfd_getfd duplicate and the value through process_vm_readv, and let
 * the kernel go on with it, answer it ourselves, or refuse it. Anything
 * that goes wrong on our side lets the call go on unchanged.
 *
 * supervise_bpf.c builds the filter from the policy; supervise_int.h
 * says which of the supervisor's rooms holds the rest.
 */
#ifndef SOCKSHIM_SUPERVISE_H
#define SOCKSHIM_SUPERVISE_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/filter.h>

#include "policy.h"

/* What the kernel offers; the first three are needed. */
struct sv_features {
	bool user_notif;	/* SECCOMP_RET_USER_NOTIF (5.0) */
	bool pidfd_open;	/* 5.3 */
	bool pidfd_getfd;	/* 5.6 */
	bool wait_killable;	/* SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (5.19) */
	bool thread_pidfd;	/* PIDFD_THREAD (6.9) */
	bool arch;		/* the filter knows this architecture */
};

/* Probe the kernel; true when the supervisor can work here. */
bool supervise_probe(struct sv_features *f);
/* "seccomp user notification, pidfd_getfd": what is missing, plainly. */
void supervise_missing(const struct sv_features *f, char *buf, size_t len);

/*
 * Rules the supervisor cannot carry out as written: print one line per
 * rule to f, prefixed with prefix; returns how many.
 */
int supervise_unreachable_rules(const struct policy *p, FILE *f,
				const char *prefix);

/*
 * Run argv[0] (searched in PATH) supervised; returns the exit status to
 * pass on (a signal that killed the program is raised on ourselves).
 */
int supervise_run(char **argv, const struct sv_features *f);

/* ---- supervise_bpf.c ---- */

/* Which calls the filter stops. */
struct sv_filter_spec {
	bool events;		/* bind, connect, listen */
	bool all_setsockopt;	/* every setsockopt, not only named options */
};

/*
 * Build the filter for policy p into out (out->filter is malloc'd);
 * false when this architecture has no filter of ours.
 */
bool svbpf_build(const struct policy *p, const struct sv_filter_spec *spec,
		 struct sock_fprog *out);

#endif
