# tests/unit/local.mk — Check unit tests and the config fixtures.
# Included from Makefile.am; paths are relative to the top directory.

check_PROGRAMS += tests/unit/check_optcat
TESTS += tests/unit/check_optcat
tests_unit_check_optcat_SOURCES = tests/unit/check_optcat.c
tests_unit_check_optcat_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_optcat_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/check_config
TESTS += tests/unit/check_config
tests_unit_check_config_SOURCES = tests/unit/check_config.c
tests_unit_check_config_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_config_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/check_policy
TESTS += tests/unit/check_policy
tests_unit_check_policy_SOURCES = tests/unit/check_policy.c
tests_unit_check_policy_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_policy_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/check_log
TESTS += tests/unit/check_log
tests_unit_check_log_SOURCES = tests/unit/check_log.c
tests_unit_check_log_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_log_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/check_fdtab
TESTS += tests/unit/check_fdtab
tests_unit_check_fdtab_SOURCES = tests/unit/check_fdtab.c
tests_unit_check_fdtab_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_fdtab_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/check_vocab
TESTS += tests/unit/check_vocab
tests_unit_check_vocab_SOURCES = tests/unit/check_vocab.c
tests_unit_check_vocab_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_vocab_LDADD = $(UNIT_LIBS)

# Every fixture, listed: check_config reads them, make distcheck ships them.
EXTRA_DIST += tests/unit/optvals.h \
	tests/fixtures/bad/linger-group.conf \
	tests/fixtures/bad/log-facility-unknown.conf \
	tests/fixtures/bad/log-file-mode-number.conf \
	tests/fixtures/bad/log-ident-space.conf \
	tests/fixtures/bad/abortive-not-linger.conf \
	tests/fixtures/bad/abortive-unknown.conf \
	tests/fixtures/bad/bad-log-calls.conf \
	tests/fixtures/bad/bad-log-format.conf \
	tests/fixtures/bad/bad-mode.conf \
	tests/fixtures/bad/bad-on-error.conf \
	tests/fixtures/bad/deny-and-force.conf \
	tests/fixtures/bad/deny-and-max.conf \
	tests/fixtures/bad/deny-not-bool.conf \
	tests/fixtures/bad/empty-log-path.conf \
	tests/fixtures/bad/errno-not-string.conf \
	tests/fixtures/bad/errno-unknown.conf \
	tests/fixtures/bad/errno-without-deny.conf \
	tests/fixtures/bad/float-for-bool.conf \
	tests/fixtures/bad/force-with-min.conf \
	tests/fixtures/bad/include-missing.conf \
	tests/fixtures/bad/int-for-linger.conf \
	tests/fixtures/bad/int64-range.conf \
	tests/fixtures/bad/keepcnt-zero.conf \
	tests/fixtures/bad/linger-negative.conf \
	tests/fixtures/bad/linger-onoff-range.conf \
	tests/fixtures/bad/linger-short.conf \
	tests/fixtures/bad/log-not-group.conf \
	tests/fixtures/bad/min-gt-max.conf \
	tests/fixtures/bad/min-on-bool.conf \
	tests/fixtures/bad/mode-not-string.conf \
	tests/fixtures/bad/named-twice.conf \
	tests/fixtures/bad/opaque-set.conf \
	tests/fixtures/bad/option-not-group.conf \
	tests/fixtures/bad/options-not-group.conf \
	tests/fixtures/bad/read-only.conf \
	tests/fixtures/bad/set-and-force.conf \
	tests/fixtures/bad/string-for-int.conf \
	tests/fixtures/bad/string-not-string.conf \
	tests/fixtures/bad/string-too-long.conf \
	tests/fixtures/bad/syntax-double-equals.conf \
	tests/fixtures/bad/syntax-on-error-abort.conf \
	tests/fixtures/bad/syntax-stray-bracket.conf \
	tests/fixtures/bad/syntax-unbalanced.conf \
	tests/fixtures/bad/timeout-infinite.conf \
	tests/fixtures/bad/timeout-negative.conf \
	tests/fixtures/bad/timeout-string.conf \
	tests/fixtures/bad/ttl-range.conf \
	tests/fixtures/bad/unknown-directive.conf \
	tests/fixtures/bad/unknown-log-key.conf \
	tests/fixtures/bad/unknown-option.conf \
	tests/fixtures/bad/unknown-top-level.conf \
	tests/fixtures/good/full.conf \
	tests/fixtures/good/include.conf \
	tests/fixtures/good/include.inc \
	tests/fixtures/good/linger.conf \
	tests/fixtures/good/minimal.conf
