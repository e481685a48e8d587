# tests/integration/programs.mk — see Makefile.am
#
# Real, unmodified programs (socat, python3, curl) under the shim with the
# default policy, judged by what the kernel shows: TIME_WAIT restarts,
# Nagle round times, resets on close, and the JSON call log.
PROGRAM_TESTS = \
	tests/integration/restart_timewait.sh \
	tests/integration/nagle_latency.sh \
	tests/integration/linger_reset.sh \
	tests/integration/json_log.sh \
	tests/integration/curl_nodelay.sh

TESTS += $(PROGRAM_TESTS)
EXTRA_DIST += $(PROGRAM_TESTS)
