#!/bin/sh
# sockshim run on a Go program (CGO_ENABLED=0, built here from Debian's
# golang-go with the standard library only): Go makes its system calls
# itself, so run picks the seccomp supervisor. The policy's effects are
# read back by the program and through ss; exit codes, goroutines on
# their own threads, an exec'd child, and the same as nobody.
. "$TESTLIB"
need go gcc ss
S=$SOCKSHIM_BIN

export GOCACHE="$T/gocache" GOPATH="$T/gopath" GOFLAGS=-mod=mod GOPROXY=off \
	GOTOOLCHAIN=local CGO_ENABLED=0 GO111MODULE=auto
go build -o "$T/gprog" "$(dirname "$0")/supervise_prog.go" 2>"$T/go.err" ||
	fail "go build: $(cat "$T/go.err")"
chmod 755 "$T" "$T/gprog"

P=$(conf policy <<'EOF'
log = { format = "json"; };
options = {
  SO_REUSEADDR = { force = true; };
  TCP_NODELAY  = { force = true; };
  SO_LINGER    = { max = 5; abortive = "graceful"; };
  SO_DEBUG     = { deny = true; };
  SO_KEEPALIVE = { set = true; };
  TCP_KEEPIDLE = { force = 77; };
};
EOF
)
chmod 644 "$P"

"$S" run --via seccomp -c "$P" -o none -- /bin/true 2>"$T/probe.err"
if grep -q 'lacks what --via seccomp needs' "$T/probe.err"; then
	skip "$(cat "$T/probe.err")"
fi

expect() {
	for kv in nodelay=1 linger=1,5 debug=-1,1 client_reuseaddr=1 \
		  client_keepalive=1 client_keepidle=77 accepted_keepidle=77; do
		grep -qx "$2.$kv" "$1" || fail "$2: want $kv; got: $(tr '\n' ' ' <"$1")"
	done
}

# --- bare: Go's own choices (keepalive 15 s, linger as asked)
"$T/gprog" opts 3 >"$T/bare.out"
[ $? = 3 ] || fail "bare exit status"
for kv in nodelay=0 linger=1,60 client_reuseaddr=0 client_keepidle=15; do
	grep -qx "main.$kv" "$T/bare.out" || fail "bare: want $kv: $(cat "$T/bare.out")"
done

# --- supervised (auto: a Go program), exit status passes through
"$S" run -c "$P" -o "$T/run.json" -- "$T/gprog" opts 3 >"$T/run.out" 2>"$T/run.err"
rc=$?
[ "$rc" = 3 ] || fail "exit status $rc, not 3: $(cat "$T/run.err")"
grep -q warning "$T/run.err" && fail "auto run warned: $(cat "$T/run.err")"
expect "$T/run.out" main
J=$T/run.json
[ "$(jcount "$J" 'r["via"] == "seccomp" and r["prog"] == "gprog"')" = "$(wc -l <"$J")" ] ||
	fail "records not via seccomp"
# Go's keepalive period on the client and the accepted socket: rewritten.
[ "$(jcount "$J" 'r.get("opt") == "TCP_KEEPIDLE" and r["origin"] == "app" and r.get("action") == "forced" and r["app_val"] == 15 and r["val"] == 77')" = 2 ] ||
	fail "want 2 forced TCP_KEEPIDLE records: $(cat "$J")"
[ "$(jcount "$J" 'r.get("opt") == "TCP_NODELAY" and r.get("action") == "forced" and r["app_val"] == 0')" = 1 ] ||
	fail "want SetNoDelay(false) forced"
[ "$(jcount "$J" 'r.get("opt") == "SO_DEBUG" and r.get("action") == "denied" and r["errno"] == "EPERM"')" = 1 ] ||
	fail "want SO_DEBUG denied"
# Set at first sight: the listener, the client, the accepted socket.
[ "$(jcount "$J" 'r["origin"] == "policy"')" = 12 ] || fail "want 12 policy records: $(cat "$J")"
ok "Go program: keepalive 15->77 on client and accepted, SetNoDelay(false)->1, linger clamped, SO_DEBUG EPERM, SO_REUSEADDR forced; exit 3"

# --- ss: the keepalive timers of the forced period
"$S" run -c "$P" -o none -- "$T/gprog" hold 4 >"$T/hold.out" &
hp=$!
for i in $(seq 50); do grep -q ready "$T/hold.out" && break; sleep 0.1; done
port=$(sed -n 's/^main.port=//p' "$T/hold.out")
[ -n "$port" ] || fail "no port from the held program"
ss -tno state established "( sport = :$port or dport = :$port )" >"$T/ss.out"
kill "$hp" 2>/dev/null
wait "$hp"
n=$(grep -c 'timer:(keepalive,1min1[0-7]sec' "$T/ss.out")
[ "$n" = 2 ] || fail "ss: want 2 keepalive timers near 77 s: $(cat "$T/ss.out")"
ok "ss: 2 keepalive timers of about 77 s"

# --- goroutines locked to 6 OS threads
"$S" run -c "$P" -o "$T/thr.json" -- "$T/gprog" threads 6 >"$T/thr.out" || fail "threads run"
for i in 0 1 2 3 4 5; do expect "$T/thr.out" "t$i"; done
[ "$(jcount "$T/thr.json" 'r.get("action") == "denied"')" = 6 ] || fail "want 6 denials"
ok "6 threads: all governed"

# --- an exec'd child, its exit status
"$S" run -c "$P" -o none -- "$T/gprog" spawn >"$T/spawn.out" || fail "spawn run"
expect "$T/spawn.out" main
grep -qx child.exit=5 "$T/spawn.out" || fail "child exit: $(cat "$T/spawn.out")"
ok "exec'd Go child governed, exit 5 seen by its parent"

# --- as nobody
if [ "$(id -u)" = 0 ]; then
	runuser -u nobody -- "$S" run -c "$P" -o none -- "$T/gprog" opts 4 \
		>"$T/nobody.out" 2>"$T/nobody.err" </dev/null
	rc=$?
	[ "$rc" = 4 ] || fail "as nobody: status $rc: $(cat "$T/nobody.err")"
	expect "$T/nobody.out" main
	ok "the same as nobody: governed, exit 4"
fi
