#!/bin/bash
# log.path = "syslog:SOCKET": records reach a syslog daemon's datagram
# socket as "<PRI>ident[pid]: record", with the ident and facility the
# policy names; the daemon may restart; forks among logging threads do
# not hang (libc's syslog(3) is not used: its locks are not fork-safe).
. "$TESTLIB"
need "$PYTHON3"

sock=$T/dev-log
# A stand-in daemon: receives datagrams on $sock until told to stop,
# writes each one as a line to its output file.
daemon() { # daemon OUTFILE
	rm -f "$sock"
	"$PYTHON3" - "$sock" "$1" <<'PY' &
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(20)
with open(out, "w") as f:
    while True:
        try:
            msg = s.recv(65536)
        except socket.timeout:
            break
        if msg == b"stop":
            break
        f.write(msg.decode("utf-8", "replace") + "\n")
        f.flush()
PY
	DAEMON=$!
	for _ in $(seq 50); do [ -S "$sock" ] && return; sleep 0.1; done
	fail "the stand-in syslog daemon did not start"
}
stop_daemon() {
	"$PYTHON3" -c 'import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.sendto(b"stop", sys.argv[1])' "$sock"
	wait "$DAEMON"
}

policy=$(conf syslog <<EOF
log = { path = "syslog:$sock"; format = "json"; ident = "webtier"; facility = "local3"; };
options = { SO_REUSEADDR = { force = true; }; };
EOF
)
"$SOCKSHIM_BIN" check -q "$policy" || fail "policy with ident/facility rejected"

# 1. Records arrive with <PRI>ident[pid]: and parse as JSON.
daemon "$T/got1"
run() {
	timeout 60 env SOCKSHIM_CONFIG="$policy" LD_PRELOAD="$SOCKSHIM_LIB" "$@"
}
run "$PROGS/loss" plain 50 || fail "program failed under syslog logging"
stop_daemon
"$PYTHON3" - "$T/got1" <<'PY' || fail "syslog messages are not as expected"
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
# local3 is facility 19: 19 * 8 + info (6) = 158
pat = re.compile(r"^<158>webtier\[(\d+)\]: (\{.*\})$")
pids = set()
for line in lines:
    m = pat.match(line)
    if not m:
        sys.exit(f"bad message: {line!r}")
    rec = json.loads(m.group(2))
    if int(m.group(1)) != rec["pid"]:
        sys.exit(f"tag pid {m.group(1)} != record pid {rec['pid']}")
    pids.add(rec["pid"])
if len(lines) != 200:
    sys.exit(f"{len(lines)} messages, expected 200 (50 units x 4 records)")
print(f"{len(lines)} messages from pid {pids}")
PY
ok "200 records as <158>webtier[pid]: JSON"

# 2. The daemon restarts while the program logs: records after the
#    restart arrive again.
daemon "$T/got2"
cat >"$T/slow.py" <<'PY'
import socket, time
for i in range(40):
    socket.socket().close()
    time.sleep(0.05)
PY
run "$PYTHON3" "$T/slow.py" &
prog=$!
sleep 0.6
stop_daemon
daemon "$T/got3"
wait "$prog" || fail "program failed across the daemon restart"
stop_daemon
before=$(wc -l <"$T/got2")
after=$(wc -l <"$T/got3")
echo "records before the restart: $before, after: $after"
[ "$before" -gt 0 ] || fail "nothing logged before the restart"
[ "$after" -gt 0 ] || fail "nothing logged after the daemon restarted"
ok "logging resumed after the daemon restarted"

# 3. Threads and forks under syslog logging: no deadlock, every child's
#    records present.
daemon "$T/got4"
run "$PROGS/loss" threads 4 500 10 20 || fail "threads + forks under syslog failed or hung"
stop_daemon
n=$(wc -l <"$T/got4")
echo "threads + forks: $n messages (4 x 500 x 4 + 10 x 20 x 4 = 8800 sent)"
children=$(grep -o '^<158>webtier\[[0-9]*\]' "$T/got4" | sort -u | wc -l)
[ "$children" = 11 ] || fail "messages from $children processes, expected 11"
ok "threads + forks under syslog: no hang, all 11 processes heard"
