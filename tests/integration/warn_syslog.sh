#!/bin/bash
# warn_syslog — a daemon's stderr goes nowhere (/dev/null, or closed):
# the shim's warnings would be lost there, so they go to /dev/log as
# well, once each. Run in a private mount namespace whose /dev holds our
# own /dev/log (a datagram socket this test reads) and a /dev/null,
# never touching the machine's.
. "$TESTLIB"
need "$PYTHON3" unshare mount
[ "$(id -u)" = 0 ] || skip "a private /dev needs root"
unshare -m true 2>/dev/null || skip "no mount namespaces here"

# The policy logs to a directory that does not exist: "cannot open log".
C=$(conf policy <<'EOC'
log = { format = "json"; };
EOC
)
cat >"$T/inside.sh" <<'EOS'
set -e
T=$1 C=$2 PRELOAD=$3 PY=$4 mode=$5
mount --make-rprivate /
mount -t tmpfs tmpfs /dev
mknod -m 666 /dev/null c 1 3
"$PY" - "$T/got.$mode" <<'EOP' &
import socket, sys, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
open(sys.argv[1] + ".ready", "w").close()
s.settimeout(3)
with open(sys.argv[1], "w") as out:
    try:
        while True:
            out.write(s.recv(4096).decode() + "\n")
            out.flush()
    except socket.timeout:
        pass
EOP
for _ in $(seq 100); do [ -e "$T/got.$mode.ready" ] && break; sleep 0.05; done
prog='import socket
for _ in range(3): socket.socket().close()'
if [ "$mode" = null ]; then
	SOCKSHIM_CONFIG=$C SOCKSHIM_LOG=/nonexistent/dir/x.%p.json LD_PRELOAD=$PRELOAD \
		"$PY" -c "$prog" 2>/dev/null
else
	SOCKSHIM_CONFIG=$C SOCKSHIM_LOG=/nonexistent/dir/x.%p.json LD_PRELOAD=$PRELOAD \
		"$PY" -c "$prog" 2>&-
fi
echo "exit $?" >"$T/rc.$mode"
wait
EOS
for mode in null closed; do
	unshare -m bash "$T/inside.sh" "$T" "$C" "$SOCKSHIM_PRELOAD" "$PYTHON3" "$mode" ||
		fail "$mode: the namespace script failed"
	[ "$(cat "$T/rc.$mode")" = "exit 0" ] || fail "$mode: the program $(cat "$T/rc.$mode")"
	n=$(grep -c 'sockshim\[[0-9]*\]: sockshim: cannot open log /nonexistent/dir/' "$T/got.$mode")
	[ "$n" = 1 ] || fail "$mode: $n warnings at /dev/log, expected 1: $(cat "$T/got.$mode")"
	grep -q '^<12>' "$T/got.$mode" || fail "$mode: not user.warning: $(cat "$T/got.$mode")"
	ok "stderr $mode: the warning reached /dev/log once"
done

# With a stderr that goes somewhere, it stays there (and /dev/log is not
# bothered): the same program, stderr to a file.
SOCKSHIM_LOG=/nonexistent/dir/x.%p.json under "$C" /nonexistent/dir/x.%p.json \
	"$PYTHON3" -c 'import socket; socket.socket().close()' 2>"$T/err"
grep -q 'cannot open log /nonexistent/dir/' "$T/err" || fail "no warning on stderr: $(cat "$T/err")"
ok "with a real stderr, the warning is there"
