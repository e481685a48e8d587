#!/bin/bash
# ping_warning — `sockshim run` on a program with file capabilities
# (Debian's ping has cap_net_raw) tells the truth for the user running it:
# root runs it with the preload (no secure mode: root gains no
# capability), so no warning, and the shim logs ping's socket; a normal
# user's loader ignores LD_PRELOAD, so the warning appears, and no log.
. "$TESTLIB"
need "$PYTHON3" ping setpriv
[ "$(id -u)" = 0 ] || skip "the root half needs root"
id nobody >/dev/null 2>&1 || skip "no nobody user"
PING=$(command -v ping)
PING=$(readlink -f "$PING")
"$PYTHON3" -c 'import os, sys; os.getxattr(sys.argv[1], "security.capability")' "$PING" 2>/dev/null ||
	skip "$PING has no file capabilities here"
ping -c1 -W2 127.0.0.1 >/dev/null 2>&1 || skip "ping 127.0.0.1 does not work here"

C=$(conf policy <<'EOF'
log = { format = "json"; };
EOF
)

# As root.
mkdir "$T/root"
"$SOCKSHIM_BIN" run -c "$C" -o "$T/root/ping.%p.json" -- ping -c1 -W2 127.0.0.1 \
	>"$T/root.out" 2>"$T/root.err" || fail "ping under sockshim run failed as root: $(cat "$T/root.err")"
grep -q '1 received' "$T/root.out" || fail "ping as root: no reply: $(cat "$T/root.out")"
if grep -i -E 'warning|LD_PRELOAD' "$T/root.err"; then
	fail "as root, sockshim run warned (above), yet the loader honours LD_PRELOAD for root"
fi
ok "as root: ping answered, no warning"
set -- "$T"/root/ping.*.json
[ -f "$1" ] || fail "as root: no log from ping (the shim did not run in it)"
n=$(jcount "$1" "r['call'] == 'socket' and r['prog'] == 'ping' and r['ret'] >= 0")
[ "$n" -ge 1 ] || fail "as root: no socket record from ping in $1"
ok "as root: the shim ran in ping: $n socket records"

# As nobody: the loader runs ping in secure mode and drops LD_PRELOAD.
mkdir -m 0777 "$T/nobody"
chmod 0755 "$T"
chmod 0644 "$C"
setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
	"$SOCKSHIM_BIN" run -c "$C" -o "$T/nobody/ping.%p.json" -- ping -c1 -W2 127.0.0.1 \
	>"$T/nobody.out" 2>"$T/nobody.err"
rc=$?
grep -q 'file capabilities' "$T/nobody.err" ||
	fail "as nobody: no warning about file capabilities (exit $rc): $(cat "$T/nobody.err")"
ok "as nobody: $(grep 'file capabilities' "$T/nobody.err")"
[ -z "$(ls "$T/nobody")" ] || fail "as nobody: a log appeared, the warning is wrong: $(ls "$T/nobody")"
ok "as nobody: no log, as the warning says"
