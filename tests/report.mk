# tests/report.mk — `sockshim report`: the summariser's unit test on a
# hand-written log, and a real program's log summarised end to end.
# Included from Makefile.am; paths are relative to the top directory.

# The report belongs to the command, not the core library: built in.
# zlib reads rotated (gzip) logs.
REPORT_SOURCES = src/report.c src/report.h src/report_int.h \
	src/report_tables.c src/report_scan.c src/report_line.c \
	src/report_record.c src/report_tally.c src/report_query.c \
	src/report_input.c src/report_out.c src/report_text.c \
	src/report_json.c
src_sockshim_CFLAGS += $(ZLIB_CFLAGS)
src_sockshim_LDADD += $(ZLIB_LIBS)

check_PROGRAMS += tests/unit/check_report
TESTS += tests/unit/check_report tests/integration/report.sh \
	tests/integration/rsyslog_fleet.sh tests/integration/log_host.sh
tests_unit_check_report_SOURCES = tests/unit/check_report.c $(REPORT_SOURCES)
tests_unit_check_report_CFLAGS = $(UNIT_CFLAGS) $(ZLIB_CFLAGS)
tests_unit_check_report_LDADD = $(UNIT_LIBS) $(ZLIB_LIBS)

EXTRA_DIST += tests/fixtures/report/sample.json tests/integration/report.sh \
	tests/integration/rsyslog_fleet.sh tests/integration/log_host.sh
EXTRA_DIST += bench/reportlog.py
EXTRA_DIST += conf/rsyslog.d/sockshim.conf
