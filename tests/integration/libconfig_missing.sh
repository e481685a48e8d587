#!/bin/sh
# libconfig_missing — the library loads libconfig only when it reads a
# policy. On a host where it cannot be loaded (a broken install: here, in
# a private mount namespace, /dev/null bound over it), a program under the
# shim runs exactly as without it: same output, same exit status, the
# socket option the policy would force left as the kernel's default; the
# warning names the policy file and what is missing. `sockshim check`
# fails with the same reason. With on_error = "abort", the program is
# stopped before main, as for any policy that does not load.

if [ "${SOCKSHIM_NS:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for a mount namespace" >&2; exit 77; }
	command -v unshare >/dev/null 2>&1 || { echo "SKIP: no unshare" >&2; exit 77; }
	SOCKSHIM_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi
. "$TESTLIB"
need "$PYTHON3"

lib=$(ldconfig -p | awk '$1 ~ /^libconfig\.so\./ && /x86-64|64bit|AArch64/ { print $NF; exit }')
[ -n "$lib" ] || lib=$(ldconfig -p | awk '$1 ~ /^libconfig\.so\./ { print $NF; exit }')
[ -n "$lib" ] && [ -e "$lib" ] || fail "no libconfig in the loader's cache"
real=$(readlink -f "$lib")

C=$(conf keepalive <<'EOC'
log = { path = "none"; };
options = { SO_KEEPALIVE = { force = true; }; };
EOC
)
prog='import socket
s = socket.socket()
print("keepalive", s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))'

# With libconfig: the policy acts.
out=$(SOCKSHIM_CONFIG=$C LD_PRELOAD=$SOCKSHIM_PRELOAD "$PYTHON3" -c "$prog") ||
	fail "the program failed with libconfig present: $out"
[ "$out" = "keepalive 1" ] || fail "the policy did not act with libconfig present: $out"

mount --bind /dev/null "$real" || skip "cannot bind a file over $real in the namespace"
trap 'umount -l "$real" 2>/dev/null; cleanup' EXIT

bare=$("$PYTHON3" -c "$prog"); bare_rc=$?
rc=0
out=$(SOCKSHIM_CONFIG=$C LD_PRELOAD=$SOCKSHIM_PRELOAD "$PYTHON3" -c "$prog" 2>"$T/err") || rc=$?
[ "$rc" = "$bare_rc" ] || fail "exit status $rc under the shim, $bare_rc bare: $(cat "$T/err")"
[ "$out" = "$bare" ] || fail "output '$out' under the shim, '$bare' bare"
[ "$out" = "keepalive 0" ] || fail "without a policy, SO_KEEPALIVE should be the kernel's default: $out"
grep -q "$C" "$T/err" && grep -q 'libconfig' "$T/err" ||
	fail "the warning does not name the policy and libconfig: $(cat "$T/err")"
ok "libconfig missing: the program runs as bare; the warning: $(head -n 1 "$T/err")"

rc=0
"$SOCKSHIM_BIN" check "$C" >"$T/check.out" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "sockshim check passed without libconfig"
grep -q 'libconfig' "$T/check.out" || fail "sockshim check does not say libconfig is missing: $(cat "$T/check.out")"
ok "sockshim check fails, saying why: $(grep -m1 libconfig "$T/check.out")"

A=$(conf abort <<'EOC'
on_error = "abort";
log = { path = "none"; };
EOC
)
rc=0
SOCKSHIM_CONFIG=$A LD_PRELOAD=$SOCKSHIM_PRELOAD "$PYTHON3" -c 'print("main ran")' >"$T/abort.out" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "on_error = abort: the program ran without its policy"
grep -q 'main ran' "$T/abort.out" && fail "on_error = abort: main ran"
ok "on_error = abort stops the program before main (exit $rc)"
