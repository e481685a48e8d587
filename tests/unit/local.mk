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

check_PROGRAMS += tests/unit/check_logmap
TESTS += tests/unit/check_logmap
tests_unit_check_logmap_SOURCES = tests/unit/check_logmap.c
tests_unit_check_logmap_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_logmap_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/check_sandbox
TESTS += tests/unit/check_sandbox
tests_unit_check_sandbox_SOURCES = tests/unit/check_sandbox.c
tests_unit_check_sandbox_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_sandbox_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/check_vocab
TESTS += tests/unit/check_vocab
tests_unit_check_vocab_SOURCES = tests/unit/check_vocab.c
tests_unit_check_vocab_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_vocab_LDADD = $(UNIT_LIBS)

# check_config reads the fixture directories as they are (every *.conf in
# bad/ is a case): shipped whole, not file by file.
EXTRA_DIST += tests/unit/optvals.h tests/fixtures/bad tests/fixtures/good
