# tests/integration/hardening.mk — see Makefile.am
#
# Hardening: the shim under hostile conditions — hooks before
# its constructor, high descriptors, fork among busy threads, vfork and
# posix_spawn, signal handlers that close sockets, hostile policy files,
# strict_perms, the log's symlink refusal — and the suite's own checks
# under valgrind and helgrind. The sanitizer build is scripts/test's.

check_PROGRAMS += \
	tests/integration/progs/h_highfd \
	tests/integration/progs/h_forkloop \
	tests/integration/progs/h_spawn \
	tests/integration/progs/h_sigclose \
	tests/integration/progs/h_hthreads
tests_integration_progs_h_highfd_SOURCES = tests/integration/progs/h_highfd.c
tests_integration_progs_h_forkloop_SOURCES = tests/integration/progs/h_forkloop.c
tests_integration_progs_h_forkloop_LDADD = $(PTHREAD_LIBS)
tests_integration_progs_h_spawn_SOURCES = tests/integration/progs/h_spawn.c
tests_integration_progs_h_sigclose_SOURCES = tests/integration/progs/h_sigclose.c
tests_integration_progs_h_hthreads_SOURCES = tests/integration/progs/h_hthreads.c
tests_integration_progs_h_hthreads_LDADD = $(PTHREAD_LIBS)

# A library whose constructor makes sockets, preloaded next to ours.
check_LTLIBRARIES = tests/integration/progs/h_early.la
tests_integration_progs_h_early_la_SOURCES = tests/integration/progs/h_early.c
tests_integration_progs_h_early_la_LDFLAGS = -module -avoid-version -shared \
	-rpath /nowhere

HARDENING_TESTS = \
	tests/integration/hardening_early.sh \
	tests/integration/hardening_highfd.sh \
	tests/integration/hardening_fork.sh \
	tests/integration/hardening_spawn.sh \
	tests/integration/hardening_signal.sh \
	tests/integration/hardening_configs.sh \
	tests/integration/hardening_perms.sh \
	tests/integration/hardening_security.sh \
	tests/integration/valgrind.sh
TESTS += $(HARDENING_TESTS)
EXTRA_DIST += $(HARDENING_TESTS) tests/fixtures/hostile \
	tests/integration/valgrind.supp
