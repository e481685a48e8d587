# Helpers for the tests of the log under what admins and daemons do to it
# (sourced after lib.sh, not run).

_D=$(dirname "$TESTLIB")
LOGSRV=$_D/logsrv.py

# logcheck [--live] [--pid P] FILE...: judge the files (NUL bytes, lines
# that are not JSON, padding) and set records, accepts, closes, dropped,
# lost, blank, files and reasons, summed over them (see logcheck.py).
logcheck() {
	local out
	out=$("$PYTHON3" "$_D/logcheck.py" "$@" 2>&1) || fail "log check: $out"
	eval "$out"
}

# start_server CONF LOG: logsrv.py serve under the shim, in the
# background; sets SRV_PID and PORT.
start_server() {
	local i
	: >"$T/srv.port"
	SOCKSHIM_CONFIG=$1 SOCKSHIM_LOG=$2 LD_PRELOAD=$SOCKSHIM_PRELOAD \
		"$PYTHON3" "$LOGSRV" serve >"$T/srv.port" 2>"$T/srv.err" &
	SRV_PID=$!
	_pids="$_pids $SRV_PID"
	for i in $(seq 100); do
		PORT=$(cat "$T/srv.port")
		[ -n "$PORT" ] && return 0
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.05
	done
	fail "the server did not start: $(cat "$T/srv.err")"
}

# srv_state: "alive", or how the server ended.
srv_state() {
	local rc=0
	kill -0 "$SRV_PID" 2>/dev/null && { echo alive; return; }
	wait "$SRV_PID" || rc=$?
	if [ "$rc" -gt 128 ]; then
		echo "dead, killed by signal $((rc - 128)) ($(kill -l "$rc" 2>/dev/null))"
	else
		echo "dead, exit status $rc"
	fi
}

# requests N [client options]: N connections to the server, all answered.
requests() {
	local n=$1
	shift
	timeout 60 "$PYTHON3" "$LOGSRV" client "$PORT" "$n" "$@" >"$T/client.out" ||
		fail "$n requests: not all answered; the server: $(srv_state) $(cat "$T/srv.err")"
	[ "$(wc -l <"$T/client.out")" = "$n" ] || fail "$n requests: $(wc -l <"$T/client.out") done"
}

# stop_server: "quit", then the server's exit status must be 0.
stop_server() {
	local rc=0
	timeout 10 "$PYTHON3" "$LOGSRV" quit "$PORT" 2>/dev/null ||
		fail "the server does not answer quit; it is $(srv_state) $(cat "$T/srv.err")"
	wait "$SRV_PID" || rc=$?
	[ "$rc" = 0 ] || fail "the server exited with status $rc$([ "$rc" -gt 128 ] && echo " (signal $((rc - 128)))"): $(cat "$T/srv.err")"
}

# expect WHAT GOT WANT
expect() {
	[ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
	ok "$1: $2"
}

# part NAME CMD...: run one part of a test in a subshell, so that a part
# that fails does not hide what the others show; its background jobs end
# with it. `parts_done` then fails the test if any part failed.
_failed_parts=""
part() {
	local name=$1
	shift
	echo "--- $name"
	( trap 'for p in $_pids; do kill "$p" 2>/dev/null; done' EXIT; "$@" ) ||
		_failed_parts="$_failed_parts${_failed_parts:+, }$name"
}
parts_done() {
	[ -z "$_failed_parts" ] || fail "failed: $_failed_parts"
}

# wait_listen PORT: until a socket listens on 127.0.0.1:PORT, as ss shows
# (5 s at most). Unlike wait_port it makes no connection, so the
# server's accept count stays the test's own.
wait_listen() {
	local i
	for i in $(seq 100); do
		ss -Htln "sport = :$1" | grep -q . && return 0
		sleep 0.05
	done
	fail "nothing listens on port $1"
}
