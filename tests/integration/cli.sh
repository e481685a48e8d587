#!/bin/bash
# The sockshim command: run (preload, environment, warnings), check
# (file:line errors, effective policy, --explain) and options.
. "$TESTLIB"
need "$PYTHON3" objcopy
S=$SOCKSHIM_BIN
DEFAULT=$FIXTURES/../../conf/sockshim.conf

# --- conventions
"$S" --version | grep -q '^sockshim [0-9]' || fail "--version"
"$S" --help | grep -q 'sockshim run' || fail "--help"
"$S" frobnicate 2>"$T/err" && fail "unknown command accepted"
[ "$(
	"$S" frobnicate 2>/dev/null
	echo $?
)" = 2 ] || fail "unknown command: exit status is not 2"
grep -q "unknown command 'frobnicate'" "$T/err" || fail "unknown command: no message"
ok "help, version, usage errors"

# --- options
n=$("$S" options | tail -n +2 | wc -l)
[ "$n" -ge 60 ] || fail "options lists $n options"
"$S" options --level tcp NODELAY | grep -q '^IPPROTO_TCP  *TCP_NODELAY  *bool  *get/set  *tcp' ||
	fail "options --level tcp NODELAY"
"$S" options --level socket 'SO_*TIMEO' | grep -c TIMEO | grep -qx 2 || fail "options glob"
"$S" options no_such_option >/dev/null 2>&1 && fail "options: no match accepted"
ok "options: $n options, filters work"

# --- check
"$S" check "$DEFAULT" >"$T/out" || fail "check rejects the default policy"
grep -q 'SO_REUSEADDR = { force = true; }' "$T/out" || fail "check does not print the policy"
bad=$(conf bad <<'EOF'
options = {
  SO_REUSEADDR = { force = true; };
  IP_TTL = { set = 300; };
  TCP_NODELAY = { force = 1; nonsense = 2; };
};
EOF
)
"$S" check "$bad" >/dev/null 2>"$T/err" && fail "check accepts a bad file"
cat "$T/err"
grep -qx "$bad:3: options.IP_TTL.set: 300 is out of range \[1, 255\]" "$T/err" ||
	fail "check: no file:line:key for IP_TTL"
grep -q "^$bad:4: options.TCP_NODELAY.nonsense: unknown directive" "$T/err" ||
	fail "check: no file:line:key for the unknown directive"
grep -q "2 errors" "$T/err" || fail "check: error count"
syntax=$(printf 'options = {\n  SO_LINGER = { max = ; };\n};\n' | conf syntax)
"$S" check "$syntax" 2>"$T/err" && fail "check accepts a syntax error"
grep -q "^$syntax:2: syntax error" "$T/err" || fail "check: syntax error without line"
"$S" check "$T/missing.conf" 2>"$T/err" && fail "check accepts a missing file"
grep -q "missing.conf: cannot read" "$T/err" || fail "check: missing file message"
ok "check: valid file printed, errors with file:line:key, exit 1"

# The example site policy shipped in conf/examples loads, and says what
# the README says it does.
EXAMPLE=$FIXTURES/../../conf/examples/site.conf
"$S" check -q "$EXAMPLE" || fail "conf/examples/site.conf does not load"
"$S" check --explain "program=app role=client remote_port=6379" "$EXAMPLE" >"$T/out"
grep -A1 'SO_KEEPALIVE = { force = true; }' "$T/out" |
	grep -q 'from rule "redis clients keep alive"' || fail "example: redis clients"
"$S" check --explain "program=ingestd role=accepted local_port=9000" "$EXAMPLE" >"$T/out"
grep -q 'SO_RCVBUF = { set = 4194304; min = 1048576; }' "$T/out" ||
	fail "example: ingest buffer floors"
ok "the example site policy loads and explains"

site=$(conf site <<'EOF'
options = { TCP_NODELAY = { force = true; }; };
rules = (
  { name = "web"; match = { program = "nginx"; role = "listener"; local_port = 80; };
    options = { SO_RCVBUF = { min = 65536; }; }; },
  { name = "redis clients"; match = { role = "client"; remote_port = 6379; };
    options = { SO_KEEPALIVE = { force = true; }; }; }
);
EOF
)
"$S" check --explain "program=nginx role=listener local_port=80" "$site" >"$T/out" ||
	fail "check --explain"
cat "$T/out"
grep -q 'rule 1 "web" (line 3): matches' "$T/out" || fail "explain: web should match"
grep -q 'rule 2 "redis clients" (line 5): does not match' "$T/out" ||
	fail "explain: redis clients should not match"
grep -A1 'SO_RCVBUF = { min = 65536; }' "$T/out" | grep -q 'from rule "web"' ||
	fail "explain: SO_RCVBUF should come from rule web"
"$S" check --explain "program=nginx" "$site" | grep -q 'rule 1 "web" (line 3): undecided' ||
	fail "explain: a rule naming an unknown fact should be undecided"
"$S" check --explain "role=boss" "$site" >/dev/null 2>&1 && fail "explain accepts role=boss"
ok "check --explain"

# --- run: the program runs under the shim, with the environment set
LD_PRELOAD= "$S" run -c "$DEFAULT" -o "$T/run.log" -- "$PYTHON3" -c '
import socket
s = socket.socket()
print(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR))' >"$T/out" || fail "run failed"
[ "$(cat "$T/out")" = 1 ] || fail "run: SO_REUSEADDR not forced"
grep -q 'policy setsockopt(3, SOL_SOCKET, SO_REUSEADDR, 1 set) = 0' "$T/run.log" ||
	fail "run: -o log has no policy record"
"$S" run --audit -c "$DEFAULT" -o "$T/audit.log" -- "$PYTHON3" -c '
import socket
print(socket.socket().getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR))' >"$T/out"
[ "$(cat "$T/out")" = 0 ] || fail "run --audit changed the kernel's value"
grep -q 'SO_REUSEADDR, 1 would-set' "$T/audit.log" || fail "run --audit: no would-set"
LD_PRELOAD=/nonexistent/keep.so "$S" run -c "$DEFAULT" -o none -- env 2>/dev/null |
	grep -qx "LD_PRELOAD=$SOCKSHIM_LIB:/nonexistent/keep.so" ||
	fail "run does not prepend to LD_PRELOAD"
"$S" run -- /nonexistent/program 2>/dev/null
[ $? = 127 ] || fail "run: missing program is not 127"
ok "run: preload, -c, -o, --audit, LD_PRELOAD kept, 127"

# --- run: warnings for what the preload cannot reach
warn() { "$S" run --via preload -c "$DEFAULT" -o none -- "$@" 2>&1 >/dev/null | grep 'warning'; }
w=$(warn /sbin/ldconfig -p) || fail "no warning for static /sbin/ldconfig"
echo "$w" | grep -q 'statically linked' || fail "static warning: $w"
cp /bin/true "$T/gotool"
printf 'go build id\0' >"$T/note"
objcopy --add-section .note.go.buildid="$T/note" "$T/gotool"
w=$(warn "$T/gotool") || fail "no warning for a Go binary"
echo "$w" | grep -q 'is a Go program' || fail "Go warning: $w"
cp /bin/true "$T/suid"
chmod 4755 "$T/suid"
if [ "$(id -u)" = 0 ]; then
	# root runs its own setuid files with the preload: no warning; one
	# owned by another user changes root's uid, and the loader drops it.
	warn "$T/suid" && fail "a setuid warning to root for a root-owned file"
	chown nobody "$T/suid" && chmod 4755 "$T/suid"
fi
w=$(warn "$T/suid") || fail "no warning for a setuid binary"
echo "$w" | grep -q 'is setuid' || fail "setuid warning: $w"
printf '#!/sbin/ldconfig -p\n' >"$T/script"
chmod +x "$T/script"
w=$(warn "$T/script") || fail "no warning for a script run by a static interpreter"
warn /bin/true && fail "a warning for an ordinary dynamic binary"
ok "run warns for static, Go, setuid and via #!, not for /bin/true"

# --- check: rules the seccomp supervisor cannot carry out are named
R=$(conf reach <<'EOC'
rules = ( { name = "web"; match = { role = "accepted"; };
            options = { TCP_NODELAY = { set = true; }; }; } );
EOC
)
out=$("$S" check "$R") || fail "check of a valid policy failed"
echo "$out" | grep -q '^# with sockshim run --via seccomp: rule "web" (line 1) matches accepted' ||
	fail "check does not name the rule the supervisor cannot reach: $out"
out=$("$S" check "$DEFAULT") || fail "check of the default policy failed"
echo "$out" | grep -q 'via seccomp' && fail "check names unreachable rules in a policy without rules"
ok "check names the rules run --via seccomp cannot carry out"
