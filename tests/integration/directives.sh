# directives — set, force, min/max, deny and abortive as the kernel shows
# them (getsockopt after each setsockopt, by progs/opts), in enforce,
# audit and trace mode, and the records that say what the policy did.
. "$TESTLIB"

# shim MODE CONF LOG cmd...: cmd under the shim (MODE "" = the file's).
shim() { # shim MODE CONF LOG cmd... (MODE "" for the file's own)
	local m=$1
	shift
	SOCKSHIM_MODE=$m under_timeout 30 "$@"
}

# run NAME MODE CONF opts-args...: $T/NAME.out, $T/NAME.log
run() {
	local name=$1 m=$2 c=$3
	shift 3
	: >"$T/$name.log"
	shim "$m" "$c" "$T/$name.log" "$PROGS/opts" "$@" >"$T/$name.out" \
		2>"$T/$name.err" || fail "$name: opts $* exited $?: $(cat "$T/$name.err")"
	[ -s "$T/$name.err" ] && fail "$name: stderr: $(cat "$T/$name.err")"
	sed "s/^/    $name: /" "$T/$name.out"
}

bare() {
	local name=$1
	shift
	timeout 30 "$PROGS/opts" "$@" >"$T/$name.out" 2>&1 ||
		fail "$name: opts $* failed without the shim"
}

# want NAME LINE...: the program printed each line.
want() {
	local name=$1 l
	shift
	for l in "$@"; do
		grep -qxF -- "$l" "$T/$name.out" ||
			fail "$name: expected the line '$l'"
	done
}

# records NAME N PYEXPR: exactly N records of NAME's log match.
records() {
	local n
	n=$(jcount "$T/$1.log" "$3")
	[ "$n" = "$2" ] || fail "$1: $n records where $2 expected: $3"
}

# ---- set: present at creation, the program may change it ----
C=$(conf set <<'EOF'
log = { path = "stderr"; format = "json"; };
options = {
  TCP_KEEPIDLE = { set = 77; };
  SO_KEEPALIVE = { set = true; };
};
EOF
)
bare set.bare tcp TCP_KEEPIDLE SO_KEEPALIVE
grep -qx 'TCP_KEEPIDLE initial 77' "$T/set.bare.out" &&
	skip "the kernel's default TCP_KEEPIDLE is 77: the test cannot tell"
run set "" "$C" tcp TCP_KEEPIDLE 100 SO_KEEPALIVE 0
want set 'TCP_KEEPIDLE initial 77' 'TCP_KEEPIDLE set 100 = 0' \
	'TCP_KEEPIDLE now 100' 'SO_KEEPALIVE initial 1' 'SO_KEEPALIVE now 0'
records set 1 "r['origin'] == 'policy' and r.get('opt') == 'TCP_KEEPIDLE' and r.get('val') == 77 and r['action'] == 'set'"
records set 1 "r['call'] == 'setsockopt' and r['origin'] == 'app' and r.get('opt') == 'TCP_KEEPIDLE' and r.get('val') == 100 and 'action' not in r"
# Not on sockets the options do not fit: SO_KEEPALIVE is for streams.
run set-udp "" "$C" udp SO_KEEPALIVE
want set-udp 'SO_KEEPALIVE initial 0'
records set-udp 0 "r['origin'] == 'policy'"
# Accepted sockets get it too.
run set-acc "" "$C" accepted TCP_KEEPIDLE SO_KEEPALIVE
want set-acc 'TCP_KEEPIDLE initial 77' 'SO_KEEPALIVE initial 1'
records set-acc 6 "r['origin'] == 'policy' and r['action'] == 'set'"
ok "set: value present at creation, program's change kept"

# ---- force: present at creation, the program's change is rewritten ----
C=$(conf force <<'EOF'
log = { path = "stderr"; format = "json"; };
options = {
  TCP_NODELAY   = { force = true; };
  TCP_KEEPINTVL = { force = 33; };
};
EOF
)
run force "" "$C" tcp TCP_NODELAY 0 TCP_KEEPINTVL 10 TCP_KEEPINTVL 33
want force 'TCP_NODELAY initial 1' 'TCP_NODELAY set 0 = 0' \
	'TCP_NODELAY now 1' 'TCP_KEEPINTVL initial 33' \
	'TCP_KEEPINTVL set 10 = 0' 'TCP_KEEPINTVL set 33 = 0' \
	'TCP_KEEPINTVL now 33'
grep -qx 'TCP_KEEPINTVL now 10' "$T/force.out" && fail "force: 10 reached the kernel"
records force 1 "r.get('opt') == 'TCP_NODELAY' and r.get('action') == 'forced' and r.get('app_val') == 0 and r.get('val') == 1 and r['ret'] == 0"
records force 1 "r.get('opt') == 'TCP_KEEPINTVL' and r.get('action') == 'forced' and r.get('app_val') == 10 and r.get('val') == 33"
# The program asking for the forced value is not a rewrite.
records force 1 "r['call'] == 'setsockopt' and r['origin'] == 'app' and r.get('opt') == 'TCP_KEEPINTVL' and r.get('val') == 33 and 'action' not in r"
ok "force: program's value rewritten, setsockopt returns 0"

# ---- min/max: SO_RCVBUF (the kernel doubles it), TCP_KEEPIDLE, SO_RCVTIMEO ----
C=$(conf clamp <<'EOF'
log = { path = "stderr"; format = "json"; };
options = {
  SO_RCVBUF    = { min = 8192; max = 65536; };
  TCP_KEEPIDLE = { min = 30; max = 600; };
  SO_RCVTIMEO  = { min = 0.5; max = 2.5; };
};
EOF
)
run clamp "" "$C" tcp SO_RCVBUF 1024 SO_RCVBUF 1000000 SO_RCVBUF 20000 \
	TCP_KEEPIDLE 5 TCP_KEEPIDLE 7200 TCP_KEEPIDLE 100 \
	SO_RCVTIMEO 0.1 SO_RCVTIMEO 10 SO_RCVTIMEO 0 SO_RCVTIMEO 1.5
# opts prints "set" then "now" for each: check them pairwise, in order.
# Timeouts are multiples of 10 ms: the kernel keeps them in jiffies.
"$PYTHON3" - "$T/clamp.out" <<'PY' || fail "clamp: the kernel holds other values"
import sys
want = [("SO_RCVBUF", "1024", "16384"), ("SO_RCVBUF", "1000000", "131072"),
        ("SO_RCVBUF", "20000", "40000"),
        ("TCP_KEEPIDLE", "5", "30"), ("TCP_KEEPIDLE", "7200", "600"),
        ("TCP_KEEPIDLE", "100", "100"),
        ("SO_RCVTIMEO", "0.100000", "0.500000"),
        ("SO_RCVTIMEO", "10.000000", "2.500000"),
        ("SO_RCVTIMEO", "0.000000", "2.500000"),
        ("SO_RCVTIMEO", "1.500000", "1.500000")]
lines = [l.split() for l in open(sys.argv[1]) if " initial " not in l]
got = [(lines[i][0], lines[i][2], lines[i + 1][2])
       for i in range(0, len(lines) - 1, 2)
       if lines[i][1] == "set" and lines[i][3:] == ["=", "0"]]
if got != want:
    sys.exit(f"got {got}")
PY
records clamp 7 "r['origin'] == 'app' and r.get('action') == 'clamped' and r['ret'] == 0"
records clamp 1 "r.get('opt') == 'SO_RCVBUF' and r.get('app_val') == 1024 and r.get('val') == 8192"
records clamp 1 "r.get('opt') == 'SO_RCVTIMEO' and r.get('app_val') == 0.1 and r.get('val') == 0.5"
records clamp 1 "r.get('opt') == 'SO_RCVTIMEO' and r.get('app_val') == 0 and r.get('val') == 2.5"
# SO_RCVBUF fits any socket, AF_UNIX included.
run clamp-unix "" "$C" unix SO_RCVBUF 1024
want clamp-unix 'SO_RCVBUF now 16384'
ok "min/max: values clamped in the kernel (SO_RCVBUF, TCP_KEEPIDLE, SO_RCVTIMEO)"

# ---- deny: EPERM, or the errno named; the kernel value unchanged ----
C=$(conf deny <<'EOF'
log = { path = "stderr"; format = "json"; };
options = {
  SO_KEEPALIVE = { deny = true; };
  TCP_CORK     = { deny = true; errno = "ENOPROTOOPT"; };
};
EOF
)
bare deny.bare tcp SO_KEEPALIVE 1 TCP_CORK 1
grep -qx 'SO_KEEPALIVE now 1' "$T/deny.bare.out" || fail "deny: bare SO_KEEPALIVE not 1"
run deny "" "$C" tcp SO_KEEPALIVE 1 TCP_CORK 1
want deny 'SO_KEEPALIVE set 1 = -1 EPERM' 'SO_KEEPALIVE now 0' \
	'TCP_CORK set 1 = -1 ENOPROTOOPT' 'TCP_CORK now 0'
records deny 1 "r.get('opt') == 'SO_KEEPALIVE' and r.get('action') == 'denied' and r['ret'] == -1 and r.get('errno') == 'EPERM'"
records deny 1 "r.get('opt') == 'TCP_CORK' and r.get('action') == 'denied' and r.get('errno') == 'ENOPROTOOPT'"
ok "deny: EPERM / ENOPROTOOPT, kernel value unchanged"

# ---- SO_LINGER: abortive allow / graceful / deny, and max ----
for ab in allow graceful deny; do
	C=$(conf "linger-$ab" <<EOF
log = { path = "stderr"; format = "json"; };
options = { SO_LINGER = { max = 5; abortive = "$ab"; }; };
EOF
)
	run "linger-$ab" "" "$C" tcp SO_LINGER 1,0 SO_LINGER 1,30 SO_LINGER 1,2
	want "linger-$ab" 'SO_LINGER set [1,30] = 0' 'SO_LINGER now [1,5]' \
		'SO_LINGER set [1,2] = 0' 'SO_LINGER now [1,2]'
done
want linger-allow 'SO_LINGER set [1,0] = 0' 'SO_LINGER now [1,0]'
want linger-graceful 'SO_LINGER set [1,0] = 0' 'SO_LINGER now [0,0]'
want linger-deny 'SO_LINGER set [1,0] = -1 EPERM' 'SO_LINGER now [0,0]'
records linger-allow 0 "r.get('opt') == 'SO_LINGER' and r.get('val') == [1, 0] and 'action' in r"
records linger-graceful 1 "r.get('action') == 'graceful' and r.get('app_val') == [1, 0] and r.get('val') == [0, 0]"
records linger-deny 1 "r.get('action') == 'denied' and r.get('app_val') == [1, 0] and r.get('errno') == 'EPERM'"
records linger-deny 1 "r.get('action') == 'clamped' and r.get('app_val') == [1, 30] and r.get('val') == [1, 5]"
ok "SO_LINGER: abortive allow/graceful/deny, l_linger clamped to max"

# ---- options without a directive go to the kernel as they are ----
ARGS="tcp SO_SNDBUF 10000 TCP_KEEPCNT 7 SO_KEEPALIVE 1 TCP_NODELAY 1"
bare untouched.bare $ARGS
run untouched "" "$T/clamp.conf" $ARGS
diff -u "$T/untouched.bare.out" "$T/untouched.out" >&2 ||
	fail "untouched: options the policy does not name were changed"
want untouched 'SO_SNDBUF now 20000' 'TCP_KEEPCNT now 7'
records untouched 4 "r['origin'] == 'app' and r['call'] == 'setsockopt' and 'action' not in r and r['ret'] == 0"
records untouched 0 "r['origin'] == 'policy'"
ok "untouched: options without a directive reach the kernel unchanged"

# ---- audit: nothing changes in the kernel, the log says what would ----
C=$(conf all <<'EOF'
log = { path = "stderr"; format = "json"; };
options = {
  TCP_KEEPIDLE = { set = 77; };
  TCP_NODELAY  = { force = true; };
  SO_RCVBUF    = { min = 8192; max = 65536; };
  SO_KEEPALIVE = { deny = true; };
  SO_LINGER    = { abortive = "graceful"; };
};
EOF
)
ARGS="tcp TCP_KEEPIDLE TCP_NODELAY 0 SO_RCVBUF 1024 SO_KEEPALIVE 1 SO_LINGER 1,0"
bare all.bare $ARGS
run enforce "" "$C" $ARGS
cmp -s "$T/all.bare.out" "$T/enforce.out" && fail "enforce: the policy changed nothing"
for m in audit trace; do
	run "$m" "$m" "$C" $ARGS
	diff -u "$T/all.bare.out" "$T/$m.out" >&2 ||
		fail "$m: the kernel's values differ from a run without the shim"
done
# At creation: TCP_KEEPIDLE (set) and TCP_NODELAY (force) would be set.
records audit 2 "r['origin'] == 'policy' and r.get('action') == 'would-set'"
for a in would-force would-clamp would-deny would-graceful; do
	records audit 1 "r['origin'] == 'app' and r.get('action') == '$a'"
done
records audit 0 "r.get('action') in ('set', 'forced', 'clamped', 'denied', 'graceful')"
records audit 0 "r['ret'] != 0 and r['call'] == 'setsockopt'"
ok "audit: kernel untouched; would-set/force/clamp/deny/graceful logged"

# ---- trace: logs every call, acts on none ----
records trace 0 "'action' in r or r['origin'] == 'policy'"
records trace 4 "r['call'] == 'setsockopt' and r['origin'] == 'app'"
records trace 1 "r['call'] == 'socket'"
ok "trace: calls logged, no policy action"
exit 0
