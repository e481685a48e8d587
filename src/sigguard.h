/* SPDX-License-Identifier: MIT */
/*
 * sigguard — the signals the log needs, kept out of the program's way.
 *
 * SIGBUS: a mapped log file truncated by someone else faults on our next
 * store. Our handler takes the faults in the log's window (logmap_fault)
 * and hands every other SIGBUS to what the program asked for, so the
 * program sees the disposition it set. SIGBUS is never blocked in a
 * thread while the guard is armed (a blocked fault kills the process);
 * the program's masks are kept for it and reported back as it set them.
 *
 * Fatal signals with the default action (SIGTERM, SIGINT, SIGHUP, ...):
 * a process stopped that way would keep the mapped file's reserve of
 * blank lines. While the program leaves such a signal at its default,
 * our handler trims the file and dies of the same signal; the moment the
 * program sets its own handler or ignores it, ours is gone.
 */
#ifndef SOCKSHIM_SIGGUARD_H
#define SOCKSHIM_SIGGUARD_H

#include <signal.h>
#include <stdbool.h>

/* Install the guards (once; idempotent). fatal: the function a fatal
 * signal runs before the process dies of it (async-signal-safe). */
void sigguard_arm(void (*fatal)(int sig));
bool sigguard_armed(void);

/* The program's own calls, virtualised for guarded signals. */
int sigguard_sigaction(int sig, const struct sigaction *act,
		       struct sigaction *old);
void (*sigguard_signal(int sig, void (*handler)(int)))(int);
/* The older interfaces, which libc carries out without calling sigaction
 * or sigprocmask by name (so no hook would see them): sysv_signal,
 * sigset, sighold/sigrelse (hold), sigignore, siginterrupt. */
void (*sigguard_sysv_signal(int sig, void (*handler)(int)))(int);
void (*sigguard_sigset(int sig, void (*disp)(int)))(int);
int sigguard_hold(int sig, bool hold);
int sigguard_ignore(int sig);
int sigguard_interrupt(int sig, int flag);
/* how/set/old as sigprocmask; pthread: return an error number. */
int sigguard_mask(int how, const sigset_t *set, sigset_t *old, bool pthread);

/* Before exec: the new image gets the mask the program asked for. */
void sigguard_before_exec(void);
void sigguard_exec_failed(void);

#endif
