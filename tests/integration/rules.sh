#!/bin/bash
# Rules on real programs: a program glob, a remote port and a listener's
# local port each reach the sockets they name and no others. Judged by
# what the kernel reports: ss(8) timers and buffer sizes, and getsockopt
# inside the unmodified python3.
. "$TESTLIB"
need socat ss "$PYTHON3"

A=$(free_port)	# servers whose clients a remote_port rule reaches
B=$(free_port)	# servers whose clients it does not
L=$(free_port)	# a listener the listener/accepted rule names
M=$(free_port)	# a listener it does not

policy=$(conf rules <<EOF
options = { };
rules = (
  { name = "python keepalive";
    match = { program = "python*"; role = "client"; };
    options = { SO_KEEPALIVE = { force = true; }; TCP_KEEPIDLE = { set = 77; }; }; },
  { name = "clients of A";
    match = { role = "client"; remote_port = $A; };
    options = { SO_RCVBUF = { set = 123456; }; }; },
  { name = "listener L";
    match = { role = ("listener", "accepted"); local_port = "$L-$L";
              local_addr = "127.0.0.0/8"; };
    options = { SO_SNDBUF = { set = 234567; }; TCP_NODELAY = { force = true; }; }; }
);
EOF
)
"$SOCKSHIM_BIN" check -q "$policy" || fail "policy does not load"

# Plain servers (no shim) that hold each connection open for a while.
for p in $A $B; do
	bg timeout 20 "$SOCAT" TCP-LISTEN:"$p",bind=127.0.0.1,reuseaddr,fork SYSTEM:'sleep 2'
done
wait_port "$A"
wait_port "$B"

# 1. socat as a client of A: "clients of A" reaches it, "python
#    keepalive" does not (the program is socat).
bg under "$policy" "$T/socat.log" timeout 10 "$SOCAT" -u TCP:127.0.0.1:"$A" STDOUT
sleep 0.5
ss_a=$(ss -tnmo state established "dport = :$A")
echo "socat -> A: $ss_a"
echo "$ss_a" | grep -q 'rb246912' || fail "socat's connection to A lacks SO_RCVBUF 123456 (rb246912)"
echo "$ss_a" | grep -q 'keepalive' && fail "the python* rule reached socat"
grep -q 'SO_RCVBUF, 123456 set) = 0 \[rule: clients of A\]' "$T/socat.log" ||
	fail "socat's log lacks the rule's setsockopt"
ok "remote_port rule reached socat's connection to A; program rule did not"

# 2. python3 as a client of B: "python keepalive" reaches it, "clients of
#    A" does not. Read back in the program and in ss.
cat >"$T/client.py" <<'PY'
import socket, subprocess, sys
port = int(sys.argv[1])
c = socket.create_connection(("127.0.0.1", port))
print("keepalive", c.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))
print("keepidle", c.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE))
print("rcvbuf", c.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
print(subprocess.run(["ss", "-tnmo", "state", "established", "dport = :%d" % port],
                     capture_output=True, text=True).stdout)
PY
out=$(under "$policy" "$T/py.log" timeout 10 "$PYTHON3" "$T/client.py" "$B")
echo "python3 -> B: $out"
echo "$out" | grep -qx 'keepalive 1' || fail "python3's client socket has no SO_KEEPALIVE"
echo "$out" | grep -qx 'keepidle 77' || fail "python3's client socket has no TCP_KEEPIDLE 77"
echo "$out" | grep -q 'timer:(keepalive,1min1[0-7]s' || fail "the kernel shows no 77 s keepalive timer"
echo "$out" | grep -qx 'rcvbuf 246912' && fail "the rule for clients of A reached a client of B"
out=$(timeout 10 "$PYTHON3" "$T/client.py" "$B")
echo "$out" | grep -qx 'keepalive 0' || fail "SO_KEEPALIVE on without the shim"
ok "program rule reached python3's client; remote_port rule did not"

# 3. Listeners: the rule on local port L reaches L's accepted sockets,
#    not those of M. The servers are python3 under the shim.
cat >"$T/server.py" <<'PY'
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
a, _ = s.accept()
print("sndbuf", a.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF))
print("nodelay", a.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
a.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
print("nodelay after app 0", a.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
PY
serve() {
	under "$policy" "$T/srv.$1.log" timeout 10 "$PYTHON3" "$T/server.py" "$1" >"$T/srv.$1.out" &
	local pid=$!
	wait_port "$1"
	wait "$pid"
	cat "$T/srv.$1.out"
}
out_l=$(serve "$L")
out_m=$(serve "$M")
echo "accepted on L: $out_l"
echo "accepted on M: $out_m"
echo "$out_l" | grep -qx 'sndbuf 469134' || fail "accepted socket on L lacks SO_SNDBUF 234567"
echo "$out_l" | grep -qx 'nodelay 1' || fail "accepted socket on L lacks TCP_NODELAY"
echo "$out_l" | grep -qx 'nodelay after app 0 1' || fail "force did not hold on the accepted socket"
echo "$out_m" | grep -qx 'sndbuf 469134' && fail "the rule for L reached M"
echo "$out_m" | grep -qx 'nodelay 0' || fail "TCP_NODELAY on M without a rule"
grep -q 'SO_SNDBUF, 234567 set) = 0 \[rule: listener L\]' "$T/srv.$L.log" ||
	fail "no rule record in the log for L"
ok "listener/accepted rule reached L's accepted socket only"

# 4. Audit: the same policy changes nothing the kernel shows and logs
#    what it would have done.
out=$(SOCKSHIM_MODE=audit SOCKSHIM_LOG=$T/audit.log SOCKSHIM_CONFIG=$policy \
	LD_PRELOAD=$SOCKSHIM_LIB timeout 10 "$PYTHON3" "$T/client.py" "$A")
echo "audit: $out"
echo "$out" | grep -qx 'keepalive 0' || fail "audit mode changed SO_KEEPALIVE"
echo "$out" | grep -qx 'rcvbuf 131072' || fail "audit mode changed SO_RCVBUF"
echo "$out" | grep -qx 'keepidle 7200' || fail "audit mode changed TCP_KEEPIDLE"
grep -q 'SO_KEEPALIVE, 1 would-set) = 0 \[rule: python keepalive\]' "$T/audit.log" ||
	fail "audit log lacks would-set for SO_KEEPALIVE"
grep -q 'SO_RCVBUF, 123456 would-set) = 0 \[rule: clients of A\]' "$T/audit.log" ||
	fail "audit log lacks would-set for SO_RCVBUF"
ok "audit mode: kernel values unchanged, would-set logged"
