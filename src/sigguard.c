// SPDX-License-Identifier: MIT
/* sigguard — our SIGBUS and fatal-signal handlers, behind the program's. */
#include "build-config.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#include "logmap.h"
#include "real.h"
#include "sigguard.h"

/* Fatal by default, and worth trimming the file for. Faults other than
 * SIGBUS stay the program's (and its debugger's, its sanitizer's). */
static const int fatal_sigs[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE,
	SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGABRT,
};

static atomic_bool armed;
static void (*on_fatal)(int);
/* What the program asked for, for each signal we hold. */
static struct sigaction app_act[_NSIG];
/* Bit s: our handler is installed for s (s < 64). */
static atomic_ullong guarded;
/* The program asked for SIGBUS blocked in this thread. */
static __thread bool app_bus_blocked __attribute__((tls_model("initial-exec")));

static bool is_guarded(int sig)
{
	return sig > 0 && sig < 64 &&
	       (atomic_load_explicit(&guarded, memory_order_relaxed) &
		(1ULL << sig));
}

static bool is_fatal_sig(int sig)
{
	for (size_t i = 0; i < sizeof(fatal_sigs) / sizeof(fatal_sigs[0]); i++)
		if (fatal_sigs[i] == sig)
			return true;
	return false;
}

/* Die of sig as if we had never caught it. */
static void die_of(int sig, bool refault)
{
	struct sigaction dfl;
	sigset_t s;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	real.sigaction(sig, &dfl, NULL);
	atomic_fetch_and(&guarded, ~(1ULL << sig));
	if (refault)
		return;	/* the faulting instruction runs again and kills */
	sigemptyset(&s);
	sigaddset(&s, sig);
	real.sigprocmask(SIG_UNBLOCK, &s, NULL);
	raise(sig);
}

/* Hand the signal to what the program set for it. */
static void chain(int sig, siginfo_t *si, void *ctx)
{
	struct sigaction act = app_act[sig];
	bool fault = si && si->si_code > 0 && sig == SIGBUS;

	if (act.sa_handler == SIG_IGN && !fault)
		return;
	if (act.sa_handler == SIG_DFL || act.sa_handler == SIG_IGN) {
		/* A fault cannot be ignored: the kernel would kill us. */
		if (on_fatal)
			on_fatal(sig);
		die_of(sig, fault);
		return;
	}
	if (act.sa_flags & SA_RESETHAND) {
		memset(&app_act[sig], 0, sizeof(app_act[sig]));
		app_act[sig].sa_handler = SIG_DFL;
	}
	if (act.sa_flags & SA_SIGINFO)
		act.sa_sigaction(sig, si, ctx);
	else
		act.sa_handler(sig);
}

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
	int saved = errno;

	if (sig == SIGBUS && si && si->si_code > 0 && logmap_fault(si->si_addr)) {
		errno = saved;
		return;
	}
	chain(sig, si, ctx);
	errno = saved;
}

static bool install(int sig)
{
	struct sigaction ours;

	memset(&ours, 0, sizeof(ours));
	ours.sa_sigaction = on_signal;
	ours.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sigemptyset(&ours.sa_mask);
	if (real.sigaction(sig, &ours, NULL) != 0)
		return false;
	atomic_fetch_or(&guarded, 1ULL << sig);
	return true;
}

void sigguard_arm(void (*fatal)(int sig))
{
	struct sigaction cur;
	sigset_t mask, bus;

	if (atomic_exchange(&armed, true))
		return;
	on_fatal = fatal;
	if (real.sigaction(SIGBUS, NULL, &cur) == 0) {
		app_act[SIGBUS] = cur;
		install(SIGBUS);
	}
	for (size_t i = 0; i < sizeof(fatal_sigs) / sizeof(fatal_sigs[0]); i++) {
		int sig = fatal_sigs[i];

		if (real.sigaction(sig, NULL, &cur) == 0 &&
		    cur.sa_handler == SIG_DFL && !(cur.sa_flags & SA_SIGINFO)) {
			app_act[sig] = cur;
			install(sig);
		}
	}
	/* Started with SIGBUS blocked: keep that for the program's view. */
	sigemptyset(&bus);
	sigaddset(&bus, SIGBUS);
	if (real.pthread_sigmask(SIG_UNBLOCK, &bus, &mask) == 0 &&
	    sigismember(&mask, SIGBUS))
		app_bus_blocked = true;
}

bool sigguard_armed(void)
{
	return atomic_load_explicit(&armed, memory_order_relaxed);
}

int sigguard_sigaction(int sig, const struct sigaction *act,
		       struct sigaction *old)
{
	struct sigaction prev;
	int ret;

	if (!is_guarded(sig)) {
		/* The program sets a fatal signal back to its default: our
		 * handler stands in for the default again. */
		if (act && armed && is_fatal_sig(sig) &&
		    act->sa_handler == SIG_DFL &&
		    real.sigaction(sig, NULL, &prev) == 0) {
			app_act[sig] = *act;
			if (install(sig)) {
				if (old)
					*old = prev;
				return 0;
			}
		}
		return real.sigaction(sig, act, old);
	}
	prev = app_act[sig];
	if (act && sig != SIGBUS && act->sa_handler != SIG_DFL) {
		/* The program takes the signal over: ours goes. */
		atomic_fetch_and(&guarded, ~(1ULL << sig));
		ret = real.sigaction(sig, act, NULL);
		if (ret != 0) {
			atomic_fetch_or(&guarded, 1ULL << sig);
			return ret;
		}
	}
	if (act)
		app_act[sig] = *act;
	if (old)
		*old = prev;
	return 0;
}

/* Signals siginterrupt asked to interrupt system calls (bit sig - 1):
 * signal() then installs them without SA_RESTART, as libc's own would. */
static _Atomic unsigned long long interrupting;

static bool valid_sig(int sig)
{
	if (sig > 0 && sig < _NSIG && sig <= 64)
		return true;
	errno = EINVAL;
	return false;
}

static void sig_set(sigset_t *set, int sig)
{
	sigemptyset(set);
	sigaddset(set, sig);
}

/* One disposition, the way the older interfaces set it. */
static void (*set_handler(int sig, void (*handler)(int), int flags,
			  bool mask_self))(int)
{
	struct sigaction sa, old;

	if (!valid_sig(sig) || handler == SIG_ERR) {
		errno = EINVAL;
		return SIG_ERR;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (mask_self)
		sigaddset(&sa.sa_mask, sig);
	if (sigguard_sigaction(sig, &sa, &old) != 0)
		return SIG_ERR;
	return old.sa_handler;
}

void (*sigguard_signal(int sig, void (*handler)(int)))(int)
{
	bool intr = valid_sig(sig) &&
		    (atomic_load(&interrupting) & (1ULL << (sig - 1)));

	return set_handler(sig, handler, intr ? 0 : SA_RESTART, true);
}

/* System V's: reset to the default when delivered, not blocked in its
 * handler, calls not restarted. */
void (*sigguard_sysv_signal(int sig, void (*handler)(int)))(int)
{
	return set_handler(sig, handler, SA_RESETHAND | SA_NODEFER, false);
}

void (*sigguard_sigset(int sig, void (*disp)(int)))(int)
{
	struct sigaction old;
	sigset_t set, oset;
	void (*prev)(int);

	if (!valid_sig(sig))
		return SIG_ERR;
	sig_set(&set, sig);
	if (disp == SIG_HOLD) {
		if (sigguard_mask(SIG_BLOCK, &set, &oset, false) != 0)
			return SIG_ERR;
		if (sigismember(&oset, sig))
			return SIG_HOLD;
		if (sigguard_sigaction(sig, NULL, &old) != 0)
			return SIG_ERR;
		return old.sa_handler;
	}
	prev = set_handler(sig, disp, 0, false);
	if (prev == SIG_ERR ||
	    sigguard_mask(SIG_UNBLOCK, &set, &oset, false) != 0)
		return SIG_ERR;
	return sigismember(&oset, sig) ? SIG_HOLD : prev;
}

int sigguard_hold(int sig, bool hold)
{
	sigset_t set;

	if (!valid_sig(sig))
		return -1;
	sig_set(&set, sig);
	return sigguard_mask(hold ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL, false);
}

int sigguard_ignore(int sig)
{
	return set_handler(sig, SIG_IGN, 0, false) == SIG_ERR ? -1 : 0;
}

int sigguard_interrupt(int sig, int flag)
{
	struct sigaction sa;

	if (!valid_sig(sig) || sigguard_sigaction(sig, NULL, &sa) != 0)
		return -1;
	if (flag) {
		atomic_fetch_or(&interrupting, 1ULL << (sig - 1));
		sa.sa_flags &= ~SA_RESTART;
	} else {
		atomic_fetch_and(&interrupting, ~(1ULL << (sig - 1)));
		sa.sa_flags |= SA_RESTART;
	}
	return sigguard_sigaction(sig, &sa, NULL);
}

int sigguard_mask(int how, const sigset_t *set, sigset_t *old, bool pthread)
{
	int (*fn)(int, const sigset_t *, sigset_t *) =
		pthread ? real.pthread_sigmask : real.sigprocmask;
	bool was = app_bus_blocked, wants;
	sigset_t s;
	int ret;

	if (!is_guarded(SIGBUS))
		return fn(how, set, old);
	if (!set) {
		ret = fn(how, set, old);
	} else {
		s = *set;
		wants = sigismember(&s, SIGBUS) == 1;
		if (how != SIG_UNBLOCK)
			sigdelset(&s, SIGBUS);
		ret = fn(how, &s, old);
		if (ret == 0) {
			if (how == SIG_BLOCK)
				app_bus_blocked = was || wants;
			else if (how == SIG_SETMASK)
				app_bus_blocked = wants;
			else if (how == SIG_UNBLOCK && wants)
				app_bus_blocked = false;
		}
	}
	if (ret == 0 && old && was)
		sigaddset(old, SIGBUS);
	return ret;
}

void sigguard_before_exec(void)
{
	sigset_t bus;

	if (!app_bus_blocked || !is_guarded(SIGBUS))
		return;
	sigemptyset(&bus);
	sigaddset(&bus, SIGBUS);
	real.pthread_sigmask(SIG_BLOCK, &bus, NULL);
}

void sigguard_exec_failed(void)
{
	sigset_t bus;

	if (!app_bus_blocked || !is_guarded(SIGBUS))
		return;
	sigemptyset(&bus);
	sigaddset(&bus, SIGBUS);
	real.pthread_sigmask(SIG_UNBLOCK, &bus, NULL);
}
