# hardening_early — hooks called before sockshim's constructor.
#
# h_early.so's constructor makes a socket and tries to turn SO_REUSEADDR
# off. Preloaded before and after libsockshim.so (so that one of the two
# orders runs its constructor first), the policy must still govern that
# socket: getsockopt reads 1, and the log holds the policy's record for
# it and the program's forced setsockopt.
. "$TESTLIB"

EARLY=$(dirname "$PROGS")/progs/.libs/h_early.so
[ -f "$EARLY" ] || fail "no $EARLY (make check builds it)"
C=$(conf early <<'EOF2'
log = { format = "json"; };
options = { SO_REUSEADDR = { force = true; }; };
EOF2
)
asan=${SOCKSHIM_ASAN:+$SOCKSHIM_ASAN:}

# Without the shim the constructor's setsockopt takes effect.
timeout 10 env LD_PRELOAD="$asan$EARLY" /bin/true >"$T/bare.out" ||
	fail "h_early.so alone: exit $?"
grep -q 'early: fd=[0-9]* set=0 reuseaddr=0' "$T/bare.out" ||
	fail "bare: $(cat "$T/bare.out")"

for order in "$EARLY:$SOCKSHIM_LIB" "$SOCKSHIM_LIB:$EARLY"; do
	name=$(basename "${order%%:*}")
	log=$T/$name.log
	timeout 10 env SOCKSHIM_CONFIG="$C" SOCKSHIM_LOG="$log" \
		LD_PRELOAD="$asan$order" /bin/true >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	[ $rc = 0 ] || fail "$name first: exit $rc: $(cat "$T/$name.err")"
	out=$(cat "$T/$name.out")
	echo "    $name first: $out"
	case $out in
	"early: fd="*" set=0 reuseaddr=1") ;;
	*) fail "$name first: the constructor's socket is not governed: $out" ;;
	esac
	fd=$(echo "$out" | sed 's/.*fd=\([0-9]*\).*/\1/')
	assert_json "$log"
	"$PYTHON3" - "$log" "$fd" <<'PY' || fail "$name first: records missing"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
fd = int(sys.argv[2])
def has(**kw):
    return any(all(r.get(k) == v for k, v in kw.items()) for r in recs)
for want in (dict(call="socket", fd=fd),
             dict(call="setsockopt", fd=fd, origin="policy", opt="SO_REUSEADDR", val=1, action="set"),
             dict(call="setsockopt", fd=fd, origin="app", opt="SO_REUSEADDR", val=1, app_val=0, action="forced"),
             dict(call="getsockopt", fd=fd, opt="SO_REUSEADDR", val=1)):
    if not has(**want):
        sys.exit(f"no record {want}")
PY
done
ok "a constructor's socket is governed and logged, either preload order"
