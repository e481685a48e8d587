# bad_config — an invalid configuration follows on_error.
#
# passthrough (the default): the program runs as without the shim, exit
# 0, and stderr holds exactly the file:line: key message and one
# "running PROG without sockshim" line. abort: main never runs, exit 78
# (EX_CONFIG) with the message. A missing SOCKSHIM_CONFIG file and an
# unknown SOCKSHIM_MODE are warnings, and the program runs.
. "$TESTLIB"

# The interpreter itself, not a wrapper script (pyenv, ...) that would
# load the shim too and repeat every message.
PY=$("$PYTHON3" -c 'import sys; print(sys.executable)') || skip "no python3"
PROG='import socket; s = socket.socket(); print("reuseaddr", s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR))'

# try NAME CONF cmd...: run under the shim; $T/NAME.out, .err, $rc
try() {
	local name=$1 c=$2
	shift 2
	timeout 30 env SOCKSHIM_CONFIG="$c" SOCKSHIM_LOG=stderr \
		LD_PRELOAD="$SOCKSHIM_LIB" "$@" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	sed "s/^/    $name: out: /" "$T/$name.out"
	sed "s/^/    $name: err: /" "$T/$name.err"
}

# passthrough NAME CONF MESSAGE-REGEX: the program ran untouched.
passthrough() {
	local name=$1 c=$2 re=$3 prog
	try "$name" "$c" "$PY" -c "$PROG"
	[ $rc = 0 ] || fail "$name: python exited $rc"
	grep -qx 'reuseaddr 0' "$T/$name.out" ||
		fail "$name: the program did not run as without the shim"
	prog=$(basename "$PY")
	[ "$(wc -l <"$T/$name.err")" = 2 ] || fail "$name: stderr is not two lines"
	grep -Eq "^sockshim: $re" "$T/$name.err" || fail "$name: no message /$re/"
	[ "$(grep -c "running $prog without sockshim" "$T/$name.err")" = 1 ] ||
		fail "$name: not one 'running $prog without sockshim' line"
	# A C program too: it runs, the policy is not applied, nothing logged.
	try "$name-opts" "$c" "$PROGS/opts" tcp SO_REUSEADDR TCP_NODELAY
	[ $rc = 0 ] || fail "$name: opts exited $rc"
	grep -qx 'SO_REUSEADDR initial 0' "$T/$name-opts.out" &&
		grep -qx 'TCP_NODELAY initial 0' "$T/$name-opts.out" ||
		fail "$name: opts saw a policy applied"
	[ "$(wc -l <"$T/$name-opts.err")" = 2 ] ||
		fail "$name: opts: stderr is not two lines (records logged?)"
	grep -q "running opts without sockshim" "$T/$name-opts.err" ||
		fail "$name: opts: no 'running opts without sockshim' line"
}

# abort NAME CONF MESSAGE-REGEX: main never ran, exit 78.
abort() {
	local name=$1 c=$2 re=$3
	try "$name" "$c" "$PY" -c 'print("main ran")'
	[ $rc = 78 ] || fail "$name: exit $rc, expected 78"
	[ -s "$T/$name.out" ] && fail "$name: the program's main ran"
	grep -Eq "^sockshim: $re" "$T/$name.err" || fail "$name: no message /$re/"
	grep -q "without sockshim" "$T/$name.err" && fail "$name: says it runs on"
	try "$name-opts" "$c" "$PROGS/opts" tcp SO_REUSEADDR
	[ $rc = 78 ] || fail "$name: opts exit $rc, expected 78"
	[ -s "$T/$name-opts.out" ] && fail "$name: opts' main ran"
}

# Control: the valid policy is applied (so the checks above can fail).
GOOD=$(conf good <<'EOF'
options = { SO_REUSEADDR = { force = true; }; };
EOF
)
try good "$GOOD" "$PY" -c "$PROG"
[ $rc = 0 ] && grep -qx 'reuseaddr 1' "$T/good.out" || fail "good: policy not applied"
[ -s "$T/good.err" ] && grep -q 'sockshim: .*without' "$T/good.err" &&
	fail "good: warned about a valid file"
ok "valid policy: applied, no warning"

# ---- passthrough ----
C=$(conf unknown <<'EOF'
# an option that does not exist
options = {
  SO_BOGUS = { force = true; };
};
EOF
)
passthrough unknown "$C" "$C:3: options\\.SO_BOGUS: .*unknown"
ok "unknown option: file:line: key message, program runs"

C=$(conf type <<'EOF'
options = {
  SO_REUSEADDR = { force = true; };
  SO_RCVBUF    = { set = "big"; };
};
EOF
)
passthrough type "$C" "$C:3: options\\.SO_RCVBUF\\.set: .*integer"
ok "wrong type: file:line: key message, program runs"

C=$(conf syntax <<'EOF'
mode = "enforce";
options = {
  SO_REUSEADDR = { force = true; }
  TCP_NODELAY = { force = true; };
EOF
)
passthrough syntax "$C" "$C:[0-9]+: .*syntax error"
ok "syntax error: file:line message, program runs"

passthrough missing "$T/does-not-exist.conf" "$T/does-not-exist\\.conf: .*No such file"
ok "missing SOCKSHIM_CONFIG file: warning, program runs"

# ---- abort ----
C=$(conf abort-type <<'EOF'
on_error = "abort";
options = {
  SO_RCVBUF = { set = "big"; };
};
EOF
)
abort abort-type "$C" "$C:3: options\\.SO_RCVBUF\\.set: "
ok "on_error abort, wrong type: exit 78 before main"

C=$(conf abort-syntax <<'EOF'
on_error = "abort";
options = { SO_RCVBUF = { set = 1; }
EOF
)
abort abort-syntax "$C" "$C:[0-9]+: .*syntax error"
ok "on_error abort, syntax error: exit 78 before main"

# ---- SOCKSHIM_MODE ----
SOCKSHIM_MODE=bogus try mode "$GOOD" "$PY" -c "$PROG"
[ $rc = 0 ] || fail "SOCKSHIM_MODE=bogus: exit $rc"
grep -q 'SOCKSHIM_MODE' "$T/mode.err" || fail "SOCKSHIM_MODE=bogus: no message naming it"
grep -q 'bogus' "$T/mode.err" || fail "SOCKSHIM_MODE=bogus: message does not show the value"
grep -qx 'reuseaddr 0' "$T/mode.out" || fail "SOCKSHIM_MODE=bogus: policy applied anyway"
ok "SOCKSHIM_MODE=bogus: error names SOCKSHIM_MODE, program runs"
exit 0
