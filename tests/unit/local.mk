# tests/unit/local.mk — see Makefile.am
