#!/bin/sh
# sockshim run --via seccomp on a static C program (gcc -static): the
# policy's effects read back by the program (getsockopt) and through ss,
# exact log records, exit codes, threads, fork+exec, signals, the
# supervisor's death, and the same as nobody.
. "$TESTLIB"
need gcc ss timeout
S=$SOCKSHIM_BIN

gcc -static -O1 -pthread -o "$T/sprog" "$(dirname "$0")/supervise_prog.c" 2>"$T/cc.err" ||
	skip "gcc -static cannot build here: $(head -n 3 "$T/cc.err")"
chmod 755 "$T" "$T/sprog"

P=$(conf policy <<'EOF'
log = { format = "json"; };
options = {
  SO_REUSEADDR = { force = true; };
  TCP_NODELAY  = { force = true; };
  SO_LINGER    = { max = 5; abortive = "graceful"; };
  SO_DEBUG     = { deny = true; };
  SO_KEEPALIVE = { set = true; };
  TCP_KEEPIDLE = { set = 77; };
};
EOF
)
chmod 644 "$P"

# What this kernel offers: without it, run says so and the test skips.
"$S" run --via seccomp -c "$P" -o none -- /bin/true 2>"$T/probe.err"
if grep -q 'lacks what --via seccomp needs' "$T/probe.err"; then
	skip "$(cat "$T/probe.err")"
fi

# expect FILE PREFIX: the policy's effects as the program read them back.
expect() {
	for kv in nodelay_ret=0 nodelay=1 linger=1,5 debug=-1,1 reuseaddr=1 \
		  client_keepalive=1 client_nodelay=1 accepted_keepalive=1 \
		  accepted_keepidle=77; do
		grep -qx "$2.$kv" "$1" || fail "$2: want $kv; got: $(tr '\n' ' ' <"$1")"
	done
}

# --- bare: the kernel's defaults, so the test can tell a difference
"$T/sprog" opts 3 >"$T/bare.out"
[ $? = 3 ] || fail "bare exit status"
grep -qx main.nodelay=0 "$T/bare.out" && grep -qx main.reuseaddr=0 "$T/bare.out" &&
	grep -qx main.linger=1,60 "$T/bare.out" || fail "bare: $(cat "$T/bare.out")"

# --- supervised (auto: the file is static), exit status passes through
"$S" run -c "$P" -o "$T/run.json" -- "$T/sprog" opts 3 >"$T/run.out" 2>"$T/run.err"
rc=$?
[ "$rc" = 3 ] || fail "exit status $rc, not 3: $(cat "$T/run.err")"
grep -q warning "$T/run.err" && fail "auto run warned: $(cat "$T/run.err")"
expect "$T/run.out" main
ok "static program: SO_REUSEADDR forced, TCP_NODELAY 0->1, linger clamped, SO_DEBUG EPERM, keepalive set; exit 3"

# The log: JSON lines of the usual format, each saying how it was seen.
J=$T/run.json
"$PYTHON3" - "$J" <<'PY' || fail "log format"
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    assert r["via"] == "seccomp", line
    assert {"ts", "pid", "tid", "prog", "call", "fd", "origin"} <= r.keys(), line
    assert r["prog"] == "sprog", line
PY
[ "$(jcount "$J" 'r["call"] == "setsockopt" and r["origin"] == "app"')" = 3 ] ||
	fail "want 3 app setsockopt records: $(cat "$J")"
[ "$(jcount "$J" 'r.get("opt") == "TCP_NODELAY" and r["origin"] == "app" and r.get("action") == "forced" and r["val"] == 1 and r["app_val"] == 0 and r["ret"] == 0')" = 1 ] ||
	fail "no forced TCP_NODELAY record"
[ "$(jcount "$J" 'r.get("opt") == "SO_LINGER" and r.get("action") == "clamped" and r["val"] == [1, 5]')" = 1 ] ||
	fail "no clamped SO_LINGER record"
[ "$(jcount "$J" 'r.get("opt") == "SO_DEBUG" and r.get("action") == "denied" and r["ret"] == -1 and r["errno"] == "EPERM"')" = 1 ] ||
	fail "no denied SO_DEBUG record"
# Set at first sight: 4 options on the listener, 4 on the client.
[ "$(jcount "$J" 'r["origin"] == "policy" and r.get("action") == "set" and r["ret"] == 0')" = 8 ] ||
	fail "want 8 policy records: $(cat "$J")"
# bind, listen, connect: seen, not their result (the kernel ran them).
[ "$(jcount "$J" 'r["call"] in ("bind", "listen", "connect") and "ret" not in r')" = 3 ] ||
	fail "want bind, listen, connect without ret: $(cat "$J")"
[ "$(wc -l <"$J")" = 14 ] || fail "want 14 records: $(cat "$J")"
ok "log: 14 records, via seccomp, results where the supervisor had them"

# --- ss: keepalive timers on the client and the accepted socket
"$S" run -c "$P" -o none -- "$T/sprog" hold 4 >"$T/hold.out" &
hp=$!
for i in $(seq 50); do grep -q ready "$T/hold.out" && break; sleep 0.1; done
port=$(sed -n 's/^main.port=//p' "$T/hold.out")
[ -n "$port" ] || fail "no port from the held program"
n=$(ss -tno state established "( sport = :$port or dport = :$port )" | grep -c 'timer:(keepalive')
kill "$hp" 2>/dev/null
wait "$hp"
[ "$n" = 2 ] || fail "ss shows $n keepalive timers on port $port, want 2"
"$T/sprog" hold 4 >"$T/barehold.out" &
hp=$!
for i in $(seq 50); do grep -q ready "$T/barehold.out" && break; sleep 0.1; done
port=$(sed -n 's/^main.port=//p' "$T/barehold.out")
n=$(ss -tno state established "( sport = :$port or dport = :$port )" | grep -c 'timer:(keepalive')
kill "$hp"
wait "$hp"
[ "$n" = 0 ] || fail "bare: ss shows $n keepalive timers"
ok "ss: 2 keepalive timers supervised (client, accepted), 0 bare"

# --- threads: 8 at once, each sees the policy
"$S" run -c "$P" -o "$T/thr.json" -- "$T/sprog" threads 8 >"$T/thr.out" || fail "threads run"
for i in 0 1 2 3 4 5 6 7; do expect "$T/thr.out" "t$i"; done
[ "$(jcount "$T/thr.json" 'r.get("action") == "denied"')" = 8 ] || fail "want 8 denials"
[ "$(jcount "$T/thr.json" 'r["tid"] != r["pid"]')" = 112 ] || fail "records not by thread"
ok "8 threads: all governed, 112 records by thread id"

# --- fork + exec: the child inherits the filter
"$S" run -c "$P" -o "$T/spawn.json" -- "$T/sprog" spawn >"$T/spawn.out" || fail "spawn run"
expect "$T/spawn.out" main
grep -qx child.exit=5 "$T/spawn.out" || fail "child exit: $(cat "$T/spawn.out")"
[ "$(jcount "$T/spawn.json" 'r["pid"] != 0')" = 14 ] || fail "spawn: want 14 records"
ok "fork+exec'd child governed, its exit status seen by its parent"

# --- signals: SIGTERM to run reaches the program; run ends as it did
"$S" run -c "$P" -o none -- "$T/sprog" hold 30 >/dev/null &
hp=$!
sleep 0.5
kill -TERM "$hp"
wait "$hp"
rc=$?
[ "$rc" = 143 ] || fail "SIGTERM: status $rc, not 143"
# The supervisor killed: the program goes with it (no ENOSYS limbo).
"$S" run -c "$P" -o none -- "$T/sprog" hold 30 >/dev/null &
hp=$!
sleep 0.5
cp=$(pgrep -P "$hp" sprog) || fail "no program under the supervisor"
kill -KILL "$hp"
wait "$hp" 2>/dev/null
for i in $(seq 20); do kill -0 "$cp" 2>/dev/null || break; sleep 0.1; done
kill -0 "$cp" 2>/dev/null && { kill -KILL "$cp"; fail "the program outlived its supervisor"; }
ok "SIGTERM passed on (143); the program dies with a killed supervisor"

# --- SIGALRM every 100 us: with SA_RESTART no call fails, none runs
# twice, no value is wrong, no descriptor is left; without it, a call the
# signal catches before the supervisor takes it fails with EINTR (the
# kernel's rule for an interrupted wait: README, limits), and only that.
"$S" run -c "$P" -o none -- "$T/sprog" alarm 2000 >"$T/alarm.out" || fail "alarm run"
for kv in alarms=1 eintr=0 bad=0 other=0 leaked=0; do
	grep -qx "$kv" "$T/alarm.out" || fail "SA_RESTART: want $kv: $(tr '\n' ' ' <"$T/alarm.out")"
done
"$S" run -c "$P" -o none -- "$T/sprog" alarm 2000 norestart >"$T/alarm2.out" || fail "alarm run"
for kv in alarms=1 bad=0 other=0 leaked=0; do
	grep -qx "$kv" "$T/alarm2.out" || fail "no SA_RESTART: want $kv: $(tr '\n' ' ' <"$T/alarm2.out")"
done
"$T/sprog" alarm 2000 norestart >"$T/alarm3.out"
grep -qx eintr=0 "$T/alarm3.out" && grep -qx leaked=0 "$T/alarm3.out" || fail "bare alarm run"
ok "SIGALRM every 100 us: SA_RESTART clean; without it $(sed -n 's/^eintr=//p' "$T/alarm2.out") EINTR of 6000 calls, nothing else"

# --- io_uring: the call is logged; a liburing binary is warned about
"$S" run -c "$P" -o "$T/uring.json" -- "$T/sprog" uring >/dev/null || fail "uring run"
[ "$(jcount "$T/uring.json" 'r["call"] == "io_uring_setup"')" = 1 ] ||
	fail "no io_uring_setup record: $(cat "$T/uring.json")"
cp "$T/sprog" "$T/uprog"
printf 'liburing.so.2\0' >>"$T/uprog"
"$S" run -c "$P" -o none -- "$T/uprog" opts >/dev/null 2>"$T/uring.err"
grep -q 'links liburing' "$T/uring.err" || fail "no liburing warning"
ok "io_uring_setup logged; liburing warned about"

# --- --via preload on a static file: today's warning, no effect
"$S" run --via preload -c "$P" -o none -- "$T/sprog" opts >"$T/pre.out" 2>"$T/pre.err"
grep -q 'statically linked' "$T/pre.err" || fail "--via preload: no warning"
grep -qx main.nodelay=0 "$T/pre.out" || fail "--via preload changed a static program"
# --via seccomp reaches a dynamic program too.
"$S" run --via seccomp -c "$P" -o none -- "$PYTHON3" -c '
import socket
s = socket.socket()
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))' >"$T/py.out" || fail "python run"
[ "$(cat "$T/py.out")" = 1 ] || fail "--via seccomp: python's TCP_NODELAY not forced"
ok "--via preload keeps to the preload; --via seccomp governs a dynamic python3"

# --- audit: nothing changed, what would have been logged; rules run
# cannot fully follow are named
A=$(conf audit <<'EOF'
log = { format = "json"; };
options = { TCP_NODELAY = { force = true; }; SO_DEBUG = { deny = true; }; };
rules = ( { name = "servers"; match = { role = "accepted"; };
            options = { SO_KEEPALIVE = { set = true; }; }; } );
EOF
)
"$S" run --audit -c "$A" -o "$T/audit.json" -- "$T/sprog" opts >"$T/audit.out" 2>"$T/audit.err" ||
	fail "audit run"
grep -qx main.nodelay=0 "$T/audit.out" && grep -qx main.debug=0,0 "$T/audit.out" ||
	fail "--audit changed something: $(cat "$T/audit.out")"
[ "$(jcount "$T/audit.json" 'r.get("action") == "would-force" and r.get("would_val") == 1')" = 1 ] ||
	fail "no would-force: $(cat "$T/audit.json")"
[ "$(jcount "$T/audit.json" 'r.get("action") == "would-deny"')" = 1 ] || fail "no would-deny"
grep -q 'rule "servers" (line 3) matches accepted sockets' "$T/audit.err" ||
	fail "no note about the accepted-sockets rule: $(cat "$T/audit.err")"
ok "--audit: nothing changed, would-force and would-deny logged; the accepted-sockets rule named"

# --- the same as nobody, without capabilities
if [ "$(id -u)" = 0 ]; then
	command -v runuser >/dev/null || skip "no runuser"
	touch "$T/nobody.json" && chmod 666 "$T/nobody.json"
	runuser -u nobody -- "$S" run -c "$P" -o "$T/nobody.json" -- "$T/sprog" opts 4 \
		>"$T/nobody.out" 2>"$T/nobody.err" </dev/null
	rc=$?
	[ "$rc" = 4 ] || fail "as nobody: status $rc: $(cat "$T/nobody.err")"
	expect "$T/nobody.out" main
	[ "$(jcount "$T/nobody.json" '1')" = 14 ] || fail "as nobody: want 14 records"
	ok "the same as nobody: governed, exit 4, 14 records"

	# Not dumpable, a program keeps an unprivileged supervisor out: its
	# calls go on as it makes them, and run says so once.
	runuser -u nobody -- "$S" run -c "$P" -o none -- "$T/sprog" undumpable \
		>"$T/undump.out" 2>"$T/undump.err" </dev/null || fail "undumpable run"
	grep -qx main.nodelay=0 "$T/undump.out" && grep -qx main.linger=1,60 "$T/undump.out" ||
		fail "undumpable: $(cat "$T/undump.out")"
	[ "$(grep -c 'does not let the supervisor' "$T/undump.err")" = 1 ] ||
		fail "undumpable: want one warning: $(cat "$T/undump.err")"
	ok "a program that is not dumpable runs as it asks, with one warning"

	# A program in a network namespace of its own: options set on
	# duplicates reach its sockets there, where the supervisor is not.
	if command -v unshare >/dev/null && command -v ip >/dev/null &&
	   unshare -n true 2>/dev/null; then
		"$S" run --via seccomp -c "$P" -o none -- unshare -n sh -c \
			'ip link set lo up && exec "$0" opts 6' "$T/sprog" >"$T/ns.out" 2>"$T/ns.err"
		rc=$?
		[ "$rc" = 6 ] || fail "netns: status $rc: $(cat "$T/ns.err")"
		expect "$T/ns.out" main
		ok "a program in its own network namespace: governed there, exit 6"
	fi

	# A root supervisor acts with the program's capabilities: a program
	# that dropped root gets the EPERM it gets alone.
	M=$(conf mark <<'EOF'
options = { SO_MARK = { force = 7; }; };
EOF
)
	chmod 644 "$M"
	"$S" run -c "$M" -o none -- "$T/sprog" mark >"$T/mark.out" || fail "mark run"
	grep -qx 'mark=0,0' "$T/mark.out" && grep -qx 'mark_val=7' "$T/mark.out" ||
		fail "root: SO_MARK not forced to 7: $(cat "$T/mark.out")"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$T/sprog" mark >"$T/bmark.out"
	grep -qx 'mark=-1,1' "$T/bmark.out" || fail "bare nobody: $(cat "$T/bmark.out")"
	"$S" run -c "$M" -o none -- setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$T/sprog" mark >"$T/nmark.out" || fail "mark run, dropped"
	grep -qx 'mark=-1,1' "$T/nmark.out" && grep -qx 'mark_val=0' "$T/nmark.out" ||
		fail "dropped root: SO_MARK set by the supervisor's privilege: $(cat "$T/nmark.out")"
	ok "SO_MARK forced for root; a program that dropped root gets EPERM, as alone"
fi
