# Site policy: rules on real programs, and the sockshim command.
TESTS += tests/integration/rules.sh tests/integration/cli.sh
EXTRA_DIST += tests/integration/rules.sh tests/integration/cli.sh
