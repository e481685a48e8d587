# tests/fuzz/fuzz.mk — see Makefile.am
#
# libFuzzer harnesses (scripts/fuzz builds them with clang and fuzzes).
# Here they are linked with a plain driver instead, so that `make check`
# (and the sanitizer build) replays the seed corpus through them.

check_PROGRAMS += tests/fuzz/fuzz_config tests/fuzz/fuzz_value
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c tests/fuzz/driver.c
tests_fuzz_fuzz_config_LDADD = src/libsockshim-core.la
tests_fuzz_fuzz_value_SOURCES = tests/fuzz/fuzz_value.c tests/fuzz/driver.c
tests_fuzz_fuzz_value_LDADD = src/libsockshim-core.la

# The report's line reader: untrusted logs from many hosts.
check_PROGRAMS += tests/fuzz/fuzz_report
tests_fuzz_fuzz_report_SOURCES = tests/fuzz/fuzz_report.c tests/fuzz/driver.c \
	$(REPORT_SOURCES)
tests_fuzz_fuzz_report_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS)
tests_fuzz_fuzz_report_LDADD = src/libsockshim-core.la $(ZLIB_LIBS)

TESTS += tests/fuzz/seeds.sh
EXTRA_DIST += tests/fuzz/seeds.sh tests/fuzz/corpus tests/fuzz/lsan.supp
