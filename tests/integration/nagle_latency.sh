# nagle_latency — a request written in two small pieces, answered after
# both arrive: without TCP_NODELAY the second piece waits for the
# server's delayed ACK (~40 ms a round); the default policy forces
# TCP_NODELAY on both ends and a round takes well under 5 ms. The
# programs are plain python3 scripts that never touch TCP_NODELAY
# themselves; they only read it back with getsockopt.
. "$TESTLIB"

need "$PYTHON3"
DEFCONF=${FIXTURES%/tests/fixtures}/conf/sockshim.conf
[ -r "$DEFCONF" ] || fail "no default policy at $DEFCONF"
ROUNDS=20
PART=10

cat >"$T/server.py" <<'EOF'
import socket, sys
port, rounds, part = (int(a) for a in sys.argv[1:4])
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", port))
srv.listen(1)
srv.settimeout(10)
conn, peer = srv.accept()
conn.settimeout(10)
print("server TCP_NODELAY=%d" %
      conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), flush=True)
for i in range(rounds):
    buf = b""
    while len(buf) < 2 * part:
        chunk = conn.recv(2 * part - len(buf))
        if not chunk:
            sys.exit("server: EOF after %d rounds" % i)
        buf += chunk
    conn.sendall(b"ok")
# Let the client close first: the server's port stays out of TIME_WAIT.
conn.recv(1)
conn.close()
srv.close()
EOF

cat >"$T/client.py" <<'EOF'
import socket, sys, time
port, rounds, part = (int(a) for a in sys.argv[1:4])
deadline = time.monotonic() + 5
while True:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.connect(("127.0.0.1", port))
        break
    except ConnectionRefusedError:
        s.close()
        if time.monotonic() > deadline:
            sys.exit("client: nothing listens on %d" % port)
        time.sleep(0.05)
s.settimeout(10)
print("client TCP_NODELAY=%d" %
      s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), flush=True)
times = []
for i in range(rounds):
    t0 = time.perf_counter()
    s.send(b"a" * part)
    s.send(b"b" * part)
    got = b""
    while len(got) < 2:
        chunk = s.recv(2 - len(got))
        if not chunk:
            sys.exit("client: EOF in round %d" % i)
        got += chunk
    times.append((time.perf_counter() - t0) * 1000)
s.close()
print("rounds_ms=" + " ".join("%.2f" % t for t in times))
# The median: one scheduling hiccup on a busy machine moves a mean.
print("median_ms=%.3f" % sorted(times)[len(times) // 2])
EOF

# run NAME [env prefix...]: server and client, both with the prefix.
run() {
	local name=$1 port
	shift
	port=$(free_port)
	bg timeout 20 "$@" "$PYTHON3" "$T/server.py" "$port" $ROUNDS $PART \
		>"$T/$name.server" 2>&1
	timeout 20 "$@" "$PYTHON3" "$T/client.py" "$port" $ROUNDS $PART \
		>"$T/$name.client" 2>&1 || {
		cat "$T/$name.client" "$T/$name.server"
		fail "$name: client failed"
	}
	wait "$LAST_PID" || {
		cat "$T/$name.server"
		fail "$name: server failed"
	}
	echo "--- $name (port $port)"
	cat "$T/$name.server" "$T/$name.client"
}

value() {	# value FILE KEY
	sed -n "s/^$2=//p" "$1"
}

run without
run with env SOCKSHIM_CONFIG="$DEFCONF" SOCKSHIM_LOG="$T/with.%p.log" \
	LD_PRELOAD="$SOCKSHIM_LIB"

m0=$(value "$T/without.client" median_ms)
m1=$(value "$T/with.client" median_ms)
echo "median round time: without shim ${m0} ms, with shim ${m1} ms ($ROUNDS rounds)"

# What the programs read back from the kernel.
[ "$(value "$T/without.server" "server TCP_NODELAY")" = 0 ] ||
	fail "without the shim the accepted socket has TCP_NODELAY set"
[ "$(value "$T/without.client" "client TCP_NODELAY")" = 0 ] ||
	fail "without the shim the client socket has TCP_NODELAY set"
[ "$(value "$T/with.server" "server TCP_NODELAY")" = 1 ] ||
	fail "under the shim the accepted socket lacks TCP_NODELAY"
[ "$(value "$T/with.client" "client TCP_NODELAY")" = 1 ] ||
	fail "under the shim the client socket lacks TCP_NODELAY"
ok "getsockopt(TCP_NODELAY) inside the programs: 0 without, 1 with"

awk -v a="$m0" 'BEGIN { exit !(a >= 20) }' ||
	fail "without the shim a round took ${m0} ms, expected >= 20 (Nagle + delayed ACK)"
awk -v a="$m1" 'BEGIN { exit !(a < 5) }' ||
	fail "with the shim a round took ${m1} ms, expected < 5"
ok "Nagle's delay is gone: ${m0} ms -> ${m1} ms"

# The shim says it set TCP_NODELAY on the accepted socket, after accept.
cat "$T"/with.*.log >"$T/with.all"
awk '
	FNR == 1 { split("", acc) }	# one file per process
	/ accept4?\(/ && match($0, /\) = [0-9]+$/) {
		acc[substr($0, RSTART + 4)] = 1
	}
	/policy setsockopt\([0-9]+, IPPROTO_TCP, TCP_NODELAY, 1 set\) = 0/ {
		match($0, /setsockopt\([0-9]+/)
		if (acc[substr($0, RSTART + 11, RLENGTH - 11)]) found = 1
	}
	END { exit !found }' "$T"/with.*.log || {
	cat "$T/with.all"
	fail "the log shows no policy TCP_NODELAY on the accepted socket"
}
grep -E 'accept4?\(|TCP_NODELAY' "$T/with.all"
ok "the log shows the policy's TCP_NODELAY on the accepted socket"
exit 0
