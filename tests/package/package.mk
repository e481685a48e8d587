# tests/package/package.mk — the Debian package built from the tree.
# Included from Makefile.am; paths are relative to the top directory.
PACKAGE_TESTS = tests/package/deb.sh
TESTS += $(PACKAGE_TESTS)
EXTRA_DIST += $(PACKAGE_TESTS)
