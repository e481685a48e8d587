# linger_reset — a sender that ends with SO_LINGER {1, 0} (an abortive
# close: RST, unsent data dropped). Without the shim the receiver gets
# ECONNRESET; the default policy (abortive = "graceful") turns it into
# {0, 0}: the receiver reads every byte, then a clean EOF.
. "$TESTLIB"

need "$PYTHON3"
DEFCONF=${FIXTURES%/tests/fixtures}/conf/sockshim.conf
[ -r "$DEFCONF" ] || fail "no default policy at $DEFCONF"
SIZE=200000

cat >"$T/receiver.py" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", port))
srv.listen(1)
srv.settimeout(10)
conn, peer = srv.accept()
conn.settimeout(10)
# Let the sender write and close before we read: its close finds
# unsent data, and our reads meet whatever the close sent.
time.sleep(0.5)
n = 0
try:
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            print("received=%d end=EOF" % n)
            break
        n += len(chunk)
except ConnectionResetError:
    print("received=%d end=ECONNRESET" % n)
except OSError as e:
    print("received=%d end=%s" % (n, e))
EOF

cat >"$T/sender.py" <<'EOF'
import socket, struct, sys, time
port, size = int(sys.argv[1]), int(sys.argv[2])
deadline = time.monotonic() + 5
while True:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.connect(("127.0.0.1", port))
        break
    except ConnectionRefusedError:
        s.close()
        if time.monotonic() > deadline:
            sys.exit("sender: nothing listens on %d" % port)
        time.sleep(0.05)
s.settimeout(10)
s.sendall(b"x" * size)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
onoff, secs = struct.unpack("ii", s.getsockopt(socket.SOL_SOCKET,
                                               socket.SO_LINGER, 8))
print("sent=%d linger=[%d,%d]" % (size, onoff, secs), flush=True)
s.close()
EOF

# run NAME [env prefix...]: receiver plain, sender with the prefix.
run() {
	local name=$1 port
	shift
	port=$(free_port)
	bg timeout 20 "$PYTHON3" "$T/receiver.py" "$port" >"$T/$name.recv" 2>&1
	timeout 20 "$@" "$PYTHON3" "$T/sender.py" "$port" $SIZE \
		>"$T/$name.send" 2>&1 || {
		cat "$T/$name.send"
		fail "$name: sender failed"
	}
	wait "$LAST_PID" || { cat "$T/$name.recv"; fail "$name: receiver failed"; }
	echo "--- $name (port $port)"
	cat "$T/$name.send" "$T/$name.recv"
}

run without
run with env SOCKSHIM_CONFIG="$DEFCONF" SOCKSHIM_LOG="$T/with.log" \
	LD_PRELOAD="$SOCKSHIM_LIB"

grep -q "linger=\[1,0\]" "$T/without.send" ||
	fail "without the shim the sender's socket does not read back linger [1,0]"
grep -q "end=ECONNRESET" "$T/without.recv" ||
	fail "without the shim the receiver saw no reset: $(cat "$T/without.recv")"
ok "without the shim: the abortive close resets the connection"

grep -q "linger=\[0,0\]" "$T/with.send" ||
	fail "under the shim the sender's socket does not read back linger [0,0]"
grep -qx "received=$SIZE end=EOF" "$T/with.recv" ||
	fail "under the shim the receiver did not get all $SIZE bytes and EOF: $(cat "$T/with.recv")"
ok "with the shim: all $SIZE bytes, then a clean EOF"

grep -E 'setsockopt\([0-9]+, SOL_SOCKET, SO_LINGER, \[1,0\] -> \[0,0\] graceful\) = 0' \
	"$T/with.log" || { cat "$T/with.log"; fail "no graceful SO_LINGER in the log"; }
ok "the log shows the app's SO_LINGER made graceful"
exit 0
