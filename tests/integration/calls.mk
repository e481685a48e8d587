# tests/integration/calls.mk — see Makefile.am
#
# Small C programs that make each interposed call on real sockets, and the
# shell tests that run them with and without the shim. The programs are
# never linked with sockshim: the tests preload it.

check_PROGRAMS += tests/integration/progs/calls
tests_integration_progs_calls_SOURCES = tests/integration/progs/calls.c

check_PROGRAMS += tests/integration/progs/opts
tests_integration_progs_opts_SOURCES = tests/integration/progs/opts.c

check_PROGRAMS += tests/integration/progs/errors
tests_integration_progs_errors_SOURCES = tests/integration/progs/errors.c

check_PROGRAMS += tests/integration/progs/closeall
tests_integration_progs_closeall_SOURCES = tests/integration/progs/closeall.c

check_PROGRAMS += tests/integration/progs/threads
tests_integration_progs_threads_SOURCES = tests/integration/progs/threads.c
tests_integration_progs_threads_LDADD = $(PTHREAD_LIBS)

check_PROGRAMS += tests/integration/progs/errno_kept
tests_integration_progs_errno_kept_SOURCES = tests/integration/progs/errno_kept.c

check_PROGRAMS += tests/integration/progs/stale_fd
tests_integration_progs_stale_fd_SOURCES = tests/integration/progs/stale_fd.c

CALLS_TESTS = \
	tests/integration/calls_fidelity.sh \
	tests/integration/directives.sh \
	tests/integration/unix_untouched.sh \
	tests/integration/log_fd.sh \
	tests/integration/bad_config.sh \
	tests/integration/fork_threads.sh \
	tests/integration/errno_kept.sh \
	tests/integration/stale_facts.sh
TESTS += $(CALLS_TESTS)
EXTRA_DIST += $(CALLS_TESTS)
