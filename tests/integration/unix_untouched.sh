# unix_untouched — the default policy (conf/sockshim.conf) leaves AF_UNIX
# sockets alone, gives UDP SO_REUSEADDR but not TCP_NODELAY, and TCP both.
. "$TESTLIB"

DEFAULT=$(dirname "$TESTLIB")/../../conf/sockshim.conf
[ -r "$DEFAULT" ] || fail "no default policy at $DEFAULT"

shim() { under_timeout 30 "$@"; }

# The shipped file, logging JSON instead of text; nothing else changed.
sed 's/^\([[:space:]]*format[[:space:]]*=[[:space:]]*\)"text"/\1"json"/' \
	"$DEFAULT" >"$T/default.conf"
grep -q '"json"' "$T/default.conf" || fail "could not switch $DEFAULT to JSON"

# kind NAME opts-args...: run opts under the default policy.
kind() {
	local name=$1
	shift
	: >"$T/$name.log"
	shim "$T/default.conf" "$T/$name.log" "$PROGS/opts" "$@" \
		>"$T/$name.out" 2>"$T/$name.err" || fail "$name: opts exited $?"
	[ -s "$T/$name.err" ] && fail "$name: stderr: $(cat "$T/$name.err")"
	sed "s/^/    $name: /" "$T/$name.out"
}

want() {
	local name=$1 l
	shift
	for l in "$@"; do
		grep -qxF -- "$l" "$T/$name.out" ||
			fail "$name: expected the line '$l'"
	done
}

policy_opts() {
	"$PYTHON3" - "$T/$1.log" <<'PY'
import json, sys
print(" ".join(sorted(r["opt"] for r in map(json.loads, open(sys.argv[1]))
                      if r["origin"] == "policy")) or "none")
PY
}

kind unix unix SO_REUSEADDR SO_RCVBUF
want unix 'SO_REUSEADDR initial 0'
[ "$(policy_opts unix)" = none ] || fail "unix: policy records: $(policy_opts unix)"
[ "$(jcount "$T/unix.log" "r['call'] == 'socket' and r['family'] == 'AF_UNIX'")" = 1 ] ||
	fail "unix: the socket call was not logged"
ok "AF_UNIX stream: SO_REUSEADDR 0, no policy record"

kind unix-dgram unix-dgram SO_REUSEADDR
want unix-dgram 'SO_REUSEADDR initial 0'
[ "$(policy_opts unix-dgram)" = none ] || fail "unix-dgram: policy records"
ok "AF_UNIX datagram: SO_REUSEADDR 0, no policy record"

kind udp udp SO_REUSEADDR TCP_NODELAY
timeout 30 "$PROGS/opts" udp TCP_NODELAY >"$T/udp.bare" || fail "udp: opts failed bare"
want udp 'SO_REUSEADDR initial 1' "$(cat "$T/udp.bare")"
[ "$(policy_opts udp)" = SO_REUSEADDR ] || fail "udp: policy set $(policy_opts udp)"
ok "UDP: SO_REUSEADDR 1 by policy, no TCP_NODELAY attempted"

kind tcp tcp SO_REUSEADDR TCP_NODELAY SO_LINGER
want tcp 'SO_REUSEADDR initial 1' 'TCP_NODELAY initial 1' 'SO_LINGER initial [0,0]'
[ "$(policy_opts tcp)" = "SO_REUSEADDR TCP_NODELAY" ] ||
	fail "tcp: policy set $(policy_opts tcp)"
ok "TCP: SO_REUSEADDR and TCP_NODELAY by policy"

# The shipped file as is (text log): same decisions, in the text format.
timeout 30 env SOCKSHIM_CONFIG="$DEFAULT" SOCKSHIM_LOG="$T/text.log" \
	LD_PRELOAD="$SOCKSHIM_LIB" "$PROGS/opts" unix SO_REUSEADDR >"$T/text.out" ||
	fail "opts failed under the shipped policy"
grep -qx 'SO_REUSEADDR initial 0' "$T/text.out" || fail "text: AF_UNIX SO_REUSEADDR not 0"
grep -q '] socket(AF_UNIX' "$T/text.log" || fail "text: no socket record: $(cat "$T/text.log")"
grep -q '] policy ' "$T/text.log" && fail "text: policy record for AF_UNIX: $(cat "$T/text.log")"
sed 's/^/    text log: /' "$T/text.log"
ok "shipped policy, text log: AF_UNIX untouched"
exit 0
