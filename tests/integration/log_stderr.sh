#!/bin/bash
# Where records go when they go to "stderr", and when nothing is logged:
# - the stderr the program started with: a daemon that closes fd 2 and
#   gets a socket there sends its peer only its own bytes, while the
#   records still reach the original stderr;
# - a process that never touches a socket leaves no log file behind.
. "$TESTLIB"
need "$PYTHON3"

policy=$(conf stderr <<'EOF'
log = { path = "stderr"; format = "text"; };
options = { TCP_NODELAY = { force = true; }; };
EOF
)
port=$(free_port)
cat >"$T/server.py" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
while True:                     # wait_port's probe sends nothing: skip it
    c, _ = s.accept()
    got = b""
    while True:
        d = c.recv(4096)
        if not d:
            break
        got += d
    if got:
        break
sys.stdout.write(repr(got))
PY
cat >"$T/daemon.py" <<'PY'
import os, socket, sys
os.close(2)                     # as a daemon does
s = socket.socket()             # takes fd 2
assert s.fileno() == 2, s.fileno()
s.connect(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.sendall(b"hello")
s.close()
PY
timeout 20 "$PYTHON3" "$T/server.py" "$port" >"$T/got" &
srv=$!
wait_port "$port"
SOCKSHIM_CONFIG=$policy LD_PRELOAD=$SOCKSHIM_PRELOAD timeout 20 \
	"$PYTHON3" "$T/daemon.py" "$port" 2>"$T/records" || fail "the daemon failed"
wait "$srv"
echo "peer received: $(cat "$T/got")"
[ "$(cat "$T/got")" = "b'hello'" ] || fail "the peer received more than the program sent"
grep -q 'connect(2, 127.0.0.1:'"$port"') = 0' "$T/records" ||
	fail "the records did not reach the original stderr: $(head -3 "$T/records")"
ok "records go to the stderr the program started with, not to the socket at fd 2"

# A process that never touches a socket leaves no file.
mkdir "$T/lazy"
SOCKSHIM_CONFIG=$policy SOCKSHIM_LOG="$T/lazy/log.%p" LD_PRELOAD=$SOCKSHIM_PRELOAD \
	timeout 20 sh -c 'ls / >/dev/null; exit 0' || fail "sh failed"
[ -z "$(ls "$T/lazy")" ] || fail "files left by processes without sockets: $(ls "$T/lazy")"
SOCKSHIM_CONFIG=$policy SOCKSHIM_LOG="$T/lazy/log.%p" LD_PRELOAD=$SOCKSHIM_PRELOAD \
	timeout 20 "$PYTHON3" -c 'import socket; socket.socket().close()'
[ "$(ls "$T/lazy" | wc -l)" = 1 ] || fail "a process with a socket made $(ls "$T/lazy" | wc -l) files"
ok "only the process that used a socket has a log file"
