# tests/integration/supervise.mk — see Makefile.am
#
# sockshim run --via seccomp: static C programs built with
# gcc -static and Go programs built with golang-go, governed through
# seccomp user notification; effects read back by the programs and ss.
SUPERVISE_TESTS = \
	tests/integration/supervise_static.sh \
	tests/integration/supervise_go.sh

TESTS += $(SUPERVISE_TESTS)
EXTRA_DIST += $(SUPERVISE_TESTS) tests/integration/supervise_prog.c \
	tests/integration/supervise_prog.go

# The filter itself, run on made-up calls by a small BPF interpreter.
check_PROGRAMS += tests/unit/check_supervise
TESTS += tests/unit/check_supervise
tests_unit_check_supervise_SOURCES = tests/unit/check_supervise.c \
	src/supervise_bpf.c
tests_unit_check_supervise_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_supervise_LDADD = $(UNIT_LIBS)
