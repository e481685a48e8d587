# Deploying: systemd drop-ins and the whole host (/etc/ld.so.preload).
# Included from Makefile.am; paths are relative to the top directory.
DEPLOY_TESTS = tests/integration/service.sh tests/integration/host.sh \
	tests/integration/service_syscalls.sh \
	tests/integration/libconfig_missing.sh
TESTS += $(DEPLOY_TESTS)
EXTRA_DIST += $(DEPLOY_TESTS)
