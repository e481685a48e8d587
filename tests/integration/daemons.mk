# tests/integration/daemons.mk — see Makefile.am
#
# The log under what admins and daemons do (issue 8): truncation, both
# logrotate modes, a full filesystem, RLIMIT_FSIZE, SIGTERM, a failed
# exec, and real daemons that drop privileges, daemonize or sandbox
# themselves (nginx, haproxy, sshd, PostgreSQL), judged by what the
# programs and the kernel show and by exact record counts.
DAEMON_TESTS = \
	tests/integration/postgres.sh

TESTS += $(DAEMON_TESTS)
EXTRA_DIST += $(DAEMON_TESTS) tests/integration/logtest.sh \
	tests/integration/logsrv.py tests/integration/logcheck.py
