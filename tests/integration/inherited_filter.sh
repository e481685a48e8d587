#!/bin/bash
# inherited_filter — a service under a seccomp filter it inherited, as
# systemd's SystemCallFilter= puts it: the filter kills on
# process_vm_readv and mincore (a unit with SystemCallFilter=~@ipc drops
# the first; @system-service has no mincore), and is in place before the
# program starts. python3 under the shim and that filter
# binds a listener with SO_REUSEADDR forced by a rule on its port, sets
# SO_RCVBUF above the policy's maximum and logs JSON to a mapped file: it
# lives (no SIGSYS), the kernel shows the clamped buffer and the forced
# option, and the log has the records. (Such a filter cannot be read back:
# sockshim assumes the calls of @system-service are allowed.)
. "$TESTLIB"
. "$(dirname "$TESTLIB")/logtest.sh"
need "$PYTHON3"
# The sanitizer runtime makes calls of its own a filter would have to allow.
[ -n "$SOCKSHIM_ASAN" ] && skip "the ASan runtime's own calls are outside the test's filter"

port=$("$PYTHON3" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
C=$(conf policy <<EOC
log = { format = "json"; };
options = { SO_RCVBUF = { max = 65536; }; };
rules = ( { match = { local_port = $port; }; options = { SO_REUSEADDR = { force = true; }; }; } );
EOC
)
prog='import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
print("rcvbuf", s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
print("reuseaddr", s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR))'

rc=0
"$PROGS/seccomp_exec" -k process_vm_readv -k mincore -- "$PYTHON3" -c "$prog" "$port" >"$T/bare" || rc=$?
[ "$rc" = 77 ] && skip "no seccomp test filter for this architecture"
[ "$rc" = 0 ] || fail "bare under the filter: exit $rc"
grep -qx 'reuseaddr 0' "$T/bare" || fail "bare: SO_REUSEADDR already set: $(cat "$T/bare")"
bare_buf=$(sed -n 's/^rcvbuf //p' "$T/bare")
[ "$bare_buf" -gt 131072 ] || fail "bare: SO_RCVBUF $bare_buf, expected above 131072"

rm -rf "$T/logs" && mkdir "$T/logs"
rc=0
under "$C" "$T/logs/py.%p.json" "$PROGS/seccomp_exec" -k process_vm_readv -k mincore -- \
	"$PYTHON3" -c "$prog" "$port" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 0 ] || fail "exit $rc under the shim and the filter (159 is SIGSYS): $(cat "$T/err")"
[ -s "$T/err" ] && fail "stderr: $(cat "$T/err")"
grep -qx 'rcvbuf 131072' "$T/out" ||
	fail "SO_RCVBUF not clamped to 65536 (the kernel doubles it): $(cat "$T/out")"
grep -qx 'reuseaddr 1' "$T/out" ||
	fail "SO_REUSEADDR not forced by the rule on port $port: $(cat "$T/out")"
f=$(ls "$T"/logs/py.*.json)
logcheck "$f"
expect "clamp records" "$(jcount "$f" "r['call'] == 'setsockopt' and r.get('opt') == 'SO_RCVBUF' and r.get('action') == 'clamped' and r.get('val') == 65536 and r.get('app_val') == 1048576")" 1
expect "bind records" "$(jcount "$f" "r['call'] == 'bind' and r.get('ret') == 0 and r.get('addr') == '127.0.0.1:$port'")" 1
ok "under a service's filter: SO_RCVBUF clamped ($bare_buf bare), SO_REUSEADDR forced at bind, $(grep -c . "$f") records"
