#!/bin/bash
# errno_kept — errno after a successful call is the program's.
#
# progs/errno_kept sets errno to a sentinel before each interposed call
# and checks it after every call that succeeded. Under the shim, the
# policy's own setsockopt fails (an unknown congestion control) at every
# event a rule can act on: bind, listen, connect and accept; and a socket
# the shim did not see created is asked about (getpeername fails) before
# bind. None of those failures may reach the program's errno.
. "$TESTLIB"

failing=$(conf failing <<'EOF2'
mode = "enforce";
log = { path = "stderr"; format = "json"; };
options = { };
rules = (
  { name = "bound"; match = { local_addr = "127.0.0.0/8"; };
    options = { TCP_CONGESTION = { set = "nosuchcc"; }; }; },
  { name = "listeners"; match = { role = "listener"; };
    options = { TCP_CONGESTION = { set = "nosuchcc"; }; }; },
  { name = "clients"; match = { role = "client"; };
    options = { TCP_CONGESTION = { set = "nosuchcc"; }; }; },
  { name = "accepted"; match = { role = "accepted"; };
    options = { TCP_CONGESTION = { set = "nosuchcc"; }; }; }
);
EOF2
)
empty=$(conf empty <<'EOF2'
mode = "enforce";
log = { path = "none"; };
options = { };
EOF2
)
"$SOCKSHIM_BIN" check -q "$failing" || fail "policy does not load"

timeout 30 "$PROGS/errno_kept" >"$T/bare" 2>&1 ||
	fail "errno_kept fails without the shim: $(cat "$T/bare")"
grep -qx 'done 0' "$T/bare" || fail "errno_kept did not finish: $(cat "$T/bare")"

for c in failing empty; do
	cfg=$failing
	[ $c = empty ] && cfg=$empty
	under_timeout 30 "$cfg" "$T/$c.log" "$PROGS/errno_kept" >"$T/$c.out" 2>"$T/$c.err"
	rc=$?
	grep LEAK "$T/$c.out" | sed 's/^/    /' >&2
	[ $rc = 0 ] || fail "policy $c: errno leaked into successful calls (exit $rc)"
	diff -u "$T/bare" "$T/$c.out" >&2 || fail "policy $c: output differs from the bare run"
done
ok "$(grep -c ' ok$' "$T/bare") successful calls keep the program's errno"

# The policy did fail where the test says: 8 setsockopt calls of its own
# (two listeners at bind and listen, two clients, two accepted sockets).
n=$(jcount "$T/failing.log" "r['origin'] == 'policy' and r['opt'] == 'TCP_CONGESTION' and r.get('errno') == 'ENOENT'")
[ "$n" = 8 ] || fail "expected 8 failing policy setsockopt records, got $n"
for rule in bound listeners clients accepted; do
	n=$(jcount "$T/failing.log" "r['origin'] == 'policy' and r.get('rule') == '$rule'")
	[ "$n" = 2 ] || fail "rule $rule acted $n times, expected 2"
done
ok "the policy's own setsockopt failed 8 times, at bind, listen, connect and accept"
