# Site policy and the log: rules on real programs, the sockshim command,
# and records never lost.
check_PROGRAMS += tests/integration/progs/loss
tests_integration_progs_loss_SOURCES = tests/integration/progs/loss.c
tests_integration_progs_loss_LDADD = $(PTHREAD_LIBS)

TESTS += tests/integration/rules.sh tests/integration/cli.sh \
	tests/integration/log_loss.sh tests/integration/syslog.sh \
	tests/integration/log_stderr.sh
EXTRA_DIST += tests/integration/rules.sh tests/integration/cli.sh \
	tests/integration/log_loss.sh tests/integration/syslog.sh \
	tests/integration/log_stderr.sh
