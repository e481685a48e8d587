# tests/integration/programs.mk — see Makefile.am
