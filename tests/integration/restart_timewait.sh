# restart_timewait — socat, which does not set SO_REUSEADDR, restarted on
# a port that still holds a connection in TIME_WAIT: "Address already in
# use" without the shim, a working server under the default policy.
#
# socket(7): on Linux the old and the new socket both need SO_REUSEADDR,
# so in the "with" half the first server runs under the shim too.
. "$TESTLIB"

need "$SOCAT" ss
DEFCONF=${FIXTURES%/tests/fixtures}/conf/sockshim.conf
[ -r "$DEFCONF" ] || fail "no default policy at $DEFCONF"

# shim_env LOG: sets SHIM_ENV, the prefix that runs a command under the
# default policy (usable after timeout, unlike the under function).
shim_env() {
	SHIM_ENV=(env SOCKSHIM_CONFIG="$DEFCONF" SOCKSHIM_LOG="$1"
		LD_PRELOAD="$SOCKSHIM_LIB")
}

listening() {
	[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
}

timewait() {
	ss -Htan state time-wait "sport = :$1" 2>/dev/null
}

# serve_once PORT GREETING [env prefix...]: a one-shot socat server that
# sends GREETING and closes first; a socat client reads to EOF, then
# closes, which leaves the server's side of the connection in TIME_WAIT.
serve_once() {
	local port=$1 greeting=$2 got
	shift 2
	bg timeout 15 "$@" "$SOCAT" TCP-LISTEN:"$port",bind=127.0.0.1 \
		EXEC:"echo $greeting"
	got=$(timeout 10 "$SOCAT" -u \
		TCP:127.0.0.1:"$port",retry=50,interval=0.1 STDOUT)
	[ "$got" = "$greeting" ] ||
		fail "client on port $port read '$got', expected '$greeting'"
	# The server exits once the connection is done (no fork option).
	for _ in $(seq 50); do
		kill -0 "$LAST_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$LAST_PID" 2>/dev/null && fail "socat on $port did not exit"
	wait "$LAST_PID" 2>/dev/null
	return 0
}

# restart PORT ERRFILE [env prefix...]: start socat again on PORT; true
# once it listens (and serves), false if it exits first.
restart() {
	local port=$1 err=$2 pid got
	shift 2
	bg timeout 15 "$@" "$SOCAT" TCP-LISTEN:"$port",bind=127.0.0.1 \
		EXEC:"echo again" 2>"$err"
	pid=$LAST_PID
	for _ in $(seq 50); do
		if listening "$port"; then
			got=$(timeout 10 "$SOCAT" -u \
				TCP:127.0.0.1:"$port",retry=20,interval=0.1 STDOUT)
			[ "$got" = again ] ||
				fail "restarted server on $port answered '$got'"
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	fail "socat on $port neither listened nor exited in 5 s"
}

# ---- without the shim: the restart must fail with EADDRINUSE
P1=$(free_port)
serve_once "$P1" hello
tw=$(timewait "$P1")
echo "without shim, TIME_WAIT on $P1: ${tw:-none}"
[ -n "$tw" ] || fail "no TIME_WAIT connection on server port $P1"
if restart "$P1" "$T/restart1.err"; then
	fail "socat restarted on $P1 without the shim (SO_REUSEADDR set by socat?)"
fi
wait "$LAST_PID" 2>/dev/null
rc=$?
echo "without shim, restart exit status $rc: $(cat "$T/restart1.err")"
[ "$rc" -ne 0 ] || fail "failed restart exited 0"
grep -q "Address already in use" "$T/restart1.err" ||
	fail "restart failed, but not with 'Address already in use'"
ok "without the shim the restart fails: Address already in use"

# ---- with the shim (both servers): the restart binds and serves
P2=$(free_port)
shim_env "$T/srv1.%p.log"
serve_once "$P2" hello "${SHIM_ENV[@]}"
tw=$(timewait "$P2")
echo "with shim, TIME_WAIT on $P2: ${tw:-none}"
[ -n "$tw" ] || fail "no TIME_WAIT connection on server port $P2"
shim_env "$T/srv2.%p.log"
restart "$P2" "$T/restart2.err" "${SHIM_ENV[@]}" ||
	fail "socat under the shim did not restart on $P2: $(cat "$T/restart2.err")"
ok "with the shim the restart binds while $P2 is in TIME_WAIT"

# The policy's SO_REUSEADDR reached the listener before its bind, in both
# servers.
for which in srv1 srv2; do
	cat "$T/$which".*.log >"$T/$which.all" 2>/dev/null ||
		fail "no shim log for $which"
	awk -v port="$P2" '
		/policy setsockopt\([0-9]+, SOL_SOCKET, SO_REUSEADDR, 1 set\) = 0/ {
			match($0, /setsockopt\([0-9]+/)
			reuse[substr($0, RSTART + 11, RLENGTH - 11)] = 1
		}
		$0 ~ "bind\\([0-9]+, 127\\.0\\.0\\.1:" port "\\) = 0" {
			match($0, /bind\([0-9]+/)
			if (reuse[substr($0, RSTART + 5, RLENGTH - 5)]) found = 1
		}
		END { exit !found }' "$T/$which.all" || {
		cat "$T/$which.all"
		fail "$which log: no policy SO_REUSEADDR before the bind"
	}
done
grep -h "SO_REUSEADDR" "$T/srv2.all" | head -1
ok "the log shows the policy's setsockopt(SO_REUSEADDR) before bind"

# For the record (not asserted): an old server without SO_REUSEADDR blocks
# even a new one under the shim — the kernel wants it on both sockets.
P3=$(free_port)
serve_once "$P3" hello
shim_env "$T/srv3.%p.log"
if restart "$P3" "$T/restart3.err" "${SHIM_ENV[@]}"; then
	echo "info: old server without the shim, new one with it: restart bound"
else
	echo "info: old server without the shim, new one with it: $(cat "$T/restart3.err")"
fi
exit 0
