# hardening_security — the log never follows a symlink, and the library
# reads its environment with secure_getenv only (so a setuid program,
# were the loader to preload it at all, would ignore SOCKSHIM_*).
. "$TESTLIB"

C=$(conf sec <<'EOF2'
options = { SO_REUSEADDR = { force = true; }; };
EOF2
)
# A symlink at the log path, pointing at a file someone wants written.
: >"$T/target"
ln -s "$T/target" "$T/log"
under_timeout 10 "$C" "$T/log" "$PROGS/opts" tcp SO_REUSEADDR >"$T/out" 2>"$T/err"
rc=$?
[ $rc = 0 ] || fail "symlink log: exit $rc: $(cat "$T/err")"
grep -qx 'SO_REUSEADDR initial 1' "$T/out" || fail "symlink log: the policy did not apply"
[ -s "$T/target" ] && fail "the log followed the symlink: $(head -3 "$T/target")"
[ -L "$T/log" ] || fail "the symlink was replaced"
grep -q "cannot open log $T/log" "$T/err" || fail "no warning about the log: $(cat "$T/err")"
# Dangling, too: following it would create the file.
rm "$T/target"
under_timeout 10 "$C" "$T/log" "$PROGS/opts" tcp SO_REUSEADDR >"$T/out" 2>"$T/err" ||
	fail "dangling symlink log: exit $?"
[ -e "$T/target" ] && fail "the log created the symlink's target"
ok "a symlink at the log path is not followed; the program runs"

# secure_getenv: the library's undefined symbols, and its sources.
if command -v nm >/dev/null; then
	nm -D --undefined-only "$SOCKSHIM_LIB" >"$T/syms" || fail "nm failed"
	grep -qw secure_getenv "$T/syms" || fail "the library does not use secure_getenv"
	grep -qw getenv "$T/syms" && fail "the library calls getenv: $(grep -w getenv "$T/syms")"
fi
top=$(cd "$FIXTURES/../.." && pwd)
# The library's sources (the command's are never preloaded).
srcs=$(sed -n '/^src_libsockshim_core_la_SOURCES/,/[^\\]$/p' "$top/Makefile.am" |
	tr ' \t\\' '\n\n\n' | grep '^src/.*\.c$')
[ -n "$srcs" ] || fail "no library sources found in Makefile.am"
bad=$(cd "$top" && grep -nE '(^|[^_a-z])getenv[[:space:]]*\(' $srcs src/hooks.c || true)
[ -z "$bad" ] || fail "getenv in the library's sources: $bad"
ok "the library reads its environment with secure_getenv only"
