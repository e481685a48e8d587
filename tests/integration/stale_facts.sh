#!/bin/bash
# stale_facts — a socket's number, handed out again by a call that makes
# no socket, is not logged as a socket's.
#
# progs/stale_fd makes a socket and lets it vanish where no close() hook
# sees it (fclose of an fdopen()ed stream, a raw close system call), then
# gets the same number from open, fopen, openat, __open_2, creat, pipe,
# eventfd, timerfd, signalfd, epoll, memfd, inotify..., and dup()s and
# closes it. The only dup and close records the log may hold are those
# of the real socket made last.
. "$TESTLIB"

C=$(conf stale <<'EOF2'
mode = "enforce";
log = { path = "stderr"; format = "json"; };
options = { SO_KEEPALIVE = { set = true; }; };
EOF2
)

timeout 30 "$PROGS/stale_fd" "$T" >"$T/bare" 2>&1 ||
	fail "stale_fd fails without the shim: $(cat "$T/bare")"
n=$(grep -c ' reused$' "$T/bare")
[ "$n" = 18 ] || fail "the number was reused in $n cases of 18 without the shim: $(cat "$T/bare")"

under_timeout 30 "$C" "$T/log" "$PROGS/stale_fd" "$T" >"$T/shim" 2>"$T/err" ||
	fail "stale_fd fails under the shim: $(cat "$T/shim" "$T/err")"
diff -u "$T/bare" "$T/shim" >&2 || fail "output differs under the shim"
ok "18 cases, each got the vanished socket's number, with and without the shim"

assert_json "$T/log"
n=$(jcount "$T/log" "r['call'] == 'socket' and r['ret'] >= 0")
[ "$n" = 18 ] || fail "expected 18 socket records, got $n"
n=$(jcount "$T/log" "r['origin'] == 'policy' and r['opt'] == 'SO_KEEPALIVE' and r['ret'] == 0")
[ "$n" = 18 ] || fail "expected 18 policy SO_KEEPALIVE records, got $n"
for call in dup close; do
	jcount "$T/log" "r['call'] == '$call'" >"$T/n"
	want=1
	[ $call = close ] && want=2
	[ "$(cat "$T/n")" = $want ] || {
		grep "\"call\":\"$call\"" "$T/log" | head -5 >&2
		fail "expected $want $call records (the last socket's), got $(cat "$T/n")"
	}
done
ok "only the real socket's dup and 2 closes are logged"
