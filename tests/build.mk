# tests/build.mk — checks on the built library itself rather than on a
# program under it. Included from Makefile.am; paths are relative to the
# top directory.
BUILD_TESTS = tests/build/self_binding.sh
TESTS += $(BUILD_TESTS)
EXTRA_DIST += $(BUILD_TESTS)
