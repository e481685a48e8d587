# hardening_highfd — a socket at fd 60000 (RLIMIT_NOFILE raised) is
# governed like any other: SO_REUSEADDR forced, SO_RCVBUF clamped, as
# getsockopt shows, and the records carry fd 60000.
. "$TESTLIB"

# 60000, or as high as this machine lets the limit go (a container
# without CAP_SYS_RESOURCE keeps the hard limit where it was).
FD=60000
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -le $FD ] &&
	! (ulimit -Hn $((FD + 1))) 2>/dev/null; then
	FD=$((hard - 1))
	[ $FD -ge 4096 ] || skip "RLIMIT_NOFILE hard limit $hard is too low"
	echo "    hard limit $hard: using fd $FD instead of 60000"
fi
C=$(conf highfd <<'EOF2'
log = { format = "json"; };
options = {
  SO_REUSEADDR = { force = true; };
  SO_RCVBUF    = { max = 65536; };
};
EOF2
)
# Bare: the program's values stand (the kernel doubles SO_RCVBUF).
timeout 10 "$PROGS/h_highfd" $FD >"$T/bare.out"
rc=$?
[ $rc = 77 ] && skip "cannot raise RLIMIT_NOFILE past $FD"
[ $rc = 0 ] || fail "bare: exit $rc"
grep -q "^fd=$FD reuseaddr=0 rcvbuf=" "$T/bare.out" || fail "bare: $(cat "$T/bare.out")"
bare_buf=$(sed 's/.*rcvbuf=//' "$T/bare.out")

under_timeout 10 "$C" "$T/log" "$PROGS/h_highfd" $FD >"$T/out" 2>"$T/err"
rc=$?
[ $rc = 0 ] || fail "under the shim: exit $rc: $(cat "$T/err")"
echo "    bare: $(cat "$T/bare.out")"
echo "    shim: $(cat "$T/out")"
grep -q "^fd=$FD reuseaddr=1 rcvbuf=131072$" "$T/out" ||
	fail "fd $FD not governed: $(cat "$T/out") (bare rcvbuf $bare_buf)"
assert_json "$T/log"
"$PYTHON3" - "$T/log" $FD <<'PY' || fail "records for fd $FD missing"
import json, sys
fd = int(sys.argv[2])
recs = [json.loads(l) for l in open(sys.argv[1]) if json.loads(l)["fd"] == fd]
acts = {(r["call"], r.get("opt"), r.get("action")) for r in recs}
for want in (("setsockopt", "SO_REUSEADDR", "forced"),
             ("setsockopt", "SO_RCVBUF", "clamped"),
             ("getsockopt", "SO_REUSEADDR", None),
             ("close", None, None)):
    if want not in acts:
        sys.exit(f"fd {fd}: no {want} in {sorted(map(str, acts))}")
PY
ok "fd $FD forced, clamped and logged"
