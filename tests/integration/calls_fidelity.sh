# calls_fidelity — the program sees what it would see without the shim.
#
# progs/calls makes every interposed call once; progs/errors makes ~60
# calls that fail in known ways. Both run bare and under a policy that
# forces and clamps the very options they use (with bounds that hold
# their values): stdout — return values, errno names, fd numbers and
# getsockopt readings — must be byte-identical. Then the JSON log must
# hold a record for each interposed call, and for errors every failure
# the program saw, with its errno name.
. "$TESTLIB"

shim() { under_timeout 30 "$@"; }

C=$(conf fidelity <<'EOF'
mode = "enforce";
log = { path = "stderr"; format = "json"; };
options = {
  SO_REUSEADDR = { force = true; };
  TCP_NODELAY  = { force = true; };
  SO_RCVBUF    = { min = 4096; max = 65536; };
  SO_LINGER    = { min = 1; max = 5; abortive = "graceful"; };
};
EOF
)

# ---- calls: identical output ----
timeout 30 "$PROGS/calls" >"$T/calls.bare" 2>"$T/calls.bare.err" ||
	fail "calls failed without the shim: $(cat "$T/calls.bare.err")"
shim "$C" "$T/calls.log" "$PROGS/calls" >"$T/calls.shim" 2>"$T/calls.shim.err" ||
	fail "calls failed under the shim (exit $?): $(cat "$T/calls.shim.err")"
grep -qx done "$T/calls.shim" || fail "calls did not finish under the shim"
if ! diff -u "$T/calls.bare" "$T/calls.shim" >"$T/calls.diff"; then
	cat "$T/calls.diff" >&2
	fail "calls: output differs under the shim"
fi
[ -s "$T/calls.shim.err" ] && fail "calls: unexpected stderr: $(cat "$T/calls.shim.err")"
ok "calls: $(wc -l <"$T/calls.shim") lines identical with and without the shim"
grep -E '^(getsockopt|linger)' "$T/calls.shim" | sed 's/^/    kernel: /'

# ---- calls: every interposed call has a record ----
assert_json "$T/calls.log"
for call in socket socketpair setsockopt getsockopt bind listen connect \
	accept accept4 close dup dup2 dup3 fcntl close_range closefrom; do
	n=$(jcount "$T/calls.log" "r['call'] == '$call' and r['origin'] == 'app'")
	[ "$n" -ge 1 ] || fail "no '$call' record in the log"
	printf '    %-12s %s records\n' "$call" "$n"
done
# Sockets made: TCP listener, 2 clients, UDP, AF_UNIX listener and client,
# the last UDP one, and (with an IPv6 loopback) an IPv6 listener and
# client whose accept() gets a too-small address buffer.
v6=0
grep -q '^short accept len=' "$T/calls.shim" && v6=1
[ $v6 = 1 ] || echo "    no IPv6 loopback: the short accept() buffer case is not run"
n=$(jcount "$T/calls.log" "r['call'] == 'socket' and r['ret'] >= 0")
[ "$n" = $((7 + 2 * v6)) ] || fail "expected $((7 + 2 * v6)) socket records, got $n"
# The policy acted: every inet socket got SO_REUSEADDR (3 TCP made + 2
# accepted + 2 UDP, + 3 IPv6), every TCP one TCP_NODELAY (3 made + 2
# accepted, + 3 IPv6).
n=$(jcount "$T/calls.log" "r['origin'] == 'policy' and r['opt'] == 'SO_REUSEADDR' and r['ret'] == 0")
[ "$n" = $((7 + 3 * v6)) ] || fail "expected $((7 + 3 * v6)) policy SO_REUSEADDR records, got $n"
n=$(jcount "$T/calls.log" "r['origin'] == 'policy' and r['opt'] == 'TCP_NODELAY' and r['ret'] == 0")
[ "$n" = $((5 + 3 * v6)) ] || fail "expected $((5 + 3 * v6)) policy TCP_NODELAY records, got $n"
# Policy records only ever follow the creation of an inet socket: replay
# the log, following each fd's family through accept and the dups.
"$PYTHON3" - "$T/calls.log" "$T/calls.shim" <<'PY' || fail "policy acted on a non-inet socket"
import json, re, sys
pair = re.search(r"^socketpair fds (\d+) (\d+)$", open(sys.argv[2]).read(), re.M)
fam = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    c, fd = r["call"], r["fd"]
    if c == "socket" and r["ret"] >= 0:
        fam[fd] = r["family"]
    elif c == "socketpair" and r["ret"] == 0:
        fam[int(pair.group(1))] = fam[int(pair.group(2))] = r["family"]
    elif c in ("accept", "accept4") and r["ret"] >= 0:
        fam[r["ret"]] = fam.get(r["listen_fd"])
    elif c in ("dup", "dup2", "dup3", "fcntl") and r["ret"] >= 0:
        fam[r["ret"]] = fam.get(fd)
    elif r["origin"] == "policy" and fam.get(fd) not in ("AF_INET", "AF_INET6"):
        sys.exit(f"policy record on a {fam.get(fd)} socket: {line}")
print("    families seen:", sorted(set(map(str, fam.values()))))
PY
# The values the program set reached the kernel unchanged (no action).
n=$(jcount "$T/calls.log" "r['call'] == 'setsockopt' and r['origin'] == 'app' and 'action' in r")
[ "$n" = 0 ] || fail "$n of the program's setsockopt calls were changed"
# A name with a byte that is not UTF-8 is escaped, not copied raw.
n=$(jcount "$T/calls.log" "r['call'] == 'bind' and '/sockshim-calls-\\xff-' in r['addr']")
[ "$n" = 1 ] || fail "the AF_UNIX bind address is not logged as .../sockshim-calls-\\u00ff-PID"
ok "calls: every interposed call logged; policy records as expected"

# ---- errors: identical output ----
: >"$T/regular"
timeout 30 "$PROGS/errors" "$T/regular" >"$T/errors.bare" 2>&1 ||
	fail "errors failed without the shim"
shim "$C" "$T/errors.log" "$PROGS/errors" "$T/regular" \
	>"$T/errors.shim" 2>"$T/errors.shim.err"
rc=$?
[ $rc = 0 ] || fail "errors exited $rc under the shim: $(cat "$T/errors.shim.err")"
grep -qx done "$T/errors.shim" || fail "errors did not finish under the shim"
if ! diff -u "$T/errors.bare" "$T/errors.shim" >"$T/errors.diff"; then
	cat "$T/errors.diff" >&2
	fail "errors: output differs under the shim"
fi
ok "errors: $(grep -c ' -1 E' "$T/errors.shim") failures identical with and without the shim"

# ---- errors: each failure of a socket call is in the log, errno by name ----
assert_json "$T/errors.log"
"$PYTHON3" - "$T/errors.shim" "$T/errors.log" <<'PY' || fail "errors: log and program disagree"
import collections, json, sys
logged = ("socket", "socketpair", "setsockopt", "getsockopt", "bind",
          "listen", "connect", "accept", "accept4")
seen = collections.Counter()
for line in open(sys.argv[1]):
    w = line.split()
    if len(w) >= 3 and w[0] in logged and w[-2] == "-1":
        seen[(w[0], w[-1])] += 1
got = collections.Counter()
for line in open(sys.argv[2]):
    r = json.loads(line)
    if r["ret"] == -1 or "errno" in r:
        if not str(r.get("errno", "")).startswith("E"):
            sys.exit(f"record without errno name: {line}")
        if r["call"] in logged:
            got[(r["call"], r["errno"])] += 1
for k in sorted(set(seen) | set(got)):
    print(f"    {k[0]:<11} {k[1]:<16} program {seen[k]} log {got[k]}")
if seen != got:
    sys.exit("mismatch")
PY
# Six sockets are closed (dup, t, l, u, s, next); s after a close_range
# that failed (bad flags) and so must not have forgotten it.
n=$(jcount "$T/errors.log" "r['call'] == 'close' and r['ret'] == 0")
[ "$n" = 6 ] || fail "errors: $n close records, expected 6"
n=$(jcount "$T/errors.log" "r['call'] == 'close_range'")
[ "$n" = 0 ] || fail "errors: a failed close_range was logged as closing sockets"
ok "errors: every failed socket call logged with its errno name"
exit 0
