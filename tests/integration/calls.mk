# tests/integration/calls.mk — see Makefile.am
