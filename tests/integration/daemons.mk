# tests/integration/daemons.mk — see Makefile.am
#
# The log under what admins and daemons do: truncation, both
# logrotate modes, a full filesystem, RLIMIT_FSIZE, SIGTERM, a failed
# exec, and real daemons that drop privileges, daemonize or sandbox
# themselves (nginx, haproxy, sshd, PostgreSQL), judged by what the
# programs and the kernel show and by exact record counts.
DAEMON_TESTS = \
	tests/integration/log_truncate.sh \
	tests/integration/logrotate.sh \
	tests/integration/log_full.sh \
	tests/integration/log_full_shared.sh \
	tests/integration/log_fsize.sh \
	tests/integration/sigterm_trim.sh \
	tests/integration/exec_log.sh \
	tests/integration/nginx_privdrop.sh \
	tests/integration/haproxy_daemon.sh \
	tests/integration/sshd_login.sh \
	tests/integration/seccomp_log.sh \
	tests/integration/warn_syslog.sh \
	tests/integration/live_policy.sh \
	tests/integration/lazy_start.sh \
	tests/integration/logfd_race.sh \
	tests/integration/sigbus_mask.sh \
	tests/integration/sigbus_legacy.sh \
	tests/integration/inherited_filter.sh \
	tests/integration/ping_warning.sh \
	tests/integration/postgres.sh

check_PROGRAMS += tests/integration/progs/logfd_race
tests_integration_progs_logfd_race_SOURCES = tests/integration/progs/logfd_race.c
tests_integration_progs_logfd_race_LDADD = $(PTHREAD_LIBS)
tests_integration_progs_logfd_race_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)

check_PROGRAMS += tests/integration/progs/sandboxed
tests_integration_progs_sandboxed_SOURCES = tests/integration/progs/sandboxed.c \
	tests/integration/progs/seccomp_arch.h

check_PROGRAMS += tests/integration/progs/seccomp_exec
tests_integration_progs_seccomp_exec_SOURCES = tests/integration/progs/seccomp_exec.c \
	tests/integration/progs/seccomp_arch.h

TESTS += $(DAEMON_TESTS)
EXTRA_DIST += $(DAEMON_TESTS) tests/integration/logtest.sh \
	tests/integration/logsrv.py tests/integration/logcheck.py
