# tests/integration/supervise.mk — see Makefile.am
#
# sockshim run --via seccomp (issue 12): static C programs built with
# gcc -static and Go programs built with golang-go, governed through
# seccomp user notification; effects read back by the programs and ss.
SUPERVISE_TESTS = \
	tests/integration/supervise_static.sh \
	tests/integration/supervise_go.sh

TESTS += $(SUPERVISE_TESTS)
EXTRA_DIST += $(SUPERVISE_TESTS) tests/integration/supervise_prog.c \
	tests/integration/supervise_prog.go
