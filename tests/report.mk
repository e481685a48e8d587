# tests/report.mk — `sockshim report`: the summariser's unit test on a
# hand-written log, and a real program's log summarised end to end.
# Included from Makefile.am; paths are relative to the top directory.

# report.c belongs to the command, not the core library: built in.
check_PROGRAMS += tests/unit/check_report
TESTS += tests/unit/check_report tests/integration/report.sh
tests_unit_check_report_SOURCES = tests/unit/check_report.c src/report.c
tests_unit_check_report_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_report_LDADD = $(UNIT_LIBS)

EXTRA_DIST += tests/fixtures/report/sample.json tests/integration/report.sh
