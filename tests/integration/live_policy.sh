#!/bin/bash
# live_policy — the policy file edited under a running server. A python3
# server accepts connections and keeps them open; its policy starts with
# nothing for SO_KEEPALIVE. After the edit that forces it, a new
# connection's accepted socket has a keepalive timer in `ss -tno` within
# about a second (the one accepted before has none: sockets keep what
# they got). An edit that does not load keeps the policy in force and is
# reported once, with file and line, on stderr and in the log.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/logtest.sh"
need "$PYTHON3" ss

PORT=$(free_port)
P=$T/policy.conf
cat >"$P" <<'EOC'
log = { format = "json"; };
options = { TCP_NODELAY = { set = true; }; };
EOC
cat >"$T/srv.py" <<'EOS'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
kept = []
while True:
    c, _ = s.accept()
    kept.append(c)
EOS
SOCKSHIM_CONFIG=$P SOCKSHIM_LOG=$T/log.json LD_PRELOAD=$SOCKSHIM_PRELOAD \
	"$PYTHON3" "$T/srv.py" "$PORT" 2>"$T/err" &
srv=$!
_pids="$_pids $srv"
wait_listen "$PORT"

# A client that stays connected; the server's side of it: its timer.
connect_and_hold() {
	"$PYTHON3" -c '
import socket, sys, time
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print(c.getsockname()[1], flush=True)
time.sleep(12)' "$PORT" &
}
# keepalive timer on the server side of the connection from client port cp?
timer_of() {
	ss -tnoH state established "( sport = :$PORT and dport = :$1 )" |
		grep -c 'timer:(keepalive'
}

exec 3< <(connect_and_hold)
_pids="$_pids $!"
read -r before <&3
sleep 0.3
expect "keepalive timers before the edit" "$(timer_of "$before")" 0

sleep 1.1	# a different second for the file's times, whatever the fs
cat >"$P" <<'EOC'
log = { format = "json"; };
options = { TCP_NODELAY = { set = true; };
            SO_KEEPALIVE = { force = true; }; };
EOC
edited=$(date +%s.%N)
got=0
for _ in $(seq 30); do
	exec 4< <(connect_and_hold)
_pids="$_pids $!"
	read -r cp <&4
	sleep 0.1
	if [ "$(timer_of "$cp")" = 1 ]; then
		got=1
		break
	fi
done
took=$(awk -v a="$edited" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
[ "$got" = 1 ] || fail "no keepalive timer on a new connection 3 s after the edit"
awk -v t="$took" 'BEGIN { exit !(t < 2.5) }' || fail "the edit took $took s to apply"
ok "a new connection has a keepalive timer $took s after the edit"
expect "keepalive timers on the connection made before the edit" "$(timer_of "$before")" 0
expect "records saying the policy was loaded" \
	"$(jcount "$T/log.json" "r['call'] == 'policy' and r['reason'].startswith('loaded ')")" 1

# A broken edit: the last good policy stays, reported once with file:line.
sleep 1.1
printf 'options = { SO_KEEPALIVE = { force = maybe; }; };\n' >"$P"
sleep 2.2
exec 5< <(connect_and_hold)
_pids="$_pids $!"
read -r cp2 <&5
sleep 0.3
connect_and_hold >/dev/null	# one more socket call after another second
_pids="$_pids $!"
sleep 1.2
expect "keepalive timer after a broken edit (the last good policy)" "$(timer_of "$cp2")" 1
n=$(grep -c "$P:1" "$T/err")
expect "stderr lines naming $P:1" "$n" 1
expect "records saying the last good policy was kept" \
	"$(jcount "$T/log.json" "r['call'] == 'policy' and r['reason'].startswith('kept the last good policy: $P:1')")" 1
kill "$srv"
ok "live policy: picked up within about a second, a broken edit kept out and said once"
