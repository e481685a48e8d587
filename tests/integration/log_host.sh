# log_host — log.host and log.syslog_format, as a program under the shim
# writes them: RFC 5424 datagrams "<PRI>1 TIME HOST ident PID - - record"
# (TIME the record's own, HOST log.host or the machine's name) to a
# stand-in daemon; a JSON file whose every record carries "host", which
# `sockshim report` then attributes the records to.
. "$TESTLIB"
need "$PYTHON3"

node=$(uname -n)
sock=$T/dev-log
# The stand-in daemon: every datagram a line, until "stop".
"$PYTHON3" - "$sock" "$T/got" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
with open(sys.argv[2], "w") as f:
    while True:
        try:
            msg = s.recv(65536)
        except socket.timeout:
            break
        if msg == b"stop":
            break
        f.write(msg.decode() + "\n")
        f.flush()
EOF
daemon=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || fail "the stand-in daemon did not start"

# Three records a run: socket, setsockopt, close.
prog='import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
s.close()'
C1=$(conf rfc5424 <<EOF
log = { path = "syslog:$sock"; format = "json"; ident = "shimtest";
        facility = "local3"; syslog_format = "rfc5424"; };
EOF
)
C2=$(conf rfc5424host <<EOF
log = { path = "syslog:$sock"; format = "json"; ident = "shimtest";
        facility = "local3"; syslog_format = "rfc5424"; host = "%h.dc1"; };
EOF
)
under "$C1" "" "$PYTHON3" -c "$prog" || fail "the program failed (rfc5424)"
under "$C2" "" "$PYTHON3" -c "$prog" || fail "the program failed (rfc5424, host)"
"$PYTHON3" -c 'import socket,sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"stop", sys.argv[1])' "$sock"
wait "$daemon"
cat "$T/got"
"$PYTHON3" - "$T/got" "$node" <<'EOF' || fail "RFC 5424 datagrams are not as expected"
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
node = sys.argv[2]
# local3 (19) * 8 + info (6) = 158
pat = re.compile(r"^<158>1 (\S+) (\S+) shimtest (\d+) - - (\{.*\})$")
hosts = []
for line in lines:
    m = pat.match(line)
    if not m:
        sys.exit("not RFC 5424 as expected: %r" % line)
    rec = json.loads(m.group(4))
    if m.group(1) != rec["ts"]:
        sys.exit("header time %s is not the record's %s" % (m.group(1), rec["ts"]))
    if int(m.group(3)) != rec["pid"]:
        sys.exit("PROCID %s is not the record's pid %d" % (m.group(3), rec["pid"]))
    if rec.get("host", m.group(2)) != m.group(2):
        sys.exit("record host %s, header %s" % (rec["host"], m.group(2)))
    hosts.append((m.group(2), "host" in rec))
n = 3
if hosts != [(node, False)] * n + [(node + ".dc1", True)] * n:
    sys.exit("hosts: %s" % hosts)
print("%d datagrams: %d from %s, %d from %s.dc1 with a host field" % (len(hosts), n, node, n, node))
EOF
ok "log.syslog_format = rfc5424: <PRI>1 TIME HOST ident PID - - record"

# A JSON file per process with log.host: every record names the host,
# and the report counts them for it.
C3=$(conf files <<EOF
log = { path = "$T/f-%p.json"; format = "json"; host = "%h.files"; };
EOF
)
under "$C3" "" "$PYTHON3" -c "$prog" || fail "the program failed (file)"
set -- "$T"/f-*.json
[ $# = 1 ] || fail "expected one log: $*"
n=$(jcount "$1" 'True')
[ "$n" = 3 ] || fail "$n records, not 3"
[ "$(jcount "$1" 'r.get("host") == "'"$node"'.files"')" = "$n" ] ||
	fail "not every record has host $node.files"
"$SOCKSHIM_BIN" report --by host "$1" >"$T/rep.txt" || fail "report failed"
cat "$T/rep.txt"
grep -qx "$node.files: $n records, 1 processes" "$T/rep.txt" ||
	fail "the report does not count $n records for $node.files"
ok "log.host = \"%h.files\": $n records name $node.files, and the report counts them so"
exit 0
