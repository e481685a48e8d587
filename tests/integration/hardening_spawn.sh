# hardening_spawn — vfork + exec and posix_spawn children of a program
# under the shim run, keep the shim (their socket is governed too) and
# return their exit codes.
. "$TESTLIB"

C=$(conf spawn <<'EOF2'
log = { format = "json"; };
options = { SO_REUSEADDR = { force = true; }; };
EOF2
)
under_timeout 20 "$C" "$T/log" "$PROGS/h_spawn" >"$T/out" 2>"$T/err"
rc=$?
sed 's/^/    /' "$T/out"
[ $rc = 0 ] || fail "exit $rc: $(cat "$T/err")"
for want in 'vfork: exit 3' 'posix_spawn: exit 5' 'posix_spawnp: exit 7' \
	'shell child'; do
	grep -qx "$want" "$T/out" || fail "no '$want'"
done
grep -q '^child 3: pid=[0-9]* reuseaddr=1$' "$T/out" || fail "vfork child not governed"
grep -q '^child 5: pid=[0-9]* reuseaddr=1$' "$T/out" || fail "posix_spawn child not governed"
for n in 3 5; do
	pid=$(sed -n "s/^child $n: pid=\([0-9]*\).*/\1/p" "$T/out")
	grep -q "\"pid\":$pid,.*\"call\":\"getsockopt\"" "$T/log" ||
		fail "child $n (pid $pid): no record in the log"
done
ok "vfork+exec and posix_spawn children: output, exit codes, shim in effect"
